"""Widgets built from the catalogue's ``Param`` specs, so a new schedule needs no widget code.

``control_for(param, value)`` picks the widget from the spec alone: a log slider for
``scale="log"``, an int or float slider over ``param.slider_range``, a dropdown for choices, a
checkbox for bools, a text box for lists of numbers, plus a "None" checkbox when None is a valid
value. Functions, data series and member schedules have no widget: they stay as given.
"""

from __future__ import annotations

import math

import ipywidgets as widgets

from . import layout
from .i18n import tr
from .params import Param, fail

FIXED_KINDS = ("callable", "series", "schedulers")


class Control:
    """One parameter's widget: ``value`` in the parameter's own terms (None when "None" is
    ticked), ``low``/``high`` the slider's ends, ``widget`` what to display."""

    def __init__(self, param: Param, widget, none_box=None, low=None, high=None, parse=None):
        self.param, self.name = param, param.name
        self.input, self.none_box = widget, none_box
        self.low, self.high, self._parse = low, high, parse
        self.widget = widget if none_box is None else layout.with_extra(widget, none_box)
        if none_box is not None:
            none_box.observe(self._sync_disabled, "value")
            self._sync_disabled()

    @property
    def value(self):
        if self.none_box is not None and self.none_box.value:
            return None
        if self._parse is not None:
            return self._parse(self.input.value)
        return _tidy(self.input.value)

    @value.setter
    def value(self, v) -> None:
        if self.none_box is not None:
            self.none_box.value = v is None
            if v is None:
                return
        if self._parse is not None:
            self.input.value = ", ".join(_fmt(x) for x in v)
        else:
            self.input.value = v

    @property
    def options(self) -> list:
        """Values a test can try: both ends and the middle of a slider, or every option."""
        if self.low is not None:
            mid = (self.low + self.high) / 2
            if self.param.scale == "log":
                mid = math.sqrt(self.low * self.high)
            if self.param.kind == "int":
                mid = int(round(mid))
            return [self.low, mid, self.high] + ([None] if self.none_box is not None else [])
        if self.param.kind == "choice":
            return list(self.param.choices)
        if self.param.kind == "bool":
            return [False, True]
        return []

    def observe(self, callback) -> None:
        for w in (self.input, self.none_box):
            if w is not None:
                w.observe(lambda _change: callback(), "value")

    def _sync_disabled(self, _change=None) -> None:
        self.input.disabled = bool(self.none_box.value)


def control_for(param: Param, value, optional: bool | None = None) -> Control | None:
    """The control for ``param`` starting at ``value``; None for kinds without a widget.
    ``optional`` forces (or hides) the "None" checkbox."""
    if param.kind in FIXED_KINDS:
        return None
    # An explorer lines its labels up (layout.fit_labels); alone, a control fits its own name.
    label = layout.label_px([param.name])
    common = dict(description=param.name, tooltip=tr(param.en, param.zh),
                  style={"description_width": f"{label}px"}, layout=layout.control_layout(label))
    if param.kind == "bool":
        return Control(param, widgets.Checkbox(value=bool(value), indent=True, **common))
    if param.kind == "choice":
        return Control(param, widgets.Dropdown(options=list(param.choices), value=value,
                                               **common))
    if param.kind in ("ints", "floats"):
        text = widgets.Text(value=", ".join(_fmt(v) for v in value or []),
                            placeholder="30, 60, 90", continuous_update=False, **common)
        return Control(param, text, parse=lambda s, p=param: parse_list(p, s))
    low, high = slider_bounds(param)
    can_be_none = param.optional or param.default is None if optional is None else optional
    start = value if value is not None else _middle(param, low, high)
    # A starting value outside the slider's usual range widens the slider: never a silent clamp.
    low, high = min(low, start), max(high, start)
    if param.kind == "int":
        slider = widgets.IntSlider(value=int(start), min=int(low), max=int(high), step=1,
                                   continuous_update=True, **common)
    elif param.scale == "log":
        slider = widgets.FloatLogSlider(value=start, base=10, min=math.log10(low),
                                        max=math.log10(high), step=0.01, readout_format=".3g",
                                        continuous_update=True, **common)
    else:
        step = _float_step(low, high)
        slider = widgets.FloatSlider(value=start, min=low, max=high, step=step,
                                     readout_format=_readout(step), continuous_update=True,
                                     **common)
    none_box = None
    if can_be_none:
        none_box = widgets.Checkbox(value=value is None, description="None", indent=False,
                                    tooltip=tr("None: let the scheduler decide",
                                               "None：交给调度器决定"),
                                    layout=widgets.Layout(width="80px"))
    return Control(param, slider, none_box, low, high)


def slider_bounds(param: Param) -> tuple[float, float]:
    """``param.slider_range`` with open ends moved one slider step inside the valid range."""
    low, high = param.slider_range
    if param.kind == "int":
        return (low + 1 if param.low_open and low == param.low else low,
                high - 1 if param.high_open and high == param.high else high)
    if param.scale == "log":
        return low, high  # a log range cannot include 0; ends are valid values
    step = _float_step(low, high)
    if param.low_open and low == param.low:
        low = low + step
    if param.high_open and high == param.high:
        high = high - step
    return low, high


def parse_list(param: Param, text: str) -> list:
    """"30, 60, 90" -> [30, 60, 90]; the learner's typo becomes a bilingual message."""
    cast = int if param.kind == "ints" else float
    parts = [s for s in text.replace(";", ",").replace(" ", ",").split(",") if s]
    try:
        return [cast(float(s)) if cast is int and float(s).is_integer() else cast(s)
                for s in parts]
    except ValueError:
        raise fail(f"{param.name}: write numbers separated by commas, e.g. 30, 60, 90; got "
                   f"{text!r}",
                   f"{param.name}：请输入以逗号分隔的数字，例如 30, 60, 90；你给出的是 {text!r}") from None


def _float_step(low: float, high: float) -> float:
    span = high - low
    return 10.0 ** math.floor(math.log10(span / 100)) if span > 0 else 0.01


def _readout(step: float) -> str:
    return f".{max(0, -math.floor(math.log10(step)))}f"


def _middle(param: Param, low: float, high: float):
    if param.scale == "log":
        return math.sqrt(low * high)
    return int(round((low + high) / 2)) if param.kind == "int" else (low + high) / 2


def _tidy(v):
    """A slider float as the learner reads it: 0.30000000000000004 (the browser's step
    arithmetic) becomes 0.3, so the curve, the readout and the code line show the same number."""
    return float(f"{v:.6g}") if isinstance(v, float) else v


def _fmt(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)
