r"""Activation functions and their derivatives (Lecture §3.1, §3.8).

Back-propagation through a layer needs ``f'(net)``:
``δ^{l−1} = (δ^l * W^l) ∘ f'(net^{l−1})`` (Lecture §3.8). Each ``*_grad``
takes ``net`` (the weighted input, before the activation) and returns
``f'(net)`` element-wise, in the dtype of ``net`` (float32 stays float32).

``ACTIVATIONS`` maps a name to the pair ``(f, f')``.
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array

__all__ = [
    "relu", "relu_grad", "sigmoid", "sigmoid_grad", "tanh", "tanh_grad",
    "scaled_tanh", "scaled_tanh_grad", "ACTIVATIONS", "LECUN_A", "LECUN_S",
]

#: Amplitude A of LeNet-5's squashing function A·tanh(S·x) (LeCun et al. 1998, Appendix A).
LECUN_A = 1.7159
#: Slope S = 2/3 of LeNet-5's squashing function.
LECUN_S = 2.0 / 3.0


def relu(net):
    r"""ReLU, :math:`f(x) = \max(0, x)`.

    Parameters
    ----------
    net : array_like, any shape

    Returns
    -------
    numpy.ndarray, same shape and float dtype
    """
    net = as_float_array(net, "net")
    return np.maximum(net, 0).astype(net.dtype, copy=False)


def relu_grad(net):
    r"""ReLU derivative :math:`f'(x) = [x > 0]` (0 at 0, as in PyTorch)."""
    net = as_float_array(net, "net")
    return (net > 0).astype(net.dtype)


def sigmoid(net):
    r"""Logistic sigmoid :math:`\sigma(x) = 1/(1 + e^{-x})`, computed without overflow.

    Uses :math:`e^{-|x|}` so large :math:`|x|` give 0 or 1 without warnings.
    """
    net = as_float_array(net, "net")
    e = np.exp(-np.abs(net))
    return np.where(net >= 0, 1 / (1 + e), e / (1 + e)).astype(net.dtype, copy=False)


def sigmoid_grad(net):
    r""":math:`\sigma'(x) = \sigma(x)\,(1 - \sigma(x))`."""
    s = sigmoid(net)
    return s * (1 - s)


def tanh(net):
    r"""Hyperbolic tangent :math:`\tanh x = (e^x - e^{-x})/(e^x + e^{-x})`."""
    net = as_float_array(net, "net")
    return np.tanh(net)


def tanh_grad(net):
    r""":math:`\tanh'(x) = 1 - \tanh^2 x`."""
    t = tanh(net)
    return 1 - t * t


def scaled_tanh(net):
    r"""LeNet-5's squashing function :math:`f(x) = A \tanh(S x)`, ``A = 1.7159``, ``S = 2/3``.

    Chosen so that :math:`f(\pm 1) = \pm 1` and the gain is largest around
    :math:`|x| \le 1` (LeCun et al. 1998, Appendix A).
    """
    net = as_float_array(net, "net")
    return (LECUN_A * np.tanh(LECUN_S * net)).astype(net.dtype, copy=False)


def scaled_tanh_grad(net):
    r""":math:`f'(x) = A S \,(1 - \tanh^2(S x))`."""
    net = as_float_array(net, "net")
    t = np.tanh(LECUN_S * net)
    return (LECUN_A * LECUN_S * (1 - t * t)).astype(net.dtype, copy=False)


ACTIVATIONS = {
    "relu": (relu, relu_grad),
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "scaled_tanh": (scaled_tanh, scaled_tanh_grad),
}
