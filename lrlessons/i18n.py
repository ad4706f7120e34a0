"""The learner's language: one switch for plot labels, widget descriptions and messages.

Errors raised at lrlessons' boundary always carry both languages (a traceback is often pasted
into a forum or handed to a teaching assistant who reads the other one); everything a learner
reads while working follows ``use_language``.

Traditional Chinese (``"zh-Hant"``) is never written by hand: its text is the Simplified text
through OpenCC's ``s2tw`` (characters, not Taiwan phrasing: the course says 優化器 and 默認, as
seed article 000 does) and the few overrides in ``HANT_OVERRIDES``. ``to_hant`` is the one
converter: the lesson generator (``lrlessons.sources``) and the library's strings both use it.
Errors stay English / Simplified in their text (``bilingual``); ``message`` shows a learner the
Traditional half under ``use_language("zh-Hant")``.
"""

from __future__ import annotations

import os
from functools import lru_cache

LANGUAGES = ("zh", "en")  # the written languages: every message exists in each of these
DERIVED = {"zh-Hant": "zh"}  # derived language -> the written one its text converts from
CHOICES = ("zh", "zh-Hant", "en")  # what use_language accepts

# Where s2tw picks the wrong character for this course's sentences, as (s2tw's output, the right
# text), replaced after the conversion. tests/test_hant.py checks each row still fires on the
# lessons or the library's strings. 只 is both the adverb "only" (只) and the measure word (隻, 這隻碗, which s2tw gets
# right); s2tw takes the measure word in these sentences, where 只 means "only":
HANT_OVERRIDES = (
    ("最多隻", "最多只"),          # 最多只允許: "allows at most"
    ("是隻", "是只"),              # 錯誤是只保存: "the mistake is to save only"
    ("這隻有", "這只有"),          # 這只有優化器的 state_dict 才有: "only the optimizer's has it"
    ("這隻在訓練", "這只在訓練"),  # 這只在訓練後期才成立: "holds only late in training"
    # s2tw reads 明了 as the adjective 明瞭 "clear"; in 寫明了 了 is the particle ("wrote clearly").
    ("寫明瞭", "寫明了"),
    # 下摆 (a garment's hem) is 下襬; in 上下摆动 "swings up and down" it is 擺.
    ("上下襬動", "上下擺動"),
    # s2tw segments 塑造曲线 as 造曲 (brewing yeast, 麴); a curve is always 曲線.
    ("麴線", "曲線"),
    # s2tw segments 包括发散 as 括发 (tying up hair, 括髮); divergence is always 發散.
    ("髮散", "發散"),
)


@lru_cache(maxsize=1)
def _s2tw():
    import opencc  # imported on first use: English and Simplified never need it

    return opencc.OpenCC("s2tw")


@lru_cache(maxsize=8192)
def to_hant(text: str) -> str:
    """Simplified -> Traditional Chinese as the course writes it (cached: labels and hints are
    converted once per kernel, not on every redraw).

    >>> to_hant("优化器的默认参数")
    '優化器的默認參數'
    """
    out = _s2tw().convert(text)
    for wrong, right in HANT_OVERRIDES:
        out = out.replace(wrong, right)
    return out
_state = {"lang": "zh" if os.environ.get("LRLESSONS_LANG", "").startswith("zh") else "en"}


def use_language(lang: str) -> None:
    """Switch plots, widgets and messages to ``"zh"`` (简体中文), ``"zh-Hant"`` (繁體中文) or
    ``"en"``."""
    if lang not in CHOICES:
        raise error(f"lang must be one of 'zh', 'zh-Hant', 'en', got {lang!r}",
                    f"lang 必须是 'zh'、'zh-Hant' 或 'en' 之一，你给出的是 {lang!r}")
    _state["lang"] = lang


def language() -> str:
    """The language currently in use."""
    return _state["lang"]


def tr(en: str, zh: str) -> str:
    """Pick the text for the current language (Traditional converted from ``zh``)."""
    lang = _state["lang"]
    return zh if lang == "zh" else to_hant(zh) if lang == "zh-Hant" else en


def in_language(texts: dict, lang: str) -> str:
    """``texts[lang]`` from a ``{"en": ..., "zh": ...}`` mapping; a derived language converts
    its base's text; English when neither is there."""
    if texts.get(lang):
        return texts[lang]
    base = DERIVED.get(lang)
    if base and texts.get(base):
        return to_hant(texts[base])
    return texts["en"]


def pick(texts: dict) -> str:
    """Pick from a ``{"en": ..., "zh": ...}`` mapping, falling back to English."""
    return in_language(texts, _state["lang"])


def bilingual(en: str, zh: str) -> str:
    """One message in both languages, as every lrlessons error is written."""
    return f"{en} / {zh}"


class LRLessonsError(Exception):
    """Every error lrlessons raises for bad input, in every language the course speaks.

    ``str()`` is both written languages (``bilingual``: a traceback is read by whoever it is
    pasted to); ``text(lang)`` is one language, Traditional Chinese converted from ``zh``. What
    lrlessons raises is a ``LRLessonsValueError`` / ``LRLessonsTypeError`` / ... (``error``), so a
    learner's ``except ValueError`` catches what it caught before, while widgets catch only
    ``LRLessonsError``: a ValueError from numpy or torch stays a traceback.
    """

    def __init__(self, en: str, zh: str):
        super().__init__(bilingual(en, zh))
        self.en, self.zh = en, zh

    def __reduce__(self):  # pickles (multiprocessing, a sandbox) with both halves
        return type(self), (self.en, self.zh)

    def text(self, lang: str | None = None) -> str:
        """The message in ``lang`` (default: the language in use)."""
        return in_language({"en": self.en, "zh": self.zh}, lang or _state["lang"])


class LRLessonsValueError(LRLessonsError, ValueError):
    """A value out of its range, unknown, or inconsistent with another."""


class LRLessonsTypeError(LRLessonsError, TypeError):
    """A value of the wrong type."""


class LRLessonsRuntimeError(LRLessonsError, RuntimeError):
    """The environment cannot do what was asked (Keras imported on another backend)."""


ERRORS = {ValueError: LRLessonsValueError, TypeError: LRLessonsTypeError,
          RuntimeError: LRLessonsRuntimeError}


def error(en: str, zh: str, kind: type[Exception] = ValueError) -> LRLessonsError:
    """The error lrlessons raises (``raise error(...)``): an ``LRLessonsError`` that is also a
    ``kind`` (ValueError, TypeError or RuntimeError), as learners' code expects."""
    return ERRORS[kind](en, zh)


def kind_name(exc: BaseException) -> str:
    """The exception's type name as a learner knows it: ``ValueError`` for an
    ``LRLessonsValueError`` (a hint, or the grader rebuilding the learner's error by name)."""
    kind = type(exc)
    if isinstance(exc, LRLessonsError):
        kind = next(k for k in kind.__mro__ if k.__module__ == "builtins")
    return kind.__name__


def message(exc: BaseException) -> str:
    """An exception's text in the learner's language (an ``LRLessonsError`` carries each)."""
    return exc.text() if isinstance(exc, LRLessonsError) else str(exc)
