"""The explorers: built from the catalogue alone, they follow every slider over its whole range
with a finite, non-empty curve equal to curve(), update one figure in place, and speak the
learner's language."""

from __future__ import annotations

import numpy as np
import pytest

import lrlessons
from lrlessons import SCHEDULES
from lrlessons.explorers import compare, explore, train_explorer
from lrlessons.i18n import use_language

# Entries whose parameters include code (a function, member schedules): the explorer keeps them.
GIVEN = {
    "LambdaLR": dict(lr_lambda=lambda t: 0.97 ** t),
    "MultiplicativeLR": dict(lr_lambda=lambda t: 0.97),
    "SequentialLR": dict(schedulers=[("LinearLR", dict(start_factor=0.1, total_iters=10)),
                                     ("CosineAnnealingLR", dict(T_max=90))], milestones=[10]),
    "ChainedScheduler": dict(schedulers=[("ConstantLR", dict(factor=0.5, total_iters=10)),
                                         ("ExponentialLR", dict(gamma=0.97))]),
}


@pytest.fixture(autouse=True)
def english():
    use_language("en")
    yield
    use_language("en")


def shown(explorer) -> np.ndarray:
    """The lr values the explorer's line really draws (steps-post repeats the last one)."""
    return np.asarray(explorer.line.get_ydata(), dtype=float)[:-1]


def expected(explorer) -> np.ndarray:
    values, steps, base_lr = explorer._settings()
    return lrlessons.curve(explorer.spec.name, steps, base_lr=base_lr, **values)


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_every_slider_over_its_whole_range(name):
    ex = explore(name, **GIVEN.get(name, {}))
    assert ex.line.get_visible() and np.array_equal(shown(ex), expected(ex))
    sliders = dict(ex.entry.controls)
    if ex.base_lr is not None:
        sliders["base_lr"] = ex.base_lr
    for control in sliders.values():
        start = control.value
        for value in control.options:
            control.value = value  # the observer redraws, as a slider move does
            numeric = value is not None and control.low is not None
            if numeric:
                assert ex.line.get_visible(), (name, control.name, value, ex.readout.value)
            if ex.line.get_visible():
                lr = shown(ex)
                assert lr.size and np.isfinite(lr).all(), (name, control.name, value)
                np.testing.assert_array_equal(lr, expected(ex))
                lo, hi = ex.ax.get_ylim()
                assert np.isfinite([lo, hi]).all() and hi > lo
            else:  # a refused combination is explained under the plot, never raised
                assert "must" in ex.readout.value or "needs" in ex.readout.value
        control.value = start
    for log in (True, False):
        ex.log.value = log
        lo, hi = ex.ax.get_ylim()
        assert np.isfinite([lo, hi]).all() and hi > lo


@pytest.mark.parametrize("name", ["NoamDecay", "WarmupLinear", "LinearWarmup", "PolynomialLR"])
def test_log_axis_survives_a_zero_learning_rate(name):
    ex = explore(name, log=True)
    assert (shown(ex) == 0).any()  # these schedules touch zero
    assert ex.ax.get_yscale() == "symlog"
    png = ex.figure.png()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_figure_is_updated_in_place_not_rebuilt():
    ex = explore("StepLR", steps=1000)
    figure, line, image = ex.figure.figure, ex.line, ex.figure.image
    before = image.value
    redraws = ex.figure.full_redraws
    ex.entry.controls["gamma"].value = 0.5
    assert ex.figure.figure is figure and ex.line is line and ex.figure.image is image
    assert image.value != before  # a new picture went to the browser
    assert ex.figure.full_redraws == redraws  # limits unchanged: only the line was redrawn
    ex.steps.value = 400  # the x-axis changes: a full redraw, still the same figure
    assert ex.figure.full_redraws == redraws + 1 and ex.figure.figure is figure


def test_code_line_follows_the_sliders():
    ex = explore("StepLR")
    ex.entry.controls["step_size"].value = 7
    assert "step_size=7" in ex.code.value and "StepLR(optimizer" in ex.code.value


def test_refusal_is_shown_in_the_learners_language():
    ex = explore("OneCycleLR")
    ex.entry.controls["total_steps"].value = None  # epochs and steps_per_epoch are None too
    assert not ex.line.get_visible() and "OneCycleLR needs total_steps" in ex.readout.value
    use_language("zh")
    ex.update()
    assert "需要 total_steps" in ex.readout.value and "needs" not in ex.readout.value


def test_bad_starting_values_fail_at_the_boundary():
    with pytest.raises(ValueError, match="gamma must be in"):
        explore("StepLR", gamma=2.0)
    with pytest.raises(ValueError, match="unknown schedule"):
        explore("StepLRR")


def test_compare_overlays_each_entry_with_its_own_sliders():
    ex = compare([("StepLR", dict(step_size=10)), "CosineAnnealingLR", "ReduceLROnPlateau"],
                 steps=100)
    assert len(ex.lines) == 3 and len(ex.entries) == 3
    ex.entries[0].controls["gamma"].value = 0.5
    step = np.asarray(ex.lines[0].get_ydata())[:-1]
    np.testing.assert_array_equal(step, lrlessons.curve("StepLR", 100, step_size=10, gamma=0.5))
    ex.steps.value = 300
    assert len(np.asarray(ex.lines[1].get_ydata())) == 301


def test_training_explorer_trains_and_keeps_history():
    ex = train_explorer(schedules=[None, "StepLR"], schedule="StepLR")
    assert ex.step_per.value == "epoch"
    ex.epochs.value = 10
    ex.entry.controls["step_size"].value = 4
    run = ex.train()
    assert run is not None and len(ex.runs) == 1
    np.testing.assert_allclose(run.lrs, run.scheduled(), rtol=1e-12)
    assert run.params["step_size"] == 4
    ex.choice.value = ""  # the constant lr
    ex.train()
    assert len(ex.runs) == 2 and ex.runs[1].schedule is None
    assert len(ex.figure.axes[2].lines) == 2  # both runs' lr in the third panel
    ex.clear()
    assert ex.runs == [] and not ex.figure.axes[2].lines


def test_training_legend_names_each_run_in_its_colour():
    """The legend is text under the panels (it wraps in a narrow column): one entry per run, in
    the colour of that run's loss curve."""
    from html import escape

    from matplotlib.colors import to_hex

    ex = train_explorer(schedules=[None, "StepLR"], schedule="StepLR", epochs=5)
    ex.train()
    ex.choice.value = ""  # the constant lr
    ex.train()
    entries = ex.legend.value.split("display:inline-block")[1:]
    assert len(entries) == len(ex.runs) == 2
    for entry, run, line in zip(entries, ex.runs, ex.figure.axes[0].lines):
        assert escape(run.label) in entry and to_hex(line.get_color()) in entry
    assert to_hex(ex.figure.axes[0].lines[0].get_color()) != \
        to_hex(ex.figure.axes[0].lines[1].get_color())
    ex.clear()
    assert ex.legend.value == ""


def test_training_explorer_holds_settings_fixed_for_every_run():
    ex = train_explorer(schedules=[None, "WarmupCosine"], schedule="WarmupCosine", epochs=6,
                        optimizer="adam", batch_size=400)
    assert "batch_size=400" in ex.status.value
    ex.entry.controls["num_warmup_steps"].value = 6
    run = ex.train()
    assert run.optimizer == "adam" and run.batches_per_epoch == 3  # 1200 points / 400
    assert run.params["num_training_steps"] == 18  # the run length, in its own batches
    np.testing.assert_allclose(run.lrs, run.scheduled(), rtol=1e-12)
    with pytest.raises(TypeError, match="seed") as refused:
        train_explorer(seed=3)
    assert "不能固定" in str(refused.value)


def test_training_explorer_fills_the_run_length():
    ex = train_explorer(schedule="CosineAnnealingLR")
    assert ex.entry.controls["T_max"].value is None  # "the whole run" until the learner sets it
    ex.epochs.value = 8
    run = ex.train()
    assert run.params["T_max"] == 8


def test_widgets_speak_the_learners_language():
    use_language("zh")
    ex = train_explorer(schedules=[None, "StepLR"])
    assert ex.train_button.description == "训练"
    assert ex.choice.options[0][0] == "恒定学习率"
    slider = explore("StepLR").entry.controls["gamma"].input
    assert "衰减" in slider.tooltip


def test_descent_explorer_is_finite_over_its_whole_range():
    ex = lrlessons.explore_descent()
    for name, control in ex.controls.items():
        for value in control.options:
            control.value = value
            for line in (ex.path, ex.dist, ex.path2):
                x, y = (np.asarray(v, dtype=float) for v in line.get_data())
                assert x.size and np.isfinite(x).all() and np.isfinite(y).all(), (name, value)
        control.value = control.options[1]


def test_explorer_text_fallback_for_static_viewers():
    bundle = explore("StepLR")._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "Live explorer" in bundle["text/plain"]


def test_constant_lr_alone_shows_as_selected():
    ex = train_explorer(schedules=[None])
    assert ex.choice.label == "constant lr" and ex.schedule is None


@pytest.mark.slow  # ~10 s: every control over every surface
def test_optimizer_explorer_over_its_controls_and_surfaces():
    ex = lrlessons.explore_optimizers()
    for surface in ("quadratic", "saddle", "rosenbrock"):
        ex.surface_control.value = surface
        paths = ex.update()
        assert set(paths) == {"sgd", "momentum", "adagrad", "rmsprop", "adam"}
        assert ex.lrs["adam"].value == lrlessons.optimizers.SURFACES[surface].lrs["adam"]
        # Every control at both ends on one surface each: the extremes are where paths blow up.
        controls = [("beta1", ex.beta1), ("beta2", ex.beta2), ("steps", ex.steps),
                    *[(n, c) for n, c in ex.lrs.items()]]
        for name, control in controls[surface == "rosenbrock"::2] if surface != "saddle" \
                else controls[:3]:
            for value in (control.low, control.high):
                control.value = value
                for line in (*ex.paths.values(), *ex.losses.values()):
                    x, y = (np.asarray(v, dtype=float) for v in line.get_data())
                    assert np.isfinite(x).all() and np.isfinite(y).all(), (surface, name, value)
            control.value = control.options[1]
    ex.show["adam"].value = False
    assert "adam" not in ex.update() and not ex.paths["adam"].get_visible()
    assert "Adam" not in ex.legend.value and "RMSprop" in ex.legend.value
