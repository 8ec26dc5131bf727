"""Fashion-MNIST: 70,000 28×28 grey images of clothing in 10 classes, MNIST's format.

Fashion-MNIST is by Han Xiao, Kashif Rasul and Roland Vollgraf (Zalando
Research, 2017; MIT licence; https://github.com/zalandoresearch/fashion-mnist):
60,000 training and 10,000 test images in the same four IDX files as MNIST,
a harder drop-in replacement for it.

Where the files come from, in the order ``source="auto"`` tries them:

1. Debian's package ``dataset-fashion-mnist`` (``apt-get install
   dataset-fashion-mnist``), which installs the four ``.gz`` files in
   ``/usr/share/datasets/fashion-mnist/``. Debian recompressed them (so the
   ``.gz`` bytes differ from the published ones); their *decompressed*
   content is checked against the published SHA-256 (``raw_sha256``).
2. The cache (``~/.cache/cnnlab/fashion-mnist``, moved by ``$CNNLAB_DATA_DIR``).
3. A download from ``FASHION_MNIST_MIRRORS``, each ``.gz`` checked against its
   published SHA-256, exactly as for MNIST.
"""

from __future__ import annotations

from pathlib import Path

from . import _idxset
from .download import DEFAULT_TIMEOUT, data_dir

__all__ = ["DEBIAN_FASHION_MNIST_DIR", "FASHION_MNIST_CLASSES", "FASHION_MNIST_FILES",
           "FASHION_MNIST_MIRRORS", "load_fashion_mnist"]

#: Class names, index = label (from the Fashion-MNIST README).
FASHION_MNIST_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")

#: Where Debian's ``dataset-fashion-mnist`` puts the files.
DEBIAN_FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")

#: Base URLs tried in order: Zalando's own S3 site, then the GitHub repository.
FASHION_MNIST_MIRRORS = (
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
)

#: (SHA-256 of the published .gz, its size, SHA-256 of the decompressed IDX).
#: The .gz SHA-256 values are those in torchvision's built-in dataset
#: definitions (``torchvision/prototype/datasets/_builtin/mnist.py``; its
#: ``datasets/mnist.py`` has the matching MD5s 8d4fb7e6…, 25c81989…, bef4ecab…,
#: bb300cfd…, which are the ones in the Fashion-MNIST README). The
#: decompressed SHA-256 values were measured on Debian's files and agree with
#: the decompressed MD5s published in public loaders (f4a8712d…, 9018921c…,
#: 8181f547…, 15d48437…) and with published decompressed SHA-256 lists.
FASHION_MNIST_FILES = _idxset.standard_files({
    "train_images": ("3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
                     26_421_880,
                     "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
    "train_labels": ("a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
                     29_515,
                     "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
    "test_images": ("346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
                    4_422_102,
                    "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
    "test_labels": ("67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
                    5_148,
                    "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
})


def _local_paths(directory: Path):
    paths = {part: directory / f.name for part, f in FASHION_MNIST_FILES.items()}
    return paths if all(p.is_file() for p in paths.values()) else None


def load_fashion_mnist(source="auto", cache_dir=None, mirrors=None, directory=None,
                       timeout=DEFAULT_TIMEOUT, verify=True, verbose=True):
    """Load Fashion-MNIST as ``(x_train, y_train, x_test, y_test)``.

    Parameters
    ----------
    source : {"auto", "debian", "download"}
        ``"debian"``: only the files of Debian's package (``directory``).
        ``"download"``: only the cache, downloading what is missing.
        ``"auto"``: Debian's files if all four are there, else the cache /
        a download.
    cache_dir : path, optional
        Cache root (files go to its ``fashion-mnist`` subdirectory); default
        ``$CNNLAB_DATA_DIR``, else ``~/.cache/cnnlab``.
    mirrors : sequence of str, optional
        Base URLs for downloads (default ``FASHION_MNIST_MIRRORS``).
    directory : path, optional
        Where to look for Debian's files (default ``DEBIAN_FASHION_MNIST_DIR``).
    timeout : float
        Seconds per connection attempt.
    verify : bool
        Check the decompressed SHA-256 of Debian's files (about 0.15 s).
        Downloads are always checked.
    verbose : bool
        Print one line per download attempt.

    Returns
    -------
    x_train : numpy.ndarray, uint8, shape (60000, 28, 28)
    y_train : numpy.ndarray, int64, shape (60000,)
        Class indices into ``FASHION_MNIST_CLASSES``.
    x_test : numpy.ndarray, uint8, shape (10000, 28, 28)
    y_test : numpy.ndarray, int64, shape (10000,)

    Raises
    ------
    FileNotFoundError
        ``"debian"`` and the package's files are not installed.
    DownloadError
        No mirror delivered a file (the message lists them and what to do).
    IDXFormatError
        A local file is corrupt or not the published content.
    """
    if source not in ("auto", "debian", "download"):
        raise ValueError(f'source must be "auto", "debian" or "download", got {source!r}')
    local_dir = Path(directory) if directory is not None else DEBIAN_FASHION_MNIST_DIR
    if source in ("auto", "debian"):
        paths = _local_paths(local_dir)
        if paths is not None:
            expected = ({part: f.raw_sha256 for part, f in FASHION_MNIST_FILES.items()}
                        if verify else None)
            return _idxset.read_set(paths, raw_sha256=expected)
        if source == "debian":
            names = ", ".join(f.name for f in FASHION_MNIST_FILES.values())
            raise FileNotFoundError(
                f"Fashion-MNIST: {local_dir} does not hold all of {names}. Install "
                "Debian's package (apt-get install dataset-fashion-mnist), pass "
                'directory=..., or use load_fashion_mnist(source="download").')
    cache = data_dir(cache_dir) / "fashion-mnist"
    paths = _idxset.fetch_set(
        FASHION_MNIST_FILES, FASHION_MNIST_MIRRORS if mirrors is None else mirrors, cache,
        "Fashion-MNIST", timeout=timeout, verbose=verbose,
        hint="On Debian/Ubuntu, `apt-get install dataset-fashion-mnist` installs them in "
             f"{DEBIAN_FASHION_MNIST_DIR} (no download needed).")
    return _idxset.read_set(paths)
