"""Lesson 00's exercises: the fastest learning rate for two directions, and a training loop fixed."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np

from ..catalogue import curve
from .core import NUMBER, Exercise, Result, fmt, mistake, number, numbers

BOWLS = ((0.2, 2.0), (1.0, 4.0), (0.5, 0.6), (0.01, 1.0), (3.0, 30.0))  # section 2's first

FASTEST = Exercise(
    "00.1", "fastest_lr",
    {"en": "`fastest_lr(a_flat, a_steep)`: the one learning rate that brings gradient descent on "
           "a two-direction bowl to its minimum fastest (a derivation)",
     "zh": "`fastest_lr(a_flat, a_steep)`：在有两个方向的碗形损失上，让梯度下降最快到达极小值的"
           "那一个学习率（推导题）"},
    {"en": "the slower direction's factor max|1 - lr a| per step, in five bowls (section 2's "
           "among them); the answer must be within 0.1% of the lr that "
           "minimises it",
     "zh": "五只碗（含第 2 节的那只）上，较慢方向每步的因子 max|1 - lr a|；答案与使它最小的学习率"
           "相差不得超过 0.1%"},
    (mistake("positive", "zero or a negative number", "0 或负数",
             "A learning rate is a positive number.", "学习率是一个正数。"),
     mistake("diverges", "a learning rate above 2 / a_steep", "大于 2 / a_steep 的学习率",
             "At this lr the steep direction diverges: its factor 1 - lr * a_steep is below -1.",
             "这个学习率会让陡峭方向发散：它的因子 1 - lr * a_steep 小于 -1。"),
     mistake("edge", "`2 / a_steep`", "`2 / a_steep`",
             "At exactly 2 / a_steep the steep direction jumps between y and -y forever: it "
             "never shrinks.",
             "恰好等于 2 / a_steep 时，陡峭方向会在 y 和 -y 之间永远来回跳：它一点也不缩小。"),
     mistake("one step", "`1 / a_steep`", "`1 / a_steep`",
             "The steep direction now lands in one step, but the flat one shrinks only by the "
             "factor 1 - a_flat / a_steep per step, and the run is as slow as its slowest "
             "direction. A larger lr speeds up the flat direction, and the steep one, now at "
             "factor 0, has room to spare before it becomes the slower one.",
             "陡峭方向这时一步就到位，但平缓方向每步只乘以 1 - a_flat / a_steep，而整个运行的速度"
             "取决于最慢的方向。更大的学习率会让平缓方向更快；而陡峭方向此时的因子是 0，还有余地，要过一段才会"
             "变成较慢的那个。"),
     mistake("too small", "a learning rate below the answer", "比答案小的学习率",
             "Both directions still shrink, and the flat one is the slowest: its factor "
             "1 - lr * a_flat is the closest to 1 in size. A larger lr shrinks it faster.",
             "两个方向都还在缩小，最慢的是平缓方向：它的因子 1 - lr * a_flat 的绝对值最接近 1。"
             "更大的学习率会让它缩小得更快。"),
     mistake("too large", "a learning rate between the answer and 2 / a_steep",
             "介于答案和 2 / a_steep 之间的学习率",
             "The steep direction zigzags, and its factor |1 - lr * a_steep| is now the one "
             "closest to 1: it has become the slowest direction. A smaller lr helps it.",
             "陡峭方向在走“之”字形，它的因子 |1 - lr * a_steep| 现在最接近 1：它成了最慢的方向。"
             "稍小一点的学习率对它有利。"),
     NUMBER))


def slowest_factor(lr: float, a_flat: float, a_steep: float) -> float:
    """How much the slower direction's distance is multiplied by at each step of gradient
    descent with ``lr`` on the bowl (section 1's factor 1 - lr a, in size)."""
    return max(abs(1 - lr * a_flat), abs(1 - lr * a_steep))


def fastest_lr(fn: Callable) -> Result:
    """Check ``fn(a_flat, a_steep)``: the learning rate that minimises the slower direction's
    factor per step on the bowl ``(a_flat x^2 + a_steep y^2) / 2``, in the bowls ``BOWLS``.
    Any numeric type counts; within 0.1% of the best lr (the factor is V-shaped around it)."""
    ex = FASTEST
    for a, b in BOWLS:
        where = f"a_flat={a}, a_steep={b}"
        answer = ex.capture(fn, (a, b), f"for {where}", f"在 {where} 时")
        if answer.problem is not None:
            return answer.problem
        lr = number(answer.value)
        if lr is None:
            return ex.wrong(f"For {where} your function returned {answer.value!r}.",
                            f"{where} 时你的函数返回了 {answer.value!r}。", "number")
        best = 2 / (a + b)  # where 1 - lr a = -(1 - lr b): tests hold it to a search and to descent
        if math.isclose(lr, best, rel_tol=1e-3):
            continue
        lead = {"en": f"For {where}, your lr {fmt(lr)} leaves the slower direction a factor of "
                      f"{fmt(slowest_factor(lr, a, b))} per step; a better lr exists.",
                "zh": f"{where} 时，你的学习率 {fmt(lr)} 让较慢的方向每步乘以 "
                      f"{fmt(slowest_factor(lr, a, b))}；还有更好的学习率。"}
        if math.isnan(lr) or lr <= 0:
            return ex.wrong(f"For {where} your function returned {fmt(lr)}.",
                            f"{where} 时你的函数返回了 {fmt(lr)}。", "positive")
        if math.isclose(lr, 2 / b, rel_tol=1e-3):
            key = "edge"
        elif lr > 2 / b:
            key = "diverges"
        elif math.isclose(lr, 1 / b, rel_tol=1e-3):
            key = "one step"
        else:
            key = "too small" if lr < best else "too large"
        return ex.wrong(lead["en"], lead["zh"], key)
    return ex.ok(f"Right for all {len(BOWLS)} bowls: at this lr the two directions shrink by "
                 f"factors of the same size, one from each side of 0, and no other lr makes the "
                 f"slower one faster.",
                 f"全部 {len(BOWLS)} 只碗都正确：在这个学习率下，两个方向的因子大小相同、一正一负，"
                 f"没有别的学习率能让较慢的方向更快。")


LOOP = Exercise(
    "00.2", "loop",
    {"en": "`fixed_loop(optimizer, scheduler, epochs, batches)`: the broken loop shown above it, "
           "fixed (an epoch schedule stepped per batch, and before the optimizer)",
     "zh": "`fixed_loop(optimizer, scheduler, epochs, batches)`：改正练习上方那个有错的循环"
           "（按 epoch 设计的调度器被按 batch 调用，而且放在了优化器之前）"},
    {"en": "the loop is run on a real `torch.optim.SGD` with `StepLR(step_size=3, gamma=0.5)`; "
           "the lrs it records must equal `curve()` held over each epoch's batches, with no order "
           "warning",
     "zh": "在真实的 `torch.optim.SGD` 和 `StepLR(step_size=3, gamma=0.5)` 上运行这个循环；它记录"
           "的学习率必须等于 `curve()`（每个 epoch 内各 batch 取同一值），而且不能出现顺序警告"},
    (mistake("per batch", "fixing only the order (still stepped per batch)",
             "只改了顺序（仍然每个 batch 调用）",
             "The lr changes inside an epoch: a schedule written in epochs is stepped once per "
             "epoch, after the batches.",
             "学习率在一个 epoch 之内就变了：按 epoch 写的调度器应在每个 epoch 的所有 batch 之后"
             "调用一次。"),
     mistake("order", "fixing only the unit (scheduler still before the optimizer)",
             "只改了调用频率（调度器仍在优化器之前）",
             "PyTorch warned that scheduler.step() ran before optimizer.step(): every lr then "
             "arrives one step early.",
             "PyTorch 警告 scheduler.step() 在 optimizer.step() 之前调用：每个学习率都会早一步"
             "到来。"),
     mistake("read", "recording the lr at another place in the loop",
             "在循环的其他位置记录学习率",
             "Record the lr just before optimizer.step(): that is the value the step uses.",
             "在 optimizer.step() 之前记录学习率：那才是这一步使用的值。"),
     mistake("not lrs", "returning something other than the list of lrs",
             "返回的不是学习率列表",
             "Return the list of lrs the loop used.", "请返回循环实际使用的学习率列表。"),
     mistake("count", "one lr per epoch, or another count", "每个 epoch 一个学习率，或其他个数",
             "Record one lr per batch.", "每个 batch 记录一个学习率。")))


def loop(fn: Callable, epochs: int = 8, batches: int = 4) -> Result:
    """Check ``fn(optimizer, scheduler, epochs, batches)``: a training loop over ``epochs`` of
    ``batches`` that returns the lr each batch trained with, for a schedule meant per epoch
    (``StepLR(step_size=3, gamma=0.5)``). The loop runs on a real torch optimizer and scheduler;
    the lr it records must be curve()'s, held over each epoch's batches."""
    import torch

    ex = LOOP
    w = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=0.1)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        answer = ex.capture(fn, (optimizer, scheduler, epochs, batches))
    if answer.problem is not None:
        return answer.problem
    expected = np.repeat(curve("StepLR", epochs, base_lr=0.1, step_size=3, gamma=0.5), batches)
    used = numbers(answer.value)
    if used is None:
        return ex.wrong(f"Got {answer.value!r}.", f"你给出的是 {answer.value!r}。", "not lrs")
    if used.shape != expected.shape:
        return ex.wrong(f"Expected {epochs} epochs x {batches} batches = {expected.size} "
                        f"values, got {used.size}.",
                        f"应有 {epochs} 个 epoch x {batches} 个 batch = {expected.size} 个值，"
                        f"你给了 {used.size} 个。", "count")
    order_warning = any(issubclass(w.category, UserWarning) and "lr_scheduler.step()" in
                        str(w.message) for w in caught)  # torch's warning, not ours
    bad = np.flatnonzero(~np.isclose(used, expected, rtol=1e-12))
    if bad.size == 0 and not order_warning:
        return ex.ok("Right: the optimizer steps with the current lr, then the scheduler sets the "
                     "next one, once per epoch.",
                     "正确：优化器先用当前学习率更新，调度器再设下一个值，每个 epoch 一次。")
    k = int(bad[0]) if bad.size else 0
    changes = np.flatnonzero(np.diff(used) != 0) + 1
    key = ("per batch" if changes.size and changes[0] < batches else
           "order" if order_warning else "read")
    return ex.wrong(f"Batch {k} trained with {fmt(used[k])}, expected {fmt(expected[k])}.",
                    f"第 {k} 个 batch 用的是 {fmt(used[k])}，应为 {fmt(expected[k])}。", key)


EXERCISES = (FASTEST, LOOP)
