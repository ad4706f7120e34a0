"""Lesson 09's helpers and every statement it makes about torch and Keras, against the
frameworks themselves: the order warning and the value it skips, get_last_lr after the step,
scheduler.step(epoch) one epoch late, parameter groups added late, resuming, GradScaler on CPU,
data-parallel steps per epoch from torch's own DistributedSampler."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch

import lrlessons
from lrlessons import pitfalls


def optimizer_first(optimizer, scheduler, steps):
    used = []
    for _ in range(steps):
        used.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return used


def scheduler_first(optimizer, scheduler, steps):
    used = []
    for _ in range(steps):
        scheduler.step()
        used.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
    return used


@pytest.mark.parametrize("name, params", [("StepLR", dict(step_size=4, gamma=0.5)),
                                          ("CosineAnnealingLR", dict(T_max=12)),
                                          ("OneCycleLR", dict(max_lr=1.0, total_steps=13))])
def test_record_reads_the_lr_each_update_used(name, params):
    right = pitfalls.record(optimizer_first, name, 12, **params)
    np.testing.assert_allclose(right.lrs, lrlessons.curve(name, 12, **params), rtol=1e-9)
    assert right.warnings == ()
    wrong = pitfalls.record(scheduler_first, name, 12, **params)
    np.testing.assert_array_equal(wrong.lrs, lrlessons.wrong_order_curve(name, 12, **params))
    np.testing.assert_allclose(wrong.lrs, lrlessons.curve(name, 13, **params)[1:], rtol=1e-9)
    assert len(wrong.warnings) == 1 and "skipping the first value" in wrong.warnings[0]


def test_get_last_lr_after_step_is_the_next_epochs_lr():
    def logged(optimizer, scheduler, epochs):
        rows = []
        for _ in range(epochs):
            used = optimizer.param_groups[0]["lr"]
            optimizer.step()
            scheduler.step()
            rows.append((used, scheduler.get_last_lr()[0]))
        return rows

    log = pitfalls.record(logged, "StepLR", 8, step_size=4, gamma=0.5).lrs
    np.testing.assert_array_equal(log[:-1, 1], log[1:, 0])
    assert log[3, 1] == 0.05 and log[3, 0] == 0.1  # the log drops at epoch 3, training at 4


def test_step_with_the_epoch_is_deprecated_and_one_epoch_late():
    def epoch_passed(optimizer, scheduler, epochs):
        used = []
        for epoch in range(epochs):
            used.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            scheduler.step(epoch)
        return used

    for name, params in (("StepLR", dict(step_size=4, gamma=0.5)),
                         ("CosineAnnealingLR", dict(T_max=12))):
        old = pitfalls.record(epoch_passed, name, 12, **params)
        intended = lrlessons.curve(name, 12, **params)
        np.testing.assert_allclose(old.lrs, np.r_[intended[:1], intended[:-1]], rtol=1e-9)
        assert any("epoch parameter" in w for w in old.warnings)


def test_groups_scale_from_their_own_initial_lr():
    def every_group(optimizer, scheduler, steps):
        used = []
        for _ in range(steps):
            used.append([g["lr"] for g in optimizer.param_groups])
            optimizer.step()
            scheduler.step()
        return used

    two = pitfalls.record(every_group, "CosineAnnealingLR", 12, groups=[0.01, 0.1], T_max=12).lrs
    for column, lr in ((0, 0.01), (1, 0.1)):
        np.testing.assert_allclose(two[:, column], lrlessons.curve(
            "CosineAnnealingLR", 12, base_lr=lr, T_max=12), rtol=1e-9)


def test_a_group_added_late_leaves_the_schedule_and_breaks_lambda_lr():
    def add_late(optimizer, scheduler, steps):
        used = []
        for t in range(steps):
            if t == 4:
                optimizer.add_param_group({"params": [torch.zeros(1, requires_grad=True)],
                                           "lr": 0.1})
            used.append(optimizer.param_groups[-1]["lr"])
            optimizer.step()
            scheduler.step()
        return used[4:]

    late = pitfalls.record(add_late, "CosineAnnealingLR", 12, groups=[0.01], T_max=12).lrs
    intended = lrlessons.curve("CosineAnnealingLR", 12, base_lr=0.1, T_max=12)[4:]
    assert late[0] == 0.1 and intended[0] == pytest.approx(0.075)
    assert not np.allclose(late, intended)
    with pytest.raises(ValueError):
        pitfalls.record(add_late, "LambdaLR", 12, groups=[0.01], lr_lambda=lambda t: 0.9 ** t)
    with pytest.raises(KeyError, match="max_lr"):  # the late group has no max_lr
        pitfalls.record(add_late, "OneCycleLR", 12, groups=[0.01], max_lr=0.1, total_steps=12)


def make_run(model):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    warmup = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.1, total_iters=3)
    cosine = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=9)
    return optimizer, torch.optim.lr_scheduler.SequentialLR(optimizer, [warmup, cosine], [3])


def test_resume_with_all_three_states_is_exact_and_the_model_alone_starts_over():
    def full(checkpoint, model):
        model.load_state_dict(checkpoint["model"])
        optimizer, scheduler = make_run(model)
        optimizer.load_state_dict(checkpoint["optimizer"])
        scheduler.load_state_dict(checkpoint["scheduler"])
        return optimizer, scheduler

    def model_only(checkpoint, model):
        model.load_state_dict(checkpoint["model"])
        return make_run(model)

    sequence = dict(schedulers=[("LinearLR", dict(start_factor=0.1, total_iters=3)),
                                ("CosineAnnealingLR", dict(T_max=9))], milestones=[3])
    for at in (1, 3, 5, 11):
        exact = pitfalls.resume(full, make_run, at=at)
        assert exact.same_weights
        np.testing.assert_array_equal(exact.lrs, exact.uninterrupted)
        np.testing.assert_allclose(exact.uninterrupted, lrlessons.curve("SequentialLR", 12,
                                                                        **sequence), rtol=1e-9)
        again = pitfalls.resume(model_only, make_run, at=at)
        np.testing.assert_array_equal(again.lrs[at:], again.uninterrupted[:12 - at])
        assert not again.same_weights
    with pytest.raises(ValueError, match="at must be"):
        pitfalls.resume(full, make_run, at=12)
    checkpoint, used = pitfalls.checkpoint_after(make_run, at=5)
    assert list(checkpoint) == ["model", "optimizer", "scheduler", "epoch"]
    assert checkpoint["scheduler"]["last_epoch"] == 5 and len(used) == 5


def test_loading_the_optimizer_before_building_the_scheduler_loses_the_lr():
    """Lesson 09: building a scheduler sets the lr to the schedule's start, so an optimizer state
    loaded before it is overwritten; the resumed run trains at the wrong lr at once."""
    def optimizer_loaded_first(checkpoint, model):
        model.load_state_dict(checkpoint["model"])
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        optimizer.load_state_dict(checkpoint["optimizer"])
        warmup = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.1, total_iters=3)
        cosine = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=9)
        scheduler = torch.optim.lr_scheduler.SequentialLR(optimizer, [warmup, cosine], [3])
        scheduler.load_state_dict(checkpoint["scheduler"])
        return optimizer, scheduler

    again = pitfalls.resume(optimizer_loaded_first, make_run, at=5)
    assert again.lrs[5] == pytest.approx(0.01) and again.uninterrupted[5] > 0.08
    assert not again.same_weights


def test_a_scheduler_built_with_last_epoch_needs_initial_lr():
    optimizer = torch.optim.SGD(pitfalls.spiral_model().parameters(), lr=0.1)
    with pytest.raises(KeyError, match="initial_lr"):
        torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=9, last_epoch=4)


def amp_run(skip_aware, init_scale, steps=16):
    """The lesson's loop: float16 autocast on CPU, a GradScaler, a LinearLR warm-up."""
    model = pitfalls.spiral_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.1, total_iters=8)
    scaler = torch.amp.GradScaler("cpu", init_scale=init_scale)
    applied, moved = [], []
    for x, y in pitfalls.spiral_batches(steps):
        with torch.autocast("cpu", dtype=torch.float16):
            loss = torch.nn.functional.cross_entropy(model(x), y)
        assert model[0](x[:1]).dtype == torch.float32  # outside autocast: float32 again
        optimizer.zero_grad()
        scaler.scale(loss).backward()
        lr, scale = optimizer.param_groups[0]["lr"], scaler.get_scale()
        before = model[0].weight.detach().clone()
        scaler.step(optimizer)
        scaler.update()
        stepped = scaler.get_scale() >= scale
        moved.append(not torch.equal(before, model[0].weight))
        if stepped:
            applied.append(lr)
        if stepped or not skip_aware:
            scheduler.step()
    return applied, moved


def test_grad_scaler_on_cpu_skips_updates_and_the_scale_drop_tells_which():
    (every_call, moved), caught = _with_warnings(amp_run, False, 2.0 ** 24)
    only_real, _ = amp_run(True, 2.0 ** 24)
    # The scale halves exactly when an update was skipped (the weights did not move).
    assert len(every_call) == sum(moved) == 11 and moved[:4] == [False] * 4 and not moved[5]
    assert any("before `optimizer.step()`" in str(w.message) for w in caught)
    warmup = lrlessons.curve("LinearLR", 11, start_factor=0.1, total_iters=8)
    np.testing.assert_allclose(only_real, warmup, rtol=1e-9)
    assert every_call[0] == pytest.approx(0.055)
    # The default starting scale never overflows on this small network.
    default, moved = amp_run(False, 2.0 ** 16)
    assert all(moved) and len(default) == 16
    # bfloat16 has float32's exponent range; float16 tops out at 65504.
    assert torch.finfo(torch.bfloat16).max > 1e38 and torch.finfo(torch.float16).max == 65504


def _with_warnings(fn, *args):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn(*args)
    return out, caught


@pytest.mark.parametrize("samples, batch, processes", [(50_000, 128, 1), (50_000, 128, 4),
                                                       (50_000, 128, 8), (1438, 32, 3),
                                                       (10, 4, 16)])
def test_steps_per_epoch_is_torchs_distributed_sampler(samples, batch, processes):
    per_process = math.ceil(samples / processes)  # DistributedSampler pads to equal shards
    assert pitfalls.steps_per_epoch(samples, batch, processes) == math.ceil(per_process / batch)
    assert pitfalls.steps_per_epoch(samples, batch, processes, drop_last=True) == \
        per_process // batch
    table = pitfalls.parallel_table(samples, batch, epochs=30, warmup_epochs=2,
                                    processes=(processes,))
    steps = math.ceil(per_process / batch)
    assert f"| {processes} | {per_process} | {steps} | {30 * steps} | {2 * steps} |" in table


def test_bad_values_are_refused_with_the_parameter_named():
    with pytest.raises(ValueError, match="processes"):
        pitfalls.steps_per_epoch(100, 10, processes=0)
    with pytest.raises(ValueError, match="batch_size"):
        pitfalls.steps_per_epoch(100, 0)


def test_spiral_batches_cover_the_training_points_each_pass():
    batches = list(pitfalls.spiral_batches(14, batch_size=100))
    assert len(batches) == 14 and batches[0][0].shape == (100, 2)
    first_pass = torch.cat([y for _, y in batches[:12]])
    assert len(first_pass) == 1200


def test_keras_checkpoint_keeps_iterations_and_callback_counts_from_initial_epoch(keras,
                                                                                  tmp_path):
    """What lesson 09 says about Keras: a saved model keeps optimizer.iterations, so its schedule
    continues; LearningRateScheduler is called with fit's epoch, which starts at initial_epoch."""
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=4, decay_rate=0.5)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
    model.compile(keras.optimizers.SGD(schedule), "sparse_categorical_crossentropy")
    x = np.random.default_rng(0).normal(size=(40, 2)).astype("float32")
    y = np.arange(40) % 3
    model.fit(x, y, batch_size=10, epochs=2, verbose=0)
    model.save(tmp_path / "run.keras")
    back = keras.saving.load_model(tmp_path / "run.keras")
    assert int(back.optimizer.iterations) == 8
    assert float(back.optimizer.learning_rate) == pytest.approx(0.1 * 0.5 ** 2)
    back.fit(x, y, batch_size=10, epochs=1, verbose=0)
    assert float(back.optimizer.learning_rate) == pytest.approx(0.1 * 0.5 ** 3)
    seen = []
    callback = keras.callbacks.LearningRateScheduler(lambda epoch, lr: seen.append(epoch) or lr)
    plain = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
    plain.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
    plain.fit(x, y, batch_size=10, epochs=5, initial_epoch=3, verbose=0, callbacks=[callback])
    assert seen == [3, 4]


def test_reveal_log_waits_for_a_guess_then_shows_torch_steplr_one_epoch_apart():
    from lrlessons import pitfalls

    def logged(optimizer, scheduler, epochs):
        rows = []
        for _ in range(epochs):
            used = optimizer.param_groups[0]["lr"]
            optimizer.step()
            scheduler.step()
            rows.append((used, scheduler.get_last_lr()[0]))
        return rows

    log = pitfalls.record(logged, "StepLR", 8, step_size=4, gamma=0.5).lrs
    asked = pitfalls.reveal_log(..., log)
    assert "guess" in asked.data
    # torch's StepLR: epoch 4 trains at the halved lr; the log after epoch 3's step shows it.
    assert list(log[:, 0]) == [0.1] * 4 + [0.05] * 4
    assert list(log[:, 1]) == [0.1] * 3 + [0.05] * 4 + [0.025]
    shown = pitfalls.reveal_log((3, 4.0), log)
    assert "0.05" in shown.data
