"""Lesson 07's sentences about training runs in PyTorch: the oscillation rule ``calm_down``, taken
from the lesson's own cell, on the playground against the constant rate and the fixed cosine.
Margins measured over seeds 0-9 on every kernel set (default, avx2, avx512). Lesson 07's Keras
runs are checked in tests/test_lesson_07.py (Keras' fit is not the playground's loop)."""

from __future__ import annotations

import numpy as np

from tests.claims import CONFIGS, claim, span, tail_loss
from tests.notebook_code import definitions

calm_down = definitions("07_custom.ipynb", "def calm_down(", {"np": np})["calm_down"]

CONFIGS.update({
    "07 calm_down": dict(base_lr=0.5, on_epoch_end=calm_down),
})


@claim("07 calm_down: about half the constant rate's loss",
       "The rule that halves the lr when the loss oscillates ends with about half the training "
       "loss of the constant 0.5 (at most 0.7 of it in every seed).",
       "const 0.5", "07 calm_down")
def _(runs):
    ratio = [tail_loss(r) / tail_loss(c) for r, c in zip(runs["07 calm_down"],
                                                          runs["const 0.5"])]
    # measured over 10 seeds x 3 kernel sets: [0.33, 0.60], median 0.43-0.47
    ok = max(ratio) < 0.7 and np.median(ratio) < 0.55
    return ok, f"end loss / constant's {span(ratio, '.2f')} (median {np.median(ratio):.2f})"


@claim("07 calm_down: close to the cosine, not better",
       "It ends close to the fixed cosine without knowing the run's length: within about 15 % "
       "of its training loss, a little above it on the median, with the same accuracy "
       "(93-96 %).",
       "cosine", "07 calm_down")
def _(runs):
    pairs = list(zip(runs["07 calm_down"], runs["cosine"]))
    ratio = [tail_loss(r) / tail_loss(c) for r, c in pairs]  # measured [0.99, 1.16]
    acc = [r.final_accuracy for pair in pairs for r in pair]  # measured [0.940, 0.953]
    ok = (max(ratio) < 1.25 and min(ratio) > 0.95 and np.median(ratio) > 1.02
          and min(acc) > 0.93 and max(acc) < 0.96)
    return ok, (f"end loss / cosine's {span(ratio)} (median {np.median(ratio):.3f}), "
                f"accuracies {span(acc)}")


@claim("07 calm_down: ahead of the cosine in the middle of the run",
       "It is ahead for most of the run: between epochs 16 and 40 its training loss is about a "
       "quarter below the cosine's, because it cuts early; the cosine catches up at the end.",
       "cosine", "07 calm_down")
def _(runs):
    ratio = [float(np.mean(np.asarray(r.loss[15:40]) / np.asarray(c.loss[15:40])))
             for r, c in zip(runs["07 calm_down"], runs["cosine"])]  # measured [0.67, 0.78]
    return max(ratio) < 0.85, f"mean loss ratio over epochs 16-40 {span(ratio)}"
