"""Lesson 05's sentences about training runs (the LR range test, one-cycle against cosine), as
bounds over seeds registered into tests/claims.py (see there for the margin rule). Bounds set with
benchmarks/claims_sweep.py --claims, which prints each bound's margin and what was measured, over
seeds 0-9 on the default, avx2 and avx512 kernel sets, each with and without MKL_CBWR=COMPATIBLE:
60 runs per configuration.

The lesson reads its range test from the median curve of five seeds (``RangeTests``), so the claims
about that curve read it for every five seeds in a row (``_fives``): one reading per simulated
machine in the test, twelve in the sweep, and their spread is the noise of what a learner sees. The
range-test runs need ``lrs`` and ``step_losses`` (recorded by every Run).
"""

from __future__ import annotations

import numpy as np

from lrlessons import lr_range
from tests.claims import CONFIGS, SEEDS, claim, each, fact, no_nan

CONFIGS.update({
    "05 range test": lr_range.train_settings(),  # 1e-4 -> 10 in 200 steps, SGD momentum 0.9
    "05 cosine 0.2, 30 epochs": dict(schedule="CosineAnnealingLR", base_lr=0.2, epochs=30),
    "05 one-cycle 0.2, 30 epochs": dict(schedule="OneCycleLR", max_lr=0.2, epochs=30,
                                        step_per="iteration"),
    "05 one-cycle 0.6, 30 epochs": dict(schedule="OneCycleLR", max_lr=0.6, epochs=30,
                                        step_per="iteration"),
})


def _fives(runs) -> list[lr_range.RangeTests]:
    """The range tests of every ``len(SEEDS)`` runs in a row, as the lesson reads its five seeds
    (the runs come seed by seed, machine after machine, so each group is one machine's)."""
    tests = [lr_range.from_run(r) for r in runs]
    n = len(SEEDS)
    return [lr_range.RangeTests(tests[i:i + n]) for i in range(0, len(tests) - n + 1, n)]


def _at(tests: lr_range.RangeTests, lr: float) -> float:
    """The median curve's smoothed loss at ``lr``, over its first value."""
    return float(tests.smoothed[np.searchsorted(tests.lrs, lr)] / tests.smoothed[0])


@claim("05 range test: where the loss falls, bottoms out and blows up",
       "Over five seeds the loss is flat up to lr 0.001, falls from about 0.01 on, and is lowest "
       "(median curve, smoothed) between about 0.25 and 1; every seed blows up before the test "
       "ends, before lr 5. So the rule (lowest point / 3) suggests between about 0.08 and 0.35 "
       "(0.2 is in that range, not a precise answer); each seed alone would suggest anywhere "
       "between about 0.05 and 0.7.",
       "05 range test", metric="training loss (each batch's, during the test)")
def _(runs):
    fives = _fives(runs["05 range test"])
    seeds = [lr_range.from_run(r) for r in runs["05 range test"]]
    # Where a curve bottoms out and blows up moves by factors: lrs are bounded on a log scale.
    return [
        each("median curve: largest change up to lr 1e-3",
             [np.max(np.abs(t.smoothed[t.lrs <= 1e-3] / t.smoothed[0] - 1)) for t in fives],
             high=0.02, fmt=".4f"),
        each("median curve: loss at lr 0.01 / at the start", [_at(t, 0.01) for t in fives],
             high=0.98),
        each("median curve: loss at lr 0.1 / at the start", [_at(t, 0.1) for t in fives],
             high=0.85),
        each("median curve: log10(lr of the lowest point)",
             [np.log10(t.lowest_lr) for t in fives], low=np.log10(0.25), high=0.0),
        each("median curve: log10(suggestion)", [np.log10(t.suggestion) for t in fives],
             low=np.log10(0.08), high=np.log10(0.35)),
        fact("every seed blows up", all(t.stopped for t in seeds)),
        each("log10(lr where a seed blows up)", [np.log10(t.lrs[-1]) for t in seeds],
             high=np.log10(5)),
        each("log10(each seed's own suggestion)", [np.log10(t.suggestion) for t in seeds],
             low=np.log10(0.05), high=np.log10(0.7)),
    ]


@claim("05 one-cycle and cosine from the suggested 0.2 end level",
       "One-cycle up to the suggested 0.2 and cosine down from 0.2, 30 epochs each, end level: "
       "validation accuracies within 2 points of each other, all about 95 %, and one-cycle's "
       "final training loss at most about 10 % above cosine's.",
       "05 cosine 0.2, 30 epochs", "05 one-cycle 0.2, 30 epochs",
       metric="validation accuracy; training loss")
def _(runs):
    pairs = list(zip(runs["05 one-cycle 0.2, 30 epochs"], runs["05 cosine 0.2, 30 epochs"]))
    return [
        each("validation accuracy one-cycle minus cosine (pts)",
             [100 * (o.final_accuracy - c.final_accuracy) for o, c in pairs], low=-2.0,
             high=2.0, fmt=".1f"),
        each("final loss one-cycle / cosine", [o.loss[-1] / c.loss[-1] for o, c in pairs],
             low=0.95, high=1.15),
        each("final validation accuracy", [r.final_accuracy for pair in pairs for r in pair],
             low=0.92, high=0.97),
        fact("no NaN", no_nan(*pairs)),
    ]


@claim("05 one-cycle to the lowest point itself ends lower",
       "One-cycle taken three times higher (max_lr=0.6, inside the range where the range test "
       "bottoms out), with its warm-up, ends with a lower training loss than at 0.2, in every "
       "seed.",
       "05 one-cycle 0.2, 30 epochs", "05 one-cycle 0.6, 30 epochs", metric="training loss")
def _(runs):
    pairs = zip(runs["05 one-cycle 0.6, 30 epochs"], runs["05 one-cycle 0.2, 30 epochs"])
    return [each("final loss at 0.6 / at 0.2", [hi.loss[-1] / lo.loss[-1] for hi, lo in pairs],
                 high=0.95)]
