"""Lesson 10's graded exercise: a half-budget prediction, checked on the schedules themselves.

Which of two schedules ends higher on the digits is a difference of about two points, while one
seed differs from another by about a point: a check that trained five seeds would pass a right
answer on one machine and fail it on another. So the check reads what decides the answer, the lrs
the two schedules give in the shorter run (exact, on every machine); the outcome over ten seeds is
a claim of the course's tests (tests/claims_lesson_10.py), and the lesson's second exercise lets
the learner measure such a difference with its interval (``lrlessons.capstone.reveal``).
"""

from __future__ import annotations

import numpy as np

from .core import Exercise, Result, given, mistake

HALF_BUDGET = Exercise(
    "10.1", "half_budget",
    {"en": "`half_budget_winner = \"MultiStepLR\"` or `\"CosineAnnealingLR\"`: with the budget "
           "cut from 12 to 6 epochs, which ends with the higher mean final validation accuracy "
           "over seeds (a prediction, made before the reveal)",
     "zh": "`half_budget_winner = \"MultiStepLR\"` 或 `\"CosineAnnealingLR\"`：预算从 12 个 epoch "
           "砍到 6 个时，哪一个在多个种子上的平均最终验证准确率更高（揭晓之前先做预测）"},
    {"en": "`lrlessons.check.half_budget` computes both schedules' lrs for the 6-epoch run: "
           "`MultiStepLR(milestones=[6, 9], gamma=0.1)` never cuts (it is the constant lr), the "
           "cosine (T_max = the run) ends near 0; the outcome over ten seeds is one of the "
           "course's tested claims",
     "zh": "`lrlessons.check.half_budget` 计算两个调度在 6 个 epoch 训练中的学习率："
           "`MultiStepLR(milestones=[6, 9], gamma=0.1)` 一次也不下降（等于恒定学习率），余弦"
           "（T_max 等于训练长度）最后降到接近 0；10 个种子上的结果是课程测试检验的论断之一"},
    (mistake("milestones", "the schedule that never acts (for 6 epochs: \"MultiStepLR\")",
             "从不起作用的调度（6 个 epoch 时是 \"MultiStepLR\"）",
             "Where are the milestones [6, 9] in a {epochs}-epoch run?",
             "在 {epochs} 个 epoch 的训练里，里程碑 [6, 9] 落在哪里？"),
     mistake("choices", "any other string", "其他字符串",
             "Answer with one of {choices}.", "请在 {choices} 中选一个。")),
    example={"epochs": 6, "choices": "('MultiStepLR', 'CosineAnnealingLR')"})


def _epoch_lrs(name: str, epochs: int) -> np.ndarray:
    """The lr of every epoch of lesson 10's ``name`` schedule in an ``epochs``-epoch run."""
    from ..capstone import SWEEP
    from ..catalogue import curve

    kw = next(kw for kw in SWEEP.values() if kw.get("schedule") == name
              and kw.get("optimizer", "sgd") == "sgd")
    params = {k: v for k, v in kw.items()
              if k not in ("task", "batch_size", "epochs", "base_lr", "schedule")}
    if name == "CosineAnnealingLR":
        params.setdefault("T_max", epochs)  # the playground sizes T_max to the run
    return curve(name, epochs, base_lr=kw["base_lr"], **params)


EPOCHS = 6  # the question's budget: the outcome over seeds is claimed for it, not for others


def half_budget(answer) -> Result:
    """Check a prediction ``answer`` ("MultiStepLR" or "CosineAnnealingLR"): which of lesson 10's
    MultiStepLR(milestones=[6, 9]) (written for 12 epochs) and cosine (T_max = the run) ends with
    the higher mean final validation accuracy when the digits run gets only 6 epochs. The check
    reads the two schedules' lrs over the shorter run, which decide it."""
    ex, epochs = HALF_BUDGET, EPOCHS
    choices = ("MultiStepLR", "CosineAnnealingLR")
    if not given(answer):
        return ex.not_written()
    if not isinstance(answer, str) or answer not in choices:
        return ex.wrong(f"Got {answer!r}.", f"你给出的是 {answer!r}。", "choices",
                        choices=choices)
    steps = _epoch_lrs("MultiStepLR", epochs)
    cosine = _epoch_lrs("CosineAnnealingLR", epochs)
    never_cuts = bool(np.all(steps == steps[0]))
    if answer == "CosineAnnealingLR" and never_cuts and cosine[-1] < 0.1 * cosine[0]:
        return ex.ok(f"Right: in a {epochs}-epoch run the milestones [6, 9] never act, so "
                     f"MultiStepLR trains at {steps[0]:g} throughout, exactly as the constant lr; "
                     f"the cosine's T_max follows the run, and its last epoch trains at "
                     f"{cosine[-1]:.3g}. Over ten seeds the cosine ends higher on average.",
                     f"正确：在 {epochs} 个 epoch 的训练里，里程碑 [6, 9] 从不起作用，所以 "
                     f"MultiStepLR 始终以 {steps[0]:g} 训练，与恒定学习率完全相同；余弦的 T_max "
                     f"随训练长度而定，最后一个 epoch 的学习率是 {cosine[-1]:.3g}。在 10 个种子上，"
                     f"余弦的平均结果更高。")
    # The winner is not named: it is the answer.
    return ex.wrong(f"{answer} is not the one that ends higher with {epochs} epochs.",
                    f"只有 {epochs} 个 epoch 时，最后更高的不是 {answer}。",
                    "milestones", epochs=epochs)


EXERCISES = (HALF_BUDGET,)
