"""The catalogue is complete and consistent: every entry carries what lessons and widgets need,
with the parameter names of the framework that owns it."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys

import pytest

import lrlessons
from lrlessons import SCHEDULES
from lrlessons.catalogue import code

CJK = re.compile(r"[\u4e00-\u9fff]")
NAMES = [
    "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR",
    "ExponentialLR", "PolynomialLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts",
    "CyclicLR", "OneCycleLR", "ReduceLROnPlateau", "SequentialLR", "ChainedScheduler",
    "PiecewiseDecay", "NaturalExpDecay", "InverseTimeDecay", "PolynomialDecay", "NoamDecay",
    "LinearWarmup", "WarmupLinear", "WarmupCosine", "InverseSqrt", "WarmupStableDecay",
]


def test_exact_names_in_order():
    assert list(SCHEDULES) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_entry_is_complete(name):
    spec = SCHEDULES[name]
    for text in (spec.title, spec.summary):
        assert text.en and CJK.search(text.zh)
    assert spec.formula and spec.symbols
    for sym in spec.symbols:
        assert sym.latex and sym.en and CJK.search(sym.zh)
    assert spec.unit in ("epoch", "iteration")
    assert spec.owner in spec.code or spec.owner == "pytorch" and "pytorch" in spec.code
    for p in spec.params:
        assert p.en and CJK.search(p.zh), p.name
        if p.kind in ("int", "float"):
            lo, hi = p.slider_range
            assert lo is not None and hi is not None and lo < hi, p.name
            if p.default is not None:
                p.check(p.default)  # every default is itself valid
        if p.kind == "choice":
            assert p.default in p.choices
    if spec.notes is not None:
        assert spec.notes.en and CJK.search(spec.notes.zh)


@pytest.mark.parametrize("name", [n for n in NAMES if SCHEDULES[n].owner == "pytorch"])
def test_parameter_names_are_torchs(name):
    import torch

    accepted = set(inspect.signature(getattr(torch.optim.lr_scheduler, name)).parameters)
    ours = {p.name for p in SCHEDULES[name].params} - {"metrics"}
    assert ours <= accepted, ours - accepted


HF = {"WarmupLinear": "get_linear_schedule_with_warmup",
      "WarmupCosine": "get_cosine_schedule_with_warmup",
      "InverseSqrt": "get_inverse_sqrt_schedule", "WarmupStableDecay": "get_wsd_schedule"}


@pytest.mark.parametrize("name", HF)
def test_parameter_names_are_transformers(name):
    transformers = pytest.importorskip("transformers")
    accepted = set(inspect.signature(getattr(transformers, HF[name])).parameters)
    ours = {p.name for p in SCHEDULES[name].params}
    assert ours <= accepted, ours - accepted


@pytest.mark.parametrize("name", NAMES)
def test_code_templates_fill(name):
    for framework in SCHEDULES[name].code:
        line = code(name, framework, base_lr=0.05)
        assert "{" not in line.replace("{}", "") or "[...]" in line, line


def test_code_shows_current_values():
    assert code("StepLR", step_size=7, gamma=0.5) == (
        "torch.optim.lr_scheduler.StepLR(optimizer, step_size=7, gamma=0.5)")


def test_import_is_light():
    # A fresh interpreter: importing lrlessons must not pull in torch, keras, matplotlib, widgets.
    probe = ("import sys, lrlessons; heavy = [m for m in ('torch', 'keras', 'matplotlib', "
             "'ipywidgets', 'transformers') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_lazy_attributes_resolve():
    assert callable(lrlessons.torch_curve) and callable(lrlessons.torch_scheduler)
    with pytest.raises(AttributeError):
        lrlessons.no_such_thing  # noqa: B018
