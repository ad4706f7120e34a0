"""A training run small enough to repeat on every slider move: a 3-class spiral and an MLP.

The task is generated with numpy (no download) and the run is deterministic: the same seed gives
the same numbers, bit for bit, so a committed notebook's outputs reproduce. ``Run.lrs`` is the
learning rate the optimizer really used at every step, read from ``param_groups`` just before
``optimizer.step()``, so a lesson can put it next to ``curve()`` and see them agree.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import torch
from matplotlib.ticker import FuncFormatter, MaxNLocator
from torch import nn

from .catalogue import check_base_lr, get
from .params import Param, fail
from .plotting import colors, label, plot_text, set_lr_axis, style_axes, subplots
from .torch_bridge import torch_scheduler

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

STEP_PER = ("epoch", "iteration")
# The data a run trains on: the generated spiral, or scikit-learn's bundled handwritten digits
# (lesson 10: real data no one here made). task -> (inputs, classes) of the MLP.
TASKS = {"spiral": (2, CLASSES), "digits": (64, 10)}


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


def digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 1,797 handwritten digits (8x8 grey images, read from the installed
    package: no download): (x float32 [n, 64] scaled to [0, 1], y int64 in 0-9)."""
    from sklearn.datasets import load_digits

    data = load_digits()
    return (data.data / 16.0).astype(np.float32), data.target.astype(np.int64)


@lru_cache(maxsize=len(TASKS))
def _tensors(task: str = "spiral"):
    # Built once per session: every run trains on the very same data.
    x_tr, y_tr, x_te, y_te = train_test_split(*(spiral() if task == "spiral" else digits()))
    return tuple(torch.from_numpy(a) for a in (x_tr, y_tr, x_te, y_te))


def make_model(seed: int = 0, hidden: int = HIDDEN, task: str = "spiral") -> nn.Module:
    """The MLP, initialised from ``seed``: 2-64-64-3 for the spiral, 64-64-64-10 for the
    digits."""
    inputs, classes = TASKS[task]
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(inputs, hidden), nn.ReLU(), nn.Linear(hidden, hidden),
                         nn.ReLU(), nn.Linear(hidden, classes))


# --- a run ------------------------------------------------------------------------------------


@dataclass
class Run:
    """What one training run produced.

    ``loss`` is the mean training loss of each epoch, ``val_loss``/``accuracy`` are measured on the
    held-out points after each epoch, ``lrs`` holds the lr of every optimizer step (length
    ``epochs * batches_per_epoch`` unless the run diverged and stopped early) and ``momenta`` the
    momentum (SGD, RMSprop) or beta1 (Adam, AdamW) beside it, NaN for Adagrad; both read from
    ``optimizer.param_groups`` just before each ``optimizer.step()``. ``step_losses`` is the
    training loss of each optimizer step's batch, measured before that step; ``stopped`` says the
    run ended early because a step's loss passed ``stop_factor`` (the LR range test's stop).
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
    momenta: np.ndarray = field(default_factory=lambda: np.zeros(0))
    optimizer: str = "sgd"
    diverged: bool = False
    step_losses: np.ndarray = field(default_factory=lambda: np.zeros(0))
    stopped: bool = False
    seconds: float = field(default=0.0, compare=False)
    rule: str | None = None  # the name of the on_epoch_end function that set the lr, if any

    def scheduled(self) -> np.ndarray:
        """What ``curve()`` says the lr of every optimizer step of this run should be: the lr
        the run recorded in ``lrs`` must equal it."""
        from .catalogue import curve

        n_calls = len(self.loss) if self.step_per == "epoch" else len(self.lrs)
        if self.schedule is None:
            per_call = np.full(n_calls, self.base_lr)
        else:
            params = dict(self.params)
            if get(self.schedule).metric:
                params["metrics"] = list(self.val_loss)
            per_call = curve(self.schedule, n_calls, base_lr=self.base_lr, **params)
        if self.step_per == "epoch":
            per_call = np.repeat(per_call, self.batches_per_epoch)
        return per_call[:len(self.lrs)]

    @property
    def final_accuracy(self) -> float:
        return float(self.accuracy[-1]) if len(self.accuracy) else float("nan")

    @property
    def lr_budget(self) -> float:
        """The sum of the learning rates of every optimizer step: how far a schedule lets
        training travel in total."""
        return float(np.sum(self.lrs))

    @property
    def label(self) -> str:
        name = self.schedule or self.rule or plot_text("constant", "恒定学习率")
        shown = {k: v for k, v in self.params.items() if not callable(v)}
        inner = ", ".join(f"{k}={_short(v)}" for k, v in shown.items())
        # A schedule that sets its own peak shows it among its arguments: no second max_lr.
        own_peak = "max_lr" in self.params and not get(self.schedule).uses_base_lr
        lr = "" if own_peak and inner else (
            f"max_lr={_short(self.params['max_lr'])}" if own_peak else f"lr={_short(self.base_lr)}")
        per = "" if self.step_per == "epoch" else plot_text(", per iteration", "，每次迭代")
        opt = "" if self.optimizer == "sgd" else f" {OPTIMIZERS[self.optimizer]}"
        text = f"{name}({inner})" if inner else name
        return " ".join(t for t in (text, lr) if t) + per + opt


# The optimizers a run can use; the keyword arguments each takes from train().
OPTIMIZERS = {"sgd": "SGD", "adam": "Adam", "adamw": "AdamW", "rmsprop": "RMSprop",
              "adagrad": "Adagrad"}
_EPOCHS = Param("epochs", EPOCHS, "int", "epochs of the run", "训练的 epoch 数", 1, 10_000)
_BATCH = Param("batch_size", BATCH_SIZE, "int", "points per batch", "每个 batch 的样本数", 1, None)
_MOMENTUM = Param("momentum", MOMENTUM, "float", "momentum (SGD, RMSprop)", "动量（SGD、RMSprop）",
                  0.0, 1.0, high_open=True)
_BETAS = Param("betas", (0.9, 0.999), "floats", "Adam's (beta1, beta2)", "Adam 的 (beta1, beta2)",
               0.0, 1.0, high_open=True)
_DECAY = Param("weight_decay", 0.0, "float", "weight decay", "权重衰减", 0.0, None)
_ACCUMULATE = Param("accumulate", 1, "int", "micro-batches per optimizer step",
                    "每次迭代累积的 micro-batch 数", 1, 1000)
_OPTIMIZER = Param("optimizer", "sgd", "choice", "optimizer", "优化器", choices=tuple(OPTIMIZERS))
_STEP_PER = Param("step_per", "epoch", "choice", "when scheduler.step() is called",
                  "何时调用 scheduler.step()", choices=STEP_PER)
_STOP = Param("stop_factor", None, "float", "stop once a step's loss exceeds this many times the "
              "lowest so far", "某一步的损失超过迄今最低损失的这么多倍时停止", 1.0, None,
              low_open=True, optional=True)
_TASK = Param("task", "spiral", "choice", "the data set a run trains on", "训练所用的数据集",
              choices=tuple(TASKS))


def build_optimizer(name: str, parameters, lr: float, momentum: float = MOMENTUM,
                   betas=(0.9, 0.999), weight_decay: float = 0.0):
    """The torch optimizer ``name`` (a key of ``OPTIMIZERS``) with these settings."""
    name = _OPTIMIZER.check(name)
    if name == "sgd":
        return torch.optim.SGD(parameters, lr=lr, momentum=momentum, weight_decay=weight_decay)
    if name == "rmsprop":
        return torch.optim.RMSprop(parameters, lr=lr, momentum=momentum,
                                   weight_decay=weight_decay)
    if name == "adagrad":
        return torch.optim.Adagrad(parameters, lr=lr, weight_decay=weight_decay)
    cls = torch.optim.Adam if name == "adam" else torch.optim.AdamW
    return cls(parameters, lr=lr, betas=tuple(betas), weight_decay=weight_decay)


def _momentum_of(group: dict) -> float:
    if "betas" in group:
        return float(group["betas"][0])
    return float(group.get("momentum", math.nan))


def train(schedule: str | None = None, epochs: int = EPOCHS, base_lr: float = BASE_LR,
          batch_size: int = BATCH_SIZE, step_per: str = "epoch", seed: int = 0,
          momentum: float = MOMENTUM, optimizer: str = "sgd", betas=(0.9, 0.999),
          weight_decay: float = 0.0, accumulate: int = 1, stop_factor: float | None = None,
          on_epoch_end=None, task: str = "spiral", **params) -> Run | Runs:
    """Train the MLP on the spiral with ``schedule`` (a catalogue name; None: constant lr);
    ``task="digits"`` trains on scikit-learn's handwritten digits instead (lesson 10).

    ``step_per="epoch"`` calls ``scheduler.step()`` once after each epoch, ``"iteration"`` after
    every optimizer step. A metric-driven schedule (ReduceLROnPlateau) steps once per epoch with
    the validation loss. The run-length parameter of the schedule (``T_max``, ``total_steps``,
    ``num_training_steps``) defaults to the run's number of scheduler steps. ``optimizer`` is
    one of ``OPTIMIZERS`` (``momentum`` for SGD and RMSprop, ``betas`` for Adam and AdamW);
    ``accumulate=k`` adds up the gradients of k batches before each optimizer step.
    ``stop_factor=f`` ends the run at the first optimizer step whose loss is more than f times
    the lowest step loss so far, or not finite: the LR range test's stop (lrlessons.lr_range).
    ``on_epoch_end(losses, lrs)`` is called after each epoch (after the scheduler's step) with
    the training loss of every epoch so far and the lr each of them used; a number it returns
    becomes the lr of every parameter group (None keeps the lr): a rule of your own that reads
    the run's history, as a Keras callback does (lesson 07).

    ``seed`` seeds the initial weights and the batch order; a sequence of seeds (``range(5)``)
    trains once per seed and returns ``Runs``, whose curves are the medians over the seeds: a
    claim about training should hold over seeds, not for one lucky trajectory.

    The run uses one CPU thread (at this size more threads only add overhead, and a Binder seat
    has one CPU) and gives the caller's thread setting back when it ends.
    """
    if isinstance(seed, Iterable):
        seeds = [Param("seed", 0, "int", "", "", 0, None).check(s) for s in seed]
        if not seeds:
            raise fail("seed must be a number or a non-empty list of numbers",
                       "seed 必须是一个数或一个非空的数列")
        return Runs([train(schedule, epochs, base_lr, batch_size, step_per, s, momentum,
                           optimizer, betas, weight_decay, accumulate, stop_factor,
                           on_epoch_end=on_epoch_end, task=task, **params)
                     for s in seeds])
    epochs, batch_size = _EPOCHS.check(epochs), _BATCH.check(batch_size)
    momentum, optimizer = _MOMENTUM.check(momentum), _OPTIMIZER.check(optimizer)
    betas = _BETAS.check(betas)
    if len(betas) != 2:
        raise fail(f"betas must be two numbers (beta1, beta2), got {betas}",
                   f"betas 必须是两个数 (beta1, beta2)，你给出的是 {betas}")
    weight_decay, accumulate = _DECAY.check(weight_decay), _ACCUMULATE.check(accumulate)
    stop_factor, task = _STOP.check(stop_factor), _TASK.check(task)
    base_lr, step_per = check_base_lr(base_lr), _STEP_PER.check(step_per)
    x_tr, y_tr, x_te, y_te = _tensors(task)
    batches = -(-len(x_tr) // batch_size)
    steps_per_epoch = -(-batches // accumulate)
    spec = get(schedule) if schedule is not None else None
    if spec is not None and spec.metric and step_per != "epoch":
        raise fail(f"{spec.name} watches the validation loss, measured once per epoch: use "
                   f"step_per='epoch'",
                   f"{spec.name} 监控的是每个 epoch 测一次的验证损失：请用 step_per='epoch'")
    params = dict(params)
    if spec is not None and spec.run_length and params.get(spec.run_length) is None:
        params[spec.run_length] = epochs if step_per == "epoch" else epochs * steps_per_epoch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        model = make_model(seed, task=task)
        opt = build_optimizer(optimizer, model.parameters(), base_lr, momentum, betas,
                             weight_decay)
        scheduler = torch_scheduler(schedule, opt, **params) if spec is not None else None
        start = time.perf_counter()
        history = _fit(model, opt, scheduler, (x_tr, y_tr, x_te, y_te), epochs, batch_size,
                       accumulate, step_per, spec is not None and spec.metric, seed, stop_factor,
                       on_epoch_end)
        seconds = time.perf_counter() - start
    finally:
        torch.set_num_threads(threads)
    losses, val_losses, accs, lrs, momenta, diverged, step_losses, stopped = history
    return Run(schedule=schedule, params=params, base_lr=base_lr, epochs=epochs,
               step_per=step_per, seed=seed, batches_per_epoch=steps_per_epoch,
               loss=np.asarray(losses), val_loss=np.asarray(val_losses),
               accuracy=np.asarray(accs), lrs=np.asarray(lrs, dtype=np.float64),
               momenta=np.asarray(momenta, dtype=np.float64), optimizer=optimizer,
               diverged=diverged, step_losses=np.asarray(step_losses, dtype=np.float64),
               stopped=stopped, seconds=seconds,
               rule=getattr(on_epoch_end, "__name__", None) if on_epoch_end else None)


def _fit(model, optimizer, scheduler, data, epochs, batch_size, accumulate, step_per, metric,
         seed, stop_factor=None, on_epoch_end=None):
    """The training loop: the one loop of the course's runs."""
    x_tr, y_tr, x_te, y_te = data
    batches = -(-len(x_tr) // batch_size)
    shuffle = torch.Generator().manual_seed(seed)
    loss_fn = nn.CrossEntropyLoss()
    lrs, momenta, losses, val_losses, accs, step_losses = [], [], [], [], [], []
    epoch_lrs = []
    diverged = stopped = False
    lowest = math.inf
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(x_tr), generator=shuffle)
        total = pending = pending_n = 0.0
        for b in range(batches):
            idx = order[b * batch_size:(b + 1) * batch_size]
            loss = loss_fn(model(x_tr[idx]), y_tr[idx])
            if b % accumulate == 0:
                optimizer.zero_grad(set_to_none=True)
            (loss / accumulate if accumulate > 1 else loss).backward()
            summed = loss.item() * len(idx)
            total, pending, pending_n = total + summed, pending + summed, pending_n + len(idx)
            if (b + 1) % accumulate and b + 1 < batches:
                continue  # more micro-batches to add before this optimizer step
            step_losses.append(pending / pending_n)
            pending = pending_n = 0.0
            group = optimizer.param_groups[0]
            lrs.append(group["lr"])  # the lr this step really uses
            momenta.append(_momentum_of(group))
            optimizer.step()
            if scheduler is not None and step_per == "iteration":
                scheduler.step()
            lowest = min(lowest, step_losses[-1])
            if stop_factor is not None and not step_losses[-1] <= stop_factor * lowest:
                stopped = True  # blown up (or NaN): the range test has seen enough
                break
        if stopped:
            break
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
            scheduler.step(val) if metric else scheduler.step()
        if on_epoch_end is not None:
            epoch_lrs.append(lrs[-1])  # the lr of the epoch's last step
            _apply_rule(optimizer, on_epoch_end(list(losses), list(epoch_lrs)))
    return losses, val_losses, accs, lrs, momenta, diverged, step_losses, stopped


def _apply_rule(optimizer, lr) -> None:
    """Set the lr an ``on_epoch_end`` rule returned (None: keep it), refusing what no optimizer
    can use."""
    if lr is None:
        return
    if isinstance(lr, bool) or not isinstance(lr, (int, float, np.floating, np.integer)) \
            or not math.isfinite(lr) or lr <= 0:
        raise fail(f"on_epoch_end must return a learning rate > 0 or None, got {lr!r}",
                   f"on_epoch_end 必须返回大于 0 的学习率或 None，你给出的是 {lr!r}")
    for group in optimizer.param_groups:
        group["lr"] = float(lr)


# --- the figure -------------------------------------------------------------------------------


@dataclass
class Runs:
    """The same training run over several seeds: ``train(..., seed=range(5))`` returns one.

    Its curves are the medians over the seeds (``loss``, ``accuracy``, ``val_loss``); ``low``
    and ``high`` give the range, so a figure shows what holds over seeds rather than one
    trajectory. A run that diverged counts with NaN from the epoch it stopped.
    """

    runs: list

    def _stack(self, field_name: str) -> np.ndarray:
        longest = max(len(getattr(r, field_name)) for r in self.runs)
        out = np.full((len(self.runs), longest), np.nan)
        for i, r in enumerate(self.runs):
            values = getattr(r, field_name)
            out[i, :len(values)] = values
        return out

    def _median(self, field_name: str) -> np.ndarray:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN epochs after divergence
            return np.nanmedian(self._stack(field_name), axis=0)

    @property
    def loss(self) -> np.ndarray:
        return self._median("loss")

    @property
    def val_loss(self) -> np.ndarray:
        return self._median("val_loss")

    @property
    def accuracy(self) -> np.ndarray:
        return self._median("accuracy")

    def low(self, field_name: str) -> np.ndarray:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.nanmin(self._stack(field_name), axis=0)

    def high(self, field_name: str) -> np.ndarray:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.nanmax(self._stack(field_name), axis=0)

    @property
    def finals(self) -> np.ndarray:
        """Final validation accuracy of each seed (NaN for a run that diverged)."""
        return np.array([np.nan if r.diverged else r.final_accuracy for r in self.runs])

    @property
    def final_accuracy(self) -> float:
        """The median final accuracy over the seeds (a diverged seed counts as 0)."""
        return float(np.median(np.nan_to_num(self.finals, nan=0.0)))

    @property
    def diverged(self) -> int:
        return sum(r.diverged for r in self.runs)

    @property
    def lrs(self) -> np.ndarray:
        return self.runs[0].lrs

    @property
    def batches_per_epoch(self) -> int:
        return self.runs[0].batches_per_epoch

    @property
    def label(self) -> str:
        return self.runs[0].label + plot_text(f" · {len(self.runs)} seeds",
                                              f" · {len(self.runs)} 个种子")


LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)))


# Colours for five runs or more: the palette's fifth (orange) beside its second (vermillion)
# reads as one colour, so black comes fifth.
_MANY = (0, 1, 2, 3, 6, 5, 4, 7)


def _run_colors(n: int) -> list[str]:
    palette = colors(8)
    return colors(n) if n <= 4 else [palette[_MANY[i % 8]] for i in range(n)]


def seed_note(runs) -> str:
    """Which seed the lr panel shows: a group over seeds draws its first seed's lrs, which is
    every seed's when they agree (a fixed schedule) but not when the lr follows the run (a
    plateau rule); single runs show their own seed."""
    groups = [r.runs if isinstance(r, Runs) else [r] for r in runs]
    if not groups:
        return ""
    alike = all(all(np.array_equal(g[0].lrs, r.lrs) for r in g[1:]) for g in groups)
    if alike and any(len(g) > 1 for g in groups):
        return plot_text(" (the same for every seed)", "（每个种子都相同）")
    shown = sorted({g[0].seed for g in groups})
    seeds = ", ".join(str(s) for s in shown)
    if alike:
        return plot_text(f" (seed {seeds})", f"（种子 {seeds}）")
    return plot_text(f" (line: seed {seeds}; band: all seeds)",
                     f"（线：种子 {seeds}；阴影：全部种子）")


def draw_runs(axes, runs, log_lr: bool | None = None) -> list:
    """Draw ``runs`` (``Run`` or ``Runs``) on three axes (loss, accuracy, lr used); a group over
    seeds is its median with its range shaded, and the lr panel's title says which seed it
    shows. ``log_lr``: a log lr axis (None: chosen from the curves). Returns the lines drawn."""
    ax_loss, ax_acc, ax_lr = axes
    lines, bands = [], []
    styles = LINESTYLES if len(runs) > 4 else ("-",)  # colour-blind safe: shape as well as hue
    lr_styles = _lr_styles(runs, styles)
    for i, (run, color) in enumerate(zip(runs, _run_colors(len(runs)))):
        ls = styles[i % len(styles)]
        ep = np.arange(1, len(run.loss) + 1)  # epoch k's loss and accuracy, measured at its end
        lines += ax_loss.plot(ep, run.loss, color=color, lw=1.6, ls=ls, label=run.label)
        lines += ax_acc.plot(ep, 100 * run.accuracy, color=color, lw=1.6, ls=ls)
        if isinstance(run, Runs):
            for ax, key, scale in ((ax_loss, "loss", 1.0), (ax_acc, "accuracy", 100.0)):
                ax.fill_between(ep, scale * run.low(key)[:len(ep)],
                                scale * run.high(key)[:len(ep)], color=color, alpha=0.18, lw=0)
        # Step t's lr holds over [t, t+1) batches: epoch k's over [k-1, k), ending where its
        # loss and accuracy are drawn.
        x = np.arange(len(run.lrs) + 1) / run.batches_per_epoch
        lines += ax_lr.plot(x, np.append(run.lrs, run.lrs[-1:]), color=color,
                            drawstyle="steps-post", **lr_styles[i])
        if isinstance(run, Runs) and not all(np.array_equal(run.lrs, r.lrs) for r in run.runs):
            # The lr follows each run (a plateau rule): the band shows every seed's.
            low, high = run.low("lrs"), run.high("lrs")
            xb = np.arange(len(low) + 1) / run.batches_per_epoch
            ax_lr.fill_between(xb, np.append(low, low[-1:]), np.append(high, high[-1:]),
                               step="post", color=color, alpha=0.18, lw=0)
            bands += [low[np.isfinite(low)], high[np.isfinite(high)]]
    _zoom_accuracy(ax_acc, runs)
    epochs = max([len(r.lrs) / r.batches_per_epoch for r in runs] + [len(r.loss) for r in runs])
    for ax in axes:  # one x for the three panels
        ax.set_xlim(0, max(epochs, 1))
    lrs = [np.asarray(r.lrs, dtype=float) for r in runs if len(r.lrs)]
    lrs += [b for b in bands if len(b)]
    set_lr_axis(ax_lr, lrs, log=_wants_log(lrs) if log_lr is None else log_lr)
    ax_lr.set_title(label("lr_used") + seed_note(runs))
    return lines


def _coincide(a: np.ndarray, b: np.ndarray) -> bool:
    """Two lr traces that one line would draw: the same length, equal to 1e-9 relative."""
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-9, atol=0.0, equal_nan=True))


def _lr_styles(runs, styles) -> list[dict]:
    """Line styles for the lr panel. A run whose lr trace coincides with earlier ones (Adagrad
    and RMSprop at 0.01) is drawn dashed on top of them, its dashes in its own slot of a shared
    cycle, and the first of them solid and wider, so every run stays visible."""
    traces = [np.asarray(r.lrs, dtype=float) for r in runs]
    same = [[runs[j].batches_per_epoch == runs[i].batches_per_epoch  # the same x as well
             and _coincide(traces[i], traces[j]) for j in range(i)] for i in range(len(runs))]
    rank = [sum(row) for row in same]
    covered = {j for row in same for j, hit in enumerate(row) if hit}
    slots = 1 + max(rank, default=0)
    out = []
    for i in range(len(runs)):
        ls = styles[i % len(styles)]
        if rank[i]:
            dash = 4.0
            out.append(dict(lw=1.6, ls=(dash * (slots - rank[i]), (dash, dash * (slots - 1)))))
        elif i in covered:
            out.append(dict(lw=2.8, ls=ls))
        else:
            out.append(dict(lw=1.6, ls=ls))
    return out


def _wants_log(lrs: list) -> bool:
    """A log lr axis when runs sit at levels far apart (constants 0.005 and 2), or when a
    staircase cuts by factors a linear axis flattens; smooth curves read better linearly."""
    if not lrs:
        return False
    tops = [float(np.max(a)) for a in lrs]
    if min(tops) > 0 and max(tops) > 30 * min(tops):
        return True
    stairs = [a for a in lrs if len(np.unique(a)) <= 8 and np.min(a) > 0]
    return any(float(np.max(a)) > 30 * float(np.min(a)) for a in stairs)


def _zoom_accuracy(ax, runs, start: bool = False) -> None:
    """An accuracy axis that shows the differences that matter: from a little below the lowest
    accuracy after the first fifth of training (``start``: from the first epoch) to a little
    above the highest."""
    seen = []
    for run in runs:
        acc = 100 * np.asarray(run.accuracy, dtype=float)
        first = 0 if start else len(acc) // 5
        later = acc[first:]
        if isinstance(run, Runs):
            later = np.concatenate([later, 100 * run.low("accuracy")[first:]])
        seen.append(later[np.isfinite(later)])
    values = np.concatenate(seen) if seen else np.zeros(0)
    if values.size == 0:
        ax.set_ylim(0, 100)
        return
    low = max(0.0, 5 * math.floor((values.min() - 2) / 5))
    ax.set_ylim(low, min(100.0, 2 * math.ceil((values.max() + 1) / 2)))


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
    ax_lr.set_title(label("lr_used"))
    ax_loss.set_xlabel(label("epoch_end"))
    ax_acc.set_xlabel(label("epoch_end"))
    ax_lr.set_xlabel(label("epoch_during"))
    for ax in axes:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole epochs: 0, 5, 10
        style_axes(ax)


def plot_spiral():
    """The task: the three spiral arms, training points filled, held-out points hollow."""
    import matplotlib.pyplot as plt

    x_tr, y_tr, x_te, y_te = train_test_split(*spiral())
    fig, ax = subplots(figsize=(4.2, 4.0), layout="constrained")
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


def plot_run(runs, title: str | None = None, log_lr: bool | None = None,
             start: bool = False):
    """Static 3-panel figure (training loss, validation accuracy, lr used) of one or more runs;
    a ``Runs`` (one setting over several seeds) shows its median and its range. ``log_lr``: a
    log lr axis (None: chosen from the curves); ``start``: the accuracy axis shows the first
    epochs too (by default it zooms in on the rest)."""
    import matplotlib.pyplot as plt

    runs = [runs] if isinstance(runs, (Run, Runs)) else list(runs)
    fig, axes = subplots(1, 3, figsize=(12, 3.6), layout="constrained")
    setup_run_axes(axes)
    draw_runs(axes, runs, log_lr=log_lr)
    if start:
        _zoom_accuracy(axes[1], runs, start=True)
    if any(r.diverged for r in runs):
        axes[0].text(0.98, 0.95, plot_text("diverged (NaN): stopped", "发散（NaN）：已停止"),
                     transform=axes[0].transAxes, ha="right", va="top", color="#b2182b")
    wide = max(len(r.label) for r in runs) > 40  # long labels: two columns fit the width
    fig.legend(loc="outside lower center", ncol=min(len(runs), 2 if wide else 3),
               frameon=False)
    if title:
        fig.suptitle(title)
    plt.close(fig)  # returned, displayed once by the notebook
    return fig


def _short(v) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


__all__ = ["Run", "Runs", "make_model", "plot_run", "plot_spiral", "spiral",
           "suggested_step_per", "train", "train_test_split"]
