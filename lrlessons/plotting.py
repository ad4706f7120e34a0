"""Static figures of learning-rate curves, labelled in the learner's language.

The first figure sets matplotlib up for Chinese labels (importing changes nothing): DejaVu Sans
first (Latin text and the true minus sign), then an installed CJK family for the glyphs DejaVu
lacks. Without any CJK font it warns once and labels stay English, so a figure never shows empty
boxes.
"""

from __future__ import annotations

import math
import warnings

import matplotlib as mpl
import numpy as np
from matplotlib import font_manager

from .catalogue import curve, get
from .i18n import tr
from .params import fail

CJK_CANDIDATES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "Microsoft YaHei",
                  "PingFang SC", "SimHei", "WenQuanYi Zen Hei")

# One palette for every figure of the course (colour-blind safe, Okabe-Ito order).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
           "#F0E442")

_fonts = {"cjk": None, "warned": False, "ready": False}


def ensure_fonts() -> None:
    """Set the fonts up once, on the first figure or label (never at import)."""
    if not _fonts["ready"]:
        setup_fonts()


def subplots(*args, **kwargs):
    """``plt.subplots`` with the course's fonts in place."""
    import matplotlib.pyplot as plt

    ensure_fonts()
    return plt.subplots(*args, **kwargs)


def setup_fonts() -> str | None:
    """Point matplotlib at DejaVu Sans plus the installed CJK families; returns the CJK family
    used, or None (then warns once). Only installed families are listed: a missing one makes
    matplotlib print a findfont line for every text it draws."""
    have = {f.name for f in font_manager.fontManager.ttflist}
    installed = [name for name in CJK_CANDIDATES if name in have]
    mpl.rcParams["font.sans-serif"] = ["DejaVu Sans", *installed]
    # matplotlib falls back glyph by glyph across the entries of font.family only (not across
    # the font.sans-serif list), so the CJK family is named there too.
    mpl.rcParams["font.family"] = ["sans-serif", *installed[:1]]
    _fonts["cjk"] = installed[0] if installed else None
    _fonts["ready"] = True
    if not installed and not _fonts["warned"]:
        _fonts["warned"] = True
        warnings.warn(
            "No Chinese font found, so figure labels stay in English. Install one and restart the "
            "kernel: Debian/Ubuntu `sudo apt-get install fonts-noto-cjk`, conda `conda install -c "
            "conda-forge fonts-noto-cjk`; Windows and macOS already have one (Microsoft YaHei, "
            "PingFang SC). / 没有找到中文字体，图中文字暂用英文。安装后重启内核即可：Debian/Ubuntu "
            "`sudo apt-get install fonts-noto-cjk`，conda `conda install -c conda-forge "
            "fonts-noto-cjk`；Windows 和 macOS 自带中文字体（微软雅黑、苹方）。",
            stacklevel=2)
    return _fonts["cjk"]


def cjk_font() -> str | None:
    """The CJK font family figures use, or None when none is installed."""
    ensure_fonts()
    return _fonts["cjk"]


def plot_text(en: str, zh: str) -> str:
    """Text drawn inside a figure: the learner's language, English when no CJK font can show
    Chinese."""
    ensure_fonts()
    return tr(en, zh) if _fonts["cjk"] else en


LABELS = {
    "step": ("step t (calls of scheduler.step())", "步数 t（scheduler.step() 调用次数）"),
    "lr": ("learning rate", "学习率"),
    "loss": ("loss", "损失"),
    "train_loss": ("training loss", "训练损失"),
    "val_loss": ("validation loss", "验证损失"),
    "accuracy": ("accuracy (%)", "准确率（%）"),
    "val_accuracy": ("validation accuracy (%)", "验证准确率（%）"),
    "epoch": ("epoch", "epoch"),
    "iteration": ("iteration (optimizer step)", "迭代"),
    "lr_used": ("learning rate used", "实际使用的学习率"),
    # A training figure's panels share one x: epoch k ends at x = k in every panel.
    "epoch_end": ("epoch k: measured at its end (x = k)", "第 k 个 epoch：在其结束时测量（x = k）"),
    "epoch_during": ("epoch k: lr used during it (k−1 to k)",
                     "第 k 个 epoch：其间所用的学习率（k−1 到 k）"),
    "x": ("x", "x"),
    "k": ("step k", "第 k 步"),
    "formula": ("formula (curve())", "公式（curve()）"),
    "used": ("used (param_groups)", "实际使用（param_groups）"),
    "intended": ("intended", "预期"),
    "momentum": ("momentum (Adam: beta1)", "动量（Adam 为 beta1）"),
}


def label(key: str) -> str:
    """An axis/legend/title word from ``LABELS`` in the learner's language."""
    return plot_text(*LABELS[key])


def words(key, figure: bool = True) -> str:
    """A label a lesson passes to a table or a legend, in the learner's language: a key of
    ``LABELS`` (``"formula"``), an ``(English, Chinese)`` pair, or text shown as it is (code such
    as ``"MultiStepLR([30, 80])"``). Lesson code stays the same in both languages."""
    if isinstance(key, tuple) and len(key) == 2:
        return plot_text(*key) if figure else tr(*key)
    if isinstance(key, str) and key in LABELS:
        return label(key) if figure else tr(*LABELS[key])
    return str(key)


def title_of(name: str) -> str:
    """The catalogue title of ``name`` for a figure."""
    title = get(name).title
    return plot_text(title.en, title.zh)


def colors(n: int) -> list[str]:
    return [PALETTE[i % len(PALETTE)] for i in range(n)]


def style_axes(ax) -> None:
    """The course look: light grid, no top/right spines."""
    ax.grid(True, color="#dddddd", lw=0.7)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


# --- the lr axis ------------------------------------------------------------------------------


def nice_ceil(v: float) -> float:
    """The next "round" number >= v (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten):
    axis limits that move only now and then while a slider moves."""
    if v <= 0 or not math.isfinite(v):
        return 1.0
    p = 10.0 ** math.floor(math.log10(v))
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * p >= v * (1 - 1e-12):
            return m * p
    return 10 * p


def lr_limits(curves, log: bool) -> tuple[str, dict, tuple[float, float]]:
    """Scale, scale keywords and y-limits for learning-rate curves.

    Log axis: decades around the data. A zero lr (NoamDecay or a warm-up at step 0) has no place
    on a log axis, so then the axis is symlog, linear below the smallest positive lr.
    """
    values = np.concatenate([np.ravel(c) for c in curves]) if curves else np.zeros(1)
    values = values[np.isfinite(values)]
    top = float(values.max()) if values.size else 0.0
    if not log:
        return "linear", {}, (0.0, nice_ceil(top * 1.05))
    positive = values[values > 0]
    if positive.size == 0:
        return "linear", {}, (0.0, 1.0)
    lo = 10.0 ** math.floor(math.log10(positive.min() / 1.5))  # room below the lowest line
    hi = 10.0 ** math.ceil(math.log10(positive.max() * 1.5))  # headroom above the top line
    hi = hi * 10 if hi <= lo else hi
    if (values <= 0).any():
        return "symlog", {"linthresh": lo, "linscale": 0.3}, (0.0, hi)
    return "log", {}, (lo, hi)


def set_lr_axis(ax, curves, log: bool) -> None:
    scale, kw, ylim = lr_limits(curves, log)
    # Our limits, not matplotlib's: autoscaling a log axis over placeholder zeros only warns.
    ax.set_autoscaley_on(False)
    ax.set_yscale(scale, **kw)
    ax.set_ylim(*ylim)


def step_xy(lr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x, y for a ``steps-post`` line on which step t's lr holds over [t, t+1): the last value
    is repeated so the last step has a width too."""
    lr = np.asarray(lr, dtype=float)
    return np.arange(len(lr) + 1), np.append(lr, lr[-1:])


def entry_label(name: str, params: dict) -> str:
    shown = ", ".join(f"{k}={_short(v)}" for k, v in params.items())
    if not shown:
        return title_of(name)
    # One pair of parentheses (full-width in Chinese): a title that has its own, 带热重启的余弦退火
    # （SGDR）, takes the parameters inside it, （SGDR；T_0=10）, never a second pair (issue 20).
    en, zh = get(name).title.en, get(name).title.zh
    en = f"{en[:-1]}; {shown})" if en.endswith(")") else f"{en} ({shown})"
    zh = f"{zh[:-1]}；{shown}）" if zh.endswith("）") else f"{zh}（{shown}）"
    return plot_text(en, zh)


def as_entries(name_or_list, params: dict) -> list[tuple[str, dict]]:
    """Normalise a name, or a list of names and (name, params) pairs."""
    if isinstance(name_or_list, str):
        return [(name_or_list, dict(params))]
    if params:
        raise fail("with several schedules, give each its parameters as (name, params) pairs",
                   "画多个调度时，请把每个调度写成 (名称, 参数)，分别给出参数", TypeError)
    out = []
    for item in name_or_list:
        if isinstance(item, str):
            out.append((item, {}))
        elif isinstance(item, (tuple, list)) and len(item) == 2 and isinstance(item[1], dict):
            out.append((item[0], dict(item[1])))
        else:
            raise fail(f"each entry must be a name or a (name, params) pair, got {item!r}",
                       f"每一项必须是名称或 (名称, 参数)，你给出的是 {item!r}", TypeError)
    return out


def plot_curve(name_or_list, steps: int, base_lr: float = 0.1, ax=None, log=False, **params):
    """Static figure of one schedule, or of several given as names and (name, params) pairs.

    ``log``: False (linear y-axis), True (log), or ``"both"``: two panels side by side, where a
    staircase's cuts by a constant factor show as equal steps on the right. Returns the Figure (a
    notebook displays it once: it is closed from pyplot's list). With ``ax``, draws there and
    returns ``ax``: the figure is yours to show.
    """
    entries = as_entries(name_or_list, params)
    curves = [curve(n, steps, base_lr=base_lr, **p) for n, p in entries]
    if log == "both" and ax is None:
        fig, axes = subplots(1, 2, figsize=(11, 3.4), layout="constrained")
        for a, scale in zip(axes, (False, True)):
            _draw_curves(a, entries, curves, steps, scale)
        return _finish(axes[0], True, len(entries), extra=axes[1])
    own = ax is None
    if own:
        fig, ax = subplots(figsize=(7, 3.6), layout="constrained")
    _draw_curves(ax, entries, curves, steps, bool(log))
    return _finish(ax, own, len(entries))


def _draw_curves(ax, entries, curves, steps: int, log: bool) -> None:
    for (n, p), lr, color in zip(entries, curves, colors(len(entries))):
        shown = p if len(entries) > 1 else {}
        ax.plot(*step_xy(lr), drawstyle="steps-post", color=color, lw=2,
                label=entry_label(n, shown))
    set_lr_axis(ax, curves, log)
    ax.set_xlim(0, steps)
    ax.set_xlabel(label("step"))
    ax.set_ylabel(label("lr"))
    style_axes(ax)


def _finish(ax, own: bool, n: int, extra=None):
    """Legend, then hand the figure over: several curves (or two panels) get their legend under
    the axes, where it cannot hide a line."""
    import matplotlib.pyplot as plt

    if not own:
        ax.legend(frameon=False)
        return ax
    fig = ax.figure
    if n > 1 or extra is not None:
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=min(n, 3),
                   frameon=False)
    else:
        ax.legend(frameon=False)
    plt.close(fig)  # returned, displayed once by the notebook
    return fig


def plot_lrs(curves: dict, ax=None, log: bool = False, title: str | None = None,
             x: str = "step"):
    """Static figure of learning-rate arrays given as ``{label: array}`` (a label: see
    ``words``): framework against framework, or the lr a run used against its formula. A later curve that hides an earlier one
    is drawn dashed on top, so agreement shows as one line. ``x`` names the x-axis: a key of
    ``LABELS`` such as "step", "iteration" or "epoch"."""

    own = ax is None
    if own:
        fig, ax = subplots(figsize=(7, 3.6), layout="constrained")
    arrays = [np.asarray(v, dtype=float) for v in curves.values()]
    for i, (name, lr, color) in enumerate(zip(curves, arrays, colors(len(arrays)))):
        style = dict(lw=2.2) if i == 0 else dict(lw=1.6, ls=(0, (4, 3)))
        ax.plot(*step_xy(lr), drawstyle="steps-post", color=color, label=words(name), **style)
    set_lr_axis(ax, arrays, log)
    ax.set_xlim(0, max(len(a) for a in arrays))
    ax.set_xlabel(label(x))
    ax.set_ylabel(label("lr"))
    if title:
        ax.set_title(words(title))
    style_axes(ax)
    return _finish(ax, own, len(arrays))


def plot_lr_momentum(curves: dict, x: str = "step"):
    """Learning rate above, momentum below, on one x-axis: ``{label: (lrs, momenta)}`` (a label:
    see ``words``), e.g. ``lrlessons.torch_curve`` and ``lrlessons.torch_momenta`` of CyclicLR or
    OneCycleLR, or a run's ``lrs`` and ``momenta``. Each curve keeps its colour in both panels."""
    import matplotlib.pyplot as plt

    fig, (ax_lr, ax_m) = subplots(2, 1, figsize=(7, 4.6), sharex=True, layout="constrained",
                                  height_ratios=(3, 2))
    pairs = [(np.asarray(a, dtype=float), np.asarray(b, dtype=float)) for a, b in curves.values()]
    for i, (name, (lr, mom), color) in enumerate(zip(curves, pairs, colors(len(pairs)))):
        style = dict(lw=2.2) if i == 0 else dict(lw=1.6, ls=(0, (4, 3)))
        ax_lr.plot(*step_xy(lr), drawstyle="steps-post", color=color, label=words(name), **style)
        ax_m.plot(*step_xy(mom), drawstyle="steps-post", color=color, **style)
    set_lr_axis(ax_lr, [lr for lr, _ in pairs], False)
    ax_lr.set_xlim(0, max(len(lr) for lr, _ in pairs))
    ax_lr.set_ylabel(label("lr"))
    ax_m.set_ylabel(label("momentum"))
    ax_m.set_xlabel(label(x))
    for ax in (ax_lr, ax_m):
        style_axes(ax)
    fig.legend(loc="outside lower center", ncol=min(len(pairs), 3), frameon=False)
    plt.close(fig)  # returned, displayed once by the notebook
    return fig


def _short(v) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    if callable(v):
        return getattr(v, "__name__", "f")
    return str(v)


__all__ = ["CJK_CANDIDATES", "LABELS", "PALETTE", "cjk_font", "label", "plot_curve", "plot_lrs",
           "plot_lr_momentum",
           "plot_text", "setup_fonts", "title_of", "words"]
