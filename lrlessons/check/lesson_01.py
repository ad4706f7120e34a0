"""Lesson 01's exercises: predict Keras' first batch at the lower rate, fix a Keras callback for
any starting rate; and section 1's prediction (which epoch first trains at the lower rate)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..catalogue import curve
from .core import Exercise, Result, fmt, given, mistake, number, whole

FIRST_DROP = Exercise(
    "01.1", "first_drop",
    {"en": "`first_drop = (epoch, batch)`: the first batch Keras trains at the lower rate with "
           "`PiecewiseConstantDecay(boundaries=[360], ...)` at 12 batches per epoch (a "
           "prediction)",
     "zh": "`first_drop = (epoch, batch)`：每个 epoch 12 个 batch、使用 "
           "`PiecewiseConstantDecay(boundaries=[360], ...)` 时，Keras 第一个用较低学习率训练的 "
           "batch（一道预测题）"},
    {"en": "Keras itself evaluates the schedule; the first step below the start is converted to "
           "(epoch, batch)",
     "zh": "由 Keras 自己计算调度，把第一个低于起点的步换算成 (epoch, batch)"},
    (mistake("boundary", "`(30, 0)`", "`(30, 0)`",
             "One step early: Keras keeps the old value AT a boundary (step <= b).",
             "早了一步：Keras 在边界上仍取旧值（step <= b）。"),
     mistake("batch range", "a batch number outside 0-11", "batch 编号超出 0 到 11",
             "An epoch has batches 0 to {last}.", "一个 epoch 的 batch 编号是 0 到 {last}。"),
     mistake("counting", "another step", "其他步",
             "Keras counts optimizer steps (batches), from 0, across epochs: step = epoch * "
             "batches per epoch + batch.",
             "Keras 按优化器更新（batch）从 0 开始跨 epoch 计数：步数 = epoch × 每个 epoch 的 "
             "batch 数 + batch。"),
     mistake("pair", "not two whole numbers", "不是两个整数",
             "Answer with two whole numbers: (epoch, batch).", "请用两个整数作答：(epoch, batch)。"),
     mistake("never", "(the schedule given never drops)", "（所给的调度不下降）",
             "This schedule never drops within the steps checked.",
             "在检查的步数内这个调度没有下降。")),
    example={"last": 11})


def first_drop(answer, schedule, batches_per_epoch: int, steps: int = 10_000) -> Result:
    """Check ``answer = (epoch, batch)``: the first batch (both counted from 0) that Keras trains
    at a lower lr than the first one, with ``schedule`` (a Keras LearningRateSchedule) evaluated
    once per batch. Keras itself computes the answer."""
    from ..keras_bridge import keras_values

    ex = FIRST_DROP
    if not given(answer):
        return ex.not_written()
    pair = None if isinstance(answer, (str, bytes)) or not hasattr(answer, "__iter__") else \
        [whole(v) for v in answer]
    if pair is None or len(pair) != 2 or None in pair:
        return ex.wrong(f"Expected (epoch, batch), got {answer!r}.",
                        f"需要 (epoch, batch)，你给出的是 {answer!r}。", "pair")
    epoch, batch = pair
    lr = keras_values(schedule, steps)
    lower = np.flatnonzero(lr < lr[0] * (1 - 1e-6))
    if lower.size == 0:
        return ex.wrong("", "", "never")
    step = int(lower[0])
    if (epoch, batch) == divmod(step, batches_per_epoch):
        return ex.ok(f"Right: optimizer step {step} is the first at the lower rate, batch {batch} "
                     f"of epoch {epoch}.",
                     f"正确：第 {step + 1} 次优化器更新（从 0 数起的第 {step} 步）是第一个使用较低学习率"
                     f"的，即编号为 {epoch} 的 epoch 中编号为 {batch} 的 batch。")
    given_step = epoch * batches_per_epoch + batch
    key = ("boundary" if given_step == step - 1 else
           "batch range" if batch >= batches_per_epoch or batch < 0 else "counting")
    return ex.wrong(f"(epoch {epoch}, batch {batch}) is optimizer step {given_step}; Keras first "
                    f"trains at the lower rate at another step.",
                    f"（epoch {epoch}，batch {batch}）是第 {given_step + 1} 次优化器更新；Keras 第一次"
                    f"使用较低学习率的不是这一步。", key, last=batches_per_epoch - 1)


KERAS_CALLBACK = Exercise(
    "01.2", "keras_callback",
    {"en": "`fixed_schedule(epoch, lr)`: the tutorial's compounding Keras callback, fixed so that "
           "it gives the `LambdaLR` factors from any starting learning rate (a fix)",
     "zh": "`fixed_schedule(epoch, lr)`：改正那篇教程里会连乘的 Keras 回调，让它从任何初始学习率"
           "出发都给出 `LambdaLR` 的因子（改错题）"},
    {"en": "Keras' `LearningRateScheduler` runs the function for 14 epochs on a real optimizer, "
           "from starting rates 0.1, 0.05 and 0.3; each compared with `curve(\"LambdaLR\")` from "
           "that rate",
     "zh": "Keras 的 `LearningRateScheduler` 在真实优化器上运行该函数 14 个 epoch，初始学习率"
           "分别为 0.1、0.05 和 0.3；每次都与从该学习率出发的 `curve(\"LambdaLR\")` 比较"},
    (mistake("compounding", "`lr * 0.1` again", "又写成 `lr * 0.1`",
             "The lr Keras passes in is already the reduced one: multiply it again and the cut "
             "repeats every epoch.",
             "Keras 传进来的 lr 已经是降低过的值：再乘一次，每个 epoch 都会再降一次。"),
     mistake("hard-coded", "the rates of a 0.1 start written in", "把从 0.1 出发的学习率直接写死",
             "Right from 0.1 only: your function returns the rates of a 0.1 start whatever the "
             "optimizer was given. The lr Keras passes in is the only thing that knows the "
             "starting rate.",
             "只有从 0.1 出发时才对：不管优化器拿到的是什么，你的函数都返回从 0.1 出发的学习率。"
             "只有 Keras 传进来的 lr 知道初始学习率是多少。"),
     mistake("when", "the cut at another epoch", "在别的 epoch 下降",
             "Keras calls your function at the start of every epoch, numbered from 0; the first "
             "epoch at the lower rate is the one where the factor changes.",
             "Keras 在每个 epoch 开始时调用你的函数，epoch 从 0 开始编号；第一个使用较低学习率的 "
             "epoch，就是因子发生变化的那个。"),
     mistake("other", "anything else", "其他错误",
             "Compare your value at this epoch with the schedule's.",
             "把这个 epoch 的值和调度的值对照一下。")))


def keras_callback(fn: Callable, name: str, steps: int, base_lrs=(0.1, 0.05, 0.3),
                   **params) -> Result:
    """Check ``fn(epoch, lr)`` for Keras' ``LearningRateScheduler``: run by Keras itself, epoch by
    epoch on a real optimizer started at each of ``base_lrs``, it must give catalogue entry
    ``name``'s curve from that start."""
    from ..keras_bridge import _keras, keras_values

    ex = KERAS_CALLBACK
    probe = ex.capture(fn, (0, base_lrs[0]), "at epoch 0", "在编号为 0 的 epoch 上")
    if probe.problem is not None:
        return probe.problem
    shown = ", ".join(f"{k}=…" if callable(v) else f"{k}={v}" for k, v in params.items())
    for i, base in enumerate(base_lrs):
        expected = curve(name, steps, base_lr=base, **params)
        try:
            got = keras_values(_keras().callbacks.LearningRateScheduler(fn), steps, base)
        except Exception as exc:  # noqa: BLE001 - the learner's function, run by Keras
            return ex.raised(exc, "inside Keras", "在 Keras 中运行时")
        bad = np.flatnonzero(~np.isclose(got, expected, rtol=1e-5))
        if bad.size == 0:
            continue
        t = int(bad[0])
        first = curve(name, steps, base_lr=base_lrs[0], **params)
        drops, due = np.flatnonzero(np.diff(got) < 0), np.flatnonzero(np.diff(expected) < 0)
        if i > 0 and np.allclose(got, first, rtol=1e-5):
            key = "hard-coded"
        elif drops.size == due.size == 1 and drops[0] != due[0]:
            key = "when"  # one cut, as intended, at another epoch
        elif 0 < t and expected[t] == expected[t - 1] and got[t] < got[t - 1]:
            key = "compounding"  # the tutorial's mistake: expected flat, Keras still falling
        else:
            key = "other"
        return ex.wrong(f"From a starting lr of {fmt(base)}, epoch {t}: Keras trains at "
                        f"{fmt(got[t])}, expected {fmt(expected[t])}.",
                        f"初始学习率为 {fmt(base)} 时，编号为 {t} 的 epoch：Keras 使用 {fmt(got[t])}，"
                        f"应为 {fmt(expected[t])}。", key)
    starts = ", ".join(fmt(b) for b in base_lrs)
    return ex.ok(f"Keras now gives {name}({shown}) at all {steps} epochs, from every starting lr "
                 f"({starts}).",
                 f"现在从每个初始学习率（{starts}）出发，Keras 在全部 {steps} 个 epoch 给出的学习率"
                 f"都与 {name}({shown}) 的曲线一致。")


EXERCISES = (FIRST_DROP, KERAS_CALLBACK)


# --- the prediction of section 1: committed before the reveal, marked against torch ----------

def reveal_epoch_30_lr(guess, step_size: int = 30, gamma: float = 0.1, base_lr: float = 0.1):
    """Section 1's prediction: ``guess`` is the lr (``base_lr`` or ``base_lr * gamma``) the
    learner expects epoch ``step_size`` (counted from 0, ``scheduler.step()`` at each epoch's
    end) to train at under ``StepLR``. Without one of the two it asks for it; with one it marks
    it against torch's StepLR and shows the epochs around the drop."""
    from IPython.display import Markdown

    from ..docs import lr_table
    from ..i18n import tr
    from ..torch_bridge import torch_curve

    choices = (base_lr, base_lr * gamma)
    x = number(guess) if given(guess) else None
    if x is None or not any(math.isclose(x, c, rel_tol=1e-6) for c in choices):
        return Markdown(tr(f"Set `guess_epoch_{step_size}_lr` first, to {fmt(choices[0])} or "
                           f"{fmt(choices[1])}; then run this cell again.",
                           f"请先把 `guess_epoch_{step_size}_lr` 设为 {fmt(choices[0])} 或 "
                           f"{fmt(choices[1])}，再运行这个单元格。"))
    used = torch_curve("StepLR", step_size + 2, base_lr=base_lr, step_size=step_size,
                       gamma=gamma)
    mark = "✅" if math.isclose(x, used[step_size], rel_tol=1e-6) else "❌"
    line = tr(f"{mark} You said {fmt(x)}; torch's StepLR trains epoch {step_size} at "
              f"{fmt(used[step_size])}: by then scheduler.step() has run {step_size} times, and "
              f"⌊{step_size}/{step_size}⌋ = 1 cut.",
              f"{mark} 你的预测是 {fmt(x)}；torch 的 StepLR 在编号为 {step_size} 的 epoch 用的是 "
              f"{fmt(used[step_size])}：这时 scheduler.step() 已经调用了 {step_size} 次，"
              f"⌊{step_size}/{step_size}⌋ = 1，已经降过一次。")
    table = lr_table({"StepLR (torch)": used}, range(step_size - 2, step_size + 2), row="epoch",
                     mark=False)
    return Markdown(line + "\n\n" + table)
