"""Lesson 10's data and sweep: the digits task of the playground (scikit-learn's bundled data, the
course's one training loop), the sweep's settings, its table (a live measurement, tagged so in
the lesson), its figure, and the prediction's reveal."""

from __future__ import annotations

import configparser
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import lrlessons
from lrlessons import capstone, playground

SANITIZE = Path(__file__).resolve().parent / "nbval_sanitize.cfg"


def test_digits_come_from_scikit_learn_unchanged_but_scaled():
    from sklearn.datasets import load_digits

    x, y = playground.digits()
    raw = load_digits()
    assert x.shape == (1797, 64) and x.dtype == np.float32 and y.dtype == np.int64
    np.testing.assert_array_equal(x * 16, raw.data)
    np.testing.assert_array_equal(y, raw.target)
    x_tr, y_tr, x_te, y_te = playground._tensors("digits")
    assert (len(x_tr), len(x_te)) == (1438, 359)
    assert sorted(set(y_te.tolist())) == list(range(10))


def test_a_digits_run_uses_the_one_loop_and_records_its_lr():
    run = lrlessons.train("CosineAnnealingLR", task="digits", epochs=3, batch_size=128,
                          base_lr=0.3)
    assert run.batches_per_epoch == 12 and len(run.lrs) == 36
    np.testing.assert_allclose(run.lrs, run.scheduled(), rtol=1e-9)
    again = lrlessons.train("CosineAnnealingLR", task="digits", epochs=3, batch_size=128,
                            base_lr=0.3)
    np.testing.assert_array_equal(run.loss, again.loss)  # the same seed, the same run
    assert run.final_accuracy > 0.5  # three epochs already beat chance (0.1) by far
    model = playground.make_model(0, task="digits")
    assert model[0].in_features == 64 and model[-1].out_features == 10


def test_an_unknown_task_is_refused_in_both_languages():
    with pytest.raises(ValueError, match="task") as error:
        lrlessons.train(task="mnist")
    assert "digits" in str(error.value) and "必须是" in str(error.value)


def test_the_sweep_covers_what_lesson_10_compares():
    names = {kw.get("schedule") for kw in capstone.SWEEP.values()}
    assert {None, "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "SequentialLR",
            "OneCycleLR", "ReduceLROnPlateau"} <= names
    optimizers = [(kw.get("optimizer", "sgd"), kw.get("schedule")) for kw in capstone.SWEEP.values()]
    for opt in ("adam", "adamw"):
        assert (opt, None) in optimizers and (opt, "CosineAnnealingLR") in optimizers
    assert all(kw["task"] == "digits" and kw["epochs"] == 12 for kw in capstone.SWEEP.values())
    table = capstone.configs_table()
    assert table.count("\n") == len(capstone.SWEEP) + 1
    assert "SequentialLR([LinearLR(start_factor=0.1, total_iters=2), " \
           "CosineAnnealingLR(T_max=10)], milestones=[2])" in table


def fake_runs(finals, best_epochs, seconds=0.3):
    runs = []
    for final, best in zip(finals, best_epochs):
        accuracy = np.full(12, final - 0.01)
        accuracy[best - 1] = final + 0.01
        accuracy[-1] = final
        runs.append(SimpleNamespace(final_accuracy=final, accuracy=accuracy, seconds=seconds))
    return SimpleNamespace(runs=runs)


def test_the_table_gives_mean_and_sample_std_to_a_tenth_and_marks_the_seconds():
    results = {"A": fake_runs([0.9677, 0.9680, 0.9690, 0.9660, 0.9680], [11, 11, 12, 10, 11]),
               ("b", "乙"): fake_runs([0.9749] * 5, [9] * 5, seconds=1.234)}
    s = capstone.summary(results["A"])
    assert s["mean"] == pytest.approx(96.774) and s["best_epoch"] == pytest.approx(11.0)
    finals = [96.77, 96.80, 96.90, 96.60, 96.80]
    assert s["std"] == pytest.approx(np.std(finals, ddof=1))  # the sample std, as stats.paired
    table = capstone.sweep_table(results)
    assert "| A | 96.8 ± 0.1 | 11 | ⏱ 0.30 |" in table
    assert "| b | 97.5 ± 0.0 | 9 | ⏱ 1.23 |" in table
    lrlessons.use_language("zh")
    assert "| 乙 |" in capstone.sweep_table(results)


def test_the_lessons_table_is_a_live_measurement_nbval_does_not_compare():
    # A sweep's accuracies change with the machine: the cell that prints them is tagged so.
    import nbformat

    root = Path(__file__).resolve().parent.parent / "notebooks"
    for lang in ("en", "zh"):
        nb = nbformat.read(root / lang / "10_capstone.ipynb", as_version=4)
        cell = next(c for c in nb.cells if "capstone.show_table(" in c.source)
        assert {"live", "nbval-ignore-output"} <= set(cell.metadata.get("tags", []))


def test_reveal_asks_for_a_guess_first_then_measures_a_paired_interval():
    shown = capstone.reveal(..., {"schedule": "CosineAnnealingLR"}, epochs=1, seeds=range(2))
    assert "guess" in shown.data and "95" not in shown.data  # nothing trained without a guess
    shown = capstone.reveal(0.5, {"schedule": "CosineAnnealingLR"}, epochs=2, seeds=range(3))
    assert "95 % interval" in shown.data and "over 3 seeds" in shown.data
    assert "cannot tell" in shown.data or "confirmed" in shown.data


def test_the_sweep_trains_every_setting_for_every_seed():
    few = {"StepLR": dict(capstone.SWEEP["StepLR"], epochs=2)}
    results = capstone.sweep(few, seeds=range(2), progress=False)
    runs = results["StepLR"].runs
    assert [r.seed for r in runs] == [0, 1] and all(len(r.loss) == 2 for r in runs)
    fig = capstone.plot_sweep(results)
    assert len(fig.axes) == 1
    assert len(capstone.plot_digits().axes) == 20


def fake_group(finals, second=None):
    """Runs whose validation accuracy after epoch 2 is ``second`` and at the end ``finals``."""
    second = finals if second is None else second
    return SimpleNamespace(runs=[SimpleNamespace(accuracy=np.array([0.1, s, f]), final_accuracy=f)
                                 for s, f in zip(second, finals)])


def test_each_verdict_follows_from_its_paired_interval_by_the_rule():
    from scipy.stats import ttest_rel

    base = [0.960, 0.955, 0.970, 0.965, 0.962]
    clearly_up = [b + 0.010 + 0.002 * i for i, b in enumerate(base)]  # +1.0 to +1.8 points
    noisy = [b + d for b, d in zip(base, (0.01, -0.012, 0.004, -0.006, 0.002))]
    results = {key: fake_group(base) for key in capstone.SWEEP}
    results["ReduceLROnPlateau"] = fake_group(clearly_up)
    results["MultiStepLR"] = fake_group(noisy)
    results[capstone.ADAM_001] = fake_group([b - 0.03 for b in base])
    text = capstone.verdict_tables(results)
    row = next(line for line in text.splitlines() if "when progress stalls" in line)
    assert row.endswith("| **confirmed** |")
    # The interval printed is scipy's paired t interval, to two decimals.
    d = 100 * (np.array(clearly_up) - np.array(base))
    ci = ttest_rel(100 * np.array(clearly_up), 100 * np.array(base)).confidence_interval(0.95)
    assert f"+{d.mean():.2f} [+{ci.low:.2f}, +{ci.high:.2f}]" in row
    row = next(line for line in text.splitlines() if "standard classification" in line)
    assert row.endswith("| **cannot tell from this data** |")
    row = next(line for line in text.splitlines() if "no complex tuning" in line)
    assert row.endswith("| **not on this task** |")  # Adam's lr changes the result
    row = next(line for line in text.splitlines() if "sensitive to its hyperparameters" in line)
    assert row.endswith("| to its lr: **confirmed**; more than SGD: **not measured** |")
    row = next(line for line in text.splitlines() if "simple and intuitive" in line)
    assert row.endswith("| **not measured** |")  # ease is not something accuracy shows
    assert "industrial-grade tasks, research experiments" in text
    lrlessons.use_language("zh")
    zh = capstone.verdict_tables(results)
    assert "**证实**" in zh and "**未测量**" in zh and "工业级任务、科研实验" in zh


def test_the_verdicts_are_a_live_cell_nbval_does_not_compare():
    import nbformat

    root = Path(__file__).resolve().parent.parent / "notebooks"
    for lang in ("en", "zh", "zh-Hant"):
        nb = nbformat.read(root / lang / "10_capstone.ipynb", as_version=4)
        cell = next(c for c in nb.cells if "capstone.show_verdicts(" in c.source)
        assert {"live", "nbval-ignore-output"} <= set(cell.metadata.get("tags", []))
