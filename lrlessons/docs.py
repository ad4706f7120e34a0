"""A schedule's card, written from its catalogue entry in the learner's language: title, formula,
every symbol explained, parameters, the line to write in each framework, and the differences."""

from __future__ import annotations

from .catalogue import check_base_lr, get, resolve
from .frameworks import FRAMEWORKS, write
from .i18n import pick, tr


def card(name: str, base_lr: float = 0.1, **params) -> str:
    """The Markdown card of ``name``; ``base_lr`` and ``params`` fill the code lines."""
    spec = get(name)
    lines = [f"#### {pick(vars(spec.title))}" + tr(f" (`{spec.name}`)", f"（`{spec.name}`）"), "",
             pick(vars(spec.summary)), "",
             f"$${spec.formula}$$", ""]
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
    for key, label in FRAMEWORKS.items():
        if key not in spec.code:
            continue
        written = write(spec, key, base_lr, p)
        if written.text is None:
            why = pick(vars(written.why)) if written.why else ""
            out.append(label + colon + tr(f"no line for these values: {why}",
                                          f"这些参数下没有对应写法：{why}"))
            continue
        line = f"{label}{colon}`{written.text}`"
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


def five_step_warmup(t):
    """LambdaLR's example factor in the rosetta table: a 5-step linear warm-up."""
    return min(1.0, (t + 1) / 5)


def times_095(t):
    """MultiplicativeLR's example factor in the rosetta table: 0.95 per step."""
    return 0.95


# Parameters for the entries whose playground suggestion leaves a required one out.
ROSETTA_EXAMPLES = {
    "LambdaLR": dict(lr_lambda=five_step_warmup),
    "MultiplicativeLR": dict(lr_lambda=times_095),
    "SequentialLR": dict(schedulers=[("LinearLR", dict(start_factor=0.1, total_iters=5)),
                                     ("CosineAnnealingLR", dict(T_max=55))], milestones=[5]),
    "ChainedScheduler": dict(schedulers=[("ExponentialLR", dict(gamma=0.95)),
                                         ("ConstantLR", dict(factor=0.5, total_iters=5))]),
}


def rosetta_cells(base_lr: float = 0.1) -> dict[str, dict[str, tuple[str, str | None]]]:
    """For every catalogue entry (with its playground suggestion, or ``ROSETTA_EXAMPLES``) and
    every framework: ("line", the code ``lrlessons.code`` writes), ("none", None) when the
    framework has no equivalent, or ("refused", why) when it has one but not for these values."""
    from .catalogue import SCHEDULES
    from .frameworks import write

    out = {}
    for name, spec in SCHEDULES.items():
        params = dict(ROSETTA_EXAMPLES.get(name, spec.suggested))
        if spec.metric:
            params = {"metrics": [], **params}
        p, row = resolve(spec, params), {}
        for key in FRAMEWORKS:
            if key not in spec.code:
                row[key] = ("none", None)
                continue
            written = write(spec, key, check_base_lr(base_lr), p)
            if written.text is None:
                row[key] = ("refused", pick(vars(written.why)) if written.why else "")
            else:
                row[key] = ("line", written.text)
        out[name] = row
    return out


def rosetta(base_lr: float = 0.1) -> str:
    """A Markdown table: every schedule of the catalogue, one column per framework, with the line
    that framework writes it in (run as written by the tests), "no equivalent" where it has
    none, and a numbered note where it has one but not for the example values."""
    head = "| " + tr("schedule", "调度") + " | " + " | ".join(FRAMEWORKS.values()) + " |"
    lines, notes = [head, "|---|" + "---|" * len(FRAMEWORKS)], []
    for name, row in rosetta_cells(base_lr).items():
        cells = []
        for kind, text in row.values():
            if kind == "line":
                cells.append("`" + text.replace("|", "\\|") + "`")
            elif kind == "none":
                cells.append(tr("no equivalent", "没有对应写法"))
            else:
                notes.append(text)
                cells.append(tr(f"not for these values ({len(notes)})",
                                f"这组参数下没有（{len(notes)}）"))
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    lines += [""] + [f"({i}) {why}" + "  " for i, why in enumerate(notes, 1)]
    return "\n".join(lines)


def show_rosetta(base_lr: float = 0.1):
    """Display ``rosetta`` in a notebook."""
    from IPython.display import Markdown

    return Markdown(rosetta(base_lr))
