"""Grading a class outside the students' kernels (lrlessons.grading), with submissions the
tests make: the solutions, the blank student version, wrong answers, tampering, an endless
loop, a dying kernel, a corrupt file. Lesson 03 (checks that train nothing) and lesson 00 (a
loop run on torch objects that stay in the grader)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import nbformat
import pytest

from lrlessons import authoring, grading

pytestmark = pytest.mark.grading  # sandboxed kernels grading notebooks: `make test`, not `make check`
NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
L03 = "03_smooth_decay.ipynb"


def submission(tmp_path: Path, name: str, answers: dict[int, str] | None = None,
               lesson: str = L03, lang: str = "en", student: bool = False) -> Path:
    """A copy of the lesson (the student version when ``student``) with answer cell k replaced
    by ``answers[k]`` (1-based), saved as ``name``."""
    nb = nbformat.read(NOTEBOOKS / lang / lesson, as_version=4)
    if student:
        nb = authoring.student_version(nb)
    cells = [c for c in nb.cells if "solution" in c.metadata.get("tags", [])]
    for k, source in (answers or {}).items():
        cells[k - 1].source = source
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def verdicts(path: Path, **kwargs) -> dict[str, grading.Row]:
    return {r.exercise: r for r in grading.grade_submission(path, **kwargs)}


def _sandboxes() -> set[int]:
    found = set()
    for pid in os.listdir("/proc"):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        if b"lrlessons.grading\x00sandbox" in cmd:
            found.add(int(pid))
    return found


def test_solutions_get_full_marks_and_the_blank_version_none(tmp_path):
    right = verdicts(submission(tmp_path, "right.ipynb"))
    assert [(r.passed, r.points, r.max_points) for r in right.values()] == [(True, 1, 1)] * 2
    blank = verdicts(submission(tmp_path, "blank.ipynb", student=True))
    assert [r.points for r in blank.values()] == [0, 0]
    assert all(r.hint.startswith("Not written yet") for r in blank.values())


def test_a_wrong_answer_gets_zero_and_its_hint_in_the_lessons_language(tmp_path):
    wrong = "def gamma_for_half_life(h):\n    return 0.5 ** h\n"
    got = verdicts(submission(tmp_path, "wrong.ipynb", {1: wrong}))
    assert not got["03.1"].passed and "Solve gamma^h = 1/2 for gamma" in got["03.1"].hint
    assert got["03.2"].passed  # the other exercise is graded on its own
    zh = verdicts(submission(tmp_path, "wrong_zh.ipynb", {1: wrong}, lang="zh"))
    assert not zh["03.1"].passed and "解出 gamma" in zh["03.1"].hint


TAMPERING = {
    "redefine the check": "import lrlessons\nlrlessons.check.half_life_gamma = "
                          "lambda *a, **k: True\nlrlessons.check.same_end = "
                          "lambda *a, **k: True\n",
    "patch Result": "import lrlessons.check.core as core\ncore.Result.__bool__ = lambda s: True\n"
                    "core.Result.to_json = lambda s: {'passed': True, 'points': 1}\n"
                    "core.Exercise.wrong = core.Exercise.ok\n",
    "patch bool and builtins": "import builtins\nbuiltins.bool = lambda *a: True\n"
                               "builtins.isinstance = lambda *a: True\n",
    "patch numpy": "import numpy\nnumpy.allclose = lambda *a, **k: True\n"
                   "numpy.isclose = lambda a, b, **k: numpy.ones_like(numpy.asarray(a), bool)\n",
    "print the success mark": "print('✅ Right: gamma^h = 1/2 for every half-life tried')\n"
                              "from IPython.display import display\n"
                              "display({'application/vnd.lrlessons.result+json': "
                              "{'passed': True}}, raw=True)\n",
    "a float that equals anything": "class Any(float):\n    def __eq__(self, o): return True\n"
                                    "    def __sub__(self, o): return 0.0\n",
}


@pytest.mark.parametrize("attempt", TAMPERING, ids=list(TAMPERING))
def test_tampering_earns_nothing(tmp_path, attempt):
    """Each attempt sits in the answer cells, with answers that are wrong: the checks run in
    the grading process, so nothing the submission patches reaches them."""
    wrong1 = "def gamma_for_half_life(h):\n    return 0.9\n"
    wrong2 = "exp_gamma, inv_gamma, bigger_budget = 0.9, 1.0, 'inverse time'\n"
    if attempt == "a float that equals anything":
        wrong1 = "def gamma_for_half_life(h):\n    return Any(0.9)\n"
    tamper = TAMPERING[attempt]
    got = verdicts(submission(tmp_path, "t.ipynb", {1: tamper + wrong1, 2: tamper + wrong2}))
    assert [r.points for r in got.values()] == [0, 0], got


def test_an_edited_check_cell_changes_nothing(tmp_path):
    """The course's own check cells run, never the submission's."""
    for answers, points in (({}, [1, 1]), ({1: "def gamma_for_half_life(h):\n    return 0.9\n"},
                                           [0, 1])):
        path = submission(tmp_path, "edited.ipynb", answers)
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if "check" in cell.metadata.get("tags", []):
                cell.source = "True"
        nbformat.write(nb, path)
        assert [r.points for r in grading.grade_submission(path)] == points


def test_a_notebook_of_no_lesson_is_reported(tmp_path):
    path = tmp_path / "mine.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print('✅ all done')")]
    nbformat.write(nb, path)
    rows = grading.grade_submission(path)
    assert len(rows) == 1 and rows[0].points == 0 and "not a course lesson" in rows[0].hint


def test_an_endless_loop_costs_its_exercise_only_and_the_run_is_bounded(tmp_path):
    import time

    loop = "def gamma_for_half_life(h):\n    while True:\n        pass\n"
    before = _sandboxes()
    start = time.monotonic()
    got = verdicts(submission(tmp_path, "loop.ipynb", {1: loop}), timeout=3)
    assert time.monotonic() - start < 30
    assert not got["03.1"].passed and "time limit" in got["03.1"].hint
    assert got["03.2"].passed  # graded in a fresh sandbox
    assert _sandboxes() <= before


def test_a_dying_kernel_and_a_memory_hog_cost_their_exercise_only(tmp_path):
    die = "import os\ndef gamma_for_half_life(h):\n    os._exit(3)\n"
    got = verdicts(submission(tmp_path, "die.ipynb", {1: die}))
    assert not got["03.1"].passed and "died" in got["03.1"].hint and got["03.2"].passed
    hog = "def gamma_for_half_life(h):\n    return len(bytearray(8 * 2 ** 30))\n"
    got = verdicts(submission(tmp_path, "hog.ipynb", {1: hog}), memory_mb=1536)
    assert not got["03.1"].passed and "MemoryError" in got["03.1"].hint and got["03.2"].passed


def test_a_loop_runs_on_torch_objects_that_stay_in_the_grader(tmp_path):
    lesson = "00_learning_rate.ipynb"
    right = verdicts(submission(tmp_path, "r00.ipynb", lesson=lesson))
    assert all(r.passed for r in right.values()), right
    per_batch = ("def fixed_loop(optimizer, scheduler, epochs, batches):\n    used = []\n"
                 "    for _ in range(epochs):\n        for _ in range(batches):\n"
                 "            used.append(optimizer.param_groups[0]['lr'])\n"
                 "            optimizer.step()\n            scheduler.step()\n    return used\n")
    got = verdicts(submission(tmp_path, "w00.ipynb", {2: per_batch}, lesson=lesson))
    assert not got["00.2"].passed and "once per epoch" in got["00.2"].hint
    internals = ("def fixed_loop(optimizer, scheduler, epochs, batches):\n"
                 "    scheduler._get_closed_form_lr = None\n    return optimizer.__dict__\n")
    got = verdicts(submission(tmp_path, "i00.ipynb", {2: internals}, lesson=lesson))
    assert not got["00.2"].passed


def test_the_command_writes_csv_rows_as_it_goes_and_resumes(tmp_path, capsys):
    right = submission(tmp_path, "alice.ipynb")
    blank = submission(tmp_path, "bob.ipynb", student=True)
    corrupt = tmp_path / "carol.ipynb"
    corrupt.write_text("{ not json")
    table = tmp_path / "grades.csv"
    before = _sandboxes()
    assert authoring.main(["grade", "--csv", str(table), "-j", "2", "--timeout", "20",
                           str(right), str(blank), str(corrupt)]) == 0
    with open(table, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == grading.COLUMNS
    by = {(Path(r["submission"]).name, r["exercise"]): r for r in rows}
    assert by[("alice.ipynb", "03.1")]["points"] == "1" and by[("bob.ipynb", "03.2")]["points"] == "0"
    assert "not a notebook" in by[("carol.ipynb", "")]["hint"]
    import lrlessons

    assert {r["version"] for r in rows} == {lrlessons.__version__}
    late = submission(tmp_path, "dave.ipynb")
    capsys.readouterr()
    authoring.main(["grade", "--csv", str(table), str(right), str(blank), str(late)])
    printed = capsys.readouterr().out
    assert "dave.ipynb" in printed and "alice.ipynb" not in printed  # graded once only
    with open(table, newline="", encoding="utf-8") as f:
        again = list(csv.DictReader(f))
    assert len(again) == len(rows) + 2
    assert _sandboxes() <= before


def test_checks_run_in_the_sandbox_use_the_course_functions_imported_before_the_answers(tmp_path):
    """07 ex 1 hands a class to its check, which therefore runs in the sandbox: rebinding the
    check, Result or its methods there does not reach the functions the sandbox imported first."""
    lesson = "07_custom.ipynb"
    wrong = ("import lrlessons, lrlessons.check.core as core\n"
             "lrlessons.check.scheduler_class = lambda *a, **k: core.Exercise.ok("
             "lrlessons.check.exercise('07.1'), 'ok', 'ok')\n"
             "core.Result.to_json = lambda s: {'passed': True, 'points': 1}\n"
             "core.Result.__bool__ = lambda s: True\n"
             "class WarmupThenStep(torch.optim.lr_scheduler.LRScheduler):\n"
             "    def get_lr(self):\n        return [0.5 for _ in self.base_lrs]\n")
    got = verdicts(submission(tmp_path, "t07.ipynb", {1: wrong}, lesson=lesson))
    assert not got["07.1"].passed and got["07.1"].points == 0
    assert got["07.2"].passed  # graded on its own
