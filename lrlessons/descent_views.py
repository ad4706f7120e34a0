"""Figures and the live explorer of gradient descent on a quadratic (``lrlessons.descent`` holds
the arithmetic, without widgets)."""

from __future__ import annotations

import numpy as np

from .controls import control_for
from .descent import CURVATURE, CURVATURES_2D, LR, STEPS, descend, descend_2d, regime
from .explorers import Explorer
from .i18n import tr
from .livefigure import LiveFigure
from .plotting import PALETTE, plot_text, style_axes, subplots

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


def plot_descent(lrs=(0.1, 0.6, 1.5, 2.1), curvature: float = 1.0, x0: float = 2.5,
                 steps: int = 10):
    """One panel per learning rate: the iterates of gradient descent on the parabola."""
    import matplotlib.pyplot as plt

    fig, axes = subplots(1, len(lrs), figsize=(3.1 * len(lrs), 3.0), layout="constrained",
                             squeeze=False)
    for ax, lr, color in zip(axes[0], lrs, PALETTE):
        _parabola(ax, curvature)
        ax.plot(*_path_xy(descend(lr, curvature, x0, steps), curvature), "o-", color=color,
                ms=4, lw=1.2)
        ax.set_title(f"η = {lr:g}\n" + plot_text(*regime(lr, curvature)), fontsize=10)
        ax.set_xlabel("x")
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
        ax.plot(*_clip_2d(descend_2d(lr, curvatures, steps=steps)).T, "o-", color=color, ms=3,
                lw=1.1)
        steep = plot_text(*regime(lr, max(curvatures)))
        ax.set_title(f"η = {lr:g}: " + steep, fontsize=10)
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
        live = self.figure = LiveFigure(1, 3, figsize=(11.5, 3.2))
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
        self.widget = widgets.VBox([widgets.HBox([c["lr"].widget, c["curvature"].widget]),
                                    c["steps"].widget, live.image, self.readout])
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


__all__ = ["DescentExplorer", "explore_descent", "plot_descent", "plot_descent_2d"]
