"""What a playground training run does over seeds and simulated machines, not one trajectory.

A training run here is chaotic: the same seed gives other numbers under another CPU kernel set
(``ATEN_CPU_CAPABILITY``, read by torch at import, so each runs in its own subprocess) or another
BLAS code path (``MKL_CBWR=COMPATIBLE``), as on another CPU. This script runs each configuration
for every seed on every simulated machine (tests.claims.machines(): each kernel set the CPU
supports, alone and with MKL's compatible path) and prints, per configuration, the median / min /
max over all those runs of:

    acc   final validation accuracy
    loss  mean training loss of the last 10 epochs
    std   standard deviation of the training loss over the last 10 epochs
    div   how many runs diverged (NaN)

    python benchmarks/claims_sweep.py --claims               # every claim, margins per bound
    python benchmarks/claims_sweep.py --only "const" --seeds 0-4
    python benchmarks/claims_sweep.py --config 'tiny={"base_lr": 0.005}' --only tiny
    python benchmarks/claims_sweep.py --env MKL_CBWR=AVX2    # one other switch instead
    python benchmarks/claims_sweep.py --json out.json        # every run's curves, for analysis
    python benchmarks/claims_sweep.py --load a.json b.json   # re-evaluate the claims, no training

The configurations are those of tests/claims.py and every tests/claims_lesson_NN.py (plus any
``--config``). ``--claims`` evaluates every claim on each machine alone and on all pooled, and
prints each bound's margin in noise units (the rule is in tests/claims.py's docstring). Bounds
are set on seeds 0-9 (the default here); the test checks them on seeds 10-14.

To measure another copy of lrlessons, put it first on PYTHONPATH; the workers inherit it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT))  # after PYTHONPATH: a copy of lrlessons put there still wins
from tests.claims import machines  # noqa: E402  (one definition for test and sweep)

# --- worker: one process, one kernel set ------------------------------------------------------


def worker() -> None:
    """Read {"names": [...], "extra": {name: kwargs}, "seeds": [...]} on stdin, print one JSON
    result. Registry configurations travel by name: some hold functions (an on_epoch_end rule)."""
    import numpy as np
    import torch

    import lrlessons

    job = json.load(sys.stdin)
    out = {"capability": torch.backends.cpu.get_cpu_capability(),
           "library": str(Path(lrlessons.__file__).parent), "runs": {}}
    from tests.claims import CONFIGS, seeds_for, to_records

    configs = {**{n: CONFIGS[n] for n in job["names"]}, **job["extra"]}
    for name, kwargs in configs.items():
        runs, seconds = [], []
        for seed in seeds_for(name, job["seeds"]):
            start = time.perf_counter()
            runs.append(lrlessons.train(seed=seed, **kwargs))
            seconds.append(time.perf_counter() - start)
        # What the claims read (tests.claims.to_records), plus this sweep's own summaries.
        records = to_records({name: runs})[name]
        for record, run, took in zip(records, runs, seconds):
            record.update(seconds=took, tail_loss=float(np.mean(run.loss[-10:])),
                          tail_std=float(np.std(run.loss[-10:])))
        out["runs"][name] = records
    json.dump(out, sys.stdout)


# --- parent -----------------------------------------------------------------------------------


def run_kernel_set(cap: str, names: list[str], extra: dict, seeds: list[int],
                   extra_env: dict) -> dict:
    env = dict(os.environ, ATEN_CPU_CAPABILITY=cap, OMP_NUM_THREADS="1", MPLBACKEND="Agg",
               **extra_env)
    done = subprocess.run([sys.executable, __file__, "--worker"], cwd=ROOT, env=env, text=True,
                          input=json.dumps({"names": names, "extra": extra, "seeds": seeds}),
                          capture_output=True, check=False)
    if done.returncode:
        raise SystemExit(f"worker for {cap} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout)
    if result["capability"].lower() != cap:  # torch silently falls back when unsupported
        raise SystemExit(f"asked for kernel set {cap}, torch used {result['capability']}")
    return result


def parse_seeds(text: str) -> list[int]:
    seeds: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        seeds += range(int(lo), int(hi or lo) + 1)
    return seeds


def summary(runs: list[dict]) -> str:
    def trio(key: str, fmt: str) -> str:
        vals = [r[key] for r in runs]
        return " ".join(format(v, fmt) for v in
                        (statistics.median(vals), min(vals), max(vals)))

    diverged = sum(r["diverged"] for r in runs)
    return (f"acc {trio('final_accuracy', '.3f')} | loss {trio('tail_loss', '.4f')} | "
            f"std {trio('tail_std', '.4f')} | div {diverged}/{len(runs)}")


def print_claims(claims, results: dict, caps: list[str]) -> None:
    """Every claim on each machine alone and on all pooled, with each bound's margin in noise
    units (tests/claims.py's rule: at least claims.MIN_MARGIN)."""
    per_cap = {cap: claims.evaluate(claims.from_records(results[cap])) for cap in caps}
    # Pooled: every configuration's runs concatenated in the same machine order, so a claim's
    # zip() still pairs the same seed on the same machine.
    pooled = claims.evaluate(claims.from_records(
        {name: [r for cap in caps for r in results[cap][name]] for name in results[caps[0]]}))
    print(f"\nclaims (HOLDS on each machine alone / on all pooled); margins in noise units, "
          f"rule >= {claims.MIN_MARGIN:g} (* below it):")
    thin = []
    for name, verdict in pooled.items():
        each = " ".join(f"{cap}:{'ok' if per_cap[cap][name]['ok'] else 'FAIL'}" for cap in caps)
        ok = verdict["ok"] and all(per_cap[cap][name]["ok"] for cap in caps)
        print(f"{'HOLDS' if ok else 'FAILS'}  {name}  margin {verdict['margin']:.1f}  ({each})")
        for text, bound_ok, margin in verdict["bounds"]:
            flag = "*" if margin < claims.MIN_MARGIN else " "
            print(f"     {flag}{margin:7.1f}  {'ok  ' if bound_ok else 'FAIL'} {text}")
        if verdict["margin"] < claims.MIN_MARGIN:
            thin.append(name)
    smallest = sorted(pooled.items(), key=lambda kv: kv[1]["margin"])[:5]
    print("\nsmallest margins: " + ", ".join(f"{n} {v['margin']:.1f}" for n, v in smallest))
    print(f"claims below the rule: {len(thin)}" + (f" ({', '.join(thin)})" if thin else ""))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--seeds", default="0-9", help="e.g. 0-9 or 0,3,5-7 (default 0-9)")
    ap.add_argument("--kernel-sets", default=None,
                    help="comma-separated ATEN_CPU_CAPABILITY values (default: all supported)")
    ap.add_argument("--only", default=None, help="keep configurations whose name contains this")
    ap.add_argument("--config", action="append", default=[], metavar='NAME={"base_lr": 0.1}',
                    help="add a configuration: train() keyword arguments as JSON")
    ap.add_argument("--env", action="append", default=[], metavar="VAR=VALUE",
                    help="extra environment for the workers (e.g. MKL_ENABLE_INSTRUCTIONS=AVX2)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes at once (default 2)")
    ap.add_argument("--json", default=None, help="write every run's curves to this file")
    ap.add_argument("--load", nargs="+", default=None,
                    help="no training: evaluate --claims on the runs --json files saved "
                         "(several files: their machines pooled)")
    ap.add_argument("--claims", action="store_true",
                    help="also evaluate the claims of tests/claims*.py on the runs")
    args = ap.parse_args()
    if args.worker:
        return worker()
    if args.load:
        from tests import claims

        results: dict = {}
        for path in args.load:
            saved = json.loads(Path(path).read_text())
            # Older files name kernel sets and one extra environment for all of them.
            tag = " ".join(f"{k}={v}" for k, v in saved.get("extra_env", {}).items())
            for cap in saved.get("machines", saved.get("kernel_sets", [])):
                label = f"{cap} {tag}".strip()
                if label in results:  # two files with the same machine labels
                    label = f"{label} ({Path(path).stem})"
                results[label] = saved["results"][cap]
        names = set.intersection(*(set(r) for r in results.values()))
        results = {m: {n: r[n] for n in names} for m, r in results.items()}
        return print_claims(claims, results, list(results))

    from tests import claims  # every lesson's configurations and claims (one table for both)

    extra = {}
    for item in args.config:
        name, _, kwargs = item.partition("=")
        extra[name] = json.loads(kwargs)
    configs = {**claims.CONFIGS, **extra}
    if args.only:
        configs = {k: v for k, v in configs.items() if args.only in k}
    names = [n for n in configs if n not in extra]
    extra = {n: v for n, v in extra.items() if n in configs}
    seeds = parse_seeds(args.seeds)
    kernel_sets = args.kernel_sets.split(",") if args.kernel_sets else None
    extra_env = dict(item.split("=", 1) for item in args.env)
    # Simulated machines: every kernel set, alone and with MKL's compatible code path (or only
    # the --env given); label -> (kernel set, environment).
    sims = {label: (k, env) for label, (k, env) in machines(kernel_sets).items()}
    if extra_env:  # the kernel sets with these switches instead of the usual ones
        tag = " ".join(f"{a}={b}" for a, b in extra_env.items())
        sims = {f"{k} {tag}": (k, extra_env) for k, env in sims.values() if not env}
    caps = list(sims)
    print(f"machines: {', '.join(caps)}; seeds: {args.seeds}; extra env: {extra_env or 'none'}")

    start = time.perf_counter()
    with ThreadPoolExecutor(args.jobs) as pool:
        done = dict(zip(caps, pool.map(
            lambda m: run_kernel_set(sims[m][0], names, extra, seeds, sims[m][1]), caps)))
    results = {cap: d["runs"] for cap, d in done.items()}
    print(f"lrlessons from: {', '.join(sorted({d['library'] for d in done.values()}))}")
    n_runs = len(caps) * len(seeds) * len(configs)
    print(f"{n_runs} runs in {time.perf_counter() - start:.0f} s wall "
          f"(median, min, max over {len(seeds)} seeds x {len(caps)} machines)")
    width = max(map(len, configs))
    for name in configs:
        pooled = [r for cap in caps for r in results[cap][name]]
        print(f"{name:{width}s}  {summary(pooled)}")
    if args.claims:
        print_claims(claims, results, caps)
    if args.json:
        Path(args.json).write_text(json.dumps({"seeds": seeds, "machines": caps,
                                               "configs": configs,
                                               "results": results},
                                              default=lambda f: getattr(f, "__name__", repr(f))))


if __name__ == "__main__":
    main()
