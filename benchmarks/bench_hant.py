"""What Traditional Chinese costs the library: use_language("zh-Hant") converts Simplified
strings with OpenCC on first use and caches them (lrlessons.i18n.to_hant).

Prints: the time to load OpenCC's s2tw (once per kernel), one uncached conversion of a label and
of a hint, a cached call, and tr() under "zh" and "zh-Hant" (what every label, hint and widget
description goes through); then the time to draw one figure under each language. Target: a cached
tr() under zh-Hant within a microsecond or so of tr() under zh, so redraws do not slow down.

    python benchmarks/bench_hant.py
"""

from __future__ import annotations

import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import lrlessons  # noqa: E402
from lrlessons import i18n  # noqa: E402

LABEL = "实际使用的学习率"
HINT = ("还没有写：把 `raise NotImplementedError`（或 `...`）换成你的答案，先运行那个单元格，"
        "再运行这个。")


def per_call(fn, n: int) -> float:
    t = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t) / n


def main() -> None:
    t = time.perf_counter()
    i18n._s2tw()
    print(f"load OpenCC s2tw (once per kernel):      {1e3 * (time.perf_counter() - t):8.2f} ms")
    for name, text in (("label", LABEL), ("hint", HINT)):
        uncached = per_call(lambda text=text: i18n.to_hant.__wrapped__(text), 2000)
        print(f"to_hant uncached, {name} ({len(text):3d} chars):   {1e6 * uncached:8.2f} µs")
    i18n.to_hant(HINT)
    cached = per_call(lambda: i18n.to_hant(HINT), 200_000)
    print(f"to_hant cached:                          {1e6 * cached:8.3f} µs")
    for lang in ("zh", "zh-Hant", "en"):
        i18n.use_language(lang)
        cost = per_call(lambda: i18n.tr("learning rate used", LABEL), 200_000)
        print(f"tr() under {lang:8s}                      {1e6 * cost:8.3f} µs")
    for lang in ("zh", "zh-Hant", "zh", "zh-Hant"):  # twice each: the shared CPU is noisy
        i18n.use_language(lang)
        lrlessons.plot_curve("StepLR", steps=100, step_size=30)  # warm: fonts, caches
        plt.close("all")

        def draw():
            ax = lrlessons.plot_curve("StepLR", steps=100, step_size=30)
            ax.figure.canvas.draw()
            plt.close("all")

        print(f"one figure drawn under {lang:8s}          {1e3 * per_call(draw, 20):8.2f} ms")


if __name__ == "__main__":
    main()
