"""One Chinese term per concept: docs/glossary.md names the chosen term and the forms not to use;
no course text may use those forms. Checked: the Chinese lessons' prose, every Chinese string of
the catalogue entries, the figure labels, every Chinese string literal in lrlessons/, the Chinese
instructor guide and the Chinese lines of the README."""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
GLOSSARY = REPO / "docs" / "glossary.md"
HEADER = ["English", "中文（选定）", "繁體中文", "不要用", "例外", "说明"]
CJK = re.compile(r"[\u4e00-\u9fff]")
NOTEBOOKS = sorted((REPO / "notebooks" / "zh").glob("*.ipynb"))
MODULES = sorted((REPO / "lrlessons").glob("*.py"))


@dataclasses.dataclass(frozen=True)
class Term:
    english: str
    chosen: str
    avoid: tuple[str, ...]
    allowed: tuple[str, ...]  # phrases that contain a form to avoid and are fine
    hant: str = ""  # the chosen term in Traditional characters (tests/test_hant.py)


def _forms(cell: str) -> tuple[str, ...]:
    return tuple(f.strip() for f in cell.split("、") if f.strip() and f.strip() != "—")


def read_glossary(text: str) -> list[Term]:
    """The rows of the glossary table (the one whose header is ``HEADER``)."""
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines)
                 if [c.strip() for c in ln.strip().strip("|").split("|")] == HEADER)
    terms = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        assert len(cells) == len(HEADER), f"glossary row with {len(cells)} cells: {line}"
        terms.append(Term(cells[0], cells[1], _forms(cells[3]), _forms(cells[4]), cells[2]))
    return terms


TERMS = read_glossary(GLOSSARY.read_text(encoding="utf-8"))
ALIAS_HEADER = ["别名", "选定术语", "出处", "说明"]


def read_aliases(text: str) -> list[tuple[str, str]]:
    """(alias, chosen term) rows of the aliases table: what other textbooks call a concept."""
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines)
                 if [c.strip() for c in ln.strip().strip("|").split("|")] == ALIAS_HEADER)
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        assert len(cells) == len(ALIAS_HEADER), f"alias row with {len(cells)} cells: {line}"
        rows.append((cells[0], cells[1]))
    return rows


def read_proper_nouns(text: str) -> set[str]:
    """The names the Chinese text keeps in Latin script (the glossary's list, one category a
    line: ``- 类别：名称、名称``)."""
    section = text.split("## 保留拉丁字母的专有名词", 1)[1]
    names = set()
    for line in section.splitlines():
        if line.startswith("- ") and "：" in line:
            names.update(n.strip() for n in line.split("：", 1)[1].split("、") if n.strip())
    return names


ALIASES = read_aliases(GLOSSARY.read_text(encoding="utf-8"))
PROPER_NOUNS = read_proper_nouns(GLOSSARY.read_text(encoding="utf-8"))


def violations(where: str, text: str, terms=TERMS) -> list[str]:
    """One message per form to avoid found in ``text``: where, the form, the chosen term."""
    found = []
    for term in terms:
        cleared = text
        for phrase in term.allowed:
            cleared = cleared.replace(phrase, "〇" * len(phrase))
        for form in term.avoid:
            at = cleared.find(form)
            if at >= 0:
                context = text[max(0, at - 12):at + len(form) + 12].replace("\n", " ")
                found.append(f"{where}: “{form}” → use “{term.chosen}” ({term.english}); "
                             f"in “…{context}…”")
    return found


# --- where the course's Chinese lives --------------------------------------------------------


def notebook_texts(path: Path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            yield f"{path.relative_to(REPO)} cell {i}", cell.source


def zh_fields(obj, where: str):
    """Every ``zh`` string held by a catalogue object, walking its dataclass fields, tuples and
    dicts, so a field added later (a Param's range note, a framework line's reason) is seen."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if f.name == "zh" and isinstance(value, str):
                yield where, value
            else:
                yield from zh_fields(value, f"{where}.{f.name}")
    elif isinstance(obj, (tuple, list)):
        for i, item in enumerate(obj):
            name = getattr(item, "name", None)
            yield from zh_fields(item, f"{where}[{name if isinstance(name, str) else i}]")
    elif isinstance(obj, dict):
        for key, item in obj.items():
            yield from zh_fields(item, f"{where}[{key!r}]")


def catalogue_texts():
    import lrlessons

    for name, spec in lrlessons.SCHEDULES.items():
        yield from zh_fields(spec, f"catalogue {name}")


def label_texts():
    from lrlessons.plotting import LABELS

    for key, (_, zh) in LABELS.items():
        yield f"plotting.LABELS[{key!r}]", zh


def module_texts(path: Path):
    """Chinese string literals of a module (f-strings' literal parts included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                CJK.search(node.value):
            yield f"{path.relative_to(REPO)}:{node.lineno}", node.value


def doc_texts(path: Path, chinese_lines_only: bool = False):
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not chinese_lines_only or CJK.search(line):
            yield f"{path.relative_to(REPO)}:{i}", line


def check(texts) -> None:
    found = [msg for where, text in texts for msg in violations(where, text)]
    assert not found, "forms the glossary (docs/glossary.md) says not to use:\n" + \
        "\n".join(found)


# --- the glossary itself -----------------------------------------------------------------------


def test_glossary_table_is_read():
    assert len(TERMS) >= 60
    english = [t.english for t in TERMS]
    assert len(set(english)) == len(english), "one row per concept"
    by_english = {t.english.split(" (")[0]: t for t in TERMS}
    assert by_english["warm-up"].chosen == "预热" and "热身" in by_english["warm-up"].avoid
    assert "基础学习率" in by_english["base learning rate"].avoid


def test_no_chosen_term_is_a_form_to_avoid():
    for term in TERMS:
        assert not violations(f"glossary row {term.english!r}", term.chosen), term
        for phrase in term.allowed:
            assert any(form in phrase for form in term.avoid), (term.english, phrase)


def test_aliases_map_to_a_chosen_term_and_stay_out_of_the_course():
    # the forms readers of D2L and Paddle's docs know: each names a row's chosen term, and is
    # among that row's forms not to use (documented for the reader, one term in our own text)
    assert len(ALIASES) >= 10
    by_chosen = {t.chosen: t for t in TERMS}
    for alias, chosen in ALIASES:
        assert chosen in by_chosen, f"alias {alias}: no glossary row chooses {chosen!r}"
        assert violations("alias", alias, [by_chosen[chosen]]), \
            f"alias {alias} of {chosen}: that row's 不要用 does not catch it"
    aliases = dict(ALIASES)
    for alias in ("热身", "指数加权移动平均", "小批量", "批量大小", "批大小", "最大学习率",
                  "调度策略", "学习率策略", "逆平方根衰减"):
        assert alias in aliases, alias  # the ones issue 20 names


def test_proper_nouns_are_listed():
    assert {"PyTorch", "Keras", "Adam", "Colab", "JupyterLab", "Binder"} <= PROPER_NOUNS
    assert not {"Paddle", "PaddlePaddle"} & PROPER_NOUNS  # Chinese prose says 飞桨
    assert all(re.fullmatch(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ0-9 .+-]*", n) for n in PROPER_NOUNS), PROPER_NOUNS


# --- the checker finds what it should, and only that ------------------------------------------


def test_checker_finds_a_planted_form_and_names_it():
    text = "先用 5 个 epoch 热身，再把学习率降到基础学习率的一半。"
    found = violations("planted", text)
    assert len(found) == 2
    assert "“热身” → use “预热”" in found[0] or "“热身” → use “预热”" in found[1]
    assert any("“基础学习率” → use “初始学习率”" in m for m in found)
    assert all(m.startswith("planted: ") for m in found)


def test_checker_skips_allowed_phrases_but_not_the_term_next_to_them():
    assert violations("ok", "周期的最后一步离谷底还差一步，两条曲线相差一步。") == []
    assert violations("ok", "学习率先回升温和地走高，再下降；在笔记本电脑上运行。") == []
    assert violations("ok", "每个 batch（批次）有 100 个点。") == []
    assert len(violations("bad", "还差一步。Keras 差一步的边界。")) == 1
    assert len(violations("bad", "每个批次有 100 个点。")) == 1


def test_checker_fails_on_a_planted_form_in_a_real_lesson(tmp_path):
    before = [m for w, t in notebook_texts(NOTEBOOKS[0]) for m in violations(w, t)]
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    last = max(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown")
    nb.cells[last].source += "\n\n先热身几步。"
    planted = tmp_path / NOTEBOOKS[0].name
    nbformat.write(nb, planted)
    after = [m for i, c in enumerate(nbformat.read(planted, as_version=4).cells)
             if c.cell_type == "markdown" for m in violations(f"cell {i}", c.source)]
    new = [m for m in after if m.startswith(f"cell {last}: ") and "热身" in m]
    assert len(after) == len(before) + 1 and len(new) == 1
    assert "“热身” → use “预热” (warm-up)" in new[0]
    with pytest.raises(AssertionError, match="热身"):
        check([("planted", nb.cells[last].source)])


# --- the course's Chinese ----------------------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_lessons_use_the_glossary(path):
    check(notebook_texts(path))


def test_catalogue_uses_the_glossary():
    texts = list(catalogue_texts())
    assert len(texts) > 200  # titles, summaries, symbols, params and notes of every entry
    check(texts)


def test_figure_labels_use_the_glossary():
    check(label_texts())


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_library_messages_use_the_glossary(path):
    check(module_texts(path))


def test_instructor_guide_uses_the_glossary():
    check(doc_texts(REPO / "docs" / "instructor_guide.zh.md"))


def test_readme_uses_the_glossary():
    check(doc_texts(REPO / "README.md", chinese_lines_only=True))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_an_english_gloss_is_given_once_per_lesson(path):
    glossed = re.compile(r"[\u4e00-\u9fff][*_]*（([A-Za-z][A-Za-z' -]*)[，,；;）]")
    seen: dict[str, str] = {}
    for where, text in notebook_texts(path):
        for match in glossed.finditer(text):
            english = match.group(1).strip().lower()
            assert english not in seen, f"{where}: “{english}” glossed again (first: {seen[english]})"
            seen[english] = where
