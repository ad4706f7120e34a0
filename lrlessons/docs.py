"""A schedule's card, written from its catalogue entry in the learner's language: title, formula,
every symbol explained, parameters, the line to write in each framework, and the differences."""

from __future__ import annotations

from .catalogue import check_base_lr, five_step_warmup, get, resolve, times_095  # noqa: F401
from .frameworks import FRAMEWORKS, FRAMEWORKS_ZH, Written, write
from .i18n import language, pick, tr
from .params import Text


def framework_label(key: str) -> str:
    """A framework's name as the learner's language writes it (飞桨 is PaddlePaddle's)."""
    return tr(FRAMEWORKS[key], FRAMEWORKS_ZH.get(key, FRAMEWORKS[key]))


def shown_code(written: Written, table: bool = False) -> str:
    """A written line as Markdown: its imports first (``import math``), then the line, each in
    backticks, so what a learner copies runs as written."""
    spans = [*written.import_lines, written.text]
    if table:
        spans = [x.replace("|", "\\|") for x in spans]
    return tr("; ", "；").join(f"`{x}`" for x in spans)


def _sentence(zh: str) -> str:
    return zh if zh.endswith(("。", "！", "？")) else zh + "。"


def card(name: str, base_lr: float = 0.1, **params) -> str:
    """The Markdown card of ``name``; ``base_lr`` and ``params`` fill the code lines."""
    spec = get(name)
    # zh titles may end in a parenthesis (带热重启的余弦退火（SGDR）): no second one after it.
    lines = [f"#### {pick(vars(spec.title))}" + tr(f" (`{spec.name}`)", f"：`{spec.name}`"), "",
             pick(vars(spec.summary)), "",
             f"$${spec.formula_in(language())}$$", ""]
    lines += [f"| {tr('symbol', '符号')} | {tr('meaning', '含义')} |", "|---|---|"]
    lines += [f"| ${s.latex}$ | {tr(s.en, s.zh)} |" for s in spec.symbols]
    if spec.params:
        lines += ["", f"| {tr('parameter', '参数')} | {tr('default', '默认值')} | "
                      f"{tr('allowed', '取值范围')} | {tr('meaning', '含义')} |", "|---|---|---|---|"]
        for p in spec.params:
            allowed = "" if p.kind in ("callable", "schedulers", "series") else p.range_text
            default = "—" if p.required else f"`{_shown(p.default)}`"
            lines.append(f"| `{p.name}` | {default} | {allowed} | {tr(p.en, p.zh)} |")
    unit = tr("one call per epoch", "每个 epoch 调用一次") if spec.unit == "epoch" else tr(
        "one call per batch (iteration)", "每个 batch（迭代）调用一次")
    lines += ["", f"**{tr('Step unit', '调用频率')}**{tr(': ', '：')}{unit}", ""]
    lines += [f"- {line}" for line in framework_lines(name, base_lr, **params)]
    if spec.notes is not None:
        lines += ["", f"> {pick(vars(spec.notes))}"]
    return "\n".join(lines)


def framework_lines(name: str, base_lr: float = 0.1, **params) -> list[str]:
    """One Markdown line per framework that knows ``name``: the code a learner copies (run as
    written by the tests), where it stops being equal, or why there is none for these values."""
    spec = get(name)
    if spec.metric:
        params = {"metrics": [], **params}
    p, base_lr = resolve(spec, params), check_base_lr(base_lr)
    out, colon = [], tr(": ", "：")
    for key in FRAMEWORKS:
        if key not in spec.code:
            continue
        label = framework_label(key)
        written = write(spec, key, base_lr, p)
        if written.text is None:
            why = written.why or Text("", "")
            out.append(label + colon + tr(f"no line for these values: {why.en}",
                                          f"这组参数没有对应写法。{_sentence(why['zh'])}"))
            continue
        line = f"{label}{colon}{shown_code(written)}"
        if written.why is not None:
            line += tr(f" ({written.why.en})", f"（{written.why.zh}）")
        out.append(line)
    return out


def _shown(v) -> str:
    return f"{v:.4g}" if isinstance(v, float) else repr(v)


def describe(name: str, **params):
    """Display the card in a notebook (an IPython Markdown object)."""
    from IPython.display import Markdown

    return Markdown(card(name, **params))


def lr_table(curves: dict, at, row=None, mark: bool = True) -> str:
    """A Markdown table of learning rates at the steps ``at``: one column per ``{label: array}``
    entry (a label: see ``lrlessons.plotting.words``), so frameworks or schedules can be read
    side by side. A cell where a column differs
    from the first one is marked (``mark=False``: columns meant to differ, not marked).
    ``row`` labels the first column (a ``words`` label such as "epoch"; default "step t")."""
    from .plotting import words

    arrays = {words(k, figure=False): list(map(float, v)) for k, v in curves.items()}
    first = next(iter(arrays.values()))
    index = f"{tr('step', '步数')} t" if row is None else words(row, figure=False)
    head = f"| {index} | " + " | ".join(arrays) + " |"
    lines = [head, "|---:|" + "---:|" * len(arrays)]
    for t in at:
        cells = []
        for values in arrays.values():
            v = values[t]
            differs = mark and abs(v - first[t]) > 1e-6 * max(abs(first[t]), 1e-12)
            cells.append(f"**{v:.6g}** ≠" if differs else f"{v:.6g}")
        lines.append(f"| {t} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def show_table(curves: dict, at, row=None, mark: bool = True):
    """Display ``lr_table`` in a notebook."""
    from IPython.display import Markdown

    return Markdown(lr_table(curves, at, row=row, mark=mark))


# --- the rosetta table: every schedule in every framework ---------------------------------------


def _rosetta_written(base_lr: float) -> dict[str, dict[str, Written | None]]:
    """Every entry (its example values) written in every framework; None: no line at all."""
    from .catalogue import SCHEDULES

    out = {}
    for name, spec in SCHEDULES.items():
        params = spec.example_params
        if spec.metric:
            params = {"metrics": [], **params}
        p = resolve(spec, params)
        out[name] = {key: write(spec, key, check_base_lr(base_lr), p) if key in spec.code
                     else None for key in FRAMEWORKS}
    return out


def rosetta_cells(base_lr: float = 0.1) -> dict[str, dict[str, tuple[str, str | None]]]:
    """For every catalogue entry (with its ``example_params``) and
    every framework: ("line", the code ``lrlessons.code`` writes), ("none", None) when the
    framework has no equivalent, or ("refused", why) when it has one but not for these values."""
    out = {}
    for name, row in _rosetta_written(base_lr).items():
        out[name] = {}
        for key, written in row.items():
            if written is None:
                out[name][key] = ("none", None)
            elif written.text is None:
                out[name][key] = ("refused", pick(vars(written.why)) if written.why else "")
            else:
                out[name][key] = ("line", written.text)
    return out


def rosetta(base_lr: float = 0.1) -> str:
    """A Markdown table: every schedule of the catalogue, how often its ``step()`` is called,
    then one column per framework with the line that framework writes it in (run as written by
    the tests), "no equivalent" where it has none, and a numbered note where it has one but not
    for the example values. Below it, what a step counts in each framework."""
    from .catalogue import SCHEDULES

    head = ("| " + tr("schedule", "调度") + " | " + tr("one step() per", "每次 step() 对应") + " | "
            + " | ".join(framework_label(k) for k in FRAMEWORKS) + " |")
    lines, notes = [head, "|---|---|" + "---|" * len(FRAMEWORKS)], []
    for name, row in _rosetta_written(base_lr).items():
        unit = tr("epoch", "一个 epoch") if SCHEDULES[name].unit == "epoch" else tr(
            "batch", "一个 batch")
        cells = []
        for written in row.values():
            if written is None:
                cells.append(tr("no equivalent", "没有对应写法"))
            elif written.text is None:
                notes.append(pick(vars(written.why)) if written.why else "")
                cells.append(tr(f"not for these values ({len(notes)})",
                                f"这组参数下没有（{len(notes)}）"))
            else:
                cells.append(shown_code(written, table=True))
        lines.append(f"| `{name}` | {unit} | " + " | ".join(cells) + " |")
    lines += [""] + [f"({i}) {why}" + "  " for i, why in enumerate(notes, 1)]
    lines += ["", tr(
        "Units: the PyTorch column counts the step() calls of the second column. A Keras "
        "schedule counts optimizer iterations (batches): inside `fit`, "
        "`ExponentialDecay(decay_steps=20)` decays every 20 batches, so in an epoch row multiply "
        "its step counts by the batches per epoch (lines with `steps_per_epoch` already do). "
        "Keras callbacks (`LearningRateScheduler`, `ReduceLROnPlateau`) act once per epoch. "
        "Paddle and transformers count your `step()` calls; `paddle.Model.fit` calls `step()` "
        "after every batch unless given `paddle.callbacks.LRScheduler(by_step=False, "
        "by_epoch=True)`, and the Hugging Face `Trainer` once per optimizer step.",
        "单位：PyTorch 一列按第二列所说的频率调用 step()。Keras 的调度按优化器的迭代（batch）"
        "计数：在 `fit` 里，`ExponentialDecay(decay_steps=20)` 每 20 个 batch 衰减一次，所以在按 "
        "epoch 调用的行里，要把其中的步数乘以每个 epoch 的 batch 数（写了 `steps_per_epoch` 的"
        "行已经这样做了）。Keras 的回调（`LearningRateScheduler`、`ReduceLROnPlateau`）每个 "
        "epoch 起作用一次。飞桨和 transformers 数的是你调用 `step()` 的次数；`paddle.Model.fit` "
        "在每个 batch 之后都调用 `step()`，除非传入 `paddle.callbacks.LRScheduler(by_step=False, "
        "by_epoch=True)`；Hugging Face 的 `Trainer` 则每次优化器更新调用一次。")]
    return "\n".join(lines)


def show_rosetta(base_lr: float = 0.1):
    """Display ``rosetta`` in a notebook."""
    from IPython.display import Markdown

    return Markdown(rosetta(base_lr))
