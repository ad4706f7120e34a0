"""The LR range test on the learner's own model: ``lr_find`` (PyTorch) and ``lr_find_keras``
(a compiled Keras 3 model), in the manner of fastai's ``Learner.lr_find``, without fastai.

Lesson 05's ``range_test`` runs on the playground; this one takes any model, optimizer, loss
function and batches, and leaves them as it found them.

- **The sweep.** ``num_steps`` optimizer steps; step ``k`` (0-based) uses
  ``lr_k = start_lr * (end_lr / start_lr) ** (k / (num_steps - 1))`` (``mode="exp"``, the usual
  choice: every decade of lr gets the same number of steps) or
  ``lr_k = start_lr + (end_lr - start_lr) * k / (num_steps - 1)`` (``mode="linear"``). The first
  step is at ``start_lr`` and the last at ``end_lr`` (fastai's last step stops one short of it).
  Every parameter group gets the same lr.
- **The curve.** As in ``range_test``, each lr is paired with the loss of the next batch: the
  loss measured after the step taken with that lr (fastai pairs it with the loss measured before).
  The loss of the very first batch, before any step, must be finite.
- **Smoothing** is fastai's: an exponential moving average with bias correction,
  ``a_i = beta * a_(i-1) + (1 - beta) * loss_i``, ``a_0 = 0``, smoothed ``s_i = a_i / (1 -
  beta ** i)`` (i from 1). Unlike ``range_test``'s centred window it needs no later losses, so the
  stop can be decided as the sweep runs; the price is a lag (the smoothed curve trails the raw one
  by about ``beta / (1 - beta)`` steps on a steady slope, 49 at ``beta=0.98``).
- **Stop** at the first step whose smoothed loss exceeds ``diverge_factor`` times the lowest
  smoothed loss so far (``lr_range.stop_index``, the rule ``range_test`` uses) or is not finite;
  ``diverge_factor=None`` stops only on a non-finite loss. The step that blew up stays on the
  curve.
- **Suggestions**, fastai's rules, read from the smoothed curve after dropping its first
  ``num_steps // 10`` points (the average is still settling there) and its last 5 (the blow-up),
  and cutting it at its first non-finite value:

  * ``"steep"``: the lr where the smoothed loss falls fastest against log(lr): with
    ``g_i = (s_(i+1) - s_i) / (ln lr_(i+1) - ln lr_i)``, the lr at ``argmin g`` (the left end of
    the steepest segment).
  * ``"minimum"``: the lr of the lowest smoothed loss, divided by 10 (``lr_range.suggest`` with
    a margin of 10).
  * ``"valley"``: the longest decreasing run of the smoothed loss (a longest strictly decreasing
    subsequence: a bump inside a descent is skipped), of length ``m`` ending at index ``e``
    (the first such end); with ``b = e - m`` and ``p = m / 3``, the lr at index
    ``b + int(p) + int(p / 2)``: about half way down the longest descent.

  ``suggestion`` is the minimum rule's (lowest smoothed loss / 10), the one the course
  recommends for a ``max_lr`` of OneCycleLR, because of what training at each gave, measured once
  by ``benchmarks/bench_lr_find.py`` (a CNN with BatchNorm and an MLP on scikit-learn's digits,
  SGD with momentum and Adam, 5 seeds, 3 epochs of OneCycleLR from scratch): minimum / 10 never
  failed (held-out accuracy 0.75 at worst, medians 0.82-0.98); steep had the best medians but
  fell to chance on one seed in two of the four settings (0.10, 0.11); the valley was cautious
  everywhere (medians 0.48-0.96), and it moves with ``start_lr`` (it reads the length of the
  descent, which begins where the sweep begins). fastai's ``lr_find`` suggests the valley by
  default. Minimum / 10 is the same family as ``range_test``'s lowest / 3: fastai's average lags
  (above), which moves its lowest point to larger lrs, hence the larger margin. Every rule's
  suggestion moves from seed to seed (by a factor of 1.6 to 13 over 5 seeds there): run two or
  three seeds to see the band (lesson 05).

- **Restored afterwards**, also when the loss goes NaN, when ``loss_fn`` raises or when the sweep
  is interrupted (Ctrl-C): every parameter and buffer of the model (values, gradients and
  train/eval mode), the optimizer's ``state_dict`` (param_groups' lr, momentum, ... and each
  parameter's state), and the random state: torch's (CPU and CUDA), numpy's and Python's global
  generators, and a DataLoader's own ``generator``. Keras: every variable of the model (trainable,
  non-trainable such as BatchNorm's moving statistics, dropout's seed generator), of the optimizer
  (iterations, lr, slots) and of the compiled metrics.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .lr_range import growth, rounded, stop_index, suggest
from .params import Param, fail

START_LR, END_LR, NUM_STEPS = 1e-7, 10.0, 100  # fastai's defaults
BETA = 0.98  # fastai's smoothing (its Recorder's AvgSmoothLoss)
DIVERGE_FACTOR = 4.0  # fastai's, and range_test's STOP_FACTOR
SKIP_END = 5  # points dropped at the end of the curve before suggesting (fastai's)
RULES = ("valley", "steep", "minimum")
RECOMMENDED = "minimum"  # why: the module docstring

_START = Param("start_lr", START_LR, "float", "lr of the first step", "第一步的学习率", 0.0, None,
               low_open=True)
_END = Param("end_lr", END_LR, "float", "lr of the last step", "最后一步的学习率", 0.0, None,
             low_open=True)
_NUM_STEPS = Param("num_steps", NUM_STEPS, "int", "optimizer steps of the sweep",
                   "扫描的迭代次数", 10, 10000)
_MODE = Param("mode", "exp", "choice", "how the lr grows", "学习率增长的方式",
              choices=("exp", "linear"))
_BETA = Param("beta", BETA, "float", "weight of the past in the exponential moving average",
              "指数移动平均中过去的权重", 0.0, 1.0, high_open=True)
_DIVERGE = Param("diverge_factor", DIVERGE_FACTOR, "float",
                 "stop once the smoothed loss exceeds this many times its lowest",
                 "平滑后的损失超过其最低值的这么多倍时停止", 1.0, None, low_open=True,
                 optional=True)


# --- reading a curve (pure functions, numpy only) -----------------------------------------------


class _Smoother:
    """The debiased exponential moving average, one loss at a time (the sweep decides its stop
    with it as it goes)."""

    def __init__(self, beta: float):
        self.beta, self.avg, self.count = beta, 0.0, 0

    def add(self, loss: float) -> float:
        self.count += 1
        self.avg = self.beta * self.avg + (1.0 - self.beta) * loss
        return self.avg / (1.0 - self.beta ** self.count)


def ema(losses, beta: float = BETA) -> np.ndarray:
    """fastai's smoothing of a loss curve: ``s_i = a_i / (1 - beta ** i)`` with
    ``a_i = beta * a_(i-1) + (1 - beta) * loss_i``, ``a_0 = 0`` (i from 1)."""
    smoother = _Smoother(_BETA.check(beta))
    return np.array([smoother.add(float(v)) for v in losses], dtype=float)


def sweep_lrs(start_lr: float = START_LR, end_lr: float = END_LR, num_steps: int = NUM_STEPS,
              mode: str = "exp") -> np.ndarray:
    """The lr of each step of the sweep, from ``start_lr`` to ``end_lr`` (both included)."""
    start_lr, end_lr = _START.check(start_lr), _END.check(end_lr)
    num_steps, mode = _NUM_STEPS.check(num_steps), _MODE.check(mode)
    if end_lr <= start_lr:
        raise fail(f"end_lr must be greater than start_lr: the lr grows during the sweep, got "
                   f"start_lr={start_lr:g}, end_lr={end_lr:g}: raise end_lr or lower start_lr",
                   f"end_lr 必须大于 start_lr：扫描中学习率是增长的，你给出的是 start_lr={start_lr:g}、"
                   f"end_lr={end_lr:g}：请调大 end_lr 或调小 start_lr")
    if mode == "linear":
        return np.linspace(start_lr, end_lr, num_steps)
    return start_lr * growth(start_lr, end_lr, num_steps) ** np.arange(num_steps)


def steep(lrs, losses) -> tuple[float, int]:
    """fastai's ``steep``: the lr (and its index) where the loss falls fastest against log(lr),
    the left end of the steepest segment."""
    lrs, losses = np.asarray(lrs, dtype=float), np.asarray(losses, dtype=float)
    slopes = np.diff(losses) / np.diff(np.log(lrs))
    i = int(np.argmin(slopes))
    return float(lrs[i]), i


def minimum(lrs, losses) -> tuple[float, int]:
    """fastai's ``minimum``: the lr of the lowest loss divided by 10, and the lowest loss's
    index (the rule ``range_test`` uses, with a margin of 10 instead of 3)."""
    i = int(np.argmin(losses))
    return suggest(lrs, losses, margin=10.0), i


def valley(lrs, losses) -> tuple[float, int]:
    """fastai's ``valley``: the lr about half way down the longest decreasing run of the loss.

    ``run[i]`` is the length of the longest strictly decreasing subsequence ending at i; the run
    that counts ends at ``e``, the first i with the largest ``run[i] = m``; with ``b = e - m`` and
    ``p = m / 3`` the suggestion is at index ``b + int(p) + int(p / 2)`` (never below 0)."""
    lrs, losses = np.asarray(lrs, dtype=float), np.asarray(losses, dtype=float)
    run = np.ones(len(losses), dtype=int)
    for i in range(1, len(losses)):
        higher = losses[:i] > losses[i]
        if higher.any():
            run[i] = run[:i][higher].max() + 1
    end = int(np.argmax(run))
    third = run[end] / 3
    i = max(0, end - int(run[end]) + int(third) + int(third / 2))
    return float(lrs[i]), i


_RULES = {"valley": valley, "steep": steep, "minimum": minimum}


def readable(lrs, smoothed, num_steps: int, skip_end: int = SKIP_END):
    """The part of the curve the suggestion rules read: without its first ``num_steps // 10``
    points and its last ``skip_end``, cut at its first non-finite value (fastai's trim)."""
    lrs = np.asarray(lrs, dtype=float)[num_steps // 10:len(lrs) - skip_end]
    smoothed = np.asarray(smoothed, dtype=float)[num_steps // 10:len(smoothed) - skip_end]
    bad = ~np.isfinite(smoothed)
    n = int(np.argmax(bad)) if bad.any() else len(smoothed)
    return lrs[:n], smoothed[:n]


def suggestions(lrs, smoothed, num_steps: int, skip_end: int = SKIP_END) -> dict:
    """``{"valley": lr, "steep": lr, "minimum": lr}`` read from a smoothed curve (``readable``)."""
    lrs, smoothed = readable(lrs, smoothed, num_steps, skip_end)
    if len(lrs) < 3:
        raise fail(f"the sweep is too short to read: {len(lrs)} points are left after dropping "
                   f"the first {num_steps // 10} and the last {skip_end}, at least 3 are needed "
                   f"(the loss blew up too early: lower start_lr, or raise num_steps)",
                   f"扫描太短，无法读取：去掉前 {num_steps // 10} 个和后 {skip_end} 个点之后只剩 "
                   f"{len(lrs)} 个点，至少需要 3 个（损失爆炸得太早：请调低 start_lr 或调高 "
                   f"num_steps）")
    return {name: rule(lrs, smoothed)[0] for name, rule in _RULES.items()}


@dataclass
class LRFind:
    """One sweep, as ``lr_find`` and ``lr_find_keras`` return it: ``lrs[i]`` is the lr of step
    i and ``losses[i]`` the loss of the next batch, measured after that step; ``smoothed`` is
    their debiased exponential moving average; ``start_loss`` the loss before any step.
    ``stopped`` says whether the loss blew up before ``end_lr`` (the last point is the one that
    did)."""

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    start_loss: float
    stopped: bool
    settings: dict

    @property
    def suggestions(self) -> dict:
        """Each rule's suggested lr (see the module's docstring): ``valley``, ``steep``,
        ``minimum``."""
        return suggestions(self.lrs, self.smoothed, self.settings["num_steps"])

    @property
    def suggestion(self) -> float:
        """The lr the course recommends: the minimum rule's (lowest smoothed loss / 10)."""
        return self.suggestions[RECOMMENDED]

    @property
    def suggested(self) -> float:
        """The suggestion to one significant digit: a range test is no more precise."""
        return rounded(self.suggestion)

    def plot(self, title: str | None = None):
        """The loss against the lr, smoothed, with each rule's suggestion marked."""
        from .lr_range_views import plot_lr_find

        return plot_lr_find(self, title=title)


# --- the sweep ------------------------------------------------------------------------------------


def _settings(start_lr, end_lr, num_steps, mode, beta, diverge_factor) -> dict:
    lrs = sweep_lrs(start_lr, end_lr, num_steps, mode)
    return dict(start_lr=float(start_lr), end_lr=float(end_lr), num_steps=int(num_steps),
                mode=mode, beta=_BETA.check(beta), diverge_factor=_DIVERGE.check(diverge_factor),
                lrs=lrs)


def _batches(batches) -> Iterator:
    """``batches`` over and over: a DataLoader or a list is iterated again, a one-shot iterator
    (a generator) is replayed from what its first pass gave."""
    try:
        first = iter(batches)
    except TypeError:
        raise fail(f"batches must be an iterable of (x, y) pairs (a DataLoader, a list, ...), "
                   f"got {type(batches).__name__}",
                   f"batches 必须是由 (x, y) 组成的可迭代对象（DataLoader、列表等），你给出的是 "
                   f"{type(batches).__name__}", TypeError) from None
    one_shot = first is batches
    seen, count = [], 0
    for item in first:
        count += 1
        if one_shot:
            seen.append(item)
        yield _pair(item)
    if not count:
        raise fail(f"batches must hold at least 1 (x, y) batch, got an empty "
                   f"{type(batches).__name__}",
                   f"batches 必须至少包含 1 个 (x, y) batch，你给出的 {type(batches).__name__} "
                   f"是空的")
    while True:
        count = 0
        for item in seen if one_shot else batches:
            count += 1
            yield _pair(item)
        if not count:
            raise fail("batches gave no batch when iterated again: give a list or a DataLoader",
                       "再次迭代 batches 时没有得到任何 batch：请传入列表或 DataLoader")


def _pair(item):
    try:
        x, y = item
    except (TypeError, ValueError):
        raise fail(f"each item of batches must be a pair (x, y), got {type(item).__name__}",
                   f"batches 的每一项都必须是 (x, y) 对，你给出的是 {type(item).__name__}",
                   TypeError) from None
    return x, y


def _check_start(loss: float) -> None:
    if not math.isfinite(loss):
        raise fail(f"loss_fn(model(x), y) on the first batch, before any step, gave {loss}: it "
                   f"must be a finite number (check the data, the model's output and loss_fn)",
                   f"在任何一步之前，第一个 batch 上的 loss_fn(model(x), y) 得到 {loss}：它必须"
                   f"是有限的数（请检查数据、模型的输出和 loss_fn）")


def _sweep(settings: dict, first_loss, step_and_measure) -> LRFind:
    """The loop both frameworks share: ``step_and_measure(lr)`` takes one step with ``lr`` and
    returns the loss of the next batch."""
    _check_start(first_loss)
    smoother, diverge = _Smoother(settings["beta"]), settings["diverge_factor"]
    lrs = settings["lrs"]
    losses, smoothed, stopped = [], [], False
    for lr in lrs:
        losses.append(step_and_measure(float(lr)))
        smoothed.append(smoother.add(losses[-1]))
        if not math.isfinite(smoothed[-1]) or diverge is not None and \
                stop_index(smoothed, diverge) == len(smoothed) - 1:
            stopped = True
            break
    n = len(losses)
    return LRFind(np.asarray(lrs[:n], dtype=float), np.asarray(losses, dtype=float),
                  np.asarray(smoothed, dtype=float), float(first_loss), stopped,
                  {k: v for k, v in settings.items() if k != "lrs"})


def _random_state():
    return random.getstate(), np.random.get_state()


def _set_random_state(state) -> None:
    random.setstate(state[0])
    np.random.set_state(state[1])


# --- PyTorch --------------------------------------------------------------------------------------


class _TorchSnapshot:
    """Everything of a model, its optimizer and its batches that a sweep changes, and putting it
    back."""

    def __init__(self, model, optimizer, batches):
        import copy

        import torch

        with torch.no_grad():
            self.params = {n: (p.detach().clone(), None if p.grad is None else p.grad.clone())
                           for n, p in model.named_parameters()}
            self.buffers = {n: b.detach().clone() for n, b in model.named_buffers()}
        self.modes = [(m, m.training) for m in model.modules()]
        self.optimizer = copy.deepcopy(optimizer.state_dict())  # its state is updated in place
        loader_gens = [getattr(batches, "generator", None),
                       getattr(getattr(batches, "sampler", None), "generator", None)]
        self.generators = [(g, g.get_state()) for g in
                           {id(g): g for g in loader_gens if isinstance(g, torch.Generator)}
                           .values()]
        self.random = _random_state()

    def restore(self, model, optimizer) -> None:
        import copy

        import torch

        with torch.no_grad():
            for n, p in model.named_parameters():
                value, grad = self.params[n]
                p.copy_(value)
                p.grad = None if grad is None else grad.clone()
            for n, b in model.named_buffers():
                b.copy_(self.buffers[n])
        for m, training in self.modes:
            m.training = training
        optimizer.load_state_dict(copy.deepcopy(self.optimizer))
        for g, state in self.generators:
            g.set_state(state)
        _set_random_state(self.random)


def _check_torch(model, optimizer, loss_fn) -> None:
    import torch

    if not isinstance(model, torch.nn.Module):
        raise fail(f"model must be a torch.nn.Module, got {type(model).__name__}",
                   f"model 必须是 torch.nn.Module，你给出的是 {type(model).__name__}", TypeError)
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise fail(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}",
                   f"optimizer 必须是 torch.optim.Optimizer，你给出的是 {type(optimizer).__name__}",
                   TypeError)
    if not callable(loss_fn):
        raise fail(f"loss_fn must be a function of (output, y), got {type(loss_fn).__name__}",
                   f"loss_fn 必须是形如 loss_fn(output, y) 的函数，你给出的是 {type(loss_fn).__name__}",
                   TypeError)
    mine = {id(p) for p in model.parameters()}
    if not any(id(p) in mine for g in optimizer.param_groups for p in g["params"]):
        raise fail("optimizer holds none of model's parameters: build it from "
                   "model.parameters()",
                   "optimizer 不包含 model 的任何参数：请用 model.parameters() 创建它")


def _torch_loss(model, loss_fn, x, y):
    import torch

    loss = loss_fn(model(x), y)
    if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
        shape = tuple(loss.shape) if isinstance(loss, torch.Tensor) else type(loss).__name__
        raise fail(f"loss_fn must return one number (a tensor with 1 element), got {shape}: "
                   f"use a loss that averages over the batch (reduction='mean')",
                   f"loss_fn 必须返回一个数（只有 1 个元素的张量），你给出的是 {shape}：请使用对 batch "
                   f"取平均的损失（reduction='mean'）", TypeError)
    return loss.reshape(())


def lr_find(model, optimizer, loss_fn, batches, *, start_lr: float = START_LR,
            end_lr: float = END_LR, num_steps: int = NUM_STEPS, mode: str = "exp",
            beta: float = BETA, diverge_factor: float | None = DIVERGE_FACTOR) -> LRFind:
    """The LR range test on any PyTorch model: ``num_steps`` steps of ``optimizer`` with the lr
    growing from ``start_lr`` to ``end_lr`` (``mode`` ``"exp"`` or ``"linear"``), each on the
    next ``(x, y)`` of ``batches`` (a DataLoader or any iterable, used again from its start when
    it runs out) with the loss ``loss_fn(model(x), y)``, in training mode; ended once the smoothed
    loss passes ``diverge_factor`` times its lowest or is not finite. Returns an ``LRFind``:
    ``lrs``, ``losses``, ``smoothed``, ``suggestions`` and ``suggestion`` (minimum / 10).

    The model (parameters, buffers, gradients, train/eval mode), the optimizer's state_dict and
    the random state are restored afterwards, also on NaN, on an error and on Ctrl-C. See the
    module's docstring for the formulas and the rules.

    A least-squares model, where plain gradient descent diverges above lr = 2/L (about 0.8 here):

    >>> import torch, lrlessons
    >>> _ = torch.manual_seed(0)
    >>> x = torch.randn(256, 8)
    >>> y = x @ torch.randn(8, 1)
    >>> model = torch.nn.Linear(8, 1)
    >>> result = lrlessons.lr_find(model, torch.optim.SGD(model.parameters(), lr=0.1),
    ...                            torch.nn.functional.mse_loss, [(x, y)])
    >>> sorted(result.suggestions), 0 < result.suggestion < 0.8
    (['minimum', 'steep', 'valley'], True)
    >>> fig = result.plot()
    """
    import torch

    settings = _settings(start_lr, end_lr, num_steps, mode, beta, diverge_factor)
    _check_torch(model, optimizer, loss_fn)
    stream = _batches(batches)
    snapshot = _TorchSnapshot(model, optimizer, batches)
    try:
        with torch.random.fork_rng():
            model.train()
            loss = _torch_loss(model, loss_fn, *next(stream))

            def step_and_measure(lr: float) -> float:
                nonlocal loss
                optimizer.zero_grad()
                loss.backward()
                for group in optimizer.param_groups:
                    if isinstance(group["lr"], torch.Tensor):
                        group["lr"].fill_(lr)
                    else:
                        group["lr"] = lr
                optimizer.step()
                loss = _torch_loss(model, loss_fn, *next(stream))
                return float(loss.detach())

            return _sweep(settings, float(loss.detach()), step_and_measure)
    finally:
        snapshot.restore(model, optimizer)


# --- Keras 3 --------------------------------------------------------------------------------------


def lr_find_keras(model, batches, *, start_lr: float = START_LR, end_lr: float = END_LR,
                  num_steps: int = NUM_STEPS, mode: str = "exp", beta: float = BETA,
                  diverge_factor: float | None = DIVERGE_FACTOR) -> LRFind:
    """``lr_find`` for a compiled Keras 3 model (torch backend): each step is
    ``model.train_on_batch(x, y)`` with the optimizer's learning rate set first, the loss the
    compiled one. The optimizer must have been created with a number as its learning rate (a
    ``LearningRateSchedule`` cannot be set). Every variable of the model, the optimizer and the
    compiled metrics, and the random state, are restored afterwards, also on NaN, on an error
    and on Ctrl-C. Returns the same ``LRFind``.

    >>> import os, numpy as np, lrlessons
    >>> _ = os.environ.setdefault("KERAS_BACKEND", "torch")
    >>> import keras
    >>> x = np.random.default_rng(0).normal(size=(256, 8)).astype("float32")
    >>> y = x @ np.random.default_rng(1).normal(size=(8, 1)).astype("float32")
    >>> model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    >>> 0 < lrlessons.lr_find_keras(model, [(x, y)]).suggestion < 0.8
    True
    """
    import torch

    from .keras_bridge import _keras

    settings = _settings(start_lr, end_lr, num_steps, mode, beta, diverge_factor)
    keras = _keras()
    if not isinstance(model, keras.Model):
        raise fail(f"model must be a keras.Model, got {type(model).__name__}",
                   f"model 必须是 keras.Model，你给出的是 {type(model).__name__}", TypeError)
    optimizer = getattr(model, "optimizer", None)
    if not getattr(model, "compiled", False) or optimizer is None:
        raise fail("model must be compiled first: model.compile(optimizer=..., loss=...)",
                   "model 必须先编译：model.compile(optimizer=..., loss=...)")
    if not model.built:
        raise fail("model must be built first: give it a keras.Input or call it on a batch",
                   "model 必须先构建：给它一个 keras.Input，或在一个 batch 上调用它")
    # The setter assigns to this variable; a schedule or a callable has none to assign.
    if not isinstance(getattr(optimizer, "_learning_rate", None), keras.Variable):
        raise fail("the optimizer's learning_rate must be a number, got a schedule or a "
                   "function: lr_find_keras sets the lr itself (compile with e.g. "
                   "keras.optimizers.SGD(0.1))",
                   "优化器的 learning_rate 必须是一个数，你给出的是调度或函数：lr_find_keras 会自己"
                   "设定学习率（编译时请使用例如 keras.optimizers.SGD(0.1)）")
    stream = _batches(batches)
    if not optimizer.built:  # built now, so its fresh slots are part of what is restored
        optimizer.build(model.trainable_variables)
    variables = list({id(v): v for v in [*model.variables, *optimizer.variables,
                                         *model.metrics_variables]}.values())
    saved = [np.array(v.numpy(), copy=True) for v in variables]
    random_state = _random_state()
    try:
        with torch.random.fork_rng():
            lrs = settings["lrs"]

            def train_on(x, y, lr: float) -> float:
                optimizer.learning_rate = lr
                return float(model.train_on_batch(x, y, return_dict=True)["loss"])

            # train_on_batch measures the loss before its step: the call on batch k + 1 returns
            # the loss after step k (taken by the call before, with lrs[k]) and takes step k + 1.
            # The last call's own step is undone with the rest.
            first_loss = train_on(*next(stream), float(lrs[0]))
            k = 0

            def step_and_measure(_lr: float) -> float:
                nonlocal k
                k += 1
                return train_on(*next(stream), float(lrs[min(k, len(lrs) - 1)]))

            return _sweep(settings, first_loss, step_and_measure)
    finally:
        for v, value in zip(variables, saved):
            v.assign(value)
        _set_random_state(random_state)


__all__ = ["LRFind", "RECOMMENDED", "RULES", "ema", "lr_find", "lr_find_keras", "minimum",
           "readable", "steep", "suggestions", "sweep_lrs", "valley"]
