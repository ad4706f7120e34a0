"""The language model of ``lrlessons.transformer`` trained by Hugging Face's ``Trainer``.

``Trainer`` builds its schedule from ``TrainingArguments``: ``lr_scheduler_type``, a warm-up
(``warmup_steps``: an int, or a float in [0, 1) read as a fraction of the run, rounded up) and a
run length it computes itself (``max_steps``, or ``num_train_epochs`` times the optimizer steps
in an epoch, which gradient accumulation divides). ``trainer_steps`` repeats that arithmetic,
``trainer_schedule`` names the catalogue entry and parameters it amounts to, and ``LrRecorder``,
a ``TrainerCallback``, reads the lr from the optimizer's ``param_groups`` just before every
optimizer step, so the two can be held together: ``recorder.lrs == trainer_curve(args, n)``.

Nothing is downloaded: the model is ``TinyLM`` wrapped to Trainer's calling convention
(``forward(input_ids, labels)`` returning the loss), the data the committed corpus.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn
from transformers import Trainer, TrainerCallback, TrainingArguments

from .catalogue import curve
from .params import fail
from .transformer import CONTEXT, VOCAB, TinyLM, make_lm, tokens

# Trainer's lr_scheduler_type -> the catalogue entry it builds (each held to transformers' own
# function by tests/test_frameworks.py).
SCHEDULER_TYPES = {
    "linear": "WarmupLinear",
    "cosine": "WarmupCosine",
    "inverse_sqrt": "InverseSqrt",
    "warmup_stable_decay": "WarmupStableDecay",
}


class TrainerLM(nn.Module):
    """``TinyLM`` as Trainer calls a model: ``forward(input_ids, labels=None)`` returns
    ``{"loss": ..., "logits": ...}``, the loss being the mean next-byte cross-entropy."""

    def __init__(self, lm: TinyLM):
        super().__init__()
        self.lm = lm

    def forward(self, input_ids: torch.Tensor, labels: torch.Tensor | None = None) -> dict:
        logits = self.lm(input_ids)
        out = {"logits": logits}
        if labels is not None:
            out["loss"] = nn.functional.cross_entropy(logits.reshape(-1, VOCAB),
                                                      labels.reshape(-1))
        return out


class Windows(torch.utils.data.Dataset):
    """The first ``count`` windows of the training text, ``context + 1`` bytes each, side by
    side (stride ``context``): item i is ``{"input_ids": bytes, "labels": the next bytes}``.
    Trainer shuffles them with its own seed."""

    def __init__(self, count: int | None = None, context: int = CONTEXT, split: str = "train"):
        data = tokens(split)
        windows = data[:(len(data) - 1) // context * context + 1]
        self.windows = windows.unfold(0, context + 1, context)
        if count is not None:
            if not 1 <= count <= len(self.windows):
                raise fail(f"count must be in [1, {len(self.windows)}], got {count}",
                           f"count 必须在 [1, {len(self.windows)}] 之间，你给出的是 {count}")
            self.windows = self.windows[:count]

    def __len__(self) -> int:
        return len(self.windows)

    def __getitem__(self, i: int) -> dict:
        w = self.windows[i]
        return {"input_ids": w[:-1], "labels": w[1:]}


class LrRecorder(TrainerCallback):
    """Reads the lr every optimizer step uses from ``optimizer.param_groups`` (just before
    ``optimizer.step()``), with Trainer's ``global_step`` at that moment."""

    def __init__(self):
        self.lrs: list[float] = []
        self.steps: list[int] = []

    def on_pre_optimizer_step(self, args, state, control, optimizer=None, **kwargs):
        self.lrs.append(float(optimizer.param_groups[0]["lr"]))
        self.steps.append(int(state.global_step))


def trainer_steps(args: TrainingArguments, batches_per_epoch: int) -> dict:
    """The counts Trainer derives from ``args`` for a data loader of ``batches_per_epoch``
    batches: optimizer steps per epoch (accumulation divides, rounding up), the run's optimizer
    steps (``max_steps`` when positive, else ``ceil(num_train_epochs * per_epoch)``) and the
    warm-up steps (an int ``warmup_steps`` as it is; a float in [0, 1) as ``ceil(fraction *
    max_steps)``)."""
    accumulation = args.gradient_accumulation_steps
    per_epoch = max(batches_per_epoch // accumulation + int(batches_per_epoch % accumulation > 0),
                    1)
    if args.max_steps > 0:
        max_steps = args.max_steps
    else:
        max_steps = math.ceil(args.num_train_epochs * per_epoch)
    w = args.warmup_steps
    warmup = int(w) if w >= 1 else math.ceil(max_steps * w)
    return {"per_epoch": per_epoch, "max_steps": max_steps, "warmup_steps": warmup}


def trainer_schedule(args: TrainingArguments, batches_per_epoch: int) -> tuple[str, dict]:
    """The catalogue entry and its parameters that Trainer's schedule amounts to."""
    kind = getattr(args.lr_scheduler_type, "value", args.lr_scheduler_type)
    if kind not in SCHEDULER_TYPES:
        raise fail(f"lr_scheduler_type must be one of {sorted(SCHEDULER_TYPES)} here, got "
                   f"{kind!r}", f"这里的 lr_scheduler_type 必须是 {sorted(SCHEDULER_TYPES)} 之一，"
                   f"你给出的是 {kind!r}")
    counts = trainer_steps(args, batches_per_epoch)
    extra = dict(args.lr_scheduler_kwargs or {})
    params = {"num_warmup_steps": counts["warmup_steps"], **extra}
    name = SCHEDULER_TYPES[kind]
    if name in ("WarmupLinear", "WarmupCosine"):
        params["num_training_steps"] = counts["max_steps"]
    if name == "WarmupStableDecay" and "num_stable_steps" not in params:
        # transformers: the stable phase is what warm-up and decay leave of the run
        params["num_stable_steps"] = (counts["max_steps"] - counts["warmup_steps"]
                                      - params.get("num_decay_steps", 0))
    return name, params


def trainer_curve(args: TrainingArguments, batches_per_epoch: int) -> np.ndarray:
    """``lrlessons.curve`` for every optimizer step of the run Trainer makes of ``args``."""
    name, params = trainer_schedule(args, batches_per_epoch)
    return curve(name, trainer_steps(args, batches_per_epoch)["max_steps"],
                 base_lr=args.learning_rate, **params)


def lm_trainer(args: TrainingArguments, windows: int | None = 256, seed: int = 0,
               **model) -> tuple[Trainer, LrRecorder]:
    """A ``Trainer`` for ``TinyLM`` (built from ``seed`` and ``model``'s keywords: ``layout``,
    ``width``, ...) on the first ``windows`` training windows, with an ``LrRecorder``."""
    recorder = LrRecorder()
    lm = make_lm(seed, **model)
    trainer = Trainer(model=TrainerLM(lm), args=args,
                      train_dataset=Windows(windows, context=lm.context), callbacks=[recorder])
    return trainer, recorder


__all__ = ["LrRecorder", "SCHEDULER_TYPES", "TrainerLM", "Windows", "lm_trainer",
           "trainer_curve", "trainer_schedule", "trainer_steps"]
