r"""Gradient descent on a quadratic: what one learning rate does, before any schedule.

On :math:`f(x) = \tfrac{a}{2} x^2` one step is :math:`x_{k+1} = x_k - \eta a x_k = (1 - \eta a)
x_k`, so the whole story is the factor :math:`1 - \eta a`: it creeps for small
:math:`\eta a`, lands in one step at :math:`\eta a = 1`, overshoots and oscillates for
:math:`1 < \eta a < 2` and diverges beyond :math:`\eta a = 2`. In two dimensions with
curvatures :math:`a_1 < a_2` one :math:`\eta` serves both directions: the steep one limits it,
the flat one then creeps.
"""

from __future__ import annotations

import numpy as np

from .params import Param

CURVATURE = Param("curvature", 1.0, "float", "curvature a of f(x) = a x^2 / 2",
                  "f(x) = a x^2 / 2 的曲率 a", 0.0, None, low_open=True, scale="log", ui=(0.1, 10.0))
LR = Param("lr", 0.3, "float", "learning rate", "学习率", 0.0, None, low_open=True, scale="log",
           ui=(0.01, 3.0))
STEPS = Param("steps", 12, "int", "gradient steps", "梯度下降步数", 1, 10_000, ui=(1, 60))
CURVATURES_2D = (0.2, 2.0)  # a flat and a steep direction: condition number 10


def descend(lr: float, curvature: float = 1.0, x0: float = 1.0, steps: int = 12) -> np.ndarray:
    """Positions x_0 .. x_steps of gradient descent on f(x) = curvature * x^2 / 2."""
    lr, curvature, steps = LR.check(lr), CURVATURE.check(curvature), STEPS.check(steps)
    factor = 1.0 - lr * curvature
    with np.errstate(over="ignore"):
        return float(x0) * factor ** np.arange(steps + 1, dtype=float)


def descend_2d(lr: float, curvatures=CURVATURES_2D, start=(-2.0, 1.0), steps: int = 12):
    """Positions (steps + 1, 2) of gradient descent on f = (a1 x^2 + a2 y^2) / 2."""
    a = np.array([CURVATURE.check(c) for c in curvatures])
    lr, steps = LR.check(lr), STEPS.check(steps)
    with np.errstate(over="ignore"):
        return np.asarray(start, float) * (1.0 - lr * a) ** np.arange(steps + 1)[:, None]


def regime(lr: float, curvature: float = 1.0) -> tuple[str, str]:
    """What this learning rate does on this curvature, in (English, Chinese)."""
    q = lr * curvature
    if q < 0.2:
        return "too small: creeps", "太小：慢慢挪"
    if q < 0.95:
        return "good: steady descent", "合适：稳步下降"
    if q <= 1.05:
        return "about 1/a: one step", "约等于 1/a：一步到位"
    if q < 2.0:
        return "large: oscillates, converges", "偏大：来回振荡但收敛"
    if q == 2.0:
        return "2/a: oscillates forever", "正好 2/a：永远振荡"
    return "too large: diverges", "太大：发散"




NOISE = Param("noise", 1.0, "float", "standard deviation of the gradient noise",
              "梯度噪声的标准差", 0.0, None, ui=(0.0, 3.0))
RUNS = Param("runs", 500, "int", "runs averaged", "取平均的运行次数", 1, 100_000)


def noisy_descent(lrs, curvature: float = 1.0, noise: float = 1.0, x0: float = 10.0,
                  runs: int = 500, seed: int = 0) -> np.ndarray:
    r"""Stochastic gradient descent on f(x) = curvature * x^2 / 2 whose gradient carries noise,
    as a minibatch gradient does: g = a x + noise * N(0, 1). Step k uses ``lrs[k]``.

    Returns the mean over ``runs`` independent runs of the squared distance to the minimum,
    x_k^2, for k = 0 .. len(lrs). With a constant lr it levels off at ``noise_floor``: the noise
    keeps kicking x around the minimum however long training runs; a decaying lr goes below.

    >>> float(noisy_descent([0.5] * 400, runs=4000)[-1].round(2))  # noise_floor(0.5) = 1/3
    0.33
    """
    lrs = [LR.check(v) for v in np.ravel(lrs)]
    curvature, noise = CURVATURE.check(curvature), NOISE.check(noise)
    runs = RUNS.check(runs)
    rng = np.random.default_rng(seed)
    x = np.full(runs, float(x0))
    out = np.empty(len(lrs) + 1)
    out[0] = x0 ** 2
    for k, lr in enumerate(lrs):
        x = x - lr * (curvature * x + noise * rng.standard_normal(runs))
        out[k + 1] = np.mean(x ** 2)
    return out


def noise_floor(lr: float, curvature: float = 1.0, noise: float = 1.0) -> float:
    r"""Where a constant lr levels off: the stationary mean of x^2 for SGD with gradient noise,
    :math:`\eta\sigma^2 / (a(2 - \eta a))` (for :math:`0 < \eta a < 2`). Smaller steps, a
    lower floor: the reason to decay the learning rate late in training."""
    lr, curvature, noise = LR.check(lr), CURVATURE.check(curvature), NOISE.check(noise)
    q = lr * curvature
    return lr * noise ** 2 / (curvature * (2 - q)) if q < 2 else float("inf")


__all__ = ["CURVATURE", "CURVATURES_2D", "LR", "STEPS", "descend", "descend_2d", "noise_floor",
           "noisy_descent", "regime"]
