r"""Convolution layer, with LeNet-5's partial connection tables and grouped convolutions.

The computation is :func:`cnnlab.conv.conv2d_forward` / :func:`~cnnlab.conv.conv2d_backward`
(im2col + one GEMM). A connection table is a boolean matrix ``table`` of shape
``(D, N)`` — rows are input maps, columns output maps, as in Table I of LeCun
et al. (1998) — and is applied as a mask on the weights: ``w[n, d] = 0`` where
``table[d, n]`` is False, in the forward pass and in the gradient.
"""

from __future__ import annotations

import numpy as np

from .._checks import as_pair, check_int
from ..arithmetic import output_size
from ..conv import conv2d_backward, conv2d_forward
from ..init import as_generator, initialize
from .base import Layer, check_batch
from .basic import ActivationMixin

__all__ = ["Conv2D", "group_table"]


def group_table(D: int, N: int, groups: int) -> np.ndarray:
    """Connection table of a grouped convolution (AlexNet's two-GPU layers): block diagonal."""
    if D % groups or N % groups:
        raise ValueError(f"groups={groups} must divide both D={D} and N={N}")
    t = np.zeros((D, N), bool)
    for g in range(groups):
        t[g * D // groups:(g + 1) * D // groups, g * N // groups:(g + 1) * N // groups] = True
    return t


class Conv2D(ActivationMixin, Layer):
    r"""2-D convolution ``out = f(x ⋆ w + b)``.

    Parameters
    ----------
    in_channels, out_channels : int
        ``D`` and ``N``.
    kernel_size : int or (int, int)
        ``F`` or ``(F_h, F_w)``.
    stride, padding : int or (int, int)
        ``S`` and ``P``; sizes are floored like PyTorch (see :mod:`cnnlab.conv`).
    bias : bool, default True
    activation : str or None
        Fused activation (a name of ``cnnlab.activations.ACTIVATIONS``).
    connection_table : array of bool, shape (D, N), optional
        Which input maps feed which output map; ``None`` = all (full connection).
    groups : int, default 1
        Shortcut for a block-diagonal connection table.
    init : str, default "he"
        Initialiser name; fan-in of output map n = (inputs connected to n)·F_h·F_w.
    seed : int or Generator
        Seeds the initial weights.

    Notes
    -----
    Trainable parameters: ``Σ_n |table[:, n]|·F_h·F_w`` weights + ``N`` biases.
    Connections (LeCun's count): ``H'·W'·Σ_n (|table[:, n]|·F_h·F_w + 1)``.
    """

    kind = "conv"

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True, activation=None,
                 connection_table=None, groups=1, init="he", seed=0, name=None, dtype=np.float32):
        super().__init__(name, dtype)
        self.in_channels = check_int(in_channels, "in_channels", 1)
        self.out_channels = check_int(out_channels, "out_channels", 1)
        self.kernel_size = as_pair(kernel_size, "kernel_size", 1)
        self.stride = as_pair(stride, "stride", 1)
        self.padding = as_pair(padding, "padding", 0)
        self.bias, self.init, self.seed = bool(bias), init, seed
        if connection_table is None and groups != 1:
            connection_table = group_table(self.in_channels, self.out_channels, groups)
        self.groups = groups
        if connection_table is not None:
            t = np.asarray(connection_table, dtype=bool)
            if t.shape != (self.in_channels, self.out_channels):
                raise ValueError(f"connection_table must have shape (D, N) = ({self.in_channels}, "
                                 f"{self.out_channels}); got {t.shape}")
            if not t.any(axis=0).all():
                raise ValueError(f"connection_table: output maps {np.flatnonzero(~t.any(axis=0)).tolist()} "
                                 f"have no input")
            connection_table = t
        self.connection_table = connection_table
        self._set_activation(activation)

    # helpers
    def _fan_in_per_map(self):
        Fh, Fw = self.kernel_size
        if self.connection_table is None:
            return np.full(self.out_channels, self.in_channels * Fh * Fw)
        return self.connection_table.sum(axis=0) * Fh * Fw

    @property
    def weight_mask(self):
        """``(N, D, 1, 1)`` 0/1 mask from the connection table, or ``None``."""
        if self.connection_table is None:
            return None
        return self.connection_table.T[:, :, None, None].astype(self.dtype)

    def _init_params(self):
        N, D, (Fh, Fw) = self.out_channels, self.in_channels, self.kernel_size
        rng = as_generator(self.seed)
        fan_in = self._fan_in_per_map().reshape(N, 1, 1, 1)
        w = initialize(self.init, (N, D, Fh, Fw), fan_in, rng, fan_out=N * Fh * Fw, dtype=self.dtype)
        if self.connection_table is not None:
            w *= self.weight_mask
        p = {"w": w}
        if self.bias:
            p["b"] = np.zeros(N, self.dtype)
        return p

    def forward(self, x, train=True):
        x = check_batch(x)
        if x.ndim != 4 or x.shape[1] != self.in_channels:
            raise ValueError(f"{self.name}: x must have shape (B, {self.in_channels}, H, W); got {x.shape}")
        x = x.astype(self.dtype, copy=False)
        w = self.params["w"]
        mask = self.weight_mask
        if mask is not None:
            w = w * mask
        b = self.params["b"] if self.bias else np.zeros(self.out_channels, self.dtype)
        net, self._cache = conv2d_forward(x, w, b, stride=self.stride, padding=self.padding)
        return self._act_forward(net)

    def backward(self, dout):
        dnet = self._act_backward(dout)
        dx, dw, db = conv2d_backward(dnet, self._cache, input_grad=self.input_grad)
        mask = self.weight_mask
        self.grads = {"w": dw if mask is None else dw * mask}
        if self.bias:
            self.grads["b"] = db
        return dx

    # description
    def output_shape(self, in_shape):
        if len(in_shape) != 3 or in_shape[0] != self.in_channels:
            raise ValueError(f"{self.name}: expects input (D={self.in_channels}, H, W); got {tuple(in_shape)}")
        H, W = in_shape[1:]
        (Fh, Fw), (Sh, Sw), (Ph, Pw) = self.kernel_size, self.stride, self.padding
        return (self.out_channels, output_size(H, Fh, Sh, Ph), output_size(W, Fw, Sw, Pw))

    def param_count(self, in_shape=None):
        return int(self._fan_in_per_map().sum()) + self.bias * self.out_channels, 0

    def connections(self, in_shape):
        _, Ho, Wo = self.output_shape(in_shape)
        return Ho * Wo * self.param_count()[0]

    def rf_ops(self, in_shape):
        return [("conv", self.kernel_size[0], self.stride[0], self.padding[0])]

    def _extra_repr(self):
        (Fh, Fw), s = self.kernel_size, f"{self.in_channels} -> {self.out_channels}"
        s += f", F={Fh}" if Fh == Fw else f", F=({Fh}, {Fw})"
        if self.stride != (1, 1):
            s += f", S={self.stride[0] if self.stride[0] == self.stride[1] else self.stride}"
        if self.padding != (0, 0):
            s += f", P={self.padding[0] if self.padding[0] == self.padding[1] else self.padding}"
        if self.connection_table is not None:
            s += f", groups={self.groups}" if self.groups != 1 else \
                f", table={int(self.connection_table.sum())}/{self.connection_table.size} links"
        if not self.bias:
            s += ", bias=False"
        if self.activation:
            s += f", activation={self.activation!r}"
        return s
