"""Explorers 3a and 3b: participation counts, and receptive fields through a stack (Lecture §2.5, §2.9, §3.6)."""

from __future__ import annotations

import numpy as np

from ..arithmetic import conv_output_size, participation_counts, receptive_field
from .base import Control, Explorer, check_int, choices
from .draw import CELL, Grid, Row, esc, fmt, heat, svg

__all__ = ["ParticipationCounts", "ReceptiveField", "STACKS"]

#: (label, input size, layers as (kind, F, S, P)) of the stack view.
STACKS = (
    ("conv 3×3 → conv 3×3 (input 7×7)", 7, (("conv", 3, 1, 0), ("conv", 3, 1, 0))),
    ("conv 3×3 → pool 2×2 → conv 3×3 (Lecture 3.6, input 12×12)", 12,
     (("conv", 3, 1, 0), ("pool", 2, 2, 0), ("conv", 3, 1, 0))),
    ("LeNet-5: conv 5×5 → pool 2×2 → conv 5×5 → pool 2×2 (input 32×32)", 32,
     (("conv", 5, 1, 0), ("pool", 2, 2, 0), ("conv", 5, 1, 0), ("pool", 2, 2, 0))),
    ("3 × conv 3×3 with padding 1 (input 8×8)", 8, (("conv", 3, 1, 1), ("conv", 3, 1, 1), ("conv", 3, 1, 1))),
)


class ParticipationCounts(Explorer):
    """How often each input pixel takes part in a convolution (Lecture §2.9).

    Choose L, F, S, P; the L×L map of :func:`cnnlab.arithmetic.participation_counts`
    (how many filter positions use each input pixel = how many terms its
    gradient sums), coloured by count. A combination that
    :func:`~cnnlab.arithmetic.conv_output_size` rejects is shown with its
    message and the floored counts the kernels would use.

    Parameters
    ----------
    sizes, filters, strides, paddings : sequences of int
        Choices of L, F, S, P; defaults (4, 5, 6, 7, 8), (2, 3, 5), (1, 2), (0, 1)
        (sizes and filters ints in 1…16, strides in 1…16, paddings in 0…8).

    Controls: L, F, S, P. No stepper.
    """

    title = "Participation counts (Lecture 2.9)"

    def __init__(self, sizes=(4, 5, 6, 7, 8), filters=(2, 3, 5), strides=(1, 2), paddings=(0, 1)):
        self.controls = (
            choices("L", "input size L", sizes, 6 if 6 in sizes else None, arg="sizes", lo=1, hi=16),
            choices("F", "filter F", filters, 3 if 3 in filters else None, arg="filters", lo=1, hi=16),
            choices("S", "stride S", strides, arg="strides", lo=1, hi=16),
            choices("P", "padding P", paddings, arg="paddings", lo=0, hi=8),
        )
        self._data: dict = {}

    def data(self, state) -> dict:
        """L' (or the ValueError of conv_output_size) and the counts (None when the filter does not fit)."""
        key = (state["L"], state["F"], state["S"], state["P"])
        if key not in self._data:
            try:
                Lo = conv_output_size(*key)
            except ValueError as err:
                Lo = err
            try:
                counts = participation_counts(key[0], key[0], *key[1:])
            except ValueError:  # the filter does not fit at all: nothing to count
                counts = None
            self._data[key] = {"Lo": Lo, "counts": counts}
        return self._data[key]

    def alt_text(self, state) -> str:
        L, F, S, P = state["L"], state["F"], state["S"], state["P"]
        d = self.data(state)
        if d["counts"] is None:
            return f"Input {L}×{L}, filter {F}×{F}, stride {S}, padding {P}: the filter does not fit; nothing to count."
        c = d["counts"]
        valid = "" if not isinstance(d["Lo"], Exception) else " (not a valid size: floored as the kernels do)"
        return (f"Participation counts of a {L}×{L} input, F={F}, S={S}, P={P}{valid}: "
                f"from {int(c.min())} to {int(c.max())}, corner pixel {int(c[0, 0])}, sum {int(c.sum())}.")

    def render_state(self, state) -> str:
        L, F, S, P = state["L"], state["F"], state["S"], state["P"]
        d = self.data(state)
        lines = []
        if isinstance(d["Lo"], Exception):
            lines.append(f'<div class="cx-error">ValueError: {esc(str(d["Lo"]))}</div>')
            if d["counts"] is None:
                return lines[0]
            lines.append('<div class="cx-note">Drawn as the kernels floor it: pixels the filter never reaches count 0.</div>')
        else:
            Lo = d["Lo"]
            lines.append(f'<div class="cx-formula">L\' = ({L} − {F} + 2·{P})/{S} + 1 = {Lo}: {Lo * Lo} filter '
                         f"positions × {F * F} taps</div>")
        counts = d["counts"]
        vmax = float(counts.max()) or 1.0
        grid = Grid(counts, caption=f"participation counts, {L}×{L} input, F={F}, S={S}, P={P}",
                    fills=[[heat(v, vmax) for v in row] for row in counts])
        lines.insert(0, svg(grid))
        lines.append(f'<div class="cx-formula">Σ counts = {int(counts.sum())}; max {int(counts.max())}, '
                     f"min {int(counts.min())}</div>")
        lines.append('<div class="cx-note">Each number says how often that input pixel took part in the forward pass, '
                     "so how many δ·w terms its gradient ∂E/∂x sums (Lecture 2.9, 3.8). "
                     "Border pixels take part less often unless padded.</div>")
        return "\n".join(lines)


class ReceptiveField(Explorer):
    """The receptive field of a unit through a stack of layers (Lecture §2.5, §3.6).

    Choose a conv/pool stack; step over the units of its last layer: the
    region each unit sees is marked in every layer down to the input, with
    size, jump and start per layer from :func:`cnnlab.arithmetic.receptive_field`.

    Parameters
    ----------
    stacks : sequence of (label, input size, layers), default :data:`STACKS`
        ``layers`` as for ``receptive_field``: (kind, F, S, P) each.
    stack : int, default 1
        Index of the stack shown first.

    Controls: stack; stepper: output unit (with play).
    """

    title = "Receptive field through a stack of layers (Lecture 2.5, 3.6)"
    stepper = "output unit"
    playable = True
    play_interval_ms = 500

    def __init__(self, stacks=STACKS, stack=1):
        self.stacks = tuple(stacks)
        if not self.stacks:
            raise ValueError("stacks: give at least one (label, input size, layers)")
        check_int("stack", stack, 0, len(self.stacks) - 1)
        self._maps = []
        for label, n, layers in self.stacks:
            if not layers:
                raise ValueError(f"stacks: {label!r} has no layers")
            sizes = [n]
            for kind, F, S, P in layers:
                sizes.append(conv_output_size(sizes[-1], F, S, P))  # a bad stack raises the teaching message
            self._maps.append(sizes)
        self.controls = (Control("stack", "stack", tuple((s[0], k) for k, s in enumerate(self.stacks)), stack),)

    def n_steps(self, state) -> int:
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

    def alt_text(self, state) -> str:
        k, unit = state["stack"], state["step"]
        n_out = self._maps[k][-1]
        i, j = divmod(unit, n_out)
        (r0, r1), (c0, c1) = self.region(k, unit, 0)
        size = receptive_field(self.stacks[k][2])[-1].size
        return (f"Unit ({i},{j}) of the last {n_out}×{n_out} map sees input rows {r0}–{r1}, columns {c0}–{c1}: "
                f"a {size}×{size} receptive field, marked in every layer.")

    def render_state(self, state) -> str:
        k, unit = state["stack"], state["step"]
        label, n_in, layers = self.stacks[k]
        maps = self._maps[k]
        recs = receptive_field(layers)
        names = ["input"] + [f"{kind} {F}×{F}" + (f" S{S}" if S > 1 else "") + (f" P{P}" if P else "")
                             for kind, F, S, P in layers]
        notes, panels = [], []
        for layer, n in enumerate(maps):
            cell = max(6, min(CELL, 190 // n))
            grid = Grid(np.zeros((n, n)), cell=cell, caption=f"{names[layer]}: {n}×{n}", text=False)
            (r0, r1), (c0, c1) = self.region(k, unit, layer)
            cr0, cr1, cc0, cc1 = max(r0, 0), min(r1, n - 1), max(c0, 0), min(c1, n - 1)
            grid.mark(cr0, cc0, cr1 - cr0 + 1, cc1 - cc0 + 1, "cx-out" if layer == len(maps) - 1 else "cx-win")
            if (r0, c0) != (cr0, cc0) or (r1, c1) != (cr1, cc1):
                notes.append(names[layer])
            panels.append(grid)
        (r0, r1), (c0, c1) = self.region(k, unit, 0)
        i, j = divmod(unit, maps[-1])
        rows = "".join(
            f"<tr><td>{esc(names[t + 1])}</td><td>{maps[t + 1]}×{maps[t + 1]}</td>"
            f"<td>{r.size}×{r.size}</td><td>{r.jump}</td><td>{fmt(r.start)}</td></tr>"
            for t, r in enumerate(recs)
        )
        table = ('<table class="cx-table"><tr><th>layer</th><th>output</th><th>receptive field</th>'
                 f"<th>jump</th><th>start</th></tr>{rows}</table>")
        lines = [
            svg(Row(*panels)),
            f'<div class="cx-formula">unit ({i},{j}) of the last layer sees input rows {fmt(r0)}…{fmt(r1)}, '
            f"columns {fmt(c0)}…{fmt(c1)}: {recs[-1].size}×{recs[-1].size} pixels</div>",
        ]
        if notes:
            lines.append(f'<div class="cx-note">The region reaches past the border into the zero padding in: '
                         f"{esc(', '.join(notes))} (drawn clipped).</div>")
        lines.append(table)
        lines.append('<div class="cx-note">size_l = size_{l−1} + (F_l − 1)·jump_{l−1}, jump_l = jump_{l−1}·S_l: '
                     "after a 2×2 pooling each later convolution sees twice the region (Lecture 3.6).</div>")
        return "\n".join(lines)
