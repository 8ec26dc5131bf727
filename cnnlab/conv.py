r"""2-D convolution layer: the lecture's loops and a fast im2col + GEMM version.

Lecture §3.1–3.5 (forward) and §3.8–3.13 (backward). Like every deep-learning
library, "convolution" here is cross-correlation: the filter is not flipped.

Shapes: x ``(B, D, H, W)``, w ``(N, D, F_h, F_w)``, b ``(N,)``, output
``(B, N, H', W')`` with ``H' = ⌊(H − F_h + 2P_h)/S_h⌋ + 1`` (likewise ``W'``).

Sizes where ``(H − F + 2P)`` is not a multiple of ``S`` are accepted and floored
like PyTorch: the last ``(H − F + 2P) mod S`` rows (columns) of the padded input
are never reached by the filter; their gradient is zero. Use
:func:`cnnlab.arithmetic.conv_output_size` (strict) to teach or check a size.
"""

from __future__ import annotations

import threading
from typing import NamedTuple

import numpy as np

from ._checks import as_float_array, as_pair, check_ndim, check_shape, result_float_dtype
from .arithmetic import conv_output_size

__all__ = [
    "Conv2dCache",
    "conv2d_naive",
    "conv2d_forward",
    "conv2d_backward",
    "conv2d_backward_naive",
]


class Conv2dCache(NamedTuple):
    """What :func:`conv2d_forward` keeps for the backward pass: ``x`` (B, D, H, W)
    and ``w`` (N, D, F_h, F_w) in the dtype computed with (float32 or float64),
    ``stride`` and ``padding`` as pairs.

    ``lent_cols``: when the whole batch fitted in one chunk (at most
    ``CHUNK_ELEMENTS`` numbers, 4 MB in float32: e.g. LeNet's C3 at batch 64),
    a one-item list with the forward pass's im2col buffer. The first backward
    pass takes it out, so it need not rebuild the columns, and hands the memory
    back to the scratch pool. Later backward passes with the same cache, and
    bigger batches (``None``), rebuild the columns chunk by chunk (cheaper than
    holding, e.g., 75 MB for a 64-channel layer, and cache-friendly)."""

    x: np.ndarray
    w: np.ndarray
    stride: tuple[int, int]
    padding: tuple[int, int]
    lent_cols: list | None = None


def _prepare(x, w, b, stride, padding):
    """Check and cast the conv arguments; return them with the output size."""
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
    check_shape(b, "b", (w.shape[0],), "one bias per filter: (N,) with N = w.shape[0]")
    out_hw = []
    for axis, name in ((0, "height"), (1, "width")):
        L, F = x.shape[2 + axis], w.shape[2 + axis]
        if F > L + 2 * P[axis]:
            raise ValueError(
                f"w's filter {name} F={F} is larger than x's padded {name} "
                f"{L} + 2·{P[axis]} = {L + 2 * P[axis]} (padding={padding!r})"
            )
        out_hw.append(conv_output_size(L, F, S[axis], P[axis], floor=True))
    dtype = result_float_dtype(x, w, b)
    return x.astype(dtype, copy=False), w.astype(dtype, copy=False), b.astype(dtype, copy=False), S, P, tuple(out_hw)


def _pad(x: np.ndarray, P: tuple[int, int]) -> np.ndarray:
    """Zero-pad the last two axes by ``P = (P_h, P_w)`` on each side."""
    Ph, Pw = P
    if Ph == 0 and Pw == 0:
        return x
    xp = np.zeros(x.shape[:-2] + (x.shape[-2] + 2 * Ph, x.shape[-1] + 2 * Pw), dtype=x.dtype)
    xp[..., Ph : Ph + x.shape[-2], Pw : Pw + x.shape[-1]] = x
    return xp


def conv2d_naive(x, w, b, stride=1, padding=0) -> np.ndarray:
    r"""Convolution layer forward pass as the lecture writes it: explicit loops.

    The oracle the fast version is tested against, and the code to read; not for
    speed. Measured here (float32, one thread) it is 300–1500× slower than
    :func:`conv2d_forward`: 150 ms against 0.10 ms for LeNet's C1 on 8 images,
    54 ms against 0.11 ms for C3, 0.69 s against 2.3 ms for a 64→64 3×3 layer on
    two 32×32 images.

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
    xp = _pad(x, P)
    B, N, (Fh, Fw) = x.shape[0], w.shape[0], w.shape[2:]
    out = np.zeros((B, N, Ho, Wo), dtype=x.dtype)
    for bi in range(B):
        for k in range(N):
            for i in range(Ho):
                for j in range(Wo):
                    window = xp[bi, :, i * Sh : i * Sh + Fh, j * Sw : j * Sw + Fw]  # (D, F_h, F_w)
                    out[bi, k, i, j] = np.sum(w[k] * window) + b[k]  # Σ_d Σ_m Σ_n w·x + w_b
    return out


#: im2col entries per batch chunk (1M numbers, 4 MB of float32): the buffers are
#: reused from chunk to chunk instead of allocating (and page-faulting) one huge matrix.
CHUNK_ELEMENTS = 2**20


#: Scratch buffers up to this many numbers are kept between calls (per thread).
SCRATCH_KEEP = 2**23
_LOCAL = threading.local()


def _scratch(name: str, n: int, dtype) -> np.ndarray:
    """A flat scratch buffer of ``n`` numbers, reused from call to call.

    A fresh multi-megabyte array costs a page fault per 4 kB page on first touch
    (the allocator gives big blocks back to the OS on every free), which made the
    backward pass up to 3× slower inside a training loop. Scratch memory is
    internal: nothing returned to the caller points into it.
    """
    if n > SCRATCH_KEEP:
        return np.empty(n, dtype)
    pool = _LOCAL.__dict__.setdefault("buffers", {})
    key = (name, np.dtype(dtype).str)
    buf = pool.get(key)
    if buf is None or buf.size < n:
        buf = pool[key] = np.empty(n, dtype)
    return buf[:n]


def _take_scratch(name: str, n: int, dtype) -> np.ndarray:
    """:func:`_scratch`'s buffer (at least ``n`` numbers) taken out of the pool: the
    caller owns it until :func:`_give_back`. A new one if the pool has none big enough."""
    pool = _LOCAL.__dict__.setdefault("buffers", {})
    buf = pool.pop((name, np.dtype(dtype).str), None)
    return buf if buf is not None and buf.size >= n else np.empty(n, dtype)


def _give_back(name: str, buf: np.ndarray) -> None:
    """Put a buffer from :func:`_take_scratch` back into the pool (the bigger one stays)."""
    pool = _LOCAL.__dict__.setdefault("buffers", {})
    key = (name, buf.dtype.str)
    if key not in pool or pool[key].size < buf.size:
        pool[key] = buf


def _chunks(B: int, per_image: int):
    """Split the batch into slices of images whose im2col columns hold about CHUNK_ELEMENTS numbers."""
    step = max(1, min(B, CHUNK_ELEMENTS // max(per_image, 1)))
    return [slice(s, min(B, s + step)) for s in range(0, B, step)], step


def _batch_last(x: np.ndarray, P, buffer: np.ndarray) -> np.ndarray:
    """Zero-pad a chunk and move its batch axis last, into the front of ``buffer``.

    (b, D, H, W) -> (D, H+2P_h, W+2P_w, b). With the batch innermost, each strided
    copy of :func:`_im2col` moves runs of W'·b contiguous numbers instead of W'
    (3–10× fewer, longer runs for LeNet's small maps).
    """
    b, D, H, W = x.shape
    (Ph, Pw), Hp, Wp = P, H + 2 * P[0], W + 2 * P[1]
    xp = buffer[: D * Hp * Wp * b].reshape(D, Hp, Wp, b)
    if Ph or Pw:
        xp.fill(0)
    xp[:, Ph : Ph + H, Pw : Pw + W, :] = x.transpose(1, 2, 3, 0)
    return xp


#: OpenBLAS multiplies matrices with M·N·K ≤ 10⁶ by a faster "small matrix" kernel on
#: AVX-512 CPUs; LeNet's C3 (batch 64) has three products of 15·10⁶ each, which run
#: 1.25–1.5× faster here cut into blocks below this size (:func:`_matmul`, :func:`_matmul_t`).
#: With a BLAS that has no such kernel, the blocks should cost about one call (not measured).
SMALL_GEMM = 10**6


def _matmul(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out = a @ b`` for ``a`` (M, K) and ``b`` (K, L) with many columns L, as a stack
    of column blocks with M·K·(block width) ≤ ``SMALL_GEMM``; one BLAS call per block.
    Products whose blocks would be narrower than 64 columns are done in one call."""
    (M, K), L = a.shape, b.shape[1]
    c = SMALL_GEMM // (M * K)  # block width
    if c < 64 or c >= L:
        return np.matmul(a, b, out=out)
    n = L // c
    b_blocks = b[:, : n * c].reshape(K, n, c).transpose(1, 0, 2)  # (K, n·c) -> (n, K, c), a view
    np.matmul(a, b_blocks, out=out[:, : n * c].reshape(M, n, c).transpose(1, 0, 2))  # -> (n, M, c)
    np.matmul(a, b[:, n * c :], out=out[:, n * c :])  # the last, narrower block
    return out


def _matmul_t(a: np.ndarray, b: np.ndarray, buffer: np.ndarray) -> np.ndarray:
    """``a @ bᵀ`` for ``a`` (M, L) and ``b`` (N, L) with a long shared axis L, as the sum
    of the products over blocks of L with M·N·(block length) ≤ ``SMALL_GEMM``.
    The small-matrix kernel wants ``bᵀ`` in C order: it is copied into ``buffer`` first.
    Products whose blocks would be shorter than 64 are done in one call."""
    (M, L), N = a.shape, b.shape[0]
    c = SMALL_GEMM // (M * N)  # block length
    if c < 64 or c >= L:
        return a @ b.T
    b_t = buffer[: L * N].reshape(L, N)
    b_t[...] = b.T  # (N, L) -> (L, N)
    n = L // c
    # views, no copies: (M, n·c) -> (n, M, c) and (n·c, N) -> (n, c, N); then the sum over blocks
    blocks = np.matmul(a[:, : n * c].reshape(M, n, c).transpose(1, 0, 2), b_t[: n * c].reshape(n, c, N))
    return blocks.sum(axis=0) + a[:, n * c :] @ b_t[n * c :]


def _im2col(xp: np.ndarray, F, S, out_hw, buffer: np.ndarray) -> np.ndarray:
    """Gather every receptive field into a column, one strided copy per filter offset.

    ``xp``: padded chunk, batch last, shape (D, H+2P_h, W+2P_w, b). Fills the front
    of the flat ``buffer``; returns shape (D·F_h·F_w, H'·W'·b).
    """
    (Fh, Fw), (Sh, Sw), (Ho, Wo) = F, S, out_hw
    D, b = xp.shape[0], xp.shape[-1]
    cols = buffer[: D * Fh * Fw * Ho * Wo * b].reshape(D, Fh, Fw, Ho, Wo, b)
    for m in range(Fh):
        for n in range(Fw):
            # (D, H', W', b): the pixels that meet weight w[:, :, m, n], for every output position
            cols[:, m, n] = xp[:, m : m + Sh * Ho : Sh, n : n + Sw * Wo : Sw, :]
    return cols.reshape(D * Fh * Fw, Ho * Wo * b)


def _col2im_add(dcols: np.ndarray, dxp: np.ndarray, F, S) -> None:
    """Adjoint of :func:`_im2col`: add the columns back onto the pixels they came
    from, one strided ``+=`` per filter offset.

    ``dcols``: shape (D·F_h·F_w, H'·W'·b); ``dxp``: (D, H+2P_h, W+2P_w, b), updated in place.
    """
    (Fh, Fw), (Sh, Sw) = F, S
    D, Hp, Wp, b = dxp.shape
    Ho, Wo = (Hp - Fh) // Sh + 1, (Wp - Fw) // Sw + 1  # floored, as in the forward pass
    dcols = dcols.reshape(D, Fh, Fw, Ho, Wo, b)
    # numpy's ufuncs pass non-contiguous operands through a buffer (8192 numbers by
    # default); for these strided blocks a 1024-number buffer makes the adds 1.3–2.3×
    # faster here (LeNet's C1 and C3, the 64-channel layer). Same sums either way.
    old_bufsize = np.setbufsize(1024)
    try:
        for m in range(Fh):
            for n in range(Fw):
                dxp[:, m : m + Sh * Ho : Sh, n : n + Sw * Wo : Sw, :] += dcols[:, m, n]
    finally:
        np.setbufsize(old_bufsize)


def conv2d_forward(x, w, b, stride=1, padding=0) -> tuple[np.ndarray, Conv2dCache]:
    r"""Convolution layer forward pass, vectorised (im2col + one matrix product).

    No Python loop over pixels or images: one strided copy per filter offset
    (im2col) and one BLAS matrix product, done for a few chunks of the batch so
    that the im2col buffer (about ``CHUNK_ELEMENTS`` numbers) is reused instead of
    allocating one huge matrix. Inside a chunk the batch axis is innermost
    (``(D, H, W, b)``), which makes every copy move long contiguous runs. The
    matrix product is handed to BLAS in blocks of columns (:func:`_matmul`, see
    ``SMALL_GEMM``): the same product, faster on this machine's OpenBLAS. If the
    whole batch is one chunk, the columns go to the backward pass in the cache
    (``Conv2dCache.lent_cols``) instead of being built twice.

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
        ``net`` of Lecture §3.5, equal to :func:`conv2d_naive`.
    cache : Conv2dCache
        For :func:`conv2d_backward`.

    Notes
    -----
    Lecture §3.5 as a matrix product (the fully-connected view of §2.3–2.4):
    with :math:`X_{\text{col}}` of shape :math:`(D F_h F_w,\ B H' W')` holding
    every receptive field as a column and :math:`W_{\text{row}} = w` reshaped
    to :math:`(N,\ D F_h F_w)`,

    .. math:: \mathrm{net} = W_{\text{row}} X_{\text{col}} + w_b .
    """
    x, w, b, S, P, out_hw = _prepare(x, w, b, stride, padding)
    (B, D, H, W), N, F = x.shape, w.shape[0], w.shape[2:]
    K, HW = D * F[0] * F[1], out_hw[0] * out_hw[1]
    w_row = w.reshape(N, K)  # (N, D, F_h, F_w) -> (N, D·F_h·F_w)
    out = np.empty((B, N) + out_hw, dtype=x.dtype)
    chunks, step = _chunks(B, K * HW)
    x_buf = _scratch("x", D * (H + 2 * P[0]) * (W + 2 * P[1]) * step, x.dtype)
    lend = len(chunks) == 1  # the whole batch in one chunk: lend its columns to the backward pass
    col_buf = (_take_scratch if lend else _scratch)("cols", K * HW * step, x.dtype)
    net_buf = _scratch("net", N * HW * step, x.dtype)
    for sl in chunks:  # a few chunks of images, not a loop over pixels
        nb = sl.stop - sl.start
        xp = _batch_last(x[sl], P, x_buf)  # (b, D, H, W) -> (D, H+2P_h, W+2P_w, b)
        cols = _im2col(xp, F, S, out_hw, col_buf)  # -> (D·F_h·F_w, H'·W'·b)
        net = _matmul(w_row, cols, out=net_buf[: N * HW * nb].reshape(N, HW * nb))  # -> (N, H'·W'·b)
        # (N, H', W', b) -> (b, N, H', W'), adding one bias per filter on the way
        np.add(net.reshape((N,) + out_hw + (nb,)).transpose(3, 0, 1, 2), b[:, None, None], out=out[sl])
    return out, Conv2dCache(x, w, S, P, [col_buf] if lend else None)


def _check_backward(dout, cache):
    if not isinstance(cache, Conv2dCache):
        raise TypeError(f"cache must be the Conv2dCache returned by conv2d_forward; got {type(cache).__name__}")
    x, w, (Sh, Sw), (Ph, Pw) = cache.x, cache.w, cache.stride, cache.padding
    Ho = conv_output_size(x.shape[2], w.shape[2], Sh, Ph, floor=True)
    Wo = conv_output_size(x.shape[3], w.shape[3], Sw, Pw, floor=True)
    dout = as_float_array(dout, "dout")
    check_shape(dout, "dout", (x.shape[0], w.shape[0], Ho, Wo), "(B, N, H', W'), the forward output's shape")
    return dout.astype(x.dtype, copy=False), (Ho, Wo)


def conv2d_backward(dout, cache: Conv2dCache, *, need_dx: bool = True):
    r"""Convolution layer backward pass, vectorised (GEMM + col2im).

    Parameters
    ----------
    dout : array_like, shape (B, N, H', W')
        Sensitivity map ``δ^l = ∂E/∂net^l`` of this layer's output.
    cache : Conv2dCache
        From :func:`conv2d_forward`.
    need_dx : bool, default True
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
    Lecture §3.8–3.13. With ``δ`` reshaped to :math:`(N,\ B H' W')`:

    .. math::
        \frac{\partial E}{\partial W_{\text{row}}} = \delta\, X_{\text{col}}^{\top},\qquad
        \frac{\partial E}{\partial X_{\text{col}}} = W_{\text{row}}^{\top} \delta,\qquad
        \frac{\partial E}{\partial w_b} = \sum_{b,i,j} \delta_{b,\cdot,i,j}

    and col2im adds each column back onto the pixels it came from — the sum of
    :math:`w_{m,n}\,\delta_{i,j}` over every position a pixel took part in (§2.9),
    which is the lecture's full convolution with the 180°-rotated filter (§3.8).
    Agrees with :func:`cnnlab.conv_textbook.conv2d_backward_textbook`.
    """
    dout, out_hw = _check_backward(dout, cache)
    x, w, S, P = cache.x, cache.w, cache.stride, cache.padding
    (B, D, H, W), N, F = x.shape, w.shape[0], w.shape[2:]
    (Ph, Pw), Hp, Wp = P, H + 2 * P[0], W + 2 * P[1]
    K, HW = D * F[0] * F[1], out_hw[0] * out_hw[1]
    w_row = w.reshape(N, K)
    dw_col = np.zeros((K, N), dtype=x.dtype)  # ∂E/∂w, transposed: (D·F_h·F_w, N)
    db = np.zeros(N, dtype=x.dtype)  # ∂E/∂w_b
    dx = np.empty_like(x) if need_dx else None
    chunks, step = _chunks(B, K * HW)
    x_buf, dx_buf = _scratch("x", D * Hp * Wp * step, x.dtype), _scratch("dx", D * Hp * Wp * step, x.dtype)
    lent = cache.lent_cols.pop() if cache.lent_cols else None  # the forward pass's columns, used once
    col_buf = lent if lent is not None else _scratch("cols", K * HW * step, x.dtype)
    dnet_buf = _scratch("net", N * HW * step, x.dtype)
    dnet_t_buf = _scratch("net_t", N * HW * step, x.dtype)
    for sl in chunks:
        nb = sl.stop - sl.start
        if lent is not None and len(chunks) == 1:  # as the forward pass left them
            cols = col_buf[: K * HW * nb].reshape(K, HW * nb)
        else:
            cols = _im2col(_batch_last(x[sl], P, x_buf), F, S, out_hw, col_buf)  # (D·F_h·F_w, H'·W'·b), rebuilt
        d_net = dnet_buf[: N * HW * nb].reshape((N,) + out_hw + (nb,))
        d_net[...] = dout[sl].transpose(1, 2, 3, 0)  # (b, N, H', W') -> (N, H', W', b)
        d_net = d_net.reshape(N, HW * nb)
        dw_col += _matmul_t(cols, d_net, dnet_t_buf)  # (D·F_h·F_w, H'·W'·b) @ (H'·W'·b, N) -> (D·F_h·F_w, N)
        db += d_net.sum(axis=1)  # Σ over H'·W'·b
        if need_dx:
            # (D·F_h·F_w, N) @ (N, H'·W'·b) -> (D·F_h·F_w, H'·W'·b), reusing cols' memory
            dcols = _matmul(w_row.T, d_net, out=col_buf[: K * HW * nb].reshape(K, HW * nb))
            dxp = dx_buf[: D * Hp * Wp * nb].reshape(D, Hp, Wp, nb)
            dxp.fill(0)
            _col2im_add(dcols, dxp, F, S)  # (D·F_h·F_w, H'·W'·b) -> (D, H+2P_h, W+2P_w, b)
            dx[sl] = dxp[:, Ph : Ph + H, Pw : Pw + W, :].transpose(3, 0, 1, 2)  # -> (b, D, H, W)
    if lent is not None:
        _give_back("cols", lent)
    dw = np.ascontiguousarray(dw_col.T).reshape(w.shape)  # (N, D·F_h·F_w) -> (N, D, F_h, F_w)
    return dx, dw, db


def conv2d_backward_naive(dout, cache: Conv2dCache):
    r"""Convolution backward pass as explicit loops (the oracle; 200–770× slower
    than :func:`conv2d_backward`, measured on LeNet's C1/C3 and a 64-channel layer).

    Each output position ``(i, j)`` of filter ``k`` sends ``δ_{k,i,j}·w_k`` back to
    the window it read, and adds ``δ_{k,i,j}·window`` to ``∂E/∂w_k``.

    Parameters
    ----------
    dout : array_like, shape (B, N, H', W')
        ``δ`` of the output.
    cache : Conv2dCache
        From :func:`conv2d_forward` (or built by hand).

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
    dout, (Ho, Wo) = _check_backward(dout, cache)
    x, w, (Sh, Sw), P = cache.x, cache.w, cache.stride, cache.padding
    xp = _pad(x, P)
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
    H, W = x.shape[2:]
    return dxp[:, :, P[0] : P[0] + H, P[1] : P[1] + W].copy(), dw, dout.sum(axis=(0, 2, 3))
