r"""Pooling layers (Lecture §2.8, §3.14) and LeNet-5's trainable subsampling.

The arithmetic (and the padding: ResNet's 3×3/2 max pooling pads by 1) is done
by :mod:`cnnlab.pool`; these classes add the layer interface and the trainable
parts. Window sizes, strides and paddings are ints or pairs ``(vertical,
horizontal)``, as for :class:`~cnnlab.layers.Conv2D` and the kernels.

* :class:`Pool2D` / :class:`MaxPool2D` / :class:`MeanPool2D` / :class:`GaussianPool2D` —
  no parameters; backward only routes δ (to the maximum, or spread by the window's weights).
* :class:`TrainablePool2D` — one learned weight per window offset (``size × size``), shared by all maps.
* :class:`Subsampling` — LeNet-5's S2/S4: the four inputs of a 2×2 window are **summed**,
  multiplied by a trainable coefficient and added to a trainable bias (one pair per map),
  then passed through the activation (LeCun et al. 1998, §II.B).
* :class:`GlobalAvgPool2D` — (B, D, H, W) -> (B, D), ResNet's final pooling.
"""

from __future__ import annotations

import numpy as np

from .._checks import as_pair, check_int
from ..arithmetic import output_size
from ..init import as_generator, initialize
from ..pool import pool2d_backward, pool2d_forward, trainable_pool2d_backward, trainable_pool2d_forward
from .base import Layer, check_batch
from .basic import ActivationMixin

__all__ = ["Pool2D", "MaxPool2D", "MeanPool2D", "AvgPool2D", "GaussianPool2D", "TrainablePool2D",
           "Subsampling", "GlobalAvgPool2D"]


def _pair_text(name, pair):
    """``"S=2"`` for (2, 2), ``"S=(2, 1)"`` otherwise."""
    return f"{name}={pair[0] if pair[0] == pair[1] else pair}"


class _PoolShape:
    """Window, stride and padding (pairs) and the output-shape rules shared by the pooling layers."""

    def _set_window(self, size, stride=None, padding=0):
        self.size = as_pair(size, "size", 1)
        self.stride = self.size if stride is None else as_pair(stride, "stride", 1)
        self.padding = as_pair(padding, "padding", 0)

    def output_shape(self, in_shape):
        if len(in_shape) != 3:
            raise ValueError(f"{self.name}: expects input (D, H, W); got {tuple(in_shape)}")
        D, H, W = in_shape
        (kh, kw), (Sh, Sw), (Ph, Pw) = self.size, self.stride, self.padding
        return (D, output_size(H, kh, Sh, Ph), output_size(W, kw, Sw, Pw))

    def rf_ops(self, in_shape):
        return [("pool", self.size[0], self.stride[0], self.padding[0])]

    def _window_repr(self):
        s = _pair_text("size", self.size)
        if self.stride != self.size:
            s += ", " + _pair_text("S", self.stride)
        if self.padding != (0, 0):
            s += ", " + _pair_text("P", self.padding)
        return s


class Pool2D(_PoolShape, Layer):
    """Max, mean or Gaussian pooling over ``size`` windows moved by ``stride`` (default ``size``).

    ``size``, ``stride`` and ``padding`` are ints or pairs. ``padding`` pads each
    side, with −∞ for max pooling and 0 for the others (as PyTorch does), so
    padded cells never win a max.
    """

    kind = "pool"

    def __init__(self, size=2, stride=None, mode="max", sigma=1.0, padding=0, name=None):
        super().__init__(name)
        if mode not in ("max", "mean", "gaussian"):
            raise ValueError(f"mode must be 'max', 'mean' or 'gaussian'; got {mode!r}")
        self._set_window(size, stride, padding)
        self.mode, self.sigma = mode, sigma

    def forward(self, x, train=True):
        x = check_batch(x, self.name, 4, "(B, D, H, W)")
        out, self._cache = pool2d_forward(x, self.size, self.stride, self.mode, self.sigma, self.padding)
        return out

    def backward(self, dout):
        return pool2d_backward(dout, self._cache)

    def _extra_repr(self):
        s = f"{self.mode}, {self._window_repr()}"
        if self.mode == "gaussian":
            s += f", sigma={self.sigma}"
        return s


class MaxPool2D(Pool2D):
    """Max pooling: the largest of each window; δ goes back to that position only (Lecture §3.14)."""

    def __init__(self, size=2, stride=None, padding=0, name=None):
        super().__init__(size, stride, "max", padding=padding, name=name)


class MeanPool2D(Pool2D):
    """Mean (average) pooling: δ/size² to each position of the window (Lecture §3.14)."""

    def __init__(self, size=2, stride=None, padding=0, name=None):
        super().__init__(size, stride, "mean", padding=padding, name=name)


AvgPool2D = MeanPool2D


class GaussianPool2D(Pool2D):
    """Gaussian-weighted average of each window (weights ∝ exp(−r²/2σ²), summing to 1)."""

    def __init__(self, size=2, stride=None, sigma=1.0, padding=0, name=None):
        super().__init__(size, stride, "gaussian", sigma=sigma, padding=padding, name=name)


class TrainablePool2D(_PoolShape, Layer):
    """Weighted pooling with learned per-offset weights ``weights`` (k_h, k_w), shared by every map;
    initialised to the mean (1/(k_h·k_w))."""

    kind = "pool"

    def __init__(self, size=2, stride=None, name=None, dtype=np.float32):
        super().__init__(name, dtype)
        self._set_window(size, stride)

    def _init_params(self):
        return {"weights": np.full(self.size, 1.0 / (self.size[0] * self.size[1]), self.dtype)}

    def forward(self, x, train=True):
        x = check_batch(x, self.name, 4, "(B, D, H, W)").astype(self.dtype, copy=False)
        out, self._cache = trainable_pool2d_forward(x, self.params["weights"], size=self.size, stride=self.stride)
        return out

    def backward(self, dout):
        dx, dweights = trainable_pool2d_backward(dout, self._cache)
        self.grads = {"weights": dweights}
        return dx

    def param_count(self, in_shape=None):
        return self.size[0] * self.size[1], 0

    def connections(self, in_shape):
        D, Ho, Wo = self.output_shape(in_shape)
        return D * Ho * Wo * self.size[0] * self.size[1]

    def _extra_repr(self):
        return self._window_repr()


class Subsampling(ActivationMixin, _PoolShape, Layer):
    r"""LeNet-5's subsampling layer (S2, S4).

    ``net[b, d] = c[d] · Σ_{2×2 window} x[b, d] + β[d]``, ``out = f(net)``.

    Parameters: ``coef`` (D,) and ``bias`` (D,) — 2 per map (S2: 12, S4: 32).
    Connections (LeCun's count): 5 per output unit (4 inputs + bias).
    ``init`` draws the coefficients (fan-in = size² = 4); biases start at 0.
    """

    kind = "subsampling"

    def __init__(self, channels, size=2, activation=None, init="lecun", seed=0, name=None, dtype=np.float32):
        super().__init__(name, dtype)
        self.channels, self.init, self.seed = check_int(channels, "channels", 1), init, seed
        self._set_window(size)
        self._set_activation(activation)

    @property
    def _area(self):
        return self.size[0] * self.size[1]

    def _init_params(self):
        rng = as_generator(self.seed)
        return {"coef": initialize(self.init, (self.channels,), self._area, rng, fan_out=1, dtype=self.dtype),
                "bias": np.zeros(self.channels, self.dtype)}

    def forward(self, x, train=True):
        x = check_batch(x, self.name, 4, "(B, D, H, W)").astype(self.dtype, copy=False)
        if x.shape[1] != self.channels:
            raise ValueError(f"{self.name}: x must have {self.channels} maps; got shape {x.shape}")
        mean, self._cache = pool2d_forward(x, size=self.size, mode="mean")
        self._sum = mean * self._area
        c, b = self.params["coef"], self.params["bias"]
        return self._act_forward(self._sum * c[:, None, None] + b[:, None, None])

    def backward(self, dout):
        dnet = self._act_backward(dout)
        c = self.params["coef"]
        self.grads = {"coef": (dnet * self._sum).sum(axis=(0, 2, 3)), "bias": dnet.sum(axis=(0, 2, 3))}
        if not self.input_grad:
            return None
        return pool2d_backward(dnet * c[:, None, None] * self._area, self._cache)

    def output_shape(self, in_shape):
        if in_shape[0] != self.channels:
            raise ValueError(f"{self.name}: expects {self.channels} maps; got {tuple(in_shape)}")
        return super().output_shape(in_shape)

    def param_count(self, in_shape=None):
        return 2 * self.channels, 0

    def connections(self, in_shape):
        D, Ho, Wo = self.output_shape(in_shape)
        return D * Ho * Wo * (self._area + 1)

    def _extra_repr(self):
        act = f", activation={self.activation!r}" if self.activation else ""
        return f"{self.channels} maps, {_pair_text('size', self.size)}{act}"


class GlobalAvgPool2D(Layer):
    """(B, D, H, W) -> (B, D): the mean of each map (an H×W mean pooling, then flattened)."""

    kind = "pool"

    def forward(self, x, train=True):
        x = check_batch(x, self.name, 4, "(B, D, H, W)")
        self._shape = x.shape
        out, _ = pool2d_forward(x, size=(x.shape[2], x.shape[3]), mode="mean")
        return out.reshape(x.shape[:2])

    def backward(self, dout):
        B, D, H, W = self._shape
        return np.broadcast_to((dout / (H * W))[:, :, None, None], self._shape).copy()

    def output_shape(self, in_shape):
        return (in_shape[0],)

    def rf_ops(self, in_shape):
        return [("pool", int(in_shape[1]), 1, 0)]
