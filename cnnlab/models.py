r"""LeNet-5, as published and in a modern form (Chapter 5).

LeCun, Bottou, Bengio & Haffner (1998), "Gradient-based learning applied to
document recognition", §II.B:

=======  ====================================  =======================================
layer    published                             modern
=======  ====================================  =======================================
input    1×32×32 (28×28 digit padded by 2)     same
C1       6 maps 5×5, A·tanh(S·net)             6 maps 5×5, ReLU
S2       2×2 sum × coef + bias, A·tanh         2×2 max pooling
C3       16 maps 5×5, partial (Table I)        16 maps 5×5, all 6 inputs, ReLU
S4       2×2 subsampling, A·tanh               2×2 max pooling
C5       120 maps 5×5 (→ 1×1), A·tanh          120 maps 5×5, ReLU
F6       84 units, A·tanh                      84 units, ReLU
output   10 Euclidean RBF units (±1 codes)     10 units + softmax
loss     MAP criterion (eq. 9)                 cross-entropy
init     U(±2.4/F_in)                          He
=======  ====================================  =======================================

A = 1.7159, S = 2/3. The paper trained with a stochastic diagonal
Levenberg–Marquardt method; here both variants train with SGD or Adam
(:mod:`cnnlab.optim`).

Inputs: MNIST digits are 28×28; LeNet-5 takes 32×32 so that stroke ends can
reach the centre of C3's receptive fields. :func:`prepare_digits` pads each
digit by 2 pixels on every side and maps pixel values as the paper does:
background (white, 0) → −0.1, foreground (black, 255) → 1.175, so the inputs
have mean ≈ 0 and variance ≈ 1.
"""

from __future__ import annotations

import numpy as np

from .layers import (RBF, Conv2D, Dense, MaxPool2D, RBFMAPLoss, Sequential, SoftmaxCrossEntropy, Subsampling)

__all__ = ["lenet5", "prepare_digits", "C3_TABLE", "VARIANTS"]

VARIANTS = ("modern", "published")


def _c3_table() -> np.ndarray:
    t = np.zeros((6, 16), bool)
    for n in range(6):  # maps 0–5: three contiguous S2 maps
        t[[n % 6, (n + 1) % 6, (n + 2) % 6], n] = True
    for k in range(6):  # maps 6–11: four contiguous S2 maps
        t[[(k + i) % 6 for i in range(4)], 6 + k] = True
    for n, rows in zip((12, 13, 14), ([0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5])):  # four non-contiguous
        t[rows, n] = True
    t[:, 15] = True  # map 15: all six
    return t


#: LeNet-5's S2→C3 connection table, Table I of LeCun et al. (1998): rows = S2 maps 0–5,
#: columns = C3 maps 0–15, True where the C3 map takes input from the S2 map.
C3_TABLE = _c3_table()


def prepare_digits(images, pad: int = 2, background: float = -0.1, foreground: float = 1.175,
                   dtype=np.float32) -> np.ndarray:
    """MNIST-style digits ``(n, 28, 28)`` (uint8 0–255, or floats in [0, 1]) -> LeNet-5 input ``(n, 1, 32, 32)``.

    Pixel ``v ∈ [0, 1]`` becomes ``background + v·(foreground − background)``; the
    border of ``pad`` pixels takes the background value.
    """
    x = np.asarray(images)
    if x.ndim == 4 and x.shape[1] == 1:
        x = x[:, 0]
    if x.ndim != 3:
        raise ValueError(f"images must have shape (n, H, W) (e.g. (n, 28, 28)); got {x.shape}")
    if np.issubdtype(x.dtype, np.integer):
        if x.size and (x.min() < 0 or x.max() > 255):
            raise ValueError(f"images: integer pixels must be in 0–255; got range {x.min()}–{x.max()}")
        v = x.astype(dtype) / 255.0
    else:
        v = x.astype(dtype)
        if v.size and (v.min() < 0 or v.max() > 1):
            raise ValueError(f"images: float pixels must be in [0, 1]; got range {v.min():.3g}–{v.max():.3g}")
    v = background + v * (foreground - background)
    v = np.pad(v, ((0, 0), (pad, pad), (pad, pad)), constant_values=background)
    return v[:, None].astype(dtype)


def lenet5(variant: str = "modern", seed: int = 0, dtype=np.float32, prototypes: str = "bitmap",
           trainable_prototypes: bool = False, j: float = 1.0) -> Sequential:
    """Build LeNet-5 with seeded weights.

    Parameters
    ----------
    variant : {"modern", "published"}
        See the module docstring for the differences.
    seed : int
        Seeds every layer's initial weights (each layer gets its own stream).
    dtype : numpy dtype, default float32
    prototypes, trainable_prototypes : published variant only
        RBF codes (``"bitmap"`` — our 7×12 digit drawings — or ``"random"``) and
        whether they are learned (the paper keeps them fixed).
    j : float
        Constant of the MAP criterion (published variant).

    Returns
    -------
    Sequential
        Layers named ``C1, S2, C3, S4, C5, F6, OUTPUT``; ``input_shape = (1, 32, 32)``,
        ``num_classes = 10``, ``loss`` = the criterion to train it with.
    """
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}; got {variant!r}")
    s = [int(v) for v in np.random.SeedSequence(seed).generate_state(7)]
    if variant == "published":
        act, init = "scaled_tanh", "lecun"
        layers = [
            Conv2D(1, 6, 5, activation=act, init=init, seed=s[0], name="C1", dtype=dtype),
            Subsampling(6, activation=act, init=init, seed=s[1], name="S2", dtype=dtype),
            Conv2D(6, 16, 5, connection_table=C3_TABLE, activation=act, init=init, seed=s[2], name="C3", dtype=dtype),
            Subsampling(16, activation=act, init=init, seed=s[3], name="S4", dtype=dtype),
            Conv2D(16, 120, 5, activation=act, init=init, seed=s[4], name="C5", dtype=dtype),
            Dense(120, 84, activation=act, init=init, seed=s[5], name="F6", dtype=dtype),
            RBF(84, 10, prototypes=prototypes, trainable=trainable_prototypes, seed=s[6], name="OUTPUT", dtype=dtype),
        ]
        loss = RBFMAPLoss(j=j)
    else:
        act, init = "relu", "he"
        layers = [
            Conv2D(1, 6, 5, activation=act, init=init, seed=s[0], name="C1", dtype=dtype),
            MaxPool2D(2, name="S2"),
            Conv2D(6, 16, 5, activation=act, init=init, seed=s[2], name="C3", dtype=dtype),
            MaxPool2D(2, name="S4"),
            Conv2D(16, 120, 5, activation=act, init=init, seed=s[4], name="C5", dtype=dtype),
            Dense(120, 84, activation=act, init=init, seed=s[5], name="F6", dtype=dtype),
            Dense(84, 10, init="glorot", seed=s[6], name="OUTPUT", dtype=dtype),
        ]
        loss = SoftmaxCrossEntropy()
    model = Sequential(layers, name=f"LeNet-5 ({variant})", input_shape=(1, 32, 32), num_classes=10, loss=loss)
    model.variant = variant
    model.dtype = np.dtype(dtype)
    return model.build()
