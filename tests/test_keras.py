"""keras_curve() (Keras 3's own schedules and callbacks, on its torch backend) against curve().

Keras computes in float32. Every comparison allows rtol 1e-6 plus 1e-7 of the peak lr, and, where
float32 rounding compounds with the step, a bound that grows with it (see ``assert_close``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np
import pytest

import lrlessons
from lrlessons import SCHEDULES
from lrlessons import keras_bridge as kb  # imports no keras: that waits for the first call
from lrlessons.catalogue import torch_plateau_floor
from tests.assertions import CJK, assert_bilingual

keras = pytest.importorskip("keras")

# Keras' torch backend converts its variables with np.array(x) (a NumPy 2 deprecation, not ours).
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")

U32 = 2.0 ** -24  # float32 unit roundoff
WITH_KERAS = sorted(n for n, s in SCHEDULES.items() if "keras" in s.code)
WITHOUT_KERAS = sorted(n for n, s in SCHEDULES.items() if "keras" not in s.code)
# Entries whose Keras line is a callback (fit calls it once per epoch), read from the entries.
CALLBACKS = tuple(n for n in WITH_KERAS if all(
    line.template is None or line.template.startswith("keras.callbacks.")
    for line in SCHEDULES[n].code["keras"]))


def assert_close(k, c, peak, rel_growth=0.0, abs_growth=0.0):
    """k (Keras, float32) against c (closed form, float64).

    rel_growth: how many float32 roundings compound into a value (a float32 decay rate raised to
    the power t, or a running lr stored in float32 t times); abs_growth: the size of a float32
    step / period ratio inside a cosine, whose rounding moves the cosine's phase.
    """
    k, c = np.asarray(k, float), np.asarray(c, float)
    assert k.shape == c.shape
    tol = 1e-6 * np.abs(c) + 1e-7 * peak + 4 * U32 * (rel_growth * np.abs(c) + abs_growth * peak)
    bad = np.flatnonzero(np.abs(k - c) > tol)
    if bad.size:
        t = bad[0]
        raise AssertionError(f"first difference at t={t}: keras {k[t]!r}, curve {c[t]!r}", bad)


def evaluate(schedule, steps):
    """A Keras schedule step by step, independently of keras_bridge."""
    return np.array([float(keras.ops.convert_to_numpy(schedule(t))) for t in range(steps)])


# --- where Keras and the owner differ, as the catalogue notes say --------------------------------


def test_keras_holds_the_floor_past_t_max_where_torch_climbs_back():
    base, T, eta = 0.1, 20, 0.001
    k = lrlessons.keras_curve("CosineAnnealingLR", 3 * T + 1, base_lr=base, T_max=T, eta_min=eta)
    c = lrlessons.curve("CosineAnnealingLR", 3 * T + 1, base_lr=base, T_max=T, eta_min=eta)
    assert_close(k[:T + 1], c[:T + 1], base)
    assert_close(k[T:], np.full(2 * T + 1, eta), base)  # Keras: alpha * lr from T_max on
    assert c[2 * T] == pytest.approx(base) and c[3 * T] == pytest.approx(eta)  # torch: a cosine
    assert np.all(np.diff(c[T:2 * T + 1]) > 0)


def test_keras_holds_zero_past_num_training_steps_where_transformers_climbs_back():
    # Not in the catalogue note: transformers' cosine keeps going past num_training_steps.
    w, total = 5, 25
    k = lrlessons.keras_curve("WarmupCosine", 2 * total, num_warmup_steps=w,
                              num_training_steps=total)
    c = lrlessons.curve("WarmupCosine", 2 * total, num_warmup_steps=w, num_training_steps=total)
    assert_close(k[:total + 1], c[:total + 1], 0.1)
    assert np.all(k[total:] == 0.0)
    assert c[2 * total - w] == pytest.approx(0.1)


@pytest.mark.parametrize("name, params, switch, before, after", [
    ("MultiStepLR", {"milestones": [3, 7], "gamma": 0.5}, [3, 7], [0.1, 0.05], [0.05, 0.025]),
    ("PiecewiseDecay", {"boundaries": [3, 7], "values": [1.0, 0.5, 0.2]}, [3, 7], [1.0, 0.5],
     [0.5, 0.2]),
])
def test_boundary_minus_one_is_needed(name, params, switch, before, after):
    """torch and Paddle switch AT a milestone (step >= m), Keras one step after a boundary
    (step > b): boundary m - 1 is right, the naive boundary m is one step late."""
    k = lrlessons.keras_curve(name, 10, **params)
    assert_close(k, lrlessons.curve(name, 10, **params), 1.0)
    s = lrlessons.keras_schedule(name, **params)
    assert s.boundaries == [m - 1 for m in switch]
    naive = evaluate(type(s)(boundaries=switch, values=s.values), 10)
    for m, old, new in zip(switch, before, after):
        assert k[m - 1] == pytest.approx(old) and k[m] == pytest.approx(new)
        assert naive[m] == pytest.approx(old)  # still the old value: off by one
        assert naive[m + 1] == pytest.approx(new)


def test_step_lr_staircase_drops_at_step_size():
    k = lrlessons.keras_curve("StepLR", 91, step_size=30, gamma=0.1)
    for t, lr in {0: 0.1, 29: 0.1, 30: 0.01, 59: 0.01, 60: 0.001, 90: 1e-4}.items():
        assert k[t] == pytest.approx(lr, rel=1e-6), t


def test_cosine_restarts_jump_back_at_each_restart_with_t_mult():
    # cycles of 3, 6, 12, 24: restarts at 3, 9, 21, 45
    k = lrlessons.keras_curve("CosineAnnealingWarmRestarts", 50, T_0=3, T_mult=2)
    for r in (0, 3, 9, 21, 45):
        assert k[r] == pytest.approx(0.1, rel=1e-6)
        assert r == 0 or k[r - 1] < 0.05


def test_plateau_keras_patience_and_cooldown_are_torch_plus_one():
    p = {"metrics": [1.0] * 30, "patience": 2, "cooldown": 3, "factor": 0.5, "threshold": 0.0,
         "threshold_mode": "abs"}
    cb = lrlessons.keras_schedule("ReduceLROnPlateau", **p)
    assert isinstance(cb, keras.callbacks.ReduceLROnPlateau)
    assert (cb.patience, cb.cooldown, cb.min_delta, cb.factor) == (3, 4, 0.0, 0.5)
    k = lrlessons.keras_curve("ReduceLROnPlateau", 31, **p)
    c = lrlessons.curve("ReduceLROnPlateau", 31, **p)
    assert_close(k, c, 0.1, rel_growth=np.arange(31))
    # 1 good value, 3 bad ones beyond patience=2 -> cut after value 4, then 3 cooldown values
    # and 3 more bad ones -> next cut after value 4 + 3 + 3 = 10.
    assert np.flatnonzero(np.diff(c)).tolist() == [3, 9, 15, 21, 27]


@pytest.mark.parametrize("cooldown", [0, 1, 2])
def test_plateau_cooldown_c_is_keras_cooldown_c_plus_one(cooldown):
    metrics = [1.0, 1.0, 1.0, 0.5, 1.0, 1.0, 1.0, 1.0, 0.25, 1.0, 1.0, 1.0]
    p = {"metrics": metrics, "patience": 1, "cooldown": cooldown, "factor": 0.5,
         "threshold": 0.0, "threshold_mode": "abs"}
    k = lrlessons.keras_curve("ReduceLROnPlateau", len(metrics) + 1, **p)
    c = lrlessons.curve("ReduceLROnPlateau", len(metrics) + 1, **p)
    assert_close(k, c, 0.1, rel_growth=np.arange(len(metrics) + 1))


def test_plateau_eps_becomes_keras_min_lr():
    """torch skips a cut smaller than eps and then never cuts again; Keras has no eps, so its
    min_lr is set to the lr where torch stops."""
    p = {"metrics": [1.0] * 40, "patience": 0, "factor": 0.5, "threshold": 0.0,
         "threshold_mode": "abs", "eps": 1e-3, "min_lr": 0.0}
    c = lrlessons.curve("ReduceLROnPlateau", 41, **p)
    stop = 0.1 * 0.5 ** 6  # 0.0015625: the next cut, 0.00078, is below eps
    assert c[-1] == pytest.approx(stop) and c.min() == pytest.approx(stop)
    cb = lrlessons.keras_schedule("ReduceLROnPlateau", **p)
    assert cb.min_lr == pytest.approx(stop)
    assert_close(lrlessons.keras_curve("ReduceLROnPlateau", 41, **p), c, 0.1,
                 rel_growth=np.arange(41))
    # a plain min_lr wins when it is reached first: 0.0125 -> 0.01 is a cut of 0.0025 > eps
    assert lrlessons.keras_schedule("ReduceLROnPlateau", **{**p, "min_lr": 0.01}).min_lr == 0.01
    assert torch_plateau_floor(0.1, 0.5, 0.0, 1e-3, reductions=3) == 0.0  # never reached


def test_plateau_keras_compares_the_metric_in_float32():
    """A documented difference: Keras' torch backend compares the monitored value as float32, so
    an improvement smaller than float32 resolution counts as none."""
    p = {"metrics": [1.0, 1.0 - 1e-9], "patience": 0, "factor": 0.5, "threshold": 0.0,
         "threshold_mode": "abs"}
    assert lrlessons.curve("ReduceLROnPlateau", 3, **p).tolist() == [0.1, 0.1, 0.1]
    k = lrlessons.keras_curve("ReduceLROnPlateau", 3, **p)
    assert k[2] == pytest.approx(0.05)


# --- callbacks against a real model.fit ----------------------------------------------------------


@pytest.mark.filterwarnings("ignore:The model does not have any trainable weights")
def test_callbacks_driven_by_real_fit_follow_keras_curve():
    """keras_curve drives the callbacks on a bare optimizer; Keras' own fit() does the same."""
    seen = []

    class Record(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            seen.append(float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate)))

        def on_epoch_end(self, epoch, logs=None):
            losses.append(float(logs["val_loss"]))

    x, y = np.ones((4, 2), "float32"), np.zeros((4, 1), "float32")

    def fit(callback, epochs, base_lr):
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, trainable=False)])
        model.compile(keras.optimizers.SGD(learning_rate=base_lr), loss="mse")
        model.fit(x, y, validation_data=(x, y), epochs=epochs, verbose=0,
                  callbacks=[callback, Record()])

    losses = []
    fit(lrlessons.keras_schedule("MultiplicativeLR", base_lr=0.2, lr_lambda=lambda t: 0.9), 6,
        0.2)
    np.testing.assert_allclose(seen, lrlessons.keras_curve("MultiplicativeLR", 6, base_lr=0.2,
                                                           lr_lambda=lambda t: 0.9), rtol=0)
    seen.clear(), losses.clear()
    p = {"patience": 1, "cooldown": 1, "factor": 0.5, "threshold": 0.0, "threshold_mode": "abs"}
    fit(lrlessons.keras_schedule("ReduceLROnPlateau", base_lr=0.2, **p), 12, 0.2)
    # the frozen layer keeps val_loss flat: every value after the first is a bad one
    k = lrlessons.keras_curve("ReduceLROnPlateau", 12, base_lr=0.2, metrics=losses, **p)
    np.testing.assert_allclose(seen, k, rtol=0)
    assert_close(k, lrlessons.curve("ReduceLROnPlateau", 12, base_lr=0.2, metrics=losses, **p),
                 0.2, rel_growth=np.arange(12))
    assert len(set(seen)) > 2


# --- get_config ----------------------------------------------------------------------------------

EXAMPLES = {
    "StepLR": {"step_size": 7, "gamma": 0.5},
    "MultiStepLR": {"milestones": [5, 20], "gamma": 0.3},
    "ExponentialLR": {"gamma": 0.97},
    "PolynomialLR": {"total_iters": 40, "power": 2.0},
    "CosineAnnealingLR": {"T_max": 30, "eta_min": 1e-3},
    "CosineAnnealingWarmRestarts": {"T_0": 5, "T_mult": 2, "eta_min": 1e-3},
    "PiecewiseDecay": {"boundaries": [10, 30], "values": [0.3, 0.1, 0.01]},
    "NaturalExpDecay": {"gamma": 0.05},
    "InverseTimeDecay": {"gamma": 0.2},
    "PolynomialDecay": {"decay_steps": 15, "end_lr": 1e-3, "power": 1.5, "cycle": True},
    "WarmupCosine": {"num_warmup_steps": 8, "num_training_steps": 40},
    "LinearLR": {"start_factor": 1.0, "end_factor": 0.25, "total_iters": 30},
    "ConstantLR": {"factor": 0.25, "total_iters": 6},
    "LinearWarmup": {"warmup_steps": 8, "start_lr": 0.0, "end_lr": 0.3},  # the lr of the test
    "SequentialLR": {"schedulers": [("LinearLR", {"start_factor": 0.1, "total_iters": 6}),
                                    ("CosineAnnealingLR", {"T_max": 40})], "milestones": [6]},
}


def test_examples_cover_every_schedule_entry():
    assert set(EXAMPLES) == set(WITH_KERAS) - set(CALLBACKS)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_get_config_round_trip(name):
    s = lrlessons.keras_schedule(name, base_lr=0.3, **EXAMPLES[name])
    assert isinstance(s, keras.optimizers.schedules.LearningRateSchedule)
    config = json.loads(json.dumps(s.get_config()))  # plain JSON, as a lesson prints it
    again = type(s).from_config(config)
    k = lrlessons.keras_curve(name, 60, base_lr=0.3, **EXAMPLES[name])
    np.testing.assert_array_equal(kb.keras_values(again, 60), k)
    np.testing.assert_array_equal(kb.keras_values(s, 60), k)
    # one call per step: the same values up to float32 rounding (vectorised pow/cos may differ
    # from the scalar ones in the last bit)
    assert_close(evaluate(again, 60), k, 0.3)


def test_an_optimizer_is_read_at_each_iteration_and_keeps_its_count():
    schedule = lrlessons.keras_schedule("WarmupCosine", base_lr=0.3, num_warmup_steps=8,
                                        num_training_steps=40)
    optimizer = keras.optimizers.SGD(learning_rate=schedule)
    optimizer.iterations.assign(17)
    np.testing.assert_array_equal(kb.keras_values(optimizer, 45), kb.keras_values(schedule, 45))
    assert int(keras.ops.convert_to_numpy(optimizer.iterations)) == 17
    constant = kb.keras_values(keras.optimizers.Adam(learning_rate=0.25), 5)
    np.testing.assert_array_equal(constant, np.full(5, np.float32(0.25)))


@pytest.mark.parametrize("name", CALLBACKS)
def test_callback_entries_give_callbacks(name):
    params = ({"threshold_mode": "abs"} if name == "ReduceLROnPlateau"
              else {"lr_lambda": lambda t: 0.9})
    assert isinstance(lrlessons.keras_schedule(name, **params), keras.callbacks.Callback)


def test_warmup_cosine_without_warmup_is_the_plain_cosine():
    s = lrlessons.keras_schedule("WarmupCosine", num_warmup_steps=0, num_training_steps=20)
    assert s.warmup_target is None and s.initial_learning_rate == 0.1 and s.decay_steps == 20
    assert_close(evaluate(s, 21), lrlessons.curve("WarmupCosine", 21, num_warmup_steps=0,
                                                  num_training_steps=20), 0.1)


# --- refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", WITHOUT_KERAS)
def test_entries_without_equivalent_refuse(name):
    for call in (lambda: lrlessons.keras_curve(name, 10), lambda: lrlessons.keras_schedule(name)):
        with pytest.raises(ValueError) as e:
            call()
        assert_bilingual(e, name, "Keras 3", "StepLR", "没有对应")


@pytest.mark.parametrize("name, params, fragments", [
    ("WarmupCosine", {"num_cycles": 1.0}, ["num_cycles=0.5", "num_cycles"]),
    ("WarmupCosine", {"num_warmup_steps": 20, "num_training_steps": 20}, ["decay_steps > 0"]),
    ("ReduceLROnPlateau", {"metrics": [1.0] * 9}, ["threshold_mode='abs'", "min_delta",
                                                   "绝对阈值"]),
    ("ReduceLROnPlateau", {"metrics": [1.0] * 9, "threshold": 0.1, "mode": "max"}, ["min_delta"]),
    ("MultiStepLR", {"milestones": []}, ["MultiStepLR", "boundary", "learning rate itself"]),
])
def test_parameters_keras_cannot_follow_refuse(name, params, fragments):
    with pytest.raises(ValueError) as e:
        lrlessons.keras_curve(name, 10, **params)
    assert_bilingual(e, *fragments)


BAD = [
    ("StepLR", 10, 0.1, {"gamma": 1.5}),
    ("StepLR", 0, 0.1, {"step_size": 3}),
    ("StepLR", 10, -0.1, {}),
    ("StepLR", 10, 0.1, {"gama": 0.5}),
    ("StepLR", 2.5, 0.1, {}),
    ("StepLr", 10, 0.1, {}),
    ("MultiStepLR", 10, 0.1, {"milestones": [60, 30]}),
    ("CosineAnnealingLR", 10, 0.1, {"T_max": 0}),
    ("ReduceLROnPlateau", 10, 0.1, {"metrics": [1.0] * 3, "threshold_mode": "abs"}),
    ("ReduceLROnPlateau", 10, 0.1, {}),
    ("WarmupCosine", 10, 0.1, {"num_warmup_steps": 30, "num_training_steps": 20}),
    ("LambdaLR", 10, 0.1, {"lr_lambda": 0.5}),
]


@pytest.mark.parametrize("name, steps, base_lr, params", BAD)
def test_bad_input_gives_the_error_curve_gives(name, steps, base_lr, params, monkeypatch):
    with pytest.raises((ValueError, TypeError)) as expected:
        lrlessons.curve(name, steps, base_lr=base_lr, **params)
    # checked before keras is touched: nothing may import or construct it
    def untouchable():
        raise AssertionError("keras touched before the parameters were checked")

    monkeypatch.setattr(kb, "_keras", untouchable)
    with pytest.raises(expected.type) as got:
        lrlessons.keras_curve(name, steps, base_lr=base_lr, **params)
    assert str(got.value) == str(expected.value)
    assert CJK.search(str(got.value))


def test_a_negative_lr_from_lr_lambda_is_refused_as_curve_refuses_it():
    # found only by running the callback: Keras sets it without complaint, keras_curve does not
    for f in (lrlessons.curve, lrlessons.keras_curve):
        with pytest.raises(ValueError) as e:
            f("LambdaLR", 10, lr_lambda=lambda t: 1.0 if t < 3 else -1.0)
        assert_bilingual(e, "LambdaLR", "step 3", "finite number >= 0")


def test_import_lrlessons_and_bad_input_never_import_keras():
    code = ("import sys, lrlessons\n"
            "assert 'keras' not in sys.modules\n"
            "try:\n"
            "    lrlessons.keras_curve('StepLR', 10, gamma=1.5)\n"
            "except ValueError as e:\n"
            "    assert 'gamma' in str(e)\n"
            "else:\n"
            "    raise SystemExit('no error')\n"
            "assert 'keras' not in sys.modules and 'torch' not in sys.modules, 'imported'\n")
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": root}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr


def test_another_backend_in_the_environment_is_refused_before_importing_keras():
    code = ("import sys, lrlessons\n"
            "try:\n"
            "    lrlessons.keras_curve('StepLR', 10)\n"
            "except RuntimeError as e:\n"
            "    print(e)\n"
            "assert 'keras' not in sys.modules\n")
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": root, "KERAS_BACKEND": "jax"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "KERAS_BACKEND is 'jax'" in done.stdout and CJK.search(done.stdout)


def test_another_backend_is_refused(monkeypatch):
    monkeypatch.setitem(sys.modules, "keras", types.SimpleNamespace(
        config=types.SimpleNamespace(backend=lambda: "jax")))
    with pytest.raises(RuntimeError) as e:
        lrlessons.keras_curve("StepLR", 10)
    assert_bilingual(e, "'jax'", "KERAS_BACKEND=torch")
