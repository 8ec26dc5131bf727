"""Read and write IDX files, the format MNIST and Fashion-MNIST are published in.

An IDX file (LeCun, Cortes & Burges, http://yann.lecun.com/exdb/mnist/) is

==========  ================================================================
bytes 0–1   ``0x00 0x00``
byte 2      data type code: ``0x08`` uint8, ``0x09`` int8, ``0x0B`` int16,
            ``0x0C`` int32, ``0x0D`` float32, ``0x0E`` float64
byte 3      number of dimensions ``ndim`` (1 for labels, 3 for images)
then        ``ndim`` sizes, each a big-endian unsigned 32-bit integer
then        the values, big-endian, C order (last index fastest):
            exactly ``prod(sizes) · itemsize`` bytes
==========  ================================================================

So ``train-images-idx3-ubyte`` starts ``00 00 08 03 | 00 00 EA 60 | 00 00 00 1C
| 00 00 00 1C``: uint8, 3 dimensions, 60000 × 28 × 28. The files are usually
distributed gzip-compressed (``.gz``); :func:`read_idx` accepts both.

Every check failure raises :class:`IDXFormatError` (a ``ValueError``) naming the
file and saying what was expected and what was found.
"""

from __future__ import annotations

import gzip
import io
import os
import struct
import zlib
from pathlib import Path

import numpy as np

__all__ = ["IDXFormatError", "IDX_DTYPES", "parse_idx", "read_idx", "read_idx_bytes", "write_idx"]

#: IDX type code -> NumPy dtype (big-endian, as stored in the file).
IDX_DTYPES = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}

_GZIP_MAGIC = b"\x1f\x8b"
_MAX_NDIM = 16  # the format allows 255; nothing real has more than a handful


class IDXFormatError(ValueError):
    """An IDX file (or its gzip wrapper) is truncated, corrupt or not IDX at all."""


def _fail(path, message):
    raise IDXFormatError(f"{path}: {message}")


def _describe_start(data: bytes) -> str:
    shown = " ".join(f"0x{b:02x}" for b in data[:4])
    if data[:1] == b"<" or data[:9].lower().startswith(b"<!doctype"):
        return f"{shown} (it looks like an HTML page — an error page saved by a failed download?)"
    return shown


def _declared_size(head: bytes) -> int | None:
    """Header plus payload bytes an IDX header declares, or None if ``head`` is not a whole valid header."""
    if len(head) < 4 or head[0] != 0 or head[1] != 0 or head[2] not in IDX_DTYPES or not 1 <= head[3] <= _MAX_NDIM:
        return None
    header = 4 + 4 * head[3]
    if len(head) < header:
        return None
    dims = struct.unpack(f">{head[3]}I", head[4:header])
    return header + int(np.prod(dims, dtype=object)) * IDX_DTYPES[head[2]].itemsize


#: Most decompressed bytes read (and dropped, 1 MiB at a time) just to check a gzip stream whose
#: content is not IDX: enough for MNIST-sized files, bounded for anything else.
_DRAIN_LIMIT = 64 << 20


def _drain(stream) -> None:
    for _ in range(_DRAIN_LIMIT >> 20):
        if not stream.read(1 << 20):
            return


def _decompress(path, raw: bytes) -> bytes:
    """Decompress gzip ``raw``, never more than the IDX header inside declares (plus one byte).

    A small file that inflates to gigabytes (a "gzip bomb", or a corrupt header)
    is rejected after reading one byte past the declared size."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
            head = stream.read(4)
            if len(head) == 4 and 1 <= head[3] <= _MAX_NDIM:
                head += stream.read(4 * head[3])
            size = _declared_size(head)
            if size is None:  # not a valid header: parse_idx says what is wrong with it, after a
                _drain(stream)  # bounded check that the gzip stream itself is whole
                return head
            data = head + stream.read(size - len(head) + 1)
    except EOFError as exc:  # stream ends before its end-of-stream marker
        _fail(path, f"truncated gzip stream ({len(raw):,} compressed bytes; {exc})")
    except (OSError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        _fail(path, f"corrupt gzip data ({len(raw):,} compressed bytes; {exc})")
    if len(data) > size:
        _fail(path, f"trailing bytes after the payload: the header declares {size - len(head):,} payload bytes "
                    f"after the {len(head)}-byte header, and the gzip stream holds more (reading stopped there: "
                    "a wrong header, or a file made to inflate without end)")
    return data


def parse_idx(data: bytes, path="<bytes>") -> np.ndarray:
    """Parse uncompressed IDX ``data`` (checks as :func:`read_idx`; ``path`` names it in errors)."""
    if len(data) < 4:
        _fail(path, f"{len(data)} bytes: too short for the 4-byte IDX magic number")
    if data[0] != 0 or data[1] != 0:
        _fail(path, "not an IDX file: the magic number must start with 0x00 0x00, "
                    f"found {_describe_start(data)}")
    code, ndim = data[2], data[3]
    if code not in IDX_DTYPES:
        known = ", ".join(f"0x{c:02X} {d.name}" for c, d in IDX_DTYPES.items())
        _fail(path, f"unknown IDX data type code 0x{code:02X} in the magic number "
                    f"(byte 2); known codes: {known}")
    if not 1 <= ndim <= _MAX_NDIM:
        _fail(path, f"bad number of dimensions {ndim} in the magic number (byte 3); "
                    f"expected 1 to {_MAX_NDIM}")
    header = 4 + 4 * ndim
    if len(data) < header:
        _fail(path, f"truncated header: {ndim} dimensions need {header} header bytes, "
                    f"the file has {len(data)}")
    dims = struct.unpack(f">{ndim}I", data[4:header])
    dtype = IDX_DTYPES[code]
    expected = int(np.prod(dims, dtype=object)) * dtype.itemsize
    found = len(data) - header
    if found != expected:
        what = "truncated payload" if found < expected else "trailing bytes after the payload"
        _fail(path, f"{what}: the header declares shape {dims} of {dtype.name} "
                    f"= {expected:,} payload bytes after the {header}-byte header, "
                    f"found {found:,}")
    # astype: big-endian -> native order; always a fresh, writable array.
    out = np.frombuffer(data, dtype=dtype, offset=header).reshape(dims)
    return out.astype(dtype.newbyteorder("="), copy=True)


def read_idx(path) -> np.ndarray:
    """Read an IDX file, gzip-compressed or raw, into a NumPy array.

    Parameters
    ----------
    path : str or os.PathLike
        The file. Compression is detected from its first two bytes (the gzip
        magic ``1f 8b``), not from its name.

    Returns
    -------
    numpy.ndarray
        Shape as declared in the header (e.g. ``(60000, 28, 28)`` for MNIST's
        training images), dtype from the type code in native byte order
        (uint8 for MNIST).

    Raises
    ------
    IDXFormatError
        Bad gzip stream, wrong magic number, unknown type code, bad number of
        dimensions, or a payload whose length differs from what the header
        declares (truncated file or trailing bytes); the message names the
        file and gives the expected and found sizes.
    FileNotFoundError
        The file does not exist.
    """
    path = Path(os.fspath(path))
    return parse_idx(read_idx_bytes(path), path)


def read_idx_bytes(path) -> bytes:
    """The IDX bytes of ``path``: decompressed if it is gzip, as they are otherwise.

    Raises :class:`IDXFormatError` for a truncated or corrupt gzip stream."""
    raw = Path(os.fspath(path)).read_bytes()
    return _decompress(path, raw) if raw[:2] == _GZIP_MAGIC else raw


def write_idx(path, array, compress=None) -> Path:
    """Write ``array`` as an IDX file (the inverse of :func:`read_idx`).

    Parameters
    ----------
    path : str or os.PathLike
        Destination.
    array : array_like
        Any shape with 1 to 16 dimensions, dtype one of uint8, int8, int16,
        int32, float32, float64.
    compress : bool, optional
        gzip the file. Default: when the name ends with ``.gz``. The gzip
        header's time stamp is 0, so equal arrays give equal bytes.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    path = Path(os.fspath(path))
    array = np.asarray(array)
    codes = {d.newbyteorder("="): c for c, d in IDX_DTYPES.items()}
    dtype = array.dtype.newbyteorder("=")
    if dtype not in codes:
        raise TypeError(f"IDX cannot store dtype {array.dtype}; use one of "
                        + ", ".join(d.name for d in IDX_DTYPES.values()))
    if not 1 <= array.ndim <= _MAX_NDIM:
        raise ValueError(f"IDX stores 1 to {_MAX_NDIM} dimensions, got shape {array.shape}")
    code = codes[dtype]
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    payload = np.ascontiguousarray(array, dtype=IDX_DTYPES[code]).tobytes()
    data = header + payload
    if compress is None:
        compress = path.suffix == ".gz"
    if compress:
        data = gzip.compress(data, compresslevel=9, mtime=0)
    path.write_bytes(data)
    return path
