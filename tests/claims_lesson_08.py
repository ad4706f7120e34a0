"""Lesson 08's sentences about training runs: adaptive optimizers on the playground at their usual
starting rates, and Adam with and without a cosine schedule, as bounds over seeds (see
tests/claims.py for the margin rule). Bounds set with benchmarks/claims_sweep.py --claims, which
prints each bound's margin and what was measured, over seeds 0-9 on the default, avx2 and avx512
kernel sets, each with and without MKL_CBWR=COMPATIBLE: 60 runs per configuration."""

from __future__ import annotations

import numpy as np

from tests.claims import CONFIGS, claim, each, mean, median

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
       "08 adagrad 0.01", "08 rmsprop 0.01", "08 adam 0.001", metric="training loss")
def _(runs):
    rms = runs["08 rmsprop 0.01"]
    out = []
    for name, label in (("08 adagrad 0.01", "Adagrad"), ("08 adam 0.001", "Adam")):
        # A ratio's noise is multiplicative: bounded on a log scale.
        out.append(each(f"{label}: log10(end loss / RMSprop's)",
                        [np.log10(end_loss(r) / end_loss(m)) for r, m in zip(runs[name], rms)],
                        low=np.log10(1.8), high=np.log10(4.5)))
        out.append(each(f"{label}: loss epoch 20 / epoch 15",
                        [r.loss[-1] / r.loss[-6] for r in runs[name]], high=0.93))
    return out


@claim("08 Adam: a cosine ends at about 70 % of the constant's loss",
       "With the same Adam at 0.03, the cosine ends at about 70 % of the constant rate's "
       "training loss (on the median between 60 and 80 %, at most 85 % in every seed).",
       "08 adam 0.03", "08 adam 0.03 cosine", metric="training loss")
def _(runs):
    ratio = [end_loss(k, 10) / end_loss(c, 10) for c, k in zip(runs["08 adam 0.03"],
                                                             runs["08 adam 0.03 cosine"])]
    return [each("end loss cosine / constant", ratio, high=0.85, fmt=".2f"),
            median("end loss cosine / constant", ratio, low=0.6, high=0.8, fmt=".2f")]


@claim("08 Adam: constant jitters, cosine settles",
       "The constant rate's loss keeps jumping from epoch to epoch at the end, the cosine's "
       "settles: over the last 10 epochs the constant's spread is on the median more than twice "
       "the same seed's cosine's (not in every seed: one seed's can be the smaller).",
       "08 adam 0.03", "08 adam 0.03 cosine", metric="training loss")
def _(runs):
    ratio = [np.log10(spread(c) / spread(k)) for c, k in zip(runs["08 adam 0.03"],
                                                             runs["08 adam 0.03 cosine"])]
    return [median("log10(relative spread constant / cosine), same seed", ratio,
                   low=np.log10(2))]


@claim("08 Adam: validation accuracy level with or without the cosine",
       "On held-out data the cosine does not do better: the final validation accuracies of "
       "Adam at 0.03 with and without the cosine are on average within 2 points of each "
       "other.",
       "08 adam 0.03", "08 adam 0.03 cosine", metric="validation accuracy")
def _(runs):
    # On the mean: 300 held-out points make one seed's difference jump by whole points.
    return [mean("validation accuracy cosine minus constant (pts)",
                 [100 * (k.final_accuracy - c.final_accuracy)
                  for c, k in zip(runs["08 adam 0.03"], runs["08 adam 0.03 cosine"])],
                 low=-2.0, high=2.0, fmt=".1f")]
