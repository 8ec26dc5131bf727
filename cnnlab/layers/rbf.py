r"""LeNet-5's output layer: Euclidean radial basis function (RBF) units.

Each output unit ``i`` computes the squared distance between its input vector
(F6's 84 outputs) and its parameter vector ``w_i`` (LeCun et al. 1998, eq. 7)::

    y_i = Σ_j (x_j − w_ij)²

The prediction is the class whose prototype is **nearest** (smallest ``y_i``).
The paper sets the components of ``w_i`` to ±1 by hand, drawing each digit as a
stylised 7×12 bitmap (hence 84 = 7·12 units in F6), and keeps them fixed; it
notes that random ±1 codes would also do. :data:`DIGIT_BITMAPS` are our own
7×12 drawings of the ten digits in that spirit (not the paper's exact
bitmaps), ``prototypes="random"`` gives seeded random ±1 codes.

Train it with :class:`cnnlab.layers.losses.RBFMAPLoss` (the paper's MAP
criterion, eq. 9). Minimising only the correct class's distance (eq. 8) sets up
no competition between the classes and, with trainable prototypes, has a
trivial solution (all prototypes and all F6 outputs equal); the criterion's
second term pushes the wrong classes' distances up.
"""

from __future__ import annotations

import numpy as np

from .._checks import check_int
from ..init import as_generator
from .base import Layer, flatten_input, prod

__all__ = ["RBF", "DIGIT_BITMAPS", "digit_prototypes"]

_GLYPHS = {
    0: "..###.. .#...#. #.....# #.....# #.....# #.....# #.....# #.....# #.....# #.....# .#...#. ..###..",
    1: "...#... ..##... .#.#... ...#... ...#... ...#... ...#... ...#... ...#... ...#... ...#... .#####.",
    2: "..###.. .#...#. #.....# ......# .....#. ....#.. ...#... ..#.... .#..... #...... #...... #######",
    3: ".#####. #.....# ......# ......# .....#. ..###.. .....#. ......# ......# ......# #.....# .#####.",
    4: ".....#. ....##. ...#.#. ..#..#. .#...#. #....#. ####### .....#. .....#. .....#. .....#. .....#.",
    5: "####### #...... #...... #...... ######. ......# ......# ......# ......# ......# #.....# .#####.",
    6: "..####. .#..... #...... #...... #.###.. ##...#. #.....# #.....# #.....# #.....# .#...#. ..###..",
    7: "####### ......# .....#. .....#. ....#.. ....#.. ...#... ...#... ..#.... ..#.... ..#.... ..#....",
    8: "..###.. .#...#. #.....# #.....# .#...#. ..###.. .#...#. #.....# #.....# #.....# .#...#. ..###..",
    9: "..###.. .#...#. #.....# #.....# #.....# .#...## ..###.# ......# ......# ......# .....#. .####..",
}


def _glyph(s: str) -> np.ndarray:
    rows = s.split()
    assert len(rows) == 12 and all(len(r) == 7 for r in rows), s
    return np.array([[1.0 if c == "#" else -1.0 for c in r] for r in rows])


#: (10, 12, 7) array of ±1: our stylised digits, one 7-wide × 12-high bitmap per class
DIGIT_BITMAPS = np.stack([_glyph(_GLYPHS[d]) for d in range(10)])


def digit_prototypes(kind="bitmap", num_classes=10, size=84, seed=0) -> np.ndarray:
    """Prototype matrix ``(num_classes, size)`` of ±1 values: ``"bitmap"`` (the 7×12 digit drawings,
    needs 10 classes × 84) or ``"random"`` (seeded, ±1 with equal probability)."""
    if kind == "bitmap":
        if (num_classes, size) != (10, 84):
            raise ValueError(f"bitmap prototypes exist for 10 classes × 84 inputs; got {num_classes} × {size}")
        return DIGIT_BITMAPS.reshape(10, 84).copy()
    if kind == "random":
        return np.where(as_generator(seed).random((num_classes, size)) < 0.5, -1.0, 1.0)
    raise ValueError(f"prototypes must be 'bitmap', 'random' or an array; got {kind!r}")


class RBF(Layer):
    r"""Euclidean RBF output units ``y_i = Σ_j (x_j − w_ij)²``.

    Parameters
    ----------
    in_features : int
        84 in LeNet-5.
    num_classes : int
        10.
    prototypes : "bitmap", "random" or array (num_classes, in_features)
    trainable : bool, default False
        False (the paper): ``w`` is a fixed buffer — counted by ``summary`` as
        ``fixed`` parameters, not trainable ones. True: ``w`` is learned too.

    Notes
    -----
    Backward: ``∂E/∂x_j = Σ_i δ_i · 2 (x_j − w_ij)``, ``∂E/∂w_ij = −Σ_b δ_bi · 2 (x_bj − w_ij)``.
    Connections (LeCun's count): ``num_classes × in_features`` (no biases).
    """

    kind = "rbf"

    def __init__(self, in_features=84, num_classes=10, prototypes="bitmap", trainable=False, seed=0, name=None,
                 dtype=np.float32):
        super().__init__(name, dtype)
        self.in_features = check_int(in_features, "in_features", 1)
        self.num_classes = check_int(num_classes, "num_classes", 1)
        self.trainable = bool(trainable)
        if isinstance(prototypes, str):
            self.prototype_kind = prototypes
            w = digit_prototypes(prototypes, self.num_classes, self.in_features, seed)
        else:
            self.prototype_kind = "custom"
            w = np.asarray(prototypes, dtype=np.float64)
            if w.shape != (self.num_classes, self.in_features):
                raise ValueError(f"prototypes must have shape ({self.num_classes}, {self.in_features}); got {w.shape}")
        if self.trainable:
            self._w0 = w
        else:
            self.buffers = {"w": w.astype(self.dtype)}

    def _init_params(self):
        return {"w": self._w0} if self.trainable else {}

    @property
    def w(self):
        return self.params["w"] if self.trainable else self.buffers["w"]

    def forward(self, x, train=True):
        self._x = x = flatten_input(self, x, self.in_features)
        w = self.w
        # ‖x − w_i‖² = ‖x‖² − 2 x·w_i + ‖w_i‖²  (one GEMM instead of a (B, classes, 84) array)
        y = (x * x).sum(axis=1, keepdims=True) - 2 * x @ w.T + (w * w).sum(axis=1)
        return np.maximum(y, 0)

    def backward(self, dout):
        x, w = self._x, self.w
        s = dout.sum(axis=1, keepdims=True)
        if self.trainable:
            self.grads = {"w": -2 * (dout.T @ x - dout.sum(axis=0)[:, None] * w)}
        if not self.input_grad:
            return None
        return (2 * (s * x - dout @ w)).reshape(self._shape)

    def output_shape(self, in_shape):
        if prod(in_shape) != self.in_features:
            raise ValueError(f"{self.name}: expects {self.in_features} inputs per sample; got {tuple(in_shape)}")
        return (self.num_classes,)

    def param_count(self, in_shape=None):
        n = self.num_classes * self.in_features
        return (n, 0) if self.trainable else (0, n)

    def connections(self, in_shape):
        return self.num_classes * self.in_features

    def _extra_repr(self):
        return (f"{self.in_features} -> {self.num_classes}, prototypes={self.prototype_kind!r}, "
                f"{'trainable' if self.trainable else 'fixed'}")
