"""README and instructor guides: every relative link resolves, each language has its Binder badge
opening JupyterLab at its course index, and every lesson has its Colab links."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
LESSONS = sorted(p.name for p in (REPO / "notebooks" / "en").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_relative_links_resolve(doc):
    for target in re.findall(r"\]\(([^)\s]+)\)", doc.read_text()):
        if re.match(r"[a-z]+://|#", target):
            continue
        assert (doc.parent / target.split("#")[0]).exists(), f"{doc.name}: {target}"


def test_binder_badges_open_lab_at_each_index():
    readme = (REPO / "README.md").read_text()
    for lang in ("en", "zh", "zh-Hant"):
        assert f"?urlpath=lab/tree/notebooks/{lang}/index.ipynb" in readme


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_lesson_is_listed_with_colab_links(lesson):
    readme = (REPO / "README.md").read_text()
    for lang in ("en", "zh", "zh-Hant"):
        assert f"(notebooks/{lang}/{lesson})" in readme
        assert f"colab.research.google.com/github/lrlessons/lrlessons/blob/main/notebooks/{lang}/{lesson}" in readme


def test_instructor_guides_in_both_languages():
    names = {p.name for p in DOCS}
    assert {"instructor_guide.en.md", "instructor_guide.zh.md"} <= names
    zh = (REPO / "docs" / "instructor_guide.zh.md").read_text()
    for lesson in LESSONS:
        assert f"../notebooks/zh/{lesson}" in zh
