"""Lesson 03's sentences about playground training runs, as checks over seeds (see tests/claims.py).

ExponentialLR from 0.5 with three decay rates, stepped once per epoch for 60 epochs. Margins from
benchmarks/claims_sweep.py over seeds 0-9 on the default, avx2 and avx512 kernel sets, each with
MKL_ENABLE_INSTRUCTIONS unset, AVX2 and SSE4_2 (90 runs per configuration), noted beside each
bound.
"""

from __future__ import annotations

from tests.claims import CONFIGS, claim, no_nan, span, tail_loss

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
       "exp 0.7", "exp 0.8", "exp 0.95")
def _(runs):
    fast = [_settled(r) for r in runs["exp 0.7"]]  # measured [0.9972, 0.9984]
    quick = [_settled(r) for r in runs["exp 0.8"]]  # measured [0.961, 0.981]
    slow = [_settled(r) for r in runs["exp 0.95"]]  # measured [0.471, 0.712]
    ok = (min(fast) > 0.99 and max(fast) <= 1.0 + 1e-3 and min(quick) > 0.95
          and max(quick) <= 1.0 + 1e-3 and max(slow) < 0.8
          and no_nan(runs["exp 0.7"], runs["exp 0.8"], runs["exp 0.95"]))
    return ok, (f"loss epoch 60 / epoch 20: gamma=0.7 {span(fast, '.4f')}, 0.8 "
                f"{span(quick, '.4f')}, 0.95 {span(slow, '.3f')}")


@claim("03 a fast decay ends higher",
       "Frozen early, the fast decays end higher: gamma=0.7 with 2 to 3 times the training loss "
       "of gamma=0.95, gamma=0.8 with about 1.5 times, seed by seed.",
       "exp 0.7", "exp 0.8", "exp 0.95")
def _(runs):
    slow = runs["exp 0.95"]
    fast = [tail_loss(a) / tail_loss(b) for a, b in zip(runs["exp 0.7"], slow)]  # [2.08, 3.04]
    quick = [tail_loss(a) / tail_loss(b) for a, b in zip(runs["exp 0.8"], slow)]  # [1.43, 1.63]
    ok = 1.8 < min(fast) and max(fast) < 3.5 and 1.3 < min(quick) and max(quick) < 1.8
    return ok, (f"end loss / gamma=0.95's: gamma=0.7 {span(fast, '.2f')}, gamma=0.8 "
                f"{span(quick, '.2f')}")



@claim("03 a bigger budget is not enough",
       "The constant 0.5 spends more than three times gamma=0.95's budget and still ends with "
       "1.7 to 3 times its training loss, seed by seed.",
       "exp const 0.5", "exp 0.95")
def _(runs):
    ratio = [tail_loss(c) / tail_loss(e)
             for c, e in zip(runs["exp const 0.5"], runs["exp 0.95"])]  # measured [1.73, 2.90]
    return min(ratio) > 1.4, f"end loss of the constant / gamma=0.95's {span(ratio, '.2f')}"
