"""How far the transformer runs' first steps move between CPU kernel sets: the margin behind
``lrlessons.transformer_runs.TOLERANCE`` and ``CHECK_STEPS``.

For every ATEN_CPU_CAPABILITY this CPU supports, with and without ``MKL_CBWR=COMPATIBLE``, reruns
the first ``--steps`` steps of a saved configuration (``transformer_runs --check``) in a fresh
process (torch reads the kernel set once, at import) and prints the largest |difference| of the
training loss from the saved run up to each of a few steps:

    python benchmarks/transformer_kernels.py                                  # the tiny data
    python benchmarks/transformer_kernels.py --data lrlessons/data/transformer --steps 100

Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "lrlessons" / "data" / "transformer_tiny"
MARKS = (1, 2, 5, 10, 20, 30, 40, 50, 100, 200)


def measure(data: Path, steps: int, config: str | None, kernel_set: str, cbwr: str | None):
    env = dict(os.environ, ATEN_CPU_CAPABILITY=kernel_set, OMP_NUM_THREADS="1")
    env.pop("MKL_CBWR", None)
    if cbwr:
        env["MKL_CBWR"] = cbwr
    cmd = [sys.executable, "-m", "lrlessons.transformer_runs", "--check", str(data), "--steps",
           str(steps), "--tolerance", "1e9", "--json"] + (["--config", config] if config else [])
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.splitlines()[-1])


def main(argv=None) -> None:
    sys.path.insert(0, str(ROOT))
    from lrlessons.transformer_runs import CHECK_CONFIG
    from tests.claims import supported_kernel_sets

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=TINY)
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--config", default=None)
    args = ap.parse_args(argv)
    marks = [m for m in MARKS if m <= args.steps]
    print(f"max |loss difference| (nats) from the saved run up to step k, {args.data.name}, "
          f"config {args.config or CHECK_CONFIG}, seed 0")
    print(f"{'kernel set':12} {'MKL_CBWR':11} " + " ".join(f"{'k=' + str(m):>9}" for m in marks)
          + "  initial val")
    for kernel_set in supported_kernel_sets():
        for cbwr in (None, "COMPATIBLE"):
            r = measure(args.data, args.steps, args.config, kernel_set, cbwr)
            assert r["kernel_set"].lower() == kernel_set, r["kernel_set"]  # no silent fallback
            print(f"{kernel_set:12} {cbwr or '-':11} "
                  + " ".join(f"{r['per_step'][m - 1]:9.2e}" for m in marks)
                  + f"  {r['val0_diff']:.2e}", flush=True)


if __name__ == "__main__":
    main()
