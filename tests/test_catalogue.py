"""The catalogue is complete and consistent: every entry carries what lessons and widgets need,
with the parameter names of the framework that owns it."""

from __future__ import annotations

import dataclasses
import inspect
import re
import subprocess
import sys

import numpy as np
import pytest

import lrlessons
from lrlessons import SCHEDULES
from lrlessons.catalogue import code, problems
from lrlessons.params import Text

CJK = re.compile(r"[\u4e00-\u9fff]")
NAMES = list(SCHEDULES)


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
             "print(lrlessons.check.fastest_lr(lambda a, b: 2 / (a + b)).passed)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert out.stdout.strip() == "True", out.stderr[-2000:]


def test_lazy_attributes_resolve():
    assert callable(lrlessons.torch_curve) and callable(lrlessons.torch_scheduler)
    with pytest.raises(AttributeError):
        lrlessons.no_such_thing  # noqa: B018


# --- ChainedScheduler: what torch's chainable get_lr does -----------------------------------------

CHAINS = [
    [("LinearLR", dict(start_factor=0.1, total_iters=10)), ("CosineAnnealingLR", dict(T_max=90))],
    [("LinearLR", dict(start_factor=0.1, total_iters=10)),
     ("CosineAnnealingLR", dict(T_max=90, eta_min=0.01))],
    [("CosineAnnealingLR", dict(T_max=40, eta_min=0.02)), ("ExponentialLR", dict(gamma=0.99)),
     ("StepLR", dict(step_size=15, gamma=0.5))],
    [("ExponentialLR", dict(gamma=0.97)), ("CosineAnnealingLR", dict(T_max=25))],
]


@pytest.mark.parametrize("members, steps", list(zip(CHAINS, (250, 250, 46, 250))),
                         ids=range(len(CHAINS)))
def test_a_cosine_in_a_chain_is_what_torch_computes(members, steps):
    # Past T_max too: the cosine's step past its trough restarts the other factors.
    expected = lrlessons.torch_curve("ChainedScheduler", steps, schedulers=members)
    got = lrlessons.curve("ChainedScheduler", steps, schedulers=members)
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-15)


def test_with_eta_min_zero_a_chain_with_a_cosine_is_the_product_up_to_t_max():
    members = CHAINS[0]
    chain = lrlessons.curve("ChainedScheduler", 91, schedulers=members)
    product = 0.1 * np.prod([lrlessons.curve(n, 91, base_lr=1.0, **p) for n, p in members], axis=0)
    np.testing.assert_allclose(chain, product, rtol=1e-12, atol=1e-17)
    with_floor = lrlessons.curve("ChainedScheduler", 91, schedulers=CHAINS[1])
    floor_product = 0.1 * np.prod([lrlessons.curve(n, 91, base_lr=1.0, **p)
                                   for n, p in [CHAINS[1][0], ("CosineAnnealingLR",
                                                               dict(T_max=90, eta_min=0.1))]],
                                  axis=0)
    assert np.max(np.abs(with_floor - floor_product)) > 1e-5  # eta_min > 0: no plain product


@pytest.mark.parametrize("name, params", [
    ("LambdaLR", dict(lr_lambda=lambda t: 1 / (1 + t))),
    ("CyclicLR", dict(max_lr=0.5, step_size_up=5)),
    ("OneCycleLR", dict(max_lr=0.5, total_steps=60)),
    ("CosineAnnealingWarmRestarts", dict(T_0=10)),
])
def test_the_schedules_the_card_says_overwrite_do_overwrite_in_torch(name, params):
    """[ExponentialLR, X] in a torch ChainedScheduler gives X alone: X sets the lr outright."""
    import torch

    optimizer = lrlessons.make_optimizer(0.1)
    first = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.9)
    chain = torch.optim.lr_scheduler.ChainedScheduler(
        [first, lrlessons.torch_scheduler(name, optimizer, **params)], optimizer=optimizer)
    from lrlessons.torch_bridge import step_torch

    got = step_torch(optimizer, chain, 50)
    alone = lrlessons.torch_curve(name, 50, **params)
    np.testing.assert_allclose(got[1:], alone[1:], rtol=1e-9)
    assert not SCHEDULES[name].in_chain
    notes = SCHEDULES["ChainedScheduler"].notes
    assert name in notes.en.split("set the lr outright")[0].split("schedules' factors")[-1] \
        or name in notes.en.split("outright")[0]


def test_the_noam_card_states_the_peak_its_lines_give():
    import re

    peak = lrlessons.curve("NoamDecay", 4002).max()  # at step warmup_steps = 4000, lr 0.1
    en = SCHEDULES["NoamDecay"].notes.en
    stated = [float(x) for x in re.findall(r"≈ (\d+e-\d+)", en)]
    assert stated[0] == float(f"{peak:.0e}")
    assert stated[1] == float(f"{lrlessons.curve('NoamDecay', 4002, base_lr=1.0).max():.0e}")
    assert "0.1 * (512 * 4000)^-0.5" in en and lrlessons.card("NoamDecay").count("0.1") >= 2


def test_a_chain_torch_drives_below_zero_is_refused():
    """Past its trough the cosine scales lr - eta_min by a ratio above 1; when decays after it
    in the chain hold the lr below eta_min, torch's lr goes negative (step 46 here)."""
    from lrlessons.torch_bridge import step_torch

    optimizer = lrlessons.make_optimizer(0.1)
    scheduler = lrlessons.torch_scheduler("ChainedScheduler", optimizer, schedulers=CHAINS[2])
    assert step_torch(optimizer, scheduler, 60).min() < 0
    with pytest.raises(ValueError, match="at step 46"):
        lrlessons.curve("ChainedScheduler", 60, schedulers=CHAINS[2])
