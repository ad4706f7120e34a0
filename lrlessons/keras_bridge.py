"""Keras 3 equivalents of the catalogue entries, and the curve Keras itself computes.

``keras_schedule`` builds the Keras object a lesson shows (a ``keras.optimizers.schedules``
schedule, or a ``keras.callbacks`` callback); ``keras_curve`` evaluates it: a schedule at steps
0..steps-1 (the step ``t`` of ``curve()`` is the schedule's ``step`` argument), a callback driven
epoch by epoch against a real ``keras.optimizers.SGD``, reading its learning rate. The values are
Keras' own, computed in float32, including where Keras differs from the framework that owns the
entry: CosineDecay holds ``alpha * lr`` after ``decay_steps`` where torch's CosineAnnealingLR and
transformers' cosine climb back up, and ReduceLROnPlateau compares the monitored value in float32
(an improvement below float32 resolution counts as none in Keras, as one in torch).

Keras runs on its torch backend: this module sets ``KERAS_BACKEND=torch`` unless it is already
set, and keras is imported on first use, after the parameters have been validated.
"""

from __future__ import annotations

import math
import os
import sys
import types
from collections.abc import Callable
from typing import Any

import numpy as np

from .catalogue import SCHEDULES, check_base_lr, check_finite, check_steps, get, resolve
from .params import Schedule, fail

os.environ.setdefault("KERAS_BACKEND", "torch")


def _keras():
    """The keras module, on its torch backend; a clear error for any other backend."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    wanted = os.environ["KERAS_BACKEND"]
    if "keras" not in sys.modules and wanted != "torch":
        raise fail(f"KERAS_BACKEND is {wanted!r}, but lrlessons runs Keras 3 on its torch "
                   f"backend: set KERAS_BACKEND=torch (or unset it) before importing keras",
                   f"KERAS_BACKEND 是 {wanted!r}，而 lrlessons 在 torch 后端上运行 Keras 3："
                   f"请在导入 keras 之前设置 KERAS_BACKEND=torch（或不设置它）", RuntimeError)
    import keras

    backend = keras.config.backend()
    if backend != "torch":
        raise fail(f"keras was already imported with the {backend!r} backend, but lrlessons runs "
                   f"Keras 3 on its torch backend: restart Python and set KERAS_BACKEND=torch "
                   f"before importing keras",
                   f"keras 已经以 {backend!r} 后端导入，而 lrlessons 在 torch 后端上运行 Keras 3："
                   f"请重启 Python，并在导入 keras 之前设置 KERAS_BACKEND=torch", RuntimeError)
    return keras


def _schedules():
    return _keras().optimizers.schedules


# --- one builder per entry with a Keras equivalent: (base_lr, resolved params) -> keras object ---


def _lambda_lr(base_lr: float, p: dict):
    lr_lambda = p["lr_lambda"]

    # lr=None: on a TypeError Keras retries schedule(epoch), so lr_lambda's own error surfaces.
    def schedule(epoch, lr=None):
        return float(base_lr * lr_lambda(epoch))

    return _keras().callbacks.LearningRateScheduler(schedule)


def _multiplicative_lr(base_lr: float, p: dict):
    lr_lambda = p["lr_lambda"]

    def schedule(epoch, lr=None):
        return float(lr * lr_lambda(epoch)) if epoch > 0 else lr

    return _keras().callbacks.LearningRateScheduler(schedule)


def _step_lr(base_lr: float, p: dict):
    return _schedules().ExponentialDecay(base_lr, decay_steps=p["step_size"],
                                         decay_rate=p["gamma"], staircase=True)


def _piecewise(name: str, boundaries: list, values: list):
    if not boundaries:
        raise fail(f"{name} without boundaries keeps the lr constant, and Keras' "
                   f"PiecewiseConstantDecay needs at least one boundary: give the optimizer "
                   f"learning_rate={values[0]} instead",
                   f"{name} 没有边界时学习率保持不变，而 Keras 的 PiecewiseConstantDecay "
                   f"至少需要一个边界：请直接给优化器设 learning_rate={values[0]}")
    # Keras keeps the old value AT a boundary (step <= b); torch and Paddle switch at it
    # (step >= m): boundary m - 1.
    return _schedules().PiecewiseConstantDecay(boundaries=[b - 1 for b in boundaries],
                                               values=list(values))


def _multi_step_lr(base_lr: float, p: dict):
    ms = p["milestones"]
    return _piecewise("MultiStepLR", ms, [base_lr * p["gamma"] ** i for i in range(len(ms) + 1)])


def _piecewise_decay(base_lr: float, p: dict):
    return _piecewise("PiecewiseDecay", p["boundaries"], p["values"])


def _exponential_lr(base_lr: float, p: dict):
    return _schedules().ExponentialDecay(base_lr, decay_steps=1, decay_rate=p["gamma"])


def _natural_exp_decay(base_lr: float, p: dict):
    return _schedules().ExponentialDecay(base_lr, decay_steps=1, decay_rate=math.exp(-p["gamma"]))


def _inverse_time_decay(base_lr: float, p: dict):
    return _schedules().InverseTimeDecay(base_lr, decay_steps=1, decay_rate=p["gamma"])


def _polynomial_lr(base_lr: float, p: dict):
    return _schedules().PolynomialDecay(base_lr, decay_steps=p["total_iters"],
                                        end_learning_rate=0.0, power=p["power"])


def _polynomial_decay(base_lr: float, p: dict):
    return _schedules().PolynomialDecay(base_lr, decay_steps=p["decay_steps"],
                                        end_learning_rate=p["end_lr"], power=p["power"],
                                        cycle=p["cycle"])


def _cosine_annealing_lr(base_lr: float, p: dict):
    # Past decay_steps Keras holds alpha * lr; torch's cosine climbs back up (catalogue note).
    return _schedules().CosineDecay(base_lr, decay_steps=p["T_max"],
                                    alpha=p["eta_min"] / base_lr)


def _cosine_annealing_warm_restarts(base_lr: float, p: dict):
    return _schedules().CosineDecayRestarts(base_lr, first_decay_steps=p["T_0"],
                                            t_mul=float(p["T_mult"]), m_mul=1.0,
                                            alpha=p["eta_min"] / base_lr)


def _warmup_cosine(base_lr: float, p: dict):
    w, total, cycles = p["num_warmup_steps"], p["num_training_steps"], p["num_cycles"]
    if cycles != 0.5:
        raise fail(f"WarmupCosine matches Keras' CosineDecay only for num_cycles=0.5 (one half "
                   f"cosine down to 0), got num_cycles={cycles}",
                   f"WarmupCosine 只有在 num_cycles=0.5（半个余弦降到 0）时才与 Keras 的 "
                   f"CosineDecay 相同，收到 num_cycles={cycles}")
    if total == w:
        raise fail(f"WarmupCosine with num_training_steps == num_warmup_steps ({w}) has no decay "
                   f"phase, and Keras' CosineDecay needs decay_steps = num_training_steps - "
                   f"num_warmup_steps > 0",
                   f"WarmupCosine 在 num_training_steps == num_warmup_steps（{w}）时没有衰减阶段，"
                   f"而 Keras 的 CosineDecay 需要 decay_steps = num_training_steps - "
                   f"num_warmup_steps > 0")
    if w == 0:
        # No warm-up: the plain cosine from base_lr is the same curve, and Keras evaluates it on a
        # whole vector of steps (the warm-up form branches with ops.cond, one step at a time).
        return _schedules().CosineDecay(base_lr, decay_steps=total)
    return _schedules().CosineDecay(0.0, decay_steps=total - w, warmup_target=base_lr,
                                    warmup_steps=w)


def torch_plateau_floor(base_lr: float, factor: float, min_lr: float, eps: float,
                        reductions: int) -> float:
    """The lowest lr torch's ReduceLROnPlateau reaches within ``reductions`` reductions.

    torch skips a reduction smaller than ``eps`` and then never reduces again (the lr no longer
    changes, so neither does the next cut). The lrs it walks through, max(lr * factor, min_lr)
    repeated, do not depend on the metrics; this is the first one whose next cut is <= eps, or
    min_lr when none is within reach. Keras has no eps: its ``min_lr`` set to this floor stops it
    at the same lr.
    """
    lr, done = float(base_lr), 0
    while done < reductions:
        n = min(4096, reductions - done)
        # np.cumprod multiplies left to right, exactly as torch's repeated lr * factor does.
        chain = np.maximum(np.cumprod(np.r_[lr, np.full(n, float(factor))]), min_lr)
        stop = np.flatnonzero(chain[:-1] - chain[1:] <= eps)
        if stop.size:
            return float(chain[stop[0]])
        lr, done = float(chain[-1]), done + n
    return float(min_lr)


def _reduce_lr_on_plateau(base_lr: float, p: dict):
    if p["threshold_mode"] == "rel" and p["threshold"] != 0:
        raise fail(f"Keras' ReduceLROnPlateau has only absolute thresholds (min_delta): use "
                   f"threshold_mode='abs' (or threshold=0), got threshold_mode='rel' with "
                   f"threshold={p['threshold']}",
                   f"Keras 的 ReduceLROnPlateau 只有绝对阈值（min_delta）：请使用 "
                   f"threshold_mode='abs'（或 threshold=0），收到 threshold_mode='rel'、"
                   f"threshold={p['threshold']}")
    reductions = len(p["metrics"]) or 10_000_000  # at most one reduction per metric value
    floor = torch_plateau_floor(base_lr, p["factor"], p["min_lr"], p["eps"], reductions)
    # torch reduces after MORE than `patience` bad values, Keras after `patience`; Keras counts
    # its cooldown down before looking at the value, torch after: both are off by one.
    return _keras().callbacks.ReduceLROnPlateau(
        monitor="val_loss", mode=p["mode"], factor=p["factor"], patience=p["patience"] + 1,
        cooldown=p["cooldown"] + 1, min_delta=p["threshold"], min_lr=max(floor, p["min_lr"]))


# name -> builder. The catalogue's ``Schedule.keras`` names the same equivalents in words; the
# tests hold the two sets equal.
KERAS_EQUIVALENTS: dict[str, Callable[[float, dict], Any]] = {
    "LambdaLR": _lambda_lr,
    "MultiplicativeLR": _multiplicative_lr,
    "StepLR": _step_lr,
    "MultiStepLR": _multi_step_lr,
    "ExponentialLR": _exponential_lr,
    "PolynomialLR": _polynomial_lr,
    "CosineAnnealingLR": _cosine_annealing_lr,
    "CosineAnnealingWarmRestarts": _cosine_annealing_warm_restarts,
    "ReduceLROnPlateau": _reduce_lr_on_plateau,
    "PiecewiseDecay": _piecewise_decay,
    "NaturalExpDecay": _natural_exp_decay,
    "InverseTimeDecay": _inverse_time_decay,
    "PolynomialDecay": _polynomial_decay,
    "WarmupCosine": _warmup_cosine,
}


def _require_equivalent(spec: Schedule) -> None:
    if spec.keras is None or spec.name not in KERAS_EQUIVALENTS:
        have = ", ".join(n for n in SCHEDULES if n in KERAS_EQUIVALENTS)
        raise fail(f"{spec.name} has no Keras 3 equivalent; entries with one: {have}",
                   f"{spec.name} 在 Keras 3 中没有对应的调度器；有对应的是：{have}")


# --- evaluating ---------------------------------------------------------------------------------


def keras_values(schedule, steps: int, base_lr: float = 0.1) -> np.ndarray:
    """The learning rates a Keras object gives at steps 0..steps-1: any ``LearningRateSchedule``
    (yours too), or a ``LearningRateScheduler`` callback driven epoch by epoch on an SGD
    optimizer that starts at ``base_lr``."""
    steps, base_lr = check_steps(steps), check_base_lr(base_lr)
    if isinstance(schedule, _keras().callbacks.LearningRateScheduler):
        return _drive_scheduler(schedule, base_lr, steps)
    return _evaluate_schedule(schedule, steps)


def _evaluate_schedule(schedule, steps: int) -> np.ndarray:
    """A schedule at steps 0..steps-1: one call on the whole vector when Keras' ops allow it,
    else one call per step (PiecewiseConstantDecay accumulates into a scalar in place, CosineDecay
    with a warm-up branches with ops.cond)."""
    ops = _keras().ops
    t = np.arange(steps, dtype=np.int64)
    try:
        out = np.asarray(ops.convert_to_numpy(schedule(t)), dtype=np.float64)
        if out.shape == (steps,):
            return out
    except (RuntimeError, ValueError, TypeError):
        pass
    return np.fromiter((float(ops.convert_to_numpy(schedule(int(i)))) for i in t),
                       np.float64, steps)


def _optimizer_holder(base_lr: float):
    """What a callback needs from ``self.model``: a real Keras optimizer, on a minimal object (a
    compiled model would only add weights the callbacks never look at)."""
    return types.SimpleNamespace(optimizer=_keras().optimizers.SGD(learning_rate=base_lr))


def _drive_scheduler(callback, base_lr: float, steps: int) -> np.ndarray:
    """LearningRateScheduler: element t is the lr set by ``on_epoch_begin(t)``."""
    model, ops = _optimizer_holder(base_lr), _keras().ops
    callback.set_model(model)
    out = np.empty(steps)
    for t in range(steps):
        callback.on_epoch_begin(t)
        out[t] = ops.convert_to_numpy(model.optimizer.learning_rate)
    return out


def _drive_plateau(callback, base_lr: float, metrics: list, steps: int) -> np.ndarray:
    """ReduceLROnPlateau: element t is the lr after t metric values, each fed to
    ``on_epoch_end`` as val_loss."""
    model, ops = _optimizer_holder(base_lr), _keras().ops
    callback.set_model(model)
    callback.on_train_begin()
    out = np.empty(steps)
    for t in range(steps):
        out[t] = ops.convert_to_numpy(model.optimizer.learning_rate)
        if t == steps - 1:
            break
        callback.on_epoch_end(t, logs={"val_loss": metrics[t]})
    return out


# --- public -------------------------------------------------------------------------------------


def keras_schedule(name: str, base_lr: float = 0.1, **params):
    """The Keras 3 object equivalent to catalogue entry ``name``: a
    ``keras.optimizers.schedules.LearningRateSchedule`` (show it, call ``get_config()``, pass it
    to an optimizer as ``learning_rate``) or, for LambdaLR, MultiplicativeLR and
    ReduceLROnPlateau, a ``keras.callbacks`` callback for ``model.fit(callbacks=[...])``.

    ReduceLROnPlateau needs no ``metrics=`` here (Keras reads val_loss during fit); torch's
    ``eps`` becomes Keras' ``min_lr`` (see ``torch_plateau_floor``).
    """
    spec = get(name)
    base_lr = check_base_lr(base_lr)
    _require_equivalent(spec)
    if spec.name == "ReduceLROnPlateau":
        params = {"metrics": [], **params}
    return KERAS_EQUIVALENTS[spec.name](base_lr, resolve(spec, params))


def keras_curve(name: str, steps: int, base_lr: float = 0.1, **params) -> np.ndarray:
    """``curve()`` as Keras 3 computes it: the learning rate at each of ``steps`` steps.

    Schedules are evaluated at steps 0..steps-1; LearningRateScheduler gets ``on_epoch_begin(t)``
    and ReduceLROnPlateau ``on_epoch_end(t, logs={"val_loss": metrics[t]})``, each on a real
    ``keras.optimizers.SGD`` whose learning rate is read back. Keras computes in float32.
    Parameters are checked as ``curve()`` checks them, before keras is imported.
    """
    spec = get(name)
    steps, base_lr = check_steps(steps), check_base_lr(base_lr)
    _require_equivalent(spec)
    p = resolve(spec, params, steps)
    obj = KERAS_EQUIVALENTS[spec.name](base_lr, p)
    callbacks = _keras().callbacks
    if isinstance(obj, callbacks.ReduceLROnPlateau):
        out = _drive_plateau(obj, base_lr, p["metrics"], steps)
    else:
        out = keras_values(obj, steps, base_lr)
    return check_finite(name, out, rounding=1e-6 * np.nanmax(np.abs(out), initial=0.0))


__all__ = ["KERAS_EQUIVALENTS", "keras_curve", "keras_schedule", "keras_values",
           "torch_plateau_floor"]
