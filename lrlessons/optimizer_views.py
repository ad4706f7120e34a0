"""Figures and the live explorer of lesson 08 (adaptive optimizers); ``lrlessons.optimizers``
holds the arithmetic, without widgets."""

from __future__ import annotations

import numpy as np

from . import layout
from .controls import control_for
from .explorers import Explorer
from .i18n import tr
from .livefigure import LivePanels
from .optimizers import (
    SURFACES,
    TITLES,
    adam_step,
    keras_gaps,
    on_surface,
    random_gradients,
    run,
)
from .params import Param
from .plotting import PALETTE, label, plot_text, style_axes, subplots

SHOWN = ("sgd", "momentum", "adagrad", "rmsprop", "adam")  # AdamW needs a decay to differ
STYLES = ("-", "--", "-.", ":", (0, (5, 1)))
MARKERS = ("o", "s", "D", "^", "v")  # the end point of each path on the surfaces


def _title(name: str) -> str:
    """The optimizer's name in a legend: names stay English, "momentum" is translated."""
    return plot_text("SGD + momentum", "SGD + 动量") if name == "momentum" else TITLES[name]


def _look(name: str) -> dict:
    i = SHOWN.index(name) if name in SHOWN else len(SHOWN)
    return dict(color=PALETTE[i % len(PALETTE)], ls=STYLES[i % len(STYLES)])


def _contours(ax, surface) -> None:
    s = SURFACES[surface]
    x, y = np.meshgrid(np.linspace(*s.xlim, 161), np.linspace(*s.ylim, 121))
    f = s.f(np.array([x, y])) - s.lowest
    levels = np.geomspace(1e-2, f.max(), 16)
    ax.contour(x, y, f, levels=levels, colors="#c8c8c8", linewidths=0.7)
    ax.set_xlim(*s.xlim)
    ax.set_ylim(*s.ylim)
    style_axes(ax)
    ax.grid(False)


def _clipped(w: np.ndarray, surface) -> np.ndarray:
    """A path inside the view: points that left it (or blew up) are dropped from there on."""
    s = SURFACES[surface]
    inside = (np.isfinite(w).all(axis=1) & (w[:, 0] >= s.xlim[0]) & (w[:, 0] <= s.xlim[1])
              & (w[:, 1] >= s.ylim[0]) & (w[:, 1] <= s.ylim[1]))
    n = len(w) if inside.all() else int(np.argmin(inside))
    return w[:n]


def plot_surfaces(names=SHOWN, surfaces=tuple(SURFACES), lrs: dict | None = None):
    """One panel per surface (``lrlessons.optimizers.SURFACES``): the path of each optimizer from
    the same start, at the surface's learning rate for it (``lrs``: {surface: {name: lr}} to
    change some). The star marks the start, the cross the minimum, a filled marker in each
    optimizer's colour where its path ends."""
    import matplotlib.pyplot as plt

    fig, axes = subplots(1, len(surfaces), figsize=(3.9 * len(surfaces), 4.4),
                         layout="constrained", squeeze=False)
    for ax, surface in zip(axes[0], surfaces):
        s = SURFACES[surface]
        chosen = {**s.lrs, **((lrs or {}).get(surface, {}))}
        _contours(ax, surface)
        for i, name in enumerate(names):
            w = _clipped(on_surface(name, surface, lr=chosen[name]).w, surface)
            # later paths thinner and on top, so a path that runs under another stays visible
            # around it; each path's last point is marked (a path cut at the frame: no marker)
            look = _look(name)
            ax.plot(*w.T, lw=3.0 - 0.45 * i, alpha=0.9, zorder=2 + i,
                    label=f"{_title(name)} {chosen[name]:g}",
                    marker=MARKERS[i % len(MARKERS)], markevery=[len(w) - 1], ms=7, mec="white",
                    mew=0.8, **look)
        ax.plot(*s.start, "k*", ms=9, zorder=10)
        for m in _minima(surface):
            ax.plot(*m, "k+", ms=11, mew=1.5, zorder=10)
        ax.set_title(plot_text(s.en, s.zh) + "\n" + plot_text(f"{s.steps} steps",
                                                              f"{s.steps} 步"), fontsize=9.5)
        ax.legend(fontsize=7.5, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.08),
                  ncol=2, handlelength=2.6, columnspacing=1.0)
    plt.close(fig)
    return fig


def _minima(surface: str) -> list[tuple[float, float]]:
    return {"quadratic": [(0.0, 0.0)], "saddle": [(0.0, 1.0), (0.0, -1.0)],
            "rosenbrock": [(1.0, 1.0)]}[surface]


def plot_effective_lr(steps: int = 1000, lr: float = 0.01, scales=(1.0, 0.1), seed: int = 0):
    """The learning rate each parameter really gets (``effective_lr``) when two parameters see
    gradients of different sizes (``scales``, a noise without drift): Adagrad's keeps shrinking
    (as 1/sqrt(k)), RMSprop's and Adam's level off at about lr / scale; the parameter with the
    smaller gradients gets the larger rate. Adam's is lr / (sqrt(v_hat) + eps), the factor in
    front of m_hat, so RMSprop's uncorrected first steps show as about 10 times larger."""
    import matplotlib.pyplot as plt

    grads = random_gradients(steps, size=2, seed=seed, drift=0.0) * np.asarray(scales)
    fig, ax = subplots(figsize=(7.4, 3.7), layout="constrained")
    for name in ("adagrad", "rmsprop", "adam"):
        eff = run(name, grads, np.zeros(2), lr).effective_lr
        look = _look(name)
        for j, (scale, ls) in enumerate(zip(scales, ("-", "--"))):
            ax.plot(np.arange(1, steps + 1), eff[:, j], color=look["color"], ls=ls, lw=1.6,
                    label=plot_text(f"{_title(name)}, gradients ~{scale:g}",
                                    f"{_title(name)}（梯度约 {scale:g}）"))
    ax.axhline(lr, color="#777777", lw=1, ls=":")
    ax.text(steps, lr * 1.1, f"lr = {lr:g}", ha="right", va="bottom", fontsize=8, color="#555555")
    ax.set_yscale("log")
    ax.set_xscale("log")
    ax.set_xlabel(label("k"))
    ax.set_ylabel(plot_text("effective learning rate", "有效学习率"))
    ax.set_title(plot_text("the learning rate each parameter really gets",
                           "每个参数实际得到的学习率"), fontsize=10)
    ax.legend(fontsize=8, frameon=False, ncol=2, loc="lower left")
    style_axes(ax)
    plt.close(fig)
    return fig


def plot_bias_correction(steps: int = 60, lr: float = 0.01, betas=(0.9, 0.999), seed: int = 0):
    """Adam's first steps with and without bias correction, as the size of each step in units of
    lr: left a constant gradient (1 at every step), right noisy gradients around 1."""
    import matplotlib.pyplot as plt

    noisy = 1.0 + random_gradients(steps, size=1, seed=seed)[:, 0] * 0.5
    cases = ((np.ones(steps), plot_text("constant gradient g = 1", "恒定梯度 g = 1")),
             (noisy, plot_text("noisy gradient around 1", "在 1 附近波动的梯度")))
    fig, axes = subplots(1, 2, figsize=(9.6, 3.4), layout="constrained", sharey=True)
    for ax, (grads, title) in zip(axes, cases):
        for corrected, color, text in ((True, PALETTE[0], plot_text("with bias correction",
                                                                   "有偏差修正")),
                                       (False, PALETTE[1], plot_text("without", "无偏差修正"))):
            w, state, sizes = np.zeros(1), {}, []
            for g in grads:
                new = adam_step(w, np.array([g]), state, lr, betas, bias_correction=corrected)
                sizes.append(abs(new[0] - w[0]) / lr)
                w = new
            ax.plot(np.arange(1, steps + 1), sizes, color=color, lw=1.8, label=text,
                    ls="-" if corrected else "--")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(label("k"))
        style_axes(ax)
    axes[0].set_ylabel(plot_text("step size / lr", "步长 / lr"))
    axes[0].legend(fontsize=9, frameon=False)
    plt.close(fig)
    return fig


def uncorrected_steps(steps: int = 60, lr: float = 0.01, betas=(0.9, 0.999)) -> np.ndarray:
    """The size of each step of Adam without bias correction, in units of lr, under a constant
    gradient 1 (the left panel of ``plot_bias_correction``)."""
    w, state, sizes = np.zeros(1), {}, []
    for _ in range(steps):
        new = adam_step(w, np.ones(1), state, lr, betas, bias_correction=False)
        sizes.append(abs(new[0] - w[0]) / lr)
        w = new
    return np.array(sizes)


def reveal_bias_correction(guess, steps: int = 60, lr: float = 0.01, betas=(0.9, 0.999)):
    """Lesson 08's prediction: ``guess`` = (first step, tenth step) of an uncorrected Adam under a
    constant gradient, in units of lr. Without a guess (``...``) it shows nothing and asks for
    one; with one it prints the guess against the values and draws ``plot_bias_correction``."""
    from IPython.display import Markdown, display

    try:
        first, tenth = (float(g) for g in guess)
    except (TypeError, ValueError):
        return Markdown(tr("Set `guess = (first, tenth)` first, two numbers in units of the "
                           "learning rate, then run this cell again.",
                           "请先设定 `guess = (第一步, 第十步)`，两个以学习率为单位的数，"
                           "再运行这个单元格。"))
    sizes = uncorrected_steps(max(steps, 10), lr, betas)
    display(Markdown(tr(
        f"Your guess: {first:.3g} and {tenth:.3g} times the learning rate. Without the "
        f"correction, under a constant gradient: step 1 is {sizes[0]:.3g}, step 10 "
        f"{sizes[9]:.3g} times the learning rate.",
        f"你的预测：学习率的 {first:.3g} 倍和 {tenth:.3g} 倍。梯度恒定、不做修正时：第 1 步是学习率的 "
        f"{sizes[0]:.3g} 倍，第 10 步是 {sizes[9]:.3g} 倍。")))
    return plot_bias_correction(steps, lr, betas)


def show_keras_gaps(steps: int = 100):
    """``lrlessons.optimizers.keras_gaps`` as a table: each torch optimizer, its Keras port and
    the largest difference of their parameters over ``steps`` steps on the same gradients,
    relative to how far the parameters moved, in percent ("< 1e-10 %": the same up to
    rounding)."""
    from IPython.display import Markdown

    head = tr("| torch.optim | keras.optimizers | lr | gradients | largest difference |",
              "| torch.optim | keras.optimizers | 学习率 | 梯度 | 最大差异 |")
    cut = tr(f"cut at step {steps // 2}", f"第 {steps // 2} 步下降")
    const = tr("constant", "恒定")
    lines = [head, "|---|---|---|---:|---:|"]
    for torch_call, keras_call, lr, scale, g in keras_gaps(steps=steps):
        pct = tr(" %", "%")  # Chinese writes 95%, English here 95 %
        shown = f"< 1e-10{pct}" if g < 1e-12 else (f"{100 * g:.2g}{pct}" if g >= 1e-3 else
                                                   f"{100 * g:.1e}{pct}")
        lines.append(f"| `{torch_call}` | `{keras_call}` | {cut if lr == 'cut' else const} | "
                     f"~{scale:g} | {shown} |")
    return Markdown("\n".join(lines))


def show_defaults():
    """``lrlessons.optimizers.default_settings`` as a table: the defaults that differ between
    torch.optim and keras.optimizers, read from the installed classes."""
    from IPython.display import Markdown

    from .optimizers import default_settings

    lines = [tr("| optimizer | torch.optim default | keras.optimizers default |",
                "| 优化器 | torch.optim 默认值 | keras.optimizers 默认值 |"), "|---|---|---|"]
    lines += [f"| {name} | `{t}` | `{k}` |" for name, t, k in default_settings()]
    return Markdown("\n".join(lines))


def show_values(rows: dict, columns) -> object:
    """A Markdown table: one row per ``{label: values}`` entry (a label: see
    ``lrlessons.plotting.words``), one column per ``columns`` label; numbers shown to 4
    significant digits."""
    from IPython.display import Markdown

    from .plotting import words

    heads = [words(c, figure=False) for c in columns]
    lines = ["| | " + " | ".join(heads) + " |", "|---|" + "---:|" * len(heads)]
    for key, values in rows.items():
        cells = [f"{float(v):.4g}" for v in values]
        lines.append(f"| {words(key, figure=False)} | " + " | ".join(cells) + " |")
    return Markdown("\n".join(lines))


# --- the explorer -----------------------------------------------------------------------------

_SURFACE = Param("surface", "rosenbrock", "choice", "loss surface", "损失曲面",
                 choices=tuple(SURFACES))
_STEPS = Param("steps", 300, "int", "optimizer steps", "更新步数", 1, 2000, ui=(10, 600))
_BETA1 = Param("beta1", 0.9, "float", "momentum (SGD) and Adam's beta1",
               "动量（SGD）与 Adam 的 beta1", 0.0, 0.99, ui=(0.0, 0.99))
_BETA2 = Param("beta2", 0.999, "float", "RMSprop's alpha and Adam's beta2",
               "RMSprop 的 alpha 与 Adam 的 beta2", 0.5, 0.9999, ui=(0.5, 0.999))


def _lr_param(name: str) -> Param:
    return Param(f"{name} lr", 0.01, "float", f"{TITLES[name]} learning rate",
                 f"{TITLES[name]} 的学习率", 0.0, None, low_open=True, scale="log",
                 ui=(1e-4, 3.0))


class OptimizerExplorer(Explorer):
    """Optimizers side by side on a 2-D surface: a learning-rate slider and a show box for each,
    beta1 and beta2 sliders shared by those that use them, the surface and the number of steps.
    Three panels: the paths over the contours, the loss above the minimum per step, and the
    effective learning rate of each parameter (x solid, y dashed)."""

    def __init__(self, surface: str = "rosenbrock", steps: int | None = None,
                 shown=SHOWN):
        import ipywidgets as widgets

        surface = _SURFACE.check(surface)
        s = SURFACES[surface]
        self.surface_control = control_for(_SURFACE, surface)
        self.surface_control.input.options = [(tr(SURFACES[k].en, SURFACES[k].zh), k)
                                              for k in SURFACES]
        self.surface_control.input.value = surface
        self.steps = control_for(_STEPS, _STEPS.check(steps or s.steps))
        self.beta1 = control_for(_BETA1, 0.9)
        self.beta2 = control_for(_BETA2, 0.999)
        self.lrs, self.show = {}, {}
        rows = []
        for name in SHOWN:
            self.lrs[name] = control_for(_lr_param(name), s.lrs[name])
            self.show[name] = widgets.Checkbox(value=name in shown, indent=False,
                                               description=tr("show", "显示"),
                                               layout=widgets.Layout(width="70px"))
            rows.append(layout.with_extra(self.lrs[name].widget, self.show[name]))
        live = self.figure = LivePanels(3, panel_size=(3.83, 3.3))
        self.ax_path, self.ax_loss, self.ax_eff = live.axes
        self.paths, self.losses, self.effs = {}, {}, {}
        for name in SHOWN:
            look = _look(name)
            self.paths[name], self.losses[name] = live.dynamic(
                self.ax_path.plot([], [], lw=1.5, **look)[0],
                self.ax_loss.plot([], [], lw=1.5, **look)[0])
            self.effs[name] = live.dynamic(
                self.ax_eff.plot([], [], lw=1.4, color=look["color"])[0],
                self.ax_eff.plot([], [], lw=1.4, color=look["color"], ls="--")[0])
        self.start_marker = self.ax_path.plot([], [], "k*", ms=9)[0]
        self.minimum_marker = self.ax_path.plot([], [], "k+", ms=11, mew=1.5)[0]
        for ax, key in ((self.ax_loss, ("f − lowest f", "f − 最低值")),
                        (self.ax_eff, ("effective lr (x solid, y dashed)",
                                       "有效学习率（x 实线，y 虚线）"))):
            ax.set_yscale("log")
            ax.set_title(plot_text(*key), fontsize=9.5)
            if ax is self.ax_eff:
                ax.set_xscale("log")  # the first steps are where Adagrad's rate falls most
            ax.set_xlabel(label("k"))
            style_axes(ax)
        self.legend = widgets.HTML()
        controls = layout.row([layout.column(rows),
                               layout.column([self.surface_control.widget, self.steps.widget,
                                              self.beta1.widget, self.beta2.widget])])
        layout.fit_labels(controls)
        self.widget = widgets.VBox([controls, live.image, self.legend])
        self._surface = None
        self._quiet = False
        self.surface_control.observe(self._new_surface)
        for control in (self.steps, self.beta1, self.beta2, *self.lrs.values()):
            control.observe(self.update)
        for box in self.show.values():
            box.observe(lambda _change: self.update(), "value")
        self.update()

    def _new_surface(self) -> None:
        """Another surface: its own learning rates and steps (then one redraw)."""
        s = SURFACES[self.surface_control.value]
        self._quiet = True
        try:
            for name, control in self.lrs.items():
                control.value = s.lrs[name]
            self.steps.value = s.steps
        finally:
            self._quiet = False
        self.update()

    def settings(self, name: str) -> dict:
        b1, b2 = self.beta1.value, self.beta2.value
        return {"momentum": {"momentum": b1}, "rmsprop": {"alpha": b2},
                "adam": {"betas": (b1, b2)}}.get(name, {})

    def update(self) -> dict:
        """Redraw for the current controls; returns {name: Path} of the optimizers shown."""
        if self._quiet:
            return {}
        surface = self.surface_control.value
        s, n = SURFACES[surface], self.steps.value
        if surface != self._surface:  # the contours are background: redrawn only here
            self._surface = surface
            for coll in list(self.ax_path.collections):
                coll.remove()
            _contours(self.ax_path, surface)
            self.ax_path.set_title(plot_text(s.en, s.zh), fontsize=9)
            self.start_marker.set_data([s.start[0]], [s.start[1]])
            self.minimum_marker.set_data(*zip(*_minima(surface)))
            self.figure.invalidate()
        out, entries, lows, highs = {}, [], [], []
        for name in SHOWN:
            visible = self.show[name].value
            for artist in (self.paths[name], self.losses[name], *self.effs[name]):
                artist.set_visible(visible)
            if not visible:
                continue
            lr = self.lrs[name].value
            path = out[name] = on_surface(name, surface, lr=lr, steps=n, **self.settings(name))
            self.paths[name].set_data(*_clipped(path.w, surface).T)
            with np.errstate(all="ignore"):  # a diverged path is drawn at the edge
                f = np.array([s.f(w) for w in path.w]) - s.lowest
            f = np.clip(np.nan_to_num(f, nan=1e12, posinf=1e12), 1e-12, 1e12)
            self.losses[name].set_data(np.arange(n + 1), f)
            for j, line in enumerate(self.effs[name]):
                e = np.nan_to_num(path.effective_lr[:, j], nan=1e-12)
                line.set_data(np.arange(1, n + 1), e)
                lows.append(np.min(e))
                highs.append(np.max(e))
            entries.append((f"{_title(name)} (lr {lr:.3g})", _look(name)["color"]))
        self.ax_loss.set_xlim(0, n)
        if out:
            f_all = np.concatenate([line.get_ydata() for name, line in self.losses.items()
                                    if name in out])
            self.ax_loss.set_ylim(10 ** np.floor(np.log10(f_all.min())),
                                  10 ** np.ceil(np.log10(f_all.max())))
        self.ax_eff.set_xlim(1, n)
        if lows:
            lo, hi = max(min(lows), 1e-8), max(max(highs), 1e-7)
            self.ax_eff.set_ylim(10 ** np.floor(np.log10(lo)), 10 ** np.ceil(np.log10(hi)))
        self.legend_entries = entries  # the picture draws them too
        self.legend.value = layout.legend_html(entries)
        self.figure.refresh()
        return out


def explore_optimizers(surface: str = "rosenbrock", steps: int | None = None,
                       shown=SHOWN) -> OptimizerExplorer:
    """The optimizers explorer: see ``OptimizerExplorer``."""
    return OptimizerExplorer(surface=surface, steps=steps, shown=shown)


__all__ = ["OptimizerExplorer", "explore_optimizers", "plot_bias_correction",
           "reveal_bias_correction", "uncorrected_steps",
           "plot_effective_lr", "plot_surfaces", "show_defaults", "show_keras_gaps",
           "show_values"]
