"""The training playground: deterministic, fast enough to repeat, the schedule visibly matters,
and the lr it records from param_groups equals curve() at every optimizer step."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import lrlessons
from lrlessons import playground as pg
from tests.assertions import assert_bilingual


@pytest.mark.parametrize("schedule, params, step_per", [
    (None, {}, "epoch"),
    ("StepLR", dict(step_size=7, gamma=0.5), "epoch"),
    ("StepLR", dict(step_size=30, gamma=0.5), "iteration"),
    ("MultiStepLR", dict(milestones=[5, 12]), "epoch"),
    ("CosineAnnealingLR", {}, "iteration"),
    ("CosineAnnealingWarmRestarts", dict(T_0=3, T_mult=2), "epoch"),
    ("OneCycleLR", dict(max_lr=0.8), "iteration"),
    ("ReduceLROnPlateau", dict(factor=0.5, patience=1), "epoch"),
    ("PiecewiseDecay", dict(boundaries=[4, 9], values=[0.3, 0.1, 0.01]), "epoch"),
    ("WarmupStableDecay", dict(num_warmup_steps=20, num_stable_steps=100, num_decay_steps=60),
     "iteration"),
])
def test_recorded_lr_equals_curve(schedule, params, step_per):
    run = lrlessons.train(schedule, epochs=15, base_lr=0.3, step_per=step_per, **params)
    assert len(run.lrs) == 15 * run.batches_per_epoch
    # The reference is computed independently of the run: curve() of the same parameters, one
    # value per scheduler.step() call, held for the batches between calls.
    n_calls = 15 if step_per == "epoch" else len(run.lrs)
    filled = dict(run.params)
    if schedule == "ReduceLROnPlateau":
        filled["metrics"] = list(run.val_loss)
    per_call = (np.full(n_calls, 0.3) if schedule is None
                else lrlessons.curve(schedule, n_calls, base_lr=0.3, **filled))
    reference = np.repeat(per_call, run.batches_per_epoch) if step_per == "epoch" else per_call
    np.testing.assert_allclose(run.lrs, reference, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(run.scheduled(), reference, rtol=1e-12, atol=1e-15)


def test_run_length_parameters_default_to_the_run():
    epoch = lrlessons.train("CosineAnnealingLR", epochs=12)
    batch = lrlessons.train("CosineAnnealingLR", epochs=12, step_per="iteration")
    assert epoch.params["T_max"] == 12
    assert batch.params["T_max"] == 12 * batch.batches_per_epoch
    assert lrlessons.train("OneCycleLR", epochs=5, step_per="iteration").params[
        "total_steps"] == 5 * batch.batches_per_epoch


def test_runs_are_deterministic():
    a = lrlessons.train("StepLR", epochs=10, step_size=4)
    b = lrlessons.train("StepLR", epochs=10, step_size=4)
    for field in ("loss", "val_loss", "accuracy", "lrs"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    c = lrlessons.train("StepLR", epochs=10, step_size=4, seed=1)
    assert not np.array_equal(a.loss, c.loss)


@pytest.mark.parametrize("name", ["00 too large lr: collapses to one class",
                                  pytest.param("01 staircases end lower and steadier",
                                               marks=pytest.mark.slow)])  # ~6 s
def test_the_schedule_visibly_matters(name):
    """The course's central claim, over seeds 0-4 on this process' kernel set: a constant lr
    that is too large fails, the same 0.5 decayed ends lower and steadier than kept constant.
    A run is chaotic (one trajectory differs per CPU kernel set), so the bounds hold for every
    seed, with margins; tests/test_claims.py checks every lesson claim on every kernel set."""
    from tests.claims import CLAIMS, evaluate, train_configs

    verdict = evaluate(train_configs(CLAIMS[name].needs), names=[name])[name]
    assert verdict["ok"], f"{name}: {verdict['detail']}"


def test_divergence_stops_the_run_cleanly():
    run = lrlessons.train(base_lr=1e5, epochs=20)  # NaN within the first epoch
    assert run.diverged and len(run.loss) < 20
    assert np.isfinite(run.lrs).all() and len(run.lrs) == len(run.loss) * run.batches_per_epoch
    np.testing.assert_allclose(run.lrs, run.scheduled())


def test_a_run_uses_one_thread_and_gives_the_setting_back():
    before = torch.get_num_threads()
    seen = []
    original = torch.optim.SGD.step

    def spy(self, *args, **kwargs):
        seen.append(torch.get_num_threads())
        return original(self, *args, **kwargs)

    torch.optim.SGD.step = spy
    try:
        lrlessons.train(epochs=1)
    finally:
        torch.optim.SGD.step = original
    assert set(seen) == {1} and torch.get_num_threads() == before


@pytest.mark.parametrize("kwargs, fragments", [
    (dict(step_per="batch"), ["step_per", "'batch'", "'iteration'"]),
    (dict(epochs=0), ["epochs", "0", "[1, 10000]"]),
    (dict(base_lr=-0.5), ["base_lr", "-0.5", "(0, inf)"]),
    (dict(schedule="ReduceLROnPlateau", step_per="iteration"), ["ReduceLROnPlateau", "epoch"]),
    (dict(schedule="StepLR", gamma=3.0), ["gamma", "3", "(0, 1]"]),
])
def test_bad_settings_are_refused_in_both_languages(kwargs, fragments):
    with pytest.raises((ValueError, TypeError)) as info:
        lrlessons.train(**kwargs)
    assert_bilingual(info, *fragments)


def test_data_is_generated_not_downloaded():
    x, y = pg.spiral()
    assert x.shape == (pg.POINTS, 2) and set(np.unique(y)) == {0, 1, 2}
    x2, _ = pg.spiral()
    np.testing.assert_array_equal(x, x2)


def test_step_losses_are_each_optimizer_steps_batch_loss():
    run = lrlessons.train(epochs=3)
    assert len(run.step_losses) == len(run.lrs) == 3 * run.batches_per_epoch
    # The epoch's loss is the mean over its points: batches of 100, so the mean of its steps.
    per_epoch = run.step_losses.reshape(3, -1).mean(axis=1)
    np.testing.assert_allclose(per_epoch, run.loss, rtol=1e-12)
    accumulated = lrlessons.train(epochs=2, accumulate=4)
    assert len(accumulated.step_losses) == len(accumulated.lrs) == 2 * 3
    np.testing.assert_allclose(accumulated.step_losses.reshape(2, -1).mean(axis=1),
                               accumulated.loss, rtol=1e-12)


def test_stop_factor_ends_the_run_where_the_loss_blows_up():
    run = lrlessons.train("ExponentialLR", base_lr=1e-3, gamma=1.1, step_per="iteration",
                          epochs=20, stop_factor=4.0)
    assert run.stopped and not run.diverged and len(run.lrs) < 20 * run.batches_per_epoch
    lowest = np.minimum.accumulate(run.step_losses)
    assert run.step_losses[-1] > 4 * lowest[-1]  # the step that stopped it
    assert np.all(run.step_losses[:-1] <= 4 * lowest[:-1])  # and none before
    assert len(run.loss) == len(run.lrs) // run.batches_per_epoch  # whole epochs only
    np.testing.assert_allclose(run.lrs, run.scheduled(), rtol=1e-12)
    calm = lrlessons.train(epochs=2, stop_factor=4.0)
    assert not calm.stopped and len(calm.lrs) == 2 * calm.batches_per_epoch


@pytest.mark.parametrize("value", [1.0, 0.5, -2.0])
def test_a_stop_factor_must_exceed_one(value):
    with pytest.raises(ValueError, match=r"stop_factor must be in \(1, inf\)"):
        lrlessons.train(epochs=1, stop_factor=value)


def test_on_epoch_end_sets_the_lr_from_the_history():
    seen = []

    def halve_every_third(losses, lrs):
        seen.append((list(losses), list(lrs)))
        return lrs[-1] / 2 if len(losses) % 3 == 0 else None

    run = lrlessons.train(base_lr=0.4, epochs=7, on_epoch_end=halve_every_third)
    per_epoch = run.lrs[::run.batches_per_epoch]
    np.testing.assert_allclose(per_epoch, [0.4, 0.4, 0.4, 0.2, 0.2, 0.2, 0.1])
    assert [len(h) for h, _ in seen] == list(range(1, 8))
    assert seen[-1][0] == list(run.loss) and seen[-1][1] == list(per_epoch)
    assert run.rule == "halve_every_third" and run.label.startswith("halve_every_third")
    # A rule that keeps the lr leaves the run as without it, bit for bit.
    same = lrlessons.train(base_lr=0.4, epochs=3, on_epoch_end=lambda losses, lrs: None)
    np.testing.assert_array_equal(same.loss, lrlessons.train(base_lr=0.4, epochs=3).loss)


@pytest.mark.parametrize("value", [-0.1, 0.0, float("nan"), "0.1", True])
def test_on_epoch_end_must_return_a_positive_lr_or_none(value):
    with pytest.raises(ValueError, match="on_epoch_end must return a learning rate > 0"):
        lrlessons.train(epochs=1, on_epoch_end=lambda losses, lrs: value)


def test_keras_train_records_a_run_like_the_playground(keras):
    run = lrlessons.keras_train(epochs=3)
    assert len(run.loss) == len(run.val_loss) == len(run.accuracy) == 3
    assert len(run.lrs) == 3 * run.batches_per_epoch and np.all(run.lrs == np.float32(0.5))
    assert np.all(np.isfinite(run.loss)) and 0.0 <= run.final_accuracy <= 1.0
    again = lrlessons.keras_train(epochs=3)
    np.testing.assert_array_equal(run.loss, again.loss)  # a seed gives the same run

    class Halve(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            self.model.optimizer.learning_rate = float(self.model.optimizer.learning_rate) / 2

    halved = lrlessons.keras_train(lambda: [Halve()], epochs=3, seed=range(2))
    assert halved.label.startswith("Halve") and len(halved.runs) == 2
    np.testing.assert_allclose(halved.runs[0].lrs[::halved.batches_per_epoch],
                               [0.5, 0.25, 0.125])
    with pytest.raises(TypeError, match="callbacks must be a function"):
        lrlessons.keras_train([Halve()])


def test_the_lr_panel_says_which_seed_it_shows():
    from lrlessons import playground

    fixed = lrlessons.train("StepLR", epochs=3, step_size=1, seed=range(2))
    assert "same for every seed" in playground.seed_note([fixed])
    # A rule that follows the run (a plateau) gives each seed its own lrs: one seed is drawn,
    # the band covers them all.
    from dataclasses import replace

    first, second = fixed.runs
    apart = playground.Runs([first, replace(second, lrs=second.lrs / 2)])
    assert "line: seed 0; band: all seeds" in playground.seed_note([apart])
    fig = lrlessons.plot_run(apart)
    assert fig.axes[2].get_title().endswith("(line: seed 0; band: all seeds)")
    band = fig.axes[2].collections[0].get_paths()[0].vertices[:, 1]
    assert band.min() == pytest.approx(second.lrs.min() / 2)
    assert band.max() == pytest.approx(first.lrs.max())
    one = lrlessons.train("StepLR", epochs=2, step_size=1, seed=3)
    assert playground.seed_note([one]) == " (seed 3)"
    fig = lrlessons.plot_run(one)
    assert fig.axes[2].get_title().endswith("(seed 3)")
    lrlessons.use_language("zh")
    assert playground.seed_note([one]) in ("（种子 3）", " (seed 3)")  # English without CJK font


def test_a_label_names_max_lr_once_and_says_per_iteration():
    run = lrlessons.train("OneCycleLR", epochs=2, max_lr=0.3, step_per="iteration")
    assert run.label.count("max_lr") == 1 and run.label.endswith(", per iteration")
    assert lrlessons.train("StepLR", epochs=2, step_size=1).label == "StepLR(step_size=1) lr=0.5"


def test_an_epoch_sits_at_the_same_x_in_every_panel():
    """Epoch k's loss and accuracy are drawn at x = k, the lr it used over [k-1, k): the three
    panels share one x-range and say so."""
    run = lrlessons.train("StepLR", epochs=4, step_size=2, gamma=0.5)
    fig = lrlessons.plot_run(run)
    loss_line, acc_line, lr_line = (ax.get_lines()[0] for ax in fig.axes)
    np.testing.assert_array_equal(loss_line.get_xdata(), [1, 2, 3, 4])
    np.testing.assert_array_equal(loss_line.get_ydata(), run.loss)
    np.testing.assert_array_equal(acc_line.get_xdata(), [1, 2, 3, 4])
    np.testing.assert_allclose(acc_line.get_ydata(), 100 * run.accuracy)
    assert {ax.get_xlim() for ax in fig.axes} == {(0.0, 4.0)}
    assert all(float(t).is_integer() for ax in fig.axes for t in ax.get_xticks())  # whole epochs
    # The lr panel: each epoch's steps lie in [k-1, k) and carry the lr StepLR gives epoch k.
    x, y = np.asarray(lr_line.get_xdata()), np.asarray(lr_line.get_ydata())
    n = run.batches_per_epoch
    assert lr_line.get_drawstyle() == "steps-post" and x[0] == 0 and x[-1] == 4
    for k, lr in enumerate([0.5, 0.5, 0.25, 0.25], start=1):
        inside = (x >= k - 1) & (x < k)
        assert inside.sum() == n and np.all(y[inside] == lr)
    assert "end" in fig.axes[0].get_xlabel() and "during" in fig.axes[2].get_xlabel()


def test_coinciding_lr_curves_stay_visible():
    """Two runs with the same lr trace (Adagrad and RMSprop at 0.01): the later one is dashed on
    top of a wider solid line, a third coinciding one dashes in the gaps; a different lr keeps
    the plain style."""
    a = lrlessons.train(optimizer="adagrad", base_lr=0.01, epochs=2)
    b = lrlessons.train(optimizer="rmsprop", base_lr=0.01, momentum=0.0, epochs=2)
    c = lrlessons.train(base_lr=0.01, epochs=2)
    d = lrlessons.train(base_lr=0.02, epochs=2)
    np.testing.assert_array_equal(a.lrs, b.lrs)  # what makes them coincide
    lines = lrlessons.plot_run([a, b, c, d]).axes[2].get_lines()
    for line, run in zip(lines, (a, b, c, d)):
        np.testing.assert_array_equal(line.get_ydata()[:-1], run.lrs)
    under, first, second, other = lines
    assert under.get_linestyle() == "-" and other.get_linestyle() == "-"
    assert under.get_linewidth() > first.get_linewidth() == second.get_linewidth()
    assert other.get_linewidth() < under.get_linewidth()
    # matplotlib's dash pattern (offset, (on, off)) per line, in points scaled by the width.
    (o1, (on1, off1)), (o2, (on2, off2)) = first._dash_pattern, second._dash_pattern
    period = on1 + off1
    assert on1 == on2 and off1 == off2 and off1 >= 2 * on1  # room for the other dashes
    # Each dashed line draws a different third of the period; the solid shows in the last.
    slots = {round(((-o) % period) / on1) for o in (o1, o2)}
    assert len(slots) == 2 and slots <= {0, 1, 2}
    assert lrlessons.plot_run([a, d]).axes[2].get_lines()[1].get_linestyle() == "-"
