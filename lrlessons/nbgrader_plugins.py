"""The course's nbgrader classes (imported by nbgrader only, in ``.venv-grading``; see
lrlessons.nbgrader_course)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import nbformat
from nbgrader import utils
from nbgrader.preprocessors import ClearSolutions as _ClearSolutions
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Float, Integer

from .authoring import BEGIN, strip_solutions


class ClearSolutions(_ClearSolutions):
    """nbgrader's ClearSolutions, stubbing a code answer exactly as ``make student`` does (a
    value answer becomes ``name = ...``, a function body ``raise NotImplementedError``)."""

    def _replace_solution_region(self, cell, language):
        if cell.cell_type == "code" and BEGIN in cell.source:
            cell.source = strip_solutions(cell.source)
            return True
        return super()._replace_solution_region(cell, language)


class GradeOutsideKernel(NbGraderPreprocessor):
    """Grade the submission with lrlessons.grading (answers in a sandbox, checks outside it) and
    write each autograded test cell's verdict as its output: the Result's message when it
    passed, an error carrying the hint when not, which nbgrader scores as 0."""

    timeout = Float(60.0, help="seconds per exercise").tag(config=True)
    memory_mb = Integer(3072, help="address-space limit of the sandbox, MB").tag(config=True)

    def preprocess(self, nb, resources):
        from .grading import grade_submission

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "submission.ipynb"
            nbformat.write(nb, path)
            rows = [r for r in grade_submission(path, self.timeout, self.memory_mb)
                    if r.exercise]
        tests = [c for c in nb.cells if utils.is_grade(c) and c.cell_type == "code"]
        for k, cell in enumerate(tests):
            row = rows[k] if k < len(rows) else None
            if row is not None and row.passed:
                cell.outputs = [nbformat.v4.new_output(
                    "display_data", data={"text/plain": f"✅ {row.exercise}"})]
            else:
                why = row.hint if row is not None else "not graded: the lesson was not found"
                cell.outputs = [nbformat.v4.new_output(
                    "error", ename="NotPassed", evalue=why, traceback=[f"NotPassed: {why}"])]
        return nb, resources
