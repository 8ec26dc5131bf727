"""Explorer 3: participation counts and receptive fields (Lecture §2.5, §2.9, §3.6)."""

from __future__ import annotations

import numpy as np

from ..arithmetic import conv_output_size, participation_counts, receptive_field
from .base import Control, Explorer, choices
from .draw import CELL, Svg, esc, fmt, heat

__all__ = ["ReceptiveField", "STACKS"]

#: (label, input size, layers as (kind, F, S, P)) of the stack view.
STACKS = (
    ("conv 3×3 → conv 3×3 (input 7×7)", 7, (("conv", 3, 1, 0), ("conv", 3, 1, 0))),
    ("conv 3×3 → pool 2×2 → conv 3×3 (Lecture 3.6, input 12×12)", 12,
     (("conv", 3, 1, 0), ("pool", 2, 2, 0), ("conv", 3, 1, 0))),
    ("LeNet-5: conv 5×5 → pool 2×2 → conv 5×5 → pool 2×2 (input 32×32)", 32,
     (("conv", 5, 1, 0), ("pool", 2, 2, 0), ("conv", 5, 1, 0), ("pool", 2, 2, 0))),
    ("3 × conv 3×3 with padding 1 (input 8×8)", 8, (("conv", 3, 1, 1), ("conv", 3, 1, 1), ("conv", 3, 1, 1))),
)


class ReceptiveField(Explorer):
    """Participation counts (Lecture §2.9) or the receptive field through a stack (§2.5, §3.6).

    ``view="counts"``: choose L, F, S, P; the L×L map of
    :func:`cnnlab.arithmetic.participation_counts` (how many filter positions
    use each input pixel = how many terms its gradient sums), coloured by count.
    A combination that :func:`~cnnlab.arithmetic.conv_output_size` rejects is
    shown with its message and the floored counts the kernels would use.

    ``view="stack"``: choose a conv/pool stack; step over the units of its last
    layer: the region each unit sees is marked in every layer down to the input,
    with size, jump and start per layer from :func:`cnnlab.arithmetic.receptive_field`.

    Parameters
    ----------
    view : {"counts", "stack"}, default "counts"
    sizes, filters, strides, paddings : sequences of int
        Choices of L, F, S, P (view "counts"); defaults (4, 5, 6, 7, 8), (2, 3, 5), (1, 2), (0, 1).
    stacks : sequence of (label, input size, layers), default :data:`STACKS`
        The stacks of view "stack"; ``layers`` as for ``receptive_field``.

    Controls: L, F, S, P (counts) or stack (stack, with the stepper "output unit").
    """

    def __init__(self, view="counts", sizes=(4, 5, 6, 7, 8), filters=(2, 3, 5), strides=(1, 2), paddings=(0, 1),
                 stacks=STACKS):
        if view not in ("counts", "stack"):
            raise ValueError(f"view must be 'counts' or 'stack'; got {view!r}")
        self.view = view
        if view == "counts":
            self.title = "Participation counts (Lecture 2.9)"
            self.controls = (
                choices("L", "input size L", sizes, 6 if 6 in sizes else None),
                choices("F", "filter F", filters, 3 if 3 in filters else None),
                choices("S", "stride S", strides),
                choices("P", "padding P", paddings),
            )
            self.stepper = None
        else:
            self.title = "Receptive field through a stack of layers (Lecture 2.5, 3.6)"
            self.stacks = tuple(stacks)
            self._maps = []
            for label, n, layers in self.stacks:
                sizes_ = [n]
                for kind, F, S, P in layers:
                    sizes_.append(conv_output_size(sizes_[-1], F, S, P))  # a bad stack raises here
                self._maps.append(sizes_)
            self.controls = (Control("stack", "stack", tuple((s[0], k) for k, s in enumerate(self.stacks)), 1),)
            self.stepper = "output unit"
            self.playable = True
            self.play_interval_ms = 500

    def n_steps(self, state) -> int:
        if self.view == "counts":
            return 1
        return self._maps[state["stack"]][-1] ** 2

    def map_sizes(self, k: int) -> list[int]:
        """Side of every map of stack k, input first (from conv_output_size)."""
        return list(self._maps[k])

    def region(self, k: int, unit: int, layer: int):
        """(rows, cols) ranges, unclipped, that output ``unit`` of stack k sees in map ``layer`` (0 = input)."""
        layers = self.stacks[k][2]
        n_out = self._maps[k][-1]
        i, j = divmod(unit, n_out)
        if layer == len(layers):
            return (i, i), (j, j)
        rec = receptive_field(layers[layer:])[-1]
        half = (rec.size - 1) / 2

        def span(u):
            c = rec.start + u * rec.jump
            return int(round(c - half)), int(round(c + half))

        return span(i), span(j)

    def render_state(self, state) -> str:
        return self._render_counts(state) if self.view == "counts" else self._render_stack(state)

    def _render_counts(self, state) -> str:
        L, F, S, P = state["L"], state["F"], state["S"], state["P"]
        lines = []
        try:
            Lo = conv_output_size(L, F, S, P)
            lines.append(f'<div class="cx-formula">L\' = ({L} − {F} + 2·{P})/{S} + 1 = {Lo}: {Lo * Lo} filter '
                         f"positions × {F * F} taps</div>")
        except ValueError as err:
            Lo = None
            lines.append(f'<div class="cx-error">ValueError: {esc(str(err))}</div>')
            lines.append('<div class="cx-note">Drawn as the kernels floor it: pixels the filter never reaches count 0.</div>')
        try:
            counts = participation_counts(L, L, F, S, P)
        except ValueError:  # the filter does not fit at all: nothing to count
            return "\n".join(lines[:1])
        vmax = float(counts.max()) or 1.0
        svg = Svg()
        svg.grid(0, 0, counts, caption=f"participation counts, {L}×{L} input, F={F}, S={S}, P={P}",
                 fills=[[heat(v, vmax) for v in row] for row in counts])
        total = int(counts.sum())
        lines.append(f'<div class="cx-formula">Σ counts = {total}; max {int(counts.max())}, min {int(counts.min())}</div>')
        lines.append('<div class="cx-note">Each number says how often that input pixel took part in the forward pass, '
                     "so how many δ·w terms its gradient ∂E/∂x sums (Lecture 2.9, 3.8). "
                     "Border pixels take part less often unless padded.</div>")
        return svg.render() + "\n" + "\n".join(lines)

    def _render_stack(self, state) -> str:
        k, unit = state["stack"], state["step"]
        label, n_in, layers = self.stacks[k]
        maps = self._maps[k]
        recs = receptive_field(layers)
        svg = Svg()
        x = 0
        names = ["input"] + [f"{kind} {F}×{F}" + (f" S{S}" if S > 1 else "") + (f" P{P}" if P else "")
                             for kind, F, S, P in layers]
        notes = []
        for layer, n in enumerate(maps):
            cell = max(6, min(CELL, 190 // n))
            cap = f"{names[layer]}: {n}×{n}"
            gx, gy = svg.grid(x, 0, np.zeros((n, n)), cell=cell, caption=cap, text=False)
            (r0, r1), (c0, c1) = self.region(k, unit, layer)
            cr0, cr1, cc0, cc1 = max(r0, 0), min(r1, n - 1), max(c0, 0), min(c1, n - 1)
            cls = "cx-out" if layer == len(maps) - 1 else "cx-win"
            svg.box(gx + cc0 * cell, gy + cr0 * cell, (cc1 - cc0 + 1) * cell, (cr1 - cr0 + 1) * cell, cls)
            if (r0, c0) != (cr0, cc0) or (r1, c1) != (cr1, cc1):
                notes.append(names[layer])
            x = gx + max(n * cell, 7 * len(cap)) + 24
        (r0, r1), (c0, c1) = self.region(k, unit, 0)
        n_out = maps[-1]
        i, j = divmod(unit, n_out)
        rows = "".join(
            f"<tr><td>{esc(names[t + 1])}</td><td>{maps[t + 1]}×{maps[t + 1]}</td>"
            f"<td>{r.size}×{r.size}</td><td>{r.jump}</td><td>{fmt(r.start)}</td></tr>"
            for t, r in enumerate(recs)
        )
        table = ('<table class="cx-table"><tr><th>layer</th><th>output</th><th>receptive field</th>'
                 f"<th>jump</th><th>start</th></tr>{rows}</table>")
        lines = [
            f'<div class="cx-formula">unit ({i},{j}) of the last layer sees input rows {fmt(r0)}…{fmt(r1)}, columns {fmt(c0)}…{fmt(c1)}: '
            f"{recs[-1].size}×{recs[-1].size} pixels</div>",
        ]
        if notes:
            lines.append(f'<div class="cx-note">The region reaches past the border into the zero padding in: '
                         f"{esc(', '.join(notes))} (drawn clipped).</div>")
        lines.append(table)
        lines.append('<div class="cx-note">size_l = size_{l−1} + (F_l − 1)·jump_{l−1}, jump_l = jump_{l−1}·S_l: '
                     "after a 2×2 pooling each later convolution sees twice the region (Lecture 3.6).</div>")
        return svg.render() + "\n" + "\n".join(lines)
