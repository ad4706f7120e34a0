"""The shared core of every self-check: capture the learner's answer, coerce numbers, match a
table of known mistakes, and return a structured ``Result``.

A check module (``lesson_NN.py``) declares each exercise once, as an ``Exercise`` with its table
of ``Mistake``s (what the learner wrote, and the hint it earns, in every language); the checks
only decide which key applies. The instructor guides' exercise tables are generated from the
same declarations (``python -m lrlessons.check.guide``), so a hint exists in exactly one place.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..i18n import LANGUAGES, in_language, kind_name, language

MIME = "application/vnd.lrlessons.result+json"
PASSED, WRONG, NOT_WRITTEN, RAISED = "passed", "wrong", "not written", "raised"
_MARKS = {PASSED: "✅ ", WRONG: "❌ ", RAISED: "❌ ", NOT_WRITTEN: "✏️ "}
_SEP = {"en": " ", "zh": ""}  # how a hint follows the sentence before it


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer: ``key`` names it in a Result; ``wrong`` says what the learner wrote
    (for the guides); ``hint`` is a ``str.format`` template filled with the check's values."""

    key: str
    wrong: dict
    hint: dict


def mistake(key: str, wrong_en: str, wrong_zh: str, hint_en: str, hint_zh: str) -> Mistake:
    return Mistake(key, {"en": wrong_en, "zh": wrong_zh}, {"en": hint_en, "zh": hint_zh})


# Hints every exercise can earn: answers that are not answers yet, or not of the right kind.
COMMON = (
    mistake("not written", "the stub left in place", "保留了占位代码",
            "Not written yet: replace `raise NotImplementedError` (or the `...`) with your answer, "
            "run that cell, then this one.",
            "还没有写：把 `raise NotImplementedError`（或 `...`）换成你的答案，先运行那个单元格，"
            "再运行这个。"),
    mistake("raised", "code that raises an error", "会抛出异常的代码",
            "Your function raised {kind} {where}: {error}",
            "你的函数{where}抛出了 {kind}：{error}"),
)


@dataclass(frozen=True)
class Result:
    """The outcome of a check: truthy when passed; shown as its message in the learner's language.

    Graders read the structured form (``to_json()``, also published as the MIME type
    ``application/vnd.lrlessons.result+json`` next to ``text/plain``), never the message text.
    """

    passed: bool
    exercise: str | None
    status: str
    messages: dict
    hint_key: str | None = None
    hints: dict = field(default_factory=dict)
    max_points: int = 1
    lang: str = "en"

    @property
    def message(self) -> str:
        return in_language(self.messages, self.lang)  # zh-Hant: converted from zh

    @property
    def points(self) -> int:
        return self.max_points if self.passed else 0

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return self.message

    def to_json(self) -> dict:
        return {"passed": self.passed, "exercise": self.exercise, "status": self.status,
                "points": self.points, "max_points": self.max_points, "hint_key": self.hint_key,
                "hint": dict(self.hints), "message": dict(self.messages)}

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": self.message, MIME: self.to_json()}


class _Blank(dict):
    """Template values for the guides, where a check's run-time values are unknown."""

    def __missing__(self, key):
        return "…"


@dataclass(frozen=True)
class Exercise:
    """One exercise: its id (``"03.1"``), the check's name, what the guides say it asks and
    compares with, and its table of known mistakes (``COMMON`` included)."""

    id: str
    check: str
    writes: dict
    compares: dict
    mistakes: tuple
    example: dict = field(default_factory=dict)  # the lesson's values, to fill hints in guides
    points: int = 1

    def mistake(self, key: str) -> Mistake:
        for m in (*self.mistakes, *COMMON):
            if m.key == key:
                return m
        raise KeyError(f"exercise {self.id} has no mistake {key!r}")

    def hint(self, key: str, **values) -> dict:
        return {lang: text.format_map(values) for lang, text in self.mistake(key).hint.items()}

    def guide_hint(self, key: str, lang: str) -> str:
        return self.mistake(key).hint[lang].format_map(_Blank(self.example))

    def _result(self, status: str, lead: dict, key: str | None, values: dict) -> Result:
        hints = self.hint(key, **values) if key else {}
        messages = {}
        for lang in LANGUAGES:
            parts = [p for p in (lead.get(lang, ""), hints.get(lang, "")) if p]
            messages[lang] = _MARKS[status] + _SEP[lang].join(parts)
        return Result(status == PASSED, self.id, status, messages, key, hints, self.points,
                      language())

    def ok(self, en: str, zh: str) -> Result:
        return self._result(PASSED, {"en": en, "zh": zh}, None, {})

    def wrong(self, en: str, zh: str, key: str, **values) -> Result:
        """A wrong answer: the sentence (what differs) followed by the hint of mistake ``key``."""
        return self._result(WRONG, {"en": en, "zh": zh}, key, values)

    def not_written(self) -> Result:
        return self._result(NOT_WRITTEN, {}, "not written", {})

    def raised(self, exc: BaseException, where_en: str = "", where_zh: str = "") -> Result:
        values = dict(kind=kind_name(exc), error=exc)
        hints = {"en": self.mistake("raised").hint["en"].format(where=where_en, **values),
                 "zh": self.mistake("raised").hint["zh"].format(where=where_zh, **values)}
        hints["en"] = hints["en"].replace(" :", ":")  # no "where": no space before the colon
        messages = {lang: _MARKS[RAISED] + hints[lang] for lang in LANGUAGES}
        return Result(False, self.id, RAISED, messages, "raised", hints, self.points, language())

    def capture(self, fn: Callable, args: tuple, where_en: str = "",
                where_zh: str = "") -> Answer:
        """Call the learner's ``fn(*args)``: its value, or the Result that explains why there is
        none (the stub's NotImplementedError, or any other exception, kept for the check)."""
        try:
            return Answer(fn(*args))
        except NotImplementedError as exc:
            return Answer(None, exc, self.not_written())
        except Exception as exc:  # noqa: BLE001 - any error of the learner's becomes a hint
            return Answer(None, exc, self.raised(exc, where_en, where_zh))


@dataclass
class Answer:
    value: Any = None
    error: BaseException | None = None
    problem: Result | None = None


def given(value) -> bool:
    """False for the ``...`` a student version leaves where a value answer goes."""
    return value is not Ellipsis


def number(value) -> float | None:
    """``value`` as a float when it is a number of any numeric type (int, float, numpy scalar,
    a 0-d array or tensor), else None: text and bools are not numbers here."""
    if isinstance(value, (str, bytes, bool, np.bool_)) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def whole(value) -> int | None:
    """``value`` as an int when it is a whole number of any numeric type (4000.0 counts), else
    None."""
    x = number(value)
    if x is None or not math.isfinite(x) or not x.is_integer():
        return None
    return int(x)


def positive(value) -> float | None:
    x = number(value)
    return x if x is not None and math.isfinite(x) and x > 0 else None


def numbers(value) -> np.ndarray | None:
    """A sequence of numbers as a flat float array, else None (text is not numbers)."""
    if isinstance(value, (str, bytes)):
        return None
    try:
        out = np.asarray(value, dtype=float).ravel()
    except (TypeError, ValueError):
        return None
    return out


def matches(got: np.ndarray, candidate, rtol: float = 1e-6) -> bool:
    candidate = np.asarray(candidate, dtype=float)
    return got.shape == candidate.shape and bool(np.allclose(got, candidate, rtol=rtol,
                                                             atol=1e-12))


def first_match(got: np.ndarray, candidates, rtol: float = 1e-6) -> str | None:
    """The key of the first ``(key, values)`` candidate that ``got`` equals, else None."""
    for key, values in candidates:
        with np.errstate(all="ignore"):
            if matches(got, values, rtol):
                return key
    return None


def first_difference(got: np.ndarray, expected: np.ndarray, rtol: float = 1e-6,
                     atol: float = 1e-12) -> tuple[int, int]:
    bad = np.flatnonzero(~np.isclose(got, expected, rtol=rtol, atol=atol))
    return (int(bad[0]), int(bad.size)) if bad.size else (-1, 0)


def fmt(v: float) -> str:
    return f"{v:.6g}"


def call_steps(ex: Exercise, fn: Callable, steps: int) -> np.ndarray | Result:
    """fn(0), ..., fn(steps - 1) as floats, or the Result that explains why not."""
    out = np.empty(steps)
    for t in range(steps):
        answer = ex.capture(fn, (t,), f"at step {t}", f"在第 {t} 步")
        if answer.problem is not None:
            return answer.problem
        value = number(answer.value)
        if value is None:
            return ex.wrong(f"At step {t} your function returned {answer.value!r}, not a number.",
                            f"第 {t} 步你的函数返回了 {answer.value!r}，不是一个数。", "number")
        out[t] = value
    return out


# Why two curves differ at a step, when a common mistake explains it: shared by every exercise
# whose answer is a schedule written step by step.
STEP_MISTAKES = (
    mistake("early", "every change one step early", "每次变化都早一步",
            "Your value is the next step's: the change comes one step too early. At step t the "
            "scheduler has been called t times, and step 0 uses the initial lr.",
            "你的值是下一步的值：变化早了一步。第 t 步时调度器被调用了 t 次，第 0 步用的是初始"
            "学习率。"),
    mistake("late", "every change one step late", "每次变化都晚一步",
            "Your value is the previous step's: the change comes one step too late.",
            "你的值是上一步的值：变化晚了一步。"),
    mistake("scaled", "the right shape from another initial lr", "形状对但初始学习率不对",
            "Every value is {ratio} times the expected one: check the initial learning rate.",
            "每个值都是正确值的 {ratio} 倍：检查一下初始学习率。"),
    mistake("start", "a wrong value at step 0", "第 0 步的值不对",
            "Step 0 is before any scheduler.step(): the initial learning rate (or the schedule's "
            "start).",
            "第 0 步还没有调用过 scheduler.step()：应当是初始学习率（或调度的起点）。"),
    mistake("formula", "anything else", "其他错误",
            "Compare your formula with the one in the lesson at this step.",
            "在这一步把你的公式和课程里的公式对照一下。"),
)


def step_mistake(got: np.ndarray, expected: np.ndarray, t: int, close) -> tuple[str, dict]:
    """The STEP_MISTAKES key (and its values) for curves that first differ at step t. A shift
    counts only when it holds for the next few steps too, not for one value met by chance."""
    k = min(5, len(expected) - t - 1)

    def shifted(by: int) -> bool:
        lo = t + by
        return 0 <= lo and lo + k <= len(expected) and k > 0 and all(
            close(got[t + i], expected[lo + i]) for i in range(k))

    if shifted(1):
        return "early", {}
    if shifted(-1):
        return "late", {}
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = got / expected
    if np.isfinite(ratio).all() and np.allclose(ratio, ratio[0], rtol=1e-6) and ratio[0] != 1:
        return "scaled", {"ratio": f"{ratio[0]:.4g}"}
    return ("start" if t == 0 else "formula"), {}


NUMBER = mistake("number", "something that is not a number", "不是数",
                 "Return a number (an int, a float or a numpy scalar).",
                 "请返回一个数（int、float 或 numpy 标量）。")
