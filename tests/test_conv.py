"""Convolution kernels: loops vs vectorised vs the lecture's backward route, an
independent oracle (scipy.signal.correlate2d), finite differences and bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.signal import correlate2d

from cnnlab.conv import Conv2dCache, conv2d_backward, conv2d_backward_naive, conv2d_forward, conv2d_naive
from cnnlab.gradcheck import gradcheck


@st.composite
def conv_cases(draw):
    """Random conv problems: B 2–3, D and N 1–4, non-square F, stride 1–3, padding 0–2,
    sizes where (H − F + 2P) need not be a multiple of S (the kernels floor)."""
    B = draw(st.integers(2, 3))
    D, N = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    Fh, Fw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    Sh, Sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    Ph, Pw = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    H = draw(st.integers(max(1, Fh - 2 * Ph), Fh + 6))
    W = draw(st.integers(max(1, Fw - 2 * Pw), Fw + 6))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((B, D, H, W))
    w = rng.standard_normal((N, D, Fh, Fw))
    b = rng.standard_normal(N)
    stride = Sh if Sh == Sw and draw(st.booleans()) else (Sh, Sw)
    padding = Ph if Ph == Pw and draw(st.booleans()) else (Ph, Pw)
    return x, w, b, stride, padding, rng


def _scipy_conv(x, w, b, stride, padding):
    """Independent oracle: per (batch, filter, channel) scipy correlate2d, then subsample."""
    S = (stride, stride) if np.isscalar(stride) else stride
    P = (padding, padding) if np.isscalar(padding) else padding
    xp = np.pad(x, ((0, 0), (0, 0), (P[0], P[0]), (P[1], P[1])))
    B, N = x.shape[0], w.shape[0]
    rows = []
    for bi in range(B):
        maps = []
        for k in range(N):
            full = sum(correlate2d(xp[bi, d], w[k, d], mode="valid") for d in range(x.shape[1]))
            maps.append(full[:: S[0], :: S[1]] + b[k])
        rows.append(maps)
    return np.array(rows)


@given(conv_cases())
def test_naive_vectorised_and_scipy_agree_forward(case):
    x, w, b, stride, padding, _ = case
    naive = conv2d_naive(x, w, b, stride, padding)
    fast, _ = conv2d_forward(x, w, b, stride, padding)
    np.testing.assert_allclose(fast, naive, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(fast, _scipy_conv(x, w, b, stride, padding), rtol=1e-10, atol=1e-12)


@given(conv_cases())
def test_naive_vectorised_and_textbook_agree_backward(case):
    from cnnlab.conv_textbook import conv2d_backward_textbook

    x, w, b, stride, padding, rng = case
    out, cache = conv2d_forward(x, w, b, stride, padding)
    dout = rng.standard_normal(out.shape)
    fast = conv2d_backward(dout, cache)
    naive = conv2d_backward_naive(dout, cache)
    textbook = conv2d_backward_textbook(dout, cache)
    for name, f, n, t in zip(("dx", "dw", "db"), fast, naive, textbook):
        assert f.shape == n.shape == t.shape, name
        np.testing.assert_allclose(f, n, rtol=1e-10, atol=1e-12, err_msg=name)
        np.testing.assert_allclose(t, n, rtol=1e-10, atol=1e-12, err_msg=name)


@pytest.mark.parametrize(
    "shape_x, shape_w, stride, padding",
    [
        ((2, 1, 5, 5), (1, 1, 3, 3), 1, 0),
        ((2, 3, 6, 5), (4, 3, 3, 2), 1, 1),
        ((2, 2, 7, 7), (3, 2, 3, 3), 2, 1),
        ((3, 2, 7, 8), (2, 2, 3, 3), 3, 0),  # floored: (7 − 3)/3 not an integer
        ((2, 2, 6, 9), (2, 2, 2, 3), (2, 3), (0, 2)),
    ],
)
def test_conv_backward_finite_differences(shape_x, shape_w, stride, padding):
    rng = np.random.default_rng(1)
    x, w, b = rng.standard_normal(shape_x), rng.standard_normal(shape_w), rng.standard_normal(shape_w[0])
    out, cache = conv2d_forward(x, w, b, stride, padding)
    dout = rng.standard_normal(out.shape)
    result = gradcheck(
        lambda x, w, b: conv2d_forward(x, w, b, stride, padding)[0],
        x, w, b, analytic=conv2d_backward(dout, cache), dout=dout, names=("x", "w", "b"),
    )
    assert result.ok, result
    assert result.max_error < 1e-6


def test_input_grad_false_skips_input_gradient():
    rng = np.random.default_rng(2)
    x, w, b = rng.standard_normal((2, 1, 6, 6)), rng.standard_normal((3, 1, 3, 3)), np.zeros(3)
    out, cache = conv2d_forward(x, w, b)
    dout = rng.standard_normal(out.shape)
    dx, dw, db = conv2d_backward(dout, cache, input_grad=False)
    assert dx is None
    np.testing.assert_allclose(dw, conv2d_backward(dout, cache)[1])


def test_floor_drops_trailing_rows_like_pytorch():
    """H = 7, F = 3, S = 3: H' = ⌊4/3⌋ + 1 = 2; the last input row is never read."""
    rng = np.random.default_rng(3)
    x, w, b = rng.standard_normal((2, 1, 7, 7)), rng.standard_normal((1, 1, 3, 3)), np.zeros(1)
    out, cache = conv2d_forward(x, w, b, stride=3)
    assert out.shape == (2, 1, 2, 2)
    cropped, _ = conv2d_forward(x[:, :, :6, :6], w, b, stride=3)
    np.testing.assert_allclose(out, cropped)
    dx, _, _ = conv2d_backward(np.ones_like(out), cache)
    assert np.all(dx[:, :, 6, :] == 0) and np.all(dx[:, :, :, 6] == 0)
    assert np.all(dx[:, :, :6, :6] != 0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 2, 5, 5)).astype(dtype)
    w = rng.standard_normal((3, 2, 3, 3)).astype(dtype)
    b = np.zeros(3, dtype)
    out, cache = conv2d_forward(x, w, b, padding=1)
    assert out.dtype == dtype and out.flags.c_contiguous
    assert all(g.dtype == dtype for g in conv2d_backward(np.ones_like(out), cache))
    assert conv2d_naive(x, w, b).dtype == dtype


def test_integer_input_computes_in_float64():
    x = np.arange(16).reshape(1, 1, 4, 4)
    out, _ = conv2d_forward(x, np.ones((1, 1, 2, 2), dtype=int), np.zeros(1, dtype=int))
    assert out.dtype == np.float64
    assert out[0, 0, 0, 0] == 0 + 1 + 4 + 5


# ---------------------------------------------------------------- bad input
def _ok():
    return np.zeros((2, 3, 5, 5)), np.zeros((4, 3, 3, 3)), np.zeros(4)


@pytest.mark.parametrize("fn", [conv2d_naive, lambda *a, **k: conv2d_forward(*a, **k)[0]])
@pytest.mark.parametrize(
    "change, exc, pattern",
    [
        (lambda x, w, b: (x[0], w, b), ValueError, r"^x must be 4-D"),
        (lambda x, w, b: (x, w[0], b), ValueError, r"^w must be 4-D"),
        (lambda x, w, b: (x[:, :2], w, b), ValueError, r"w has D=3 channels.*x has D=2 \(x.shape\[1\]\)"),
        (lambda x, w, b: (x, w, b[:3]), ValueError, r"^b must have shape \(4,\)"),
        (lambda x, w, b: (x, w, b[:, None]), ValueError, r"^b must have shape"),
        (lambda x, w, b: (x, w, np.float64(0.0)), ValueError, r"^b must have shape"),
        (lambda x, w, b: (x[:, :, :2, :2], w, b), ValueError, r"w's filter height F=3 is larger than x's padded height"),
        (lambda x, w, b: (x, w, b, 0), ValueError, r"^stride must be >= 1"),
        (lambda x, w, b: (x, w, b, -1), ValueError, r"^stride must be >= 1"),
        (lambda x, w, b: (x, w, b, 1.5), TypeError, r"^stride must be an int"),
        (lambda x, w, b: (x, w, b, 2.0), TypeError, r"^stride must be an int"),
        (lambda x, w, b: (x, w, b, True), TypeError, r"^stride must be an int"),
        (lambda x, w, b: (x, w, b, (1, 2, 3)), ValueError, r"^stride must be an int or a pair"),
        (lambda x, w, b: (x, w, b, 1, -1), ValueError, r"^padding must be >= 0"),
        (lambda x, w, b: (x, w, b, 1, 0.5), TypeError, r"^padding must be an int"),
        (lambda x, w, b: (x.astype(complex), w, b), TypeError, r"^x must hold real numbers"),
        (lambda x, w, b: (None, w, b), TypeError, r"^x must be an array"),
    ],
)
def test_bad_input_names_the_argument(fn, change, exc, pattern):
    with pytest.raises(exc, match=pattern):
        fn(*change(*_ok()))


def test_bad_dout_and_cache():
    out, cache = conv2d_forward(*_ok())
    for backward in (conv2d_backward, conv2d_backward_naive):
        with pytest.raises(ValueError, match=r"^dout must have shape \(2, 4, 3, 3\)"):
            backward(out[:, :2], cache)
        with pytest.raises(ValueError, match=r"^dout must have shape"):
            backward(out[0], cache)  # no broadcasting of a single image
        with pytest.raises(TypeError, match=r"^cache must be the Conv2dCache"):
            backward(out, tuple(cache))
    assert isinstance(cache, Conv2dCache)


@pytest.mark.parametrize("chunk", [1, 200, 10**9])  # one image per chunk, uneven chunks, one chunk
def test_batch_chunking_gives_the_same_result(monkeypatch, chunk):
    import cnnlab._conv_engine as engine

    rng = np.random.default_rng(12)
    x, w, b = rng.standard_normal((5, 2, 7, 6)), rng.standard_normal((3, 2, 3, 2)), rng.standard_normal(3)
    monkeypatch.setattr(engine, "CHUNK_ELEMENTS", chunk)
    out, cache = conv2d_forward(x, w, b, (2, 1), 1)
    np.testing.assert_allclose(out, conv2d_naive(x, w, b, (2, 1), 1), rtol=1e-10, atol=1e-12)
    dout = rng.standard_normal(out.shape)
    for fast, slow in zip(conv2d_backward(dout, cache), conv2d_backward_naive(dout, cache)):
        np.testing.assert_allclose(fast, slow, rtol=1e-10, atol=1e-12)


def test_float32_fast_path_is_accurate():
    """The float32 kernels (what training uses) agree with the float64 loops to float32 precision."""
    rng = np.random.default_rng(13)
    x, w, b = rng.standard_normal((4, 3, 11, 9)), rng.standard_normal((5, 3, 3, 3)), rng.standard_normal(5)
    out32, cache32 = conv2d_forward(x.astype(np.float32), w.astype(np.float32), b.astype(np.float32), 2, 1)
    out64, cache64 = conv2d_forward(x, w, b, 2, 1)
    np.testing.assert_allclose(out32, conv2d_naive(x, w, b, 2, 1), rtol=1e-4, atol=1e-5)
    dout = rng.standard_normal(out64.shape)
    for g32, g64 in zip(conv2d_backward(dout.astype(np.float32), cache32), conv2d_backward_naive(dout, cache64)):
        np.testing.assert_allclose(g32, g64, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("small_gemm", [36 * 64, 36 * 100, 10**9])  # blocks of 64, uneven blocks, one call
def test_blocked_matrix_products_give_the_same_result(monkeypatch, small_gemm):
    """LeNet-sized products are split into column blocks (``SMALL_GEMM``); the small test
    shapes elsewhere never reach that path, so force it here and compare with the loops."""
    import cnnlab._conv_engine as engine

    rng = np.random.default_rng(14)
    x, w, b = rng.standard_normal((6, 2, 9, 8)), rng.standard_normal((3, 2, 3, 2)), rng.standard_normal(3)
    monkeypatch.setattr(engine, "SMALL_GEMM", small_gemm)
    widths = []
    real_matmul = engine._matmul

    def spy(a, cols, out):
        widths.append(engine.SMALL_GEMM // (a.shape[0] * a.shape[1]) < cols.shape[1])
        return real_matmul(a, cols, out)

    monkeypatch.setattr(engine, "_matmul", spy)
    out, cache = conv2d_forward(x, w, b, (2, 1), 1)
    assert widths and all(widths) == (small_gemm < 10**9)  # the blocked path ran (or, for 10**9, did not)
    np.testing.assert_allclose(out, conv2d_naive(x, w, b, (2, 1), 1), rtol=1e-10, atol=1e-12)
    dout = rng.standard_normal(out.shape)
    naive = conv2d_backward_naive(dout, cache)
    for _ in range(2):  # a second backward pass reads the same kept columns and gives the same result
        for fast, slow in zip(conv2d_backward(dout, cache), naive):
            np.testing.assert_allclose(fast, slow, rtol=1e-10, atol=1e-12)


# ------------------------------------------------ the lesson: plain im2col + GEMM
@given(conv_cases())
def test_plain_im2col_route_agrees_with_the_loops(case):
    """conv2d_forward_im2col / conv2d_backward_im2col (what a student reads) equal the loops."""
    from cnnlab.conv import conv2d_backward_im2col, conv2d_forward_im2col

    x, w, b, stride, padding, rng = case
    out, cache = conv2d_forward_im2col(x, w, b, stride, padding)
    np.testing.assert_allclose(out, conv2d_naive(x, w, b, stride, padding), rtol=1e-10, atol=1e-12)
    dout = rng.standard_normal(out.shape)
    for got, want in zip(conv2d_backward_im2col(dout, cache), conv2d_backward_naive(dout, cache)):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    dx, dw, db = conv2d_backward_im2col(dout, cache, input_grad=False)
    assert dx is None


@given(conv_cases())
def test_col2im_is_the_adjoint_of_im2col(case):
    """⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩ for any x and columns c: col2im is im2col's transpose."""
    from cnnlab.arithmetic import participation_counts
    from cnnlab.conv import col2im, im2col

    x, w, _, stride, padding, rng = case
    F, S = w.shape[2:], (stride,) * 2 if np.isscalar(stride) else stride
    P = (padding,) * 2 if np.isscalar(padding) else padding
    cols = im2col(x, F, S, P)
    c = rng.standard_normal(cols.shape)
    assert np.isclose(np.sum(cols * c), np.sum(x * col2im(c, x.shape, F, S, P)))
    counts = col2im(np.ones_like(cols), x.shape, F, S, P)  # each pixel: how many windows use it (§2.9)
    np.testing.assert_array_equal(counts[0, 0], participation_counts(x.shape[2], x.shape[3], F, S, P))


def test_engine_and_lesson_caches_are_interchangeable():
    from cnnlab.conv import conv2d_backward_im2col, conv2d_forward_im2col

    rng = np.random.default_rng(15)
    x, w, b = rng.standard_normal((3, 2, 8, 7)), rng.standard_normal((4, 2, 3, 3)), rng.standard_normal(4)
    out, fast_cache = conv2d_forward(x, w, b, 2, 1)
    out2, plain_cache = conv2d_forward_im2col(x, w, b, 2, 1)
    np.testing.assert_allclose(out, out2, rtol=1e-12)
    assert fast_cache.cols is not None and not fast_cache.cols.flags.writeable  # kept, read only
    dout = rng.standard_normal(out.shape)
    for a, c in zip(conv2d_backward(dout, plain_cache), conv2d_backward_im2col(dout, fast_cache)):
        np.testing.assert_allclose(a, c, rtol=1e-10, atol=1e-12)
