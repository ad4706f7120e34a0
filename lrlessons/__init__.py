"""lrlessons: learning-rate schedules in closed form, proven equal to the frameworks.

>>> import lrlessons
>>> lrlessons.curve("ExponentialLR", 3, base_lr=0.5, gamma=0.95)
array([0.5    , 0.475  , 0.45125])

``import lrlessons`` is light (numpy only): torch, keras, matplotlib and the widgets load on the
first use of a name that needs them.
"""

from __future__ import annotations

from .catalogue import SCHEDULES, code, curve, get
from .i18n import language, use_language

__version__ = "0.3.0"

# name -> module that defines it, imported on first access.
_LAZY = {
    "LRLessonsError": "i18n",
    "torch_scheduler": "torch_bridge",
    "torch_curve": "torch_bridge",
    "torch_momenta": "torch_bridge",
    "make_optimizer": "torch_bridge",
    "wrong_order_curve": "torch_bridge",
    "keras_curve": "keras_bridge",
    "keras_schedule": "keras_bridge",
    "keras_values": "keras_bridge",
    "describe": "docs",
    "card": "docs",
    "show_table": "docs",
    "show_rosetta": "docs",
    "plot_curve": "plotting",
    "plot_lrs": "plotting",
    "plot_lr_momentum": "plotting",
    "explore": "explorers",
    "compare": "explorers",
    "train_explorer": "explorers",
    "train": "playground",
    "plot_run": "playground",
    "plot_spiral": "playground",
    "descend": "descent",
    "plot_descent": "descent_views",
    "plot_descent_2d": "descent_views",
    "explore_descent": "descent_views",
    "plot_noisy_descent": "descent_views",
    "paddle_curve": "paddle_bridge",
    "range_test": "lr_range",
    "plot_range_test": "lr_range_views",
    "explore_range_test": "lr_range_views",
    "lr_find": "lr_finder",
    "lr_find_keras": "lr_finder",
    "plot_lr_find": "lr_range_views",
    "metric_shape": "plateau",
    "plot_plateau": "plateau_views",
    "explore_plateau": "plateau_views",
    "show_drops": "plateau_views",
    "step_torch": "torch_bridge",
    "keras_train": "keras_playground",
    "keras_model": "keras_playground",
    "plot_surfaces": "optimizer_views",
    "plot_effective_lr": "optimizer_views",
    "plot_bias_correction": "optimizer_views",
    "reveal_bias_correction": "optimizer_views",
    "explore_optimizers": "optimizer_views",
    "show_keras_gaps": "optimizer_views",
    "show_defaults": "optimizer_views",
    "show_values": "optimizer_views",
}
_SUBMODULES = ("check", "optimizers", "pitfalls", "capstone")


def __getattr__(name: str):
    import importlib

    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'lrlessons' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_LAZY, *_SUBMODULES])


__all__ = ["SCHEDULES", "code", "curve", "get", "language", "use_language", *_LAZY, *_SUBMODULES]
