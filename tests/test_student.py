"""Student versions for course labs: answers removed, self-checks kept, exercise outputs
cleared, and the notebook still runs: the checks report "not written yet"."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from lrlessons import authoring

ROOT = Path(__file__).resolve().parent.parent / "notebooks"


@pytest.fixture(scope="module")
def students(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    written = authoring.write_students(ROOT, out)
    return out, written


def answers(nb) -> list[str]:
    """The lines between the markers of every solution cell, but those the lesson shows anyway
    (a "fix this loop" exercise shares lines such as `used = []` with the broken loop above)."""
    shown = {ln.strip() for cell in nb.cells if cell.cell_type == "code"
             and not {"solution", "prediction"} & set(cell.metadata.get("tags", []))
             for ln in authoring.code_only(cell.source).splitlines()}
    out = []
    for cell in nb.cells:
        if {"solution", "prediction"} & set(cell.metadata.get("tags", [])):
            inside = cell.source.split(authoring.BEGIN, 1)[1].split(authoring.END, 1)[0]
            out += [ln.strip() for ln in inside.splitlines()[1:] if ln.strip()
                    and ln.strip() not in shown]
    return out


def test_every_notebook_has_a_student_version(students):
    out, written = students
    expected = {(p.parent.name, p.name) for p in ROOT.glob("*/*.ipynb")}
    assert {(p.parent.name, p.name) for p in written} == expected


@pytest.mark.parametrize("path", sorted(ROOT.glob("*/*.ipynb")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_solution_survives(students, path):
    out, _ = students
    teacher = nbformat.read(path, as_version=4)
    student = nbformat.read(out / path.parent.name / path.name, as_version=4)
    text = "\n".join(c.source for c in student.cells)
    assert authoring.BEGIN not in text and authoring.END not in text
    for line in answers(teacher):
        assert line not in text, line
    for t, s in zip(teacher.cells, student.cells):
        tags = set(t.metadata.get("tags", []))
        if {"solution", "check", "prediction", "reveal"} & tags:
            assert s.outputs == [] and s.execution_count is None
            if {"check", "reveal"} & tags:
                assert s.source == t.source  # the self-check (or reveal) is kept as it is
        elif t.cell_type == "code":
            assert s.source == t.source and s.outputs == t.outputs  # the lesson is untouched
        else:
            assert s.source == t.source


def test_a_printed_success_mark_is_not_a_pass():
    """The verdict is the Result's data: text that looks like success is not."""
    printed = [{"output_type": "stream", "name": "stdout", "text": "✅ All 40 steps match.\n"}]
    shown = [{"output_type": "execute_result", "data": {"text/plain": "✅ All 40 steps match."},
              "metadata": {}, "execution_count": 1}]
    for outputs in (printed, shown, []):
        assert not authoring.verdict(1, outputs).passed
    from lrlessons import check

    real = check.schedule(lambda t: 0.1, "StepLR", steps=5, step_size=10)
    bundle = real._repr_mimebundle_()
    ok = [{"output_type": "execute_result", "data": bundle, "metadata": {}, "execution_count": 1}]
    assert authoring.verdict(1, ok).passed and authoring.verdict(1, ok).message == repr(real)


def test_stub_keeps_the_signature():
    source = ("def f(x):\n    ### BEGIN SOLUTION\n    y = x + 1\n    return y\n"
              "    ### END SOLUTION\n")
    assert authoring.strip_solutions(source) == f"def f(x):\n    {authoring.STUB}\n"
    with pytest.raises(ValueError, match="marker"):
        authoring.strip_solutions("def f(x):\n    return x\n")


@pytest.mark.slow
@pytest.mark.parametrize("lang", authoring.LANGS)
def test_student_lessons_run_to_the_end(students, lang):
    """Run every student lesson: it gets through the lesson and its first exercise without an
    error, and each self-check says the exercise is not written yet."""
    out, _ = students
    for path in sorted((out / lang).glob("0*.ipynb")):
        authoring.execute(path)
        nb = nbformat.read(path, as_version=4)
        checks = [c for c in nb.cells if "check" in c.metadata.get("tags", [])]
        assert checks
        for cell in nb.cells:
            for o in cell.get("outputs", []):
                assert o.output_type != "error", (path.name, o.get("evalue"))
        for cell in checks:
            shown = "".join(str(o.get("data", {}).get("text/plain", "")) for o in cell.outputs)
            assert shown.startswith("✏️"), (path.name, shown)


@pytest.mark.slow
def test_grading_reads_the_self_checks(students, tmp_path):
    """An instructor grades a submission: exercise 1 answered one step early (the boundary
    itself), exercise 2 left as the stub. The grader runs a copy and reports what each
    self-check said."""
    out, _ = students
    nb = nbformat.read(out / "en" / "01_step_decay.ipynb", as_version=4)
    for cell in nb.cells:
        if "solution" in cell.metadata.get("tags", []) and "first_drop" in cell.source:
            cell.source = "first_drop = (30, 0)\n"
    submission = tmp_path / "submission.ipynb"
    nbformat.write(nb, submission)
    before = submission.read_bytes()
    results = authoring.grade(submission)
    assert [v.number for v in results] == [1, 2] and not any(v.passed for v in results)
    assert results[0].message.startswith("❌") and "AT a boundary" in results[0].message
    assert results[0].data["hint_key"] == "boundary" and results[0].data["exercise"] == "01.1"
    assert results[1].message.startswith("✏️") and results[1].data["status"] == "not written"
    assert submission.read_bytes() == before  # the submission itself is not modified
