"""Lesson 10's exercises: a half-budget prediction and a schedule that beats the constant lr,
both checked by training on the digits (the only checks that train)."""

from __future__ import annotations

import json

import numpy as np

from .core import BoundedCache, Exercise, Result, given, mistake

# Final accuracies by run configuration: the two checks share runs, and asking again (or the
# same answer from the next submission) does not train again. Filled only when a check runs.
RUNS = BoundedCache(maxsize=32)


def _digits_finals(config: dict, seeds) -> np.ndarray:
    """Final validation accuracies (%) of ``train(seed=s, **config)`` for each seed."""
    from ..playground import train

    seeds = list(seeds)
    key = json.dumps(config, sort_keys=True, default=repr) + repr(seeds)
    return RUNS.get(key, lambda: np.array([100 * train(seed=s, **config).final_accuracy
                                           for s in seeds]))


HALF_BUDGET = Exercise(
    "10.1", "half_budget",
    {"en": "`half_budget_winner = \"MultiStepLR\"` or `\"CosineAnnealingLR\"`: with the budget "
           "cut from 12 to 6 epochs, which ends with the higher mean final validation accuracy "
           "over seeds 0-4 (a prediction, made before the check trains)",
     "zh": "`half_budget_winner = \"MultiStepLR\"` 或 `\"CosineAnnealingLR\"`：预算从 12 个 epoch "
           "砍到 6 个时，谁在种子 0-4 上的平均最终验证准确率更高（检查训练之前先做预测）"},
    {"en": "`lrlessons.check.half_budget` trains `MultiStepLR(milestones=[6, 9], gamma=0.1)` and "
           "the cosine (T_max = the run) on the digits for 6 epochs, five seeds each, and "
           "compares the means",
     "zh": "`lrlessons.check.half_budget` 在手写数字上把 `MultiStepLR(milestones=[6, 9], "
           "gamma=0.1)` 和余弦（T_max 等于训练长度）各训练 6 个 epoch、5 个种子，比较均值"},
    (mistake("milestones", "the schedule that loses (for 6 epochs: \"MultiStepLR\", whose "
             "milestones never act)", "输的那个调度（6 个 epoch 时是 \"MultiStepLR\"：它的里程碑"
             "不起作用）",
             "Where are the milestones [6, 9] in a {epochs}-epoch run?",
             "在 {epochs} 个 epoch 的训练里，里程碑 [6, 9] 落在哪里？"),
     mistake("choices", "any other string", "其他字符串",
             "Answer with one of {choices}.", "请在 {choices} 中选一个。")),
    example={"epochs": 6, "choices": "('MultiStepLR', 'CosineAnnealingLR')"})


def half_budget(answer, epochs: int = 6, seeds=range(5)) -> Result:
    """Check a prediction ``answer`` ("MultiStepLR" or "CosineAnnealingLR"): which of lesson 10's
    MultiStepLR(milestones=[6, 9]) (written for 12 epochs) and cosine (T_max = the run) ends with
    the higher mean final validation accuracy over ``seeds`` when the digits run gets only
    ``epochs`` epochs. The check trains both."""
    from ..capstone import SWEEP

    ex = HALF_BUDGET
    choices = ("MultiStepLR", "CosineAnnealingLR")
    if not given(answer):
        return ex.not_written()
    if not isinstance(answer, str) or answer not in choices:
        return ex.wrong(f"Got {answer!r}.", f"收到的是 {answer!r}。", "choices",
                        choices=choices)
    means = {}
    for name in choices:
        config = next(dict(kw, epochs=epochs) for kw in SWEEP.values() if kw.get("schedule") ==
                      name and kw.get("optimizer", "sgd") == "sgd")
        means[name] = float(np.mean(_digits_finals(config, seeds)))
    winner = max(means, key=means.get)
    gap = abs(means["CosineAnnealingLR"] - means["MultiStepLR"])
    n = len(list(seeds))
    if answer == winner:
        by_en = "by more than a point" if gap > 1 else f"by {gap:.2f} points"
        by_zh = "领先超过 1 个百分点" if gap > 1 else f"领先 {gap:.2f} 个百分点"
        return ex.ok(f"Right: with {epochs} epochs {winner} wins on average over {n} seeds, "
                     f"{by_en}. The milestones [6, 9] were written for 12 epochs: in a "
                     f"{epochs}-epoch run MultiStepLR never cuts, while the cosine's T_max "
                     f"follows the run.",
                     f"正确：只有 {epochs} 个 epoch 时，{n} 个种子的平均结果是 {winner} 胜出，"
                     f"{by_zh}。里程碑 [6, 9] 是为 12 个 epoch 写的：{epochs} 个 epoch 的训练中 "
                     f"MultiStepLR 一次也不下降，而余弦的 T_max 随训练长度而定。")
    # The winner is not named: it is the answer.
    return ex.wrong(f"With {epochs} epochs {answer} does not end higher on average over {n} "
                    f"seeds.",
                    f"只有 {epochs} 个 epoch 时，{n} 个种子的平均结果并不是 {answer} 更高。",
                    "milestones", epochs=epochs)


_FIXED = ("task", "epochs", "seed", "batch_size")

BEATS_CONSTANT = Exercise(
    "10.2", "beats_constant",
    {"en": "`choice = dict(schedule=..., ...)`: `train()` arguments of a schedule that beats the "
           "constant lr 0.3 by at least one point of mean final validation accuracy over seeds "
           "0-4, in 6 epochs (a choice)",
     "zh": "`choice = dict(schedule=..., ...)`：一个调度的 `train()` 参数，使 6 个 epoch 下种子 "
           "0-4 的平均最终验证准确率比恒定学习率 0.3 至少高一个百分点（一道选择题）"},
    {"en": "`lrlessons.check.beats_constant` trains the choice (SGD with momentum at lr 0.3 "
           "unless it says otherwise) and the constant lr on the digits, five seeds each; the "
           "means must differ by at least 1.0 point",
     "zh": "`lrlessons.check.beats_constant` 在手写数字上把学习者的选择（默认是学习率 0.3、带动量"
           "的 SGD）和恒定学习率各训练 5 个种子；均值至少相差 1.0 个百分点"},
    (mistake("never acts", "milestones or `T_max` beyond 6 epochs (+0.00 points)",
             "里程碑或 `T_max` 超过 6 个 epoch（+0.00 个百分点）",
             "Make sure it ends low within the run: milestones or T_max beyond {epochs} epochs "
             "never act.",
             "确保它在训练结束前降下来：超过 {epochs} 个 epoch 的里程碑或 T_max 不会起作用。"),
     mistake("worse", "a choice worse than the constant lr", "比恒定学习率还差",
             "It is below the constant lr: is the lr too high, or does it drop too late for "
             "{epochs} epochs?",
             "它还不如恒定学习率：学习率是否太高，或者对 {epochs} 个 epoch 来说下降得太晚？"),
     mistake("no schedule", "no schedule", "没有调度",
             "Write a dict of train() arguments with a schedule, such as "
             "dict(schedule=\"StepLR\", step_size=2, gamma=0.5).",
             "请写一个带调度的 train() 参数字典，例如 dict(schedule=\"StepLR\", step_size=2, "
             "gamma=0.5)。"),
     mistake("fixed", "setting `epochs`/`task`/`seed`/`batch_size`",
             "设置了 `epochs`/`task`/`seed`/`batch_size`",
             "The check sets {fixed} itself; leave {given} out.",
             "检查会自己设定 {fixed}；请去掉 {given}。")),
    example={"epochs": 6, "fixed": ", ".join(_FIXED), "given": "epochs"})


def beats_constant(choice, epochs: int = 6, margin: float = 1.0, seeds=range(5)) -> Result:
    """Check ``choice``, the ``train()`` keyword arguments of a schedule (``schedule=`` and its
    parameters; SGD with momentum at lr 0.3 unless it says otherwise) on lesson 10's digits run
    cut to ``epochs`` epochs: its mean final validation accuracy over ``seeds`` must beat the
    constant lr 0.3 by at least ``margin`` points. The check trains both."""
    from ..capstone import SGD

    ex = BEATS_CONSTANT
    if not given(choice):
        return ex.not_written()
    if not isinstance(choice, dict) or choice.get("schedule") is None:
        return ex.wrong("", "", "no schedule")
    fixed = sorted(set(choice) & set(_FIXED))
    if fixed:
        return ex.wrong("", "", "fixed", fixed=", ".join(_FIXED), given=", ".join(fixed))
    base = dict(SGD, epochs=epochs)
    try:
        mine = _digits_finals(dict(base, **choice), seeds)
    except NotImplementedError:
        return ex.not_written()
    except Exception as exc:  # noqa: BLE001 - the learner's arguments, refused by train()
        return ex.raised(exc, "in train()", "在 train() 中")
    constant = _digits_finals(base, seeds)
    gain, n = float(np.mean(mine) - np.mean(constant)), len(list(seeds))
    if gain >= margin:
        return ex.ok(f"Right: over {n} seeds your schedule ends at least {margin:g} point above "
                     f"the constant lr on average, with {epochs} epochs.",
                     f"正确：在 {n} 个种子上，你的调度在 {epochs} 个 epoch 后的平均结果比恒定"
                     f"学习率至少高 {margin:g} 个百分点。")
    return ex.wrong(f"Mean final validation accuracy {np.mean(mine):.2f} % against the constant "
                    f"lr's {np.mean(constant):.2f} %: {gain:+.2f} points, {margin:g} needed.",
                    f"平均最终验证准确率 {np.mean(mine):.2f} %，恒定学习率为 "
                    f"{np.mean(constant):.2f} %：相差 {gain:+.2f} 个百分点，需要至少 {margin:g}。",
                    "worse" if gain < 0 else "never acts", epochs=epochs)


EXERCISES = (HALF_BUDGET, BEATS_CONSTANT)
