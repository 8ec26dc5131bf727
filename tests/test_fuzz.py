"""Fuzzing the public API (issue 14): extreme, mistyped and empty arguments.

Every call must return or raise one of the documented exception types —
``TypeError`` or ``ValueError`` (``cnnlab._checks.ArgumentTypeError`` is both;
``KeyError`` for a state dict with the wrong keys) — within a time bound: no
``ZeroDivisionError``, ``MemoryError``, ``OverflowError``, ``IndexError``, no hang.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnnlab.arithmetic import conv_as_matrix, conv_output_size, participation_counts, receptive_field
from cnnlab.conv import conv2d_backward, conv2d_forward, conv2d_forward_im2col, conv2d_naive
from cnnlab.conv_textbook import dilate_sensitivity, full_convolution, rotate180
from cnnlab.layers import Conv2D, Dense, Pool2D, Sequential, TrainablePool2D
from cnnlab.pool import gaussian_window, pool2d_forward, pool2d_naive
from cnnlab.summary import summary
from cnnlab.vision import bar_stimulus, dog_filter, gabor_filter, gaussian_kernel
from test_hardening import time_limit

#: Seconds one call may take (generous: the test machine is shared; calls take milliseconds).
BOUND = 2.0
DOCUMENTED = (TypeError, ValueError, KeyError)


def call(fn, *args, **kwargs):
    """Run ``fn``; a documented exception is fine, anything else (or a hang) fails the test."""
    with time_limit(BOUND):
        try:
            fn(*args, **kwargs)
        except DOCUMENTED:
            pass


small = st.integers(-3, 12)
huge = st.one_of(st.integers(10**9, 10**18), st.integers(-(10**18), -(10**9)))
scalar = st.one_of(
    st.none(), st.booleans(), small, huge,
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=3),
    st.tuples(small, small), st.tuples(huge, small), st.lists(small, max_size=3),
)
arrays = st.one_of(
    st.builds(lambda shape, kind: np.ones(shape, dtype=kind),
              st.lists(st.integers(0, 4), min_size=0, max_size=5).map(tuple),
              st.sampled_from([np.float32, np.float64, np.int64, np.bool_, np.complex128, np.float16])),
    st.builds(lambda v: np.full((2, 1, 3, 3), v), st.floats(allow_nan=True, allow_infinity=True)),
    st.none(), st.text(max_size=2), st.lists(st.lists(small, max_size=3), max_size=3),
)
fuzz = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fuzz
@given(scalar, scalar, scalar, scalar, st.booleans())
def test_arithmetic(L, F, S, P, floor):
    call(conv_output_size, L, F, S, P, floor=floor)
    call(participation_counts, L, F, S, S, P)
    call(conv_as_matrix, L, F, S, S, P)
    call(receptive_field, [("conv", L, F, S)])
    call(receptive_field, L)


@fuzz
@given(arrays, arrays, arrays, scalar, scalar)
def test_conv_kernels(x, w, b, stride, padding):
    call(conv2d_forward, x, w, b, stride, padding)
    call(conv2d_forward_im2col, x, w, b, stride, padding)
    call(conv2d_naive, x, w, b, stride, padding if not isinstance(padding, int) or padding < 8 else 1)
    call(conv2d_backward, x, (x, w, stride, padding))


@fuzz
@given(arrays, scalar, scalar, st.sampled_from(["max", "mean", "gaussian", "min", 3]), scalar, scalar)
def test_pooling_kernels(x, size, stride, mode, sigma, padding):
    call(pool2d_forward, x, size, stride, mode, sigma, padding)
    call(pool2d_naive, x, size, stride, mode, sigma, padding)
    call(gaussian_window, size, sigma)


@fuzz
@given(arrays, arrays, scalar)
def test_textbook_route(delta, w, S):
    call(dilate_sensitivity, delta, S)
    call(rotate180, w)
    call(full_convolution, delta, w)


@fuzz
@given(scalar, scalar, scalar, scalar)
def test_vision(size, sigma, theta, width):
    call(gaussian_kernel, size, sigma)
    call(dog_filter, size, sigma, width)
    call(gabor_filter, theta, size, width, sigma)
    call(bar_stimulus, theta, size, width)


@fuzz
@given(scalar, scalar, scalar, scalar, scalar, st.one_of(st.tuples(small, small, small), scalar))
def test_layers_and_summary(a, b, k, stride, padding, shape):
    call(Conv2D, a, b, k, stride, padding)
    call(Pool2D, k, stride, "max", 1.0, padding)
    call(TrainablePool2D, k, stride)
    call(Dense, a, b)
    call(lambda: summary([Conv2D(1, 2, 3, name="c"), Pool2D(k, stride, padding=padding, name="p")], shape))
    call(lambda: summary(Sequential([Dense(4, 2, name="d")]), shape))


@pytest.mark.parametrize("state", [{}, {"d.w": np.zeros((3, 3))}, {"d.w": "x", "d.b": None},
                                   {"d.w": np.zeros((2, 4)), "d.b": np.array([np.inf, 0])}])
def test_load_state_dict(state):
    call(Sequential([Dense(4, 2, name="d")]).load_state_dict, state)
