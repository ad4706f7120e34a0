"""Each lesson notebook, Restart & Run All: wall time and the kernel's peak memory.

Runs every notebook under notebooks/ in a fresh kernel (nbclient, the inline backend, as in
JupyterLab) and prints the wall time from kernel start to the last cell, and the kernel process'
peak resident memory (VmHWM, read by one extra cell appended at the end). Targets: at most 20 s
and 500 MB per notebook (a Binder seat has 2 GB for a whole session).

    python benchmarks/bench_notebooks.py [notebooks/en/01_step_decay.ipynb ...]
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

ROOT = Path(__file__).resolve().parent.parent / "notebooks"
PEAK = "print([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0])"


def run(path: Path) -> tuple[float, float]:
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(new_code_cell(PEAK))
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    peak_kb = float(text.split()[-2])
    return seconds, peak_kb / 1024


def main(paths: list[str]) -> None:
    os.environ.pop("MPLBACKEND", None)  # the kernel inherits it: keep the inline backend
    targets = [Path(p) for p in paths] or sorted(ROOT.glob("*/*.ipynb"))
    worst_s = worst_mb = 0.0
    for path in targets:
        seconds, mb = run(path)
        worst_s, worst_mb = max(worst_s, seconds), max(worst_mb, mb)
        print(f"{path.parent.name}/{path.name:28s} {seconds:6.1f} s   peak kernel memory "
              f"{mb:6.0f} MB", flush=True)
    print(f"slowest: {worst_s:.1f} s (target <= 20 s); largest peak: {worst_mb:.0f} MB "
          f"(target <= 500 MB)")


if __name__ == "__main__":
    main(sys.argv[1:])
