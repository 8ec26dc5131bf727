r"""Model receptive fields and stimuli of the visual system (Lecture §1.1–1.4).

Small filters that stand for cells of the retina, the LGN and V1 — centre–surround
(difference of Gaussians), oriented (Gabor) — the stimuli the physiologists showed
them (bars, a luminance staircase) and the simulated experiments: orientation
tuning, lateral inhibition (Mach bands), a foveated retina, population decoding.
Every response is computed with :func:`cnnlab.conv.conv2d_forward`, the function
the later chapters train with, so the biology and the CNN share one code path.

**Conventions.** A filter or stimulus of ``size`` pixels is sampled at
:math:`r = 0, 1, \dots, \mathrm{size}-1` minus :math:`(\mathrm{size}-1)/2`, so the
centre pixel of an odd size is :math:`(0, 0)`; ``x`` grows to the right (columns),
``y`` grows **downwards** (rows), as in an image.

**Orientation** ``theta`` (degrees) is the direction of a bar's long axis as seen
on screen, measured **counter-clockwise from the horizontal**: 0° is a horizontal
bar, 90° a vertical one, 45° rises to the right, 135° falls to the right.
Orientation is 180°-periodic. With rows growing downwards the coordinates across
and along such a bar are

.. math:: u = x\sin\theta + y\cos\theta \quad\text{(across)}, \qquad
          v = x\cos\theta - y\sin\theta \quad\text{(along)}.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_int, check_positive
from .activations import relu
from .conv import conv2d_forward
from .pool import gaussian_window

__all__ = [
    "gaussian_kernel",
    "dog_filter",
    "gabor_filter",
    "bar_stimulus",
    "orientation_tuning",
    "filter_image",
    "staircase",
    "lateral_inhibition",
    "divisive_normalization",
    "mach_bands",
    "foveated_blur",
    "population_vector",
]


#: Largest side of a filter or stimulus drawn here (a typo such as size=10**6 raises at once).
MAX_SIDE = 4096


def _grid(size: int) -> tuple[np.ndarray, np.ndarray]:
    """(y, x) coordinates, each (size, size), centred, y growing downwards."""
    r = np.arange(size) - (size - 1) / 2
    return np.meshgrid(r, r, indexing="ij")


def _across_along(size: int, theta: float) -> tuple[np.ndarray, np.ndarray]:
    """(u, v): distance across and along a bar at ``theta`` degrees (module convention)."""
    y, x = _grid(size)
    t = np.deg2rad(theta)
    return x * np.sin(t) + y * np.cos(t), x * np.cos(t) - y * np.sin(t)


def gaussian_kernel(size: int, sigma: float) -> np.ndarray:
    r"""Isotropic 2-D Gaussian normalised to sum 1 (Lecture §1.1).

    The retina's blur; the same window as Gaussian pooling's
    (:func:`cnnlab.pool.gaussian_window`, which computes it).

    Parameters
    ----------
    size : int
        Side of the square kernel.
    sigma : float
        Standard deviation :math:`\sigma` in pixels; ``0`` gives the unit impulse
        (1 at the centre of an odd ``size``).

    Returns
    -------
    numpy.ndarray, shape (size, size)
        :math:`G_\sigma(x, y) = e^{-(x^2+y^2)/2\sigma^2} / Z` with :math:`Z` the sum
        over the grid.
    """
    return gaussian_window(check_int(size, "size", 1, MAX_SIDE), sigma)


def dog_filter(size: int | None = 13, sigma_center: float = 1.0, sigma_surround: float = 3.0,
               surround_weight: float = 1.0) -> np.ndarray:
    r"""ON-centre / OFF-surround receptive field: a difference of Gaussians (Lecture §1.1, §1.3).

    Kuffler's (1953) retinal ganglion cells, and the LGN relay cells, fire for
    light on a small centre and are silenced by light on the ring around it
    (Rodieck 1965's model). ``-dog_filter(...)`` is an OFF-centre cell.

    Parameters
    ----------
    size : int or None, default 13
        Side of the square kernel; ``None`` picks :math:`2\lceil 2.5\,\sigma_s\rceil + 1`.
    sigma_center, sigma_surround : float, default 1.0 and 3.0
        :math:`\sigma_c < \sigma_s`, in pixels.
    surround_weight : float, default 1.0
        :math:`k`, the strength of the surround; with 1 the kernel sums to 0.

    Returns
    -------
    numpy.ndarray, shape (size, size)
        :math:`\mathrm{DoG} = G_{\sigma_c} - k\,G_{\sigma_s}`, each Gaussian summing
        to 1 (:func:`gaussian_kernel`), so a uniform field of value :math:`a` gives
        :math:`(1-k)\,a` — zero for a balanced cell.
    """
    sigma_center = check_positive(sigma_center, "sigma_center")
    sigma_surround = check_positive(sigma_surround, "sigma_surround")
    if sigma_surround <= sigma_center:
        raise ValueError(f"sigma_surround must exceed sigma_center; got {sigma_surround} <= {sigma_center}")
    if size is None:
        size = int(2 * np.ceil(2.5 * sigma_surround) + 1)
    size = check_int(size, "size", 1, MAX_SIDE)
    return gaussian_kernel(size, sigma_center) - surround_weight * gaussian_kernel(size, sigma_surround)


def gabor_filter(theta: float, size: int = 15, wavelength: float = 6.0, sigma: float = 3.0,
                 phase: float = 0.0, gamma: float = 1.0) -> np.ndarray:
    r"""Oriented receptive field of a V1 simple cell: a Gabor function (Lecture §1.1).

    Hubel & Wiesel (1962): excitatory and inhibitory strips side by side, so the
    cell prefers a bar of one orientation at one place (Jones & Palmer 1987 fit
    Gabor functions to such fields).

    Parameters
    ----------
    theta : float
        Preferred bar orientation in degrees, counter-clockwise from horizontal
        (see the module docstring).
    size : int, default 15
        Side of the square kernel.
    wavelength : float, default 6.0
        :math:`\lambda`, period of the grating in pixels.
    sigma : float, default 3.0
        :math:`\sigma`, width of the Gaussian window across the bar.
    phase : float, default 0.0
        :math:`\varphi` in radians: 0 is an even cell (a bright bar on the centre
        line), :math:`\pi/2` an odd cell (an edge).
    gamma : float, default 1.0
        Aspect ratio :math:`\gamma`; below 1 the window is longer along the bar.

    Returns
    -------
    numpy.ndarray, shape (size, size)
        :math:`e^{-(u^2 + \gamma^2 v^2)/2\sigma^2} \cos(2\pi u/\lambda + \varphi)`
        minus its mean (zero mean: blind to uniform light), with :math:`u, v` the
        coordinates across and along the bar.
    """
    size = check_int(size, "size", 1, MAX_SIDE)
    wavelength = check_positive(wavelength, "wavelength")
    sigma = check_positive(sigma, "sigma")
    gamma = check_positive(gamma, "gamma")
    u, v = _across_along(size, theta)
    g = np.exp(-(u ** 2 + (gamma * v) ** 2) / (2 * sigma ** 2)) * np.cos(2 * np.pi * u / wavelength + phase)
    return g - g.mean()


def bar_stimulus(theta: float, size: int = 15, width: float = 3.0, length: float | None = None,
                 offset: float = 0.0) -> np.ndarray:
    r"""A bright bar (1) on a dark ground (0): Hubel & Wiesel's slit of light (Lecture §1.1).

    Parameters
    ----------
    theta : float
        Orientation of the bar's long axis in degrees, counter-clockwise from horizontal.
    size : int, default 15
        Side of the square image.
    width : float, default 3.0
        Pixels with :math:`|u - \mathrm{offset}| \le \mathrm{width}/2` are lit.
    length : float or None, default None
        Also require :math:`|v| \le \mathrm{length}/2`; ``None``: the bar crosses
        the whole image.
    offset : float, default 0.0
        Shift of the bar across its length, in pixels (:math:`u` direction).

    Returns
    -------
    numpy.ndarray, shape (size, size), float64 of 0 and 1
    """
    size = check_int(size, "size", 1, MAX_SIDE)
    width = check_positive(width, "width")
    u, v = _across_along(size, theta)
    lit = np.abs(u - offset) <= width / 2
    if length is not None:
        lit &= np.abs(v) <= check_positive(length, "length") / 2
    return lit.astype(float)


def orientation_tuning(kernel, angles, width: float = 3.0, length: float | None = None,
                       rectify: bool = True) -> np.ndarray:
    r"""The simulated Hubel–Wiesel experiment: a cell's response to bars at ``angles`` (Lecture §1.1).

    Each bar (:func:`bar_stimulus`, as large as the filter) is one image of a batch;
    one valid :func:`~cnnlab.conv.conv2d_forward` call gives one number per bar,
    :math:`\sum_{m,n} w_{mn}\,x_{mn}`, and the firing rate is its rectified value
    :math:`\max(0, \cdot)`.

    Parameters
    ----------
    kernel : array_like, shape (F, F)
        The cell's receptive field, e.g. :func:`gabor_filter`.
    angles : array_like, shape (A,)
        Bar orientations in degrees (module convention).
    width, length : float
        Bar geometry, as in :func:`bar_stimulus`.
    rectify : bool, default True
        Apply ReLU (a rate cannot be negative); ``False`` returns the raw sums.

    Returns
    -------
    numpy.ndarray, shape (A,)
        The tuning curve; ``angles[argmax]`` is the preferred orientation.
    """
    kernel = np.asarray(kernel, dtype=float)
    if kernel.ndim != 2 or kernel.shape[0] != kernel.shape[1]:
        raise ValueError(f"kernel must be a square 2-D array; got shape {kernel.shape}")
    angles = np.atleast_1d(np.asarray(angles, dtype=float))
    if angles.ndim != 1 or angles.size == 0:
        raise ValueError(f"angles must be a non-empty 1-D sequence; got shape {angles.shape}")
    F = kernel.shape[0]
    bars = np.stack([bar_stimulus(a, F, width, length) for a in angles])[:, None]  # (A, 1, F, F)
    out, _ = conv2d_forward(bars, kernel[None, None], np.zeros(1))                 # (A, 1, 1, 1)
    out = out[:, 0, 0, 0]
    return relu(out) if rectify else out


def filter_image(image, kernel, padding: str = "zero") -> np.ndarray:
    r"""One 2-D image through one 2-D filter with :func:`~cnnlab.conv.conv2d_forward` (B = D = N = 1).

    Parameters
    ----------
    image : array_like, shape (H, W)
        float32 stays float32 (half the im2col memory); anything else becomes float64.
    kernel : array_like, shape (F, F)
        The filter (cross-correlation, not flipped, as in every CNN library).
    padding : {"zero", "edge", "valid"}, default "zero"
        ``"zero"``: :math:`P = \lfloor F/2 \rfloor` zeros, output (H, W);
        ``"edge"``: the border pixels repeated instead (no false frame around a
        bright image), output (H, W); ``"valid"``: no padding, output
        :math:`(H - F + 1, W - F + 1)`.

    Returns
    -------
    numpy.ndarray
        The response map.
    """
    img = np.asarray(image)
    img = img if img.dtype == np.float32 else img.astype(float)
    k = np.asarray(kernel, dtype=img.dtype)
    if img.ndim != 2:
        raise ValueError(f"image must be 2-D (H, W); got shape {img.shape}")
    if k.ndim != 2:
        raise ValueError(f"kernel must be 2-D (F, F); got shape {k.shape}")
    if padding not in ("zero", "edge", "valid"):
        raise ValueError(f"padding must be 'zero', 'edge' or 'valid'; got {padding!r}")
    P = 0
    if padding != "valid":
        if k.shape[0] % 2 == 0 or k.shape[1] % 2 == 0:
            raise ValueError(f"kernel must have odd sides for padding={padding!r}; got shape {k.shape}")
        if padding == "edge":
            img = np.pad(img, ((k.shape[0] // 2,) * 2, (k.shape[1] // 2,) * 2), mode="edge")
        else:
            P = (k.shape[0] // 2, k.shape[1] // 2)
    out, _ = conv2d_forward(img[None, None], k[None, None], np.zeros(1, img.dtype), padding=P)
    return out[0, 0]


def staircase(levels=(0.2, 0.35, 0.5, 0.65, 0.8), step_width: int = 24, height: int = 9) -> np.ndarray:
    r"""A luminance staircase, the stimulus of the Mach bands (Lecture §1.4).

    Parameters
    ----------
    levels : sequence of float, default (0.2, 0.35, 0.5, 0.65, 0.8)
        Luminance of each uniform step, left to right.
    step_width : int, default 24
        Columns per step; the edges are at columns ``step_width * i``, i ≥ 1.
    height : int, default 9
        Rows.

    Returns
    -------
    numpy.ndarray, shape (height, len(levels) * step_width)
    """
    step_width = check_int(step_width, "step_width", 1, MAX_SIDE)
    height = check_int(height, "height", 1, MAX_SIDE)
    levels = np.asarray(levels, dtype=float)
    if levels.ndim != 1 or levels.size < 2:
        raise ValueError(f"levels must be a sequence of at least 2 numbers; got {levels!r}")
    return np.tile(np.repeat(levels, step_width), (height, 1))


def lateral_inhibition(image, strength: float = 0.7, sigma_surround: float = 2.0,
                       sigma_center: float = 0.0, size: int | None = None) -> np.ndarray:
    r"""Subtractive lateral inhibition: each cell minus a fraction of its neighbours (Lecture §1.4).

    Hartline's *Limulus* eye: an excited cell inhibits its neighbours. The response
    is the image filtered (edge padding, same size) with

    .. math:: K = G_{\sigma_c} - k\,G_{\sigma_s},

    a centre–surround filter (:func:`dog_filter`; :math:`\sigma_c = 0` makes the
    centre the cell's own input). A uniform region of value :math:`a` gives
    :math:`(1-k)\,a`; near an edge the response over- and undershoots: Mach bands.

    Parameters
    ----------
    image : array_like, shape (H, W)
    strength : float, default 0.7
        :math:`k \ge 0`, the weight of the surround; 0 means no inhibition.
    sigma_surround : float, default 2.0
        Reach of the inhibition in pixels.
    sigma_center : float, default 0.0
        Blur of the cell's own input.
    size : int or None
        Kernel side (odd); ``None``: :math:`2\lceil 2.5\,\sigma_s\rceil + 1`.

    Returns
    -------
    numpy.ndarray, shape (H, W)
    """
    if strength != 0:
        check_positive(strength, "strength")
    sigma_surround = check_positive(sigma_surround, "sigma_surround")
    if size is None:
        size = int(2 * np.ceil(2.5 * sigma_surround) + 1)
    size = check_int(size, "size", 1, MAX_SIDE)
    k = gaussian_kernel(size, sigma_center) - strength * gaussian_kernel(size, sigma_surround)
    return filter_image(image, k, padding="edge")


def divisive_normalization(image, size: int = 7, k: float = 0.3, alpha: float = 1.0,
                           beta: float = 0.75) -> np.ndarray:
    r"""Divisive lateral inhibition: within-channel (spatial) local response normalisation (Lecture §1.4).

    .. math:: b_{x,y} = a_{x,y} \Big/ \big(k + \alpha\, \overline{a^2}_{x,y}\big)^{\beta}

    with :math:`\overline{a^2}` the mean of :math:`a^2` over the ``size`` × ``size``
    window around :math:`(x, y)` (edge padding). AlexNet's across-channel form is
    :class:`cnnlab.layers.LRN`.

    Parameters
    ----------
    image : array_like, shape (H, W)
    size : int, default 7
        Window side (odd).
    k, alpha, beta : float
        The constants of the formula.

    Returns
    -------
    numpy.ndarray, shape (H, W)
    """
    size = check_int(size, "size", 1, MAX_SIDE)
    k, alpha = check_positive(k, "k"), float(alpha)
    img = np.asarray(image, dtype=float)
    energy = filter_image(img ** 2, np.full((size, size), 1.0 / size ** 2), padding="edge")
    return img / (k + alpha * energy) ** beta


def mach_bands(profile, edges, plateau: int = 12) -> np.ndarray:
    r"""Where a response profile shows Mach bands at rising edges (Lecture §1.4).

    Parameters
    ----------
    profile : array_like, shape (W,)
        One row of a response to a staircase whose luminance rises at ``edges``.
    edges : sequence of int, shape (E,)
        First column of each brighter step.
    plateau : int, default 12
        Distance from an edge to the plateau value it is compared with.

    Returns
    -------
    numpy.ndarray of bool, shape (E, 2)
        Per edge: (the last dark column dips below the dark plateau,
        the first bright column peaks above the bright plateau).
    """
    p = np.asarray(profile, dtype=float)
    plateau = check_int(plateau, "plateau", 1)
    e = np.asarray(edges, dtype=int)
    if e.size == 0 or (e - plateau).min() < 0 or (e + plateau).max() >= p.size:
        raise ValueError(f"edges must lie at least plateau={plateau} columns inside the profile "
                         f"of length {p.size}; got {e.tolist()}")
    return np.stack([p[e - 1] < p[e - plateau], p[e] > p[e + plateau]], axis=1)


def foveated_blur(image, sigmas=(0.5, 1.5, 3.0), radii=(30, 60), size: int = 13) -> np.ndarray:
    r"""A retina whose receptive fields grow with eccentricity (Lecture §1.4: the eye does not convolve).

    The image is blurred (zero padding) with Gaussians of ``sigmas[i]``; a pixel at
    distance :math:`e` from the image centre :math:`(H/2, W/2)` takes the blur of
    ring :math:`i` = number of ``radii`` :math:`\le e`. Unlike a convolution this is
    not shift-equivariant.

    Parameters
    ----------
    image : array_like, shape (H, W)
    sigmas : sequence of float, shape (R + 1,)
        Blur of the fovea, then of each ring outwards.
    radii : sequence of float, shape (R,)
        Increasing ring boundaries in pixels.
    size : int, default 13
        Side of the Gaussian kernels (odd).

    Returns
    -------
    numpy.ndarray, shape (H, W)
    """
    if len(sigmas) != len(radii) + 1:
        raise ValueError(f"sigmas must have one entry more than radii; got {len(sigmas)} and {len(radii)}")
    img = np.asarray(image, dtype=float)
    H, W = img.shape
    rows, cols = np.meshgrid(np.arange(H) - H / 2, np.arange(W) - W / 2, indexing="ij")
    ring = np.digitize(np.hypot(rows, cols), radii)
    blurs = [filter_image(img, gaussian_kernel(size, s)) for s in sigmas]
    return np.choose(ring, blurs)


def population_vector(rates, preferred) -> np.ndarray:
    r"""Read an orientation out of a population of tuned cells (Lecture §1.4, dropout).

    Orientation is 180°-periodic, so angles are doubled:
    :math:`\hat\theta = \tfrac12 \arg \sum_i r_i\, e^{2 i \theta_i}`.

    Parameters
    ----------
    rates : array_like, shape (..., C)
        Firing rates of the ``C`` cells (last axis).
    preferred : array_like, shape (C,)
        Preferred orientation of each cell in degrees.

    Returns
    -------
    numpy.ndarray, shape (...)
        Decoded orientations in degrees, in [0, 180).
    """
    rates = np.asarray(rates, dtype=float)
    preferred = np.asarray(preferred, dtype=float)
    if rates.shape[-1:] != preferred.shape:
        raise ValueError(f"rates must have {preferred.size} cells on its last axis; got shape {rates.shape}")
    z = (rates * np.exp(2j * np.deg2rad(preferred))).sum(axis=-1)
    theta = np.rad2deg(np.angle(z)) / 2 % 180
    return np.where(theta >= 180, theta - 180, theta)  # -1e-15 % 180 rounds to 180
