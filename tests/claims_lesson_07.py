"""Lesson 07's sentences about training runs in PyTorch: the oscillation rule ``calm_down``, taken
from the lesson's own cell, on the playground against the constant rate and the fixed cosine, as
bounds over seeds (see tests/claims.py for the margin rule). Bounds set with
benchmarks/claims_sweep.py --claims, which prints each bound's margin and what was measured, over
seeds 0-9 on the default, avx2 and avx512 kernel sets, each with and without MKL_CBWR=COMPATIBLE:
60 runs per configuration. Lesson 07's Keras runs are checked in tests/test_lesson_07.py (Keras'
fit is not the playground's loop)."""

from __future__ import annotations

import numpy as np

from tests.claims import CONFIGS, claim, each, fact, mean, median, no_nan, tail_loss
from tests.notebook_code import definitions

calm_down = definitions("07_custom.ipynb", "def calm_down(", {"np": np})["calm_down"]

CONFIGS.update({
    "07 calm_down": dict(base_lr=0.5, on_epoch_end=calm_down),
})


@claim("07 calm_down: about half the constant rate's loss",
       "The rule that halves the lr when the loss oscillates ends with about half the training "
       "loss of the constant 0.5 (on the median between 0.35 and 0.6 of it, at most 0.7 of it "
       "in every seed).",
       "const 0.5", "07 calm_down", metric="training loss")
def _(runs):
    ratio = [tail_loss(r) / tail_loss(c) for r, c in zip(runs["07 calm_down"],
                                                          runs["const 0.5"])]
    return [
        each("end loss / constant's", ratio, high=0.7, fmt=".2f"),
        median("end loss / constant's", ratio, low=0.35, high=0.6, fmt=".2f"),
        fact("no NaN", no_nan(runs["07 calm_down"])),
    ]


@claim("07 calm_down: close to the cosine, not better",
       "It ends close to the fixed cosine without knowing the run's length: between 10 % below "
       "and 25 % above its training loss in every seed, above it on average, with the validation "
       "accuracy of both in the same range (93-96 % in every seed).",
       "cosine", "07 calm_down", metric="training loss; validation accuracy")
def _(runs):
    pairs = list(zip(runs["07 calm_down"], runs["cosine"]))
    ratio = [tail_loss(r) / tail_loss(c) for r, c in pairs]
    return [
        each("end loss / cosine's", ratio, low=0.9, high=1.25),
        # On the mean: a median's standard error is larger, and the gap is small.
        mean("end loss / cosine's", ratio, low=1.0),
        each("final validation accuracy", [r.final_accuracy for pair in pairs for r in pair],
             low=0.93, high=0.96),
    ]


@claim("07 calm_down: ahead of the cosine in the middle of the run",
       "It is ahead for most of the run: between epochs 16 and 40 its training loss is below "
       "the cosine's in every seed, on average by about a quarter (20-35 %), because it cuts "
       "early; the cosine catches up at the end.",
       "cosine", "07 calm_down", metric="training loss")
def _(runs):
    ratio = [np.mean(np.asarray(r.loss[15:40]) / np.asarray(c.loss[15:40]))
             for r, c in zip(runs["07 calm_down"], runs["cosine"])]
    return [each("mean loss ratio over epochs 16-40", ratio, high=1.0),
            mean("mean loss ratio over epochs 16-40", ratio, low=0.65, high=0.8)]


def cut_epochs(run) -> list[int]:
    """Epochs that first train at a lower lr than the epoch before."""
    lrs = np.asarray(run.lrs)[::run.batches_per_epoch]
    return [int(e) for e in np.flatnonzero(np.diff(lrs) < 0) + 1]


@claim("07 calm_down keeps cutting, paced by its window",
       "The rule does not stop: on average more than six halvings in the 60 epochs, never two "
       "less than five epochs apart (it waits a full window after each cut).",
       "07 calm_down", metric="training loss (what the rule reads)")
def _(runs):
    cuts = [cut_epochs(r) for r in runs["07 calm_down"]]
    return [mean("halvings in 60 epochs", [len(c) for c in cuts], low=6, fmt=".1f"),
            fact("no two cuts less than 5 epochs apart",
                 all(np.all(np.diff(c) >= 5) for c in cuts))]
