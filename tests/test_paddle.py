"""Hand-worked values of the Paddle entries, the seed articles' examples among them: examples a
learner can check with pen and paper. The proof that Paddle agrees is real Paddle itself
(tests/test_frameworks.py, tests/test_paddle_real.py); these values are checked against it too."""

from __future__ import annotations

import math

import numpy as np
import pytest

import lrlessons

# (name, base_lr, params, {step: expected lr}) worked by hand from Paddle's formulas.
WORKED = [
    ("PiecewiseDecay", 0.1, dict(boundaries=[100, 200], values=[1.0, 0.5, 0.1]),
     {0: 1.0, 99: 1.0, 100: 0.5, 199: 0.5, 200: 0.1, 250: 0.1}),
    ("NaturalExpDecay", 0.5, dict(gamma=0.1), {0: 0.5, 10: 0.5 / math.e, 20: 0.5 / math.e ** 2}),
    ("InverseTimeDecay", 0.5, dict(gamma=0.1), {0: 0.5, 10: 0.25, 30: 0.125}),
    ("PolynomialDecay", 0.5, dict(decay_steps=20, end_lr=0.0, power=1.0),
     {0: 0.5, 5: 0.375, 20: 0.0, 25: 0.0}),
    # cycle=True: past 20 the span becomes 20 * ceil(t / 20) = 40, so the lr jumps back up.
    ("PolynomialDecay", 0.5, dict(decay_steps=20, end_lr=0.0, power=1.0, cycle=True),
     {0: 0.5, 20: 0.0, 21: 0.5 * 19 / 40, 25: 0.1875, 40: 0.0, 41: 0.5 * 19 / 60}),
    ("PolynomialDecay", 1.0, dict(decay_steps=10, end_lr=0.1, power=2.0),
     {0: 1.0, 5: 0.9 * 0.25 + 0.1, 10: 0.1}),
    # The Transformer paper's numbers: d_model 512, 4000 warm-up steps, peak about 7e-4.
    ("NoamDecay", 1.0, dict(d_model=512, warmup_steps=4000),
     {0: 0.0, 1: 512 ** -0.5 * 4000 ** -1.5, 4000: 1 / math.sqrt(512 * 4000),
      16000: 1 / math.sqrt(512 * 16000)}),
    ("LinearWarmup", 0.5, dict(warmup_steps=20, start_lr=0.0, end_lr=0.5),
     {0: 0.0, 10: 0.25, 19: 0.475, 20: 0.5, 50: 0.5}),
    ("LinearWarmup", 0.1, dict(warmup_steps=4, start_lr=0.02, end_lr=0.5),
     {0: 0.02, 2: 0.26, 3: 0.38, 4: 0.1}),
    # Seed 001's LambdaDecay and StepDecay / MultiStepDecay examples, through the PyTorch names.
    ("LambdaLR", 0.5, dict(lr_lambda=lambda epoch: 0.95 ** epoch), {0: 0.5, 1: 0.475, 2: 0.45125}),
    ("StepLR", 0.5, dict(step_size=30, gamma=0.1), {0: 0.5, 29: 0.5, 30: 0.05, 60: 0.005,
                                                     89: 0.005}),
    ("MultiStepLR", 0.5, dict(milestones=[30, 50], gamma=0.1), {29: 0.5, 30: 0.05, 49: 0.05,
                                                                50: 0.005}),
    ("ExponentialLR", 0.5, dict(gamma=0.95), {0: 0.5, 1: 0.475, 2: 0.45125}),
]


@pytest.mark.parametrize("name, base_lr, params, expected", WORKED,
                         ids=[f"{w[0]}-{i}" for i, w in enumerate(WORKED)])
def test_worked_values(name, base_lr, params, expected, request):
    steps = max(expected) + 1
    curves = [lrlessons.curve(name, steps, base_lr=base_lr, **params),
              lrlessons.torch_curve(name, steps, base_lr=base_lr, **params)]
    if "paddle" in lrlessons.SCHEDULES[name].code:
        request.getfixturevalue("paddle")
        curves.append(lrlessons.paddle_curve(name, steps, base_lr=base_lr, **params))
    for lr in curves:
        for t, value in expected.items():
            assert lr[t] == pytest.approx(value, rel=1e-12, abs=1e-15), (name, t)


def test_noam_peaks_at_warmup():
    lr = lrlessons.curve("NoamDecay", 20000, base_lr=1.0, d_model=512, warmup_steps=4000)
    assert int(np.argmax(lr)) == 4000
    assert lr.max() == pytest.approx(6.9877e-4, rel=1e-4)


def test_natural_exp_is_exponential_with_e_to_minus_gamma():
    a = lrlessons.curve("NaturalExpDecay", 50, base_lr=0.3, gamma=0.2)
    b = lrlessons.curve("ExponentialLR", 50, base_lr=0.3, gamma=math.exp(-0.2))
    np.testing.assert_allclose(a, b, rtol=1e-12)
