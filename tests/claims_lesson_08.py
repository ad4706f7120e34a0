"""Lesson 08's sentences about training runs: adaptive optimizers on the playground at their
usual starting rates, and Adam with and without a cosine schedule. Margins measured over seeds
0-9 on every kernel set (default, avx2, avx512) with benchmarks/claims_sweep.py."""

from __future__ import annotations

import numpy as np

from tests.claims import CONFIGS, claim, span

CONFIGS.update({
    "08 adagrad 0.01": dict(optimizer="adagrad", base_lr=0.01, epochs=20),
    "08 rmsprop 0.01": dict(optimizer="rmsprop", base_lr=0.01, momentum=0.0, epochs=20),
    "08 adam 0.001": dict(optimizer="adam", base_lr=0.001, epochs=20),
    "08 adam 0.03": dict(optimizer="adam", base_lr=0.03, epochs=40),
    "08 adam 0.03 cosine": dict(schedule="CosineAnnealingLR", optimizer="adam", base_lr=0.03,
                                epochs=40),
})


def end_loss(run, epochs: int = 5) -> float:
    return float(np.mean(run.loss[-epochs:]))


def spread(run) -> float:
    """Standard deviation of the training loss over the last 10 epochs, relative to its mean."""
    tail = np.asarray(run.loss[-10:])
    return float(np.std(tail) / np.mean(tail))


@claim("08 usual rates: Adagrad and Adam slow, still falling",
       "After 20 epochs Adagrad at 0.01 and Adam at 0.001 end with about two to four times the "
       "training loss of RMSprop at 0.01 (at least 1.8 times in every seed), and their loss is "
       "still falling.",
       "08 adagrad 0.01", "08 rmsprop 0.01", "08 adam 0.001")
def _(runs):
    rms = runs["08 rmsprop 0.01"]
    ratio = [end_loss(r) / end_loss(m) for name in ("08 adagrad 0.01", "08 adam 0.001")
             for r, m in zip(runs[name], rms)]  # measured [2.18, 3.76]
    falling = [r.loss[-1] / r.loss[-6] for name in ("08 adagrad 0.01", "08 adam 0.001")
               for r in runs[name]]  # measured <= 0.885
    ok = min(ratio) > 1.8 and max(ratio) < 4.5 and max(falling) < 0.93
    return ok, (f"end loss / RMSprop's {span(ratio, '.2f')}, loss epoch 20 / epoch 15 "
                f"{span(falling)}")


@claim("08 Adam: a cosine ends at about two thirds of the constant's loss",
       "With the same Adam at 0.03, the cosine ends at about two thirds of the constant rate's "
       "training loss (at most 0.85 of it in every seed).",
       "08 adam 0.03", "08 adam 0.03 cosine")
def _(runs):
    ratio = [end_loss(k, 10) / end_loss(c, 10) for c, k in zip(runs["08 adam 0.03"],
                                                             runs["08 adam 0.03 cosine"])]
    # measured [0.64, 0.77], median about 0.68
    ok = max(ratio) < 0.85 and 0.55 < np.median(ratio) < 0.75
    return ok, f"end loss cosine / constant {span(ratio)} (median {np.median(ratio):.2f})"


@claim("08 Adam: constant jitters, cosine settles",
       "The constant rate's loss keeps jumping from epoch to epoch at the end, the cosine's "
       "settles: over the last 10 epochs its spread is several times the cosine's, in every "
       "seed larger than the cosine's largest.",
       "08 adam 0.03", "08 adam 0.03 cosine")
def _(runs):
    const = [spread(r) for r in runs["08 adam 0.03"]]  # measured [0.080, 0.143]
    cosine = [spread(r) for r in runs["08 adam 0.03 cosine"]]  # measured [0.018, 0.038]
    ok = min(const) > max(cosine) and np.median(const) > 2.5 * np.median(cosine)
    return ok, f"relative spread constant {span(const)}, cosine {span(cosine)}"
