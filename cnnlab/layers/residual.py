r"""Residual block (He, Zhang, Ren & Sun 2016): ``out = f(main(x) + shortcut(x))``.

``main`` is a stack of layers (two 3×3 convolutions in a *basic* block, 1×1–3×3–1×1
in a *bottleneck*); ``shortcut`` is the identity or, when the shape changes, a
1×1 convolution with stride (and batch norm). The lecture pairs residual
connections with the visual system's cross-layer links. The gradient flows
through both branches and is summed: ``dx = main.backward(δ) + shortcut.backward(δ)``.
"""

from __future__ import annotations

from .base import Container, Sequential
from .basic import ActivationMixin

__all__ = ["ResidualBlock"]


class ResidualBlock(ActivationMixin, Container):
    """``out = f(main(x) + shortcut(x))``.

    Its children are the two branches, ``main`` and ``shortcut`` (each a
    :class:`~cnnlab.layers.Sequential`): parameters are keyed ``"main.<layer>.<key>"``.

    Parameters
    ----------
    main : sequence of Layer
    shortcut : sequence of Layer or None
        ``None`` = identity (input and output shapes must agree).
    activation : str or None, default "relu"
    """

    kind = "residual"

    def __init__(self, main, shortcut=None, activation="relu", name=None):
        self.main = Sequential(main, name="main", input_grad=True)
        self.shortcut = None if shortcut is None else Sequential(shortcut, name="shortcut", input_grad=True)
        super().__init__(name)
        self._set_activation(activation)

    def children(self):
        return [(s.name, s) for s in (self.main, self.shortcut) if s is not None]

    @property
    def layers(self):
        """Every layer of both branches (main first)."""
        return self.main.layers + ([] if self.shortcut is None else self.shortcut.layers)

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

    # description: both branches see the same input
    def output_shape(self, in_shape):
        out = self.main.output_shape(in_shape)
        sc = tuple(in_shape) if self.shortcut is None else self.shortcut.output_shape(in_shape)
        if tuple(out) != tuple(sc):
            raise ValueError(f"{self.name}: main path gives {out} but the shortcut {sc}")
        return out

    def param_count(self, in_shape):
        counts = [s.param_count(in_shape) for _, s in self.children()]
        return sum(c[0] for c in counts), sum(c[1] for c in counts)

    def connections(self, in_shape):
        return sum(s.connections(in_shape) for _, s in self.children())

    def rf_ops(self, in_shape):
        return self.main.rf_ops(in_shape)  # the main path sees the larger region

    def __repr__(self):
        body = "\n    ".join(repr(l) for l in self.main.layers)
        sc = "identity" if self.shortcut is None else ", ".join(repr(l) for l in self.shortcut.layers)
        return f"ResidualBlock({self.name!r}, activation={self.activation!r})[\n    {body}\n    + shortcut: {sc}\n  ]"
