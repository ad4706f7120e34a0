"""Lesson 08's exercises, two derivations: where AdamW leaves a weight with noisy gradients;
Adagrad's effective lr after n equal gradients. Both run torch's own optimizer."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .core import NUMBER, Exercise, Result, fmt, mistake, number

ADAMW_CASES = ((1.0, 3.0, 0.1), (2.0, 20.0, 0.05), (0.5, 5.0, 0.2), (1.0, 30.0, 0.1))
ADAMW_TOLERANCE = 0.05  # |answer - measured|; the measurement's own spread is below 0.01

ADAMW_SETTLES = Exercise(
    "08.1", "adamw_settles",
    {"en": "`adamw_settles(curvature, noise, weight_decay)`: where AdamW leaves a weight whose "
           "loss is curvature·(w − 1)²/2 seen through gradient noise of standard deviation "
           "`noise` (a derivation from section 5's mechanism: curvature / (curvature + "
           "weight_decay·noise))",
     "zh": "`adamw_settles(curvature, noise, weight_decay)`：损失为 curvature·(w − 1)²/2、梯度噪声"
           "标准差为 `noise` 的权重，在 AdamW 下最终停在哪里（由第 5 节的机制推导："
           "`curvature / (curvature + weight_decay·noise)`）"},
    {"en": "`check.adamw_settles`: `torch.optim.AdamW` (lr 0.01) on 100 such weights for 4,000 "
           "steps in 4 cases (noise 3 to 30), mean over the weights and the last 1,000 steps, "
           f"answer within {ADAMW_TOLERANCE}",
     "zh": "`check.adamw_settles`：用 `torch.optim.AdamW`（lr 0.01）在 100 个这样的权重上走 4000 步，"
           "共 4 种情形（噪声 3 到 30），取所有权重和最后 1000 步的平均，答案与之相差不超过 "
           f"{ADAMW_TOLERANCE}"},
    (mistake("l2", "`curvature / (curvature + weight_decay)`",
             "`curvature / (curvature + weight_decay)`",
             "That is where L2 settles (SGD or Adam with `weight_decay`, the first rows of the "
             "table). AdamW's shrink is not divided by sqrt(v_hat); the loss' pull is: balance "
             "the two per step.",
             "这是 L2 停下的位置（带 `weight_decay` 的 SGD 或 Adam，表格的前几行）。AdamW 的缩小"
             "不除以 sqrt(v_hat)，损失的拉力却要除：让两者每一步相互抵消。"),
     mistake("inverse", "the noise on the wrong side", "噪声放错了位置",
             "More noise means a larger sqrt(v_hat), so a weaker pull of the loss against the "
             "same shrink: the weight should end further from 1, not closer.",
             "噪声越大，sqrt(v_hat) 越大，损失的拉力就越弱，而缩小的力度不变：权重应当离 1 更远，"
             "而不是更近。"),
     mistake("no decay", "1 (no decay)", "1（没有衰减）",
             "AdamW shrinks the weight by lr·weight_decay·w at every step, so it cannot end at "
             "the loss' minimum.",
             "AdamW 每一步都把权重缩小 lr·weight_decay·w，所以它不可能停在损失的极小值上。"),
     mistake("other", "anything else", "其他错误",
             "Write the two moves of one AdamW step for a weight near where it settles: the "
             "shrink, and the Adam step, whose m_hat is about the loss' gradient and whose "
             "sqrt(v_hat) is about the noise. Where do they cancel on average?",
             "写出权重停下位置附近 AdamW 一步里的两个动作：缩小，以及 Adam 的一步，其中 m_hat 约"
             "等于损失的梯度，sqrt(v_hat) 约等于噪声。它们在平均意义下在哪里相互抵消？"),
     NUMBER))


def _adamw_measured(curvature: float, noise: float, weight_decay: float) -> float:
    from ..optimizers import noisy_quadratic, torch_run

    gradient = noisy_quadratic(np.full(100, noise), curvature=curvature, seed=0)
    w = torch_run("adamw", gradient, np.ones(100), 0.01, steps=4000,
                  weight_decay=weight_decay)
    return float(w[-1000:].mean())


def adamw_settles(fn: Callable) -> Result:
    """Check ``fn(curvature, noise, weight_decay)``: the mean weight ``torch.optim.AdamW``
    (lr 0.01, default betas and eps) settles at on the loss curvature * (w - 1)**2 / 2 seen
    through gradient noise of standard deviation ``noise``, within ``ADAMW_TOLERANCE``."""
    ex = ADAMW_SETTLES
    got = []
    for c, sigma, wd in ADAMW_CASES:
        answer = ex.capture(fn, (c, sigma, wd),
                            f"for curvature={c:g}, noise={sigma:g}, weight_decay={wd:g}",
                            f"在 curvature={c:g}、noise={sigma:g}、weight_decay={wd:g} 时")
        if answer.problem is not None:
            return answer.problem
        value = number(answer.value)
        if value is None:
            return ex.wrong(f"Got {answer.value!r}.", f"你给出的是 {answer.value!r}。", "number")
        got.append(value)
    want = [_adamw_measured(*case) for case in ADAMW_CASES]
    wrong = [i for i in range(len(got)) if not abs(got[i] - want[i]) < ADAMW_TOLERANCE]
    if not wrong:
        return ex.ok(f"Right in all {len(ADAMW_CASES)} cases: AdamW's shrink lr·λ·w balances "
                     f"Adam's step lr·curvature·(1 − w)/noise, so the noisier a weight's "
                     f"gradients, the more AdamW decays it; L2 ends at the same place whatever "
                     f"the noise.",
                     f"全部 {len(ADAMW_CASES)} 种情形都对：AdamW 的缩小 lr·λ·w 与 Adam 的一步 "
                     f"lr·curvature·(1 − w)/noise 相互抵消，所以权重的梯度噪声越大，AdamW 把它衰减得"
                     f"越多；而 L2 不论噪声大小都停在同一处。")
    candidates = (("l2", lambda c, s, wd: c / (c + wd)),
                  ("inverse", lambda c, s, wd: c / (c + wd / s)),
                  ("no decay", lambda c, s, wd: 1.0))
    key = next((k for k, f in candidates if all(
        abs(got[i] - f(*case)) < 1e-6 for i, case in enumerate(ADAMW_CASES))), "other")
    i = wrong[0]
    c, sigma, wd = ADAMW_CASES[i]
    return ex.wrong(f"curvature={c:g}, noise={sigma:g}, weight_decay={wd:g}: torch's AdamW "
                    f"leaves the weights at {fmt(want[i])} on average, yours says {fmt(got[i])}.",
                    f"curvature={c:g}、noise={sigma:g}、weight_decay={wd:g}：torch 的 AdamW 让权重"
                    f"平均停在 {fmt(want[i])}，你的答案是 {fmt(got[i])}。", key)


ADAGRAD_CASES = ((0.01, 0.5, 1), (0.01, 0.5, 100), (0.1, 2.0, 25), (0.5, -0.1, 400),
                 (0.05, 3.0, 7))

ADAGRAD_EFFECTIVE_LR = Exercise(
    "08.2", "adagrad_effective_lr",
    {"en": "`adagrad_effective_lr(lr, g, n)`: the factor Adagrad multiplies a constant gradient "
           "`g` by at step `n` (a derivation: lr / (√n·|g| + ε))",
     "zh": "`adagrad_effective_lr(lr, g, n)`：梯度恒为 `g` 时，Adagrad 在第 `n` 步乘在梯度上的因子"
           "（推导题：`lr / (√n·|g| + ε)`）"},
    {"en": "`check.adagrad_effective_lr`: `torch.optim.Adagrad` run n steps with the constant "
           "gradient, factor = |Δw at step n| / |g|, in 5 cases (n from 1 to 400, g from -0.1 "
           "to 3)",
     "zh": "`check.adagrad_effective_lr`：用恒定梯度运行 `torch.optim.Adagrad` n 步，因子 = 第 n "
           "步的 |Δw| / |g|，共 5 种情形（n 从 1 到 400，g 从 -0.1 到 3）"},
    (mistake("distance", "`lr / sqrt(n)`", "`lr / sqrt(n)`",
             "That is how far the parameter moves; the effective lr is the factor on the "
             "gradient: divide by |g|.",
             "这是参数移动的距离；有效学习率是乘在梯度上的因子：再除以 |g|。"),
     mistake("lr", "`lr`", "`lr`",
             "That is the lr itself: Adagrad divides it by the square root of the sum of every "
             "squared gradient so far, which grows with n.",
             "这是学习率本身：Adagrad 会把它除以迄今所有梯度平方之和的平方根，而这个和随 n 增长。"),
     mistake("n", "`lr / (n·|g|)`", "`lr / (n·|g|)`",
             "The sum of squares grows like n, but the step is divided by its square root.",
             "平方和按 n 增长，但步长除的是它的平方根。"),
     mistake("sum", "`lr / (n·g²)`", "`lr / (n·g²)`",
             "Divide by the square root of the sum, not by the sum.",
             "要除以平方和的平方根，而不是平方和本身。"),
     mistake("n - 1", "`√(n - 1)`", "`√(n - 1)`",
             "The sum already includes this step's gradient: n terms at step n.",
             "平方和已经包含本步的梯度：第 n 步有 n 项。"),
     mistake("other", "anything else", "其他错误",
             "Write G after n steps of the same gradient, then the factor lr / (sqrt(G) + eps).",
             "先写出 n 步相同梯度之后的 G，再写因子 lr / (sqrt(G) + eps)。"),
     NUMBER))


def adagrad_effective_lr(fn: Callable) -> Result:
    """Check ``fn(lr, g, n)``: the factor torch's Adagrad multiplies the gradient by at step n
    (counted from 1) when every step's gradient is the constant ``g``, measured by running
    ``torch.optim.Adagrad``."""
    import torch

    ex = ADAGRAD_EFFECTIVE_LR
    got, want = [], []
    for lr, g, n in ADAGRAD_CASES:
        answer = ex.capture(fn, (lr, g, n), f"for lr={lr}, g={g}, n={n}",
                            f"在 lr={lr}、g={g}、n={n} 时")
        if answer.problem is not None:
            return answer.problem
        value = number(answer.value)
        if value is None:
            return ex.wrong(f"Got {answer.value!r}.", f"你给出的是 {answer.value!r}。", "number")
        got.append(value)
        p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
        opt = torch.optim.Adagrad([p], lr=lr)
        before = 0.0
        for _ in range(n):
            before = float(p.detach()[0])
            p.grad = torch.full((1,), float(g), dtype=torch.float64)
            opt.step()
        want.append(abs(float(p.detach()[0]) - before) / abs(g))
    wrong = [i for i in range(len(got)) if not math.isclose(got[i], want[i], rel_tol=1e-6)]
    if not wrong:
        return ex.ok(f"Right in all {len(ADAGRAD_CASES)} cases: after n steps of the same "
                     f"gradient g the factor is lr / (sqrt(n) |g| + eps), so the parameter moves "
                     f"about lr / sqrt(n) per step whatever g is.",
                     f"全部 {len(ADAGRAD_CASES)} 种情形都对：同一个梯度 g 走了 n 步之后，因子是 "
                     f"lr / (sqrt(n) |g| + eps)，所以不论 g 多大，参数每步大约移动 lr / sqrt(n)。")
    candidates = (("distance", lambda lr, g, n: lr / math.sqrt(n)),
                  ("lr", lambda lr, g, n: lr),
                  ("n", lambda lr, g, n: lr / (n * abs(g))),
                  ("sum", lambda lr, g, n: lr / (n * g * g)),
                  ("n - 1", lambda lr, g, n: lr / (math.sqrt(max(n - 1, 1)) * abs(g))))
    key = next((k for k, f in candidates if all(
        math.isclose(got[i], f(*case), rel_tol=1e-6) for i, case in enumerate(ADAGRAD_CASES))),
        "other")
    i = wrong[0]
    lr, g, n = ADAGRAD_CASES[i]
    return ex.wrong(f"lr={lr}, g={g}, n={n}: torch's Adagrad multiplies the gradient by "
                    f"{fmt(want[i])}, yours says {fmt(got[i])}.",
                    f"lr={lr}、g={g}、n={n}：torch 的 Adagrad 把梯度乘以 {fmt(want[i])}，你的答案"
                    f"是 {fmt(got[i])}。", key)


EXERCISES = (ADAMW_SETTLES, ADAGRAD_EFFECTIVE_LR)
