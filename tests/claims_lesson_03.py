"""Lesson 03's sentences about playground training runs, as bounds over seeds (see tests/claims.py
for the bounds and the margin rule).

ExponentialLR from 0.5 with three decay rates, stepped once per epoch for 60 epochs. Bounds set with
benchmarks/claims_sweep.py --claims, which prints each bound's margin and what was measured, over
seeds 0-9 on the default, avx2 and avx512 kernel sets, each with and without MKL_CBWR=COMPATIBLE: 60
runs per configuration.
"""

from __future__ import annotations

from tests.claims import CONFIGS, claim, each, fact, mean, no_nan, tail_loss

CONFIGS.update({
    "exp 0.7": dict(schedule="ExponentialLR", base_lr=0.5, gamma=0.7),
    "exp 0.8": dict(schedule="ExponentialLR", base_lr=0.5, gamma=0.8),
    "exp 0.95": dict(schedule="ExponentialLR", base_lr=0.5, gamma=0.95),
    "exp const 0.5": dict(base_lr=0.5),  # lesson 03's own copy: other lessons' names may change
})


def _settled(run, start: int = 20) -> float:
    """Training loss at the last epoch over the loss at epoch ``start``: 1 means frozen."""
    return float(run.loss[-1] / run.loss[start - 1])


@claim("03 a fast decay freezes the loss early",
       "With gamma=0.7 the training loss stops falling after about 20 epochs (from epoch 20 to "
       "60 it changes by less than 1%); with gamma=0.8 by less than 5%. gamma=0.95 is still "
       "learning: its loss falls by more than a fifth over the same 40 epochs.",
       "exp 0.7", "exp 0.8", "exp 0.95", metric="training loss")
def _(runs):
    return [
        each("gamma=0.7: loss epoch 60 / epoch 20", [_settled(r) for r in runs["exp 0.7"]],
             low=0.99, high=1.01, fmt=".4f"),
        each("gamma=0.8: loss epoch 60 / epoch 20", [_settled(r) for r in runs["exp 0.8"]],
             low=0.95, high=1.05, fmt=".4f"),
        each("gamma=0.95: loss epoch 60 / epoch 20", [_settled(r) for r in runs["exp 0.95"]],
             high=0.8),
        fact("no NaN", no_nan(runs["exp 0.7"], runs["exp 0.8"], runs["exp 0.95"])),
    ]


@claim("03 a fast decay ends higher",
       "Frozen early, the fast decays end higher: gamma=0.7 on average with 1.9 to 3 times the "
       "training loss of gamma=0.95 (more than 1.4 times in every seed), gamma=0.8 with about "
       "1.5 times (1.4 to 1.6 on average, more than 1.25 times in every seed).",
       "exp 0.7", "exp 0.8", "exp 0.95", metric="training loss")
def _(runs):
    slow = runs["exp 0.95"]
    fast = [tail_loss(a) / tail_loss(b) for a, b in zip(runs["exp 0.7"], slow)]
    quick = [tail_loss(a) / tail_loss(b) for a, b in zip(runs["exp 0.8"], slow)]
    return [
        each("gamma=0.7: end loss / gamma=0.95's", fast, low=1.4, fmt=".2f"),
        mean("gamma=0.7: end loss / gamma=0.95's", fast, low=1.9, high=3.0, fmt=".2f"),
        each("gamma=0.8: end loss / gamma=0.95's", quick, low=1.25, fmt=".2f"),
        mean("gamma=0.8: end loss / gamma=0.95's", quick, low=1.4, high=1.6, fmt=".2f"),
    ]


@claim("03 a bigger budget is not enough",
       "The constant 0.5 spends more than three times gamma=0.95's budget and still ends with "
       "about twice its training loss (1.7 to 2.7 times on average, more than 1.3 times in "
       "every seed).",
       "exp const 0.5", "exp 0.95", metric="training loss")
def _(runs):
    ratio = [tail_loss(c) / tail_loss(e) for c, e in zip(runs["exp const 0.5"], runs["exp 0.95"])]
    return [each("end loss of the constant / gamma=0.95's", ratio, low=1.3, fmt=".2f"),
            mean("end loss of the constant / gamma=0.95's", ratio, low=1.7, high=2.7, fmt=".2f")]


def _points(run) -> float:
    """Final validation accuracy in percentage points (one of the 300 held-out points is 0.33)."""
    return 100 * float(run.final_accuracy)


@claim("03 on held-out data only the fastest decay loses",
       "On validation accuracy gamma=0.8 ends level with gamma=0.95 (on average within two "
       "points), and only gamma=0.7 ends lower, by about two points on average (measured: 2.1 "
       "on seeds 0-9, 1.6 on 30-39; the bound is the direction).",
       "exp 0.7", "exp 0.8", "exp 0.95", metric="validation accuracy")
def _(runs):
    slow = [_points(r) for r in runs["exp 0.95"]]
    fast = [_points(a) - b for a, b in zip(runs["exp 0.7"], slow)]
    quick = [_points(a) - b for a, b in zip(runs["exp 0.8"], slow)]
    return [
        mean("gamma=0.7: final val accuracy - gamma=0.95's (points)", fast, low=-4.5, high=0.0,
             fmt=".2f"),
        mean("gamma=0.8: final val accuracy - gamma=0.95's (points)", quick, low=-2.0, high=1.5,
             fmt=".2f"),
    ]
