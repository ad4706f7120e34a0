"""The rosetta table (lrlessons.docs.rosetta, lesson 10): every schedule of the catalogue in one
row, each framework's cell the very line ``lrlessons.code`` writes, run as written and equal to
curve() for the table's example values; "no equivalent" exactly where the entry has no line for
that framework; a numbered note where it has one but not for these values."""

from __future__ import annotations

import numpy as np
import pytest

import lrlessons
from lrlessons import SCHEDULES
from lrlessons.catalogue import resolve
from lrlessons.docs import rosetta, rosetta_cells
from lrlessons.frameworks import FRAMEWORKS, write
from tests.test_frameworks import assert_equal_curves, framework_values

CELLS = rosetta_cells()
LINES = [(n, fw) for n, row in CELLS.items() for fw, (kind, _) in row.items() if kind == "line"]


def example(name: str) -> dict:
    return SCHEDULES[name].example_params


def test_every_schedule_has_one_row_with_every_framework():
    assert list(CELLS) == list(SCHEDULES)
    table = rosetta()
    for name in SCHEDULES:
        assert table.count(f"| `{name}` |") == 1, name
    for row in CELLS.values():
        assert list(row) == list(FRAMEWORKS)


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_a_cell_is_the_line_code_writes_or_says_why_not(name):
    spec = SCHEDULES[name]
    for fw, (kind, text) in CELLS[name].items():
        if fw not in spec.code:
            assert kind == "none"
            continue
        if kind == "line":
            assert text == lrlessons.code(name, fw, **example(name))
        else:
            assert kind == "refused" and text
            with pytest.raises(ValueError):
                lrlessons.code(name, fw, **example(name))


def test_notes_are_numbered_in_both_languages():
    refused = sum(kind == "refused" for row in CELLS.values() for kind, _ in row.values())
    assert refused > 0
    for lang in ("en", "zh"):
        lrlessons.use_language(lang)
        try:
            table = rosetta()
        finally:
            lrlessons.use_language("en")
        notes = [ln for ln in table.splitlines() if ln.startswith("(")]
        assert [ln.split(")")[0] for ln in notes] == [f"({i}" for i in range(1, refused + 1)]
        marker = "not for these values" if lang == "en" else "这组参数下没有"
        assert table.count(marker) == refused


@pytest.mark.parametrize("name, framework", LINES, ids=[f"{n}-{f}" for n, f in LINES])
def test_each_line_of_the_table_runs_as_written(name, framework, request):
    if framework != "pytorch":
        request.getfixturevalue(framework)  # skips with a reason when not installed
    spec, params, base_lr = SCHEDULES[name], example(name), 0.1
    steps = spec.span
    if spec.metric:  # a validation loss that stops improving: the plateau's drops show
        params["metrics"] = list(np.r_[np.linspace(1.0, 0.5, steps // 3), np.full(steps, 0.5)]
                                 [:steps])
    written = write(spec, framework, base_lr, resolve(spec, {"metrics": [], **params}
                                                      if spec.metric else params, steps))
    assert written.text == CELLS[name][framework][1]
    got, obj = framework_values(written, steps, base_lr, params.get("metrics"))
    expected = lrlessons.curve(name, steps, base_lr=base_lr, **params)
    upto = steps if written.exact_until is None else min(steps, written.exact_until + 1)
    assert_equal_curves(framework, got[:upto], expected[:upto], obj, base_lr)


# --- the equivalents the audit of "no equivalent" found, each against its framework -------------

AFTER_WARMUP = [n for n, s in SCHEDULES.items() if s.in_sequence == "any" and s.trainable
                and "paddle" in s.code and n != "CosineAnnealingWarmRestarts"]


@pytest.mark.parametrize("second", AFTER_WARMUP)
def test_a_linear_warmup_then_any_paddle_schedule_is_paddles_linearwarmup(second, paddle):
    spec = SCHEDULES[second]
    params = dict(schedulers=[("LinearLR", dict(start_factor=0.25, total_iters=7)),
                              (second, dict(spec.suggested))], milestones=[7])
    if write(spec, "paddle", 0.1, resolve(spec, dict(spec.suggested))).text is None:
        pytest.skip(f"{second} has no Paddle line for its suggested values")
    text = lrlessons.code("SequentialLR", "paddle", **params)
    assert text.startswith("paddle.optimizer.lr.LinearWarmup(learning_rate=paddle.")
    steps = 7 + spec.span
    assert_equal_curves("paddle", lrlessons.paddle_curve("SequentialLR", steps, **params),
                        lrlessons.curve("SequentialLR", steps, **params), None, 0.1)


@pytest.mark.parametrize("eta_min", [0.0, 0.004])
def test_a_linear_warmup_then_cosine_is_keras_cosinedecay_with_warmup(eta_min, keras):
    params = dict(schedulers=[("LinearLR", dict(start_factor=0.1, total_iters=10)),
                              ("CosineAnnealingLR", dict(T_max=50, eta_min=eta_min))],
                  milestones=[10])
    obj = lrlessons.keras_schedule("SequentialLR", **params)
    assert type(obj).__name__ == "CosineDecay" and obj.warmup_steps == 10
    got = lrlessons.keras_values(obj, 61)
    assert_equal_curves("keras", got, lrlessons.curve("SequentialLR", 61, **params), obj, 0.1)


def test_other_sequences_say_what_keras_and_paddle_can_write():
    params = dict(schedulers=[("ConstantLR", dict(factor=0.5, total_iters=5)),
                              ("CosineAnnealingLR", dict(T_max=50))], milestones=[5])
    for framework in ("keras", "paddle"):
        with pytest.raises(ValueError, match="LinearLR warm-up"):
            lrlessons.code("SequentialLR", framework, **params)


@pytest.mark.parametrize("framework", ["keras", "transformers"])
def test_linearwarmup_matches_where_the_warmup_ends_at_the_learning_rate(framework, request):
    request.getfixturevalue(framework)
    fine = dict(warmup_steps=8, start_lr=0.0, end_lr=0.1)
    got = (lrlessons.keras_values(lrlessons.keras_schedule("LinearWarmup", **fine), 30)
           if framework == "keras" else _torch_values("LinearWarmup", "transformers", 30, fine))
    assert_equal_curves(framework, got, lrlessons.curve("LinearWarmup", 30, **fine),
                        lrlessons.keras_schedule("LinearWarmup", **fine)
                        if framework == "keras" else None, 0.1)
    with pytest.raises(ValueError, match="end_lr"):  # warms up to 0.4, then drops to 0.1
        lrlessons.code("LinearWarmup", framework, warmup_steps=5, start_lr=0.0, end_lr=0.5)


def _torch_values(name, framework, steps, params, base_lr=0.1):
    spec = SCHEDULES[name]
    written = write(spec, framework, base_lr, resolve(spec, params))
    return framework_values(written, steps, base_lr, None)[0]


def test_the_rosetta_linearwarmup_example_warms_up_to_the_learning_rate():
    lr = lrlessons.curve("LinearWarmup", 10, **example("LinearWarmup"))
    assert np.all(np.diff(lr) >= 0) and lr[-1] == 0.1


def test_keras_per_epoch_lines_decay_once_per_epoch(keras):
    """A Keras line written with steps_per_epoch, run with 3 batches per epoch, holds each
    epoch's lr for 3 iterations: iteration i uses the lr of epoch i // 3."""
    from lrlessons.frameworks import run

    found = []
    for name, spec in SCHEDULES.items():
        params = spec.example_params
        if spec.metric or "keras" not in spec.code:  # callbacks act once per epoch already
            continue
        written = write(spec, "keras", 0.1, resolve(spec, params))
        if written.text is None or "steps_per_epoch" not in written.text:
            continue
        found.append(name)
        obj = run(written, steps_per_epoch=3)
        epochs = lrlessons.curve(name, 20, **params)
        got = lrlessons.keras_values(obj, 60)
        assert_equal_curves("keras", got, np.repeat(epochs, 3), obj, 0.1)
    assert {"ExponentialLR", "NaturalExpDecay", "InverseTimeDecay"} <= set(found)


def test_every_table_row_says_how_often_step_is_called():
    table = rosetta()
    for name, spec in SCHEDULES.items():
        row = next(ln for ln in table.splitlines() if ln.startswith(f"| `{name}` |"))
        assert row.split(" | ")[1] == ("epoch" if spec.unit == "epoch" else "batch"), row
    assert "ExponentialDecay(decay_steps=20)" in table and "20 batches" in table


# Values random draws seldom reach (a factor of exactly 1, an end_lr equal to the lr): each line
# that holds only there, against its framework.
RARE = [
    ("LinearLR", "transformers", dict(start_factor=1.0, end_factor=0.2, total_iters=30)),
    ("LinearLR", "transformers", dict(start_factor=1.0, end_factor=0.0, total_iters=30)),
    ("ConstantLR", "keras", dict(factor=0.25, total_iters=1)),
    ("CosineAnnealingLR", "transformers", dict(T_max=30, eta_min=0.02)),
    ("PolynomialDecay", "pytorch", dict(decay_steps=12, end_lr=0.02, power=2.0, cycle=True)),
    ("PolynomialDecay", "transformers", dict(decay_steps=12, end_lr=0.02, power=0.5)),
    ("InverseSqrt", "paddle", dict(num_warmup_steps=16)),
    ("WarmupLinear", "paddle", dict(num_warmup_steps=0, num_training_steps=40)),
    ("WarmupCosine", "paddle", dict(num_warmup_steps=0, num_training_steps=40)),
    ("WarmupStableDecay", "pytorch", dict(num_warmup_steps=0, num_stable_steps=5,
                                          num_decay_steps=0)),
]


@pytest.mark.parametrize("name, framework, params", RARE,
                         ids=[f"{n}-{f}-{i}" for i, (n, f, _) in enumerate(RARE)])
def test_lines_for_values_random_draws_seldom_reach(name, framework, params, request):
    if framework != "pytorch":
        request.getfixturevalue(framework)
    spec = SCHEDULES[name]
    written = write(spec, framework, 0.1, resolve(spec, params))
    assert written.text is not None, written.why
    steps = 90
    got, obj = framework_values(written, steps, 0.1, None)
    expected = lrlessons.curve(name, steps, **params)
    upto = steps if written.exact_until is None else min(steps, written.exact_until + 1)
    assert_equal_curves(framework, got[:upto], expected[:upto], obj, 0.1)


def test_transformers_hard_restarts_are_no_equivalent_of_sgdr(transformers):
    """The card's reason for "no equivalent": at step 75 transformers is at the cycle's end."""
    from lrlessons.torch_bridge import step_torch

    optimizer = lrlessons.make_optimizer(0.1)
    scheduler = transformers.get_cosine_with_hard_restarts_schedule_with_warmup(
        optimizer, 0, 22 * 5, num_cycles=22)
    got = step_torch(optimizer, scheduler, 110)
    sgdr = lrlessons.curve("CosineAnnealingWarmRestarts", 110, T_0=5)
    assert np.flatnonzero(np.abs(got - sgdr) > 1e-9).tolist() == [75]
    assert "step 75" in SCHEDULES["CosineAnnealingWarmRestarts"].notes.en
