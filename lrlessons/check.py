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


# --- lesson 05: reading a range test -------------------------------------------------------------


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


__all__ = ["Result", "descent", "first_drop", "half_life_gamma", "keras_callback", "loop",
           "noam", "plateau_drops", "plateau_patience", "polynomial_cycle", "range_reading",
           "restarts", "schedule", "warmup_factor"]
