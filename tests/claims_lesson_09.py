"""Lesson 09's sentences about training runs (gradient accumulation: a per-iteration cosine sized
in micro-batches against one sized in optimizer updates), as bounds over seeds registered into
tests/claims.py (see there for the margin rule). Bounds set with benchmarks/claims_sweep.py
--claims, which prints each bound's margin and what was measured, over seeds 0-9 on the default,
avx2 and avx512 kernel sets, each with and without MKL_CBWR=COMPATIBLE: 60 runs per configuration.
"""

from __future__ import annotations

import numpy as np

from tests.claims import CONFIGS, claim, each, jitter, mean

ACCUMULATE = dict(schedule="CosineAnnealingLR", base_lr=0.5, accumulate=4, step_per="iteration")
CONFIGS.update({
    "09 cosine in updates": dict(ACCUMULATE),  # T_max = 180 updates, filled in by train()
    "09 cosine in micro-batches": dict(ACCUMULATE, T_max=720),
})


@claim("09 accumulation: a cosine sized in micro-batches never settles",
       "With T_max counted in micro-batches (720) the training loss keeps jittering to the end: "
       "over the last 20 epochs it changes more from one epoch to the next than with T_max "
       "counted in updates (180) in every seed, on average over three times as much, and it "
       "ends on average a little higher (by less than a quarter); the validation accuracies "
       "stay level, on average within 1.5 points of each other.",
       "09 cosine in updates", "09 cosine in micro-batches",
       metric="training loss; validation accuracy")
def _(runs):
    pairs = list(zip(runs["09 cosine in micro-batches"], runs["09 cosine in updates"]))
    # Jitter ratios are multiplicative: bounded on a log scale.
    restless = [np.log10(jitter(w) / jitter(r)) for w, r in pairs]
    return [
        each("log10(jitter micro-batches / updates)", restless, low=0.0),
        mean("log10(jitter micro-batches / updates)", restless, low=np.log10(3)),
        each("log10(jitter), micro-batches", [np.log10(jitter(w)) for w, _ in pairs],
             low=np.log10(0.025)),
        mean("last-5-epoch loss micro-batches / updates",
             [np.mean(w.loss[-5:]) / np.mean(r.loss[-5:]) for w, r in pairs], low=1.0,
             high=1.25),
        # On the mean: 300 held-out points make one seed's difference jump by whole points.
        mean("validation accuracy micro-batches minus updates (pts)",
             [100 * (w.final_accuracy - r.final_accuracy) for w, r in pairs], low=-1.5,
             high=1.5, fmt=".1f"),
    ]
