"""What the explorers' pictures cost (issue 22 item 2): bytes and time.

For every explorer type at its lesson defaults: the picture's PNG bytes (and as stored in a
notebook, base64), beside the live frames' bytes, and the kernel time to make it when the cell
displays (median of REPEAT; slider moves do not make it). Then, for a notebooks tree (default
notebooks/, or the one given), the explorer outputs' picture bytes per notebook and in all.

    python benchmarks/bench_explorer_pictures.py [NOTEBOOKS_DIR]
"""

from __future__ import annotations

import base64
import json
import statistics
import sys
import time
from pathlib import Path

import lrlessons
from lrlessons.explorers import compare, explore, train_explorer

REPEAT = 5
WIDGET = "application/vnd.jupyter.widget-view+json"
EXPLORERS = {
    "explore('StepLR')": lambda: explore("StepLR"),
    "explore('OneCycleLR')": lambda: explore("OneCycleLR"),
    "explore('ReduceLROnPlateau')": lambda: explore("ReduceLROnPlateau"),
    "compare(StepLR, CosineAnnealingLR)": lambda: compare(["StepLR", "CosineAnnealingLR"]),
    "train_explorer()": lambda: train_explorer(),
    "explore_descent()": lambda: lrlessons.explore_descent(),
    "explore_optimizers()": lambda: lrlessons.explore_optimizers(),
    "explore_range_test()": lambda: lrlessons.explore_range_test(),
    "explore_plateau()": lambda: lrlessons.explore_plateau(),
}


def main(notebooks: Path | None = None) -> None:
    print(f"{'explorer':38s} {'picture':>9s} {'base64':>9s} {'frames':>9s} {'make it':>9s}")
    for label, make in EXPLORERS.items():
        ex = make()
        frames = sum(len(p.image.value) for p in getattr(ex.figure, "parts", [ex.figure]))
        times = []
        for _ in range(REPEAT):
            start = time.perf_counter()
            png = ex.picture()
            times.append(time.perf_counter() - start)
        print(f"{label:38s} {len(png):7d} B {len(base64.b64encode(png)):7d} B {frames:7d} B "
              f"{statistics.median(times) * 1e3:6.0f} ms")
    root = notebooks or Path(__file__).resolve().parent.parent / "notebooks"
    total = count = 0
    for path in sorted(root.glob("*/*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        sizes = [len("".join(o["data"]["image/png"])) for c in nb["cells"]
                 for o in c.get("outputs", []) if WIDGET in o.get("data", {})
                 and "image/png" in o["data"]]
        if sizes:
            print(f"{path.relative_to(root)}: {len(sizes)} explorer pictures, "
                  f"{sum(sizes) / 1e3:.0f} kB in the notebook (file {path.stat().st_size / 1e3:.0f} kB)")
        total, count = total + sum(sizes), count + len(sizes)
    print(f"all notebooks under {root}: {count} explorer pictures, {total / 1e6:.2f} MB (base64)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
