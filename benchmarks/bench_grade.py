"""How long grading a class takes (python -m lrlessons.authoring grade), on this machine.

Prints the wall time for SUBMISSIONS submissions of lesson 03 (a third each: the solutions, the
blank student version, one wrong answer), JOBS at a time, then, for every lesson, the time one
grading process takes per submission of its solutions once warm (torch, Keras and the lesson's
trusted setup loaded), the median of PER_LESSON: a
class of n takes about n times that over JOBS, plus a few seconds of start-up per process.
Target: 100 submissions of lesson 03 in at most 2 minutes on 2 cores.

    .venv/bin/python benchmarks/bench_grade.py
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import nbformat

from lrlessons import authoring, grading

SUBMISSIONS = 100
PER_LESSON = 3
JOBS = min(2, os.cpu_count() or 1)
LESSONS = sorted(p.name for p in (grading.NOTEBOOKS / "en").glob("[0-9][0-9]_*.ipynb"))


def make_class(root: Path, lesson: str, n: int, mixed: bool) -> list[Path]:
    teacher = nbformat.read(grading.NOTEBOOKS / "en" / lesson, as_version=4)
    blank = authoring.student_version(teacher)
    wrong = authoring.student_version(teacher)
    first = next(c for c in wrong.cells if "solution" in c.metadata.get("tags", []))
    first.source = teacher_answer(teacher).replace("0.5 ** (1 / h)", "0.5 ** h")
    paths = []
    for i in range(n):
        nb = (teacher, blank, wrong)[i % 3] if mixed else teacher
        path = root / f"{lesson[:2]}_student{i:03d}.ipynb"
        nbformat.write(nb, path)
        paths.append(path)
    return paths


def teacher_answer(nb) -> str:
    return next(c.source for c in nb.cells if "solution" in c.metadata.get("tags", []))


def timed(paths: list[Path], root: Path) -> tuple[float, int]:
    start = time.perf_counter()
    rows = grading.grade_all(paths, root / "grades.csv", jobs=JOBS, timeout=60)
    return time.perf_counter() - start, sum(r.points for r in rows)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        paths = make_class(root, "03_smooth_decay.ipynb", SUBMISSIONS, mixed=True)
        seconds, points = timed(paths, root)
        print(f"lesson 03: {SUBMISSIONS} submissions, {JOBS} at a time: {seconds:.1f} s "
              f"({points} points awarded; target <= 120 s)")
        for lesson in LESSONS:
            path = grading.NOTEBOOKS / "en" / lesson
            grading.grade_submission(path)  # warm-up: imports, the lesson's setup, caches
            times = []
            for _ in range(PER_LESSON):
                start = time.perf_counter()
                rows = grading.grade_submission(path)
                times.append(time.perf_counter() - start)
            points = sum(r.points for r in rows)
            print(f"lesson {lesson[:2]}: {statistics.median(times):.2f} s per submission, warm "
                  f"({points}/{sum(r.max_points for r in rows)} points)", flush=True)

if __name__ == "__main__":
    main()
