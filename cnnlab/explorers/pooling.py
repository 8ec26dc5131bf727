"""Explorer 5: pooling forward and backward (Lecture §2.7, §3.6, §3.14)."""

from __future__ import annotations

import numpy as np

from ..pool import gaussian_window, pool2d_backward, pool2d_forward, trainable_pool2d_backward, trainable_pool2d_forward
from .base import Control, Explorer
from .draw import CELL, Svg, esc, fmt, heat, pfmt

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
        The input map is size×size (6 suits both 2×2 and 3×3 windows).
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
        self.size, self.sigma, self.seed = int(size), float(sigma), int(seed)
        rng = np.random.default_rng(seed)
        self.x = rng.integers(0, 10, (self.size, self.size)).astype(float)
        self._delta_rng = np.random.default_rng(seed + 1)
        self.controls = (Control("mode", "pooling", MODES, 0), Control("window", "window", WINDOWS, 0))
        self._cache = {}

    def trainable_weights(self, k: int) -> np.ndarray:
        """The example 'learned' weights of trainable pooling (fixed, positive, not symmetric)."""
        w = np.arange(1, k * k + 1, dtype=float).reshape(k, k)
        return np.round(w / w.sum(), 2)

    def compute(self, mode: str, window: tuple) -> dict:
        """Forward output, upstream δ, and dx for the full δ (arrays (H', W') / (H, W))."""
        key = (mode, window)
        if key not in self._cache:
            k, S = window
            x = self.x[None, None]
            if mode == "trainable":
                weights = self.trainable_weights(k)
                out, cache = trainable_pool2d_forward(x, weights, size=k, stride=S)
                back = lambda dout: trainable_pool2d_backward(dout, cache)[0]  # noqa: E731
            else:
                weights = gaussian_window(k, self.sigma) if mode == "gaussian" else None
                out, cache = pool2d_forward(x, size=k, stride=S, mode=mode, sigma=self.sigma)
                back = lambda dout: pool2d_backward(dout, cache)  # noqa: E731
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

    def render_state(self, state) -> str:
        mode, (k, S) = state["mode"], state["window"]
        c = self.compute(mode, state["window"])
        out, delta, dx = c["out"], c["delta"], c["dx"]
        Ho, Wo = out.shape
        i, j = divmod(state["step"], Wo)
        single = c["single"][state["step"]]
        win = self.x[i * S:i * S + k, j * S:j * S + k]
        svg = Svg()
        n = self.size
        ax, ay = svg.grid(0, 0, self.x, caption="input x (forward)")
        svg.box(ax + j * S * CELL, ay + i * S * CELL, k * CELL, k * CELL, "cx-win")
        targets = [tuple(t) for t in np.argwhere(single != 0)]
        if mode == "max":
            svg.cells(ax, ay, targets, cls="cx-sel")
        x0 = n * CELL + 28
        C = 38  # wider cells for the grids that hold fractions
        ox, oy = svg.grid(x0, 0, out, cell=C, caption=f"output {Ho}×{Wo}")
        svg.box(ox + j * C, oy + i * C, C, C, "cx-out")
        x0 += max(Wo * C, 90) + 28
        if c["weights"] is not None:
            svg.grid(x0, 0, c["weights"], cell=C, caption="weights g" if mode == "gaussian" else "weights ω",
                     fmt_fn=lambda v: fmt(v, 2))
        y1 = max(n * CELL, Ho * C) + 40
        dX, dY = svg.grid(0, y1, delta, caption="δ (from the layer above)")
        svg.box(dX + j * CELL, dY + i * CELL, CELL, CELL, "cx-out")
        x1 = max(Wo * CELL, 170) + 28
        vmax = float(np.abs(dx).max()) or 1.0
        sx, sy = svg.grid(x1, y1, np.zeros_like(single), cell=C, caption="one δ goes back to")
        svg.values(sx, sy, [(a, b, single[a, b], heat(single[a, b], vmax)) for a, b in np.argwhere(single != 0)],
                   cell=C, fmt_fn=lambda v: fmt(v, 2))
        svg.box(sx + j * S * C, sy + i * S * C, k * C, k * C, "cx-win")
        x2 = x1 + n * C + 28
        fx, fy = svg.grid(x2, y1, dx, cell=C, caption="∂E/∂x (all of δ)",
                          fills=[[heat(v, vmax) for v in row] for row in dx], fmt_fn=lambda v: fmt(v, 2))
        svg.box(fx + j * S * C, fy + i * S * C, k * C, k * C, "cx-win")
        vals = [fmt(v) for v in win.ravel()]
        d = fmt(delta[i, j])
        if mode == "max":
            fwd = f"y[{i},{j}] = max({', '.join(vals)}) = {fmt(out[i, j])}"
            (m, nn), = [(a - i * S, b - j * S) for a, b in targets] or [(0, 0)]
            back = (f"max: δ[{i},{j}] = {d} goes unchanged to the position of the maximum, x[{i * S + m},{j * S + nn}]; "
                    "0 to the others")
        elif mode == "mean":
            fwd = f"y[{i},{j}] = ({' + '.join(vals)})/{k * k} = {fmt(out[i, j])}"
            back = f"mean: each of the {k * k} pixels gets δ/{k * k} = {d}/{k * k} = {fmt(single[i * S, j * S], 3)}"
        else:
            g = c["weights"]
            sym = "g" if mode == "gaussian" else "ω"
            terms = " + ".join(f"{fmt(a, 2)}·{pfmt(b)}" for a, b in zip(g.ravel(), win.ravel()))
            fwd = f"y[{i},{j}] = Σ {sym}·x = {terms} = {fmt(out[i, j])}"
            back = f"{mode}: pixel (m, n) of the window gets {sym}[m,n]·δ = {sym}[m,n]·{d}"
        lines = [f'<div class="cx-formula">{esc(fwd)}</div>',
                 f'<div class="cx-formula">backward: δ[{i},{j}] = {d}</div>', f'<div class="cx-formula">{esc(back)}</div>']
        if S < k:
            lines.append('<div class="cx-note">Overlapping windows (stride < size): a pixel in several windows '
                         "collects the δ of each of them (+=).</div>")
        lines.append('<div class="cx-note">Pooling has no weights to learn (trainable pooling learns ω); '
                     "it only passes δ back (Lecture 3.14). The depth is unchanged: each map is pooled on its own.</div>")
        return svg.render() + "\n" + "\n".join(lines)
