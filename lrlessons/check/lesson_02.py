"""Lesson 02's exercises: choose T_0 for warm restarts; SGDR by hand (and the general
``schedule`` check: a learner's schedule against any catalogue entry)."""

from __future__ import annotations

import math

import numpy as np

from ..catalogue import curve, get
from .core import (
    NUMBER,
    STEP_MISTAKES,
    Exercise,
    Result,
    call_steps,
    fmt,
    given,
    mistake,
    numbers,
    step_mistake,
    whole,
)

RESTARTS = Exercise(
    "02.1", "restarts",
    {"en": "`T_0 = ...`: warm restarts with `T_mult=2` whose third cycle ends exactly at epoch "
           "105 (a derivation)",
     "zh": "`T_0 = ...`：`T_mult=2` 的热重启，要让第三个周期恰好在第 105 个 epoch 结束（一道推导题）"},
    {"en": "the restarts counted on `curve(\"CosineAnnealingWarmRestarts\")`",
     "zh": "在 `curve(\"CosineAnnealingWarmRestarts\")` 上数出重启的位置"},
    (mistake("cycles", "35 (105 / 3: equal cycles); 7 or 10 (cycles that do not add up to 105)",
             "35（105 / 3：把周期当成等长）；7 或 10（三个周期加起来不是 105）",
             "With T_0={T_0} the first {cycles} cycles take {length} epochs, not {epochs}: the "
             "cycles last T_0, T_0*T_mult, T_0*T_mult^2, ...",
             "T_0={T_0} 时前 {cycles} 个周期一共 {length} 个 epoch，而不是 {epochs}：各周期长度"
             "依次是 T_0、T_0*T_mult、T_0*T_mult^2……"),
     mistake("whole", "not a whole number, or below 1", "不是整数，或小于 1",
             "T_0 must be a whole number of epochs, at least 1.",
             "T_0 必须是至少为 1 的整数个 epoch。")),
    example={"T_0": 35, "cycles": 3, "length": 245, "epochs": 105})


def restarts(T_0, epochs: int, T_mult: int, cycles: int) -> Result:
    """Check a choice of ``T_0``: warm restarts with ``T_mult`` whose first ``cycles`` cycles
    end exactly when a run of ``epochs`` epochs ends (the next step would be a restart)."""
    ex = RESTARTS
    if not given(T_0):
        return ex.not_written()
    t0 = whole(T_0)
    if t0 is None or t0 < 1:
        return ex.wrong(f"Got {T_0!r}.", f"你给出的是 {T_0!r}。", "whole")
    lr = curve("CosineAnnealingWarmRestarts", epochs + 1, base_lr=1.0, T_0=t0, T_mult=T_mult)
    starts = [0, *(np.flatnonzero(np.diff(lr) > 0) + 1)]  # a restart jumps back up
    done = [s for s in starts[1:] if s <= epochs]
    if len(done) == cycles and done[-1] == epochs:
        return ex.ok(f"Right: cycles end at epochs {', '.join(map(str, done))}; the run stops at "
                     f"the end of cycle {cycles}, with the lr at its lowest.",
                     f"正确：周期在第 {'、'.join(map(str, done))} 个 epoch 结束；训练在第 {cycles} "
                     f"个周期结束时停止，学习率正处在最低处。")
    length = sum(t0 * T_mult ** i for i in range(cycles))
    return ex.wrong("", "", "cycles", T_0=t0, cycles=cycles, length=length, epochs=epochs)


SCHEDULE = Exercise(
    "02.2", "schedule",
    {"en": "`my_sgdr(t)`: `CosineAnnealingWarmRestarts(T_0=10, T_mult=2)`",
     "zh": "`my_sgdr(t)`：`CosineAnnealingWarmRestarts(T_0=10, T_mult=2)`"},
    {"en": "`curve(...)` over 150 steps, four cycles (equal cycles fail at step 11)",
     "zh": "`curve(...)`，共 150 步、四个周期（各周期等长时在第 11 步出错）"},
    (*STEP_MISTAKES, NUMBER,
     mistake("values", "a list of the wrong length, or not numbers", "长度不对或不是数的列表",
             "Give a function of the step, or a list of one number per step.",
             "请给出一个以步数为参数的函数，或每步一个数的列表。")))


def schedule(answer, name: str, steps: int | None = None, base_lr: float = 0.1,
             rtol: float = 1e-6, **params) -> Result:
    """Check ``answer`` against catalogue entry ``name``: a function of the step ``t`` returning
    the lr, or a sequence of one lr per step. ``steps`` defaults to the entry's span.

    >>> import lrlessons
    >>> lrlessons.check.schedule(lambda t: 0.1 * 0.5 ** (t // 10), "StepLR", steps=40,
    ...                          step_size=10, gamma=0.5)
    ✅ All 40 steps match StepLR(step_size=10, gamma=0.5).
    """
    ex = SCHEDULE
    steps = steps or get(name).span
    expected = curve(name, steps, base_lr=base_lr, **params)
    if callable(answer):
        got = call_steps(ex, answer, steps)
        if isinstance(got, Result):
            return got
    else:
        if not given(answer):
            return ex.not_written()
        got = numbers(answer)
        if got is None:
            return ex.wrong(f"Got {answer!r}.", f"你给出的是 {answer!r}。", "values")
        if got.shape != expected.shape:
            return ex.wrong(f"Expected {steps} values (steps 0 to {steps - 1}), got {got.size}.",
                            f"需要 {steps} 个值（第 0 到第 {steps - 1} 步），你给出的是 {got.size} 个。",
                            "values")
    scale = float(np.max(np.abs(expected))) or 1.0

    def close(a, b):
        return math.isclose(a, b, rel_tol=rtol, abs_tol=1e-12 * scale)

    shown = ", ".join(f"{k}={v}" for k, v in params.items() if not callable(v))
    what = f"{name}({shown})"
    bad = [t for t in range(steps) if not close(got[t], expected[t])]
    if not bad:
        return ex.ok(f"All {steps} steps match {what}.", f"全部 {steps} 步都与 {what} 一致。")
    t = bad[0]
    key, values = step_mistake(got, expected, t, close)
    return ex.wrong(f"Step {t} differs from {what}: expected {fmt(expected[t])}, got "
                    f"{fmt(got[t])} ({len(bad)} of {steps} steps differ).",
                    f"第 {t} 步与 {what} 不同：应为 {fmt(expected[t])}，你给出的是 {fmt(got[t])}"
                    f"（{steps} 步中有 {len(bad)} 步不同）。", key, **values)


EXERCISES = (RESTARTS, SCHEDULE)


AFTER_T_MAX = {"stays": ("stays at eta_min", "停在 eta_min"),
               "climbs": ("climbs back along the cosine", "沿着余弦重新爬升"),
               "restarts": ("jumps back to the start at once", "立刻跳回初始值")}


def reveal_after_t_max(guess, steps: int = 150, T_max: int = 50, eta_min: float = 0.001):
    """Lesson 02's prediction: ``guess``, one of ``AFTER_T_MAX``'s keys, what CosineAnnealingLR
    does after ``T_max``. Without a guess (``...``) it shows nothing and asks for one; with one it
    says what torch's schedule does (read off the curve, not assumed) and draws it."""
    from IPython.display import Markdown, display

    from ..i18n import tr
    from ..plotting import plot_curve

    if not isinstance(guess, str) or guess not in AFTER_T_MAX:
        return Markdown(tr('Set `guess` first to "stays", "climbs" or "restarts", then run this '
                           "cell again.",
                           '请先把 `guess` 设为 "stays"、"climbs" 或 "restarts"，再运行这个单元格。'))
    lr = curve("CosineAnnealingLR", steps, base_lr=0.1, T_max=T_max, eta_min=eta_min)
    after = lr[T_max + 1:2 * T_max + 1]
    truth = ("restarts" if after[0] > 0.05 else
             "climbs" if np.all(np.diff(after) > 0) else "stays")
    mark = "✅" if guess == truth else "❌"
    en, zh = AFTER_T_MAX[guess]
    truth_en, truth_zh = AFTER_T_MAX[truth]
    display(Markdown(tr(f"{mark} You said it {en}; after step {T_max} it {truth_en}.",
                        f"{mark} 你的预测是{zh}；第 {T_max} 步之后，学习率{truth_zh}。")))
    return plot_curve("CosineAnnealingLR", steps, base_lr=0.1, T_max=T_max, eta_min=eta_min)
