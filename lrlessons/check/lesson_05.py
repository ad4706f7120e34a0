"""Lesson 05's exercises: a triangular2 cyclical lr derived by hand; a max_lr read off a range
test."""

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
           "step_size_down=15, mode=\"triangular2\")` (a derivation: the lesson prints the "
           "triangular mode's class, not which cycle a step is in nor the halving)",
     "zh": "`my_cyclic(t)`：`CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=5, "
           "step_size_down=15, mode=\"triangular2\")`（一道推导题：课程印出的是 triangular 模式"
           "的类，没有印出某一步在第几个周期，也没有印出减半）"},
    {"en": "`lrlessons.check.triangular`: `curve(\"CyclicLR\", ..., mode=\"triangular2\")` over "
           "60 steps, three cycles (held equal to torch's CyclicLR by the tests)",
     "zh": "`lrlessons.check.triangular`：与 `curve(\"CyclicLR\", ..., mode=\"triangular2\")` "
           "比较 60 步、三个周期（测试保证这条曲线与 torch 的 CyclicLR 一致）"},
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
     mistake("no halving", "the triangular mode's wave", "triangular 模式的波形",
             "Your peaks stay at the same height: in triangular2 the amplitude, the height above "
             "base_lr, halves after every cycle of {up} + {down} steps.",
             "你的峰值一直一样高：triangular2 模式下，振幅（高出 base_lr 的部分）每过一个 {up} + "
             "{down} 步的周期就减半。"),
     mistake("halved early", "halved from the first cycle on", "从第一个周期就开始减半",
             "Your first cycle is already halved: the first cycle keeps the full amplitude, the "
             "second has half of it.",
             "你的第一个周期就已经减半了：第一个周期保持完整的振幅，第二个周期才是一半。"),
     mistake("lr halved", "the lr halved, base_lr too", "把整个学习率减半，连 base_lr 也减了",
             "Only the height above base_lr halves: the bottom of every wave stays at base_lr.",
             "只有高出 base_lr 的部分减半：每个波的底部都留在 base_lr。"),
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
             "Find which cycle step t is in and where inside it (t divided by, and modulo, "
             "step_size_up + step_size_down), then the height of that cycle's triangle there.",
             "先算出第 t 步在第几个周期、在周期中的什么位置（t 除以 step_size_up + "
             "step_size_down 的商和余数），再算出这个周期的三角形在那里的高度。"),
     NUMBER),
    example={"up": 5, "down": 15})


def triangular(fn: Callable, base_lr: float = 0.01, max_lr: float = 0.1, step_size_up: int = 5,
               step_size_down: int = 15, steps: int = 60, mode: str = "triangular") -> Result:
    """Check ``fn(t)``: ``CyclicLR(mode=mode)`` (``"triangular"`` or ``"triangular2"``) with
    these values, step by step against ``curve()``; a hint names the usual mistakes (a
    symmetric triangle, rise and fall swapped, max_lr taken as the height, base_lr left out, one
    step off; for triangular2 also no halving, halving from the first cycle, halving base_lr)."""
    ex = TRIANGULAR
    got = call_steps(ex, fn, steps)
    if isinstance(got, Result):
        return got
    up, down = step_size_up, step_size_down

    def wave(n=steps, **changed):
        return curve("CyclicLR", n, base_lr=base_lr, max_lr=max_lr,
                     **{"step_size_up": up, "step_size_down": down, "mode": mode, **changed})

    expected = wave()
    shown_mode = "" if mode == "triangular" else f", mode={mode!r}"
    what = (f"CyclicLR(base_lr={base_lr}, max_lr={max_lr}, step_size_up={up}, "
            f"step_size_down={down}{shown_mode})")
    t, n_bad = first_difference(got, expected)
    if t < 0:
        return ex.ok(f"All {steps} steps match {what}.", f"全部 {steps} 步都与 {what} 一致。")
    height = (expected - base_lr) / (max_lr - base_lr)
    halving = ()
    if mode == "triangular2":
        plain = wave(mode="triangular")  # the same triangles, never halved
        halves = 0.5 ** (np.arange(steps) // (up + down))
        halving = (("no halving", plain),
                   ("halved early", base_lr + (plain - base_lr) * halves / 2),
                   ("lr halved", plain * halves))
    key = first_match(got, halving + (
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
    {"en": "`lrlessons.check.range_reading` on that very test object: accepted from a tenth of "
           "the lr at the lowest smoothed loss (fastai's classic rule) up to, not including, "
           "that lowest point (about 0.026: answers 0.0026 to 0.025 pass); the lesson's /3 "
           "lies inside",
     "zh": "`lrlessons.check.range_reading` 直接使用这个测试对象：从平滑后损失最低处学习率的十分之"
           "一（fastai 的经典规则）起，到最低处为止（不含最低处）都算通过（最低处约 0.026：0.0026 "
           "到 0.025 通过）；本课的除以 3 落在其中"},
    (mistake("past lowest", "SGD's 0.2 copied from above, or anything at or past the lowest "
             "point", "照抄上面 SGD 的 0.2，或任何不低于最低处的值",
             "At {x} the loss has stopped falling: you are at or past the lowest point of the "
             "smoothed curve, the edge where training starts to fail. Take a few times less: the "
             "lesson's rule divides the lowest point by 3.",
             "在 {x} 处损失已经不再下降：你在平滑曲线的最低处或更右边，训练从那里开始失败。峰值"
             "应取它的几分之一：本课的规则是把最低处的学习率除以 3。"),
     mistake("barely", "3e-5", "3e-5",
             "At {x} the loss has barely started to fall: a peak that small trains slowly. Look "
             "further right, for the lowest point of the curve.",
             "在 {x} 处损失才刚开始下降：峰值这么小，训练会很慢。往右看，找到曲线的最低处。"),
     mistake("slow", "0.001 or 0.004", "0.001 或 0.004",
             "Safe, but slow: at {x} the loss still falls steeply, and the lowest point is more "
             "than 10 times higher. A peak a few times higher trains faster.",
             "安全，但偏慢：在 {x} 处损失仍在快速下降，而最低处是它的 10 倍以上。峰值再大几倍，"
             "训练会更快。"),
     mistake("positive", "not a positive number", "不是正数",
             "Expected a learning rate, a positive number.", "需要一个学习率，即一个正数。")),
    example={"x": "…"})


def range_reading(max_lr, test) -> Result:
    """Check a ``max_lr`` read off the plot of ``test`` (a ``lrlessons.range_test`` result): it
    must lie below the lr at the lowest point of the smoothed loss and no lower than a tenth of
    it. The lesson's rule (/3) lies inside; so do fastai's classic /10 and the peak near the
    lowest point that one-cycle, with its warm-up, trained best with in the lesson."""
    ex = RANGE_READING
    if not given(max_lr):
        return ex.not_written()
    x = positive(max_lr)
    if x is None:
        return ex.wrong(f"Got {max_lr!r}.", f"你给出的是 {max_lr!r}。", "positive")
    lowest = test.lowest_lr
    if lowest / 10 <= x < lowest:
        return ex.ok(f"{x:g} is a sensible max_lr: below the lowest point of the smoothed loss, "
                     f"where the loss still falls, and not so far below it that training crawls.",
                     f"{x:g} 是合理的 max_lr：低于平滑后损失的最低处，损失在那里仍在下降，又没有"
                     f"低到让训练慢吞吞。")
    # The lowest point is not printed: it bounds the answer.
    if x >= lowest:
        return ex.wrong("", "", "past lowest", x=f"{x:g}")
    lrs, smoothed = test.lrs, test.smoothed
    at = smoothed[min(int(np.searchsorted(lrs, x)), len(smoothed) - 1)]
    if at > smoothed[0] - 0.1 * (smoothed[0] - smoothed.min()):
        return ex.wrong("", "", "barely", x=f"{x:g}")
    return ex.wrong("", "", "slow", x=f"{x:g}")


EXERCISES = (TRIANGULAR, RANGE_READING)


def reveal_third_peak(guess, base_lr: float = 0.01, max_lr: float = 0.1, step_size_up: int = 20,
                      gamma: float = 0.99):
    """Lesson 05's prediction: ``guess`` is the lr the learner expects at the third peak (step
    100) of ``CyclicLR(mode="exp_range", gamma=0.99)`` with cycles of 40 steps. Without a guess
    (``...``) it shows nothing and asks for one; with one it says whether it is within 10 % and
    shows the three peaks of each mode."""
    from IPython.display import Markdown

    from ..docs import lr_table
    from ..i18n import tr

    x = positive(guess) if given(guess) else None
    if x is None:
        return Markdown(tr("Set `guess_peak` first, to the lr you expect (a positive number); "
                           "then run this cell again.",
                           "请先设定 `guess_peak`，写下你预计的学习率（一个正数）；再运行这个"
                           "单元格。"))
    wave = dict(base_lr=base_lr, max_lr=max_lr, step_size_up=step_size_up)
    peaks = [step_size_up + 2 * step_size_up * k for k in range(3)]
    n = peaks[-1] + 1
    curves = {"mode='triangular'": curve("CyclicLR", n, **wave),
              "mode='triangular2'": curve("CyclicLR", n, **wave, mode="triangular2"),
              f"mode='exp_range', gamma={gamma}": curve("CyclicLR", n, **wave, mode="exp_range",
                                                         gamma=gamma)}
    truth = float(curves[f"mode='exp_range', gamma={gamma}"][peaks[-1]])
    close = abs(x - truth) <= 0.1 * truth
    line = (tr(f"✅ {x:g} is within 10 % of the third peak.", f"✅ {x:g} 与第三个峰相差不到 10%。")
            if close else
            tr(f"❌ {x:g} is not within 10 % of the third peak: gamma multiplies the height above "
               f"base_lr once per step.",
               f"❌ {x:g} 与第三个峰相差超过 10%：gamma 每一步都乘一次高出 base_lr 的部分。"))
    return Markdown(line + "\n\n" + lr_table(curves, peaks, mark=False))
