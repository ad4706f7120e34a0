"""A training run small enough to repeat on every slider move: a 3-class spiral and an MLP.

The task is generated with numpy (no download) and the run is deterministic: the same seed gives
the same numbers, bit for bit, so a committed notebook's outputs reproduce. ``Run.lrs`` is the
learning rate the optimizer really used at every step, read from ``param_groups`` just before
``optimizer.step()``, so a lesson can put it next to ``curve()`` and see them agree.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import torch
from matplotlib.ticker import FuncFormatter
from torch import nn

from .catalogue import check_base_lr, get
from .params import Param, fail
from .plotting import colors, label, plot_text, style_axes
from .torch_bridge import torch_scheduler

torch.set_num_threads(1)  # Binder has one CPU; threads only add overhead at this size.

POINTS = 1500
CLASSES = 3
NOISE = 0.5  # arms overlap a little: a constant high lr keeps bouncing, a decayed one settles
DATA_SEED = 0  # the task is fixed; `seed` in train() varies the initial weights and batch order
VAL_FRACTION = 0.2

BASE_LR = 0.5
EPOCHS = 60
BATCH_SIZE = 100
MOMENTUM = 0.9
HIDDEN = 64

# Parameters that say how long the schedule runs: when the learner leaves them out, the run fills
# in its own length (scheduler steps), as the torch docs recommend for these.
RUN_LENGTH_PARAMS = ("T_max", "total_steps", "num_training_steps")
STEP_PER = ("epoch", "iteration")

# Starting values that suit a 60-epoch run of this task (the catalogue's defaults suit the
# frameworks' docs), and how often each schedule is stepped here by default.
SUGGESTED: dict[str, dict] = {
    "StepLR": dict(step_size=20),
    "MultiStepLR": dict(milestones=[30, 45]),
    "ConstantLR": dict(factor=0.2, total_iters=10),
    "LinearLR": dict(start_factor=0.1, total_iters=10),
    "ExponentialLR": dict(gamma=0.95),
    "PolynomialLR": dict(total_iters=60),
    "CosineAnnealingWarmRestarts": dict(T_0=10, T_mult=2),
    "CyclicLR": dict(max_lr=1.0, step_size_up=60, mode="triangular2"),
    "OneCycleLR": dict(max_lr=1.0),
    "ReduceLROnPlateau": dict(factor=0.3, patience=3),
    "PiecewiseDecay": dict(boundaries=[30, 45], values=[0.5, 0.05, 0.005]),
    "NaturalExpDecay": dict(gamma=0.05),
    "InverseTimeDecay": dict(gamma=0.1),
    "PolynomialDecay": dict(decay_steps=60, end_lr=0.001),
    "LinearWarmup": dict(warmup_steps=5, start_lr=0.0, end_lr=0.5),
    "WarmupLinear": dict(num_warmup_steps=60),
    "WarmupCosine": dict(num_warmup_steps=60),
    "InverseSqrt": dict(num_warmup_steps=60),
    "WarmupStableDecay": dict(num_warmup_steps=60, num_stable_steps=360, num_decay_steps=300),
}
# Schedules a learner can pick in the training explorer (the others need code: a function or
# member schedules).
TRAINABLE = (None, "StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR",
             "PolynomialLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts", "CyclicLR",
             "OneCycleLR", "ReduceLROnPlateau", "PiecewiseDecay", "NaturalExpDecay",
             "InverseTimeDecay", "PolynomialDecay", "LinearWarmup", "WarmupLinear",
             "WarmupCosine", "InverseSqrt", "WarmupStableDecay")


def suggested_step_per(schedule: str | None) -> str:
    """How often ``schedule`` is stepped in the playground unless the learner says otherwise."""
    return "epoch" if schedule is None else get(schedule).unit


# --- the task ---------------------------------------------------------------------------------


def spiral(points: int = POINTS, classes: int = CLASSES, noise: float = NOISE,
           seed: int = DATA_SEED) -> tuple[np.ndarray, np.ndarray]:
    """``points`` 2-D points on ``classes`` interleaved spiral arms: (x float32 [n, 2], y int64)."""
    rng = np.random.default_rng(seed)
    per = points // classes
    xs, ys = [], []
    for k in range(classes):
        r = np.linspace(0.05, 1.0, per)
        theta = np.linspace(k * 4.0, (k + 1) * 4.0, per) + rng.normal(0.0, noise, per)
        xs.append(np.column_stack([r * np.sin(theta), r * np.cos(theta)]))
        ys.append(np.full(per, k))
    return np.concatenate(xs).astype(np.float32), np.concatenate(ys).astype(np.int64)


def train_test_split(x: np.ndarray, y: np.ndarray, test_fraction: float = VAL_FRACTION,
                     seed: int = DATA_SEED):
    """A shuffled split: (x_train, y_train, x_test, y_test)."""
    order = np.random.default_rng(seed).permutation(len(x))
    n_test = int(round(len(x) * test_fraction))
    test, tr_ = order[:n_test], order[n_test:]
    return x[tr_], y[tr_], x[test], y[test]


@lru_cache(maxsize=1)
def _tensors():
    # Built once per session: every run trains on the very same data.
    x_tr, y_tr, x_te, y_te = train_test_split(*spiral())
    return tuple(torch.from_numpy(a) for a in (x_tr, y_tr, x_te, y_te))


def make_model(seed: int = 0, hidden: int = HIDDEN) -> nn.Module:
    """The 2-hidden-64-hidden-3 MLP, initialised from ``seed``."""
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                         nn.Linear(hidden, CLASSES))


# --- a run ------------------------------------------------------------------------------------


@dataclass
class Run:
    """What one training run produced.

    ``loss`` is the mean training loss of each epoch, ``val_loss``/``accuracy`` are measured on the
    held-out points after each epoch, ``lrs`` holds the lr of every optimizer step (length
    ``epochs * batches_per_epoch`` unless the run diverged and stopped early).
    """

    schedule: str | None
    params: dict
    base_lr: float
    epochs: int
    step_per: str
    seed: int
    batches_per_epoch: int
    loss: np.ndarray
    val_loss: np.ndarray
    accuracy: np.ndarray
    lrs: np.ndarray
    diverged: bool = False
    seconds: float = field(default=0.0, compare=False)

    def scheduled(self) -> np.ndarray:
        """What ``curve()`` says the lr of every optimizer step of this run should be: the lr
        the run recorded in ``lrs`` must equal it."""
        from .catalogue import curve

        n_calls = len(self.loss) if self.step_per == "epoch" else len(self.lrs)
        if self.schedule is None:
            per_call = np.full(n_calls, self.base_lr)
        else:
            params = dict(self.params)
            if self.schedule == "ReduceLROnPlateau":
                params["metrics"] = list(self.val_loss)
            per_call = curve(self.schedule, n_calls, base_lr=self.base_lr, **params)
        if self.step_per == "epoch":
            per_call = np.repeat(per_call, self.batches_per_epoch)
        return per_call[:len(self.lrs)]

    @property
    def final_accuracy(self) -> float:
        return float(self.accuracy[-1]) if len(self.accuracy) else float("nan")

    @property
    def label(self) -> str:
        name = self.schedule or plot_text("constant", "恒定")
        shown = {k: v for k, v in self.params.items() if not callable(v)}
        inner = ", ".join(f"{k}={_short(v)}" for k, v in shown.items())
        lr = f"max_lr={_short(self.params['max_lr'])}" if "max_lr" in self.params and \
            not get(self.schedule).uses_base_lr else f"lr={_short(self.base_lr)}"
        per = "" if self.step_per == "epoch" else plot_text(", per batch", "，按 batch")
        return f"{name}({inner}) {lr}{per}" if inner else f"{name} {lr}{per}"


def train(schedule: str | None = None, epochs: int = EPOCHS, base_lr: float = BASE_LR,
          batch_size: int = BATCH_SIZE, step_per: str = "epoch", seed: int = 0,
          momentum: float = MOMENTUM, **params) -> Run:
    """Train the MLP on the spiral with ``schedule`` (a catalogue name; None: constant lr).

    ``step_per="epoch"`` calls ``scheduler.step()`` once after each epoch, ``"iteration"`` after
    every batch. ReduceLROnPlateau steps once per epoch with the validation loss. ``T_max``,
    ``total_steps`` and ``num_training_steps`` default to the run's number of scheduler steps.
    """
    epochs = Param("epochs", EPOCHS, "int", "", "", 1, 10_000).check(epochs)
    batch_size = Param("batch_size", BATCH_SIZE, "int", "", "", 1, None).check(batch_size)
    momentum = Param("momentum", MOMENTUM, "float", "", "", 0.0, 1.0, high_open=True).check(momentum)
    base_lr = check_base_lr(base_lr)
    if step_per not in STEP_PER:
        raise fail(f"step_per must be 'epoch' or 'iteration', got {step_per!r}",
                   f"step_per 必须是 'epoch' 或 'iteration'，收到 {step_per!r}")
    x_tr, y_tr, x_te, y_te = _tensors()
    batches = -(-len(x_tr) // batch_size)
    spec = get(schedule) if schedule is not None else None
    plateau = spec is not None and spec.name == "ReduceLROnPlateau"
    if plateau and step_per != "epoch":
        raise fail("ReduceLROnPlateau watches the validation loss, measured once per epoch: use "
                   "step_per='epoch'",
                   "ReduceLROnPlateau 监控的是每个 epoch 测一次的验证损失：请用 step_per='epoch'")
    params = dict(params)
    if spec is not None:
        run_steps = epochs if step_per == "epoch" else epochs * batches
        for name in RUN_LENGTH_PARAMS:
            if any(p.name == name for p in spec.params) and params.get(name) is None:
                params[name] = run_steps

    model = make_model(seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=base_lr, momentum=momentum)
    scheduler = torch_scheduler(schedule, optimizer, **params) if spec is not None else None
    shuffle = torch.Generator().manual_seed(seed)
    loss_fn = nn.CrossEntropyLoss()

    start = time.perf_counter()
    lrs, losses, val_losses, accs = [], [], [], []
    diverged = False
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(x_tr), generator=shuffle)
        total = 0.0
        for b in range(batches):
            idx = order[b * batch_size:(b + 1) * batch_size]
            loss = loss_fn(model(x_tr[idx]), y_tr[idx])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            lrs.append(optimizer.param_groups[0]["lr"])  # the lr this step really uses
            optimizer.step()
            total += loss.item() * len(idx)
            if scheduler is not None and step_per == "iteration":
                scheduler.step()
        model.eval()
        with torch.no_grad():
            logits = model(x_te)
            val = loss_fn(logits, y_te).item()
            acc = (logits.argmax(1) == y_te).float().mean().item()
        losses.append(total / len(x_tr))
        val_losses.append(val)
        accs.append(acc)
        if not (np.isfinite(losses[-1]) and np.isfinite(val)):
            diverged = True  # nothing more to learn from NaN weights
            break
        if scheduler is not None and step_per == "epoch":
            scheduler.step(val) if plateau else scheduler.step()
    return Run(schedule=schedule, params={k: v for k, v in params.items()}, base_lr=base_lr,
               epochs=epochs, step_per=step_per, seed=seed, batches_per_epoch=batches,
               loss=np.asarray(losses), val_loss=np.asarray(val_losses),
               accuracy=np.asarray(accs), lrs=np.asarray(lrs, dtype=np.float64),
               diverged=diverged, seconds=time.perf_counter() - start)


# --- the figure -------------------------------------------------------------------------------


def draw_runs(axes, runs) -> list:
    """Draw ``runs`` on three axes (loss, accuracy, lr used); returns the lines drawn."""
    ax_loss, ax_acc, ax_lr = axes
    lines = []
    for run, color in zip(runs, colors(len(runs))):
        ep = np.arange(1, len(run.loss) + 1)
        lines += ax_loss.plot(ep, run.loss, color=color, lw=1.6, label=run.label)
        lines += ax_acc.plot(ep, 100 * run.accuracy, color=color, lw=1.6)
        x = np.arange(len(run.lrs) + 1) / run.batches_per_epoch
        lines += ax_lr.plot(x, np.append(run.lrs, run.lrs[-1:]), color=color, lw=1.6,
                            drawstyle="steps-post")
    return lines


def _plain_log_label(v: float, _pos=None) -> str:
    if v <= 0:
        return ""
    mantissa = round(v / 10 ** math.floor(math.log10(v)), 6)
    return f"{v:g}" if mantissa in (1, 2, 5) else ""


PLAIN_LOG = FuncFormatter(_plain_log_label)


def setup_run_axes(axes) -> None:
    ax_loss, ax_acc, ax_lr = axes
    ax_loss.set_yscale("log")
    # Plain numbers (0.1, 0.2, 0.5, 1) on the log axis: easier to read than 2 x 10^-1.
    ax_loss.yaxis.set_major_formatter(PLAIN_LOG)
    ax_loss.yaxis.set_minor_formatter(PLAIN_LOG)
    ax_loss.set_title(label("train_loss"))
    ax_acc.set_title(label("val_accuracy"))
    ax_acc.set_ylim(0, 100)
    ax_lr.set_title(label("lr_used"))
    for ax in axes:
        ax.set_xlabel(label("epoch"))
        style_axes(ax)


def plot_spiral():
    """The task: the three spiral arms, training points filled, held-out points hollow."""
    import matplotlib.pyplot as plt

    x_tr, y_tr, x_te, y_te = train_test_split(*spiral())
    fig, ax = plt.subplots(figsize=(4.2, 4.0), layout="constrained")
    for k, color in zip(range(CLASSES), colors(CLASSES)):
        ax.scatter(*x_tr[y_tr == k].T, s=7, color=color, alpha=0.7,
                   label=plot_text(f"class {k}", f"类别 {k}"))
        ax.scatter(*x_te[y_te == k].T, s=12, facecolors="none", edgecolors=color, lw=0.8)
    ax.set_aspect("equal")
    ax.set_title(plot_text(f"{len(x_tr)} training points (filled), {len(x_te)} held out (hollow)",
                           f"{len(x_tr)} 个训练点（实心），{len(x_te)} 个验证点（空心）"),
                 fontsize=9)
    ax.legend(frameon=False, fontsize=8, loc="upper right")
    style_axes(ax)
    plt.close(fig)
    return fig


def plot_run(runs, title: str | None = None):
    """Static 3-panel figure (training loss, validation accuracy, lr used) of one or more runs."""
    import matplotlib.pyplot as plt

    runs = [runs] if isinstance(runs, Run) else list(runs)
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6), layout="constrained")
    setup_run_axes(axes)
    draw_runs(axes, runs)
    if any(r.diverged for r in runs):
        axes[0].text(0.98, 0.95, plot_text("diverged (NaN): stopped", "发散（NaN）：已停止"),
                     transform=axes[0].transAxes, ha="right", va="top", color="#b2182b")
    fig.legend(loc="outside lower center", ncol=min(len(runs), 3), frameon=False)
    if title:
        fig.suptitle(title)
    plt.close(fig)  # returned, displayed once by the notebook
    return fig


def _short(v) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


__all__ = ["SUGGESTED", "TRAINABLE", "Run", "make_model", "plot_run", "plot_spiral", "spiral",
           "suggested_step_per", "train", "train_test_split"]
