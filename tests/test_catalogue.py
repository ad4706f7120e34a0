"""The catalogue is complete and consistent: every entry carries what lessons and widgets need,
with the parameter names of the framework that owns it."""

from __future__ import annotations

import dataclasses
import inspect
import re
import subprocess
import sys

import pytest

import lrlessons
from lrlessons import SCHEDULES
from lrlessons.catalogue import code, problems
from lrlessons.params import Text

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
    assert problems(SCHEDULES[name]) == []


def test_an_incomplete_entry_is_told_what_it_lacks():
    step = SCHEDULES["StepLR"]
    broken = dataclasses.replace(
        step, title=Text("Step decay", ""), unit="batch", code={"keras": step.code["keras"]},
        params=(dataclasses.replace(step.param("gamma"), zh="", ui=(0.5, 0.5)),
                step.param("step_size")),
        run_length="T_max", suggested={"gama": 0.5})
    found = "\n".join(problems(broken))
    for fragment in ("title has no Chinese text", "unit must be", "parameter gamma has no "
                     "Chinese text", "parameter gamma has no slider range",
                     "no line in its own framework (pytorch)", "run_length names no parameter",
                     "suggested names no parameter: 'gama'"):
        assert fragment in found, (fragment, found)


@pytest.mark.parametrize("name", [n for n in NAMES if SCHEDULES[n].owner == "pytorch"])
def test_parameter_names_are_torchs(name):
    import torch

    accepted = set(inspect.signature(getattr(torch.optim.lr_scheduler, name)).parameters)
    ours = {p.name for p in SCHEDULES[name].params} - {"metrics"}
    assert ours <= accepted, ours - accepted


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


def test_importing_changes_no_global_state():
    # Threads and matplotlib's fonts are the caller's: a run or a figure sets what it needs and
    # a training run gives the thread count back.
    probe = ("import torch, matplotlib as mpl; torch.set_num_threads(2); "
             "before = dict(mpl.rcParams); import lrlessons, lrlessons.playground, "
             "lrlessons.explorers, lrlessons.plotting, lrlessons.torch_bridge, "
             "lrlessons.descent_views; "
             "assert torch.get_num_threads() == 2, 'threads changed at import'; "
             "assert dict(mpl.rcParams) == before, 'rcParams changed at import'; "
             "lrlessons.train(epochs=1); "
             "assert torch.get_num_threads() == 2, 'a run kept its thread setting'; print('ok')")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr[-2000:]


def test_check_needs_no_widgets():
    probe = ("import sys; sys.modules['ipywidgets'] = None; import lrlessons.check; "
             "print(lrlessons.check.descent(lambda lr, a, x0, n: "
             "[x0 * (1 - lr * a) ** k for k in range(n + 1)]).passed)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert out.stdout.strip() == "True", out.stderr[-2000:]


def test_lazy_attributes_resolve():
    assert callable(lrlessons.torch_curve) and callable(lrlessons.torch_scheduler)
    with pytest.raises(AttributeError):
        lrlessons.no_such_thing  # noqa: B018
