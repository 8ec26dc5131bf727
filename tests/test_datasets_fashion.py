"""Fashion-MNIST: Debian's package files when installed, plus a generated fake directory."""

import gzip
import hashlib

import numpy as np
import pytest

import cnnlab.datasets.fashion as fashion_module
from cnnlab.datasets import (DEBIAN_FASHION_MNIST_DIR, DownloadError, FASHION_MNIST_CLASSES,
                             FASHION_MNIST_FILES, IDXFormatError, load_fashion_mnist, write_idx)
from cnnlab.datasets._idxset import standard_files

DEBIAN_PRESENT = all((DEBIAN_FASHION_MNIST_DIR / f.name).is_file()
                     for f in FASHION_MNIST_FILES.values())
needs_debian = pytest.mark.skipif(
    not DEBIAN_PRESENT,
    reason=f"Debian's dataset-fashion-mnist is not installed ({DEBIAN_FASHION_MNIST_DIR}); "
           "apt-get install dataset-fashion-mnist")


def test_class_names():
    assert len(FASHION_MNIST_CLASSES) == 10
    assert FASHION_MNIST_CLASSES[0] == "T-shirt/top" and FASHION_MNIST_CLASSES[9] == "Ankle boot"


@needs_debian
def test_debian_files_are_the_published_data():
    x_train, y_train, x_test, y_test = load_fashion_mnist(source="debian")  # verifies sha256
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.int64
    assert np.bincount(y_train).tolist() == [6000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10


@needs_debian
def test_auto_prefers_debian(tmp_path):
    # an empty cache and no usable mirror: "auto" must not need them
    out = load_fashion_mnist(cache_dir=tmp_path, mirrors=[], verify=False)
    assert len(out[0]) == 60000
    assert list(tmp_path.iterdir()) == []


# --- a generated directory in the same layout -------------------------------------------

@pytest.fixture
def fake_dir(tmp_path, monkeypatch):
    rng = np.random.default_rng(3)
    arrays = {
        "train_images": rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
        "train_labels": np.arange(20, dtype=np.uint8) % 10,
        "test_images": rng.integers(0, 256, (10, 28, 28), dtype=np.uint8),
        "test_labels": np.arange(10, dtype=np.uint8),
    }
    folder = tmp_path / "fashion"
    folder.mkdir()
    checksums = {}
    for part, array in arrays.items():
        path = write_idx(folder / FASHION_MNIST_FILES[part].name, array)
        blob = path.read_bytes()
        checksums[part] = (hashlib.sha256(blob).hexdigest(), len(blob),
                           hashlib.sha256(gzip.decompress(blob)).hexdigest())
    monkeypatch.setattr(fashion_module, "FASHION_MNIST_FILES", standard_files(checksums))
    return folder, arrays


def test_fake_directory(fake_dir):
    folder, arrays = fake_dir
    x_train, y_train, x_test, y_test = load_fashion_mnist(source="debian", directory=folder)
    np.testing.assert_array_equal(x_train, arrays["train_images"])
    np.testing.assert_array_equal(y_test, arrays["test_labels"])
    assert y_train.dtype == np.int64


def test_recompressed_copy_passes_content_check(fake_dir):
    """Debian recompresses the .gz files: the check is on the decompressed bytes."""
    folder, arrays = fake_dir
    path = folder / FASHION_MNIST_FILES["test_labels"].name
    path.write_bytes(gzip.compress(gzip.decompress(path.read_bytes()), compresslevel=1,
                                   mtime=123456))
    load_fashion_mnist(source="debian", directory=folder)


def test_wrong_content_is_reported(fake_dir):
    folder, arrays = fake_dir
    path = folder / FASHION_MNIST_FILES["train_labels"].name
    write_idx(path, (arrays["train_labels"] + 1) % 10)
    with pytest.raises(IDXFormatError, match="decompressed content has sha256"):
        load_fashion_mnist(source="debian", directory=folder)
    load_fashion_mnist(source="debian", directory=folder, verify=False)  # opt-out works


def test_truncated_file_in_directory(fake_dir):
    folder, _ = fake_dir
    path = folder / FASHION_MNIST_FILES["train_images"].name
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(IDXFormatError, match="train-images-idx3-ubyte.gz: truncated gzip"):
        load_fashion_mnist(source="debian", directory=folder, verify=False)


def test_missing_debian_dir(tmp_path):
    with pytest.raises(FileNotFoundError, match="apt-get install dataset-fashion-mnist"):
        load_fashion_mnist(source="debian", directory=tmp_path / "none")


def test_auto_falls_back_to_cache_then_download(fake_dir, tmp_path):
    folder, arrays = fake_dir
    # "download" from a file:// mirror (urllib handles it; the HTTP path is
    # tested in test_datasets_download.py)
    out = load_fashion_mnist(directory=tmp_path / "no-debian", cache_dir=tmp_path / "cache",
                             mirrors=[folder.as_uri() + "/"], verbose=False)
    np.testing.assert_array_equal(out[2], arrays["test_images"])
    assert len(list((tmp_path / "cache" / "fashion-mnist").iterdir())) == 4
    # second time: found in the cache, no mirror needed
    load_fashion_mnist(source="download", cache_dir=tmp_path / "cache", mirrors=[])


def test_download_failure_mentions_debian(tmp_path):
    with pytest.raises(DownloadError, match="apt-get install dataset-fashion-mnist"):
        load_fashion_mnist(source="download", cache_dir=tmp_path,
                           mirrors=[(tmp_path / "nowhere").as_uri() + "/"], verbose=False)
    assert list(tmp_path.iterdir()) == []


def test_bad_source():
    with pytest.raises(ValueError, match='"auto", "debian" or "download"'):
        load_fashion_mnist(source="kaggle")
