r"""Pooling layers: max, mean, Gaussian and trainable pooling (Lecture §2.7, §3.6, §3.14).

Pooling acts on each feature map separately: x ``(B, D, H, W)`` gives
``(B, D, H', W')`` with ``H' = ⌊(H − k_h)/S_h⌋ + 1`` for a ``k_h × k_w`` window
(``size``) and stride ``S`` (default: the window size, i.e. non-overlapping).
Optional padding ``P`` (:mod:`cnnlab.padding`): −∞ for max pooling, zeros for
mean and Gaussian pooling. Like PyTorch, sizes that do not divide are floored:
trailing rows and columns outside every window are dropped and get zero gradient.

Pooling layers learn nothing (except trainable pooling); backward only passes
δ back (§3.14): max pooling sends it unchanged to the position of the maximum
(the first one when there are ties, as PyTorch does), mean pooling sends δ/k²
to each position of the window, Gaussian pooling sends ``g_{m,n}·δ``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._checks import ArgumentTypeError, as_float_array, as_pair, check_ndim, check_shape
from .arithmetic import output_size
from .padding import crop, pad

__all__ = [
    "PoolCache",
    "TrainablePoolCache",
    "gaussian_window",
    "pool2d_naive",
    "pool2d_forward",
    "pool2d_backward",
    "trainable_pool2d_forward",
    "trainable_pool2d_backward",
]

MODES = ("max", "mean", "gaussian")

#: Most weights a Gaussian window may have (a typo such as size=10**9 raises at once).
MAX_WINDOW = 2**24


class PoolCache(NamedTuple):
    """What :func:`pool2d_forward` keeps: the (padded) input's shape and dtype,
    window ``size`` and ``stride`` (pairs), ``mode``, the window weights
    ``kernel`` (k_h, k_w) for mean/Gaussian pooling (else None), for max pooling
    ``argmax`` (B, D, H', W'): the flat index ``m·k_w + n`` of each window's
    first maximum (else None), and ``padding`` (pair)."""

    x_shape: tuple
    dtype: np.dtype
    size: tuple[int, int]
    stride: tuple[int, int]
    mode: str
    kernel: np.ndarray | None
    argmax: np.ndarray | None
    padding: tuple[int, int] = (0, 0)


class TrainablePoolCache(NamedTuple):
    """What :func:`trainable_pool2d_forward` keeps: ``x`` (B, D, H, W),
    ``weights`` (k_h, k_w) and ``stride`` (pair)."""

    x: np.ndarray
    weights: np.ndarray
    stride: tuple[int, int]


def gaussian_window(size, sigma: float = 1.0, dtype=np.float64) -> np.ndarray:
    r"""Normalised Gaussian weights over a window: the package's one Gaussian.

    Gaussian pooling's weights (Lecture §2.7) and the retina's blur
    (:func:`cnnlab.vision.gaussian_kernel`, Lecture §1.1).

    Parameters
    ----------
    size : int or (int, int)
        Window ``k`` or ``(k_h, k_w)``.
    sigma : float, default 1.0
        Standard deviation in pixels, measured from the window's centre;
        ``0`` gives the unit impulse (1 at the centre of odd sides).
    dtype : dtype, default float64

    Returns
    -------
    numpy.ndarray, shape (k_h, k_w)
        Positive weights summing to 1.

    Notes
    -----
    .. math:: g_{m,n} = \frac{\exp\!\big(-[(m - c_h)^2 + (n - c_w)^2] / 2\sigma^2\big)}
        {\sum_{m',n'} \exp\!\big(-[(m' - c_h)^2 + (n' - c_w)^2] / 2\sigma^2\big)},
        \qquad c = \frac{k - 1}{2}
    """
    kh, kw = as_pair(size, "size", 1)
    if kh * kw > MAX_WINDOW:
        raise ValueError(f"size {(kh, kw)} has more than {MAX_WINDOW:,} weights")
    if isinstance(sigma, (bool, np.bool_)) or not isinstance(sigma, (int, float, np.integer, np.floating)):
        raise ArgumentTypeError(f"sigma must be a positive number; got {type(sigma).__name__} {sigma!r}")
    if sigma == 0 and kh % 2 and kw % 2:
        g = np.zeros((kh, kw), dtype=dtype)
        g[kh // 2, kw // 2] = 1
        return g
    if not sigma > 0 or not np.isfinite(sigma):
        raise ValueError(f"sigma must be a positive number (or 0, an impulse, for odd sides); "
                         f"got {sigma!r} with size {(kh, kw)}")
    m = np.arange(kh) - (kh - 1) / 2
    n = np.arange(kw) - (kw - 1) / 2
    g = np.exp(-(m[:, None] ** 2 + n[None, :] ** 2) / (2.0 * float(sigma) ** 2))
    return (g / g.sum()).astype(dtype)


def _prepare(x, size, stride, padding=0, name="x"):
    """Check the arguments; return x, the window k, stride S, padding P (pairs) and (H', W')."""
    x = as_float_array(x, name)
    check_ndim(x, name, 4, "(B, D, H, W)")
    k = as_pair(size, "size", 1)
    S = k if stride is None else as_pair(stride, "stride", 1)
    P = as_pair(padding, "padding", 0)
    out_hw = []
    for axis, what in ((0, "height"), (1, "width")):
        L = x.shape[2 + axis]
        if k[axis] > L + 2 * P[axis]:
            padded = f" + 2·{P[axis]}" if P[axis] else ""
            raise ValueError(f"size: the pooling window's {what} {k[axis]} is larger than {name}'s {what} {L}{padded}")
        if P[axis] * 2 > k[axis]:
            raise ValueError(f"padding must be at most half the window; got padding={padding!r} for size={size!r}")
        out_hw.append(output_size(L, k[axis], S[axis], P[axis]))
    return x, k, S, P, tuple(out_hw)


def _weighted_pool(x, kernel, S, out_hw):
    """Σ_{m,n} kernel[m, n] · x[..., iS+m, jS+n], one strided slice per window offset."""
    (kh, kw), (Sh, Sw), (Ho, Wo) = kernel.shape, S, out_hw
    out = np.zeros(x.shape[:2] + out_hw, dtype=x.dtype)
    for m in range(kh):
        for n in range(kw):
            out += kernel[m, n] * x[:, :, m : m + Sh * Ho : Sh, n : n + Sw * Wo : Sw]
    return out


def _weighted_pool_backward(dout, kernel, x_shape, S):
    """Adjoint of :func:`_weighted_pool`: each window position gets kernel[m, n]·δ."""
    (kh, kw), (Sh, Sw), (Ho, Wo) = kernel.shape, S, dout.shape[2:]
    dx = np.zeros(x_shape, dtype=dout.dtype)
    for m in range(kh):
        for n in range(kw):
            dx[:, :, m : m + Sh * Ho : Sh, n : n + Sw * Wo : Sw] += kernel[m, n] * dout
    return dx


def _check_mode(mode):
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}; got {mode!r}")


def pool2d_naive(x, size=2, stride=None, mode: str = "max", sigma: float = 1.0, padding=0) -> np.ndarray:
    r"""Pooling forward pass as explicit loops (the oracle, and the code to read; not for
    speed: ``bench/bench_kernels.py`` times the kernels).

    Parameters and result as :func:`pool2d_forward` (without the cache).

    Notes
    -----
    .. math:: \mathrm{net}_{b,d,i,j} = \operatorname{pool}_{0 \le m < k_h,\ 0 \le n < k_w}
        x_{b,d,\, iS+m,\, jS+n}
    """
    _check_mode(mode)
    x, (kh, kw), (Sh, Sw), P, (Ho, Wo) = _prepare(x, size, stride, padding)
    x = pad(x, P, -np.inf if mode == "max" else 0.0)
    g = gaussian_window((kh, kw), sigma, x.dtype) if mode == "gaussian" else None
    out = np.zeros(x.shape[:2] + (Ho, Wo), dtype=x.dtype)
    for bi in range(x.shape[0]):
        for d in range(x.shape[1]):
            for i in range(Ho):
                for j in range(Wo):
                    window = x[bi, d, i * Sh : i * Sh + kh, j * Sw : j * Sw + kw]
                    if mode == "max":
                        out[bi, d, i, j] = window.max()
                    elif mode == "mean":
                        out[bi, d, i, j] = window.mean()
                    else:
                        out[bi, d, i, j] = np.sum(g * window)
    return out


def pool2d_forward(x, size=2, stride=None, mode: str = "max", sigma: float = 1.0, padding=0):
    r"""Pooling layer forward pass (Lecture §2.7, §3.6).

    Parameters
    ----------
    x : array_like, shape (B, D, H, W)
        Feature maps (float32/float64 kept).
    size : int or (int, int), default 2
        Window ``k`` or ``(k_h, k_w)``.
    stride : int or (int, int), optional
        ``S``; default ``size`` (non-overlapping windows).
    mode : {"max", "mean", "gaussian"}, default "max"
    sigma : float, default 1.0
        Standard deviation of the Gaussian weights (``mode="gaussian"`` only).
    padding : int or (int, int), default 0
        ``P`` on each side, at most half the window: −∞ for max pooling (a
        padded cell never wins), zeros for mean and Gaussian pooling.

    Returns
    -------
    out : numpy.ndarray, shape (B, D, H', W')
        ``H' = ⌊(H − k_h + 2P_h)/S_h⌋ + 1``.
    cache : PoolCache

    Notes
    -----
    .. math::
        \text{max: } \max_{m,n} x_{iS+m,\,jS+n}, \qquad
        \text{mean: } \frac{1}{k_h k_w}\sum_{m,n} x_{iS+m,\,jS+n}, \qquad
        \text{gaussian: } \sum_{m,n} g_{m,n}\, x_{iS+m,\,jS+n}

    with :math:`g` from :func:`gaussian_window`.
    """
    _check_mode(mode)
    x, k, S, P, out_hw = _prepare(x, size, stride, padding)
    x = pad(x, P, -np.inf if mode == "max" else 0.0)
    if mode == "max":
        windows = sliding_window_view(x, k, axis=(2, 3))[:, :, :: S[0], :: S[1]]  # (B, D, H', W', k_h, k_w), a view
        out = windows[..., 0, 0].copy()  # (B, D, H', W'): running maximum
        argmax = np.zeros(out.shape, dtype=np.intp)  # flat offset m·k_w + n of the maximum so far
        for m in range(k[0]):  # a running argmax over the k_h·k_w offsets: a few whole-array
            for n in range(k[1]):  # passes, much faster than np.argmax over a tiny last axis
                candidate = windows[..., m, n]
                np.copyto(argmax, m * k[1] + n, where=candidate > out)  # strict ">": the first maximum wins
                np.maximum(out, candidate, out=out)
        return out, PoolCache(x.shape, x.dtype, k, S, mode, None, argmax, P)
    if mode == "mean":
        kernel = np.full(k, 1.0 / (k[0] * k[1]), dtype=x.dtype)
    else:
        kernel = gaussian_window(k, sigma, x.dtype)
    return _weighted_pool(x, kernel, S, out_hw), PoolCache(x.shape, x.dtype, k, S, mode, kernel, None, P)


def _check_dout(dout, expected, dtype):
    dout = as_float_array(dout, "dout")
    check_shape(dout, "dout", expected, "(B, D, H', W'), the forward output's shape")
    return dout.astype(dtype, copy=False)


def pool2d_backward(dout, cache: PoolCache) -> np.ndarray:
    r"""Pooling layer backward pass (Lecture §3.14): pass δ back, nothing to learn.

    Parameters
    ----------
    dout : array_like, shape (B, D, H', W')
        Sensitivity map ``δ^l`` of the pooled output.
    cache : PoolCache
        From :func:`pool2d_forward`.

    Returns
    -------
    dx : numpy.ndarray, shape (B, D, H, W)

    Notes
    -----
    .. math::
        \text{max: } \frac{\partial E}{\partial x_{iS+m,\,jS+n}} \mathrel{+}= \delta_{i,j}\,
        [\,(m,n) = \text{first argmax}\,], \qquad
        \text{mean/gaussian: } \frac{\partial E}{\partial x_{iS+m,\,jS+n}} \mathrel{+}= g_{m,n}\, \delta_{i,j}

    (``g = 1/k²`` for mean pooling); ``+=`` because overlapping windows
    (stride < size) share pixels.
    """
    if not isinstance(cache, PoolCache):
        raise TypeError(f"cache must be the PoolCache returned by pool2d_forward; got {type(cache).__name__}")
    (kh, kw), (Sh, Sw) = cache.size, cache.stride
    Ho, Wo = output_size(cache.x_shape[2], kh, Sh), output_size(cache.x_shape[3], kw, Sw)
    dout = _check_dout(dout, cache.x_shape[:2] + (Ho, Wo), cache.dtype)
    if cache.mode != "max":
        return crop(_weighted_pool_backward(dout, cache.kernel, cache.x_shape, cache.stride), cache.padding)
    B, D, H, W = cache.x_shape  # the padded input's shape
    # flat index into dx of each window's maximum: (b·D + d)·H·W + (i·S_h + m)·W + (j·S_w + n)
    offset = (np.arange(kh)[:, None] * W + np.arange(kw)).ravel()  # (k_h·k_w,): m·W + n for argmax m·k_w + n
    index = offset[cache.argmax]  # (B, D, H', W'): a table lookup, cheaper than divmod on every window
    index += (np.arange(B * D).reshape(B, D, 1, 1) * H + np.arange(Ho)[:, None] * Sh) * W  # + row start, (B, D, H', 1)
    index += np.arange(Wo) * Sw  # + column start, (W',): in place, no more big temporaries
    dx = np.zeros(B * D * H * W, dtype=cache.dtype)
    np.add.at(dx, index.ravel(), dout.ravel())  # scatter-add: overlapping windows may share a maximum
    return crop(dx.reshape(B, D, H, W), cache.padding)


def trainable_pool2d_forward(x, weights, size=2, stride=None):
    r"""Trainable pooling (Lecture §2.7): a learned weighted sum over each window.

    One weight per window offset, shared by every window and channel (like a
    depthwise convolution with a single shared ``k × k`` filter and stride ``S``).
    ``weights = 1/k²`` everywhere is mean pooling; a Gaussian is Gaussian pooling.

    Parameters
    ----------
    x : array_like, shape (B, D, H, W)
    weights : array_like, shape (k_h, k_w)
        The learned per-offset weights.
    size : int or (int, int), default 2
        Window size; must equal ``weights.shape``.
    stride : int or (int, int), optional
        Default ``size``.

    Returns
    -------
    out : numpy.ndarray, shape (B, D, H', W')
    cache : TrainablePoolCache

    Notes
    -----
    .. math:: \mathrm{net}_{b,d,i,j} = \sum_{m,n} \omega_{m,n}\, x_{b,d,\,iS+m,\,jS+n}
    """
    x, k, S, _, out_hw = _prepare(x, size, stride)
    weights = as_float_array(weights, "weights")
    check_shape(weights, "weights", k, "(k_h, k_w), one weight per window offset; size")
    dtype = np.result_type(x, weights)
    x, weights = x.astype(dtype, copy=False), weights.astype(dtype, copy=False)
    return _weighted_pool(x, weights, S, out_hw), TrainablePoolCache(x, weights, S)


def trainable_pool2d_backward(dout, cache: TrainablePoolCache):
    r"""Backward pass of :func:`trainable_pool2d_forward`.

    Parameters
    ----------
    dout : array_like, shape (B, D, H', W')
    cache : TrainablePoolCache

    Returns
    -------
    dx : numpy.ndarray, shape (B, D, H, W)
    dweights : numpy.ndarray, shape (k_h, k_w)

    Notes
    -----
    .. math::
        \frac{\partial E}{\partial x_{iS+m,\,jS+n}} \mathrel{+}= \omega_{m,n}\,\delta_{i,j}, \qquad
        \frac{\partial E}{\partial \omega_{m,n}} = \sum_{b,d,i,j} \delta_{b,d,i,j}\, x_{b,d,\,iS+m,\,jS+n}
    """
    if not isinstance(cache, TrainablePoolCache):
        raise TypeError(
            f"cache must be the TrainablePoolCache returned by trainable_pool2d_forward; got {type(cache).__name__}"
        )
    x, weights, (Sh, Sw) = cache
    (kh, kw), (B, D, H, W) = weights.shape, x.shape
    Ho, Wo = output_size(H, kh, Sh), output_size(W, kw, Sw)
    dout = _check_dout(dout, (B, D, Ho, Wo), x.dtype)
    dweights = np.empty_like(weights)
    for m in range(kh):
        for n in range(kw):
            dweights[m, n] = np.sum(dout * x[:, :, m : m + Sh * Ho : Sh, n : n + Sw * Wo : Sw])
    return _weighted_pool_backward(dout, weights, x.shape, (Sh, Sw)), dweights
