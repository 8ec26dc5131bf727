"""The trained LeNet-5 weights that the in-page digit pad runs (chapter 5).

One ``.npz`` file holds the float16 arrays keyed as :meth:`Sequential.state_dict`
keys them (``"C1.w"``, ``"C1.b"``, …) and a ``meta`` entry (JSON): the recipe and
seed they were trained with, the held-out accuracy of the stored weights and a
SHA-256 checksum of the arrays. ``scripts/build_lenet_weights.py`` writes it.
"""
from __future__ import annotations

import hashlib
import importlib.resources
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..models import lenet5

__all__ = ["DEFAULT_PATH", "StoredWeights", "array_checksum", "load_weights",
           "save_weights", "model_from_weights", "weights_accuracy"]

#: Where the weights ship: inside the package, beside the MNIST sample.
DEFAULT_PATH = Path(str(importlib.resources.files("cnnlab") / "data" / "lenet5_modern.npz"))


@dataclass(frozen=True)
class StoredWeights:
    """Arrays (float16, keyed ``"<layer>.<param>"``) and their metadata."""

    arrays: dict
    meta: dict


def array_checksum(arrays: dict) -> str:
    """SHA-256 over every array's key, dtype, shape and bytes, in key order."""
    h = hashlib.sha256()
    for key in sorted(arrays):
        a = np.ascontiguousarray(arrays[key])
        h.update(f"{key}|{a.dtype.str}|{a.shape}|".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def save_weights(path, state: dict, recipe: dict, x_test, y_test) -> None:
    """Round ``state`` to float16, measure it on ``(x_test, y_test)``, write ``path``.

    Written to a temporary file in the same folder, verified, then renamed.
    """
    path = Path(path)
    arrays = {k: np.asarray(v, dtype=np.float16) for k, v in state.items()}
    if not all(np.isfinite(a).all() for a in arrays.values()):
        raise ValueError("state: a weight is not finite in float16 (overflow?)")
    meta = {"recipe": recipe, "dtype": "float16", "checksum": array_checksum(arrays),
            "accuracy": _accuracy(arrays, x_test, y_test), "n_test": int(len(y_test))}
    fd, tmp = tempfile.mkstemp(suffix=".npz", dir=path.parent)
    os.close(fd)
    try:
        np.savez_compressed(tmp, meta=np.array(json.dumps(meta, sort_keys=True)), **arrays)
        load_weights(tmp)                      # raises if the file does not read back
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def load_weights(path=DEFAULT_PATH) -> StoredWeights:
    """Read a weights file and verify its checksum (``ValueError`` on mismatch)."""
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        arrays = {k: data[k] for k in data.files if k != "meta"}
    found = array_checksum(arrays)
    if found != meta.get("checksum"):
        raise ValueError(f"{path}: checksum {found[:12]}… does not match the recorded "
                         f"{str(meta.get('checksum'))[:12]}…: the file is damaged or stale")
    return StoredWeights(arrays, meta)


def model_from_weights(weights: StoredWeights | None = None, dtype=np.float32):
    """The modern LeNet-5 with the stored weights, in ``dtype`` (float32 by default)."""
    weights = weights or load_weights()
    model = lenet5(weights.meta["recipe"]["variant"], dtype=dtype)
    model.load_state_dict({k: v.astype(dtype) for k, v in weights.arrays.items()})
    return model


def _accuracy(arrays: dict, x, y) -> float:
    model = model_from_weights(StoredWeights(arrays, {"recipe": {"variant": "modern"}}))
    logits = model.forward(x, train=False)
    return float((logits.argmax(axis=1) == np.asarray(y)).mean())


def weights_accuracy(path, x, y) -> float:
    """Held-out accuracy of the weights stored at ``path`` on prepared digits ``x``."""
    return _accuracy(load_weights(path).arrays, x, y)
