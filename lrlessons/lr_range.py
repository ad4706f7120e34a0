"""The LR range test (Smith, "Cyclical learning rates for training neural networks", 2015;
fastai's ``lr_find``), on the training playground.

Train once with the learning rate growing exponentially at every optimizer step, from
``start_lr`` to ``end_lr``, and watch the loss: flat while the lr is too small to do anything,
falling once it is large enough to learn, rising and blowing up once it is too large. The
upper end of the good stretch tells where a one-cycle or cyclical schedule can put ``max_lr``.

- **The run** is the playground's, through the course's one training loop: ``lrlessons.train``
  with ExponentialLR stepped after every batch, ``gamma = (end_lr / start_lr) ** (1 / (steps -
  1))``, and ``stop_factor`` (see ``train_settings``).
- **The curve.** Each lr the optimizer really used (read from ``param_groups``) is paired with
  the loss of the next batch: the loss measured after the step taken with that lr.
- **Smoothing.** One batch's loss is noisy, so the curve is smoothed by a centred moving average
  over ``smooth`` steps. It has no lag, where an exponential average (fastai's) trails the raw
  curve and moves its lowest point to larger learning rates.
- **Stop.** The test ends at the first step whose loss is more than ``stop_factor`` times the
  lowest loss so far (or not a number): the loss has blown up.
- **The suggestion** (``suggest``): the lr at the lowest point of the smoothed curve, divided by
  ``MARGIN`` = 3. At the lowest point the lr is already as large as training can bear (the loss
  blows up a few steps later), so the peak of a schedule stays a few times below it. fastai's
  classic rule divides by 10, which is safer and usually slower.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from .params import Param, fail

START_LR, END_LR, STEPS = 1e-4, 10.0, 200
STOP_FACTOR = 4.0  # as fastai's lr_find: four times the lowest loss is a blow-up, not noise
SMOOTH = 15  # steps in the moving average: 15 steps of x1.06 span a factor of about 2 in lr
MARGIN = 3.0

_START = Param("start_lr", START_LR, "float", "lr of the first step", "第一步的学习率", 0.0, None,
               low_open=True, scale="log", ui=(1e-6, 1e-2))
_END = Param("end_lr", END_LR, "float", "lr of the last step", "最后一步的学习率", 0.0, None,
             low_open=True, scale="log", ui=(0.1, 100.0))
_STEPS = Param("steps", STEPS, "int", "optimizer steps of the test", "测试的迭代次数", 10, 5000,
               ui=(50, 500))
_STOP = Param("stop_factor", STOP_FACTOR, "float", "stop once a loss exceeds this many times the "
              "lowest", "损失超过最低损失的这么多倍时停止", 1.0, None, low_open=True,
              ui=(1.5, 10.0))
_SMOOTH = Param("smooth", SMOOTH, "int", "steps averaged around each point",
                "每个点周围取平均的步数", 1, 501, ui=(1, 61))
_MARGIN = Param("margin", MARGIN, "float", "max_lr = lr at the lowest loss / margin",
                "max_lr = 最低损失处的学习率 / margin", 1.0, None, ui=(1.0, 20.0))


# --- reading a curve (pure functions: tests/test_lr_range.py gives them curves whose answer
# is known) ------------------------------------------------------------------------------------


def smooth(losses, window: int = SMOOTH) -> np.ndarray:
    """Centred moving average: point i is the mean of the ``window`` losses around it (fewer at
    the two ends, where the window is cut off). No lag: a dip stays where it is."""
    values = np.asarray(losses, dtype=float)
    window = _SMOOTH.check(window)
    if values.size == 0:
        return values
    sums = np.concatenate([[0.0], np.cumsum(values)])
    i = np.arange(values.size)
    lo = np.maximum(i - (window - 1) // 2, 0)
    hi = np.minimum(i + window // 2 + 1, values.size)
    return (sums[hi] - sums[lo]) / (hi - lo)


def stop_index(step_losses, stop_factor: float = STOP_FACTOR) -> int | None:
    """The first step whose loss is above ``stop_factor`` times the lowest loss up to it, or not
    a number (the step that ends the test); None when the loss never blows up."""
    values = np.asarray(step_losses, dtype=float)
    stop_factor = _STOP.check(stop_factor)
    if values.size == 0:
        return None
    lowest = np.minimum.accumulate(np.where(np.isfinite(values), values, np.inf))
    blown = ~(values <= stop_factor * lowest)  # NaN compares False: it blows up too
    return int(np.argmax(blown)) if blown.any() else None


def lowest_index(smoothed) -> int:
    """The step of the lowest smoothed loss (the first one, if several are equal)."""
    values = np.asarray(smoothed, dtype=float)
    finite = np.isfinite(values)
    if not finite.any():
        raise fail("no loss to read: the range test stopped at its first step",
                   "没有可读的损失：学习率范围测试在第一步就停止了")
    return int(np.argmin(np.where(finite, values, np.inf)))


def suggest(lrs, smoothed, margin: float = MARGIN) -> float:
    """The suggested max_lr: the lr at the lowest smoothed loss, divided by ``margin``."""
    return float(np.asarray(lrs, dtype=float)[lowest_index(smoothed)] / _MARGIN.check(margin))


def rounded(lr: float) -> float:
    """An lr to one significant digit (0.37 -> 0.4): a range test is no more precise than that,
    and another seed moves its answer by more."""
    return float(f"{lr:.1g}")


def growth(start_lr: float, end_lr: float, steps: int) -> float:
    """The factor ExponentialLR applies at every step to go from start_lr to end_lr in
    ``steps`` steps (the first step is at start_lr, the last at end_lr)."""
    return (end_lr / start_lr) ** (1.0 / (steps - 1))


# --- one test ------------------------------------------------------------------------------


class _Reading:
    """How a range test is read, the same for one seed and for the median over seeds: smooth
    the loss, find its lowest point, suggest ``lowest_lr / margin``. Subclasses give ``lrs``,
    ``losses``, ``smooth`` and ``margin``."""

    @property
    def smoothed(self) -> np.ndarray:
        return smooth(self.losses, self.smooth)

    @property
    def lowest_lr(self) -> float:
        """The lr at the lowest point of the smoothed loss."""
        return float(self.lrs[lowest_index(self.smoothed)])

    @property
    def suggestion(self) -> float:
        """The suggested max_lr: ``lowest_lr / margin``."""
        return suggest(self.lrs, self.smoothed, self.margin)

    @property
    def suggested(self) -> float:
        """The suggestion to one significant digit (``rounded``): the number to use."""
        return rounded(self.suggestion)


@dataclass
class RangeTest(_Reading):
    """One range test, as recorded: ``step_lrs[i]`` is the lr the optimizer used at step i and
    ``step_losses[i]`` the loss of step i's batch, measured before that step. The curve pairs
    ``lrs[i] = step_lrs[i]`` with ``losses[i] = step_losses[i + 1]``, up to the step where the
    loss blew up (``stop_factor``) or the test reached ``end_lr``. ``smooth`` and ``margin`` only
    change how the recorded losses are read, so an explorer can move them without training."""

    step_lrs: np.ndarray
    step_losses: np.ndarray
    settings: dict
    seed: int = 0
    smooth: int = SMOOTH
    margin: float = MARGIN
    stop_factor: float = STOP_FACTOR

    @property
    def stop(self) -> int | None:
        """The step whose loss blew up, or None when the test ran to end_lr."""
        stop = stop_index(self.step_losses, self.stop_factor)
        return None if stop is None or stop > self.settings["steps"] else stop

    @property
    def stopped(self) -> bool:
        return self.stop is not None

    @property
    def _n(self) -> int:
        last = self.stop if self.stop is not None else len(self.step_losses) - 1
        return max(0, min(last, self.settings["steps"], len(self.step_lrs)))

    @property
    def lrs(self) -> np.ndarray:
        return np.asarray(self.step_lrs[:self._n], dtype=float)

    @property
    def losses(self) -> np.ndarray:
        return np.asarray(self.step_losses[1:self._n + 1], dtype=float)


@dataclass
class RangeTests(_Reading):
    """The same range test over several seeds. Every seed walks through the same lrs; the curve
    is the median over the seeds of the loss at each step, a seed that has stopped counting as
    blown up (infinite loss), as long as more than half of them are still running; the suggestion
    is read from that median curve, more steadily than from any one seed's."""

    tests: list = field(default_factory=list)

    def _each(self, **reading) -> None:
        for t in self.tests:
            for k, v in reading.items():
                setattr(t, k, v)

    @property
    def smooth(self) -> int:
        return self.tests[0].smooth

    @smooth.setter
    def smooth(self, value: int) -> None:
        self._each(smooth=_SMOOTH.check(value))

    @property
    def margin(self) -> float:
        return self.tests[0].margin

    @margin.setter
    def margin(self, value: float) -> None:
        self._each(margin=_MARGIN.check(value))

    @property
    def stop_factor(self) -> float:
        return self.tests[0].stop_factor

    @stop_factor.setter
    def stop_factor(self, value: float) -> None:
        self._each(stop_factor=_STOP.check(value))

    @property
    def settings(self) -> dict:
        return self.tests[0].settings

    def stack(self) -> np.ndarray:
        """Each seed's losses in a row, infinite after the seed stopped."""
        width = max(len(t.losses) for t in self.tests)
        out = np.full((len(self.tests), width), np.inf)
        for i, t in enumerate(self.tests):
            out[i, :len(t.losses)] = t.losses
        return out

    @property
    def losses(self) -> np.ndarray:
        median = np.median(self.stack(), axis=0)
        return median[:int(np.sum(np.isfinite(median)))]

    @property
    def lrs(self) -> np.ndarray:
        return max((t.lrs for t in self.tests), key=len)[:len(self.losses)]

    @property
    def suggestions(self) -> np.ndarray:
        """Each seed's own suggestion, read from its own curve."""
        return np.array([t.suggestion for t in self.tests])


def train_settings(start_lr: float = START_LR, end_lr: float = END_LR, steps: int = STEPS,
                  stop_factor: float | None = STOP_FACTOR, **train_kwargs) -> dict:
    """The ``lrlessons.train`` keyword arguments of a range test (checked): what
    ``range_test`` trains with, and what tests/claims_lesson_05.py registers."""
    start_lr, end_lr, steps = _START.check(start_lr), _END.check(end_lr), _STEPS.check(steps)
    if end_lr <= start_lr:
        raise fail(f"end_lr must be greater than start_lr: the lr grows during the test, got "
                   f"start_lr={start_lr:g}, end_lr={end_lr:g}: raise end_lr or lower start_lr",
                   f"end_lr 必须大于 start_lr：测试中学习率是增长的，你给出的是 start_lr={start_lr:g}、"
                   f"end_lr={end_lr:g}：请调大 end_lr 或调小 start_lr")
    for name in ("schedule", "base_lr", "step_per", "epochs", "gamma"):
        if name in train_kwargs:
            raise fail(f"range_test sets {name} itself: give start_lr, end_lr and steps",
                       f"range_test 会自己设定 {name}：请给出 start_lr、end_lr 和 steps", TypeError)
    stop_factor = None if stop_factor is None else _STOP.check(stop_factor)
    # One step more than the test reads: its last lr is paired with the loss measured after it.
    epochs = math.ceil((steps + 1) / _steps_per_epoch(train_kwargs))
    return dict(schedule="ExponentialLR", base_lr=start_lr, gamma=growth(start_lr, end_lr, steps),
                step_per="iteration", epochs=epochs, stop_factor=stop_factor, **train_kwargs)


def from_run(run, start_lr: float = START_LR, end_lr: float = END_LR, steps: int = STEPS,
             stop_factor: float = STOP_FACTOR, smooth: int = SMOOTH, margin: float = MARGIN,
             **train_kwargs) -> RangeTest:
    """The ``RangeTest`` of a playground run trained with ``train_settings(...)``."""
    settings = dict(start_lr=start_lr, end_lr=end_lr, steps=steps, **train_kwargs)
    return RangeTest(np.asarray(run.lrs), np.asarray(run.step_losses), settings, seed=run.seed,
                     smooth=_SMOOTH.check(smooth), margin=_MARGIN.check(margin),
                     stop_factor=_STOP.check(stop_factor))


def range_test(start_lr: float = START_LR, end_lr: float = END_LR, steps: int = STEPS, seed=0,
               stop_factor: float = STOP_FACTOR, smooth: int = SMOOTH, margin: float = MARGIN,
               **train_kwargs) -> RangeTest | RangeTests:
    """Run the LR range test on the playground: ``steps`` optimizer steps with the lr growing
    exponentially from ``start_lr`` to ``end_lr``, ended once the loss passes ``stop_factor``
    times its lowest. ``train_kwargs`` go to ``lrlessons.train`` (``momentum``, ``optimizer``,
    ``batch_size``, ...). A sequence of seeds (``range(5)``) returns ``RangeTests``, read from
    the median curve. See the module's docstring for the rules."""
    from .playground import train

    if isinstance(seed, Iterable) and not isinstance(seed, str):
        seeds = list(seed)
        if not seeds:
            raise fail("seed must be a number or a non-empty list of numbers",
                       "seed 必须是一个数或一个非空的数列")
        return RangeTests([range_test(start_lr, end_lr, steps, s, stop_factor, smooth, margin,
                                      **train_kwargs) for s in seeds])
    config = train_settings(start_lr, end_lr, steps, stop_factor, **train_kwargs)
    run = train(seed=seed, **config)
    return from_run(run, config["base_lr"], end_lr, steps, stop_factor, smooth, margin,
                    **train_kwargs)


def _steps_per_epoch(train_kwargs: dict) -> int:
    from .playground import _ACCUMULATE, _BATCH, _tensors

    batch_size = _BATCH.check(train_kwargs.get("batch_size", _BATCH.default))
    batches = -(-len(_tensors()[0]) // batch_size)
    return -(-batches // _ACCUMULATE.check(train_kwargs.get("accumulate", 1)))


__all__ = ["MARGIN", "RangeTest", "RangeTests", "from_run", "growth", "lowest_index",
           "range_test", "rounded", "smooth", "stop_index", "suggest", "train_settings"]
