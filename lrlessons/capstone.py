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
    lines = [tr(f"| run | final validation accuracy (%), mean ± sample std (ddof=1) over {n} "
                f"seeds | best epoch | ⏱ seconds per run (this machine) |",
                f"| 训练 | 最终验证准确率（%），{n} 个种子的均值 ± 样本标准差（ddof=1） | "
                f"最佳 epoch | ⏱ 每次训练的秒数（本机） |"), "|---|---:|---:|---:|"]
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
    and ± one sample standard deviation (ddof=1), and the figures (to a tenth, as the table)
    written beside each row."""
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
                    lw=1.2, zorder=4, label=plot_text(
                        "mean ± 1 sample standard deviation (ddof=1) over the seeds",
                        "均值 ± 1 个样本标准差（ddof=1），按种子计") if i == 0 else None)
        # To a tenth, as the table: the figure and the table print the same numbers.
        ax.annotate(f"{s['mean']:.1f} ± {s['std']:.1f}", (1.0, y), xycoords=("axes fraction",
                    "data"), xytext=(6, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(range(len(keys)), [words(k) for k in reversed(keys)])
    ax.set_xlabel(plot_text("final validation accuracy (%), one dot per seed",
                            "最终验证准确率（%），每个种子一个点"))
    ax.legend(loc="upper left", fontsize=8)  # the low-accuracy rows sit at the bottom
    style_axes(ax)
    plt.close(fig)
    return fig


# --- the articles' statements, held against a sweep -----------------------------------------

CONSTANT = ("constant lr", "恒定学习率")
ADAM_001 = ("Adam lr=0.001, constant", "Adam lr=0.001，恒定")


def _points(runs, epoch: int | None = None) -> list[float]:
    """Each seed's validation accuracy in points, at the end or after ``epoch`` (from 1)."""
    return [100 * float(r.accuracy[-1] if epoch is None else r.accuracy[epoch - 1])
            for r in runs.runs]


def _verdict(p, direction: int) -> str:
    """The course's rule: "confirmed" only when the 95 % interval excludes 0 in the claimed
    ``direction`` (+1: higher, -1: lower), "not on this task" when it excludes 0 the other way,
    "cannot tell from this data" otherwise."""
    if (p.low > 0 if direction > 0 else p.high < 0):
        return tr("**confirmed**", "**证实**")
    if (p.high < 0 if direction > 0 else p.low > 0):
        return tr("**not on this task**", "**在这个任务上不成立**")
    return tr("**cannot tell from this data**", "**从这些数据看不出来**")


def _differs(p) -> str:
    """A claim of "no difference" (no tuning needed): refuted when the interval excludes 0."""
    if p.low > 0 or p.high < 0:
        return tr("**not on this task**", "**在这个任务上不成立**")
    return tr("**cannot tell from this data**", "**从这些数据看不出来**")


def _matters(p) -> str:
    """A claim that there is a difference, either way (sensitive to a hyperparameter):
    confirmed when the interval excludes 0, the mirror of ``_differs``."""
    if p.low > 0 or p.high < 0:
        return tr("**confirmed**", "**证实**")
    return tr("**cannot tell from this data**", "**从这些数据看不出来**")


NOT_MEASURED = ("**not measured**", "**未测量**")


def verdict_tables(results: dict) -> str:
    """The source articles' statements held against a sweep (``SWEEP``'s settings over the same
    seeds): each measured cell is a seed-paired difference in points with its 95 % interval
    (``lrlessons.stats.paired``, t over the differences, ddof=1), and each verdict follows from
    it by the course's rule (``_verdict``); "not measured" for what accuracy cannot show or
    these runs do not contain. A live measurement: its digits, and near the edge its verdicts,
    change with the seeds and the machine."""
    from .stats import paired

    n = len(results[CONSTANT].runs)

    def diff(a, b, epoch=None, label=None):
        p = paired(_points(results[a], epoch), _points(results[b], epoch))
        text = f"{p.mean:+.2f} [{p.low:+.2f}, {p.high:+.2f}]"
        return p, (f"{label}: {text}" if label else text)

    adam_lr, adam_lr_text = diff(("Adam, constant", "Adam，恒定"), ADAM_001)
    plateau, plateau_text = diff("ReduceLROnPlateau", CONSTANT)
    fast, fast_text = diff(("Adam, constant", "Adam，恒定"), CONSTANT, epoch=2)
    fast_w, fast_w_text = diff(("AdamW, constant", "AdamW，恒定"), CONSTANT, epoch=2)
    slow, slow_text = diff(ADAM_001, CONSTANT, epoch=2)
    end, end_text = diff(ADAM_001, CONSTANT)
    warm, warm_text = diff(("warm-up + cosine", "预热 + 余弦"), ("cosine", "余弦退火"))
    multi, multi_text = diff("MultiStepLR", CONSTANT)
    cosine, cosine_text = diff(("cosine", "余弦退火"), CONSTANT)
    cycle, cycle_text = diff("OneCycleLR", CONSTANT)
    nm = tr(*NOT_MEASURED)

    t1 = [tr(f"| kind | the article says | measured here: seed-paired difference in points, "
             f"95 % interval ({n} seeds, 12 epochs) | verdict |",
             f"| 类别 | 文章的说法 | 本课测得：按种子配对的差值（百分点），95% 区间（{n} 个种子，"
             f"12 个 epoch） | 结论 |"), "|---|---|---|---|"]
    sched = tr("scheduled (`StepLR`, `MultiStepLR`, `ExponentialLR`, cosine)",
               "有序调整（`StepLR`、`MultiStepLR`、`ExponentialLR`、余弦）")
    adapt = tr("adaptive (Adam, AdamW)", "自适应调整（Adam、AdamW）")
    custom = tr("custom (`LambdaLR`, `ReduceLROnPlateau`, callbacks, warm-up + cosine)",
                "自定义调整（`LambdaLR`、`ReduceLROnPlateau`、回调（callback）、预热 + 余弦）")
    rows = [
        (sched, tr("simple and intuitive, easy to control", "简单直观，容易控制"),
         tr("ease is not something accuracy shows", "是否容易，准确率反映不出来"), nm),
        (sched, tr("the schedule must be set in advance", "需要预先设定调度"),
         tr("what a staircase written for 12 epochs does in a 6-epoch run: exercise 1",
            "为 12 个 epoch 写的阶梯调度在 6 个 epoch 的训练中会怎样：见练习 1"),
         tr("exercise 1 tests it", "由练习 1 检验")),
        (sched, tr("typical use: basic training in computer vision (CV) and natural language "
                   "processing (NLP)",
                   "典型应用：计算机视觉（CV）和自然语言处理（NLP）的基础训练"),
         tr("one small image task", "只有一个小型图像任务"), nm),
        (adapt, tr("adjusts itself, no complex tuning needed", "自动调节，无需复杂调参"),
         tr(f"Adam at lr 0.01 minus Adam at the article's 0.001: {adam_lr_text}",
            f"学习率 0.01 的 Adam 减去文章中 0.001 的 Adam：{adam_lr_text}"), _differs(adam_lr)),
        (adapt, tr("but sensitive to its hyperparameters", "但对超参数（hyperparameter）敏感"),
         tr("the same difference: Adam's lr changed tenfold; whether more sensitive than SGD: "
            "SGD under the same tenfold change of lr was not run",
            "同一个差值：Adam 的学习率变为十分之一；是否比 SGD 更敏感：SGD 的学习率同样变为"
            "十分之一的情形没有训练"),
         tr(f"to its lr: {_matters(adam_lr)}; more than SGD: {nm}",
            f"对学习率：{_matters(adam_lr)}；是否比 SGD 更敏感：{nm}")),
        (adapt, tr("may oscillate", "可能振荡（oscillation）"),
         tr("oscillation within a run is not what the final accuracy shows",
            "训练过程中的振荡，最终准确率反映不出来"), nm),
        (adapt, tr("typical use: NLP, RNNs, Transformers",
                   "典型应用：自然语言处理、RNN、Transformer"),
         tr("no language task and no such model here", "这里没有语言任务，也没有这类模型"), nm),
        (custom, tr("flexible, adapts to the task", "灵活，适应任务"),
         tr(f"`ReduceLROnPlateau` minus the constant lr: {plateau_text}",
            f"`ReduceLROnPlateau` 减去恒定学习率：{plateau_text}"), _verdict(plateau, +1)),
        (custom, tr("harder to write, needs experience", "实现复杂，需要经验"),
         tr("ease is not something accuracy shows", "是否容易，准确率反映不出来"), nm),
        (custom, tr("typical use: industrial-grade tasks, research experiments",
                    "典型应用：工业级任务、科研实验"),
         tr("this is neither", "这里两者都不是"), nm),
    ]
    t1 += [f"| {' | '.join(r)} |" for r in rows]

    t2 = [tr("| the article's practical advice | measured here | verdict |",
             "| 文章的实践建议 | 本课测得 | 结论 |"), "|---|---|---|"]
    rows = [
        (tr("for beginners and baseline experiments, Adam or AdamW: fast and stable convergence",
            "初学和基线（baseline）实验用 Adam 或 AdamW：收敛快且稳定"),
         tr(f"minus the constant-lr SGD after 2 epochs: {fast_text} "
            f"(Adam, lr 0.01), {fast_w_text} (AdamW, lr 0.01), {slow_text} (Adam at the "
            f"article's lr 0.001); at the end, Adam at 0.001: {end_text}",
            f"两个 epoch 后减去恒定学习率的 SGD：{fast_text}（Adam，学习率 0.01），{fast_w_text}"
            f"（AdamW，学习率 0.01），{slow_text}（文章中学习率 0.001 的 Adam）；最后，学习率 "
            f"0.001 的 Adam：{end_text}"),
         tr(f"fast start at lr 0.01: Adam {_verdict(fast, +1)}, AdamW {_verdict(fast_w, +1)}; "
            f"at 0.001: {_verdict(slow, +1)}, and at the end {_verdict(end, +1)}; stable: {nm}",
            f"学习率 0.01 时起步快：Adam {_verdict(fast, +1)}，AdamW {_verdict(fast_w, +1)}；"
            f"0.001 时：{_verdict(slow, +1)}，最后 {_verdict(end, +1)}；是否稳定：{nm}")),
        (tr("for large-scale training, cosine annealing with warm-up works better",
            "大规模训练用余弦退火加预热，效果更好"),
         tr(f"warm-up + cosine minus cosine: {warm_text}; no large-scale run here",
            f"预热 + 余弦减去余弦：{warm_text}；这里没有大规模训练"),
         tr(f"large scale: {nm}; on this small task: {_verdict(warm, +1)}",
            f"大规模：{nm}；在这个小任务上：{_verdict(warm, +1)}")),
        (tr("when progress stalls, `ReduceLROnPlateau`", "训练停滞时用 `ReduceLROnPlateau`"),
         tr(f"minus the constant lr: {plateau_text}; it watches the validation images it is "
            f"scored on",
            f"减去恒定学习率：{plateau_text}；它盯着的正是用来打分的验证图像"),
         _verdict(plateau, +1)),
        (tr("for research and special tasks, custom functions or callbacks",
            "科研和特殊任务用自定义函数或回调"),
         tr("nothing here to measure", "这里没有可测的东西"), nm),
    ]
    t2 += [f"| {' | '.join(r)} |" for r in rows]

    t3 = [tr("| scenario (second article) | measured here | verdict |",
             "| 场景（第二篇文章） | 本课测得 | 结论 |"), "|---|---|---|"]
    rows = [
        (tr("beginners, standard classification: `MultiStepLR`",
            "初学者实验、标准分类任务：`MultiStepLR`"),
         tr(f"minus the constant lr: {multi_text}; a shorter run: exercise 1",
            f"减去恒定学习率：{multi_text}；训练缩短时：见练习 1"), _verdict(multi, +1)),
        (tr("high accuracy, strong generalisation: cosine, or cosine with warm restarts",
            "追求高精度、对泛化能力要求高：余弦，或带热重启（warm restart）的余弦"),
         tr(f"cosine minus the constant lr: {cosine_text}; warm restarts not run here",
            f"余弦减去恒定学习率：{cosine_text}；这里没有跑热重启"),
         tr(f"cosine: {_verdict(cosine, +1)}; warm restarts: {nm}",
            f"余弦：{_verdict(cosine, +1)}；热重启：{nm}")),
        (tr("no validation signal (self-supervised training): avoid `ReduceLROnPlateau`, use "
            "warm restarts", "缺乏验证信号（自监督训练）：避免 `ReduceLROnPlateau`，改用热重启"),
         tr("every run here has a validation set", "这里每次训练都有验证集"), nm),
        (tr("fast prototyping, limited resources: `OneCycleLR`",
            "快速原型开发、资源有限：`OneCycleLR`"),
         tr(f"minus the constant lr at 12 epochs: {cycle_text}; a shorter budget: exercise 2",
            f"12 个 epoch 时减去恒定学习率：{cycle_text}；预算更短时：见练习 2"),
         tr(f"12 epochs: {_verdict(cycle, +1)}; a shorter budget: exercise 2 measures it",
            f"12 个 epoch：{_verdict(cycle, +1)}；预算更短时：由练习 2 测量")),
    ]
    t3 += [f"| {' | '.join(r)} |" for r in rows]
    intro = tr(f"Each difference: mean over the {n} seeds of (first setting − second), in points "
               f"of final validation accuracy unless it says otherwise, with its 95 % interval "
               f"(mean ± t · s / √n, s with ddof=1).",
               f"每个差值：{n} 个种子上（前一种设置 − 后一种设置）的均值，除非另有说明，单位是最终"
               f"验证准确率的百分点，并附 95% 区间（均值 ± t · s / √n，s 取 ddof=1）。")
    second = tr("The second article's scenarios:", "第二篇文章的场景：")
    return "\n\n".join([intro, "\n".join(t1), "\n".join(t2), second, "\n".join(t3)])


def show_verdicts(results: dict):
    """Display ``verdict_tables`` in a notebook."""
    from IPython.display import Markdown

    return Markdown(verdict_tables(results))


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


__all__ = ["DIGITS", "SWEEP", "configs_table", "plot_digits", "plot_sweep", "reveal",
           "show_configs", "show_table", "show_verdicts", "summary", "sweep", "sweep_table",
           "verdict_tables"]
