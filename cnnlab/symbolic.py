r"""The lecture's convolution formulas in SymPy: the symbolic twin of :mod:`cnnlab.conv_textbook`.

Chapter 3 derives back-propagation through a convolution layer on symbols
(Lecture §3.8–3.13): a 3×3 input :math:`a_{1,1} \dots a_{3,3}`, a 2×2 filter
:math:`w_{1,1} \dots w_{2,2}`, a 2×2 sensitivity map :math:`\delta_{1,1} \dots
\delta_{2,2}`. This module builds those matrices, runs the forward pass and the
slides' backward recipe (zero-pad, rotate by 180°, dilate, convolve) on them, and
lets SymPy differentiate, so that every formula of the slides can be compared
with the true derivative. Symbols are numbered from 1, as on the slides.

Matrices are single-channel ``sympy.Matrix`` objects of shape ``(H, W)``
(input), ``(F_h, F_w)`` (filter) and ``(H', W')`` (output, sensitivity map);
stride ``S`` is an int. This is the only module of ``cnnlab`` that imports SymPy.
"""

from __future__ import annotations

import re

import sympy as sp

__all__ = [
    "symbol_matrix", "correlate", "zero_pad", "rotate180", "dilate", "full_convolution",
    "error_with_sensitivity", "gradient", "input_gradients", "weight_gradients",
    "equal", "count_terms", "parse_formula", "to_text", "to_latex",
]

_SYMBOL = re.compile(r"([A-Za-z]+?)(\d*)_\{(\d+),(\d+)\}")
_GREEK = {"delta": "δ"}


def symbol_matrix(name, rows, cols) -> sp.Matrix:
    """A matrix of symbols ``name_{i,j}``, numbered from 1 like the slides (Lecture §3.8).

    Parameters
    ----------
    name : str
        Base name: ``"a"`` (input), ``"w"`` (filter), ``"delta"`` (sensitivity map);
        a trailing number names a channel or filter (``"a0"``, ``"w10"``, ``"delta1"``).
    rows, cols : int
        Shape of the matrix.

    Returns
    -------
    sympy.Matrix, shape (rows, cols)
        Entry ``[i, j]`` is the symbol ``name_{i+1,j+1}``; ``symbol_matrix("a", 3, 3)``
        holds :math:`a_{1,1} \\dots a_{3,3}`.
    """
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{{{i + 1},{j + 1}}}"))


def correlate(a, w, stride=1) -> sp.Matrix:
    r"""Valid cross-correlation: what a conv layer computes, net without the bias (Lecture §3.1).

    :math:`net_{i,j} = \sum_m \sum_n w_{m,n}\, a_{iS+m,\, jS+n}`, the symbolic
    :func:`cnnlab.conv.conv2d_naive` for one channel and one filter.

    Parameters
    ----------
    a : sympy.Matrix, shape (H, W)
        Input.
    w : sympy.Matrix, shape (F_h, F_w)
        Filter.
    stride : int
        Stride S. Trailing rows/columns that no window reaches are unused.

    Returns
    -------
    sympy.Matrix, shape (H', W')
        ``H' = (H − F_h)//S + 1``, ``W' = (W − F_w)//S + 1``.
    """
    F_h, F_w = w.shape
    H_out, W_out = (a.rows - F_h) // stride + 1, (a.cols - F_w) // stride + 1
    if H_out < 1 or W_out < 1:
        raise ValueError(f"filter {w.shape} larger than input {a.shape}")
    return sp.Matrix(H_out, W_out, lambda i, j: sp.Add(*[
        w[m, n] * a[i * stride + m, j * stride + n] for m in range(F_h) for n in range(F_w)]))


def zero_pad(m, P) -> sp.Matrix:
    """Surround a matrix by rows and columns of zeros (Lecture §3.3, §3.8).

    Parameters
    ----------
    m : sympy.Matrix, shape (H, W)
    P : int or (int, int)
        Padding on each side: ``P`` or ``(P_h, P_w)``.

    Returns
    -------
    sympy.Matrix, shape (H + 2P_h, W + 2P_w)
    """
    P_h, P_w = (P, P) if isinstance(P, int) else P
    padded = sp.zeros(m.rows + 2 * P_h, m.cols + 2 * P_w)
    padded[P_h:P_h + m.rows, P_w:P_w + m.cols] = m
    return padded


def rotate180(w) -> sp.Matrix:
    """The filter rotated by 180° (rows and columns reversed), the flipped filter of Lecture §3.8.

    Parameters
    ----------
    w : sympy.Matrix, shape (F_h, F_w)

    Returns
    -------
    sympy.Matrix, shape (F_h, F_w)
        Entry ``[m, n]`` is ``w[F_h − 1 − m, F_w − 1 − n]``.
    """
    return sp.Matrix(w.rows, w.cols, lambda m, n: w[w.rows - 1 - m, w.cols - 1 - n])


def dilate(delta, S) -> sp.Matrix:
    """Insert ``S − 1`` zeros between neighbours: the stride-1 map restored (Lecture §3.9).

    Parameters
    ----------
    delta : sympy.Matrix, shape (H', W')
        Sensitivity map of a stride-S layer.
    S : int
        Stride.

    Returns
    -------
    sympy.Matrix, shape ((H' − 1)·S + 1, (W' − 1)·S + 1)
    """
    out = sp.zeros((delta.rows - 1) * S + 1, (delta.cols - 1) * S + 1)
    for i in range(delta.rows):
        for j in range(delta.cols):
            out[i * S, j * S] = delta[i, j]
    return out


def full_convolution(delta, w) -> sp.Matrix:
    """δ * W: zero-pad δ by F − 1, then correlate with the 180°-rotated filter (Lecture §3.8).

    Parameters
    ----------
    delta : sympy.Matrix, shape (H', W')
        Sensitivity map of a stride-1 layer (for stride S, pass ``dilate(delta, S)``).
    w : sympy.Matrix, shape (F_h, F_w)
        Filter.

    Returns
    -------
    sympy.Matrix, shape (H' + F_h − 1, W' + F_w − 1)
        ∂E/∂a of the layer's input.
    """
    return correlate(zero_pad(delta, (w.rows - 1, w.cols - 1)), rotate180(w))


def error_with_sensitivity(net, delta):
    r"""E = Σ δ_{k,l}·net_{k,l}: the loss whose sensitivity map ∂E/∂net is δ (Lecture §3.8).

    Any loss has this first-order form near a point, so its derivatives with
    respect to inputs and weights are those the chain rule gives,
    :math:`\sum_{k,l} \delta_{k,l}\, \partial net_{k,l}/\partial(\cdot)`.

    Parameters
    ----------
    net : sympy.Matrix, shape (H', W')
    delta : sympy.Matrix, shape (H', W')

    Returns
    -------
    sympy.Expr
    """
    if net.shape != delta.shape:
        raise ValueError(f"net {net.shape} and delta {delta.shape} differ in shape")
    return sp.Add(*[delta[k] * net[k] for k in range(len(net))])


def gradient(E, m) -> sp.Matrix:
    """∂E/∂m for every entry of a symbol matrix ``m``.

    Parameters
    ----------
    E : sympy.Expr
    m : sympy.Matrix, shape (R, C) of symbols

    Returns
    -------
    sympy.Matrix, shape (R, C)
        Expanded derivatives.
    """
    return m.applyfunc(lambda s: sp.expand(sp.diff(E, s)))


def _delta_for(net, delta):
    return symbol_matrix("delta", *net.shape) if delta is None else delta


def input_gradients(a, w, stride=1, delta=None) -> sp.Matrix:
    """Every ∂E/∂a_{i,j}, by SymPy differentiating E = Σ δ·net (Lecture §3.8, §3.9).

    Parameters
    ----------
    a : sympy.Matrix, shape (H, W)
        Input symbols.
    w : sympy.Matrix, shape (F_h, F_w)
        Filter.
    stride : int
        Stride S.
    delta : sympy.Matrix, shape (H', W'), optional
        Sensitivity map; default ``symbol_matrix("delta", H', W')``.

    Returns
    -------
    sympy.Matrix, shape (H, W)
        The symbolic :func:`cnnlab.conv.conv2d_backward` ``dx`` for one channel and one filter.
    """
    net = correlate(a, w, stride)
    return gradient(error_with_sensitivity(net, _delta_for(net, delta)), a)


def weight_gradients(a, w, stride=1, delta=None, bias=sp.Symbol("w_b")):
    """∂E/∂w_{m,n} and ∂E/∂w_b, by SymPy differentiating E = Σ δ·(net + w_b) (Lecture §3.13).

    Parameters
    ----------
    a : sympy.Matrix, shape (H, W)
        Input.
    w : sympy.Matrix, shape (F_h, F_w)
        Filter symbols.
    stride : int
        Stride S.
    delta : sympy.Matrix, shape (H', W'), optional
        Sensitivity map; default ``symbol_matrix("delta", H', W')``.
    bias : sympy.Symbol
        The bias symbol.

    Returns
    -------
    dw : sympy.Matrix, shape (F_h, F_w)
        Weight gradients (weight sharing: one term per output).
    db : sympy.Expr
        Bias gradient, Σ δ.
    """
    net = correlate(a, w, stride)
    delta = _delta_for(net, delta)
    E = error_with_sensitivity(net + bias * sp.ones(*net.shape), delta)
    return gradient(E, w), sp.expand(sp.diff(E, bias))


def equal(x, y) -> bool:
    """True if two expressions (or matrices of the same shape) are equal after expanding.

    Parameters
    ----------
    x, y : sympy.Expr or sympy.Matrix

    Returns
    -------
    bool
    """
    if isinstance(x, sp.MatrixBase) or isinstance(y, sp.MatrixBase):
        x, y = sp.Matrix(x), sp.Matrix(y)
        return x.shape == y.shape and all(equal(u, v) for u, v in zip(x, y))
    return sp.expand(x - y) == 0


def count_terms(expr) -> int:
    """Number of terms δ·w of an expanded formula (0 for 0): a participation count (Lecture §2.9).

    Parameters
    ----------
    expr : sympy.Expr

    Returns
    -------
    int
    """
    expr = sp.expand(expr)
    return 0 if expr == 0 else len(sp.Add.make_args(expr))


def parse_formula(text) -> sp.Expr:
    """Read a formula typed like the slides: ``"d11*w22 + d12*w21"`` or ``"δ11·w22 + δ12·w21"``.

    ``a``, ``w``, ``t`` followed by two digits are entries of the input, filter,
    target; ``d`` or ``δ`` followed by two digits is an entry of the sensitivity map;
    ``w_b`` is the bias. The symbols are those of :func:`symbol_matrix`.

    Parameters
    ----------
    text : str

    Returns
    -------
    sympy.Expr

    Raises
    ------
    ValueError
        If the text is not a formula of these symbols.
    """
    if not isinstance(text, str):
        raise ValueError(f"a formula is text, got {type(text).__name__}")
    text = text.replace("δ", "d").replace("·", "*")
    names = {"w_b": sp.Symbol("w_b")}
    for kind, i, j in re.findall(r"\b([adwt])(\d)(\d)\b", text):
        base = "delta" if kind == "d" else kind
        names[kind + i + j] = sp.Symbol(f"{base}_{{{i},{j}}}")
    try:
        expr = sp.sympify(text, locals=names)
    except (sp.SympifyError, SyntaxError, TypeError):
        raise ValueError(f"cannot read {text!r} as a formula") from None
    unknown = expr.free_symbols - set(names.values()) if isinstance(expr, sp.Basic) else {text}
    if unknown:
        raise ValueError(f"{text!r}: unknown symbols {sorted(map(str, unknown))}")
    return expr


def _short_symbol(match) -> str:
    base, index, i, j = match.groups()
    base = _GREEK.get(base, base)
    return f"{base}{index}[{i}{j}]" if index else f"{base}{i}{j}"


def to_text(expr, compact=False) -> str:
    """The slide's notation: ``δ11·w22 + δ12·w21 + …`` (Lecture §3.8).

    Parameters
    ----------
    expr : sympy.Expr
        Expanded before printing. Symbols of a numbered channel or filter print
        with brackets: ``delta1_{1,2}`` as ``δ1[12]``, ``w10_{2,1}`` as ``w10[21]``.
    compact : bool
        Drop the spaces and the multiplication dots (``δ12w21+δ22w11``), for tables.

    Returns
    -------
    str
    """
    text = _SYMBOL.sub(_short_symbol, str(sp.expand(expr))).replace("*", "·")
    return text.replace(" ", "").replace("·", "") if compact else text


def to_latex(expr) -> str:
    r"""LaTeX of an expression with δ typeset as :math:`\delta`.

    Parameters
    ----------
    expr : sympy.Expr

    Returns
    -------
    str
    """
    return re.sub(r"\bdelta(?=\d*_)", r"\\delta", sp.latex(expr))
