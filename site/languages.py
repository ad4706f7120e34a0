"""The site's languages: every folder notebooks/<code>/ with an index.ipynb gets its own Sphinx
project under _build/html/<code>/. A new language is one line here plus its notebooks."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"

# code (folder under notebooks/) -> label in that language, Sphinx `language`, the word
# "Language" in that language. Order: the order of the switch and the root page.
KNOWN = {
    "en": {"label": "English", "sphinx": "en", "word": "Language"},
    "zh": {"label": "简体中文", "sphinx": "zh_CN", "word": "语言"},
    "zh-Hant": {"label": "繁體中文", "sphinx": "zh_TW", "word": "語言"},
}


def present(root: Path = NOTEBOOKS) -> list[str]:
    """The languages whose executed notebooks are committed, in KNOWN's order."""
    return [code for code in KNOWN if (root / code / "index.ipynb").is_file()]


def pages(code: str, root: Path = NOTEBOOKS) -> list[str]:
    """The page names of one language: its index, then its lessons NN_name in course order."""
    lessons = sorted(p.stem for p in (root / code).glob("[0-9][0-9]_*.ipynb"))
    return ["index", *lessons]
