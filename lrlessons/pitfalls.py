"""Lesson 09's helpers: run a training loop on a real torch optimizer and scheduler and record
the lr it used, with the warnings torch gave; draw a pitfall wrong against right; resume a run
from a checkpoint; the steps per epoch of data-parallel training, from torch's own sampler.

The loops themselves are the lesson's code (a broken loop is the subject of a pitfall); these
helpers carry only the plumbing around them.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import torch

from .catalogue import check_base_lr
from .i18n import tr
from .params import Param, fail
from .torch_bridge import make_optimizer, torch_scheduler


@dataclass(frozen=True)
class Recorded:
    """What a loop returned (``lrs``: the lr of each optimizer step, one column per parameter
    group when it recorded several) and the warnings torch gave while it ran."""

    lrs: np.ndarray
    warnings: tuple[str, ...]


def watch(fn: Callable, *args, **kwargs) -> Recorded:
    """Run ``fn(*args, **kwargs)``, keeping every warning instead of printing it: a notebook
    shows them as a value. ``fn`` returns the lrs it recorded."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn(*args, **kwargs)
    seen = tuple(dict.fromkeys(str(w.message) for w in caught))  # each message once, in order
    return Recorded(np.asarray(out, dtype=float), seen)


def record(loop: Callable, name: str, *args, base_lr: float = 0.1, groups=None,
           **params) -> Recorded:
    """Run ``loop(optimizer, scheduler, *args)`` on SGD (momentum 0.9) with the real torch
    scheduler of catalogue entry ``name``; ``loop`` returns the lr it read from
    ``optimizer.param_groups`` before each ``optimizer.step()``. ``groups=[lr, ...]`` gives the
    optimizer one parameter group per lr (a backbone and a head), else one group at
    ``base_lr``."""
    if groups is None:
        optimizer = make_optimizer(check_base_lr(base_lr))
    else:
        optimizer = torch.optim.SGD([{"params": [torch.zeros(1, requires_grad=True)],
                                      "lr": check_base_lr(lr)} for lr in groups], momentum=0.9)
    return watch(loop, optimizer, torch_scheduler(name, optimizer, **params), *args)


def spiral_batches(steps: int, batch_size: int = 100, seed: int = 0) -> Iterator:
    """``steps`` batches (x, y) of the playground's training points, reshuffled every pass."""
    from .playground import _tensors

    x, y = _tensors()[:2]
    order = torch.Generator().manual_seed(seed)
    done = 0
    while True:
        perm = torch.randperm(len(x), generator=order)
        for start in range(0, len(x), batch_size):
            if done == steps:
                return
            idx = perm[start:start + batch_size]
            yield x[idx], y[idx]
            done += 1


def plot_pitfall(intended, wrong, right, x: str = "step", log: bool = False, wrong_label=None,
                 right_label=None, start: int = 0):
    """Two panels side by side, on one lr axis: the lr a wrong loop used against the intended
    curve, then the fixed loop's against the same curve (a match shows as one line). ``start``:
    the step the arrays begin at (the x-axis is numbered from it)."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    from .plotting import plot_lrs, set_lr_axis, subplots

    fig, axes = subplots(1, 2, figsize=(11, 3.4), sharey=True, layout="constrained")
    labels = (wrong_label or ("wrong loop", "错误的循环"), right_label or ("fixed loop", "改正后的循环"))
    for ax, used, title in zip(axes, (wrong, right), labels):
        plot_lrs({"intended": intended, "used": used}, ax=ax, log=log, title=title, x=x)
        if start:
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v + start:g}"))
    # One lr axis for both panels, high enough for every curve (each panel set its own).
    set_lr_axis(axes[0], [np.asarray(c, dtype=float) for c in (intended, wrong, right)], log)
    plt.close(fig)
    return fig


def reveal_log(guess, log):
    """Lesson 09's prediction for section 2: ``guess`` = (the first epoch whose logged
    ``get_last_lr()`` is lower than the epoch before, the first epoch that trains lower), then
    the table of ``log`` (rows of (lr read from param_groups before optimizer.step(),
    get_last_lr() after scheduler.step())). Without a guess (``...``) it asks for one."""
    from IPython.display import Markdown, display

    from .docs import show_table

    try:
        logged, trained = (float(g) for g in guess)
    except (TypeError, ValueError):
        return Markdown(tr("Set `guess = (log, training)` first, two epoch numbers, then run this "
                           "cell again.",
                           "请先设定 `guess = (日志, 训练)`，两个 epoch 编号，再运行这个单元格。"))
    log = np.asarray(log, dtype=float)
    first_drop = [int(np.flatnonzero(np.diff(log[:, j]) < 0)[0]) + 1 for j in (1, 0)]
    display(Markdown(tr(
        f"Your guess: the log drops at epoch {logged:g}, the training at epoch {trained:g}. "
        f"Measured: the log at epoch {first_drop[0]}, the training at epoch {first_drop[1]}.",
        f"你的预测：日志在 epoch {logged:g} 下降，训练在 epoch {trained:g} 下降。实测：日志在 "
        f"epoch {first_drop[0]}，训练在 epoch {first_drop[1]}。")))
    before = ("param_groups before optimizer.step()", "optimizer.step() 之前的 param_groups")
    after = ("get_last_lr() after scheduler.step()", "scheduler.step() 之后的 get_last_lr()")
    return show_table({before: log[:, 0], after: log[:, 1]}, at=range(len(log)), row="epoch")


def plot_groups(groups: dict, log: bool = True, x: str = "step"):
    """The lr of several parameter groups: ``{label: (intended, used)}``, each group's intended
    curve in its own colour, the lr used drawn dashed in black on top (a match shows as the
    dashes running along the coloured line)."""
    import matplotlib.pyplot as plt

    from .plotting import (
        colors,
        label,
        plot_text,
        set_lr_axis,
        step_xy,
        style_axes,
        subplots,
        words,
    )

    fig, ax = subplots(figsize=(7, 3.6), layout="constrained")
    curves = []
    for i, ((name, (intended, used)), color) in enumerate(zip(groups.items(),
                                                               colors(len(groups)))):
        intended, used = np.asarray(intended, dtype=float), np.asarray(used, dtype=float)
        curves += [intended, used]
        ax.plot(*step_xy(intended), drawstyle="steps-post", color=color, lw=3,
                label=words(name) + plot_text(": ", "：") + label("intended"))
        ax.plot(*step_xy(used), drawstyle="steps-post", color="black", lw=1.2, ls=(0, (4, 3)),
                label=label("used") if i == len(groups) - 1 else None)
    set_lr_axis(ax, curves, log)
    ax.set_xlim(0, max(len(c) for c in curves))
    ax.set_xlabel(label(x))
    ax.set_ylabel(label("lr"))
    style_axes(ax)
    fig.legend(loc="outside lower center", ncol=len(groups) + 1, frameon=False)
    plt.close(fig)
    return fig


# --- checkpoints --------------------------------------------------------------------------------

EPOCHS, BATCHES = 12, 4  # the resumed run: 12 epochs of 4 batches of the spiral


def _train_epochs(model, optimizer, scheduler, epochs, first: int = 0) -> list[float]:
    """Train ``epochs`` epochs (SGD steps on spiral batches, ``scheduler.step()`` after each
    epoch) from epoch ``first``; the lr each epoch used, read from ``param_groups``."""
    loss_fn = torch.nn.CrossEntropyLoss()
    batches = list(spiral_batches((first + epochs) * BATCHES))[first * BATCHES:]
    used = []
    for e in range(epochs):
        used.append(optimizer.param_groups[0]["lr"])
        for x, y in batches[e * BATCHES:(e + 1) * BATCHES]:
            optimizer.zero_grad()
            loss_fn(model(x), y).backward()
            optimizer.step()
        scheduler.step()
    return used


@dataclass(frozen=True)
class Resumed:
    """A run interrupted after epoch ``at`` and resumed: the lr of every epoch, and the same for
    the run that was never interrupted; ``same_weights``: both end with identical weights."""

    lrs: np.ndarray
    uninterrupted: np.ndarray
    at: int
    same_weights: bool


def spiral_model(seed: int = 0):
    """The playground's MLP for the spiral (2-64-64-3), initialised from ``seed``."""
    from .playground import make_model

    return make_model(seed)


def checkpoint_after(make_run: Callable, at: int, seed: int = 0) -> tuple[dict, list[float]]:
    """Train ``at`` epochs with ``make_run(model) -> (optimizer, scheduler)`` and save a
    checkpoint as a training script does (model, optimizer and scheduler state, the epochs
    done) through ``torch.save``: (the checkpoint as ``torch.load`` gives it back, the lrs
    used)."""
    model = spiral_model(seed)
    optimizer, scheduler = make_run(model)
    used = _train_epochs(model, optimizer, scheduler, at)
    buffer = io.BytesIO()
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(), "epoch": at}, buffer)
    buffer.seek(0)
    return torch.load(buffer, weights_only=False), used


_AT = Param("at", 5, "int", "epochs trained before the checkpoint", "保存检查点前训练的 epoch 数",
            1, EPOCHS - 1)


def resume(resume_fn: Callable, make_run: Callable, at: int = 5) -> Resumed:
    """Interrupt a 12-epoch run after ``at`` epochs, then continue it with
    ``resume_fn(checkpoint, model) -> (optimizer, scheduler)`` on a freshly built model (other
    initial weights, as in a new process); compare with the run that was never interrupted."""
    at = _AT.check(at)
    model = spiral_model(0)
    optimizer, scheduler = make_run(model)
    whole = _train_epochs(model, optimizer, scheduler, EPOCHS)
    checkpoint, before = checkpoint_after(make_run, at)
    again = spiral_model(1)  # other weights: only the checkpoint can make it the same model
    built = resume_fn(checkpoint, again)
    if not (isinstance(built, tuple) and len(built) == 2):
        raise fail(f"resume must return (optimizer, scheduler), got {built!r}",
                   f"resume 必须返回 (optimizer, scheduler)，你的函数返回的是 {built!r}", TypeError)
    after = _train_epochs(again, *built, EPOCHS - at, first=at)
    same = all(torch.equal(a, b) for a, b in zip(model.state_dict().values(),
                                                  again.state_dict().values()))
    return Resumed(np.array(before + after), np.array(whole), at, same)


# --- data-parallel arithmetic -------------------------------------------------------------------


_SAMPLES = Param("samples", 1000, "int", "samples in the data set", "数据集的样本数", 1, None)
_BATCH = Param("batch_size", 32, "int", "samples per batch in each process", "每个进程的 batch 大小",
               1, None)
_PROCESSES = Param("processes", 1, "int", "data-parallel processes", "数据并行的进程数", 1, 4096)


def steps_per_epoch(samples: int, batch_size: int, processes: int = 1,
                    drop_last: bool = False) -> int:
    """Optimizer steps per epoch in each of ``processes`` data-parallel processes: the length of
    a DataLoader over torch's own ``DistributedSampler`` (built with ``num_replicas`` and
    ``rank``, so no process group is started)."""
    from torch.utils.data import DataLoader, DistributedSampler

    samples, batch_size = _SAMPLES.check(samples), _BATCH.check(batch_size)
    processes = _PROCESSES.check(processes)
    data = range(samples)
    sampler = DistributedSampler(data, num_replicas=processes, rank=0, shuffle=False)
    return len(DataLoader(data, batch_size=batch_size, sampler=sampler, drop_last=drop_last))


def parallel_table(samples: int, batch_size: int, epochs: int, warmup_epochs: int,
                   processes=(1, 2, 4, 8)) -> str:
    """A Markdown table: per number of processes, the samples and steps per epoch of each
    process, and the ``total_steps`` and warm-up steps a per-step schedule must be given."""
    head = tr("| processes | samples per process | steps per epoch (len(loader)) | "
              "total_steps | warm-up steps |",
              "| 进程数 | 每个进程的样本数 | 每个 epoch 的迭代数（len(loader)） | total_steps | 预热步数 |")
    lines = [head, "|---:|---:|---:|---:|---:|"]
    for n in processes:
        steps = steps_per_epoch(samples, batch_size, n)
        lines.append(f"| {n} | {-(-samples // n)} | {steps} | {epochs * steps} | "
                     f"{warmup_epochs * steps} |")
    return "\n".join(lines)


def show_parallel_table(*args, **kwargs):
    """Display ``parallel_table`` in a notebook."""
    from IPython.display import Markdown

    return Markdown(parallel_table(*args, **kwargs))


__all__ = ["Recorded", "Resumed", "checkpoint_after", "parallel_table", "plot_groups",
           "reveal_log",
           "plot_pitfall", "record", "resume", "show_parallel_table", "spiral_batches",
           "spiral_model", "steps_per_epoch", "watch"]
