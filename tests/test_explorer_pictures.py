"""Explorers leave a picture behind (issue 22 item 2): beside the widget, the same output carries
``image/png`` (the figure as drawn, every panel, the controls' values written under it) and the
values as ``text/plain``, so GitHub, nbviewer, Colab before running and the static site show the
explorer's initial state. JupyterLab still shows the live widget: see
tests/test_browser_explorer_picture.py. The committed notebooks' explorer outputs are checked
here too (they carry the picture once `make notebooks` re-executed them)."""

from __future__ import annotations

import base64
import io
import json
import re

import numpy as np
import pytest
from PIL import Image

import lrlessons
from lrlessons.explorers import FALLBACK, compare, explore, train_explorer
from lrlessons.i18n import in_language
from tests import browser_support as bs

WIDGET = "application/vnd.jupyter.widget-view+json"
EXPLORERS = {
    "explore": lambda: explore("StepLR", step_size=7, gamma=0.5),
    "explore_hidden_steps": lambda: explore("OneCycleLR", total_steps=80),
    "explore_none": lambda: explore("OneCycleLR", total_steps=None, epochs=4, steps_per_epoch=10),
    "compare": lambda: compare(["StepLR", ("CosineAnnealingLR", {"T_max": 50})]),
    "train": lambda: train_explorer(schedule="StepLR"),
    "descent": lambda: lrlessons.explore_descent(lr=0.7),
    "optimizers": lambda: lrlessons.explore_optimizers(shown=("sgd", "adam")),
    "range_test": lambda: lrlessons.explore_range_test(),
    "plateau": lambda: lrlessons.explore_plateau(),
}


def frames(ex) -> list[Image.Image]:
    """What the live widget shows now: the Image widgets' own PNG frames."""
    return [Image.open(io.BytesIO(p.image.value)).convert("RGB")
            for p in getattr(ex.figure, "parts", [ex.figure])]


@pytest.mark.parametrize("kind", EXPLORERS)
def test_the_bundle_carries_the_widget_the_picture_and_the_values(kind):
    ex = EXPLORERS[kind]()
    bundle = ex._repr_mimebundle_()
    assert bundle[WIDGET]["model_id"] == ex.widget.model_id
    text = bundle["text/plain"]
    assert text.startswith("Live explorer: run this cell in Jupyter")
    assert "Shown with " in text and " = " in text

    picture = Image.open(io.BytesIO(bundle["image/png"]))
    assert picture.format == "PNG"
    live = frames(ex)
    width, height = sum(f.width for f in live), max(f.height for f in live)
    # The live figure's size, panels side by side, plus the caption with the values under it.
    assert picture.width == width and height + 16 <= picture.height <= height + 100
    # The picture is the frame the widget shows (a 256-colour palette: close, not equal).
    got = np.asarray(picture.convert("RGB"), dtype=float)[:height]
    want = np.hstack([np.asarray(f, dtype=float) for f in live])
    assert np.abs(got - want).mean() < 2.0, kind
    # The caption is drawn: dark text pixels under the figure.
    assert (np.asarray(picture.convert("L"))[height:] < 128).sum() > 200
    # Small: it is stored in every notebook.
    assert len(bundle["image/png"]) < 64_000


def test_the_values_are_the_controls_values():
    ex = explore("StepLR", step_size=7, gamma=0.5, base_lr=0.3)
    text = ex._repr_mimebundle_()["text/plain"]
    for part in ("step_size = 7", "gamma = 0.5", "steps = 100", "base_lr = 0.3",
                 "log y-axis = False"):
        assert part in text, (part, text)
    # OneCycleLR's length comes from its parameters: the hidden steps slider is left out, and a
    # ticked "None" box reads as None.
    text = explore("OneCycleLR", total_steps=None, epochs=4, steps_per_epoch=10) \
        ._repr_mimebundle_()["text/plain"]
    assert "total_steps = None" in text and "epochs = 4" in text and ", steps = " not in text
    # compare: each schedule's values under its tab's name.
    text = compare(["StepLR", ("CosineAnnealingLR", {"T_max": 50})])._repr_mimebundle_()[
        "text/plain"]
    assert "StepLR.step_size = 30" in text and "CosineAnnealingLR.T_max = 50" in text
    # A "show" box beside an optimizer's lr slider.
    text = lrlessons.explore_optimizers(shown=("sgd",))._repr_mimebundle_()["text/plain"]
    assert "sgd lr = " in text and "(show ✓)" in text and "adam lr = 0.1 (show ✗)" in text
    # The training explorer names the schedule chosen, not its internal value.
    text = train_explorer()._repr_mimebundle_()["text/plain"]
    assert "schedule = constant lr" in text


def test_the_picture_follows_the_controls():
    ex = explore("StepLR")
    before = ex._repr_mimebundle_()
    ex.entry.controls["gamma"].value = 0.5
    after = ex._repr_mimebundle_()
    assert "gamma = 0.5" in after["text/plain"] and "gamma = 0.1" in before["text/plain"]
    a, b = (np.asarray(Image.open(io.BytesIO(d["image/png"])).convert("L"), dtype=float)
            for d in (before, after))
    assert np.abs(a - b).mean() > 0.5  # the curve moved


def test_chinese_values_line():
    lrlessons.use_language("zh")
    text = explore("StepLR")._repr_mimebundle_()["text/plain"]
    assert text.startswith("交互图") and "图中参数：step_size = 30" in text


# The calls that display an explorer, as lessons write them.
EXPLORER_CALL = re.compile(r"\b(explore|compare|train_explorer|explore_descent|explore_optimizers"
                           r"|explore_range_test|explore_plateau)\(")


def explorer_outputs(path, lang):
    """(cell, data) of the explorers' outputs: a widget whose text starts with the explorer's
    fallback line in the notebook's language (a progress bar is a widget too, not an explorer)."""
    first = in_language(dict(zip(("en", "zh"), FALLBACK)), lang)
    nb = json.loads(path.read_text(encoding="utf-8"))
    calls = sum(bool(EXPLORER_CALL.search("".join(c["source"]))) for c in nb["cells"]
                if c["cell_type"] == "code")
    found = [(i, out["data"]) for i, cell in enumerate(nb["cells"])
             for out in cell.get("outputs", []) if WIDGET in out.get("data", {})
             and "".join(out["data"].get("text/plain", "")).startswith(first)]
    assert len(found) == calls, f"{path}: {calls} explorer calls, {len(found)} explorer outputs"
    return found


COMMITTED = sorted(p.relative_to(bs.notebooks_root()).with_suffix("").parts
                   for p in bs.notebooks_root().glob("*/*.ipynb"))


@pytest.mark.parametrize("lang,name", COMMITTED, ids=lambda v: v)
def test_every_explorer_in_the_committed_notebooks_carries_a_picture(lang, name):
    """Every language's notebooks (en, zh, zh-Hant). Fails for a notebook executed before
    explorers carried pictures: `make notebooks`."""
    path = bs.notebooks_root() / lang / f"{name}.ipynb"
    for i, data in explorer_outputs(path, lang):
        assert "image/png" in data, f"{lang}/{name} cell {i}: explorer output without a picture"
        picture = Image.open(io.BytesIO(base64.b64decode("".join(data["image/png"]))))
        assert picture.width >= 300 and picture.height >= 200, (lang, name, i)
        text = "".join(data["text/plain"])
        assert ("Shown with " if lang == "en" else "：") in text and " = " in text, (lang, name, i)


@pytest.mark.parametrize("make", [lambda: lrlessons.explore_optimizers(),
                                  lambda: _trained(train_explorer(epochs=5))],
                         ids=["optimizers", "train"])
def test_the_html_legend_under_the_panels_is_drawn_in_the_picture(make):
    ex = make()
    colors = re.findall(r"color:(#[0-9a-f]{6})", ex.legend.value)
    assert colors, "the explorer shows a legend"
    picture = np.asarray(Image.open(io.BytesIO(ex._repr_mimebundle_()["image/png"]))
                         .convert("RGB"), dtype=int)
    strip = picture[max(f.height for f in frames(ex)):].reshape(-1, 3)
    for color in colors:
        rgb = np.array([int(color[i:i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(strip - rgb).max(axis=1) <= 12).sum() >= 20, color


def _trained(ex):
    ex.train()
    return ex


def test_nbconvert_as_nbviewer_uses_it_shows_the_picture():
    """nbviewer renders with nbconvert's HTML exporter: with no widget state saved (the course
    never saves it), it skips the widget type and must pick the picture, not the text."""
    nbformat = pytest.importorskip("nbformat")
    from nbconvert import HTMLExporter

    bundle = explore("StepLR")._repr_mimebundle_()
    stored = {k: base64.b64encode(v).decode() if k == "image/png" else v
              for k, v in bundle.items()}
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        'lrlessons.explore("StepLR")', execution_count=1, outputs=[
            nbformat.v4.new_output("execute_result", data=stored, execution_count=1)])])
    page, _ = HTMLExporter().from_notebook_node(nb)
    assert f"data:image/png;base64,{stored['image/png']}" in page
    assert "Live explorer" not in page
