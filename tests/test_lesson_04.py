"""Lesson 04's code, run exactly as the learner sees it, against the real frameworks.

The cells are read from both committed notebooks by a marker in their code, so a change to the
lesson's code is tested as changed: the Keras schedule class (against transformers' own
get_cosine_schedule_with_warmup, and saved with a model and reloaded), the SequentialLR snippet
of section 3 (against torch's stepping and the catalogue), Noam as InverseSqrt from its peak
(Paddle's NoamDecay against transformers' get_inverse_sqrt_schedule), and Adam's first step.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch

import lrlessons
from lrlessons.torch_bridge import step_torch

ROOT = Path(__file__).resolve().parent.parent / "notebooks"
LESSON = "04_warmup.ipynb"
CLASS_MARKER = "class WarmupCosine(keras.optimizers.schedules.LearningRateSchedule)"
SNIPPET_MARKER = "torch.optim.lr_scheduler.SequentialLR(optimizer, [warmup, cosine]"
U32 = 2.0 ** -24

pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")


def code_cell(lang: str, marker: str) -> str:
    nb = nbformat.read(ROOT / lang / LESSON, as_version=4)
    found = [c.source for c in nb.cells if c.cell_type == "code" and marker in c.source]
    assert len(found) == 1, f"{lang}/{LESSON}: {len(found)} code cells hold {marker!r}"
    return found[0]


def markdown_snippet(lang: str, marker: str) -> str:
    nb = nbformat.read(ROOT / lang / LESSON, as_version=4)
    blocks = [b for c in nb.cells if c.cell_type == "markdown"
              for b in re.findall(r"```python\n(.*?)```", c.source, re.S) if marker in b]
    assert len(blocks) == 1, f"{lang}/{LESSON}: {len(blocks)} python blocks hold {marker!r}"
    return blocks[0]


def transformers_warmup_cosine(transformers, peak: float, warmup: int, total: int, steps: int):
    """transformers' own get_cosine_schedule_with_warmup, stepped as a training loop steps it."""
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=peak)
    schedule = transformers.get_cosine_schedule_with_warmup(optimizer, warmup, total)
    return step_torch(optimizer, schedule, steps)


def assert_float32_close(got, expected, peak):
    got, expected = np.asarray(got, float), np.asarray(expected, float)
    bad = np.flatnonzero(np.abs(got - expected) > 8 * U32 * peak)
    assert bad.size == 0, f"step {bad[0]}: {got[bad[0]]!r} != {expected[bad[0]]!r}"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_lessons_keras_class_is_transformers_warmup_cosine(lang, keras, transformers):
    namespace = {"keras": keras, "math": math}
    exec(code_cell(lang, CLASS_MARKER), namespace)  # noqa: S102 - the lesson's own cell
    cls = namespace["WarmupCosine"]
    for peak, warmup, total in ((0.5, 15, 180), (3e-4, 100, 1000), (1.0, 1, 7)):
        schedule = cls(peak, warmup, total)
        got = lrlessons.keras_values(schedule, total + 20)
        truth = transformers_warmup_cosine(transformers, peak, warmup, total, total + 1)
        assert_float32_close(got[:total + 1], truth, peak)
        assert np.all(got[total:] == 0.0)  # Keras holds 0 after the run, as CosineDecay does
        np.testing.assert_allclose(got[:total + 1], lrlessons.curve(
            "WarmupCosine", total + 1, base_lr=peak, num_warmup_steps=warmup,
            num_training_steps=total), rtol=0, atol=8 * U32 * peak)
        again = cls.from_config(json.loads(json.dumps(schedule.get_config())))
        np.testing.assert_array_equal(lrlessons.keras_values(again, total + 1), got[:total + 1])


def test_the_lessons_keras_class_survives_model_save_and_load(keras, tmp_path):
    namespace = {"keras": keras, "math": math}
    exec(code_cell("en", CLASS_MARKER), namespace)  # noqa: S102 - the lesson's own cell
    schedule = namespace["WarmupCosine"](0.5, 15, 180)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=schedule),
                  loss="sparse_categorical_crossentropy")
    model.save(tmp_path / "spiral.keras")
    reloaded = keras.models.load_model(tmp_path / "spiral.keras")
    assert reloaded.optimizer.get_config()["learning_rate"]["registered_name"] == \
        "course>WarmupCosine"
    np.testing.assert_array_equal(lrlessons.keras_values(reloaded.optimizer, 200),
                                  lrlessons.keras_values(schedule, 200))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_sequential_lr_snippet_runs_as_written(lang):
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    namespace = {"torch": torch, "optimizer": optimizer}
    exec(markdown_snippet(lang, SNIPPET_MARKER), namespace)  # noqa: S102 - the lesson's snippet
    got = step_torch(optimizer, namespace["scheduler"], 101)
    expected = lrlessons.curve("SequentialLR", 101, milestones=[10], schedulers=[
        ("LinearLR", dict(start_factor=0.1, total_iters=10)),
        ("CosineAnnealingLR", dict(T_max=90))])
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-15)
    assert got[10] == pytest.approx(0.1) and got[100] < 1e-12  # the peak at 10, 0 at the end


def test_noam_is_inverse_sqrt_from_its_peak_and_zero_at_step_0(paddle, transformers):
    from lrlessons.paddle_bridge import paddle_curve

    d_model, warmup, steps = 64, 100, 1000
    noam = paddle_curve("NoamDecay", steps, base_lr=1.0, d_model=d_model, warmup_steps=warmup)
    assert noam[0] == 0.0  # Paddle: t^-0.5 is taken as 1 at step 0, and min(1, 0) = 0
    peak = d_model ** -0.5 * warmup ** -0.5
    assert int(np.argmax(noam)) == warmup and noam.max() == pytest.approx(peak, rel=1e-12)
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=peak)
    inverse_sqrt = transformers.get_inverse_sqrt_schedule(optimizer, num_warmup_steps=warmup)
    np.testing.assert_allclose(step_torch(optimizer, inverse_sqrt, steps), noam, rtol=1e-12,
                               atol=1e-18)
    half = int(np.flatnonzero((np.arange(steps) > warmup) & (noam <= peak / 2))[0])
    assert half == 4 * warmup  # exercise 2's answer, from Paddle itself


def test_adams_first_step_moves_every_weight_by_the_learning_rate():
    w = torch.zeros(5, requires_grad=True)
    adam = torch.optim.Adam([w], lr=0.5)
    w.grad = torch.tensor([1e-3, -0.1, 1.0, -30.0, 1000.0])
    adam.step()
    np.testing.assert_allclose(w.detach().abs().numpy(), 0.5, rtol=1e-4)
    assert np.array_equal(np.sign(w.detach().numpy()), -np.sign(w.grad.numpy()))


# --- section 3's statements about LinearLR and ChainedScheduler, on torch itself -----------------


def test_linear_lr_refuses_a_start_factor_of_0():
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="greater than 0"):
        torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.0, total_iters=10)


def _chained(second, steps=90):
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    warmup = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.1, total_iters=10)
    chain = torch.optim.lr_scheduler.ChainedScheduler([warmup, second(optimizer)])
    return np.asarray(step_torch(optimizer, chain, steps))


def test_cosine_annealing_is_chainable_and_lambda_lr_overwrites():
    warm = 0.1 + 0.9 * np.minimum(np.arange(90), 10) / 10
    cosine = 0.5 * (1 + np.cos(np.pi * np.arange(90) / 90))
    got = _chained(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=90))
    np.testing.assert_allclose(got, 0.1 * warm * cosine, rtol=1e-12, atol=1e-15)
    # LambdaLR sets base_lr * factor outright: the warm-up's factor is lost after step 0.
    got = _chained(lambda o: torch.optim.lr_scheduler.LambdaLR(
        o, lambda t: 0.5 * (1 + math.cos(math.pi * t / 90))))
    np.testing.assert_allclose(got[1:], 0.1 * cosine[1:], rtol=1e-12, atol=1e-15)
    assert not np.allclose(got[1:10], 0.1 * (warm * cosine)[1:10])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_lessons_chain_cell_prints_true(lang):
    cell = code_cell(lang, "torch.optim.lr_scheduler.ChainedScheduler([")
    namespace = {"torch": torch, "lrlessons": lrlessons}
    exec(cell, namespace)  # noqa: S102 - the lesson's own cell
    assert namespace["np"].allclose(namespace["chained"], namespace["product"], rtol=1e-12,
                                    atol=1e-15)


def test_step_99_is_the_last_step_of_a_100_step_warmup_then_cosine():
    lr = lrlessons.curve("SequentialLR", 101, milestones=[10], schedulers=[
        ("LinearLR", dict(start_factor=0.1, total_iters=10)), ("CosineAnnealingLR", dict(T_max=90))])
    assert f"{lr[99]:.1e}" == "3.0e-05" and lr[100] < 1e-12
    longer = lrlessons.curve("SequentialLR", 100, milestones=[10], schedulers=[
        ("LinearLR", dict(start_factor=0.1, total_iters=10)), ("CosineAnnealingLR", dict(T_max=100))])
    assert round(float(longer[99]), 3) == 0.003


def test_an_epoch_at_lr_0_still_moves_the_optimizer_state():
    """The weights stand still at lr 0, but momentum, Adam's m, v and step, and BatchNorm move."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 1))
    for opt in (torch.optim.SGD(model.parameters(), lr=0.0, momentum=0.9),
                torch.optim.Adam(model.parameters(), lr=0.0)):
        weights = [p.detach().clone() for p in model.parameters()]
        stats = model[1].running_mean.clone()
        model(torch.randn(8, 2)).pow(2).mean().backward()
        opt.step()
        assert all(torch.equal(w, p) for w, p in zip(weights, model.parameters()))
        assert not torch.equal(stats, model[1].running_mean)
        state = opt.state[model[0].weight]
        if isinstance(opt, torch.optim.SGD):
            assert state["momentum_buffer"].abs().sum() > 0
        else:
            assert float(state["step"]) == 1 and state["exp_avg"].abs().sum() > 0
            assert state["exp_avg_sq"].abs().sum() > 0
        opt.zero_grad()


def test_the_t_max_prediction_waits_for_a_guess_then_marks_it():
    reveal = lrlessons.check.lesson_04.reveal_t_max
    assert "guess_t_max" in reveal(...).data and "|" not in reveal(...).data
    assert "guess_t_max" in reveal(95).data  # neither of the two choices: asked again
    right, wrong = reveal(90.0).data, reveal(np.int64(100)).data
    assert right.startswith("✅") and wrong.startswith("❌")
    # The table is the catalogue's SequentialLR, the one the section-3 test holds to torch.
    assert "| 99 | 3.04586e-05 | 0.00295596 |" in right
