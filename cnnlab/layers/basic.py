r"""Activations, Flatten, Dense (fully connected) and Dropout.

Activations come from :mod:`cnnlab.activations` (``ACTIVATIONS[name] = (f, f')``,
``f'`` taking the net input). Layers with weights accept ``activation=`` and
apply it themselves (LeNet-5's layers each "squash" their weighted sum, so
one summary row = one layer of the paper); the backward pass multiplies the
incoming δ by ``f'(net)`` first (Lecture §3.8: δ^{l} ∘ f'(net^{l})).
"""

from __future__ import annotations

import numpy as np

from .._checks import check_int
from ..activations import ACTIVATIONS
from ..init import as_generator, initialize
from .base import FlatShape, Layer, check_batch, flatten_input, prod

__all__ = ["Activation", "ReLU", "Sigmoid", "Tanh", "ScaledTanh", "Flatten", "Dense", "Dropout",
           "ActivationMixin"]


_KNOWN = ("relu", "sigmoid", "tanh", "scaled_tanh")


class ActivationMixin:
    """Fused activation: ``out = f(net)``; backward returns ``dout ∘ f'(net)``."""

    def _set_activation(self, activation):
        if activation is not None and activation not in _KNOWN:
            raise ValueError(f"activation must be one of {list(_KNOWN)} or None; got {activation!r}")
        self.activation = activation
        self._fns = None if activation is None else ACTIVATIONS[activation]

    def _act_forward(self, net):
        if self.activation is None:
            return net
        self._net = net
        return self._fns[0](net).astype(net.dtype, copy=False)

    def _act_backward(self, dout):
        if self.activation is None:
            return dout
        return dout * self._fns[1](self._net)


class Activation(ActivationMixin, Layer):
    """Element-wise activation ``f`` (a name from ``cnnlab.activations.ACTIVATIONS``)."""

    kind = "act"

    def __init__(self, activation: str, name=None):
        super().__init__(name)
        self._set_activation(activation)

    def forward(self, x, train=True):
        return self._act_forward(check_batch(x))

    def backward(self, dout):
        return self._act_backward(dout)

    def _extra_repr(self):
        return f"{self.activation!r}" if type(self) is Activation else ""


class ReLU(Activation):
    """max(0, net)."""

    def __init__(self, name=None):
        super().__init__("relu", name)


class Sigmoid(Activation):
    """1/(1 + e^{−net})."""

    def __init__(self, name=None):
        super().__init__("sigmoid", name)


class Tanh(Activation):
    """tanh(net)."""

    def __init__(self, name=None):
        super().__init__("tanh", name)


class ScaledTanh(Activation):
    """LeNet-5's squashing function A·tanh(S·net), A = 1.7159, S = 2/3 (LeCun et al. 1998, App. A)."""

    def __init__(self, name=None):
        super().__init__("scaled_tanh", name)


class Flatten(Layer):
    """``(B, D, H, W) -> (B, D·H·W)`` (C order: channel, then row, then column)."""

    kind = "flatten"

    def forward(self, x, train=True):
        x = check_batch(x)
        self._shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dout):
        return dout.reshape(self._shape)

    def output_shape(self, in_shape):
        return FlatShape(in_shape) if len(in_shape) == 3 else (prod(in_shape),)


class Dense(ActivationMixin, Layer):
    r"""Fully connected layer ``out = f(x·wᵀ + b)``.

    Parameters
    ----------
    in_features, out_features : int
    activation : str or None
    bias : bool, default True
    init : str, default "he"
        A name from :data:`cnnlab.init.INITIALIZERS` (fan-in = ``in_features``).
    seed : int or Generator

    Shapes: ``x`` (B, in_features) — or any (B, …) with ``in_features`` values
    per sample, flattened first (so C5's (B, 120, 1, 1) output feeds F6
    directly); ``w`` (out_features, in_features), ``b`` (out_features,).
    """

    kind = "dense"

    def __init__(self, in_features, out_features, activation=None, bias=True, init="he", seed=0, name=None,
                 dtype=np.float32):
        super().__init__(name, dtype)
        self.in_features = check_int(in_features, "in_features", 1)
        self.out_features = check_int(out_features, "out_features", 1)
        self.bias, self.init, self.seed = bool(bias), init, seed
        self._set_activation(activation)

    def _init_params(self):
        rng = as_generator(self.seed)
        p = {"w": initialize(self.init, (self.out_features, self.in_features), self.in_features, rng,
                             fan_out=self.out_features, dtype=self.dtype)}
        if self.bias:
            p["b"] = np.zeros(self.out_features, self.dtype)
        return p

    def forward(self, x, train=True):
        self._x = x2 = flatten_input(self, x, self.in_features)
        net = x2 @ self.params["w"].T
        if self.bias:
            net += self.params["b"]
        return self._act_forward(net)

    def backward(self, dout):
        dnet = self._act_backward(dout)
        self.grads = {"w": dnet.T @ self._x}
        if self.bias:
            self.grads["b"] = dnet.sum(axis=0)
        if not self.input_grad:
            return None
        return (dnet @ self.params["w"]).reshape(self._shape)

    def output_shape(self, in_shape):
        if prod(in_shape) != self.in_features:
            raise ValueError(f"{self.name}: expects {self.in_features} inputs per sample; got shape {tuple(in_shape)}")
        return (self.out_features,)

    def param_count(self, in_shape):
        return self.out_features * (self.in_features + self.bias), 0

    def connections(self, in_shape):
        return self.param_count(in_shape)[0]

    def rf_ops(self, in_shape):
        # A dense layer on (D, H, W) maps — given as maps or flattened — is an H×W
        # convolution: it sees the whole map.
        maps = getattr(in_shape, "map_shape", in_shape)
        return [("conv", int(maps[1]), 1, 0)] if len(maps) == 3 else []

    def _extra_repr(self):
        act = f", activation={self.activation!r}" if self.activation else ""
        return f"{self.in_features} -> {self.out_features}{act}"


class Dropout(Layer):
    """Inverted dropout: in training, zero each value with probability ``p`` and scale the rest by
    1/(1−p); at test time the identity. Masks come from a generator seeded by ``seed``."""

    kind = "dropout"

    def __init__(self, p=0.5, seed=0, name=None):
        super().__init__(name)
        if not 0 <= p < 1:
            raise ValueError(f"p must be in [0, 1); got {p!r}")
        self.p, self.seed = float(p), seed
        self._rng = as_generator(seed)

    def forward(self, x, train=True):
        x = check_batch(x)
        if not train or self.p == 0:
            self._mask = None
            return x
        self._mask = (self._rng.random(x.shape) >= self.p).astype(x.dtype) / (1 - self.p)
        return x * self._mask

    def backward(self, dout):
        return dout if self._mask is None else dout * self._mask

    def _extra_repr(self):
        return f"p={self.p}"
