r"""Weight initialisers: He, Glorot (Xavier) and LeCun's uniform ±2.4/F_in.

Every initialiser takes the array ``shape``, the fan-in ``F_in`` (and, for
Glorot, the fan-out ``F_out``) and a NumPy ``Generator``; all randomness comes
from that generator, so a seed fixes the weights.

For a convolution with filters ``w`` of shape ``(N, D, F_h, F_w)`` the fan-in is
``D·F_h·F_w`` (inputs of one output unit) and the fan-out ``N·F_h·F_w``.
``fan_in`` may also be an array that broadcasts against ``shape`` — LeNet-5's
C3 uses this: with the partial connection table each output map has its own
fan-in (75, 100 or 150).

===================  ================================================  ======================
name                 distribution                                      reference
===================  ================================================  ======================
``"lecun"``          U(−2.4/F_in, +2.4/F_in)                           LeCun et al. 1998, §V.A
``"he"``             N(0, 2/F_in)                                      He et al. 2015
``"he_uniform"``     U(−√(6/F_in), +√(6/F_in))                         He et al. 2015
``"glorot"``         U(−√(6/(F_in+F_out)), +√(6/(F_in+F_out)))         Glorot & Bengio 2010
``"glorot_normal"``  N(0, 2/(F_in+F_out))                              Glorot & Bengio 2010
===================  ================================================  ======================
"""

from __future__ import annotations

import numpy as np

__all__ = ["lecun_uniform", "he_normal", "he_uniform", "glorot_uniform", "glorot_normal",
           "INITIALIZERS", "initialize", "as_generator"]


def as_generator(seed) -> np.random.Generator:
    """``None``/int/SeedSequence/Generator -> ``numpy.random.Generator`` (``None`` means seed 0)."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(0 if seed is None else seed)


def lecun_uniform(shape, fan_in, rng, fan_out=None):
    """U(−2.4/F_in, 2.4/F_in), LeNet-5's initialisation (LeCun et al. 1998, §V.A)."""
    limit = 2.4 / np.asarray(fan_in, dtype=np.float64)
    return rng.uniform(-1.0, 1.0, size=shape) * limit


def he_normal(shape, fan_in, rng, fan_out=None):
    """N(0, 2/F_in) — keeps the variance of ReLU activations constant (He et al. 2015)."""
    return rng.standard_normal(shape) * np.sqrt(2.0 / np.asarray(fan_in, dtype=np.float64))


def he_uniform(shape, fan_in, rng, fan_out=None):
    """U(−√(6/F_in), √(6/F_in)): same variance as :func:`he_normal`."""
    return rng.uniform(-1.0, 1.0, size=shape) * np.sqrt(6.0 / np.asarray(fan_in, dtype=np.float64))


def glorot_uniform(shape, fan_in, rng, fan_out=None):
    """U(−√(6/(F_in+F_out)), +√(6/(F_in+F_out))) (Glorot & Bengio 2010)."""
    fan_out = fan_in if fan_out is None else fan_out
    limit = np.sqrt(6.0 / (np.asarray(fan_in, dtype=np.float64) + fan_out))
    return rng.uniform(-1.0, 1.0, size=shape) * limit


def glorot_normal(shape, fan_in, rng, fan_out=None):
    """N(0, 2/(F_in+F_out)) (Glorot & Bengio 2010)."""
    fan_out = fan_in if fan_out is None else fan_out
    return rng.standard_normal(shape) * np.sqrt(2.0 / (np.asarray(fan_in, dtype=np.float64) + fan_out))


INITIALIZERS = {
    "lecun": lecun_uniform,
    "he": he_normal,
    "he_uniform": he_uniform,
    "glorot": glorot_uniform,
    "glorot_normal": glorot_normal,
}


def initialize(name, shape, fan_in, rng, fan_out=None, dtype=np.float32) -> np.ndarray:
    """Draw an array of ``shape`` with the initialiser called ``name`` (a key of :data:`INITIALIZERS`)
    or a callable with the same signature as :func:`he_normal`."""
    fn = name if callable(name) else INITIALIZERS.get(name)
    if fn is None:
        raise ValueError(f"init must be one of {sorted(INITIALIZERS)} or a callable; got {name!r}")
    return np.asarray(fn(shape, fan_in, rng, fan_out=fan_out), dtype=dtype)
