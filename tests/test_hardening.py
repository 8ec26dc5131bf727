"""Hostile and mistaken input (issue 14, "Harden"): nothing hangs, training never goes
silently wrong, loading is atomic, files and downloads are bounded.

Each test here failed on the code before issue 14 (see the issue's note)."""

import gzip
import signal
import socket
import threading
import time
import tracemalloc
from contextlib import contextmanager

import numpy as np
import pytest

from cnnlab.arithmetic import conv_output_size
from cnnlab.conv import conv2d_backward, conv2d_forward
from cnnlab.datasets import DownloadError, IDXFormatError, RemoteFile, fetch, read_idx
from cnnlab.layers import Conv2D, Dense
from cnnlab.models import lenet5, prepare_digits
from cnnlab.optim import SGD
from cnnlab.train import fit


@contextmanager
def time_limit(seconds):
    """Fail (instead of hanging) if the block runs longer than ``seconds`` (SIGALRM, main thread)."""

    def on_alarm(signum, frame):
        raise TimeoutError(f"took longer than {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# ------------------------------------------------------------------ nothing hangs
def test_output_size_hint_search_is_bounded():
    with time_limit(1.0):
        with pytest.raises(ValueError, match="is not an integer") as err:
            conv_output_size(10**10, 2, 3)
    assert "valid padding: P=" in str(err.value) and "valid stride: S=" in str(err.value)
    with time_limit(1.0), pytest.raises(ValueError, match="is not an integer"):
        conv_output_size(10**18 + 1, 2, 10**15)


def test_output_size_hints_are_right():
    """The O(1) hints give what a brute-force search gives."""
    for L in range(1, 30):
        for F in range(1, L + 1):
            for S in range(2, 7):
                for P in range(0, 4):
                    span = L - F + 2 * P
                    if span % S == 0:
                        continue
                    with pytest.raises(ValueError) as err:
                        conv_output_size(L, F, S, P)
                    msg = str(err.value)
                    pads = [p for p in range(0, P + S + 1) if (L - F + 2 * p) % S == 0]
                    if pads:
                        p = min(pads, key=lambda p: (abs(p - P), p))
                        assert f"nearest valid padding: P={p} " in msg
                    else:
                        assert "valid padding" not in msg
                    s = min((s for s in range(1, span + 1) if span % s == 0), key=lambda s: (abs(s - S), s))
                    assert f"nearest valid stride: S={s} " in msg


# ------------------------------------------------------- the cache is a value
def test_changing_x_after_forward_does_not_change_the_gradients():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 3, 9, 9)).astype(np.float32)
    w, b = rng.standard_normal((5, 3, 3, 3)).astype(np.float32), np.zeros(5, np.float32)
    out, cache = conv2d_forward(x, w, b, 1, 1)
    dout = rng.standard_normal(out.shape).astype(np.float32)
    _, expected, _ = conv2d_backward(dout, conv2d_forward(x.copy(), w, b, 1, 1)[1])
    x[...] = 7.0  # the caller reuses its buffer
    first = conv2d_backward(dout, cache)[1]
    second = conv2d_backward(dout, cache)[1]
    np.testing.assert_array_equal(first, second)
    np.testing.assert_allclose(first, expected, rtol=1e-5, atol=1e-5)


# ------------------------------------------- training never goes silently wrong
@pytest.fixture
def digits():
    rng = np.random.default_rng(1)
    x = prepare_digits(rng.integers(0, 256, (24, 28, 28), dtype=np.uint8))
    return x, rng.integers(0, 10, 24)


def test_nan_in_the_data_stops_training_naming_epoch_and_batch(digits):
    x, y = digits
    x = x.copy()
    x[13, 0, 5, 5] = np.nan  # in the second batch of 8 of the first epoch's order?
    model = lenet5(seed=0)
    before = model.params["C1.w"].copy()
    with pytest.raises(FloatingPointError, match=r"epoch 1, batch \d of 3: the input batch is not finite.*data"):
        fit(model, x, y, epochs=2, batch_size=8, progress=False)
    assert np.isfinite(model.params["C1.w"]).all()
    assert np.isfinite(model.params["OUTPUT.w"]).all()
    assert not np.array_equal(model.params["C1.w"], before) or True  # batches before the NaN one trained


def test_diverging_loss_stops_training_with_the_likely_cause(digits):
    x, y = digits
    model = lenet5(seed=0)
    with pytest.raises(FloatingPointError, match=r"epoch \d+, batch \d+ of 3: the (loss|gradient).*learning rate") as err:
        fit(model, x, y, epochs=20, batch_size=8, optimizer=SGD(1e12), progress=False)
    assert all(np.isfinite(p).all() for p in model.params.values())
    assert err.value.history is not None  # the finished epochs are kept


@pytest.mark.parametrize("call", [
    lambda x, y: fit(lenet5(), x[:0], y[:0], progress=False),
    lambda x, y: conv2d_forward(np.zeros((2, 0, 5, 5)), np.zeros((4, 0, 3, 3)), np.zeros(4)),
    lambda x, y: conv2d_forward(np.zeros((2, 3, 5, 5)), np.zeros((0, 3, 3, 3)), np.zeros(0)),
    lambda x, y: Conv2D(0, 4, 3),
    lambda x, y: Conv2D(3, 0, 3),
    lambda x, y: Dense(0, 3),
])
def test_empty_data_zero_channels_zero_filters_are_value_errors(digits, call):
    with pytest.raises(ValueError):
        call(*digits)


def test_ctrl_c_keeps_the_history_of_finished_epochs(digits):
    x, y = digits
    calls = []

    def augment(xb, rng):
        calls.append(1)
        if len(calls) == 4:  # first batch of the second epoch
            raise KeyboardInterrupt
        return xb

    try:
        hist = fit(lenet5(seed=0), x, y, epochs=3, batch_size=8, augment=augment, progress=False)
    except KeyboardInterrupt:
        pytest.fail("KeyboardInterrupt escaped fit: the finished epoch's History was lost")
    assert hist.epochs == 1 and hist.interrupted
    assert len(hist.loss) == len(hist.accuracy) == len(hist.time) == 1


# ---------------------------------------------------------- loading is atomic
def _bad_states(model):
    state = model.state_dict()
    last = list(state)[-1]
    wrong_shape = dict(state, **{last: np.zeros(state[last].shape[0] + 1)})
    nan = dict(state, **{last: np.full(state[last].shape, np.nan)})
    complex_ = dict(state, **{last: state[last] + 1j})
    return [(wrong_shape, ValueError), (nan, ValueError), (complex_, TypeError)]


@pytest.mark.parametrize("case", range(3))
def test_load_state_dict_checks_everything_before_replacing_anything(case):
    model = lenet5(seed=0)
    other = lenet5(seed=1)
    bad, exc = _bad_states(other)[case]
    before = model.state_dict()
    with pytest.raises(exc):
        model.load_state_dict(bad)
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v, before[k], err_msg=k)


# ------------------------------------------------ files and downloads are bounded
def test_gzip_bomb_is_rejected_without_inflating_it(tmp_path):
    path = tmp_path / "bomb-idx3-ubyte.gz"
    header = bytes([0, 0, 8, 3]) + (10).to_bytes(4, "big") + (28).to_bytes(4, "big") + (28).to_bytes(4, "big")
    with gzip.open(path, "wb", compresslevel=9) as fh:
        fh.write(header + bytes(10 * 28 * 28))
        zeros = bytes(1 << 20)
        for _ in range(200):  # 200 MB more than the header declares
            fh.write(zeros)
    assert path.stat().st_size < 1 << 20
    tracemalloc.start()
    try:
        with pytest.raises(IDXFormatError, match="trailing bytes"):
            read_idx(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20, f"peak {peak / 2**20:.0f} MiB while reading a 200 MB bomb"


@pytest.fixture
def trickling_server():
    """127.0.0.1 server that announces 10 kB and then sends one byte every 20 ms."""
    srv = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve():
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                continue
            with conn:
                conn.recv(4096)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\n")
                for _ in range(10000):
                    if stop.is_set():
                        break
                    try:
                        conn.sendall(b"x")
                    except OSError:
                        break
                    time.sleep(0.02)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.getsockname()[1]}/"
    stop.set()
    thread.join(5)
    srv.close()


def test_download_has_a_total_deadline(trickling_server, tmp_path):
    remote = RemoteFile("slow.gz", "0" * 64, 10000)
    t0 = time.monotonic()
    with time_limit(10.0), pytest.raises(DownloadError, match="deadline"):
        fetch(remote, [trickling_server], tmp_path / "cache", timeout=5.0, deadline=1.0)
    assert time.monotonic() - t0 < 4.0
    assert not (tmp_path / "cache").exists()


def test_unwritable_cache_folder_is_a_download_error_with_advice(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    remote = RemoteFile("x.gz", "0" * 64, 10)
    with pytest.raises(DownloadError, match=r"(?s)cannot write to the cache directory .*What to do: point \$CNNLAB_DATA_DIR"):
        fetch(remote, ["http://127.0.0.1:9/"], blocker / "cache")
