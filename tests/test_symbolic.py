"""The lecture's formulas of §3.8–3.13, as typed from the slides, against SymPy and the kernels."""

import subprocess
import sys

import numpy as np
import pytest
import sympy as sp

from cnnlab.conv import conv2d_backward, conv2d_forward
from cnnlab.conv_textbook import conv2d_backward_textbook
from cnnlab.symbolic import (
    correlate,
    count_terms,
    dilate,
    equal,
    full_convolution,
    gradient,
    input_gradients,
    parse_formula,
    rotate180,
    symbol_matrix,
    to_latex,
    to_text,
    weight_gradients,
    zero_pad,
)

A = symbol_matrix("a", 3, 3)
W = symbol_matrix("w", 2, 2)
DELTA = symbol_matrix("delta", 2, 2)
W_B = sp.Symbol("w_b")

# Lecture §3.8, the nine derivatives as printed (OUTLINE.md)
SLIDE_DX = {
    (1, 1): "δ11·w11", (1, 2): "δ11·w12 + δ12·w11", (1, 3): "δ12·w12",
    (2, 1): "δ11·w21 + δ21·w11", (2, 2): "δ11·w22 + δ12·w21 + δ21·w12 + δ22·w11",
    (2, 3): "δ12·w22 + δ22·w12", (3, 1): "δ21·w21", (3, 2): "δ21·w22 + δ22·w21",
    (3, 3): "δ22·w22",
}


@pytest.mark.parametrize("ij, text", SLIDE_DX.items())
def test_slide_input_gradient_equals_sympy(ij, text):
    i, j = ij
    assert equal(parse_formula(text), input_gradients(A, W)[i - 1, j - 1])


def test_slide_input_gradients_are_the_full_convolution():
    slide = sp.Matrix(3, 3, lambda i, j: parse_formula(SLIDE_DX[i + 1, j + 1]))
    rule = correlate(zero_pad(DELTA, 1), rotate180(W))
    assert equal(slide, rule) and equal(rule, full_convolution(DELTA, W))
    assert rotate180(W) == sp.Matrix([[W[1, 1], W[1, 0]], [W[0, 1], W[0, 0]]])


def test_a_wrong_formula_is_detected():
    # the unrotated filter: δ_kl paired with w_kl (exercise 3.C's mistake)
    assert not equal(parse_formula("δ11·w11 + δ12·w12 + δ21·w21 + δ22·w22"),
                     input_gradients(A, W)[1, 1])


def test_slide_net22_misprint_is_wrong():
    net = correlate(A, W) + W_B * sp.ones(2, 2)
    right = parse_formula("w11*a22 + w12*a23 + w21*a32 + w22*a33 + w_b")
    misprint = parse_formula("w11*a22 + w12*a23 + w21*a31 + w22*a32 + w_b")
    assert equal(net[1, 1], right)
    assert not equal(net[1, 1], misprint)
    assert sp.diff(misprint, A[2, 2]) == 0 and sp.diff(net[1, 1], A[2, 2]) == W[1, 1]


def test_slide_weight_and_bias_gradients():
    dw, db = weight_gradients(A, W)
    assert equal(dw[0, 0], parse_formula("δ11·a11 + δ12·a12 + δ21·a21 + δ22·a22"))
    assert equal(dw[0, 1], parse_formula("δ11·a12 + δ12·a13 + δ21·a22 + δ22·a23"))
    assert not equal(dw[0, 1], parse_formula("δ11·a11 + δ12·a12 + δ21·a21 + δ22·a22"))
    assert equal(db, sum(DELTA))
    assert equal(dw, correlate(A, DELTA))      # ∂E/∂W = a ⋆ δ


def test_stride_two_via_dilation_equals_direct_differentiation():
    a5, w3, d2 = symbol_matrix("a", 5, 5), symbol_matrix("w", 3, 3), symbol_matrix("delta", 2, 2)
    direct = input_gradients(a5, w3, stride=2)
    assert equal(direct, full_convolution(dilate(d2, 2), w3))
    assert equal(direct[1, 1], parse_formula("δ11·w22"))
    counts = np.array([[count_terms(v) for v in row] for row in direct.tolist()])
    np.testing.assert_array_equal(counts, np.outer([1, 1, 2, 1, 1], [1, 1, 2, 1, 1]))
    dw, _ = weight_gradients(a5, w3, stride=2)
    assert equal(dw, correlate(a5, dilate(d2, 2)))


def test_direct_loss_agrees_with_delta_formulas():
    """No δ at all: E = ½Σ(net − t)², then δ = net − t put into the slide's formulas."""
    t = symbol_matrix("t", 2, 2)
    net = correlate(A, W) + W_B * sp.ones(2, 2)
    E = sum((net[k] - t[k]) ** 2 for k in range(4)) / 2
    its_deltas = {DELTA[k]: net[k] - t[k] for k in range(4)}
    assert equal(gradient(E, A), input_gradients(A, W).subs(its_deltas))


@pytest.mark.parametrize("H, F, S", [(3, 2, 1), (5, 3, 2), (4, 2, 2)])
def test_formulas_at_random_numbers_equal_the_kernels(H, F, S):
    a, w = symbol_matrix("a", H, H), symbol_matrix("w", F, F)
    H_out = (H - F) // S + 1
    d = symbol_matrix("delta", H_out, H_out)
    dx_sym = input_gradients(a, w, stride=S, delta=d)
    dw_sym, db_sym = weight_gradients(a, w, stride=S, delta=d)
    args = (list(a), list(w), list(d))
    dx_f, dw_f, db_f = (sp.lambdify(args, e, "numpy") for e in (dx_sym, dw_sym, db_sym))

    rng = np.random.default_rng(H * 100 + F * 10 + S)
    x, wn, b = rng.normal(size=(1, 1, H, H)), rng.normal(size=(1, 1, F, F)), rng.normal(size=1)
    dout = rng.normal(size=(1, 1, H_out, H_out))
    values = (x.ravel(), wn.ravel(), dout.ravel())
    _, cache = conv2d_forward(x, wn, b, stride=S)
    for dx, dw, db in (conv2d_backward(dout, cache), conv2d_backward_textbook(dout, cache)):
        np.testing.assert_allclose(dx_f(*values), dx[0, 0], atol=1e-12)
        np.testing.assert_allclose(dw_f(*values), dw[0, 0], atol=1e-12)
        np.testing.assert_allclose(db_f(*values), db[0], atol=1e-12)


def test_several_channels_and_filters_sum_over_filters():
    """§3.11/3.12: δ^{l−1}_d = Σ_{n=0}^{N−1} δ_n * W_{n,d}."""
    D, N = 2, 2
    a = [symbol_matrix(f"a{d}", 3, 3) for d in range(D)]
    w = [[symbol_matrix(f"w{n}{d}", 2, 2) for d in range(D)] for n in range(N)]
    delta = [symbol_matrix(f"delta{n}", 2, 2) for n in range(N)]
    E = sum(sum(delta[n].multiply_elementwise(correlate(a[d], w[n][d])))
            for n in range(N) for d in range(D))
    for d in range(D):
        rule = sum((full_convolution(delta[n], w[n][d]) for n in range(N)), sp.zeros(3, 3))
        assert equal(gradient(E, a[d]), rule)


def test_helpers_shapes_and_non_square_filter():
    m = symbol_matrix("a", 2, 3)
    assert m[1, 2] == sp.Symbol("a_{2,3}")
    assert zero_pad(m, (1, 2)).shape == (4, 7) and zero_pad(m, 1).shape == (4, 5)
    assert dilate(m, 3).shape == (4, 7) and dilate(m, 3)[3, 6] == m[1, 2]
    wr = symbol_matrix("w", 1, 2)
    assert full_convolution(m, wr).shape == (2, 4)
    assert equal(full_convolution(m, wr), input_gradients(symbol_matrix("x", 2, 4), wr,
                                                          delta=m))


def test_text_and_latex():
    expr = input_gradients(A, W)[1, 1]
    assert to_text(expr) == "δ11·w22 + δ12·w21 + δ21·w12 + δ22·w11"
    assert to_text(expr, compact=True) == "δ11w22+δ12w21+δ21w12+δ22w11"
    assert equal(parse_formula(to_text(expr)), expr)
    assert to_latex(DELTA[0, 1] * W[1, 0]) == r"\delta_{1,2} w_{2,1}"
    assert to_text(symbol_matrix("delta1", 2, 2)[0, 1] * symbol_matrix("w10", 2, 2)[1, 0]) \
        == "δ1[12]·w10[21]"
    assert count_terms(sp.Integer(0)) == 0 and count_terms(expr) == 4


@pytest.mark.parametrize("text", ["d11*", "d11*x", "", None, "1, 2"])
def test_parse_formula_rejects_what_is_not_a_formula(text):
    with pytest.raises(ValueError):
        parse_formula(text)


def test_core_package_does_not_import_sympy():
    code = "import sys, cnnlab, cnnlab.conv_textbook; print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
