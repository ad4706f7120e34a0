"""The lessons' shape, on the generated notebooks (lessons/*.md are the sources; see
docs/adding_a_lesson.md): both languages present with identical code, committed executed with
deterministic outputs, a static figure before each live explorer, short cells, exercises with
self-checks, and an index that links every lesson."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from lrlessons.authoring import BEGIN, END, LANGS, code_only, language_line

ROOT = Path(__file__).resolve().parent.parent / "notebooks"
CJK = re.compile(r"[\u4e00-\u9fff]")
NAMES = sorted(p.name for p in (ROOT / "en").glob("*.ipynb"))
LESSONS = [n for n in NAMES if re.match(r"\d\d_", n)]
WIDGET = "application/vnd.jupyter.widget-view+json"
MAX_LINES = 10
MAX_LONG = 25


def read(lang: str, name: str):
    return nbformat.read(ROOT / lang / name, as_version=4)


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_there_are_lessons_and_an_index():
    assert "index.ipynb" in NAMES and len(LESSONS) >= 3


def test_same_files_in_both_languages():
    assert sorted(p.name for p in (ROOT / "zh").glob("*.ipynb")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_code_cells_are_identical_but_the_language_line(name):
    """A cheap guard: generation from lessons/*.md writes the code once (tests/test_generated.py
    holds the notebooks equal to what their source generates)."""
    en, zh = read("en", name), read("zh", name)
    assert [c.cell_type for c in en.cells] == [c.cell_type for c in zh.cells]
    for a, b in zip(code_cells(en), code_cells(zh)):
        assert a.metadata.get("tags", []) == b.metadata.get("tags", [])
        # Comments are prose in the notebook's language; the code itself is identical.
        assert code_only(a.source.replace(language_line("en"), language_line("zh"))) == \
            code_only(b.source)
    setup = code_cells(en)[0].source.splitlines()
    assert setup[-1] == language_line("en") and "setup" in code_cells(en)[0].metadata["tags"]


@pytest.mark.parametrize("name", NAMES)
def test_prose_is_in_the_notebooks_language(name):
    for cell in read("zh", name).cells:
        if cell.cell_type == "markdown":
            assert CJK.search(cell.source), cell.source[:80]
    for cell in read("en", name).cells:
        if cell.cell_type == "markdown":  # the link to the other language aside
            assert not CJK.search(cell.source.replace("中文版", "")), cell.source[:80]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", NAMES)
def test_committed_executed_and_deterministic(lang, name):
    nb = read(lang, name)
    counts = [c.execution_count for c in code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1)), "run top to bottom once, then commit"
    noise = re.compile(r"0x[0-9a-fA-F]{6,}|/tmp/|\d+(\.\d+)? ?(ms|seconds)\b|Wall time")
    for cell in code_cells(nb):
        assert "execution" not in cell.metadata, "timing metadata is run-to-run noise"
        for out in cell.outputs:
            assert out.output_type != "error", out.get("evalue")
            assert not (out.output_type == "stream" and out.name == "stderr"), out.text[:300]
            text = out.get("text", "") + str(out.get("data", {}).get("text/plain", ""))
            assert not noise.search(text), text[:200]
    assert "widgets" not in nb.metadata  # no stored widget state (it would hold every frame)


@pytest.mark.parametrize("name", NAMES)
def test_only_live_widgets_and_live_measurements_are_exempt_from_nbval(name):
    # nbval compares every other output: curves, cards, formula tables, framework values. A
    # cell tagged "live" or "reveal" prints numbers a chaotic training run decides (they differ
    # by machine); what the prose says about them is carried by tests/claims*.py.
    for cell in code_cells(read("en", name)):
        tags = set(cell.metadata.get("tags", []))
        widget = any(WIDGET in out.get("data", {}) for out in cell.outputs)
        assert ("nbval-ignore-output" in tags) == (widget or bool({"live", "reveal"} & tags)), \
            cell.source


@pytest.mark.parametrize("name", NAMES)
def test_a_static_figure_before_each_explorer(name):
    seen_figure = False
    for cell in code_cells(read("en", name)):
        if any(WIDGET in out.get("data", {}) for out in cell.outputs):
            assert seen_figure, f"no static figure before: {cell.source}"
            seen_figure = False
        elif any("image/png" in out.get("data", {}) for out in cell.outputs):
            seen_figure = True


@pytest.mark.parametrize("name", NAMES)
def test_cells_are_short(name):
    """3 to 10 lines: the library carries the plumbing. A cell whose subject is the code itself
    (a scheduler subclass, a Keras callback, a broken loop to fix) is tagged long-code and may
    run to about 25."""
    for cell in code_cells(read("en", name)):
        lines = [ln for ln in code_only(cell.source).splitlines() if ln.strip()]
        limit = MAX_LONG if "long-code" in cell.metadata.get("tags", []) else MAX_LINES
        assert len(lines) <= limit, cell.source


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_shape(name):
    for lang, goals, summary in (("en", "In this lesson you will", "## Summary"),
                                 ("zh", "学习目标", "## 小结")):
        nb = read(lang, name)
        markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
        assert markdown[0].startswith("# ") and goals in markdown[0], (lang, markdown[0][:200])
        assert markdown[-1].startswith(summary), (lang, markdown[-1][:80])
        assert any(out.get("data", {}).get("image/png") for c in code_cells(nb)
                   for out in c.outputs), "a lesson without a figure"
        assert any("lrlessons.train(" in c.source for c in code_cells(nb)), "no training run"


@pytest.mark.parametrize("name", LESSONS)
def test_exercises_have_a_solution_and_a_self_check(name):
    cells = code_cells(read("en", name))
    solutions = [i for i, c in enumerate(cells) if "solution" in c.metadata.get("tags", [])]
    assert solutions, "every lesson ends with an exercise"
    for i in solutions:
        assert BEGIN in cells[i].source and END in cells[i].source
        follower = cells[i + 1]
        assert "check" in follower.metadata.get("tags", [])
        assert "lrlessons.check." in follower.source
        passed = "".join(str(o.get("data", {}).get("text/plain", "")) for o in follower.outputs)
        assert passed.startswith("✅"), passed  # the committed solution passes its check


@pytest.mark.parametrize("name", LESSONS)
def test_a_prediction_is_committed_before_its_reveal(name):
    # A guess cell (blanked in student versions), then a reveal that measures only once a guess
    # is set: it is a live measurement, so nbval does not compare its output.
    cells = code_cells(read("en", name))
    for i, cell in enumerate(cells):
        if "prediction" in cell.metadata.get("tags", []):
            assert BEGIN in cell.source and END in cell.source
            reveal = cells[i + 1].metadata.get("tags", [])
            assert "reveal" in reveal and "nbval-ignore-output" in reveal


@pytest.mark.parametrize("lang", LANGS)
def test_index_links_every_lesson(lang):
    text = "\n".join(c.source for c in read(lang, "index.ipynb").cells
                     if c.cell_type == "markdown")
    for name in LESSONS:
        assert f"]({name})" in text, name


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", NAMES)
def test_links_resolve(lang, name):
    for cell in read(lang, name).cells:
        if cell.cell_type != "markdown":
            continue
        for target in re.findall(r"\]\(([^)#\s]+\.ipynb)\)", cell.source):
            assert (ROOT / lang / target).resolve().is_file(), target
