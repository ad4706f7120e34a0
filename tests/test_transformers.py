"""The warmup family against Hugging Face transformers' own schedule functions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrlessons

transformers = pytest.importorskip("transformers")
from transformers import (  # noqa: E402
    get_cosine_schedule_with_warmup,
    get_inverse_sqrt_schedule,
    get_linear_schedule_with_warmup,
    get_wsd_schedule,
)


def stepped(factory, steps, base_lr, **kwargs):
    """The lr transformers' scheduler puts in the optimizer, step by step."""
    opt = lrlessons.make_optimizer(base_lr)
    sched = factory(opt, **kwargs)
    out = []
    for _ in range(steps):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return np.array(out)


def same(name, factory, steps, base_lr, ours, theirs):
    a = lrlessons.curve(name, steps, base_lr=base_lr, **ours)
    b = stepped(factory, steps, base_lr, **theirs)
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    # and our own torch scheduler for the entry walks the same curve
    np.testing.assert_allclose(lrlessons.torch_curve(name, steps, base_lr=base_lr, **ours), b,
                               rtol=1e-12, atol=1e-15)


warm = st.integers(0, 60)
lr = st.floats(1e-5, 1.0)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(warm, st.integers(1, 200), lr, st.integers(1, 300))
def test_warmup_linear(w, extra, base_lr, steps):
    kw = dict(num_warmup_steps=w, num_training_steps=w + extra)
    same("WarmupLinear", get_linear_schedule_with_warmup, steps, base_lr, kw, kw)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(warm, st.integers(1, 200), st.floats(0.25, 3.0), lr, st.integers(1, 300))
def test_warmup_cosine(w, extra, cycles, base_lr, steps):
    kw = dict(num_warmup_steps=w, num_training_steps=w + extra, num_cycles=cycles)
    same("WarmupCosine", get_cosine_schedule_with_warmup, steps, base_lr, kw, kw)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(warm, st.one_of(st.none(), st.integers(1, 500)), lr, st.integers(1, 300))
def test_inverse_sqrt(w, timescale, base_lr, steps):
    kw = dict(num_warmup_steps=w, timescale=timescale)
    same("InverseSqrt", get_inverse_sqrt_schedule, steps, base_lr, kw, kw)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(warm, st.integers(0, 80), st.integers(0, 80), st.sampled_from(["linear", "cosine", "1-sqrt"]),
       st.sampled_from(["linear", "cosine", "1-sqrt"]), st.floats(0.0, 1.0), st.floats(0.25, 2.0),
       lr, st.integers(1, 300))
def test_warmup_stable_decay(w, s, d, decay, warmup, ratio, cycles, base_lr, steps):
    kw = dict(num_warmup_steps=w, num_stable_steps=s, num_decay_steps=d, decay_type=decay,
              warmup_type=warmup, min_lr_ratio=ratio, num_cycles=cycles)
    same("WarmupStableDecay", get_wsd_schedule, steps, base_lr, kw, kw)


def test_worked_warmup_linear():
    lr = lrlessons.curve("WarmupLinear", 101, base_lr=1.0, num_warmup_steps=10,
                         num_training_steps=100)
    assert lr[0] == 0.0 and lr[5] == 0.5 and lr[10] == 1.0
    assert lr[55] == pytest.approx(0.5) and lr[100] == 0.0
