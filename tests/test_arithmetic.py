"""Convolution arithmetic: output sizes (strict and floored), participation counts,
the fully-connected matrix of a convolution, receptive fields."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnnlab.arithmetic import conv_as_matrix, conv_output_size, participation_counts, receptive_field
from cnnlab.conv import conv2d_forward


@pytest.mark.parametrize(
    "L, F, S, P, expected",
    [(32, 5, 1, 0, 28), (28, 2, 2, 0, 14), (5, 3, 1, 1, 5), (5, 3, 2, 0, 2), (227, 11, 4, 0, 55), (3, 3, 1, 0, 1)],
)
def test_conv_output_size(L, F, S, P, expected):
    assert conv_output_size(L, F, S, P) == expected
    assert conv_output_size(L, F, S, P, floor=True) == expected


def test_non_integer_size_teaching_message():
    with pytest.raises(ValueError) as err:
        conv_output_size(7, 3, 3, 0)
    msg = str(err.value)
    assert msg.startswith("(7 − 3 + 2·0)/3 + 1 = 2.33 is not an integer")
    assert "nearest valid padding: P=1 gives (7 − 3 + 2·1)/3 + 1 = 3" in msg
    assert "nearest valid stride: S=2 gives (7 − 3 + 2·0)/2 + 1 = 3" in msg
    assert conv_output_size(7, 3, 3, 0, floor=True) == 2


def test_no_valid_padding_names_stride_only():
    # L − F odd and S even: no padding helps; a stride still does
    with pytest.raises(ValueError) as err:
        conv_output_size(8, 3, 2)
    msg = str(err.value)
    assert "(8 − 3 + 2·0)/2 + 1 = 3.5 is not an integer" in msg
    assert "padding" not in msg.split("overhang")[1].split(";")[1]  # first hint is the stride
    assert "nearest valid stride: S=1" in msg


@given(st.integers(1, 40), st.integers(1, 9), st.integers(1, 5), st.integers(0, 4))
def test_output_size_strict_iff_divisible(L, F, S, P):
    if F > L + 2 * P:
        with pytest.raises(ValueError, match="larger than the padded input"):
            conv_output_size(L, F, S, P, floor=True)
        return
    assert conv_output_size(L, F, S, P, floor=True) == (L - F + 2 * P) // S + 1
    if (L - F + 2 * P) % S:
        with pytest.raises(ValueError, match="is not an integer"):
            conv_output_size(L, F, S, P)
    else:
        assert conv_output_size(L, F, S, P) == (L - F + 2 * P) // S + 1


@pytest.mark.parametrize(
    "args, exc, name",
    [((7.0, 3), TypeError, "L"), ((7, 3.0), TypeError, "F"), ((7, 3, 1.5), TypeError, "S"),
     ((7, 3, 1, -1), ValueError, "P"), ((7, 0), ValueError, "F"), ((7, 3, 0), ValueError, "S"),
     ((0, 1), ValueError, "L"), ((7, 3, True), TypeError, "S")],
)
def test_output_size_bad_arguments(args, exc, name):
    with pytest.raises(exc, match=rf"^{name} must"):
        conv_output_size(*args)


@given(st.integers(1, 9), st.integers(1, 9), st.integers(1, 4), st.integers(1, 3), st.integers(0, 2))
def test_participation_counts_are_column_sums_of_the_matrix(H, W, F, S, P):
    if F > min(H, W) + 2 * P:
        return
    counts = participation_counts(H, W, F, S, P)
    assert counts.shape == (H, W) and counts.dtype == np.int64
    np.testing.assert_array_equal(counts.ravel(), conv_as_matrix(H, W, F, S, P).sum(axis=0))


@given(st.integers(1, 8), st.integers(1, 8), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3),
       st.integers(0, 2), st.integers(0, 1000))
def test_matrix_times_flattened_image_is_the_convolution(H, W, Fh, Fw, S, P, seed):
    if Fh > H + 2 * P or Fw > W + 2 * P:
        return
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal((H, W)), rng.standard_normal((Fh, Fw))
    M = conv_as_matrix(H, W, (Fh, Fw), S, P, w=w)
    out, _ = conv2d_forward(x[None, None], w[None, None], np.zeros(1), S, P)
    assert M.shape == (out.size, H * W)
    np.testing.assert_allclose(M @ x.ravel(), out.ravel(), atol=1e-12)


def test_conv_as_matrix_bad_w():
    with pytest.raises(ValueError, match=r"^w must have shape \(F_h, F_w\) = \(2, 2\)"):
        conv_as_matrix(4, 4, 2, w=np.ones((3, 3)))


def test_receptive_field_lenet_and_vgg():
    lenet = receptive_field([("conv", 5, 1, 0), ("pool", 2, 2, 0), ("conv", 5, 1, 0), ("pool", 2, 2, 0)])
    assert [r.size for r in lenet] == [5, 6, 14, 16]
    assert [r.jump for r in lenet] == [1, 2, 2, 4]
    assert [r.start for r in lenet] == [2.0, 2.5, 6.5, 7.5]
    assert lenet[0]._fields == ("kind", "F", "S", "P", "size", "jump", "start")
    # two 3×3 convs see 5×5, three see 7×7 (VGG's argument); padding moves the start outside the image
    vgg = receptive_field([("conv", 3, 1, 1)] * 3)
    assert [r.size for r in vgg] == [3, 5, 7] and [r.start for r in vgg] == [0.0, 0.0, 0.0]
    assert receptive_field([("conv", 3, 1)])[0].P == 0


@given(st.lists(st.tuples(st.sampled_from(["conv", "pool"]), st.integers(1, 4), st.integers(1, 3)),
                min_size=1, max_size=4))
def test_receptive_field_matches_brute_force_support(layers):
    """Size = span of the input pixels that influence unit 0 (composed 1-D 0/1 matrices, P = 0)."""
    L = 200
    support = np.eye(L, dtype=np.int64)
    for kind, F, S in layers:
        M = conv_as_matrix(1, support.shape[0], (1, F), (1, S))
        support = (M @ support > 0).astype(np.int64)
    cols = np.flatnonzero(support[0])
    record = receptive_field(layers)[-1]
    assert record.size == cols[-1] - cols[0] + 1  # the span (F < S leaves gaps inside it)
    assert record.start == (cols[0] + cols[-1]) / 2
    if support.shape[0] > 1:
        assert np.flatnonzero(support[1])[0] - cols[0] == record.jump


@pytest.mark.parametrize(
    "layers, exc, pattern",
    [("conv", TypeError, "^layers must be a sequence"), ([("fc", 3, 1, 0)], ValueError, r"layers\[0\] kind"),
     ([("conv", 3)], ValueError, r"layers\[0\] must be"), ([("conv", 3, 0, 0)], ValueError, r"layers\[0\] S must"),
     ([("conv", 3, 1, 0), ("pool", 2.0, 2, 0)], TypeError, r"layers\[1\] F must")],
)
def test_receptive_field_bad_layers(layers, exc, pattern):
    with pytest.raises(exc, match=pattern):
        receptive_field(layers)
