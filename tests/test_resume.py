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
from tests.strategies import ENTRIES, base_lrs

warnings.filterwarnings("ignore", message=".*epoch parameter.*")

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


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_resume_continues_the_identical_curve(name):
    @settings(max_examples=12)
    @given(ENTRIES[name], base_lrs, st.data())
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
