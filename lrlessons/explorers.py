"""Live explorers, built from the catalogue alone: a new schedule needs no widget code.

- ``explore(name)``: one schedule, a slider per parameter, the steps shown, a log y-axis switch,
  the formula above and the framework line (with the current values) below.
- ``compare(entries)``: several schedules overlaid, each with its own tab of sliders.
- ``train_explorer()``: pick a schedule, press Train, see loss, accuracy and the lr the optimizer
  really used, next to the earlier runs.

Each figure is created once; a slider move only sets new line data and redraws (see
``LiveFigure``). A combination the schedule refuses (say pct_start * total_steps <= 1) is shown
as the library's own message under the plot, never as a traceback.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from . import layout
from .catalogue import SCHEDULES, check_base_lr, curve, get, resolve
from .controls import FIXED_KINDS, Control, control_for
from .frameworks import FRAMEWORKS, write
from .i18n import LRLessonsError, message, pick, tr
from .livefigure import LiveFigure, LivePanels, still
from .params import Param, Schedule, fail
from .plotting import colors, label, plot_text, set_lr_axis, step_xy, style_axes, title_of

BASE_LR = Param("base_lr", 0.1, "float", "the optimizer's initial learning rate",
                "优化器的初始学习率", 0.0, None, low_open=True, scale="log", ui=(1e-4, 10.0))
ERROR_STYLE = "color:#b2182b"
# The first line of an explorer's text/plain: what the cell is, where no kernel runs.
FALLBACK = ("Live explorer: run this cell in Jupyter to use the sliders.",
            "交互图：在 Jupyter 中运行这个单元格即可拖动滑块。")


class Explorer:
    """What the explorers share: they display as their widget, and carry beside it, in the same
    output, a picture of their figure with the controls' values under it (``image/png``) and
    those values as text (``text/plain``). JupyterLab shows the widget (it ranks the widget type
    first); GitHub, nbviewer, Colab before running and the static site, where no kernel runs,
    show the picture."""

    widget: widgets.Widget
    figure: LiveFigure | LivePanels

    def _repr_mimebundle_(self, **kwargs):
        data = self.widget._repr_mimebundle_(**kwargs)
        values = self.settings_text()
        data["text/plain"] = tr(*FALLBACK) + "\n" + values
        data["image/png"] = self.picture()
        return data

    def settings_text(self, drawn: bool = False) -> str:
        """The controls' values as shown, "lr = 0.1, gamma = 0.5, ..." (hidden controls left out;
        a ticked "None" box makes its slider's value None). ``drawn``: for the picture, whose
        words fall back to English where no CJK font is installed."""
        prefix = (plot_text if drawn else tr)("Shown with ", "图中参数：")
        return prefix + ", ".join(f"{name} = {value}" for name, value in _settings(self.widget))

    def picture(self) -> bytes:
        """The figure as it is now (every panel) with the controls' values drawn under it."""
        parts = getattr(self.figure, "parts", [self.figure])
        return still([p.image.value for p in parts], self.settings_text(drawn=True),
                     getattr(self, "legend_entries", ()))


def _settings(widget) -> list[tuple[str, str]]:
    """(description, value) of every visible control in ``widget``'s tree, in display order."""
    if getattr(widget.layout, "display", None) == "none":
        return []
    if isinstance(widget, widgets.Tab):
        return [(f"{title}.{name}", value) for title, child in zip(widget.titles, widget.children)
                for name, value in _settings(child)]
    if isinstance(widget, widgets.Box) and layout.WITH_EXTRA in widget._dom_classes:
        # A slider and the small box after it (layout.with_extra): "None", or "show".
        main, extra = widget.children
        got = _settings(main)
        if got and isinstance(extra, widgets.Checkbox):
            (name, value), = got
            if extra.description == "None":
                value = "None" if extra.value else value
            else:
                mark = f"{extra.description} {'✓' if extra.value else '✗'}"
                value = tr(f"{value} ({mark})", f"{value}（{mark}）")
            return [(name, value)]
        return got + _settings(extra)
    if isinstance(widget, widgets.Box):
        return [item for child in widget.children for item in _settings(child)]
    if isinstance(widget, (widgets.HTML, widgets.HTMLMath, widgets.Label, widgets.Image)) \
            or not getattr(widget, "description", ""):
        return []
    if isinstance(widget, (widgets.Dropdown, widgets.ToggleButtons, widgets.RadioButtons)):
        return [(widget.description, str(widget.label))]
    if not hasattr(widget, "value"):
        return []
    value = widget.value
    if isinstance(value, float):
        value = f"{value:.4g}"
    return [(widget.description, str(value))]


def plateau_metrics(n: int, seed: int = 0) -> list[float]:
    """A validation loss for ReduceLROnPlateau demos: fast progress, then noisy plateaus."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    loss = 0.25 + 0.75 * np.exp(-t / 12.0) + 0.1 * np.exp(-t / 60.0) + rng.normal(0, 0.012, n)
    return [round(float(v), 4) for v in loss]


class EntryControls:
    """The controls of one catalogue entry: a widget per parameter its spec can show, the other
    values (functions, data, member schedules) kept as given."""

    def __init__(self, spec: Schedule, params: dict, none_for: tuple[str, ...] = ()):
        self.spec = spec
        resolved = resolve(spec, params)  # bad input fails here, at the boundary, in both languages
        self.fixed = {k: v for k, v in params.items()
                      if spec.param(k).kind in FIXED_KINDS}
        self.controls: dict[str, Control] = {}
        for p in spec.params:
            if p.name in none_for and p.name not in params:
                control = control_for(p, None, optional=True)
            else:
                control = control_for(p, resolved[p.name])
            if control is not None:
                self.controls[p.name] = control
        self.box = layout.stack([c.widget for c in self.controls.values()])

    def values(self) -> dict:
        out = dict(self.fixed)
        out.update({k: c.value for k, c in self.controls.items()})
        return out

    def observe(self, callback) -> None:
        for c in self.controls.values():
            c.observe(callback)


def _steps_slider(value: int, high: int) -> widgets.IntSlider:
    return widgets.IntSlider(value=value, min=2, max=high, step=1, description="steps",
                             tooltip=tr("how many steps to show", "显示多少步"),
                             layout=layout.control_layout(), continuous_update=True)


def _log_box(log: bool) -> widgets.Checkbox:
    return widgets.Checkbox(value=log, description=tr("log y-axis", "对数纵轴"), indent=False,
                            layout=widgets.Layout(width="auto"))


def _code_html(name: str, base_lr: float, values: dict) -> str:
    """The PyTorch line for the values on screen (the owner's when PyTorch has none), or why
    there is none: the very text the tests run."""
    spec = get(name)
    framework = "pytorch" if "pytorch" in spec.code else spec.owner
    if spec.metric:
        values = {**values, "metrics": []}
    written = write(spec, framework, base_lr, resolve(spec, values))
    if written.text is None:
        why = message_of(written.why)
        return f"<span style='color:#777'>{_escape(FRAMEWORKS[framework])}: {_escape(why)}</span>"
    note = f" <span style='color:#777'>({_escape(message_of(written.why))})</span>" \
        if written.why else ""
    return f"<code style='font-size:12px'>{_escape(written.text)}</code>{note}"


def message_of(text) -> str:
    return "" if text is None else tr(text.en, text.zh)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _lr_axes(figure: LiveFigure):
    """The one axes of a learning-rate explorer, in the course's style."""
    ax = figure.axes[0]
    style_axes(ax)
    ax.set_xlabel(label("step"))
    ax.set_ylabel(label("lr"))
    return ax


def _run_length(spec: Schedule, values: dict) -> int | None:
    """How many steps the schedule runs (OneCycleLR: stepping further is an error), or None."""
    if spec.length is None:
        return None
    try:
        return spec.length(values)
    except TypeError:  # a length parameter left at None: the entry refuses it when plotted
        return None


class ScheduleExplorer(Explorer):
    """One schedule with a slider per parameter; see ``explore``."""

    def __init__(self, name: str, steps: int | None = None, base_lr: float = 0.1,
                 log: bool = False, **params):
        spec = self.spec = get(name)
        base_lr = check_base_lr(base_lr)
        self.plateau = spec.metric
        high = max(1000, 4 * spec.span)
        if self.plateau:
            params.setdefault("metrics", plateau_metrics(high))
            high = min(high, len(params["metrics"]) + 1)
        self.entry = EntryControls(spec, params)
        steps = steps if steps is not None else _run_length(spec, self.entry.values()) or spec.span
        self.steps = _steps_slider(min(steps, high), max(high, steps))
        self.steps.layout.display = "none" if spec.length is not None else None
        self.base_lr = control_for(BASE_LR, base_lr) if spec.uses_base_lr else None
        self.log = _log_box(log)

        self.figure = LiveFigure(figsize=(7.2, 3.4))
        ax = self.ax = _lr_axes(self.figure)
        first = self._curve()
        self.start = ax.plot(*step_xy(first), drawstyle="steps-post", color="#bbbbbb", lw=1.5,
                             ls="--", label=plot_text("start values", "初始参数"))[0]
        (self.line,) = self.figure.dynamic(*ax.plot(
            *step_xy(first), drawstyle="steps-post", color=colors(1)[0], lw=2.2,
            label=title_of(spec.name)))
        if self.plateau:
            twin = ax.twinx()
            metrics = self.entry.fixed["metrics"]
            twin.plot(np.arange(1, len(metrics) + 1), metrics, color="#999999", lw=1)
            twin.set_ylabel(plot_text("watched metric (val loss)", "监控指标（验证损失）"),
                            color="#777777")
            twin.spines["top"].set_visible(False)
            self.twin = twin
        ax.legend(frameon=False, loc="upper right")

        formula = widgets.HTMLMath(f"<b>{pick(vars(spec.title))}</b>&nbsp;&nbsp;"
                                   f"$${spec.formula}$$")
        self.code = widgets.HTML()
        self.readout = widgets.HTML()
        sliders = layout.column([self.entry.box, self.steps,
                                 *([self.base_lr.widget] if self.base_lr else []), self.log])
        layout.fit_labels(sliders)
        self.widget = widgets.VBox([formula, layout.beside(sliders, self.figure), self.readout,
                                    self.code])
        self.entry.observe(self.update)
        for w in (self.steps, self.log):
            w.observe(lambda _change: self.update(), "value")
        if self.base_lr:
            self.base_lr.observe(self.update)
        self.update()

    def _settings(self) -> tuple[dict, int, float]:
        values = self.entry.values()
        steps = _run_length(self.spec, values) or self.steps.value
        base_lr = self.base_lr.value if self.base_lr else 0.1
        return values, steps, base_lr

    def _curve(self) -> np.ndarray:
        values, steps, base_lr = self._settings()
        return curve(self.spec.name, steps, base_lr=base_lr, **values)

    def update(self) -> np.ndarray | None:
        """Redraw for the current slider values; returns the curve (None when refused)."""
        values, steps, base_lr = self._settings()
        try:
            lr = curve(self.spec.name, steps, base_lr=base_lr, **values)
        except LRLessonsError as exc:  # a library bug stays a traceback
            self.line.set_visible(False)
            self.readout.value = f"<span style='{ERROR_STYLE}'>{_escape(message(exc))}</span>"
            self.figure.refresh()
            return None
        self.line.set_visible(True)
        self.line.set_data(*step_xy(lr))
        self.ax.set_xlim(0, steps)
        set_lr_axis(self.ax, [lr, self.start.get_ydata()[:steps + 1]], self.log.value)
        if self.plateau:
            self.twin.set_xlim(0, steps)
        self.readout.value = tr(
            f"lr at step 0: <b>{lr[0]:.4g}</b> &nbsp; at step {steps - 1}: <b>{lr[-1]:.4g}</b>"
            f" &nbsp; highest: <b>{lr.max():.4g}</b>",
            f"第 0 步学习率：<b>{lr[0]:.4g}</b> &nbsp; 第 {steps - 1} 步：<b>{lr[-1]:.4g}</b>"
            f" &nbsp; 最高：<b>{lr.max():.4g}</b>")
        self.code.value = _code_html(self.spec.name, base_lr, values)
        self.figure.refresh()
        return lr


class CompareExplorer(Explorer):
    """Several schedules overlaid, a tab of sliders each; see ``compare``."""

    def __init__(self, entries, steps: int | None = None, base_lr: float = 0.1,
                 log: bool = False):
        from .plotting import as_entries

        pairs = as_entries(entries, {})
        if not pairs:
            raise fail("compare needs at least one schedule: give a name, e.g. compare(\"StepLR\"), "
                       "or a list of names",
                       "compare 至少需要一个调度：给出一个名称，例如 compare(\"StepLR\")，"
                       "或一个名称列表")
        self.entries = []
        for name, params in pairs:
            spec = get(name)
            if spec.metric:
                params.setdefault("metrics", plateau_metrics(4000))
            self.entries.append(EntryControls(spec, params))
        span = max(e.spec.span for e in self.entries)
        steps = steps if steps is not None else span
        self.steps = _steps_slider(steps, max(1000, 4 * span, steps))
        self.base_lr = control_for(BASE_LR, check_base_lr(base_lr))
        self.log = _log_box(log)
        self.figure = LiveFigure(figsize=(7.6, 3.6))
        ax = self.ax = _lr_axes(self.figure)
        self.lines = self.figure.dynamic(*[
            ax.plot([0, 1], [0, 0], drawstyle="steps-post", color=c, lw=2,
                    label=f"{e.spec.name}")[0]
            for e, c in zip(self.entries, colors(len(self.entries)))])
        ax.legend(frameon=False, loc="upper right")
        self.codes = [widgets.HTML() for _ in self.entries]
        tabs = widgets.Tab([widgets.VBox([e.box, c]) for e, c in zip(self.entries, self.codes)])
        for i, e in enumerate(self.entries):
            tabs.set_title(i, e.spec.name)
        self.readout = widgets.HTML()
        shared = layout.column([self.steps, self.base_lr.widget, self.log])
        layout.fit_labels(shared, tabs)  # one label width: switching tabs moves no slider
        self.widget = widgets.VBox([layout.beside(shared, self.figure), tabs, self.readout])
        for e in self.entries:
            e.observe(self.update)
        self.base_lr.observe(self.update)
        for w in (self.steps, self.log):
            w.observe(lambda _change: self.update(), "value")
        self.update()

    def update(self) -> list:
        """Redraw every schedule; returns the curves (None for one whose values are refused)."""
        steps, base_lr = self.steps.value, self.base_lr.value
        curves, problems = [], []
        for e, line, html in zip(self.entries, self.lines, self.codes):
            values = e.values()
            n = min(steps, _run_length(e.spec, values) or steps)
            try:
                lr = curve(e.spec.name, n, base_lr=base_lr, **values)
            except LRLessonsError as exc:
                line.set_visible(False)
                problems.append(f"{e.spec.name}: {_escape(message(exc))}")
                curves.append(None)
                continue
            line.set_visible(True)
            line.set_data(*step_xy(lr))
            html.value = _code_html(e.spec.name, base_lr, values)
            curves.append(lr)
        self.ax.set_xlim(0, steps)
        set_lr_axis(self.ax, [c for c in curves if c is not None], self.log.value)
        self.readout.value = "<br>".join(f"<span style='{ERROR_STYLE}'>{p}</span>"
                                         for p in problems)
        self.figure.refresh()
        return curves


class TrainingExplorer(Explorer):
    """Pick a schedule and its values, press Train: loss, accuracy and the lr really used appear
    next to the earlier runs. See ``train_explorer``."""

    HISTORY = 6

    # train() settings a lesson may hold fixed for every run of the explorer (not sliders).
    SETTINGS = ("optimizer", "batch_size", "momentum", "betas", "weight_decay", "accumulate",
                "task")

    def __init__(self, schedules=None, schedule: str | None = None, base_lr: float | None = None,
                 epochs: int | None = None, **settings):
        from . import playground as pg

        self.pg = pg
        unknown = sorted(set(settings) - set(self.SETTINGS))
        if unknown:
            allowed = ", ".join(self.SETTINGS)
            raise fail(f"train_explorer cannot hold {', '.join(unknown)} fixed (allowed: "
                       f"{allowed})", f"train_explorer 不能固定 {', '.join(unknown)}（可以固定的有："
                       f"{allowed}）", TypeError)
        self.settings = settings
        names = [None, *(n for n, s in SCHEDULES.items() if s.trainable)] if schedules is None \
            else list(schedules)
        for n in names:
            if n is not None:
                get(n)
        if schedule not in names:
            names.insert(0, schedule)
        self.runs: list = []
        # "" stands for the constant lr: a Dropdown whose value is None shows nothing selected.
        self.choice = widgets.Dropdown(
            options=[(n or tr("constant lr", "恒定学习率"), n or "") for n in names],
            value=schedule or "",
            description=tr("schedule", "调度"), layout=layout.control_layout())
        self.params_box = layout.stack([])
        self.base_lr = control_for(BASE_LR, check_base_lr(base_lr or pg.BASE_LR))
        self.epochs = widgets.IntSlider(
            value=Param("epochs", pg.EPOCHS, "int", "", "", 1, 10_000).check(epochs or pg.EPOCHS),
            min=5, max=150, description="epochs", layout=layout.control_layout(),
            continuous_update=False)
        self.step_per = widgets.ToggleButtons(
            options=[(tr("per epoch", "每个 epoch"), "epoch"),
                     (tr("per batch", "每个 batch"), "iteration")],
            description=tr("step()", "step()"), style={"button_width": "auto"},
            layout=widgets.Layout(display="flex", align_items="baseline"))
        # ipywidgets 8 leaves out the class that lines a label up with the other controls' (its
        # label would sit on a line of its own, left-aligned): put it back.
        self.step_per.add_class("widget-inline-hbox")
        self.train_button = widgets.Button(description=tr("Train", "训练"), button_style="primary",
                                           icon="play")
        self.clear_button = widgets.Button(description=tr("Clear runs", "清除记录"), icon="trash")
        self.status = widgets.HTML()
        self.figure = LivePanels(3, panel_size=(4.0, 3.4))
        self.legend = widgets.HTML()  # under the panels, wrapping with the column
        self.entry = None
        self.choice.observe(lambda _change: self._choose(), "value")
        self.train_button.on_click(lambda _b: self.train())
        self.clear_button.on_click(lambda _b: self.clear())
        self._rebuild()
        self.widget = widgets.VBox([
            layout.row([
                layout.column([self.choice, self.params_box]),
                layout.column([self.base_lr.widget, self.epochs, self.step_per,
                               layout.stack([self.train_button, self.clear_button],
                                            widgets.HBox)])]),
            self.status, self.figure.image, self.legend])
        if settings:  # say what every run shares that no control shows
            self.status.value = tr("every run: ", "每次训练都用：") + ", ".join(
                f"<code>{k}={v!r}</code>" for k, v in settings.items())
        layout.fit_labels(self.widget)
        self.draw()

    def _choose(self) -> None:
        self._rebuild()
        layout.fit_labels(self.widget)  # the new schedule's names may be longer

    @property
    def schedule(self) -> str | None:
        """The schedule chosen (None: the constant lr)."""
        return self.choice.value or None

    def _rebuild(self) -> None:
        name = self.schedule
        self.step_per.value = self.pg.suggested_step_per(name)
        if name is None:
            self.entry = None
            self.params_box.children = ()
            return
        spec = get(name)
        given = dict(spec.suggested)
        if spec.metric:  # the run feeds its own validation loss: no data to give here
            given["metrics"] = []
        # The run fills the run-length parameter (T_max, total_steps, ...) with its own length:
        # start it at None ("the whole run"), a slider away from a value of the learner's.
        self.entry = EntryControls(spec, given, none_for=(spec.run_length,))
        self.params_box.children = (self.entry.box,)

    def train(self):
        """Train once with the current settings; returns the Run (None when refused)."""
        name = self.schedule
        params = self.entry.values() if self.entry is not None else {}
        params.pop("metrics", None)  # ReduceLROnPlateau: the playground passes the val loss
        self.status.value = tr("training…", "训练中……")
        try:
            run = self.pg.train(name, epochs=self.epochs.value, base_lr=self.base_lr.value,
                                step_per=self.step_per.value, **self.settings, **params)
        except LRLessonsError as exc:  # a library bug stays a traceback
            self.status.value = f"<span style='{ERROR_STYLE}'>{_escape(message(exc))}</span>"
            return None
        self.runs = (self.runs + [run])[-self.HISTORY:]
        if run.diverged:
            self.status.value = f"<span style='{ERROR_STYLE}'>" + tr(
                "The loss became NaN: this learning rate is too large, training stopped.",
                "损失变成了 NaN：学习率太大，训练已停止。") + "</span>"
        else:
            self.status.value = tr(
                f"final training loss <b>{run.loss[-1]:.3f}</b>, validation accuracy "
                f"<b>{100 * run.final_accuracy:.1f}%</b>",
                f"最终训练损失 <b>{run.loss[-1]:.3f}</b>，验证准确率 "
                f"<b>{100 * run.final_accuracy:.1f}%</b>")
        self.draw()
        return run

    def clear(self) -> None:
        self.runs = []
        self.status.value = ""
        self.draw()

    def draw(self) -> None:
        axes = self.figure.axes
        for ax in axes:
            ax.cla()
        self.legend.value, self.legend_entries = "", []
        self.pg.setup_run_axes(axes)
        if self.runs:
            lines = self.pg.draw_runs(axes, self.runs)
            self.legend_entries = [(line.get_label(), line.get_color()) for line in lines
                                   if line.axes is axes[0]]  # the picture draws them too
            self.legend.value = layout.legend_html(self.legend_entries)
        else:
            axes[0].set_yscale("linear")
            axes[1].text(0.5, 0.5, plot_text("press Train", "点击“训练”"), ha="center",
                         va="center", transform=axes[1].transAxes, color="#888888")
        self.figure.invalidate()
        self.figure.refresh()


def explore(name: str, steps: int | None = None, base_lr: float = 0.1, log: bool = False,
            **params) -> ScheduleExplorer:
    """Sliders for every parameter of ``name`` (from its catalogue entry) over a live plot.

    ``params`` set the starting values; functions (``lr_lambda``), data (``metrics``: a made-up
    validation loss when left out) and member schedules stay fixed. ``steps`` defaults to the
    span that shows the schedule's whole shape.
    """
    return ScheduleExplorer(name, steps=steps, base_lr=base_lr, log=log, **params)


def compare(entries, steps: int | None = None, base_lr: float = 0.1,
            log: bool = False) -> CompareExplorer:
    """Several schedules on one live plot: ``entries`` are names or (name, params) pairs."""
    return CompareExplorer(entries, steps=steps, base_lr=base_lr, log=log)


def train_explorer(schedules=None, schedule: str | None = None, base_lr: float | None = None,
                   epochs: int | None = None, **settings) -> TrainingExplorer:
    """The training playground with a Train button: ``schedules`` limits the choice (None in
    the list is the constant lr), ``schedule`` is the one selected first. ``settings`` are
    ``train()`` arguments every run uses (``optimizer="adam", batch_size=400``)."""
    return TrainingExplorer(schedules=schedules, schedule=schedule, base_lr=base_lr,
                            epochs=epochs, **settings)


__all__ = ["CompareExplorer", "EntryControls", "Explorer", "ScheduleExplorer",
           "TrainingExplorer", "compare", "explore", "plateau_metrics", "train_explorer"]
