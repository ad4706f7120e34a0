"""The figure and the live explorer of ReduceLROnPlateau on a watched metric the learner shapes
(``lrlessons.plateau`` makes the metric sequences and finds the drops, without widgets)."""

from __future__ import annotations

import numpy as np

from . import layout
from .catalogue import get
from .explorers import ERROR_STYLE, EntryControls, Explorer, _code_html, _escape
from .i18n import LRLessonsError, message, tr
from .plateau import (
    _EPOCHS,
    _NOISE,
    _SEED,
    _SHAPE,
    EPOCHS,
    NOISE,
    SHAPES,
    drops,
    metric_shape,
    plateau_curve,
)
from .plotting import PALETTE, colors, label, plot_text, step_xy, style_axes, subplots, words


def _draw(ax_metric, ax_lr, metrics, variants: dict, base_lr: float, best: bool = False) -> dict:
    """Metric above, one lr line per variant below; returns {label: drop epochs}."""
    epochs = np.arange(len(metrics))
    ax_metric.plot(epochs, metrics, color="#555555", lw=1.4, marker="o", ms=3)
    if best:  # the best value so far: a new best is where the line steps down
        ax_metric.plot(epochs, np.minimum.accumulate(metrics), color=PALETTE[2], lw=1.2, ls="--",
                       drawstyle="steps-post",
                       label=plot_text("best so far", "迄今最好的值"))
        ax_metric.legend(frameon=False, loc="upper right")
    ax_metric.set_ylabel(plot_text("watched metric\n(val loss)", "监控指标\n（验证损失）"))
    style_axes(ax_metric)
    found = {}
    if ax_lr is None:
        ax_metric.set_xlabel(label("epoch"))
        return found
    for (name, params), color in zip(variants.items(), colors(len(variants))):
        lr = plateau_curve(metrics, base_lr, **params)
        found[name] = drops(lr)
        ax_lr.plot(*step_xy(lr), drawstyle="steps-post", color=color, lw=2, label=words(name))
        for e in found[name]:
            # The value that triggered the cut: measured at the end of the epoch before.
            ax_metric.plot([e - 1], [metrics[e - 1]], "v", color=color, ms=7)
            ax_lr.axvline(e, color=color, lw=0.8, ls=":")
    ax_lr.set_yscale("log")
    ax_lr.set_ylabel(label("lr"))
    ax_lr.set_xlabel(label("epoch"))
    ax_lr.set_xlim(0, len(metrics))
    style_axes(ax_lr)
    return found


def plot_plateau(metrics, variants: dict | None = None, base_lr: float = 0.1,
                 best: bool = False):
    """Static figure: the watched metric above (a triangle on each value that triggered a cut),
    the learning rate of each variant below (a dotted line at each drop). ``variants`` maps a
    label (see ``lrlessons.plotting.words``) to ReduceLROnPlateau's parameters; None: torch's
    defaults; ``{}``: the metric alone, with the best value so far (also drawn with ``best``)."""
    import matplotlib.pyplot as plt

    metrics = [float(v) for v in metrics]
    variants = {"ReduceLROnPlateau()": {}} if variants is None else dict(variants)
    if not variants:
        fig, ax_m = subplots(figsize=(7, 3.2), layout="constrained")
        _draw(ax_m, None, metrics, {}, base_lr, best=True)
        plt.close(fig)
        return fig
    fig, (ax_m, ax_lr) = subplots(2, 1, figsize=(7, 4.8), sharex=True, layout="constrained",
                                  height_ratios=(1, 1))
    _draw(ax_m, ax_lr, metrics, variants, base_lr, best)
    fig.legend(loc="outside lower center", ncol=min(len(variants), 3), frameon=False)
    plt.close(fig)  # returned, displayed once by the notebook
    return fig


class PlateauExplorer(Explorer):
    """Shape the watched metric (its shape, noise and noise seed) and set ReduceLROnPlateau's
    parameters: the drops move as the sliders do."""

    def __init__(self, shape: str = "noisy plateau", epochs: int = EPOCHS,
                 noise: float | None = None, seed: int = 0, base_lr: float = 0.1, **params):
        import ipywidgets as widgets

        from .controls import control_for
        from .livefigure import LiveFigure

        shape = _SHAPE.check(shape)
        self.base_lr = base_lr
        self.shaping = {"shape": control_for(_SHAPE, shape),
                        "noise": control_for(_NOISE, NOISE[shape] if noise is None
                                             else _NOISE.check(noise)),
                        "seed": control_for(_SEED, _SEED.check(seed)),
                        "epochs": control_for(_EPOCHS, _EPOCHS.check(epochs))}
        self.shaping["shape"].input.options = [(tr(*SHAPES[k]), k) for k in SHAPES]
        self.shaping["shape"].input.value = shape
        self.entry = EntryControls(get("ReduceLROnPlateau"), {"metrics": [1.0], **params})
        self.figure = LiveFigure(2, 1, figsize=(7.2, 4.6), sharex=True)
        self._artists()
        self.readout, self.code = widgets.HTML(), widgets.HTML()
        shaping = layout.column([c.widget for c in self.shaping.values()])
        layout.fit_labels(shaping, self.entry.box)
        self.widget = widgets.VBox([layout.row([shaping, layout.column([self.entry.box])]),
                                    self.figure.image, self.readout, self.code])
        self.shaping["shape"].observe(self._reshape)
        for name in ("noise", "seed", "epochs"):
            self.shaping[name].observe(self.update)
        self.entry.observe(self.update)
        self.update()

    def _artists(self) -> None:
        """The axes once; the lines as dynamic artists, so a slider move only redraws them
        (the whole figure only when the limits change)."""
        ax_m, ax_lr = self.figure.axes
        ax_m.set_ylabel(plot_text("watched metric\n(val loss)", "监控指标\n（验证损失）"))
        ax_lr.set_yscale("log")
        ax_lr.set_ylabel(label("lr"))
        ax_lr.set_xlabel(label("epoch"))
        for ax in (ax_m, ax_lr):
            style_axes(ax)
        color = colors(1)[0]
        self.metric_line = ax_m.plot([], [], color="#555555", lw=1.4, marker="o", ms=3)[0]
        self.triggers = ax_m.plot([], [], "v", color=color, ms=7)[0]
        self.lr_line = ax_lr.plot([], [], drawstyle="steps-post", color=color, lw=2)[0]
        self.drop_lines = ax_lr.plot([], [], color=color, lw=0.8, ls=":")[0]
        self.figure.dynamic(self.metric_line, self.triggers, self.lr_line, self.drop_lines)

    def _reshape(self) -> None:
        # A new shape starts at its own noise level; the noise observer redraws.
        before = self.shaping["noise"].value
        self.shaping["noise"].value = NOISE[self.shaping["shape"].value]
        if self.shaping["noise"].value == before:
            self.update()

    def metrics(self) -> list[float]:
        s = self.shaping
        return metric_shape(s["shape"].value, s["epochs"].value, s["noise"].value,
                            s["seed"].value)

    def update(self) -> list[int] | None:
        """Redraw; returns the epochs where the lr drops (None when the values are refused)."""
        values = {k: v for k, v in self.entry.values().items() if k != "metrics"}
        metrics = self.metrics()
        ax_m, ax_lr = self.figure.axes
        try:
            lr = plateau_curve(metrics, self.base_lr, **values)
        except LRLessonsError as exc:  # a library bug stays a traceback
            for line in (self.triggers, self.lr_line, self.drop_lines):
                line.set_data([], [])
            self.readout.value = f"<span style='{ERROR_STYLE}'>{_escape(message(exc))}</span>"
            self.figure.refresh()
            return None
        at = drops(lr)
        epochs = np.arange(len(metrics))
        self.metric_line.set_data(epochs, metrics)
        # The value that triggered each cut: measured at the end of the epoch before the drop.
        self.triggers.set_data([e - 1 for e in at], [metrics[e - 1] for e in at])
        self.lr_line.set_data(*step_xy(lr))
        ax_m.set_xlim(0, len(metrics))
        # Limits on whole decades, so a slider move rarely changes them (a change redraws the
        # whole figure): the metric's on a 0.1 grid; the lr's from above the base lr down to the
        # decade of the lowest lr reached, at least two decades (not down to where eps would
        # stop the cuts, which left the panel mostly empty).
        low, high = min(metrics), max(metrics)
        ax_m.set_ylim(np.floor(low * 10 - 0.5) / 10, np.ceil(high * 10 + 0.5) / 10)
        top = 10.0 ** np.ceil(np.log10(self.base_lr * 1.5))
        bottom = min(top / 100, 10.0 ** np.floor(np.log10(max(float(lr.min()), 1e-300))))
        ax_lr.set_ylim(bottom, top)
        xs = [x for e in at for x in (e, e, np.nan)]
        ys = [y for _ in at for y in (bottom, top, np.nan)]
        self.drop_lines.set_data(xs, ys)
        shown = ", ".join(map(str, at)) if at else "—"
        self.readout.value = tr(
            f"the lr drops at epochs <b>{shown}</b> ({len(at)} drops); last epoch's lr "
            f"<b>{lr[-1]:.3g}</b>",
            f"学习率在第 <b>{shown}</b> 个 epoch 下降（共 {len(at)} 次）；最后一个 epoch 的学习率 "
            f"<b>{lr[-1]:.3g}</b>")
        self.code.value = _code_html("ReduceLROnPlateau", self.base_lr, values)
        self.figure.refresh()
        return at


def show_drops(metrics, variants: dict, base_lr: float = 0.1):
    """Display ``lrlessons.plateau.drops_table`` in a notebook: where each variant drops."""
    from IPython.display import Markdown

    from .plateau import drops_table

    return Markdown(drops_table(list(metrics), variants, base_lr))


def explore_plateau(shape: str = "noisy plateau", epochs: int = EPOCHS,
                    noise: float | None = None, seed: int = 0, **params) -> PlateauExplorer:
    """The ReduceLROnPlateau explorer: choose the metric's shape (noisy plateau, slow
    improvement, a spike), its noise and noise seed, and every parameter of the scheduler;
    ``params`` set their starting values."""
    return PlateauExplorer(shape=shape, epochs=epochs, noise=noise, seed=seed, **params)


__all__ = ["PlateauExplorer", "explore_plateau", "plot_plateau", "show_drops"]
