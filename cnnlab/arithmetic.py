r"""Convolution arithmetic: output sizes, participation counts, the equivalent
fully-connected matrix and receptive fields (Lecture §2.3–2.5, §2.9, §3.1–3.6).

Notation as in the package docstring: input height/width ``H, W`` (the lecture's
H and L), filter size ``F``, stride ``S``, zero padding ``P``.
"""

from __future__ import annotations

from typing import NamedTuple, Sequence

import numpy as np

from ._checks import as_float_array, as_pair, check_int

__all__ = [
    "output_size",
    "conv_output_size",
    "participation_counts",
    "conv_as_matrix",
    "receptive_field",
    "ReceptiveFieldRecord",
]


def _fmt(v: float) -> str:
    """2.3333 -> '2.33', 2.5 -> '2.5', 3.0 -> '3'."""
    return f"{v:.2f}".rstrip("0").rstrip(".")


def _formula(L: int, F: int, S: int, P: int) -> str:
    return f"({L} − {F} + 2·{P})/{S} + 1"


def output_size(L: int, F: int, S: int = 1, P: int = 0) -> int:
    r"""Floored output length along one axis, :math:`\lfloor (L - F + 2P)/S \rfloor + 1`.

    The one output-size formula of the package: the kernels (:mod:`cnnlab.conv`,
    :mod:`cnnlab.pool`) and the layers' ``output_shape`` use it, and the strict
    teaching version :func:`conv_output_size` is built on it. Like PyTorch, a
    filter's last step that would overhang the padded input is dropped.

    Parameters
    ----------
    L, F, S, P : int
        Input length, filter size, stride, padding (already checked ints).

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If the filter is larger than the padded input (no output at all).
    """
    span = L - F + 2 * P
    if span < 0:
        raise ValueError(
            f"the filter (F={F}) is larger than the padded input (L + 2P = {L} + 2·{P} = {L + 2 * P}): "
            f"{_formula(L, F, S, P)} = {_fmt(span / S + 1)} is not a positive size; "
            f"use a filter of at most {L + 2 * P} or a padding of at least {-(-(F - L) // 2)}"
        )
    return span // S + 1


#: How far from the given stride :func:`conv_output_size` looks for a valid one (bounded, so
#: that a hint for L = 10**10 costs microseconds, not a loop over every divisor candidate).
_HINT_WINDOW = 10_000


def _nearest_padding(L: int, F: int, S: int, P: int) -> int | None:
    """The padding ``p >= 0`` nearest ``P`` (the smaller on a tie) with ``(L − F + 2p) mod S = 0``,
    by modular arithmetic; ``None`` if there is none (``L − F`` odd and ``S`` even)."""
    r = (F - L) % S  # need 2p ≡ r (mod S)
    if S % 2 == 0:
        if r % 2:
            return None
        period, p0 = S // 2, (r // 2) % (S // 2)
    else:
        period, p0 = S, (r * pow(2, -1, S)) % S
    above = P + (p0 - P) % period  # the first solution >= P
    below = above - period
    return below if below >= 0 and P - below <= above - P else above


def _nearest_stride(span: int, S: int) -> tuple[int, bool]:
    """A divisor ``s`` of ``span`` near ``S``, and whether it is certainly the nearest one
    (every candidate within ``_HINT_WINDOW`` of ``S`` is tried; 1 always divides)."""
    low = max(1, S - _HINT_WINDOW)
    window = [s for s in range(low, S + _HINT_WINDOW + 1) if span % s == 0]
    if window:
        return min(window, key=lambda s: (abs(s - S), s)), True
    return (span if abs(span - S) < abs(S - 1) else 1), low == 1


def conv_output_size(L: int, F: int, S: int = 1, P: int = 0, *, floor: bool = False) -> int:
    r"""Output length of a convolution (or pooling) along one axis.

    Defined in Lecture §3.4 (with §3.1–3.3 as special cases).

    Parameters
    ----------
    L : int
        Input length (height ``H`` or width ``W``), ``L >= 1``.
    F : int
        Filter size along this axis, ``F >= 1``.
    S : int, default 1
        Stride, ``S >= 1``.
    P : int, default 0
        Zero padding on each side, ``P >= 0``.
    floor : bool, default False
        ``False`` (strict, for teaching): a non-integer result raises.
        ``True`` (what the kernels use, like PyTorch): round down, i.e. the
        last ``(L − F + 2P) mod S`` rows/columns of the padded input are never
        covered by the filter and are simply unused.

    Returns
    -------
    int
        ``L' = (L − F + 2P)/S + 1``.

    Raises
    ------
    ValueError
        If the filter is larger than the padded input, or (``floor=False``) if
        the result is not an integer. The message shows the formula with the
        numbers substituted and names the nearest valid padding and stride.
    TypeError
        If an argument is not an int.

    Notes
    -----
    .. math:: L' = \frac{L - F + 2P}{S} + 1

    Examples
    --------
    >>> conv_output_size(32, 5)
    28
    >>> conv_output_size(7, 3, S=3, floor=True)
    2
    """
    L = check_int(L, "L", 1)
    F = check_int(F, "F", 1)
    S = check_int(S, "S", 1)
    P = check_int(P, "P", 0)
    size = output_size(L, F, S, P)
    span = L - F + 2 * P
    if span % S == 0 or floor:
        return size
    hints = []
    p = _nearest_padding(L, F, S, P)
    if p is not None:
        hints.append(f"nearest valid padding: P={p} gives {_formula(L, F, S, p)} = {(L - F + 2 * p) // S + 1}")
    s, nearest = _nearest_stride(span, S)
    hints.append(f"{'nearest' if nearest else 'a'} valid stride: S={s} gives {_formula(L, F, s, P)} = {span // s + 1}")
    raise ValueError(
        f"{_formula(L, F, S, P)} = {_fmt(span / S + 1)} is not an integer "
        f"(the filter's last step would overhang the padded input by {S - span % S}); "
        + "; ".join(hints)
        + " (the kernels accept floor=True and drop the unused trailing rows/columns, like PyTorch)"
    )


def _sizes_2d(H, W, F, S, P):
    H = check_int(H, "H", 1)
    W = check_int(W, "W", 1)
    Fh, Fw = as_pair(F, "F", 1)
    Sh, Sw = as_pair(S, "S", 1)
    Ph, Pw = as_pair(P, "P", 0)
    Ho = output_size(H, Fh, Sh, Ph)
    Wo = output_size(W, Fw, Sw, Pw)
    return H, W, (Fh, Fw), (Sh, Sw), (Ph, Pw), (Ho, Wo)


#: Most work (array entries, loop steps) the two helpers below take on: they draw the lecture's
#: small examples, and a typo such as H=10**6 should raise at once, not fill the memory or hang.
MAX_DRAWN = 10**7


def _check_drawable(n: int, what: str) -> None:
    if n > MAX_DRAWN:
        raise ValueError(f"{what} would take {n:,} steps; this helper draws the lecture's small "
                         f"examples (at most {MAX_DRAWN:,})")


def participation_counts(H: int, W: int, F, S=1, P=0) -> np.ndarray:
    r"""How many output positions use each input pixel (Lecture §2.9).

    Parameters
    ----------
    H, W : int
        Input height and width.
    F : int or (int, int)
        Filter size ``F`` or ``(F_h, F_w)``.
    S : int or (int, int), default 1
        Stride.
    P : int or (int, int), default 0
        Zero padding (padded zeros are not counted; only real pixels are returned).

    Returns
    -------
    numpy.ndarray of int64, shape (H, W)
        ``counts[i, j]`` = number of filter positions whose window covers pixel
        ``(i, j)``, i.e. how often ``x[i, j]`` acts in the forward pass and so how
        many terms its gradient ``∂E/∂x[i, j]`` sums (Lecture §3.8).

    Notes
    -----
    Sizes where ``(H − F + 2P)`` is not a multiple of ``S`` are floored like the
    kernels: trailing pixels the filter never reaches get count 0.

    .. math:: c_{i,j} = \#\{(i', j') : 0 \le i + P - i'S < F_h,\ 0 \le j + P - j'S < F_w\}
    """
    H, W, (Fh, Fw), (Sh, Sw), (Ph, Pw), (Ho, Wo) = _sizes_2d(H, W, F, S, P)
    _check_drawable((H + 2 * Ph) * (W + 2 * Pw), "the padded count map")
    _check_drawable(Fh * Fw * (Ho * Wo + 100), "counting every filter offset")
    counts = np.zeros((H + 2 * Ph, W + 2 * Pw), dtype=np.int64)
    for m in range(Fh):  # one pass per filter offset, like col2im
        for n in range(Fw):
            counts[m : m + Sh * Ho : Sh, n : n + Sw * Wo : Sw] += 1
    return counts[Ph : Ph + H, Pw : Pw + W].copy()


def conv_as_matrix(H: int, W: int, F, S=1, P=0, w=None) -> np.ndarray:
    r"""The ``(H'·W', H·W)`` matrix of the fully-connected layer equal to a convolution.

    Lecture §2.3 (the 0/1 matrix of the 4×4 "■■" task: 9 rows, not the slide's
    10) and §2.4 (the same detectors as a 2×2 convolution with shared weights).

    Parameters
    ----------
    H, W : int
        Input height and width; the image is flattened row by row (展平).
    F : int or (int, int)
        Filter size.
    S : int or (int, int), default 1
        Stride.
    P : int or (int, int), default 0
        Zero padding (a padded zero contributes nothing, so it has no column).
    w : array_like, shape (F_h, F_w), optional
        The shared filter weights. ``None`` gives the 0/1 pattern: 1 marks the
        weights that matter for each output.

    Returns
    -------
    numpy.ndarray, shape (H'·W', H·W)
        ``M`` with ``M @ x.ravel() == conv2d(x, w).ravel()`` (single channel, no
        bias); int64 0/1 when ``w`` is None, else ``w``'s float dtype.

    Notes
    -----
    Row ``r = i·W' + j`` (output pixel ``(i, j)``) has entry ``w_{m,n}`` in column
    ``(iS + m − P)·W + (jS + n − P)``:

    .. math:: a_{i,j} = \sum_{m,n} w_{m,n}\, x_{iS+m-P,\; jS+n-P} = (M\,\mathrm{vec}(x))_{iW'+j}
    """
    H, W, (Fh, Fw), (Sh, Sw), (Ph, Pw), (Ho, Wo) = _sizes_2d(H, W, F, S, P)
    _check_drawable(Ho * Wo * H * W, f"the ({Ho}·{Wo}, {H}·{W}) matrix")
    _check_drawable(20 * Ho * Wo * Fh * Fw, "filling the matrix entry by entry")
    if w is None:
        weights = np.ones((Fh, Fw), dtype=np.int64)
    else:
        weights = as_float_array(w, "w")
        if weights.shape != (Fh, Fw):
            raise ValueError(f"w must have shape (F_h, F_w) = {(Fh, Fw)}; got {weights.shape}")
    M = np.zeros((Ho * Wo, H * W), dtype=weights.dtype)
    for i in range(Ho):
        for j in range(Wo):
            for m in range(Fh):
                for n in range(Fw):
                    r, c = i * Sh + m - Ph, j * Sw + n - Pw
                    if 0 <= r < H and 0 <= c < W:
                        M[i * Wo + j, r * W + c] = weights[m, n]
    return M


class ReceptiveFieldRecord(NamedTuple):
    """One layer of :func:`receptive_field`.

    ``size``: receptive field in input pixels after this layer; ``jump``: distance
    in input pixels between neighbouring units of this layer (product of strides);
    ``start``: input coordinate of the centre of the first unit's receptive field
    (pixel centres at 0, 1, 2, …; negative when padding reaches outside the image).
    """

    kind: str
    F: int
    S: int
    P: int
    size: int
    jump: int
    start: float


def receptive_field(layers: Sequence) -> list[ReceptiveFieldRecord]:
    r"""Receptive field size, jump and start of each layer of a stack (Lecture §2.5, §3.6).

    Parameters
    ----------
    layers : sequence of tuple
        ``(kind, F, S, P)`` per layer, ``kind`` in ``{"conv", "pool"}``
        (``P`` may be left out: ``(kind, F, S)`` means ``P = 0``).

    Returns
    -------
    list of ReceptiveFieldRecord
        One record per layer with fields ``kind, F, S, P, size, jump, start``.

    Notes
    -----
    Starting from one input pixel (``r_0 = 1, j_0 = 1, s_0 = 0``):

    .. math::
        r_l = r_{l-1} + (F_l - 1)\, j_{l-1}, \qquad j_l = j_{l-1} S_l, \qquad
        s_l = s_{l-1} + \left(\tfrac{F_l - 1}{2} - P_l\right) j_{l-1}

    Example: after a 2×2 pooling each later 3×3 convolution sees a region twice
    as wide in the original image (Lecture §3.6).

    >>> stack = [("conv", 3, 1, 0), ("pool", 2, 2, 0), ("conv", 3, 1, 0)]
    >>> [r.size for r in receptive_field(stack)]
    [3, 4, 8]
    """
    if isinstance(layers, (str, bytes)) or not hasattr(layers, "__iter__"):
        raise TypeError(f"layers must be a sequence of (kind, F, S, P) tuples; got {layers!r}")
    records = []
    size, jump, start = 1, 1, 0.0
    for k, layer in enumerate(layers):
        if not isinstance(layer, (tuple, list)) or len(layer) not in (3, 4):
            raise ValueError(f"layers[{k}] must be a (kind, F, S, P) tuple; got {layer!r}")
        kind, F, S = layer[0], layer[1], layer[2]
        P = layer[3] if len(layer) == 4 else 0
        if not isinstance(kind, str) or kind.lower() not in ("conv", "pool"):
            raise ValueError(f"layers[{k}] kind must be 'conv' or 'pool'; got {kind!r}")
        F = check_int(F, f"layers[{k}] F", 1)
        S = check_int(S, f"layers[{k}] S", 1)
        P = check_int(P, f"layers[{k}] P", 0)
        size, start, jump = size + (F - 1) * jump, start + ((F - 1) / 2 - P) * jump, jump * S
        records.append(ReceptiveFieldRecord(kind.lower(), F, S, P, size, jump, start))
    return records
