"""Lesson 04's exercises: a warm-up factor that never trains at 0; Noam's peak and half point."""

from __future__ import annotations

import math
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
    whole,
)

WARMUP_FACTOR = Exercise(
    "04.1", "warmup_factor",
    {"en": "`warmup_cosine_factor(epoch)`: the source article's `LambdaLR` warm-up + cosine, "
           "fixed so that epoch 0 trains at 1/5 of the rate (5 warm-up epochs of 60; epoch 4 at "
           "the full rate; the article's cosine from epoch 5) (a fix)",
     "zh": "`warmup_cosine_factor(epoch)`：改正参考文章里 `LambdaLR` 的“预热 + 余弦”，让编号为 0 "
           "的 epoch 用 1/5 的学习率：60 个 epoch 中预热 5 个，编号为 4 的 epoch 用完整学习率，从编号为 5 "
           "的 epoch 起是文章里的余弦（一道修正题）"},
    {"en": "`lrlessons.check.warmup_factor`: the factor at all 60 epochs against $(t+1)/5$, then "
           "$\\frac12(1+\\cos(\\pi(t-5)/55))$",
     "zh": "`lrlessons.check.warmup_factor`：在全部 60 个 epoch 上与 $(t+1)/5$ 及其后的 "
           "$\\frac12(1+\\cos(\\pi(t-5)/55))$ 比较"},
    (mistake("zero", "the article's `epoch / 5`", "文章原来的 `epoch / 5`",
             "Epoch {epoch} trains at lr 0, the article's pitfall: epoch / warmup_epochs is 0 at "
             "epoch 0, so a whole epoch is wasted. Shift the ramp so epoch 0 already trains at "
             "1/{w} of the rate.",
             "编号为 {epoch} 的 epoch 的学习率是 0，正是文章里的易错点：epoch / warmup_epochs 在编号为 "
             "0 的 epoch 等于 0，整整一个 epoch 白白浪费。把线性上升整体挪一步，让编号为 0 的 epoch 就"
             "用 1/{w} 的学习率。"),
     mistake("lr", "a learning rate instead of a factor", "返回学习率而不是因子",
             "LambdaLR multiplies your value by the base lr itself: return a factor (1 at the "
             "peak), not a learning rate.",
             "LambdaLR 会自己把你的返回值乘上初始学习率：请返回因子（峰值处为 1），而不是学习率。"),
     mistake("short ramp", "`(epoch + 1) / 6`", "`(epoch + 1) / 6`",
             "Epoch {last}, the last warm-up epoch, should train at the full rate: the ramp "
             "climbs by 1/{w} per epoch.",
             "最后一个预热 epoch（编号为 {last}）应该用完整的学习率：因子每个 epoch 增加 1/{w}。"),
     mistake("cosine from 0", "a cosine counted from epoch 0", "余弦从编号为 0 的 epoch 开始计数",
             "The cosine starts when the warm-up ends: count its epochs from warmup_epochs, over "
             "epochs - warmup_epochs.",
             "余弦从预热结束时开始：它的 epoch 要从 warmup_epochs 算起，总长度是 "
             "epochs - warmup_epochs。"),
     mistake("other", "anything else", "其他错误",
             "Compare your factor at this epoch with the description above the exercise.",
             "在这个 epoch 把你的因子和练习上方的描述对照一下。"),
     NUMBER),
    example={"epoch": 0, "w": 5, "last": 4})


def warmup_factor(fn: Callable, warmup_epochs: int = 5, epochs: int = 60,
                  base_lr: float = 0.1) -> Result:
    """Check ``fn(epoch)``, a factor for LambdaLR: a linear warm-up that trains at
    1/warmup_epochs of the base lr at epoch 0 and at the full rate at epoch warmup_epochs - 1,
    then a cosine from 1 at epoch warmup_epochs down towards 0 at epoch ``epochs``."""
    ex = WARMUP_FACTOR
    got = call_steps(ex, fn, epochs)
    if isinstance(got, Result):
        return got
    t, w, n = np.arange(epochs), warmup_epochs, epochs
    cosine = 0.5 * (1 + np.cos(np.pi * (t - w) / (n - w)))
    expected = np.where(t < w, (t + 1) / w, cosine)
    at, n_bad = first_difference(got, expected)
    if at < 0:
        return ex.ok(f"Right: epoch 0 trains at {fmt(base_lr * expected[0])} (never at 0), epoch "
                     f"{w - 1} at the full {base_lr}, then the cosine; all {n} epochs match.",
                     f"正确：编号为 0 的 epoch 用 {fmt(base_lr * expected[0])}（不会是 0），编号为 {w - 1} "
                     f"的 epoch 达到完整的 {base_lr}，之后是余弦；全部 {n} 个 epoch 一致。")
    zeros = np.flatnonzero(got[:w] == 0)
    key = "zero" if zeros.size else first_match(got, (
        ("lr", base_lr * expected),
        ("short ramp", np.where(t < w, (t + 1) / (w + 1), cosine)),
        ("cosine from 0", np.where(t < w, (t + 1) / w, 0.5 * (1 + np.cos(np.pi * t / n)))),
    )) or "other"
    return ex.wrong(f"Epoch {at}: expected factor {fmt(expected[at])}, got {fmt(got[at])} "
                    f"({n_bad} of {n} epochs differ).",
                    f"编号为 {at} 的 epoch：因子应为 {fmt(expected[at])}，你的是 {fmt(got[at])}"
                    f"（{n} 个 epoch 中有 {n_bad} 个不同）。", key,
                    epoch=int(zeros[0]) if zeros.size else 0, w=w, last=w - 1)


NOAM = Exercise(
    "04.2", "noam",
    {"en": "`noam_peak`, `noam_half_step`: for `NoamDecay(d_model=256, warmup_steps=1000)` the "
           "highest lr and the first step after the peak at or below half of it (a derivation: "
           "the lesson prints the peak's formula, not the half point)",
     "zh": "`noam_peak`、`noam_half_step`：`NoamDecay(d_model=256, warmup_steps=1000)` 的最高学习"
           "率，以及峰值之后学习率第一次不超过峰值一半的那一步（一道推导题：课程印出了峰值的公式，"
           "但没有印出减半的位置）"},
    {"en": "`lrlessons.check.noam`: `curve(\"NoamDecay\")` (tested against Paddle): peak "
           "$256^{-0.5}\\,1000^{-0.5}$ at step 1000, half at step 4000",
     "zh": "`lrlessons.check.noam`：与 `curve(\"NoamDecay\")`（已对照飞桨测试）比较：峰值 "
           "$256^{-0.5}\\,1000^{-0.5}$ 在第 1000 步，第 4000 步降到一半"},
    (mistake("doubling", "2000", "2000",
             "After the peak the lr falls as t^-0.5: doubling t divides it by about 1.41, not "
             "by 2.",
             "峰值之后学习率按 t^-0.5 下降：t 翻倍只让它除以约 1.41，而不是 2。"),
     mistake("warm-up", "500", "500",
             "That step is still in the warm-up; the question asks when the lr has fallen to half "
             "after the peak.",
             "这一步还在预热阶段；题目问的是峰值之后降到一半的那一步。"),
     mistake("off by one", "3999/4001", "3999/4001",
             "One step off: at the first step asked for, the lr is exactly half the peak.",
             "相差一步：题目要的那一步，学习率正好是峰值的一半。"),
     mistake("solve", "another step", "其他步",
             "Write lr(t) = lr(w) / 2 for t > w and solve for t.",
             "对 t > w 写出 lr(t) = lr(w) / 2，再解出 t。"),
     mistake("peak d", "peak $d^{-0.5}$", "峰值写成 $d^{-0.5}$",
             "At t = w both terms of the min equal w^-0.5: keep that factor too.",
             "在 t = w 处 min 里的两项都等于 w^-0.5：这个因子也要乘上。"),
     mistake("peak w^-1.5", "peak $d^{-0.5}w^{-1.5}$", "峰值写成 $d^{-0.5}w^{-1.5}$",
             "t * w^-1.5 at t = w is w^-0.5, not w^-1.5.",
             "t * w^-1.5 在 t = w 时等于 w^-0.5，而不是 w^-1.5。"),
     mistake("peak w", "peak $w^{-0.5}$", "峰值写成 $w^{-0.5}$",
             "Multiply by d_model^-0.5 as well.", "还要乘上 d_model^-0.5。"),
     mistake("peak", "another peak", "其他峰值",
             "The peak is where the two terms of the min meet.", "峰值在 min 的两项相等的地方。"),
     mistake("whole", "a half step that is not a whole number", "half_step 不是整数",
             "half_step must be a whole number of steps.", "half_step 必须是整数步数。")))


def noam(peak, half_step, d_model: int, warmup_steps: int, learning_rate: float = 1.0) -> Result:
    """Check ``peak`` (NoamDecay's highest lr) and ``half_step`` (the first step after the peak
    whose lr is at most half the peak) for these settings, against the catalogue's curve, itself
    tested against Paddle's NoamDecay."""
    ex = NOAM
    if not (given(peak) and given(half_step)):
        return ex.not_written()
    w = warmup_steps
    lr = curve("NoamDecay", 4 * w + 2, base_lr=learning_rate, d_model=d_model, warmup_steps=w)
    top, top_at = float(lr.max()), int(lr.argmax())
    half = int(np.flatnonzero((np.arange(len(lr)) > top_at) & (lr <= top / 2 * (1 + 1e-12)))[0])
    got_peak = positive(peak)
    if got_peak is None or not math.isclose(got_peak, top, rel_tol=1e-6):
        scale = learning_rate * d_model ** -0.5
        key = "peak"
        for value, k in ((scale, "peak d"), (scale * w ** -1.5, "peak w^-1.5"),
                         (learning_rate * w ** -0.5, "peak w")):
            if got_peak is not None and math.isclose(got_peak, value, rel_tol=1e-6):
                key = k
        shown = repr(peak) if got_peak is None else fmt(got_peak)
        # The peak itself is not printed: it is the answer.
        return ex.wrong(f"{shown} is not the peak lr.", f"{shown} 不是峰值学习率。", key)
    step = whole(half_step)
    if step is None:
        return ex.wrong(f"Got {half_step!r}.", f"你给出的是 {half_step!r}。", "whole")
    if step == half:
        return ex.ok(f"Right: the peak {fmt(top)} at step {top_at}, and from step {half} on the "
                     f"lr is at most half of it: t^-0.5 halves when t grows fourfold.",
                     f"正确：峰值 {fmt(top)} 在第 {top_at} 步；从第 {half} 步起学习率不超过峰值的"
                     f"一半：t 变为 4 倍时 t^-0.5 减半。")
    key = ("doubling" if step == 2 * w else "warm-up" if step < top_at else
           "off by one" if abs(step - half) == 1 else "solve")
    at = _noam_at(step, learning_rate, d_model, w)
    return ex.wrong(f"The peak is right; at step {step} the lr is {fmt(at)}, half the peak is "
                    f"{fmt(top / 2)}.",
                    f"峰值正确；第 {step} 步的学习率是 {fmt(at)}，峰值的一半是 {fmt(top / 2)}。",
                    key)


def _noam_at(t: int, learning_rate: float, d_model: int, warmup_steps: int) -> float:
    t = max(int(t), 0)
    return float(curve("NoamDecay", t + 1, base_lr=learning_rate, d_model=d_model,
                       warmup_steps=warmup_steps)[t])


EXERCISES = (WARMUP_FACTOR, NOAM)


def reveal_t_max(guess, steps: int = 100, milestone: int = 10, at=(9, 10, 11, 98, 99)):
    """Lesson 04's prediction: ``guess`` is the ``T_max`` (90 or 100) the learner expects to
    bring the cosine after a 10-step ``LinearLR`` warm-up in ``SequentialLR`` to its end as a
    100-step run ends. Without a guess (``...``) it shows nothing and asks for one; with one it
    says whether it holds and shows both runs at the steps ``at``."""
    from IPython.display import Markdown

    from ..docs import lr_table
    from ..i18n import tr

    choice = whole(guess) if given(guess) else None
    if choice not in (steps - milestone, steps):
        return Markdown(tr(
            f"Set `guess_t_max` first, to {steps - milestone} or {steps}; then run this cell "
            f"again.",
            f"请先设定 `guess_t_max`，取 {steps - milestone} 或 {steps}；再运行这个单元格。"))
    warm = ("LinearLR", dict(start_factor=0.1, total_iters=milestone))
    curves = {f"T_max={t}": curve("SequentialLR", steps, milestones=[milestone],
                                  schedulers=[warm, ("CosineAnnealingLR", dict(T_max=t))])
              for t in (steps - milestone, steps)}
    right = choice == steps - milestone
    mark = "✅" if right else "❌"
    line = tr(f"{mark} You said T_max={choice}. The cosine restarts at its own step 0 at the "
              f"milestone, so only {steps - milestone} steps of the run are left for it: "
              f"T_max={steps - milestone} takes it down by the last step, {steps - 1}.",
              f"{mark} 你的预测是 T_max={choice}。到了里程碑，余弦从它自己的第 0 步重新开始，"
              f"所以训练只给它留下 {steps - milestone} 步：T_max={steps - milestone} 才能在最后"
              f"一步（第 {steps - 1} 步）把它降下来。")
    return Markdown(line + "\n\n" + lr_table(curves, at, mark=False))
