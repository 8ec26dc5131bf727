"""Helpers of the lecture's backward route: zero insertion, 180° rotation, full convolution."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.signal import convolve2d

from cnnlab.conv_textbook import dilate_sensitivity, full_convolution, rotate180


def test_dilate_sensitivity_shapes_and_pairs():
    delta = np.arange(1.0, 7.0).reshape(1, 2, 3)
    out = dilate_sensitivity(delta, (2, 3))
    assert out.shape == (1, 3, 7)
    np.testing.assert_array_equal(out[0], [[1, 0, 0, 2, 0, 0, 3], [0] * 7, [4, 0, 0, 5, 0, 0, 6]])
    np.testing.assert_array_equal(dilate_sensitivity(delta, 1), delta)
    assert dilate_sensitivity(delta.astype(np.float32), 2).dtype == np.float32


def test_rotate180():
    w = np.arange(6).reshape(2, 3)
    np.testing.assert_array_equal(rotate180(w), [[5, 4, 3], [2, 1, 0]])
    np.testing.assert_array_equal(rotate180(rotate180(w)), w)
    assert rotate180(np.zeros((4, 3, 2, 5))).shape == (4, 3, 2, 5)


@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 4), st.integers(1, 4), st.integers(0, 1000))
def test_full_convolution_matches_scipy(H, W, Fh, Fw, seed):
    rng = np.random.default_rng(seed)
    delta, w = rng.standard_normal((2, H, W)), rng.standard_normal((Fh, Fw))
    out = full_convolution(delta, w)
    assert out.shape == (2, H + Fh - 1, W + Fw - 1)
    for k in range(2):
        np.testing.assert_allclose(out[k], convolve2d(delta[k], w, mode="full"), atol=1e-12)


@pytest.mark.parametrize(
    "call, exc, pattern",
    [
        (lambda: dilate_sensitivity(np.ones(3), 2), ValueError, r"^delta must have at least 2 axes"),
        (lambda: dilate_sensitivity(np.ones((2, 2)), 0), ValueError, r"^S must be >= 1"),
        (lambda: dilate_sensitivity(np.ones((2, 2)), 1.5), TypeError, r"^S must be an int"),
        (lambda: rotate180(np.ones(3)), ValueError, r"^w must have at least 2 axes"),
        (lambda: full_convolution(np.ones((2, 2)), np.ones((1, 2, 2))), ValueError, r"^w must be 2-D"),
        (lambda: full_convolution(np.ones(2), np.ones((2, 2))), ValueError, r"^delta must have at least 2 axes"),
    ],
)
def test_bad_input(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()
