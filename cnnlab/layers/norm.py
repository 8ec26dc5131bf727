r"""Normalisation layers: AlexNet's local response normalisation and batch normalisation.

Local response normalisation (Krizhevsky, Sutskever & Hinton 2012, §3.3) — the
lecture relates it to lateral inhibition: a strong response suppresses its
neighbours in the adjacent maps at the same position::

    b[c] = a[c] / (k + α Σ_{j=c−n/2}^{c+n/2} a[j]²)^β         (the paper's form; k=2, n=5, α=1e-4, β=0.75)

Note: PyTorch's ``LocalResponseNorm`` divides α by n; pass ``alpha=α_torch / n`` to match it.

Batch normalisation (Ioffe & Szegedy 2015): ``x̂ = (x − μ_B)/√(σ²_B + ε)``,
``out = γ x̂ + β``, statistics per channel over the batch (and, for maps, over
all positions); at test time the running averages are used.
"""

from __future__ import annotations

import numpy as np

from .base import Layer, check_batch

__all__ = ["LRN", "LocalResponseNorm", "BatchNorm2D", "BatchNorm1D"]


def _channel_window_sum(a: np.ndarray, half: int) -> np.ndarray:
    """``out[:, c] = Σ_{j=c−half}^{c+half} a[:, j]`` (clipped at the ends), axis 1 = channels."""
    pad = [(0, 0)] * a.ndim
    pad[1] = (half + 1, half)
    c = np.cumsum(np.pad(a, pad), axis=1)
    n = a.shape[1]
    return c[:, 2 * half + 1:2 * half + 1 + n] - c[:, :n]


class LRN(Layer):
    r"""Local response normalisation across ``size`` adjacent maps (``size`` odd).

    Backward (with ``s = k + α Σ a²`` over the window and ``N(c)`` the window of ``c``):

    .. math:: \frac{\partial E}{\partial a_c} = \delta_c s_c^{-β}
              - 2αβ\, a_c \sum_{i \in N(c)} \delta_i a_i s_i^{-β-1}
    """

    kind = "lrn"

    def __init__(self, size=5, alpha=1e-4, beta=0.75, k=2.0, name=None):
        super().__init__(name)
        if size < 1 or size % 2 == 0:
            raise ValueError(f"size must be a positive odd number; got {size!r}")
        self.size, self.alpha, self.beta, self.k = int(size), float(alpha), float(beta), float(k)

    def forward(self, x, train=True):
        x = check_batch(x, self.name, 4, "(B, D, H, W)")
        s = self.k + self.alpha * _channel_window_sum(x * x, self.size // 2)
        self._x, self._s = x, s
        return x * s ** (-self.beta)

    def backward(self, dout):
        x, s = self._x, self._s
        inner = _channel_window_sum(dout * x * s ** (-self.beta - 1), self.size // 2)
        return dout * s ** (-self.beta) - 2 * self.alpha * self.beta * x * inner

    def _extra_repr(self):
        return f"size={self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


LocalResponseNorm = LRN


class _BatchNorm(Layer):
    kind = "batchnorm"
    _axes: tuple = (0,)

    def __init__(self, num_features, eps=1e-5, momentum=0.1, name=None, dtype=np.float32):
        super().__init__(name, dtype)
        self.num_features, self.eps, self.momentum = int(num_features), float(eps), float(momentum)
        self.buffers = {"running_mean": np.zeros(self.num_features, self.dtype),
                        "running_var": np.ones(self.num_features, self.dtype)}

    def _init_params(self):
        return {"gamma": np.ones(self.num_features, self.dtype), "beta": np.zeros(self.num_features, self.dtype)}

    def _bshape(self, ndim):
        shape = [1] * ndim
        shape[1] = self.num_features
        return shape

    def forward(self, x, train=True):
        x = check_batch(x)
        if x.ndim != len(self._axes) + 1 or x.shape[1] != self.num_features:
            raise ValueError(f"{self.name}: x must have {self.num_features} channels on axis 1 and "
                             f"{len(self._axes) + 1} dimensions; got shape {x.shape}")
        x = x.astype(self.dtype, copy=False)
        bs = self._bshape(x.ndim)
        if train:
            mu, var = x.mean(axis=self._axes), x.var(axis=self._axes)
            m = x.size // self.num_features
            rm, rv = self.buffers["running_mean"], self.buffers["running_var"]
            rm += self.momentum * (mu - rm)
            rv += self.momentum * (var * m / max(m - 1, 1) - rv)
        else:
            mu, var = self.buffers["running_mean"], self.buffers["running_var"]
        inv_std = 1.0 / np.sqrt(var + self.eps)
        xhat = (x - mu.reshape(bs)) * inv_std.reshape(bs)
        self._xhat, self._inv_std = xhat, inv_std
        return self.params["gamma"].reshape(bs) * xhat + self.params["beta"].reshape(bs)

    def backward(self, dout):
        bs, xhat = self._bshape(dout.ndim), self._xhat
        self.grads = {"gamma": (dout * xhat).sum(axis=self._axes), "beta": dout.sum(axis=self._axes)}
        dxhat = dout * self.params["gamma"].reshape(bs)
        m = dout.size // self.num_features
        return (self._inv_std.reshape(bs) / m) * (
            m * dxhat - dxhat.sum(axis=self._axes).reshape(bs)
            - xhat * (dxhat * xhat).sum(axis=self._axes).reshape(bs))

    def param_count(self, in_shape=None):
        return 2 * self.num_features, 0

    def connections(self, in_shape):
        return 2 * int(np.prod(in_shape))  # one weighted input (γ) and one bias (β) per unit

    def _extra_repr(self):
        return f"{self.num_features}"


class BatchNorm2D(_BatchNorm):
    """Batch normalisation of maps (B, D, H, W): one γ, β per map, statistics over B, H, W."""

    _axes = (0, 2, 3)

    def output_shape(self, in_shape):
        if len(in_shape) != 3 or in_shape[0] != self.num_features:
            raise ValueError(f"{self.name}: expects ({self.num_features}, H, W); got {tuple(in_shape)}")
        return tuple(in_shape)


class BatchNorm1D(_BatchNorm):
    """Batch normalisation of vectors (B, n): one γ, β per feature, statistics over B."""

    _axes = (0,)
