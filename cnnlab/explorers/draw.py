"""Layout helpers of the explorers: panels (a grid of numbers, a line chart, bars, a
label) placed in rows and columns, then wrapped in one ``<svg>``.

A panel knows its own size, so nobody sums x offsets by hand: ``Row(a, b, c)``
puts ``b`` right of ``a`` and ``c`` right of ``b``. Every invariant block (a
whole grid) is emitted as one line and every highlight as its own line, so the
static view stores each distinct line once.
"""

from __future__ import annotations

import base64
import html
import io

import numpy as np

__all__ = ["CELL", "fmt", "pfmt", "heat", "esc", "png_uri", "Grid", "LineChart", "Bars", "Label", "Row",
           "Column", "svg", "label_drawings", "picture", "zh"]

CELL = 28  # side of a grid cell, px
GAP = 24  # space between panels, px
CAPTION_H = 20  # height of a caption line, px
CHAR_W = 8  # width of a caption character, px (13 px bold sans, generous)
LABEL_W = 7  # width of a label character, px (11 px monospace, generous)

esc = html.escape


def zh(text: str) -> str:
    """A Chinese term marked as such, so browsers pick Simplified Chinese glyphs."""
    return f'<span lang="zh-Hans">{esc(text)}</span>'


def fmt(v, digits: int = 2) -> str:
    """A number as the explorers print it: 3, 0.25, −1.5 (true minus sign)."""
    v = float(v)
    if abs(v - round(v)) < 1e-9:
        s = str(int(round(v)))
    else:
        s = f"{v:.{digits}f}".rstrip("0").rstrip(".")
        if s in ("-0", ""):
            s = "0"
    return s.replace("-", "−")


def pfmt(v, digits: int = 2) -> str:
    """Like :func:`fmt`, in parentheses when negative (for products: 2·(−1))."""
    s = fmt(v, digits)
    return f"({s})" if s.startswith("−") else s


def heat(v: float, vmax: float) -> str:
    """Fill colour: white at 0, red for positive, blue for negative values."""
    if vmax <= 0 or not np.isfinite(v):
        return "#ffffff"
    t = float(min(abs(v) / vmax, 1.0))
    if v >= 0:
        r, g, b = 255, int(255 - 120 * t), int(255 - 140 * t)
    else:
        r, g, b = int(255 - 140 * t), int(255 - 90 * t), 255
    return f"#{r:02x}{g:02x}{b:02x}"


class Grid:
    """A 2-D array of numbers (one cell each) under an optional caption.

    Highlights are added with :meth:`mark` (a rectangle of cells, its own line)
    and :meth:`mark_cells` (a set of cells, one line); :meth:`overwrite` redraws
    a few cells with other values, so a grid that changes in a few cells shares
    its base line across states.

    Parameters
    ----------
    values : array (rows, cols)
    caption : str, optional
    cell : int
        Side of a cell in px.
    fills : nested list of colours, optional
    pad_mask : bool array (rows, cols), optional
        True where the cell is zero padding (drawn grey and dashed).
    fmt_fn : callable
        Number → text.
    row_labels, col_labels : sequence of str, optional
    text : bool
        Write the numbers (False: empty cells, for maps too big to read).
    small : bool
        Smaller digits (narrow cells).
    min_width : int
        Reserve at least this width (px) for the panel.
    """

    def __init__(self, values, caption=None, cell=CELL, fills=None, pad_mask=None, fmt_fn=fmt,
                 row_labels=None, col_labels=None, text=True, small=False, min_width=0):
        self.values = np.asarray(values)
        self.caption, self.cell, self.fills, self.pad_mask, self.fmt_fn = caption, int(cell), fills, pad_mask, fmt_fn
        self.row_labels, self.col_labels, self.text, self.small = row_labels, col_labels, text, small
        self.min_width = min_width
        self._marks: list = []

    # -- geometry: where the first cell is, relative to the panel's top-left corner
    @property
    def origin(self) -> tuple[int, int]:
        x = self.cell if self.row_labels is not None else 0
        y = (CAPTION_H if self.caption else 0) + (14 if self.col_labels is not None else 0)
        return x, y

    @property
    def width(self) -> int:
        rows, cols = self.values.shape
        caption = CHAR_W * len(self.caption) if self.caption else 0
        return max(self.origin[0] + cols * self.cell, caption, self.min_width)

    @property
    def height(self) -> int:
        return self.origin[1] + self.values.shape[0] * self.cell

    # -- highlights
    def mark(self, i, j, rows=1, cols=1, cls="cx-win") -> "Grid":
        """A highlight rectangle over ``rows``×``cols`` cells from cell (i, j)."""
        self._marks.append(("box", (i, j, rows, cols), cls))
        return self

    def mark_cells(self, cells, cls="cx-sel") -> "Grid":
        """Highlight a set of (i, j) cells (one line)."""
        self._marks.append(("cells", [tuple(c) for c in cells], cls))
        return self

    def overwrite(self, items) -> "Grid":
        """Draw other values in some cells: ``items`` = [(i, j, value, fill)] (one line)."""
        self._marks.append(("values", list(items), None))
        return self

    # -- drawing
    def lines(self, x: int, y: int) -> list[str]:
        c = self.cell
        out = []
        if self.caption:
            out.append(f'<text class="cx-cap" x="{x}" y="{y + 13}">{esc(self.caption)}</text>')
        ox, oy = self.origin
        x0, y0 = x + ox, y + oy
        rows, cols = self.values.shape
        g = ['<g class="cx-grid">']
        for j, lab in enumerate(self.col_labels or ()):
            g.append(f'<text class="cx-lab" x="{x0 + j * c + c // 2}" y="{y0 - 4}">{esc(str(lab))}</text>')
        for i, lab in enumerate(self.row_labels or ()):
            g.append(f'<text class="cx-lab" x="{x + c // 2}" y="{y0 + i * c + c // 2 + 4}">{esc(str(lab))}</text>')
        for i in range(rows):
            for j in range(cols):
                padded = self.pad_mask is not None and bool(self.pad_mask[i, j])
                attr = ' class="p"' if padded else ""
                if self.fills is not None and not padded and self.fills[i][j] not in (None, "#ffffff"):
                    attr += f' style="fill:{self.fills[i][j]}"'
                g.append(f'<rect x="{x0 + j * c}" y="{y0 + i * c}" width="{c}" height="{c}"{attr}/>')
        if self.text:
            t = ' class="cx-small"' if self.small else ""
            for i in range(rows):
                for j in range(cols):
                    g.append(f'<text{t} x="{x0 + j * c + c // 2}" y="{y0 + i * c + c // 2 + 4}">'
                             f"{esc(self.fmt_fn(self.values[i, j]))}</text>")
        g.append("</g>")
        out.append("".join(g))
        for kind, what, cls in self._marks:
            if kind == "box":
                i, j, h, w = what
                out.append(f'<rect class="{cls}" x="{x0 + j * c}" y="{y0 + i * c}" width="{w * c}" height="{h * c}"/>')
            elif kind == "cells":
                out.append("<g>" + "".join(f'<rect class="{cls}" x="{x0 + j * c}" y="{y0 + i * c}" width="{c}" '
                                           f'height="{c}"/>' for i, j in what) + "</g>")
            else:
                cells = []
                for i, j, v, fill in what:
                    style = f' style="fill:{fill}"' if fill else ""
                    cells.append(f'<rect x="{x0 + j * c}" y="{y0 + i * c}" width="{c}" height="{c}"{style}/>'
                                 f'<text x="{x0 + j * c + c // 2}" y="{y0 + i * c + c // 2 + 4}">'
                                 f"{esc(self.fmt_fn(v))}</text>")
                out.append('<g class="cx-grid">' + "".join(cells) + "</g>")
        return out


class LineChart:
    """One or more curves over a shared x range, in a framed box with an x axis.

    Parameters
    ----------
    xs : array (n,)
        x values of every curve.
    curves : sequence of (ys (n,), css class)
        Each curve is scaled to the box on its own (``scale="each"``) or all
        share 0 … max (``scale="shared"``, with the max written on the y axis).
    x_ticks : sequence of (x value, label), optional
    caption : str, optional
        Written under the axis.
    marker : int, optional
        Index of a point to mark (orange dot) on the first curve.
    x_range : (lo, hi), optional
        The x values at the box's left and right edges (default: the range of ``xs``).
    dots : bool
        Draw every point of the first curve.
    """

    def __init__(self, xs, curves, width=300, height=130, x_ticks=(), caption=None, marker=None,
                 dots=False, scale="shared", x_range=None):
        self.xs = np.asarray(xs, float)
        self.x_range = (float(self.xs.min()), float(self.xs.max())) if x_range is None else x_range
        self.curves = [(np.asarray(ys, float), cls) for ys, cls in curves]
        self.w, self.h, self.x_ticks, self.caption = int(width), int(height), x_ticks, caption
        self.marker, self.dots, self.scale = marker, dots, scale
        self.left = 36 if scale == "shared" else 0

    @property
    def width(self) -> int:
        return max(self.left + self.w + 8, LABEL_W * len(self.caption or ""))

    @property
    def height(self) -> int:
        return self.h + 20 + (18 if self.caption else 0)

    def _points(self, ys, x, y):
        lo, hi = self.x_range
        if self.scale == "shared":
            bot, top = 0.0, float(max(c.max() for c, _ in self.curves)) or 1.0
        else:
            bot, top = float(ys.min()), float(ys.max())
        span, yspan = (hi - lo) or 1.0, (top - bot) or 1.0
        return [(x + self.left + self.w * (a - lo) / span, y + 5 + (self.h - 10) * (top - b) / yspan)
                for a, b in zip(self.xs, ys)]

    def lines(self, x: int, y: int) -> list[str]:
        x0, w, h = x + self.left, self.w, self.h
        lo, hi = self.x_range
        frame = [f'<rect class="cx-axis" x="{x0}" y="{y}" width="{w}" height="{h}" fill="none"/>']
        for v, lab in self.x_ticks:
            frame.append(f'<text class="cx-lab" x="{x0 + w * (v - lo) / ((hi - lo) or 1):.1f}" y="{y + h + 14}" '
                         f'text-anchor="middle">{esc(str(lab))}</text>')
        if self.scale == "shared":
            top = float(max(c.max() for c, _ in self.curves)) or 1.0
            frame.append(f'<text class="cx-lab" x="{x0 - 4}" y="{y + 10}" text-anchor="end">{fmt(top, 1)}</text>'
                         f'<text class="cx-lab" x="{x0 - 4}" y="{y + h - 2}" text-anchor="end">0</text>')
        if self.caption:
            frame.append(f'<text class="cx-lab" x="{x}" y="{y + h + 32}">{esc(self.caption)}</text>')
        out = ["".join(frame)]
        for ys, cls in self.curves:  # one line per curve: a curve that does not change is shared
            pts = self._points(ys, x, y)
            out.append(f'<polyline class="{cls}" points="' + " ".join(f"{a:.1f},{b:.1f}" for a, b in pts) + '"/>')
        if self.dots:
            out.append("".join(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="3" fill="#57606a"/>'
                               for a, b in self._points(self.curves[0][0], x, y)))
        if self.marker is not None:
            a, b = self._points(self.curves[0][0], x, y)[self.marker]
            out.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="7" fill="#e85d04" fill-opacity="0.6" stroke="#e85d04"/>')
        return out


class Bars:
    """Bar groups: one bar per series at each position, labels under, values over (optional).

    Parameters
    ----------
    series : sequence of (values (n,), fill colour)
    labels : sequence of str, optional
        One per position (drawn when given).
    bar : int
        Width of one bar, px.
    height : int
        Height of the tallest bar, px (negative values hang from a middle axis).
    highlight : int, optional
        Position whose first-series bar is drawn orange.
    value_labels : bool
        Write each first-series value above its bar.
    caption : str, optional
    """

    def __init__(self, series, labels=None, bar=18, height=100, highlight=None, value_labels=False,
                 caption=None, gap=6):
        self.series = [(np.asarray(v, float), fill) for v, fill in series]
        self.labels, self.bar, self.h, self.highlight = labels, int(bar), int(height), highlight
        self.value_labels, self.caption, self.gap = value_labels, caption, gap

    @property
    def n(self) -> int:
        return len(self.series[0][0])

    @property
    def step(self) -> int:
        return self.bar * len(self.series) + self.gap

    @property
    def width(self) -> int:
        return max(self.n * self.step, LABEL_W * len(self.caption or ""))

    @property
    def height(self) -> int:
        return 16 + self.h + (16 if self.labels is not None else 0) + (18 if self.caption else 0)

    def lines(self, x: int, y: int) -> list[str]:
        top = max(float(np.abs(v).max()) for v, _ in self.series) or 1.0
        neg = any(v.min() < 0 for v, _ in self.series)
        half = self.h / 2 if neg else self.h
        base = y + 16 + half
        out = []
        for s, (vals, fill) in enumerate(self.series):  # one line per series: a series that does not change is shared
            bars = []
            for i, v in enumerate(vals):
                bh = half * abs(v) / top
                colour = "#e85d04" if s == 0 and i == self.highlight else fill
                bx = x + i * self.step + s * self.bar
                bars.append(f'<rect x="{bx}" y="{base - bh if v >= 0 else base:.1f}" width="{self.bar - 1}" '
                            f'height="{bh:.1f}" fill="{colour}"/>')
            out.append("".join(bars))
        mid = len(self.series) * self.bar // 2
        texts = []
        for i in range(self.n):
            cx = x + i * self.step + mid
            if self.value_labels:
                texts.append(f'<text class="cx-small" x="{cx}" y="{y + 12}" text-anchor="middle">'
                             f"{fmt(self.series[0][0][i], 1)}</text>")
            if self.labels is not None:
                texts.append(f'<text class="cx-lab" x="{cx}" y="{y + 16 + self.h + 14}" text-anchor="middle">'
                             f"{esc(str(self.labels[i]))}</text>")
        if self.caption:
            yc = y + 16 + self.h + (16 if self.labels is not None else 0) + 14
            texts.append(f'<text class="cx-lab" x="{x}" y="{yc}">{esc(self.caption)}</text>')
        return out + ["".join(texts)]


class Label:
    """A line of text as a panel (``cls``: an SVG text class such as ``cx-lab``)."""

    def __init__(self, text, cls="cx-lab"):
        self.text, self.cls = text, cls

    @property
    def width(self) -> int:
        return (CHAR_W if self.cls == "cx-cap" else LABEL_W) * len(self.text)

    @property
    def height(self) -> int:
        return 16

    def lines(self, x, y):
        return [f'<text class="{self.cls}" x="{x}" y="{y + 12}">{esc(self.text)}</text>']


class Row:
    """Panels side by side, top-aligned, ``gap`` px apart."""

    def __init__(self, *panels, gap=GAP):
        self.panels, self.gap = [p for p in panels if p is not None], gap

    @property
    def width(self) -> int:
        return sum(p.width for p in self.panels) + self.gap * max(len(self.panels) - 1, 0)

    @property
    def height(self) -> int:
        return max((p.height for p in self.panels), default=0)

    def lines(self, x, y):
        out = []
        for p in self.panels:
            out += p.lines(x, y)
            x += p.width + self.gap
        return out


class Column(Row):
    """Panels one under the other, left-aligned, ``gap`` px apart."""

    @property
    def width(self) -> int:
        return max((p.width for p in self.panels), default=0)

    @property
    def height(self) -> int:
        return sum(p.height for p in self.panels) + self.gap * max(len(self.panels) - 1, 0)

    def lines(self, x, y):
        out = []
        for p in self.panels:
            out += p.lines(x, y)
            y += p.height + self.gap
        return out


def svg(panel, pad: int = 4) -> str:
    """The panel as one ``<svg role="img">`` of its own size (it scrolls, never shrinks).

    Its text alternative is the state's ``alt_text``, set by :func:`label_drawings`
    (the views do it, so that the drawing's lines stay shared between states).
    """
    w, h = panel.width + pad, panel.height + pad
    body = "\n".join(panel.lines(0, 0))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="cx-svg" width="{w}" height="{h}" '
            f'viewBox="0 0 {w} {h}" role="img">\n{body}\n</svg>')


def label_drawings(rendered: str, alt: str | None = None, labelled_by: str | None = None) -> str:
    """``rendered`` with a text alternative on each of its drawings.

    ``alt`` becomes their ``aria-label`` (the live view); ``labelled_by`` the id
    of the element that says it (the static view's status line, which
    ``explorer.js`` keeps up to date, so the drawings' markup stays the same
    from state to state).
    """
    attr = f'aria-labelledby="{esc(labelled_by)}"' if labelled_by else f'aria-label="{esc(alt or "")}"'
    return rendered.replace('role="img">', f'role="img" {attr}>')


def picture(uri: str, width: int, *caption: str, alt: str | None = None) -> str:
    """An HTML figure: an image (``data:`` URI) ``width`` px wide, caption lines under it.

    ``alt`` (its text alternative) defaults to the first caption line.
    """
    text = "<br>".join(esc(line) for line in caption)
    return (f'<div class="cx-fig"><img src="{uri}" width="{int(width)}" alt="{esc(alt or caption[0])}">'
            f"{text}</div>")


def png_uri(img, vmin=None, vmax=None, cmap="gray") -> str:
    """A 2-D array as a small PNG ``data:`` URI (deterministic bytes).

    Values are scaled from [vmin, vmax] to 0–255; ``cmap="gray"`` gives an
    8-bit greyscale PNG, any other matplotlib colormap name a 256-colour
    palette PNG. NaN pixels (gaps between tiles) are drawn white.
    """
    from PIL import Image  # Pillow comes with matplotlib

    img = np.asarray(img, dtype=float)
    gaps = np.isnan(img)
    lo = float(np.nanmin(img)) if vmin is None else float(vmin)
    hi = float(np.nanmax(img)) if vmax is None else float(vmax)
    scaled = np.zeros(img.shape) if hi <= lo else (np.where(gaps, lo, img) - lo) / (hi - lo)
    if not gaps.any() and cmap == "gray":
        u8 = np.clip(np.round(scaled * 255), 0, 255).astype(np.uint8)
        pil = Image.fromarray(u8, mode="L")
    else:  # palette PNG; with NaN present, index 0 is reserved for them (drawn white)
        import matplotlib

        first = 1 if gaps.any() else 0
        u8 = (first + np.clip(np.round(scaled * (255 - first)), 0, 255 - first)).astype(np.uint8)
        u8[gaps] = 0
        lut = (matplotlib.colormaps[cmap](np.linspace(0, 1, 256 - first))[:, :3] * 255).round().astype(np.uint8)
        if first:
            lut = np.vstack([[255, 255, 255], lut]).astype(np.uint8)
        pil = Image.fromarray(u8, mode="P")
        pil.putpalette(lut.ravel().tolist())
    buf = io.BytesIO()
    pil.save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
