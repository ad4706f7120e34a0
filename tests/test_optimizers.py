"""lrlessons.optimizers against the frameworks: each numpy update rule equals torch.optim over
random gradient sequences while a schedule changes the lr; Keras 3's optimizers equal torch's
exactly where lesson 08 says they do and differ where it says they differ; the surfaces'
statements of lesson 08 hold; bad settings fail with a bilingual message."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrlessons import optimizers as O

W0 = [1.0, -2.0, 0.5]


@st.composite
def sequences(draw):
    """(gradients, lrs): random gradients of any scale, and a schedule of cuts and rises."""
    steps = draw(st.integers(1, 60))
    seed = draw(st.integers(0, 10_000))
    scale = 10.0 ** draw(st.floats(-6, 2))
    grads = O.random_gradients(steps, seed=seed, scale=scale)
    base = 10.0 ** draw(st.floats(-4, -0.5))
    factors = draw(st.lists(st.sampled_from([0.1, 0.5, 1.0, 2.0]), min_size=steps,
                            max_size=steps))
    return grads, base * np.cumprod(factors) / factors[0]


SETTINGS = {
    "sgd": st.fixed_dictionaries({"weight_decay": st.sampled_from([0.0, 0.1])}),
    # momentum > 0: torch refuses Nesterov without it (and momentum 0 is the "sgd" rule)
    "momentum": st.fixed_dictionaries({"momentum": st.floats(0.05, 0.99),
                                       "nesterov": st.booleans(),
                                       "weight_decay": st.sampled_from([0.0, 0.05])}),
    "adagrad": st.fixed_dictionaries({"eps": st.sampled_from([1e-10, 1e-6, 0.0]),
                                      "weight_decay": st.sampled_from([0.0, 0.1]),
                                      "initial_accumulator_value": st.sampled_from([0.0, 0.1])}),
    "rmsprop": st.fixed_dictionaries({"alpha": st.floats(0.5, 0.999),
                                      "eps": st.sampled_from([1e-8, 1e-3]),
                                      "momentum": st.sampled_from([0.0, 0.9]),
                                      "weight_decay": st.sampled_from([0.0, 0.1])}),
    "adam": st.fixed_dictionaries({"betas": st.tuples(st.floats(0.0, 0.99),
                                                      st.floats(0.5, 0.9999)),
                                   "eps": st.sampled_from([1e-8, 1e-3]),
                                   "weight_decay": st.sampled_from([0.0, 0.1])}),
    "adamw": st.fixed_dictionaries({"betas": st.tuples(st.floats(0.0, 0.99),
                                                       st.floats(0.5, 0.9999)),
                                    "eps": st.sampled_from([1e-8, 1e-3]),
                                    "weight_decay": st.sampled_from([0.0, 0.01, 0.5])}),
}


@pytest.mark.parametrize("name", O.NAMES)
@settings(max_examples=25)
@given(data=st.data())
def test_each_rule_equals_torch_over_random_gradients_and_schedules(name, data):
    grads, lrs = data.draw(sequences())
    hyper = data.draw(SETTINGS[name])
    ours = O.run(name, grads, W0, lrs, **hyper).w
    torch_w = O.torch_run(name, grads, W0, lrs, **hyper)
    assert np.allclose(ours, torch_w, rtol=1e-10, atol=1e-12 * np.max(np.abs(torch_w))), \
        (name, hyper, np.max(np.abs(ours - torch_w)))


def test_the_rules_are_not_all_the_same():
    # Equality with torch means something only if the rules differ from each other.
    grads, lrs = O.random_gradients(30, seed=3), np.full(30, 0.05)
    ends = {n: O.run(n, grads, W0, lrs).w[-1] for n in O.NAMES}
    for a in O.NAMES:
        for b in O.NAMES:
            if a < b:
                assert not np.allclose(ends[a], ends[b]), (a, b)


def test_effective_lr_is_what_multiplies_the_step():
    grads = O.random_gradients(40, size=2, seed=5)
    for name in ("sgd", "adagrad", "rmsprop"):
        path = O.run(name, grads, [0.0, 0.0], 0.01)
        assert np.allclose(path.steps, -path.effective_lr * grads), name
    # Lesson 08: with steady noise Adagrad's rate ends ~sqrt(1000) below RMSprop's and Adam's.
    noise = O.random_gradients(1000, size=2, seed=0, drift=0.0) * [1.0, 0.1]
    ends = {n: O.run(n, noise, [0.0, 0.0], 0.01).effective_lr[-1] for n in O.NAMES[2:5]}
    assert np.all((20 < ends["rmsprop"] / ends["adagrad"]) & (ends["adam"] / ends["adagrad"] < 50))
    assert np.allclose(ends["adam"][1] / ends["adam"][0], 10, rtol=0.2)
    adagrad = O.run("adagrad", np.ones((100, 1)), [0.0], 0.01).effective_lr[:, 0]
    assert np.allclose(adagrad, 0.01 / (np.sqrt(np.arange(1, 101)) + 1e-10))


def test_bias_correction_makes_the_first_step_the_lr_and_its_absence_overshoots():
    corrected, plain = {}, {}
    w1 = O.adam_step(np.zeros(1), np.ones(1), corrected, 0.01)
    w2 = O.adam_step(np.zeros(1), np.ones(1), plain, 0.01, bias_correction=False)
    assert np.isclose(-w1[0], 0.01) and np.isclose(-w2[0], 0.01 * 0.1 / np.sqrt(0.001))
    # Lesson 08: without it the steps grow to about 6.6 lr around step 10.
    w, state, sizes = np.zeros(1), {}, []
    for _ in range(60):
        new = O.adam_step(w, np.ones(1), state, 0.01, bias_correction=False)
        sizes.append(abs(new[0] - w[0]) / 0.01)
        w = new
    assert 6.4 < max(sizes) < 6.8 and 8 <= int(np.argmax(sizes)) + 1 <= 14


def test_surfaces_behave_as_lesson_08_says():
    s = O.SURFACES
    # Bowl: SGD is stable below 2/25 and diverges above.
    assert abs(O.on_surface("sgd", "quadratic", lr=0.079, steps=400).w[-1, 1]) < 1e-3
    assert abs(O.on_surface("sgd", "quadratic", lr=0.081, steps=400).w[-1, 1]) > 1e3
    # Adaptive optimizers start diagonally: both coordinates move by the same amount.
    for name in ("adagrad", "rmsprop", "adam"):
        first = O.on_surface(name, "quadratic").steps[0]
        assert np.isclose(abs(first[0]), abs(first[1]), rtol=1e-3), name
    # Saddle: after its steps SGD and momentum are still near the ridge, the adaptive ones are
    # in a valley (|y| near 1).
    for name in ("sgd", "momentum"):
        assert abs(O.on_surface(name, "saddle").w[s["saddle"].steps // 2, 1]) < 0.05, name
    for name in ("adagrad", "rmsprop", "adam"):
        assert abs(abs(O.on_surface(name, "saddle").w[-1, 1]) - 1) < 0.1, name
    # Rosenbrock: Adagrad ends farthest from the minimum of the adaptive ones, its effective lr
    # flat after the first steps (the early gradients stay in G).
    dist = {n: np.linalg.norm(O.on_surface(n, "rosenbrock").w[-1] - 1) for n in
            ("adagrad", "rmsprop", "adam")}
    assert dist["adagrad"] > max(dist["rmsprop"], dist["adam"])
    # SGD's lr limit on Rosenbrock: 0.006 is closer to the minimum than 0.001, 0.007 blows up.
    near = np.linalg.norm(O.on_surface("sgd", "rosenbrock", lr=0.006).w[-1] - 1)
    assert near < np.linalg.norm(O.on_surface("sgd", "rosenbrock").w[-1] - 1)
    assert not np.isfinite(O.on_surface("sgd", "rosenbrock", lr=0.007).w[-1]).all()


def test_adamw_decays_alike_and_adam_l2_by_curvature():
    curv = np.array([100.0, 0.01])

    def end(name, wd):
        return O.run(name, lambda w: curv * (w - 1), [0.0, 0.0], 0.01, steps=3000,
                     weight_decay=wd).w[-1]

    l2, decoupled = end("adam", 0.1), end("adamw", 0.1)
    assert np.allclose(l2, curv / (curv + 0.1), rtol=1e-3)  # ridge: a / (a + lambda)
    assert abs(decoupled[0] - decoupled[1]) < 1e-3 and 0.99 < decoupled[0] < 1.0


def test_keras_equals_torch_where_the_lesson_says(keras):
    gaps = {(t, k, lr, s): g for t, k, lr, s, g in O.keras_gaps()}
    zero = [key for key, g in gaps.items() if g < 1e-12]
    # The rows the lesson calls identical: constant-lr momentum, eps=0 RMSprop, Adagrad with a
    # zero start, eps=0 Adam, Keras' decoupled decay against torch's AdamW.
    assert len(zero) == 5, gaps
    assert gaps[("SGD(lr, momentum=0.9)", "SGD(lr, momentum=0.9)", "cut", 1.0)] > 0.1
    assert gaps[("RMSprop(lr)", "RMSprop(lr)", "cut", 1.0)] > 0.3
    assert 1e-6 < gaps[("RMSprop(lr, eps=1e-08)", "RMSprop(lr, rho=0.99, epsilon=1e-08)", "cut",
                        1.0)] < 1e-4
    assert gaps[("Adagrad(lr)", "Adagrad(lr)", "cut", 1.0)] > 0.05
    assert gaps[("Adam(lr, eps=1e-08)", "Adam(lr, epsilon=1e-08)", "cut", 1e-06)] > 0.01
    assert gaps[("Adam(lr, eps=1e-08)", "Adam(lr, epsilon=1e-08)", "cut", 1.0)] < 1e-6
    assert gaps[("Adam(lr)", "Adam(lr)", "cut", 1e-06)] > 0.15  # Keras' eps is 10 times torch's
    assert gaps[("Adam(lr, eps=0, weight_decay=0.5)", "Adam(lr, epsilon=0, weight_decay=0.5)",
                 "cut", 1.0)] > 0.1


def test_keras_momentum_keeps_the_old_rate_after_a_cut(keras):
    grads, cut = O.random_gradients(100, seed=1), O.step_cut(100)
    t = np.diff(O.torch_run("momentum", grads, [0.0] * 3, cut), axis=0)
    k = np.diff(O.keras_run("momentum", grads, [0.0] * 3, cut), axis=0)
    assert np.allclose(t[:50], k[:50], rtol=1e-12)
    # Keras' step at the cut is the old velocity plus a quarter-rate gradient: larger than torch's.
    assert np.all(np.abs(k[50]) > np.abs(t[50]))
    # Lesson 08: at step 70 (the table's last row) Keras' step is still a quarter larger
    # (parameter 0); the two come within 5 % only from step 85 on.
    gap = np.abs(k - t) / np.abs(t)
    assert 0.2 < gap[70, 0] < 0.3 and np.all(gap[70] > 0.1), gap[70]
    assert gap[84].max() > 0.05 and gap[85:].max() < 0.05, gap[80:].max(axis=1)


def test_defaults_are_read_from_the_installed_classes(keras):
    rows = {(name, t.split("=")[0]): (t, k) for name, t, k in O.default_settings()}
    assert rows[("RMSprop", "alpha")] == ("alpha=0.99", "rho=0.9")
    assert rows[("Adagrad", "initial_accumulator_value")][1] == "initial_accumulator_value=0.1"


@pytest.mark.parametrize("call, words", [
    (lambda: O.run("adamm", [[1.0]], [0.0], 0.1), "optimizer"),
    (lambda: O.run("adam", [[1.0]], [0.0], -0.1), "lr"),
    (lambda: O.run("adam", [[1.0]], [0.0], 0.1, betas=(0.9, 1.0)), "beta2"),
    (lambda: O.run("rmsprop", [[1.0]], [0.0], 0.1, alpha=1.5), "alpha"),
    (lambda: O.run("sgd", [[1.0]], [0.0], 0.1, betas=(0.9, 0.99)), "betas"),
    (lambda: O.run("sgd", [[1.0], [1.0]], [0.0], [0.1]), "lr"),
    (lambda: O.on_surface("adam", "valley"), "surface"),
])
def test_bad_settings_fail_clearly_in_both_languages(call, words):
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    assert words in str(info.value) and " / " in str(info.value)
