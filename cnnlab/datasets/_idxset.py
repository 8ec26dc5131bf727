"""The four-file MNIST layout shared by MNIST and Fashion-MNIST."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from .download import DEFAULT_TIMEOUT, DownloadError, RemoteFile, fetch
from .idx import IDXFormatError, parse_idx, read_idx_bytes

#: Order of the four files and of the returned arrays.
PARTS = ("train_images", "train_labels", "test_images", "test_labels")


def standard_files(checksums) -> dict[str, RemoteFile]:
    """``{part: RemoteFile}`` from ``{part: (sha256_gz, size_gz, sha256_raw)}``."""
    names = {"train_images": "train-images-idx3-ubyte.gz",
             "train_labels": "train-labels-idx1-ubyte.gz",
             "test_images": "t10k-images-idx3-ubyte.gz",
             "test_labels": "t10k-labels-idx1-ubyte.gz"}
    return {part: RemoteFile(names[part], *checksums[part]) for part in PARTS}


def check_pair(images, labels, images_path, labels_path, n_classes=10):
    """Validate an (images, labels) pair of IDX arrays; return (uint8 x, int64 y)."""
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
        raise IDXFormatError(f"{images_path}: expected uint8 images of shape (n, 28, 28), "
                             f"found {images.dtype} {images.shape}")
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise IDXFormatError(f"{labels_path}: expected 1-D integer labels, "
                             f"found {labels.dtype} {labels.shape}")
    if len(labels) != len(images):
        raise IDXFormatError(f"{labels_path} holds {len(labels):,} labels but "
                             f"{images_path} holds {len(images):,} images")
    if len(labels) and (labels.min() < 0 or labels.max() >= n_classes):
        raise IDXFormatError(f"{labels_path}: labels must be 0 to {n_classes - 1}, "
                             f"found {labels.min()} to {labels.max()}")
    return images, labels.astype(np.int64)


def read_set(paths, raw_sha256=None):
    """Read the four files ``{part: path}``; return (x_train, y_train, x_test, y_test).

    ``raw_sha256`` (``{part: hex}``, optional) checks each file's decompressed
    content, so recompressed copies of the published files pass."""
    arrays = {}
    for part in PARTS:
        data = read_idx_bytes(paths[part])
        expected = (raw_sha256 or {}).get(part)
        if expected is not None:
            found = hashlib.sha256(data).hexdigest()
            if found != expected:
                raise IDXFormatError(f"{paths[part]}: decompressed content has sha256 "
                                     f"{found}, the published file has {expected}")
        arrays[part] = parse_idx(data, paths[part])
    x_train, y_train = check_pair(arrays["train_images"], arrays["train_labels"],
                                  paths["train_images"], paths["train_labels"])
    x_test, y_test = check_pair(arrays["test_images"], arrays["test_labels"],
                                paths["test_images"], paths["test_labels"])
    return x_train, y_train, x_test, y_test


def fetch_set(files, mirrors, directory: Path, what, timeout=DEFAULT_TIMEOUT, verbose=True,
              hint=""):
    """Download (or find in ``directory``) the four files; return their paths.

    On failure the :class:`DownloadError` also names all four files, where
    they belong, and ``hint`` (another way to get the data)."""
    progress = (lambda msg: print(f"{what}: {msg}", flush=True)) if verbose else None
    try:
        return {part: fetch(files[part], mirrors, directory, timeout=timeout, what=what,
                            progress=progress)
                for part in PARTS}
    except DownloadError as exc:
        names = ", ".join(files[part].name for part in PARTS)
        raise DownloadError(f"{exc}\nAll four {what} files belong in {directory}: {names}."
                            + (f"\n{hint}" if hint else "")) from None
