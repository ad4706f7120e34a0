r"""The update rules of SGD, momentum, Adagrad, RMSprop, Adam and AdamW as small numpy steps.

Each ``*_step(w, g, state, lr, ...)`` takes the parameters ``w``, their gradient ``g``, the
optimizer's memory ``state`` (a dict, filled on the first step) and this step's learning rate,
and returns the new parameters; it updates ``state`` in place. The arithmetic is torch.optim's,
with torch's defaults, in the same order (tests/test_optimizers.py holds every rule equal to
``torch.optim`` over random gradient sequences while a schedule changes the lr). Each step also
leaves ``state["effective_lr"]``: the per-parameter factor the step multiplies its direction
(the gradient, or Adam's bias-corrected first moment m_hat) by: ``lr`` for SGD,
``lr / (sqrt(G) + eps)`` for Adagrad, ``lr / (sqrt(v_hat) + eps)`` for Adam, the "learning rate
each parameter really gets".

``run`` applies a rule to a sequence of gradients or to a gradient function (a 2-D surface),
with one lr per step; ``torch_run`` and ``keras_run`` do the same with the frameworks' own
optimizers, so a lesson can put the three side by side.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .params import Param, fail

# The optimizers of lesson 08; "momentum" is SGD with momentum (0.9 unless given).
NAMES = ("sgd", "momentum", "adagrad", "rmsprop", "adam", "adamw")
TITLES = {"sgd": "SGD", "momentum": "SGD + momentum", "adagrad": "Adagrad", "rmsprop": "RMSprop",
          "adam": "Adam", "adamw": "AdamW"}

_LR = Param("lr", 0.01, "float", "learning rate", "学习率", 0.0, None, low_open=True)
_MOMENTUM = Param("momentum", 0.0, "float", "momentum", "动量", 0.0, 1.0, high_open=True)
_BETA = Param("beta", 0.9, "float", "moving-average factor (beta)", "移动平均因子（beta）", 0.0, 1.0,
              high_open=True)
_EPS = Param("eps", 1e-8, "float", "epsilon added to the denominator", "加到分母上的 epsilon",
             0.0, None)
_DECAY = Param("weight_decay", 0.0, "float", "weight decay", "权重衰减", 0.0, None)
_ACC0 = Param("initial_accumulator_value", 0.0, "float", "Adagrad's starting sum of squares",
              "Adagrad 平方和的初始值", 0.0, None)
_NAME = Param("optimizer", "sgd", "choice", "optimizer", "优化器", choices=NAMES)


def _beta(name: str, value: float) -> float:
    return Param(name, 0.9, "float", _BETA.en, _BETA.zh, 0.0, 1.0, high_open=True).check(value)


# --- the rules --------------------------------------------------------------------------------


def sgd_step(w, g, state: dict, lr: float, momentum: float = 0.0, weight_decay: float = 0.0,
             nesterov: bool = False) -> np.ndarray:
    """SGD: w <- w - lr * d, with d = g (+ weight_decay * w), or with momentum the buffer
    b <- momentum * b + d (b = d on the first step). The lr multiplies the whole buffer, so a
    new lr applies at once to all the speed gathered so far."""
    d = g + weight_decay * w if weight_decay else g
    if momentum:
        b = state.get("buffer")
        b = d.copy() if b is None else momentum * b + d
        state["buffer"] = b
        d = d + momentum * b if nesterov else b
    state["effective_lr"] = np.full_like(w, lr)
    return w - lr * d


def adagrad_step(w, g, state: dict, lr: float, eps: float = 1e-10, weight_decay: float = 0.0,
                 initial_accumulator_value: float = 0.0) -> np.ndarray:
    """Adagrad: the sum of every squared gradient so far, G <- G + g^2, divides the step:
    w <- w - lr * g / (sqrt(G) + eps). G only grows, so each parameter's step only shrinks."""
    d = g + weight_decay * w if weight_decay else g
    total = state.get("sum")
    total = np.full_like(w, initial_accumulator_value) if total is None else total
    total = total + d * d
    state["sum"] = total
    state["effective_lr"] = lr / (np.sqrt(total) + eps)
    return w - state["effective_lr"] * d


def rmsprop_step(w, g, state: dict, lr: float, alpha: float = 0.99, eps: float = 1e-8,
                 momentum: float = 0.0, weight_decay: float = 0.0) -> np.ndarray:
    """RMSprop: a moving average of squared gradients, v <- alpha * v + (1 - alpha) * g^2,
    divides the step: w <- w - lr * g / (sqrt(v) + eps). Old gradients fade, so the step does not
    keep shrinking. With momentum the divided gradient goes into a buffer first."""
    d = g + weight_decay * w if weight_decay else g
    v = state.get("square_avg", np.zeros_like(w))
    v = alpha * v + (1 - alpha) * d * d
    state["square_avg"] = v
    avg = np.sqrt(v) + eps
    state["effective_lr"] = lr / avg
    if momentum:
        b = momentum * state.get("buffer", np.zeros_like(w)) + d / avg
        state["buffer"] = b
        return w - lr * b
    return w - lr * d / avg


def adam_step(w, g, state: dict, lr: float, betas=(0.9, 0.999), eps: float = 1e-8,
              weight_decay: float = 0.0, decoupled: bool = False,
              bias_correction: bool = True) -> np.ndarray:
    """Adam: moving averages of the gradient, m <- b1 m + (1 - b1) g, and of its square,
    v <- b2 v + (1 - b2) g^2; both start at 0, so step t divides them by 1 - b^t (bias
    correction), then w <- w - lr * m_hat / (sqrt(v_hat) + eps). ``weight_decay`` is L2 added to
    the gradient (torch's Adam), or with ``decoupled=True`` a shrink w <- w * (1 - lr * wd) before
    the step (AdamW). ``bias_correction=False`` drops the correction (not an option of torch:
    lesson 08 shows why it is there)."""
    b1, b2 = betas
    t = state.get("step", 0) + 1
    state["step"] = t
    if decoupled:
        w = w * (1 - lr * weight_decay)
        d = g
    else:
        d = g + weight_decay * w if weight_decay else g
    m = state.get("exp_avg", np.zeros_like(w))
    v = state.get("exp_avg_sq", np.zeros_like(w))
    m = m + (1 - b1) * (d - m)  # torch's lerp: the same as b1 * m + (1 - b1) * d
    v = b2 * v + (1 - b2) * d * d
    state["exp_avg"], state["exp_avg_sq"] = m, v
    c1, c2 = (1 - b1 ** t, 1 - b2 ** t) if bias_correction else (1.0, 1.0)
    denominator = np.sqrt(v) / math.sqrt(c2) + eps
    # lesson 08's definition: the factor in front of m_hat = m / c1, i.e. lr / (sqrt(v_hat) + eps)
    state["effective_lr"] = lr / denominator
    return w - (lr / c1) * m / denominator


def adamw_step(w, g, state: dict, lr: float, betas=(0.9, 0.999), eps: float = 1e-8,
               weight_decay: float = 0.01) -> np.ndarray:
    """AdamW: Adam whose weight decay is decoupled from the gradient: w <- w * (1 - lr * wd),
    then the Adam step on the loss' gradient alone (torch's default wd is 0.01)."""
    return adam_step(w, g, state, lr, betas, eps, weight_decay, decoupled=True)


STEPS: dict[str, Callable] = {"sgd": sgd_step, "momentum": sgd_step, "adagrad": adagrad_step,
                              "rmsprop": rmsprop_step, "adam": adam_step, "adamw": adamw_step}


def settings(name: str, **hyper) -> dict:
    """The keyword arguments of ``name``'s step, validated (bilingual errors at the boundary);
    "momentum" defaults to momentum=0.9."""
    name = _NAME.check(name)
    if name == "momentum":
        hyper.setdefault("momentum", 0.9)
    checks = {"momentum": _MOMENTUM.check, "weight_decay": _DECAY.check, "eps": _EPS.check,
              "initial_accumulator_value": _ACC0.check, "alpha": lambda v: _beta("alpha", v)}
    allowed = set(STEPS[name].__code__.co_varnames[4:STEPS[name].__code__.co_argcount])
    out = {}
    for key, value in hyper.items():
        if key not in allowed:
            raise fail(f"{TITLES[name]} has no setting {key!r}; it takes: {', '.join(sorted(allowed))}",
                       f"{TITLES[name]} 没有参数 {key!r}；可用的参数：{', '.join(sorted(allowed))}",
                       TypeError)
        if key == "betas":
            value = tuple(value)
            if len(value) != 2:
                raise fail(f"betas must be two numbers (beta1, beta2), got {value}",
                           f"betas 必须是两个数 (beta1, beta2)，你给出的是 {value}")
            value = (_beta("beta1", value[0]), _beta("beta2", value[1]))
        elif key in checks:
            value = checks[key](value)
        out[key] = value
    return out


# --- runs -------------------------------------------------------------------------------------


@dataclass
class Path:
    """What ``run`` produced: ``w`` the parameters after 0..n steps (n + 1 rows), ``effective_lr``
    the per-parameter factor of each step (n rows), ``grads`` the gradients used (n rows)."""

    name: str
    w: np.ndarray
    effective_lr: np.ndarray
    grads: np.ndarray

    @property
    def steps(self) -> np.ndarray:
        """The change of the parameters at each step (n rows)."""
        return np.diff(self.w, axis=0)


def _lrs(lr, n: int) -> np.ndarray:
    lrs = np.broadcast_to(np.asarray(lr, dtype=float), (n,)).copy() if np.ndim(lr) == 0 \
        else np.asarray(lr, dtype=float)
    if lrs.shape != (n,):
        raise fail(f"lr must be one number or one per step ({n}), got {lrs.size} values",
                   f"lr 必须是一个数，或每步一个（共 {n} 个），你给出的是 {lrs.size} 个")
    for value in lrs:
        _LR.check(float(value))
    return lrs


def _gradients(grads, steps: int | None):
    """(gradient function of w, number of steps) from an array of gradients or a function."""
    if callable(grads):
        if steps is None:
            raise fail("with a gradient function, give steps=", "给出梯度函数时，需要 steps=",
                       TypeError)
        return grads, int(steps)
    table = np.asarray(grads, dtype=float)
    if table.ndim == 1:
        table = table[:, None]
    return (lambda w, k: table[k]), len(table)


def run(name: str, grads, w0, lr, steps: int | None = None, **hyper) -> Path:
    """Optimizer ``name`` from ``w0``: ``grads`` is an array of gradients (one row per step) or
    a function ``grad(w)`` (then give ``steps``); ``lr`` one number or one per step (what a
    schedule gives). Returns a ``Path``."""
    kwargs = settings(name, **hyper)
    fn, n = _gradients(grads, steps)
    lrs = _lrs(lr, n)
    w = np.asarray(w0, dtype=float).copy()
    state: dict = {}
    ws, effective, used = [w], [], []
    with np.errstate(all="ignore"):  # a diverging run is a result, not an error
        for k in range(n):
            g = np.asarray(fn(w, k) if not callable(grads) else fn(w), dtype=float)
            w = STEPS[name](w, g, state, float(lrs[k]), **kwargs)
            ws.append(w)
            effective.append(state["effective_lr"])
            used.append(g)
            if not np.all(np.isfinite(w)):
                break  # blown up: the rest of the path is NaN
    missing = n - len(used)
    nan = np.full((missing, len(ws[0])), np.nan)
    return Path(name, np.vstack([ws, nan]), np.vstack([effective, nan]) if effective else nan,
                np.vstack([used, nan]) if used else nan)


# --- the frameworks on the same gradients -----------------------------------------------------

_TORCH = {"sgd": "SGD", "momentum": "SGD", "adagrad": "Adagrad", "rmsprop": "RMSprop",
          "adam": "Adam", "adamw": "AdamW"}


def torch_run(name: str, grads, w0, lr, steps: int | None = None, **hyper) -> np.ndarray:
    """``torch.optim``'s own optimizer on the same gradients (float64 parameters), its lr set
    before each step as a scheduler sets it: the parameters after 0..n steps."""
    import torch

    kwargs = settings(name, **hyper)
    kwargs.pop("decoupled", None)
    kwargs.pop("bias_correction", None)
    fn, n = _gradients(grads, steps)
    lrs = _lrs(lr, n)
    p = torch.tensor(np.asarray(w0, dtype=float), dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, _TORCH[name])([p], lr=float(lrs[0]), **kwargs)
    out = [p.detach().numpy().copy()]
    for k in range(n):
        w = p.detach().numpy().copy()
        p.grad = torch.tensor(np.asarray(fn(w, k) if not callable(grads) else fn(w), dtype=float),
                              dtype=torch.float64)
        opt.param_groups[0]["lr"] = float(lrs[k])
        opt.step()
        out.append(p.detach().numpy().copy())
    return np.array(out)


_KERAS = {"sgd": "SGD", "momentum": "SGD", "adagrad": "Adagrad", "rmsprop": "RMSprop",
          "adam": "Adam", "adamw": "AdamW"}


def keras_run(name: str, grads, w0, lr, steps: int | None = None, **keras_kwargs) -> np.ndarray:
    """Keras 3's optimizer ``name`` (its own keyword names and defaults: ``rho``, ``beta_1``,
    ``epsilon``...) on the same gradients, with float64 variables so only the rule differs; its
    lr set before each step. Keras keeps the lr in a float32 variable: an lr that float32 cannot
    hold exactly (0.1) differs from torch's by about 1e-9 relative; powers of two do not."""
    from .keras_bridge import _keras

    keras = _keras()
    fn, n = _gradients(grads, steps)
    lrs = _lrs(lr, n)
    if name == "momentum":
        keras_kwargs.setdefault("momentum", 0.9)
    variable = keras.Variable(np.asarray(w0, dtype=np.float64), dtype="float64")
    opt = getattr(keras.optimizers, _KERAS[_NAME.check(name)])(learning_rate=float(lrs[0]),
                                                                **keras_kwargs)
    out = [np.array(keras.ops.convert_to_numpy(variable))]
    for k in range(n):
        w = out[-1].copy()
        g = np.asarray(fn(w, k) if not callable(grads) else fn(w), dtype=np.float64)
        opt.learning_rate = float(lrs[k])
        opt.apply([keras.ops.convert_to_tensor(g, dtype="float64")], [variable])
        out.append(np.array(keras.ops.convert_to_numpy(variable)))
    return np.array(out)


# --- 2-D surfaces -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Surface:
    """A 2-D loss surface for the trajectories: ``f`` and ``grad`` of a point (x, y), where the
    runs start, the lowest value, the view, and a learning rate per optimizer that shows its
    typical behaviour there."""

    name: str
    en: str
    zh: str
    f: Callable
    grad: Callable
    start: tuple[float, float]
    lowest: float
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    lrs: dict
    steps: int


def _quadratic(w):
    return 0.5 * (w[0] ** 2 + 25.0 * w[1] ** 2)


def _saddle(w):
    return 0.5 * w[0] ** 2 + 0.25 * w[1] ** 4 - 0.5 * w[1] ** 2


def _rosenbrock(w):
    return (1 - w[0]) ** 2 + 100.0 * (w[1] - w[0] ** 2) ** 2


SURFACES = {s.name: s for s in (
    Surface("quadratic", "ill-conditioned bowl: f = (x² + 25 y²) / 2",
            "病态碗形：f = (x² + 25 y²) / 2", _quadratic,
            lambda w: np.array([w[0], 25.0 * w[1]]), (-4.5, 1.5), 0.0, (-5.0, 5.0), (-2.0, 2.0),
            dict(sgd=0.07, momentum=0.01, adagrad=1.0, rmsprop=0.03, adam=0.3), 60),
    Surface("saddle", "saddle: f = x²/2 + y⁴/4 − y²/2", "鞍点：f = x²/2 + y⁴/4 − y²/2", _saddle,
            lambda w: np.array([w[0], w[1] ** 3 - w[1]]), (-2.5, 1e-3), -0.25, (-3.0, 3.0),
            (-1.6, 1.6), dict(sgd=0.1, momentum=0.02, adagrad=0.5, rmsprop=0.05, adam=0.1), 60),
    Surface("rosenbrock", "Rosenbrock: f = (1 − x)² + 100 (y − x²)²",
            "Rosenbrock：f = (1 − x)² + 100 (y − x²)²", _rosenbrock,
            lambda w: np.array([-2 * (1 - w[0]) - 400 * w[0] * (w[1] - w[0] ** 2),
                                200 * (w[1] - w[0] ** 2)]),
            (-1.2, 1.0), 0.0, (-2.0, 2.0), (-1.0, 3.0),
            dict(sgd=0.001, momentum=0.0005, adagrad=0.5, rmsprop=0.01, adam=0.1), 500),
)}


def on_surface(name: str, surface: str, lr: float | None = None, steps: int | None = None,
               **hyper) -> Path:
    """``run`` of optimizer ``name`` on one of ``SURFACES`` from its start (the surface's lr for
    that optimizer and its number of steps unless given)."""
    if surface not in SURFACES:
        raise fail(f"surface must be one of {', '.join(SURFACES)}, got {surface!r}",
                   f"surface 必须是 {', '.join(SURFACES)} 之一，你给出的是 {surface!r}")
    s = SURFACES[surface]
    lr = s.lrs[name if name in s.lrs else "adam"] if lr is None else lr
    return run(name, s.grad, s.start, lr, steps or s.steps, **hyper)


# Ported from torch to Keras 3 with the same gradients: (torch optimizer and settings, Keras
# optimizer and settings, lr "constant" or "cut" at the middle, gradient scale). Each pair
# differs in one thing, or in none; lesson 08 reads the measured gap of every row.
KERAS_CASES = (
    (("momentum", {}), ("momentum", {}), "constant", 1.0),
    (("momentum", {}), ("momentum", {}), "cut", 1.0),
    (("rmsprop", {}), ("rmsprop", {}), "cut", 1.0),
    (("rmsprop", {"eps": 1e-8}), ("rmsprop", {"rho": 0.99, "epsilon": 1e-8}), "cut", 1.0),
    (("rmsprop", {"eps": 0.0}), ("rmsprop", {"rho": 0.99, "epsilon": 0.0}), "cut", 1.0),
    (("adagrad", {}), ("adagrad", {}), "cut", 1.0),
    (("adagrad", {"eps": 0.0}), ("adagrad", {"initial_accumulator_value": 0.0, "epsilon": 0.0}),
     "cut", 1.0),
    (("adam", {"eps": 1e-8}), ("adam", {"epsilon": 1e-8}), "cut", 1.0),
    (("adam", {}), ("adam", {}), "cut", 1e-6),
    (("adam", {"eps": 1e-8}), ("adam", {"epsilon": 1e-8}), "cut", 1e-6),
    (("adam", {"eps": 0.0}), ("adam", {"epsilon": 0.0}), "cut", 1e-6),
    (("adam", {"eps": 0.0, "weight_decay": 0.5}), ("adam", {"epsilon": 0.0, "weight_decay": 0.5}),
     "cut", 1.0),
    (("adamw", {"eps": 0.0, "weight_decay": 0.5}), ("adam", {"epsilon": 0.0, "weight_decay": 0.5}),
     "cut", 1.0),
)


def step_cut(steps: int = 100, lr: float = 2.0 ** -4, factor: float = 0.25) -> np.ndarray:
    """An lr cut by ``factor`` at the middle: what a schedule does. The defaults are powers of
    two, exact in Keras' float32 lr variable, so only the update rules differ."""
    return np.where(np.arange(steps) < steps // 2, lr, lr * factor)


def gap(a: np.ndarray, b: np.ndarray) -> float:
    """The largest difference of two paths of parameters, relative to how far ``a`` moved."""
    return float(np.max(np.abs(b - a)) / np.max(np.abs(a - a[0])))


def keras_gaps(cases=KERAS_CASES, steps: int = 100, seed: int = 1) -> list[tuple]:
    """Each case of ``KERAS_CASES`` run by torch and by Keras on the same random gradients:
    (torch call, Keras call, lr, gradient scale, gap)."""
    grads, w0 = random_gradients(steps, seed=seed), np.array([1.0, -2.0, 0.5])
    out = []
    for (t_name, t_kw), (k_name, k_kw), lr, scale in cases:
        lrs = step_cut(steps) if lr == "cut" else np.full(steps, 2.0 ** -4)
        a = torch_run(t_name, grads * scale, w0, lrs, **t_kw)
        b = keras_run(k_name, grads * scale, w0, lrs, **k_kw)
        t_kw = ({"momentum": 0.9} if t_name == "momentum" else {}) | t_kw
        k_kw = ({"momentum": 0.9} if k_name == "momentum" else {}) | k_kw
        out.append((_call(_TORCH[t_name], t_kw), _call(_KERAS[k_name], k_kw), lr, scale,
                    gap(a, b)))
    return out


def _call(cls: str, kwargs: dict) -> str:
    inner = ", ".join(["lr"] + [f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                                for k, v in kwargs.items()])
    return f"{cls}({inner})"


# The settings whose defaults differ between torch.optim and keras.optimizers:
# (optimizer, torch class, torch argument, Keras class, Keras argument).
DEFAULTS = (
    ("SGD", "SGD", "lr", "SGD", "learning_rate"),
    ("Adagrad", "Adagrad", "lr", "Adagrad", "learning_rate"),
    ("Adagrad", "Adagrad", "eps", "Adagrad", "epsilon"),
    ("Adagrad", "Adagrad", "initial_accumulator_value", "Adagrad", "initial_accumulator_value"),
    ("RMSprop", "RMSprop", "lr", "RMSprop", "learning_rate"),
    ("RMSprop", "RMSprop", "alpha", "RMSprop", "rho"),
    ("RMSprop", "RMSprop", "eps", "RMSprop", "epsilon"),
    ("Adam", "Adam", "eps", "Adam", "epsilon"),
    ("AdamW", "AdamW", "weight_decay", "AdamW", "weight_decay"),
)


def default_settings() -> list[tuple]:
    """(optimizer, "torch arg = default", "Keras arg = default") for each row of ``DEFAULTS``,
    read from the installed classes' signatures (so a new release is measured, not assumed)."""
    import inspect

    import torch

    from .keras_bridge import _keras

    keras = _keras()
    out = []
    for title, t_cls, t_arg, k_cls, k_arg in DEFAULTS:
        t = inspect.signature(getattr(torch.optim, t_cls)).parameters[t_arg].default
        k = inspect.signature(getattr(keras.optimizers, k_cls)).parameters[k_arg].default
        out.append((title, f"{t_arg}={t:g}", f"{k_arg}={k:g}"))
    return out


def noisy_quadratic(noise, curvature: float = 1.0, optimum: float = 1.0, seed: int = 0):
    """A gradient function for ``run``: the loss sum(curvature * (w - optimum)**2 / 2) seen
    through mini-batch noise, grad(w) = curvature * (w - optimum) + noise * N(0, 1), one fresh
    draw per call from its own seeded generator (build one per run: the same seed gives every
    optimizer the same noise). ``noise`` is one standard deviation per weight."""
    noise = np.asarray(noise, dtype=float)
    if noise.ndim != 1 or not np.all(np.isfinite(noise)) or np.any(noise < 0):
        raise fail(f"noise must be one finite number >= 0 per weight, got {noise!r}",
                   f"noise 必须是每个权重一个有限的非负数，你给出的是 {noise!r}")
    rng = np.random.default_rng(seed)
    return lambda w: curvature * (np.asarray(w) - optimum) + noise * rng.standard_normal(len(noise))


def random_gradients(steps: int, size: int = 3, scale: float = 1.0, seed: int = 0,
                     drift: float = 0.1) -> np.ndarray:
    """A reproducible sequence of gradients (steps x size): noise around a mean that drifts by
    ``drift`` per step (0: a stationary noise), so the moving averages have something to
    follow."""
    rng = np.random.default_rng(seed)
    drift = np.cumsum(rng.normal(0, drift, (steps, size)), axis=0)
    return scale * (drift + rng.normal(0, 1.0, (steps, size)))


__all__ = ["DEFAULTS", "KERAS_CASES", "default_settings", "NAMES", "gap", "keras_gaps", "step_cut", "SURFACES", "Path", "Surface", "TITLES", "on_surface", "adagrad_step", "adam_step", "adamw_step", "keras_run",
           "noisy_quadratic", "random_gradients", "rmsprop_step", "run", "settings", "sgd_step", "torch_run"]
