"""A schedule's card, written from its catalogue entry in the learner's language: title, formula,
every symbol explained, parameters, the line to write in each framework, and the differences."""

from __future__ import annotations

from .catalogue import get
from .i18n import pick, tr

FRAMEWORKS = (("pytorch", "PyTorch"), ("keras", "Keras 3"), ("paddle", "PaddlePaddle"),
              ("transformers", "Hugging Face transformers"))


def card(name: str, **params) -> str:
    """The Markdown card of ``name``; ``params`` fill the code lines."""
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
    from .catalogue import code

    for key, label in FRAMEWORKS:
        if key in spec.code:
            lines.append(f"- {label}: `{code(name, key, **params)}`")
    if spec.notes is not None:
        lines += ["", f"> {pick(vars(spec.notes))}"]
    return "\n".join(lines)


def _shown(v) -> str:
    return f"{v:.4g}" if isinstance(v, float) else repr(v)


def describe(name: str, **params):
    """Display the card in a notebook (an IPython Markdown object)."""
    from IPython.display import Markdown

    return Markdown(card(name, **params))


def lr_table(curves: dict, at) -> str:
    """A Markdown table of learning rates at the steps ``at``: one column per ``{label: array}``
    entry, so frameworks or schedules can be read side by side. A cell where a column differs
    from the first one is marked."""
    arrays = {k: list(map(float, v)) for k, v in curves.items()}
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
