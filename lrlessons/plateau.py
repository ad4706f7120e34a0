"""ReduceLROnPlateau on a watched metric the learner chooses: made-up metric sequences of known
shape, and where the drops land on them (``lrlessons.plateau_views`` draws them and holds the
explorer).

The learning rate is the catalogue's ``curve("ReduceLROnPlateau", ...)``, torch's rules (held
equal to torch's own scheduler by tests/test_torch_equivalence.py). Epoch e trains with the lr
set after e calls of ``scheduler.step(metric)``: the value measured at the end of epoch e - 1 is
the last one that lr has seen.
"""

from __future__ import annotations

import numpy as np

from .catalogue import curve
from .params import Param, fail

EPOCHS = 60
# name -> (English, Chinese) and what the shape is for.
SHAPES = {
    "noisy plateau": ("noisy plateau", "带噪声的平台期"),     # patience against noise
    "slow improvement": ("slow improvement", "缓慢改善"),     # threshold decides what counts
    "a spike": ("a spike", "一次尖峰"),                        # one bad epoch is not a plateau
    "descent, then flat": ("descent, then flat", "先下降后持平"),  # where does the plateau start?
}
NOISE = {"noisy plateau": 0.015, "slow improvement": 0.0005, "a spike": 0.004,
         "descent, then flat": 0.03}
FLAT_FROM = 28  # "descent, then flat": the noiseless metric stops improving at this epoch

_SHAPE = Param("shape", "noisy plateau", "choice", "shape of the watched metric",
               "监控指标的形状", choices=tuple(SHAPES))
_NOISE = Param("noise", 0.015, "float", "noise of the metric (standard deviation)",
               "指标的噪声（标准差）", 0.0, None, ui=(0.0, 0.05))
_SEED = Param("seed", 0, "int", "which noise", "噪声的随机种子", 0, None, ui=(0, 20))
_EPOCHS = Param("epochs", EPOCHS, "int", "epochs", "epoch 数", 2, 1000, ui=(10, 120))


def metric_shape(shape: str = "noisy plateau", epochs: int = EPOCHS, noise: float | None = None,
                 seed: int = 0) -> list[float]:
    """A validation loss of a known shape, one value per epoch, rounded to 4 decimals (a loss
    printed in a log):

    - ``"noisy plateau"``: fast progress, flat from about epoch 20 on, with noise;
    - ``"slow improvement"``: better by 0.004 every epoch (under 1 % of its value), barely
      noisy: whether that counts as progress is the threshold's call;
    - ``"a spike"``: steady progress with one bad epoch (epoch 20), as a bad batch order or a
      data glitch gives;
    - ``"descent, then flat"``: down by 0.025 an epoch until epoch ``FLAT_FROM`` = 28, flat after
      it, with noise as large as a good epoch's progress.
    """
    shape, epochs = _SHAPE.check(shape), _EPOCHS.check(epochs)
    noise = NOISE[shape] if noise is None else _NOISE.check(noise)
    t = np.arange(epochs, dtype=float)
    if shape == "noisy plateau":
        clean = 0.35 + 0.65 * np.exp(-t / 6.0)
    elif shape == "slow improvement":
        clean = 0.8 - 0.004 * t
    elif shape == "descent, then flat":
        clean = np.maximum(0.3, 1.0 - 0.025 * t)  # 1 - 0.025 * 28 = 0.3
    else:
        clean = 0.3 + 0.7 * np.exp(-t / 15.0) + np.where(t == 20, 0.25, 0.0)
    values = clean + np.random.default_rng(_SEED.check(seed)).normal(0.0, noise, epochs)
    return [round(float(v), 4) for v in np.maximum(values, 1e-4)]


def drops(lrs) -> list[int]:
    """The epochs that train at a lower lr than the epoch before: where the drops land."""
    lrs = np.asarray(lrs, dtype=float)
    return [int(e) for e in np.flatnonzero(lrs[1:] < lrs[:-1]) + 1]


def plateau_curve(metrics, base_lr: float = 0.1, **params) -> np.ndarray:
    """The lr of each epoch, one per metric value, by torch's rules."""
    metrics = list(metrics)
    if len(metrics) < 2:
        raise fail("metrics must hold at least two values", "metrics 至少需要两个值")
    return curve("ReduceLROnPlateau", len(metrics), base_lr=base_lr, metrics=metrics, **params)


def drops_table(metrics, variants: dict, base_lr: float = 0.1) -> str:
    """A Markdown table, one row per variant (``{label: params}``, a label as in
    ``lrlessons.plotting.words``): the epochs where the lr drops, and the lr of the last epoch."""
    from .i18n import tr
    from .plotting import words

    lines = [tr("| setting | the lr drops at epochs | lr of the last epoch |",
                "| 设置 | 学习率在这些 epoch 下降 | 最后一个 epoch 的学习率 |"), "|---|---|---:|"]
    for name, params in variants.items():
        lr = plateau_curve(metrics, base_lr, **params)
        at = ", ".join(map(str, drops(lr))) or "—"
        lines.append(f"| {words(name, figure=False)} | {at} | {lr[-1]:.4g} |")
    return "\n".join(lines)


__all__ = ["EPOCHS", "FLAT_FROM", "NOISE", "SHAPES", "drops", "drops_table", "metric_shape", "plateau_curve"]
