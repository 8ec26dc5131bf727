"""cnnlab.vision: model receptive fields and stimuli (Lecture §1.1–1.4)."""

import numpy as np
import pytest

from cnnlab.layers import LRN
from cnnlab.vision import (bar_stimulus, divisive_normalization, dog_filter, filter_image, foveated_blur,
                           gabor_filter, gaussian_kernel, lateral_inhibition, mach_bands, orientation_tuning,
                           population_vector, staircase)


def test_gaussian_sums_to_one_and_impulse():
    g = gaussian_kernel(9, 1.5)
    assert g.shape == (9, 9) and np.isclose(g.sum(), 1) and g.argmax() == 40
    np.testing.assert_allclose(g, g.T)
    d = gaussian_kernel(5, 0)
    assert d[2, 2] == 1 and d.sum() == 1


@pytest.mark.parametrize("size, sc, ss", [(13, 1.0, 3.0), (None, 2.0, 4.0), (7, 0.8, 1.6)])
def test_dog_is_balanced_blind_to_uniform_light_and_peaks_at_centre(size, sc, ss):
    k = dog_filter(size, sc, ss)
    n = k.shape[0]
    assert n % 2 == 1 and (size is None or n == size)
    assert abs(k.sum()) < 1e-12
    assert np.unravel_index(k.argmax(), k.shape) == (n // 2, n // 2)
    assert k[n // 2, 0] < 0  # surround inhibits
    assert abs(filter_image(np.full((n, n), 0.7), k, padding="valid")[0, 0]) < 1e-12
    off = -dog_filter(size, sc, ss)
    assert off[n // 2, n // 2] == off.min()


def test_dog_auto_size_and_surround_weight():
    assert dog_filter(None, 1.5, 4.5).shape == (25, 25)  # 2·⌈2.5·4.5⌉ + 1
    k = dog_filter(13, 1.0, 3.0, surround_weight=0.5)
    assert np.isclose(k.sum(), 0.5)  # a uniform field a gives (1 − k)·a


@pytest.mark.parametrize("theta", [0, 30, 45, 60, 90, 120, 150])
def test_gabor_preferred_orientation_is_its_theta(theta):
    angles = np.arange(0, 180, 5)
    rates = orientation_tuning(gabor_filter(theta), angles)
    assert angles[np.argmax(rates)] == theta
    assert rates[angles == (theta + 90) % 180][0] < 0.1 * rates.max()
    assert np.all(rates >= 0)


@pytest.mark.parametrize("theta", [0, 45, 105])
def test_elongated_gabor_with_short_bars(theta):
    angles = np.arange(0, 180, 15)
    k = gabor_filter(theta, size=21, wavelength=8.0, sigma=3.5, gamma=0.6)
    assert abs(k.mean()) < 1e-12
    assert angles[np.argmax(orientation_tuning(k, angles, width=3.0, length=15.0))] == theta


def test_gabor_phase_odd_cell_is_antisymmetric():
    k = gabor_filter(90, phase=np.pi / 2)  # vertical edge detector
    np.testing.assert_allclose(k, -k[:, ::-1], atol=1e-12)


def test_orientation_tuning_unrectified_and_batch_equals_single_calls():
    k = gabor_filter(60)
    raw = orientation_tuning(k, [60, 150], rectify=False)
    assert raw[0] > 10 * abs(raw[1])
    assert raw[0] == pytest.approx((k * bar_stimulus(60, 15)).sum())


def test_bar_geometry_and_convention():
    h = bar_stimulus(0, size=9, width=3)
    np.testing.assert_array_equal(h.sum(axis=1), [0, 0, 0, 9, 9, 9, 0, 0, 0])  # horizontal: rows 3–5
    v = bar_stimulus(90, size=9, width=1)
    np.testing.assert_array_equal(v, np.eye(9)[4][None].repeat(9, 0))  # vertical: the centre column
    d = bar_stimulus(45, size=9, width=1)
    assert d[0, 8] == d[8, 0] == d[4, 4] == 1 and d[0, 0] == 0  # 45° rises to the right (rows grow down)
    short = bar_stimulus(0, size=15, width=3, length=5)
    assert short.sum() == 15 and short[7, 5:10].all() and not short[7, 4]
    shifted = bar_stimulus(0, size=9, width=1, offset=2)
    assert shifted[6].all() and shifted.sum() == 9  # offset moves the bar down (across it)
    np.testing.assert_array_equal(bar_stimulus(20, 11, width=2.5), bar_stimulus(200, 11, width=2.5))  # 180°-periodic


def test_filter_image_paddings():
    rng = np.random.default_rng(0)
    img, k = rng.random((10, 12)), rng.standard_normal((3, 3))
    assert filter_image(img, k, "valid").shape == (8, 10)
    z, e = filter_image(img, k, "zero"), filter_image(img, k, "edge")
    assert z.shape == e.shape == (10, 12)
    np.testing.assert_allclose(z[1:-1, 1:-1], e[1:-1, 1:-1])
    assert (k * img[:3, :3]).sum() == pytest.approx(z[1, 1])
    assert filter_image(img.astype(np.float32), k).dtype == np.float32


def test_lateral_inhibition_makes_mach_bands():
    stair = staircase()
    assert stair.shape == (9, 120)
    edges = np.arange(24, 120, 24)
    lum = stair[4]
    assert not mach_bands(lum, edges).any()  # the staircase itself has no bands
    resp = lateral_inhibition(stair, strength=0.7, sigma_surround=2.0, size=13)[4]
    bands = mach_bands(resp, edges)
    assert bands.shape == (4, 2) and bands.all()
    for e in edges:  # undershoot on the dark side, overshoot on the bright side, plateaus kept
        assert resp[e - 1] < 0.3 * lum[e - 1] and resp[e] > 0.3 * lum[e] + 0.01
    np.testing.assert_allclose(resp[[0, 60, 119]], 0.3 * lum[[0, 60, 119]])  # uniform: (1 − k)·a
    np.testing.assert_allclose(lateral_inhibition(stair, strength=0.0), stair)  # no inhibition
    assert mach_bands(divisive_normalization(stair)[4], edges).all()


def test_lrn_layer_is_lateral_inhibition_across_channels():
    quiet = np.full((1, 8, 1, 1), 10.0)
    loud = quiet.copy()
    loud[0, 3] = 200.0
    before = LRN().forward(quiet, train=False).ravel()
    after = LRN().forward(loud, train=False).ravel()
    assert all(after[j] < 0.5 * before[j] for j in (1, 2, 4, 5)) and np.isclose(after[7], before[7])


def test_foveated_blur_is_not_shift_equivariant():
    img = np.random.default_rng(1).random((64, 64))
    out = foveated_blur(img, sigmas=(0.5, 2.0), radii=(16,), size=9)
    centre = filter_image(img, gaussian_kernel(9, 0.5))
    np.testing.assert_allclose(out[32, 32], centre[32, 32])
    sh = np.abs(np.roll(out, 5, axis=1) - foveated_blur(np.roll(img, 5, axis=1), (0.5, 2.0), (16,), 9))
    assert sh[10:-10, 10:-10].max() > 0.05


def test_population_vector_decodes_orientation():
    prefs = np.arange(0, 180, 15.0)
    for theta in (0, 40, 95, 170):
        d = np.abs(prefs - theta) % 180
        rates = np.cos(np.deg2rad(2 * np.minimum(d, 180 - d))).clip(0)
        got = population_vector(rates, prefs)
        assert 0 <= got < 180 and got == pytest.approx(theta, abs=1e-6)


@pytest.mark.parametrize("call, name", [
    (lambda: gaussian_kernel(0, 1.0), "size"),
    (lambda: gaussian_kernel(5, -1.0), "sigma"),
    (lambda: dog_filter(13, 0.0, 3.0), "sigma_center"),
    (lambda: dog_filter(13, 3.0, 1.0), "sigma_surround"),
    (lambda: dog_filter(2.5, 1.0, 3.0), "size"),
    (lambda: gabor_filter(0, wavelength=0), "wavelength"),
    (lambda: gabor_filter(0, size=-3), "size"),
    (lambda: gabor_filter(0, gamma=-1), "gamma"),
    (lambda: bar_stimulus(0, width=0), "width"),
    (lambda: bar_stimulus(0, length=-2), "length"),
    (lambda: orientation_tuning(np.ones((3, 4)), [0]), "kernel"),
    (lambda: orientation_tuning(np.ones((3, 3)), []), "angles"),
    (lambda: filter_image(np.ones((5, 5)), np.ones((2, 2)), "same"), "padding"),
    (lambda: filter_image(np.ones((5, 5)), np.ones((2, 2)), "zero"), "kernel"),
    (lambda: filter_image(np.ones(5), np.ones((3, 3))), "image"),
    (lambda: staircase(step_width=0), "step_width"),
    (lambda: lateral_inhibition(np.ones((5, 5)), strength=-1), "strength"),
    (lambda: mach_bands(np.ones(30), [5], plateau=12), "edges"),
    (lambda: foveated_blur(np.ones((5, 5)), sigmas=(1, 2), radii=(1, 2)), "sigmas"),
    (lambda: population_vector(np.ones(3), [0, 90]), "rates"),
])
def test_bad_arguments_raise_value_error_naming_them(call, name):
    with pytest.raises(ValueError, match=name):
        call()
