"""The download path, for real, against an HTTP server on 127.0.0.1.

The server serves small generated MNIST-format files under several "mirrors":
/good/ (correct), /corrupt/ (one byte flipped), /short/ (the file cut in half,
honest Content-Length), /drop/ (announces the full length, sends half, hangs
up), /missing/ (404), /slow/ (answers after the client's timeout). A refused
connection is a port nobody listens on. No test touches the internet.
"""

import gzip
import hashlib
import http.server
import os
import socket
import threading
import time
from collections import Counter

import numpy as np
import pytest

import cnnlab.datasets.mnist as mnist_module
from cnnlab.datasets import (DATA_DIR_ENV, DownloadError, IDXFormatError, RemoteFile,
                             data_dir, fetch, load_mnist, write_idx)
from cnnlab.datasets._idxset import standard_files

N_TRAIN, N_TEST = 30, 12


def _make_files(tmp_path_factory):
    rng = np.random.default_rng(7)
    arrays = {
        "train_images": rng.integers(0, 256, (N_TRAIN, 28, 28), dtype=np.uint8),
        "train_labels": rng.integers(0, 10, N_TRAIN).astype(np.uint8),
        "test_images": rng.integers(0, 256, (N_TEST, 28, 28), dtype=np.uint8),
        "test_labels": rng.integers(0, 10, N_TEST).astype(np.uint8),
    }
    spec = standard_files({p: ("0" * 64, None, None) for p in arrays})
    folder = tmp_path_factory.mktemp("served")
    blobs, checksums = {}, {}
    for part, array in arrays.items():
        blob = write_idx(folder / spec[part].name, array).read_bytes()
        blobs[spec[part].name] = blob
        checksums[part] = (hashlib.sha256(blob).hexdigest(), len(blob),
                           hashlib.sha256(gzip.decompress(blob)).hexdigest())
    return arrays, blobs, standard_files(checksums)


class _Handler(http.server.BaseHTTPRequestHandler):
    blobs: dict = {}
    hits: Counter = Counter()

    def log_message(self, *args):  # keep pytest output clean
        pass

    def do_GET(self):
        _, mirror, name = self.path.split("/", 2)
        self.hits[(mirror, name)] += 1
        blob = self.blobs.get(name)
        if mirror == "missing" or blob is None:
            self.send_error(404, "Not Found")
            return
        if mirror == "slow":
            time.sleep(3)
        body, length = blob, len(blob)
        if mirror == "corrupt":
            body = bytearray(blob)
            body[len(body) // 2] ^= 0xFF
            body = bytes(body)
        elif mirror == "short":
            body = length = blob[: len(blob) // 2]
            length = len(body)
        elif mirror == "drop":
            body = blob[: len(blob) // 2]
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(length))
        self.end_headers()
        try:
            self.wfile.write(body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        if mirror == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    arrays, blobs, spec = _make_files(tmp_path_factory)
    _Handler.blobs = blobs
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    yield {"base": base, "arrays": arrays, "blobs": blobs, "spec": spec,
           "url": lambda mirror: f"{base}/{mirror}/"}
    server.shutdown()
    server.server_close()


@pytest.fixture
def hits():
    _Handler.hits.clear()
    return _Handler.hits


@pytest.fixture
def refused():
    with socket.socket() as s:  # a port that was free a moment ago: nobody listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture
def fake_mnist(monkeypatch, served):
    """Make load_mnist(source="full") expect the generated files' checksums."""
    monkeypatch.setattr(mnist_module, "MNIST_FILES", served["spec"])
    return served


def _listing(root):
    return sorted(os.path.relpath(os.path.join(d, f), root)
                  for d, _, files in os.walk(root) for f in files)


# --- fetch: one file --------------------------------------------------------------------

def test_fetch_success_verifies_and_renames(served, tmp_path, hits):
    remote = served["spec"]["train_images"]
    path = fetch(remote, [served["url"]("good")], tmp_path / "c")
    assert path == tmp_path / "c" / remote.name
    assert path.read_bytes() == served["blobs"][remote.name]
    assert _listing(tmp_path) == ["c/" + remote.name]  # no temporary file left
    assert hits[("good", remote.name)] == 1


@pytest.mark.parametrize("bad, reason", [
    ("corrupt", "checksum mismatch: sha256 [0-9a-f]{64}, expected"),
    ("short", "wrong size: received"),
    ("drop", "truncated: received|IncompleteRead"),
    ("missing", "HTTP 404"),
])
def test_bad_mirror_falls_through_to_next(served, tmp_path, hits, bad, reason, capsys):
    remote = served["spec"]["train_images"]
    messages = []
    path = fetch(remote, [served["url"](bad), served["url"]("good")], tmp_path,
                 progress=messages.append)
    assert path.read_bytes() == served["blobs"][remote.name]
    assert hits[(bad, remote.name)] == 1 and hits[("good", remote.name)] == 1
    assert len(messages) == 2 and bad in messages[0]
    assert _listing(tmp_path) == [remote.name]
    # the same mirror alone fails with the reason in the message
    other = tmp_path / "other"
    with pytest.raises(DownloadError, match=reason):
        fetch(remote, [served["url"](bad)], other)
    assert not other.exists()


def test_truncated_file_without_known_size_fails_on_checksum(served, tmp_path):
    remote = served["spec"]["train_images"]
    unknown_size = RemoteFile(remote.name, remote.sha256)
    with pytest.raises(DownloadError, match="checksum mismatch"):
        fetch(unknown_size, [served["url"]("short")], tmp_path)
    assert _listing(tmp_path) == []


def test_refused_connection_then_good(served, tmp_path, refused):
    remote = served["spec"]["train_labels"]
    path = fetch(remote, [refused, served["url"]("good")], tmp_path)
    assert path.is_file()


def test_timeout_is_a_failure(served, tmp_path):
    remote = served["spec"]["train_labels"]
    start = time.monotonic()
    with pytest.raises(DownloadError, match="timed out"):
        fetch(remote, [served["url"]("slow")], tmp_path, timeout=0.3)
    assert time.monotonic() - start < 2.5  # gave up long before the 3 s reply
    assert _listing(tmp_path) == []


def test_all_mirrors_fail_leaves_nothing_behind(served, tmp_path, refused):
    remote = served["spec"]["train_images"]
    cache = tmp_path / "new" / "cache"
    mirrors = [served["url"]("missing"), served["url"]("corrupt"), served["url"]("drop"),
               refused]
    with pytest.raises(DownloadError) as err:
        fetch(remote, mirrors, cache, what="MNIST")
    msg = str(err.value)
    for mirror in mirrors:
        assert mirror + remote.name in msg
    assert "HTTP 404" in msg and "checksum mismatch" in msg and "cannot connect" in msg
    assert f"place it in {cache}" in msg and remote.sha256 in msg
    assert not (tmp_path / "new").exists()  # directories this call made are gone
    assert _listing(tmp_path) == []


def test_cache_hit_does_not_download(served, tmp_path, hits):
    remote = served["spec"]["test_labels"]
    fetch(remote, [served["url"]("good")], tmp_path)
    fetch(remote, [served["url"]("good")], tmp_path)
    fetch(remote, [], tmp_path)  # no mirrors needed once cached
    assert hits[("good", remote.name)] == 1


def test_wrong_cached_file_is_replaced_only_by_a_verified_one(served, tmp_path, hits):
    remote = served["spec"]["test_labels"]
    (tmp_path / remote.name).write_bytes(b"stale")
    with pytest.raises(DownloadError, match="left untouched"):
        fetch(remote, [served["url"]("corrupt")], tmp_path)
    assert (tmp_path / remote.name).read_bytes() == b"stale"
    fetch(remote, [served["url"]("good")], tmp_path)
    assert (tmp_path / remote.name).read_bytes() == served["blobs"][remote.name]


# --- load_mnist(source="full") ----------------------------------------------------------

def test_load_full_mnist(fake_mnist, tmp_path, hits, refused):
    mirrors = [refused, fake_mnist["url"]("corrupt"), fake_mnist["url"]("good")]
    x_train, y_train, x_test, y_test = load_mnist("full", cache_dir=tmp_path, mirrors=mirrors,
                                                  verbose=False)
    a = fake_mnist["arrays"]
    np.testing.assert_array_equal(x_train, a["train_images"])
    np.testing.assert_array_equal(y_test, a["test_labels"])
    assert x_train.dtype == np.uint8 and y_train.dtype == y_test.dtype == np.int64
    assert x_test.shape == (N_TEST, 28, 28)
    assert _listing(tmp_path) == sorted("mnist/" + f.name for f in fake_mnist["spec"].values())
    n = sum(hits.values())
    load_mnist("full", cache_dir=tmp_path, mirrors=mirrors, verbose=False)  # cache hit
    assert sum(hits.values()) == n


def test_env_var_moves_the_cache(fake_mnist, tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "from-env"))
    load_mnist("full", mirrors=[fake_mnist["url"]("good")], verbose=False)
    assert len(_listing(tmp_path / "from-env" / "mnist")) == 4
    # an explicit cache_dir wins over the variable
    load_mnist("full", cache_dir=tmp_path / "arg", mirrors=[fake_mnist["url"]("good")],
               verbose=False)
    assert len(_listing(tmp_path / "arg" / "mnist")) == 4


def test_data_dir_precedence(tmp_path, monkeypatch):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert data_dir() == tmp_path / "xdg" / "cnnlab"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert data_dir() == tmp_path / "home" / ".cache" / "cnnlab"
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "env"))
    assert data_dir() == tmp_path / "env"
    assert data_dir(tmp_path / "arg") == tmp_path / "arg"


def test_load_full_offline_says_what_to_do(fake_mnist, tmp_path, refused):
    with pytest.raises(DownloadError) as err:
        load_mnist("full", cache_dir=tmp_path / "c", mirrors=[refused], verbose=False)
    msg = str(err.value)
    assert refused in msg and 'source="bundled"' in msg
    assert str(tmp_path / "c" / "mnist") in msg
    assert _listing(tmp_path) == []


def test_verbose_prints_each_attempt(fake_mnist, tmp_path, capsys):
    load_mnist("full", cache_dir=tmp_path, mirrors=[fake_mnist["url"]("good")])
    out = capsys.readouterr().out
    assert out.count("MNIST: downloading http://127.0.0.1:") == 4


def test_labels_out_of_range_in_downloaded_set(served, tmp_path, monkeypatch):
    """A file whose checksum matches (a mistaken checksum table) but whose labels
    do not fit still fails clearly."""
    bad = tmp_path / "srv"
    bad.mkdir()
    labels = np.r_[np.zeros(N_TEST - 1), 12].astype(np.uint8)
    blob = write_idx(bad / "x.gz", labels).read_bytes()
    spec = dict(served["spec"])
    name = spec["test_labels"].name
    spec["test_labels"] = RemoteFile(name, hashlib.sha256(blob).hexdigest())
    monkeypatch.setattr(mnist_module, "MNIST_FILES", spec)
    cache = tmp_path / "cache" / "mnist"
    cache.mkdir(parents=True)
    (cache / name).write_bytes(blob)
    with pytest.raises(IDXFormatError, match="labels must be 0 to 9, found 0 to 12"):
        load_mnist("full", cache_dir=tmp_path / "cache", mirrors=[served["url"]("good")],
                   verbose=False)
