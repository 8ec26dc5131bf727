"""Drawing helpers for the explorers: number grids as SVG, small PNG data URIs.

Every invariant block (a whole grid) is emitted as one line and every
highlight as its own line, so the static view stores each distinct line once.
"""

from __future__ import annotations

import base64
import html
import io

import numpy as np

__all__ = ["fmt", "pfmt", "Svg", "heat", "png_uri", "esc"]

CELL = 28

esc = html.escape


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


class Svg:
    """Accumulates SVG lines; :meth:`render` wraps them in an ``<svg>`` sized to fit."""

    def __init__(self, pad: int = 4):
        self.parts: list[str] = []
        self.w = 0.0
        self.h = 0.0
        self.pad = pad

    def _grow(self, x, y):
        self.w = max(self.w, x)
        self.h = max(self.h, y)

    def grid(self, x, y, values, cell=CELL, fills=None, pad_mask=None, fmt_fn=fmt,
             caption=None, row_labels=None, col_labels=None, text=True, small=False):
        """Draw a 2-D array of numbers with its top-left corner at (x, y); one line.

        ``fills``: array of colours (or None); ``pad_mask``: True where the cell is
        zero padding (drawn grey and dashed). Returns the (x, y) of the top-left
        cell (shifted when labels are drawn) so callers can place highlights.
        """
        values = np.asarray(values)
        rows, cols = values.shape
        x, y = int(x), int(y)
        if caption:
            self.parts.append(f'<text class="cx-cap" x="{x}" y="{y + 13}">{esc(caption)}</text>')
            self._grow(x + 8 * len(caption), y + 20)
            y += 20
        out = ['<g class="cx-grid">']
        if col_labels is not None:
            x_off = x + (cell if row_labels is not None else 0)
            for j, lab in enumerate(col_labels):
                out.append(f'<text class="cx-lab" x="{x_off + j * cell + cell // 2}" y="{y + 10}">{esc(str(lab))}</text>')
            y += 14
        if row_labels is not None:
            for i, lab in enumerate(row_labels):
                out.append(f'<text class="cx-lab" x="{x + cell // 2}" y="{y + i * cell + cell // 2 + 4}">{esc(str(lab))}</text>')
            x += cell
        for i in range(rows):
            for j in range(cols):
                padded = pad_mask is not None and bool(pad_mask[i, j])
                attr = ' class="p"' if padded else ""
                if fills is not None and not padded and fills[i][j] not in (None, "#ffffff"):
                    attr += f' style="fill:{fills[i][j]}"'
                out.append(f'<rect x="{x + j * cell}" y="{y + i * cell}" width="{cell}" height="{cell}"{attr}/>')
        if text:
            t = ' class="cx-small"' if small else ""
            for i in range(rows):
                for j in range(cols):
                    out.append(f'<text{t} x="{x + j * cell + cell // 2}" y="{y + i * cell + cell // 2 + 4}">'
                               f'{esc(fmt_fn(values[i, j]))}</text>')
        out.append("</g>")
        self.parts.append("".join(out))
        self._grow(x + cols * cell, y + rows * cell)
        return x, y

    def box(self, x, y, w, h, cls="cx-win"):
        """A highlight rectangle (own line)."""
        self.parts.append(f'<rect class="{cls}" x="{x}" y="{y}" width="{w}" height="{h}"/>')
        self._grow(x + w, y + h)

    def cells(self, x0, y0, cells, cell=CELL, cls="cx-sel"):
        """Highlight a set of (i, j) cells of a grid whose first cell is at (x0, y0) (one line)."""
        rects = "".join(
            f'<rect class="{cls}" x="{x0 + j * cell}" y="{y0 + i * cell}" width="{cell}" height="{cell}"/>'
            for i, j in cells
        )
        self.parts.append(f"<g>{rects}</g>")

    def values(self, x0, y0, items, cell=CELL, fmt_fn=fmt):
        """Overwrite some cells of a drawn grid: ``items`` = [(i, j, value, fill)] (one line).

        Lets a grid that changes in a few cells share its base line across states.
        """
        out = ['<g class="cx-grid">']
        for i, j, v, fill in items:
            style = f' style="fill:{fill}"' if fill else ""
            out.append(f'<rect x="{x0 + j * cell}" y="{y0 + i * cell}" width="{cell}" height="{cell}"{style}/>'
                       f'<text x="{x0 + j * cell + cell // 2}" y="{y0 + i * cell + cell // 2 + 4}">{esc(fmt_fn(v))}</text>')
        out.append("</g>")
        self.parts.append("".join(out))

    def text(self, x, y, s, cls="", anchor="start"):
        c = f' class="{cls}"' if cls else ""
        self.parts.append(f'<text{c} x="{x}" y="{y}" text-anchor="{anchor}">{esc(s)}</text>')
        self._grow(x + 7 * len(s) if anchor == "start" else x, y + 4)

    def raw(self, line: str, x=0, y=0):
        self.parts.append(line)
        self._grow(x, y)

    def render(self) -> str:
        w, h = int(self.w + self.pad), int(self.h + self.pad)
        body = "\n".join(self.parts)
        return (f'<svg xmlns="http://www.w3.org/2000/svg" class="cx-svg" width="{w}" height="{h}" '
                f'viewBox="0 0 {w} {h}">\n{body}\n</svg>')


def png_uri(img, vmin=None, vmax=None, cmap="gray") -> str:
    """A 2-D array as a small PNG ``data:`` URI (deterministic bytes).

    Values are scaled from [vmin, vmax] to 0–255; ``cmap="gray"`` gives an
    8-bit greyscale PNG, any other matplotlib colormap name a 256-colour
    palette PNG (a few KB for the small images the explorers draw). NaN
    pixels (gaps between tiles) are drawn white.
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
