r"""2-D convolution layer: the lecture's loops, and the same layer as im2col + GEMM.

Lecture §3.1–3.5 (forward) and §3.8–3.13 (backward). Like every deep-learning
library, "convolution" here is cross-correlation: the filter is not flipped.

Shapes: x ``(B, D, H, W)``, w ``(N, D, F_h, F_w)``, b ``(N,)``, output
``(B, N, H', W')`` with ``H' = ⌊(H − F_h + 2P_h)/S_h⌋ + 1`` (likewise ``W'``).

Read this module in three steps:

1. :func:`conv2d_naive` and :func:`conv2d_backward_naive` — the formulas of the
   slides as loops over images, filters and output positions.
2. :func:`im2col`, :func:`col2im`, :func:`conv2d_forward_im2col` and
   :func:`conv2d_backward_im2col` — the fully-connected view of §2.3–2.4: every
   receptive field becomes a column, the layer one matrix product.
3. :func:`conv2d_forward` and :func:`conv2d_backward` — what the layers call:
   the same im2col + GEMM, run by the private speed engine
   (:mod:`cnnlab._conv_engine`: chunks of the batch, reused buffers, blocked
   products), checked against steps 1–2 by the tests and against PyTorch by
   ``bench/bench_kernels.py``.

Sizes where ``(H − F + 2P)`` is not a multiple of ``S`` are accepted and floored
like PyTorch: the last ``(H − F + 2P) mod S`` rows (columns) of the padded input
are never reached by the filter; their gradient is zero. Use
:func:`cnnlab.arithmetic.conv_output_size` (strict) to teach or check a size.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import _conv_engine
from ._checks import as_float_array, as_pair, check_ndim, check_shape, result_float_dtype
from .arithmetic import output_size
from .padding import crop, pad

__all__ = [
    "Conv2dCache",
    "check_backward_args",
    "im2col",
    "col2im",
    "conv2d_naive",
    "conv2d_backward_naive",
    "conv2d_forward_im2col",
    "conv2d_backward_im2col",
    "conv2d_forward",
    "conv2d_backward",
]

#: Most numbers one convolution may produce or pad to (2**31): beyond it a typo in a size
#: (padding=10**6) gives a ValueError at once instead of an attempt to fill the memory.
MAX_NUMBERS = 2**31


class Conv2dCache(NamedTuple):
    """What the forward pass keeps for the backward pass — an immutable value.

    ``x`` (B, D, H, W) and ``w`` (N, D, F_h, F_w) in the dtype computed with
    (float32 or float64; ``x`` is the forward pass's own copy), ``stride`` and
    ``padding`` as pairs, and ``cols``: the forward pass's im2col columns, read
    only, when the speed engine kept them (small batches), else ``None``.
    Backward passes only read it: a second backward pass on one cache gives the
    same result as the first.
    """

    x: np.ndarray
    w: np.ndarray
    stride: tuple[int, int]
    padding: tuple[int, int]
    cols: np.ndarray | None = None


def _prepare(x, w, b, stride, padding):
    """Check and cast the conv arguments; return them with the output size (H', W')."""
    x = as_float_array(x, "x")
    w = as_float_array(w, "w")
    b = as_float_array(b, "b")
    check_ndim(x, "x", 4, "(B, D, H, W)")
    check_ndim(w, "w", 4, "(N, D, F_h, F_w)")
    S = as_pair(stride, "stride", 1)
    P = as_pair(padding, "padding", 0)
    if w.shape[1] != x.shape[1]:
        raise ValueError(
            f"w has D={w.shape[1]} channels (w.shape[1]) but x has D={x.shape[1]} (x.shape[1]); "
            "a filter has the depth of its input (Lecture §3.5)"
        )
    for name, size, axes in (("x", x.shape[1], "channels D"), ("w", w.shape[0], "filters N"),
                             ("w", w.shape[2] * w.shape[3], "filter entries F_h·F_w")):
        if size == 0:
            raise ValueError(f"{name} has no {axes}: a convolution needs at least one (shapes x {x.shape}, w {w.shape})")
    check_shape(b, "b", (w.shape[0],), "one bias per filter: (N,) with N = w.shape[0]")
    out_hw = []
    for axis, name in ((0, "height"), (1, "width")):
        L, F = x.shape[2 + axis], w.shape[2 + axis]
        if F > L + 2 * P[axis]:
            raise ValueError(
                f"w's filter {name} F={F} is larger than x's padded {name} "
                f"{L} + 2·{P[axis]} = {L + 2 * P[axis]} (padding={padding!r})"
            )
        out_hw.append(output_size(L, F, S[axis], P[axis]))
    B, D, N = x.shape[0], x.shape[1], w.shape[0]
    padded = B * D * (x.shape[2] + 2 * P[0]) * (x.shape[3] + 2 * P[1])
    if max(padded, B * N * out_hw[0] * out_hw[1]) > MAX_NUMBERS:
        raise ValueError(f"padding={padding!r} with x of shape {x.shape} would need more than {MAX_NUMBERS:,} "
                         "numbers; check the padding and the sizes")
    dtype = result_float_dtype(x, w, b)
    return x.astype(dtype, copy=False), w.astype(dtype, copy=False), b.astype(dtype, copy=False), S, P, tuple(out_hw)


def conv2d_naive(x, w, b, stride=1, padding=0) -> np.ndarray:
    r"""Convolution layer forward pass as the lecture writes it: explicit loops.

    The oracle the other versions are tested against, and the code to read;
    not for speed (hundreds of times slower than :func:`conv2d_forward`,
    see ``bench/``).

    Parameters
    ----------
    x : array_like, shape (B, D, H, W)
        Input batch (layer l−1's feature maps ``a``).
    w : array_like, shape (N, D, F_h, F_w)
        N filters, each with the input's depth D.
    b : array_like, shape (N,)
        One bias ``w_b`` per filter.
    stride : int or (int, int), default 1
        ``S``.
    padding : int or (int, int), default 0
        Zero padding ``P`` on each side.

    Returns
    -------
    numpy.ndarray, shape (B, N, H', W')
        ``net`` (no activation applied).

    Notes
    -----
    Lecture §3.5 (with stride and padding of §3.2–3.4), for filter ``k``:

    .. math::
        \mathrm{net}_{k,i,j} = \sum_{d=0}^{D-1} \sum_{m=0}^{F-1} \sum_{n=0}^{F-1}
        w_{k,d,m,n}\, x_{d,\, iS+m,\, jS+n} + w_{b,k}

    where ``x`` is the zero-padded input.
    """
    x, w, b, (Sh, Sw), P, (Ho, Wo) = _prepare(x, w, b, stride, padding)
    xp = pad(x, P)
    B, N, (Fh, Fw) = x.shape[0], w.shape[0], w.shape[2:]
    out = np.zeros((B, N, Ho, Wo), dtype=x.dtype)
    for bi in range(B):
        for k in range(N):
            for i in range(Ho):
                for j in range(Wo):
                    window = xp[bi, :, i * Sh : i * Sh + Fh, j * Sw : j * Sw + Fw]  # (D, F_h, F_w)
                    out[bi, k, i, j] = np.sum(w[k] * window) + b[k]  # Σ_d Σ_m Σ_n w·x + w_b
    return out


def check_backward_args(dout, cache):
    """Check a backward pass's arguments (shared with :mod:`cnnlab.conv_textbook`).

    Returns
    -------
    dout : numpy.ndarray, shape (B, N, H', W')
        In the cache's dtype.
    out_hw : (int, int)
        ``(H', W')``.

    Raises
    ------
    TypeError
        ``cache`` is not a :class:`Conv2dCache`.
    ValueError
        ``dout`` does not have the forward output's shape (no broadcasting).
    """
    if not isinstance(cache, Conv2dCache):
        raise TypeError(f"cache must be the Conv2dCache returned by conv2d_forward; got {type(cache).__name__}")
    x, w, (Sh, Sw), (Ph, Pw) = cache.x, cache.w, cache.stride, cache.padding
    Ho = output_size(x.shape[2], w.shape[2], Sh, Ph)
    Wo = output_size(x.shape[3], w.shape[3], Sw, Pw)
    dout = as_float_array(dout, "dout")
    check_shape(dout, "dout", (x.shape[0], w.shape[0], Ho, Wo), "(B, N, H', W'), the forward output's shape")
    return dout.astype(x.dtype, copy=False), (Ho, Wo)


def conv2d_backward_naive(dout, cache: Conv2dCache):
    r"""Convolution backward pass as explicit loops (the oracle).

    Each output position ``(i, j)`` of filter ``k`` sends ``δ_{k,i,j}·w_k`` back to
    the window it read, and adds ``δ_{k,i,j}·window`` to ``∂E/∂w_k``.

    Parameters
    ----------
    dout : array_like, shape (B, N, H', W')
        ``δ`` of the output.
    cache : Conv2dCache
        From :func:`conv2d_forward` (or built by hand: ``Conv2dCache(x, w, S, P)``).

    Returns
    -------
    dx : numpy.ndarray, shape (B, D, H, W)
    dw : numpy.ndarray, shape (N, D, F_h, F_w)
    db : numpy.ndarray, shape (N,)

    Notes
    -----
    .. math::
        \frac{\partial E}{\partial x_{d,iS+m,jS+n}} \mathrel{+}= \delta_{k,i,j}\, w_{k,d,m,n},\qquad
        \frac{\partial E}{\partial w_{k,d,m,n}} \mathrel{+}= \delta_{k,i,j}\, x_{d,iS+m,jS+n}
    """
    dout, (Ho, Wo) = check_backward_args(dout, cache)
    x, w, (Sh, Sw), P = cache.x, cache.w, cache.stride, cache.padding
    xp = pad(x, P)
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    (B, N), (Fh, Fw) = dout.shape[:2], w.shape[2:]
    for bi in range(B):
        for k in range(N):
            for i in range(Ho):
                for j in range(Wo):
                    rows, cols = slice(i * Sh, i * Sh + Fh), slice(j * Sw, j * Sw + Fw)
                    dxp[bi, :, rows, cols] += dout[bi, k, i, j] * w[k]
                    dw[k] += dout[bi, k, i, j] * xp[bi, :, rows, cols]
    return crop(dxp, P).copy(), dw, dout.sum(axis=(0, 2, 3))


def im2col(x: np.ndarray, F, S, P) -> np.ndarray:
    r"""Every receptive field of a batch as one column (Lecture §2.3–2.4).

    Parameters
    ----------
    x : numpy.ndarray, shape (B, D, H, W)
    F, S, P : (int, int)
        Filter size, stride and padding.

    Returns
    -------
    numpy.ndarray, shape (D·F_h·F_w, B·H'·W')
        Column ``(b, i, j)`` holds the window the filter reads for output
        position ``(i, j)`` of image ``b``, in the order of ``w[k].ravel()``.

    Notes
    -----
    One strided copy per filter offset ``(m, n)`` (not one per window): the
    pixels that meet weight ``w[:, :, m, n]`` at every output position are
    ``x[:, :, m::S, n::S]``.
    """
    (Fh, Fw), (Sh, Sw) = F, S
    B, D, H, W = x.shape
    Ho, Wo = output_size(H, Fh, Sh, P[0]), output_size(W, Fw, Sw, P[1])
    xp = pad(x, P)  # (B, D, H + 2P_h, W + 2P_w)
    cols = np.empty((B, D, Fh, Fw, Ho, Wo), dtype=x.dtype)
    for m in range(Fh):
        for n in range(Fw):
            cols[:, :, m, n] = xp[:, :, m : m + Sh * Ho : Sh, n : n + Sw * Wo : Sw]  # (B, D, H', W')
    # (B, D, F_h, F_w, H', W') -> (D, F_h, F_w, B, H', W') -> (D·F_h·F_w, B·H'·W')
    return cols.transpose(1, 2, 3, 0, 4, 5).reshape(D * Fh * Fw, B * Ho * Wo)


def col2im(dcols: np.ndarray, x_shape, F, S, P) -> np.ndarray:
    r"""Adjoint of :func:`im2col`: add every column back onto the pixels it came from.

    Parameters
    ----------
    dcols : numpy.ndarray, shape (D·F_h·F_w, B·H'·W')
    x_shape : (B, D, H, W)
    F, S, P : (int, int)

    Returns
    -------
    numpy.ndarray, shape (B, D, H, W)
        Each pixel gets the sum over every window it took part in (§2.9), so
        ``col2im(im2col(x))`` is ``x`` times its participation count.
    """
    (Fh, Fw), (Sh, Sw), (Ph, Pw) = F, S, P
    B, D, H, W = x_shape
    Ho, Wo = output_size(H, Fh, Sh, Ph), output_size(W, Fw, Sw, Pw)
    # (D·F_h·F_w, B·H'·W') -> (D, F_h, F_w, B, H', W') -> (B, D, F_h, F_w, H', W')
    dcols = dcols.reshape(D, Fh, Fw, B, Ho, Wo).transpose(3, 0, 1, 2, 4, 5)
    dxp = np.zeros((B, D, H + 2 * Ph, W + 2 * Pw), dtype=dcols.dtype)  # the padded input's gradient
    for m in range(Fh):
        for n in range(Fw):
            dxp[:, :, m : m + Sh * Ho : Sh, n : n + Sw * Wo : Sw] += dcols[:, :, m, n]
    return crop(dxp, P)  # the padding's gradient goes nowhere


def conv2d_forward_im2col(x, w, b, stride=1, padding=0) -> tuple[np.ndarray, Conv2dCache]:
    r"""Convolution forward pass as one matrix product (the fully-connected view, §2.3–2.4).

    Parameters and results as :func:`conv2d_forward`, which computes the same
    thing faster.

    Notes
    -----
    With :math:`X_{\text{col}}` of shape :math:`(D F_h F_w,\ B H' W')` holding
    every receptive field as a column and :math:`W_{\text{row}} = w` reshaped
    to :math:`(N,\ D F_h F_w)`,

    .. math:: \mathrm{net} = W_{\text{row}} X_{\text{col}} + w_b .
    """
    x, w, b, S, P, (Ho, Wo) = _prepare(x, w, b, stride, padding)
    B, N = x.shape[0], w.shape[0]
    cols = im2col(x, w.shape[2:], S, P)  # (D·F_h·F_w, B·H'·W')
    w_row = w.reshape(N, -1)  # (N, D, F_h, F_w) -> (N, D·F_h·F_w)
    net = w_row @ cols + b[:, None]  # (N, B·H'·W')
    out = net.reshape(N, B, Ho, Wo).transpose(1, 0, 2, 3)  # -> (B, N, H', W')
    return np.ascontiguousarray(out), Conv2dCache(x.copy(), w, S, P)


def conv2d_backward_im2col(dout, cache: Conv2dCache, *, input_grad: bool = True):
    r"""Convolution backward pass as matrix products and col2im (Lecture §3.8–3.13).

    Parameters and results as :func:`conv2d_backward`.

    Notes
    -----
    With ``δ`` reshaped to :math:`(N,\ B H' W')`:

    .. math::
        \frac{\partial E}{\partial W_{\text{row}}} = \delta\, X_{\text{col}}^{\top},\qquad
        \frac{\partial E}{\partial X_{\text{col}}} = W_{\text{row}}^{\top} \delta,\qquad
        \frac{\partial E}{\partial w_b} = \sum_{b,i,j} \delta_{b,\cdot,i,j}

    and col2im adds each column back onto the pixels it came from — the sum of
    :math:`w_{m,n}\,\delta_{i,j}` over every position a pixel took part in (§2.9),
    which is the lecture's full convolution with the 180°-rotated filter (§3.8).
    """
    dout, _ = check_backward_args(dout, cache)
    x, w, S, P = cache.x, cache.w, cache.stride, cache.padding
    N, F = w.shape[0], w.shape[2:]
    cols = im2col(x, F, S, P)  # (D·F_h·F_w, B·H'·W'), rebuilt from the cache's x
    delta = dout.transpose(1, 0, 2, 3).reshape(N, -1)  # (B, N, H', W') -> (N, B·H'·W')
    dw = (delta @ cols.T).reshape(w.shape)  # (N, D·F_h·F_w) -> (N, D, F_h, F_w)
    db = delta.sum(axis=1)
    if not input_grad:
        return None, dw, db
    dcols = w.reshape(N, -1).T @ delta  # (D·F_h·F_w, B·H'·W')
    return col2im(dcols, x.shape, F, S, P), dw, db


def conv2d_forward(x, w, b, stride=1, padding=0) -> tuple[np.ndarray, Conv2dCache]:
    r"""Convolution layer forward pass: :func:`conv2d_forward_im2col`, fast.

    The same im2col + matrix product, run by the speed engine
    (:mod:`cnnlab._conv_engine`); equal to :func:`conv2d_naive`.

    Parameters
    ----------
    x : array_like, shape (B, D, H, W)
        Input batch. float32 and float64 are kept; ints become float64.
    w : array_like, shape (N, D, F_h, F_w)
        Filters.
    b : array_like, shape (N,)
        Biases.
    stride : int or (int, int), default 1
        ``S``.
    padding : int or (int, int), default 0
        Zero padding ``P``.

    Returns
    -------
    out : numpy.ndarray, shape (B, N, H', W')
        ``net`` of Lecture §3.5.
    cache : Conv2dCache
        For :func:`conv2d_backward`; it holds its own copy of ``x``, so
        changing ``x`` afterwards does not change the gradients.

    Raises
    ------
    ValueError
        Shapes that do not fit (naming the argument), zero channels or filters.
    TypeError
        Arguments of the wrong kind (:class:`cnnlab._checks.ArgumentTypeError`).
    """
    x, w, b, S, P, out_hw = _prepare(x, w, b, stride, padding)
    out, cols = _conv_engine.forward(x, w, b, S, P, out_hw)
    return out, Conv2dCache(x.copy(), w, S, P, cols)


def conv2d_backward(dout, cache: Conv2dCache, *, input_grad: bool = True):
    r"""Convolution layer backward pass: :func:`conv2d_backward_im2col`, fast.

    Parameters
    ----------
    dout : array_like, shape (B, N, H', W')
        Sensitivity map ``δ^l = ∂E/∂net^l`` of this layer's output.
    cache : Conv2dCache
        From :func:`conv2d_forward` (only read: backward passes can be repeated).
    input_grad : bool, default True
        ``False`` skips the input gradient (a network's first layer needs none)
        and returns ``dx = None``.

    Returns
    -------
    dx : numpy.ndarray, shape (B, D, H, W)
        ``∂E/∂a^{l−1}``; multiply by ``f'(net^{l−1})`` to get ``δ^{l−1}``.
    dw : numpy.ndarray, shape (N, D, F_h, F_w)
        Weight gradient, summed over the batch.
    db : numpy.ndarray, shape (N,)
        Bias gradient.

    Notes
    -----
    Lecture §3.8–3.13, as in :func:`conv2d_backward_im2col`. Agrees with
    :func:`cnnlab.conv_textbook.conv2d_backward_textbook`.
    """
    dout, out_hw = check_backward_args(dout, cache)
    return _conv_engine.backward(dout, cache.x, cache.w, cache.stride, cache.padding, out_hw, cache.cols,
                                 bool(input_grad))
