"""Lesson 10's sweep: every kind of schedule of the course on scikit-learn's handwritten digits,
over several seeds, with a progress bar, a table and a figure.

The runs are ``lrlessons.train(task="digits", ...)``: the course's one training loop. Every
number a sweep prints is a live measurement: it changes with the seeds and the machine (the
lesson's table cell is not compared by nbval), and the lesson's sentences rest on the claims of
tests/claims_lesson_10.py instead. Seconds per run are marked ⏱.
"""

from __future__ import annotations

import numpy as np

from .catalogue import get
from .i18n import tr

DIGITS = dict(task="digits", batch_size=128, epochs=12)  # 12 updates per epoch, 144 in all
SGD = dict(DIGITS, base_lr=0.3)  # SGD with momentum 0.9, train()'s default
ADAM = dict(DIGITS, base_lr=0.01)
WARMUP_COSINE = dict(schedule="SequentialLR", milestones=[2], schedulers=[
    ("LinearLR", dict(start_factor=0.1, total_iters=2)), ("CosineAnnealingLR", dict(T_max=10))])

# label -> train() keyword arguments (a label: see lrlessons.plotting.words).
SWEEP: dict = {
    ("constant lr", "恒定学习率"): dict(SGD),
    "StepLR": dict(SGD, schedule="StepLR", step_size=4, gamma=0.3),
    "MultiStepLR": dict(SGD, schedule="MultiStepLR", milestones=[6, 9], gamma=0.1),
    "ExponentialLR": dict(SGD, schedule="ExponentialLR", gamma=0.8),
    ("cosine", "余弦退火"): dict(SGD, schedule="CosineAnnealingLR"),
    ("warm-up + cosine", "预热 + 余弦"): dict(SGD, **WARMUP_COSINE),
    "OneCycleLR": dict(SGD, schedule="OneCycleLR", max_lr=0.3, step_per="iteration"),
    "ReduceLROnPlateau": dict(SGD, schedule="ReduceLROnPlateau", factor=0.3, patience=1),
    ("Adam, constant", "Adam，恒定"): dict(ADAM, optimizer="adam"),
    ("Adam + cosine", "Adam + 余弦"): dict(ADAM, optimizer="adam", schedule="CosineAnnealingLR"),
    ("AdamW, constant", "AdamW，恒定"): dict(ADAM, optimizer="adamw", weight_decay=0.01),
    ("AdamW + cosine", "AdamW + 余弦"): dict(ADAM, optimizer="adamw", weight_decay=0.01,
                                           schedule="CosineAnnealingLR"),
    ("Adam lr=0.001, constant", "Adam lr=0.001，恒定"): dict(DIGITS, base_lr=0.001,
                                                          optimizer="adam"),
}


def plot_digits(count: int = 20):
    """The first ``count`` images of the data set, 8x8 grey levels, each with its label."""
    import matplotlib.pyplot as plt

    from .playground import digits
    from .plotting import plot_text, subplots

    x, y = digits()
    cols = 10
    fig, axes = subplots(-(-count // cols), cols, figsize=(8, 0.95 * -(-count // cols) + 0.5),
                         layout="constrained")
    for ax, image, digit in zip(np.ravel(axes), x[:count], y[:count]):
        ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(str(digit), fontsize=9)
        ax.set_axis_off()
    fig.suptitle(plot_text(f"{len(x)} handwritten digits, 8 × 8 pixels, 17 grey levels",
                           f"{len(x)} 个手写数字，8 × 8 像素，17 级灰度"), fontsize=10)
    plt.close(fig)
    return fig


def _schedule_text(kwargs: dict) -> str:
    name = kwargs.get("schedule")
    if name is None:
        return "—"
    shown = {k: v for k, v in kwargs.items() if k not in (*DIGITS, "schedule", "base_lr",
                                                          "optimizer", "step_per", "weight_decay")}
    if get(name).members:  # a schedule made of others: write each member with its values
        inner = ", ".join(f"{n}({', '.join(f'{k}={v}' for k, v in p.items())})"
                          for n, p in shown["schedulers"])
        rest = "".join(f", {k}={v}" for k, v in shown.items() if k != "schedulers")
        return f"{name}([{inner}]{rest})"
    return f"{name}({', '.join(f'{k}={v}' for k, v in shown.items())})"


def configs_table(configs: dict | None = None) -> str:
    """A Markdown table of what the sweep trains: optimizer, learning rate, schedule, and how
    often the schedule steps."""
    from .playground import OPTIMIZERS
    from .plotting import words

    configs = SWEEP if configs is None else configs
    lines = [tr("| run | optimizer | lr | schedule | scheduler.step() |",
                "| 训练 | 优化器 | 学习率 | 调度 | scheduler.step() |"), "|---|---|---:|---|---|"]
    for key, kw in configs.items():
        opt = OPTIMIZERS[kw.get("optimizer", "sgd")]
        opt += tr(" (momentum 0.9)", "（动量 0.9）") if opt == "SGD" else ""
        if kw.get("weight_decay"):
            opt += f", weight_decay={kw['weight_decay']}"
        # A schedule that sets its own peak (OneCycleLR) ignores base_lr: show the peak.
        own_peak = kw.get("schedule") and not get(kw["schedule"]).uses_base_lr
        lr = kw["max_lr"] if own_peak and "max_lr" in kw else kw["base_lr"]
        per = kw.get("step_per", "epoch") if kw.get("schedule") else "—"
        per = {"epoch": tr("per epoch", "每个 epoch"), "iteration": tr("per iteration", "每次迭代"),
               "—": "—"}[per]
        schedule = f"`{_schedule_text(kw)}`" if kw.get("schedule") else "—"
        lines.append(f"| {words(key, figure=False)} | {opt} | {lr:g} | {schedule} | {per} |")
    return "\n".join(lines)


def show_configs(configs: dict | None = None):
    """Display ``configs_table`` in a notebook."""
    from IPython.display import Markdown

    return Markdown(configs_table(configs))


def sweep(configs: dict | None = None, seeds=range(5), progress: bool = True) -> dict:
    """Train every configuration once per seed, with a progress bar over all the runs
    (``tqdm.auto``: a widget in JupyterLab, text elsewhere); {label: Runs}."""
    from tqdm.auto import tqdm

    from .playground import Runs, train

    configs = SWEEP if configs is None else configs
    seeds = list(seeds)
    jobs = [(key, seed) for key in configs for seed in seeds]
    done: dict = {key: [] for key in configs}
    for key, seed in tqdm(jobs, desc=tr("training", "训练"), unit=tr("run", "次"),
                          disable=not progress):
        done[key].append(train(seed=seed, **configs[key]))
    return {key: Runs(runs) for key, runs in done.items()}


def summary(runs) -> dict:
    """Final validation accuracy (% mean, sample std over seeds, ddof=1), best epoch (mean over seeds of the
    first epoch at each run's highest validation accuracy, counted from 1) and seconds per run."""
    finals = 100 * np.array([r.final_accuracy for r in runs.runs])
    best = [int(np.argmax(r.accuracy)) + 1 for r in runs.runs]
    return dict(mean=float(np.mean(finals)), std=float(np.std(finals, ddof=1)),
                best_epoch=float(np.mean(best)),
                seconds=float(np.mean([r.seconds for r in runs.runs])))


def sweep_table(results: dict) -> str:
    """A Markdown table, one row per configuration: final validation accuracy as mean ± std over
    the seeds (both to a tenth of a point; one validation image is 0.28 points), the best epoch
    (the epoch of a run's highest validation accuracy, mean over seeds, rounded), and the seconds
    per run on this machine, marked ⏱. A live measurement."""
    from .plotting import words

    n = len(next(iter(results.values())).runs)
    lines = [tr(f"| run | final validation accuracy (%), mean ± std over {n} seeds | best epoch | "
                f"⏱ seconds per run (this machine) |",
                f"| 训练 | 最终验证准确率（%），{n} 个种子的均值 ± 标准差 | 最佳 epoch | "
                f"⏱ 每次训练的秒数（本机） |"), "|---|---:|---:|---:|"]
    for key, runs in results.items():
        s = summary(runs)
        lines.append(f"| {words(key, figure=False)} | {s['mean']:.1f} ± "
                     f"{s['std']:.1f} | {round(s['best_epoch'])} | ⏱ {s['seconds']:.2f} |")
    return "\n".join(lines)


def show_table(results: dict):
    """Display ``sweep_table`` in a notebook."""
    from IPython.display import Markdown

    return Markdown(sweep_table(results))


def plot_sweep(results: dict):
    """Every seed's final validation accuracy as a dot, one row per configuration, with the mean
    and ± one standard deviation (ddof=1), and the figures written beside each row."""
    import matplotlib.pyplot as plt

    from .plotting import colors, plot_text, style_axes, subplots, words

    keys = list(results)
    fig, ax = subplots(figsize=(9, 0.42 * len(keys) + 1.2), layout="constrained")
    palette = colors(len(keys))
    for i, (key, color) in enumerate(zip(keys, palette)):
        finals = 100 * np.array([r.final_accuracy for r in results[key].runs])
        s = summary(results[key])
        y = len(keys) - 1 - i
        ax.scatter(finals, np.full(len(finals), y), s=22, color=color, alpha=0.75, zorder=3)
        ax.errorbar(s["mean"], y, xerr=s["std"], fmt="|", color="black", ms=14, capsize=3,
                    lw=1.2, zorder=4, label=plot_text("mean ± 1 standard deviation",
                                                      "均值 ± 1 个标准差") if i == 0 else None)
        ax.annotate(f"{s['mean']:.2f} ± {s['std']:.2f}", (1.0, y), xycoords=("axes fraction",
                    "data"), xytext=(6, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(range(len(keys)), [words(k) for k in reversed(keys)])
    ax.set_xlabel(plot_text("final validation accuracy (%), one dot per seed",
                            "最终验证准确率（%），每个种子一个点"))
    ax.legend(loc="upper left", fontsize=8)  # the low-accuracy rows sit at the bottom
    style_axes(ax)
    plt.close(fig)
    return fig


def reveal(guess, choice: dict, epochs: int = 6, seeds=range(10)):
    """Lesson 10's prediction: ``guess``, the points by which the schedule ``choice`` (``train()``
    arguments; SGD with momentum at lr 0.3 unless it says otherwise) will beat the constant lr
    0.3 in ``epochs`` epochs; then the measurement, both trained on ``seeds``: the seed-paired
    mean difference with its 95 % interval and the course's verdict. Without a guess (``...``)
    it trains nothing and asks for one. A live measurement: its digits change with the machine."""
    from IPython.display import Markdown

    from .playground import digits, train, train_test_split
    from .stats import paired

    if guess is ... or guess is None:
        return Markdown(tr("Set `guess` first (a number of points, negative if you think the "
                           "schedule loses), then run this cell again.",
                           "请先设定 `guess`（一个百分点数；如果你认为这个调度会输，就写负数），"
                           "再运行这个单元格。"))
    base = dict(SGD, epochs=epochs)
    seeds = list(seeds)
    mine = [100 * train(seed=s, **dict(base, **choice)).final_accuracy for s in seeds]
    const = [100 * train(seed=s, **base).final_accuracy for s in seeds]
    p = paired(mine, const)
    direction = 1 if p.mean >= 0 else -1  # confirmed in the direction the mean points
    image = 100 / len(train_test_split(*digits())[2])  # one validation image, in points
    return Markdown(tr(
        f"Your guess: {float(guess):+.2f} points. Measured over {p.n} seeds, the schedule minus "
        f"the constant lr: mean {p.mean:+.2f} points, 95 % interval [{p.low:+.2f}, "
        f"{p.high:+.2f}]: **{p.verdict(direction)}** (one validation image is "
        f"{image:.2f} points).",
        f"你的预测：{float(guess):+.2f} 个百分点。在 {p.n} 个种子上实测，该调度减去恒定学习率："
        f"均值 {p.mean:+.2f} 个百分点，95% 区间 [{p.low:+.2f}, {p.high:+.2f}]：**{p.verdict(direction)}**"
        f"（一张验证图像相当于 {image:.2f} 个百分点）。"))


__all__ = ["DIGITS", "SWEEP", "configs_table", "plot_digits", "plot_sweep",
           "reveal", "show_configs", "show_table", "summary", "sweep", "sweep_table"]
