r"""Gradient checking by central differences (Lecture §3.7: is our δ right?).

Usable from a notebook cell::

    out, cache = conv2d_forward(x, w, b)
    dout = rng.standard_normal(out.shape)
    dx, dw, db = conv2d_backward(dout, cache)
    gradcheck(lambda x, w, b: conv2d_forward(x, w, b)[0], x, w, b,
              analytic=(dx, dw, db), dout=dout)
    # GradcheckResult(ok=True, max_error=2.1e-11,
    #                 errors={x: 2.1e-11, w: 9.3e-12, b: 4.0e-12}, tol=1e-06)

Everything is computed in float64: in float32 the round-off of a central
difference (~1e-7/h) swamps the comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

__all__ = ["rel_error", "numerical_gradient", "gradcheck", "GradcheckResult"]


def rel_error(a, b) -> float:
    r"""Relative error between two arrays (or numbers) of the same shape.

    Parameters
    ----------
    a, b : array_like
        Same shape (no broadcasting).

    Returns
    -------
    float
        The norm-wise relative error below (0.0 when both are all zeros).

    Notes
    -----
    .. math:: \mathrm{rel}(a, b) = \frac{\lVert a - b \rVert_2}{\max(\lVert a \rVert_2 + \lVert b \rVert_2,\ 10^{-300})}

    A norm-wise error: unlike an element-wise ratio it is not thrown off by
    gradient entries that are (almost) zero. Below 1e-6 means the analytic
    gradient is right up to the finite-difference error.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape; got a {a.shape} and b {b.shape}")
    num = np.linalg.norm((a - b).ravel())
    den = np.linalg.norm(a.ravel()) + np.linalg.norm(b.ravel())
    return 0.0 if num == 0.0 else float(num / max(den, 1e-300))


def _scalar_loss(f: Callable, args: list, dout) -> float:
    out = np.asarray(f(*args), dtype=np.float64)
    if dout is None:
        return float(out.sum())
    if out.shape != dout.shape:
        raise ValueError(f"dout must have the shape of f's output {out.shape}; got {dout.shape}")
    return float(np.sum(out * dout))


def numerical_gradient(f: Callable, x, dout=None, h: float = 1e-5) -> np.ndarray:
    r"""Gradient of ``sum(f(x) * dout)`` with respect to ``x`` by central differences.

    Parameters
    ----------
    f : callable
        ``f(x) -> array`` (or a number).
    x : array_like
        The point; copied to float64 (the caller's array is never modified).
    dout : array_like, optional
        Upstream gradient of ``f``'s output shape; ``None`` means all ones,
        i.e. the gradient of ``sum(f(x))``.
    h : float, default 1e-5
        Step.

    Returns
    -------
    numpy.ndarray, float64, shape of ``x``

    Notes
    -----
    .. math:: \frac{\partial L}{\partial x_k} \approx \frac{L(x + h e_k) - L(x - h e_k)}{2h},
        \qquad L(x) = \sum f(x) \odot \mathrm{dout}

    The error is :math:`O(h^2)` plus round-off of order :math:`\varepsilon |L| / h`.
    """
    x = np.array(x, dtype=np.float64)  # a copy
    dout = None if dout is None else np.asarray(dout, dtype=np.float64)
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for k in range(flat.size):
        old = flat[k]
        flat[k] = old + h
        plus = _scalar_loss(f, [x], dout)
        flat[k] = old - h
        minus = _scalar_loss(f, [x], dout)
        flat[k] = old
        gflat[k] = (plus - minus) / (2 * h)
    return grad


@dataclass(frozen=True)
class GradcheckResult:
    """Outcome of :func:`gradcheck`.

    Attributes
    ----------
    errors : tuple of float
        :func:`rel_error` of analytic vs numerical gradient, one per array.
    names : tuple of str
        The arrays' names (``names=`` of :func:`gradcheck`, else ``arg0, arg1 …``).
    tol : float
        Threshold for :attr:`ok`.
    numerical : tuple of numpy.ndarray
        The finite-difference gradients (float64).
    """

    errors: tuple
    names: tuple
    tol: float
    numerical: tuple = field(repr=False, default=())

    @property
    def max_error(self) -> float:
        """Largest relative error (0.0 when there are no arrays)."""
        return max(self.errors, default=0.0)

    @property
    def ok(self) -> bool:
        """True when every relative error is below ``tol``."""
        return self.max_error < self.tol

    def __repr__(self) -> str:
        errs = ", ".join(f"{n}: {e:.1e}" for n, e in zip(self.names, self.errors))
        return f"GradcheckResult(ok={self.ok}, max_error={self.max_error:.1e}, errors={{{errs}}}, tol={self.tol:g})"


def gradcheck(
    f: Callable,
    *arrays,
    analytic: Sequence | Callable,
    dout=None,
    h: float = 1e-5,
    tol: float = 1e-6,
    names: Sequence[str] | None = None,
) -> GradcheckResult:
    r"""Compare analytic gradients with central differences, one per input array.

    Parameters
    ----------
    f : callable
        ``f(*arrays) -> out``.
    *arrays : array_like
        The inputs; each is checked (copied to float64, never modified).
    analytic : sequence of array_like, or callable
        The gradients of ``sum(out * dout)`` w.r.t. each array, in order (same
        shapes); or a callable ``analytic(dout) -> sequence`` (then ``dout=None``
        means all ones).
    dout : array_like, optional
        Upstream gradient, shape of ``out``; ``None`` means all ones.
    h : float, default 1e-5
        Finite-difference step.
    tol : float, default 1e-6
        :attr:`GradcheckResult.ok` is ``max_error < tol``.
    names : sequence of str, optional
        Names for the report (default ``arg0, arg1, …``).

    Returns
    -------
    GradcheckResult
        ``.errors``, ``.ok``, ``.max_error``, ``.names``, ``.numerical``.

    Notes
    -----
    For array :math:`A_k`: :math:`\mathrm{rel}\big(g_k,\ \widehat{\partial L / \partial A_k}\big)`
    with :math:`L = \sum f(A_1, \dots) \odot \mathrm{dout}` and the estimate from
    :func:`numerical_gradient`.
    """
    if not arrays:
        raise ValueError("gradcheck needs at least one array to check")
    base = [np.array(a, dtype=np.float64) for a in arrays]
    dout64 = None if dout is None else np.asarray(dout, dtype=np.float64)
    grads = analytic(np.ones_like(np.asarray(f(*base), dtype=np.float64)) if dout64 is None else dout64) \
        if callable(analytic) else analytic
    grads = list(grads)
    if len(grads) != len(base):
        raise ValueError(f"analytic must give one gradient per array: {len(base)} arrays, {len(grads)} gradients")
    names = tuple(names) if names is not None else tuple(f"arg{k}" for k in range(len(base)))
    if len(names) != len(base):
        raise ValueError(f"names must have one entry per array ({len(base)}); got {len(names)}")
    errors, numerical = [], []
    for k, a in enumerate(base):
        g = np.asarray(grads[k], dtype=np.float64)
        if g.shape != a.shape:
            raise ValueError(f"analytic[{k}] ({names[k]}) has shape {g.shape} but the array has shape {a.shape}")

        def f_k(a_k, k=k):
            args = list(base)
            args[k] = a_k
            return f(*args)

        num = numerical_gradient(f_k, a, dout64, h)
        numerical.append(num)
        errors.append(rel_error(g, num))
    return GradcheckResult(tuple(errors), names, float(tol), tuple(numerical))
