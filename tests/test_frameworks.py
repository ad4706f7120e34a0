"""Every line a card, an explorer or the rosetta table shows, run as written in its framework, gives
the curve the course plots: PyTorch, Keras 3, real PaddlePaddle and Hugging Face transformers,
over random parameter values from the sliders' ranges (tests/strategies.py).

A line is the text ``lrlessons.code`` returns; ``lrlessons.frameworks.run`` evaluates exactly that
text. Where a framework cannot write the values drawn, the entry must say why (in both languages);
where a line is equal only up to a step (Keras' cosine holds its floor), it is compared up to that
step and the card says so.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, note, settings

import lrlessons
from lrlessons import SCHEDULES
from lrlessons.catalogue import resolve
from lrlessons.frameworks import FRAMEWORKS, run, write
from tests.strategies import ENTRIES, base_lrs

U32 = 2.0 ** -24  # float32 unit roundoff: Keras computes in float32
LINES = [(name, fw) for name, spec in SCHEDULES.items() for fw in spec.code]
EXAMPLES = {"pytorch": 30, "transformers": 20, "keras": 20, "paddle": 25}


def framework_values(written, steps: int, base_lr: float, metrics):
    """The lr at steps 0..steps-1 of the object the written line builds, stepped as a training
    loop steps it; returns (values, the object)."""
    if written.framework in ("pytorch", "transformers"):
        optimizer = lrlessons.make_optimizer(base_lr)
        scheduler = run(written, optimizer)
        from lrlessons.torch_bridge import step_torch

        return step_torch(optimizer, scheduler, steps, metrics), scheduler
    if written.framework == "keras":
        obj = run(written)
        return lrlessons.keras_values(obj, steps, base_lr, metrics=metrics), obj
    from lrlessons.paddle_bridge import paddle_values

    obj = run(written)
    return paddle_values(obj, steps, metrics), obj


def keras_tolerance(obj, t: np.ndarray, c: np.ndarray, peak: float) -> np.ndarray:
    """How far float32 Keras may be from the float64 closed form, from the Keras object's own
    settings: a decay rate raised to the power t or a float32 lr updated t times compounds its
    rounding; a float32 step/period ratio inside a cosine shifts its phase."""
    kind = type(obj).__name__
    rel = ab = np.zeros(t.shape)
    if kind == "ExponentialDecay":
        rel = t / obj.decay_steps
    elif kind in ("LearningRateScheduler", "ReduceLROnPlateau"):
        rel = t.astype(float)
    elif kind in ("CosineDecay", "CosineDecayRestarts"):
        period = getattr(obj, "first_decay_steps", None) or obj.decay_steps
        ab = 1 + t / period
    elif kind == "PolynomialDecay":
        d = obj.decay_steps
        span = d * np.maximum(1, np.ceil(t / d)) if obj.cycle else d
        f = np.minimum(t, span) / span
        rel = obj.power * np.where(f < 1, f / np.where(f < 1, 1 - f, 1), 0.0)
        ab = obj.power * (1 + t / d)
    return 1e-6 * np.abs(c) + 1e-7 * peak + 4 * U32 * (rel * np.abs(c) + ab * peak)


def assert_equal_curves(framework, got, expected, obj, base_lr):
    t = np.arange(len(expected))
    peak = max(base_lr, float(np.max(expected, initial=0.0)))
    if framework == "keras":
        tol = keras_tolerance(obj, t, expected, peak)
    else:
        tol = 1e-9 * np.abs(expected) + 1e-12 * peak
    bad = np.flatnonzero(~(np.abs(got - expected) <= tol))
    if bad.size:
        i = bad[0]
        raise AssertionError(f"step {i}: {framework} gives {got[i]!r}, curve() {expected[i]!r} "
                             f"({bad.size} of {len(t)} steps differ)")


@pytest.mark.parametrize("name, framework", LINES, ids=[f"{n}-{f}" for n, f in LINES])
def test_every_line_runs_as_written(name, framework, request):
    if framework != "pytorch":
        request.getfixturevalue(framework)  # skips with a reason when not installed
    spec = SCHEDULES[name]

    @settings(max_examples=EXAMPLES[framework])
    @given(ENTRIES[name], base_lrs)
    def check(params_steps, base_lr):
        params, steps = params_steps
        written = write(spec, framework, base_lr, resolve(spec, params, steps))
        note(f"line: {written.text}")
        if written.text is None:
            # No line for these values: the card says why, in both languages.
            assert written.why is not None and written.why.en and written.why.zh
            return
        got, obj = framework_values(written, steps, base_lr, params.get("metrics"))
        expected = lrlessons.curve(name, steps, base_lr=base_lr, **params)
        upto = steps if written.exact_until is None else min(steps, written.exact_until + 1)
        assert_equal_curves(framework, got[:upto], expected[:upto], obj, base_lr)

    check()


def test_each_entry_shows_its_owners_line():
    for name, spec in SCHEDULES.items():
        assert spec.owner in spec.code, name
        assert set(spec.code) <= set(FRAMEWORKS), name


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_lines_show_plain_values(name):
    """What a learner copies holds numbers, not expressions left for the reader."""
    spec = SCHEDULES[name]
    params = {"lr_lambda": lambda t: 1.0} if any(p.kind == "callable" for p in spec.params) \
        else {}
    if spec.members:
        params = ({"schedulers": [("LinearLR", {}), ("ExponentialLR", {})], "milestones": [5]}
                  if spec.members == "sequence" else
                  {"schedulers": [("ConstantLR", {}), ("ExponentialLR", {})]})
    if spec.metric:
        params = {"metrics": [], "threshold_mode": "abs"}
    for framework in spec.code:
        written = write(spec, framework, 0.1, resolve(spec, params))
        if written.text is None:
            continue
        # A lambda's body is a formula by design; the arguments around it must be plain values.
        args = written.text.split("lambda")[0]
        for pattern in (r"\bfor\b", r"[{}]", r"\.\.\.", r"math\.",
                        r"(?<![\w.])\d[\d.]*(e-?\d+)?\s*[-+*/]\s*\d"):  # literal op literal
            assert not re.search(pattern, args), (framework, written.text)
