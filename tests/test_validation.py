"""Bad input gets a clear bilingual error at lrlessons' boundary: it names the parameter, the value
received and the allowed range, in English and Chinese, and never reaches torch."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import lrlessons

CJK = re.compile(r"[\u4e00-\u9fff]")
SEQ = [("LinearLR", {}), ("ExponentialLR", {})]

# (name, steps, base_lr, params, error type, fragments the message must contain)
BAD = [
    ("StepLR", 10, -0.1, dict(step_size=3), ValueError, ["base_lr", "-0.1", "(0, inf)"]),
    ("StepLR", 10, 0.0, dict(step_size=3), ValueError, ["base_lr", "0", "(0, inf)"]),
    ("StepLR", 10, math.nan, dict(step_size=3), ValueError, ["base_lr", "nan", "finite"]),
    ("StepLR", 10, math.inf, dict(step_size=3), ValueError, ["base_lr", "inf"]),
    ("StepLR", 10, "0.1", dict(step_size=3), TypeError, ["base_lr", "'0.1'"]),
    ("StepLR", 0, 0.1, dict(step_size=3), ValueError, ["steps", "0", "[1, "]),
    ("StepLR", 2.5, 0.1, dict(step_size=3), TypeError, ["steps", "2.5", "integer"]),
    ("StepLR", 10, 0.1, dict(gamma=1.5), ValueError, ["gamma", "1.5", "(0, 1]"]),
    ("StepLR", 10, 0.1, dict(gamma=0.0), ValueError, ["gamma", "0", "(0, 1]"]),
    ("StepLR", 10, 0.1, dict(gamma=-0.5), ValueError, ["gamma", "-0.5", "(0, 1]"]),
    ("StepLR", 10, 0.1, dict(step_size=0), ValueError, ["step_size", "0", "[1, inf)"]),
    ("StepLR", 10, 0.1, dict(step_size=2.5), TypeError, ["step_size", "2.5", "integer"]),
    ("StepLR", 10, 0.1, dict(gama=0.5), TypeError, ["gama", "gamma", "StepLR"]),
    ("MultiStepLR", 10, 0.1, dict(milestones=[60, 30]), ValueError,
     ["milestones", "[60, 30]", "increasing"]),
    ("MultiStepLR", 10, 0.1, dict(milestones=[30, 30]), ValueError, ["milestones", "increasing"]),
    ("MultiStepLR", 10, 0.1, dict(milestones=[0, 5]), ValueError, ["milestones", "0", "[1, inf)"]),
    ("MultiStepLR", 10, 0.1, dict(milestones=30), TypeError, ["milestones", "30", "list"]),
    ("ConstantLR", 10, 0.1, dict(factor=0.0), ValueError, ["factor", "0", "(0, 1]"]),
    ("ConstantLR", 10, 0.1, dict(factor=2.0), ValueError, ["factor", "2", "(0, 1]"]),
    ("ConstantLR", 10, 0.1, dict(total_iters=0), ValueError, ["total_iters", "0", "[1, inf)"]),
    ("LinearLR", 10, 0.1, dict(start_factor=0.0), ValueError, ["start_factor", "(0, 1]"]),
    ("LinearLR", 10, 0.1, dict(end_factor=1.2), ValueError, ["end_factor", "1.2", "[0, 1]"]),
    ("ExponentialLR", 10, 0.1, dict(gamma=0.0), ValueError, ["gamma", "0", "(0, inf)"]),
    ("StepLR", 10, 0.1, dict(gamma=1.01), ValueError, ["gamma", "1.01", "(0, 1]",
                                                      "PyTorch itself accepts gamma > 1"]),
    ("PolynomialLR", 10, 0.1, dict(power=-1.0), ValueError, ["power", "-1", "(0, inf)"]),
    ("CosineAnnealingLR", 10, 0.1, dict(T_max=0), ValueError, ["T_max", "0", "[1, inf)"]),
    ("CosineAnnealingLR", 10, 0.1, dict(eta_min=-0.01), ValueError, ["eta_min", "-0.01",
                                                                      "[0, inf)"]),
    ("CosineAnnealingWarmRestarts", 10, 0.1, dict(T_0=0), ValueError, ["T_0", "0", "[1, inf)"]),
    ("CosineAnnealingWarmRestarts", 10, 0.1, dict(T_mult=0), ValueError, ["T_mult", "0"]),
    ("CosineAnnealingWarmRestarts", 10, 0.1, dict(T_mult=1.5), TypeError, ["T_mult", "1.5"]),
    ("CyclicLR", 10, 0.1, dict(max_lr=-1.0), ValueError, ["max_lr", "-1", "(0, inf)"]),
    ("CyclicLR", 10, 0.1, dict(mode="triangle"), ValueError, ["mode", "'triangle'",
                                                              "'triangular2'"]),
    ("CyclicLR", 10, 0.1, dict(step_size_up=0), ValueError, ["step_size_up", "0"]),
    ("OneCycleLR", 10, 0.1, dict(pct_start=1.0), ValueError, ["pct_start", "1", "(0, 1)"]),
    ("OneCycleLR", 10, 0.1, dict(total_steps=None), ValueError, ["total_steps", "epochs"]),
    ("OneCycleLR", 200, 0.1, dict(total_steps=100), ValueError, ["steps", "200", "[1, 100]"]),
    ("OneCycleLR", 10, 0.1, dict(total_steps=10, pct_start=0.05), ValueError, ["pct_start"]),
    ("OneCycleLR", 10, 0.1, dict(total_steps=10, pct_start=0.6, three_phase=True), ValueError,
     ["three_phase", "pct_start"]),
    ("OneCycleLR", 10, 0.1, dict(anneal_strategy="cosine"), ValueError, ["anneal_strategy",
                                                                         "'cos'"]),
    ("ReduceLROnPlateau", 10, 0.1, dict(), TypeError, ["metrics"]),
    ("ReduceLROnPlateau", 10, 0.1, dict(metrics=[1.0] * 3), ValueError, ["metrics", "9", "3"]),
    ("ReduceLROnPlateau", 10, 0.1, dict(metrics=[1.0, math.nan] + [1.0] * 8), ValueError,
     ["metrics", "nan"]),
    ("ReduceLROnPlateau", 10, 0.1, dict(metrics=[1.0] * 9, factor=1.0), ValueError,
     ["factor", "1", "(0, 1)"]),
    ("ReduceLROnPlateau", 10, 0.1, dict(metrics=[1.0] * 9, mode="minimum"), ValueError,
     ["mode", "'minimum'"]),
    ("ReduceLROnPlateau", 10, 0.1, dict(metrics=[1.0] * 9, patience=-1), ValueError,
     ["patience", "-1", "[0, inf)"]),
    ("LambdaLR", 10, 0.1, dict(), TypeError, ["lr_lambda"]),
    ("LambdaLR", 10, 0.1, dict(lr_lambda=0.5), TypeError, ["lr_lambda", "0.5"]),
    ("LambdaLR", 10, 0.1, dict(lr_lambda=lambda t: -1.0), ValueError, ["LambdaLR", "-0.1"]),
    ("LambdaLR", 10, 0.1, dict(lr_lambda=lambda t: math.inf if t == 3 else 1.0),
     ValueError, ["LambdaLR", "inf", "step 3"]),
    ("SequentialLR", 10, 0.1, dict(schedulers=SEQ, milestones=[3, 6]), ValueError,
     ["milestones", "2 schedulers", "1 milestones"]),
    ("SequentialLR", 10, 0.1, dict(schedulers=[("ReduceLROnPlateau", {}), ("StepLR", {})],
                                   milestones=[3]), ValueError, ["ReduceLROnPlateau",
                                                                 "schedulers[0]"]),
    ("SequentialLR", 10, 0.1, dict(schedulers=[("StepLr", {}), ("StepLR", {})], milestones=[3]),
     ValueError, ["'StepLr'", "StepLR"]),
    ("SequentialLR", 10, 0.1, dict(schedulers=["StepLR", "ExponentialLR"], milestones=[3]),
     TypeError, ["schedulers[0]", "(name, params)"]),
    ("ChainedScheduler", 10, 0.1, dict(schedulers=[("CosineAnnealingWarmRestarts", {})]), ValueError,
     ["ChainedScheduler", "CosineAnnealingWarmRestarts", "ExponentialLR"]),
    ("ChainedScheduler", 10, 0.1, dict(schedulers=[]), TypeError, ["schedulers", "non-empty"]),
    ("PiecewiseDecay", 10, 0.1, dict(boundaries=[5], values=[0.1]), ValueError,
     ["values", "2", "1"]),
    ("PiecewiseDecay", 10, 0.1, dict(boundaries=[5, 3], values=[0.1, 0.2, 0.3]), ValueError,
     ["boundaries", "increasing"]),
    ("PiecewiseDecay", 10, 0.1, dict(boundaries=[5], values=[0.1, -0.2]), ValueError,
     ["values", "-0.2", "[0, inf)"]),
    ("PiecewiseDecay", 10, 0.1, dict(boundaries=[], values=[0.1]), ValueError,
     ["boundaries", "at least one"]),
    ("LinearWarmup", 10, 0.1, dict(start_lr=0.2, end_lr=0.1), ValueError,
     ["end_lr", "start_lr=0.2", "end_lr=0.1"]),
    ("LinearWarmup", 10, 0.1, dict(start_lr=0.1, end_lr=0.1), ValueError,
     ["end_lr must be greater"]),
    ("NaturalExpDecay", 10, 0.1, dict(gamma=0.0), ValueError, ["gamma", "0", "(0, inf)"]),
    ("InverseTimeDecay", 10, 0.1, dict(gamma=-1.0), ValueError, ["gamma", "-1"]),
    ("PolynomialDecay", 10, 0.1, dict(decay_steps=0), ValueError, ["decay_steps", "0"]),
    ("PolynomialDecay", 10, 0.1, dict(cycle="yes"), TypeError, ["cycle", "'yes'"]),
    ("NoamDecay", 10, 0.1, dict(d_model=0), ValueError, ["d_model", "0", "[1, inf)"]),
    ("LinearWarmup", 10, 0.1, dict(start_lr=-0.1), ValueError, ["start_lr", "-0.1"]),
    ("WarmupLinear", 10, 0.1, dict(num_warmup_steps=200, num_training_steps=100), ValueError,
     ["num_warmup_steps", "200", "[0, num_training_steps=100]"]),
    ("WarmupCosine", 10, 0.1, dict(num_cycles=0.0), ValueError, ["num_cycles", "0"]),
    ("InverseSqrt", 10, 0.1, dict(timescale=0), ValueError, ["timescale", "0", "[1, inf)"]),
    ("WarmupStableDecay", 10, 0.1, dict(decay_type="exp"), ValueError,
     ["decay_type", "'exp'", "'1-sqrt'"]),
    ("WarmupStableDecay", 10, 0.1, dict(min_lr_ratio=1.5), ValueError,
     ["min_lr_ratio", "1.5", "[0, 1]"]),
]


def ids(case):
    return f"{case[0]}-{'-'.join(case[3]) or 'base'}"


def test_the_table_is_large_enough():
    assert len(BAD) >= 40


@pytest.mark.parametrize("case", BAD, ids=[f"{i}-{c[0]}" for i, c in enumerate(BAD)])
def test_bad_input_is_refused_in_both_languages(case):
    name, steps, base_lr, params, kind, fragments = case
    with pytest.raises(kind) as err:
        lrlessons.curve(name, steps, base_lr=base_lr, **params)
    message = str(err.value)
    en, _, zh = message.partition(" / ")
    assert zh and CJK.search(zh), f"no Chinese half: {message}"
    for fragment in fragments:
        assert fragment in en, f"{fragment!r} missing from {en!r}"
    assert "nan" not in zh.lower() or "nan" in en.lower()


@pytest.mark.parametrize("case", BAD, ids=[f"{i}-{c[0]}" for i, c in enumerate(BAD)])
def test_torch_curve_refuses_the_same_way(case):
    name, steps, base_lr, params, kind, fragments = case
    with pytest.raises(kind) as err:
        lrlessons.torch_curve(name, steps, base_lr=base_lr, **params)
    assert "/" in str(err.value) and CJK.search(str(err.value))
    # Raised by lrlessons itself, before torch saw the value.
    assert err.traceback[-1].path.parent.name == "lrlessons"


def test_unknown_name_lists_the_closest():
    with pytest.raises(ValueError) as err:
        lrlessons.curve("CosineAnnealing", 10)
    assert "CosineAnnealingLR" in str(err.value) and CJK.search(str(err.value))
    with pytest.raises(ValueError, match="StepLR"):
        lrlessons.curve("steplr", 10)


def test_torch_scheduler_validates_before_torch():
    opt = lrlessons.make_optimizer(0.1)
    with pytest.raises(ValueError, match="gamma must be in"):
        lrlessons.torch_scheduler("StepLR", opt, gamma=2.0)
    with pytest.raises(TypeError, match="optimizer must be a torch.optim.Optimizer"):
        lrlessons.torch_scheduler("StepLR", object(), step_size=2)


def test_no_nan_no_clamp_across_slider_ranges():
    """Every numeric parameter, at both ends of its slider range, gives a finite curve or a clear
    error: never NaN, inf or a negative lr."""
    from lrlessons import SCHEDULES

    for spec in SCHEDULES.values():
        if any(p.required for p in spec.params):
            continue
        for p in spec.params:
            if p.slider_range is None or None in p.slider_range:
                continue
            for v in p.slider_range:
                v = int(v) if p.kind == "int" else float(v)
                try:
                    lr = lrlessons.curve(spec.name, 300, **{p.name: v})
                except (ValueError, TypeError) as e:
                    assert CJK.search(str(e)), (spec.name, p.name, v)
                    continue
                assert np.all(np.isfinite(lr)) and np.all(lr >= 0), (spec.name, p.name, v)
