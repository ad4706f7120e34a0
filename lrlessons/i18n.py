"""The learner's language: one switch for plot labels, widget descriptions and messages.

Errors raised at lrlessons' boundary always carry both languages (a traceback is often pasted
into a forum or handed to a teaching assistant who reads the other one); everything a learner
reads while working follows ``use_language``.
"""

from __future__ import annotations

import os

LANGUAGES = ("zh", "en")
_state = {"lang": "zh" if os.environ.get("LRLESSONS_LANG", "").startswith("zh") else "en"}


def use_language(lang: str) -> None:
    """Switch plots, widgets and messages to ``"zh"`` (简体中文) or ``"en"``."""
    if lang not in LANGUAGES:
        raise ValueError(bilingual(
            f"lang must be one of 'zh', 'en', got {lang!r}",
            f"lang 必须是 'zh' 或 'en'，收到 {lang!r}"))
    _state["lang"] = lang


def language() -> str:
    """The language currently in use."""
    return _state["lang"]


def tr(en: str, zh: str) -> str:
    """Pick the text for the current language."""
    return zh if _state["lang"] == "zh" else en


def pick(texts: dict) -> str:
    """Pick from a ``{"en": ..., "zh": ...}`` mapping, falling back to English."""
    return texts.get(_state["lang"]) or texts["en"]


def bilingual(en: str, zh: str) -> str:
    """One message in both languages, as every lrlessons error is written."""
    return f"{en} / {zh}"


def message(exc: BaseException) -> str:
    """An exception's text in the learner's language (lrlessons errors carry both halves)."""
    en, zh = getattr(exc, "en", None), getattr(exc, "zh", None)
    return tr(en, zh) if en and zh else str(exc)
