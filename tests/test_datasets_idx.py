"""IDX reader/writer: round trips and clear errors for every kind of bad file."""

import gzip
import struct

import numpy as np
import pytest

from cnnlab.datasets import IDXFormatError, read_idx, write_idx

DTYPES = ["uint8", "int8", "int16", "int32", "float32", "float64"]


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gzip"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_round_trip(tmp_path, dtype, compress):
    rng = np.random.default_rng(0)
    array = (rng.standard_normal((3, 5, 4)) * 100).astype(dtype)
    path = write_idx(tmp_path / ("a.idx.gz" if compress else "a.idx"), array)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == compress
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype) and back.dtype.isnative
    assert back.flags.writeable
    np.testing.assert_array_equal(back, array)


def test_header_bytes_are_mnist_layout(tmp_path):
    path = write_idx(tmp_path / "img", np.zeros((2, 28, 28), np.uint8))
    data = path.read_bytes()
    assert data[:16] == bytes.fromhex("00000803" "00000002" "0000001c" "0000001c")
    assert len(data) == 16 + 2 * 784


def test_compress_detected_from_content_not_name(tmp_path):
    labels = np.arange(10, dtype=np.uint8)
    path = write_idx(tmp_path / "labels.idx", labels, compress=True)
    np.testing.assert_array_equal(read_idx(path), labels)


def test_gzip_is_deterministic(tmp_path):
    a = write_idx(tmp_path / "a.gz", np.arange(100, dtype=np.int32)).read_bytes()
    b = write_idx(tmp_path / "b.gz", np.arange(100, dtype=np.int32)).read_bytes()
    assert a == b


def test_big_endian_on_disk(tmp_path):
    path = write_idx(tmp_path / "x", np.array([1, 256], dtype=np.int32))
    assert path.read_bytes()[8:] == b"\x00\x00\x00\x01\x00\x00\x01\x00"


def _write(tmp_path, data, name="bad.idx", compress=False):
    path = tmp_path / name
    path.write_bytes(gzip.compress(data, mtime=0) if compress else data)
    return path


def _good(shape=(4, 3), code=0x08, itemsize=1):
    header = bytes([0, 0, code, len(shape)]) + struct.pack(f">{len(shape)}I", *shape)
    return header + bytes(int(np.prod(shape)) * itemsize)


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gzip"])
def test_bad_magic_names_file_and_bytes(tmp_path, compress):
    path = _write(tmp_path, b"\x01\x02" + _good()[2:], compress=compress)
    with pytest.raises(IDXFormatError, match=r"bad\.idx: not an IDX file.*0x01 0x02"):
        read_idx(path)


def test_html_error_page_is_recognised(tmp_path):
    path = _write(tmp_path, b"<!DOCTYPE html><html>404 Not Found</html>")
    with pytest.raises(IDXFormatError, match="HTML page"):
        read_idx(path)


def test_unknown_type_code(tmp_path):
    path = _write(tmp_path, _good(code=0x0A))
    with pytest.raises(IDXFormatError, match=r"unknown IDX data type code 0x0A.*0x08 uint8"):
        read_idx(path)


@pytest.mark.parametrize("ndim", [0, 200])
def test_bad_number_of_dimensions(tmp_path, ndim):
    path = _write(tmp_path, bytes([0, 0, 8, ndim]) + bytes(64))
    with pytest.raises(IDXFormatError, match=f"bad number of dimensions {ndim}"):
        read_idx(path)


def test_too_short_for_magic(tmp_path):
    with pytest.raises(IDXFormatError, match="2 bytes: too short"):
        read_idx(_write(tmp_path, b"\x00\x00"))
    with pytest.raises(IDXFormatError, match="0 bytes"):
        read_idx(_write(tmp_path, b""))


def test_truncated_header(tmp_path):
    data = _good(shape=(60000, 28, 28))[:10]
    with pytest.raises(IDXFormatError, match="truncated header: 3 dimensions need 16 header "
                                             "bytes, the file has 10"):
        read_idx(_write(tmp_path, data))


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gzip"])
def test_truncated_payload_gives_expected_and_found(tmp_path, compress):
    data = _good(shape=(60000, 28, 28))[:16 + 1000]
    with pytest.raises(IDXFormatError) as err:
        read_idx(_write(tmp_path, data, compress=compress))
    msg = str(err.value)
    assert "bad.idx" in msg and "truncated payload" in msg
    assert "(60000, 28, 28)" in msg and "47,040,000" in msg and "found 1,000" in msg


def test_bad_dims_do_not_match_payload(tmp_path):
    # dims claim 5 × 5 int32 = 100 bytes, payload holds 12 × 4 = 48
    data = bytes([0, 0, 0x0C, 2]) + struct.pack(">2I", 5, 5) + bytes(48)
    with pytest.raises(IDXFormatError, match=r"shape \(5, 5\) of int32 = 100 payload bytes.*found 48"):
        read_idx(_write(tmp_path, data))


def test_huge_dims_do_not_overflow(tmp_path):
    data = bytes([0, 0, 0x0E, 3]) + struct.pack(">3I", 2**32 - 1, 2**32 - 1, 2**32 - 1) + bytes(8)
    with pytest.raises(IDXFormatError, match="truncated payload"):
        read_idx(_write(tmp_path, data))


def test_trailing_bytes(tmp_path):
    with pytest.raises(IDXFormatError, match="trailing bytes after the payload.*found 13"):
        read_idx(_write(tmp_path, _good() + b"\x00"))


def test_truncated_gzip_stream(tmp_path):
    blob = gzip.compress(np.random.default_rng(1).bytes(5000) + _good(), mtime=0)
    path = tmp_path / "cut.gz"
    path.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(IDXFormatError, match=r"cut\.gz: truncated gzip stream"):
        read_idx(path)


def test_corrupt_gzip_crc(tmp_path):
    blob = bytearray(gzip.compress(_good(shape=(100,)), mtime=0))
    blob[-6] ^= 0xFF  # inside the CRC-32 trailer
    path = tmp_path / "crc.gz"
    path.write_bytes(bytes(blob))
    with pytest.raises(IDXFormatError, match=r"crc\.gz: corrupt gzip data"):
        read_idx(path)


def test_errors_are_value_errors(tmp_path):
    assert issubclass(IDXFormatError, ValueError)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_idx(tmp_path / "nope.gz")


def test_write_rejects_unsupported(tmp_path):
    with pytest.raises(TypeError, match="cannot store dtype uint16"):
        write_idx(tmp_path / "x", np.zeros(3, np.uint16))
    with pytest.raises(ValueError, match="1 to 16 dimensions"):
        write_idx(tmp_path / "x", np.float32(1.0))
