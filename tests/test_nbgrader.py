"""The nbgrader route with real nbgrader 0.9.6 (from .venv-grading, which `make test` installs):
`make nbgrader`'s course root, then nbgrader's own generate_assignment, autograde and export
on a class the test makes for lesson 03 (checks that train nothing)."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import nbformat
import pytest

from lrlessons import authoring, nbgrader_course

REPO = Path(__file__).resolve().parent.parent
NBGRADER = REPO / ".venv-grading" / "bin" / "nbgrader"
LESSON = "03_smooth_decay.ipynb"

pytestmark = [pytest.mark.grading,
              pytest.mark.skipif(not NBGRADER.exists(), reason="nbgrader lives in .venv-grading: "
                                 "make nbgrader (make test installs it)")]


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    import os

    # nbgrader runs its own tools (alembic) from PATH, as in an activated environment.
    env = dict(os.environ, PATH=f"{NBGRADER.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    run = subprocess.run([str(NBGRADER), *args], cwd=course, capture_output=True, text=True,
                         timeout=600, env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    return run


def answered(nb, answers: dict[int, str]):
    cells = [c for c in nb.cells  # answer cells, not the ungraded predictions
             if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("answer-")]
    for k, source in answers.items():
        cells[k - 1].source = source
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    nbgrader_course.write_course(root, REPO / "notebooks", ["03"])
    nbgrader(root, "generate_assignment", "en_03")
    return root


def test_the_course_root_and_its_cells(course):
    import lrlessons

    config = (course / "nbgrader_config.py").read_text()
    assert f"lrlessons {lrlessons.__version__}" in config
    assert "lrlessons.nbgrader_plugins.GradeOutsideKernel" in config
    source = nbformat.read(course / "source" / "en_03" / LESSON, as_version=4)
    meta = [c.metadata["nbgrader"] for c in source.cells]
    tests = [m for m in meta if m["grade"]]
    assert [(m["grade_id"], m["points"], m["locked"]) for m in tests] == \
        [("check-1", 1, True), ("check-2", 1, True)]
    # Two answers and lesson 03's one prediction (the learner writes it, nothing grades it).
    assert sorted(m["grade_id"].split("-")[0] for m in meta if m["solution"]) == \
        ["answer", "answer", "prediction"]
    assert all(m["locked"] for m in meta if not m["solution"])
    assert (course / "source" / "zh_03" / LESSON).exists()


def test_the_released_notebook_is_make_students(course):
    released = nbformat.read(course / "release" / "en_03" / LESSON, as_version=4)
    student = authoring.student_version(nbformat.read(REPO / "notebooks" / "en" / LESSON,
                                                      as_version=4))
    assert [c.source for c in released.cells] == [c.source for c in student.cells]


def test_autograde_and_export_grade_the_class_outside_the_kernel(course):
    released = nbformat.read(course / "release" / "en_03" / LESSON, as_version=4)
    source = nbformat.read(course / "source" / "en_03" / LESSON, as_version=4)
    tamper = ("import lrlessons\nlrlessons.check.half_life_gamma = lambda *a, **k: True\n"
              "print('✅ Right')\n")
    class_ = {
        "alice": source,                                          # the solutions
        "bob": released,                                          # nothing written
        "carol": answered(nbformat.from_dict(released), {         # wrong, and tampering
            1: tamper + "def gamma_for_half_life(h):\n    return 0.5 ** h\n",
            2: "exp_gamma, inv_gamma, bigger_budget = 0.9, 1.0, 'inverse time'\n"}),
        "dave": answered(nbformat.from_dict(released), {          # an endless loop
            1: "def gamma_for_half_life(h):\n    while True:\n        pass\n"}),
    }
    class_["frank"] = answered(nbformat.from_dict(released), {    # a kernel that dies
        1: "import os\ndef gamma_for_half_life(h):\n    os._exit(1)\n"})
    edited = nbformat.from_dict(class_["carol"])                  # a locked cell edited
    next(c for c in edited.cells if c.metadata["nbgrader"]["grade"]).source = "True"
    class_["erin"] = edited
    for student, nb in class_.items():
        target = course / "submitted" / student / "en_03" / LESSON
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
    nbgrader(course, "autograde", "en_03", "--GradeOutsideKernel.timeout=3")
    nbgrader(course, "export")
    with open(course / "grades.csv", newline="") as f:
        scores = {r["student_id"]: (float(r["score"]), float(r["max_score"]))
                  for r in csv.DictReader(f)}
    assert scores == {"alice": (2, 2), "bob": (0, 2), "carol": (0, 2), "dave": (0, 2),
                      "erin": (0, 2), "frank": (0, 2)}
    graded = nbformat.read(course / "autograded" / "carol" / "en_03" / LESSON, as_version=4)
    tests = [c for c in graded.cells if c.metadata["nbgrader"]["grade"]]
    errors = [o for o in tests[0].outputs if o.output_type == "error"]
    assert errors and "Solve gamma^h = 1/2 for gamma" in errors[0].evalue  # fails by raising
    looped = nbformat.read(course / "autograded" / "dave" / "en_03" / LESSON, as_version=4)
    first = next(c for c in looped.cells if c.metadata["nbgrader"]["grade"])
    assert "time limit" in first.outputs[0].evalue


def test_the_grading_venv_adds_exactly_its_pins():
    """.venv-grading holds .venv's packages (through a .pth) plus nbgrader's own, each at its
    version in constraints-grading.txt."""
    import json

    def installed(python: Path) -> dict[str, str]:
        out = subprocess.run([str(python), "-m", "pip", "list", "--format=json", "--path",
                              subprocess.run([str(python), "-c", "import site; print(site."
                                              "getsitepackages()[0])"], capture_output=True,
                                             text=True, check=True).stdout.strip()],
                             capture_output=True, text=True, check=True).stdout
        return {p["name"].lower(): p["version"] for p in json.loads(out)}

    bootstrap = {"pip", "setuptools", "wheel"}  # what `python -m venv` puts in any venv
    added = {k: v for k, v in installed(NBGRADER.parent / "python").items() if k not in bootstrap}
    pinned = {}
    for line in (REPO / "constraints-grading.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pinned[name.lower()] = version
    assert added == pinned
