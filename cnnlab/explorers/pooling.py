"""Explorer 5: pooling forward and backward (Lecture §2.7, §3.6, §3.14)."""

from __future__ import annotations

import numpy as np

from ..pool import gaussian_window, pool2d_backward, pool2d_forward, trainable_pool2d_backward, trainable_pool2d_forward
from .base import Control, Explorer, check_int
from .draw import Column, Grid, Row, esc, fmt, heat, pfmt, svg

__all__ = ["Pooling"]

MODES = (
    ("max", "max"),
    ("mean", "mean"),
    ("gaussian (σ = 1)", "gaussian"),
    ("trainable (example weights)", "trainable"),
)

WINDOWS = (
    ("2×2, stride 2", (2, 2)),
    ("3×3, stride 3", (3, 3)),
    ("2×2, stride 1 (overlapping)", (2, 1)),
)


class Pooling(Explorer):
    """Max, mean, Gaussian and trainable pooling on a small map, forward and backward
    (Lecture §2.7, §3.14).

    Step over the output cells: the window lights up on the input, the output
    value is written out as its max / mean / weighted sum
    (:func:`cnnlab.pool.pool2d_forward`, :func:`~cnnlab.pool.trainable_pool2d_forward`),
    and on the backward side the upstream δ of that cell is shown going back
    (:func:`cnnlab.pool.pool2d_backward` with δ at that cell only): all of it to
    the maximum (max), δ/k² to each pixel (mean), δ·g_mn (Gaussian, weights
    :func:`~cnnlab.pool.gaussian_window`). The full ∂E/∂x for the whole δ map is
    drawn too; with overlapping windows a pixel can collect δ from several outputs.

    Parameters
    ----------
    size : int, default 6
        The input map is size×size, 3 ≤ size ≤ 12 (6 suits both 2×2 and 3×3 windows).
    sigma : float, default 1.0
        σ of Gaussian pooling.
    seed : int, default 0
        Seed of the input (integers 0–9) and of δ (integers 1–4).

    Controls: mode (max, mean, gaussian, trainable), window; stepper: output cell.
    """

    title = "Pooling forward and backward (Lecture 2.7, 3.14)"
    stepper = "output cell"
    playable = True

    def __init__(self, size=6, sigma=1.0, seed=0):
        check_int("size (the 3×3 window must fit)", size, 3, 12)
        if not (isinstance(sigma, (int, float)) and np.isfinite(sigma) and sigma > 0):
            raise ValueError(f"sigma must be a finite number > 0; got {sigma!r}")
        self.size, self.sigma, self.seed = int(size), float(sigma), int(seed)
        self.x = np.random.default_rng(seed).integers(0, 10, (self.size, self.size)).astype(float)
        self.controls = (Control("mode", "pooling", MODES, 0), Control("window", "window", WINDOWS, 0))
        self._cache = {}

    def trainable_weights(self, k: int) -> np.ndarray:
        """The example 'learned' weights of trainable pooling (fixed, positive, not symmetric)."""
        w = np.arange(1, k * k + 1, dtype=float).reshape(k, k)
        return np.round(w / w.sum(), 2)

    def compute(self, mode: str, window: tuple) -> dict:
        """Forward output, upstream δ, and dx for the full δ (arrays (H', W') / (H, W)), computed once."""
        key = (mode, window)
        if key not in self._cache:
            k, S = window
            x = self.x[None, None]
            if mode == "trainable":
                weights = self.trainable_weights(k)
                out, cache = trainable_pool2d_forward(x, weights, size=k, stride=S)

                def back(dout):
                    return trainable_pool2d_backward(dout, cache)[0]
            else:
                weights = gaussian_window(k, self.sigma) if mode == "gaussian" else None
                out, cache = pool2d_forward(x, size=k, stride=S, mode=mode, sigma=self.sigma)

                def back(dout):
                    return pool2d_backward(dout, cache)
            Ho, Wo = out.shape[2:]
            delta = np.random.default_rng(self.seed + 1 + 10 * k + S).integers(1, 5, (Ho, Wo)).astype(float)
            single = []
            for r in range(Ho * Wo):
                one = np.zeros((1, 1, Ho, Wo))
                one[0, 0].flat[r] = delta.flat[r]
                single.append(back(one)[0, 0])
            self._cache[key] = dict(out=out[0, 0], delta=delta, dx=back(delta[None, None])[0, 0],
                                    single=single, weights=weights, k=k, S=S)
        return self._cache[key]

    def n_steps(self, state) -> int:
        return self.compute(state["mode"], state["window"])["out"].size

    def alt_text(self, state) -> str:
        mode, (k, S) = state["mode"], state["window"]
        c = self.compute(mode, state["window"])
        Ho, Wo = c["out"].shape
        i, j = divmod(state["step"], Wo)
        return (f"{mode.capitalize()} pooling, {k}×{k} window, stride {S}: output cell ({i},{j}) of {Ho}×{Wo} "
                f"= {fmt(c['out'][i, j], 2)} from input rows {i * S}–{i * S + k - 1}, columns {j * S}–{j * S + k - 1}; "
                f"its δ = {fmt(c['delta'][i, j])} goes back into that window.")

    def render_state(self, state) -> str:
        mode, (k, S) = state["mode"], state["window"]
        c = self.compute(mode, state["window"])
        out, delta, dx = c["out"], c["delta"], c["dx"]
        Ho, Wo = out.shape
        i, j = divmod(state["step"], Wo)
        single = c["single"][state["step"]]
        win = self.x[i * S:i * S + k, j * S:j * S + k]
        C = 36  # wider cells for the grids that hold fractions
        targets = [tuple(t) for t in np.argwhere(single != 0)]
        x = Grid(self.x, caption="input x (forward)").mark(i * S, j * S, k, k, "cx-win")
        if mode == "max":
            x.mark_cells(targets, cls="cx-sel")
        output = Grid(out, cell=C, caption=f"output {Ho}×{Wo}", min_width=90).mark(i, j, cls="cx-out")
        weights = None
        if c["weights"] is not None:
            weights = Grid(c["weights"], cell=C, caption="weights g" if mode == "gaussian" else "weights ω",
                           fmt_fn=lambda v: fmt(v, 2))
        vmax = float(np.abs(dx).max()) or 1.0
        d = Grid(delta, caption="δ from the layer above").mark(i, j, cls="cx-out")
        one = Grid(np.zeros_like(single), cell=C, caption="one δ goes back to", fmt_fn=lambda v: fmt(v, 2))
        one.overwrite([(a, b, single[a, b], heat(single[a, b], vmax)) for a, b in targets])
        one.mark(i * S, j * S, k, k, "cx-win")
        full = Grid(dx, cell=C, caption="∂E/∂x (all of δ)", fills=[[heat(v, vmax) for v in row] for row in dx],
                    fmt_fn=lambda v: fmt(v, 2)).mark(i * S, j * S, k, k, "cx-win")
        drawing = Column(Row(x, output, weights), Row(d, one, full, gap=16), gap=20)  # fits a 660 px column
        vals = [fmt(v) for v in win.ravel()]
        dd = fmt(delta[i, j])
        if mode == "max":
            fwd = f"y[{i},{j}] = max({', '.join(vals)}) = {fmt(out[i, j])}"
            (m, nn), = [(a - i * S, b - j * S) for a, b in targets] or [(0, 0)]
            back = (f"max: δ[{i},{j}] = {dd} goes unchanged to the position of the maximum, "
                    f"x[{i * S + m},{j * S + nn}]; 0 to the others")
        elif mode == "mean":
            fwd = f"y[{i},{j}] = ({' + '.join(vals)})/{k * k} = {fmt(out[i, j])}"
            back = f"mean: each of the {k * k} pixels gets δ/{k * k} = {dd}/{k * k} = {fmt(single[i * S, j * S], 3)}"
        else:
            g = c["weights"]
            sym = "g" if mode == "gaussian" else "ω"
            terms = " + ".join(f"{fmt(a, 2)}·{pfmt(b)}" for a, b in zip(g.ravel(), win.ravel()))
            fwd = f"y[{i},{j}] = Σ {sym}·x = {terms} = {fmt(out[i, j])}"
            back = f"{mode}: pixel (m, n) of the window gets {sym}[m,n]·δ = {sym}[m,n]·{dd}"
        lines = [svg(drawing),
                 f'<div class="cx-formula">{esc(fwd)}</div>',
                 f'<div class="cx-formula">backward: δ[{i},{j}] = {dd}</div>',
                 f'<div class="cx-formula">{esc(back)}</div>']
        if S < k:
            lines.append('<div class="cx-note">Overlapping windows (stride < size): a pixel in several windows '
                         "collects the δ of each of them (+=).</div>")
        lines.append('<div class="cx-note">Pooling has no weights to learn (trainable pooling learns ω); '
                     "it only passes δ back (Lecture 3.14). The depth is unchanged: each map is pooled on its own.</div>")
        return "\n".join(lines)
