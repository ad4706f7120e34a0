"""The LR range test's figure and live explorer (``lrlessons.lr_range`` holds the run and the
rules, without widgets)."""

from __future__ import annotations

import numpy as np

from . import layout
from .explorers import ERROR_STYLE, Explorer, _escape
from .i18n import LRLessonsError, message, tr
from .lr_range import (
    _END,
    _MARGIN,
    _SMOOTH,
    _START,
    _STEPS,
    _STOP,
    STOP_FACTOR,
    RangeTest,
    RangeTests,
    lowest_index,
    range_test,
    rounded,
)
from .params import Param
from .plotting import PALETTE, label, plot_text, style_axes, subplots

RAW = "#9ecae1"  # the measured losses: light, the smoothed curve is what to read


def _draw_losses(ax, lrs, losses, smoothed, settings: dict, measured: str, smoothed_label: str):
    """The measured loss light and the smoothed loss bold against the lr (log axis), the view
    from a little below the lowest smoothed loss to well above the start: what a range test and
    ``lr_find`` both draw."""
    ax.set_xscale("log")
    ax.plot(lrs, losses, color=RAW, lw=1.0, zorder=2, label=measured)
    ax.plot(lrs, smoothed, color=PALETTE[0], lw=2.4, zorder=3, label=smoothed_label)
    finite = np.asarray(smoothed, dtype=float)
    finite = finite[np.isfinite(finite)]
    ax.set_ylim(max(0.0, 0.8 * float(np.min(finite))), 1.6 * float(finite[0]))
    ax.set_xlim(settings["start_lr"], settings["end_lr"])


def _finish(ax) -> None:
    ax.set_xlabel(plot_text("learning rate (log scale)", "学习率（对数横轴）"))
    ax.set_ylabel(label("train_loss"))
    style_axes(ax)
    ax.legend(frameon=False, loc="upper left", fontsize=8)


def draw_range_test(ax, test: RangeTest | RangeTests, show_suggestion: bool = True) -> None:
    """Loss against lr (log axis) on ``ax``: each seed thin and grey, the measured (median) loss
    light, the smoothed loss bold; the lowest point and the suggested max_lr marked."""
    seeds = test.tests if isinstance(test, RangeTests) else []
    for t in seeds:
        ax.plot(t.lrs, t.losses, color="#cccccc", lw=0.6, zorder=1)
    lrs, smoothed = test.lrs, test.smoothed
    _draw_losses(ax, lrs, test.losses, smoothed, test.settings,
                 plot_text("measured (median of the seeds)", "实测（各种子的中位数）") if seeds
                 else plot_text("measured", "实测"),
                 plot_text(f"smoothed ({test.smooth} steps)", f"平滑后（{test.smooth} 步）"))
    if show_suggestion and len(lrs):
        i = lowest_index(smoothed)
        ax.plot([lrs[i]], [smoothed[i]], "o", color=PALETTE[1], ms=7, zorder=4,
                label=plot_text(f"lowest point: lr {lrs[i]:.2g}", f"最低处：学习率 {lrs[i]:.2g}"))
        ax.axvline(test.suggestion, color=PALETTE[2], lw=1.8, ls="--", zorder=2, label=plot_text(
            f"suggested max_lr = {lrs[i]:.2g} / {test.margin:g} ≈ {rounded(test.suggestion):g}",
            f"建议的 max_lr = {lrs[i]:.2g} / {test.margin:g} ≈ {rounded(test.suggestion):g}"))
    _finish(ax)


def plot_range_test(test: RangeTest | RangeTests, show_suggestion: bool = True,
                    title: str | None = None):
    """Static figure of a range test (``lrlessons.range_test(...)``): the loss against the lr,
    smoothed, with its lowest point and the suggested max_lr (``show_suggestion=False`` leaves
    them for the reader to find)."""
    import matplotlib.pyplot as plt

    fig, ax = subplots(figsize=(7, 3.8), layout="constrained")
    draw_range_test(ax, test, show_suggestion)
    if title:
        ax.set_title(title)
    plt.close(fig)  # returned, displayed once by the notebook
    return fig


RULE_TEXT = {"valley": ("valley", "最长下降段的中部（valley）"),
             "steep": ("steepest descent", "下降最陡处"),
             "minimum": ("minimum / 10", "极小值 / 10")}


def draw_lr_find(ax, result) -> None:
    """An ``lr_find`` result on ``ax``: the measured and smoothed loss against the lr, each
    rule's suggestion as a point on the smoothed curve, the recommended one as a dashed line in
    its colour."""
    from .lr_finder import RECOMMENDED

    lrs, smoothed = result.lrs, result.smoothed
    beta = result.settings["beta"]
    _draw_losses(ax, lrs, result.losses, smoothed, result.settings, plot_text("measured", "实测"),
                 plot_text(f"smoothed (exponential moving average, beta {beta:g})",
                           f"平滑后（指数移动平均，beta {beta:g}）"))
    finite = np.isfinite(smoothed)
    log_lrs = np.log(lrs[finite])
    for k, (name, lr) in enumerate(result.suggestions.items()):
        at = float(np.interp(np.log(lr), log_lrs, smoothed[finite]))
        ax.plot([lr], [at], "o", color=PALETTE[1 + k], ms=7, zorder=4,
                label=plot_text(f"{RULE_TEXT[name][0]}: lr {lr:.2g}",
                                f"{RULE_TEXT[name][1]}：学习率 {lr:.2g}"))
    ax.axvline(result.suggestion, color=PALETTE[1 + list(result.suggestions).index(RECOMMENDED)],
               lw=1.4, ls="--", zorder=2,
               label=plot_text(f"suggested ({RECOMMENDED}) ≈ {result.suggested:g}",
                               f"建议值（{RECOMMENDED}）≈ {result.suggested:g}"))
    _finish(ax)


def plot_lr_find(result, title: str | None = None):
    """Static figure of ``lrlessons.lr_find(...)`` (or ``lr_find_keras``): the loss against the
    lr, smoothed, with each rule's suggestion (``result.plot()`` draws the same)."""
    import matplotlib.pyplot as plt

    fig, ax = subplots(figsize=(7, 3.8), layout="constrained")
    draw_lr_find(ax, result)
    if title:
        ax.set_title(title)
    plt.close(fig)  # returned, displayed once by the notebook
    return fig


_SEEDS = Param("seeds", 1, "int", "seeds (one test each; the curve is their median)",
               "种子数（每个种子测一次，曲线取中位数）", 1, 10, ui=(1, 5))
_BATCH = Param("batch_size", 100, "int", "points per batch", "每个 batch 的样本数", 1, None,
               ui=(10, 400))
_MOMENTUM = Param("momentum", 0.9, "float", "momentum (SGD)", "动量（SGD）", 0.0, 1.0,
                  high_open=True, ui=(0.0, 0.99))
_OPTIMIZER = Param("optimizer", "sgd", "choice", "optimizer", "优化器", choices=("sgd", "adam"))


class RangeTestExplorer(Explorer):
    """Run a range test and read it: the reading (smoothing, stop factor, margin) redraws at
    once from the recorded losses; the run settings take effect with the Run button.

    The axes are set up once per run (log x, limits, legend); a reading slider only moves the
    lines and markers (blitted by ``LiveFigure``)."""

    SEEDS = 5  # the most seeds a run may have: one grey line each

    def __init__(self, seeds: int = 1, **settings):
        import ipywidgets as widgets

        from .controls import control_for
        from .livefigure import LiveFigure

        reading = {"smooth": _SMOOTH, "stop_factor": _STOP, "margin": _MARGIN}
        running = {"optimizer": _OPTIMIZER, "momentum": _MOMENTUM, "batch_size": _BATCH,
                   "start_lr": _START, "end_lr": _END, "steps": _STEPS, "seeds": _SEEDS}
        given = {"seeds": seeds, **settings}
        self.controls = {name: control_for(p, p.check(given.get(name, p.default)))
                         for name, p in {**reading, **running}.items()}
        self.run_button = widgets.Button(description=tr("Run the test", "运行测试"),
                                         button_style="primary", icon="play")
        self.status = widgets.HTML()
        self.readout = widgets.HTML()
        self.figure = LiveFigure(figsize=(7.2, 3.8))
        self._artists()
        c = self.controls
        left = layout.column([c[k].widget for k in reading])
        right = layout.column([*(c[k].widget for k in running), self.run_button])
        layout.fit_labels(left, right)
        self.widget = widgets.VBox([layout.row([left, right]), self.status,
                                    self.figure.image, self.readout])
        for name in reading:
            c[name].observe(self.update)
        self.run_button.on_click(lambda _b: self.run())
        self.test = None
        self.run()

    def _artists(self) -> None:
        ax = self.ax = self.figure.axes[0]
        ax.set_xscale("log")
        ax.set_xlabel(plot_text("learning rate (log scale)", "学习率（对数横轴）"))
        ax.set_ylabel(label("train_loss"))
        style_axes(ax)
        self.seed_lines = [ax.plot([], [], color="#cccccc", lw=0.6)[0] for _ in range(self.SEEDS)]
        self.raw = ax.plot([], [], color=RAW, lw=1.0, label=plot_text("measured", "实测"))[0]
        self.smoothed = ax.plot([], [], color=PALETTE[0], lw=2.4,
                                label=plot_text("smoothed", "平滑后"))[0]
        self.lowest = ax.plot([], [], "o", color=PALETTE[1], ms=7,
                              label=plot_text("lowest point", "最低处"))[0]
        self.suggested = ax.plot([], [], color=PALETTE[2], lw=1.8, ls="--",
                                 label=plot_text("suggested max_lr", "建议的 max_lr"))[0]
        ax.legend(frameon=False, loc="upper left", fontsize=8)
        self.figure.dynamic(*self.seed_lines, self.raw, self.smoothed, self.lowest,
                            self.suggested)

    def _settings(self) -> dict:
        values = {k: c.value for k, c in self.controls.items()}
        if values["optimizer"] != "sgd":
            values.pop("momentum")  # Adam's beta1 plays that part
        return values

    def run(self):
        """Train with the run settings; returns the test (None when refused)."""
        values = self._settings()
        seeds = values.pop("seeds")
        for name in ("smooth", "margin", "stop_factor"):
            values.pop(name)
        self.status.value = tr("running the test…", "测试运行中……")
        try:
            # Trained with the largest stop factor the slider offers: a smaller one ends the same
            # losses earlier (the rule looks only backwards), so the slider needs no new run.
            self.test = range_test(seed=range(seeds) if seeds > 1 else 0,
                                   stop_factor=_STOP.ui[1], **values)
        except LRLessonsError as exc:  # a library bug stays a traceback
            self.status.value = f"<span style='{ERROR_STYLE}'>{_escape(message(exc))}</span>"
            return None
        self.status.value = ""
        # The view of this run: its lr range, and losses from a little below the lowest measured
        # to well above the start (a blow-up leaves the top, as it should).
        losses = np.concatenate([t.step_losses for t in self._seeds()])
        finite = losses[np.isfinite(losses)]
        self.ax.set_xlim(values["start_lr"], values["end_lr"])
        self.ax.set_ylim(max(0.0, 0.8 * float(finite.min())), 1.6 * float(finite[0]))
        self.figure.invalidate()
        self.update()
        return self.test

    def _seeds(self) -> list:
        test = self.test
        return list(test.tests) if isinstance(test, RangeTests) else [test]

    def update(self) -> float | None:
        """Redraw with the current reading; returns the suggested max_lr (None: no curve)."""
        test = self.test
        if test is None:
            return None
        for name in ("smooth", "margin", "stop_factor"):
            setattr(test, name, self.controls[name].value)
        seeds = self._seeds()
        for i, line in enumerate(self.seed_lines):
            shown = len(seeds) > 1 and i < len(seeds)
            line.set_data(*((seeds[i].lrs, seeds[i].losses) if shown else ([], [])))
        if len(test.lrs) < 2:
            for line in (self.raw, self.smoothed, self.lowest, self.suggested):
                line.set_data([], [])
            self.readout.value = tr("The loss blew up at once: lower start_lr.",
                                    "损失一开始就爆炸了：请调低 start_lr。")
            self.figure.refresh()
            return None
        lrs, smoothed = test.lrs, test.smoothed
        self.raw.set_data(lrs, test.losses)
        self.smoothed.set_data(lrs, smoothed)
        i = lowest_index(smoothed)
        self.lowest.set_data([lrs[i]], [smoothed[i]])
        self.suggested.set_data([test.suggestion] * 2, [0, 1e6])
        stops = [t for t in seeds if t.stopped]
        end = tr(f"{len(stops)} of {len(seeds)} runs stopped: loss above "
                 f"{test.stop_factor:g} × its lowest",
                 f"{len(seeds)} 次运行中有 {len(stops)} 次因损失超过最低值的 "
                 f"{test.stop_factor:g} 倍而停止") \
            if stops else tr("the loss never blew up: raise end_lr to see where it does",
                             "损失始终没有爆炸：调高 end_lr 才能看到它在哪里爆炸")
        self.readout.value = tr(
            f"lowest smoothed loss at lr <b>{test.lowest_lr:.3g}</b>; suggested max_lr = "
            f"{test.lowest_lr:.3g} / {test.margin:g} = <b>{test.suggestion:.3g}</b> "
            f"(≈ {rounded(test.suggestion):g}); {end}.",
            f"平滑后的损失在学习率 <b>{test.lowest_lr:.3g}</b> 处最低；建议的 max_lr = "
            f"{test.lowest_lr:.3g} / {test.margin:g} = <b>{test.suggestion:.3g}</b>"
            f"（≈ {rounded(test.suggestion):g}）；{end}。")
        self.figure.refresh()
        return test.suggestion


def explore_range_test(seeds: int = 1, **settings) -> RangeTestExplorer:
    """The LR range test explorer: run settings (optimizer, momentum, batch size, lr range,
    steps, seeds) with a Run button, and the reading (smoothing, stop factor, margin) on sliders
    that redraw at once. ``settings`` set the starting values."""
    return RangeTestExplorer(seeds=seeds, **settings)


__all__ = ["RangeTestExplorer", "STOP_FACTOR", "draw_lr_find", "draw_range_test",
           "explore_range_test", "plot_lr_find", "plot_range_test"]
