"""Real torch schedulers for every catalogue entry, and the curve obtained by stepping them.

PyTorch entries get torch's own class. Paddle and Hugging Face entries get a small
``LRScheduler`` subclass of ours whose ``get_lr`` is the catalogue's closed form: a real scheduler
(not a LambdaLR around a closure), so ``state_dict()``/``load_state_dict()`` round-trip and a
resumed run continues the identical curve.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.optim import lr_scheduler

from .catalogue import SCHEDULES, check_base_lr, check_finite, check_steps, evaluate, get, resolve
from .frameworks import run, write
from .params import fail


class CatalogueLR(lr_scheduler.LRScheduler):
    """Base of our schedulers for entries torch has no class for: the lr is the catalogue's
    closed form at ``last_epoch``."""

    entry: str = ""

    def __init__(self, optimizer, last_epoch: int = -1, **params):
        spec = SCHEDULES[self.entry]
        self.params = resolve(spec, params)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        spec, t = SCHEDULES[self.entry], np.array([self.last_epoch], dtype=np.int64)
        return [float(evaluate(spec, t, base, self.params)[0]) for base in self.base_lrs]


def _our_class(name: str) -> type[CatalogueLR]:
    doc = f"{name} ({SCHEDULES[name].owner}) as a torch scheduler: {SCHEDULES[name].summary.en}"
    return type(name, (CatalogueLR,), {"entry": name, "__doc__": doc, "__module__": __name__})


OUR_SCHEDULERS = {n: _our_class(n) for n, s in SCHEDULES.items() if s.owner != "pytorch"}
globals().update(OUR_SCHEDULERS)  # importable by name, so pickled checkpoints resolve


def torch_scheduler(name: str, optimizer, **params):
    """A real torch scheduler for catalogue entry ``name`` on ``optimizer``.

    PyTorch entries run the very line their card shows (``lrlessons.code(name)``); Paddle and
    Hugging Face entries get our ``CatalogueLR`` subclass of the same name. SequentialLR and
    ChainedScheduler take ``schedulers=[(name, params), ...]``, built on the same optimizer. A
    metric-driven entry (ReduceLROnPlateau) ignores ``metrics=`` here: pass each value to
    ``step()``.
    """
    spec = get(name)
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise fail(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}",
                   f"optimizer 必须是 torch.optim.Optimizer，你给出的是 {type(optimizer).__name__}",
                   TypeError)
    group = optimizer.param_groups[0]
    base_lr = check_base_lr(group.get("initial_lr", group["lr"]))  # a warm-up may have set 0
    if spec.metric:
        params = {"metrics": [], **params}
    p = resolve(spec, params)
    if spec.owner != "pytorch":
        return OUR_SCHEDULERS[spec.name](optimizer, **params)
    if spec.members:
        members = [torch_scheduler(n, optimizer, **mp) for n, mp in params["schedulers"]]
        if spec.members == "chain":
            return lr_scheduler.ChainedScheduler(members, optimizer=optimizer)
        return lr_scheduler.SequentialLR(optimizer, members, milestones=p["milestones"])
    return run(write(spec, "pytorch", base_lr, p), optimizer)


def make_optimizer(base_lr: float = 0.1, params=None):
    """SGD with momentum (CyclicLR and OneCycleLR cycle momentum) on a dummy parameter."""
    params = [torch.zeros(1, requires_grad=True)] if params is None else params
    return torch.optim.SGD(params, lr=check_base_lr(base_lr), momentum=0.9)


def torch_curve(name: str, steps: int, base_lr: float = 0.1, **params) -> np.ndarray:
    """``curve()`` obtained by really stepping torch: optimizer.step(), then scheduler.step(),
    recording ``param_groups[0]["lr"]`` before each optimizer step."""
    spec = get(name)
    steps = check_steps(steps)
    resolve(spec, params, steps)  # the same errors as curve(), before torch sees anything
    optimizer = make_optimizer(base_lr)
    scheduler = torch_scheduler(name, optimizer, **params)
    out = step_torch(optimizer, scheduler, steps, params.get("metrics"))
    return check_finite(name, out, rounding=1e-12 * np.nanmax(np.abs(out), initial=0.0))


def step_torch(optimizer, scheduler, steps: int, metrics=None, key: str = "lr") -> np.ndarray:
    """Step any torch scheduler as a training loop does (optimizer.step(), then
    scheduler.step(), with the metric for a metric-driven one), recording
    ``param_groups[0][key]`` before each optimizer step (``key="momentum"``: the momentum that
    CyclicLR and OneCycleLR cycle)."""
    out = np.empty(steps)
    for t in range(steps):
        out[t] = optimizer.param_groups[0][key]
        if t == steps - 1:
            break
        optimizer.step()
        if metrics is not None:
            scheduler.step(metrics[t])
        else:
            scheduler.step()
    return out


def torch_momenta(name: str, steps: int, base_lr: float = 0.1, **params) -> np.ndarray:
    """The momentum of each step when torch's own scheduler runs on SGD with momentum 0.9, read
    from ``param_groups[0]["momentum"]`` as ``torch_curve`` reads the lr: CyclicLR and OneCycleLR
    move it opposite to the lr (``cycle_momentum=True``), every other schedule leaves 0.9."""
    spec = get(name)
    steps = check_steps(steps)
    resolve(spec, params, steps)
    optimizer = make_optimizer(base_lr)
    scheduler = torch_scheduler(name, optimizer, **params)
    return step_torch(optimizer, scheduler, steps, params.get("metrics"), key="momentum")


def wrong_order_curve(name: str, steps: int, base_lr: float = 0.1, **params) -> np.ndarray:
    """The lr each optimizer step really uses when the loop calls ``scheduler.step()`` BEFORE
    ``optimizer.step()``: step t trains with the value meant for step t + 1, so the value meant
    for step 0 is skipped. torch warns about this order; the warning is caught here, the curve is
    the lesson."""
    import warnings

    spec = get(name)
    steps = check_steps(steps)
    # steps values need steps scheduler calls (and, for a metric, steps values of it)
    resolve(spec, params, steps + 1 if spec.metric else steps)
    optimizer = make_optimizer(base_lr)
    scheduler = torch_scheduler(name, optimizer, **params)
    metrics = params.get("metrics")
    out = np.empty(steps)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Detected call of `lr_scheduler.step")
        for t in range(steps):
            scheduler.step(metrics[t]) if metrics is not None else scheduler.step()
            out[t] = optimizer.param_groups[0]["lr"]
            optimizer.step()
    return out


__all__ = ["CatalogueLR", "OUR_SCHEDULERS", "make_optimizer", "step_torch", "torch_curve",
           "torch_momenta", "torch_scheduler", "wrong_order_curve",
           *OUR_SCHEDULERS]
