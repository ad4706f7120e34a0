"""One text source per lesson: the notebooks, the course tables and the index are generated.

    python -m lrlessons.sources generate            write every generated file (keeps outputs)
    python -m lrlessons.sources generate --check    exit 1 naming every stale or hand-edited file
    python -m lrlessons.sources migrate             one time: build lessons/*.md from notebooks/

``lessons/NN_stem.md`` is a jupytext MyST notebook holding a lesson once:

- every code cell once, with its comments in English; a comment's translation lives in the
  cell's metadata, ``comments: {zh: {"English comment": "中文注释"}}``, so the code of the two
  notebooks cannot differ (only comment tokens are swapped, by the tokenizer);
- every markdown cell once per written language, marked ``+++ {"lang": "en"}`` (or ``"zh"``);
  between two code cells each language has the same number of them, so the notebooks pair cell
  by cell;
- the setup cell (tagged ``setup``) ends with ``lrlessons.use_language("en")``: each notebook
  gets its own language there;
- ``{{ title }}``, ``{{ minutes }}`` and ``{{ link NN }}`` (``[NN · title](NN_stem.ipynb)``) in
  the prose come from ``lessons/manifest.toml``, where every title is typed once;
  ``lessons/index.md`` also takes ``{{ lessons }}``, the course table.

The manifest also writes README's course table and the instructor guides' overview rows, between
``<!-- lessons:begin ... -->`` and ``<!-- lessons:end -->`` markers. A language may be derived:
its text is a written language's, passed through a converter (Traditional Chinese, ``zh-Hant``,
is the Simplified text through ``lrlessons.i18n.to_hant``); ``LANGUAGES`` is the one list to
extend. Generation keeps the outputs
of every code cell whose source and tags did not change; ``make notebooks`` then re-executes.
"""

from __future__ import annotations

import argparse
import copy
import difflib
import hashlib
import io
import re
import sys
import tokenize
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .authoring import language_line
from .i18n import to_hant

REPO = Path(__file__).resolve().parent.parent
FMT = "md:myst"
SOURCE_LANG = "en"  # the language of the code comments as written in a source
COMMENTS = "comments"  # code-cell metadata key: {lang: {English comment: translation}}
_PLACEHOLDER = re.compile(r"\{\{ ?(title|minutes|lessons|link (\d\d)) ?\}\}")
BEGIN_MARK = ("<!-- lessons:begin (generated from lessons/manifest.toml: edit it there, then "
              "`make generate`) -->")
END_MARK = "<!-- lessons:end -->"


@dataclass(frozen=True)
class Language:
    code: str               # the notebooks/<code>/ folder and use_language's argument
    name: str               # README's column header
    colab: str              # README's Colab link label
    minutes: str            # "{n} min"
    base: str | None = None             # derived: its text is this language's ...
    convert: Callable[[str], str] | None = None   # ... passed through this converter


# Written languages first. A derived one is one more entry with base= and convert=; it then
# needs a folder and a use_language value (a guide docs/instructor_guide.<code>.md is optional).
LANGUAGES = (
    Language("en", "English", "en", "{n} min"),
    Language("zh", "中文", "中文", "{n} 分钟"),
    Language("zh-Hant", "繁體中文", "繁體", "{n} 分鐘", base="zh", convert=to_hant),
)
BY_CODE = {lang.code: lang for lang in LANGUAGES}
WRITTEN = tuple(lang.code for lang in LANGUAGES if lang.base is None)


class SourceError(ValueError):
    """A lesson source or the manifest is malformed (the message names the file and the cell)."""


def _written(lang: str) -> tuple[str, Callable[[str], str]]:
    """The written language a language's text comes from, and the converter applied to it."""
    spec = BY_CODE[lang]
    if spec.base is None:
        return lang, (lambda text: text)
    return spec.base, spec.convert


# --- the manifest ---------------------------------------------------------------------------

def read_manifest(root: Path = REPO) -> list[dict]:
    """``lessons/manifest.toml`` as a list of lessons in course order, each with ``number``."""
    import tomllib

    path = root / "lessons" / "manifest.toml"
    lessons = tomllib.loads(path.read_text(encoding="utf-8"))["lesson"]
    for entry in lessons:
        entry["number"] = entry["stem"][:2]
        if not re.fullmatch(r"\d\d_[a-z0-9_]+", entry["stem"]):
            raise SourceError(f"{path}: stem must look like 07_custom, got {entry['stem']!r}")
        for lang in WRITTEN:
            missing = {"title", "summary", "prerequisites", "goals"} - set(entry.get(lang, {}))
            if missing:
                raise SourceError(f"{path}: lesson {entry['stem']} has no {lang}.{sorted(missing)}")
    return lessons


def text(entry: dict, lang: str, key: str) -> str:
    base, convert = _written(lang)
    return convert(entry[base][key])


def link(entry: dict, lang: str, prefix: str = "") -> str:
    return f"[{entry['number']} · {text(entry, lang, 'title')}]({prefix}{entry['stem']}.ipynb)"


def index_table(lessons: list[dict], lang: str) -> str:
    head = {"en": "| # | lesson | you will learn | time |",
            "zh": "| # | 课程 | 你将学到 | 时长 |"}
    base, convert = _written(lang)
    rows = [convert(head[base]), "|---|---|---|---|"]
    for e in lessons:
        minutes = BY_CODE[lang].minutes.format(n=e["minutes"])
        rows.append(f"| {e['number']} | [{text(e, lang, 'title')}]({e['stem']}.ipynb) | "
                    f"{text(e, lang, 'summary')} | {minutes} |")
    return "\n".join(rows)


def readme_table(lessons: list[dict]) -> str:
    colab = "https://colab.research.google.com/github/lrlessons/lrlessons/blob/main/notebooks"
    names = " | ".join(lang.name for lang in LANGUAGES)
    rows = [f"| # | {names} | time 时长 | Colab |", "|---" * (len(LANGUAGES) + 3) + "|"]
    for e in lessons:
        cells = []
        for lang in LANGUAGES:
            colon = "：" if lang.code.startswith("zh") else ": "
            cell = f"[{text(e, lang.code, 'title')}](notebooks/{lang.code}/{e['stem']}.ipynb)"
            # A derived language's summary would repeat its base's in other characters.
            cells.append(cell if lang.base else f"{cell}{colon}{text(e, lang.code, 'summary')}")
        links = " · ".join(f"[{lang.colab}]({colab}/{lang.code}/{e['stem']}.ipynb)"
                           for lang in LANGUAGES)
        rows.append(f"| {e['number']} | {' | '.join(cells)} | {e['minutes']} min | {links} |")
    return "\n".join(rows)


def guide_table(lessons: list[dict], lang: str) -> str:
    head = {"en": "| lesson | time | prerequisites | learners leave knowing |",
            "zh": "| 课程 | 时长 | 先修要求 | 学完后能掌握 |"}
    base, convert = _written(lang)
    rows = [convert(head[base]), "|---|---|---|---|"]
    for e in lessons:
        rows.append(f"| {link(e, lang, f'../notebooks/{lang}/')} | "
                    f"{BY_CODE[lang].minutes.format(n=e['minutes'])} | "
                    f"{text(e, lang, 'prerequisites')} | {text(e, lang, 'goals')} |")
    return "\n".join(rows)


def replace_between_markers(document: str, table: str, name: str) -> str:
    """``document`` with the text between the lessons markers replaced by ``table``."""
    pattern = re.compile(re.escape(BEGIN_MARK) + r"\n.*?" + re.escape(END_MARK), re.S)
    if len(pattern.findall(document)) != 1:
        raise SourceError(f"{name}: needs exactly one pair of lines {BEGIN_MARK!r} ... "
                          f"{END_MARK!r}")
    return pattern.sub(lambda m: f"{BEGIN_MARK}\n\n{table}\n\n{END_MARK}", document)


# --- code cells: one source, comments per language ------------------------------------------

def _comments(source: str) -> list[tokenize.TokenInfo]:
    # IPython magics and shell escapes are not Python: hide them from the tokenizer, keeping
    # columns (a comment after a magic is not translated).
    masked = "\n".join(("#" + line[1:]) if line.lstrip()[:1] in "%!" and line.strip() else line
                       for line in source.split("\n"))
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(masked).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError) as exc:
        raise SourceError(f"cannot tokenize a code cell ({exc}):\n{source}") from exc
    lines = source.split("\n")
    return [t for t in tokens if t.type == tokenize.COMMENT
            and lines[t.start[0] - 1][t.start[1]:].startswith("#")
            and lines[t.start[0] - 1].lstrip()[:1] not in ("%", "!")]


def _split(comment: str) -> tuple[str, str]:
    """``"#  text"`` -> (``"#  "``, ``"text"``)."""
    m = re.match(r"#+[ \t]*", comment)
    return comment[:m.end()], comment[m.end():]


def translate_comments(source: str, table: dict[str, str], where: str = "") -> str:
    """``source`` with every comment found in ``table`` (English text -> translation) replaced;
    only comment tokens change, so the code stays identical by construction."""
    lines = source.split("\n")
    used = set()
    for tok in reversed(_comments(source)):
        row, col = tok.start
        prefix, words = _split(tok.string)
        if words in table:
            used.add(words)
            line = lines[row - 1]
            lines[row - 1] = line[:col] + prefix + table[words] + line[col + len(tok.string):]
    stale = set(table) - used
    if stale:
        raise SourceError(f"{where}: translations of comments that are not in the cell "
                          f"(edit the translation with the comment): {sorted(stale)}")
    return "\n".join(lines)


def _substitute(source: str, entry: dict | None, lessons: list[dict], lang: str,
                where: str) -> str:
    by_number = {e["number"]: e for e in lessons}

    def fill(m: re.Match) -> str:
        key = m.group(1)
        if key == "lessons":
            return index_table(lessons, lang)
        if m.group(2):
            if m.group(2) not in by_number:
                raise SourceError(f"{where}: {m.group(0)} names no lesson of the manifest")
            return link(by_number[m.group(2)], lang)
        if entry is None:
            raise SourceError(f"{where}: {m.group(0)} outside a lesson")
        return str(entry["minutes"]) if key == "minutes" else text(entry, lang, "title")

    return _PLACEHOLDER.sub(fill, source)


# --- sources to notebooks --------------------------------------------------------------------

def read_source(path: Path):
    import jupytext

    return jupytext.read(path, fmt=FMT)


def generate(source, lang: str, entry: dict | None, lessons: list[dict], name: str = ""):
    """The notebook of one language from a lesson source (a jupytext notebook), no outputs."""
    import nbformat

    base, convert = _written(lang)
    cells, counts = [], {code: 0 for code in WRITTEN}
    for i, cell in enumerate(source.cells):
        where = f"{name} cell {i + 1}"
        meta = copy.deepcopy(dict(cell.metadata))
        if cell.cell_type == "markdown":
            cell_lang = meta.pop("lang", None)
            if cell_lang not in WRITTEN:
                raise SourceError(f"{where}: a markdown cell needs +++ {{\"lang\": ...}} with one "
                                  f"of {WRITTEN}, got {cell_lang!r}")
            counts[cell_lang] += 1
            if cell_lang == base:
                # Filled in the written language, then converted as a whole.
                text_ = convert(_substitute(cell.source, entry, lessons, base, where))
                cells.append(nbformat.v4.new_markdown_cell(text_, metadata=meta))
            continue
        if len(set(counts.values())) > 1:
            raise SourceError(f"{where}: before this code cell the languages have different "
                              f"numbers of markdown cells {counts}: the notebooks would not pair")
        tables = meta.pop(COMMENTS, {})
        code = cell.source
        if base != SOURCE_LANG:
            code = translate_comments(code, {k: convert(v) for k, v in
                                             tables.get(base, {}).items()}, where)
        else:
            for other, table in tables.items():  # stale translations fail in every language
                translate_comments(code, table, f"{where} ({other})")
        if "setup" in meta.get("tags", []):
            lines = code.split("\n")
            if lines[-1] != language_line(SOURCE_LANG):
                raise SourceError(f"{where}: the setup cell must end with "
                                  f"{language_line(SOURCE_LANG)}")
            code = "\n".join(lines[:-1] + [language_line(lang)])
        cells.append(nbformat.v4.new_code_cell(code, metadata=meta))
    if len(set(counts.values())) > 1:
        raise SourceError(f"{name}: the languages have different numbers of markdown cells "
                          f"{counts}")
    metadata = {k: v for k, v in source.metadata.items() if k != "jupytext"}
    return nbformat.v4.new_notebook(cells=cells, metadata=metadata)


def _key(cell) -> tuple:
    return (cell.cell_type, cell.source, tuple(cell.metadata.get("tags", [])))


def shape(cell) -> tuple:
    """What the staleness test compares: type, source and metadata (outputs aside)."""
    return (cell.cell_type, cell.source, dict(cell.metadata))


def merge(new, old):
    """``new`` with the ids of ``old``'s matching cells, and the outputs and execution counts of
    its code cells whose source and tags did not change (language_info kept too)."""
    if old is None:
        for i, cell in enumerate(new.cells):
            cell.id = hashlib.sha1(f"{i}{cell.source}".encode()).hexdigest()[:8]
        return new
    a, b = [_key(c) for c in old.cells], [_key(c) for c in new.cells]
    matched = {}
    for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            matched[block.b + k] = block.a + k
    for j, cell in enumerate(new.cells):
        if j in matched:
            was = old.cells[matched[j]]
            cell.id = was.get("id", cell.id)
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = was.outputs, was.execution_count
        elif j < len(old.cells) and old.cells[j].cell_type == cell.cell_type:
            cell.id = old.cells[j].get("id", cell.id)  # an edited cell keeps its place's id
    if "language_info" in old.metadata:
        new.metadata["language_info"] = old.metadata["language_info"]
    return new


@dataclass
class Target:
    path: Path          # the generated file
    content: object     # a notebook or a text
    sources: str        # what to edit instead


def targets(root: Path = REPO) -> list[Target]:
    """Every generated file with what it should contain (notebooks without outputs)."""
    lessons = read_manifest(root)
    stems = [e["stem"] for e in lessons]
    on_disk = sorted(p.stem for p in (root / "lessons").glob("[0-9][0-9]_*.md"))
    if on_disk != sorted(stems):
        raise SourceError(f"lessons/: sources {on_disk} but manifest rows {stems}: one of each "
                          f"per lesson")
    out = []
    for stem, entry in [("index", None), *[(e["stem"], e) for e in lessons]]:
        src = read_source(root / "lessons" / f"{stem}.md")
        for lang in BY_CODE:
            nb = generate(src, lang, entry, lessons, f"lessons/{stem}.md")
            out.append(Target(root / "notebooks" / lang / f"{stem}.ipynb", nb,
                              f"lessons/{stem}.md"))
    readme = root / "README.md"
    out.append(Target(readme, replace_between_markers(readme.read_text(encoding="utf-8"),
                                                      readme_table(lessons), "README.md"),
                      "lessons/manifest.toml"))
    for lang in BY_CODE:
        guide = root / "docs" / f"instructor_guide.{lang}.md"
        if guide.exists():
            out.append(Target(guide, replace_between_markers(
                guide.read_text(encoding="utf-8"), guide_table(lessons, lang), guide.name),
                "lessons/manifest.toml"))
    return out


def _read_nb(path: Path):
    import nbformat

    return nbformat.read(path, as_version=4) if path.exists() else None


def stale(root: Path = REPO) -> list[str]:
    """One line per generated file that differs from what its source generates."""
    problems = []
    for t in targets(root):
        rel = t.path.relative_to(root)
        if isinstance(t.content, str):
            if not t.path.exists() or t.path.read_text(encoding="utf-8") != t.content:
                problems.append(f"{rel}: stale or edited by hand (edit {t.sources})")
            continue
        old = _read_nb(t.path)
        if old is None:
            problems.append(f"{rel}: missing (generate it from {t.sources})")
            continue
        new, was = [shape(c) for c in t.content.cells], [shape(c) for c in old.cells]
        if new != was:
            first = next((i for i, (x, y) in enumerate(zip(new, was)) if x != y),
                         min(len(new), len(was)))
            problems.append(f"{rel}: cell {first + 1} differs from what {t.sources} generates "
                            f"({len(was)} cells, {len(new)} generated)")
        elif old.metadata.get("kernelspec") != t.content.metadata.get("kernelspec"):
            problems.append(f"{rel}: kernelspec differs from {t.sources}")
    generated = {t.path for t in targets(root)}
    for lang in BY_CODE:
        for path in sorted((root / "notebooks" / lang).glob("*.ipynb")):
            if path not in generated:
                problems.append(f"{path.relative_to(root)}: no source in lessons/")
    return problems


def write_all(root: Path = REPO) -> list[Path]:
    """Write every generated file that changed; notebooks keep unchanged cells' outputs."""
    import nbformat

    written = []
    for t in targets(root):
        if isinstance(t.content, str):
            if not t.path.exists() or t.path.read_text(encoding="utf-8") != t.content:
                t.path.write_text(t.content, encoding="utf-8")
                written.append(t.path)
            continue
        old = _read_nb(t.path)
        nb = merge(t.content, copy.deepcopy(old))
        if old is None or nbformat.writes(nb) != nbformat.writes(old):
            t.path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, t.path)
            written.append(t.path)
    return written


# --- the one-time migration: notebooks to sources ---------------------------------------------

def _pair_comments(en: str, other: str, where: str) -> dict[str, str]:
    a, b = _comments(en), _comments(other)
    if [t.start for t in a] != [t.start for t in b]:
        raise SourceError(f"{where}: the two languages' comments do not pair")
    table = {}
    for x, y in zip(a, b):
        if x.string != y.string:
            table[_split(x.string)[1]] = _split(y.string)[1]
    return table


def _placeholders(source: str, entry: dict | None, lessons: list[dict], lang: str) -> str:
    """The inverse of _substitute, for the migration: typed titles become placeholders."""
    for other in lessons:
        source = source.replace(link(other, lang), "{{ link " + other["number"] + " }}")
    if entry is not None:
        heading = f"# {entry['number']} · {text(entry, lang, 'title')}"
        if source == heading or source.startswith(heading + "\n"):
            source = f"# {entry['number']} · " + "{{ title }}" + source[len(heading):]
        for pattern in (f"About {entry['minutes']} minutes", f"约 {entry['minutes']} 分钟",
                        f"需要 {entry['minutes']} 分钟"):
            source = source.replace(pattern, pattern.replace(str(entry["minutes"]),
                                                             "{{ minutes }}"))
    table = index_table(lessons, lang)
    return source.replace(table, "{{ lessons }}") if table in source else source


def migrate(root: Path = REPO, stems: list[str] | None = None) -> list[Path]:
    """Build lessons/<stem>.md from the committed notebooks (en and zh paired cell by cell), and
    check that generating from them gives the committed cells back exactly. ``stems``: only
    these lessons (default: every notebook)."""
    import jupytext
    import nbformat

    lessons = read_manifest(root)
    entries = {e["stem"]: e for e in lessons}
    written = []
    for path in sorted((root / "notebooks" / "en").glob("*.ipynb")):
        stem = path.stem
        if stems and stem not in stems:
            continue
        nbs = {lang: nbformat.read(root / "notebooks" / lang / path.name, as_version=4)
               for lang in WRITTEN}
        en = nbs[SOURCE_LANG]
        if any([c.cell_type for c in nb.cells] != [c.cell_type for c in en.cells]
               for nb in nbs.values()):
            raise SourceError(f"{stem}: the languages' cells do not pair")
        cells = []
        for i, cell in enumerate(en.cells):
            where = f"{stem} cell {i + 1}"
            if cell.cell_type == "markdown":
                for lang in WRITTEN:
                    src = _placeholders(nbs[lang].cells[i].source, entries.get(stem), lessons,
                                        lang)
                    cells.append(nbformat.v4.new_markdown_cell(
                        src, metadata={**nbs[lang].cells[i].metadata, "lang": lang}))
                continue
            meta = dict(cell.metadata)
            tables = {}
            for lang in WRITTEN:
                if lang == SOURCE_LANG:
                    continue
                other = nbs[lang].cells[i].source.replace(language_line(lang),
                                                          language_line(SOURCE_LANG))
                table = _pair_comments(cell.source, other, where)
                if table:
                    tables[lang] = table
            if tables:
                meta[COMMENTS] = tables
            cells.append(nbformat.v4.new_code_cell(cell.source, metadata=meta))
        src = nbformat.v4.new_notebook(cells=cells,
                                       metadata={"kernelspec": en.metadata["kernelspec"]})
        target = root / "lessons" / f"{stem}.md"
        target.parent.mkdir(exist_ok=True)
        jupytext.write(src, target, fmt=FMT)
        back = read_source(target)
        for lang in WRITTEN:
            nb = generate(back, lang, entries.get(stem), lessons, str(target))
            if [shape(c) for c in nb.cells] != [shape(c) for c in nbs[lang].cells]:
                raise SourceError(f"{target}: does not generate notebooks/{lang}/{path.name} "
                                  f"back exactly")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lrlessons.sources", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=REPO,
                        help="the repository (default: %(default)s)")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write the notebooks, index and tables from lessons/")
    gen.add_argument("--check", action="store_true",
                     help="write nothing; exit 1 if a generated file is stale or edited by hand")
    mig = sub.add_parser("migrate", help="one time: lessons/*.md from the committed notebooks")
    mig.add_argument("--force", action="store_true",
                     help="overwrite existing sources (edits made in them are lost)")
    mig.add_argument("stems", nargs="*", help="only these lessons, e.g. 05_cyclic_one_cycle")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if args.command == "migrate":
        existing = [p for p in (root / "lessons").glob("*.md")
                    if not args.stems or p.stem in args.stems]
        if existing and not args.force:
            print("lessons/*.md exist and are the truth: migrating would overwrite them from the "
                  "notebooks (--force to do it anyway)")
            return 1
        for path in migrate(root, args.stems):
            print(f"wrote {path.relative_to(root)}")
        return 0
    if args.check:
        problems = stale(root)
        for line in problems:
            print(line)
        print(f"{len(problems)} stale file(s)" if problems
              else "every generated file is up to date")
        return 1 if problems else 0
    for path in write_all(root):
        print(f"wrote {path.relative_to(root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
