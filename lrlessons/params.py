"""Parameter specs and the checks every value passes at lrlessons' boundary.

A ``Param`` is enough to validate a value, explain it in two languages and build a slider for it.
A bad value raises ``ValueError`` or ``TypeError`` naming the parameter, the value received and
the allowed range, in English and Chinese in one message; nothing is clamped and nothing reaches
torch unchecked.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .i18n import LRLessonsError, error, in_language


def fail(en: str, zh: str, kind: type[Exception] = ValueError) -> LRLessonsError:
    """Build the bilingual error lrlessons raises; ``raise fail(...)``: an ``LRLessonsError``
    that is also a ``kind`` (see ``i18n.error``), so a widget can show the learner's language."""
    return error(en, zh, kind)


@dataclass(frozen=True)
class Param:
    """One parameter of a schedule.

    kind: ``int``, ``float``, ``bool``, ``choice``, ``ints`` (increasing integers), ``floats``,
    ``callable``, ``series`` (one finite number per step) or ``schedulers``.
    ``low``/``high`` bound the valid range (``None``: unbounded), ``*_open`` excludes the bound;
    ``ui`` is the slider range when it differs from the valid one; ``scale`` is ``linear`` or
    ``log`` for the slider.
    """

    name: str
    default: Any
    kind: str
    en: str
    zh: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    scale: str = "linear"
    ui: tuple[float, float] | None = None
    choices: tuple = ()
    optional: bool = False  # None is a valid value (torch's "not given")
    required: bool = False  # no default: the caller must pass it
    range_note: Text | None = None  # why the range is what it is, when that is lrlessons' choice

    @property
    def range_text(self) -> str:
        if self.kind == "choice":
            return "{" + ", ".join(repr(c) for c in self.choices) + "}"
        if self.kind == "bool":
            return "{True, False}"
        lo = "-inf" if self.low is None else _num(self.low)
        hi = "inf" if self.high is None else _num(self.high)
        left = "(" if self.low is None or self.low_open else "["
        right = ")" if self.high is None or self.high_open else "]"
        return f"{left}{lo}, {hi}{right}"

    @property
    def slider_range(self) -> tuple[float, float] | None:
        """(low, high) for a slider, or None when the parameter is no number."""
        if self.kind not in ("int", "float"):
            return None
        if self.ui is not None:
            return self.ui
        return (self.low, self.high)

    def check(self, value: Any) -> Any:
        """Return ``value`` in canonical form, or raise the bilingual error."""
        if value is None and (self.optional or self.default is None and not self.required):
            return None
        if self.kind == "int":
            return self._in_range(_as_int(self.name, value))
        if self.kind == "float":
            return self._in_range(_as_float(self.name, value))
        if self.kind == "bool":
            if not isinstance(value, (bool, np.bool_)):
                raise fail(f"{self.name} must be True or False, got {value!r}",
                           f"{self.name} 必须是 True 或 False，你给出的是 {value!r}", TypeError)
            return bool(value)
        if self.kind == "choice":
            if value not in self.choices:
                raise fail(f"{self.name} must be one of {self.range_text}, got {value!r}",
                           f"{self.name} 必须是 {self.range_text} 之一，你给出的是 {value!r}")
            return value
        if self.kind == "ints":
            return self._increasing([_as_int(self.name, v) for v in _as_list(self.name, value)])
        if self.kind in ("floats", "series"):
            return [self._in_range(_as_float(self.name, v)) for v in _as_list(self.name, value)]
        if self.kind == "callable":
            if not callable(value):
                raise fail(f"{self.name} must be a function of the step, got {value!r}",
                           f"{self.name} 必须是一个以步数为参数的函数，你给出的是 {value!r}", TypeError)
            return value
        return value  # "schedulers" is checked by the catalogue, which knows the names

    def _in_range(self, v):
        below = self.low is not None and (v < self.low or self.low_open and v == self.low)
        above = self.high is not None and (v > self.high or self.high_open and v == self.high)
        if below or above:
            en, zh = (f" ({self.range_note.en})", f"（{self.range_note.zh}）") \
                if self.range_note else ("", "")
            raise fail(f"{self.name} must be in {self.range_text}, got {_num(v)}{en}",
                       f"{self.name} 必须在 {self.range_text} 之间，你给出的是 {_num(v)}{zh}")
        return v

    def _increasing(self, values: list[int]) -> list[int]:
        for v in values:
            self._in_range(v)
        if any(b <= a for a, b in zip(values, values[1:])):
            raise fail(f"{self.name} must be strictly increasing, got {values}",
                       f"{self.name} 必须严格递增，你给出的是 {values}")
        return values


@dataclass(frozen=True)
class Text:
    """A piece of prose in both languages."""

    en: str
    zh: str

    def __getitem__(self, lang: str) -> str:
        return in_language(vars(self), lang)  # "zh-Hant" converts the zh text


@dataclass(frozen=True)
class Symbol:
    """One symbol of a formula, explained."""

    latex: str
    en: str
    zh: str


class Raw(str):
    """Code a ``derive`` wrote (another entry's line, nested in this one): filled in as is."""


@dataclass(frozen=True)
class Line:
    """How one framework writes a schedule: the line a learner copies, run as written.

    ``template`` holds ``{name}`` placeholders for the resolved parameters, ``{base_lr}`` and
    whatever ``derive`` adds (a Keras boundary ``m - 1``, a floor as a fraction): every value is
    filled in as a plain Python literal. A section ``[, name={name}]`` is left out while the
    parameter has its default, which is also the framework's default. ``when`` restricts the line
    to the parameters it holds for; the first line of an entry whose ``when`` holds is the one
    shown. ``template=None`` means the framework cannot write these parameters: ``why`` says so.
    With a template, ``why`` says where the line stops giving the entry's curve and
    ``exact_until`` gives that step (None: every step).

    ``when``, ``derive`` and ``exact_until`` receive the resolved parameters with ``base_lr``.
    """

    template: str | None
    when: Callable[[dict], bool] | None = None
    derive: Callable[[dict], dict] | None = None
    why: Text | None = None
    exact_until: Callable[[dict], int] | None = None


@dataclass(frozen=True)
class Schedule:
    """One catalogue entry: everything the course knows about a schedule.

    ``formula`` is LaTeX; ``fn`` computes it (``lrlessons.formulas``); ``code`` holds, per
    framework, the ``Line`` objects that write it (see ``Line``). What makes an entry behave
    differently is said here, never inferred from its name:

    - ``metric``: the schedule follows a watched value (``metrics=``, one per step);
    - ``members``: ``"sequence"`` or ``"chain"`` for a schedule made of other schedules;
      ``in_chain`` / ``in_sequence`` say where this entry may sit inside one (``in_sequence``:
      ``"any"``, ``"first"`` (it continues from the running lr, so only first) or ``"never"``);
    - ``chain_step``: for a chainable entry that does not just multiply the running lr, how one
      torch step moves it, ``chain_step(t, lr, base_lr, **params)`` (CosineAnnealingLR);
    - ``length``: how many steps the schedule runs (stepping further is an error), or None;
    - ``run_length``: the parameter a training run fills with its own number of steps;
    - ``suggested``: starting values for the 60-epoch training playground;
    - ``example``: the values a table or a test shows the entry with, where ``suggested`` does not
      do (a required parameter it leaves out, a value that does not suit lr 0.1); see
      ``example_params``.
    """

    name: str
    owner: str  # "pytorch", "paddle" or "transformers"
    title: Text
    summary: Text
    formula: str
    symbols: tuple[Symbol, ...]
    params: tuple[Param, ...]
    unit: str  # "epoch" or "iteration": what one scheduler.step() usually stands for
    fn: Callable
    code: dict[str, tuple[Line, ...]]
    notes: Text | None = None
    formula_zh: str | None = None  # the formula for Chinese readers, where it holds words
    uses_base_lr: bool = True
    check: Callable[[dict, int | None], None] | None = None  # cross-parameter rules
    span: int = 100  # steps that show the schedule's whole shape at its defaults (plots, sliders)
    metric: bool = False
    members: str | None = None
    in_chain: bool = False
    chain_step: Callable | None = None
    in_sequence: str = "any"
    length: Callable[[dict], int | None] | None = None
    run_length: str | None = None
    suggested: dict = field(default_factory=dict)
    example: dict | None = None

    def formula_in(self, lang: str) -> str:
        """The LaTeX formula in ``lang`` (its words translated; symbols are shared)."""
        return Text(self.formula, self.formula_zh or self.formula)[lang]

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    @property
    def example_params(self) -> dict:
        """The entry's example values (``example``, else ``suggested``), a fresh dict."""
        return dict(self.example if self.example is not None else self.suggested)

    @property
    def defaults(self) -> dict:
        return {p.name: p.default for p in self.params}

    @property
    def trainable(self) -> bool:
        """A learner can train it from sliders alone: no parameter is code (a function, member
        schedules); a metric is supplied by the run itself."""
        return not any(p.kind in ("callable", "schedulers") for p in self.params)


def _num(v) -> str:
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v)) if abs(v) >= 1 or v == 0 else repr(v)
    return repr(v) if isinstance(v, float) else str(v)


def _as_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and float(value).is_integer():
            return int(value)
        raise fail(f"{name} must be an integer, got {value!r}",
                   f"{name} 必须是整数，你给出的是 {value!r}", TypeError)
    return int(value)


def _as_float(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise fail(f"{name} must be a number, got {value!r}",
                   f"{name} 必须是数字，你给出的是 {value!r}", TypeError)
    v = float(value)
    if not math.isfinite(v):
        raise fail(f"{name} must be a finite number, got {v}",
                   f"{name} 必须是有限的数，你给出的是 {v}")
    return v


def _as_list(name: str, value: Any) -> list:
    if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, np.ndarray)):
        raise fail(f"{name} must be a list, got {value!r}",
                   f"{name} 必须是列表，你给出的是 {value!r}", TypeError)
    return list(value)

