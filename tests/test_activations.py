"""Activations and their derivatives: values, finite differences, dtypes, no overflow warnings."""

import warnings

import numpy as np
import pytest

from cnnlab.activations import (
    ACTIVATIONS,
    relu,
    relu_grad,
    scaled_tanh,
    scaled_tanh_grad,
    sigmoid,
    sigmoid_grad,
    tanh,
    tanh_grad,
)
from cnnlab.gradcheck import gradcheck


def test_registry():
    assert set(ACTIVATIONS) == {"relu", "sigmoid", "tanh", "scaled_tanh"}
    assert ACTIVATIONS["scaled_tanh"] == (scaled_tanh, scaled_tanh_grad)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_matches_finite_differences(name):
    f, fprime = ACTIVATIONS[name]
    rng = np.random.default_rng(9)
    net = rng.uniform(-3, 3, size=(4, 5))
    net[np.abs(net) < 1e-3] = 0.5  # keep ReLU away from its kink
    dout = rng.standard_normal(net.shape)
    result = gradcheck(f, net, analytic=(dout * fprime(net),), dout=dout, names=("net",))
    assert result.ok and result.max_error < 1e-6, result


def test_known_values():
    x = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(relu(x), [0, 0, 3])
    np.testing.assert_array_equal(relu_grad(x), [0, 0, 1])
    np.testing.assert_allclose(sigmoid(x), 1 / (1 + np.exp(-x)))
    assert sigmoid(0.0) == 0.5 and sigmoid_grad(0.0) == 0.25
    np.testing.assert_allclose(tanh(x), np.tanh(x))
    assert tanh_grad(0.0) == 1.0
    np.testing.assert_allclose(scaled_tanh(np.array([-1.0, 1.0])), [-1.0, 1.0], atol=2e-4)  # f(±1) ≈ ±1
    assert scaled_tanh_grad(0.0) == pytest.approx(1.7159 * 2 / 3)
    assert abs(scaled_tanh(100.0)) == pytest.approx(1.7159)


def test_no_overflow_warnings_at_extremes():
    x = np.array([-1000.0, -50.0, 50.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sigmoid(x)
        g = sigmoid_grad(x)
    np.testing.assert_allclose(s, [0, 0, 1, 1], atol=1e-20)
    assert np.all(g >= 0) and np.all(g < 1e-20)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_and_shape_preserved(name, dtype):
    f, fprime = ACTIVATIONS[name]
    x = np.linspace(-2, 2, 12, dtype=dtype).reshape(3, 4)
    assert f(x).dtype == dtype and fprime(x).dtype == dtype
    assert f(x).shape == fprime(x).shape == (3, 4)


def test_bad_input():
    with pytest.raises(TypeError, match="^net must hold real numbers"):
        relu(np.array([1j]))
    with pytest.raises(TypeError, match="^net must be an array"):
        sigmoid(None)
