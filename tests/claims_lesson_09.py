"""Lesson 09's sentences about training runs (gradient accumulation: a per-iteration cosine sized
in micro-batches against one sized in optimizer updates), as checks over seeds registered into
tests/claims.py. Margins measured over seeds 0-9 on every kernel set (default, avx2, avx512)."""

from __future__ import annotations

import numpy as np

from tests.claims import CONFIGS, claim, jitter, span

ACCUMULATE = dict(schedule="CosineAnnealingLR", base_lr=0.5, accumulate=4, step_per="iteration")
CONFIGS.update({
    "09 cosine in updates": dict(ACCUMULATE),  # T_max = 180 updates, filled in by train()
    "09 cosine in micro-batches": dict(ACCUMULATE, T_max=720),
})


@claim("09 accumulation: a cosine sized in micro-batches never settles",
       "With T_max counted in micro-batches (720) the training loss keeps jittering to the end: "
       "over the last 20 epochs it changes three times or more as much from one epoch to the "
       "next as with T_max counted in updates (180), and it ends on average about a tenth "
       "higher; the validation accuracies stay within a point of each other.",
       "09 cosine in updates", "09 cosine in micro-batches")
def _(runs):
    pairs = list(zip(runs["09 cosine in micro-batches"], runs["09 cosine in updates"]))
    restless = [jitter(w) / jitter(r) for w, r in pairs]  # measured >= 3.0
    wrong_jitter = [jitter(w) for w, _ in pairs]  # measured >= 0.037
    higher = [float(np.mean(w.loss[-5:]) / np.mean(r.loss[-5:])) for w, r in pairs]  # mean 1.13
    acc = [100 * (w.final_accuracy - r.final_accuracy) for w, r in pairs]  # measured [-1, 1]
    ok = (min(restless) > 2.0 and min(wrong_jitter) > 0.025 and 1.04 < np.mean(higher) < 1.25
          and max(abs(a) for a in acc) <= 1.5)
    return ok, (f"jitter micro-batches / updates {span(restless, '.2f')}, jitter (micro-batches) "
                f"{span(wrong_jitter)}, last-5-epoch loss ratio {span(higher)} (mean "
                f"{np.mean(higher):.3f}), accuracy difference {span(acc, '.1f')} pts")
