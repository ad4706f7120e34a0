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


__all__ = ["Result", "descent", "first_drop", "keras_callback", "loop", "restarts",
           "schedule"]
