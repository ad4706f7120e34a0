"""Lesson 05's sentences about training runs (the LR range test, one-cycle against cosine), as
checks over seeds registered into tests/claims.py. Margins measured over seeds 0-9 on every
kernel set (default, avx2, avx512): the range test, 160-odd short steps, came out identical on
all three; the 30-epoch runs did not, and the bounds below hold for all of them.

The range-test runs need ``lrs`` and ``step_losses`` (recorded by every Run).
"""

from __future__ import annotations

import numpy as np

from lrlessons import lr_range
from tests.claims import CONFIGS, claim, span

CONFIGS.update({
    "05 range test": lr_range.train_settings(),  # 1e-4 -> 10 in 200 steps, SGD momentum 0.9
    "05 cosine 0.2, 30 epochs": dict(schedule="CosineAnnealingLR", base_lr=0.2, epochs=30),
    "05 one-cycle 0.2, 30 epochs": dict(schedule="OneCycleLR", max_lr=0.2, epochs=30,
                                        step_per="iteration"),
    "05 one-cycle 0.6, 30 epochs": dict(schedule="OneCycleLR", max_lr=0.6, epochs=30,
                                        step_per="iteration"),
})


def range_tests(runs) -> lr_range.RangeTests:
    return lr_range.RangeTests([lr_range.from_run(r) for r in runs])


@claim("05 range test: where the loss falls, bottoms out and blows up",
       "Over seeds 0-4 the loss is flat up to lr 0.001, falls from about 0.01 on, is lowest "
       "(median curve, smoothed) at about 0.6, and every seed blows up before lr 2.5. The rule "
       "(lowest point / 3) suggests 0.2 once rounded; each seed alone would suggest between "
       "about 0.1 and 0.4.",
       "05 range test")
def _(runs):
    tests = range_tests(runs["05 range test"])
    lrs, smoothed = tests.lrs, tests.smoothed
    flat = float(np.max(np.abs(smoothed[lrs <= 1e-3] / smoothed[0] - 1)))  # measured 0.9 %
    starts = float(smoothed[np.searchsorted(lrs, 0.01)] / smoothed[0])  # measured 0.93-0.94
    falling = float(smoothed[np.searchsorted(lrs, 0.1)] / smoothed[0])  # measured 0.72
    stops = [t.lrs[-1] for t in tests.tests if t.stopped]  # measured 0.66-1.87 (0-9: 2.35)
    each = tests.suggestions  # measured 0.104-0.392 (seeds 0-9 too)
    ok = (flat < 0.02 and starts < 0.98 and falling < 0.85 and 0.4 < tests.lowest_lr < 1.0
          and lr_range.rounded(tests.suggestion) == 0.2 and len(stops) == len(tests.tests)
          and max(stops) < 2.5 and min(each) > 0.08 and max(each) < 0.5)
    return ok, (f"flat to 1e-3 within {flat:.1%}, loss at 0.01 / start {starts:.2f}, at 0.1 "
                f"{falling:.2f}, lowest at "
                f"{tests.lowest_lr:.3f}, suggestion {tests.suggestion:.3f} -> "
                f"{lr_range.rounded(tests.suggestion):g}, stops at lr {span(stops, '.2f')} "
                f"({len(stops)} of {len(tests.tests)}), each seed's suggestion {span(each)}")


@claim("05 one-cycle and cosine from the suggested 0.2 end level",
       "One-cycle up to the suggested 0.2 and cosine down from 0.2, 30 epochs each, end level: "
       "validation accuracies within 2 points of each other, all about 95 %, and one-cycle's "
       "final training loss at most about 10 % above cosine's.",
       "05 cosine 0.2, 30 epochs", "05 one-cycle 0.2, 30 epochs")
def _(runs):
    pairs = list(zip(runs["05 one-cycle 0.2, 30 epochs"], runs["05 cosine 0.2, 30 epochs"]))
    acc = [100 * (o.final_accuracy - c.final_accuracy) for o, c in pairs]  # measured -0.7..1.3
    loss = [o.loss[-1] / c.loss[-1] for o, c in pairs]  # measured 1.003-1.081
    level = [r.final_accuracy for pair in pairs for r in pair]  # measured 0.940-0.957
    ok = (max(abs(a) for a in acc) < 2.0 and 0.95 < min(loss) and max(loss) < 1.15
          and 0.92 < min(level) and max(level) < 0.97
          and not any(r.diverged for pair in pairs for r in pair))
    return ok, (f"accuracy one-cycle minus cosine {span(acc, '.1f')} pts, final loss one-cycle / "
                f"cosine {span(loss)}, accuracies {span(level)}")


@claim("05 one-cycle to the lowest point itself ends lower",
       "One-cycle taken all the way up to the lowest point (max_lr=0.6), with its warm-up, ends "
       "with a lower training loss than at the suggested 0.2, in every seed.",
       "05 one-cycle 0.2, 30 epochs", "05 one-cycle 0.6, 30 epochs")
def _(runs):
    pairs = zip(runs["05 one-cycle 0.6, 30 epochs"], runs["05 one-cycle 0.2, 30 epochs"])
    loss = [hi.loss[-1] / lo.loss[-1] for hi, lo in pairs]  # measured 0.786-0.893
    return max(loss) < 0.95, f"final loss at 0.6 / at 0.2 {span(loss)}"
