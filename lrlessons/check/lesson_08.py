"""Lesson 08's exercises: one Adam step by hand; Adagrad's effective lr after n equal
gradients. Both run torch's own optimizer on the same gradients."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .core import NUMBER, Exercise, Result, fmt, mistake, number

ADAM_CASES = ((0.01, 0.9, 0.999, 1e-8, 1.0), (0.1, 0.8, 0.99, 1e-8, 1.0),
              (0.001, 0.9, 0.999, 1e-8, 1e-7), (0.05, 0.0, 0.9, 1e-3, 0.1))

ADAM_STEP = Exercise(
    "08.1", "adam_step",
    {"en": "`my_adam_step(w, g, m, v, t, lr, beta1, beta2, eps)`: one Adam step as torch does "
           "it, returning the new `w` and the raw `m`, `v` (the one transcription of the lesson)",
     "zh": "`my_adam_step(w, g, m, v, t, lr, beta1, beta2, eps)`：按 torch 的做法写出 Adam 的一步，"
           "返回新的 `w` 和未经修正的 `m`、`v`（本课唯一一道抄写公式的题）"},
    {"en": "`check.adam_step`: the function run as a loop over 20 random gradients in each of 4 "
           "settings (lr, betas, eps, gradient sizes 1e-7 to 1) against `torch.optim.Adam` on the "
           "same gradients, every step",
     "zh": "`check.adam_step`：在 4 组设置（lr、betas、eps、梯度大小 1e-7 到 1）下各用 20 个随机梯度"
           "循环调用该函数，每一步都与相同梯度下的 `torch.optim.Adam` 比较"},
    (mistake("uncorrected", "no bias correction", "没有偏差修正",
             "That is Adam without bias correction: divide m by 1 - beta1**t and v by "
             "1 - beta2**t before using them.",
             "这是没有偏差修正的 Adam：使用前要把 m 除以 1 - beta1**t，把 v 除以 1 - beta2**t。"),
     mistake("eps inside", "ε inside the root", "ε 放在平方根里",
             "eps goes outside the square root: sqrt(v_hat) + eps.",
             "eps 要加在平方根外面：sqrt(v_hat) + eps。"),
     mistake("keras", "ε added before the correction", "在修正之前加 ε",
             "That is Keras' Adam: it adds eps to sqrt(v) before the correction. torch adds it to "
             "sqrt(v_hat) = sqrt(v / (1 - beta2**t)).",
             "这是 Keras 的 Adam：它在修正之前把 eps 加到 sqrt(v) 上。torch 是加到 "
             "sqrt(v_hat) = sqrt(v / (1 - beta2**t)) 上。"),
     mistake("t + 1", "`t + 1`", "用了 `t + 1`",
             "The correction uses t, the number of this step counted from 1 (1 - beta**t), not "
             "t + 1.",
             "修正用的是 t，即从 1 开始数的本步序号（1 - beta**t），不是 t + 1。"),
     mistake("old moments", "old `m`, `v`", "用了旧的 `m`、`v`",
             "Update m and v with this step's gradient first, then use the new values.",
             "先用本步的梯度更新 m 和 v，再用更新后的值。"),
     mistake("ascent", "`w + ...`", "写成 `w + ...`",
             "The step goes against the gradient: w - lr * ...",
             "这一步应当逆着梯度走：w - lr * ..."),
     mistake("corrected state", "bias-corrected `m`, `v` returned", "返回了修正后的 `m`、`v`",
             "w is right, but return the raw moving averages m and v (before the bias "
             "correction): the next step builds on them.",
             "w 是对的，但要返回未经偏差修正的移动平均 m 和 v：下一步要在它们的基础上继续。"),
     mistake("other", "anything else", "其他错误",
             "Compare each line with the update rule of the lesson.",
             "把每一行和课里的更新规则对照一下。"),
     mistake("shape", "not three arrays", "不是三个数组",
             "Return (w, m, v): the new parameters and moving averages.",
             "请返回 (w, m, v)：新的参数和两个移动平均。")))


def _adam_variants(w, g, m, v, t, lr, b1, b2, eps):
    """What the common slips give from the same inputs: (key, w)."""
    m1, v1 = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
    c1, c2 = 1 - b1 ** t, 1 - b2 ** t
    with np.errstate(all="ignore"):
        return (
            ("uncorrected", w - lr * m1 / (np.sqrt(v1) + eps)),
            ("eps inside", w - lr * (m1 / c1) / np.sqrt(v1 / c2 + eps)),
            ("keras", w - lr * math.sqrt(c2) / c1 * m1 / (np.sqrt(v1) + eps)),
            ("t + 1", w - lr * (m1 / (1 - b1 ** (t + 1))) / (np.sqrt(v1 / (1 - b2 ** (t + 1)))
                                                              + eps)),
            ("old moments", w - lr * (m / c1) / (np.sqrt(v / c2) + eps)),
            ("ascent", w + lr * (m1 / c1) / (np.sqrt(v1 / c2) + eps)),
        )


def adam_step(fn: Callable, steps: int = 20) -> Result:
    """Check ``fn(w, g, m, v, t, lr, beta1, beta2, eps) -> (w, m, v)``, one Adam step (t counts
    from 1; m and v the raw moving averages, not bias-corrected), run as a loop over random
    gradients with several settings against ``torch.optim.Adam`` on the same gradients."""
    import torch

    ex = ADAM_STEP
    for case, (lr, b1, b2, eps, scale) in enumerate(ADAM_CASES):
        rng = np.random.default_rng(case)
        grads = scale * rng.normal(0.3, 1.0, (steps, 4))
        p = torch.tensor(rng.normal(0, 1, 4), dtype=torch.float64, requires_grad=True)
        opt = torch.optim.Adam([p], lr=lr, betas=(b1, b2), eps=eps)
        w, m, v = p.detach().numpy().copy(), np.zeros(4), np.zeros(4)
        for t, g in enumerate(grads, start=1):
            inputs = (w.copy(), g.copy(), m.copy(), v.copy(), t, lr, b1, b2, eps)
            answer = ex.capture(fn, inputs, f"at step {t}", f"在第 {t} 步")
            if answer.problem is not None:
                return answer.problem
            try:
                w_new, m_new, v_new = (np.asarray(a, dtype=float).reshape(4)
                                       for a in answer.value)
            except (TypeError, ValueError):
                return ex.wrong(f"Got {answer.value!r}.", f"收到的是 {answer.value!r}。", "shape")
            p.grad = torch.tensor(g)
            opt.step()
            want = p.detach().numpy().copy()
            state = opt.state[p]
            want_m, want_v = state["exp_avg"].numpy(), state["exp_avg_sq"].numpy()
            setting = f"lr={lr:g}, beta1={b1:g}, beta2={b2:g}, eps={eps:g}"
            if not np.allclose(w_new, want, rtol=1e-9, atol=0):
                key = next((k for k, cand in _adam_variants(*inputs)
                            if np.allclose(w_new, cand, rtol=1e-9, atol=0)), "other")
                return ex.wrong(f"Step {t} ({setting}, gradients ~{scale:g}): torch gives w[0] = "
                                f"{want[0]:.10g}, yours {w_new[0]:.10g}.",
                                f"第 {t} 步（{setting}，梯度约 {scale:g}）：torch 得到 w[0] = "
                                f"{want[0]:.10g}，你的是 {w_new[0]:.10g}。", key)
            if not (np.allclose(m_new, want_m, rtol=1e-9) and np.allclose(v_new, want_v,
                                                                          rtol=1e-9)):
                return ex.wrong(f"Step {t}:", f"第 {t} 步：", "corrected state")
            w, m, v = w_new, m_new, v_new
    return ex.ok(f"Your Adam step matches torch.optim.Adam at every step of {len(ADAM_CASES)} "
                 f"runs of {steps} random gradients (different lr, betas, eps and gradient sizes).",
                 f"你的 Adam 一步在 {len(ADAM_CASES)} 组各 {steps} 个随机梯度（不同的 lr、betas、"
                 f"eps 和梯度大小）的每一步都与 torch.optim.Adam 一致。")


ADAGRAD_CASES = ((0.01, 0.5, 1), (0.01, 0.5, 100), (0.1, 2.0, 25), (0.5, -0.1, 400),
                 (0.05, 3.0, 7))

ADAGRAD_EFFECTIVE_LR = Exercise(
    "08.2", "adagrad_effective_lr",
    {"en": "`adagrad_effective_lr(lr, g, n)`: the factor Adagrad multiplies a constant gradient "
           "`g` by at step `n` (a derivation: lr / (√n·|g| + ε))",
     "zh": "`adagrad_effective_lr(lr, g, n)`：梯度恒为 `g` 时，Adagrad 在第 `n` 步乘在梯度上的因子"
           "（推导题：lr / (√n·|g| + ε)）"},
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
            return ex.wrong(f"Got {answer.value!r}.", f"收到的是 {answer.value!r}。", "number")
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
                     f"全部 {len(ADAGRAD_CASES)} 种情况都对：同一个梯度 g 走了 n 步之后，因子是 "
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


EXERCISES = (ADAM_STEP, ADAGRAD_EFFECTIVE_LR)
