"""lrlessons: learning-rate schedules in closed form, proven equal to the frameworks.

>>> import lrlessons
>>> lrlessons.curve("ExponentialLR", 3, base_lr=0.5, gamma=0.95)
array([0.5    , 0.475  , 0.45125])

``import lrlessons`` is light (numpy only); the torch and keras bridges load on first use.
"""

from __future__ import annotations

from .catalogue import SCHEDULES, code, curve, get
from .i18n import language, use_language

__version__ = "0.1.0"

# name -> module that defines it, imported on first access (keeps torch and keras out of import).
_LAZY = {
    "torch_scheduler": "torch_bridge",
    "torch_curve": "torch_bridge",
    "make_optimizer": "torch_bridge",
    "keras_curve": "keras_bridge",
    "keras_schedule": "keras_bridge",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'lrlessons' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_LAZY])


__all__ = ["SCHEDULES", "code", "curve", "get", "language", "use_language", *_LAZY]
