"""Self-checks: a right answer passes, a wrong one names the first step that differs, expected
against got, with the hint that fits the mistake, in the learner's language."""

from __future__ import annotations

import math

import pytest

from lrlessons import check
from lrlessons.i18n import use_language


@pytest.fixture(autouse=True)
def english():
    use_language("en")
    yield
    use_language("en")


def test_right_schedule_passes():
    result = check.schedule(lambda t: 0.1 * 0.1 ** (t // 30), "StepLR", steps=100,
                            step_size=30, gamma=0.1)
    assert result and result.message.startswith("✅") and "100 steps" in result.message


def test_a_list_of_values_is_accepted():
    values = [0.1 * 0.5 ** (t // 2) for t in range(10)]
    assert check.schedule(values, "StepLR", steps=10, step_size=2, gamma=0.5)
    short = check.schedule(values[:9], "StepLR", steps=10, step_size=2, gamma=0.5)
    assert not short and "10 values" in short.message


def test_one_step_early_names_the_step_and_the_cause():
    result = check.schedule(lambda t: 0.1 * 0.1 ** ((t + 1) // 30), "StepLR", steps=100,
                            step_size=30)
    assert not result
    assert "Step 29" in result.message and "expected 0.1, got 0.01" in result.message
    assert "one step too early" in result.message


def test_one_step_late():
    result = check.schedule(lambda t: 0.1 * 0.1 ** (max(t - 1, 0) // 30), "StepLR", steps=100,
                            step_size=30)
    assert not result and "Step 30" in result.message and "too late" in result.message


def test_wrong_base_lr_is_recognised():
    result = check.schedule(lambda t: 0.01 * 0.1 ** (t // 30), "StepLR", steps=100,
                            step_size=30)
    assert not result and "Step 0" in result.message and "0.1 times" in result.message


def test_not_written_yet_is_not_a_traceback():
    def stub(t):
        raise NotImplementedError

    result = check.schedule(stub, "StepLR")
    assert not result and "Not written yet" in result.message


def test_learner_errors_become_messages():
    result = check.schedule(lambda t: 1 / (t - 3), "StepLR", steps=10)
    assert not result and "ZeroDivisionError" in result.message and "step 3" in result.message
    result = check.schedule(lambda t: "0.1", "StepLR", steps=10)
    assert not result and "not a number" in result.message


def test_messages_follow_the_language():
    use_language("zh")
    result = check.schedule(lambda t: 0.1 * 0.1 ** ((t + 1) // 30), "StepLR", steps=100,
                            step_size=30)
    assert "第 29 步" in result.message and "早了一步" in result.message
    assert "Step 29" not in result.message


def test_cosine_past_t_max_is_checked():
    def clipped(t):  # a common mistake: stop at T_max
        t = min(t, 50)
        return 0.001 + (0.1 - 0.001) * (1 + math.cos(math.pi * t / 50)) / 2

    result = check.schedule(clipped, "CosineAnnealingLR", steps=151, T_max=50, eta_min=0.001)
    assert not result and "Step 51" in result.message


def test_descent():
    assert check.descent(lambda lr, a, x0, n: [x0 * (1 - lr * a) ** k for k in range(n + 1)])
    missing_start = check.descent(lambda lr, a, x0, n: [x0 * (1 - lr * a) ** k
                                                        for k in range(1, n + 1)])
    assert not missing_start and "x_0" in missing_start.message
    wrong = check.descent(lambda lr, a, x0, n: [x0 * (1 - lr) ** k for k in range(n + 1)])
    assert not wrong and "curvature * x" in wrong.message


def _loop(order: str, per: str):
    """A training loop as a learner writes it: the scheduler before or after the optimizer, and
    stepped per batch or per epoch."""
    def fn(optimizer, scheduler, epochs, batches):
        used = []
        for _ in range(epochs):
            for _ in range(batches):
                if order == "before" and per == "batch":
                    scheduler.step()
                used.append(optimizer.param_groups[0]["lr"])
                optimizer.step()
                if order == "after" and per == "batch":
                    scheduler.step()
            if per == "epoch":
                scheduler.step()
        return used
    return fn


def test_loop_is_run_on_real_torch_objects():
    assert check.loop(_loop("after", "epoch"))
    per_batch = check.loop(_loop("after", "batch"))
    assert not per_batch and "once per epoch" in repr(per_batch)
    early = check.loop(_loop("before", "batch"))
    assert not early and "inside an epoch" in repr(early)
    assert "Not written yet" in repr(check.loop(lambda *a: (_ for _ in ()).throw(
        NotImplementedError)))


def test_first_drop_is_computed_by_keras(keras):
    schedule = keras.optimizers.schedules.PiecewiseConstantDecay([360], [0.1, 0.01])
    assert check.first_drop((30, 1), schedule, 12)
    naive = check.first_drop((30, 0), schedule, 12)
    assert not naive and "AT a boundary" in repr(naive)
    staircase = keras.optimizers.schedules.ExponentialDecay(0.1, 360, 0.1, staircase=True)
    assert check.first_drop((30, 0), staircase, 12)  # the staircase drops AT its step
    assert "Not written yet" in repr(check.first_drop(..., schedule, 12))
    assert "two whole numbers" in repr(check.first_drop("30", schedule, 12))


def test_keras_callback_is_run_by_keras(keras):
    factors = dict(lr_lambda=lambda epoch: 1.0 if epoch < 10 else 0.1)
    assert check.keras_callback(lambda epoch, lr: 0.1 if epoch < 10 else 0.01, "LambdaLR", 14,
                                **factors)
    compounding = check.keras_callback(lambda epoch, lr: lr if epoch < 10 else lr * 0.1,
                                       "LambdaLR", 14, **factors)
    assert not compounding and "already the reduced one" in repr(compounding)


def test_restarts_are_counted_on_the_curve():
    assert check.restarts(10, 70, 2, 3)
    assert not check.restarts(35, 70, 2, 3)
    assert not check.restarts(7, 70, 2, 3)  # 7 + 14 + 28 = 49: the fourth cycle runs past 70
    assert "whole number" in repr(check.restarts(23.3, 70, 2, 3))
    assert "Not written yet" in repr(check.restarts(..., 70, 2, 3))
