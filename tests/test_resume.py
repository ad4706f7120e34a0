"""Checkpoint and resume: save optimizer and scheduler state at a random step, build fresh ones,
load, continue: the curve is identical to an uninterrupted run, for every entry."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import lrlessons
from lrlessons import SCHEDULES
from tests.strategies import PYTORCH

warnings.filterwarnings("ignore", message=".*epoch parameter.*")

OTHERS = {
    "PiecewiseDecay": st.tuples(st.just(dict(boundaries=[5, 12], values=[0.3, 0.1, 0.01])),
                                st.integers(2, 40)),
    "NaturalExpDecay": st.tuples(st.builds(lambda g: dict(gamma=g), st.floats(0.01, 1.0)),
                                 st.integers(2, 60)),
    "InverseTimeDecay": st.tuples(st.builds(lambda g: dict(gamma=g), st.floats(0.01, 2.0)),
                                  st.integers(2, 60)),
    "PolynomialDecay": st.tuples(st.builds(lambda d, c: dict(decay_steps=d, cycle=c),
                                           st.integers(1, 30), st.booleans()), st.integers(2, 90)),
    "NoamDecay": st.tuples(st.builds(lambda w: dict(d_model=64, warmup_steps=w),
                                     st.integers(1, 30)), st.integers(2, 80)),
    "LinearWarmup": st.tuples(st.builds(lambda w: dict(warmup_steps=w, end_lr=0.3),
                                        st.integers(1, 30)), st.integers(2, 60)),
    "WarmupLinear": st.tuples(st.builds(lambda w, n: dict(num_warmup_steps=w,
                                                          num_training_steps=w + n),
                                        st.integers(0, 20), st.integers(1, 40)),
                              st.integers(2, 80)),
    "WarmupCosine": st.tuples(st.builds(lambda w, n: dict(num_warmup_steps=w,
                                                          num_training_steps=w + n),
                                        st.integers(0, 20), st.integers(1, 40)),
                              st.integers(2, 80)),
    "InverseSqrt": st.tuples(st.builds(lambda w: dict(num_warmup_steps=w), st.integers(0, 20)),
                             st.integers(2, 80)),
    "WarmupStableDecay": st.tuples(st.just(dict(num_warmup_steps=5, num_stable_steps=10,
                                                num_decay_steps=10)), st.integers(2, 40)),
}
ALL = {**PYTORCH, **OTHERS}


def advance(optimizer, scheduler, metrics, t):
    optimizer.step()
    if metrics is not None:
        scheduler.step(metrics[t])
    else:
        scheduler.step()


def resumed_curve(name, steps, base_lr, params, cut):
    metrics = params.get("metrics")
    opt = lrlessons.make_optimizer(base_lr)
    sched = lrlessons.torch_scheduler(name, opt, **params)
    out = []
    for t in range(cut):
        out.append(opt.param_groups[0]["lr"])
        advance(opt, sched, metrics, t)
    buffer = io.BytesIO()
    torch.save({"optimizer": opt.state_dict(), "scheduler": sched.state_dict()}, buffer)
    buffer.seek(0)
    del opt, sched
    state = torch.load(buffer, weights_only=False)
    # As torch documents: build the scheduler first, then load the optimizer, then the scheduler.
    opt = lrlessons.make_optimizer(base_lr)
    sched = lrlessons.torch_scheduler(name, opt, **params)
    opt.load_state_dict(state["optimizer"])
    sched.load_state_dict(state["scheduler"])
    for t in range(cut, steps):
        out.append(opt.param_groups[0]["lr"])
        if t < steps - 1:
            advance(opt, sched, metrics, t)
    return np.array(out)


def test_every_entry_is_covered():
    assert set(ALL) == set(SCHEDULES)


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_resume_continues_the_identical_curve(name):
    @settings(max_examples=12, deadline=None, derandomize=True)
    @given(ALL[name], st.floats(1e-3, 1.0), st.data())
    def check(params_steps, base_lr, data):
        params, steps = params_steps
        steps = max(steps, 2)
        cut = data.draw(st.integers(1, steps - 1))
        whole = lrlessons.torch_curve(name, steps, base_lr=base_lr, **params)
        again = resumed_curve(name, steps, base_lr, params, cut)
        np.testing.assert_array_equal(again, whole)
        np.testing.assert_allclose(again, lrlessons.curve(name, steps, base_lr=base_lr, **params),
                                   rtol=1e-9, atol=1e-12 * base_lr)

    check()
