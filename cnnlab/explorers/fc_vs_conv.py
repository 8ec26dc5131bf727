"""Explorer 2: the 4×4 "■■" task, fully connected vs convolution (Lecture §2.3, §2.4)."""

from __future__ import annotations

import numpy as np

from ..arithmetic import conv_as_matrix
from ..conv import conv2d_naive
from .base import Control, Explorer
from .draw import Column, Grid, Row, fmt, svg

__all__ = ["FCvsConv", "REGIONS", "EXAMPLE_IMAGES"]

#: The nine regions of Lecture §2.3, row by row (a top-left … i bottom-right).
REGIONS = (
    ("a", "top-left"), ("b", "top"), ("c", "top-right"),
    ("d", "left"), ("e", "centre"), ("f", "right"),
    ("g", "bottom-left"), ("h", "bottom"), ("i", "bottom-right"),
)


def _img(cells):
    x = np.zeros((4, 4))
    for i, j in cells:
        x[i, j] = 1
    return x


#: Example 4×4 images (1 = dark pixel ■).
EXAMPLE_IMAGES = (
    ("■■ in region e (centre)", _img([(1, 1), (1, 2), (2, 1), (2, 2)])),
    ("■■ in region c, plus a stray pixel", _img([(0, 2), (0, 3), (1, 2), (1, 3), (3, 0)])),
    ("no ■■ (a diagonal line)", _img([(0, 0), (1, 1), (2, 2), (3, 3)])),
)

HEX = "0123456789ABCDEF"


class FCvsConv(Explorer):
    """The "■■" detector as a fully-connected layer and as a convolution (Lecture §2.3–2.4).

    Pick a region a–i: its 2×2 window lights up on the 4×4 image (pixels
    numbered 0–F row by row, 展平 = flattened) and its row lights up in the 9×16
    0/1 matrix ``W`` of ``Wx + b = z`` (from :func:`cnnlab.arithmetic.conv_as_matrix`:
    9 rows, not the slide's 10). The detector fires (z = 1) only where all four
    pixels are dark: weights 1, bias ``bias``. The same nine values come from
    one shared 2×2 filter (:func:`cnnlab.conv.conv2d_naive`): parameter counts
    9×16 + 9 = 153 (fully connected) against 2×2 + 1 = 5 (convolution).

    Parameters
    ----------
    images : sequence of (label, array (4, 4)), optional
        The images to choose from; default :data:`EXAMPLE_IMAGES`.
    bias : float, default -3
        The detectors' bias b (with weights 1, z = 1 exactly when 4 pixels are on).

    Controls: region (a–i), image. No stepper.
    """

    title = "Fully connected vs convolution: the 4×4 “■■” task (Lecture 2.3–2.4)"

    def __init__(self, images=None, bias=-3.0):
        images = EXAMPLE_IMAGES if images is None else tuple((str(k), np.asarray(v, float)) for k, v in images)
        if not 1 <= len(images) <= 20:
            raise ValueError(f"images: give 1 to 20 (label, 4×4 array) pairs; got {len(images)}")
        for label, img in images:
            if img.shape != (4, 4):
                raise ValueError(f"image {label!r} must be 4×4; got shape {img.shape}")
        self.images = images
        self.bias = float(bias)
        self.controls = (
            Control("region", "region", tuple((f"{r} ({name})", r) for r, name in REGIONS), 4),
            Control("image", "image", tuple((label, k) for k, (label, _) in enumerate(images)), 0),
        )
        self.W = conv_as_matrix(4, 4, 2)  # (9, 16) 0/1
        self._outputs: dict = {}

    def parameter_counts(self) -> dict:
        """Trainable parameters of both networks, from the matrix and filter shapes."""
        rows, cols = self.W.shape
        return {"fully_connected": rows * cols + rows, "convolution": 2 * 2 + 1,
                "fc_weights_that_matter": int(np.count_nonzero(self.W))}

    def outputs(self, image_index: int):
        """z = Wx + b (fully connected, length 9) and the 3×3 convolution output, computed once per image."""
        if image_index not in self._outputs:
            x = self.images[image_index][1]
            z_fc = self.W @ x.ravel() + self.bias
            z_conv = conv2d_naive(x[None, None], np.ones((1, 1, 2, 2)), np.array([self.bias]))[0, 0]
            self._outputs[image_index] = (z_fc, z_conv)
        return self._outputs[image_index]

    def alt_text(self, state) -> str:
        r = state["region"]
        z_fc, _ = self.outputs(state["image"])
        z = z_fc["abcdefghi".index(r)]
        return (f"Region {r}: its 2×2 window on the 4×4 image and row {r} of the 9×16 matrix W are highlighted; "
                f"z_{r} = {fmt(z)}, so detector {r} {'fires' if z > 0 else 'does not fire'}.")

    def render_state(self, state) -> str:
        r = "abcdefghi".index(state["region"])
        k = state["image"]
        x = self.images[k][1]
        i0, j0 = divmod(r, 3)
        window = [(i0 + a, j0 + b) for a in range(2) for b in range(2)]
        z_fc, z_conv = self.outputs(k)
        ids = np.array([[HEX[4 * i + j] for j in range(4)] for i in range(4)])
        pixels = Grid(ids, caption="pixels 0–F", fmt_fn=str).mark(i0, j0, 2, 2, "cx-win")
        fills = [["#b6bfc8" if v else "#ffffff" for v in row] for row in x]
        image = Grid(x, fills=fills, caption="image x").mark(i0, j0, 2, 2, "cx-win")
        matrix = Grid(self.W, cell=20, caption="W (9×16), Wx + b = z", row_labels=list("abcdefghi"),
                      col_labels=list(HEX), small=True)
        matrix.mark(r, 0, 1, 16, "cx-sel").mark_cells([(r, 4 * a + b) for a, b in window], cls="cx-win")
        z = Grid(z_fc.reshape(-1, 1), cell=20, caption="z", small=True).mark(r, 0, cls="cx-out")
        conv = Grid(z_conv, caption="conv 2×2, 3×3 out").mark(i0, j0, cls="cx-out")
        drawing = Column(Row(pixels, image, conv), Row(matrix, z, gap=14))
        pc = self.parameter_counts()
        cols = [HEX[4 * a + b] for a, b in window]
        terms = " + ".join(f"x{h}" for h in cols)
        nums = " + ".join(fmt(x[a, b]) for a, b in window)
        fired = "fires" if z_fc[r] > 0 else "does not fire"
        lines = [
            svg(drawing),
            f'<div class="cx-formula">z_{state["region"]} = {terms} + b = {nums} + ({fmt(self.bias)}) = {fmt(z_fc[r])}'
            f"   (convolution at the same place: {fmt(z_conv[i0, j0])}) → detector {state['region']} {fired}</div>",
            f'<div class="cx-formula">fully connected: W 9×16 + b 9 = {self.W.size} + {self.W.shape[0]} = '
            f"{pc['fully_connected']} parameters (only {pc['fc_weights_that_matter']} of the {self.W.size} weights are 1)</div>",
            f'<div class="cx-formula">convolution: one 2×2 filter shared by all 9 positions + 1 bias = 2×2 + 1 = '
            f"{pc['convolution']} parameters</div>",
            '<div class="cx-note">Each row of W is the 2×2 filter placed at one region (columns of its 4 pixels); '
            "the convolution slides that one filter instead of learning 9 rows. (The slide prints 10 rows; one of them joins "
            "pixels 7, 8, B, C, which are not neighbours. There are 9 regions.)</div>",
        ]
        return "\n".join(lines)
