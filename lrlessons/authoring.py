"""Course upkeep: execute lessons in place, and write student versions for course labs.

    python -m lrlessons.authoring execute notebooks/en/01_step_decay.ipynb ...   (make notebooks)
    python -m lrlessons.authoring student [--out student]                        (make student)
    python -m lrlessons.authoring grade [--csv PATH] [-j N] [--timeout S] submissions/*.ipynb

The notebooks are generated from one source per lesson, ``lessons/X.md`` (``lrlessons.sources``,
docs/adding_a_lesson.md). Conventions a lesson follows (tests/test_notebooks.py holds them):
- the first code cell is the setup cell; its last line, ``lrlessons.use_language("en")``, is the
  only code that differs between ``notebooks/en/X.ipynb`` and ``notebooks/zh/X.ipynb`` (comments
  are prose: the source holds their translations);
- a cell whose output is a live widget is tagged ``nbval-ignore-output``;
- an exercise is a cell tagged ``solution`` whose answer sits between ``### BEGIN SOLUTION`` and
  ``### END SOLUTION``, followed by a cell tagged ``check`` that runs ``lrlessons.check``.

A student version replaces each answer with ``raise NotImplementedError``, keeps every check, and
clears the outputs of both; the checks then report "not written yet" until the learner fills the
function in, so the student notebook still runs top to bottom.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import NamedTuple

from .i18n import language

LANGS = ("en", "zh")
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = "raise NotImplementedError  # your code here / 在这里写你的代码"
_SOLUTION = re.compile(rf"^([ \t]*){re.escape(BEGIN)}[^\n]*\n.*?^[ \t]*{re.escape(END)}[^\n]*$",
                       re.M | re.S)


def language_line(lang: str) -> str:
    return f'lrlessons.use_language("{lang}")'


def code_only(source: str) -> str:
    """A code cell without its comments and trailing spaces: what must be identical in the two
    languages (comments are prose, written in the notebook's language)."""
    import io
    import tokenize

    lines = source.splitlines()
    try:
        comments = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)
                    if t.type == tokenize.COMMENT]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return source
    for tok in reversed(comments):
        row, col = tok.start
        lines[row - 1] = lines[row - 1][:col]
    return "\n".join(line.rstrip() for line in lines if line.strip())


VALUE_STUB = "{name} = ...  # your answer here / 在这里写你的答案"


def strip_solutions(source: str) -> str:
    """Replace every marked answer with a stub at the marker's indentation: inside a function
    ``raise NotImplementedError``; an answer that is a value (``first_drop = (30, 1)``) becomes
    ``first_drop = ...``, so the cell still runs and its check reports "not written yet"."""
    if BEGIN not in source:
        raise ValueError(f"a cell tagged 'solution' has no {BEGIN!r} marker:\n{source}")
    return _SOLUTION.sub(lambda m: _stub(m.group(0), m.group(1)), source)


def _stub(block: str, indent: str) -> str:
    import ast

    body = "\n".join(line[len(indent):] for line in block.splitlines()[1:-1])
    try:
        statements = ast.parse(body).body
    except SyntaxError:
        statements = []
    names = [s.targets[0].id for s in statements if isinstance(s, ast.Assign)
             and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name)]
    if statements and len(names) == len(statements):
        return "\n".join(indent + VALUE_STUB.format(name=n) for n in names)
    return f"{indent}{STUB}"


def student_version(nb):
    """A copy of notebook ``nb`` for learners: answers stubbed, exercise outputs cleared."""
    import copy

    out = copy.deepcopy(nb)
    for cell in out.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type != "code" or not {"solution", "check", "prediction", "reveal"} & set(tags):
            continue
        if {"solution", "prediction"} & set(tags):  # a prediction is the learner's to make too
            cell.source = strip_solutions(cell.source)
        cell.outputs = []
        cell.execution_count = None
    return out


def write_students(root: Path, out: Path) -> list[Path]:
    import nbformat

    written = []
    # Every language folder, the generated ones (zh-Hant) included: a lab may hand out any.
    for lang in sorted(d.name for d in root.iterdir() if d.is_dir() and any(d.glob("*.ipynb"))):
        for path in sorted((root / lang).glob("*.ipynb")):
            target = out / lang / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(student_version(nbformat.read(path, as_version=4)), target)
            written.append(target)
    return written


def execute(path: Path, timeout: int = 600) -> None:
    """Run a notebook top to bottom in a fresh kernel of this interpreter and save its outputs.

    Widget state is not stored (it would carry every PNG frame); timing metadata is not recorded
    (outputs must not change from run to run). Figures render with the inline backend, as in
    JupyterLab and nbval.
    """
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    env_backend = os.environ.pop("MPLBACKEND", None)  # the kernel inherits it: keep inline
    try:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}},
                                record_timing=False, store_widget_state=False)
        client.execute()
    finally:
        if env_backend is not None:
            os.environ["MPLBACKEND"] = env_backend
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)


class Verdict(NamedTuple):
    """What one self-check of a graded notebook said: read from the check's Result data
    (``application/vnd.lrlessons.result+json``), never from the text it printed."""

    number: int
    passed: bool
    message: str
    data: dict | None


def verdict(number: int, outputs: list) -> Verdict:
    """The Verdict of a check cell from its outputs: passed only when the cell displayed a
    Result whose data says so. Text alone (a printed ✅) is not a verdict."""
    from .check import MIME

    data = next((o["data"][MIME] for o in outputs if o.get("output_type") in
                 ("execute_result", "display_data") and MIME in o.get("data", {})), None)
    errors = [o for o in outputs if o.get("output_type") == "error"]
    if errors:
        return Verdict(number, False, f"❌ {errors[0]['ename']}: {errors[0]['evalue']}", None)
    if not isinstance(data, dict):
        shown = "".join(str(o.get("data", {}).get("text/plain", "")) for o in outputs
                        if o.get("output_type") in ("execute_result", "display_data"))
        return Verdict(number, False, "not run" if not shown.strip() else
                       f"no self-check result (the cell showed: {shown.strip()[:80]})", None)
    message = data.get("message", {})
    text = message.get(language(), message.get("en", "")) if isinstance(message, dict) else ""
    return Verdict(number, data.get("passed") is True, str(text), data)


def grade(path: Path, timeout: int = 600) -> list[Verdict]:
    """Run a learner's notebook (a copy: the submission is not touched) and read its self-checks.

    Returns one ``Verdict`` per cell tagged ``check``, in order: passed or not as the check's
    Result data says, with the message the learner saw (✅, ❌ with the hint, ✏️ not written) or
    "not run" when the notebook stopped before the check. Errors in the learner's own cells do
    not stop the grading: the cells after them still run.
    """
    import tempfile

    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as tmp:
        env_backend = os.environ.pop("MPLBACKEND", None)
        try:
            NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                           resources={"metadata": {"path": tmp}}).execute()
        finally:
            if env_backend is not None:
                os.environ["MPLBACKEND"] = env_backend
    checks = [c for c in nb.cells if "check" in c.metadata.get("tags", [])]
    return [verdict(i, cell.outputs) for i, cell in enumerate(checks, start=1)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lrlessons.authoring", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("execute", help="run notebooks in place and save their outputs")
    run.add_argument("paths", nargs="+", type=Path)
    stu = sub.add_parser("student", help="write student versions of every lesson")
    stu.add_argument("--root", type=Path, default=Path("notebooks"))
    stu.add_argument("--out", type=Path, default=Path("student"))
    grd = sub.add_parser("grade", help="grade submitted notebooks outside the students' kernels "
                                       "(lrlessons.grading)")
    grd.add_argument("paths", nargs="+", type=Path)
    grd.add_argument("--csv", type=Path, help="append one row per submission and exercise "
                                              "(resumes: submissions already in it are skipped)")
    grd.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    grd.add_argument("--timeout", type=float, default=60.0, help="seconds per exercise")
    grd.add_argument("--memory", type=int, default=3072, help="MB per sandbox")
    args = parser.parse_args(argv)
    if args.command == "execute":
        for path in args.paths:
            print(f"executing {path}", flush=True)
            execute(path)
    elif args.command == "student":
        for path in write_students(args.root, args.out):
            print(f"wrote {path}")
    else:
        from .grading import grade_all

        grade_all(args.paths, args.csv, args.jobs, args.timeout, args.memory, out=sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
