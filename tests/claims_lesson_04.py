"""Lesson 04's sentences about playground training runs, as bounds over seeds (see tests/claims.py
for the bounds and the margin rule).

Where warm-up matters on the playground: Adam at lr 0.5 (high for Adam) with batches of 400 (3
optimizer steps per epoch, 180 in 60 epochs), a cosine stepped per batch, without and with 15 steps
(5 epochs) of linear warm-up. And where it does not: SGD with momentum at lr 3.0, whose rate is too
large for the whole run, not only for its start (3.0, as lesson 00's collapse: 2.0 did not collapse
in every run there). Bounds set with benchmarks/claims_sweep.py --claims, which prints each bound's
margin and what was measured, over seeds 0-9 on the default, avx2 and avx512 kernel sets, each with
and without MKL_CBWR=COMPATIBLE: 60 runs per configuration.

What was tried and did NOT give a warm-up effect that holds over seeds (lesson 04's handoff has the
figures): SGD+momentum at lr 1.0 and 2.0 (constant or cosine, 5- to 30-epoch warm-ups), Adam at
0.03-1.0 with batches of 100, deeper (6 and 8 hidden layers, torch and He init) and wider (512)
networks, batches of 400-1200 with SGD.
"""

from __future__ import annotations

import numpy as np

from tests.claims import CHANCE_LOSS, CONFIGS, claim, each, fact, mean, no_nan, tail_loss

_ADAM_400 = dict(optimizer="adam", base_lr=0.5, batch_size=400, step_per="iteration")
CONFIGS.update({
    "adam b400 cosine": dict(schedule="CosineAnnealingLR", **_ADAM_400),
    "adam b400 warm-up 15 + cosine": dict(schedule="WarmupCosine", num_warmup_steps=15,
                                          **_ADAM_400),
    "sgd warm-up 60 to 3.0": dict(schedule="LinearWarmup", base_lr=3.0, step_per="iteration",
                                  warmup_steps=60, start_lr=0.0, end_lr=3.0),
    "sgd const 3.0": dict(base_lr=3.0),
})


@claim("04 without warm-up Adam's first epoch blows up",
       "Without warm-up the first epoch's training loss jumps above 11 in every seed, ten times "
       "that of a uniform guess (ln 3 = 1.1): the first steps throw the network far off. With "
       "the warm-up it stays near 1.1 (below 1.4).",
       "adam b400 cosine", "adam b400 warm-up 15 + cosine", metric="training loss")
def _(runs):
    return [
        # A blow-up's size is multiplicative noise: bounded on a log scale.
        each("log10(first-epoch loss) without warm-up",
             [np.log10(r.loss[0]) for r in runs["adam b400 cosine"]],
             low=np.log10(10 * CHANCE_LOSS)),
        each("first-epoch loss with warm-up",
             [r.loss[0] for r in runs["adam b400 warm-up 15 + cosine"]],
             high=1.25 * CHANCE_LOSS),
    ]


@claim("04 with warm-up every seed trains",
       "With 15 steps of linear warm-up every seed ends at 92% validation accuracy or more, and "
       "its training loss ends on average at least 1.5 times lower than the same seed's without "
       "warm-up. Without warm-up the seeds scatter: five seeds cannot tell how often a run "
       "ends far below, so no bound is claimed on its accuracy.",
       "adam b400 cosine", "adam b400 warm-up 15 + cosine",
       metric="validation accuracy; training loss")
def _(runs):
    cold, warm = runs["adam b400 cosine"], runs["adam b400 warm-up 15 + cosine"]
    return [
        each("final validation accuracy with warm-up", [r.final_accuracy for r in warm],
             low=0.92),
        mean("log10(end loss without / with warm-up), same seed",
             [np.log10(tail_loss(c) / tail_loss(w)) for c, w in zip(cold, warm)],
             low=np.log10(1.5)),
        fact("no NaN", no_nan(cold, warm)),
    ]


@claim("04 warm-up does not rescue SGD at 3.0",
       "SGD with momentum at 3.0: with a 5-epoch warm-up the network learns while the rate is "
       "small (above chance, 33%, in every seed within the first five epochs, on average above "
       "55%), then collapses to one class and ends at chance (below 45%), like the constant "
       "3.0.",
       "sgd warm-up 60 to 3.0", "sgd const 3.0", metric="validation accuracy; training loss")
def _(runs):
    warm, const = runs["sgd warm-up 60 to 3.0"], runs["sgd const 3.0"]
    early = [np.max(r.accuracy[:5]) for r in warm]
    return [
        each("best validation accuracy in the first 5 epochs", early, low=0.4),
        mean("best validation accuracy in the first 5 epochs", early, low=0.55),
        each("final validation accuracy, warm-up and constant",
             [r.final_accuracy for r in warm + const], high=0.45),
        each("loss last 10 epochs, warm-up", [tail_loss(r) for r in warm],
             low=0.95 * CHANCE_LOSS),
        fact("no NaN", no_nan(warm)),
    ]
