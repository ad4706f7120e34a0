"""Keras 3 equivalents of the catalogue entries, and the curve Keras itself computes.

``keras_schedule`` builds the Keras object a lesson shows (a ``keras.optimizers.schedules``
schedule, or a ``keras.callbacks`` callback); ``keras_curve`` evaluates it: a schedule at steps
0..steps-1 (the step ``t`` of ``curve()`` is the schedule's ``step`` argument), a callback driven
epoch by epoch against a real ``keras.optimizers.SGD``, reading its learning rate. The values are
Keras' own, computed in float32, including where Keras differs from the framework that owns the
entry: CosineDecay holds ``alpha * lr`` after ``decay_steps`` where torch's CosineAnnealingLR and
transformers' cosine climb back up, and ReduceLROnPlateau compares the monitored value in float32
(an improvement below float32 resolution counts as none in Keras, as one in torch).

Keras runs on its torch backend (``_keras`` sets ``KERAS_BACKEND=torch`` unless it is already
set); keras is imported on first use, after the parameters have been validated.
"""

from __future__ import annotations

import os
import sys
import types

import numpy as np

from .catalogue import SCHEDULES, check_base_lr, check_finite, check_steps, get, resolve
from .frameworks import refusal, run, write
from .params import Schedule, fail


def _keras():
    """The keras module, on its torch backend; a clear error for any other backend. Every
    lrlessons path to Keras comes through here, so this is the one place KERAS_BACKEND is set
    (to torch, only when unset and just before Keras reads it: ``import lrlessons`` sets
    nothing)."""
    wanted = "torch" if "keras" in sys.modules else os.environ.setdefault("KERAS_BACKEND", "torch")
    if wanted != "torch":
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


# --- evaluating ---------------------------------------------------------------------------------


def keras_values(schedule, steps: int, base_lr: float = 0.1, metrics=None) -> np.ndarray:
    """The learning rates a Keras object gives at steps 0..steps-1: any ``LearningRateSchedule``
    (yours too), a ``LearningRateScheduler`` callback driven epoch by epoch, or a
    ``ReduceLROnPlateau`` callback fed ``metrics`` as val_loss, on an SGD optimizer that starts
    at ``base_lr``; or a Keras optimizer (a reloaded model's too), read at each iteration."""
    steps, base_lr = check_steps(steps), check_base_lr(base_lr)
    callbacks = _keras().callbacks
    if isinstance(schedule, _keras().optimizers.Optimizer):
        return _drive_optimizer(schedule, steps)
    if isinstance(schedule, callbacks.LearningRateScheduler):
        return _drive_scheduler(schedule, base_lr, steps)
    if isinstance(schedule, callbacks.ReduceLROnPlateau):
        if metrics is None or len(metrics) < steps - 1:
            raise fail(f"a ReduceLROnPlateau callback needs metrics: one value per step, at least "
                       f"{steps - 1}", f"ReduceLROnPlateau 回调需要 metrics：每步一个值，至少 "
                       f"{steps - 1} 个", TypeError)
        return _drive_plateau(schedule, base_lr, list(metrics), steps)
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


def _drive_optimizer(optimizer, steps: int) -> np.ndarray:
    """An optimizer's ``learning_rate`` with its ``iterations`` set to 0..steps-1 (public API:
    what the optimizer would use at each step), its own count put back afterwards."""
    ops = _keras().ops
    before = int(ops.convert_to_numpy(optimizer.iterations))
    out = np.empty(steps)
    try:
        for t in range(steps):
            optimizer.iterations.assign(t)
            out[t] = ops.convert_to_numpy(optimizer.learning_rate)
    finally:
        optimizer.iterations.assign(before)
    return out


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


def _require_equivalent(spec: Schedule) -> None:
    if "keras" not in spec.code:
        have = ", ".join(n for n, s in SCHEDULES.items() if "keras" in s.code)
        raise fail(f"{spec.name} has no Keras 3 equivalent; use one of the entries that have one "
                   f"({have}) or write a LearningRateSchedule subclass (lesson 07)",
                   f"{spec.name} 在 Keras 3 中没有对应写法。请改用有对应写法的调度（{have}），"
                   f"或者自己写一个 LearningRateSchedule 子类（第 07 课）。")


def _build(spec: Schedule, base_lr: float, p: dict):
    written = write(spec, "keras", base_lr, p)
    if written.text is None:
        raise refusal(written, spec.name)
    return run(written)


def keras_schedule(name: str, base_lr: float = 0.1, **params):
    """The Keras 3 object equivalent to catalogue entry ``name``, built by running the Keras line
    its card shows (``lrlessons.code(name, "keras")``): a
    ``keras.optimizers.schedules.LearningRateSchedule`` (show it, call ``get_config()``, pass it
    to an optimizer as ``learning_rate``) or a ``keras.callbacks`` callback for
    ``model.fit(callbacks=[...])``.

    A metric-driven entry needs no ``metrics=`` here (Keras reads val_loss during fit); torch's
    ``eps`` becomes Keras' ``min_lr`` (see ``lrlessons.catalogue.torch_plateau_floor``).
    """
    spec = get(name)
    base_lr = check_base_lr(base_lr)
    _require_equivalent(spec)
    if spec.metric:
        params = {"metrics": [], **params}
    return _build(spec, base_lr, resolve(spec, params))


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
    out = keras_values(_build(spec, base_lr, p), steps, base_lr, metrics=p.get("metrics"))
    return check_finite(name, out, rounding=1e-6 * np.nanmax(np.abs(out), initial=0.0))


__all__ = ["keras_curve", "keras_schedule", "keras_values"]
