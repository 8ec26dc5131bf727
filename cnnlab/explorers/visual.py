"""Explorer 6: model cells of the visual system (Lecture §1.1–1.4).

Centre–surround cells (difference of Gaussians, as in the retina and the LGN),
oriented simple cells (Gabor filters, Hubel & Wiesel's V1), a simulated
Hubel–Wiesel experiment (a bar swept through orientations) and lateral
inhibition (Mach bands) beside local response normalisation. Filters, stimuli
and responses come from :mod:`cnnlab.vision` (orientations counter-clockwise from
horizontal, as there) and the ``LRN`` layer; this module only draws them.
"""

from __future__ import annotations

import numpy as np

from ..layers.norm import LRN
from ..vision import (bar_stimulus, dog_filter, filter_image, gabor_filter, lateral_inhibition,
                      orientation_tuning, staircase)
from .base import Control, Explorer
from .draw import Bars, LineChart, Row, esc, fmt, picture, png_uri, svg, zh

__all__ = ["VisualSystem", "load_image"]


def load_image(name="grace_hopper", step: int = 6) -> np.ndarray:
    """A greyscale image in [0, 1]: matplotlib's bundled ``grace_hopper.jpg`` (public
    domain), block-averaged by ``step``; ``"shapes"`` or an array otherwise."""
    if isinstance(name, np.ndarray):
        img = name.astype(float)
        if img.ndim == 3:
            img = img[..., :3].mean(axis=2)
        return (img - img.min()) / (np.ptp(img) or 1.0)
    if name == "grace_hopper":
        import matplotlib.cbook
        import matplotlib.image

        rgb = matplotlib.image.imread(matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
        grey = rgb[..., :3].astype(float).mean(axis=2) / 255.0
        H, W = (grey.shape[0] // step) * step, (grey.shape[1] // step) * step
        return grey[:H, :W].reshape(H // step, step, W // step, step).mean(axis=(1, 3))
    if name == "shapes":
        r = np.arange(96)
        y, x = np.meshgrid(r, r, indexing="ij")
        img = np.full((96, 96), 0.2)
        img[(x - 30) ** 2 + (y - 30) ** 2 < 15 ** 2] = 0.9  # disc
        img[55:85, 15:20] = 0.9  # vertical bar
        img[70:75, 40:85] = 0.9  # horizontal bar
        d = np.abs((x - 60) - (y - 20))  # diagonal bar
        img[(d < 3) & (x > 55) & (x < 90) & (y < 60)] = 0.9
        return img
    raise ValueError(f"image must be 'grace_hopper', 'shapes' or an array; got {name!r}")


DOG_SIGMAS = (1.0, 1.5, 2.0, 2.5)
GABOR_THETAS = tuple(22.5 * k for k in range(8))
BAR_THETAS = tuple(15.0 * k for k in range(12))
STRENGTHS = (0.0, 0.5, 0.8, 1.0)
GABOR = {"size": 21, "wavelength": 8.0, "sigma": 3.5, "gamma": 0.6}  # the simple cells' shape
TUNING_THETA = 0.0  # the tuning panel's cell prefers horizontal bars
BAR = {"width": 3.0, "length": 15.0}  # the tuning panel's bar (21×21 image)

#: The panels: (label, key, the values its stepper runs over).
PANELS = (
    ("centre–surround cells (DoG)", "dog", DOG_SIGMAS),
    ("oriented cells (Gabor)", "gabor", GABOR_THETAS),
    ("Hubel–Wiesel experiment: bar orientation", "tuning", BAR_THETAS),
    ("lateral inhibition (Mach bands) and LRN", "mach", STRENGTHS),
)


class VisualSystem(Explorer):
    """Model cells of the visual system, computed with cnnlab (Lecture §1.1–1.4).

    Panels (control "panel"), each with its own stepper:

    * centre–surround (DoG): an ON-centre receptive field (retina, LGN) at 4
      sizes, applied to the image: edges and spots respond, uniform areas do not;
    * oriented (Gabor): a simple cell's receptive field at 8 orientations
      (Hubel & Wiesel 1962), applied to the image;
    * Hubel–Wiesel experiment: a bar swept through 12 orientations over a cell
      that prefers horizontal bars (0°; angles counter-clockwise from
      horizontal, as in :mod:`cnnlab.vision`); its response (ReLU of the
      filter's sum) and the tuning curve;
    * Mach bands: a luminance staircase seen through centre−k·surround cells
      (lateral inhibition, 4 strengths k) — over- and undershoot at each edge —
      beside local response normalisation (cnnlab's ``LRN`` layer) of 7
      channel activities at one position, with α growing with k.

    Parameters
    ----------
    image : "grace_hopper" | "shapes" | array, default "grace_hopper"
        The picture of the DoG and Gabor panels (matplotlib's bundled public-domain
        photograph, reduced to 100×85 pixels; or generated shapes; or your
        own 2-D/3-D array).

    Controls: panel; stepper: size / orientation / strength (with play).
    """

    title = "The visual system: model cells (Lecture 1.1–1.4)"
    stepper = "size / orientation / strength"
    playable = True
    play_interval_ms = 800

    def __init__(self, image="grace_hopper"):
        self.image = load_image(image)
        self.controls = (Control("panel", "panel", tuple((label, key) for label, key, _ in PANELS), 0),)
        self._steps = {key: values for _, key, values in PANELS}
        self._renderers = {"dog": self._render_dog, "gabor": self._render_gabor, "tuning": self._render_tuning,
                           "mach": self._render_mach}
        self._image_uri = png_uri(self.image, 0, 1)
        self._tuning = None

    def n_steps(self, state) -> int:
        return len(self._steps[state["panel"]])

    def tuning_curve(self) -> np.ndarray:
        """Responses ReLU(Σ w·x) of the horizontal-preferring cell to the 12 bars."""
        if self._tuning is None:
            self._tuning = orientation_tuning(gabor_filter(TUNING_THETA, **GABOR), BAR_THETAS, **BAR)
        return self._tuning

    def alt_text(self, state) -> str:
        v = self._steps[state["panel"]][state["step"]]
        if state["panel"] == "dog":
            return (f"An ON-centre cell (centre σ = {fmt(v)} px, surround σ = {fmt(2 * v)} px) and its response "
                    "to the photograph: edges and spots respond, uniform areas stay near zero.")
        if state["panel"] == "gabor":
            return (f"A simple cell preferring bars at {fmt(v, 1)}° and its response to the photograph: "
                    "edges at that orientation respond most.")
        if state["panel"] == "tuning":
            return (f"A bar at {fmt(v)}° over a cell that prefers horizontal bars: response "
                    f"{fmt(self.tuning_curve()[state['step']], 2)}, marked on the tuning curve over 0–180°.")
        return (f"A luminance staircase seen through cells with surround inhibition k = {fmt(v)}: "
                + ("the response follows the luminance." if v == 0 else "the response over- and undershoots at each edge.")
                + f" Beside it, 7 channel activities before and after LRN with α = {fmt(v)}.")

    def render_state(self, state) -> str:
        return self._renderers[state["panel"]](state["step"])

    def _filtered(self, k, heading, note):
        """Heading, then image | receptive field | response, then a note."""
        # edge padding: zero padding would draw a false frame; float32 halves the im2col memory
        resp = filter_image(self.image.astype(np.float32), k, padding="edge").astype(float)
        m = float(np.abs(resp).max()) or 1.0
        km = float(np.abs(k).max()) or 1.0
        h, w = self.image.shape
        scale = 2
        return "\n".join([
            f'<div class="cx-formula">{esc(heading)}</div>',
            '<div class="cx-row">',
            picture(self._image_uri, w * scale, "image",
                    alt="the grey photograph the cell looks at"),
            picture(png_uri(k, -km, km, cmap="RdBu_r"), 120, "receptive field (red +, blue −)"),
            picture(png_uri(resp, -m, m, cmap="RdBu_r"), w * scale, "response (red +, blue −)"),
            "</div>",
            f'<div class="cx-note">{note}</div>',
        ])

    def _render_dog(self, step):
        s = DOG_SIGMAS[step]
        k = dog_filter(None, s, 2 * s)
        return self._filtered(
            k, f"ON-centre cell: centre Gaussian σ = {fmt(s)} px minus surround Gaussian σ = {fmt(2 * s)} px; "
               f"kernel {k.shape[0]}×{k.shape[0]}, Σ w = {fmt(k.sum(), 3)}",
            "Light in the centre excites, light in the surround inhibits (Kuffler's retinal ganglion cells; the LGN "
            "is alike): uniform areas give ≈ 0, edges and spots of the cell's size give the strongest responses.")

    def _render_gabor(self, step):
        t = GABOR_THETAS[step]
        return self._filtered(
            gabor_filter(t, **GABOR), f"simple cell preferring bars at {fmt(t, 1)}° (counter-clockwise from horizontal; "
                                      "Gabor: Gaussian × cosine, wavelength 8 px)",
            "Hubel &amp; Wiesel (1962): a V1 simple cell answers to an edge or bar of one orientation at one place. "
            "A CNN's first-layer filters learn much the same; the eye itself performs no convolution (Lecture 1.4).")

    def _render_tuning(self, step):
        t = BAR_THETAS[step]
        curve = self.tuning_curve()
        rf = gabor_filter(TUNING_THETA, **GABOR)
        km = float(np.abs(rf).max())
        chart = LineChart(BAR_THETAS, [(curve, "cx-line")], width=300, height=140, marker=step, dots=True,
                          x_ticks=[(a, f"{a}°") for a in (0, 45, 90, 135, 180)], x_range=(0, 180),
                          caption="bar orientation (0° = horizontal)")
        return "\n".join([
            f'<div class="cx-formula">bar at {fmt(t)}°: response = ReLU(Σ w·x) = {fmt(curve[step], 2)}</div>',
            '<div class="cx-row">',
            picture(png_uri(bar_stimulus(t, 21, **BAR), 0, 1), 105, "stimulus: bar"),
            picture(png_uri(rf, -km, km, cmap="RdBu_r"), 105, "the cell's receptive field"),
            svg(chart),
            "</div>",
            '<div class="cx-note">The simulated Hubel–Wiesel experiment: the cell fires most for the bar along its '
            "receptive field (0°) and hardly at all across it (90°): orientation tuning.</div>",
        ])

    def mach(self, strength: float):
        """(luminance profile, lateral-inhibition response profile, LRN input, LRN output)."""
        img = staircase(height=21)
        steps = img[10]
        resp = lateral_inhibition(img.astype(np.float32), strength, sigma_surround=4.5,
                                  sigma_center=1.5)[10].astype(float)
        acts = np.array([0.5, 1.0, 3.0, 1.0, 0.8, 0.6, 0.5])
        lrn = LRN(size=3, alpha=strength, beta=0.75, k=1.0).forward(acts.reshape(1, -1, 1, 1), train=False).ravel()
        return steps, resp, acts, lrn

    def _render_mach(self, step):
        k = STRENGTHS[step]
        lum, resp, acts, lrn = self.mach(k)
        profiles = LineChart(np.arange(len(lum)), [(lum, "cx-dashed"), (resp, "cx-line")], width=300, height=120,
                             scale="each", caption="dashed: luminance · solid: response")
        bars = Bars([(acts, "#c9d1d9"), (lrn, "#e85d04")], labels=list(range(len(acts))), bar=14, height=120,
                    caption="channel: grey before, orange after LRN")
        img = np.tile(lum, (16, 1))
        return "\n".join([
            f'<div class="cx-formula">inhibition strength k = {fmt(k)} (surround weight); LRN α = {fmt(k)}, '
            f"β = 0.75, k₀ = 1, n = 3: b_c = a_c / (1 + α Σ a²)^0.75</div>",
            '<div class="cx-row">', picture(png_uri(img, 0, 1), 300, "luminance staircase"), "</div>",
            svg(Row(profiles, bars)),  # 570 px: fits the text column
            f'<div class="cx-formula">LRN: channel 2 (the strongest) {fmt(acts[2])} → {fmt(lrn[2], 2)}; '
            f"its neighbour, channel 1: {fmt(acts[1])} → {fmt(lrn[1], 2)}; "
            f"channel 6, far from it: {fmt(acts[6])} → {fmt(lrn[6], 2)}</div>",
            '<div class="cx-note">Mach bands: each uniform step looks lighter at its bright edge and darker at its dark '
            f"edge, because neighbouring cells inhibit each other (lateral inhibition, {zh('侧抑制')}). With k = 0 the "
            "response is the luminance itself. Local response normalisation (AlexNet) divides each channel by the "
            "activity of its neighbouring channels: the same idea across feature maps (Lecture 1.4).</div>",
        ])
