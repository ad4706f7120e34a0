"""The LR range test: its reading rules on loss curves whose answer is known, then the real run on
the playground (the lr it pairs with each loss is the one torch's optimizer used), the figure and
the explorer."""

from __future__ import annotations

import math

import numpy as np
import pytest

import lrlessons
from lrlessons import lr_range as R
from lrlessons.i18n import use_language
from tests.assertions import assert_bilingual

LRS = np.geomspace(1e-4, 10.0, 200)


def parabola(lowest: float = 0.3) -> np.ndarray:
    """A loss that is lowest at ``lowest`` on a log lr axis."""
    return 1.0 + (np.log10(LRS) - math.log10(lowest)) ** 2


# --- smoothing ---------------------------------------------------------------------------------


def test_smoothing_keeps_straight_lines_and_constants():
    line = np.arange(50, dtype=float)
    smoothed = R.smooth(line, 9)
    np.testing.assert_allclose(smoothed[4:-4], line[4:-4])  # centred: no lag inside
    np.testing.assert_allclose(R.smooth(np.full(30, 0.7), 15), 0.7)
    np.testing.assert_array_equal(R.smooth(line, 1), line)


def test_smoothing_cuts_the_window_at_the_ends():
    values = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    out = R.smooth(values, 5)
    assert out[0] == pytest.approx((1 + 2 + 3) / 3) and out[1] == pytest.approx(2.5)
    assert out[-1] == pytest.approx((4 + 5 + 6) / 3)
    spike = np.zeros(21)
    spike[10] = 1.0
    assert R.smooth(spike, 7)[7:14] == pytest.approx([1 / 7] * 7)  # spread evenly, centred


def test_a_centred_average_keeps_the_dip_where_an_exponential_one_moves_it():
    """The docstring's reason for a centred window: fastai's debiased exponential average
    (beta 0.98) trails the curve, so its lowest point comes later, at a larger lr."""
    loss = parabola(0.3)
    true = int(np.argmin(loss))
    assert int(np.argmin(R.smooth(loss, 15))) == true
    avg, ema = 0.0, []
    for i, v in enumerate(loss):
        avg = 0.98 * avg + 0.02 * v
        ema.append(avg / (1 - 0.98 ** (i + 1)))
    assert int(np.argmin(ema)) > true + 10


def test_smoothing_finds_the_dip_through_noise():
    """A wide, shallow valley (as a real range test has) under noise as large as its depth: the
    raw lowest point wanders, the smoothed one stays nearer the true 0.3, over 20 noise draws."""
    valley = 1.0 + 0.1 * (np.log10(LRS) - math.log10(0.3)) ** 2
    raw, smoothed = [], []
    for seed in range(20):
        noisy = valley + np.random.default_rng(seed).normal(0, 0.03, LRS.size)
        raw.append(abs(math.log(LRS[R.lowest_index(noisy)] / 0.3)))
        smoothed.append(abs(math.log(LRS[R.lowest_index(R.smooth(noisy, 15))] / 0.3)))
    assert max(smoothed) < max(raw) and np.median(smoothed) < 0.8 * np.median(raw)
    assert max(smoothed) < math.log(2.5)  # measured 0.79: within a factor of 2.2


# --- where to stop, where it is lowest, what to suggest ----------------------------------------


@pytest.mark.parametrize("losses, factor, expected", [
    ([1.0, 0.5, 1.9, 2.01, 1.0], 4.0, 3),   # first value above 4 x the lowest (0.5)
    ([1.0, 0.5, 2.0, 1.0], 4.0, None),      # exactly 4 x is not a blow-up
    ([1.0, 0.9, float("nan"), 0.5], 4.0, 2),  # NaN ends it
    ([1.0, 0.9, float("inf")], 4.0, 2),
    ([1.0, 1.6, 1.4], 1.5, 1),
    ([1.0, 0.8, 0.7], 4.0, None),
    ([], 4.0, None),
])
def test_stop_index(losses, factor, expected):
    assert R.stop_index(losses, factor) == expected


def test_lowest_point_and_suggestion_of_a_known_curve():
    loss = parabola(0.3)
    i = R.lowest_index(R.smooth(loss, 15))
    assert LRS[i] == pytest.approx(0.3, rel=0.06)  # the grid point next to 0.3 (x1.06 apart)
    assert R.suggest(LRS, R.smooth(loss, 15)) == pytest.approx(LRS[i] / 3)
    assert R.suggest(LRS, loss, margin=10) == pytest.approx(LRS[i] / 10)
    assert R.rounded(0.2074) == 0.2 and R.rounded(0.37) == 0.4 and R.rounded(0.0087) == 0.009


def test_no_curve_is_a_clear_error():
    with pytest.raises(ValueError, match="no loss to read") as info:
        R.lowest_index([float("nan")])
    assert "没有可读的损失" in str(info.value)


def test_growth_goes_from_start_to_end_in_the_steps():
    g = R.growth(1e-4, 10.0, 200)
    assert 1e-4 * g ** 199 == pytest.approx(10.0, rel=1e-12)


# --- the recorded test and its median over seeds ------------------------------------------------


def recorded(step_losses, steps=None, **reading) -> R.RangeTest:
    n = len(step_losses)
    settings = dict(start_lr=1e-3, end_lr=1.0, steps=steps or n - 1)
    return R.RangeTest(np.geomspace(1e-3, 1.0, n), np.asarray(step_losses, float), settings,
                       **reading)


def test_each_lr_is_paired_with_the_loss_after_its_step():
    t = recorded([5.0, 4.0, 3.0, 2.0, 1.0], smooth=1)
    np.testing.assert_array_equal(t.lrs, t.step_lrs[:4])
    np.testing.assert_array_equal(t.losses, [4.0, 3.0, 2.0, 1.0])
    assert not t.stopped


def test_a_blow_up_ends_the_curve_with_the_loss_that_blew_up():
    t = recorded([1.0, 0.8, 0.5, 0.6, 2.5, 0.4, 0.3], smooth=1)
    assert t.stop == 4 and t.stopped
    np.testing.assert_array_equal(t.losses, [0.8, 0.5, 0.6, 2.5])
    assert t.lowest_lr == t.step_lrs[1] and t.suggestion == pytest.approx(t.step_lrs[1] / 3)
    t.stop_factor = 10.0  # read with another stop factor: the same recording goes further
    assert not t.stopped and len(t.losses) == 6


def test_the_median_over_seeds_counts_a_stopped_seed_as_blown_up():
    a = recorded([1.0, 0.9, 0.8, 0.7, 0.6, 0.5], smooth=1)
    b = recorded([1.0, 0.7, 0.6, 9.0, 0.0, 0.0], steps=5, smooth=1)  # stops at step 3
    c = recorded([1.0, 0.5, 0.4, 0.3, 0.2, 9.0], steps=5, smooth=1)  # stops at step 5
    tests = R.RangeTests([a, b, c])
    # a: 0.9 0.8 0.7 0.6 0.5; b: 0.7 0.6 9.0 (blew up at its step 3) then inf; c: 0.5 0.4 0.3
    # 0.2 9.0. The median of three stays finite while at most one seed has stopped.
    np.testing.assert_allclose(tests.losses, [0.7, 0.6, 0.7, 0.6, 9.0])
    assert len(tests.lrs) == 5
    d = recorded([1.0, 0.9, 9.0, 0.0, 0.0, 0.0], steps=5, smooth=1)  # blows up at its step 2
    # a: 0.9 0.8 0.7 0.6; b: 0.7 0.6 9.0 inf; d: 0.9 9.0 inf inf. At step 3 two of three have
    # stopped: the curve ends after step 2, whose median is b's blow-up.
    np.testing.assert_allclose(R.RangeTests([a, b, d]).losses, [0.9, 0.8, 9.0])
    tests.smooth = 3
    assert all(t.smooth == 3 for t in tests.tests)


# --- the real test on the playground -------------------------------------------------------------


@pytest.fixture(scope="module")
def short_test():
    return R.range_test(start_lr=1e-3, end_lr=30.0, steps=60, seed=0)


def test_the_lrs_are_the_ones_torch_used(short_test):
    g = R.growth(1e-3, 30.0, 60)
    n = len(short_test.lrs)
    # ExponentialLR's own closed form: lrlessons' curve, held equal to torch by its tests.
    np.testing.assert_allclose(short_test.lrs, lrlessons.curve("ExponentialLR", n, base_lr=1e-3,
                                                               gamma=g), rtol=1e-12)
    run = lrlessons.train(seed=0, **R.train_settings(1e-3, 30.0, 60))
    np.testing.assert_array_equal(short_test.lrs, run.lrs[:n])
    np.testing.assert_array_equal(short_test.losses, run.step_losses[1:n + 1])


def test_the_test_stops_where_the_loss_blows_up(short_test):
    assert short_test.stopped  # lr 30 with momentum 0.9 blows up the spiral network
    s = short_test.stop
    lowest = np.min(short_test.step_losses[:s + 1])
    assert short_test.step_losses[s] > 4 * lowest or not np.isfinite(short_test.step_losses[s])
    assert np.all(short_test.step_losses[:s] <= 4 * np.minimum.accumulate(
        short_test.step_losses[:s]))


def test_a_larger_stop_factor_read_later_is_the_same_run():
    """The explorer trains with the largest stop factor and reads smaller ones: the same curve."""
    at_4 = R.range_test(start_lr=1e-3, end_lr=30.0, steps=60, seed=1, stop_factor=4.0)
    at_10 = R.range_test(start_lr=1e-3, end_lr=30.0, steps=60, seed=1, stop_factor=10.0)
    at_10.stop_factor = 4.0
    np.testing.assert_array_equal(at_4.losses, at_10.losses)
    np.testing.assert_array_equal(at_4.lrs, at_10.lrs)


def test_enough_epochs_for_the_steps():
    """The run has the test's steps, plus one whose loss the last lr is paired with."""
    for kwargs in (dict(), dict(batch_size=7), dict(batch_size=100, accumulate=3)):
        epochs, per_epoch = R.train_settings(steps=123, **kwargs)["epochs"], \
            R._steps_per_epoch(kwargs)
        assert epochs * per_epoch >= 124 > (epochs - 1) * per_epoch
    run = lrlessons.train(seed=0, **R.train_settings(steps=123, stop_factor=None))
    assert len(run.lrs) >= 124 and len(run.step_losses) == len(run.lrs)


@pytest.mark.parametrize("kwargs, fragments", [
    (dict(start_lr=1.0, end_lr=0.1), ["end_lr must be greater than start_lr", "end_lr 必须大于"]),
    (dict(steps=5), ["steps must be in [10, 5000]", "steps 必须在"]),
    (dict(stop_factor=1.0), ["stop_factor must be in (1, inf)"]),
    (dict(schedule="StepLR"), ["range_test sets schedule itself"]),
    (dict(batch_size=0), ["batch_size must be in [1, inf)"]),
])
def test_bad_settings_are_refused_in_both_languages(kwargs, fragments):
    with pytest.raises((ValueError, TypeError)) as info:
        R.range_test(**kwargs)
    assert_bilingual(info, *fragments)


# --- the figure and the explorer -----------------------------------------------------------------


def test_the_figure_marks_the_lowest_point_and_the_suggestion():
    from lrlessons.lr_range_views import plot_range_test

    tests = R.RangeTests([recorded(list(parabola(0.3))[:120], smooth=5),
                          recorded(list(parabola(0.2))[:120], smooth=5)])
    texts = [t.get_text() for t in plot_range_test(tests).axes[0].get_legend().get_texts()]
    assert any("lowest point" in t for t in texts)
    assert any(f"≈ {tests.suggested:g}" in t for t in texts)
    bare = plot_range_test(tests, show_suggestion=False).axes[0].get_legend().get_texts()
    assert not any("suggested" in t.get_text() for t in bare)
    use_language("zh")
    texts = [t.get_text() for t in plot_range_test(tests).axes[0].get_legend().get_texts()]
    assert any("建议的 max_lr" in t for t in texts)


def test_the_explorer_reads_without_training_and_runs_on_demand():
    from lrlessons.lr_range_views import explore_range_test

    ex = explore_range_test(start_lr=1e-3, end_lr=30.0, steps=60)
    test = ex.test
    assert ex.update() == pytest.approx(test.suggestion)
    for name, value in (("smooth", 1), ("margin", 10.0), ("stop_factor", 1.5)):
        ex.controls[name].value = value
        assert ex.test is test  # no new run
        assert getattr(test, name) == value
    assert f"{test.suggestion:.3g}" in ex.readout.value
    png = ex.figure.png()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    ex.controls["seeds"].value = 2
    assert isinstance(ex.run(), R.RangeTests) and ex.test is not test
    assert ex.status.value == ""
