"""Padding the border of feature maps: the one place conv and pooling pad (Lecture §3.3).

A convolution pads with zeros; max pooling pads with −∞ so that a padded cell
never wins a maximum (as PyTorch does); mean and Gaussian pooling pad with
zeros, which count in the window's average (PyTorch's ``count_include_pad``).
"""

from __future__ import annotations

import numpy as np

from ._checks import as_pair

__all__ = ["pad", "crop"]


def pad(x: np.ndarray, P, value: float = 0.0) -> np.ndarray:
    """Pad the last two axes of ``x`` by ``P = (P_h, P_w)`` on each side with ``value``.

    Parameters
    ----------
    x : numpy.ndarray, shape (..., H, W)
    P : int or (int, int)
    value : float, default 0.0
        0 for convolution (zero padding), ``-np.inf`` for max pooling.

    Returns
    -------
    numpy.ndarray, shape (..., H + 2P_h, W + 2P_w)
        ``x`` itself when ``P`` is 0, else a new array.
    """
    Ph, Pw = as_pair(P, "P", 0)
    if Ph == 0 and Pw == 0:
        return x
    xp = np.full(x.shape[:-2] + (x.shape[-2] + 2 * Ph, x.shape[-1] + 2 * Pw), value, dtype=x.dtype)
    xp[..., Ph : Ph + x.shape[-2], Pw : Pw + x.shape[-1]] = x
    return xp


def crop(xp: np.ndarray, P) -> np.ndarray:
    """Undo :func:`pad` (a view): drop ``P = (P_h, P_w)`` rows and columns on each side.

    The backward pass of padding: the gradient of a padded cell goes nowhere."""
    Ph, Pw = as_pair(P, "P", 0)
    return xp[..., Ph : xp.shape[-2] - Ph, Pw : xp.shape[-1] - Pw]
