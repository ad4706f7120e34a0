"""Lesson 06: the made-up metric shapes do what their names say, the drops the lesson reads off
them are torch's own ReduceLROnPlateau's, the figure and the explorer show those drops, and the
lesson's sentences about Keras' callback hold for Keras itself."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrlessons
from lrlessons import plateau as P
from lrlessons.i18n import use_language


def torch_drops(metrics, base_lr=0.1, **params):
    return P.drops(lrlessons.torch_curve("ReduceLROnPlateau", len(metrics), base_lr=base_lr,
                                         metrics=list(metrics), **params))


# --- the shapes -------------------------------------------------------------------------------------


def test_shapes_without_noise_are_what_they_say():
    plateau = np.array(P.metric_shape("noisy plateau", noise=0.0))
    assert np.all(np.diff(plateau[:21]) < 0) and np.all(np.diff(plateau) <= 0)  # 4 decimals
    assert plateau[20] - plateau[-1] < 0.03  # flat from about epoch 20
    slow = np.array(P.metric_shape("slow improvement", noise=0.0))
    np.testing.assert_allclose(np.diff(slow), -0.004, atol=1.5e-4)  # rounded to 4 decimals
    assert np.all(-np.diff(slow) / slow[:-1] < 0.01)  # under 1 % a step
    spike = np.array(P.metric_shape("a spike", noise=0.0))
    assert list(np.flatnonzero(np.diff(spike) > 0) + 1) == [20]  # one bad epoch
    flat = np.array(P.metric_shape("descent, then flat", noise=0.0))
    assert np.all(np.diff(flat[:P.FLAT_FROM + 1]) < 0) and np.all(flat[P.FLAT_FROM:] == 0.3)


def test_shapes_are_reproducible_and_sized():
    a = P.metric_shape("noisy plateau", epochs=80, seed=3)
    assert a == P.metric_shape("noisy plateau", epochs=80, seed=3) and len(a) == 80
    assert a != P.metric_shape("noisy plateau", epochs=80, seed=4)
    assert all(round(v, 4) == v for v in a)
    with pytest.raises(ValueError, match="shape must be one of") as info:
        P.metric_shape("flat")
    assert "之一" in str(info.value)


def test_drops_are_the_epochs_that_train_lower():
    assert P.drops([0.1, 0.1, 0.05, 0.05, 0.05, 0.01]) == [2, 5]
    assert P.drops([0.1, 0.1]) == []


# --- the drops are torch's ------------------------------------------------------------------------

VARIANTS = [dict(factor=0.5, patience=1), dict(factor=0.5, patience=5),
            dict(factor=0.5, patience=3, threshold=0.03),
            dict(factor=0.5, patience=3, threshold=0.02, threshold_mode="abs"),
            dict(factor=0.5, patience=1, cooldown=3), dict(factor=0.5, patience=1, min_lr=0.01),
            dict(factor=0.1, patience=0, eps=0.0), dict(factor=0.3, patience=2, mode="max")]


@pytest.mark.parametrize("shape", list(P.SHAPES))
@pytest.mark.parametrize("params", VARIANTS, ids=str)
def test_plateau_curve_is_torchs_scheduler(shape, params):
    metrics = P.metric_shape(shape)
    np.testing.assert_allclose(P.plateau_curve(metrics, **params),
                               lrlessons.torch_curve("ReduceLROnPlateau", len(metrics),
                                                     metrics=metrics, **params), rtol=1e-12)


def test_the_table_lists_torchs_drops_in_the_learners_language():
    metrics = P.metric_shape("noisy plateau")
    table = P.drops_table(metrics, {("cooldown=3", "冷却期 3"): dict(factor=0.5, patience=1,
                                                                      cooldown=3)})
    expected = ", ".join(map(str, torch_drops(metrics, factor=0.5, patience=1, cooldown=3)))
    assert f"| cooldown=3 | {expected} |" in table and table.startswith("| setting")
    use_language("zh")
    assert "| 冷却期 3 |" in P.drops_table(metrics, {("cooldown=3", "冷却期 3"): {}})


@pytest.mark.parametrize("params, facts", [
    (dict(factor=0.5, patience=1), dict(n=15, first=20)),
    (dict(factor=0.5, patience=5), dict(n=3, first=37)),
    (dict(factor=0.5, patience=1, min_lr=0.01), dict(last=0.01)),
])
def test_the_numbers_the_lesson_reads_off_the_noisy_plateau(params, facts):
    metrics = P.metric_shape("noisy plateau")
    found = torch_drops(metrics, **params)
    lr = P.plateau_curve(metrics, **params)
    assert facts.get("n", len(found)) == len(found)
    assert facts.get("first", found[0]) == found[0]
    assert facts.get("last", lr[-1]) == pytest.approx(lr[-1])


def test_the_exercises_answers():
    exercise = [1.00, 0.85, 0.78, 0.80, 0.79, 0.77, 0.78, 0.78, 0.79, 0.76, 0.77, 0.76, 0.77, 0.78,
                0.75, 0.76, 0.77, 0.77]
    assert torch_drops(exercise, factor=0.5, patience=2, cooldown=2) == [9, 14]
    descent = P.metric_shape("descent, then flat", seed=14)
    good = [p for p in range(16)
            if (d := torch_drops(descent, factor=0.5, patience=p)) and d[0] > P.FLAT_FROM]
    assert good == list(range(4, 11))  # the check accepts patience 4 to 10


# --- the figure and the explorer ----------------------------------------------------------------


def test_the_figure_marks_each_drop():
    from lrlessons.plateau_views import plot_plateau

    metrics = P.metric_shape("a spike")
    fig = plot_plateau(metrics, {"patience=0": dict(factor=0.5, patience=0)})
    ax_metric, ax_lr = fig.axes[:2]
    triangles = [line for line in ax_metric.get_lines() if line.get_marker() == "v"]
    assert len(triangles) == len(torch_drops(metrics, factor=0.5, patience=0))
    assert [int(t.get_xdata()[0]) for t in triangles][0] == 20  # the spike itself triggered it
    alone = plot_plateau(metrics, {})
    assert len(alone.axes) == 1 and alone.axes[0].get_legend() is not None


def test_the_explorer_follows_every_control():
    from lrlessons.plateau_views import explore_plateau

    ex = explore_plateau("noisy plateau", factor=0.5, patience=2)
    assert ex.update() == torch_drops(ex.metrics(), factor=0.5, patience=2)
    for shape in P.SHAPES:
        ex.shaping["shape"].value = shape
        assert ex.shaping["noise"].value == pytest.approx(P.NOISE[shape])
        for name, value in (("patience", 0), ("cooldown", 4), ("threshold_mode", "abs"),
                            ("threshold", 0.01), ("min_lr", 0.01), ("mode", "min")):
            ex.entry.controls[name].value = value
            values = {k: v for k, v in ex.entry.values().items() if k != "metrics"}
            shown = ", ".join(map(str, torch_drops(ex.metrics(), **values))) or "—"
            assert f"<b>{shown}</b>" in ex.readout.value, (shape, name)
        ex.entry.controls["threshold"].value = 1e-4
    ex.shaping["seed"].value = 5
    ex.entry.controls["patience"].value = 7
    assert "patience=7" in ex.code.value
    use_language("zh")
    ex.update()
    assert "学习率在第" in ex.readout.value


def test_the_explorers_lr_axis_ends_near_the_lowest_lr_reached():
    # Not down to 1e-9 whatever the cuts: one decade at most below the lowest lr shown.
    from lrlessons.plateau_views import explore_plateau

    ex = explore_plateau("noisy plateau", factor=0.5, patience=2)
    for patience in (8, 2, 0):
        ex.entry.controls["patience"].value = patience
        lr = P.plateau_curve(ex.metrics(), ex.base_lr, factor=0.5, patience=patience)
        bottom, top = ex.figure.axes[1].get_ylim()
        assert min(top / 100, lr.min() / 10) <= bottom <= lr.min()
        assert top >= ex.base_lr


# --- Keras' callback, as the lesson describes it ---------------------------------------------------

METRICS = st.lists(st.integers(50, 100).map(lambda v: v / 100), min_size=3, max_size=25)


def keras_lrs(metrics, **kwargs):
    import keras

    callback = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, min_delta=0.0,
                                                 **kwargs)
    return lrlessons.keras_values(callback, len(metrics), metrics=metrics)


@settings(max_examples=30)
@given(metrics=METRICS, patience=st.integers(1, 4))
def test_keras_cuts_when_the_count_reaches_patience(keras, metrics, patience):
    """Keras' patience=p is PyTorch's patience=p-1 (PyTorch cuts when the count exceeds it)."""
    np.testing.assert_allclose(keras_lrs(metrics, patience=patience),
                               lrlessons.curve("ReduceLROnPlateau", len(metrics), metrics=metrics,
                                               factor=0.5, patience=patience - 1, threshold=0.0),
                               rtol=1e-6)


@settings(max_examples=30)
@given(metrics=METRICS, patience=st.integers(1, 3))
def test_keras_cooldown_1_is_cooldown_0(keras, metrics, patience):
    np.testing.assert_array_equal(keras_lrs(metrics, patience=patience, cooldown=1),
                                  keras_lrs(metrics, patience=patience, cooldown=0))


def test_the_lessons_keras_table(keras):
    sequence = [1.0, 0.8, 0.81, 0.82, 0.83, 0.79, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8]
    same = dict(factor=0.5, patience=2, threshold=0.0)
    assert torch_drops(sequence, **same) == [5, 9]
    assert P.drops(keras_lrs(sequence, patience=2)) == [4, 8, 10]  # one earlier, one more
    assert P.drops(lrlessons.keras_curve("ReduceLROnPlateau", 12, metrics=sequence, **same)) == \
        [5, 9]


def test_keras_mode_auto_follows_the_direction_a_metric_declares(keras):
    """Lesson 06: loss minimised, a compiled metric in its declared direction (accuracy
    maximised, a crossentropy metric minimised), any other name a ValueError at the first epoch."""
    import warnings

    from lrlessons.playground import spiral

    x, y = spiral()
    ops = {}
    for monitor in ("loss", "accuracy", "sparse_categorical_crossentropy", "no_such_metric"):
        model = lrlessons.keras_model()
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy", keras.metrics.SparseCategoricalCrossentropy()])
        callback = keras.callbacks.ReduceLROnPlateau(monitor=monitor)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                model.fit(x[:200], y[:200], epochs=1, verbose=0, callbacks=[callback])
            except ValueError as error:
                ops[monitor] = "ValueError" if "automatically" in str(error) else str(error)
                continue
        ops[monitor] = callback.monitor_op.__name__
    assert ops == {"loss": "less", "accuracy": "greater",
                   "sparse_categorical_crossentropy": "less", "no_such_metric": "ValueError"}


def test_keras_early_stopping_stops_when_the_count_reaches_patience(keras):
    """Lesson 06: EarlyStopping counts like Keras' ReduceLROnPlateau (stops when the count of
    bad epochs reaches patience), and its default min_delta (0) is not the plateau callback's."""
    sequence = [1.0, 0.9, 0.95, 0.96, 0.97, 0.98, 0.99]
    for patience, last in ((0, 2), (2, 3), (3, 4)):
        model = lrlessons.keras_model()
        model.stop_training = False  # fit sets it; here the callback is driven by hand
        stop = keras.callbacks.EarlyStopping(monitor="loss", patience=patience)
        stop.set_model(model)
        stop.on_train_begin()
        for epoch, value in enumerate(sequence):
            stop.on_epoch_end(epoch, {"loss": value})
            if model.stop_training:
                break
        assert epoch == last
    assert keras.callbacks.EarlyStopping().min_delta == 0
    assert keras.callbacks.ReduceLROnPlateau().min_delta == 1e-4


def test_step_without_the_metric_fails():
    scheduler = lrlessons.torch_scheduler("ReduceLROnPlateau", lrlessons.make_optimizer())
    with pytest.raises(TypeError, match="metrics"):
        scheduler.step()


def test_the_training_explorer_trains_with_the_runs_validation_loss():
    from lrlessons.explorers import train_explorer

    ex = train_explorer(schedules=["ReduceLROnPlateau", None], schedule="ReduceLROnPlateau",
                        epochs=6)
    run = ex.train()
    assert run is not None and "metrics" not in run.params and ex.runs == [run]
    np.testing.assert_allclose(run.lrs, run.scheduled(), rtol=1e-12)
