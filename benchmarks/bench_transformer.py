"""What the transformer lesson's kernel would cost: time and peak memory of ``import torch`` +
``from transformers import Trainer``, and of one short live run of the language model, each in
a fresh process (peak resident memory, ru_maxrss) on one torch thread. Wall seconds depend on
what else the machine runs; CPU seconds (one thread) much less:

    python benchmarks/bench_transformer.py

The lesson's budget is 25 s and 700 MB for the whole notebook. Figures are printed, never
asserted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# One short configuration a lesson could run live: the course's model, warm-up + cosine.
LIVE = dict(schedule="WarmupCosine", steps=100, base_lr=1e-2, num_warmup_steps=10,
            eval_every=50)

IMPORTS = """
import json, resource, time
t = time.perf_counter()
import torch
t_torch = time.perf_counter() - t
from transformers import Trainer, TrainingArguments
seconds = time.perf_counter() - t
print(json.dumps({"torch_s": t_torch, "seconds": seconds, "cpu_s": time.process_time(),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

LIVE_RUN = """
import json, resource, sys, time
t = time.perf_counter()
import torch
torch.set_num_threads(1)
from lrlessons.transformer import train_lm
imported = time.perf_counter() - t
kw = json.loads(sys.argv[1])
cpu = time.process_time()
run = train_lm(**kw)
cpu = time.process_time() - cpu
print(json.dumps({"run_cpu_s": cpu, "import_s": imported, "run_s": run.seconds, "total_s": time.perf_counter() - t,
                  "ms_per_step": 1000 * run.seconds / len(run.lrs),
                  "final_val": run.final_val_loss,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def fresh(code: str, *args: str) -> dict:
    env = dict(os.environ, OMP_NUM_THREADS="1", HF_HUB_OFFLINE="1", MPLBACKEND="Agg")
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.splitlines()[-1])


def main(live=None) -> None:
    imp = fresh(IMPORTS)
    print(f"import torch: {imp['torch_s']:.1f} s; + from transformers import Trainer: "
          f"{imp['seconds']:.1f} s in all ({imp['cpu_s']:.1f} s of CPU), peak {imp['peak_mb']:.0f} MB")
    live = dict(LIVE if live is None else live)
    r = fresh(LIVE_RUN, json.dumps(live))
    print(f"live run {live}: import {r['import_s']:.1f} s, run {r['run_s']:.1f} s "
          f"({r['run_cpu_s']:.1f} s of CPU) "
          f"({r['ms_per_step']:.0f} ms a step), process {r['total_s']:.1f} s, peak "
          f"{r['peak_mb']:.0f} MB, final validation loss {r['final_val']:.3f}")


if __name__ == "__main__":
    main()
