"""Lesson 09's exercises: a gradient-accumulation loop fixed; resuming exactly from a
checkpoint. Both run the learner's code on real torch optimizers and schedulers."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np

from ..catalogue import curve, get
from .core import STEP_MISTAKES, Exercise, Result, fmt, mistake, numbers, step_mistake

ACCUMULATION_LOOP = Exercise(
    "09.1", "accumulation_loop",
    {"en": "`fixed_loop(optimizer, scheduler, epochs, micro_batches, accumulate)`: the broken "
           "loop above it, fixed (gradient accumulation over 4 micro-batches; the scheduler was "
           "stepped for every micro-batch, before the update)",
     "zh": "`fixed_loop(optimizer, scheduler, epochs, micro_batches, accumulate)`：改正练习上方那个"
           "有错的循环（每 4 个 micro-batch 累积一次梯度；调度器却每个 micro-batch 都调用一次，而且"
           "在更新之前）"},
    {"en": "the loop runs on a real `torch.optim.SGD` with torch's `CosineAnnealingLR(T_max=12)` "
           "(12 updates: 6 epochs × 8 micro-batches / 4); the 12 lrs it records must equal "
           "`curve()`, with no order warning (`lrlessons.check.accumulation_loop`)",
     "zh": "在真实的 `torch.optim.SGD` 和 torch 的 `CosineAnnealingLR(T_max=12)` 上运行这个循环"
           "（6 个 epoch × 8 个 micro-batch / 4 = 12 次更新）；它记录的 12 个学习率必须等于 "
           "`curve()`，而且不能出现顺序警告（`lrlessons.check.accumulation_loop`）"},
    (mistake("too fast", "keeping `scheduler.step()` outside the `if`",
             "`scheduler.step()` 仍留在 `if` 外面",
             "The scheduler stepped once per micro-batch: the schedule runs {accumulate} times "
             "too fast. Step it once per optimizer step, right after optimizer.step().",
             "调度器每个 micro-batch 都调用了一次：调度走得比应有的快，是它的 {accumulate} 倍。应当每次迭代调用一次，"
             "紧跟在 optimizer.step() 之后。"),
     mistake("order", "stepping once per update but before `optimizer.step()`",
             "每次更新调用一次但放在 `optimizer.step()` 之前",
             "PyTorch warned that scheduler.step() ran before optimizer.step(): call it after the "
             "optimizer's step.",
             "PyTorch 警告 scheduler.step() 在 optimizer.step() 之前调用：请放在优化器更新之后。"),
     mistake("per micro-batch", "returning one lr per micro-batch",
             "每个 micro-batch 返回一个学习率",
             "Record one lr per optimizer step ({epochs} epochs × {per_epoch} = {steps}).",
             "应当每次迭代记录一个学习率（{epochs} 个 epoch × {per_epoch} = {steps} 个）。"),
     mistake("overstepped", "with `OneCycleLR`, stepping per micro-batch (torch raises "
             "\"Tried to step ...\")", "换成 `OneCycleLR` 时每个 micro-batch 调用一次（torch 抛出 "
             "“Tried to step ...”）",
             "The scheduler was stepped more often than it has steps: once per optimizer step is "
             "{steps} calls.",
             "调度器被调用的次数超过了它的总步数：每次迭代一次，共 {steps} 次。"),
     mistake("count", "another number of lrs", "其他个数",
             "Expected one lr per optimizer step, {steps} values.",
             "每次迭代一个学习率，应有 {steps} 个值。"),
     mistake("not lrs", "something other than a list of lrs", "不是学习率列表",
             "Return the list of lrs the loop used.", "请返回循环实际使用的学习率列表。"),
     *STEP_MISTAKES),
    example={"accumulate": 4, "epochs": 6, "per_epoch": 2, "steps": 12})


def accumulation_loop(fn: Callable, name: str = "CosineAnnealingLR", epochs: int = 3,
                      micro_batches: int = 8, accumulate: int = 4, base_lr: float = 0.1,
                      **params) -> Result:
    """Check ``fn(optimizer, scheduler, epochs, micro_batches, accumulate)``: a loop with
    gradient accumulation (an optimizer step every ``accumulate`` micro-batches) that returns the
    lr of each optimizer step, read before it. It runs on a real torch optimizer and the torch
    scheduler of ``name``, meant per optimizer step (its run length, when it has one, is the
    number of optimizer steps); the lrs must be curve()'s, with no order warning."""
    from ..torch_bridge import make_optimizer, torch_scheduler

    ex = ACCUMULATION_LOOP
    spec, steps = get(name), epochs * (micro_batches // accumulate)
    if spec.run_length and params.get(spec.run_length) is None:
        params[spec.run_length] = steps
    optimizer = make_optimizer(base_lr)
    scheduler = torch_scheduler(name, optimizer, **params)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        answer = ex.capture(fn, (optimizer, scheduler, epochs, micro_batches, accumulate),
                            "in the loop", "在循环中")
    if answer.problem is not None:
        # torch refuses a step past a fixed-length schedule's end (OneCycleLR's ValueError):
        # the scheduler's own count says so.
        if isinstance(answer.error, ValueError) and scheduler.last_epoch > steps:
            lead = answer.problem.messages
            return ex.wrong(lead["en"][2:], lead["zh"][2:], "overstepped", steps=steps)
        return answer.problem
    expected = curve(name, steps, base_lr=base_lr, **params)
    used = numbers(answer.value)
    if used is None:
        return ex.wrong(f"Got {answer.value!r}.", f"你给出的是 {answer.value!r}。", "not lrs")
    values = dict(epochs=epochs, per_epoch=micro_batches // accumulate, steps=steps,
                  accumulate=accumulate)
    if used.size == epochs * micro_batches and steps != used.size:
        return ex.wrong(f"Got {used.size} values, one per micro-batch.",
                        f"你给出了 {used.size} 个值，每个 micro-batch 一个。", "per micro-batch",
                        **values)
    if used.size != steps:
        return ex.wrong(f"Got {used.size}.", f"你给了 {used.size} 个。", "count", **values)
    order_warning = any(issubclass(w.category, UserWarning) and "lr_scheduler.step()" in
                        str(w.message) for w in caught)  # torch's warning, not ours
    bad = np.flatnonzero(~np.isclose(used, expected, rtol=1e-9, atol=1e-15))
    if bad.size == 0 and not order_warning:
        return ex.ok(f"Right: one scheduler step per optimizer step, after it: all {steps} lrs "
                     f"match {name}.",
                     f"正确：每次迭代调用一次调度器，并且在 optimizer.step() 之后：全部 {steps} 个"
                     f"学习率都与 {name} 一致。")
    k = int(bad[0]) if bad.size else 0
    # Stepped once per micro-batch: the curve runs `accumulate` times too fast.
    fast = curve(name, epochs * micro_batches + 1, base_lr=base_lr, **params)
    too_fast = any(np.allclose(used, fast[s::accumulate][:steps], rtol=1e-9)
                   for s in range(accumulate + 1) if len(fast[s::accumulate]) >= steps)
    if too_fast:
        key = "too fast"
    elif order_warning:
        key = "order"
    else:
        key, more = step_mistake(used, expected, k, lambda a, b: math.isclose(a, b,
                                                                               rel_tol=1e-9))
        values.update(more)
    if not bad.size:
        return ex.wrong("The lrs match, but:", "学习率一致，但是：", key, **values)
    return ex.wrong(f"Optimizer step {k} trained with {fmt(used[k])}, expected "
                    f"{fmt(expected[k])}.",
                    f"第 {k} 次迭代用的是 {fmt(used[k])}，应为 {fmt(expected[k])}。", key, **values)


RESUME = Exercise(
    "09.2", "resume",
    {"en": "`resume_run(checkpoint, model)`: resume the warm-up + cosine run of section 5 from "
           "the checkpoint saved after epoch 5 (keys `model`, `optimizer`, `scheduler`, "
           "`epoch`), returning `(optimizer, scheduler)`",
     "zh": "`resume_run(checkpoint, model)`：从第 5 个 epoch 之后保存的检查点（键为 `model`、"
           "`optimizer`、`scheduler`、`epoch`）恢复第 5 节那次“预热 + 余弦”训练，返回 "
           "`(optimizer, scheduler)`"},
    {"en": "`lrlessons.check.resume` trains the 12 epochs uninterrupted, then saves after epoch 5 "
           "through `torch.save`/`torch.load` and continues with the learner's function on a new "
           "model with other weights; the lr of all 12 epochs and the final weights must be "
           "identical (`torch.equal`)",
     "zh": "`lrlessons.check.resume` 先不中断地训练 12 个 epoch，再在第 5 个 epoch 后经 "
           "`torch.save`/`torch.load` 保存，用学习者的函数在一个权重不同的新模型上继续；全部 12 个 "
           "epoch 的学习率和最终权重都必须完全相同（`torch.equal`）"},
    (mistake("started over", "loading only the model", "只加载模型",
             "The lr started over: a new scheduler counts from step 0. Load the scheduler's "
             "state_dict too.",
             "学习率从头开始了：新建的调度器从第 0 步数起。还要加载调度器的 state_dict。"),
     mistake("fresh lr", "the scheduler's state without the optimizer's",
             "加载了调度器的状态却没加载优化器的",
             "The first epoch after resuming used the lr a freshly built scheduler sets. Which "
             "state in the checkpoint holds each group's lr, and does anything your function does "
             "after loading it set the lr again?",
             "恢复后的第一个 epoch 用的是新建调度器设置的学习率。检查点里哪一份状态保存着每个参数组的"
             "学习率？你的函数在加载它之后，有没有哪一步又重新设置了学习率？"),
     mistake("order", "anything else", "其他错误",
             "Compare the first resumed epoch's lr with the uninterrupted run's: which of the "
             "checkpoint's states bring it back, and in which order must they be loaded so that "
             "nothing overwrites them (torch's LRScheduler docstring, which section 5 points "
             "to, says what building a scheduler does)?",
             "把恢复后第一个 epoch 的学习率与从未中断的训练比较：检查点里哪些状态能把它带回来？"
             "要按什么顺序加载，才不会被后面的步骤覆盖（第 5 节提到的 torch `LRScheduler` "
             "文档字符串讲了构建调度器时会发生什么）？"),
     mistake("weights", "optimizer and scheduler without the model",
             "加载了优化器和调度器却没加载模型",
             "The lr continues exactly, but the weights end differently: load the model's "
             "state_dict, and the optimizer's (it holds the momentum buffers).",
             "学习率完全接上了，但最终权重不同：要加载模型的 state_dict，也要加载优化器的（动量"
             "缓冲区在里面）。"),
     mistake("initial_lr", "rebuilding a scheduler with `last_epoch=` on a fresh optimizer",
             "在新优化器上用 `last_epoch=` 重建调度器",
             "A scheduler built with last_epoch >= 0 needs each group's initial_lr, which only "
             "the optimizer's state_dict brings back. The scheduler has a state_dict of its own "
             "in the checkpoint.",
             "用 last_epoch >= 0 构建的调度器需要每个参数组的 initial_lr，只有优化器的 state_dict "
             "能恢复它。检查点里也有调度器自己的 state_dict。")))


def resume(fn: Callable, make_run: Callable, at: int = 5) -> Result:
    """Check ``fn(checkpoint, model) -> (optimizer, scheduler)``: a 12-epoch run with
    ``make_run(model) -> (optimizer, scheduler)`` is saved after ``at`` epochs (model, optimizer
    and scheduler state, and the epoch, through torch.save) and resumed by ``fn`` on a new model;
    the lr of every epoch and the final weights must equal those of the run never interrupted."""
    from ..pitfalls import resume as resumed_run

    ex = RESUME
    answer = ex.capture(resumed_run, (fn, make_run, at), "while resuming", "在恢复训练时")
    if answer.problem is not None:
        # torch's KeyError names the key each parameter group lacks (its wording varies by
        # version: KeyError('initial_lr') before 2.6, a sentence naming it after).
        if isinstance(answer.error, KeyError) and "initial_lr" in str(answer.error):
            return ex.wrong("Your function raised KeyError: 'initial_lr'.",
                            "你的函数抛出了 KeyError：'initial_lr'。", "initial_lr")
        return answer.problem
    got = answer.value
    lrs, whole, at = got.lrs, got.uninterrupted, got.at
    if np.array_equal(lrs, whole):
        if got.same_weights:
            return ex.ok(f"Right: the lr of all {len(whole)} epochs and the final weights equal "
                         f"those of the run that was never interrupted. The order matters: "
                         f"building a scheduler sets the optimizer's lr (torch's LRScheduler "
                         f"docstring warns of it), so the optimizer's state is loaded after.",
                         f"正确：全部 {len(whole)} 个 epoch 的学习率和最终权重都与从未中断的训练"
                         f"相同。顺序很重要：构建调度器会设置优化器的学习率（torch 在 LRScheduler "
                         f"的文档字符串里对此有警告），所以优化器的状态要在那之后加载。")
        return ex.wrong("", "", "weights")
    e = int(np.flatnonzero(lrs != whole)[0])
    key = ("started over" if np.array_equal(lrs[at:], whole[:len(whole) - at]) else
           "fresh lr" if e == at and lrs[at] == whole[0] else "order")
    return ex.wrong(f"Epoch {e} trained with {fmt(lrs[e])}, expected {fmt(whole[e])} "
                    f"(checkpoint after epoch {at}).",
                    f"编号为 {e} 的 epoch 用的是 {fmt(lrs[e])}，应为 {fmt(whole[e])}（检查点保存于第 "
                    f"{at} 个 epoch 之后）。", key)


EXERCISES = (ACCUMULATION_LOOP, RESUME)
