"""Explorer 1: a filter sliding over an input (Lecture §2.4, §3.1–3.4, §3.9)."""

from __future__ import annotations

import numpy as np

from ..arithmetic import conv_output_size
from ..conv import conv2d_naive
from .base import Explorer, choices
from .draw import Grid, Row, esc, fmt, pfmt, svg

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
        of pre-rendered states.)
    L, F, S, P : int, default 5, 3, 1, 0
        The initial choice (must be among the choices above; sizes and filters
        are ints in 1…16, strides in 1…16, paddings in 0…8).
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
            choices("L", "input size L", sizes, L, arg="sizes", lo=1, hi=16),
            choices("F", "filter F", filters, F, arg="filters", lo=1, hi=16),
            choices("S", "stride S", strides, S, arg="strides", lo=1, hi=16),
            choices("P", "padding P", paddings, P, arg="paddings", lo=0, hi=8),
        )
        self.seed = int(seed)
        self._data: dict = {}

    # -- data ---------------------------------------------------------------------
    def image(self, L: int) -> np.ndarray:
        """The L×L input: the lecture's 5×5 image for L=5, else a seeded 0/1 image."""
        if L == 5:
            return LECTURE_IMAGE.copy()
        return np.random.default_rng(self.seed * 1000 + L).integers(0, 2, (L, L)).astype(float)

    def filter(self, F: int) -> np.ndarray:
        """The F×F filter: the lecture's 3×3 filter for F=3, else seeded integers in −1…2 (never all zero)."""
        if F == 3:
            return LECTURE_FILTER.copy()
        rng = np.random.default_rng(self.seed * 1000 + 100 + F)
        w = rng.integers(-1, 3, (F, F))
        for _ in range(20):  # an all-zero filter would teach nothing: draw again, a bounded number of times
            if w.any():
                break
            w = rng.integers(-1, 3, (F, F))
        else:
            w[0, 0] = 1
        return w.astype(float)

    def output_size(self, state):
        """L' from :func:`conv_output_size`, or the ValueError it raises."""
        try:
            return conv_output_size(state["L"], state["F"], state["S"], state["P"])
        except ValueError as err:
            return err

    def output(self, state, stride=None) -> np.ndarray:
        """The output map of :func:`conv2d_naive` (bias 0) at the state's stride, or at ``stride``."""
        x, w = self.image(state["L"]), self.filter(state["F"])
        S = state["S"] if stride is None else stride
        return conv2d_naive(x[None, None], w[None, None], np.zeros(1), stride=S, padding=state["P"])[0, 0]

    def data(self, state) -> dict:
        """The numbers of one (L, F, S, P), computed once: x, w, padded x, L' (or its error), output maps."""
        key = (state["L"], state["F"], state["S"], state["P"])
        if key not in self._data:
            L, F, S, P = key
            x = self.image(L)
            d = dict(x=x, w=self.filter(F), xp=np.pad(x, P), Lo=self.output_size(state),
                     mask=np.pad(np.zeros_like(x, dtype=bool), P, constant_values=True))
            if not isinstance(d["Lo"], Exception):
                d["out"] = self.output(state)
                d["full"] = self.output(state, stride=1) if S > 1 else None
            self._data[key] = d
        return self._data[key]

    def n_steps(self, state) -> int:
        Lo = self.data(state)["Lo"]
        return 1 if isinstance(Lo, Exception) else Lo * Lo

    # -- drawing ------------------------------------------------------------------
    def alt_text(self, state) -> str:
        L, F, S, P = state["L"], state["F"], state["S"], state["P"]
        d = self.data(state)
        if isinstance(d["Lo"], Exception):
            return f"Input {L}×{L}, filter {F}×{F}, stride {S}, padding {P}: not a valid output size."
        Lo = d["Lo"]
        i, j = divmod(state["step"], Lo)
        return (f"Position {state['step'] + 1} of {Lo * Lo}: the {F}×{F} window at input rows {i * S}–{i * S + F - 1}, "
                f"columns {j * S}–{j * S + F - 1} (padded input {L + 2 * P}×{L + 2 * P}) gives output "
                f"a[{i},{j}] = {fmt(d['out'][i, j])} of the {Lo}×{Lo} output.")

    def render_state(self, state) -> str:
        L, F, S, P, step = state["L"], state["F"], state["S"], state["P"], state["step"]
        d = self.data(state)
        x, w, xp, Lo = d["x"], d["w"], d["xp"], d["Lo"]
        image = Grid(xp, pad_mask=d["mask"], caption=f"input {L}×{L}" + (f", padding {P}" if P else ""))
        filt = Grid(w, caption=f"filter {F}×{F}", min_width=90)
        formula = f"L' = (L − F + 2P)/S + 1 = ({L} − {F} + 2·{P})/{S} + 1"
        if isinstance(Lo, Exception):
            return "\n".join([svg(Row(image, filt)),
                              f'<div class="cx-formula">{esc(formula)} — not a valid size</div>',
                              f'<div class="cx-error">ValueError: {esc(str(Lo))}</div>'])
        out = d["out"]
        i, j = divmod(step, Lo)
        image.mark(i * S, j * S, F, F, "cx-win")
        output = Grid(out, caption=f"output {Lo}×{Lo}", min_width=90).mark(i, j, cls="cx-out")
        full = None
        if S > 1:
            full = Grid(d["full"], caption="stride-1 map")
            full.mark_cells([(a * S, b * S) for a in range(Lo) for b in range(Lo)], cls="cx-sel")
            full.mark(i * S, j * S, cls="cx-out")
        win = xp[i * S:i * S + F, j * S:j * S + F]
        terms = " + ".join(f"{pfmt(a)}·{pfmt(b)}" for a, b in zip(w.ravel(), win.ravel()))
        lines = [
            svg(Row(image, filt, output, full)),
            f'<div class="cx-formula">{esc(formula)} = {Lo}   → output {Lo}×{Lo}, {Lo * Lo} positions</div>',
            f'<div class="cx-formula">a[{i},{j}] = Σ w[m,n]·x[{i}·{S}+m−{P}, {j}·{S}+n−{P}] + b = '
            f"{esc(terms)} + 0 = {esc(fmt(out[i, j]))}</div>",
        ]
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
        return "\n".join(lines)
