"""Pilot for the transformer lesson: at which peak lr does "no warm-up" fail while warm-up trains?

For each layout and peak lr, trains the small language model (lrlessons.transformer) with no
warm-up (constant lr) and with a linear warm-up to the same constant peak (catalogue entry
LinearWarmup), on a few seeds, and prints the final validation loss of each run and, per peak,
whether no warm-up ended higher than every warm-up seed. One process, one torch thread:

    OMP_NUM_THREADS=1 python benchmarks/transformer_pilot.py
    python benchmarks/transformer_pilot.py --layouts pre --lrs 3e-3,1e-2 --steps 300

Figures are printed, never asserted (the lesson's claims are checked on the full runs).
"""

from __future__ import annotations

import argparse
import math
import time

LAYOUTS, LRS, SEEDS, STEPS, WARMUP = ("post",), (1e-3, 3e-3, 1e-2), (0, 1), 300, 50


def run_pilot(layouts=LAYOUTS, lrs=LRS, seeds=SEEDS, steps=STEPS, warmup=WARMUP, layers=4,
              width=64, max_grad_norm=None, eval_every=50) -> list[dict]:
    from lrlessons.transformer import train_lm

    rows = []
    for layout in layouts:
        for lr in lrs:
            for name, sched, params in (("no warm-up", None, {}),
                                        ("warm-up", "LinearWarmup",
                                         dict(warmup_steps=warmup, start_lr=0.0, end_lr=lr))):
                for seed in seeds:
                    cpu = time.process_time()  # one thread: CPU time, not the shared wall clock
                    r = train_lm(sched, steps=steps, base_lr=lr, seed=seed, layout=layout,
                                 layers=layers, width=width, max_grad_norm=max_grad_norm,
                                 eval_every=eval_every, **params)
                    cpu = time.process_time() - cpu
                    row = dict(layout=layout, lr=lr, run=name, seed=seed,
                               final=r.final_val_loss, best=float(min(r.val_losses)),
                               diverged=r.diverged, ms=1000 * r.seconds / max(1, len(r.lrs)),
                               cpu_ms=1000 * cpu / max(1, len(r.lrs)),
                               curve=[round(float(v), 3) for v in r.val_losses])
                    rows.append(row)
                    print(f"{layout:4} lr={lr:<7g} {name:10} seed={seed} final val "
                          f"{row['final']:.3f} best {row['best']:.3f}"
                          f"{' DIVERGED' if r.diverged else ''}  {row['ms']:.0f} ms/step wall, "
                          f"{row['cpu_ms']:.0f} CPU (with validation)  "
                          f"val {row['curve']}", flush=True)
    return rows


def verdicts(rows: list[dict]) -> None:
    """Per layout and peak: does no warm-up end higher than every warm-up seed, and by how much
    (the smallest gap between a no-warm-up seed and the worst warm-up seed)?"""
    print("\nlayout  peak     no warm-up finals      warm-up finals        no warm-up worse on "
          "every seed (min gap)")
    keys = sorted({(r["layout"], r["lr"]) for r in rows})
    for layout, lr in keys:
        cold = [r["final"] for r in rows if (r["layout"], r["lr"], r["run"]) == (layout, lr,
                                                                               "no warm-up")]
        warm = [r["final"] for r in rows if (r["layout"], r["lr"], r["run"]) == (layout, lr,
                                                                               "warm-up")]
        cold_n = [math.inf if math.isnan(v) else v for v in cold]
        warm_n = [math.inf if math.isnan(v) else v for v in warm]
        gap = min(cold_n) - max(warm_n)
        fmt = ", ".join
        print(f"{layout:6}  {lr:<7g}  {fmt(f'{v:.3f}' for v in cold):20}  "
              f"{fmt(f'{v:.3f}' for v in warm):20}  {gap > 0} ({gap:+.3f})")


def main(argv=None) -> None:
    import torch

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--layouts", default=",".join(LAYOUTS))
    ap.add_argument("--lrs", default=",".join(f"{v:g}" for v in LRS))
    ap.add_argument("--seeds", default=",".join(map(str, SEEDS)))
    ap.add_argument("--steps", type=int, default=STEPS)
    ap.add_argument("--warmup", type=int, default=WARMUP)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--clip", type=float, default=None, help="max_grad_norm (default: none)")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    start = time.perf_counter()
    rows = run_pilot(args.layouts.split(","), [float(v) for v in args.lrs.split(",")],
                     [int(v) for v in args.seeds.split(",")], args.steps, args.warmup,
                     args.layers, args.width, args.clip)
    verdicts(rows)
    print(f"\n{len(rows)} runs of {args.steps} steps in {time.perf_counter() - start:.0f} s "
          f"(one thread)")


if __name__ == "__main__":
    main()
