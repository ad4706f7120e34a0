"""PaddlePaddle's own schedulers for the catalogue entries, and the curve Paddle computes.

Paddle is optional (721 MB installed, about 300 MiB of memory once imported: not part of a
learner's install): ``paddle_curve`` runs the
Paddle line a card shows (``lrlessons.code(name, "paddle")``) and steps the real
``paddle.optimizer.lr.LRScheduler`` it builds, one call at a time, as a training loop would.
Installed by ``make test`` for the course's own tests (``pip install -e ".[paddle]"``).
"""

from __future__ import annotations

import numpy as np

from .catalogue import check_base_lr, check_finite, check_steps, get, resolve
from .frameworks import refusal, run, write
from .params import fail


def _paddle():
    try:
        import paddle
    except ImportError:
        raise fail("PaddlePaddle is not installed: pip install paddlepaddle==3.3.1 (CPU build)",
                   "没有安装飞桨（PaddlePaddle）：pip install paddlepaddle==3.3.1（CPU 版）",
                   ImportError) from None
    return paddle


def paddle_values(scheduler, steps: int, metrics=None) -> np.ndarray:
    """Element t: the lr a Paddle optimizer uses after t calls of ``scheduler.step()``; a
    ReduceOnPlateau gets ``step(metrics[t])``.

    It reads ``scheduler()`` (``last_lr``, a Python float): exactly what ``optimizer.get_lr()``
    returns and what ``optimizer.step()`` copies into its float32 learning-rate tensor. The
    schedule itself is float64 Python arithmetic."""
    steps = check_steps(steps)
    out = np.empty(steps)
    for t in range(steps):
        out[t] = float(scheduler())
        if t < steps - 1:
            scheduler.step(metrics[t]) if metrics is not None else scheduler.step()
    return out


def paddle_scheduler(name: str, base_lr: float = 0.1, **params):
    """The real ``paddle.optimizer.lr`` scheduler of the Paddle line for ``name``."""
    spec = get(name)
    base_lr = check_base_lr(base_lr)
    if "paddle" not in spec.code:
        raise fail(f"{name} has no PaddlePaddle line", f"{name} 没有飞桨写法")
    if spec.metric:
        params = {"metrics": [], **params}
    written = write(spec, "paddle", base_lr, resolve(spec, params))
    if written.text is None:
        raise refusal(written, name)
    return run(written)


def paddle_curve(name: str, steps: int, base_lr: float = 0.1, **params) -> np.ndarray:
    """``curve()`` as PaddlePaddle computes it, by stepping the real scheduler."""
    spec = get(name)
    steps = check_steps(steps)
    resolve(spec, params, steps)
    scheduler = paddle_scheduler(name, base_lr, **params)
    out = paddle_values(scheduler, steps, params.get("metrics") if spec.metric else None)
    return check_finite(name, out, rounding=1e-6 * np.nanmax(np.abs(out), initial=0.0))


__all__ = ["paddle_curve", "paddle_scheduler", "paddle_values"]
