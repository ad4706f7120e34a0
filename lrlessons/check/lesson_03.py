"""Lesson 03's exercises: the gamma of a half-life; Paddle's PolynomialDecay(cycle=True)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..catalogue import curve
from .core import (
    NUMBER,
    STEP_MISTAKES,
    Exercise,
    Result,
    call_steps,
    first_difference,
    first_match,
    fmt,
    matches,
    mistake,
    number,
    step_mistake,
)

HALF_LIVES = (1.0, 5.0, 13.5, 30.0, 100.0)

HALF_LIFE_GAMMA = Exercise(
    "03.1", "half_life_gamma",
    {"en": "`gamma_for_half_life(h)`: the `gamma` of `ExponentialLR` that halves the lr every "
           "`h` epochs (a derivation: the lesson prints $t_{1/2} = \\ln 2/(-\\ln\\gamma)$, not "
           "its inverse)",
     "zh": "`gamma_for_half_life(h)`：让 `ExponentialLR` 每 `h` 个 epoch 把学习率减半的 `gamma`"
           "（一道推导题：课程印出的是 $t_{1/2} = \\ln 2/(-\\ln\\gamma)$，而不是它的反函数）"},
    {"en": "`lrlessons.check.half_life_gamma`: $0.5^{1/h}$ for h = 1, 5, 13.5, 30, 100, to 1e-9",
     "zh": "`lrlessons.check.half_life_gamma`：h = 1、5、13.5、30、100 时与 $0.5^{1/h}$ 比较，"
           "精度 1e-9"},
    (mistake("first order", "$1 - \\ln 2/h$", "$1 - \\ln 2/h$",
             "That is the first-order approximation 1 - ln 2 / h: close for long half-lives, but "
             "gamma^h must be exactly 1/2.",
             "这是一阶近似 1 - ln 2 / h：半衰期长时很接近，但 gamma^h 必须正好等于 1/2。"),
     mistake("rate", "$\\ln 2/h$", "$\\ln 2/h$",
             "That is the decay rate of Paddle's NaturalExpDecay (lr * e^(-rate t)); "
             "ExponentialLR multiplies by a factor: e^(-rate).",
             "这是飞桨 NaturalExpDecay 的衰减率（lr * e^(-rate t)）；ExponentialLR 每步乘的是因子 "
             "e^(-rate)。"),
     mistake("power", "$0.5^h$", "$0.5^h$",
             "That is the factor after h steps of gamma = 0.5. Solve gamma^h = 1/2 for gamma "
             "instead.",
             "这是 gamma = 0.5 时走 h 步之后的因子。应当从 gamma^h = 1/2 解出 gamma。"),
     mistake("doubling", "$2^{1/h}$", "$2^{1/h}$",
             "Your gamma is above 1: the learning rate would double every h steps.",
             "你的 gamma 大于 1：学习率会每 h 步翻一倍。"),
     mistake("linear", "$1 - 0.5/h$", "$1 - 0.5/h$",
             "A linear decay loses the same amount each step; an exponential loses the same "
             "fraction: gamma^h = 1/2.",
             "线性衰减每步减去同样的量；指数衰减每步乘上同样的因子：gamma^h = 1/2。"),
     mistake("other", "anything else", "其他错误",
             "After h steps the lr is gamma^h times the start: that must be 1/2.",
             "走 h 步之后学习率是开始时的 gamma^h 倍：它必须等于 1/2。"),
     NUMBER))


def half_life_gamma(fn: Callable) -> Result:
    """Check ``fn(h)``: the ``gamma`` of ExponentialLR whose lr halves every ``h`` steps, for
    several half-lives; the common wrong answers get their own hint."""
    ex = HALF_LIFE_GAMMA
    got = np.empty(len(HALF_LIVES))
    for i, h in enumerate(HALF_LIVES):
        answer = ex.capture(fn, (h,), f"for h={h:g}", f"在 h={h:g} 时")
        if answer.problem is not None:
            return answer.problem
        value = number(answer.value)
        if value is None:
            return ex.wrong(f"For h={h:g} your function returned {answer.value!r}, not a number.",
                            f"h={h:g} 时你的函数返回了 {answer.value!r}，不是一个数。", "number")
        got[i] = value
    h = np.asarray(HALF_LIVES)
    expected = 0.5 ** (1.0 / h)
    if matches(got, expected, rtol=1e-9):
        return ex.ok(f"Right: gamma^h = 1/2 for every half-life tried (h = 13.5 gives gamma = "
                     f"{expected[2]:.4f}).",
                     f"正确：试过的每个半衰期都满足 gamma^h = 1/2（h = 13.5 时 gamma = "
                     f"{expected[2]:.4f}）。")
    key = first_match(got, (("first order", 1.0 - np.log(2) / h), ("rate", np.log(2) / h),
                            ("power", 0.5 ** h), ("doubling", 2.0 ** (1.0 / h)),
                            ("linear", 1.0 - 0.5 / h))) or "other"
    i = int(np.flatnonzero(~np.isclose(got, expected, rtol=1e-9, atol=0))[0])
    return ex.wrong(f"For h={HALF_LIVES[i]:g}: expected gamma = {fmt(expected[i])}, got "
                    f"{fmt(got[i])}.",
                    f"h={HALF_LIVES[i]:g} 时：gamma 应为 {fmt(expected[i])}，你的是 {fmt(got[i])}。",
                    key)


POLYNOMIAL_CYCLE = Exercise(
    "03.2", "polynomial_cycle",
    {"en": "`my_poly_cycle(t)`: Paddle's `PolynomialDecay(0.1, decay_steps=20, end_lr=0.001, "
           "power=2.0, cycle=True)` by hand (the lesson's one transcription: the card gives "
           "$D = d\\max(1, \\lceil t/d\\rceil)$)",
     "zh": "`my_poly_cycle(t)`：手写飞桨的 `PolynomialDecay(0.1, decay_steps=20, end_lr=0.001, "
           "power=2.0, cycle=True)`（本课唯一一道照公式抄写的题：卡片给出了 "
           "$D = d\\max(1, \\lceil t/d\\rceil)$）"},
    {"en": "`lrlessons.check.polynomial_cycle`: `curve(\"PolynomialDecay\")` (tested against "
           "Paddle) over steps 0-60, three cycles",
     "zh": "`lrlessons.check.polynomial_cycle`：与 `curve(\"PolynomialDecay\")`（已对照飞桨测试）"
           "比较第 0 到 60 步，共三个周期"},
    (mistake("zero", "`ceil(t/20)` without the `max`", "没有 `max` 的 `ceil(t/20)`",
             "Your function divides by zero at step 0: ceil(0 / decay_steps) is 0. Paddle uses 1 "
             "there, so step 0 belongs to the first cycle.",
             "你的函数在第 0 步除以零：ceil(0 / decay_steps) 等于 0。飞桨在这里取 1，第 0 步属于"
             "第一个周期。"),
     mistake("restart", "`t % 20`, a restart to the base lr", "`t % 20`，回到初始学习率",
             "Yours restarts at the full base lr after each cycle, as torch's warm restarts do. "
             "Paddle's cycle=True stretches decay_steps to the next multiple instead: step 21 "
             "decays over 40 steps, from well below the base lr.",
             "你的曲线每个周期都回到完整的初始学习率，就像 torch 的热重启。飞桨的 cycle=True 则把 "
             "decay_steps 拉长到下一个倍数：第 21 步按 40 步的长度衰减，起点远低于初始学习率。"),
     mistake("floor", "`floor(t/20) + 1`", "`floor(t/20) + 1`",
             "At a multiple of decay_steps the lr reaches end_lr: that step still belongs to the "
             "cycle it ends (ceil, not floor + 1).",
             "在 decay_steps 的倍数上学习率正好降到 end_lr：这一步仍属于它所结束的那个周期（用 "
             "ceil，而不是 floor + 1）。"),
     mistake("no cycle", "no cycle (stays at `end_lr`)", "没有周期（停在 `end_lr`）",
             "With cycle=True the lr does not stay at end_lr after decay_steps: it goes up again.",
             "cycle=True 时学习率在 decay_steps 之后不会停在 end_lr：它会再次升高。"),
     *STEP_MISTAKES, NUMBER))


def polynomial_cycle(fn: Callable, base_lr: float = 0.1, decay_steps: int = 20,
                     end_lr: float = 0.001, power: float = 2.0, cycles: int = 3) -> Result:
    """Check ``fn(t)`` against Paddle's ``PolynomialDecay(cycle=True)`` (the catalogue's curve,
    itself tested against Paddle) over ``cycles`` cycles, steps 0 to cycles * decay_steps."""
    ex = POLYNOMIAL_CYCLE
    params = dict(decay_steps=decay_steps, end_lr=end_lr, power=power, cycle=True)
    steps = cycles * decay_steps + 1
    probe = ex.capture(fn, (0,))
    if isinstance(probe.error, ZeroDivisionError):
        return ex.wrong("", "", "zero")
    got = call_steps(ex, fn, steps)
    if isinstance(got, Result):
        return got
    expected = curve("PolynomialDecay", steps, base_lr=base_lr, **params)
    shown = ", ".join(f"{k}={v}" for k, v in params.items())
    t, n_bad = first_difference(got, expected)
    if t < 0:
        return ex.ok(f"All {steps} steps match PolynomialDecay({shown}), over {cycles} cycles.",
                     f"全部 {steps} 步都与 PolynomialDecay({shown}) 一致，共 {cycles} 个周期。")
    ts = np.arange(steps)

    def ramp(span, k):
        return (base_lr - end_lr) * (1 - k / span) ** power + end_lr

    key, values = first_match(got, (
        ("restart", ramp(decay_steps, ts % decay_steps)),
        ("floor", ramp(decay_steps * (ts // decay_steps + 1), ts)),
        ("no cycle", ramp(decay_steps, np.minimum(ts, decay_steps))))), {}
    if key is None:
        key, values = step_mistake(got, expected, t, lambda a, b: math.isclose(
            a, b, rel_tol=1e-6, abs_tol=1e-12))
    return ex.wrong(f"Step {t} differs from PolynomialDecay({shown}): expected "
                    f"{fmt(expected[t])}, got {fmt(got[t])} ({n_bad} of {steps} steps differ).",
                    f"第 {t} 步与 PolynomialDecay({shown}) 不同：应为 {fmt(expected[t])}，你的是 "
                    f"{fmt(got[t])}（{steps} 步中有 {n_bad} 步不同）。", key, **values)


EXERCISES = (HALF_LIFE_GAMMA, POLYNOMIAL_CYCLE)
