"""Lesson 05's code and statements, against the frameworks themselves.

The Keras ``TriangularCLR`` class is taken from the notebook cell as the learner reads it and
run by Keras: it must give PyTorch's ``CyclicLR(mode="triangular")`` at every step. The lesson's
sentences about PyTorch's CyclicLR and OneCycleLR (scale_fn, momentum, the error past
total_steps) are checked on torch's own schedulers.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import lrlessons

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
LESSON = "05_cyclic_one_cycle.ipynb"


def notebook_class(lang: str = "en"):
    """The TriangularCLR class exactly as the lesson's cell defines it."""
    nb = nbformat.read(NOTEBOOKS / lang / LESSON, as_version=4)
    cells = [c.source for c in nb.cells
             if c.cell_type == "code" and "class TriangularCLR" in c.source]
    assert len(cells) == 1
    namespace: dict = {}
    exec(compile(cells[0], f"{lang}/{LESSON}", "exec"), namespace)  # noqa: S102 - the lesson
    return namespace["TriangularCLR"]


@pytest.fixture(scope="module")
def TriangularCLR(keras):
    return notebook_class()


def test_both_languages_define_the_same_class(keras):
    for lang in ("en", "zh"):
        clr = notebook_class(lang)(base_lr=0.01, max_lr=0.1, step_size_up=3)
        np.testing.assert_allclose(lrlessons.keras_values(clr, 13),
                                   lrlessons.torch_curve("CyclicLR", 13, base_lr=0.01, max_lr=0.1,
                                                         step_size_up=3), rtol=1e-6)


@settings(max_examples=40)
@given(base_lr=st.floats(1e-4, 1.0), max_lr=st.floats(1e-4, 10.0),
       up=st.integers(1, 60), down=st.one_of(st.none(), st.integers(1, 60)))
def test_the_keras_class_is_torchs_cyclic_lr(TriangularCLR, base_lr, max_lr, up, down):
    steps = 3 * (up + (down or up)) + 2  # three cycles and the start of a fourth
    keras_lr = lrlessons.keras_values(TriangularCLR(base_lr, max_lr, up, down), steps)
    torch_lr = lrlessons.torch_curve("CyclicLR", steps, base_lr=base_lr, max_lr=max_lr,
                                     step_size_up=up, step_size_down=down)
    # Keras computes in float32: equal to its precision, relative to the wave's scale.
    np.testing.assert_allclose(keras_lr, torch_lr, rtol=2e-6, atol=1e-7 * max(base_lr, max_lr))


def test_far_into_training_too(TriangularCLR):
    steps = 60_001  # float32 counts steps exactly up to 2 ** 24
    keras_lr = lrlessons.keras_values(TriangularCLR(0.001, 0.1, 2000, 3000), steps)
    torch_lr = lrlessons.curve("CyclicLR", steps, base_lr=0.001, max_lr=0.1, step_size_up=2000,
                               step_size_down=3000)
    np.testing.assert_allclose(keras_lr, torch_lr, rtol=2e-6, atol=1e-9)


def test_the_class_rebuilds_from_its_config_and_drives_an_optimizer(TriangularCLR, keras):
    clr = TriangularCLR(base_lr=0.01, max_lr=0.1, step_size_up=20, step_size_down=30)
    again = TriangularCLR.from_config(clr.get_config())
    np.testing.assert_array_equal(lrlessons.keras_values(again, 120),
                                  lrlessons.keras_values(clr, 120))
    optimizer = keras.optimizers.SGD(learning_rate=clr, momentum=0.9)
    assert float(optimizer.learning_rate) == pytest.approx(0.01)


# --- PyTorch's CyclicLR, as the lesson describes it ----------------------------------------------


def cyclic(scale_fn, scale_mode, steps=130):
    optimizer = lrlessons.make_optimizer(0.01)
    scheduler = torch.optim.lr_scheduler.CyclicLR(optimizer, base_lr=0.01, max_lr=0.1,
                                                  step_size_up=20, scale_fn=scale_fn,
                                                  scale_mode=scale_mode)
    return lrlessons.step_torch(optimizer, scheduler, steps)


def test_scale_fn_writes_the_modes():
    """triangular2 is scale_fn=0.5 ** (cycle - 1) by cycle; exp_range is gamma ** t by step."""
    wave = dict(base_lr=0.01, max_lr=0.1, step_size_up=20)
    np.testing.assert_allclose(cyclic(lambda c: 0.5 ** (c - 1), "cycle"),
                               lrlessons.curve("CyclicLR", 130, **wave, mode="triangular2"),
                               rtol=1e-12)
    np.testing.assert_allclose(cyclic(lambda t: 0.99 ** t, "iterations"),
                               lrlessons.curve("CyclicLR", 130, **wave, mode="exp_range",
                                               gamma=0.99), rtol=1e-12)


def test_the_third_peak_of_the_lessons_figure():
    wave = dict(base_lr=0.01, max_lr=0.1, step_size_up=20)
    assert lrlessons.curve("CyclicLR", 101, **wave, mode="triangular2")[100] == \
        pytest.approx(0.01 + 0.09 / 4)
    assert lrlessons.curve("CyclicLR", 101, **wave, mode="exp_range", gamma=0.99)[100] == \
        pytest.approx(0.01 + 0.09 * 0.99 ** 100)


def test_cyclic_lr_overwrites_the_optimizers_lr_and_cycles_its_momentum():
    optimizer = lrlessons.make_optimizer(0.5)
    torch.optim.lr_scheduler.CyclicLR(optimizer, base_lr=0.01, max_lr=0.1, step_size_up=20)
    assert optimizer.param_groups[0]["lr"] == 0.01
    wave = dict(base_lr=0.01, max_lr=0.1, step_size_up=20)
    lr, momentum = lrlessons.torch_curve("CyclicLR", 120, **wave), \
        lrlessons.torch_momenta("CyclicLR", 120, **wave)
    # max_momentum where the lr is lowest, base_momentum at its peak, linear in between.
    np.testing.assert_allclose(momentum, 0.9 - 0.1 * (lr - 0.01) / 0.09, atol=1e-12)
    np.testing.assert_array_equal(lrlessons.torch_momenta("StepLR", 5, step_size=2), 0.9)


def test_an_optimizer_without_momentum_is_refused():
    adagrad = torch.optim.Adagrad([torch.zeros(1, requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="momentum"):
        torch.optim.lr_scheduler.CyclicLR(adagrad, base_lr=0.01, max_lr=0.1)


# --- PyTorch's OneCycleLR ----------------------------------------------------------------------------


def test_one_cycle_ignores_the_optimizers_lr_and_moves_adams_beta1():
    optimizer = lrlessons.make_optimizer(0.5)
    torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=1000)
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.1 / 25)
    adam = torch.optim.Adam([torch.zeros(1, requires_grad=True)], lr=0.5)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(adam, max_lr=0.1, total_steps=100)
    beta1 = []
    for _ in range(100):
        beta1.append(adam.param_groups[0]["betas"][0])
        adam.step()
        scheduler.step()
    assert beta1[0] == pytest.approx(0.95) and beta1[29] == pytest.approx(0.85)
    assert beta1[99] == pytest.approx(0.95, abs=1e-4)


def test_the_lessons_key_values():
    lr = lrlessons.torch_curve("OneCycleLR", 1000, max_lr=0.1, total_steps=1000)
    assert lr[0] == pytest.approx(0.004) and lr[299] == pytest.approx(0.1)
    assert lr[999] == pytest.approx(4e-7) and lr.argmax() == 299
    m = lrlessons.torch_momenta("OneCycleLR", 1000, max_lr=0.1, total_steps=1000)
    assert m[0] == pytest.approx(0.95) and m[299] == pytest.approx(0.85)
    assert m[999] == pytest.approx(0.95)


def test_one_step_past_total_steps_raises():
    optimizer = lrlessons.make_optimizer()
    scheduler = lrlessons.torch_scheduler("OneCycleLR", optimizer, max_lr=0.1, total_steps=10)
    for _ in range(10):  # ten calls reach the end of the cycle: allowed
        optimizer.step()
        scheduler.step()
    optimizer.step()
    with pytest.raises(ValueError, match="Tried to step 11 times"):
        scheduler.step()


def test_the_momentum_figure_has_both_panels():
    from lrlessons.plotting import plot_lr_momentum

    fig = plot_lr_momentum({"a": (np.ones(5), np.full(5, 0.9)), ("b", "乙"): (np.ones(5),
                                                                              np.full(5, 0.8))})
    assert len(fig.axes) == 2
    assert fig.axes[1].get_ylabel().startswith("momentum")


# --- the Keras class survives model.save / load_model; momentum=0 is switched on ---------------


def test_the_lessons_class_survives_model_save_and_load(keras, tmp_path):
    cls = notebook_class()  # registers it, as running the cell does
    clr = cls(base_lr=0.01, max_lr=0.1, step_size_up=20, step_size_down=30)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=clr, momentum=0.9),
                  loss="sparse_categorical_crossentropy")
    model.save(tmp_path / "clr.keras")
    reloaded = keras.models.load_model(tmp_path / "clr.keras")
    assert reloaded.optimizer.get_config()["learning_rate"]["registered_name"] == \
        "course>TriangularCLR"
    np.testing.assert_array_equal(lrlessons.keras_values(reloaded.optimizer, 120),
                                  lrlessons.keras_values(clr, 120))


def test_an_unregistered_class_does_not_load(keras, tmp_path):
    """What registering fixes: the same class without the decorator fails in load_model."""
    nb = nbformat.read(NOTEBOOKS / "en" / LESSON, as_version=4)
    source = next(c.source for c in nb.cells if "class TriangularCLR" in c.source)
    source = source.replace('@keras.saving.register_keras_serializable(package="course")\n', "")
    source = source.replace("class TriangularCLR", "class UnregisteredCLR")
    namespace: dict = {}
    exec(compile(source, "unregistered", "exec"), namespace)  # noqa: S102 - the lesson, altered
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=namespace["UnregisteredCLR"](
        0.01, 0.1, 20)), loss="sparse_categorical_crossentropy")
    model.save(tmp_path / "clr.keras")
    with pytest.raises(TypeError):
        keras.models.load_model(tmp_path / "clr.keras")


@pytest.mark.parametrize("make", [
    lambda o: torch.optim.lr_scheduler.CyclicLR(o, base_lr=0.01, max_lr=0.1),
    lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=10)])
def test_plain_sgd_gets_momentum_from_cyclic_and_one_cycle(make):
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1, momentum=0.0)
    make(optimizer)
    assert optimizer.param_groups[0]["momentum"] in (0.9, 0.95)
    kept = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1, momentum=0.0)
    torch.optim.lr_scheduler.CyclicLR(kept, base_lr=0.01, max_lr=0.1, cycle_momentum=False)
    assert kept.param_groups[0]["momentum"] == 0.0


def test_exercise_1_solution_is_torchs_triangular2():
    nb = nbformat.read(NOTEBOOKS / "en" / LESSON, as_version=4)
    source = next(c.source for c in nb.cells if "def my_cyclic" in c.source)
    namespace: dict = {}
    exec(source, namespace)  # noqa: S102 - the lesson's solution cell
    got = [namespace["my_cyclic"](t) for t in range(80)]
    np.testing.assert_allclose(got, lrlessons.torch_curve(
        "CyclicLR", 80, base_lr=0.01, max_lr=0.1, step_size_up=5, step_size_down=15,
        mode="triangular2"), rtol=1e-12)


def test_the_third_peak_prediction_waits_for_a_guess_then_marks_it():
    reveal = lrlessons.check.lesson_05.reveal_third_peak
    assert "guess_peak" in reveal(...).data and "|" not in reveal(...).data
    assert "guess_peak" in reveal(-1).data
    truth = 0.01 + 0.09 * 0.99 ** 100
    assert reveal(truth * 1.09).data.startswith("✅")
    assert reveal(0.01 + 0.09 * 0.99 ** 2).data.startswith("❌")  # gamma per cycle, not step
    assert "| 100 | 0.1 | 0.0325 | 0.0429429 |" in reveal(truth).data
