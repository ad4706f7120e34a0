"""Explorer layouts that fit the notebook column, from a narrow window to a wide screen.

A JupyterLab output column is about 850 px wide on a 1280-px laptop with the file browser open,
about 620 px in an 800-px window and 1490 px on a 1920-px screen. Fixed widths that add up to more
than that do not wrap: the widget boxes scroll (``overflow: auto``) and a slider ends up 0 px
wide. So nothing here has a fixed width: a control fills its column, between the width that
leaves its slider ``TRACK_MIN_PX`` and ``CONTROL_MAX``; the controls and the figure share a
wrapping row (side by side when both fit, else the controls above the figure); a figure shrinks
with the column and never grows past its own pixels (a stretched PNG is blurred). The labels take
the width of the longest one in the explorer, measured with DejaVu Sans (wider than most UI
fonts) plus a margin, so no label is cut.

The boxes around controls have ``overflow: visible``: a flex item that clips (ipywidgets' boxes
default to ``overflow: auto``) may shrink below its content, and that is how sliders vanished.

Only ipywidgets ``Layout`` and ``style`` properties (and ipywidgets' own CSS classes): no CSS or
JavaScript of ours, nothing to install in any front end. tests/test_browser.py measures the result
in JupyterLab at several window sizes.
"""

from __future__ import annotations

import functools
import unicodedata

import ipywidgets as widgets

CONTROL_MAX = "440px"  # wider sliders do not help: 100 steps already fit in 250 px of track
COLUMN_BASIS = "300px"  # a control column's share of a row before it wraps above the figure
TRACK_MIN_PX = 110  # the least slider track worth dragging
# Beside the label: label margin 8, track margins 12, readout min 72 + margin 4, widget margins 4.
AROUND_TRACK_PX = 100
FIGURE_SHARE = 2 / 3  # beside the controls, a figure shrinks to no less than this
PANEL_MIN_PX = 270  # narrower, a 380-px panel's 10-pt ticks drop below 10 px: wrap instead
LABEL_PX = 13  # --jp-widgets-font-size (JupyterLab, Notebook 7, VS Code)
LABEL_SLACK = 1.1  # a font wider than DejaVu Sans, bold or zoomed text still fits


@functools.cache
def _dejavu():
    from matplotlib import font_manager, ft2font

    font = ft2font.FT2Font(font_manager.findfont("DejaVu Sans"))
    font.set_size(LABEL_PX, 72)  # points at 72 dpi = pixels
    return font


def text_px(text: str) -> float:
    """Width of ``text`` in the widgets' label font; East Asian wide characters take 1 em."""
    wide = sum(unicodedata.east_asian_width(ch) in "WF" for ch in text)
    narrow = "".join(ch for ch in text if unicodedata.east_asian_width(ch) not in "WF")
    font = _dejavu()
    font.set_text(narrow)
    return font.get_width_height()[0] / 64 + wide * LABEL_PX


def _described(root) -> list:
    """Widgets under ``root`` whose description sits in the label column on their left."""
    if isinstance(root, widgets.Box):
        return [w for child in root.children for w in _described(child)]
    if isinstance(root, widgets.Checkbox) and not root.indent:
        return []  # the description is on the right of the box, not in the label column
    style = getattr(root, "style", None)
    if getattr(root, "description", "") and style is not None and "description_width" in style.keys:
        return [root]
    return []


def label_px(texts) -> int:
    """A label column wide enough for each of ``texts``."""
    return round(max([text_px(t) for t in texts] + [20]) * LABEL_SLACK) + 4


def fit_labels(*roots) -> str:
    """Give every label under ``roots`` the width of the longest, so the controls line up and no
    label is cut, and every control the least width that leaves its slider ``TRACK_MIN_PX``;
    returns the label width."""
    found = [w for root in roots for w in _described(root)]
    px = label_px(w.description for w in found)
    for w in found:
        w.style.description_width = f"{px}px"
        # A checkbox or toggle has no track: it needs no more than it shows.
        track = not isinstance(w, (widgets.Checkbox, widgets.ToggleButtons))
        w.layout.min_width = control_min_width(px) if track else None
    return f"{px}px"


def control_min_width(label: int) -> str:
    return f"{label + TRACK_MIN_PX + AROUND_TRACK_PX}px"


def control_layout(label: int | None = None) -> widgets.Layout:
    """A control: as wide as its column allows, up to ``CONTROL_MAX`` (``fit_labels`` sets the
    least width when ``label`` is not known yet)."""
    return widgets.Layout(width="auto", max_width=CONTROL_MAX,
                          min_width=None if label is None else control_min_width(label))


WITH_EXTRA = "lrl-with-extra"


def with_extra(main: widgets.Widget, extra: widgets.Widget) -> widgets.HBox:
    """``main`` (a slider) and a small widget after it (a "None" box) on one line: the slider
    takes what the small one leaves, and never less than its own least width."""
    main.layout.flex = "1 1 auto"
    extra.layout.width = "auto"
    extra.layout.flex = "0 0 auto"
    box = stack([main, extra], widgets.HBox, max_width=CONTROL_MAX)
    box.add_class(WITH_EXTRA)  # how an explorer's picture caption finds the pair (no CSS)
    return box


def stack(children, box=widgets.VBox, **layout) -> widgets.Box:
    """A box of controls that is as wide as its widest control needs (never clips one)."""
    return box(list(children), layout=widgets.Layout(overflow="visible", **layout))


def column(children, basis: str = COLUMN_BASIS) -> widgets.VBox:
    """Controls stacked in a column that can sit beside a figure or above it."""
    return stack(children, flex=f"1 1 {basis}", max_width=CONTROL_MAX)


def row(children) -> widgets.HBox:
    """Columns side by side while they fit, wrapped one under the other when they do not."""
    return stack(children, widgets.HBox, flex_flow="row wrap", align_items="flex-start",
                 width="auto")


def figure_layout(width_px: int) -> widgets.Layout:
    """A figure on its own line: its own pixels, smaller when the column is narrower."""
    return widgets.Layout(width=f"{width_px}px", max_width="100%", height="auto",
                          margin="0")


def beside(controls: widgets.Widget, figure, share: float = FIGURE_SHARE) -> widgets.HBox:
    """Controls and a ``LiveFigure`` side by side, the figure taking the rest of the line; the
    controls go above the figure when it would get less than ``share`` of its own width."""
    figure.image.layout = widgets.Layout(
        flex=f"1000 1 {round(share * figure.width_px)}px", width="auto", min_width="0",
        max_width=f"{figure.width_px}px", height="auto", margin="0")
    return row([controls, figure.image])


def panels(images, width_px: int) -> widgets.HBox:
    """Figure panels in a row that wraps: all on one line down to ``PANEL_MIN_PX`` each, then
    fewer per line; each at most its own ``width_px``."""
    for image in images:
        image.layout = widgets.Layout(flex=f"1 1 {PANEL_MIN_PX}px", width="auto", min_width="0",
                                      max_width=f"{width_px}px", height="auto", margin="0")
    return row(images)


def legend_html(entries) -> str:
    """A legend as text under panels: (label, color) pairs that wrap with the column."""
    from html import escape

    from matplotlib.colors import to_hex

    return " ".join(
        f"<span style='display:inline-block;max-width:100%;margin-right:1.5em'>"
        f"<span style='color:{to_hex(color)}'>&#9473;&#9473;</span>&nbsp;{escape(text)}</span>"
        for text, color in entries)
