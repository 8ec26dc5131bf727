"""Pooling: fast vs loops, finite differences for every mode and for trainable
pooling's weights, ties, floor rule, bad input."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnnlab.gradcheck import gradcheck
from cnnlab.pool import (
    PoolCache,
    gaussian_window,
    pool2d_backward,
    pool2d_forward,
    pool2d_naive,
    trainable_pool2d_backward,
    trainable_pool2d_forward,
)


def _distinct(rng, shape):
    """Values at least 0.1 apart, so a step of 1e-5 never changes which one is the maximum."""
    return (rng.permutation(int(np.prod(shape))).reshape(shape) * 0.1 - 1.0) + 0.01 * rng.random(shape)


@st.composite
def pool_cases(draw):
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    size = kh if kh == kw and draw(st.booleans()) else (kh, kw)
    stride = draw(st.one_of(st.none(), st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    H, W = draw(st.integers(kh, kh + 5)), draw(st.integers(kw, kw + 5))
    B, D = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    return _distinct(rng, (B, D, H, W)), size, stride, draw(st.sampled_from(["max", "mean", "gaussian"])), rng


@given(pool_cases())
def test_fast_matches_loops_and_backward_matches_finite_differences(case):
    x, size, stride, mode, rng = case
    out, cache = pool2d_forward(x, size, stride, mode, sigma=0.8)
    np.testing.assert_allclose(out, pool2d_naive(x, size, stride, mode, sigma=0.8), rtol=1e-12, atol=1e-12)
    dout = rng.standard_normal(out.shape)
    dx = pool2d_backward(dout, cache)
    result = gradcheck(lambda x: pool2d_forward(x, size, stride, mode, sigma=0.8)[0], x, analytic=(dx,), dout=dout)
    assert result.max_error < 1e-6, result


@pytest.mark.parametrize("mode", ["max", "mean", "gaussian"])
@pytest.mark.parametrize("size, stride", [(2, None), (3, 2), ((2, 3), (1, 2))])
def test_every_mode_gradcheck(mode, size, stride):
    rng = np.random.default_rng(5)
    x = _distinct(rng, (2, 3, 7, 8))
    out, cache = pool2d_forward(x, size, stride, mode)
    dout = rng.standard_normal(out.shape)
    result = gradcheck(lambda x: pool2d_forward(x, size, stride, mode)[0], x,
                       analytic=(pool2d_backward(dout, cache),), dout=dout, names=("x",))
    assert result.ok and result.max_error < 1e-6, result


def test_max_pooling_first_maximum_wins_like_pytorch():
    x = np.array([[[[1.0, 3.0], [3.0, 3.0]]]])
    out, cache = pool2d_forward(x)
    assert out[0, 0, 0, 0] == 3.0
    np.testing.assert_array_equal(pool2d_backward(np.array([[[[5.0]]]]), cache)[0, 0], [[0, 5], [0, 0]])


def test_overlapping_windows_add_up():
    x = np.array([[[[0.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]]])
    out, cache = pool2d_forward(x, size=2, stride=1)  # both top windows pick x[0, 1]
    dx = pool2d_backward(np.ones_like(out), cache)
    assert dx[0, 0, 0, 1] == 2.0


def test_floor_drops_trailing_rows():
    x = np.arange(25.0).reshape(1, 1, 5, 5)
    out, cache = pool2d_forward(x, 2, mode="mean")
    assert out.shape == (1, 1, 2, 2)
    np.testing.assert_allclose(out[0, 0], [[3.0, 5.0], [13.0, 15.0]])
    dx = pool2d_backward(np.ones_like(out), cache)
    assert np.all(dx[0, 0, 4] == 0) and np.all(dx[0, 0, :, 4] == 0) and np.all(dx[0, 0, :4, :4] == 0.25)


def test_gaussian_window():
    g = gaussian_window(3, 1.0)
    assert g.shape == (3, 3) and g.sum() == pytest.approx(1.0)
    assert g[1, 1] == g.max() and g[0, 0] == g[2, 2] == g[0, 2] and g[0, 1] == g[1, 0]
    np.testing.assert_allclose(gaussian_window(2, 1e6), np.full((2, 2), 0.25))  # wide → mean pooling
    assert gaussian_window((2, 3), 0.5).shape == (2, 3)
    with pytest.raises(ValueError, match="^sigma must be a positive"):
        gaussian_window(2, 0.0)
    with pytest.raises(TypeError, match="^sigma must be a positive"):
        gaussian_window(2, "1")


def test_gaussian_pooling_is_weighted_by_the_window():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((1, 1, 4, 4))
    out, _ = pool2d_forward(x, 2, mode="gaussian", sigma=0.7)
    g = gaussian_window(2, 0.7)
    assert out[0, 0, 1, 0] == pytest.approx(np.sum(g * x[0, 0, 2:4, 0:2]))


def test_trainable_pooling_generalises_mean_and_gaussian_and_gradchecks():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 3, 6, 7))
    mean, _ = pool2d_forward(x, 2, mode="mean")
    np.testing.assert_allclose(trainable_pool2d_forward(x, np.full((2, 2), 0.25))[0], mean)
    gauss, _ = pool2d_forward(x, 3, 2, mode="gaussian", sigma=1.3)
    np.testing.assert_allclose(trainable_pool2d_forward(x, gaussian_window(3, 1.3), 3, 2)[0], gauss)
    for size, stride in [(2, None), (3, 2), ((2, 3), 1)]:
        weights = rng.standard_normal(np.broadcast_to(size, 2))
        out, cache = trainable_pool2d_forward(x, weights, size, stride)
        dout = rng.standard_normal(out.shape)
        dx, dweights = trainable_pool2d_backward(dout, cache)
        assert dweights.shape == weights.shape
        result = gradcheck(lambda x, w: trainable_pool2d_forward(x, w, size, stride)[0], x, weights,
                           analytic=(dx, dweights), dout=dout, names=("x", "weights"))
        assert result.ok and result.max_error < 1e-6, result


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("mode", ["max", "mean", "gaussian"])
def test_dtype_is_preserved(dtype, mode):
    x = np.random.default_rng(8).standard_normal((2, 2, 4, 4)).astype(dtype)
    out, cache = pool2d_forward(x, mode=mode)
    assert out.dtype == dtype and pool2d_backward(np.ones_like(out), cache).dtype == dtype
    out, cache = trainable_pool2d_forward(x, np.full((2, 2), 0.25, dtype))
    assert out.dtype == dtype and all(g.dtype == dtype for g in trainable_pool2d_backward(out, cache))


@pytest.mark.parametrize(
    "kwargs, exc, pattern",
    [
        (dict(x=np.zeros((2, 4, 4))), ValueError, r"^x must be 4-D"),
        (dict(size=5), ValueError, r"^size: the pooling window's height 5 is larger than x's height 4"),
        (dict(size=0), ValueError, r"^size must be >= 1"),
        (dict(size=2.0), TypeError, r"^size must be an int"),
        (dict(stride=0), ValueError, r"^stride must be >= 1"),
        (dict(mode="min"), ValueError, r"^mode must be one of"),
        (dict(mode="gaussian", sigma=-1.0), ValueError, r"^sigma must be"),
    ],
)
def test_bad_input_names_the_argument(kwargs, exc, pattern):
    args = dict(x=np.zeros((2, 3, 4, 4)))
    args.update(kwargs)
    with pytest.raises(exc, match=pattern):
        pool2d_forward(**args)
    if "sigma" not in kwargs:
        with pytest.raises(exc, match=pattern):
            pool2d_naive(**args)


def test_bad_dout_cache_and_weights():
    x = np.zeros((2, 3, 4, 4))
    out, cache = pool2d_forward(x)
    assert isinstance(cache, PoolCache)
    with pytest.raises(ValueError, match=r"^dout must have shape \(2, 3, 2, 2\)"):
        pool2d_backward(out[:1], cache)
    with pytest.raises(ValueError, match=r"^dout must have shape"):
        pool2d_backward(out[0, 0], cache)
    with pytest.raises(TypeError, match=r"^cache must be the PoolCache"):
        pool2d_backward(out, tuple(cache))
    with pytest.raises(ValueError, match=r"^weights must have shape \(2, 2\)"):
        trainable_pool2d_forward(x, np.ones((3, 3)))
    with pytest.raises(ValueError, match=r"^weights must have shape \(3, 3\)"):
        trainable_pool2d_forward(x, np.ones(9), size=3, stride=1)
    out, tcache = trainable_pool2d_forward(x, np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"^dout must have shape"):
        trainable_pool2d_backward(out[:, :1], tcache)
    with pytest.raises(TypeError, match=r"^cache must be the TrainablePoolCache"):
        trainable_pool2d_backward(out, cache)
