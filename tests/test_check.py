"""Self-checks: a right answer passes, a wrong one names the first step that differs, expected
against got, with the hint that fits the mistake, in the learner's language."""

from __future__ import annotations

import math

import numpy as np
import pytest

import lrlessons
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


def test_fastest_lr_is_the_best_lr_of_a_search_and_of_real_descent():
    from lrlessons.check.lesson_00 import BOWLS, slowest_factor
    from lrlessons.descent import descend_2d

    right = lambda a, b: 2 / (a + b)  # noqa: E731 - the derivation's answer
    for a, b in BOWLS:
        grid = np.linspace(1e-4, 2 / b, 200_001)
        searched = grid[np.argmin([slowest_factor(lr, a, b) for lr in grid])]
        assert math.isclose(searched, right(a, b), rel_tol=1e-4), (a, b, searched)
        # Gradient descent itself, from a unit distance along either axis: after 60 steps the
        # worse of the two starts ends nearer the minimum than with a 2% smaller or larger lr.
        end = {k: max(np.hypot(*descend_2d(right(a, b) * k, (a, b), start=start, steps=60)[-1])
                      for start in ((1.0, 0.0), (0.0, 1.0)))
               for k in (0.98, 1.0, 1.02)}
        assert end[1.0] < min(end[0.98], end[1.02]), (a, b, end)
    assert check.fastest_lr(right)
    assert check.fastest_lr(lambda a, b: np.float32(2) / np.float32(a + b))  # any numeric type
    assert check.fastest_lr(lambda a, b: round(2 / (a + b), 4))  # 0.9091 for section 2's bowl
    for wrong, hint in ((lambda a, b: 1 / b, "lands in one step"),
                        (lambda a, b: 2 / b, "forever"), (lambda a, b: 1 / a, "diverges"),
                        (lambda a, b: 0.3 / b, "flat one is the slowest"),
                        (lambda a, b: 1.95 / b, "has become the slowest"),
                        (lambda a, b: 0, "positive"), (lambda a, b: "0.9", "Return a number")):
        result = check.fastest_lr(wrong)
        assert not result and hint in result.message, (hint, result)
        assert "0.909" not in result.message  # a hint never prints the answer
    assert "Not written yet" in repr(check.fastest_lr(lambda a, b: (_ for _ in ()).throw(
        NotImplementedError)))
    use_language("zh")
    assert "平缓方向" in repr(check.fastest_lr(lambda a, b: 1 / b))


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


def test_keras_callback_is_run_by_keras_from_several_starting_rates(keras):
    factors = dict(lr_lambda=lambda epoch: 1.0 if epoch < 10 else 0.1)
    assert check.keras_callback(lambda epoch, lr: lr * 0.1 if epoch == 10 else lr, "LambdaLR", 14,
                                **factors)
    started = {}

    def remembering(epoch, lr):  # another right fix: keep the starting rate seen at epoch 0
        if epoch == 0:
            started["lr"] = lr
        return started["lr"] * (1.0 if epoch < 10 else 0.1)

    assert check.keras_callback(remembering, "LambdaLR", 14, **factors)
    hard_coded = check.keras_callback(lambda epoch, lr: 0.1 if epoch < 10 else 0.01, "LambdaLR",
                                      14, **factors)
    assert not hard_coded and "Right from 0.1 only" in repr(hard_coded)
    assert "0.05" in repr(hard_coded)  # the start it fails from
    compounding = check.keras_callback(lambda epoch, lr: lr if epoch < 10 else lr * 0.1,
                                       "LambdaLR", 14, **factors)
    assert not compounding and "already the reduced one" in repr(compounding)
    for late in (9, 11):
        result = check.keras_callback(lambda epoch, lr, e=late: lr * 0.1 if epoch == e else lr,
                                      "LambdaLR", 14, **factors)
        assert not result and "numbered from 0" in repr(result), late


def test_epoch_30_prediction_waits_for_one_of_the_two_rates_then_marks_it_against_torch():
    from lrlessons.check.lesson_01 import reveal_epoch_30_lr as reveal

    for unset in (..., 0.02, "0.01", None):
        shown = reveal(unset).data
        assert "guess_epoch_30_lr" in shown and "|" not in shown, unset
    right, wrong = reveal(np.float64(0.01)).data, reveal(0.1).data
    assert right.startswith("✅") and wrong.startswith("❌")
    assert "| 29 | 0.1 |" in right and "| 30 | 0.01 |" in right  # torch's StepLR
    use_language("zh")
    assert "编号为 30 的 epoch" in reveal(0.01).data


def test_restarts_are_counted_on_the_curve():
    assert check.restarts(10, 70, 2, 3)
    assert not check.restarts(35, 70, 2, 3)
    assert not check.restarts(7, 70, 2, 3)  # 7 + 14 + 28 = 49: the fourth cycle runs past 70
    assert "whole number" in repr(check.restarts(23.3, 70, 2, 3))
    assert "Not written yet" in repr(check.restarts(..., 70, 2, 3))


# --- lessons 03 and 04 -----------------------------------------------------------------------


def test_half_life_gamma_and_its_common_wrong_answers():
    assert check.half_life_gamma(lambda h: 0.5 ** (1 / h))
    assert check.half_life_gamma(lambda h: math.exp(-math.log(2) / h))
    for wrong, hint in ((lambda h: 1 - math.log(2) / h, "first-order approximation"),
                        (lambda h: math.log(2) / h, "NaturalExpDecay"),
                        (lambda h: 0.5 ** h, "Solve gamma^h = 1/2"),
                        (lambda h: 2 ** (1 / h), "above 1"),
                        (lambda h: 1 - 0.5 / h, "same fraction"),
                        (lambda h: 0.9, "gamma^h times the start")):
        result = check.half_life_gamma(wrong)
        assert not result and hint in repr(result), repr(result)
    assert "Not written yet" in repr(check.half_life_gamma(
        lambda h: (_ for _ in ()).throw(NotImplementedError)))
    assert "not a number" in repr(check.half_life_gamma(lambda h: "0.95"))
    use_language("zh")
    assert "飞桨 NaturalExpDecay" in repr(check.half_life_gamma(lambda h: math.log(2) / h))


def test_same_end_checks_two_derivations_and_a_choice_of_budget():
    right = (0.01 ** (1 / 60), 99 / 60)
    assert check.same_end(*right, "exponential")
    assert check.same_end(0.9261, 1.65, "Exponential")  # rounded, any case
    assert check.same_end(np.float32(0.9261187), np.float64(1.65), "ExponentialLR")
    wrong = check.same_end(*right, "inverse time")
    assert not wrong and "sum of the lrs" in repr(wrong) and "0.34" not in repr(wrong)
    assert "Not written yet" in repr(check.same_end(..., 1.65, "exponential"))
    assert "not a number" in repr(check.same_end("0.93", 1.65, "exponential"))
    use_language("zh")
    assert "你给出的是" in repr(check.same_end(*right, "cosine"))


def _warm_cos(epoch, w=5, n=60):
    return (epoch + 1) / w if epoch < w else 0.5 * (1 + math.cos(math.pi * (epoch - w) / (n - w)))


def test_warmup_factor_never_at_zero():
    assert check.warmup_factor(_warm_cos)
    article = check.warmup_factor(lambda e: e / 5 if e < 5 else _warm_cos(e))
    assert not article and "Epoch 0 trains at lr 0" in repr(article)
    for wrong, hint in ((lambda e: 0.1 * _warm_cos(e), "not a learning rate"),
                        (lambda e: (e + 1) / 6 if e < 5 else _warm_cos(e), "full rate"),
                        (lambda e: _warm_cos(e) if e < 5 else
                         0.5 * (1 + math.cos(math.pi * e / 60)), "warm-up ends")):
        result = check.warmup_factor(wrong)
        assert not result and hint in repr(result), repr(result)
    use_language("zh")
    assert "易错点" in repr(check.warmup_factor(lambda e: e / 5 if e < 5 else _warm_cos(e)))


def test_noam_peak_and_half_step_against_the_curve():
    peak = 256 ** -0.5 * 1000 ** -0.5
    assert check.noam(peak, 4000, d_model=256, warmup_steps=1000)
    assert check.noam(peak * 0.5, 4000, d_model=256, warmup_steps=1000, learning_rate=0.5)
    for half, hint in ((2000, "not by 2"), (500, "still in the warm-up"), (4001, "One step off"),
                       (3000, "solve for t")):
        result = check.noam(peak, half, d_model=256, warmup_steps=1000)
        assert not result and hint in repr(result), repr(result)
    for wrong, hint in ((256 ** -0.5, "keep that factor"), (256 ** -0.5 * 1000 ** -1.5,
                                                            "not w^-1.5"),
                        (1000 ** -0.5, "d_model^-0.5")):
        result = check.noam(wrong, 4000, d_model=256, warmup_steps=1000)
        assert not result and hint in repr(result), repr(result)
        assert f"{peak:.6g}" not in repr(result)  # the peak is the answer: never printed
    assert check.noam(np.float32(peak), 4000.0, d_model=256, warmup_steps=1000)
    assert check.noam(peak, np.int64(4000), d_model=256, warmup_steps=1000)
    assert "Not written yet" in repr(check.noam(..., ..., d_model=256, warmup_steps=1000))
    assert "whole number" in repr(check.noam(peak, 4000.5, d_model=256, warmup_steps=1000))


# --- lesson 05: reading a range test ---------------------------------------------------------------


def _range_reading_test(lowest: float = 0.3):
    """A range test whose smoothed loss is lowest at ``lowest`` (a known curve, no training)."""
    import numpy as np

    from lrlessons.lr_range import RangeTest

    lrs = np.geomspace(1e-4, 10.0, 201)
    x, bottom = np.log10(lrs), math.log10(lowest)
    # Flat up to 1e-3, falling to its lowest at ``lowest``, then rising steeply.
    loss = np.where(x < -3, 1.1, np.where(x <= bottom, 1.1 - 0.5 * (x + 3) / (bottom + 3),
                                          0.6 + 2 * (x - bottom)))
    settings = dict(start_lr=1e-4, end_lr=10.0, steps=200)
    return RangeTest(lrs, np.concatenate([[loss[0]], loss]), settings, smooth=1)


def test_range_reading_accepts_a_tenth_of_the_lowest_point_up_to_it():
    test = _range_reading_test(0.3)
    rule = test.lowest_lr / 3
    # The lesson's /3, fastai's classic /10, and just below the lowest point all pass.
    for answer in (rule, rule / 1.9, rule * 1.9, rule * 2.5, 0.1, test.lowest_lr / 10,
                   test.lowest_lr * 0.99):
        result = check.range_reading(answer, test)
        assert result and result.message.startswith("✅"), (answer, result)
    for answer, hint in ((test.lowest_lr, "stopped falling"), (1.0, "stopped falling"),
                         (test.lowest_lr / 10.5, "Safe, but slow"), (rule / 4, "Safe, but slow"),
                         (3e-4, "barely started to fall")):
        result = check.range_reading(answer, test)
        assert not result and hint in result.message, (answer, result)
    assert "Not written yet" in repr(check.range_reading(..., test))
    assert "positive number" in repr(check.range_reading(-0.1, test))
    assert "positive number" in repr(check.range_reading("0.1", test))
    use_language("zh")
    assert "合理的 max_lr" in repr(check.range_reading(rule, test))
    assert "除以 3" in repr(check.range_reading(1.0, test))


# --- lesson 06: ReduceLROnPlateau --------------------------------------------------------------------

_PLATEAU = [1.00, 0.85, 0.78, 0.80, 0.79, 0.77, 0.78, 0.78, 0.79, 0.76, 0.77, 0.76, 0.77, 0.78,
            0.75, 0.76, 0.77, 0.77]
_PLATEAU_PARAMS = dict(factor=0.5, patience=2, cooldown=2)


def test_plateau_drops_against_torch_with_a_hint_per_mistake():
    assert check.plateau_drops([9, 14], _PLATEAU, **_PLATEAU_PARAMS)
    assert check.plateau_drops((14, 9), _PLATEAU, **_PLATEAU_PARAMS)  # any order
    for wrong, hint in (([5, 8, 12, 17], "as Keras counts"), ([8, 13], "one early"),
                        ([10, 15], "one late"), ([9, 13], "left out the cooldown"),
                        ([9], "Trace it step by step")):
        result = check.plateau_drops(wrong, _PLATEAU, **_PLATEAU_PARAMS)
        assert not result and hint in result.message, (wrong, result)
        assert "9, 14" not in result.message and "9、14" not in result.messages["zh"]
    assert check.plateau_drops([9.0, np.int64(14)], _PLATEAU, **_PLATEAU_PARAMS)
    assert "Not written yet" in repr(check.plateau_drops(..., _PLATEAU, **_PLATEAU_PARAMS))
    for bad in ("9, 14", [9.5], 9, [True]):
        assert "list of epochs" in repr(check.plateau_drops(bad, _PLATEAU, **_PLATEAU_PARAMS))
    use_language("zh")
    assert "Keras 的数法" in repr(check.plateau_drops([5, 8, 12, 17], _PLATEAU,
                                                      **_PLATEAU_PARAMS))


def test_plateau_patience_after_the_real_plateau_and_within_the_run():
    from lrlessons.plateau import FLAT_FROM, metric_shape

    descent = metric_shape("descent, then flat", seed=14)
    for p in (4, 7, 10):
        result = check.plateau_patience(p, descent, FLAT_FROM, factor=0.5)
        assert result and f"patience={p}" in result.message
    early = check.plateau_patience(3, descent, FLAT_FROM, factor=0.5)
    assert not early and "at epoch 8, while the metric is still falling" in early.message
    late = check.plateau_patience(11, descent, FLAT_FROM, factor=0.5)
    assert not late and "never drops in 60 epochs" in late.message
    assert "Not written yet" in repr(check.plateau_patience(..., descent, FLAT_FROM))
    for bad in (-1, 2.5, "4", True):
        assert "whole number" in repr(check.plateau_patience(bad, descent, FLAT_FROM))
    use_language("zh")
    assert "平台期" in repr(check.plateau_patience(4, descent, FLAT_FROM, factor=0.5))


# --- lesson 09: a loop with gradient accumulation, and resuming from a checkpoint -------------


def _accumulating(step_each_micro_batch=False, before=False):
    def loop(optimizer, scheduler, epochs, micro_batches, accumulate):
        used = []
        for _ in range(epochs):
            for i in range(micro_batches):
                if step_each_micro_batch and before:
                    scheduler.step()
                if (i + 1) % accumulate == 0:
                    if before and not step_each_micro_batch:
                        scheduler.step()
                    used.append(optimizer.param_groups[0]["lr"])
                    optimizer.step()
                    if not step_each_micro_batch and not before:
                        scheduler.step()
                if step_each_micro_batch and not before:
                    scheduler.step()
        return used
    return loop


def test_accumulation_loop_runs_the_learners_loop_on_torch():
    args = dict(epochs=6, micro_batches=8, accumulate=4)
    ok = check.accumulation_loop(_accumulating(), "CosineAnnealingLR", **args)
    assert ok and "all 12 lrs match" in ok.message
    for loop in (_accumulating(step_each_micro_batch=True),
                 _accumulating(step_each_micro_batch=True, before=True)):
        result = check.accumulation_loop(loop, "CosineAnnealingLR", **args)
        assert not result and "4 times too fast" in result.message, result
    early = check.accumulation_loop(_accumulating(before=True), "CosineAnnealingLR", **args)
    assert not early and "before optimizer.step()" in early.message
    overstepped = check.accumulation_loop(_accumulating(step_each_micro_batch=True),
                                          "OneCycleLR", max_lr=1.0, **args)
    assert not overstepped and "stepped more often than it has steps" in overstepped.message

    def per_micro_batch(optimizer, scheduler, epochs, micro_batches, accumulate):
        return [optimizer.param_groups[0]["lr"]] * (epochs * micro_batches)

    assert "one per micro-batch" in repr(check.accumulation_loop(per_micro_batch, **args))

    def stub(*_):
        raise NotImplementedError

    assert "Not written yet" in repr(check.accumulation_loop(stub))
    use_language("zh")
    assert "是它的 4 倍" in repr(check.accumulation_loop(_accumulating(step_each_micro_batch=True),
                                                    **args))


def _make_run(model):
    import torch

    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    warmup = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.1, total_iters=3)
    cosine = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=9)
    return optimizer, torch.optim.lr_scheduler.SequentialLR(optimizer, [warmup, cosine], [3])


def _resume(load_model=True, load_optimizer=True, load_scheduler=True):
    def resume_fn(checkpoint, model):
        if load_model:
            model.load_state_dict(checkpoint["model"])
        optimizer, scheduler = _make_run(model)
        if load_optimizer:
            optimizer.load_state_dict(checkpoint["optimizer"])
        if load_scheduler:
            scheduler.load_state_dict(checkpoint["scheduler"])
        return optimizer, scheduler
    return resume_fn


def test_resume_compares_lrs_and_weights_with_the_uninterrupted_run():
    import torch

    ok = check.resume(_resume(), _make_run, at=5)
    assert ok and "final weights equal" in ok.message
    for wrong, hint in ((_resume(load_optimizer=False, load_scheduler=False), "started over"),
                        (_resume(load_optimizer=False), "freshly built scheduler"),
                        (_resume(load_model=False), "weights end differently")):
        result = check.resume(wrong, _make_run, at=5)
        assert not result and hint in result.message, (hint, result)

    def with_last_epoch(checkpoint, model):
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        return optimizer, torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=9,
                                                                     last_epoch=4)

    assert "initial_lr" in repr(check.resume(with_last_epoch, _make_run))
    assert "(optimizer, scheduler)" in repr(check.resume(lambda c, m: None, _make_run))

    def stub(*_):
        raise NotImplementedError

    assert "Not written yet" in repr(check.resume(stub, _make_run))


# --- lesson 10: a prediction, checked on the schedules ----------------------------------------


def test_half_budget_prediction_is_checked_on_the_lrs_not_a_chaotic_run():
    right = check.half_budget("CosineAnnealingLR")
    assert right and "never act" in right.message and "exactly as the constant lr" in right.message
    # The lrs it reads agree with torch: MultiStepLR([6, 9]) is constant over 6 epochs.
    steps = lrlessons.torch_curve("MultiStepLR", 6, base_lr=0.3, milestones=[6, 9], gamma=0.1)
    assert np.all(steps == 0.3)
    wrong = check.half_budget("MultiStepLR")
    assert not wrong and "milestones [6, 9]" in wrong.message
    assert "CosineAnnealingLR" not in wrong.message  # the hint does not name the answer
    assert "one of" in repr(check.half_budget("cosine"))
    assert "Not written yet" in repr(check.half_budget(...))


# --- lessons 07 and 08 -------------------------------------------------------------------------


def _warmup_step(get_lr):
    import torch

    class WarmupThenStep(torch.optim.lr_scheduler.LRScheduler):
        def __init__(self, optimizer, warmup=5, start_factor=0.1, step_size=10, gamma=0.5,
                     last_epoch=-1):
            self.warmup, self.start_factor = warmup, start_factor
            self.step_size, self.gamma = step_size, gamma
            super().__init__(optimizer, last_epoch)

        def get_lr(self):
            return get_lr(self)

    return WarmupThenStep


def _warmup_step_lr(s, decay_from=None, ramp_shift=0):
    t, w = s.last_epoch, s.warmup
    start = w if decay_from is None else decay_from
    if t < w:
        f = s.start_factor + (1 - s.start_factor) * (t + ramp_shift) / w
    else:
        f = s.gamma ** ((t - start) // s.step_size)
    return [b * f for b in s.base_lrs]


def _warmup_step_chain(s):
    """The exercise's answer in the chainable form: the optimizer's lr times this step's ratio."""
    t, w, f = s.last_epoch, s.warmup, s.start_factor
    if t == 0:
        ratio = f
    elif t <= w:
        ratio = (f + (1 - f) * t / w) / (f + (1 - f) * (t - 1) / w)
    else:
        ratio = s.gamma if (t - w) % s.step_size == 0 else 1.0
    return [g["lr"] * ratio for g in s.optimizer.param_groups]


WARMUP_STEP = dict(schedulers=[("LinearLR", dict(start_factor=0.1, total_iters=5)),
                               ("StepLR", dict(step_size=10, gamma=0.5))], milestones=[5])


@pytest.mark.parametrize("get_lr, words", [
    (lambda s: [x / b for x, b in zip(_warmup_step_lr(s), s.base_lrs)], "not factors"),
    (lambda s: _warmup_step_lr(s, decay_from=0), "end of the warm-up"),
    (lambda s: _warmup_step_lr(s, ramp_shift=1), "one step early"),
    (lambda s: _warmup_step_lr(s) if s.last_epoch < s.warmup else
     [g["lr"] * s.gamma for g in s.optimizer.param_groups], "compounds"),
])
def test_scheduler_class_names_the_common_mistakes(get_lr, words):
    result = check.scheduler_class(_warmup_step(get_lr), "SequentialLR", steps=40, **WARMUP_STEP)
    assert not result and words in repr(result), repr(result)


def test_scheduler_class_passes_the_solution_and_catches_a_resume_that_drifts():
    assert check.scheduler_class(_warmup_step(_warmup_step_chain), "SequentialLR", steps=40,
                                 **WARMUP_STEP)
    # The closed form gives the right curve alone but overwrites the other factor in a chain.
    closed = check.scheduler_class(_warmup_step(_warmup_step_lr), "SequentialLR", steps=40,
                                   **WARMUP_STEP)
    assert not closed and closed.hint_key == "closed"
    result = check.scheduler_class(_warmup_step(_own_counter()), "SequentialLR", steps=40,
                                   **WARMUP_STEP)
    assert not result and result.hint_key == "resume"


def _own_counter():
    calls = iter(range(10_000))  # state outside the scheduler: not in its state_dict

    def own_counter(s):
        t = next(calls) % 41  # right for one fresh run of 40 steps, lost on a resume
        s.last_epoch, saved = t, s.last_epoch
        try:
            return _warmup_step_chain(s)
        finally:
            s.last_epoch = saved
    return own_counter


def test_scheduler_class_reports_not_written_and_wrong_types():
    def todo(s):
        raise NotImplementedError

    assert repr(check.scheduler_class(_warmup_step(todo), "SequentialLR",
                                      **WARMUP_STEP)).startswith("✏️")
    assert "LRScheduler" in repr(check.scheduler_class(object, "StepLR"))


def _keras_step(keras, call, config_drops=False):
    class KerasStepLR(keras.optimizers.schedules.LearningRateSchedule):
        def __init__(self, initial_learning_rate, step_size, gamma, steps_per_epoch):
            self.initial_learning_rate, self.step_size = initial_learning_rate, step_size
            self.gamma, self.steps_per_epoch = gamma, steps_per_epoch

        def __call__(self, step):
            return call(self, step)

        def get_config(self):
            return {"initial_learning_rate": self.initial_learning_rate,
                    "gamma": 0.5 if config_drops else self.gamma,
                    "step_size": self.step_size, "steps_per_epoch": self.steps_per_epoch}

    return KerasStepLR(0.1, step_size=30, gamma=0.1, steps_per_epoch=12)


def test_keras_schedule_passes_a_staircase_and_names_the_mistakes(keras):
    ops = keras.ops

    def right(s, step):
        return s.initial_learning_rate * ops.power(
            s.gamma, ops.floor_divide(ops.floor_divide(step, s.steps_per_epoch), s.step_size))

    def per_iteration(s, step):
        return s.initial_learning_rate * ops.power(s.gamma, ops.floor_divide(step, s.step_size))

    def smooth(s, step):
        return s.initial_learning_rate * ops.power(
            s.gamma, ops.cast(step, "float32") / (s.steps_per_epoch * s.step_size))

    def todo(s, step):
        raise NotImplementedError

    kwargs = dict(epochs=100, batches_per_epoch=12, step_size=30, gamma=0.1)
    assert check.keras_schedule(_keras_step(keras, right), "StepLR", **kwargs)
    assert "iteration count" in repr(check.keras_schedule(_keras_step(keras, per_iteration),
                                                          "StepLR", **kwargs))
    assert "staircase" in repr(check.keras_schedule(_keras_step(keras, smooth), "StepLR",
                                                    **kwargs))
    assert repr(check.keras_schedule(_keras_step(keras, todo), "StepLR",
                                     **kwargs)).startswith("✏️")
    use_language("zh")
    assert "迭代次数" in repr(check.keras_schedule(_keras_step(keras, per_iteration), "StepLR",
                                                  **kwargs))


def _adamw_right(c, s, wd):
    return c / (c + wd * s)


@pytest.mark.parametrize("fn, words", [
    (lambda c, s, wd: c / (c + wd), "where L2 settles"),
    (lambda c, s, wd: c / (c + wd / s), "further from 1"),
    (lambda c, s, wd: 1, "cannot end at"),
])
def test_adamw_settles_names_the_common_mistakes(fn, words):
    result = check.adamw_settles(fn)
    assert not result and words in repr(result), repr(result)


def test_adamw_settles_passes_the_derivation_with_any_number_type():
    assert check.adamw_settles(_adamw_right)
    assert check.adamw_settles(lambda c, s, wd: np.float32(_adamw_right(c, s, wd)))
    use_language("zh")
    assert "L2" in repr(check.adamw_settles(lambda c, s, wd: c / (c + wd)))


@pytest.mark.parametrize("fn, words", [
    (lambda lr, g, n: lr / np.sqrt(n), "divide by |g|"),
    (lambda lr, g, n: lr, "the lr itself"),
    (lambda lr, g, n: lr / (n * abs(g)), "square root"),
    (lambda lr, g, n: lr / (np.sqrt(max(n - 1, 1)) * abs(g)), "n terms at step n"),
])
def test_adagrad_effective_lr_names_the_common_mistakes(fn, words):
    result = check.adagrad_effective_lr(fn)
    assert not result and words in repr(result), repr(result)


def test_adagrad_effective_lr_passes_with_or_without_eps():
    assert check.adagrad_effective_lr(lambda lr, g, n: lr / (np.sqrt(n) * abs(g) + 1e-10))
    assert check.adagrad_effective_lr(lambda lr, g, n: lr / np.sqrt(n * g * g))
    use_language("zh")
    assert "平方根" in repr(check.adagrad_effective_lr(lambda lr, g, n: lr / (n * abs(g))))


def _cyclic(t, up=5, down=15, base=0.01, peak=0.1, shift=0):
    x = (t + shift) % (up + down)
    return base + (peak - base) * (x / up if x <= up else (up + down - x) / down)


def test_triangular_names_each_usual_mistake():
    assert check.triangular(_cyclic)
    for wrong, hint in ((lambda t: _cyclic(t, down=5), "falls as fast as it rises"),
                        (lambda t: _cyclic(t, up=15, down=5), "swapped"),
                        (lambda t: _cyclic(t) + 0.01 * ((_cyclic(t) - 0.01) / 0.09),
                         "height is max_lr - base_lr"),
                        (lambda t: _cyclic(t) - 0.01, "not from 0"),
                        (lambda t: _cyclic(t, shift=1), "next step's"),
                        (lambda t: _cyclic(max(t - 1, 0)), "previous step's"),
                        (lambda t: 0.05, "which cycle step t is in")):
        result = check.triangular(wrong)
        assert not result and hint in result.message, result
    assert "Not written yet" in repr(check.triangular(_stub_raising))
    use_language("zh")
    assert "弄反了" in repr(check.triangular(lambda t: _cyclic(t, up=15, down=5)))


def test_triangular2_halves_the_amplitude_each_cycle():
    def halved(t):
        return 0.01 + (_cyclic(t) - 0.01) * 0.5 ** (t // 20)

    assert check.triangular(halved, mode="triangular2")
    assert check.triangular(lambda t: float(halved(t)), mode="triangular2", steps=80)
    for wrong, hint in ((_cyclic, "same height"), (lambda t: _cyclic(t) * 0.5 ** (t // 20),
                                                   "bottom of every wave")):
        result = check.triangular(wrong, mode="triangular2")
        assert not result and hint in result.message, result
    use_language("zh")
    assert "减半" in repr(check.triangular(_cyclic, mode="triangular2"))


def _stub_raising(t):
    raise NotImplementedError


# --- the package's structure: one Result type, a table of known mistakes per exercise ----------


def test_result_is_structured_data_with_its_own_mime_type():
    import json

    ok = check.half_life_gamma(lambda h: 0.5 ** (1 / h))
    bundle = ok._repr_mimebundle_()
    assert set(bundle) == {"text/plain", check.MIME}
    assert bundle["text/plain"] == repr(ok) == ok.message
    data = json.loads(json.dumps(bundle[check.MIME]))  # plain JSON, nothing pickled
    assert data["passed"] is True and data["exercise"] == "03.1" and data["status"] == "passed"
    assert data["points"] == data["max_points"] == 1 and data["hint_key"] is None
    wrong = check.half_life_gamma(lambda h: 0.5 ** h)
    data = wrong.to_json()
    assert data["passed"] is False and data["points"] == 0 and data["hint_key"] == "power"
    assert "Solve gamma^h" in data["hint"]["en"] and "解出 gamma" in data["hint"]["zh"]
    assert data["message"]["en"].startswith("❌") and data["message"]["zh"].startswith("❌")
    assert data["hint"]["en"] in data["message"]["en"]
    todo = check.restarts(..., 105, 2, 3).to_json()
    assert todo["status"] == "not written" and todo["hint_key"] == "not written"


def test_the_printed_mark_is_not_the_verdict():
    """A message is text for the learner; a grader reads ``passed``."""
    from lrlessons.check.core import Result

    fake = Result(False, "03.1", "wrong", {"en": "✅ fine", "zh": "✅ 好"})
    assert not fake and fake.to_json()["passed"] is False and fake.points == 0


def test_every_exercise_is_declared_once_with_hints_in_both_languages():
    ids = [ex.id for ex in check.EXERCISES]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    # one graded exercise at least per lesson, named after it
    assert {i.split(".")[0] for i in ids} == {f"{n:02d}" for n in range(len(check.LESSONS))}
    for ex in check.EXERCISES:
        assert callable(getattr(check, ex.check)), ex.check
        keys = [m.key for m in ex.mistakes]
        assert len(keys) == len(set(keys)), ex.id
        for m in ex.mistakes:
            for lang in ("en", "zh"):
                assert m.hint[lang] and m.wrong[lang], (ex.id, m.key)
                assert "…" not in ex.guide_hint(m.key, "en") or "{" in m.hint["en"], (ex.id, m.key)
            assert any("\u4e00" <= c <= "\u9fff" for c in m.hint["zh"]), (ex.id, m.key)


def _cos(t, T=50, lo=0.001, hi=0.1):
    return lo + (hi - lo) * (1 + math.cos(math.pi * t / T)) / 2


def _loop_epoch_step_first(optimizer, scheduler, epochs, batches):
    used = []
    for _ in range(epochs):
        scheduler.step()  # per epoch, but before the epoch's optimizer steps
        for _ in range(batches):
            used.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
    return used


def _loop_reading_late(optimizer, scheduler, epochs, batches):
    used = []
    for _ in range(epochs):
        for _ in range(batches):
            optimizer.step()
        scheduler.step()
        used += [optimizer.param_groups[0]["lr"]] * batches  # read after the epoch's step
    return used


def _plateau_metric():
    from lrlessons.plateau import FLAT_FROM, metric_shape

    return metric_shape("descent, then flat", seed=14), FLAT_FROM


# (exercise, hint key, a call that makes that mistake). Keys shared by several exercises
# (STEP_MISTAKES, NUMBER) need reaching once; every other key of every exercise is listed.
MISTAKES = [
    ("00.1", "positive", lambda: check.fastest_lr(lambda a, b: -1.0)),
    ("00.1", "diverges", lambda: check.fastest_lr(lambda a, b: 1 / a)),
    ("00.1", "edge", lambda: check.fastest_lr(lambda a, b: 2 / b)),
    ("00.1", "one step", lambda: check.fastest_lr(lambda a, b: 1 / b)),
    ("00.1", "too small", lambda: check.fastest_lr(lambda a, b: 0.5 / b)),
    ("00.1", "too large", lambda: check.fastest_lr(lambda a, b: 1.9 / b)),
    ("00.2", "per batch", lambda: check.loop(_loop("after", "batch"))),
    ("00.2", "order", lambda: check.loop(_loop_epoch_step_first)),
    ("00.2", "read", lambda: check.loop(_loop_reading_late)),
    ("00.2", "not lrs", lambda: check.loop(lambda *a: "lr")),
    ("00.2", "count", lambda: check.loop(lambda o, s, e, b: [0.1] * e)),
    ("02.1", "cycles", lambda: check.restarts(35, 105, 2, 3)),
    ("02.1", "whole", lambda: check.restarts(0, 105, 2, 3)),
    ("02.2", "early", lambda: check.schedule(lambda t: 0.1 * 0.1 ** ((t + 1) // 30), "StepLR",
                                             steps=100, step_size=30)),
    ("02.2", "late", lambda: check.schedule(lambda t: 0.1 * 0.1 ** (max(t - 1, 0) // 30),
                                            "StepLR", steps=100, step_size=30)),
    ("02.2", "scaled", lambda: check.schedule(lambda t: 0.01 * 0.1 ** (t // 30), "StepLR",
                                              steps=100, step_size=30)),
    ("02.2", "start", lambda: check.schedule(lambda t: 0.5 if t == 0 else _cos(t),
                                             "CosineAnnealingLR", steps=50, T_max=50,
                                             eta_min=0.001)),
    ("02.2", "formula", lambda: check.schedule(lambda t: _cos(t) + (t == 20), "CosineAnnealingLR",
                                               steps=50, T_max=50, eta_min=0.001)),
    ("02.2", "number", lambda: check.schedule(lambda t: None, "StepLR", steps=10)),
    ("02.2", "values", lambda: check.schedule([0.1] * 3, "StepLR", steps=10)),
    ("03.1", "first order", lambda: check.half_life_gamma(lambda h: 1 - math.log(2) / h)),
    ("03.1", "rate", lambda: check.half_life_gamma(lambda h: math.log(2) / h)),
    ("03.1", "power", lambda: check.half_life_gamma(lambda h: 0.5 ** h)),
    ("03.1", "doubling", lambda: check.half_life_gamma(lambda h: 2 ** (1 / h))),
    ("03.1", "linear", lambda: check.half_life_gamma(lambda h: 1 - 0.5 / h)),
    ("03.1", "other", lambda: check.half_life_gamma(lambda h: 0.9)),
    ("03.2", "off by one", lambda: check.same_end(0.01 ** (1 / 59), 99 / 60, "exponential")),
    ("03.2", "rate", lambda: check.same_end(math.log(100) / 60, 99 / 60, "exponential")),
    ("03.2", "no one", lambda: check.same_end(0.01 ** (1 / 60), 100 / 60, "exponential")),
    ("03.2", "budget", lambda: check.same_end(0.01 ** (1 / 60), 99 / 60, "inverse time")),
    ("03.2", "choice", lambda: check.same_end(0.01 ** (1 / 60), 99 / 60, "cosine")),
    ("03.2", "other", lambda: check.same_end(0.95, 99 / 60, "exponential")),
    ("04.1", "zero", lambda: check.warmup_factor(lambda e: e / 5 if e < 5 else _warm_cos(e))),
    ("04.1", "lr", lambda: check.warmup_factor(lambda e: 0.1 * _warm_cos(e))),
    ("04.1", "short ramp", lambda: check.warmup_factor(
        lambda e: (e + 1) / 6 if e < 5 else _warm_cos(e))),
    ("04.1", "cosine from 0", lambda: check.warmup_factor(
        lambda e: _warm_cos(e) if e < 5 else 0.5 * (1 + math.cos(math.pi * e / 60)))),
    ("04.1", "other", lambda: check.warmup_factor(lambda e: 1.0)),
    ("04.2", "doubling", lambda: check.noam(256 ** -0.5 * 1000 ** -0.5, 2000, 256, 1000)),
    ("04.2", "warm-up", lambda: check.noam(256 ** -0.5 * 1000 ** -0.5, 500, 256, 1000)),
    ("04.2", "off by one", lambda: check.noam(256 ** -0.5 * 1000 ** -0.5, 3999, 256, 1000)),
    ("04.2", "solve", lambda: check.noam(256 ** -0.5 * 1000 ** -0.5, 3000, 256, 1000)),
    ("04.2", "peak d", lambda: check.noam(256 ** -0.5, 4000, 256, 1000)),
    ("04.2", "peak w^-1.5", lambda: check.noam(256 ** -0.5 * 1000 ** -1.5, 4000, 256, 1000)),
    ("04.2", "peak w", lambda: check.noam(1000 ** -0.5, 4000, 256, 1000)),
    ("04.2", "peak", lambda: check.noam("0.002", 4000, 256, 1000)),
    ("04.2", "whole", lambda: check.noam(256 ** -0.5 * 1000 ** -0.5, "4000", 256, 1000)),
    ("05.1", "symmetric", lambda: check.triangular(lambda t: _cyclic(t, down=5))),
    ("05.1", "swapped", lambda: check.triangular(lambda t: _cyclic(t, up=15, down=5))),
    ("05.1", "height", lambda: check.triangular(
        lambda t: _cyclic(t) + 0.01 * ((_cyclic(t) - 0.01) / 0.09))),
    ("05.1", "no base", lambda: check.triangular(lambda t: _cyclic(t) - 0.01)),
    ("05.1", "early", lambda: check.triangular(lambda t: _cyclic(t, shift=1))),
    ("05.1", "late", lambda: check.triangular(lambda t: _cyclic(max(t - 1, 0)))),
    ("05.1", "other", lambda: check.triangular(lambda t: 0.05)),
    ("05.1", "no halving", lambda: check.triangular(_cyclic, mode="triangular2")),
    ("05.1", "halved early", lambda: check.triangular(
        lambda t: 0.01 + (_cyclic(t) - 0.01) * 0.5 ** (t // 20 + 1), mode="triangular2")),
    ("05.1", "lr halved", lambda: check.triangular(
        lambda t: _cyclic(t) * 0.5 ** (t // 20), mode="triangular2")),
    ("05.2", "past lowest", lambda: check.range_reading(1.0, _range_reading_test(0.3))),
    ("05.2", "barely", lambda: check.range_reading(3e-4, _range_reading_test(0.3))),
    ("05.2", "slow", lambda: check.range_reading(0.1 / 4, _range_reading_test(0.3))),
    ("05.2", "positive", lambda: check.range_reading(-1, _range_reading_test(0.3))),
    ("06.1", "keras", lambda: check.plateau_drops([5, 8, 12, 17], _PLATEAU, **_PLATEAU_PARAMS)),
    ("06.1", "early", lambda: check.plateau_drops([8, 13], _PLATEAU, **_PLATEAU_PARAMS)),
    ("06.1", "late", lambda: check.plateau_drops([10, 15], _PLATEAU, **_PLATEAU_PARAMS)),
    ("06.1", "cooldown", lambda: check.plateau_drops([9, 13], _PLATEAU, **_PLATEAU_PARAMS)),
    ("06.1", "trace", lambda: check.plateau_drops([9], _PLATEAU, **_PLATEAU_PARAMS)),
    ("06.1", "epochs", lambda: check.plateau_drops("9, 14", _PLATEAU, **_PLATEAU_PARAMS)),
    ("06.2", "noise", lambda: check.plateau_patience(3, *_plateau_metric(), factor=0.5)),
    ("06.2", "never", lambda: check.plateau_patience(11, *_plateau_metric(), factor=0.5)),
    ("06.2", "whole", lambda: check.plateau_patience(2.5, *_plateau_metric(), factor=0.5)),
    ("07.1", "factors", lambda: check.scheduler_class(_warmup_step(
        lambda s: [x / b for x, b in zip(_warmup_step_lr(s), s.base_lrs)]), "SequentialLR",
        steps=40, **WARMUP_STEP)),
    ("07.1", "decay from 0", lambda: check.scheduler_class(_warmup_step(
        lambda s: _warmup_step_lr(s, decay_from=0)), "SequentialLR", steps=40, **WARMUP_STEP)),
    ("07.1", "ramp early", lambda: check.scheduler_class(_warmup_step(
        lambda s: _warmup_step_lr(s, ramp_shift=1)), "SequentialLR", steps=40, **WARMUP_STEP)),
    ("07.1", "compounds", lambda: check.scheduler_class(_warmup_step(
        lambda s: _warmup_step_lr(s) if s.last_epoch < s.warmup else
        [g["lr"] * s.gamma for g in s.optimizer.param_groups]), "SequentialLR", steps=40,
        **WARMUP_STEP)),
    ("07.1", "closed", lambda: check.scheduler_class(_warmup_step(_warmup_step_lr),
                                                     "SequentialLR", steps=40, **WARMUP_STEP)),
    ("07.1", "class", lambda: check.scheduler_class(object, "StepLR")),
    ("07.1", "resume", lambda: check.scheduler_class(_warmup_step(_own_counter()), "SequentialLR",
                                                     steps=40, **WARMUP_STEP)),
    ("08.1", "l2", lambda: check.adamw_settles(lambda c, s, wd: c / (c + wd))),
    ("08.1", "inverse", lambda: check.adamw_settles(lambda c, s, wd: c / (c + wd / s))),
    ("08.1", "no decay", lambda: check.adamw_settles(lambda c, s, wd: 1.0)),
    ("08.1", "other", lambda: check.adamw_settles(lambda c, s, wd: 0.1)),
    ("08.1", "number", lambda: check.adamw_settles(lambda c, s, wd: "0.5")),
    ("08.2", "distance", lambda: check.adagrad_effective_lr(lambda lr, g, n: lr / np.sqrt(n))),
    ("08.2", "lr", lambda: check.adagrad_effective_lr(lambda lr, g, n: lr)),
    ("08.2", "n", lambda: check.adagrad_effective_lr(lambda lr, g, n: lr / (n * abs(g)))),
    ("08.2", "sum", lambda: check.adagrad_effective_lr(lambda lr, g, n: lr / (n * g * g))),
    ("08.2", "n - 1", lambda: check.adagrad_effective_lr(
        lambda lr, g, n: lr / (np.sqrt(max(n - 1, 1)) * abs(g)))),
    ("08.2", "other", lambda: check.adagrad_effective_lr(lambda lr, g, n: 1.0)),
    ("08.2", "number", lambda: check.adagrad_effective_lr(lambda lr, g, n: "0.1")),
    ("09.1", "too fast", lambda: check.accumulation_loop(
        _accumulating(step_each_micro_batch=True), epochs=6)),
    ("09.1", "order", lambda: check.accumulation_loop(_accumulating(before=True), epochs=6)),
    ("09.1", "per micro-batch", lambda: check.accumulation_loop(
        lambda o, s, e, m, a: [0.1] * (e * m))),
    ("09.1", "overstepped", lambda: check.accumulation_loop(
        _accumulating(step_each_micro_batch=True), "OneCycleLR", max_lr=1.0, epochs=6)),
    ("09.1", "count", lambda: check.accumulation_loop(lambda o, s, e, m, a: [0.1])),
    ("09.1", "not lrs", lambda: check.accumulation_loop(lambda o, s, e, m, a: {"lr": 0.1})),
    ("09.2", "started over", lambda: check.resume(
        _resume(load_optimizer=False, load_scheduler=False), _make_run, at=5)),
    ("09.2", "fresh lr", lambda: check.resume(_resume(load_optimizer=False), _make_run, at=5)),
    ("09.2", "weights", lambda: check.resume(_resume(load_model=False), _make_run, at=5)),
    ("09.2", "order", lambda: check.resume(_resume_scheduler_first, _make_run, at=5)),
    ("09.2", "initial_lr", lambda: check.resume(_with_last_epoch, _make_run)),
    ("10.1", "choices", lambda: check.half_budget("cosine")),
    ("10.1", "milestones", lambda: check.half_budget("MultiStepLR")),
]
KERAS_MISTAKES = [  # need Keras
    ("01.1", "boundary", lambda k: check.first_drop((30, 0), _piecewise(k), 12)),
    ("01.1", "batch range", lambda k: check.first_drop((29, 14), _piecewise(k), 12)),
    ("01.1", "counting", lambda k: check.first_drop((29, 5), _piecewise(k), 12)),
    ("01.1", "pair", lambda k: check.first_drop((30, 1, 0), _piecewise(k), 12)),
    ("01.1", "never", lambda k: check.first_drop((30, 1), _piecewise(k, 0.1), 12)),
    ("01.2", "compounding", lambda k: check.keras_callback(
        lambda epoch, lr: lr if epoch < 10 else lr * 0.1, "LambdaLR", 14,
        lr_lambda=lambda epoch: 1.0 if epoch < 10 else 0.1)),
    ("01.2", "other", lambda k: check.keras_callback(
        lambda epoch, lr: 0.2, "LambdaLR", 14, lr_lambda=lambda epoch: 1.0 if epoch < 10 else 0.1)),
    ("01.2", "hard-coded", lambda k: check.keras_callback(
        lambda epoch, lr: 0.1 if epoch < 10 else 0.01, "LambdaLR", 14,
        lr_lambda=lambda epoch: 1.0 if epoch < 10 else 0.1)),
    ("01.2", "when", lambda k: check.keras_callback(
        lambda epoch, lr: lr * 0.1 if epoch == 9 else lr, "LambdaLR", 14,
        lr_lambda=lambda epoch: 1.0 if epoch < 10 else 0.1)),
    ("07.2", "iterations", lambda k: check.keras_schedule(_keras_step(k, _per_iteration), "StepLR",
                                                          **_KERAS_STEP)),
    ("07.2", "staircase", lambda k: check.keras_schedule(_keras_step(k, _smooth), "StepLR",
                                                         **_KERAS_STEP)),
    ("07.2", "config", lambda k: check.keras_schedule(_keras_step(k, _right, config_drops=True),
                                                      "StepLR", **_KERAS_STEP)),
    ("07.2", "other", lambda k: check.keras_schedule(_keras_step(k, lambda s, step: 0.05),
                                                     "StepLR", **_KERAS_STEP)),
    ("07.2", "instance", lambda k: check.keras_schedule(0.1, "StepLR", **_KERAS_STEP)),
]
_KERAS_STEP = dict(epochs=100, batches_per_epoch=12, step_size=30, gamma=0.1)


def _piecewise(keras, second=0.01):
    return keras.optimizers.schedules.PiecewiseConstantDecay([360], [0.1, second])


def _right(s, step):
    import keras

    ops = keras.ops
    return s.initial_learning_rate * ops.power(
        s.gamma, ops.floor_divide(ops.floor_divide(step, s.steps_per_epoch), s.step_size))


def _per_iteration(s, step):
    import keras

    return s.initial_learning_rate * keras.ops.power(s.gamma, keras.ops.floor_divide(step,
                                                                                     s.step_size))


def _smooth(s, step):
    import keras

    return s.initial_learning_rate * keras.ops.power(
        s.gamma, keras.ops.cast(step, "float32") / (s.steps_per_epoch * s.step_size))


def _resume_scheduler_first(checkpoint, model):
    model.load_state_dict(checkpoint["model"])
    optimizer, scheduler = _make_run(model)
    scheduler.load_state_dict(checkpoint["scheduler"])
    scheduler.step()  # one step too many: the lr runs ahead of the uninterrupted run
    optimizer.load_state_dict(checkpoint["optimizer"])
    return optimizer, scheduler


def _with_last_epoch(checkpoint, model):
    import torch

    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    return optimizer, torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=9, last_epoch=4)


def _assert_key(result, exercise_id, key):
    data = result.to_json()
    assert (data["exercise"], data["hint_key"], data["passed"]) == (exercise_id, key, False), \
        result.messages
    assert data["points"] == 0
    for lang in ("en", "zh"):
        assert data["hint"][lang] and data["hint"][lang] in data["message"][lang]


@pytest.mark.parametrize("exercise_id, key, call", MISTAKES,
                         ids=[f"{e}-{k}" for e, k, _ in MISTAKES])
def test_each_known_mistake_gets_its_hint(exercise_id, key, call):
    _assert_key(call(), exercise_id, key)


@pytest.mark.parametrize("exercise_id, key, call", KERAS_MISTAKES,
                         ids=[f"{e}-{k}" for e, k, _ in KERAS_MISTAKES])
def test_each_known_keras_mistake_gets_its_hint(keras, exercise_id, key, call):
    _assert_key(call(keras), exercise_id, key)


def test_every_known_mistake_is_tested():
    from lrlessons.check.core import NUMBER, STEP_MISTAKES

    shared = {m.key for m in (*STEP_MISTAKES, NUMBER)}
    listed = {(e, k) for e, k, _ in (*MISTAKES, *KERAS_MISTAKES)}
    missing = [(ex.id, m.key) for ex in check.EXERCISES for m in ex.mistakes
               if m.key not in shared and (ex.id, m.key) not in listed]
    assert not missing
    assert shared <= {k for _, k in listed}


@pytest.mark.parametrize("answer", [4000.0, np.int64(4000), np.float64(4000), 4000])
def test_a_step_count_of_any_equal_numeric_type_is_accepted(answer):
    peak = 256 ** -0.5 * 1000 ** -0.5
    assert check.noam(np.float64(peak), answer, d_model=256, warmup_steps=1000)
    assert check.restarts(answer / 4000 * 15, 105, 2, 3)  # 15, in the same type
    assert check.plateau_patience(answer / 1000, *_plateau_metric(), factor=0.5)


@pytest.mark.parametrize("bad", ["15", b"15", True, None, [15], 15.5, float("nan")])
def test_non_numbers_are_refused_with_a_hint_not_a_traceback(bad):
    result = check.restarts(bad, 105, 2, 3)
    assert not result and result.hint_key == "whole"
    result = check.half_life_gamma(lambda h: bad)
    assert not result and result.hint_key in ("number", "other")


def test_learner_code_that_raises_is_a_result():
    result = check.half_life_gamma(lambda h: 1 / 0)
    data = result.to_json()
    assert data["status"] == "raised" and data["hint_key"] == "raised"
    assert "ZeroDivisionError" in data["message"]["en"] and "ZeroDivisionError" in data["message"]["zh"]


def test_nothing_heavy_is_imported_with_the_checks():
    import subprocess
    import sys

    code = ("import sys, lrlessons.check as c;"
            "assert 'torch' not in sys.modules and 'keras' not in sys.modules, 'heavy import'")
    subprocess.run([sys.executable, "-c", code], check=True)
