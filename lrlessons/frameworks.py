"""How each framework writes a catalogue entry, and the object that very line builds.

``write`` fills an entry's ``Line`` (``lrlessons.params.Line``) with plain values: the text a
card, an explorer or the rosetta table shows. ``build`` runs that text, as written, in a namespace
holding the framework module, ``optimizer``, ``math``, ``bisect`` and the learner's functions, so
what the course shows is what runs; the tests compare every built object with ``curve()``.

>>> from lrlessons import SCHEDULES
>>> write(SCHEDULES["MultiStepLR"], "keras", 0.1, dict(milestones=[30, 80], gamma=0.1)).text
'keras.optimizers.schedules.PiecewiseConstantDecay(boundaries=[29, 79], values=[0.1, 0.01, 0.001])'
"""

from __future__ import annotations

import keyword
import math
import numbers
import re
from dataclasses import dataclass

from .params import Line, Schedule, Text, fail

FRAMEWORKS = {"pytorch": "PyTorch", "keras": "Keras 3", "paddle": "PaddlePaddle",
              "transformers": "Hugging Face transformers"}
# Names a line may use besides its framework's module; a learner's function never takes them.
_RESERVED = {"optimizer", "torch", "keras", "paddle", "transformers", "math", "bisect"}
_OPTIONAL = re.compile(r"«([^«»]*)»")
_FIELD = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Written:
    """An entry written in one framework: ``text`` (None when the framework cannot write these
    parameters), ``why`` (the reason, or where the line stops being equal), ``exact_until`` (the
    last step the line reproduces, None: all) and ``names`` (identifier -> the learner's
    function the text refers to)."""

    framework: str
    text: str | None
    why: Text | None
    exact_until: int | None
    names: dict


def plain(value, names: dict | None = None, exact: bool = True) -> str:
    """``value`` as a Python literal a learner can copy. Floats keep every digit when ``exact``
    (what the learner passed), else 15 significant digits (values lrlessons derived, where
    0.1 * 0.1 would otherwise print as 0.010000000000000002)."""
    if isinstance(value, bool) or value is None:
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
                    f"{spec.name} built from it",
                    f"{'、'.join(missing)} 没有 {FRAMEWORKS[framework]} 写法，用它组合的 "
                    f"{spec.name} 也就没有"), None, names)
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
    return Written(framework, text, line.why, until, names)


def spec_kind(spec: Schedule, key: str) -> str | None:
    return next((p.kind for p in spec.params if p.name == key), None)


def namespace(framework: str, optimizer=None) -> dict:
    """What a line may refer to: its framework's module, optimizer, math and bisect."""
    import bisect

    ns = {"math": math, "bisect": bisect}
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
    elif framework == "paddle":
        from .paddle_bridge import _paddle

        ns["paddle"] = _paddle()
    return ns


def run(written: Written, optimizer=None):
    """Evaluate a written line as a learner would run it; returns the framework's object."""
    if written.text is None:
        raise refusal(written)
    ns = namespace(written.framework, optimizer)
    ns.update(written.names)
    return eval(written.text, ns)  # noqa: S307 - our own catalogue's line, filled with literals


def refusal(written: Written, name: str = "") -> Exception:
    label = FRAMEWORKS.get(written.framework, written.framework)
    if written.why is None:
        return fail(f"{name} has no {label} line", f"{name} 没有 {label} 写法")
    return fail(f"{name} cannot be written in {label} with these values: {written.why.en}",
                f"{name} 在这些参数下无法用 {label} 写出：{written.why.zh}")


__all__ = ["FRAMEWORKS", "Written", "namespace", "pick", "plain", "refusal", "run", "write"]
