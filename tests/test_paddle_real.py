"""curve() against real PaddlePaddle schedulers (paddle.optimizer.lr, checked on 3.3.1), stepped.

Paddle computes every schedule in float64 Python arithmetic, so a mapping that is exact agrees to
rtol 1e-12. Three get an absolute floor of 1e-12 of their largest lr as well: CosineAnnealingDecay
and LinearLR update the previous lr recursively (the drift is ~1e-15 of the base lr up to T_max
and grows slowly past it), and CyclicLR with max_lr < base_lr computes the lr as a difference of
nearly equal numbers. The refusals and differences the course states are tested on real objects
too: each uses parameters lrlessons accepts, and shows Paddle raising or departing from curve().
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import lrlessons
from lrlessons.paddle_bridge import paddle_values as paddle_lrs

paddle = pytest.importorskip("paddle", reason="PaddlePaddle is a test extra: pip install -e "
                                             "'.[paddle]' (make test installs it)")
from paddle.optimizer import lr as plr  # noqa: E402

RTOL = 1e-12


@dataclass
class Case:
    """A catalogue entry with its parameters, and the Paddle object that should give its curve."""

    entry: str
    base_lr: float
    params: dict
    steps: int
    build: Callable[[], object]
    scale: float = 0.0  # largest lr of the curve, for the absolute floor; 0: relative only
    metrics: list | None = None  # ReduceOnPlateau: one per step() call


lrs = st.floats(1e-4, 10.0)
# Paddle's decays refuse gamma >= 1.0; the largest float below 1 is accepted.
below_one = st.one_of(st.floats(1e-6, 1.0, exclude_max=True),
                      st.sampled_from([1 - 1e-12, 1 - 2.0 ** -53]))
increasing = st.lists(st.integers(1, 250), max_size=5, unique=True).map(sorted)
FACTORS = [lambda t: 0.95 ** t, lambda t: 1.0 if t < 10 else (0.1 if t < 50 else 0.01),
           lambda t: min(1.0, (t + 1) / 8), lambda t: 1 / (1 + 0.05 * t)]
MULTIPLIERS = [lambda t: 0.95, lambda t: 0.5 if t % 10 == 0 else 1.0, lambda t: 1 - 1 / (t + 2),
               lambda t: 1.01 if t < 20 else 0.97]


@st.composite
def step_decay(draw):
    b, s, g = draw(lrs), draw(st.integers(1, 60)), draw(below_one)
    return Case("StepLR", b, dict(step_size=s, gamma=g), draw(st.integers(1, 400)),
                lambda: plr.StepDecay(learning_rate=b, step_size=s, gamma=g))


@st.composite
def multi_step_decay(draw):
    b, m, g = draw(lrs), draw(increasing), draw(below_one)
    return Case("MultiStepLR", b, dict(milestones=m, gamma=g), draw(st.integers(1, 400)),
                lambda: plr.MultiStepDecay(learning_rate=b, milestones=m, gamma=g))


@st.composite
def exponential_decay(draw):
    b, g = draw(lrs), draw(below_one)
    return Case("ExponentialLR", b, dict(gamma=g), draw(st.integers(1, 600)),
                lambda: plr.ExponentialDecay(learning_rate=b, gamma=g))


@st.composite
def cosine_annealing_decay(draw):
    b, T = draw(lrs), draw(st.integers(1, 150))
    e = draw(st.one_of(st.just(0.0), st.floats(0.0, 3 * b)))  # eta_min above base_lr: a rise
    return Case("CosineAnnealingLR", b, dict(T_max=T, eta_min=e), draw(st.integers(1, 600)),
                lambda: plr.CosineAnnealingDecay(learning_rate=b, T_max=T, eta_min=e),
                scale=max(b, e))


@st.composite
def linear_lr(draw):
    b = draw(lrs)
    s = draw(st.one_of(st.just(1.0), st.floats(1e-6, 1.0)))
    e = draw(st.one_of(st.sampled_from([0.0, 1.0]), st.floats(0.0, 1.0)))
    T = draw(st.integers(1, 150))
    return Case("LinearLR", b, dict(start_factor=s, end_factor=e, total_iters=T),
                draw(st.integers(1, 400)),
                lambda: plr.LinearLR(learning_rate=b, total_steps=T, start_factor=s,
                                     end_factor=e), scale=b)


@st.composite
def one_cycle(draw):
    three = draw(st.booleans())
    total = draw(st.integers(3 if three else 2, 500))  # three phases need pct_start * total > 1
    # Valid in both: warm-up longer than one step; Paddle wants phase_pct < 0.5 for three phases.
    pct = draw(st.floats(1.0 / total, 0.5 if three else 1.0, exclude_min=True, exclude_max=True))
    assume(pct * total > 1)
    mx, div, final = draw(lrs), draw(st.floats(1.0, 1000.0)), draw(st.floats(1.0, 1e6))
    anneal = draw(st.sampled_from(["cos", "linear"]))
    params = dict(max_lr=mx, pct_start=pct, three_phase=three, anneal_strategy=anneal,
                  div_factor=div, final_div_factor=final)
    if draw(st.booleans()):
        params["total_steps"] = total
    else:  # Paddle has no epochs / steps_per_epoch: total_steps is their product
        params.update(total_steps=None, epochs=1, steps_per_epoch=total)
    return Case("OneCycleLR", 0.1, params, draw(st.integers(1, total)),
                lambda: plr.OneCycleLR(max_learning_rate=mx, total_steps=total,
                                       divide_factor=div, end_learning_rate=mx / div / final,
                                       phase_pct=pct, anneal_strategy=anneal, three_phase=three))


@st.composite
def cyclic(draw):
    b, mx = draw(lrs), draw(lrs)  # max_lr below base_lr too: an upside-down triangle
    up = draw(st.integers(1, 60))
    down = draw(st.one_of(st.none(), st.integers(1, 60)))
    mode = draw(st.sampled_from(["triangular", "triangular2", "exp_range"]))
    g = draw(st.one_of(st.just(1.0), st.floats(0.9, 1.0), st.sampled_from([1 - 1e-9])))
    return Case("CyclicLR", b, dict(max_lr=mx, step_size_up=up, step_size_down=down, mode=mode,
                                    gamma=g), draw(st.integers(1, 800)),
                lambda: plr.CyclicLR(base_learning_rate=b, max_learning_rate=mx,
                                     step_size_up=up, step_size_down=down, mode=mode,
                                     exp_gamma=g), scale=max(b, mx))


@st.composite
def plateau(draw):
    """The exact region: cooldown 0, and an absolute threshold or none (see the tests below)."""
    n = draw(st.integers(1, 150))
    digits = draw(st.integers(0, 3))  # rounded metrics: ties and long plateaus
    trend = draw(st.sampled_from([0.0, -0.02, 0.02]))  # a loss that keeps improving (or not)
    noise = draw(st.lists(st.floats(-1.0, 1.0), min_size=n, max_size=n))
    metrics = [round(v + trend * i, digits) for i, v in enumerate(noise)]
    b = draw(lrs)
    kw = dict(mode=draw(st.sampled_from(["min", "max"])), factor=draw(st.floats(0.05, 0.95)),
              patience=draw(st.integers(0, 6)),
              min_lr=draw(st.sampled_from([0.0, 1e-3, 0.02])),
              threshold_mode=draw(st.sampled_from(["rel", "abs"])), cooldown=0)
    kw["threshold"] = 0.0 if kw["threshold_mode"] == "rel" else draw(
        st.sampled_from([0.0, 1e-4, 0.01, 0.1, 1.5]))
    eps = draw(st.sampled_from([1e-8, 1e-3, 0.0]))
    return Case("ReduceLROnPlateau", b, dict(metrics=metrics, eps=eps, **kw), n + 1,
                lambda: plr.ReduceOnPlateau(learning_rate=b, epsilon=eps, **kw), metrics=metrics)


@st.composite
def lambda_decay(draw):
    b, f = draw(lrs), draw(st.sampled_from(FACTORS))
    return Case("LambdaLR", b, dict(lr_lambda=f), draw(st.integers(1, 300)),
                lambda: plr.LambdaDecay(learning_rate=b, lr_lambda=f))


@st.composite
def multiplicative_decay(draw):
    b, f = draw(lrs), draw(st.sampled_from(MULTIPLIERS))
    return Case("MultiplicativeLR", b, dict(lr_lambda=f), draw(st.integers(1, 300)),
                lambda: plr.MultiplicativeDecay(learning_rate=b, lr_lambda=f))


@st.composite
def piecewise(draw):
    bounds = draw(st.lists(st.integers(1, 250), min_size=1, max_size=5, unique=True).map(sorted))
    values = draw(st.lists(st.floats(0.0, 2.0), min_size=len(bounds) + 1,
                           max_size=len(bounds) + 1))
    return Case("PiecewiseDecay", 0.1, dict(boundaries=bounds, values=values),
                draw(st.integers(1, 400)),
                lambda: plr.PiecewiseDecay(boundaries=bounds, values=values))


@st.composite
def natural_exp(draw):
    b, g = draw(lrs), draw(st.floats(1e-6, 30.0))
    return Case("NaturalExpDecay", b, dict(gamma=g), draw(st.integers(1, 500)),
                lambda: plr.NaturalExpDecay(learning_rate=b, gamma=g))


@st.composite
def inverse_time(draw):
    b, g = draw(lrs), draw(st.floats(1e-6, 100.0))
    return Case("InverseTimeDecay", b, dict(gamma=g), draw(st.integers(1, 500)),
                lambda: plr.InverseTimeDecay(learning_rate=b, gamma=g))


@st.composite
def polynomial_decay(draw):
    b, d = draw(lrs), draw(st.integers(1, 200))
    e = draw(st.one_of(st.sampled_from([0.0, 1e-4]), st.floats(0.0, 3 * b)))
    p, c = draw(st.floats(0.05, 6.0)), draw(st.booleans())
    return Case("PolynomialDecay", b, dict(decay_steps=d, end_lr=e, power=p, cycle=c),
                draw(st.integers(1, 700)),
                lambda: plr.PolynomialDecay(learning_rate=b, decay_steps=d, end_lr=e, power=p,
                                            cycle=c))


@st.composite
def polynomial_lr(draw):
    b, T, p = draw(lrs), draw(st.integers(1, 200)), draw(st.floats(0.05, 6.0))
    return Case("PolynomialLR", b, dict(total_iters=T, power=p), draw(st.integers(1, 400)),
                lambda: plr.PolynomialDecay(learning_rate=b, decay_steps=T, end_lr=0.0, power=p))


@st.composite
def noam(draw):
    b = draw(st.one_of(st.just(1.0), lrs))
    dm, w = draw(st.integers(1, 5000)), draw(st.integers(1, 10000))
    return Case("NoamDecay", b, dict(d_model=dm, warmup_steps=w), draw(st.integers(1, 3000)),
                lambda: plr.NoamDecay(d_model=dm, warmup_steps=w, learning_rate=b))


@st.composite
def linear_warmup(draw):
    b, w = draw(lrs), draw(st.integers(1, 200))
    s = draw(st.one_of(st.just(0.0), st.floats(0.0, 0.1)))
    e = draw(st.one_of(st.floats(0.0, 1.0), st.just(s + 1e-12)))
    assume(e > s)  # Paddle refuses end_lr <= start_lr: see the refusal test
    return Case("LinearWarmup", b, dict(warmup_steps=w, start_lr=s, end_lr=e),
                draw(st.integers(1, 400)),
                lambda: plr.LinearWarmup(learning_rate=b, warmup_steps=w, start_lr=s, end_lr=e))


@st.composite
def warm_restarts(draw):
    b, T0, m = draw(lrs), draw(st.integers(1, 40)), draw(st.integers(1, 4))
    e = draw(st.sampled_from([0.0, 1e-3]))
    return Case("CosineAnnealingWarmRestarts", b, dict(T_0=T0, T_mult=m, eta_min=e),
                draw(st.integers(1, 600)),
                lambda: plr.CosineAnnealingWarmRestarts(learning_rate=b, T_0=T0, T_mult=m,
                                                        eta_min=e))


@st.composite
def constant_via_lambda(draw):
    # Paddle has no ConstantLR; LambdaDecay writes it exactly.
    b, f, T = draw(lrs), draw(st.floats(1e-3, 1.0)), draw(st.integers(1, 50))
    return Case("ConstantLR", b, dict(factor=f, total_iters=T), draw(st.integers(1, 100)),
                lambda: plr.LambdaDecay(learning_rate=b,
                                        lr_lambda=lambda t: f if t < T else 1.0))


def _member(draw, b):
    """A catalogue schedule and the Paddle object for it, as LinearWarmup's learning_rate."""
    kind = draw(st.sampled_from(["cos", "step", "exp", "poly", "multi"]))
    if kind == "cos":
        T, e = draw(st.integers(1, 100)), draw(st.sampled_from([0.0, b / 100]))
        return ("CosineAnnealingLR", dict(T_max=T, eta_min=e)), lambda: plr.CosineAnnealingDecay(
            b, T, e)
    if kind == "step":
        s, g = draw(st.integers(1, 30)), draw(below_one)
        return ("StepLR", dict(step_size=s, gamma=g)), lambda: plr.StepDecay(b, s, g)
    if kind == "exp":
        g = draw(st.floats(0.8, 0.999))
        return ("ExponentialLR", dict(gamma=g)), lambda: plr.ExponentialDecay(b, g)
    if kind == "poly":
        T, p = draw(st.integers(1, 100)), draw(st.floats(0.5, 3.0))
        return ("PolynomialLR", dict(total_iters=T, power=p)), lambda: plr.PolynomialDecay(
            b, T, 0.0, p)
    m, g = draw(increasing), draw(below_one)
    return ("MultiStepLR", dict(milestones=m, gamma=g)), lambda: plr.MultiStepDecay(b, m, g)


@st.composite
def sequential_via_linear_warmup(draw):
    """SequentialLR([LinearLR(s, e, w), X], milestones=[w]) is LinearWarmup(X) with the ramp's
    lrs: Paddle restarts the wrapped schedule at its step 0 at the end of the warm-up."""
    b, w = draw(lrs), draw(st.integers(1, 40))
    s = draw(st.floats(0.01, 0.9))
    e = draw(st.floats(s, 1.0, exclude_min=True))
    member, build_member = _member(draw, b)
    assume(b * e > b * s)
    params = dict(schedulers=[("LinearLR", dict(start_factor=s, end_factor=e, total_iters=w)),
                              member], milestones=[w])
    return Case("SequentialLR", b, params, draw(st.integers(1, 300)),
                lambda: plr.LinearWarmup(learning_rate=build_member(), warmup_steps=w,
                                         start_lr=b * s, end_lr=b * e), scale=b)


EXACT = {
    "StepDecay": step_decay(), "MultiStepDecay": multi_step_decay(),
    "ExponentialDecay": exponential_decay(), "CosineAnnealingDecay": cosine_annealing_decay(),
    "LinearLR": linear_lr(), "OneCycleLR": one_cycle(), "CyclicLR": cyclic(),
    "ReduceOnPlateau": plateau(), "LambdaDecay": lambda_decay(),
    "MultiplicativeDecay": multiplicative_decay(), "PiecewiseDecay": piecewise(),
    "NaturalExpDecay": natural_exp(), "InverseTimeDecay": inverse_time(),
    "PolynomialDecay": polynomial_decay(), "PolynomialDecay-as-PolynomialLR": polynomial_lr(),
    "NoamDecay": noam(), "LinearWarmup": linear_warmup(),
    "CosineAnnealingWarmRestarts": warm_restarts(),
    "LambdaDecay-as-ConstantLR": constant_via_lambda(),
    "LinearWarmup-as-SequentialLR": sequential_via_linear_warmup(),
}


@pytest.mark.parametrize("paddle_class", sorted(EXACT))
def test_paddle_equals_curve(paddle_class):
    @settings(max_examples=60, deadline=None, derandomize=True)
    @given(EXACT[paddle_class])
    def check(case):
        expected = lrlessons.curve(case.entry, case.steps, base_lr=case.base_lr, **case.params)
        got = paddle_lrs(case.build(), case.steps, case.metrics)
        np.testing.assert_allclose(got, expected, rtol=RTOL, atol=1e-12 * case.scale)

    check()


def test_paddle_lrs_is_the_lr_the_optimizer_applies():
    """get_lr() is what paddle_lrs reads, and SGD moves a weight with unit gradient by exactly
    that lr rounded to float32."""
    steps, make = 12, lambda: plr.CosineAnnealingDecay(learning_rate=0.3, T_max=5, eta_min=0.01)
    expected = paddle_lrs(make(), steps)
    paddle.seed(0)
    layer = paddle.nn.Linear(1, 1, bias_attr=False)
    scheduler = make()
    opt = paddle.optimizer.SGD(learning_rate=scheduler, parameters=layer.parameters())
    for t in range(steps):
        before = layer.weight.numpy().astype(np.float32)
        layer(paddle.ones([1, 1])).sum().backward()  # d(loss)/d(weight) = 1
        assert opt.get_lr() == expected[t]
        opt.step()
        opt.clear_grad()
        assert layer.weight.numpy() == before - np.float32(expected[t])
        scheduler.step()


def test_noam_decay_starts_at_zero():
    # Paddle's get_lr: min(1, 0 * warmup_steps^-1.5) at step 0, so the first update does nothing.
    got = paddle_lrs(plr.NoamDecay(d_model=512, warmup_steps=4000), 2)
    assert got[0] == 0.0 == lrlessons.curve("NoamDecay", 1, base_lr=1.0)[0]
    assert got[1] > 0.0


# --- refusals: parameters lrlessons accepts and Paddle 3.3.1 does not -----------------------------


@pytest.mark.parametrize("entry, build, error, message", [
    ("StepLR", lambda: plr.StepDecay(learning_rate=0.1, step_size=30, gamma=1.0), ValueError,
     "gamma should be < 1.0"),
    ("MultiStepLR", lambda: plr.MultiStepDecay(learning_rate=0.1, milestones=[30, 80],
                                               gamma=1.0), ValueError, "gamma should be < 1.0"),
    # An assert: `python -O` drops it and Paddle then runs a flat schedule.
    ("ExponentialLR", lambda: plr.ExponentialDecay(learning_rate=0.1, gamma=1.0), AssertionError,
     "must be in interval (0.0, 1.0)"),
])
def test_paddle_refuses_gamma_one(entry, build, error, message):
    assert np.all(lrlessons.curve(entry, 100, base_lr=0.1, gamma=1.0) == 0.1)
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        build()


def test_linear_warmup_refuses_end_lr_not_above_start_lr():
    @settings(max_examples=40, deadline=None, derandomize=True)
    @given(st.floats(0.0, 0.5), st.floats(0.0, 1.0), st.integers(1, 100))
    def check(start, fraction, warmup):
        end = start * fraction  # end_lr <= start_lr: a flat or falling ramp
        # lrlessons refuses what Paddle, which owns the schedule, refuses, in both languages
        with pytest.raises(ValueError, match="end_lr must be greater than start_lr"):
            lrlessons.curve("LinearWarmup", warmup + 1, base_lr=0.1, warmup_steps=warmup,
                            start_lr=start, end_lr=end)
        with pytest.raises(AssertionError, match="must be greater than start_lr"):
            plr.LinearWarmup(learning_rate=0.1, warmup_steps=warmup, start_lr=start, end_lr=end)

    check()


def test_one_cycle_three_phase_refuses_pct_from_one_half():
    """torch (and lrlessons) allow pct_start up to (total + 1) / (2 total) with three phases;
    Paddle stops at 0.5."""
    @settings(max_examples=40, deadline=None, derandomize=True)
    @given(st.integers(2, 500), st.floats(0.0, 1.0, exclude_max=True))
    def check(total, where):
        pct = 0.5 + where * ((total + 1) / (2 * total) - 0.5)
        assume(pct * total > 1 and 2 * pct * total - 2 < total - 1)
        lrlessons.curve("OneCycleLR", total, total_steps=total, pct_start=pct,
                        three_phase=True)
        with pytest.raises(ValueError, match="'phase_pct' must be less than 0.5"):
            plr.OneCycleLR(max_learning_rate=0.1, total_steps=total, phase_pct=pct,
                           three_phase=True)

    check()


def test_one_cycle_refuses_stepping_past_total_steps():
    total = 10
    lrlessons.curve("OneCycleLR", total, total_steps=total)  # the lrs of total optimizer steps
    with pytest.raises(ValueError, match=r"steps must be in \[1, 10\]"):
        lrlessons.curve("OneCycleLR", total + 1, total_steps=total)
    paddle_lrs(plr.OneCycleLR(max_learning_rate=0.1, total_steps=total), total + 1)
    with pytest.raises(ValueError, match="Tried to step 11 times"):
        paddle_lrs(plr.OneCycleLR(max_learning_rate=0.1, total_steps=total), total + 2)


def test_piecewise_refuses_empty_boundaries():
    with pytest.raises(ValueError, match="boundaries must hold at least one step"):
        lrlessons.curve("PiecewiseDecay", 5, boundaries=[], values=[0.5])
    with pytest.raises(ValueError, match="boundaries cannot be empty"):
        plr.PiecewiseDecay(boundaries=[], values=[0.5])


def test_reduce_on_plateau_takes_factor_not_decay_rate():
    plr.ReduceOnPlateau(learning_rate=0.1, factor=0.5)
    with pytest.raises(TypeError, match="decay_rate"):
        plr.ReduceOnPlateau(learning_rate=0.1, decay_rate=0.5)


def test_cyclic_exp_gamma_must_be_a_float_literal():
    plr.CyclicLR(base_learning_rate=0.1, max_learning_rate=1.0, step_size_up=5, exp_gamma=1.0)
    with pytest.raises(TypeError, match="exp_gamma' must be float"):
        plr.CyclicLR(base_learning_rate=0.1, max_learning_rate=1.0, step_size_up=5, exp_gamma=1)


# --- where Paddle computes another curve than lrlessons (torch's rules) --------------------------


def _plateau(metrics, **kw):
    eps = kw.pop("eps", 1e-8)
    expected = lrlessons.curve("ReduceLROnPlateau", len(metrics) + 1, base_lr=1.0,
                               metrics=metrics, eps=eps, **kw)
    got = paddle_lrs(plr.ReduceOnPlateau(learning_rate=1.0, epsilon=eps, **kw),
                     len(metrics) + 1, metrics)
    return expected, got


def test_plateau_cooldown_ignores_metrics_in_paddle():
    # Paddle skips the comparison during cooldown (`if self.cooldown_counter > 0: ... else:`), so
    # the 0.5 seen in cooldown never becomes its best; torch records it, then counts 0.7 as bad.
    expected, got = _plateau([1.0, 2.0, 0.5, 0.7], patience=0, cooldown=1, factor=0.5,
                             threshold=0.0)
    np.testing.assert_array_equal(got[:4], expected[:4])
    assert (expected[4], got[4]) == (0.25, 0.5)


def test_plateau_relative_threshold_of_one_or_more_in_min_mode():
    # torch starts from best = inf and inf * (1 - threshold) is nan or -inf: nothing is ever
    # better. Paddle starts from best = None and takes the first metric.
    expected, got = _plateau([1.0, 1.0], patience=0, factor=0.5, threshold=1.0)
    assert list(expected) == [1.0, 0.5, 0.25] and list(got) == [1.0, 1.0, 0.5]


def test_plateau_relative_threshold_rounds_differently():
    # torch: 0.09 < 0.1 * (1 - 0.1) = 0.09000000000000001, better. Paddle: 0.09 < 0.1 - 0.1 * 0.1
    # = 0.09 is false, a bad epoch: with patience 0 it reduces.
    expected, got = _plateau([0.1, 0.09], patience=0, factor=0.5, threshold=0.1)
    assert list(expected) == [1.0, 1.0, 1.0] and list(got) == [1.0, 1.0, 0.5]


def test_linear_warmup_around_warm_restarts_with_t_mult_misses_a_restart():
    # LinearWarmup steps the wrapped schedule with step(epoch); CosineAnnealingWarmRestarts then
    # finds the cycle with int(math.log(243, 3)) = 4, not 5, at epoch 242 = 2 * (3^5 - 1) / 2.
    assert int(math.log(243, 3)) == 4
    warm = 1
    got = paddle_lrs(plr.LinearWarmup(plr.CosineAnnealingWarmRestarts(1.0, T_0=2, T_mult=3),
                                      warmup_steps=warm, start_lr=0.0, end_lr=0.5), warm + 243)
    expected = lrlessons.curve("CosineAnnealingWarmRestarts", 243, base_lr=1.0, T_0=2, T_mult=3)
    np.testing.assert_allclose(got[warm:warm + 242], expected[:242], rtol=RTOL, atol=1e-15)
    assert expected[242] == 1.0 and got[warm + 242] == 0.0
