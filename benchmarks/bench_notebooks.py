"""Each lesson notebook, Restart & Run All: wall time and the kernel's peak memory.

Runs every notebook under notebooks/ in a fresh kernel (nbclient, the inline backend, as in
JupyterLab) and prints the wall time from kernel start to the last cell, twice: on every CPU of
this machine, and on one CPU, as a workshop participant meets it on a Binder seat (1 CPU): this
process and the kernel it starts are pinned to one CPU, as `taskset -c 0` would pin them. Also the
kernel process' peak resident memory (VmHWM) and CPU seconds (user + system, its start included),
read by one extra cell appended at the end: on one CPU the wall time is about the kernel's CPU
time plus this client's, so the CPU time tells it even when other jobs share the machine.
Targets: at most 20 s on one CPU and 500 MB per notebook (a Binder seat has 2 GB for a whole
session).

    python benchmarks/bench_notebooks.py [notebooks/en/01_step_decay.ipynb ...]
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

ROOT = Path(__file__).resolve().parent.parent / "notebooks"
PEAK = ("import os; print([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]"
        ".split()[1], sum(os.times()[:2]))")


@contextlib.contextmanager
def cpus(chosen: set[int] | None):
    """Run the block pinned to ``chosen`` CPUs (None: unchanged). A kernel started inside it
    inherits the pinning, as under `taskset -c 0 python ...`."""
    before = os.sched_getaffinity(0)
    if chosen:
        os.sched_setaffinity(0, chosen)
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def run(path: Path, on: set[int] | None = None) -> tuple[float, float, float]:
    """Seconds from kernel start to the last cell's output, the kernel's peak MB and its CPU s."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(new_code_cell(PEAK))
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    # When each code cell finished: the kernel's shutdown after the last one is not timed.
    done: list[float] = []
    client.on_cell_executed = lambda **_: done.append(time.perf_counter())
    with cpus(on):
        start = time.perf_counter()
        client.execute()  # starts the kernel, runs every cell, shuts the kernel down
    seconds = done[-2] - start  # the last lesson cell (done[-1] is the PEAK cell)
    peak_kb, cpu_s = "".join(o.get("text", "") for o in nb.cells[-1].outputs).split()
    return seconds, float(peak_kb) / 1024, float(cpu_s)


def main(paths: list[str]) -> None:
    os.environ.pop("MPLBACKEND", None)  # the kernel inherits it: keep the inline backend
    targets = [Path(p) for p in paths] or sorted(ROOT.glob("*/*.ipynb"))
    one_cpu = {min(os.sched_getaffinity(0))}
    print(f"wall time, kernel start included: on {len(os.sched_getaffinity(0))} CPUs / on one "
          f"CPU (CPU {min(one_cpu)}, as a Binder seat)", flush=True)
    worst_s = worst_mb = 0.0
    for path in targets:
        all_s, all_mb, _ = run(path)
        one_s, one_mb, one_cpu_s = run(path, on=one_cpu)
        worst_s, worst_mb = max(worst_s, one_s), max(worst_mb, all_mb, one_mb)
        print(f"{path.parent.name}/{path.name:28s} {all_s:6.1f} s / {one_s:6.1f} s on one CPU "
              f"(kernel CPU {one_cpu_s:4.1f} s)   peak kernel memory {max(all_mb, one_mb):4.0f} MB",
              flush=True)
    print(f"slowest on one CPU: {worst_s:.1f} s (target <= 20 s); largest peak: {worst_mb:.0f} MB "
          f"(target <= 500 MB)")


if __name__ == "__main__":
    main(sys.argv[1:])
