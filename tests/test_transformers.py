"""Hugging Face transformers' warm-up family: worked values a learner can check by hand. (Every
transformers line the course shows is run against curve() in tests/test_frameworks.py.)"""

from __future__ import annotations

import pytest

import lrlessons


def test_worked_warmup_linear():
    lr = lrlessons.curve("WarmupLinear", 101, base_lr=1.0, num_warmup_steps=10,
                         num_training_steps=100)
    assert lr[0] == 0.0 and lr[5] == 0.5 and lr[10] == 1.0
    assert lr[55] == pytest.approx(0.5) and lr[100] == 0.0


def test_worked_inverse_sqrt_defaults_timescale_to_the_warmup():
    lr = lrlessons.curve("InverseSqrt", 41, base_lr=1.0, num_warmup_steps=10)
    assert lr[10] == 1.0 and lr[40] == pytest.approx(0.5)  # sqrt(10 / 40)


def test_transformers_functions_take_the_catalogue_parameters(transformers):
    import inspect

    for name, spec in lrlessons.SCHEDULES.items():
        if spec.owner != "transformers":
            continue
        factory = lrlessons.code(name, "transformers").split("(")[0].split(".")[-1]
        accepted = set(inspect.signature(getattr(transformers, factory)).parameters)
        assert {p.name for p in spec.params} <= accepted, name
