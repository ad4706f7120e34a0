"""In JupyterLab the live widget still wins over the explorer's picture (issue 22 item 2).

An explorer's output carries the widget, ``image/png`` (its picture for static viewers) and
``text/plain``. Run in JupyterLab in headless chromium, the output's model holds all three, the
output area renders the widget type, the widget's own live picture shows, and no static <img>
(the still picture) is drawn beside it. Skips like tests/test_browser.py when chromium or
playwright is missing (REQUIRE_BROWSER=1 turns the skip into a failure).
"""

from __future__ import annotations

import json

import pytest

from tests import browser_support as bs

pytestmark = pytest.mark.browser

WIDGET = "application/vnd.jupyter.widget-view+json"
CODE = ['import lrlessons\nlrlessons.use_language("en")',
        'lrlessons.explore("StepLR", step_size=7)',
        'lrlessons.explore_descent()']

# Per code cell: the MIME types of each output's model, the type each output area rendered,
# and the pictures inside and outside widgets.
_JS = """(path) => {
  const notebook = window.__lrlPanel(path).content;
  return notebook.widgets.filter((c) => c.model.type === 'code').map((cell) => {
    const m = cell.model.outputs;
    const outs = Array.from(cell.node.querySelectorAll('.jp-OutputArea-output'));
    return {
      data: Array.from({length: m.length}, (_, i) => Object.keys(m.get(i).data)),
      // What JupyterLab's rendermime picks for each output (the widget manager ranks first).
      preferred: Array.from({length: m.length},
                            (_, i) => notebook.rendermime.preferredMimeType(m.get(i).data, 'any')),
      widgets: cell.node.querySelectorAll('.jp-OutputArea .jupyter-widgets').length,
      // Built-in renderers (image, text) mark their node with the type they render.
      rendered: Array.from(cell.node.querySelectorAll('.jp-OutputArea [data-mime-type]'))
        .map((o) => o.getAttribute('data-mime-type')),
      widgetImages: Array.from(cell.node.querySelectorAll('.jupyter-widgets img'))
        .filter((img) => img.naturalWidth > 0).length,
      staticImages: Array.from(cell.node.querySelectorAll('.jp-OutputArea-output img'))
        .filter((img) => !img.closest('.jupyter-widgets')).length,
      text: outs.map((o) => o.innerText).join('\\n'),
    };
  });
}"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    bs.need_browser()
    work = tmp_path_factory.mktemp("lab")
    root = work / "nb"
    root.mkdir()
    cells = [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
              "source": src} for src in CODE]
    (root / "explorer.ipynb").write_text(json.dumps({
        "cells": cells, "metadata": {"kernelspec": {"name": "python3", "language": "python",
                                                    "display_name": "Python 3"}},
        "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    server = bs.LabServer(root, work)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def test_jupyterlab_shows_the_live_widget_not_the_picture(browser, lab):
    context = browser.new_context(viewport=bs.VIEWPORT, locale="en-US")
    try:
        lesson = bs.Lesson(context.new_page(), lab, "explorer.ipynb")
        lesson.open()
        lesson.run_all()
        cells = lesson.page.evaluate(_JS, "explorer.ipynb")
    finally:
        context.close()
        lab.shutdown_kernels()
    for cell in cells[1:]:
        assert len(cell["data"]) == 1, cell
        assert {WIDGET, "image/png", "text/plain"} <= set(cell["data"][0]), cell
        assert cell["preferred"] == [WIDGET] and cell["widgets"] >= 1, cell
        assert "image/png" not in cell["rendered"] and "text/plain" not in cell["rendered"], cell
        assert cell["widgetImages"] >= 1 and cell["staticImages"] == 0, cell
        assert "Live explorer" not in cell["text"] and "Shown with" not in cell["text"], cell
    assert not lesson.js_errors, lesson.js_errors
