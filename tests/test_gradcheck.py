"""The gradient checker itself: it must pass right gradients and catch wrong ones."""

import numpy as np
import pytest

from cnnlab.gradcheck import GradcheckResult, gradcheck, numerical_gradient, rel_error


def test_rel_error():
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert rel_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert rel_error([1.0], [-1.0]) == pytest.approx(1.0)
    assert rel_error(np.array([3.0, 4.0]), np.array([3.0, 4.0]) * (1 + 1e-8)) == pytest.approx(5e-9, rel=1e-3)
    with pytest.raises(ValueError, match="same shape"):
        rel_error(np.zeros(3), np.zeros((3, 1)))


def test_numerical_gradient_of_known_functions():
    x = np.array([[0.5, -1.0], [2.0, 0.1]])
    np.testing.assert_allclose(numerical_gradient(lambda x: x**3, x), 3 * x**2, rtol=1e-8)
    dout = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose(numerical_gradient(np.sin, x, dout), np.cos(x) * dout, rtol=1e-8)
    np.testing.assert_allclose(numerical_gradient(lambda x: float(np.sum(x**2)), x), 2 * x, rtol=1e-8)
    assert x[0, 0] == 0.5  # the caller's array is untouched


def test_float32_input_is_checked_in_float64():
    x = np.linspace(-1, 1, 5, dtype=np.float32)
    g = numerical_gradient(lambda x: x**2, x)
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, 2 * x.astype(np.float64), rtol=1e-8)


def test_gradcheck_passes_right_and_fails_wrong_gradients():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    dout = rng.standard_normal((3, 2))
    good = gradcheck(lambda a, b: a @ b, a, b, analytic=(dout @ b.T, a.T @ dout), dout=dout, names=("a", "b"))
    assert isinstance(good, GradcheckResult)
    assert good.ok and good.max_error < 1e-9 and len(good.errors) == 2
    assert repr(good).startswith("GradcheckResult(ok=True, max_error=") and "a: " in repr(good)
    bad = gradcheck(lambda a, b: a @ b, a, b, analytic=(dout @ b.T, 1.001 * (a.T @ dout)), dout=dout)
    assert not bad.ok and bad.errors[0] < 1e-9 and bad.errors[1] > 1e-4
    assert "ok=False" in repr(bad) and "arg1" in repr(bad)


def test_gradcheck_callable_analytic_and_default_dout():
    x = np.array([0.3, -0.7, 1.2])
    result = gradcheck(np.tanh, x, analytic=lambda dout: (dout * (1 - np.tanh(x) ** 2),))
    assert result.ok
    assert gradcheck(np.tanh, x, analytic=(1 - np.tanh(x) ** 2,)).ok  # dout=None: gradient of sum


def test_gradcheck_bad_arguments():
    x = np.ones(3)
    with pytest.raises(ValueError, match="one gradient per array"):
        gradcheck(np.sin, x, analytic=(np.ones(3), np.ones(3)))
    with pytest.raises(ValueError, match=r"analytic\[0\] \(arg0\) has shape \(2,\)"):
        gradcheck(np.sin, x, analytic=(np.ones(2),))
    with pytest.raises(ValueError, match="dout must have the shape"):
        gradcheck(np.sin, x, analytic=(np.ones(3),), dout=np.ones(2))
    with pytest.raises(ValueError, match="at least one array"):
        gradcheck(np.sin, analytic=())
