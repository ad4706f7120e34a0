"""The instructor guides' exercise tables are generated from the checks' declarations
(lrlessons/check/lesson_NN.py): a stale or hand-edited table fails here."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from lrlessons.check import EXERCISES, guide

REPO = Path(__file__).resolve().parent.parent


def test_the_committed_tables_are_what_the_checks_generate():
    assert guide.stale(REPO) == [], "run: python -m lrlessons.check.guide"


def test_every_exercise_and_every_hint_is_in_both_guides():
    for lang in ("en", "zh"):
        text = guide.guide_path(REPO, lang).read_text(encoding="utf-8")
        for ex in EXERCISES:
            lesson, number = ex.id.split(".")
            assert f"| {lesson} | {number} |" in text
            for m in ex.mistakes:
                if m.key not in guide._STEP and m.key != "number":
                    assert guide._cell(ex.guide_hint(m.key, lang)) in text, (lang, ex.id, m.key)


def test_a_hand_edit_is_found_and_regenerated(tmp_path):
    (tmp_path / "docs").mkdir()
    for lang in ("en", "zh"):
        shutil.copy(guide.guide_path(REPO, lang), guide.guide_path(tmp_path, lang))
    path = guide.guide_path(tmp_path, "zh")
    path.write_text(path.read_text(encoding="utf-8").replace("学习率是一个正数。", "学习率是一个数。"),
                    encoding="utf-8")
    run = [sys.executable, "-m", "lrlessons.check.guide", "--root", str(tmp_path)]
    check = subprocess.run([*run, "--check"], capture_output=True, text=True)
    assert check.returncode == 1 and "instructor_guide.zh.md" in check.stdout
    assert "instructor_guide.en.md" not in check.stdout
    subprocess.run(run, check=True, capture_output=True)
    assert guide.stale(tmp_path) == []
    assert path.read_text(encoding="utf-8") == guide.guide_path(REPO, "zh").read_text(
        encoding="utf-8")
