"""Figures in the learner's language: Chinese glyphs render (never boxes), only installed font
families are listed, and without any CJK font the labels fall back to English after one notice."""

from __future__ import annotations

import io
import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib import font_manager

import lrlessons
from lrlessons import plotting
from lrlessons.i18n import use_language


@pytest.fixture(autouse=True)
def english():
    use_language("en")
    yield
    use_language("en")
    plotting.setup_fonts()


def test_a_cjk_font_is_installed_and_used():
    # make test installs fonts-noto-cjk (.ci/sysdeps.sh); a machine without it must say so here.
    assert plotting.cjk_font() is not None, "no CJK font: apt-get install fonts-noto-cjk"
    installed = {f.name for f in font_manager.fontManager.ttflist}
    listed = matplotlib.rcParams["font.sans-serif"]
    assert listed[0] == "DejaVu Sans"  # Latin text and the minus sign
    assert set(listed[1:]) <= installed  # only installed families: no findfont noise


def test_chinese_figure_has_no_missing_glyphs():
    use_language("zh")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = lrlessons.plot_curve(["StepLR", "CosineAnnealingLR"], 100)
        fig.savefig(io.BytesIO(), format="png")
        run_fig = lrlessons.plot_descent()
        run_fig.savefig(io.BytesIO(), format="png")
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert not missing, missing
    ax = fig.axes[0]
    assert ax.get_ylabel() == "学习率"
    legend = fig.legends[0] if fig.legends else ax.get_legend()
    assert "余弦退火" in legend.get_texts()[1].get_text()


def test_without_cjk_font_labels_fall_back_to_english(monkeypatch):
    monkeypatch.setattr(plotting, "CJK_CANDIDATES", ("No Such Font SC",))
    monkeypatch.setitem(plotting._fonts, "warned", False)
    with pytest.warns(UserWarning, match="No Chinese font found") as record:
        plotting.setup_fonts()
        plotting.setup_fonts()  # warns once only
    assert len(record) == 1 and "fonts-noto-cjk" in str(record[0].message)
    use_language("zh")
    assert plotting.label("lr") == "learning rate"
    assert "No Such Font SC" not in matplotlib.rcParams["font.sans-serif"]


def test_plotted_line_is_the_curve():
    fig = lrlessons.plot_curve("StepLR", 50, base_lr=0.2, step_size=10, gamma=0.5)
    y = np.asarray(fig.axes[0].lines[0].get_ydata())[:-1]
    np.testing.assert_array_equal(y, lrlessons.curve("StepLR", 50, base_lr=0.2, step_size=10,
                                                     gamma=0.5))


@pytest.mark.parametrize("values, log, scale", [
    ([np.array([0.1, 0.01, 0.001])], True, "log"),
    ([np.array([0.0, 0.05, 0.1])], True, "symlog"),  # a zero lr has no place on a log axis
    ([np.array([0.0, 0.0])], True, "linear"),
    ([np.array([0.0, 0.05, 0.1])], False, "linear"),
])
def test_lr_axis_limits_are_finite(values, log, scale):
    got, _kw, (lo, hi) = plotting.lr_limits(values, log)
    assert got == scale and np.isfinite([lo, hi]).all() and hi > lo
    assert hi >= max(v.max() for v in values)


def test_several_entries_need_pairs():
    with pytest.raises(TypeError, match="name, params"):
        lrlessons.plot_curve(["StepLR", "ExponentialLR"], 10, gamma=0.5)


def test_lr_table_marks_where_a_column_differs_from_the_first():
    from lrlessons.docs import lr_table

    table = lr_table({"a": [0.1, 0.1, 0.01], "b": [0.1, 0.01, 0.01]}, at=[0, 1, 2]).splitlines()
    assert table[0] == "| step t | a | b |"
    assert table[2] == "| 0 | 0.1 | 0.1 |"
    assert table[3] == "| 1 | 0.1 | **0.01** ≠ |"
    assert table[4] == "| 2 | 0.01 | 0.01 |"


def test_lr_table_rows_by_another_name_and_columns_meant_to_differ():
    from lrlessons.docs import lr_table
    from lrlessons.i18n import use_language

    budgets = {"gamma=0.7": [6.0, 20.0], ("gamma=0.95", "γ=0.95"): [6.0, 114.5]}
    table = lr_table(budgets, at=[0, 1], row="epoch", mark=False).splitlines()
    assert table[0] == "| epoch | gamma=0.7 | gamma=0.95 |"
    assert table[3] == "| 1 | 20 | 114.5 |"  # unmarked: the columns are meant to differ
    use_language("zh")
    assert lr_table(budgets, at=[1], row=("after epoch", "第几个 epoch 之后")).startswith(
        "| 第几个 epoch 之后 | gamma=0.7 | γ=0.95 |")
