"""Hypothesis strategies: valid parameters for every catalogue entry, the one source the torch,
Keras, Paddle, transformers and resume tests share.

Each ``Param`` spec gives its own strategy (its slider range, the range a learner can set, with
log sliders drawn log-uniformly); an entry whose parameters hang together (a piecewise table, a
metric sequence, member schedules, a function) adds its own in ``OVERRIDES``. Draws that break an
entry's cross-parameter rule are rejected by the entry's own ``resolve``, so the strategies never
restate those rules.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from lrlessons import SCHEDULES
from lrlessons.catalogue import resolve
from lrlessons.controls import slider_bounds
from lrlessons.params import Param

STEP_CAP = 2000  # the longest run drawn: past every interesting point of every slider range
base_lrs = st.floats(-4.0, 1.0).map(lambda e: round(10.0 ** e, 12))


@st.composite
def increasing(draw, low=1, high=200, min_size=1, max_size=4):
    values = draw(st.lists(st.integers(low, high), min_size=min_size, max_size=max_size,
                           unique=True))
    return sorted(values)


def param_strategy(p: Param) -> st.SearchStrategy | None:
    """Values of ``p`` a learner can set: its slider's range, or a list for a text box. None for
    kinds with no widget (functions, data, member schedules)."""
    if p.kind in ("int", "float"):
        low, high = slider_bounds(p)
        if p.kind == "int":
            values = st.integers(int(low), int(high))
        elif p.scale == "log":
            values = st.floats(math.log10(low), math.log10(high)).map(lambda e: 10.0 ** e)
        else:
            values = st.floats(low, high)
        values = st.one_of(st.just(p.default), values) if p.default is not None else values
        return st.one_of(st.none(), values) if p.optional else values
    if p.kind == "bool":
        return st.booleans()
    if p.kind == "choice":
        return st.sampled_from(p.choices)
    if p.kind == "ints":
        return increasing(max(1, int(p.low or 1)), 200, 0, 4)
    if p.kind == "floats":
        return st.lists(st.floats(p.low or 0.0, 2.0), min_size=1, max_size=4)
    return None


# --- entries whose parameters hang together ------------------------------------------------------

FACTORS = st.sampled_from([  # functions a learner writes: step tables, power laws, warm-ups
    lambda t: 0.95 ** t,
    lambda t: 1.0 if t < 10 else (0.1 if t < 50 else 0.01),
    lambda t: min(1.0, (t + 1) / 8),
    lambda t: 1 / (1 + 0.05 * t),
])
MULTIPLIERS = st.sampled_from([lambda t: 0.95, lambda t: 0.5 if t % 10 == 0 else 1.0,
                               lambda t: 1 - 1 / (t + 2)])


@st.composite
def plateau_metrics(draw):
    """A validation loss on a 1/64 grid (a random walk with flat stretches): float32 (Keras) and
    float64 (torch, Paddle) add and compare these values exactly."""
    n = draw(st.integers(10, 120))
    moves = draw(st.lists(st.sampled_from([-3, -1, 0, 0, 0, 0, 1, 2]), min_size=n, max_size=n))
    return list((256 + np.cumsum(moves)) / 64.0)


@st.composite
def plateau(draw):
    threshold = draw(st.sampled_from([0.0, 1 / 64, 1 / 16, 0.25, 1e-4, 0.01]))
    return dict(metrics=draw(plateau_metrics()), mode=draw(st.sampled_from(["min", "max"])),
                factor=draw(st.floats(0.05, 0.95)), patience=draw(st.integers(0, 5)),
                threshold=threshold, threshold_mode=draw(st.sampled_from(["rel", "abs"])),
                cooldown=draw(st.integers(0, 4)),
                min_lr=draw(st.sampled_from([0.0, 1e-4, 1e-3, 0.02])),
                eps=draw(st.sampled_from([0.0, 1e-8, 1e-4, 1e-2])))


@st.composite
def piecewise(draw):
    bounds = draw(increasing(1, 300, 0, 4))
    values = draw(st.lists(st.floats(0.0, 2.0), min_size=len(bounds) + 1,
                           max_size=len(bounds) + 1))
    return dict(boundaries=bounds, values=values)


def member(name: str) -> st.SearchStrategy:
    """(name, params) of a member schedule, its parameters drawn from its own specs."""
    return entry_params(name).map(lambda p: (name, p))


@st.composite
def sequential(draw):
    allowed = [n for n, s in SCHEDULES.items() if s.in_sequence != "never" and s.trainable]
    first = draw(st.sampled_from([n for n in allowed]))
    rest = draw(st.lists(st.sampled_from([n for n in allowed
                                          if SCHEDULES[n].in_sequence == "any"]),
                         min_size=1, max_size=2))
    members = [draw(member(n)) for n in [first, *rest]]
    milestones = draw(increasing(1, 150, len(members) - 1, len(members) - 1))
    return dict(schedulers=members, milestones=milestones)


@st.composite
def chained(draw):
    allowed = [n for n, s in SCHEDULES.items() if s.in_chain and s.trainable]
    names = draw(st.lists(st.sampled_from(allowed), min_size=1, max_size=3))
    return dict(schedulers=[draw(member(n)) for n in names])


OVERRIDES = {
    "LambdaLR": st.builds(lambda f: dict(lr_lambda=f), FACTORS),
    "MultiplicativeLR": st.builds(lambda f: dict(lr_lambda=f), MULTIPLIERS),
    "ReduceLROnPlateau": plateau(),
    "PiecewiseDecay": piecewise(),
    "SequentialLR": sequential(),
    "ChainedScheduler": chained(),
}


@st.composite
def entry_params(draw, name: str):
    """Valid parameters of entry ``name`` (a learner's slider values, or OVERRIDES)."""
    spec = SCHEDULES[name]
    if name in OVERRIDES:
        params = draw(OVERRIDES[name])
    else:
        params = {p.name: draw(param_strategy(p)) for p in spec.params}
    try:
        resolve(spec, params)
    except (ValueError, TypeError):
        assume(False)  # the entry's own cross-parameter rule refuses this draw
    return params


def _longest(spec, params) -> int:
    """A length that reaches past every step count among the parameters."""
    numbers = [v for v in params.values() if isinstance(v, int) and not isinstance(v, bool)]
    numbers += [x for v in params.values() if isinstance(v, list) for x in v
                if isinstance(x, int)]
    return max([spec.span, *numbers])


@st.composite
def entry(draw, name: str):
    """(params, steps) for entry ``name``: steps long enough to pass its interesting points."""
    spec = SCHEDULES[name]
    params = draw(entry_params(name))
    resolved = resolve(spec, params)
    if spec.metric:
        cap = len(params["metrics"]) + 1
    elif spec.length is not None:
        cap = min(STEP_CAP, spec.length(resolved))
    else:
        cap = min(STEP_CAP, 2 * _longest(spec, params) + 10)
    steps = draw(st.integers(1, cap))
    if spec.members == "chain":
        # torch can drive a chain holding a cosine with eta_min > 0 below 0: curve() refuses it
        # (tests/test_catalogue.py); such draws are not a line to compare.
        from lrlessons import curve

        try:
            curve(name, steps, **params)
        except ValueError:
            assume(False)
    return params, steps


ENTRIES = {name: entry(name) for name in SCHEDULES}
