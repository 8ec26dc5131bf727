r"""Residual block (He, Zhang, Ren & Sun 2016): ``out = f(main(x) + shortcut(x))``.

``main`` is a stack of layers (two 3×3 convolutions in a *basic* block, 1×1–3×3–1×1
in a *bottleneck*); ``shortcut`` is the identity or, when the shape changes, a
1×1 convolution with stride (and batch norm). The lecture pairs residual
connections with the visual system's cross-layer links. The gradient flows
through both branches and is summed: ``dx = main.backward(δ) + shortcut.backward(δ)``.
"""

from __future__ import annotations

import numpy as np

from .base import Layer, Sequential
from .basic import ActivationMixin

__all__ = ["ResidualBlock"]


class ResidualBlock(ActivationMixin, Layer):
    """``out = f(main(x) + shortcut(x))``.

    Parameters
    ----------
    main : sequence of Layer
    shortcut : sequence of Layer or None
        ``None`` = identity (input and output shapes must agree).
    activation : str or None, default "relu"
    """

    kind = "residual"

    def __init__(self, main, shortcut=None, activation="relu", name=None):
        super().__init__(name)
        self.main = Sequential(main, name="main", input_grad=True)
        self.shortcut = None if shortcut is None else Sequential(shortcut, name="shortcut", input_grad=True)
        self._set_activation(activation)

    @property
    def layers(self):
        return self.main.layers + ([] if self.shortcut is None else self.shortcut.layers)

    def _branches(self):
        return [self.main] + ([] if self.shortcut is None else [self.shortcut])

    def _merged(self, attr):
        return {f"{s.name}.{k}": v for s in self._branches() for k, v in getattr(s, attr).items()}

    params = property(lambda self: self._merged("params"))
    grads = property(lambda self: self._merged("grads"), lambda self, value: None)
    buffers = property(lambda self: self._merged("buffers"), lambda self, value: None)

    @property
    def built(self):
        return all(s.built for s in self._branches())

    def to(self, dtype):
        self.dtype = np.dtype(dtype)
        for s in self._branches():
            s.to(dtype)
        return self

    def zero_grad(self):
        for s in self._branches():
            s.zero_grad()

    def forward(self, x, train=True):
        y = self.main.forward(x, train=train)
        sc = x if self.shortcut is None else self.shortcut.forward(x, train=train)
        if y.shape != sc.shape:
            raise ValueError(f"{self.name}: main path gives {y.shape} but the shortcut {sc.shape}; "
                             f"give a shortcut (1×1 convolution with stride) that matches")
        return self._act_forward(y + sc)

    def backward(self, dout):
        dnet = self._act_backward(dout)
        dx = self.main.backward(dnet)
        return dx + (dnet if self.shortcut is None else self.shortcut.backward(dnet))

    # description
    def output_shape(self, in_shape):
        out = self.main.output_shape(in_shape)
        sc = tuple(in_shape) if self.shortcut is None else self.shortcut.output_shape(in_shape)
        if tuple(out) != tuple(sc):
            raise ValueError(f"{self.name}: main path gives {out} but the shortcut {sc}")
        return out

    def param_count(self, in_shape):
        counts = [s.param_count(in_shape) for s in self._branches()]
        return sum(c[0] for c in counts), sum(c[1] for c in counts)

    def connections(self, in_shape):
        return sum(s.connections(in_shape) for s in self._branches())

    def rf_ops(self, in_shape):
        return self.main.rf_ops(in_shape)  # the main path sees the larger region

    def __repr__(self):
        body = "\n    ".join(repr(l) for l in self.main.layers)
        sc = "identity" if self.shortcut is None else ", ".join(repr(l) for l in self.shortcut.layers)
        return f"ResidualBlock({self.name!r}, activation={self.activation!r})[\n    {body}\n    + shortcut: {sc}\n  ]"
