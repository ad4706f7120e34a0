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
