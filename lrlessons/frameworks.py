"""How each framework writes a catalogue entry, and the object that very line builds.

``write`` fills an entry's ``Line`` (``lrlessons.params.Line``) with plain values: the text a
card, an explorer or the rosetta table shows. ``run`` runs that text, as written, in a namespace
holding only what a learner already has (the framework module, ``optimizer``, ``steps_per_epoch``
and the learner's functions) after the imports the line itself shows (``import math``), so what
the course shows is what runs; the tests compare every built object with ``curve()``.

>>> from lrlessons import SCHEDULES
>>> write(SCHEDULES["MultiStepLR"], "keras", 0.1, dict(milestones=[30, 80], gamma=0.1)).text
'keras.optimizers.schedules.PiecewiseConstantDecay(boundaries=[29, 79], values=[0.1, 0.01, 0.001])'
"""

from __future__ import annotations

import keyword
import numbers
import re
from dataclasses import dataclass

from .params import Line, Raw, Schedule, Text, fail

FRAMEWORKS = {"pytorch": "PyTorch", "keras": "Keras 3", "paddle": "PaddlePaddle",
              "transformers": "Hugging Face transformers"}
# Names a line may use besides its framework's module; a learner's function never takes them.
_RESERVED = {"optimizer", "steps_per_epoch", "torch", "keras", "paddle", "transformers", "math",
             "bisect"}
# Standard modules a line may use: a card shows ``import <module>`` next to such a line.
IMPORTABLE = ("bisect", "math")
_OPTIONAL = re.compile(r"«([^«»]*)»")
_FIELD = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Written:
    """An entry written in one framework: ``text`` (None when the framework cannot write these
    parameters), ``why`` (the reason, or where the line stops being equal), ``exact_until`` (the
    last step the line reproduces, None: all), ``names`` (identifier -> the learner's
    function the text refers to) and ``imports`` (standard modules the text uses, which a card
    shows as ``import <module>``)."""

    framework: str
    text: str | None
    why: Text | None
    exact_until: int | None
    names: dict
    imports: tuple[str, ...] = ()

    @property
    def import_lines(self) -> list[str]:
        return [f"import {m}" for m in self.imports]


def plain(value, names: dict | None = None, exact: bool = True) -> str:
    """``value`` as a Python literal a learner can copy. Floats keep every digit when ``exact``
    (what the learner passed), else 15 significant digits (values lrlessons derived, where
    0.1 * 0.1 would otherwise print as 0.010000000000000002)."""
    if isinstance(value, bool) or value is None or isinstance(value, Raw):
        return str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        v = float(value)
        text = repr(v) if exact else f"{v:.15g}"
        return text if any(c in text for c in ".einf") else text + ".0"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(plain(v, names, exact) for v in value) + "]"
    if callable(value):
        return _bind(value, names if names is not None else {})
    raise TypeError(f"no literal for {value!r}")


def _bind(fn, names: dict) -> str:
    """The identifier a line uses for the learner's function ``fn`` (its own name when it has
    one, else ``lr_lambda``), recorded in ``names`` so ``build`` can provide it."""
    base = getattr(fn, "__name__", "")
    if not base.isidentifier() or keyword.iskeyword(base) or base in _RESERVED:
        base = "lr_lambda"
    name, i = base, 1
    while name in names and names[name] is not fn:
        i += 1
        name = f"{base}_{i}"
    names[name] = fn
    return name


def pick(spec: Schedule, framework: str, values: dict) -> Line | None:
    """The line of ``spec`` in ``framework`` for these values (resolved params plus base_lr)."""
    for line in spec.code.get(framework, ()):
        if line.when is None or line.when(values):
            return line
    return None


def write(spec: Schedule, framework: str, base_lr: float, params: dict,
          names: dict | None = None) -> Written:
    """Fill ``spec``'s line for ``framework`` with these resolved ``params``."""
    names = {} if names is None else names
    values = dict(params, base_lr=base_lr)
    line = pick(spec, framework, values)
    if line is None:
        return Written(framework, None, None, None, names)
    if line.template is None:
        return Written(framework, None, line.why, None, names)
    derived = line.derive(values) if line.derive else {}
    shown = {}
    for key, v in values.items():
        if key in derived:
            continue
        if spec_kind(spec, key) == "schedulers":
            members = [write(m, framework, base_lr, p, names) for m, p in v]
            missing = [m.name for (m, _), w in zip(v, members) if w.text is None]
            if missing:
                return Written(framework, None, Text(
                    f"{', '.join(missing)} has no {FRAMEWORKS[framework]} line, so neither has "
                    f"{spec.name} built from it: use schedules that have one",
                    f"{'、'.join(missing)} 没有"
                    f"{_spaced(FRAMEWORKS_ZH.get(framework, FRAMEWORKS[framework]))}写法，用它"
                    f"组合的 {spec.name} 也就没有。请换成有这种写法的调度。"), None, names)
            shown[key] = ", ".join(w.text for w in members)
        elif spec_kind(spec, key) == "series":
            continue  # data (a metric per step) is passed to step(), never written in the line
        else:
            shown[key] = plain(v, names)
    shown.update({k: plain(v, names, exact=False) for k, v in derived.items()})

    def optional(match: re.Match) -> str:
        section = match.group(1)
        keys = _FIELD.findall(section)
        dropped = all(k in params and params[k] == spec.param(k).default for k in keys)
        return "" if dropped else section

    text = _OPTIONAL.sub(optional, line.template)
    text = _FIELD.sub(lambda m: shown[m.group(1)], text)
    until = line.exact_until(values) if line.exact_until else None
    imports = tuple(m for m in IMPORTABLE if re.search(rf"(?<![\w.]){m}\.", text))
    return Written(framework, text, line.why, until, names, imports)


def spec_kind(spec: Schedule, key: str) -> str | None:
    return next((p.kind for p in spec.params if p.name == key), None)


def namespace(framework: str, optimizer=None, steps_per_epoch: int = 1) -> dict:
    """What a learner has before a line runs: its framework's module and optimizer (PyTorch),
    or ``steps_per_epoch`` (Keras; 1: one scheduler step per iteration, as ``curve()`` counts).
    Modules such as ``math`` are not here: the line's card shows their import."""
    ns = {}
    if framework in ("pytorch", "transformers"):
        import torch

        ns["torch"] = torch
        if framework == "transformers":
            import transformers

            ns["transformers"] = transformers
        if optimizer is not None:
            ns["optimizer"] = optimizer
    elif framework == "keras":
        from .keras_bridge import _keras

        ns["keras"] = _keras()
        ns["steps_per_epoch"] = steps_per_epoch
    elif framework == "paddle":
        from .paddle_bridge import _paddle

        ns["paddle"] = _paddle()
    return ns


def run(written: Written, optimizer=None, steps_per_epoch: int = 1):
    """Run a written line as a learner would: its imports, then the line; returns the
    framework's object."""
    if written.text is None:
        raise refusal(written)
    ns = namespace(written.framework, optimizer, steps_per_epoch)
    ns.update(written.names)
    for line in written.import_lines:
        exec(line, ns)  # noqa: S102 - "import math", as the card shows it
    return eval(written.text, ns)  # noqa: S307 - our own catalogue's line, filled with literals


# A framework's Chinese name where it differs (飞桨 is PaddlePaddle's).
FRAMEWORKS_ZH = {"paddle": "飞桨"}


def refusal(written: Written, name: str = "") -> Exception:
    label = FRAMEWORKS.get(written.framework, written.framework)
    zh = FRAMEWORKS_ZH.get(written.framework, label)
    if written.why is None:
        return fail(f"{name} has no {label} line", f"{name} 没有{_spaced(zh)}写法")
    why = written.why.zh if written.why.zh.endswith("。") else written.why.zh + "。"
    return fail(f"{name} cannot be written in {label} with these values: {written.why.en}",
                f"这组参数下，{name} 无法用{_spaced(zh)}写出。{why}")


def _spaced(word: str) -> str:
    """A Latin name between Chinese words gets spaces around it; a Chinese one does not."""
    return word if "\u4e00" <= word[0] <= "\u9fff" else f" {word} "


__all__ = ["FRAMEWORKS", "FRAMEWORKS_ZH", "IMPORTABLE", "Written", "namespace", "pick", "plain", "refusal", "run", "write"]
