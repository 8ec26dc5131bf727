r"""The lecture's own backward route through a convolution layer (Lecture §3.8–3.13).

Step by step, as on the slides:

1. §3.9 — for stride ``S > 1`` insert ``S − 1`` zeros between the entries of the
   sensitivity map ``δ^l``: this restores the map a stride-1 scan would have had
   (:func:`dilate_sensitivity`).
2. §3.8 — zero-pad it by ``F − 1`` and correlate with the filter rotated by 180°
   (:func:`rotate180`): a "full" convolution (:func:`full_convolution`).
3. §3.10–3.12 — do that per input channel ``d`` with that channel's weights and
   sum over the filters ``n = 0 … N−1``:
   ``∂E/∂a^{l−1}_d = Σ_n δ^l_n * W^l_{n,d}``.
4. §3.13 — weight gradient: the input correlated with the (stride-1) ``δ``;
   bias gradient ``Σ δ``.

Slower than :func:`cnnlab.conv.conv2d_backward` (Python loops over filters and
channels) but written to be read beside the slides; the tests check that both agree.
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array, as_pair
from .conv import MAX_NUMBERS, Conv2dCache, check_backward_args
from .padding import pad

__all__ = ["dilate_sensitivity", "rotate180", "full_convolution", "conv2d_backward_textbook"]


def dilate_sensitivity(delta, S) -> np.ndarray:
    r"""Insert ``S − 1`` zeros between neighbouring entries of a sensitivity map (Lecture §3.9).

    Parameters
    ----------
    delta : array_like, shape (..., H', W')
        Sensitivity map of a stride-``S`` layer (any leading axes, e.g. (B, N)).
    S : int or (int, int)
        The layer's stride.

    Returns
    -------
    numpy.ndarray, shape (..., (H' − 1)·S_h + 1, (W' − 1)·S_w + 1)
        The stride-1 map: entry ``(i, j)`` of ``delta`` at ``(i·S_h, j·S_w)``,
        zeros in between (positions the strided scan skipped do not affect E).

    Notes
    -----
    .. math:: \tilde\delta_{iS,\, jS} = \delta_{i,j}, \qquad \tilde\delta_{u,v} = 0 \text{ otherwise}
    """
    delta = as_float_array(delta, "delta")
    if delta.ndim < 2:
        raise ValueError(f"delta must have at least 2 axes (..., H', W'); got shape {delta.shape}")
    Sh, Sw = as_pair(S, "S", 1)
    Ho, Wo = delta.shape[-2:]
    size = int(np.prod(delta.shape[:-2])) * max(0, (Ho - 1) * Sh + 1) * max(0, (Wo - 1) * Sw + 1)
    if size > MAX_NUMBERS:
        raise ValueError(f"S={S!r} would dilate delta {delta.shape} to more than {MAX_NUMBERS:,} numbers")
    out = np.zeros(delta.shape[:-2] + ((Ho - 1) * Sh + 1, (Wo - 1) * Sw + 1), dtype=delta.dtype)
    out[..., ::Sh, ::Sw] = delta
    return out


def rotate180(w) -> np.ndarray:
    r"""The filter rotated by 180° (flipped up–down and left–right), Lecture §3.8.

    Parameters
    ----------
    w : array_like, shape (..., F_h, F_w)

    Returns
    -------
    numpy.ndarray, same shape
        ``rot[..., m, n] = w[..., F_h − 1 − m, F_w − 1 − n]`` (a copy).
    """
    w = np.asarray(w)
    if w.ndim < 2:
        raise ValueError(f"w must have at least 2 axes (..., F_h, F_w); got shape {w.shape}")
    return w[..., ::-1, ::-1].copy()


def full_convolution(delta, w) -> np.ndarray:
    r"""Full convolution ``δ * W``: zero-pad δ by ``F − 1``, correlate with the rotated filter.

    Lecture §3.8: ``∂E/∂a^{l−1} = δ^l * W^l``.

    Parameters
    ----------
    delta : array_like, shape (..., H_δ, W_δ)
        A (stride-1) sensitivity map; leading axes (e.g. the batch) are kept.
    w : array_like, shape (F_h, F_w)
        One channel of one filter.

    Returns
    -------
    numpy.ndarray, shape (..., H_δ + F_h − 1, W_δ + F_w − 1)
        Equal to ``scipy.signal.convolve2d(delta, w, mode="full")`` for 2-D input.

    Notes
    -----
    With :math:`\hat\delta` the map padded by :math:`F-1` zeros on every side,

    .. math:: (\delta * W)_{i,j} = \sum_{m=0}^{F_h-1} \sum_{n=0}^{F_w-1}
        \mathrm{rot180}(W)_{m,n}\, \hat\delta_{i+m,\, j+n}
    """
    delta = as_float_array(delta, "delta")
    w = as_float_array(w, "w")
    if w.ndim != 2:
        raise ValueError(f"w must be 2-D (F_h, F_w); got shape {w.shape}")
    if delta.ndim < 2:
        raise ValueError(f"delta must have at least 2 axes (..., H, W); got shape {delta.shape}")
    Fh, Fw = w.shape
    padded = pad(delta, (Fh - 1, Fw - 1))  # (..., H_δ + 2(F_h − 1), W_δ + 2(F_w − 1))
    rot = rotate180(w)
    Hout, Wout = delta.shape[-2] + Fh - 1, delta.shape[-1] + Fw - 1
    out = np.zeros(delta.shape[:-2] + (Hout, Wout), dtype=np.result_type(delta, w))
    for m in range(Fh):
        for n in range(Fw):
            out += rot[m, n] * padded[..., m : m + Hout, n : n + Wout]
    return out


def conv2d_backward_textbook(dout, cache: Conv2dCache):
    r"""Convolution backward pass by the lecture's route (§3.8–3.13); agrees with
    :func:`cnnlab.conv.conv2d_backward`.

    Parameters
    ----------
    dout : array_like, shape (B, N, H', W')
        Sensitivity map ``δ^l``.
    cache : Conv2dCache
        From :func:`cnnlab.conv.conv2d_forward`.

    Returns
    -------
    dx : numpy.ndarray, shape (B, D, H, W)
        ``∂E/∂a^{l−1}`` (times ``f'(net^{l−1})`` it is ``δ^{l−1}``).
    dw : numpy.ndarray, shape (N, D, F_h, F_w)
    db : numpy.ndarray, shape (N,)

    Notes
    -----
    With :math:`\tilde\delta` the zero-inserted map of §3.9 and :math:`\hat a`
    the zero-padded input:

    .. math::
        \frac{\partial E}{\partial a^{l-1}_d} = \sum_{n=0}^{N-1} \tilde\delta^l_n * W^l_{n,d}
        \quad (§3.12), \qquad
        \frac{\partial E}{\partial w_{n,d,m,q}} = \sum_{b,i,j} \tilde\delta_{b,n,i,j}\, \hat a_{b,d,i+m,j+q}
        \quad (§3.13), \qquad
        \frac{\partial E}{\partial w_{b,n}} = \sum_{b,i,j} \delta_{b,n,i,j}
    """
    dout, _ = check_backward_args(dout, cache)
    x, w, S, (Ph, Pw) = cache.x, cache.w, cache.stride, cache.padding
    (B, D, H, W), N, (Fh, Fw) = x.shape, w.shape[0], w.shape[2:]
    delta = dilate_sensitivity(dout, S)  # (B, N, H1, W1): the stride-1 map (§3.9)
    H1, W1 = delta.shape[2:]

    # §3.8–3.12: δ^{l−1}_d = Σ_n δ^l_n * W^l_{n,d}, on the padded input's grid
    dxp = np.zeros((B, D, H + 2 * Ph, W + 2 * Pw), dtype=x.dtype)
    for d in range(D):
        for n in range(N):
            part = full_convolution(delta[:, n], w[n, d])  # (B, H1 + F_h − 1, W1 + F_w − 1)
            dxp[:, d, : part.shape[1], : part.shape[2]] += part  # rows beyond: never reached (floor)
    dx = dxp[:, :, Ph : Ph + H, Pw : Pw + W].copy()

    # §3.13: ∂E/∂w_{n,d} = (padded input channel d) correlated with δ_n, summed over the batch
    xp = pad(x, (Ph, Pw))
    dw = np.zeros_like(w)
    for n in range(N):
        for d in range(D):
            for m in range(Fh):
                for q in range(Fw):
                    dw[n, d, m, q] = np.sum(delta[:, n] * xp[:, d, m : m + H1, q : q + W1])
    db = dout.sum(axis=(0, 2, 3))
    return dx, dw, db
