"""The transformer lesson's runs: every schedule over several seeds, saved as small JSON files.

    python -m lrlessons.transformer_runs --out lrlessons/data/transformer           # full runs
    python -m lrlessons.transformer_runs --check lrlessons/data/transformer --steps 20

Writing (``--out``): each configuration of ``configs(preset)`` (no warm-up; linear warm-up to a
constant; warm-up + cosine; warm-up-stable-decay; inverse square root) for each seed, in
``--workers`` processes of one torch thread each. Per configuration one file
``<name>.json``: the schedule and its parameters, the run settings, the lr of every step (the
same for every seed), and per seed the training loss of every step and the validation loss
every ``eval_every`` steps. ``meta.json`` holds the command, the versions, the kernel set and
the seconds that made them.

Checking (``--check DIR``): reruns the first ``--steps`` steps of one saved configuration
(``--config``, default ``CHECK_CONFIG``) for its first seed, here, and compares with the saved
values: the lrs must be equal, the training losses and the initial validation loss within
``--tolerance``. Exit status 1 if not. This is how CI holds the committed data to the code on
each CPU kernel set (``ATEN_CPU_CAPABILITY``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

# The runs' settings. benchmarks/transformer_pilot.py chose them (post-LN, width 64, 4 layers,
# 300 steps, AdamW, no clipping; final validation loss per seed): at a peak of 1e-2 no warm-up
# stalls at the byte-frequency plateau on seeds 0-2 (3.13, 3.16, 3.05) while a 100-step linear
# warm-up to the same constant trains (2.28, 2.30, 2.35); at 7e-3 no warm-up fails on one seed of
# two; at 5e-3 and below warm-up stops mattering (no warm-up 2.21 / 2.35 against 2.24 / 2.27 at
# 5e-3, and 0.05-0.07 lower than a 50-step warm-up at 1e-3 and 3e-3). A 50-step warm-up at 1e-2
# was not enough on one seed of two. Pre-LN at 1e-2 needs no warm-up (2.20, 2.20 without, 2.20,
# 2.26 with): the layout is why warm-up matters here. Cost: about 80-90 ms of one CPU thread a step with validation
# (seed 0 at "full": no warm-up 3.17, warm-up + cosine 1.95 after 1000 steps, 89 s of CPU each),
# so "full" (25 runs of 1000 steps) takes an estimated 17-20 minutes in 2 workers on a quiet
# 2-core machine; on a loaded one, wall time grows with the load. "tiny" is the committed configuration the tests --check: the same model, a few
# steps.
PRESETS = {
    "full": dict(layout="post", width=64, layers=4, base_lr=1e-2, steps=1000, warmup=100,
                 decay=150, eval_every=50, seeds=(0, 1, 2, 3, 4)),
    "tiny": dict(layout="post", width=64, layers=4, base_lr=1e-2, steps=40, warmup=10,
                 decay=8, eval_every=20, seeds=(0,)),
}
# The check's default length and tolerance on a loss (nats). Measured with
# benchmarks/transformer_kernels.py on the tiny data (warm-up to 1e-2 in 10 steps: calmer runs
# differ less): the largest |difference| from the saved run over the first 20 steps was 4.3e-6
# across ATEN_CPU_CAPABILITY=default|avx2|avx512, with and without MKL_CBWR=COMPATIBLE (1.5e-4
# by step 40: chaos grows it about tenfold every 10 steps), so 1e-3 at 20 steps leaves a margin
# of 200 while any change to the code or the data moves a loss by far more.
CHECK_STEPS = 20
TOLERANCE = 1e-3
# The configuration --check reruns unless told: a warm-up's first steps are calm, so what they
# measure is the code and the data, not how chaotic a too-high lr makes the trajectory.
CHECK_CONFIG = "warmup_cosine"


def configs(preset: str = "full") -> dict[str, tuple[str | None, dict]]:
    """name -> (catalogue entry or None, its parameters), every length spelled out, so that a
    rerun of the first steps has the very same schedule."""
    p = PRESETS[preset]
    steps, w, d, peak = p["steps"], p["warmup"], p["decay"], p["base_lr"]
    return {
        "no_warmup": (None, {}),
        "warmup_constant": ("LinearWarmup", dict(warmup_steps=w, start_lr=0.0, end_lr=peak)),
        "warmup_cosine": ("WarmupCosine", dict(num_warmup_steps=w, num_training_steps=steps)),
        "wsd": ("WarmupStableDecay", dict(num_warmup_steps=w, num_stable_steps=steps - w - d,
                                          num_decay_steps=d)),
        "inverse_sqrt": ("InverseSqrt", dict(num_warmup_steps=w)),
    }


def run_settings(preset: str) -> dict:
    """The keyword arguments of ``train_lm`` shared by every configuration of ``preset``."""
    p = PRESETS[preset]
    return {k: p[k] for k in ("layout", "width", "layers", "base_lr", "steps", "eval_every")}


def _floats(values, digits: int = 7) -> list:
    return [float(f"{v:.{digits}g}") if math.isfinite(v) else None for v in map(float, values)]


def _one(job) -> dict:
    """One run in a worker process (one torch thread)."""
    import torch

    from .transformer import train_lm

    torch.set_num_threads(1)
    name, schedule, params, settings, seed = job
    r = train_lm(schedule, seed=seed, **settings, **params)
    return dict(name=name, seed=seed, lrs=[float(v) for v in r.lrs], losses=_floats(r.losses),
                val_steps=[int(v) for v in r.val_steps], val_losses=_floats(r.val_losses),
                diverged=bool(r.diverged), seconds=round(r.seconds, 2))


def versions() -> dict:
    import numpy
    import torch

    from . import __version__

    return {"python": platform.python_version(), "torch": torch.__version__,
            "numpy": numpy.__version__, "lrlessons": __version__,
            "kernel_set": torch.backends.cpu.get_cpu_capability(),
            "MKL_CBWR": os.environ.get("MKL_CBWR"), "machine": platform.machine()}


def write(out: Path, preset: str = "full", seeds=None, workers: int = 2, only=None,
          argv=None) -> dict:
    """Run every configuration of ``preset`` (or ``only`` those) for ``seeds`` and write the
    files to ``out``; returns meta.json's content."""
    from .transformer import CORPUS_SHA256

    chosen = {n: c for n, c in configs(preset).items() if not only or n in only}
    settings = run_settings(preset)
    seeds = tuple(PRESETS[preset]["seeds"] if seeds is None else seeds)
    jobs = [(n, s, p, settings, seed) for n, (s, p) in chosen.items() for seed in seeds]
    start = time.perf_counter()
    # One BLAS/OpenMP thread per worker, set before the workers import torch.
    os.environ["OMP_NUM_THREADS"] = "1"
    if workers > 1:
        import multiprocessing

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            results = list(pool.map(_one, jobs))
    else:
        results = [_one(job) for job in jobs]
    seconds = time.perf_counter() - start
    out.mkdir(parents=True, exist_ok=True)
    for name, (schedule, params) in chosen.items():
        runs = [r for r in results if r["name"] == name]
        full = [r for r in runs if not r["diverged"]]
        lrs = (full or runs)[0]["lrs"]
        assert all(r["lrs"] == lrs[:len(r["lrs"])] for r in runs), name  # the schedule is seedless
        doc = dict(name=name, schedule=schedule, params=params, settings=settings, lrs=lrs,
                   seeds={str(r["seed"]): {k: r[k] for k in ("losses", "val_steps",
                                                              "val_losses", "diverged",
                                                              "seconds")} for r in runs})
        (out / f"{name}.json").write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    meta = dict(command="python -m lrlessons.transformer_runs " + " ".join(argv or []),
                preset=preset, configs=list(chosen), seeds=list(seeds), workers=workers,
                threads_per_worker=1, seconds=round(seconds, 1),
                run_seconds=round(sum(r["seconds"] for r in results), 1),
                versions=versions(), corpus_sha256=CORPUS_SHA256,
                created=time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()))
    (out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")
    return meta


def load(directory: Path, name: str | None = None) -> dict:
    """A saved configuration (``name``; None: ``CHECK_CONFIG`` if saved, else the first that
    meta.json lists)."""
    directory = Path(directory)
    meta = json.loads((directory / "meta.json").read_text())
    name = name or (CHECK_CONFIG if CHECK_CONFIG in meta["configs"] else meta["configs"][0])
    return json.loads((directory / f"{name}.json").read_text())


def check(directory: Path, name: str | None = None, steps: int = CHECK_STEPS,
          tolerance: float = TOLERANCE) -> dict:
    """Rerun the first ``steps`` steps of a saved configuration's first seed and compare.

    Returns ``{"ok": bool, "lr_diff": ..., "loss_diff": ..., "val0_diff": ..., "per_step":
    [max |difference| of the losses up to each step]}``; differences are absolute, in nats.
    """
    import numpy as np

    from .transformer import train_lm

    saved = load(directory, name)
    seed, record = next(iter(saved["seeds"].items()))
    steps = min(steps, len(record["losses"]))
    settings = dict(saved["settings"], steps=steps)
    run = train_lm(saved["schedule"], seed=int(seed), **settings, **saved["params"])
    lr_diff = float(np.max(np.abs(run.lrs - np.asarray(saved["lrs"][:steps]))))
    diffs = np.abs(run.losses - np.asarray(record["losses"][:steps], dtype=float))
    val0 = abs(run.val_losses[0] - record["val_losses"][0])
    per_step = np.maximum.accumulate(diffs)
    ok = lr_diff <= 1e-12 * max(saved["lrs"]) and per_step[-1] <= tolerance and \
        val0 <= tolerance
    return dict(ok=bool(ok), name=saved["name"], seed=int(seed), steps=steps,
                tolerance=tolerance, lr_diff=lr_diff, loss_diff=float(per_step[-1]),
                val0_diff=float(val0), per_step=[float(v) for v in per_step],
                kernel_set=versions()["kernel_set"])


def _seeds(text: str) -> list[int]:
    if "-" in text:
        lo, hi = text.split("-")
        return list(range(int(lo), int(hi) + 1))
    return [int(v) for v in text.split(",")]


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    ap = argparse.ArgumentParser(prog="python -m lrlessons.transformer_runs",
                                 description=__doc__.splitlines()[0])
    what = ap.add_mutually_exclusive_group(required=True)
    what.add_argument("--out", type=Path, help="write the runs to this folder")
    what.add_argument("--check", type=Path, help="rerun the first steps of a saved folder")
    ap.add_argument("--preset", choices=sorted(PRESETS), default="full")
    ap.add_argument("--seeds", type=_seeds, help="e.g. 0-4 or 0,3 (default: the preset's)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--only", help="comma-separated configuration names")
    ap.add_argument("--config",
                    help=f"--check: the configuration to rerun (default: {CHECK_CONFIG})")
    ap.add_argument("--steps", type=int, default=CHECK_STEPS, help="--check: steps to rerun")
    ap.add_argument("--tolerance", type=float, default=TOLERANCE,
                    help="--check: largest |difference| of a loss, in nats")
    ap.add_argument("--json", action="store_true", help="--check: print the result as JSON")
    args = ap.parse_args(argv)
    if args.out is not None:
        meta = write(args.out, args.preset, args.seeds, args.workers,
                     args.only.split(",") if args.only else None, argv)
        print(f"wrote {len(meta['configs'])} configurations x {len(meta['seeds'])} seeds to "
              f"{args.out} in {meta['seconds']} s ({meta['run_seconds']} s of runs, "
              f"{args.workers} workers)")
        return 0
    import torch

    torch.set_num_threads(1)
    result = check(args.check, args.config, args.steps, args.tolerance)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{'OK' if result['ok'] else 'FAILED'}: {result['name']} seed {result['seed']}, "
              f"first {result['steps']} steps on kernel set {result['kernel_set']}: lr differs "
              f"by {result['lr_diff']:.3g}, loss by {result['loss_diff']:.3g} (tolerance "
              f"{result['tolerance']:g}), initial validation loss by {result['val0_diff']:.3g}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
