"""Figures and the live explorer of gradient descent on a quadratic (``lrlessons.descent`` holds
the arithmetic, without widgets)."""

from __future__ import annotations

import numpy as np

from . import layout
from .controls import control_for
from .descent import (
    CURVATURE,
    CURVATURES_2D,
    LR,
    STEPS,
    descend,
    descend_2d,
    noise_floor,
    noisy_descent,
    regime,
)
from .explorers import Explorer
from .i18n import tr
from .livefigure import LivePanels
from .plotting import PALETTE, label, plot_text, set_lr_axis, step_xy, style_axes, subplots, words

LIMIT = 3.0  # the view: iterates beyond it are drawn at the edge, pointing out


def _parabola(ax, curvature: float) -> None:
    x = np.linspace(-LIMIT, LIMIT, 201)
    ax.plot(x, curvature * x ** 2 / 2, color="#999999", lw=1.2)
    ax.set_xlim(-LIMIT, LIMIT)
    ax.set_ylim(-0.05 * curvature * LIMIT ** 2 / 2, curvature * LIMIT ** 2 / 2 * 1.05)
    style_axes(ax)


def _path_xy(xs: np.ndarray, curvature: float) -> tuple[np.ndarray, np.ndarray]:
    shown = np.clip(np.nan_to_num(xs, nan=LIMIT, posinf=LIMIT, neginf=-LIMIT), -LIMIT, LIMIT)
    return shown, curvature * shown ** 2 / 2


def _inside(xs: np.ndarray, limit: float) -> int:
    """How many of the iterates stay inside the view (all of them, or up to the first escape)."""
    out = np.flatnonzero(~(np.abs(xs) <= limit))  # NaN counts as outside
    return len(xs) if out.size == 0 else int(out[0])


def _mark_escape(ax, x_last: float, y_last: float, direction: float, step: int,
                 color: str) -> None:
    """An arrow from the last point inside the view towards where the next one went."""
    ax.annotate("", xy=(np.sign(direction) * LIMIT, y_last * 1.02), xytext=(x_last, y_last),
                arrowprops=dict(arrowstyle="->", color=color, lw=1.2, ls="--"))
    ax.text(0.5, 0.97, plot_text(f"step {step} leaves the plot", f"第 {step} 步跑出图外"),
            transform=ax.transAxes, ha="center", va="top", fontsize=8, color=color)


def plot_descent(lrs=(0.1, 0.6, 1.5, 2.1), curvature: float = 1.0, x0: float = 2.5,
                 steps: int = 10):
    """One panel per learning rate: the iterates of gradient descent on the parabola. An iterate
    that leaves the view is not drawn at its edge: an arrow shows where the path went."""
    import matplotlib.pyplot as plt

    fig, axes = subplots(1, len(lrs), figsize=(3.1 * len(lrs), 3.0), layout="constrained",
                         squeeze=False)
    for i, (ax, lr, color) in enumerate(zip(axes[0], lrs, PALETTE)):
        _parabola(ax, curvature)
        xs = descend(lr, curvature, x0, steps)
        n = _inside(xs, LIMIT)
        ax.plot(xs[:n], curvature * xs[:n] ** 2 / 2, "o-", color=color, ms=4, lw=1.2)
        if n < len(xs):
            _mark_escape(ax, xs[n - 1], curvature * xs[n - 1] ** 2 / 2, xs[n], n, color)
        ax.set_title(f"η = {lr:g}\n" + plot_text(*regime(lr, curvature)), fontsize=10)
        ax.set_xlabel("x")
        if i == 0:
            ax.set_ylabel("f(x)")
    plt.close(fig)
    return fig


def _contour(ax, curvatures) -> None:
    x, y = np.meshgrid(np.linspace(-LIMIT, LIMIT, 121), np.linspace(-1.5, 1.5, 81))
    f = (curvatures[0] * x ** 2 + curvatures[1] * y ** 2) / 2
    ax.contour(x, y, f, levels=np.geomspace(0.01, f.max(), 10), colors="#bbbbbb",
               linewidths=0.8)
    ax.plot([0], [0], "k+", ms=10)
    ax.set_xlim(-LIMIT, LIMIT)
    ax.set_ylim(-1.5, 1.5)
    ax.set_aspect("equal")
    style_axes(ax)


def _clip_2d(path: np.ndarray) -> np.ndarray:
    path = np.nan_to_num(path, nan=LIMIT, posinf=LIMIT, neginf=-LIMIT)
    return np.column_stack([np.clip(path[:, 0], -LIMIT, LIMIT), np.clip(path[:, 1], -1.5, 1.5)])


def plot_descent_2d(lrs=(0.3, 0.9, 1.05), curvatures=CURVATURES_2D, steps: int = 15):
    """One panel per learning rate: gradient descent on an elongated bowl, seen from above."""
    import matplotlib.pyplot as plt

    fig, axes = subplots(1, len(lrs), figsize=(3.6 * len(lrs), 2.4), layout="constrained",
                             squeeze=False)
    for ax, lr, color in zip(axes[0], lrs, PALETTE):
        _contour(ax, curvatures)
        path = descend_2d(lr, curvatures, steps=steps)
        inside = ~((np.abs(path[:, 0]) <= LIMIT) & (np.abs(path[:, 1]) <= 1.5))
        n = len(path) if not inside.any() else int(np.flatnonzero(inside)[0])
        ax.plot(*path[:n].T, "o-", color=color, ms=3, lw=1.1)
        if n < len(path):
            end = _clip_2d(path[n:n + 1])[0]
            ax.annotate("", xy=end, xytext=path[n - 1], arrowprops=dict(
                arrowstyle="->", color=color, lw=1.1, ls="--"))
            ax.text(0.98, 0.04, plot_text(f"step {n} leaves the plot", f"第 {n} 步跑出图外"),
                    transform=ax.transAxes, ha="right", va="bottom", fontsize=8, color=color)
        steep = plot_text(*regime(lr, max(curvatures)))
        ax.set_title(f"η = {lr:g}: " + steep, fontsize=10)
        ax.set_xlabel(plot_text("x (flat direction)", "x（平缓方向）"))
    axes[0][0].set_ylabel(plot_text("y (steep)", "y（陡峭方向）"))
    plt.close(fig)
    return fig


def plot_noisy_descent(schedules: dict, curvature: float = 1.0, noise: float = 1.0,
                       x0: float = 10.0, runs: int = 500, seed: int = 0):
    """Gradient noise, the reason to decay: ``schedules`` maps a label (see
    ``lrlessons.plotting.words``) to the lr of every step. Left, the mean squared distance to the
    minimum over ``runs`` noisy runs (``noisy_descent``), with the noise floor of each constant lr
    dashed; right, the learning rates."""
    import matplotlib.pyplot as plt

    fig, (ax, ax_lr) = subplots(1, 2, figsize=(11, 3.4), layout="constrained",
                                gridspec_kw=dict(width_ratios=(1.6, 1)))
    arrays = {k: np.asarray(v, dtype=float) for k, v in schedules.items()}
    for (name, lrs), color in zip(arrays.items(), PALETTE):
        mean = noisy_descent(lrs, curvature, noise, x0, runs, seed)
        ax.plot(np.arange(len(mean)), mean, color=color, lw=1.8, label=words(name))
        if np.all(lrs == lrs[0]):
            ax.axhline(noise_floor(lrs[0], curvature, noise), color=color, lw=1, ls="--")
        ax_lr.plot(*step_xy(lrs), drawstyle="steps-post", color=color, lw=1.8)
    ax.set_yscale("log")
    ax.set_xlabel(label("k"))
    ax.set_title(plot_text(f"mean squared distance to the minimum ({runs} noisy runs); "
                           f"dashed: noise floor", f"到极小值距离平方的平均（{runs} 次带噪声的运行）；"
                           f"虚线：噪声下限"), fontsize=10)
    ax.legend(frameon=False, fontsize=9)
    set_lr_axis(ax_lr, list(arrays.values()), log=False)
    ax_lr.set_xlabel(label("k"))
    ax_lr.set_title(label("lr"), fontsize=10)
    for a in (ax, ax_lr):
        style_axes(a)
    plt.close(fig)
    return fig


class DescentExplorer(Explorer):
    """Sliders for the learning rate, the curvature and the steps over three live panels: the
    parabola, the distance to the minimum per step, and an elongated 2-D bowl whose steep
    direction has the parabola's curvature."""

    def __init__(self, lr: float = 0.3, curvature: float = 1.0, steps: int = 12):
        import ipywidgets as widgets

        self.controls = {"lr": control_for(LR, LR.check(lr)),
                         "curvature": control_for(CURVATURE, CURVATURE.check(curvature)),
                         "steps": control_for(STEPS, STEPS.check(steps))}
        # Three panels that wrap in a narrow column rather than one figure shrunk unreadable.
        live = self.figure = LivePanels(3, panel_size=(3.83, 3.2))
        ax_f, ax_k, ax_2d = live.axes
        self.grid = np.linspace(-LIMIT, LIMIT, 201)
        (self.bowl,) = ax_f.plot(self.grid, self.grid * 0, color="#999999", lw=1.2)
        ax_f.set_xlim(-LIMIT, LIMIT)
        ax_f.set_xlabel("x")
        ax_f.set_title("f(x) = a x² / 2", fontsize=10)
        style_axes(ax_f)
        ax_k.set_yscale("log")
        ax_k.set_ylim(1e-6, 1e3)
        ax_k.set_xlabel(plot_text("step k", "第 k 步"))
        ax_k.set_title(plot_text("distance to the minimum |x_k|", "到极小值的距离 |x_k|"),
                       fontsize=10)
        style_axes(ax_k)
        # Curvatures (a/10, a): the steep direction is the parabola's, the flat one ten times
        # flatter. Scaling both by a keeps the ellipses' shape, so the contours never change.
        _contour(ax_2d, (0.1, 1.0))
        ax_2d.set_title(plot_text("2-D bowl, curvatures a/10 and a", "二维碗形，曲率 a/10 和 a"),
                        fontsize=10)
        self.path, self.dist, self.path2 = live.dynamic(
            ax_f.plot([], [], "o-", color=PALETTE[0], ms=4, lw=1.2)[0],
            ax_k.plot([], [], "o-", color=PALETTE[1], ms=3, lw=1.2)[0],
            ax_2d.plot([], [], "o-", color=PALETTE[2], ms=3, lw=1.1)[0])
        self.readout = widgets.HTML()
        c = self.controls
        sliders = layout.row([layout.column([c[k].widget]) for k in ("lr", "curvature", "steps")])
        layout.fit_labels(sliders)
        self.widget = widgets.VBox([sliders, live.image, self.readout])
        self._curvature = None
        for control in c.values():
            control.observe(self.update)
        self.update()

    def update(self) -> np.ndarray:
        """Redraw for the current sliders; returns the 1-D iterates."""
        a, eta = self.controls["curvature"].value, self.controls["lr"].value
        n = self.controls["steps"].value
        ax_f, ax_k, _ = self.figure.axes
        if a != self._curvature:  # the parabola is background: it changes only with a
            self._curvature = a
            self.bowl.set_ydata(a * self.grid ** 2 / 2)
            ax_f.set_ylim(-0.05 * a * LIMIT ** 2 / 2, a * LIMIT ** 2 / 2 * 1.05)
            self.figure.invalidate()
        xs = descend(eta, a, 2.5, n)
        self.path.set_data(*_path_xy(xs, a))
        self.dist.set_data(np.arange(n + 1), np.clip(np.nan_to_num(np.abs(xs), nan=1e300),
                                                     1e-300, 1e300))
        ax_k.set_xlim(0, max(n, 1))
        self.path2.set_data(*_clip_2d(descend_2d(eta, (a / 10, a), steps=n)).T)
        en, zh = regime(eta, a)
        self.readout.value = tr(
            f"η·a = {eta * a:.3g}: each step multiplies x by 1 − η·a = {1 - eta * a:.3g} → "
            f"<b>{en}</b> (critical η = 2/a = {2 / a:.3g})",
            f"η·a = {eta * a:.3g}：每一步把 x 乘以 1 − η·a = {1 - eta * a:.3g} → <b>{zh}</b>"
            f"（临界学习率 η = 2/a = {2 / a:.3g}）")
        self.figure.refresh()
        return xs


def explore_descent(lr: float = 0.3, curvature: float = 1.0, steps: int = 12) -> DescentExplorer:
    """The gradient-descent explorer: see ``DescentExplorer``."""
    return DescentExplorer(lr=lr, curvature=curvature, steps=steps)


__all__ = ["DescentExplorer", "explore_descent", "plot_descent", "plot_descent_2d",
           "plot_noisy_descent"]
