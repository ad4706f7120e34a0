"""The lessons as a learner meets them: JupyterLab in headless chromium, Run All, then look.

For every lesson notebook (en and zh): Run All in a fresh kernel completes with no error, every
static figure of the committed notebook is drawn again, every widget renders, an explorer's plot
follows its slider (the key-press-to-new-picture latency is printed, not asserted: speed targets
live in benchmarks/bench_browser.py), and Chinese lessons show Chinese text in a CJK font with no
matplotlib missing-glyph warning.

The explorers fit the notebook column at every size in browser_support.LAYOUTS (laptops with the
file browser open, a full-HD screen, a narrow column): every slider, dropdown and text box shows
at least MIN_CONTROL_PX of itself, clipping by any ancestor counted; every button and checkbox
shows whole; no label is cut; no widget picture is clipped, leaves the notebook panel or lies
under a control; no widget box scrolls sideways. The page runs at the 1280x720 laptop size.

Skips when /usr/bin/chromium or playwright is missing, unless REQUIRE_BROWSER=1 (CI), which turns
the skip into a failure. LRLESSONS_NOTEBOOKS=/path/to/tree runs against another notebooks tree
(en/ and zh/ inside). Screenshots land in tests/screenshots/ (gitignored).
"""

from __future__ import annotations

import re
import time

import pytest

from tests import browser_support as bs

pytestmark = pytest.mark.browser

ROOT = bs.notebooks_root()
NOTEBOOKS = bs.lesson_notebooks(ROOT)
SLIDER_MOVES = 10
_latencies: dict[str, list[bs.Move]] = {}
_narrowest: dict[str, dict[str, float]] = {}  # notebook -> size -> least visible control width
_timings: dict[str, float] = {}


@pytest.fixture(scope="session")
def lab(tmp_path_factory, request):
    bs.need_browser()
    work = tmp_path_factory.mktemp("lab")
    server = bs.LabServer(bs.copy_notebooks(work, ROOT), work)
    started = time.perf_counter()
    try:
        server.start()
        yield server
    finally:
        server.stop()
        _report(request.config, time.perf_counter() - started)


def _report(config, total: float) -> None:
    """Latency and timings on the terminal, whatever the capture mode (they go into issue notes)."""
    tr = config.pluginmanager.get_plugin("terminalreporter")
    capman = config.pluginmanager.get_plugin("capturemanager")
    if tr is None or capman is None or not _timings:
        return
    # Session teardown runs under the last test's output capture: step out of it.
    with capman.global_and_fixture_disabled():
        _write_report(tr, total)


def _write_report(tr, total: float) -> None:
    tr.write_line("")
    tr.write_line("browser: slider key press -> new explorer picture (src in DOM / decoded frame)")
    every = [m for moves in _latencies.values() for m in moves]
    for name, moves in _latencies.items():
        tr.write_line(f"  {name}: {bs.summarize([m.src_ms for m in moves])} / "
                      f"frame {bs.summarize([m.frame_ms for m in moves])}")
    if every:
        tr.write_line(f"  all: {bs.summarize([m.src_ms for m in every])} / "
                      f"frame {bs.summarize([m.frame_ms for m in every])}")
    if _narrowest:
        tr.write_line("browser: least visible width of a slider/dropdown/text box, px "
                      f"({', '.join(bs.LAYOUTS)}):")
        for name, sizes in _narrowest.items():
            tr.write_line(f"  {name}: " + ", ".join(f"{v:.0f}" for v in sizes.values()))
    tr.write_line("browser: seconds per notebook (open + Run All + checks): " + ", ".join(
        f"{k} {v:.1f}" for k, v in _timings.items()) + f"; server lifetime {total:.1f}")


@pytest.fixture
def page(browser, lab):
    context = browser.new_context(viewport=bs.VIEWPORT, locale="en-US")
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
        lab.shutdown_kernels()


def test_browser_has_cjk_font(browser):
    """Chromium draws Chinese with a real CJK font (fonts-noto-cjk), not tofu boxes.

    document.fonts.check() cannot tell: chromium answers true even for a font that does not
    exist. So ask DevTools which platform font rendered the text, and, independently, check that
    two different ideographs do not rasterize to the same picture (tofu boxes are all alike).
    """
    page = browser.new_page()
    try:
        page.set_content('<p id="zh" lang="zh-CN" style="font: 32px sans-serif">学习率调度</p>')
        fonts = bs.platform_fonts(page, "#zh")
        assert bs.has_cjk_font(fonts), f"no Noto CJK font drew Chinese text: {fonts}"
        distinct = page.evaluate("""() => {
          const draw = (ch) => { const c = document.createElement('canvas'); c.width = c.height = 40;
            const g = c.getContext('2d'); g.font = '32px sans-serif'; g.fillText(ch, 2, 32);
            return c.toDataURL(); };
          return new Set([draw('学'), draw('习'), draw('率')]).size;
        }""")
        assert distinct == 3, "different ideographs render alike: tofu, no CJK font"
    finally:
        page.close()


@pytest.mark.parametrize(
    ("lang", "name"),
    NOTEBOOKS or [pytest.param(None, None, marks=pytest.mark.skip(
        reason=f"no lesson notebooks yet under {ROOT}/{{en,zh}}/ ({', '.join(bs.LESSONS)})"))],
    ids=[f"{lang}/{name}" for lang, name in NOTEBOOKS] or ["no-notebooks"],
)
def test_lesson_runs_in_lab(page, lab, lang, name):
    started = time.perf_counter()
    notebook = f"{lang}/{name}.ipynb"
    shots = bs.SCREENSHOTS
    lesson = bs.Lesson(page, lab, notebook)
    lesson.open()
    lesson.run_all()
    lesson.screenshot_all(shots / f"{lang}_{name}_full.png")
    cells = lesson.cells()
    committed = bs.committed_png_counts(ROOT / lang / f"{name}.ipynb")
    assert len(cells) == len(committed), "the page shows a different number of cells"

    # No error anywhere, and every code cell ran in this kernel.
    errors = [(i, e) for i, c in enumerate(cells) for e in c["errors"]]
    assert not errors, f"error output in {notebook}: {errors}"
    not_run = [i for i, c in enumerate(cells) if c["kind"] == "code" and c["source"].strip()
               and not re.search(r"\[\d+\]", c["prompt"])]
    assert not not_run, f"cells not run by Run All: {not_run}"
    text = "\n".join(c["outputText"] for c in cells)
    for marker in ("Loading widget", "Error displaying widget"):
        assert marker not in text, f"{marker!r} in {notebook}"
    assert not ("Glyph" in text and "missing from font" in text), (
        f"matplotlib lacks glyphs (CJK font missing?): "
        f"{[ln for ln in text.splitlines() if 'missing from font' in ln][:3]}")

    # Every static figure of the committed notebook is drawn again.
    drawn = [c["staticImages"] if want is not None else None for c, want in zip(cells, committed)]
    assert drawn == committed, f"figures per cell: page {drawn} != committed {committed}"

    # Lessons with explorers: the widgets rendered and show a live plot.
    explorers = bs.explorer_cells(ROOT / lang / f"{name}.ipynb")
    if explorers:
        assert any(cells[i]["widgets"] for i in explorers), "no widget rendered"
        assert any(cells[i]["widgetImages"] or cells[i]["staticImages"] for i in explorers), (
            "no explorer shows a plot")

    if lang == "zh":
        markdown = "\n".join(c["markdown"] for c in cells)
        assert bs.CJK.search(markdown), "no Chinese text in the rendered markdown"
        fonts = lesson.cjk_fonts()
        assert bs.has_cjk_font(fonts), f"Chinese markdown not drawn with a CJK font: {fonts}"

    if explorers:
        _check_layouts(lesson, notebook, shots / f"{lang}_{name}")

    index = lesson.explorer_cell()
    if explorers and index is not None:
        moves = lesson.slider_latencies(index, SLIDER_MOVES, (
            shots / f"{lang}_{name}_slider_before.png", shots / f"{lang}_{name}_slider_after.png"))
        assert len(moves) == SLIDER_MOVES  # each move produced a new picture (else: timeout)
        _latencies[notebook] = moves
        print(f"{notebook}: slider -> redraw {bs.summarize([m.src_ms for m in moves])}")
    assert not lesson.js_errors, f"uncaught JavaScript errors: {lesson.js_errors}"
    _timings[notebook] = time.perf_counter() - started


def _check_layouts(lesson: bs.Lesson, notebook: str, prefix) -> None:
    """The explorers at every size of bs.LAYOUTS: see the module docstring. Screenshots of each
    widget cell (alone and in its window) land next to the others."""
    problems = []
    for size, (viewport, file_browser) in bs.LAYOUTS.items():
        lesson.show(viewport, file_browser)
        got = lesson.layout()
        assert got["controls"], f"{notebook} at {size}: no explorer control found"
        _narrowest.setdefault(notebook, {})[size] = min(c["visible"] for c in got["controls"])
        left, right = got["panel"]
        found = (
            [f"{c['kind']} {c['label']!r} shows {c['visible']:.0f} of {c['width']:.0f} px"
             for c in got["controls"] if c["visible"] < bs.MIN_CONTROL_PX]
            + [f"{c['kind']} {c['label']!r} shows {c['visible']:.0f} of {c['width']:.0f} px"
               for c in got["whole"] if c["visible"] < c["width"] - 1]
            + [f"label {c['text']!r} cut: needs {c['needs']} px, has {c['has']}, "
               f"shows {c['visible']:.0f}" for c in got["labels"]]
            + [f"picture in cell {p['cell']} clipped: {p['visible']:.0f} of {p['width']:.0f} px"
               for p in got["pictures"] if p["visible"] < p["width"] - 1]
            + [f"picture in cell {p['cell']} leaves the notebook panel ({left:.0f}-{right:.0f}):"
               f" {p['rect']['left']:.0f}-{p['rect']['right']:.0f}" for p in got["pictures"]
               if p["rect"]["left"] < left - 1 or p["rect"]["right"] > right + 1]
            + [f"a widget box scrolls sideways: needs {b['needs']} px, has {b['has']} "
               f"({b['className']})" for b in got["scrollers"]]
            + [f"{o['control']!r} lies over a picture in cell {o['cell']}"
               for o in got["overlaps"]])
        problems += [f"{size} (output column {got['output']} px): {p}" for p in found]
        lesson.screenshot_widgets(f"{prefix}_{size}")
    lesson.show(bs.VIEWPORT, file_browser=True)
    assert not problems, f"{notebook}: explorers do not fit:\n" + "\n".join(problems)
