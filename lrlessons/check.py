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

from .catalogue import check_base_lr, curve, get
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
    return Result(False, "✏️ " + tr("Not written yet: replace `raise NotImplementedError` with "
                                    "your code, run that cell, then this one.",
                                    "还没有写：把 `raise NotImplementedError` 换成你的代码，"
                                    "先运行那个单元格，再运行这个。"))


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


def critical_lr(fn: Callable) -> Result:
    """Check ``fn(curvature)``: the learning rate above which gradient descent on
    f(x) = curvature * x^2 / 2 diverges (2 / curvature)."""
    for a in (0.5, 1.0, 4.0, 10.0):
        got, problem = _answer(fn, (a,), f"for curvature={a}", f"在 curvature={a} 时")
        if problem is not None:  # a failed Result is falsy: test for None
            return problem
        try:
            got = float(got)
        except (TypeError, ValueError):
            return _no(f"Expected a number, got {got!r}.", f"需要一个数，收到的是 {got!r}。")
        expected = 2.0 / a
        if not math.isclose(got, expected, rel_tol=1e-6):
            if math.isclose(got, 1.0 / a, rel_tol=1e-6):
                en, zh = ("That lr lands in one step; larger ones still converge, oscillating.",
                          "这个学习率一步就到极小值；再大一些也还收敛，只是会来回振荡。")
            elif got < expected:
                en, zh = ("Larger learning rates still converge: try one in the explorer.",
                          "更大的学习率仍然收敛：在上面的探索器里试一试。")
            else:
                en, zh = ("At that lr |1 - lr * a| > 1: every step moves further away.",
                          "在这个学习率下 |1 - lr * a| > 1：每一步都离得更远。")
            return _no(f"For curvature={a} expected {_fmt(expected)}, got {_fmt(got)}. {en}",
                       f"curvature={a} 时应为 {_fmt(expected)}，你的是 {_fmt(got)}。{zh}")
    return _ok("Right: above lr = 2 / curvature, |1 - lr * curvature| > 1 and the steps grow.",
               "正确：学习率超过 2 / curvature 时 |1 - lr * curvature| > 1，步子越来越大。")


def keras_boundaries(fn: Callable, gamma: float = 0.1, base_lr: float = 0.1) -> Result:
    """Check ``fn(milestones)``: the ``boundaries`` of Keras' PiecewiseConstantDecay that give
    torch's MultiStepLR(milestones). Keras itself computes the curve being compared."""
    from .keras_bridge import _keras, keras_values

    base_lr = check_base_lr(base_lr)
    for milestones in ([30, 60, 90], [5, 12], [1]):
        boundaries, problem = _answer(fn, (list(milestones),), f"for milestones={milestones}",
                                      f"在 milestones={milestones} 时")
        if problem is not None:  # a failed Result is falsy: test for None
            return problem
        try:
            boundaries = [int(b) for b in boundaries]
        except (TypeError, ValueError):
            return _no(f"Expected a list of integers, got {boundaries!r}.",
                       f"需要一个整数列表，收到的是 {boundaries!r}。")
        if len(boundaries) != len(milestones):
            return _no(f"Expected {len(milestones)} boundaries for milestones={milestones}, got "
                       f"{len(boundaries)}.",
                       f"milestones={milestones} 需要 {len(milestones)} 个边界，你给了 "
                       f"{len(boundaries)} 个。")
        steps = milestones[-1] + 10
        values = [base_lr * gamma ** i for i in range(len(milestones) + 1)]
        try:
            decay = _keras().optimizers.schedules.PiecewiseConstantDecay(boundaries, values)
            got = keras_values(decay, steps)
        except Exception as exc:  # noqa: BLE001 - Keras' own complaint, passed on
            return _no(f"Keras refused boundaries={boundaries}: {exc}",
                       f"Keras 不接受 boundaries={boundaries}：{exc}")
        expected = curve("MultiStepLR", steps, base_lr=base_lr, milestones=milestones,
                         gamma=gamma)
        bad = np.flatnonzero(~np.isclose(got, expected, rtol=1e-5))
        if bad.size:
            t = int(bad[0])
            return _no(f"milestones={milestones}, boundaries={boundaries}: at step {t} Keras gives "
                       f"{_fmt(got[t])}, torch {_fmt(expected[t])}. Keras keeps the old value AT a "
                       f"boundary (step <= b).",
                       f"milestones={milestones}、boundaries={boundaries}：第 {t} 步 Keras 给出 "
                       f"{_fmt(got[t])}，torch 是 {_fmt(expected[t])}。Keras 在边界上仍取旧值"
                       f"（step <= b）。")
    return _ok("Keras now drops at the same steps as torch's MultiStepLR.",
               "现在 Keras 和 torch 的 MultiStepLR 在同样的步数下降。")


__all__ = ["Result", "critical_lr", "descent", "keras_boundaries", "schedule"]
