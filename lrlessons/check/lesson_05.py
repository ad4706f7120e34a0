"""Lesson 05's exercises: a triangular cyclical lr by hand; a max_lr read off a range test."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..catalogue import curve
from .core import (
    NUMBER,
    Exercise,
    Result,
    call_steps,
    first_difference,
    first_match,
    fmt,
    given,
    mistake,
    positive,
)

TRIANGULAR = Exercise(
    "05.1", "triangular",
    {"en": "`my_cyclic(t)`: `CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=5, "
           "step_size_down=15)`, triangular mode (the lesson's one transcription)",
     "zh": "`my_cyclic(t)`：`triangular` 模式的 `CyclicLR(base_lr=0.01, max_lr=0.1, "
           "step_size_up=5, step_size_down=15)`（本课唯一一道照公式抄写的题）"},
    {"en": "`lrlessons.check.triangular`: `curve(\"CyclicLR\", ...)` over 60 steps, three cycles "
           "(held equal to torch's CyclicLR by the tests)",
     "zh": "`lrlessons.check.triangular`：与 `curve(\"CyclicLR\", ...)` 比较 60 步、三个周期"
           "（测试保证这条曲线与 torch 的 CyclicLR 一致）"},
    (mistake("symmetric", "a symmetric triangle", "三角形对称",
             "Your triangle falls as fast as it rises: the fall takes step_size_down={down} "
             "steps, the rise step_size_up={up}.",
             "你的三角形下降得和上升一样快：下降要用 step_size_down={down} 步，上升是 "
             "step_size_up={up} 步。"),
     mistake("swapped", "up and down swapped", "上升和下降弄反",
             "Rise and fall are swapped: the lr rises for step_size_up={up} steps, then falls for "
             "step_size_down={down}.",
             "上升和下降弄反了：学习率先用 step_size_up={up} 步上升，再用 step_size_down={down} "
             "步下降。"),
     mistake("height", "`max_lr` as the height", "把 `max_lr` 当作高度",
             "The triangle's height is max_lr - base_lr: at the peak the lr is max_lr.",
             "三角形的高度是 max_lr - base_lr：到达峰值时学习率正好是 max_lr。"),
     mistake("no base", "`base_lr` left out", "漏了 `base_lr`",
             "The wave starts from base_lr, not from 0: add base_lr.",
             "波形从 base_lr 出发，而不是从 0：要加上 base_lr。"),
     mistake("early", "`t + 1`", "写成 `t + 1`",
             "Your value is the next step's: step 0 is at base_lr, the bottom of the wave.",
             "你的值是下一步的值：第 0 步应当在 base_lr，也就是波形的底部。"),
     mistake("late", "`t - 1`", "写成 `t - 1`",
             "Your value is the previous step's: the change comes one step too late.",
             "你的值是上一步的值：变化晚了一步。"),
     mistake("other", "anything else", "其他错误",
             "Find the position in the cycle first (t modulo step_size_up + step_size_down), "
             "then the height of the triangle there.",
             "先算出在周期中的位置（t 对 step_size_up + step_size_down 取余），再算出三角形在"
             "那里的高度。"),
     NUMBER),
    example={"up": 5, "down": 15})


def triangular(fn: Callable, base_lr: float = 0.01, max_lr: float = 0.1, step_size_up: int = 5,
               step_size_down: int = 15, steps: int = 60) -> Result:
    """Check ``fn(t)``: ``CyclicLR(mode="triangular")`` with these values, step by step against
    ``curve()``; a hint names the usual mistakes (a symmetric triangle, rise and fall swapped,
    max_lr taken as the height, base_lr left out, one step off)."""
    ex = TRIANGULAR
    got = call_steps(ex, fn, steps)
    if isinstance(got, Result):
        return got
    up, down = step_size_up, step_size_down

    def wave(n=steps, **changed):
        return curve("CyclicLR", n, base_lr=base_lr, max_lr=max_lr,
                     **{"step_size_up": up, "step_size_down": down, **changed})

    expected = wave()
    what = (f"CyclicLR(base_lr={base_lr}, max_lr={max_lr}, step_size_up={up}, "
            f"step_size_down={down})")
    t, n_bad = first_difference(got, expected)
    if t < 0:
        return ex.ok(f"All {steps} steps match {what}.", f"全部 {steps} 步都与 {what} 一致。")
    height = (expected - base_lr) / (max_lr - base_lr)
    key = first_match(got, (
        ("symmetric", wave(step_size_down=up)),
        ("swapped", wave(step_size_up=down, step_size_down=up)),
        ("height", base_lr + max_lr * height),
        ("no base", (max_lr - base_lr) * height),
        ("early", wave(steps + 1)[1:]),
        ("late", np.r_[base_lr, expected[:-1]]))) or "other"
    return ex.wrong(f"Step {t} differs from {what}: expected {fmt(expected[t])}, got "
                    f"{fmt(got[t])} ({n_bad} of {steps} steps differ).",
                    f"第 {t} 步与 {what} 不同：应为 {fmt(expected[t])}，你的是 {fmt(got[t])}"
                    f"（{steps} 步中有 {n_bad} 步不同）。", key, up=up, down=down)


RANGE_READING = Exercise(
    "05.2", "range_reading",
    {"en": "`max_lr_adam = ...`: a `max_lr` read off the plot of the same range test run with "
           "Adam (from 1e-5 to 1, five seeds), with the lowest point and the suggestion not "
           "marked (a reading)",
     "zh": "`max_lr_adam = ...`：从改用 Adam 的同一个范围测试（从 1e-5 到 1，五个种子）的图上读出 "
           "`max_lr`，图上没有标出最低处和建议值（一道读图题）"},
    {"en": "`lrlessons.check.range_reading` on that very test object: accepted within a factor "
           "of 2 of the rule, i.e. between a sixth and two thirds of the lr at the lowest "
           "smoothed loss (about 0.026: answers 0.0044 to 0.017 pass)",
     "zh": "`lrlessons.check.range_reading` 直接使用这个测试对象：与规则相差不到 2 倍即可，也就是"
           "平滑后损失最低处学习率（约 0.026）的六分之一到三分之二之间（0.0044 到 0.017）"},
    (mistake("past lowest", "SGD's 0.2 copied from above, or anything at or past the lowest "
             "point", "照抄上面 SGD 的 0.2，或任何不低于最低处的值",
             "At {x} the loss has stopped falling: you are at or past the lowest point of the "
             "smoothed curve, the edge where training starts to fail. Take a few times less: the "
             "lesson's rule divides the lowest point by 3.",
             "在 {x} 处损失已经不再下降：你在平滑曲线的最低处或更右边，训练从那里开始失败。要取"
             "小几倍的值：本课的规则是把最低处的学习率除以 3。"),
     mistake("too close", "the lowest point itself, read a little low (0.025)",
             "直接写最低处（读得稍低，0.025）",
             "{x} is below the lowest point but too close to it: another seed moves the lowest "
             "point by a factor of 2 or more. Divide the lowest point by about 3.",
             "{x} 低于最低处，但离它太近：换一个种子，最低处就可能移动 2 倍以上。把最低处的学习率"
             "除以 3 左右。"),
     mistake("barely", "3e-5", "3e-5",
             "At {x} the loss has barely started to fall: a peak that small trains slowly. Look "
             "further right, for the lowest point of the curve.",
             "在 {x} 处损失才刚开始下降：峰值这么小，训练会很慢。往右看，找到曲线的最低处。"),
     mistake("slow", "0.001 or 0.004", "0.001 或 0.004",
             "Safe, but slow: at {x} the loss still falls steeply, and the lowest point is more "
             "than 6 times higher. A peak a few times higher trains faster.",
             "安全，但偏慢：在 {x} 处损失仍在快速下降，而最低处比它大 6 倍以上。峰值再大几倍，"
             "训练会更快。"),
     mistake("positive", "not a positive number", "不是正数",
             "Expected a learning rate, a positive number.", "需要一个学习率，即一个正数。")),
    example={"x": "…"})


def range_reading(max_lr, test) -> Result:
    """Check a ``max_lr`` read off the plot of ``test`` (a ``lrlessons.range_test`` result): it
    must lie within a factor of 2 of the lesson's rule, the lr at the lowest point of the
    smoothed loss divided by 3, so between a sixth and two thirds of that lowest point."""
    ex = RANGE_READING
    if not given(max_lr):
        return ex.not_written()
    x = positive(max_lr)
    if x is None:
        return ex.wrong(f"Got {max_lr!r}.", f"收到的是 {max_lr!r}。", "positive")
    lowest, suggestion = test.lowest_lr, test.suggestion
    if suggestion / 2 <= x <= 2 * suggestion:
        return ex.ok(f"{x:g} is a sensible max_lr: a few times below the lowest point of the "
                     f"smoothed loss, where the loss still falls.",
                     f"{x:g} 是合理的 max_lr：比平滑后损失的最低处小几倍，损失在那里仍在下降。")
    # The lowest point is not printed: a third of it is the answer.
    if x >= lowest:
        return ex.wrong("", "", "past lowest", x=f"{x:g}")
    if x > 2 * suggestion:
        return ex.wrong("", "", "too close", x=f"{x:g}")
    lrs, smoothed = test.lrs, test.smoothed
    at = smoothed[min(int(np.searchsorted(lrs, x)), len(smoothed) - 1)]
    if at > smoothed[0] - 0.1 * (smoothed[0] - smoothed.min()):
        return ex.wrong("", "", "barely", x=f"{x:g}")
    return ex.wrong("", "", "slow", x=f"{x:g}")


EXERCISES = (TRIANGULAR, RANGE_READING)
