"""A small decoder-only transformer language model: where warm-up earns its place.

The spiral's MLP trains happily without warm-up; a transformer at a high peak lr may not. This
module is the transformer counterpart of the training playground (``lrlessons.playground``),
with the same conventions: a fixed task with nothing downloaded, a run deterministic for its
seed, one CPU thread, the lr of every step read from ``param_groups`` just before
``optimizer.step()``, schedules from the catalogue (``lrlessons.torch_scheduler``).

- **Data**: byte-level tokens of a committed slice of Python's standard library source
  (CPython 3.11.7, PSF licence: ``data/corpus/LICENSE-PSF.txt``). Training and validation text
  come from different modules (files), and each file's sha256 is checked when it is read.
- **Model**: token and position embeddings, ``layers`` of ``nn.TransformerEncoderLayer`` under
  a causal mask (a decoder-only stack is an encoder stack that cannot look ahead), a linear head
  to the 256 byte values. ``layout="post"`` normalises after each residual sum, as the original
  Transformer did; ``layout="pre"`` normalises each block's input (``norm_first=True``) and the
  stack's output. No dropout: a run is a function of its seed alone.
- **A run** (``train_lm``): AdamW on random windows of the training text, the training loss of
  every step (the batch's, measured before the step) and the validation loss every
  ``eval_every`` steps on fixed windows of the validation text. A run whose loss is not finite,
  or passes ``DIVERGED_LOSS``, stops there and is marked ``diverged``.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .catalogue import check_base_lr, get
from .params import Param, fail

CORPUS_DIR = Path(__file__).resolve().parent / "data" / "corpus"
# The committed text, byte for byte: a changed file would silently change every result.
CORPUS_SHA256 = {
    "train": "525decc33d12f6b756a5197230ccefefc9031989df17877c7b15cac583e10d36",
    "val": "8c0193ebd931e88e3134d1a4ef049cc3df631ec10d26624440bf3db0b976f925",
}
SPLITS = tuple(CORPUS_SHA256)
VOCAB = 256  # byte-level tokens: no tokenizer to fit, every text encodes
UNIFORM_LOSS = math.log(VOCAB)  # cross-entropy of a model that has learnt nothing (5.55)
# Twice the loss of a uniform guess: no run that is still learning gets there.
DIVERGED_LOSS = 2 * UNIFORM_LOSS

WIDTH, LAYERS, HEADS, CONTEXT, BATCH_SIZE = 64, 4, 4, 64, 32
LAYOUTS = ("post", "pre")
VAL_WINDOWS = 256  # fixed validation windows: 16,384 predicted bytes at context 64
EVAL_EVERY = 50


# --- the data ---------------------------------------------------------------------------------


@lru_cache(maxsize=len(SPLITS))
def _read(split: str) -> bytes:
    data = (CORPUS_DIR / f"{split}.txt").read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != CORPUS_SHA256[split]:
        raise fail(f"the {split} corpus {CORPUS_DIR / f'{split}.txt'} has sha256 {digest}, "
                   f"expected {CORPUS_SHA256[split]}: the file was changed; restore it from "
                   f"the repository",
                   f"{split} 语料 {CORPUS_DIR / f'{split}.txt'} 的 sha256 为 {digest}，应为 "
                   f"{CORPUS_SHA256[split]}：文件被改动过，请从代码仓库恢复")
    return data


_SPLIT = Param("split", "train", "choice", "which text", "哪一部分文本", choices=SPLITS)


def corpus(split: str = "train") -> str:
    """The text of ``split`` (``"train"`` or ``"val"``), checked against its sha256."""
    return _read(_SPLIT.check(split)).decode("ascii")


@lru_cache(maxsize=len(SPLITS))
def tokens(split: str = "train") -> torch.Tensor:
    """The byte-level tokens of ``split``: int64, values 0-255."""
    return torch.frombuffer(bytearray(_read(_SPLIT.check(split))), dtype=torch.uint8).long()


def sources(split: str = "train") -> list[str]:
    """The standard-library files a split was cut from, in order (their header lines)."""
    return [line.split()[2] for line in corpus(split).splitlines()
            if line.startswith("# ===== Lib/")]


def val_windows(context: int = CONTEXT, count: int = VAL_WINDOWS) -> torch.Tensor:
    """``count`` fixed windows of ``context + 1`` validation tokens, evenly spaced over the
    validation text: [count, context + 1]. Every run is measured on the very same bytes."""
    data = tokens("val")
    starts = torch.linspace(0, len(data) - context - 1, count).long()
    return torch.stack([data[s:s + context + 1] for s in starts.tolist()])


def batch(generator: torch.Generator, batch_size: int = BATCH_SIZE,
          context: int = CONTEXT) -> torch.Tensor:
    """``batch_size`` random windows of ``context + 1`` training tokens, drawn with
    ``generator`` (its seed fixes the data order): [batch_size, context + 1]."""
    data = tokens("train")
    starts = torch.randint(0, len(data) - context, (batch_size,), generator=generator)
    return data.unfold(0, context + 1, 1)[starts]


# --- the model --------------------------------------------------------------------------------


class TinyLM(nn.Module):
    """A decoder-only transformer over bytes: embeddings, ``layers`` encoder layers under a causal
    mask, a linear head. ``forward(tokens)`` gives logits [batch, time, 256]; position t sees
    tokens 0..t only."""

    def __init__(self, width: int = WIDTH, layers: int = LAYERS, heads: int = HEADS,
                 context: int = CONTEXT, layout: str = "post"):
        super().__init__()
        self.context, self.layout = context, layout
        self.embed = nn.Embedding(VOCAB, width)
        self.position = nn.Embedding(context, width)
        # torch's own layer: post-LN (norm_first=False) is the original Transformer's layout,
        # pre-LN moves each LayerNorm before its sub-block; dropout 0 keeps a run a function of
        # its seed.
        block = nn.TransformerEncoderLayer(width, heads, dim_feedforward=4 * width, dropout=0.0,
                                           activation="gelu", batch_first=True,
                                           norm_first=layout == "pre")
        # Pre-LN leaves the residual stream unnormalised: a last LayerNorm before the head.
        self.blocks = nn.TransformerEncoder(block, layers,
                                            norm=nn.LayerNorm(width) if layout == "pre" else None,
                                            enable_nested_tensor=False)
        self.head = nn.Linear(width, VOCAB)
        self.register_buffer("mask", nn.Transformer.generate_square_subsequent_mask(context),
                             persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        t = x.shape[1]
        if t > self.context:
            raise fail(f"the input has {t} tokens, more than the model's context of "
                       f"{self.context}", f"输入有 {t} 个词元，超过模型的上下文长度 {self.context}")
        h = self.embed(x) + self.position(torch.arange(t, device=x.device))
        h = self.blocks(h, mask=self.mask[:t, :t], is_causal=True)
        return self.head(h)

    def loss(self, window: torch.Tensor) -> torch.Tensor:
        """Mean cross-entropy of predicting each next byte of ``window`` [batch, context + 1]."""
        logits = self(window[:, :-1])
        return nn.functional.cross_entropy(logits.reshape(-1, VOCAB), window[:, 1:].reshape(-1))


_WIDTH = Param("width", WIDTH, "int", "model width (d_model)", "模型宽度（d_model）", 8, 1024)
_LAYERS = Param("layers", LAYERS, "int", "transformer layers", "Transformer 层数", 1, 48)
_HEADS = Param("heads", HEADS, "int", "attention heads", "注意力头数", 1, 64)
_CONTEXT = Param("context", CONTEXT, "int", "tokens a model sees", "模型看到的词元数", 2, 1024)
_LAYOUT = Param("layout", "post", "choice", "where LayerNorm sits", "LayerNorm 的位置",
                choices=LAYOUTS)


def make_lm(seed: int = 0, width: int = WIDTH, layers: int = LAYERS, heads: int = HEADS,
            context: int = CONTEXT, layout: str = "post") -> TinyLM:
    """A ``TinyLM`` initialised from ``seed`` (torch's default initialisation)."""
    width, layers, heads = _WIDTH.check(width), _LAYERS.check(layers), _HEADS.check(heads)
    context, layout = _CONTEXT.check(context), _LAYOUT.check(layout)
    if width % heads:
        raise fail(f"width must be a multiple of heads, got width={width}, heads={heads}: change "
                   f"one of them, e.g. width={heads * max(1, round(width / heads))}",
                   f"width 必须是 heads 的整数倍，你给出的是 width={width}、heads={heads}：请调整其中一个，"
                   f"例如 width={heads * max(1, round(width / heads))}")
    torch.manual_seed(_SEED.check(seed))
    return TinyLM(width, layers, heads, context, layout)


# --- a run ------------------------------------------------------------------------------------


@dataclass
class LMRun:
    """What one language-model run produced.

    ``lrs[i]`` is the lr optimizer step i used (read from ``param_groups`` just before
    ``optimizer.step()``), ``losses[i]`` the training loss of that step's batch, measured before
    the step. ``val_losses[j]`` is the validation loss after ``val_steps[j]`` optimizer steps
    (0: the initial model). A diverged run stops at the step whose loss was not finite or passed
    ``DIVERGED_LOSS``: its arrays end there.
    """

    schedule: str | None
    params: dict
    base_lr: float
    steps: int
    seed: int
    model: dict  # width, layers, heads, context, layout
    batch_size: int
    max_grad_norm: float | None
    lrs: np.ndarray
    losses: np.ndarray
    val_steps: np.ndarray
    val_losses: np.ndarray
    diverged: bool = False
    seconds: float = field(default=0.0, compare=False)

    def scheduled(self) -> np.ndarray:
        """What ``curve()`` says the lr of each recorded step should be."""
        from .catalogue import curve

        if self.schedule is None:
            return np.full(len(self.lrs), self.base_lr)
        return curve(self.schedule, self.steps, base_lr=self.base_lr, **self.params)[
            :len(self.lrs)]

    @property
    def final_val_loss(self) -> float:
        """The validation loss at the end of the run (NaN if it diverged)."""
        if self.diverged or not len(self.val_steps) or self.val_steps[-1] != self.steps:
            return math.nan
        return float(self.val_losses[-1])


_SEED = Param("seed", 0, "int", "random seed", "随机种子", 0, None)
_STEPS = Param("steps", 1000, "int", "optimizer steps", "迭代次数", 1, 1_000_000)
_BATCH = Param("batch_size", BATCH_SIZE, "int", "windows per batch", "每个 batch 的窗口数", 1, 4096)
_EVAL = Param("eval_every", EVAL_EVERY, "int", "steps between validation losses",
              "两次验证损失之间的步数", 1, None)
_CLIP = Param("max_grad_norm", None, "float", "gradient clipping norm (None: no clipping)",
              "梯度裁剪的范数（None：不裁剪）", 0.0, None, low_open=True, optional=True)
_DECAY = Param("weight_decay", 0.0, "float", "AdamW's weight decay", "AdamW 的权重衰减", 0.0, None)


def train_lm(schedule: str | None = None, steps: int = 1000, base_lr: float = 1e-3,
             seed: int = 0, layout: str = "post", width: int = WIDTH, layers: int = LAYERS,
             heads: int = HEADS, context: int = CONTEXT, batch_size: int = BATCH_SIZE,
             eval_every: int = EVAL_EVERY, max_grad_norm: float | None = None,
             weight_decay: float = 0.0, **params) -> LMRun | list[LMRun]:
    """Train a ``TinyLM`` for ``steps`` optimizer steps with AdamW at ``base_lr`` and
    ``schedule`` (a catalogue name stepped after every optimizer step; None: constant lr).

    The schedule's run-length parameter (``num_training_steps``) defaults to ``steps``; its
    other parameters come as keywords (``num_warmup_steps=100``). ``seed`` fixes the
    initialisation and the batches; a sequence of seeds returns one run per seed.
    ``max_grad_norm`` clips the gradient's norm before each step, as transformers' Trainer does
    by default (1.0); None does not clip. One CPU thread; the caller's setting is given back.
    """
    if isinstance(seed, Iterable):
        return [train_lm(schedule, steps, base_lr, s, layout, width, layers, heads, context,
                         batch_size, eval_every, max_grad_norm, weight_decay, **params)
                for s in seed]
    seed, steps, base_lr = _SEED.check(seed), _STEPS.check(steps), check_base_lr(base_lr)
    batch_size, eval_every = _BATCH.check(batch_size), _EVAL.check(eval_every)
    max_grad_norm, weight_decay = _CLIP.check(max_grad_norm), _DECAY.check(weight_decay)
    spec = get(schedule) if schedule is not None else None
    if spec is not None and spec.metric:
        raise fail(f"{spec.name} needs a metric; the language-model runs step the schedule "
                   f"after every optimizer step", f"{spec.name} 需要监控指标；语言模型的训练在每次"
                   f"优化器更新后调用调度器")
    params = dict(params)
    if spec is not None and spec.run_length and params.get(spec.run_length) is None:
        params[spec.run_length] = steps

    from .torch_bridge import torch_scheduler

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        model = make_lm(seed, width, layers, heads, context, layout)
        opt = torch.optim.AdamW(model.parameters(), lr=base_lr, weight_decay=weight_decay)
        scheduler = torch_scheduler(schedule, opt, **params) if spec is not None else None
        start = time.perf_counter()
        history = _fit(model, opt, scheduler, steps, seed, batch_size, eval_every,
                       max_grad_norm)
        seconds = time.perf_counter() - start
    finally:
        torch.set_num_threads(threads)
    lrs, losses, val_steps, val_losses, diverged = history
    return LMRun(schedule=schedule, params=params, base_lr=base_lr, steps=steps, seed=seed,
                 model=dict(width=model.embed.embedding_dim, layers=len(model.blocks.layers),
                            heads=heads, context=model.context, layout=model.layout),
                 batch_size=batch_size, max_grad_norm=max_grad_norm,
                 lrs=np.asarray(lrs, dtype=np.float64), losses=np.asarray(losses),
                 val_steps=np.asarray(val_steps, dtype=np.int64),
                 val_losses=np.asarray(val_losses), diverged=diverged, seconds=seconds)


def validation_loss(model: TinyLM, windows: torch.Tensor | None = None) -> float:
    """Mean next-byte cross-entropy of ``model`` on the fixed validation windows."""
    windows = val_windows(model.context) if windows is None else windows
    model.eval()
    with torch.no_grad():
        total = sum(model.loss(chunk).item() * len(chunk) for chunk in windows.split(128))
    model.train()
    return total / len(windows)


def _fit(model, optimizer, scheduler, steps, seed, batch_size, eval_every, max_grad_norm):
    """The language-model training loop."""
    order = torch.Generator().manual_seed(seed)
    windows = val_windows(model.context)
    lrs, losses, val_steps, val_losses = [], [], [0], [validation_loss(model, windows)]
    diverged = False
    model.train()
    for step in range(steps):
        loss = model.loss(batch(order, batch_size, model.context))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        losses.append(loss.item())
        lrs.append(optimizer.param_groups[0]["lr"])  # the lr this step really uses
        if not losses[-1] <= DIVERGED_LOSS:  # also catches NaN
            diverged = True
            break
        if max_grad_norm is not None:
            nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        if (step + 1) % eval_every == 0 or step + 1 == steps:
            val_steps.append(step + 1)
            val_losses.append(validation_loss(model, windows))
            if not val_losses[-1] <= DIVERGED_LOSS:
                diverged = True
                break
    return lrs, losses, val_steps, val_losses, diverged


__all__ = ["CONTEXT", "DIVERGED_LOSS", "LMRun", "TinyLM", "VOCAB", "batch", "corpus", "make_lm",
           "sources", "tokens", "train_lm", "val_windows", "validation_loss"]
