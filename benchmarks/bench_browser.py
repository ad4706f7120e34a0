"""Slider to new picture, in a real browser: JupyterLab on 127.0.0.1, Debian's headless chromium.

For each lesson (English by default), opens it, runs all cells, then presses an arrow key on the
first explorer's slider MOVES times and prints the time from the key press to the new picture in
the page (src in the DOM) and to the first frame after it decoded. Aim: 100 ms or less.

    python benchmarks/bench_browser.py [en|zh] [moves]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import browser_support as bs  # noqa: E402


def main(lang: str = "en", moves: int = 20) -> None:
    reason = bs.browser_missing()
    if reason:
        print(f"skipped: {reason}")
        return
    every = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        server = bs.LabServer(bs.copy_notebooks(work), work)
        server.start()
        try:
            with bs.chromium() as browser:
                for lang_, name in bs.lesson_notebooks():
                    if lang_ != lang or name == "index":
                        continue
                    page = browser.new_context(viewport=bs.VIEWPORT).new_page()
                    lesson = bs.Lesson(page, server, f"{lang}/{name}.ipynb")
                    lesson.open()
                    seconds = lesson.run_all()
                    index = lesson.explorer_cell()
                    result = lesson.slider_latencies(index, moves) if index is not None else []
                    every += result
                    print(f"{lang}/{name}: Run All {seconds:.1f} s; key -> new picture "
                          f"{bs.summarize([m.src_ms for m in result])}; -> decoded frame "
                          f"{bs.summarize([m.frame_ms for m in result])}", flush=True)
                    page.context.close()
                    server.shutdown_kernels()
        finally:
            server.stop()
    print(f"all lessons: key -> new picture {bs.summarize([m.src_ms for m in every])} "
          f"(aim <= 100 ms)")


if __name__ == "__main__":
    main(*(sys.argv[1:2] or ["en"]), *(int(a) for a in sys.argv[2:3]))
