"""Kernel-side cost of one slider move: from a new value to a new PNG frame in the Image widget.

For every explorer type, moves a slider back and forth over a 1,000-step curve and prints the
median and 90th percentile of the update (the observer's whole work: curve(), set_data, blit or
redraw, PNG encoding). Target: median at most 30 ms. Also prints how often a move needed a full
redraw (axis limits changed) rather than a blit.

    python benchmarks/bench_widgets.py
"""

from __future__ import annotations

import statistics
import time

import lrlessons
from lrlessons.explorers import compare, explore

MOVES = 60


def timed_moves(update, control, values) -> list[float]:
    times = []
    for i in range(MOVES):
        start = time.perf_counter()
        control.value = values[i % len(values)]  # the observer runs update() synchronously
        times.append(time.perf_counter() - start)
    return times


def report(label: str, times: list[float], full: int | None = None) -> float:
    ordered = sorted(times)
    median = statistics.median(ordered) * 1e3
    p90 = ordered[int(0.9 * (len(ordered) - 1))] * 1e3
    extra = f"   full redraws {full}/{len(times)}" if full is not None else ""
    print(f"{label:52s} median {median:6.1f} ms   p90 {p90:6.1f} ms{extra}")
    return median


def main() -> None:
    medians = []
    cases = [
        ("StepLR", "gamma", [0.1, 0.2, 0.3, 0.4, 0.5]),
        ("CosineAnnealingLR", "T_max", [100, 200, 300, 400, 500]),
        ("OneCycleLR", "pct_start", [0.2, 0.25, 0.3, 0.35, 0.4]),
        ("CosineAnnealingWarmRestarts", "T_0", [10, 20, 30, 40]),
        ("ReduceLROnPlateau", "patience", [2, 5, 8, 11]),
        ("WarmupStableDecay", "num_decay_steps", [100, 200, 300, 400]),
    ]
    for name, param, values in cases:
        ex = explore(name, steps=1000) if name != "OneCycleLR" else explore(name, total_steps=1000)
        ex.figure.full_redraws = 0
        times = timed_moves(ex.update, ex.entry.controls[param], values)
        medians.append(report(f"explore({name!r}) {param}", times, ex.figure.full_redraws))
    ex = explore("StepLR", steps=1000)
    ex.log.value = True
    medians.append(report("explore('StepLR') gamma, log axis",
                          timed_moves(ex.update, ex.entry.controls["gamma"], [0.1, 0.3, 0.5])))
    cmp = compare(["StepLR", "CosineAnnealingLR", ("OneCycleLR", dict(total_steps=1000))],
                  steps=1000)
    medians.append(report("compare(3 schedules) gamma of the first",
                          timed_moves(cmp.update, cmp.entries[0].controls["gamma"],
                                      [0.1, 0.3, 0.5])))
    descent = lrlessons.explore_descent()
    medians.append(report("explore_descent() lr",
                          timed_moves(descent.update, descent.controls["lr"],
                                      [0.1, 0.5, 1.0, 1.5, 2.1])))
    print(f"worst median: {max(medians):.1f} ms (target <= 30 ms)")


if __name__ == "__main__":
    main()
