"""Lesson 06's sentences about training runs (ReduceLROnPlateau on the playground's validation
loss, against a fixed cosine), as checks over seeds registered into tests/claims.py. Margins
measured over seeds 0-9 on every kernel set (default, avx2, avx512)."""

from __future__ import annotations

import numpy as np

from lrlessons.plateau import drops
from tests.claims import CONFIGS, claim, span

CONFIGS.update({
    "06 cosine, 40 epochs": dict(schedule="CosineAnnealingLR", base_lr=0.5, epochs=40),
    "06 plateau patience=0": dict(schedule="ReduceLROnPlateau", base_lr=0.5, factor=0.3,
                                  patience=0, epochs=40),
    "06 plateau patience=4": dict(schedule="ReduceLROnPlateau", base_lr=0.5, factor=0.3,
                                  patience=4, epochs=40),
})


def epoch_lrs(run) -> np.ndarray:
    """The lr of each epoch (stepped once per epoch, so every batch of an epoch shares it)."""
    return np.asarray(run.lrs)[::run.batches_per_epoch]


@claim("06 patience=0: noise cuts during the descent",
       "With patience=0 the first cut comes by epoch 8, while the validation loss is still "
       "falling (later it drops to less than 60 % of its value at that cut); by epoch 20 five "
       "cuts or more have left the lr below 0.002.",
       "06 plateau patience=0")
def _(runs):
    rs = runs["06 plateau patience=0"]
    first, later, at20 = [], [], []
    for r in rs:
        e = drops(epoch_lrs(r))[0]
        first.append(e)  # measured 2-7
        later.append(float(np.min(r.val_loss[e:]) / r.val_loss[e - 1]))  # measured <= 0.50
        at20.append(float(epoch_lrs(r)[20]))  # measured <= 0.0012 (0.5 * 0.3 ** 5)
    ok = max(first) <= 8 and max(later) < 0.6 and max(at20) < 0.002
    return ok, (f"first cut at epoch {span(first, 'd')}, lowest later val loss / at the cut "
                f"{span(later, '.2f')}, lr at epoch 20 {span(at20, '.2g')}")


@claim("06 patience=4 waits for the plateau and ends lower",
       "With patience=4 the first cut waits until epoch 8 or later, and the run ends with a "
       "lower training loss than patience=0 in every seed.",
       "06 plateau patience=0", "06 plateau patience=4")
def _(runs):
    first = [drops(epoch_lrs(r))[0] for r in runs["06 plateau patience=4"]]  # measured 9-16
    ratio = [a.loss[-1] / b.loss[-1] for a, b in zip(runs["06 plateau patience=0"],
                                                   runs["06 plateau patience=4"])]  # >= 1.16
    ok = min(first) >= 8 and min(ratio) > 1.08
    return ok, f"first cut at epoch {span(first, 'd')}, patience=0 / patience=4 final loss {span(ratio)}"


@claim("06 patience=4 ends close to the fixed cosine",
       "With patience=4 the plateau schedule ends close to the fixed cosine: its final training "
       "loss at most about 15 % higher, validation accuracies level, about 94 %.",
       "06 cosine, 40 epochs", "06 plateau patience=4")
def _(runs):
    pairs = list(zip(runs["06 plateau patience=4"], runs["06 cosine, 40 epochs"]))
    ratio = [p.loss[-1] / c.loss[-1] for p, c in pairs]  # measured 0.995-1.115
    acc = [r.final_accuracy for pair in pairs for r in pair]  # measured 0.930-0.953
    ok = max(ratio) < 1.2 and min(acc) > 0.92 and max(acc) < 0.97
    return ok, f"final loss plateau / cosine {span(ratio)}, accuracies {span(acc)}"
