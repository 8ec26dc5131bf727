"""Explorer 1: a filter sliding over an input (Lecture §2.4, §3.1–3.4, §3.9)."""

from __future__ import annotations

import numpy as np

from ..arithmetic import conv_output_size
from ..conv import conv2d_naive
from .base import Explorer, choices
from .draw import CELL, Svg, esc, fmt, pfmt

__all__ = ["SlidingFilter", "LECTURE_IMAGE", "LECTURE_FILTER"]

#: The 5×5 image and 3×3 filter of the worked example in Lecture §3.9 (bias 0).
LECTURE_IMAGE = np.array(
    [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]], dtype=float
)
LECTURE_FILTER = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]], dtype=float)


class SlidingFilter(Explorer):
    """Step or play a filter over every position of an input (Lecture §2.4, §3.1–3.4).

    Shows the zero-padded input with its numbers, the filter, the output map
    (computed by :func:`cnnlab.conv.conv2d_naive`), the window of the current
    position, the sum of products that gives the current output value, and the
    output-size formula with the numbers put in (:func:`cnnlab.arithmetic.conv_output_size`).
    An impossible combination shows that function's error message. For S > 1
    the stride-1 map is drawn beside, with the values the stride keeps marked.

    The defaults (L=5, F=3, S=1, P=0) are the worked example of Lecture §3.9:
    that 5×5 image and 3×3 filter, bias 0; choose S=2 to get the four corner
    values of the stride-1 map.

    Parameters
    ----------
    sizes : sequence of int, default (3, 4, 5, 6, 7)
        Choices of the input size L (square L×L input).
    filters : sequence of int, default (1, 2, 3)
        Choices of the filter size F.
    strides : sequence of int, default (1, 2, 3)
        Choices of the stride S.
    paddings : sequence of int, default (0, 1)
        Choices of the zero padding P. (Each added choice multiplies the number
        of pre-rendered states: ``paddings=(0, 1, 2)`` makes the static HTML
        about 0.8 MB instead of 0.4 MB.)
    L, F, S, P : int, default 5, 3, 1, 0
        The initial choice (must be among the choices above).
    seed : int, default 0
        Seed of the 0/1 images (L ≠ 5) and the small integer filters (F ≠ 3).

    Controls: L, F, S, P; stepper: the output position (with play).
    """

    title = "Sliding filter (Lecture 2.4, 3.1–3.4, 3.9)"
    stepper = "position"
    playable = True

    def __init__(self, sizes=(3, 4, 5, 6, 7), filters=(1, 2, 3), strides=(1, 2, 3), paddings=(0, 1),
                 L=5, F=3, S=1, P=0, seed=0):
        self.controls = (
            choices("L", "input size L", sizes, L),
            choices("F", "filter F", filters, F),
            choices("S", "stride S", strides, S),
            choices("P", "padding P", paddings, P),
        )
        self.seed = int(seed)

    # -- data ---------------------------------------------------------------------
    def image(self, L: int) -> np.ndarray:
        """The L×L input: the lecture's 5×5 image for L=5, else a seeded 0/1 image."""
        if L == 5:
            return LECTURE_IMAGE.copy()
        return np.random.default_rng(self.seed * 1000 + L).integers(0, 2, (L, L)).astype(float)

    def filter(self, F: int) -> np.ndarray:
        """The F×F filter: the lecture's 3×3 filter for F=3, else seeded integers in −1…2."""
        if F == 3:
            return LECTURE_FILTER.copy()
        rng = np.random.default_rng(self.seed * 1000 + 100 + F)
        w = rng.integers(-1, 3, (F, F))
        while not w.any():  # an all-zero filter would teach nothing
            w = rng.integers(-1, 3, (F, F))
        return w.astype(float)

    def output_size(self, state):
        """L' from :func:`conv_output_size`, or the ValueError it raises."""
        try:
            return conv_output_size(state["L"], state["F"], state["S"], state["P"])
        except ValueError as err:
            return err

    def output(self, state, stride=None) -> np.ndarray:
        x, w = self.image(state["L"]), self.filter(state["F"])
        S = state["S"] if stride is None else stride
        return conv2d_naive(x[None, None], w[None, None], np.zeros(1), stride=S, padding=state["P"])[0, 0]

    def n_steps(self, state) -> int:
        Lo = self.output_size(state)
        return 1 if isinstance(Lo, Exception) else Lo * Lo

    # -- drawing ------------------------------------------------------------------
    def render_state(self, state) -> str:
        L, F, S, P, step = state["L"], state["F"], state["S"], state["P"], state["step"]
        x, w = self.image(L), self.filter(F)
        xp = np.pad(x, P)
        mask = np.pad(np.zeros_like(x, dtype=bool), P, constant_values=True)
        Lo = self.output_size(state)
        svg = Svg()
        ix, iy = svg.grid(0, 0, xp, pad_mask=mask, caption=f"input {L}×{L}" + (f", padding {P}" if P else ""))
        fx0 = (L + 2 * P) * CELL + 30
        fx, fy = svg.grid(fx0, 0, w, caption=f"filter {F}×{F}")
        formula = f"L' = (L − F + 2P)/S + 1 = ({L} − {F} + 2·{P})/{S} + 1"
        lines = []
        if isinstance(Lo, Exception):
            lines.append(f'<div class="cx-formula">{esc(formula)} — not a valid size</div>')
            lines.append(f'<div class="cx-error">ValueError: {esc(str(Lo))}</div>')
            return svg.render() + "\n" + "\n".join(lines)
        out = self.output(state)
        i, j = divmod(step, Lo)
        svg.box(ix + j * S * CELL, iy + i * S * CELL, F * CELL, F * CELL, "cx-win")
        ox0 = fx0 + max(F * CELL, 90) + 30
        ox, oy = svg.grid(ox0, 0, out, caption=f"output {Lo}×{Lo}")
        svg.box(ox + j * CELL, oy + i * CELL, CELL, CELL, "cx-out")
        if S > 1:
            full = self.output(state, stride=1)
            kept = [(a * S, b * S) for a in range(Lo) for b in range(Lo)]
            sx, sy = svg.grid(ox0 + max(Lo * CELL, 90) + 30, 0, full, caption="stride-1 map")
            svg.cells(sx, sy, kept, cls="cx-sel")
            svg.box(sx + j * S * CELL, sy + i * S * CELL, CELL, CELL, "cx-out")
        win = xp[i * S:i * S + F, j * S:j * S + F]
        terms = " + ".join(f"{pfmt(a)}·{pfmt(b)}" for a, b in zip(w.ravel(), win.ravel()))
        lines.append(f'<div class="cx-formula">{esc(formula)} = {Lo}   → output {Lo}×{Lo}, {Lo * Lo} positions</div>')
        lines.append(
            f'<div class="cx-formula">a[{i},{j}] = Σ w[m,n]·x[{i}·{S}+m−{P}, {j}·{S}+n−{P}] + b = '
            f"{esc(terms)} + 0 = {esc(fmt(out[i, j]))}</div>"
        )
        if P:
            lines.append(f'<div class="cx-note">Grey dashed cells: zero padding, P = {P} on each side (Lecture 3.3).</div>')
        if S > 1:
            lines.append(
                f'<div class="cx-note">Stride {S} keeps one row and one column in {S} of the stride-1 map (purple); '
                f"the skipped positions are the values a stride-1 scan would have produced there (Lecture 3.2).</div>"
            )
        if L == 5 and F == 3 and P == 0:
            lines.append(
                '<div class="cx-note">Lecture 3.9 example: the slide\'s 5×5 image and 3×3 filter, bias 0. '
                "S=1 gives a 3×3 map; S=2 gives its four corner values.</div>"
            )
        return svg.render() + "\n" + "\n".join(lines)
