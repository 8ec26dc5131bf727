r"""The speed engine behind :func:`cnnlab.conv.conv2d_forward` and
:func:`~cnnlab.conv.conv2d_backward` (private: read :mod:`cnnlab.conv` first).

It computes exactly what :func:`cnnlab.conv.conv2d_forward_im2col` and
:func:`~cnnlab.conv.conv2d_backward_im2col` compute — im2col, one matrix
product, col2im — with four measured tricks (``bench/bench_kernels.py`` compares
it with PyTorch; ``tests/test_conv.py`` with the lesson's loops):

* **Chunks of the batch, batch axis last.** The batch is cut into chunks whose
  columns hold about ``CHUNK_ELEMENTS`` numbers, and inside a chunk the batch
  axis is innermost, ``(D, H, W, b)``: every strided copy of im2col then moves
  runs of ``W'·b`` contiguous numbers instead of ``W'``.
* **Scratch buffers reused from call to call** (per thread): a fresh
  multi-megabyte array costs a page fault per 4 kB page on first touch.
* **Matrix products in blocks** below ``SMALL_GEMM`` (OpenBLAS's small-matrix
  kernel on AVX-512 CPUs).
* **A small ufunc buffer** (``np.setbufsize``) for col2im's strided adds.

When the whole batch is one chunk, the forward pass's columns are kept (read
only) for the backward pass, which then need not rebuild them; they are a
value: a second backward pass on the same cache reads the same columns. Rebuilt
columns are used up once ``∂E/∂w`` is made, and ``∂E/∂cols`` is written over them;
kept columns cannot be, so ``∂E/∂cols`` is then made one filter row at a time
(:func:`_col2im_product_add`): a block small enough to be added while still in
the CPU cache, instead of a second matrix the size of the columns going out to
memory and back.

Functions take arguments already checked and cast by :mod:`cnnlab.conv`.
"""

from __future__ import annotations

import threading

import numpy as np

#: im2col entries per batch chunk (1M numbers, 4 MB of float32).
CHUNK_ELEMENTS = 2**20

#: Scratch buffers up to this many numbers are kept between calls (per thread).
SCRATCH_KEEP = 2**23

#: OpenBLAS multiplies matrices with M·N·K ≤ 10⁶ by a faster "small matrix" kernel on
#: AVX-512 CPUs; LeNet's C3 (batch 64) has three products of 15·10⁶ each, faster cut into
#: blocks below this size (:func:`_matmul`, :func:`_matmul_t`).
SMALL_GEMM = 10**6

_LOCAL = threading.local()


def _pool() -> dict:
    return _LOCAL.__dict__.setdefault("buffers", {})


def _scratch(name: str, n: int, dtype) -> np.ndarray:
    """A flat scratch buffer of ``n`` numbers, reused from call to call (internal only:
    nothing returned to the caller points into it)."""
    if n > SCRATCH_KEEP:
        return np.empty(n, dtype)
    key = (name, np.dtype(dtype).str)
    buf = _pool().get(key)
    if buf is None or buf.size < n:
        buf = _pool()[key] = np.empty(n, dtype)
    return buf[:n]


def _chunks(B: int, per_image: int):
    """Slices of the batch whose im2col columns hold about CHUNK_ELEMENTS numbers."""
    step = max(1, min(B, CHUNK_ELEMENTS // max(per_image, 1)))
    return [slice(s, min(B, s + step)) for s in range(0, B, step)], step


def _batch_last(x: np.ndarray, P, buffer: np.ndarray) -> np.ndarray:
    """(b, D, H, W) -> zero-padded (D, H+2P_h, W+2P_w, b), in the front of ``buffer``."""
    b, D, H, W = x.shape
    (Ph, Pw), Hp, Wp = P, H + 2 * P[0], W + 2 * P[1]
    xp = buffer[: D * Hp * Wp * b].reshape(D, Hp, Wp, b)
    if Ph or Pw:
        xp.fill(0)
    xp[:, Ph : Ph + H, Pw : Pw + W, :] = x.transpose(1, 2, 3, 0)
    return xp


def _im2col(xp: np.ndarray, F, S, out_hw, buffer: np.ndarray) -> np.ndarray:
    """(D, H+2P_h, W+2P_w, b) -> columns (D·F_h·F_w, H'·W'·b), one strided copy per offset."""
    (Fh, Fw), (Sh, Sw), (Ho, Wo) = F, S, out_hw
    D, b = xp.shape[0], xp.shape[-1]
    cols = buffer[: D * Fh * Fw * Ho * Wo * b].reshape(D, Fh, Fw, Ho, Wo, b)
    for m in range(Fh):
        for n in range(Fw):
            cols[:, m, n] = xp[:, m : m + Sh * Ho : Sh, n : n + Sw * Wo : Sw, :]
    return cols.reshape(D * Fh * Fw, Ho * Wo * b)


def _col2im_add(dcols: np.ndarray, dxp: np.ndarray, F, S, out_hw, filter_rows=None) -> None:
    """Adjoint of :func:`_im2col`: add (D·F_h·F_w, H'·W'·b) onto dxp (D, H+2P_h, W+2P_w, b);
    with ``filter_rows`` (a range of m), ``dcols`` holds only those filter rows: (D·len·F_w, H'·W'·b)."""
    (Fh, Fw), (Sh, Sw), (Ho, Wo) = F, S, out_hw
    rows = range(Fh) if filter_rows is None else filter_rows
    D, b = dxp.shape[0], dxp.shape[-1]
    dcols = dcols.reshape(D, len(rows), Fw, Ho, Wo, b)
    for i, m in enumerate(rows):
        for n in range(Fw):
            dxp[:, m : m + Sh * Ho : Sh, n : n + Sw * Wo : Sw, :] += dcols[:, i, n]


def _col2im_product_add(w: np.ndarray, d_net: np.ndarray, dxp: np.ndarray, F, S, out_hw, buffer) -> None:
    """``_col2im_add(w_rowᵀ @ d_net)`` one filter row ``m`` at a time, in ``buffer``: each
    (D·F_w, H'·W'·b) block is added while still in the CPU cache (for kept columns).
    One BLAS call per block: cut in ``SMALL_GEMM`` blocks as well, it was slower."""
    N, D, Fw, L = w.shape[0], w.shape[1], F[1], d_net.shape[1]
    w_t = np.ascontiguousarray(w.transpose(2, 1, 3, 0))  # (N, D, F_h, F_w) -> (F_h, D, F_w, N)
    block = buffer[: D * Fw * L].reshape(D * Fw, L)
    for m in range(F[0]):
        np.matmul(w_t[m].reshape(D * Fw, N), d_net, out=block)  # the rows (·, m, ·) of w_rowᵀ @ d_net
        _col2im_add(block, dxp, F, S, out_hw, filter_rows=range(m, m + 1))


def _matmul(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out = a @ b`` for ``b`` (K, L) with many columns, as column blocks of
    M·K·width ≤ ``SMALL_GEMM`` (one call if the blocks would be narrower than 64)."""
    (M, K), L = a.shape, b.shape[1]
    c = SMALL_GEMM // max(M * K, 1)
    if c < 64 or c >= L:
        return np.matmul(a, b, out=out)
    n = L // c
    b_blocks = b[:, : n * c].reshape(K, n, c).transpose(1, 0, 2)  # (K, n·c) -> (n, K, c), a view
    np.matmul(a, b_blocks, out=out[:, : n * c].reshape(M, n, c).transpose(1, 0, 2))
    np.matmul(a, b[:, n * c :], out=out[:, n * c :])  # the last, narrower block
    return out


def _matmul_t(a: np.ndarray, b: np.ndarray, buffer: np.ndarray) -> np.ndarray:
    """``a @ bᵀ`` for ``a`` (M, L), ``b`` (N, L) with a long shared axis, summed over blocks of
    M·N·length ≤ ``SMALL_GEMM`` (``bᵀ`` copied into ``buffer`` in C order first)."""
    (M, L), N = a.shape, b.shape[0]
    c = SMALL_GEMM // max(M * N, 1)
    if c < 64 or c >= L:
        return a @ b.T
    b_t = buffer[: L * N].reshape(L, N)
    b_t[...] = b.T
    n = L // c
    blocks = np.matmul(a[:, : n * c].reshape(M, n, c).transpose(1, 0, 2), b_t[: n * c].reshape(n, c, N))
    return blocks.sum(axis=0) + a[:, n * c :] @ b_t[n * c :]


def forward(x, w, b, S, P, out_hw):
    """``net`` (B, N, H', W') and the columns to keep (or ``None``); arguments checked."""
    (B, D, H, W), N, F = x.shape, w.shape[0], w.shape[2:]
    K, HW = D * F[0] * F[1], out_hw[0] * out_hw[1]
    w_row = w.reshape(N, K)  # (N, D, F_h, F_w) -> (N, D·F_h·F_w)
    out = np.empty((B, N) + out_hw, dtype=x.dtype)
    chunks, step = _chunks(B, K * HW)
    keep = len(chunks) == 1
    x_buf = _scratch("x", D * (H + 2 * P[0]) * (W + 2 * P[1]) * step, x.dtype)
    # kept columns are a fresh array (the cache owns them; measured as cheap as a reused buffer)
    col_buf = np.empty(K * HW * step, x.dtype) if keep else _scratch("cols", K * HW * step, x.dtype)
    net_buf = _scratch("net", N * HW * step, x.dtype)
    cols = None
    for sl in chunks:
        nb = sl.stop - sl.start
        cols = _im2col(_batch_last(x[sl], P, x_buf), F, S, out_hw, col_buf)  # (D·F_h·F_w, H'·W'·b)
        net = _matmul(w_row, cols, out=net_buf[: N * HW * nb].reshape(N, HW * nb))  # (N, H'·W'·b)
        # (N, H', W', b) -> (b, N, H', W'), adding one bias per filter on the way
        np.add(net.reshape((N,) + out_hw + (nb,)).transpose(3, 0, 1, 2), b[:, None, None], out=out[sl])
    if not keep or cols is None:
        return out, None
    cols.flags.writeable = False
    return out, cols


def backward(dout, x, w, S, P, out_hw, kept_cols, input_grad):
    """``(dx or None, dw, db)``; ``kept_cols`` from :func:`forward` (read, never changed) or ``None``."""
    (B, D, H, W), N, F = x.shape, w.shape[0], w.shape[2:]
    (Ph, Pw), Hp, Wp = P, H + 2 * P[0], W + 2 * P[1]
    K, HW = D * F[0] * F[1], out_hw[0] * out_hw[1]
    w_row = w.reshape(N, K)
    dw_col = np.zeros((K, N), dtype=x.dtype)  # ∂E/∂w, transposed: (D·F_h·F_w, N)
    db = np.zeros(N, dtype=x.dtype)
    dx = np.empty_like(x) if input_grad else None
    chunks, step = _chunks(B, K * HW)
    use_kept = kept_cols is not None and len(chunks) == 1 and kept_cols.shape == (K, HW * B)
    x_buf, dx_buf = _scratch("x", D * Hp * Wp * step, x.dtype), _scratch("dx", D * Hp * Wp * step, x.dtype)
    col_buf = None if use_kept else _scratch("cols", K * HW * step, x.dtype)
    dnet_buf = _scratch("net", N * HW * step, x.dtype)
    dnet_t_buf = _scratch("net_t", N * HW * step, x.dtype)
    # kept columns belong to the cache: their gradient is made one filter row at a time
    dcols_buf = _scratch("dcols", D * F[1] * HW * step, x.dtype) if use_kept and input_grad else None
    for sl in chunks:
        nb = sl.stop - sl.start
        cols = kept_cols if use_kept else _im2col(_batch_last(x[sl], P, x_buf), F, S, out_hw, col_buf)
        d_net = dnet_buf[: N * HW * nb].reshape((N,) + out_hw + (nb,))
        d_net[...] = dout[sl].transpose(1, 2, 3, 0)  # (b, N, H', W') -> (N, H', W', b)
        d_net = d_net.reshape(N, HW * nb)
        dw_col += _matmul_t(cols, d_net, dnet_t_buf)  # (D·F_h·F_w, H'·W'·b) @ (H'·W'·b, N)
        db += d_net.sum(axis=1)
        if input_grad:
            dxp = dx_buf[: D * Hp * Wp * nb].reshape(D, Hp, Wp, nb)
            dxp.fill(0)
            # ufuncs pass non-contiguous operands through a buffer (8192 numbers by default); for
            # col2im's strided adds 1024 made them 1.3–2.3× faster (LeNet's C1, C3, a 64-channel layer).
            old_bufsize = np.setbufsize(1024)
            try:
                if use_kept:
                    _col2im_product_add(w, d_net, dxp, F, S, out_hw, dcols_buf)
                else:  # the rebuilt columns are used up: their buffer takes ∂E/∂cols
                    dcols = _matmul(w_row.T, d_net, out=col_buf[: K * HW * nb].reshape(K, HW * nb))
                    _col2im_add(dcols, dxp, F, S, out_hw)  # -> (D, H+2P_h, W+2P_w, b)
            finally:
                np.setbufsize(old_bufsize)
            dx[sl] = dxp[:, Ph : Ph + H, Pw : Pw + W, :].transpose(3, 0, 1, 2)  # -> (b, D, H, W)
    dw = np.ascontiguousarray(dw_col.T).reshape(w.shape)
    return dx, dw, db
