"""Traditional Chinese (zh-Hant) is generated, never written: the notebooks under
notebooks/zh-Hant/ are the Simplified ones through lrlessons.i18n.to_hant (OpenCC s2tw plus the
course's overrides), the library shows its strings converted under use_language("zh-Hant"), and
the glossary's 繁體中文 column is the converter's output of each chosen term.

The truth these tests hold the edition against is OpenCC itself: its s2tw conversion, and its
own character table (STCharacters, dumped with the opencc_dict tool shipped in the wheel), which
says which characters are Simplified-only (no Traditional text uses them)."""

from __future__ import annotations

import ast
import io
import os
import re
import subprocess
import tokenize
from functools import cache
from pathlib import Path

import nbformat
import opencc
import pytest

import lrlessons
from lrlessons import i18n, plotting
from lrlessons.authoring import code_only, language_line
from tests.test_glossary import TERMS
from tests.test_notebooks import NAMES
from tests.test_notebooks import test_committed_executed_and_deterministic as _executed
from tests.test_notebooks import test_index_links_every_lesson as _index_links
from tests.test_notebooks import test_links_resolve as _links_resolve

REPO = Path(__file__).resolve().parent.parent
ROOT = REPO / "notebooks"
HANT = "zh-Hant"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _restore_language():
    before = i18n.language()
    yield
    i18n.use_language(before)


def read(lang: str, name: str):
    return nbformat.read(ROOT / lang / name, as_version=4)


def comments(source: str) -> list[str]:
    """The comment tokens of a code cell (magics and shell lines left out)."""
    masked = "\n".join("#" if line.lstrip()[:1] in "%!" else line for line in source.split("\n"))
    return [t.string for t in tokenize.generate_tokens(io.StringIO(masked).readline)
            if t.type == tokenize.COMMENT]


def prose(nb) -> list[tuple[int, str]]:
    """What a reader reads as text: markdown cells and code comments, by cell index."""
    out = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            out.append((i, cell.source))
        else:
            out.extend((i, c) for c in comments(cell.source))
    return out


def _opencc_table(name: str) -> list[tuple[str, list[str]]]:
    """One of OpenCC's dictionaries, as (key, candidates) rows."""
    clib = Path(opencc.__file__).parent / "clib"
    env = {**os.environ, "LD_LIBRARY_PATH": str(clib / "lib64")}
    out = subprocess.run(
        [str(clib / "bin" / "opencc_dict"), "-i", str(clib / "share" / "opencc" / name),
         "-o", "/dev/stdout", "-f", "ocd2", "-t", "text"],
        env=env, capture_output=True, text=True, check=True).stdout
    return [(key, values.split()) for key, _, values in
            (line.partition("\t") for line in out.splitlines())]


@cache
def simplified_only() -> frozenset[str]:
    """Characters OpenCC's Simplified-to-Traditional table maps only to other characters (参 ->
    參): a Traditional text never contains them. Ambiguous ones (里 -> 裏/里, 只 -> 只/隻) are not
    in the set, since Traditional text uses them too, nor the forms Taiwan's standard prefers
    (OpenCC's TWVariants: 峯 -> 峰, so 峰 is Traditional)."""
    taiwan = {v for _, values in _opencc_table("TWVariants.ocd2") for v in values}
    chars = {key for key, values in _opencc_table("STCharacters.ocd2")
             if len(key) == 1 and key not in values} - taiwan
    assert len(chars) > 2000, f"only {len(chars)} Simplified-only characters: table not read?"
    return frozenset(chars)


# --- the converter ---------------------------------------------------------------------------

def test_characters_not_taiwan_phrasing():
    # s2tw keeps the mainland terms of seed article 000 (s2twp would write 最佳化器, 預設, 檔案).
    assert i18n.to_hant("优化器的默认参数和数据文件") == "優化器的默認參數和數據文件"
    assert i18n.to_hant("余弦退火与热重启") == "餘弦退火與熱重啟"


def library_strings() -> list[str]:
    """Every Chinese string literal in lrlessons/: cards, hints, labels, widget texts."""
    out = []
    for path in sorted((REPO / "lrlessons").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and CJK.search(node.value):
                out.append(node.value)
    return out


def test_each_override_still_corrects_a_sentence_of_the_course():
    zh = [text for name in NAMES for _, text in prose(read("zh", name))] + library_strings()
    raw = opencc.OpenCC("s2tw").convert("\n".join(zh))
    for wrong, right in i18n.HANT_OVERRIDES:
        assert wrong in raw, f"override {wrong} -> {right}: s2tw no longer writes {wrong} " \
                             f"in the lessons or the library; drop the row"
        assert not simplified_only() & set(right), right


def test_library_strings_convert_to_traditional():
    found = {s[:40] for s in library_strings() if simplified_only() & set(i18n.to_hant(s))}
    assert not found


def test_the_detector_finds_simplified_text():
    # The check below could pass vacuously if the table were empty or misread.
    zh = "".join(text for _, text in prose(read("zh", "00_learning_rate.ipynb")))
    assert len(simplified_only() & set(zh)) > 50
    assert not simplified_only() & set(i18n.to_hant(zh))


# --- the notebooks ---------------------------------------------------------------------------

def test_same_notebooks_as_simplified():
    assert sorted(p.name for p in (ROOT / HANT).glob("*.ipynb")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_the_simplified_one_converted(name):
    """Cell by cell against the committed zh notebook (not through the generator): markdown is
    to_hant of the zh markdown, code is the same code with its comments converted, and the
    setup line switches the library to zh-Hant."""
    zh, hant = read("zh", name), read(HANT, name)
    assert len(zh.cells) == len(hant.cells)
    for a, b in zip(zh.cells, hant.cells):
        assert (a.cell_type, a.metadata.get("tags")) == (b.cell_type, b.metadata.get("tags"))
        if a.cell_type == "markdown":
            assert b.source == i18n.to_hant(a.source)
            continue
        expected = a.source.replace(language_line("zh"), language_line(HANT))
        assert code_only(b.source) == code_only(expected)
        assert comments(b.source) == [i18n.to_hant(c) for c in comments(expected)]
    setup = next(c for c in hant.cells if "setup" in c.metadata.get("tags", []))
    assert setup.source.split("\n")[-1] == 'lrlessons.use_language("zh-Hant")'


@pytest.mark.parametrize("name", NAMES)
def test_no_simplified_only_character(name):
    found = [(i, sorted(simplified_only() & set(text)), text[:60])
             for i, text in prose(read(HANT, name)) if simplified_only() & set(text)]
    assert not found, f"Simplified characters in notebooks/zh-Hant/{name}: {found}"


def test_glossary_column_is_the_converter():
    for term in TERMS:
        assert term.hant == i18n.to_hant(term.chosen), term.english
        assert not simplified_only() & set(term.hant), term.english


@pytest.mark.parametrize("name", NAMES)
def test_glossary_terms_in_their_hant_form(name):
    zh = "\n".join(t for _, t in prose(read("zh", name)))
    hant = "\n".join(t for _, t in prose(read(HANT, name)))
    used = [t for t in TERMS if CJK.search(t.chosen) and "、" not in t.chosen and t.chosen in zh]
    assert used
    for term in used:
        assert hant.count(term.hant) >= zh.count(term.chosen), \
            f"{term.english}: {term.chosen} ×{zh.count(term.chosen)} in zh, " \
            f"{term.hant} ×{hant.count(term.hant)} in zh-Hant"


@pytest.mark.parametrize("name", NAMES)
def test_committed_executed_and_deterministic(name):
    _executed(HANT, name)


def test_index_links_every_lesson():
    _index_links(HANT)


@pytest.mark.parametrize("name", NAMES)
def test_links_resolve(name):
    _links_resolve(HANT, name)


def test_executed_figures_were_drawn_under_zh_hant():
    # The setup cell ran first (execution count 1) with the zh-Hant line, and the lesson's
    # figures are in the committed outputs: they were drawn with Traditional labels (the label
    # functions are tested below).
    nb = read(HANT, "01_step_decay.ipynb")
    setup = next(c for c in nb.cells if "setup" in c.metadata.get("tags", []))
    assert setup.execution_count == 1 and setup.source.endswith('use_language("zh-Hant")')
    assert sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code"
               for o in c.outputs) >= 3


# --- the library's strings -------------------------------------------------------------------

def test_figure_labels_are_traditional():
    if plotting.cjk_font() is None:
        pytest.skip("no CJK font: figure labels are English by design")
    i18n.use_language(HANT)
    assert plotting.label("lr") == "學習率"
    assert plotting.label("val_accuracy") == "驗證準確率（%）"
    fig = lrlessons.plot_curve("StepLR", steps=30, step_size=10)
    ax = fig.axes[0] if hasattr(fig, "axes") else fig
    texts = [ax.get_xlabel(), ax.get_ylabel()]
    assert any(CJK.search(t) for t in texts), texts
    assert not simplified_only() & set("".join(texts)), texts
    for key, (_, zh) in plotting.LABELS.items():
        assert plotting.label(key) == i18n.to_hant(zh), key


def test_cards_hints_and_errors():
    i18n.use_language(HANT)
    assert i18n.tr("optimizer", "优化器") == "優化器"
    assert i18n.pick({"en": "x", "zh": "学习率调度"}) == "學習率調度"
    assert i18n.pick({"en": "only English"}) == "only English"
    assert lrlessons.get("StepLR").title["zh-Hant"] == i18n.to_hant(lrlessons.get("StepLR").title.zh)
    from lrlessons.check.core import Exercise
    hint = Exercise("99.1", "check_x", {}, {}, ()).not_written()
    assert hint.message.startswith("✏️ 還沒有寫")
    assert set(hint.to_json()["message"]) == {"en", "zh"}  # graders read the written languages
    with pytest.raises(ValueError) as err:
        lrlessons.curve("StepLR", steps=10, step_size=0)
    # The error itself stays English / Simplified; a widget shows the learner's half.
    assert "step_size must be in [1, inf), got 0 / step_size 必须在" in str(err.value)
    assert i18n.message(err.value) == "step_size 必須在 [1, inf) 之間，你給出的是 0"


def test_use_language_names_the_choices():
    with pytest.raises(ValueError, match=r"'zh', 'zh-Hant', 'en'.*'zh-TW'.*你给出的是 'zh-TW'"):
        i18n.use_language("zh-TW")
