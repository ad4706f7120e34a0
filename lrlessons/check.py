"""Self-checks: a learner's own implementation against the reference, with a hint on failure.

Every check returns a ``Result``: true when passed, shown as one message in the learner's
language (the first step that differs, expected against got, and a hint), so a notebook cell
ends with the check and a grader can ``assert`` it. An exercise not written yet (a function that
raises ``NotImplementedError``, as the student notebooks have) is reported, never a traceback.

>>> import lrlessons
>>> lrlessons.check.schedule(lambda t: 0.1 * 0.5 ** (t // 10), "StepLR", steps=40,
...                          step_size=10, gamma=0.5)
✅ All 40 steps match StepLR(step_size=10, gamma=0.5).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .catalogue import curve, get
from .descent import descend
from .i18n import tr


@dataclass(frozen=True)
class Result:
    """The outcome of a check: truthy when passed; its repr is the message."""

    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return self.message


def _ok(en: str, zh: str) -> Result:
    return Result(True, "✅ " + tr(en, zh))


def _no(en: str, zh: str) -> Result:
    return Result(False, "❌ " + tr(en, zh))


def _not_yet() -> Result:
    return Result(False, "✏️ " + tr("Not written yet: replace `raise NotImplementedError` (or "
                                    "the `...`) with your answer, run that cell, then this one.",
                                    "还没有写：把 `raise NotImplementedError`（或 `...`）换成"
                                    "你的答案，先运行那个单元格，再运行这个。"))


def _raised(exc: Exception, where_en: str, where_zh: str) -> Result:
    kind = type(exc).__name__
    return _no(f"Your function raised {kind} {where_en}: {exc}",
               f"你的函数{where_zh}抛出了 {kind}：{exc}")


def _answer(fn: Callable, args: tuple, where_en: str, where_zh: str):
    """(fn(*args), None), or (None, the Result that explains why there is no answer)."""
    try:
        return fn(*args), None
    except NotImplementedError:
        return None, _not_yet()
    except Exception as exc:  # noqa: BLE001 - any error of the learner's becomes a hint
        return None, _raised(exc, where_en, where_zh)


def _fmt(v: float) -> str:
    return f"{v:.6g}"


def _call(fn: Callable, steps: int) -> np.ndarray | Result:
    """fn(0), ..., fn(steps - 1) as floats, or the Result that explains why not."""
    out = np.empty(steps)
    for t in range(steps):
        value, problem = _answer(fn, (t,), f"at step {t}", f"在第 {t} 步")
        if problem is not None:  # a failed Result is falsy: test for None
            return problem
        try:
            if isinstance(value, (str, bytes)):
                raise TypeError  # "0.1" would convert, but it is text, not a number
            out[t] = float(value)
        except (TypeError, ValueError):
            return _no(f"At step {t} your function returned {value!r}, not a number.",
                       f"第 {t} 步你的函数返回了 {value!r}，不是一个数。")
    return out


def _hint(got: np.ndarray, expected: np.ndarray, t: int, close) -> tuple[str, str]:
    """Why the curves may differ at step t, when a common mistake explains it. A shift counts
    only when it holds for the next few steps too, not for one value met by coincidence."""
    k = min(5, len(expected) - t - 1)

    def shifted(by: int) -> bool:
        lo = t + by
        return 0 <= lo and lo + k <= len(expected) and k > 0 and all(
            close(got[t + i], expected[lo + i]) for i in range(k))

    if shifted(1):
        return ("Your value is the next step's: the change comes one step too early. At step t "
                "the scheduler has been called t times, and step 0 uses the initial lr.",
                "你的值是下一步的值：变化早了一步。第 t 步时调度器被调用了 t 次，第 0 步用的是"
                "初始学习率。")
    if shifted(-1):
        return ("Your value is the previous step's: the change comes one step too late.",
                "你的值是上一步的值：变化晚了一步。")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = got / expected
    if np.isfinite(ratio).all() and np.allclose(ratio, ratio[0], rtol=1e-6) and ratio[0] != 1:
        return (f"Every value is {ratio[0]:.4g} times the expected one: check the initial "
                f"learning rate.",
                f"每个值都是正确值的 {ratio[0]:.4g} 倍：检查一下初始学习率。")
    if t == 0:
        return ("Step 0 is before any scheduler.step(): the initial learning rate (or the "
                "schedule's start).",
                "第 0 步还没有调用过 scheduler.step()：应当是初始学习率（或调度的起点）。")
    return ("Compare your formula with the one in the lesson at this step.",
            "在这一步把你的公式和课程里的公式对照一下。")


def schedule(answer, name: str, steps: int | None = None, base_lr: float = 0.1,
             rtol: float = 1e-6, **params) -> Result:
    """Check ``answer`` against catalogue entry ``name``: a function of the step ``t`` returning
    the lr, or a sequence of one lr per step. ``steps`` defaults to the entry's span."""
    spec = get(name)
    steps = steps or spec.span
    expected = curve(name, steps, base_lr=base_lr, **params)
    if callable(answer):
        got = _call(answer, steps)
        if isinstance(got, Result):
            return got
    else:
        try:
            got = np.asarray(answer, dtype=float).ravel()
        except (TypeError, ValueError):
            return _no(f"Expected a function of the step or a list of numbers, got {answer!r}.",
                       f"需要一个以步数为参数的函数或一列数，收到的是 {answer!r}。")
        if got.shape != expected.shape:
            return _no(f"Expected {steps} values (steps 0 to {steps - 1}), got {got.size}.",
                       f"需要 {steps} 个值（第 0 到第 {steps - 1} 步），收到 {got.size} 个。")
    scale = float(np.max(np.abs(expected))) or 1.0

    def close(a, b):
        return math.isclose(a, b, rel_tol=rtol, abs_tol=1e-12 * scale)

    shown = ", ".join(f"{k}={v}" for k, v in params.items() if not callable(v))
    what = f"{name}({shown})"
    bad = [t for t in range(steps) if not close(got[t], expected[t])]
    if not bad:
        return _ok(f"All {steps} steps match {what}.", f"全部 {steps} 步都与 {what} 一致。")
    t = bad[0]
    en, zh = _hint(got, expected, t, close)
    return _no(f"Step {t} differs from {what}: expected {_fmt(expected[t])}, got "
               f"{_fmt(got[t])} ({len(bad)} of {steps} steps differ). {en}",
               f"第 {t} 步与 {what} 不同：应为 {_fmt(expected[t])}，你的是 {_fmt(got[t])}"
               f"（{steps} 步中有 {len(bad)} 步不同）。{zh}")


DESCENT_CASES = ((0.1, 1.0, 1.0, 5), (1.5, 1.0, 2.0, 6), (0.25, 4.0, -1.0, 4), (0.9, 3.0, 0.5, 5),
                 (2.5, 1.0, 1.0, 5))


def descent(fn: Callable) -> Result:
    """Check ``fn(lr, curvature, x0, steps)``: the positions x_0 .. x_steps of gradient descent
    on f(x) = curvature * x^2 / 2, against ``lrlessons.descent.descend``."""
    for lr, a, x0, steps in DESCENT_CASES:
        where = f"lr={lr}, curvature={a}, x0={x0}, steps={steps}"
        got, problem = _answer(fn, (lr, a, x0, steps), f"for {where}", f"在 {where} 时")
        if problem is not None:  # a failed Result is falsy: test for None
            return problem
        expected = descend(lr, a, x0, steps)
        try:
            got = np.asarray(got, dtype=float).ravel()
        except (TypeError, ValueError):
            got = np.array([])
        if got.shape != expected.shape:
            return _no(f"For {where} expected {steps + 1} positions (x_0 to x_{steps}), got "
                       f"{got.size}. Include the starting point x_0.",
                       f"{where} 时应有 {steps + 1} 个位置（x_0 到 x_{steps}），你给了 {got.size} 个。"
                       f"别忘了起点 x_0。")
        bad = np.flatnonzero(~np.isclose(got, expected, rtol=1e-9, atol=1e-12))
        if bad.size:
            k = int(bad[0])
            return _no(f"For {where}, x_{k} should be {_fmt(expected[k])}, got {_fmt(got[k])}. "
                       f"One step is x - lr * f'(x), with f'(x) = curvature * x.",
                       f"{where} 时 x_{k} 应为 {_fmt(expected[k])}，你的是 {_fmt(got[k])}。"
                       f"一步是 x - lr * f'(x)，其中 f'(x) = curvature * x。")
    return _ok(f"Correct for all {len(DESCENT_CASES)} cases, divergent ones included.",
               f"全部 {len(DESCENT_CASES)} 种情形都正确，包括发散的情形。")


def loop(fn: Callable, epochs: int = 8, batches: int = 4) -> Result:
    """Check ``fn(optimizer, scheduler, epochs, batches)``: a training loop over ``epochs`` of
    ``batches`` that returns the lr each batch trained with, for a schedule meant per epoch
    (``StepLR(step_size=3, gamma=0.5)``). The loop runs on a real torch optimizer and scheduler;
    the lr it records must be curve()'s, held over each epoch's batches."""
    import warnings

    import torch

    w = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=0.1)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        used, problem = _answer(fn, (optimizer, scheduler, epochs, batches), "", "")
    if problem is not None:  # a failed Result is falsy: test for None
        return problem
    expected = np.repeat(curve("StepLR", epochs, base_lr=0.1, step_size=3, gamma=0.5), batches)
    try:
        used = np.asarray(used, dtype=float).ravel()
    except (TypeError, ValueError):
        return _no(f"Expected the list of lrs the loop used, got {used!r}.",
                   f"需要循环实际使用的学习率列表，收到的是 {used!r}。")
    if used.shape != expected.shape:
        return _no(f"Expected one lr per batch: {epochs} epochs x {batches} batches = "
                   f"{expected.size} values, got {used.size}.",
                   f"每个 batch 一个学习率：{epochs} 个 epoch x {batches} 个 batch = "
                   f"{expected.size} 个值，你给了 {used.size} 个。")
    order_warning = any("lr_scheduler.step()" in str(w.message) for w in caught)
    bad = np.flatnonzero(~np.isclose(used, expected, rtol=1e-12))
    if bad.size == 0 and not order_warning:
        return _ok("Right: the optimizer steps with the current lr, then the scheduler sets the "
                   "next one, once per epoch.",
                   "正确：优化器先用当前学习率更新，调度器再设下一个值，每个 epoch 一次。")
    k = int(bad[0]) if bad.size else 0
    changes = np.flatnonzero(np.diff(used) != 0) + 1
    if changes.size and changes[0] < batches:
        en, zh = ("The lr changes inside an epoch: a schedule written in epochs is stepped once "
                  "per epoch, after the batches.",
                  "学习率在一个 epoch 之内就变了：按 epoch 写的调度器应在每个 epoch 的所有 batch "
                  "之后调用一次。")
    elif order_warning:
        en, zh = ("PyTorch warned that scheduler.step() ran before optimizer.step(): every lr "
                  "then arrives one step early.",
                  "PyTorch 警告 scheduler.step() 在 optimizer.step() 之前调用：每个学习率都会"
                  "早一步到来。")
    else:
        en, zh = ("Record the lr just before optimizer.step(): that is the value the step uses.",
                  "在 optimizer.step() 之前记录学习率：那才是这一步使用的值。")
    return _no(f"Batch {k} trained with {_fmt(used[k])}, expected {_fmt(expected[k])}. {en}",
               f"第 {k} 个 batch 用的是 {_fmt(used[k])}，应为 {_fmt(expected[k])}。{zh}")


def accumulation_loop(fn: Callable, name: str = "CosineAnnealingLR", epochs: int = 3,
                      micro_batches: int = 8, accumulate: int = 4, base_lr: float = 0.1,
                      **params) -> Result:
    """Check ``fn(optimizer, scheduler, epochs, micro_batches, accumulate)``: a loop with
    gradient accumulation (an optimizer step every ``accumulate`` micro-batches) that returns the
    lr of each optimizer step, read before it. It runs on a real torch optimizer and the torch
    scheduler of ``name``, meant per optimizer step (its run length, when it has one, is the
    number of optimizer steps); the lrs must be curve()'s, with no order warning."""
    import warnings

    from .torch_bridge import make_optimizer, torch_scheduler

    spec, steps = get(name), epochs * (micro_batches // accumulate)
    if spec.run_length and params.get(spec.run_length) is None:
        params[spec.run_length] = steps
    optimizer = make_optimizer(base_lr)
    scheduler = torch_scheduler(name, optimizer, **params)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        used, problem = _answer(fn, (optimizer, scheduler, epochs, micro_batches, accumulate),
                                "in the loop", "在循环中")
    if problem is not None:  # a failed Result is falsy: test for None
        if "Tried to step" in problem.message:
            return _no(f"{problem.message[2:]} The scheduler was stepped more often than it has "
                       f"steps: once per optimizer step is {steps} calls.",
                       f"{problem.message[2:]} 调度器被调用的次数超过了它的总步数：每次迭代一次，"
                       f"共 {steps} 次。")
        return problem
    expected = curve(name, steps, base_lr=base_lr, **params)
    try:
        used = np.asarray(used, dtype=float).ravel()
    except (TypeError, ValueError):
        return _no(f"Expected the list of lrs the loop used, got {used!r}.",
                   f"需要循环实际使用的学习率列表，收到的是 {used!r}。")
    if used.size == epochs * micro_batches and steps != used.size:
        return _no(f"Got {used.size} values, one per micro-batch: record one lr per optimizer "
                   f"step ({epochs} epochs x {micro_batches // accumulate} = {steps}).",
                   f"收到 {used.size} 个值，每个 micro-batch 一个：应当每次迭代记录一个学习率"
                   f"（{epochs} 个 epoch x {micro_batches // accumulate} = {steps} 个）。")
    if used.size != steps:
        return _no(f"Expected one lr per optimizer step, {steps} values, got {used.size}.",
                   f"每次迭代一个学习率，应有 {steps} 个值，你给了 {used.size} 个。")
    order_warning = any("lr_scheduler.step()" in str(w.message) for w in caught)
    bad = np.flatnonzero(~np.isclose(used, expected, rtol=1e-9, atol=1e-15))
    if bad.size == 0 and not order_warning:
        return _ok(f"Right: one scheduler step per optimizer step, after it: all {steps} lrs "
                   f"match {name}.",
                   f"正确：每次迭代调用一次调度器，并且在 optimizer.step() 之后：全部 {steps} 个"
                   f"学习率都与 {name} 一致。")
    k = int(bad[0]) if bad.size else 0
    # Stepped once per micro-batch: the curve runs `accumulate` times too fast.
    fast = curve(name, epochs * micro_batches + 1, base_lr=base_lr, **params)
    too_fast = any(np.allclose(used, fast[s::accumulate][:steps], rtol=1e-9)
                   for s in range(accumulate + 1) if len(fast[s::accumulate]) >= steps)
    if too_fast:
        en, zh = (f"The scheduler stepped once per micro-batch: the schedule runs {accumulate} "
                  f"times too fast. Step it once per optimizer step, right after "
                  f"optimizer.step().",
                  f"调度器每个 micro-batch 都调用了一次：调度快了 {accumulate} 倍。应当每次迭代"
                  f"调用一次，紧跟在 optimizer.step() 之后。")
    elif order_warning:
        en, zh = ("PyTorch warned that scheduler.step() ran before optimizer.step(): call it "
                  "after the optimizer's step.",
                  "PyTorch 警告 scheduler.step() 在 optimizer.step() 之前调用：请放在优化器"
                  "更新之后。")
    else:
        en, zh = _hint(used, expected, k, lambda a, b: math.isclose(a, b, rel_tol=1e-9))
    if not bad.size:
        return _no(f"The lrs match, but {en}", f"学习率一致，但是{zh}")
    return _no(f"Optimizer step {k} trained with {_fmt(used[k])}, expected {_fmt(expected[k])}. "
               f"{en}",
               f"第 {k} 次迭代用的是 {_fmt(used[k])}，应为 {_fmt(expected[k])}。{zh}")


def resume(fn: Callable, make_run: Callable, at: int = 5) -> Result:
    """Check ``fn(checkpoint, model) -> (optimizer, scheduler)``: a 12-epoch run with
    ``make_run(model) -> (optimizer, scheduler)`` is saved after ``at`` epochs (model, optimizer
    and scheduler state, and the epoch, through torch.save) and resumed by ``fn`` on a new model;
    the lr of every epoch and the final weights must equal those of the run never interrupted."""
    from .pitfalls import resume as resumed_run

    got, problem = _answer(resumed_run, (fn, make_run, at), "while resuming",
                           "在恢复训练时")
    if problem is not None:  # a failed Result is falsy: test for None
        if "initial_lr" in problem.message:
            return _no("Your function raised KeyError: 'initial_lr'. A scheduler built with "
                       "last_epoch >= 0 needs each group's initial_lr, which only the optimizer's "
                       "state_dict brings back; simpler: build it as make_run does and load its "
                       "own state_dict.",
                       "你的函数抛出了 KeyError：'initial_lr'。用 last_epoch >= 0 构建的调度器需要"
                       "每个参数组的 initial_lr，只有优化器的 state_dict 能恢复它；更简单的做法："
                       "像 make_run 那样构建调度器，再加载它自己的 state_dict。")
        return problem
    lrs, whole, at = got.lrs, got.uninterrupted, got.at
    if np.array_equal(lrs, whole):
        if got.same_weights:
            return _ok(f"Right: the lr of all {len(whole)} epochs and the final weights equal "
                       f"those of the run that was never interrupted.",
                       f"正确：全部 {len(whole)} 个 epoch 的学习率和最终权重都与从未中断的训练"
                       f"相同。")
        return _no("The lr continues exactly, but the weights end differently: load the model's "
                   "state_dict, and the optimizer's (it holds the momentum buffers).",
                   "学习率完全接上了，但最终权重不同：要加载模型的 state_dict，也要加载优化器的"
                   "（动量缓冲区在里面）。")
    e = int(np.flatnonzero(lrs != whole)[0])
    if np.array_equal(lrs[at:], whole[:len(whole) - at]):
        en, zh = ("The lr started over: a new scheduler counts from step 0. Load the scheduler's "
                  "state_dict too.",
                  "学习率从头开始了：新建的调度器从第 0 步数起。还要加载调度器的 state_dict。")
    elif e == at and lrs[at] == whole[0]:
        en, zh = ("The first epoch after resuming used the lr a freshly built scheduler sets: "
                  "load the optimizer's state_dict (it holds each group's lr), and load it after "
                  "the scheduler is built, since building one resets the lr.",
                  "恢复后的第一个 epoch 用的是新建调度器设置的学习率：要加载优化器的 state_dict"
                  "（每个参数组的学习率保存在里面），而且要在构建调度器之后加载，因为构建调度器会"
                  "重设学习率。")
    else:
        en, zh = ("Build the optimizer and the scheduler as make_run does, then load the "
                  "optimizer's state_dict, then the scheduler's.",
                  "先像 make_run 那样构建优化器和调度器，再依次加载优化器和调度器的 state_dict。")
    return _no(f"Epoch {e} trained with {_fmt(lrs[e])}, expected {_fmt(whole[e])} (checkpoint "
               f"after epoch {at}). {en}",
               f"第 {e} 个 epoch 用的是 {_fmt(lrs[e])}，应为 {_fmt(whole[e])}（检查点保存于第 "
               f"{at} 个 epoch 之后）。{zh}")


_DIGITS_RUNS: dict = {}


def _digits_finals(config: dict, seeds) -> np.ndarray:
    """Final validation accuracies (%) of ``train(seed=s, **config)`` for each seed, trained once
    per session: two checks asking for the same runs share them."""
    import json

    from .playground import train

    key = json.dumps(config, sort_keys=True, default=repr) + repr(list(seeds))
    if key not in _DIGITS_RUNS:
        _DIGITS_RUNS[key] = np.array([100 * train(seed=s, **config).final_accuracy
                                      for s in seeds])
    return _DIGITS_RUNS[key]


def half_budget(answer, epochs: int = 6, seeds=range(5)) -> Result:
    """Check a prediction ``answer`` ("MultiStepLR" or "CosineAnnealingLR"): which of lesson 10's
    MultiStepLR(milestones=[6, 9]) (written for 12 epochs) and cosine (T_max = the run) ends with
    the higher mean final validation accuracy over ``seeds`` when the digits run gets only
    ``epochs`` epochs. The check trains both."""
    from .capstone import SWEEP

    choices = ("MultiStepLR", "CosineAnnealingLR")
    if answer is Ellipsis:
        return _not_yet()
    if answer not in choices:
        return _no(f"Answer with one of {choices}, got {answer!r}.",
                   f"请在 {choices} 中选一个，收到的是 {answer!r}。")
    means = {}
    for name in choices:
        config = next(dict(kw, epochs=epochs) for kw in SWEEP.values() if kw.get("schedule") ==
                      name and kw.get("optimizer", "sgd") == "sgd")
        means[name] = float(np.mean(_digits_finals(config, seeds)))
    winner = max(means, key=means.get)
    gap = abs(means["CosineAnnealingLR"] - means["MultiStepLR"])
    by = tr("by more than a point", "领先超过 1 个百分点") if gap > 1 else \
        tr(f"by {gap:.2f} points", f"领先 {gap:.2f} 个百分点")
    n = len(list(seeds))
    if answer == winner:
        return _ok(f"Right: with {epochs} epochs {winner} wins on average over {n} seeds, {by}. "
                   f"The milestones [6, 9] were written for 12 epochs: in a {epochs}-epoch run "
                   f"MultiStepLR never cuts, while the cosine's T_max follows the run.",
                   f"正确：只有 {epochs} 个 epoch 时，{n} 个种子的平均结果是 {winner} 胜出，{by}。"
                   f"里程碑 [6, 9] 是为 12 个 epoch 写的：{epochs} 个 epoch 的训练中 MultiStepLR "
                   f"一次也不下降，而余弦的 T_max 随训练长度而定。")
    return _no(f"With {epochs} epochs {winner} wins on average over {n} seeds ({by}). Where are "
               f"the milestones [6, 9] in a {epochs}-epoch run?",
               f"只有 {epochs} 个 epoch 时，{n} 个种子的平均结果是 {winner} 胜出（{by}）。在 "
               f"{epochs} 个 epoch 的训练里，里程碑 [6, 9] 落在哪里？")


_FIXED = ("task", "epochs", "seed", "batch_size")


def beats_constant(choice, epochs: int = 6, margin: float = 1.0, seeds=range(5)) -> Result:
    """Check ``choice``, the ``train()`` keyword arguments of a schedule (``schedule=`` and its
    parameters; SGD with momentum at lr 0.3 unless it says otherwise) on lesson 10's digits run
    cut to ``epochs`` epochs: its mean final validation accuracy over ``seeds`` must beat the
    constant lr 0.3 by at least ``margin`` points. The check trains both."""
    from .capstone import SGD

    if choice is Ellipsis:
        return _not_yet()
    if not isinstance(choice, dict) or choice.get("schedule") is None:
        return _no("Write a dict of train() arguments with a schedule, such as "
                   "dict(schedule=\"StepLR\", step_size=2, gamma=0.5).",
                   "请写一个带调度的 train() 参数字典，例如 "
                   "dict(schedule=\"StepLR\", step_size=2, gamma=0.5)。")
    fixed = sorted(set(choice) & set(_FIXED))
    if fixed:
        return _no(f"The check sets {', '.join(_FIXED)} itself; leave {', '.join(fixed)} out.",
                   f"检查会自己设定 {', '.join(_FIXED)}；请去掉 {', '.join(fixed)}。")
    base = dict(SGD, epochs=epochs)
    try:
        mine = _digits_finals(dict(base, **choice), seeds)
    except NotImplementedError:
        return _not_yet()
    except Exception as exc:  # noqa: BLE001 - the learner's arguments, refused by train()
        return _raised(exc, "in train()", "在 train() 中")
    constant = _digits_finals(base, seeds)
    gain, n = float(np.mean(mine) - np.mean(constant)), len(list(seeds))
    if gain >= margin:
        return _ok(f"Right: over {n} seeds your schedule ends at least {margin:g} point above "
                   f"the constant lr on average, with {epochs} epochs.",
                   f"正确：在 {n} 个种子上，你的调度在 {epochs} 个 epoch 后的平均结果比恒定学习率"
                   f"至少高 {margin:g} 个百分点。")
    hint = (tr(" It is below the constant lr: is the lr too high, or does it drop too late for "
               f"{epochs} epochs?", f"它还不如恒定学习率：学习率是否太高，或者对 {epochs} 个 "
               "epoch 来说下降得太晚？") if gain < 0 else
            tr(" Make sure it ends low within the run: milestones or T_max beyond "
               f"{epochs} epochs never act.", f"确保它在训练结束前降下来：超过 {epochs} 个 "
               "epoch 的里程碑或 T_max 不会起作用。"))
    return _no(f"Mean final validation accuracy {np.mean(mine):.2f} % against the constant "
               f"lr's {np.mean(constant):.2f} %: {gain:+.2f} points, {margin:g} needed.{hint}",
               f"平均最终验证准确率 {np.mean(mine):.2f} %，恒定学习率为 {np.mean(constant):.2f} %："
               f"相差 {gain:+.2f} 个百分点，需要至少 {margin:g}。{hint}")


def first_drop(answer, schedule, batches_per_epoch: int, steps: int = 10_000) -> Result:
    """Check ``answer = (epoch, batch)``: the first batch (both counted from 0) that Keras trains
    at a lower lr than the first one, with ``schedule`` (a Keras LearningRateSchedule) evaluated
    once per batch. Keras itself computes the answer."""
    from .keras_bridge import keras_values

    if answer is Ellipsis:
        return _not_yet()
    try:
        if isinstance(answer, (str, bytes)):
            raise TypeError  # "30" would unpack to characters
        epoch, batch = (int(v) for v in answer)
    except (TypeError, ValueError):
        return _no(f"Expected (epoch, batch), two whole numbers, got {answer!r}.",
                   f"需要 (epoch, batch) 两个整数，收到的是 {answer!r}。")
    lr = keras_values(schedule, steps)
    lower = np.flatnonzero(lr < lr[0] * (1 - 1e-6))
    if lower.size == 0:
        return _no("This schedule never drops within the steps checked.",
                   "在检查的步数内这个调度没有下降。")
    step = int(lower[0])
    want = divmod(step, batches_per_epoch)
    if (epoch, batch) == want:
        return _ok(f"Right: optimizer step {step} is the first at the lower rate, batch {batch} "
                   f"of epoch {epoch}.",
                   f"正确：第 {step} 次优化器更新是第一个使用较低学习率的，即第 {epoch} 个 epoch 的"
                   f"第 {batch} 个 batch。")
    given = epoch * batches_per_epoch + batch
    if given == step - 1:
        en, zh = ("One step early: Keras keeps the old value AT a boundary (step <= b).",
                  "早了一步：Keras 在边界上仍取旧值（step <= b）。")
    elif batch >= batches_per_epoch or batch < 0:
        en, zh = (f"An epoch has batches 0 to {batches_per_epoch - 1}.",
                  f"一个 epoch 的 batch 编号是 0 到 {batches_per_epoch - 1}。")
    else:
        en, zh = ("Keras counts optimizer steps (batches), from 0, across epochs: step = epoch * "
                  "batches per epoch + batch.",
                  "Keras 按优化器更新（batch）从 0 开始跨 epoch 计数：步数 = epoch × 每个 epoch "
                  "的 batch 数 + batch。")
    return _no(f"(epoch {epoch}, batch {batch}) is optimizer step {given}; Keras first trains at "
               f"the lower rate at another step. {en}",
               f"（epoch {epoch}，batch {batch}）是第 {given} 次优化器更新；Keras 第一次使用较低"
               f"学习率的不是这一步。{zh}")


def keras_callback(fn: Callable, name: str, steps: int, base_lr: float = 0.1,
                   **params) -> Result:
    """Check ``fn(epoch, lr)`` for Keras' ``LearningRateScheduler``: run by Keras itself, epoch by
    epoch on a real optimizer, it must give catalogue entry ``name``'s curve."""
    from .keras_bridge import _keras, keras_values

    probe, problem = _answer(fn, (0, base_lr), "at epoch 0", "在第 0 个 epoch")
    if problem is not None:  # a failed Result is falsy: test for None
        return problem
    expected = curve(name, steps, base_lr=base_lr, **params)
    try:
        got = keras_values(_keras().callbacks.LearningRateScheduler(fn), steps, base_lr)
    except Exception as exc:  # noqa: BLE001 - the learner's function, run by Keras
        return _raised(exc, "inside Keras", "在 Keras 中运行时")
    bad = np.flatnonzero(~np.isclose(got, expected, rtol=1e-5))
    shown = ", ".join(f"{k}={v}" for k, v in params.items() if not callable(v))
    if bad.size == 0:
        return _ok(f"Keras now gives {name}({shown}) at all {steps} epochs.",
                   f"现在 Keras 在全部 {steps} 个 epoch 都给出 {name}({shown})。")
    t = int(bad[0])
    # The tutorial's mistake: expected flat, Keras still falling (the cut applied again).
    compounding = 0 < t and expected[t] == expected[t - 1] and got[t] < got[t - 1]
    en, zh = (("The lr Keras passes in is already the reduced one: multiply it again and the cut "
               "repeats every epoch. Compute the value from the epoch alone.",
               "Keras 传进来的 lr 已经是降低过的值：再乘一次，每个 epoch 都会再降一次。请只根据 "
               "epoch 计算。") if compounding else
              ("Compare your value at this epoch with the schedule's.",
               "把这个 epoch 的值和调度的值对照一下。"))
    return _no(f"Epoch {t}: Keras trains at {_fmt(got[t])}, expected {_fmt(expected[t])}. {en}",
               f"第 {t} 个 epoch：Keras 使用 {_fmt(got[t])}，应为 {_fmt(expected[t])}。{zh}")


def restarts(T_0, epochs: int, T_mult: int, cycles: int) -> Result:
    """Check a choice of ``T_0``: warm restarts with ``T_mult`` whose first ``cycles`` cycles
    end exactly when a run of ``epochs`` epochs ends (the next step would be a restart)."""
    if T_0 is Ellipsis:
        return _not_yet()
    if isinstance(T_0, bool) or not isinstance(T_0, (int, np.integer)) or T_0 < 1:
        return _no(f"T_0 must be a whole number of epochs, at least 1; got {T_0!r}.",
                   f"T_0 必须是至少为 1 的整数个 epoch；收到 {T_0!r}。")
    lr = curve("CosineAnnealingWarmRestarts", epochs + 1, base_lr=1.0, T_0=int(T_0),
               T_mult=T_mult)
    starts = [0, *(np.flatnonzero(np.diff(lr) > 0) + 1)]  # a restart jumps back up
    done = [s for s in starts[1:] if s <= epochs]
    if len(done) == cycles and done[-1] == epochs:
        return _ok(f"Right: cycles end at epochs {', '.join(map(str, done))}; the run stops at "
                   f"the end of cycle {cycles}, with the lr at its lowest.",
                   f"正确：周期在第 {'、'.join(map(str, done))} 个 epoch 结束；训练在第 {cycles} "
                   f"个周期结束时停止，学习率正处在最低处。")
    length = sum(T_0 * T_mult ** i for i in range(cycles))
    return _no(f"With T_0={T_0} the first {cycles} cycles take {length} epochs, not {epochs}: "
               f"the cycles last T_0, T_0*T_mult, T_0*T_mult^2, ...",
               f"T_0={T_0} 时前 {cycles} 个周期一共 {length} 个 epoch，而不是 {epochs}："
               f"各周期长度依次是 T_0、T_0*T_mult、T_0*T_mult^2……")


# --- lessons 03 and 04: smooth decays and warm-up -------------------------------------------------


def _matches(got: np.ndarray, candidate: np.ndarray, rtol: float = 1e-6) -> bool:
    return got.shape == candidate.shape and bool(np.allclose(got, candidate, rtol=rtol,
                                                             atol=1e-12))


def _known_mistake(got: np.ndarray, mistakes, otherwise: tuple[str, str]) -> tuple[str, str]:
    """The (en, zh) hint of the first common wrong answer ``got`` equals, else ``otherwise``."""
    for wrong, en, zh in mistakes:
        if _matches(got, wrong):
            return en, zh
    return otherwise


HALF_LIVES = (1.0, 5.0, 13.5, 30.0, 100.0)


def half_life_gamma(fn: Callable) -> Result:
    """Check ``fn(h)``: the ``gamma`` of ExponentialLR whose lr halves every ``h`` steps, for
    several half-lives; the common wrong answers get their own hint."""
    got = np.empty(len(HALF_LIVES))
    for i, h in enumerate(HALF_LIVES):
        value, problem = _answer(fn, (h,), f"for h={h:g}", f"在 h={h:g} 时")
        if problem is not None:  # a failed Result is falsy: test for None
            return problem
        try:
            if isinstance(value, (str, bytes)):
                raise TypeError  # "0.95" would convert, but it is text, not a number
            got[i] = float(value)
        except (TypeError, ValueError):
            return _no(f"For h={h:g} your function returned {value!r}, not a number.",
                       f"h={h:g} 时你的函数返回了 {value!r}，不是一个数。")
    h = np.asarray(HALF_LIVES)
    expected = 0.5 ** (1.0 / h)
    if _matches(got, expected, rtol=1e-9):
        return _ok(f"Right: gamma^h = 1/2 for every half-life tried (h = 13.5 gives gamma = "
                   f"{expected[2]:.4f}).",
                   f"正确：试过的每个半衰期都满足 gamma^h = 1/2（h = 13.5 时 gamma = "
                   f"{expected[2]:.4f}）。")
    hints = (
        (1.0 - np.log(2) / h, "That is the first-order approximation 1 - ln 2 / h: close for long "
                              "half-lives, but gamma^h must be exactly 1/2.",
         "这是一阶近似 1 - ln 2 / h：半衰期长时很接近，但 gamma^h 必须正好等于 1/2。"),
        (np.log(2) / h, "That is the decay rate of Paddle's NaturalExpDecay (lr * e^(-rate t)); "
                        "ExponentialLR multiplies by a factor: e^(-rate).",
         "这是飞桨 NaturalExpDecay 的衰减率（lr * e^(-rate t)）；ExponentialLR 每步乘的是因子 "
         "e^(-rate)。"),
        (0.5 ** h, "That is the factor after h steps of gamma = 0.5. Solve gamma^h = 1/2 for "
                   "gamma instead.",
         "这是 gamma = 0.5 时走 h 步之后的因子。应当从 gamma^h = 1/2 解出 gamma。"),
        (2.0 ** (1.0 / h), "Your gamma is above 1: the learning rate would double every h steps.",
         "你的 gamma 大于 1：学习率会每 h 步翻一倍。"),
        (1.0 - 0.5 / h, "A linear decay loses the same amount each step; an exponential loses "
                        "the same fraction: gamma^h = 1/2.",
         "线性衰减每步减去同样的量；指数衰减每步乘上同样的因子：gamma^h = 1/2。"),
    )
    en, zh = _known_mistake(got, hints, (
        "After h steps the lr is gamma^h times the start: that must be 1/2.",
        "走 h 步之后学习率是开始时的 gamma^h 倍：它必须等于 1/2。"))
    i = int(np.flatnonzero(~np.isclose(got, expected, rtol=1e-9, atol=0))[0])
    return _no(f"For h={HALF_LIVES[i]:g}: expected gamma = {_fmt(expected[i])}, got "
               f"{_fmt(got[i])}. {en}",
               f"h={HALF_LIVES[i]:g} 时：gamma 应为 {_fmt(expected[i])}，你的是 {_fmt(got[i])}。"
               f"{zh}")


def _first_difference(got: np.ndarray, expected: np.ndarray) -> tuple[int, int]:
    bad = np.flatnonzero(~np.isclose(got, expected, rtol=1e-6, atol=1e-12))
    return (int(bad[0]), int(bad.size)) if bad.size else (-1, 0)


def polynomial_cycle(fn: Callable, base_lr: float = 0.1, decay_steps: int = 20,
                     end_lr: float = 0.001, power: float = 2.0, cycles: int = 3) -> Result:
    """Check ``fn(t)`` against Paddle's ``PolynomialDecay(cycle=True)`` (the catalogue's curve,
    itself tested against Paddle) over ``cycles`` cycles, steps 0 to cycles * decay_steps."""
    params = dict(decay_steps=decay_steps, end_lr=end_lr, power=power, cycle=True)
    steps = cycles * decay_steps + 1
    _, problem = _answer(fn, (0,), "at step 0", "在第 0 步")
    if problem is not None and "ZeroDivisionError" in problem.message:
        return _no("Your function divides by zero at step 0: ceil(0 / decay_steps) is 0. Paddle "
                   "uses 1 there, so step 0 belongs to the first cycle.",
                   "你的函数在第 0 步除以零：ceil(0 / decay_steps) 等于 0。飞桨在这里取 1，"
                   "第 0 步属于第一个周期。")
    got = _call(fn, steps)
    if isinstance(got, Result):
        return got
    expected = curve("PolynomialDecay", steps, base_lr=base_lr, **params)
    shown = ", ".join(f"{k}={v}" for k, v in params.items())
    t, n_bad = _first_difference(got, expected)
    if t < 0:
        return _ok(f"All {steps} steps match PolynomialDecay({shown}), over {cycles} cycles.",
                   f"全部 {steps} 步都与 PolynomialDecay({shown}) 一致，共 {cycles} 个周期。")
    ts = np.arange(steps)
    ramp = lambda span, k: (base_lr - end_lr) * (1 - k / span) ** power + end_lr  # noqa: E731
    mistakes = (
        (ramp(decay_steps, ts % decay_steps),
         "Yours restarts at the full base lr after each cycle, as torch's warm restarts do. "
         "Paddle's cycle=True stretches decay_steps to the next multiple instead: step 21 "
         "decays over 40 steps, from well below the base lr.",
         "你的曲线每个周期都回到完整的初始学习率，就像 torch 的热重启。飞桨的 cycle=True 则把 "
         "decay_steps 拉长到下一个倍数：第 21 步按 40 步的长度衰减，起点远低于初始学习率。"),
        (ramp(decay_steps * (ts // decay_steps + 1), ts),
         "At a multiple of decay_steps the lr reaches end_lr: that step still belongs to the "
         "cycle it ends (ceil, not floor + 1).",
         "在 decay_steps 的倍数上学习率正好降到 end_lr：这一步仍属于它所结束的那个周期（用 "
         "ceil，而不是 floor + 1）。"),
        (ramp(decay_steps, np.minimum(ts, decay_steps)),
         "With cycle=True the lr does not stay at end_lr after decay_steps: it goes up again.",
         "cycle=True 时学习率在 decay_steps 之后不会停在 end_lr：它会再次升高。"),
    )
    en, zh = _known_mistake(got, mistakes, _hint(
        got, expected, t, lambda a, b: math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-12)))
    return _no(f"Step {t} differs from PolynomialDecay({shown}): expected {_fmt(expected[t])}, "
               f"got {_fmt(got[t])} ({n_bad} of {steps} steps differ). {en}",
               f"第 {t} 步与 PolynomialDecay({shown}) 不同：应为 {_fmt(expected[t])}，你的是 "
               f"{_fmt(got[t])}（{steps} 步中有 {n_bad} 步不同）。{zh}")


def warmup_factor(fn: Callable, warmup_epochs: int = 5, epochs: int = 60,
                  base_lr: float = 0.1) -> Result:
    """Check ``fn(epoch)``, a factor for LambdaLR: a linear warm-up that trains at
    1/warmup_epochs of the base lr at epoch 0 and at the full rate at epoch warmup_epochs - 1,
    then a cosine from 1 at epoch warmup_epochs down towards 0 at epoch ``epochs``."""
    got = _call(fn, epochs)
    if isinstance(got, Result):
        return got
    t, w, n = np.arange(epochs), warmup_epochs, epochs
    cosine = 0.5 * (1 + np.cos(np.pi * (t - w) / (n - w)))
    expected = np.where(t < w, (t + 1) / w, cosine)
    at, n_bad = _first_difference(got, expected)
    if at < 0:
        return _ok(f"Right: epoch 0 trains at {_fmt(base_lr * expected[0])} (never at 0), epoch "
                   f"{w - 1} at the full {base_lr}, then the cosine; all {n} epochs match.",
                   f"正确：第 0 个 epoch 用 {_fmt(base_lr * expected[0])}（不会是 0），第 {w - 1} "
                   f"个 epoch 达到完整的 {base_lr}，之后是余弦；全部 {n} 个 epoch 一致。")
    zeros = np.flatnonzero(got[:w] == 0)
    mistakes = (
        (base_lr * expected, "LambdaLR multiplies your value by the base lr itself: return a "
                             "factor (1 at the peak), not a learning rate.",
         "LambdaLR 会自己把你的返回值乘上初始学习率：请返回因子（峰值处为 1），而不是学习率。"),
        (np.where(t < w, (t + 1) / (w + 1), cosine),
         f"Epoch {w - 1}, the last warm-up epoch, should train at the full rate: the ramp "
         f"climbs by 1/{w} per epoch.",
         f"最后一个预热 epoch（第 {w - 1} 个）应该用完整的学习率：因子每个 epoch 增加 1/{w}。"),
        (np.where(t < w, (t + 1) / w, 0.5 * (1 + np.cos(np.pi * t / n))),
         "The cosine starts when the warm-up ends: count its epochs from warmup_epochs, over "
         "epochs - warmup_epochs.",
         "余弦从预热结束时开始：它的 epoch 要从 warmup_epochs 算起，总长度是 "
         "epochs - warmup_epochs。"),
    )
    if zeros.size:
        en, zh = (f"Epoch {zeros[0]} trains at lr 0, the article's pitfall: epoch / "
                  f"warmup_epochs is 0 at epoch 0, so a whole epoch is wasted. Shift the ramp so "
                  f"epoch 0 already trains at 1/{w} of the rate.",
                  f"第 {zeros[0]} 个 epoch 的学习率是 0，正是文章里的易错点：epoch / warmup_epochs "
                  f"在第 0 个 epoch 等于 0，整整一个 epoch 白白浪费。把线性上升整体挪一步，让第 0 "
                  f"个 epoch 就用 1/{w} 的学习率。")
    else:
        en, zh = _known_mistake(got, mistakes, (
            "Compare your factor at this epoch with the description above the exercise.",
            "在这个 epoch 把你的因子和练习上方的描述对照一下。"))
    return _no(f"Epoch {at}: expected factor {_fmt(expected[at])}, got {_fmt(got[at])} ({n_bad} "
               f"of {n} epochs differ). {en}",
               f"第 {at} 个 epoch：因子应为 {_fmt(expected[at])}，你的是 {_fmt(got[at])}"
               f"（{n} 个 epoch 中有 {n_bad} 个不同）。{zh}")


def noam(peak, half_step, d_model: int, warmup_steps: int, learning_rate: float = 1.0) -> Result:
    """Check ``peak`` (NoamDecay's highest lr) and ``half_step`` (the first step after the peak
    whose lr is at most half the peak) for these settings, against the catalogue's curve, itself
    tested against Paddle's NoamDecay."""
    if peak is Ellipsis or half_step is Ellipsis:
        return _not_yet()
    w = warmup_steps
    lr = curve("NoamDecay", 4 * w + 2, base_lr=learning_rate, d_model=d_model, warmup_steps=w)
    top, top_at = float(lr.max()), int(lr.argmax())
    half = int(np.flatnonzero((np.arange(len(lr)) > top_at) & (lr <= top / 2 * (1 + 1e-12)))[0])
    got_peak = _positive_number(peak)
    if got_peak is None or not math.isclose(got_peak, top, rel_tol=1e-6):
        scale = learning_rate * d_model ** -0.5
        wrong = ((scale, "at t = w both terms of the min equal w^-0.5: keep that factor too",
                  "在 t = w 处 min 里的两项都等于 w^-0.5：这个因子也要乘上"),
                 (scale * w ** -1.5, "t * w^-1.5 at t = w is w^-0.5, not w^-1.5",
                  "t * w^-1.5 在 t = w 时等于 w^-0.5，而不是 w^-1.5"),
                 (learning_rate * w ** -0.5, "multiply by d_model^-0.5 as well",
                  "还要乘上 d_model^-0.5"))
        en, zh = ("the peak is where the two terms of the min meet",
                  "峰值在 min 的两项相等的地方")
        for value, e, z in wrong:
            if got_peak is not None and math.isclose(got_peak, value, rel_tol=1e-6):
                en, zh = e, z
        shown = repr(peak) if got_peak is None else _fmt(got_peak)
        return _no(f"The peak lr is {_fmt(top)} (at step {top_at}), you gave {shown}: {en}.",
                   f"峰值学习率是 {_fmt(top)}（在第 {top_at} 步），你给的是 {shown}：{zh}。")
    if isinstance(half_step, bool) or not isinstance(half_step, (int, np.integer)):
        return _no(f"half_step must be a whole number of steps, got {half_step!r}.",
                   f"half_step 必须是整数步数，收到 {half_step!r}。")
    if half_step == half:
        return _ok(f"Right: the peak {_fmt(top)} at step {top_at}, and from step {half} on the lr "
                   f"is at most half of it: t^-0.5 halves when t grows fourfold.",
                   f"正确：峰值 {_fmt(top)} 在第 {top_at} 步；从第 {half} 步起学习率不超过峰值的"
                   f"一半：t 变为 4 倍时 t^-0.5 减半。")
    if half_step == 2 * w:
        en, zh = ("after the peak the lr falls as t^-0.5: doubling t divides it by about 1.41, "
                  "not by 2", "峰值之后学习率按 t^-0.5 下降：t 翻倍只让它除以约 1.41，而不是 2")
    elif half_step < top_at:
        en, zh = ("that step is still in the warm-up; the question asks when the lr has fallen "
                  "to half after the peak", "这一步还在预热阶段；题目问的是峰值之后降到一半的那一步")
    elif abs(half_step - half) == 1:
        en, zh = ("one step off: at the first step asked for, the lr is exactly half the peak",
                  "差了一步：题目要的那一步，学习率正好是峰值的一半")
    else:
        en, zh = ("write lr(t) = lr(w) / 2 for t > w and solve for t",
                  "对 t > w 写出 lr(t) = lr(w) / 2，再解出 t")
    return _no(f"The peak is right; at step {half_step} the lr is "
               f"{_fmt(_noam_at(half_step, learning_rate, d_model, w))}, half the peak is "
               f"{_fmt(top / 2)}: {en}.",
               f"峰值正确；第 {half_step} 步的学习率是 "
               f"{_fmt(_noam_at(half_step, learning_rate, d_model, w))}，峰值的一半是 {_fmt(top / 2)}："
               f"{zh}。")


def _noam_at(t: int, learning_rate: float, d_model: int, warmup_steps: int) -> float:
    t = max(int(t), 0)
    return float(curve("NoamDecay", t + 1, base_lr=learning_rate, d_model=d_model,
                       warmup_steps=warmup_steps)[t])


# --- lesson 05: a cyclical learning rate by hand, and reading a range test ------------------------


def triangular(fn: Callable, base_lr: float = 0.01, max_lr: float = 0.1, step_size_up: int = 5,
               step_size_down: int = 15, steps: int = 60) -> Result:
    """Check ``fn(t)``: ``CyclicLR(mode="triangular")`` with these values, step by step against
    ``curve()``; a hint names the usual mistakes (a symmetric triangle, rise and fall swapped,
    max_lr taken as the height, base_lr left out, one step off)."""
    got = _call(fn, steps)
    if isinstance(got, Result):
        return got
    up, down = step_size_up, step_size_down

    def wave(n=steps, **changed):
        return curve("CyclicLR", n, base_lr=base_lr, max_lr=max_lr,
                     **{"step_size_up": up, "step_size_down": down, **changed})

    expected = wave()
    what = (f"CyclicLR(base_lr={base_lr}, max_lr={max_lr}, step_size_up={up}, "
            f"step_size_down={down})")
    bad = np.flatnonzero(~np.isclose(got, expected, rtol=1e-6, atol=1e-12))
    if bad.size == 0:
        return _ok(f"All {steps} steps match {what}.", f"全部 {steps} 步都与 {what} 一致。")
    height = (expected - base_lr) / (max_lr - base_lr)
    en, zh = _known_mistake(got, [
        (wave(step_size_down=up),
         f"Your triangle falls as fast as it rises: the fall takes step_size_down={down} steps, "
         f"the rise step_size_up={up}.",
         f"你的三角形下降得和上升一样快：下降要用 step_size_down={down} 步，上升是 "
         f"step_size_up={up} 步。"),
        (wave(step_size_up=down, step_size_down=up),
         f"Rise and fall are swapped: the lr rises for step_size_up={up} steps, then falls for "
         f"step_size_down={down}.",
         f"上升和下降弄反了：学习率先用 step_size_up={up} 步上升，再用 step_size_down={down} "
         f"步下降。"),
        (base_lr + max_lr * height,
         "The triangle's height is max_lr - base_lr: at the peak the lr is max_lr.",
         "三角形的高度是 max_lr - base_lr：到达峰值时学习率正好是 max_lr。"),
        ((max_lr - base_lr) * height,
         "The wave starts from base_lr, not from 0: add base_lr.",
         "波形从 base_lr 出发，而不是从 0：要加上 base_lr。"),
        (wave(steps + 1)[1:],
         "Your value is the next step's: step 0 is at base_lr, the bottom of the wave.",
         "你的值是下一步的值：第 0 步应当在 base_lr，也就是波形的底部。"),
        (np.r_[base_lr, expected[:-1]],
         "Your value is the previous step's: the change comes one step too late.",
         "你的值是上一步的值：变化晚了一步。"),
    ], ("Find the position in the cycle first (t modulo step_size_up + step_size_down), then "
        "the height of the triangle there.",
        "先算出在周期中的位置（t 对 step_size_up + step_size_down 取余），再算出三角形在那里的"
        "高度。"))
    t = int(bad[0])
    return _no(f"Step {t} differs from {what}: expected {_fmt(expected[t])}, got {_fmt(got[t])} "
               f"({bad.size} of {steps} steps differ). {en}",
               f"第 {t} 步与 {what} 不同：应为 {_fmt(expected[t])}，你的是 {_fmt(got[t])}"
               f"（{steps} 步中有 {bad.size} 步不同）。{zh}")


# --- reading a range test ----------------------------------------------------------------------------


def _positive_number(value) -> float | None:
    if isinstance(value, (bool, str, bytes)):
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) and value > 0 else None


def range_reading(max_lr, test) -> Result:
    """Check a ``max_lr`` read off the plot of ``test`` (a ``lrlessons.range_test`` result): it
    must lie within a factor of 2 of the lesson's rule, the lr at the lowest point of the
    smoothed loss divided by 3, so between a sixth and two thirds of that lowest point."""
    if max_lr is Ellipsis:
        return _not_yet()
    x = _positive_number(max_lr)
    if x is None:
        return _no(f"Expected a learning rate, a positive number, got {max_lr!r}.",
                   f"需要一个学习率，即一个正数，收到的是 {max_lr!r}。")
    lowest, suggestion = test.lowest_lr, test.suggestion
    if suggestion / 2 <= x <= 2 * suggestion:
        return _ok(f"{x:g} is a sensible max_lr: a few times below the lowest point of the "
                   f"smoothed loss, where the loss still falls.",
                   f"{x:g} 是合理的 max_lr：比平滑后损失的最低处小几倍，损失在那里仍在下降。")
    if x >= lowest:
        return _no(f"At {x:g} the loss has stopped falling: the lowest point of the smoothed curve "
                   f"is at about {lowest:.2g}, the edge where training starts to fail. Take a few "
                   f"times less: the lesson's rule divides the lowest point by 3.",
                   f"在 {x:g} 处损失已经不再下降：平滑曲线的最低处大约在 {lowest:.2g}，训练从那里"
                   f"开始失败。要取小几倍的值：本课的规则是把最低处的学习率除以 3。")
    if x > 2 * suggestion:
        return _no(f"{x:g} is below the lowest point ({lowest:.2g}) but too close to it: another "
                   f"seed moves the lowest point by a factor of 2 or more. Divide the lowest point "
                   f"by about 3.",
                   f"{x:g} 低于最低处（{lowest:.2g}），但离它太近：换一个种子，最低处就可能移动 2 倍"
                   f"以上。把最低处的学习率除以 3 左右。")
    lrs, smoothed = test.lrs, test.smoothed
    at = smoothed[min(int(np.searchsorted(lrs, x)), len(smoothed) - 1)]
    if at > smoothed[0] - 0.1 * (smoothed[0] - smoothed.min()):
        return _no(f"At {x:g} the loss has barely started to fall: a peak that small trains "
                   f"slowly. Look further right, for the lowest point of the curve.",
                   f"在 {x:g} 处损失才刚开始下降：峰值这么小，训练会很慢。往右看，找到曲线的最低处。")
    return _no(f"Safe, but slow: at {x:g} the loss still falls steeply, and the lowest point is "
               f"more than 6 times higher. A peak a few times higher trains faster.",
               f"安全，但偏慢：在 {x:g} 处损失仍在快速下降，而最低处比它大 6 倍以上。峰值再大几倍，"
               f"训练会更快。")


# --- lesson 06: ReduceLROnPlateau ------------------------------------------------------------------


def _epochs(answer) -> list[int] | None:
    if isinstance(answer, (str, bytes, bool)) or not hasattr(answer, "__iter__"):
        return None
    out = []
    for v in answer:
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) and not (
                isinstance(v, float) and v.is_integer()):
            return None
        out.append(int(v))
    return sorted(out)


def _plateau_drops(metrics, base_lr: float, **params) -> list[int]:
    from .plateau import drops
    from .torch_bridge import torch_curve

    return drops(torch_curve("ReduceLROnPlateau", len(metrics), base_lr=base_lr,
                             metrics=list(metrics), **params))


def plateau_drops(answer, metrics, base_lr: float = 0.1, **params) -> Result:
    """Check ``answer``: the epochs (counted from 0) that first train at a lower lr, when torch's
    ``ReduceLROnPlateau(**params)`` is stepped with ``metrics[e]`` at the end of each epoch e
    (``len(metrics)`` epochs). torch's own scheduler gives the answer."""
    if answer is Ellipsis:
        return _not_yet()
    got = _epochs(answer)
    if got is None:
        return _no(f"Expected a list of epochs (whole numbers), got {answer!r}.",
                   f"需要一个由 epoch（整数）组成的列表，收到的是 {answer!r}。")
    want = _plateau_drops(metrics, base_lr, **params)
    shown = ", ".join(f"{k}={v}" for k, v in params.items())
    if got == want:
        return _ok(f"Right: with {shown} the lr drops at epochs {want}, as torch's "
                   f"ReduceLROnPlateau does.",
                   f"正确：{shown} 时学习率在第 {want} 个 epoch 下降，与 torch 的 "
                   f"ReduceLROnPlateau 一致。")
    patience, cooldown = params.get("patience", 10), params.get("cooldown", 0)
    keras_like = _plateau_drops(metrics, base_lr, **{**params, "patience": patience - 1,
                                                     "cooldown": max(cooldown - 1, 0)}) \
        if patience > 0 else None
    no_cooldown = _plateau_drops(metrics, base_lr, **{**params, "cooldown": 0}) \
        if cooldown else None
    if got == keras_like:
        en, zh = (f"You cut after {patience} bad epochs in a row, as Keras counts. PyTorch cuts "
                  f"when the count EXCEEDS patience: after {patience + 1}.",
                  f"你在连续 {patience} 个不改善的 epoch 后就降了，这是 Keras 的数法。PyTorch 要等"
                  f"计数超过 patience，即连续 {patience + 1} 个之后才降。")
    elif got == [e - 1 for e in want]:
        en, zh = ("Each of your epochs is one early: you gave the epoch whose value triggered the "
                  "cut. The cut is made after that value, so the next epoch is the first at the "
                  "lower lr.",
                  "你的每个 epoch 都早了一个：你给的是触发下降的那个值所在的 epoch。下降发生在这个"
                  "值之后，所以下一个 epoch 才第一次使用较低的学习率。")
    elif got == [e + 1 for e in want]:
        en, zh = ("Each of your epochs is one late: the value measured at the end of epoch e "
                  "already decides the lr of epoch e + 1.",
                  "你的每个 epoch 都晚了一个：第 e 个 epoch 结束时测得的值已经决定了第 e + 1 个 "
                  "epoch 的学习率。")
    elif got == no_cooldown:
        en, zh = (f"You left out the cooldown: for {cooldown} epochs after a cut the bad-epoch "
                  f"count stays at 0 (a better value is still recorded as the best).",
                  f"你漏掉了冷却期：每次下降之后的 {cooldown} 个 epoch 里，不改善的计数保持为 0"
                  f"（但更好的值仍会被记为最好值）。")
    else:
        en, zh = ("Trace it step by step: keep the best value so far and the count of epochs "
                  "without a better one (a value equal to the best is not better); cut when the "
                  "count exceeds patience, then reset it.",
                  "一步一步推：记下迄今最好的值和连续没有更好值的 epoch 数（与最好值相等不算更好）；"
                  "计数超过 patience 时下降，然后把计数清零。")
    return _no(f"torch drops the lr at epochs {want}, you said {got}. {en}",
               f"torch 在第 {want} 个 epoch 降低学习率，你的答案是 {got}。{zh}")


def plateau_patience(patience, metrics, plateau_start: int, base_lr: float = 0.1,
                     **params) -> Result:
    """Check a choice of ``patience`` for torch's ReduceLROnPlateau stepped with ``metrics``:
    the first drop must come after the metric's real plateau begins (epoch ``plateau_start``),
    and within the run."""
    if patience is Ellipsis:
        return _not_yet()
    if isinstance(patience, bool) or not isinstance(patience, (int, np.integer)) or patience < 0:
        return _no(f"patience must be a whole number of epochs, 0 or more; got {patience!r}.",
                   f"patience 必须是不小于 0 的整数个 epoch；收到 {patience!r}。")
    found = _plateau_drops(metrics, base_lr, patience=int(patience), **params)
    n = len(metrics)
    if found and found[0] > plateau_start:
        return _ok(f"Right: with patience={patience} the first drop comes at epoch {found[0]}, "
                   f"after the plateau begins at epoch {plateau_start}; during the descent the "
                   f"noise never gives {patience + 1} bad epochs in a row.",
                   f"正确：patience={patience} 时第一次下降在第 {found[0]} 个 epoch，在第 "
                   f"{plateau_start} 个 epoch 开始的平台期之后；下降阶段的噪声从没有连续造成 "
                   f"{patience + 1} 个不改善的 epoch。")
    if found:
        return _no(f"With patience={patience} the lr first drops at epoch {found[0]}, while the "
                   f"metric is still falling: noise alone gave {patience + 1} bad epochs in a row. "
                   f"Count the longest run of epochs without a new best before epoch "
                   f"{plateau_start}: patience must be at least that long.",
                   f"patience={patience} 时学习率第一次下降在第 {found[0]} 个 epoch，那时指标还在"
                   f"下降：仅凭噪声就出现了连续 {patience + 1} 个不改善的 epoch。数一数第 "
                   f"{plateau_start} 个 epoch 之前最长有多少个 epoch 连续没有出现新的最好值："
                   f"patience 至少要这么大。")
    return _no(f"With patience={patience} the lr never drops in {n} epochs: on the plateau a "
               f"new best still turns up now and then, and {patience + 1} bad epochs in a row "
               f"never come. Choose a smaller patience.",
               f"patience={patience} 时，{n} 个 epoch 里学习率一次也没有下降：平台期上仍会偶尔"
               f"出现新的最好值，连续 {patience + 1} 个不改善的 epoch 始终没有出现。请选小一些的 "
               f"patience。")


# --- lessons 07 and 08: your own scheduler class, Keras schedule, Adam and Adagrad by hand ------


def _step_scheduler(cls, base_lr: float, steps: int, resume_at: int | None = None):
    """lrs of ``cls(optimizer)`` stepped as a loop does; with ``resume_at`` the run is saved
    after that many steps and continued by a fresh optimizer and scheduler that load both
    state_dicts."""
    import torch

    def fresh():
        opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=base_lr)
        return opt, cls(opt)

    opt, sched = fresh()
    out = []
    for t in range(steps):
        if t == resume_at:
            saved = (opt.state_dict(), sched.state_dict())
            opt, sched = fresh()
            opt.load_state_dict(saved[0])
            sched.load_state_dict(saved[1])
        out.append(float(opt.param_groups[0]["lr"]))
        opt.step()
        sched.step()
    return np.array(out)


def scheduler_class(cls, name: str, steps: int = 40, base_lr: float = 0.1,
                    resume_at: int = 17, **params) -> Result:
    """Check an ``LRScheduler`` subclass built as ``cls(optimizer)``: stepped by torch for
    ``steps`` steps it must give catalogue entry ``name``'s curve, and a run saved after
    ``resume_at`` steps and resumed from both state_dicts must continue it exactly."""
    import warnings

    import torch

    if not (isinstance(cls, type) and issubclass(cls, torch.optim.lr_scheduler.LRScheduler)):
        return _no(f"Expected a subclass of torch.optim.lr_scheduler.LRScheduler, got {cls!r}.",
                   f"需要 torch.optim.lr_scheduler.LRScheduler 的子类，收到的是 {cls!r}。")
    expected = curve(name, steps, base_lr=base_lr, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch's get_lr-outside-step notice
        got, problem = _answer(_step_scheduler, (cls, base_lr, steps), "while torch stepped it",
                               "在 torch 调用它时")
        if problem is not None:  # a failed Result is falsy: test for None
            return problem
        resumed, problem = _answer(_step_scheduler, (cls, base_lr, steps, resume_at),
                                   "after load_state_dict", "在 load_state_dict 之后")
        if problem is not None:
            return problem
    at, n_bad = _first_difference(got, expected)
    if at < 0:
        at, _ = _first_difference(resumed, expected)
        if at < 0:
            return _ok(f"All {steps} steps match the catalogue's curve, and a run saved after "
                       f"step {resume_at} and resumed from both state_dicts continues it exactly.",
                       f"全部 {steps} 步都与调度目录的曲线一致；在第 {resume_at} 步后保存、再从两个 "
                       f"state_dict 恢复的训练也完全接上了。")
        return _no(f"Your curve is right, but after resuming at step {resume_at} step {at} gets "
                   f"{_fmt(resumed[at])}, expected {_fmt(expected[at])}. Keep every value the "
                   f"schedule needs in attributes (state_dict saves them) and compute the lr "
                   f"from self.last_epoch and self.base_lrs.",
                   f"曲线是对的，但在第 {resume_at} 步恢复后，第 {at} 步得到 {_fmt(resumed[at])}，"
                   f"应为 {_fmt(expected[at])}。把调度需要的值都存成属性（state_dict 会保存它们），"
                   f"并用 self.last_epoch 和 self.base_lrs 计算学习率。")
    t = np.arange(steps)
    w = params.get("milestones", [0])[0]
    members = dict(params.get("schedulers", []))
    ramp, decay = members.get("LinearLR", {}), members.get("StepLR", {})
    start, size = ramp.get("start_factor", 1 / 3), decay.get("step_size", 30)
    gamma = decay.get("gamma", 0.1)
    mistakes = (
        (expected / base_lr, "get_lr returns learning rates, not factors: multiply by each of "
                             "self.base_lrs (LambdaLR is the one that multiplies for you).",
         "get_lr 返回的是学习率，不是因子：要乘上 self.base_lrs 里的每个值（替你相乘的是 "
         "LambdaLR）。"),
        (base_lr * np.where(t < w, start + (1 - start) * t / w, gamma ** (t // size)),
         f"The decay counts its epochs from the end of the warm-up: use (t - {w}) // {size}.",
         f"衰减要从预热结束时开始数 epoch：用 (t - {w}) // {size}。"),
        (base_lr * np.where(t < w, start + (1 - start) * (t + 1) / w,
                            gamma ** ((t - w) // size)),
         f"The ramp reaches the full rate one step early: at step t it is start_factor + "
         f"(1 - start_factor) * t / {w}, so step 0 trains at start_factor.",
         f"线性上升早了一步到达完整学习率：第 t 步的因子是 start_factor + (1 - start_factor) * "
         f"t / {w}，所以第 0 步用的是 start_factor。"),
    )
    if np.all(np.diff(got[w:]) < 0) and np.all(np.diff(expected[w:]) <= 0):
        en, zh = ("Your lr keeps falling at every step: in the chainable form group['lr'] "
                  "already holds the last step's lr, so multiplying it every step compounds. "
                  "Compute from self.base_lrs and self.last_epoch instead.",
                  "你的学习率每一步都在下降：链式写法里 group['lr'] 已经是上一步的学习率，每步都乘"
                  "就会累乘。改用 self.base_lrs 和 self.last_epoch 计算。")
    else:
        en, zh = _known_mistake(got, mistakes, _hint(got, expected, at, lambda a, b: math.isclose(
            a, b, rel_tol=1e-6, abs_tol=1e-12)))
    return _no(f"Step {at}: expected {_fmt(expected[at])}, got {_fmt(got[at])} ({n_bad} of "
               f"{steps} steps differ). {en}",
               f"第 {at} 步：应为 {_fmt(expected[at])}，你的是 {_fmt(got[at])}（{steps} 步中有 "
               f"{n_bad} 步不同）。{zh}")


def keras_schedule(schedule, name: str, epochs: int, batches_per_epoch: int,
                   base_lr: float = 0.1, **params) -> Result:
    """Check a Keras ``LearningRateSchedule`` object: on a real Keras optimizer, read at every
    iteration of ``epochs`` epochs of ``batches_per_epoch`` batches, it must give catalogue entry
    ``name``'s per-epoch curve; rebuilt from its ``get_config()`` it must give the same."""
    from .keras_bridge import _drive_optimizer, _keras

    keras = _keras()
    if not isinstance(schedule, keras.optimizers.schedules.LearningRateSchedule):
        return _no(f"Expected an instance of your LearningRateSchedule subclass, got {schedule!r}.",
                   f"需要你的 LearningRateSchedule 子类的一个实例，收到的是 {schedule!r}。")
    steps = epochs * batches_per_epoch
    expected = np.repeat(curve(name, epochs, base_lr=base_lr, **params), batches_per_epoch)

    def on_optimizer(s):
        return _drive_optimizer(keras.optimizers.SGD(learning_rate=s), steps)

    got, problem = _answer(on_optimizer, (schedule,), "when Keras called it", "在 Keras 调用它时")
    if problem is not None:  # a failed Result is falsy: test for None
        return problem
    bad = np.flatnonzero(~np.isclose(got, expected, rtol=1e-5, atol=1e-12))
    if bad.size == 0:
        rebuilt, problem = _answer(lambda s: on_optimizer(type(s).from_config(s.get_config())),
                                   (schedule,), "rebuilt from get_config()",
                                   "从 get_config() 重建时")
        if problem is not None:
            return problem
        if np.allclose(rebuilt, expected, rtol=1e-5):
            return _ok(f"Keras trains at the {name} curve at all {steps} iterations "
                       f"({epochs} epochs of {batches_per_epoch}), and from get_config() too.",
                       f"Keras 在全部 {steps} 次迭代（{epochs} 个 epoch，每个 {batches_per_epoch}"
                       f" 次）都得到 {name} 的曲线；从 get_config() 重建后也一样。")
        return _no("The schedule is right, but rebuilt from get_config() it gives another "
                   "curve: get_config must return every argument of __init__.",
                   "调度本身是对的，但从 get_config() 重建后曲线变了：get_config 必须返回 __init__ "
                   "的全部参数。")
    k = int(bad[0])
    epoch, batch = divmod(k, batches_per_epoch)
    drop, due = np.flatnonzero(np.diff(got) < 0), np.flatnonzero(np.diff(expected) < 0)
    if drop.size and due.size and (drop[0] + 1) * batches_per_epoch == due[0] + 1:
        en, zh = ("Keras calls the schedule with the optimizer's iteration count, not the epoch: "
                  "divide the step by the batches per epoch first.",
                  "Keras 用优化器的迭代次数调用调度，不是 epoch：先把 step 除以每个 epoch 的 batch "
                  "数。")
    elif len(set(np.round(got[:batches_per_epoch * 3], 12))) > 3:
        en, zh = ("Your lr changes between the drops: StepLR is a staircase, so floor the "
                  "division (keras.ops.floor_divide or //).",
                  "你的学习率在两次下降之间也在变：StepLR 是阶梯，除法要向下取整"
                  "（keras.ops.floor_divide 或 //）。")
    else:
        en, zh = ("Compare the iteration where your lr first drops with the first iteration of "
                  "the epoch where StepLR drops.",
                  "把你的学习率第一次下降的迭代，和 StepLR 下降那个 epoch 的第一次迭代对照一下。")
    return _no(f"Iteration {k} (epoch {epoch}, batch {batch}): Keras trains at {_fmt(got[k])}, "
               f"expected {_fmt(expected[k])}. {en}",
               f"第 {k} 次迭代（epoch {epoch}，batch {batch}）：Keras 用的是 {_fmt(got[k])}，应为 "
               f"{_fmt(expected[k])}。{zh}")


ADAM_CASES = ((0.01, 0.9, 0.999, 1e-8, 1.0), (0.1, 0.8, 0.99, 1e-8, 1.0),
              (0.001, 0.9, 0.999, 1e-8, 1e-7), (0.05, 0.0, 0.9, 1e-3, 0.1))


def _adam_variants(w, g, m, v, t, lr, b1, b2, eps):
    """What the common slips give from the same inputs: (w, hint en, hint zh)."""
    m1, v1 = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
    c1, c2 = 1 - b1 ** t, 1 - b2 ** t
    with np.errstate(all="ignore"):
        return (
            (w - lr * m1 / (np.sqrt(v1) + eps),
             "That is Adam without bias correction: divide m by 1 - beta1**t and v by "
             "1 - beta2**t before using them.",
             "这是没有偏差修正的 Adam：使用前要把 m 除以 1 - beta1**t，把 v 除以 1 - beta2**t。"),
            (w - lr * (m1 / c1) / np.sqrt(v1 / c2 + eps),
             "eps goes outside the square root: sqrt(v_hat) + eps.",
             "eps 要加在平方根外面：sqrt(v_hat) + eps。"),
            (w - lr * math.sqrt(c2) / c1 * m1 / (np.sqrt(v1) + eps),
             "That is Keras' Adam: it adds eps to sqrt(v) before the correction. torch adds it to "
             "sqrt(v_hat) = sqrt(v / (1 - beta2**t)).",
             "这是 Keras 的 Adam：它在修正之前把 eps 加到 sqrt(v) 上。torch 是加到 "
             "sqrt(v_hat) = sqrt(v / (1 - beta2**t)) 上。"),
            (w - lr * (m1 / (1 - b1 ** (t + 1))) / (np.sqrt(v1 / (1 - b2 ** (t + 1))) + eps),
             "The correction uses t, the number of this step counted from 1 (1 - beta**t), "
             "not t + 1.",
             "修正用的是 t，即从 1 开始数的本步序号（1 - beta**t），不是 t + 1。"),
            (w - lr * (m / c1) / (np.sqrt(v / c2) + eps),
             "Update m and v with this step's gradient first, then use the new values.",
             "先用本步的梯度更新 m 和 v，再用更新后的值。"),
            (w + lr * (m1 / c1) / (np.sqrt(v1 / c2) + eps),
             "The step goes against the gradient: w - lr * ...",
             "这一步应当逆着梯度走：w - lr * ..."),
        )


def adam_step(fn: Callable, steps: int = 20) -> Result:
    """Check ``fn(w, g, m, v, t, lr, beta1, beta2, eps) -> (w, m, v)``, one Adam step (t counts
    from 1; m and v the raw moving averages, not bias-corrected), run as a loop over random
    gradients with several settings against ``torch.optim.Adam`` on the same gradients."""
    import torch

    for case, (lr, b1, b2, eps, scale) in enumerate(ADAM_CASES):
        rng = np.random.default_rng(case)
        grads = scale * rng.normal(0.3, 1.0, (steps, 4))
        p = torch.tensor(rng.normal(0, 1, 4), dtype=torch.float64, requires_grad=True)
        opt = torch.optim.Adam([p], lr=lr, betas=(b1, b2), eps=eps)
        w, m, v = p.detach().numpy().copy(), np.zeros(4), np.zeros(4)
        for t, g in enumerate(grads, start=1):
            inputs = (w.copy(), g.copy(), m.copy(), v.copy(), t, lr, b1, b2, eps)
            answer, problem = _answer(fn, inputs, f"at step {t}", f"在第 {t} 步")
            if problem is not None:  # a failed Result is falsy: test for None
                return problem
            try:
                w_new, m_new, v_new = (np.asarray(a, dtype=float).reshape(4) for a in answer)
            except (TypeError, ValueError):
                return _no(f"Return (w, m, v): the new parameters and moving averages; got "
                           f"{answer!r}.",
                           f"请返回 (w, m, v)：新的参数和两个移动平均；收到的是 {answer!r}。")
            p.grad = torch.tensor(g)
            opt.step()
            want = p.detach().numpy().copy()
            state = opt.state[p]
            want_m, want_v = state["exp_avg"].numpy(), state["exp_avg_sq"].numpy()
            setting = f"lr={lr:g}, beta1={b1:g}, beta2={b2:g}, eps={eps:g}"
            if not np.allclose(w_new, want, rtol=1e-9, atol=0):
                hint = next(((en, zh) for cand, en, zh in _adam_variants(*inputs)
                             if np.allclose(w_new, cand, rtol=1e-9, atol=0)),
                            ("Compare each line with the update rule of the lesson.",
                             "把每一行和课里的更新规则对照一下。"))
                return _no(f"Step {t} ({setting}, gradients ~{scale:g}): torch gives w[0] = "
                           f"{want[0]:.10g}, yours {w_new[0]:.10g}. {hint[0]}",
                           f"第 {t} 步（{setting}，梯度约 {scale:g}）：torch 得到 w[0] = "
                           f"{want[0]:.10g}，你的是 {w_new[0]:.10g}。{hint[1]}")
            if not (np.allclose(m_new, want_m, rtol=1e-9) and np.allclose(v_new, want_v,
                                                                          rtol=1e-9)):
                return _no(f"Step {t}: w is right, but return the raw moving averages m and v "
                           f"(before the bias correction): the next step builds on them.",
                           f"第 {t} 步：w 是对的，但要返回未经偏差修正的移动平均 m 和 v："
                           f"下一步要在它们的基础上继续。")
            w, m, v = w_new, m_new, v_new
    return _ok(f"Your Adam step matches torch.optim.Adam at every step of {len(ADAM_CASES)} runs "
               f"of {steps} random gradients (different lr, betas, eps and gradient sizes).",
               f"你的 Adam 一步在 {len(ADAM_CASES)} 组各 {steps} 个随机梯度（不同的 lr、betas、eps "
               f"和梯度大小）的每一步都与 torch.optim.Adam 一致。")


ADAGRAD_CASES = ((0.01, 0.5, 1), (0.01, 0.5, 100), (0.1, 2.0, 25), (0.5, -0.1, 400),
                 (0.05, 3.0, 7))


def adagrad_effective_lr(fn: Callable) -> Result:
    """Check ``fn(lr, g, n)``: the factor torch's Adagrad multiplies the gradient by at step n
    (counted from 1) when every step's gradient is the constant ``g``, measured by running
    ``torch.optim.Adagrad``."""
    import torch

    got, want = [], []
    for lr, g, n in ADAGRAD_CASES:
        answer, problem = _answer(fn, (lr, g, n), f"for lr={lr}, g={g}, n={n}",
                                  f"在 lr={lr}、g={g}、n={n} 时")
        if problem is not None:  # a failed Result is falsy: test for None
            return problem
        try:
            if isinstance(answer, (str, bytes)):
                raise TypeError
            got.append(float(answer))
        except (TypeError, ValueError):
            return _no(f"Return a number; got {answer!r}.", f"请返回一个数；收到的是 {answer!r}。")
        p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
        opt = torch.optim.Adagrad([p], lr=lr)
        before = 0.0
        for _ in range(n):
            before = float(p.detach()[0])
            p.grad = torch.full((1,), float(g), dtype=torch.float64)
            opt.step()
        want.append(abs(float(p.detach()[0]) - before) / abs(g))
    wrong = [i for i in range(len(got)) if not math.isclose(got[i], want[i], rel_tol=1e-6)]
    if wrong:
        mistakes = (
            (lambda lr, g, n: lr / math.sqrt(n),
             "That is how far the parameter moves; the effective lr is the factor on the "
             "gradient: divide by |g|.",
             "这是参数移动的距离；有效学习率是乘在梯度上的因子：再除以 |g|。"),
            (lambda lr, g, n: lr, "That is the lr itself: Adagrad divides it by the square root "
             "of the sum of every squared gradient so far, which grows with n.",
             "这是学习率本身：Adagrad 会把它除以迄今所有梯度平方之和的平方根，而这个和随 n 增长。"),
            (lambda lr, g, n: lr / (n * abs(g)), "The sum of squares grows like n, but the step "
             "is divided by its square root.", "平方和按 n 增长，但步长除的是它的平方根。"),
            (lambda lr, g, n: lr / (n * g * g), "Divide by the square root of the sum, not by "
             "the sum.", "要除以平方和的平方根，而不是平方和本身。"),
            (lambda lr, g, n: lr / (math.sqrt(max(n - 1, 1)) * abs(g)),
             "The sum already includes this step's gradient: n terms at step n.",
             "平方和已经包含本步的梯度：第 n 步有 n 项。"))
        hint = next(((en, zh) for f, en, zh in mistakes if all(
            math.isclose(got[i], f(*case), rel_tol=1e-6) for i, case in enumerate(ADAGRAD_CASES))),
            ("Write G after n steps of the same gradient, then the factor lr / (sqrt(G) + eps).",
             "先写出 n 步相同梯度之后的 G，再写因子 lr / (sqrt(G) + eps)。"))
        i = wrong[0]
        lr, g, n = ADAGRAD_CASES[i]
        return _no(f"lr={lr}, g={g}, n={n}: torch's Adagrad multiplies the gradient by "
                   f"{_fmt(want[i])}, yours says {_fmt(got[i])}. {hint[0]}",
                   f"lr={lr}、g={g}、n={n}：torch 的 Adagrad 把梯度乘以 {_fmt(want[i])}，你的答案"
                   f"是 {_fmt(got[i])}。{hint[1]}")
    return _ok(f"Right in all {len(ADAGRAD_CASES)} cases: after n steps of the same gradient g the "
               f"factor is lr / (sqrt(n) |g| + eps), so the parameter moves about lr / sqrt(n) "
               f"per step whatever g is.",
               f"全部 {len(ADAGRAD_CASES)} 种情况都对：同一个梯度 g 走了 n 步之后，因子是 "
               f"lr / (sqrt(n) |g| + eps)，所以不论 g 多大，参数每步大约移动 lr / sqrt(n)。")


__all__ = ["Result", "descent", "first_drop", "half_life_gamma", "keras_callback", "loop",
           "noam", "plateau_drops", "plateau_patience", "polynomial_cycle", "range_reading",
           "restarts", "schedule", "triangular", "warmup_factor",
           "adagrad_effective_lr", "adam_step", "keras_schedule", "scheduler_class"]
