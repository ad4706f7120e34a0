"""A matplotlib figure shown in an ``ipywidgets.Image`` and updated in place.

Why not ``ipympl`` or an ``Output`` widget redrawn on every move: ipympl is one more extension to
install (and missing on many hubs), and redrawing a whole figure costs ~60 ms on a small CPU,
mostly tick labels. Here the figure is created once, the moving lines are ``animated`` artists
drawn over a cached background (blitting), and only when the axes change (limits, scale, legend)
is everything redrawn. The frame goes to the browser as PNG bytes; any Jupyter front end with
ipywidgets shows it, with no extra extension.
"""

from __future__ import annotations

import io
import re
import unicodedata

import ipywidgets as widgets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from . import layout
from .plotting import ensure_fonts

DPI = 100


class LiveFigure:
    """A figure that lives in ``self.image``: call ``refresh()`` after changing line data."""

    def __init__(self, nrows: int = 1, ncols: int = 1, figsize=(7.2, 3.6), **subplot_kw):
        # No pyplot: the notebook's inline backend never sees this figure, so it never shows a
        # second, stale copy under the widget.
        ensure_fonts()
        self.figure = Figure(figsize=figsize, dpi=DPI, layout="constrained")
        self.canvas = FigureCanvasAgg(self.figure)
        self.axes = self.figure.subplots(nrows, ncols, squeeze=False, **subplot_kw).ravel()
        self.width_px = self.canvas.get_width_height()[0]
        self.image = widgets.Image(format="png", layout=layout.figure_layout(self.width_px))
        self._dynamic: list = []
        self._background = None
        self._drawn_key = None
        self._version = 0
        self.full_redraws = 0  # for tests and benchmarks: how often the slow path ran

    def dynamic(self, *artists):
        """Mark artists that change on every update (lines, a status text)."""
        for a in artists:
            a.set_animated(True)
            self._dynamic.append(a)
        return artists

    def invalidate(self) -> None:
        """Something static changed (legend, title, labels): redraw everything next time."""
        self._version += 1

    def _key(self):
        return (self._version, tuple((ax.get_xlim(), ax.get_ylim(), ax.get_xscale(),
                                      ax.get_yscale()) for ax in self.axes))

    def refresh(self) -> bytes:
        """Draw the current state into the Image widget; returns the PNG bytes."""
        key = self._key()
        if key != self._drawn_key or self._background is None:
            # Slow path: draw everything but the dynamic artists, keep that as the background.
            self.canvas.draw()
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
            self._drawn_key = self._key()  # constrained layout may have moved things
            self.full_redraws += 1
        else:
            self.canvas.restore_region(self._background)
        for a in self._dynamic:
            if a.get_visible():
                self.figure.draw_artist(a)
        png = self.png()
        self.image.value = png
        return png

    def png(self) -> bytes:
        """The canvas as PNG. RGB and zlib level 1: about 3x faster than savefig's defaults,
        and the frame is only a few kB larger."""
        w, h = self.canvas.get_width_height(physical=True)
        rgba = Image.frombuffer("RGBA", (w, h), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buf = io.BytesIO()
        rgba.convert("RGB").save(buf, format="png", compress_level=1)
        return buf.getvalue()


class LivePanels:
    """Panels side by side, each its own ``LiveFigure`` (same methods): in a narrow column they
    wrap one under another and stay readable, where one wide figure would shrink all its text."""

    def __init__(self, n: int, panel_size=(3.8, 3.2), **subplot_kw):
        self.parts = [LiveFigure(figsize=panel_size, **subplot_kw) for _ in range(n)]
        self.axes = [p.axes[0] for p in self.parts]
        self.image = layout.panels([p.image for p in self.parts], self.parts[0].width_px)

    def dynamic(self, *artists):
        for a in artists:
            next(p for p in self.parts if p.figure is a.figure).dynamic(a)
        return artists

    def invalidate(self) -> None:
        for p in self.parts:
            p.invalidate()

    def refresh(self) -> list[bytes]:
        return [p.refresh() for p in self.parts]

    @property
    def full_redraws(self) -> int:
        return sum(p.full_redraws for p in self.parts)


def still(frames: list[bytes], caption: str = "", legend=()) -> bytes:
    """One picture for static viewers: the frames (PNG bytes, e.g. a ``LivePanels``' parts) side
    by side, ``legend`` ((label, color) pairs an explorer shows as HTML under its panels) and
    ``caption`` (the controls' values) drawn under them. It is stored in every notebook,
    so it is saved small: a 256-colour palette (fast octree; the frames are flat colours and
    antialiased lines, so it looks the same) at zlib level 9, 30-45% of the RGB frames' bytes;
    made once per displayed cell (~0.1 s), never on a slider move."""
    images = [Image.open(io.BytesIO(f)).convert("RGB") for f in frames]
    width = sum(im.width for im in images)
    height = max(im.height for im in images)
    strip = _caption(caption, width, list(legend)) if caption or legend else None
    out = Image.new("RGB", (width, height + (strip.height if strip else 0)), "white")
    x = 0
    for im in images:
        out.paste(im, (x, 0))
        x += im.width
    if strip:
        out.paste(strip, (0, height))
    buf = io.BytesIO()
    out.quantize(256, method=Image.Quantize.FASTOCTREE).save(buf, format="png", compress_level=9)
    return buf.getvalue()


def _caption(text: str, width_px: int, legend: list) -> Image.Image:
    """The legend's entries, then ``text`` wrapped at its ", ", in the figures' font (CJK
    included), ``width_px`` wide."""
    from matplotlib.lines import Line2D

    ensure_fonts()
    line_px, entry_px = 16, 19
    lines = _wrap(text, (width_px - 16) // 7) if text else []  # ~7 px a character at 9.5 pt
    widest = max((_width(label) for label, _ in legend), default=0)
    ncol = max(1, min(len(legend), (width_px - 16) // (widest * 7 + 50))) if legend else 1
    top = -(-len(legend) // ncol) * entry_px + 4 if legend else 0
    figure = Figure(figsize=(width_px / DPI, (top + len(lines) * line_px + 8) / DPI), dpi=DPI)
    canvas = FigureCanvasAgg(figure)
    height = figure.bbox.height
    if legend:
        figure.legend(handles=[Line2D([], [], color=c, lw=2, label=t) for t, c in legend],
                      ncol=ncol, loc="upper left", bbox_to_anchor=(4 / width_px, 1 - 2 / height),
                      frameon=False, fontsize=9.5, borderaxespad=0, borderpad=0,
                      handlelength=2, columnspacing=1.5, labelcolor="#333333")
    for i, line in enumerate(lines):
        figure.text(8 / width_px, 1 - (top + 4 + (i + 0.5) * line_px) / height, line,
                    va="center", ha="left", fontsize=9.5, color="#333333")
    canvas.draw()
    w, h = canvas.get_width_height(physical=True)
    return Image.frombuffer("RGBA", (w, h), canvas.buffer_rgba(), "raw", "RGBA", 0, 1) \
        .convert("RGB")


def _width(s: str) -> int:
    """Width in Latin characters: a CJK character counts two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _wrap(text: str, columns: int) -> list[str]:
    """Lines of at most ``columns`` Latin-character widths (a CJK character counts two), broken
    after a ", " so a "name = value" stays whole."""
    lines = []
    for para in text.splitlines():
        line = ""
        for item in re.split(r"(?<=, )", para):
            if line and _width(line + item.rstrip()) > columns:
                lines.append(line.rstrip())
                line = ""
            line += item
        lines.append(line.rstrip())
    return lines
