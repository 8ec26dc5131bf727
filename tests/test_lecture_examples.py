"""The lecture's worked examples, reproduced exactly (OUTLINE §2.3, 2.4, 2.9, 3.1–3.4,
3.8–3.14), including the slide faults the course corrects."""

import numpy as np
import pytest

from cnnlab.activations import sigmoid, sigmoid_grad
from cnnlab.arithmetic import conv_as_matrix, conv_output_size, participation_counts
from cnnlab.conv import conv2d_backward, conv2d_backward_naive, conv2d_forward, conv2d_naive
from cnnlab.conv_textbook import conv2d_backward_textbook, dilate_sensitivity, full_convolution, rotate180
from cnnlab.gradcheck import numerical_gradient
from cnnlab.pool import pool2d_backward, pool2d_forward

# §2.3: W as printed on the slide (10 rows; pixels 0–F numbered row by row).
SLIDE_W = np.array([
    [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0],  # the extra row: pixels 7, 8, B, C
    [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1],
])

# §3.8: concrete sensitivity map and filter (δ11 δ12 / δ21 δ22 and w11 w12 / w21 w22)
DELTA = np.array([[1.0, 2.0], [3.0, 4.0]])
W2 = np.array([[5.0, 6.0], [7.0, 8.0]])
A3 = np.arange(1.0, 10.0).reshape(3, 3)  # a11 … a33

# §3.9: the 5×5 image and the 3×3 filter
IMAGE = np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]])
FILTER = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]])


def _conv1(x, w, b=0.0, stride=1, padding=0):
    """Single image, single filter: (H, W) * (F, F) -> (H', W')."""
    return conv2d_forward(np.asarray(x)[None, None], np.asarray(w)[None, None], np.array([b]), stride, padding)


def test_2_3_fully_connected_matrix_is_9_by_16_not_the_slides_10_rows():
    M = conv_as_matrix(4, 4, 2)
    assert M.shape == (9, 16)  # 16 inputs, 9 regions a … i
    assert SLIDE_W.shape == (10, 16)
    np.testing.assert_array_equal(M, np.delete(SLIDE_W, 6, axis=0))  # the slide is right except for row 7
    wrong = SLIDE_W[6]
    assert list(np.flatnonzero(wrong)) == [0x7, 0x8, 0xB, 0xC]
    assert not any(np.array_equal(wrong, row) for row in M)
    # pixel 7 is (row 1, col 3) and pixel 8 is (row 2, col 0): not neighbours, the row wraps around
    assert divmod(0x7, 4) == (1, 3) and divmod(0x8, 4) == (2, 0)
    # every correct row is a 2×2 block: a = top-left (0, 1, 4, 5), e = centre (5, 6, 9, A), i = bottom-right
    assert list(np.flatnonzero(M[0])) == [0, 1, 4, 5]
    assert list(np.flatnonzero(M[4])) == [5, 6, 9, 10]
    assert list(np.flatnonzero(M[8])) == [10, 11, 14, 15]


def test_2_3_detector_fires_where_the_shape_is():
    x = np.zeros((4, 4))
    x[2:4, 1:3] = 1  # "■■" at the bottom (region h)
    z = conv_as_matrix(4, 4, 2) @ x.ravel()
    assert list(z).index(4) == 7 and z.max() == 4  # region h = index 7 (a … i)


def test_2_4_convolution_is_the_same_nine_detectors_with_shared_weights():
    rng = np.random.default_rng(10)
    x, w = rng.standard_normal((4, 4)), rng.standard_normal((2, 2))
    out, _ = _conv1(x, w)
    assert out.shape == (1, 1, 3, 3)  # 4×4 image -> 3×3 result
    M = conv_as_matrix(4, 4, 2, w=w)
    np.testing.assert_allclose(M @ x.ravel(), out.ravel())
    assert set(np.unique(M)) == set(w.ravel()) | {0.0}  # only the 4 shared weights (and zeros)
    assert M.shape[0] * M.shape[1] == 144 and np.count_nonzero(M) == 36


def test_2_9_participation_counts():
    np.testing.assert_array_equal(
        participation_counts(5, 5, 3),
        [[1, 2, 3, 2, 1], [2, 4, 6, 4, 2], [3, 6, 9, 6, 3], [2, 4, 6, 4, 2], [1, 2, 3, 2, 1]],
    )
    np.testing.assert_array_equal(participation_counts(4, 4, 2), [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]])
    np.testing.assert_array_equal(participation_counts(5, 5, 3, S=2)[:, 0], [1, 1, 2, 1, 1])
    np.testing.assert_array_equal(participation_counts(5, 5, 3, S=2)[2], [2, 2, 4, 2, 2])
    # the counts are the number of terms in each of §3.8's nine derivatives (δ = 1, w = 1)
    counts = participation_counts(3, 3, 2)
    np.testing.assert_array_equal(counts, [[1, 2, 1], [2, 4, 2], [1, 2, 1]])
    _, cache = _conv1(A3, np.ones((2, 2)))
    np.testing.assert_array_equal(conv2d_backward(np.ones((1, 1, 2, 2)), cache)[0][0, 0], counts)


def test_3_1_to_3_4_output_sizes():
    assert conv_output_size(5, 3) == 3  # L' = L − F + 1
    assert conv_output_size(5, 3, S=2) == 2  # (L − F)/S + 1
    assert conv_output_size(5, 3, P=1) == 5  # P = (F − 1)/2 keeps the size
    assert conv_output_size(32, 5, P=2) == 32


def test_3_8_forward_net_and_the_slides_net22_fault():
    wb = 0.5
    out, _ = _conv1(A3, W2, wb)
    (a11, a12, a13), (a21, a22, a23), (a31, a32, a33) = A3
    (w11, w12), (w21, w22) = W2
    assert out[0, 0, 0, 0] == w11 * a11 + w12 * a12 + w21 * a21 + w22 * a22 + wb
    assert out[0, 0, 1, 1] == w11 * a22 + w12 * a23 + w21 * a32 + w22 * a33 + wb
    assert out[0, 0, 1, 1] != w11 * a22 + w12 * a23 + w21 * a31 + w22 * a32 + wb  # the slide's version


def test_3_8_the_nine_derivatives_as_numbers():
    (d11, d12), (d21, d22) = DELTA
    (w11, w12), (w21, w22) = W2
    expected = np.array([
        [d11 * w11, d11 * w12 + d12 * w11, d12 * w12],
        [d11 * w21 + d21 * w11, d11 * w22 + d12 * w21 + d21 * w12 + d22 * w11, d12 * w22 + d22 * w12],
        [d21 * w21, d21 * w22 + d22 * w21, d22 * w22],
    ])
    np.testing.assert_array_equal(expected, [[5, 16, 12], [22, 60, 40], [21, 52, 32]])
    _, cache = _conv1(A3, W2)
    dout = DELTA[None, None]
    for backward in (conv2d_backward, conv2d_backward_naive, conv2d_backward_textbook):
        np.testing.assert_array_equal(backward(dout, cache)[0][0, 0], expected)
    # = full convolution of δ with W = zero-padded δ correlated with the 180°-rotated filter
    np.testing.assert_array_equal(full_convolution(DELTA, W2), expected)
    padded = np.pad(DELTA, 1)
    np.testing.assert_array_equal(_conv1(padded, rotate180(W2))[0][0, 0], expected)
    np.testing.assert_array_equal(rotate180(W2), [[8, 7], [6, 5]])


def test_3_8_sensitivity_of_the_previous_layer_includes_f_prime():
    """δ^{l−1} = δ^l * W^l ∘ f'(net^{l−1}), checked against finite differences of E."""
    net_prev = np.array([[0.2, -1.0, 0.7], [1.5, 0.0, -0.3], [-2.0, 0.4, 1.1]])
    delta_prev = full_convolution(DELTA, W2) * sigmoid_grad(net_prev)
    E = lambda net: _conv1(sigmoid(net), W2)[0][0, 0]  # noqa: E731
    np.testing.assert_allclose(numerical_gradient(E, net_prev, DELTA), delta_prev, rtol=1e-8)


def test_3_9_stride_2_is_the_four_corners_of_stride_1():
    s1, _ = _conv1(IMAGE, FILTER, 0, stride=1)
    s2, cache2 = _conv1(IMAGE, FILTER, 0, stride=2)
    np.testing.assert_array_equal(s1[0, 0], [[4, 3, 4], [2, 4, 3], [2, 3, 4]])
    np.testing.assert_array_equal(s2[0, 0], [[4, 4], [2, 4]])
    np.testing.assert_array_equal(s2[0, 0], s1[0, 0, ::2, ::2])
    np.testing.assert_array_equal(conv2d_naive(IMAGE[None, None], FILTER[None, None], [0], 2), s2)


def test_3_9_backward_with_stride_uses_the_zero_inserted_map():
    delta = np.array([[1.0, -2.0], [0.5, 3.0]])
    dilated = dilate_sensitivity(delta, 2)
    np.testing.assert_array_equal(dilated, [[1, 0, -2], [0, 0, 0], [0.5, 0, 3]])
    _, cache1 = _conv1(IMAGE, FILTER, 0, stride=1)
    _, cache2 = _conv1(IMAGE, FILTER, 0, stride=2)
    via_stride2 = conv2d_backward(delta[None, None], cache2)
    via_stride1 = conv2d_backward(dilated[None, None], cache1)
    for g2, g1 in zip(via_stride2, via_stride1):
        np.testing.assert_array_equal(g2, g1)


def test_3_10_to_3_12_sum_over_filters_per_channel():
    """δ^{l−1}_d = Σ_{n=0}^{N−1} δ^l_n * W^l_{n,d} (the sum stops at N − 1, not N)."""
    from scipy.signal import convolve2d

    rng = np.random.default_rng(11)
    x, w = rng.standard_normal((1, 2, 5, 5)), rng.standard_normal((3, 2, 2, 2))
    out, cache = conv2d_forward(x, w, np.zeros(3))
    delta = rng.standard_normal(out.shape)
    dx = conv2d_backward(delta, cache)[0]
    for d in range(2):
        expected = sum(convolve2d(delta[0, n], w[n, d], mode="full") for n in range(3))
        np.testing.assert_allclose(dx[0, d], expected)


def test_3_13_weight_gradient_is_input_correlated_with_delta():
    (d11, d12), (d21, d22) = DELTA
    (a11, a12, a13), (a21, a22, a23), (a31, a32, a33) = A3
    expected = np.array([
        [d11 * a11 + d12 * a12 + d21 * a21 + d22 * a22, d11 * a12 + d12 * a13 + d21 * a22 + d22 * a23],
        [d11 * a21 + d12 * a22 + d21 * a31 + d22 * a32, d11 * a22 + d12 * a23 + d21 * a32 + d22 * a33],
    ])
    np.testing.assert_array_equal(expected, [[37, 47], [67, 77]])
    _, cache = _conv1(A3, W2, 0.5)
    for backward in (conv2d_backward, conv2d_backward_naive, conv2d_backward_textbook):
        _, dw, db = backward(DELTA[None, None], cache)
        np.testing.assert_array_equal(dw[0, 0], expected)
        assert db[0] == 10.0  # ∂E/∂w_b = Σ δ


POOL_X = np.array([[1.0, 3.0, 2.0, 1.0], [4.0, 2.0, 0.0, 1.0], [5.0, 6.0, 1.0, 2.0], [7.0, 8.0, 3.0, 9.0]])


def test_3_14_max_pooling_backward():
    out, cache = pool2d_forward(POOL_X[None, None], 2, mode="max")
    np.testing.assert_array_equal(out[0, 0], [[4, 2], [8, 9]])
    dx = pool2d_backward(DELTA[None, None], cache)
    np.testing.assert_array_equal(dx[0, 0], [[0, 0, 2, 0], [1, 0, 0, 0], [0, 0, 0, 0], [0, 3, 0, 4]])
    assert isinstance(dx, np.ndarray)  # no parameter gradient: pooling learns nothing


def test_3_14_mean_pooling_backward():
    out, cache = pool2d_forward(POOL_X[None, None], 2, mode="mean")
    np.testing.assert_array_equal(out[0, 0], [[2.5, 1.0], [6.5, 3.75]])
    dx = pool2d_backward(DELTA[None, None], cache)
    np.testing.assert_array_equal(dx[0, 0], np.kron(DELTA / 4, np.ones((2, 2))))


@pytest.mark.parametrize("mode", ["max", "mean"])
def test_3_6_pooling_keeps_depth_and_halves_resolution(mode):
    out, _ = pool2d_forward(np.zeros((2, 6, 28, 28)), 2, mode=mode)
    assert out.shape == (2, 6, 14, 14)
