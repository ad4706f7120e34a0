"""Code a lesson shows, taken from the committed notebook itself, so a test checks what the
learner reads (a scheduler class, a rule, a callback), not a copy of it."""

from __future__ import annotations

from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def cell_source(notebook: str, marker: str, lang: str = "en") -> str:
    """The source of the first code cell of ``notebooks/<lang>/<notebook>`` containing
    ``marker`` (e.g. ``"class StepWithFloor("``)."""
    nb = nbformat.read(NOTEBOOKS / lang / notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and marker in cell.source:
            return cell.source
    raise LookupError(f"no code cell of {lang}/{notebook} contains {marker!r}")


def definitions(notebook: str, marker: str, namespace: dict | None = None,
                lang: str = "en") -> dict:
    """Run that cell in ``namespace`` (the names earlier cells would have defined) and return
    the namespace with what it defined."""
    namespace = {} if namespace is None else dict(namespace)
    exec(compile(cell_source(notebook, marker, lang), f"{lang}/{notebook}", "exec"), namespace)
    return namespace
