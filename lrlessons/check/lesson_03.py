"""Lesson 03's exercises: the gamma of a half-life; two decays with the same end point and their
learning-rate budgets."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..catalogue import curve
from .core import NUMBER, Exercise, Result, first_match, fmt, given, matches, mistake, number

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
                    f"h={HALF_LIVES[i]:g} 时：gamma 应为 {fmt(expected[i])}，你给出的是 {fmt(got[i])}。",
                    key)


SAME_END = Exercise(
    "03.2", "same_end",
    {"en": "`exp_gamma`, `inv_gamma`, `bigger_budget`: the `gamma`s of `ExponentialLR` and "
           "`InverseTimeDecay` whose lr after 60 steps is 1% of the start (two derivations the "
           "lesson does not print), and which of the two spends the larger learning-rate budget "
           "over those 60 epochs (a choice: section 3 matched half-lives, not end points)",
     "zh": "`exp_gamma`、`inv_gamma`、`bigger_budget`：让 60 步之后的学习率是初始值 1% 的 "
           "`ExponentialLR` 和 `InverseTimeDecay` 的 `gamma`（两道课程没有印出答案的推导题），"
           "以及这两者在 60 个 epoch 里谁花掉的学习率预算更多（一道选择题：第 3 节对齐的是半衰期，"
           "不是终点）"},
    {"en": "`lrlessons.check.same_end`: $0.01^{1/60}$ and $99/60$ to 5e-4 relative; the budgets "
           "are sums of `curve()` over steps 0-59",
     "zh": "`lrlessons.check.same_end`：与 $0.01^{1/60}$ 和 $99/60$ 比较，相对误差 5e-4；"
           "预算是 `curve()` 在第 0 到 59 步之和"},
    (mistake("off by one", "the end reached after 59 steps", "在第 59 步就到达终点",
             "Your {which} reaches 1% after {epochs_1} steps. Step t has had t calls to "
             "scheduler.step(): the end point is step {epochs}.",
             "你的 {which} 在 {epochs_1} 步之后就降到 1%。第 t 步之前调用了 t 次 "
             "scheduler.step()：终点是第 {epochs} 步。"),
     mistake("rate", "Paddle's rate $\\ln 100/60$ for `exp_gamma`",
             "把飞桨的衰减率 $\\ln 100/60$ 当作 `exp_gamma`",
             "That is the rate of Paddle's NaturalExpDecay (lr * e^(-rate t)); ExponentialLR "
             "multiplies by a factor each step, so the factor to the power {epochs} must be 1/100.",
             "这是飞桨 NaturalExpDecay 的衰减率（lr * e^(-rate t)）；ExponentialLR 每步乘一个因子，"
             "这个因子的 {epochs} 次方必须等于 1/100。"),
     mistake("no one", "$1/(0.01 \\cdot 60)$ for `inv_gamma`, without the 1",
             "`inv_gamma` 取 $1/(0.01 \\cdot 60)$，漏了 1",
             "InverseTimeDecay divides by 1 + gamma t, not by gamma t: solve 1 + {epochs} gamma "
             "= 100.",
             "InverseTimeDecay 除以的是 1 + gamma t，不是 gamma t：应当解 1 + {epochs} gamma = 100。"),
     mistake("budget", "the inverse-time decay for the bigger budget", "认为逆时间衰减的预算更大",
             "A budget is the sum of the lrs a schedule uses: sum both curves over steps 0 to "
             "{epochs_1} (np.sum of lrlessons.curve(...)), compare, and look at which steps "
             "carry most of each sum.",
             "预算就是调度用过的学习率之和：把两条曲线在第 0 到 {epochs_1} 步的学习率分别求和"
             "（对 lrlessons.curve(...) 用 np.sum）再比较，并看看每个和的大头来自哪些步。"),
     mistake("choice", "a word other than the two names", "两个名字之外的答案",
             "Set bigger_budget to \"exponential\" or \"inverse time\".",
             "请把 bigger_budget 设为 \"exponential\" 或 \"inverse time\"。"),
     mistake("other", "anything else", "其他错误",
             "Write the lr after t steps as a formula in gamma, set it to 1/100 of the start at "
             "t = {epochs}, and solve for gamma.",
             "把第 t 步的学习率写成含 gamma 的式子，令它在 t = {epochs} 时等于初始值的 1/100，再解出 "
             "gamma。"),
     NUMBER),
    example=dict(epochs=60, epochs_1=59, which="exp_gamma"))

CHOICES = {"exponential": "exponential", "exponentiallr": "exponential",
           "inverse time": "inverse time", "inverse-time": "inverse time",
           "inversetimedecay": "inverse time", "inverse_time": "inverse time"}


def same_end(exp_gamma, inv_gamma, bigger_budget, epochs: int = 60, end: float = 0.01) -> Result:
    """Check the ``gamma`` of ExponentialLR and of InverseTimeDecay whose lr after ``epochs``
    steps is ``end`` times the start, and the choice of the schedule with the larger sum of lrs
    over steps 0 to epochs - 1 (computed with the catalogue's curves, not assumed)."""
    ex = SAME_END
    if not all(given(v) for v in (exp_gamma, inv_gamma, bigger_budget)):
        return ex.not_written()
    values = dict(epochs=epochs, epochs_1=epochs - 1)
    got = {}
    for name, value in (("exp_gamma", exp_gamma), ("inv_gamma", inv_gamma)):
        got[name] = number(value)
        if got[name] is None:
            return ex.wrong(f"{name}: you gave {value!r}, not a number.",
                            f"{name}：你给出的是 {value!r}，不是一个数。", "number")
    right = {"exp_gamma": end ** (1 / epochs), "inv_gamma": (1 / end - 1) / epochs}
    near = {"exp_gamma": (("off by one", end ** (1 / (epochs - 1))),
                          ("rate", math.log(1 / end) / epochs)),
            "inv_gamma": (("off by one", (1 / end - 1) / (epochs - 1)),
                          ("no one", 1 / (end * epochs)))}
    for name in ("exp_gamma", "inv_gamma"):
        if not math.isclose(got[name], right[name], rel_tol=5e-4):
            key = next((k for k, v in near[name] if math.isclose(got[name], v, rel_tol=5e-4)),
                       "other")
            schedule = "ExponentialLR" if name == "exp_gamma" else "InverseTimeDecay"
            reached = curve(schedule, epochs + 1, base_lr=1.0, gamma=got[name])[epochs] \
                if got[name] > 0 else float("nan")
            return ex.wrong(f"{name} = {fmt(got[name])}: {schedule}'s lr after {epochs} steps is "
                            f"then {fmt(reached)} of the start, not {end:g}.",
                            f"{name} = {fmt(got[name])}：这时 {schedule} 在 {epochs} 步之后的学习率"
                            f"是初始值的 {fmt(reached)}，而不是 {end:g}。", key, which=name, **values)
    choice = CHOICES.get(str(bigger_budget).strip().lower()) \
        if isinstance(bigger_budget, str) else None
    if choice is None:
        return ex.wrong(f"bigger_budget: you gave {bigger_budget!r}.",
                        f"bigger_budget：你给出的是 {bigger_budget!r}。", "choice", **values)
    spent = {"exponential": float(np.sum(curve("ExponentialLR", epochs, gamma=right["exp_gamma"]))),
             "inverse time": float(np.sum(curve("InverseTimeDecay", epochs,
                                                gamma=right["inv_gamma"])))}
    bigger = max(spent, key=spent.get)
    if choice != bigger:
        return ex.wrong("Both gammas are right; the budget is not.", "两个 gamma 都对，预算选错了。",
                        "budget", **values)
    ratio = spent["exponential"] / spent["inverse time"]
    return ex.ok(f"Right: gamma = {right['exp_gamma']:.5f} and {right['inv_gamma']:.4g}; from 0.1 "
                 f"the exponential spends {spent['exponential']:.2f} over {epochs} epochs, the "
                 f"inverse-time decay {spent['inverse time']:.2f}, {1 / ratio:.0%} of it. Its long "
                 f"tail is at small rates; a decay's budget is spent at the start.",
                 f"正确：gamma = {right['exp_gamma']:.5f} 和 {right['inv_gamma']:.4g}；从 0.1 出发，"
                 f"{epochs} 个 epoch 里指数衰减花掉 {spent['exponential']:.2f}，逆时间衰减只花掉 "
                 f"{spent['inverse time']:.2f}，前者是后者的 {ratio:.1f} 倍。逆时间衰减的长尾巴"
                 f"处在很小的学习率上；衰减的预算主要花在开头。")


EXERCISES = (HALF_LIFE_GAMMA, SAME_END)


PAIR = (("ExponentialLR", dict(gamma=0.95)), ("InverseTimeDecay", dict(gamma=0.074)))


def reveal_lower(guess, at=(0, 5, 13, 14, 30, 50, 100)):
    """Lesson 03's prediction: ``guess`` = {5: name, 100: name}, the schedule of ``PAIR`` the
    learner expects lower at steps 5 and 100. Without a guess (``...``) it shows nothing and
    asks for one; with one it says which guesses hold and shows both curves at ``at``."""
    from IPython.display import Markdown

    from ..docs import lr_table
    from ..i18n import tr

    names = [name for name, _ in PAIR]
    if not isinstance(guess, dict) or any(guess.get(t) not in names for t in (5, 100)):
        return Markdown(tr(
            'Set `guess = {5: "...", 100: "..."}` first: at each step, the schedule you expect '
            'lower, "ExponentialLR" or "InverseTimeDecay"; then run this cell again.',
            '请先设定 `guess = {5: "...", 100: "..."}`：在每一步写下你认为更低的那个调度，'
            '"ExponentialLR" 或 "InverseTimeDecay"；再运行这个单元格。'))
    curves = {f"{name}({', '.join(f'{k}={v}' for k, v in params.items())})":
              curve(name, max(at) + 1, **params) for name, params in PAIR}
    lines = []
    for t in (5, 100):
        lower = names[int(np.argmin([c[t] for c in curves.values()]))]
        mark = "✅" if guess[t] == lower else "❌"
        lines.append(tr(f"{mark} step {t}: you said {guess[t]}, the lower is {lower}.",
                        f"{mark} 第 {t} 步：你的预测是 {guess[t]}，更低的是 {lower}。"))
    return Markdown("\n\n".join(lines) + "\n\n" + lr_table(curves, at, mark=False))
