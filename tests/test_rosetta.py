"""The rosetta table (lrlessons.docs.rosetta, lesson 10): every schedule of the catalogue in one
row, each framework's cell the very line ``lrlessons.code`` writes, run as written and equal to
curve() for the table's example values; "no equivalent" exactly where the entry has no line for
that framework; a numbered note where it has one but not for these values."""

from __future__ import annotations

import numpy as np
import pytest

import lrlessons
from lrlessons import SCHEDULES
from lrlessons.catalogue import resolve
from lrlessons.docs import ROSETTA_EXAMPLES, rosetta, rosetta_cells
from lrlessons.frameworks import FRAMEWORKS, write
from tests.test_frameworks import assert_equal_curves, framework_values

CELLS = rosetta_cells()
LINES = [(n, fw) for n, row in CELLS.items() for fw, (kind, _) in row.items() if kind == "line"]


def example(name: str) -> dict:
    return dict(ROSETTA_EXAMPLES.get(name, SCHEDULES[name].suggested))


def test_every_schedule_has_one_row_with_every_framework():
    assert list(CELLS) == list(SCHEDULES)
    table = rosetta()
    for name in SCHEDULES:
        assert table.count(f"| `{name}` |") == 1, name
    for row in CELLS.values():
        assert list(row) == list(FRAMEWORKS)


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_a_cell_is_the_line_code_writes_or_says_why_not(name):
    spec = SCHEDULES[name]
    for fw, (kind, text) in CELLS[name].items():
        if fw not in spec.code:
            assert kind == "none"
            continue
        if kind == "line":
            assert text == lrlessons.code(name, fw, **example(name))
        else:
            assert kind == "refused" and text
            with pytest.raises(ValueError):
                lrlessons.code(name, fw, **example(name))


def test_notes_are_numbered_in_both_languages():
    refused = sum(kind == "refused" for row in CELLS.values() for kind, _ in row.values())
    assert refused > 0
    for lang in ("en", "zh"):
        lrlessons.use_language(lang)
        try:
            table = rosetta()
        finally:
            lrlessons.use_language("en")
        notes = [ln for ln in table.splitlines() if ln.startswith("(")]
        assert [ln.split(")")[0] for ln in notes] == [f"({i}" for i in range(1, refused + 1)]
        marker = "not for these values" if lang == "en" else "这组参数下没有"
        assert table.count(marker) == refused


@pytest.mark.parametrize("name, framework", LINES, ids=[f"{n}-{f}" for n, f in LINES])
def test_each_line_of_the_table_runs_as_written(name, framework, request):
    if framework != "pytorch":
        request.getfixturevalue(framework)  # skips with a reason when not installed
    spec, params, base_lr = SCHEDULES[name], example(name), 0.1
    steps = spec.span
    if spec.metric:  # a validation loss that stops improving: the plateau's drops show
        params["metrics"] = list(np.r_[np.linspace(1.0, 0.5, steps // 3), np.full(steps, 0.5)]
                                 [:steps])
    written = write(spec, framework, base_lr, resolve(spec, {"metrics": [], **params}
                                                      if spec.metric else params, steps))
    assert written.text == CELLS[name][framework][1]
    got, obj = framework_values(written, steps, base_lr, params.get("metrics"))
    expected = lrlessons.curve(name, steps, base_lr=base_lr, **params)
    upto = steps if written.exact_until is None else min(steps, written.exact_until + 1)
    assert_equal_curves(framework, got[:upto], expected[:upto], obj, base_lr)
