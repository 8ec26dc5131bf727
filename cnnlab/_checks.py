"""Argument checks: the one style used wherever a user calls into cnnlab.

Every error names the argument it is about, so that a student who passes the
wrong thing from a notebook cell reads *which* argument is wrong and why.
Nothing here broadcasts silently: shapes must match exactly.

Exceptions: a value of the wrong kind raises :class:`ArgumentTypeError` (a
``TypeError`` that is also a ``ValueError``, so ``except ValueError`` around a
call catches every bad argument); a value out of range raises ``ValueError``.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["ArgumentTypeError", "as_pair", "as_float_array", "check_int", "check_positive", "check_ndim",
           "check_shape", "result_float_dtype"]


class ArgumentTypeError(TypeError, ValueError):
    """An argument of the wrong kind (a float where an int is needed, a string for a number).

    Both a ``TypeError`` and a ``ValueError`` (as NumPy's ``AxisError`` is both a
    ``ValueError`` and an ``IndexError``)."""


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def check_int(value, name: str, minimum: int = 0, maximum: int | None = None) -> int:
    """Return ``value`` as an int ``>= minimum`` (and ``<= maximum``); floats and bools are refused.

    Raises
    ------
    ArgumentTypeError
        ``value`` is not an int.
    ValueError
        ``value`` is out of range.
    """
    if not _is_int(value):
        raise ArgumentTypeError(f"{name} must be an int; got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum:,}; got {value:,}")
    return int(value)


def check_positive(value, name: str) -> float:
    """Return ``value`` as a float that is finite and ``> 0``.

    Raises
    ------
    ArgumentTypeError
        ``value`` is not a real number (bools are refused).
    ValueError
        ``value`` is zero, negative, infinite or NaN.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ArgumentTypeError(f"{name} must be a positive number; got {type(value).__name__} {value!r}")
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive number; got {value!r}")
    return float(value)


def as_pair(value, name: str, minimum: int = 0) -> tuple[int, int]:
    """Return ``value`` as a pair of ints ``(v_h, v_w)``.

    Parameters
    ----------
    value : int or pair of int
        A stride, padding or filter size, given once for both axes or as
        ``(vertical, horizontal)``.
    name : str
        The argument's name, used in error messages.
    minimum : int
        Smallest allowed value (0 for padding, 1 for stride and sizes).

    Raises
    ------
    ArgumentTypeError
        If ``value`` is not an int or a pair of ints (floats and bools are refused).
    ValueError
        If a value is below ``minimum`` or the pair does not have two entries.
    """
    if _is_int(value):
        pair = (int(value), int(value))
    elif isinstance(value, (tuple, list, np.ndarray)):
        items = list(np.asarray(value, dtype=object).ravel()) if isinstance(value, np.ndarray) else list(value)
        if len(items) != 2:
            raise ValueError(f"{name} must be an int or a pair (vertical, horizontal); got {value!r}")
        if not all(_is_int(v) for v in items):
            raise ArgumentTypeError(f"{name} must contain ints; got {value!r}")
        pair = (int(items[0]), int(items[1]))
    else:
        raise ArgumentTypeError(f"{name} must be an int or a pair of ints; got {type(value).__name__} {value!r}")
    if min(pair) < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value!r}")
    return pair


def as_float_array(a, name: str) -> np.ndarray:
    """Return ``a`` as a floating-point ndarray, keeping float32/float64.

    Integer and boolean inputs (e.g. a 0/1 image typed by hand) become float64;
    float16 becomes float32. Complex, string or object arrays raise
    :class:`ArgumentTypeError`.
    """
    if a is None:
        raise ArgumentTypeError(f"{name} must be an array, got None")
    try:
        arr = np.asarray(a)
    except (ValueError, TypeError) as exc:  # ragged nested lists
        raise ArgumentTypeError(f"{name} must be an array of numbers; got {type(a).__name__} ({exc})") from None
    if arr.dtype in (np.float32, np.float64):
        return arr
    if arr.dtype == np.float16:
        return arr.astype(np.float32)
    if np.issubdtype(arr.dtype, np.integer) or arr.dtype == np.bool_:
        return arr.astype(np.float64)
    raise ArgumentTypeError(f"{name} must hold real numbers; got dtype {arr.dtype}")


def check_ndim(a: np.ndarray, name: str, ndim: int, axes: str) -> None:
    """Raise ``ValueError`` unless ``a.ndim == ndim``; ``axes`` names them, e.g. ``"(B, D, H, W)"``."""
    if a.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D with axes {axes}; got shape {a.shape} ({a.ndim}-D)")


def check_shape(a: np.ndarray, name: str, expected: tuple, why: str = "") -> None:
    """Raise ``ValueError`` unless ``a.shape == expected`` exactly (no broadcasting)."""
    if tuple(a.shape) != tuple(expected):
        extra = f" ({why})" if why else ""
        raise ValueError(f"{name} must have shape {tuple(expected)}{extra}; got {tuple(a.shape)}")


def result_float_dtype(*arrays: np.ndarray) -> np.dtype:
    """The dtype kernels compute in: float32 if every input is float32, else float64."""
    return np.result_type(*[a.dtype for a in arrays], np.float32)
