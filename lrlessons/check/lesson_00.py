"""Lesson 00's exercises: gradient descent by hand, and a training loop fixed."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from ..catalogue import curve
from ..descent import descend
from .core import Exercise, Result, fmt, mistake, numbers

DESCENT_CASES = ((0.1, 1.0, 1.0, 5), (1.5, 1.0, 2.0, 6), (0.25, 4.0, -1.0, 4), (0.9, 3.0, 0.5, 5),
                 (2.5, 1.0, 1.0, 5))

DESCENT = Exercise(
    "00.1", "descent",
    {"en": "`gd_path(lr, curvature, x0, steps)`: positions of gradient descent on a parabola",
     "zh": "`gd_path(lr, curvature, x0, steps)`：在抛物线上做梯度下降时依次经过的位置"},
    {"en": "`lrlessons.descent.descend` in five cases, two of them divergent",
     "zh": "`lrlessons.descent.descend`，共五种情形，其中两种发散"},
    (mistake("no start", "forgetting `x0`", "漏掉 `x0`",
             "Include the starting point x_0.", "别忘了起点 x_0。"),
     mistake("gradient", "using `lr` instead of `lr * curvature`",
             "用 `lr` 代替了 `lr * curvature`",
             "One step is x - lr * f'(x), with f'(x) = curvature * x.",
             "一步是 x - lr * f'(x)，其中 f'(x) = curvature * x。")))


def descent(fn: Callable) -> Result:
    """Check ``fn(lr, curvature, x0, steps)``: the positions x_0 .. x_steps of gradient descent
    on f(x) = curvature * x^2 / 2, against ``lrlessons.descent.descend``."""
    ex = DESCENT
    for lr, a, x0, steps in DESCENT_CASES:
        where = f"lr={lr}, curvature={a}, x0={x0}, steps={steps}"
        answer = ex.capture(fn, (lr, a, x0, steps), f"for {where}", f"在 {where} 时")
        if answer.problem is not None:
            return answer.problem
        expected = descend(lr, a, x0, steps)
        got = numbers(answer.value)
        got = np.array([]) if got is None else got
        if got.shape != expected.shape:
            return ex.wrong(f"For {where} expected {steps + 1} positions (x_0 to x_{steps}), got "
                            f"{got.size}.",
                            f"{where} 时应有 {steps + 1} 个位置（x_0 到 x_{steps}），你给了 "
                            f"{got.size} 个。", "no start")
        bad = np.flatnonzero(~np.isclose(got, expected, rtol=1e-9, atol=1e-12))
        if bad.size:
            k = int(bad[0])
            return ex.wrong(f"For {where}, x_{k} should be {fmt(expected[k])}, got "
                            f"{fmt(got[k])}.",
                            f"{where} 时 x_{k} 应为 {fmt(expected[k])}，你给出的是 {fmt(got[k])}。",
                            "gradient")
    return ex.ok(f"Correct for all {len(DESCENT_CASES)} cases, divergent ones included.",
                 f"全部 {len(DESCENT_CASES)} 种情形都正确，包括发散的情形。")


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


EXERCISES = (DESCENT, LOOP)
