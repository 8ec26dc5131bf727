"""Argument checks shared by the kernels.

Every error names the argument it is about, so that a student who passes the
wrong thing from a notebook cell reads *which* argument is wrong and why.
Nothing here broadcasts silently: shapes must match exactly.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["as_pair", "as_float_array", "check_ndim", "check_shape", "result_float_dtype"]


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


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
    TypeError
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
            raise TypeError(f"{name} must contain ints; got {value!r}")
        pair = (int(items[0]), int(items[1]))
    else:
        raise TypeError(f"{name} must be an int or a pair of ints; got {type(value).__name__} {value!r}")
    if min(pair) < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value!r}")
    return pair


def as_float_array(a, name: str) -> np.ndarray:
    """Return ``a`` as a floating-point ndarray, keeping float32/float64.

    Integer and boolean inputs (e.g. a 0/1 image typed by hand) become float64;
    float16 becomes float32. Complex or object arrays raise ``TypeError``.
    """
    if a is None:
        raise TypeError(f"{name} must be an array, got None")
    arr = np.asarray(a)
    if arr.dtype in (np.float32, np.float64):
        return arr
    if arr.dtype == np.float16:
        return arr.astype(np.float32)
    if np.issubdtype(arr.dtype, np.integer) or arr.dtype == np.bool_:
        return arr.astype(np.float64)
    raise TypeError(f"{name} must hold real numbers; got dtype {arr.dtype}")


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
