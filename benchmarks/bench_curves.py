"""How much faster the closed forms are than stepping torch, and how light `import lrlessons` is.

Prints, for 10,000 steps of every catalogue entry: the time of curve(), of torch_curve(), and
their ratio; then the import time of lrlessons in a fresh interpreter. Target: curve() at least
100 times faster for every closed-form entry (ReduceLROnPlateau follows data, LambdaLR and
MultiplicativeLR call the learner's Python function per step: they are marked).

    python benchmarks/bench_curves.py
"""

from __future__ import annotations

import subprocess
import sys
import time
import warnings

import numpy as np

import lrlessons

STEPS = 10_000
PARAMS = {
    "LambdaLR": dict(lr_lambda=lambda t: 0.999 ** t),
    "MultiplicativeLR": dict(lr_lambda=lambda t: 0.999),
    "MultiStepLR": dict(milestones=[3000, 6000, 9000]),
    "CosineAnnealingLR": dict(T_max=STEPS),
    "CyclicLR": dict(step_size_up=500),
    "OneCycleLR": dict(total_steps=STEPS),
    "ReduceLROnPlateau": dict(metrics=list(np.random.default_rng(0).random(STEPS))),
    "SequentialLR": dict(schedulers=[("LinearLR", dict(total_iters=500)),
                                     ("CosineAnnealingLR", dict(T_max=9500))], milestones=[500]),
    "ChainedScheduler": dict(schedulers=[("ConstantLR", dict(factor=0.5, total_iters=100)),
                                         ("ExponentialLR", dict(gamma=0.9995))]),
    "PiecewiseDecay": dict(boundaries=[3000, 6000], values=[0.1, 0.01, 0.001]),
    "NoamDecay": dict(warmup_steps=1000),
    "WarmupLinear": dict(num_warmup_steps=500, num_training_steps=STEPS),
    "WarmupCosine": dict(num_warmup_steps=500, num_training_steps=STEPS),
    "WarmupStableDecay": dict(num_warmup_steps=500, num_stable_steps=6000, num_decay_steps=3500),
}
NOT_CLOSED = {"LambdaLR", "MultiplicativeLR", "ReduceLROnPlateau"}


def best_of(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def import_time():
    code = ("import time; s = time.perf_counter(); import lrlessons; "
            "print(time.perf_counter() - s)")
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True).stdout) for _ in range(5)]
    return min(runs), float(np.median(runs))


def main():
    warnings.simplefilter("ignore")
    print(f"{'entry':30s} {'curve ms':>10s} {'torch ms':>10s} {'ratio':>8s}")
    worst = None
    for name in lrlessons.SCHEDULES:
        params = PARAMS.get(name, {})
        fast = best_of(lambda n=name, p=params: lrlessons.curve(n, STEPS, **p), 20)
        slow = best_of(lambda n=name, p=params: lrlessons.torch_curve(n, STEPS, **p), 2)
        ratio = slow / fast
        mark = " (not closed form)" if name in NOT_CLOSED else ""
        print(f"{name:30s} {fast * 1e3:10.3f} {slow * 1e3:10.1f} {ratio:8.0f}{mark}")
        if name not in NOT_CLOSED and (worst is None or ratio < worst[1]):
            worst = (name, ratio)
    print(f"slowest closed-form ratio: {worst[0]} {worst[1]:.0f}x (target >= 100x)")
    low, mid = import_time()
    print(f"import lrlessons: best {low * 1e3:.0f} ms, median {mid * 1e3:.0f} ms (target < 300 ms)")


if __name__ == "__main__":
    main()
