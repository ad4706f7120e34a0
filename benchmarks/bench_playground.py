"""Time of one training run in the playground (2-64-64-3 MLP, 1,200 points, 60 epochs, SGD),
for every schedule the training explorer offers (with its suggested values), stepped per epoch
and per batch. Target: at most 1 s per run on a 2-core CPU.

    python benchmarks/bench_playground.py
"""

from __future__ import annotations

import statistics
import time

import torch

import lrlessons
from lrlessons.catalogue import SCHEDULES

REPEAT = 3


def main() -> None:
    print(f"torch threads: {torch.get_num_threads()}")
    lrlessons.train(epochs=2)  # first run pays for lazy initialisation; not a learner's run
    worst = 0.0
    for name in (None, *(n for n, s in SCHEDULES.items() if s.trainable)):
        spec = SCHEDULES[name] if name else None
        params = dict(spec.suggested) if spec else {}
        # A metric-driven schedule reads the validation loss, which exists once per epoch.
        for per in ("epoch",) if spec and spec.metric else ("epoch", "iteration"):
            times = []
            for _ in range(REPEAT):
                start = time.perf_counter()
                lrlessons.train(name, step_per=per, **params)
                times.append(time.perf_counter() - start)
            median = statistics.median(times)
            worst = max(worst, median)
            print(f"{str(name):20s} per {per:9s} median {median:.3f} s (of {REPEAT})")
    start = time.perf_counter()
    cold = lrlessons.train(seed=1)
    print(f"one more run: {time.perf_counter() - start:.3f} s, {len(cold.lrs)} optimizer steps")
    print(f"slowest median: {worst:.3f} s (target <= 1 s)")


if __name__ == "__main__":
    main()
