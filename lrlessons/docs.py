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


def lr_table(curves: dict, at) -> str:
    """A Markdown table of learning rates at the steps ``at``: one column per ``{label: array}``
    entry (a label: see ``lrlessons.plotting.words``), so frameworks or schedules can be read
    side by side. A cell where a column differs
    from the first one is marked."""
    from .plotting import words

    arrays = {words(k, figure=False): list(map(float, v)) for k, v in curves.items()}
    first = next(iter(arrays.values()))
    head = f"| {tr('step', '步数')} t | " + " | ".join(arrays) + " |"
    lines = [head, "|---:|" + "---:|" * len(arrays)]
    for t in at:
        cells = []
        for values in arrays.values():
            v = values[t]
            differs = abs(v - first[t]) > 1e-6 * max(abs(first[t]), 1e-12)
            cells.append(f"**{v:.6g}** ≠" if differs else f"{v:.6g}")
        lines.append(f"| {t} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def show_table(curves: dict, at):
    """Display ``lr_table`` in a notebook."""
    from IPython.display import Markdown

    return Markdown(lr_table(curves, at))
