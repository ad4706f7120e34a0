"""curve() (closed form, numpy) against torch_curve() (torch's own schedulers, really stepped)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings

import lrlessons
from lrlessons import SCHEDULES
from tests.strategies import ENTRIES, base_lrs

warnings.filterwarnings("ignore", message=".*epoch parameter.*")

RTOL = 1e-9


def assert_same(closed, stepped, base_lr):
    # Relative to each value; an absolute floor far below any lr for values torch computes as a
    # difference of nearly equal numbers (a cosine at its minimum).
    np.testing.assert_allclose(closed, stepped, rtol=RTOL, atol=1e-12 * base_lr)


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_curve_equals_torch(name):
    """PyTorch entries against torch's own classes; Paddle and transformers entries against our
    torch scheduler of the same name (the one checkpoints save), on every entry's strategy."""

    @settings(max_examples=40)
    @given(ENTRIES[name], base_lrs)
    def check(params_steps, base_lr):
        params, steps = params_steps
        closed = lrlessons.curve(name, steps, base_lr=base_lr, **params)
        stepped = lrlessons.torch_curve(name, steps, base_lr=base_lr, **params)
        assert closed.dtype == np.float64 and closed.shape == (steps,)
        assert_same(closed, stepped, base_lr)

    check()


def test_torch_closed_form_functions_agree_with_recursive_steps():
    """The recursive torch update drifts from torch's own closed form only at rounding level, so
    the worked examples below are what a learner sees in either."""
    lr = lrlessons.torch_curve("CosineAnnealingLR", 301, base_lr=0.1, T_max=100)
    assert lr[100] == pytest.approx(0.0, abs=1e-15)
    assert lr[200] == pytest.approx(0.1, rel=1e-12)  # back at the top after 2 * T_max
    assert lr[300] == pytest.approx(0.0, abs=1e-15)


@pytest.mark.parametrize("name, params, expected", [
    # ResNet's 30-60-90 example, seen at the epochs where it changes.
    ("StepLR", dict(step_size=30, gamma=0.1), {0: 0.1, 29: 0.1, 30: 0.01, 60: 0.001, 90: 1e-4}),
    ("MultiStepLR", dict(milestones=[30, 80], gamma=0.1), {29: 0.1, 30: 0.01, 79: 0.01,
                                                          80: 0.001}),
    # The seed article's claim is wrong: total_iters=30 takes 30 steps, not 10.
    ("LinearLR", dict(start_factor=1.0, end_factor=0.5, total_iters=30),
     {0: 0.1, 1: 0.1 - 0.05 / 30, 10: 0.1 - 0.05 / 3, 29: 0.1 - 0.05 * 29 / 30, 30: 0.05,
      49: 0.05}),
    ("ExponentialLR", dict(gamma=0.99), {1: 0.099, 49: 0.1 * 0.99 ** 49}),
    # gamma > 1 grows the lr, as the LR range test does: PyTorch and lrlessons both allow it
    ("ExponentialLR", dict(gamma=1.5), {1: 0.15, 10: 0.1 * 1.5 ** 10}),
    ("ConstantLR", dict(factor=0.5, total_iters=4), {0: 0.05, 3: 0.05, 4: 0.1}),
])
def test_worked_examples(name, params, expected):
    steps = max(expected) + 1
    for lr in (lrlessons.curve(name, steps, **params), lrlessons.torch_curve(name, steps, **params)):
        for t, value in expected.items():
            assert lr[t] == pytest.approx(value, rel=1e-12), (name, t)


def test_one_cycle_ignores_base_lr_like_torch():
    a = lrlessons.curve("OneCycleLR", 50, base_lr=0.5, max_lr=0.2, total_steps=50)
    b = lrlessons.torch_curve("OneCycleLR", 50, base_lr=0.001, max_lr=0.2, total_steps=50)
    np.testing.assert_allclose(a, b, rtol=1e-12)
    assert a[0] == pytest.approx(0.2 / 25)


def test_cyclic_lr_base_lr_is_the_curve_base_lr():
    lr = lrlessons.curve("CyclicLR", 21, base_lr=0.01, max_lr=0.1, step_size_up=10)
    assert lr[0] == pytest.approx(0.01) and lr[10] == pytest.approx(0.1)
    assert lr[20] == pytest.approx(0.01)


def test_torch_scheduler_uses_torch_class_for_pytorch_entries():
    import torch

    opt = lrlessons.make_optimizer(0.1)
    sched = lrlessons.torch_scheduler("StepLR", opt, step_size=3)
    assert type(sched) is torch.optim.lr_scheduler.StepLR
    ours = lrlessons.torch_scheduler("NoamDecay", lrlessons.make_optimizer(1.0))
    assert isinstance(ours, torch.optim.lr_scheduler.LRScheduler)
    assert not isinstance(ours, torch.optim.lr_scheduler.LambdaLR)
    assert type(ours).__name__ == "NoamDecay"


@pytest.mark.parametrize("name, params", [("StepLR", dict(step_size=3, gamma=0.5)),
                                          ("CosineAnnealingLR", dict(T_max=7)),
                                          ("LinearLR", dict(start_factor=0.1, total_iters=4))])
def test_wrong_order_shifts_every_value_one_step_early(name, params):
    right = lrlessons.torch_curve(name, 13, **params)
    wrong = lrlessons.wrong_order_curve(name, 12, **params)
    np.testing.assert_array_equal(wrong, right[1:])
