"""Explorer 4: the sensitivity map δ flowing back through a convolution (Lecture §3.8–3.13)."""

from __future__ import annotations

import numpy as np

from ..arithmetic import conv_as_matrix, conv_output_size
from ..conv import conv2d_backward, conv2d_forward
from ..conv_textbook import dilate_sensitivity, full_convolution, rotate180
from .base import Control, Explorer, check_int
from .draw import Column, Grid, Row, esc, fmt, pfmt, svg
from .sliding import LECTURE_IMAGE

__all__ = ["SensitivityMap", "CASES"]

#: (label, H, F, S): the layer l−1 size, the filter and the stride of each case.
CASES = (
    ("3.8: 3×3 input, 2×2 filter, stride 1", 3, 2, 1),
    ("3.9: 5×5 input, 3×3 filter, stride 2 (δ dilated)", 5, 3, 2),
    ("4×4 input, 2×2 filter, stride 2", 4, 2, 2),
)

VIEWS = (
    ("∂E/∂a: which δ and w reach a cell", "input"),
    ("∂E/∂w = input ⋆ δ (weight gradient)", "weight"),
)


def _sub(i: int, j: int) -> str:
    """1-based two-digit index as on the slides: (0, 1) -> '12'."""
    return f"{i + 1}{j + 1}" if i < 9 and j < 9 else f"{i + 1},{j + 1}"


class SensitivityMap(Explorer):
    """Back-propagation through a convolution layer, cell by cell (Lecture §3.8–3.13).

    View "∂E/∂a": pick a cell a_ij of layer l−1 (the stepper). Shown: the
    δ^l and the weights that reach it, as the slide's formula
    (e.g. ∂E/∂a22 = δ11·w22 + δ12·w21 + δ21·w12 + δ22·w11, read off
    :func:`cnnlab.arithmetic.conv_as_matrix` with numbered weights), its value,
    and the same number as one step of the full convolution of the zero-padded
    (for S > 1 first dilated, :func:`cnnlab.conv_textbook.dilate_sensitivity`)
    δ with the filter rotated by 180° (:func:`~cnnlab.conv_textbook.rotate180`,
    :func:`~cnnlab.conv_textbook.full_convolution`); the map agrees with
    :func:`cnnlab.conv.conv2d_backward`. (The factor f'(net^{l−1}) that turns
    ∂E/∂a into δ^{l−1} is left out.)

    View "∂E/∂w": pick a weight w_mn (the stepper): ∂E/∂w_mn = Σ δ_pq·a at the
    input cells that met w_mn (weight sharing, §3.13), i.e. the input correlated
    with the (dilated) δ; and ∂E/∂w_b = Σ δ.

    Parameters
    ----------
    cases : sequence of (label, H, F, S), default :data:`CASES`
        Layer l−1 size H×H, filter F×F, stride S (``(H − F)/S`` must be an integer).
    seed : int, default 0
        Seed of the small integer inputs, filters and δ (the 5×5 case uses the
        lecture's §3.9 image as input).

    Controls: case, view; stepper: the cell of layer l−1, or the weight.
    """

    title = "Sensitivity map: δ back through a convolution (Lecture 3.8–3.13)"
    stepper = "cell / weight"
    playable = True
    play_interval_ms = 900

    def __init__(self, cases=CASES, seed=0):
        self.cases = tuple(cases)
        if not self.cases:
            raise ValueError("cases: give at least one (label, H, F, S)")
        for label, H, F, S in self.cases:
            for name, v in (("H", H), ("F", F), ("S", S)):
                check_int(f"cases: {name} of case {label!r}", v, 1, 12)
            conv_output_size(H, F, S, 0)  # raises the teaching message for a bad case
        self.seed = int(seed)
        self.controls = (
            Control("case", "case", tuple((c[0], k) for k, c in enumerate(self.cases)), 0),
            Control("view", "view", VIEWS, 0),
        )
        self._data = {k: self._make(k) for k in range(len(self.cases))}

    def _make(self, k):
        _, H, F, S = self.cases[k]
        rng = np.random.default_rng(self.seed * 100 + k)
        a = LECTURE_IMAGE.copy() if H == 5 else rng.integers(0, 4, (H, H)).astype(float)
        w = rng.integers(-1, 4, (F, F)).astype(float)
        for _ in range(20):  # keep the rotation visible: draw again a bounded number of times
            if F == 1 or not np.array_equal(w, rotate180(w)):  # a 1×1 filter is its own rotation
                break
            w = rng.integers(-1, 4, (F, F)).astype(float)
        else:
            w[0, 0] += 1  # w[0,0] and w[F−1,F−1] now differ: not symmetric under the rotation
        Ho = conv_output_size(H, F, S, 0)
        delta = rng.integers(-2, 4, (Ho, Ho)).astype(float)
        _, cache = conv2d_forward(a[None, None], w[None, None], np.zeros(1), stride=S)
        dx, dw, db = conv2d_backward(delta[None, None], cache)
        ids = conv_as_matrix(H, H, F, S, 0, w=np.arange(1, F * F + 1, dtype=float).reshape(F, F))
        dil = dilate_sensitivity(delta, S)
        return dict(H=H, F=F, S=S, Ho=Ho, a=a, w=w, delta=delta, dx=dx[0, 0], dw=dw[0, 0], db=float(db[0]),
                    ids=ids.astype(int), dil=dil, rot=rotate180(w), full=full_convolution(dil, w))

    def data(self, case: int) -> dict:
        """Arrays of a case: a, w, delta, dx, dw, db (conv2d_backward), dil, rot, full."""
        return self._data[case]

    def n_steps(self, state) -> int:
        d = self._data[state["case"]]
        return d["H"] ** 2 if state["view"] == "input" else d["F"] ** 2

    # -- formulas read off the numbered-weight matrix --------------------------------------------
    def input_terms(self, case: int, i: int, j: int):
        """[(δ index (p, q), weight index (m, n))] of the terms of ∂E/∂a_ij."""
        d = self._data[case]
        col = d["ids"][:, i * d["H"] + j]
        return [(divmod(r, d["Ho"]), divmod(int(col[r]) - 1, d["F"])) for r in np.flatnonzero(col)]

    def weight_terms(self, case: int, m: int, n: int):
        """[(δ index (p, q), input index (u, v))] of the terms of ∂E/∂w_mn."""
        d = self._data[case]
        rows, cols = np.nonzero(d["ids"] == m * d["F"] + n + 1)
        return [(divmod(int(r), d["Ho"]), divmod(int(c), d["H"])) for r, c in zip(rows, cols)]

    def formula(self, state) -> str:
        """The symbolic formula of the current cell or weight, as on the slides."""
        d = self._data[state["case"]]
        if state["view"] == "input":
            i, j = divmod(state["step"], d["H"])
            terms = self.input_terms(state["case"], i, j)
            rhs = " + ".join(f"δ{_sub(*p)}·w{_sub(*mn)}" for p, mn in terms) or "0"
            return f"∂E/∂a{_sub(i, j)} = {rhs}"
        m, n = divmod(state["step"], d["F"])
        terms = self.weight_terms(state["case"], m, n)
        return f"∂E/∂w{_sub(m, n)} = " + " + ".join(f"δ{_sub(*p)}·a{_sub(*uv)}" for p, uv in terms)

    # -- drawing -------------------------------------------------------------------------------------
    def alt_text(self, state) -> str:
        d = self._data[state["case"]]
        if state["view"] == "input":
            i, j = divmod(state["step"], d["H"])
            n = len(self.input_terms(state["case"], i, j))
            return (f"Cell a{_sub(i, j)} of the {d['H']}×{d['H']} layer l−1: {n} δ·w term{'s' if n != 1 else ''} "
                    f"reach it, ∂E/∂a{_sub(i, j)} = {fmt(d['dx'][i, j])}, the same as the full convolution of the "
                    f"padded δ with the filter rotated 180°.")
        m, n = divmod(state["step"], d["F"])
        k = len(self.weight_terms(state["case"], m, n))
        return (f"Weight w{_sub(m, n)} of the {d['F']}×{d['F']} filter met {k} input cells; "
                f"∂E/∂w{_sub(m, n)} = {fmt(d['dw'][m, n])}.")

    def render_state(self, state) -> str:
        d = self._data[state["case"]]
        return self._render_input(d, state) if state["view"] == "input" else self._render_weight(d, state)

    def _render_input(self, d, state) -> str:
        H, F, S = d["H"], d["F"], d["S"]
        i, j = divmod(state["step"], H)
        terms = self.input_terms(state["case"], i, j)
        a = Grid(d["a"], caption="layer l−1: a").mark(i, j, cls="cx-sel")
        w = Grid(d["w"], caption="filter w", min_width=70).mark_cells([mn for _, mn in terms], cls="cx-win")
        delta = Grid(d["delta"], caption="δˡ").mark_cells([p for p, _ in terms], cls="cx-out")
        # the full convolution: dilated δ, zero-padded by F − 1, with the rotated filter
        dil = d["dil"]
        padded = np.pad(dil, F - 1)
        mask = np.pad(np.zeros_like(dil, dtype=bool), F - 1, constant_values=True)
        p = Grid(padded, pad_mask=mask, caption="δˡ dilated, padded by F−1" if S > 1 else "δˡ padded by F−1")
        if S > 1:  # mark the inserted zeros
            p.mark_cells([(u + F - 1, v + F - 1) for u in range(dil.shape[0]) for v in range(dil.shape[1])
                          if u % S or v % S], cls="cx-dim")
        p.mark(i, j, F, F, "cx-win")
        rot = Grid(d["rot"], caption="w rotated 180°", min_width=110)
        full = Grid(d["full"], caption="full conv = ∂E/∂a").mark(i, j, cls="cx-sel")
        drawing = Column(Row(a, w, delta), Row(p, rot, full), gap=14)
        win = padded[i:i + F, j:j + F]
        nums = " + ".join(f"{pfmt(v)}·{pfmt(r)}" for v, r in zip(win.ravel(), d["rot"].ravel()))
        sym_num = " + ".join(f"{pfmt(d['delta'][p])}·{pfmt(d['w'][mn])}" for p, mn in terms) or "0"
        lines = [
            svg(drawing),
            f'<div class="cx-formula">{esc(self.formula(state))}</div>',
            f'<div class="cx-formula">         = {esc(sym_num)} = {esc(fmt(d["dx"][i, j]))}   (conv2d_backward)</div>',
            f'<div class="cx-formula">full convolution at ({i + 1},{j + 1}): {esc(nums)} = {esc(fmt(d["full"][i, j]))}</div>',
            f'<div class="cx-note">{len(terms)} term{"s" if len(terms) != 1 else ""}: a{_sub(i, j)} took part in '
            f'{len(terms)} output{"s" if len(terms) != 1 else ""} in the forward pass (its participation count). '
            "Multiply by f′(netˡ⁻¹) to get δˡ⁻¹ (Lecture 3.8).</div>",
        ]
        if S > 1:
            lines.append(f'<div class="cx-note">Stride {S}: the zeros inserted between the δ values (grey) restore the '
                         "map a stride-1 scan would have had; the skipped positions do not affect E (Lecture 3.9).</div>")
        return "\n".join(lines)

    def _render_weight(self, d, state) -> str:
        F, S, dil = d["F"], d["S"], d["dil"]
        m, n = divmod(state["step"], F)
        terms = self.weight_terms(state["case"], m, n)
        a = Grid(d["a"], caption="layer l−1: a").mark_cells([uv for _, uv in terms], cls="cx-sel")
        a.mark(m, n, dil.shape[0], dil.shape[1], "cx-win")
        delta = Grid(dil if S > 1 else d["delta"], caption="δˡ dilated" if S > 1 else "δˡ", min_width=90)
        if S > 1:
            delta.mark_cells([(u, v) for u in range(dil.shape[0]) for v in range(dil.shape[1])
                              if u % S or v % S], cls="cx-dim")
        grad = Grid(d["dw"], caption="∂E/∂w").mark(m, n, cls="cx-out")
        nums = " + ".join(f"{pfmt(d['delta'][p])}·{pfmt(d['a'][uv])}" for p, uv in terms)
        lines = [
            svg(Row(a, delta, grad)),
            f'<div class="cx-formula">{esc(self.formula(state))}</div>',
            f'<div class="cx-formula">         = {esc(nums)} = {esc(fmt(d["dw"][m, n]))}   (conv2d_backward)</div>',
            f'<div class="cx-formula">∂E/∂w_b = Σ δ = {esc(" + ".join(pfmt(v) for v in d["delta"].ravel()))} = '
            f'{esc(fmt(d["db"]))}</div>',
            f'<div class="cx-note">Weight sharing: w{_sub(m, n)} met {len(terms)} input cells (purple), one per output, '
            "so its gradient sums those products: the input correlated with δ"
            + (" after the zeros are inserted (Lecture 3.13)." if S > 1 else " (Lecture 3.13).") + "</div>",
        ]
        return "\n".join(lines)
