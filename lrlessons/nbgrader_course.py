"""An nbgrader course root for the lessons (``make nbgrader``), graded outside the kernel.

    python -m lrlessons.nbgrader_course [--out nbgrader] [--lessons 03 05]

writes ``nbgrader/nbgrader_config.py`` and ``nbgrader/source/<lang>_<NN>/<NN_name>.ipynb`` for
every lesson and language (assignment ids such as ``en_03``): each answer cell a solution cell,
each self-check a locked autograded test cell with its exercise's points, every other cell
read-only. nbgrader's own commands then work as it documents them (``nbgrader
generate_assignment en_03``, ``nbgrader autograde en_03``, ``nbgrader export``), with two
course classes set in the config (lrlessons.nbgrader_plugins): the released notebook's answers
are stubbed exactly as ``make student`` stubs them, and autograding replaces nbgrader's
in-kernel execution by lrlessons.grading, which runs the answers in a sandbox and the checks
outside it; a test cell that fails gets an error output, which is how nbgrader scores it.

This module needs no nbgrader (it only writes files); nbgrader runs in its own environment,
``.venv-grading``, which learners' ``make lab`` never loads.
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

from .authoring import BEGIN, LANGS, STUB

CONFIG = '''\
# nbgrader course root for lrlessons {version}, written by `make nbgrader`
# (python -m lrlessons.nbgrader_course); regenerate rather than edit.
import os

c = get_config()  # noqa: F821 - nbgrader's config loader defines it
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "lrlessons"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(c.CourseDirectory.root, "gradebook.db")
# The released notebook stubs answers as `make student` does: functions raise
# NotImplementedError, value answers become `name = ...`.
c.ClearSolutions.code_stub = {{"python": {stub!r}}}
c.GenerateAssignment.preprocessors = [
    "nbgrader.preprocessors.IncludeHeaderFooter",
    "nbgrader.preprocessors.InstantiateTests",
    "nbgrader.preprocessors.LockCells",
    "lrlessons.nbgrader_plugins.ClearSolutions",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.CheckCellMetadata",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.SaveCells",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# Grading happens outside the student's kernel: no Execute; GradeOutsideKernel writes each test
# cell's verdict (an error output when it fails) before nbgrader saves the grades.
c.Autograde.autograde_preprocessors = [
    "lrlessons.nbgrader_plugins.GradeOutsideKernel",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.GradeOutsideKernel.timeout = 60
c.GradeOutsideKernel.memory_mb = 3072
'''


def course_notebook(nb, points: dict[int, int]):
    """A lesson as an nbgrader source notebook: answer cells are solution cells, check cells
    locked autograded tests worth ``points[k]`` (exercise k, from 1), all else read-only."""
    out = copy.deepcopy(nb)
    k = 0
    for i, cell in enumerate(out.cells):
        tags = cell.metadata.get("tags", [])
        meta = {"schema_version": 3, "grade": False, "solution": False, "locked": True,
                "grade_id": f"cell-{i:03d}"}
        if cell.cell_type == "code" and "solution" in tags:
            if BEGIN not in cell.source:
                raise ValueError(f"solution cell {i} has no {BEGIN!r}")
            meta.update(solution=True, locked=False, grade_id=f"answer-{k + 1}")
        elif cell.cell_type == "code" and "prediction" in tags:
            # A guess committed before its reveal: the learner writes it, nothing grades it.
            meta.update(solution=True, locked=False, grade_id=f"prediction-{i:03d}")
        elif cell.cell_type == "code" and "check" in tags:
            k += 1
            meta.update(grade=True, points=points.get(k, 1), grade_id=f"check-{k}")
        cell.metadata["nbgrader"] = meta
    return out


def write_course(out: Path, notebooks: Path, lessons: list[str] | None = None) -> list[Path]:
    import nbformat

    from . import __version__
    from . import check as checks

    points = {ex.id: ex.points for ex in checks.EXERCISES}
    out.mkdir(parents=True, exist_ok=True)
    (out / "nbgrader_config.py").write_text(CONFIG.format(version=__version__, stub=STUB),
                                            encoding="utf-8")
    written = []
    for lang in LANGS:
        for path in sorted((notebooks / lang).glob("[0-9][0-9]_*.ipynb")):
            number = path.name[:2]
            if lessons and number not in lessons:
                continue
            nb = nbformat.read(path, as_version=4)
            nb.metadata["lrlessons"] = {"version": __version__, "lesson": path.stem,
                                        "language": lang}
            lesson_points = {int(i.split(".")[1]): p for i, p in points.items()
                             if i.startswith(f"{number}.")}
            target = out / "source" / f"{lang}_{number}" / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(course_notebook(nb, lesson_points), target)
            written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lrlessons.nbgrader_course",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("nbgrader"))
    parser.add_argument("--notebooks", type=Path, default=Path("notebooks"))
    parser.add_argument("--lessons", nargs="*", help="lesson numbers (default: all)")
    args = parser.parse_args(argv)
    for path in write_course(args.out, args.notebooks, args.lessons):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
