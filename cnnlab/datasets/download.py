"""Download a file from a list of mirrors into a cache, verified by SHA-256.

The rules (why each is there):

* Mirrors are tried in order; a mirror that fails (HTTP error, refused
  connection, timeout, a truncated body, a checksum mismatch) is recorded and
  the next one is tried.
* The body is written to a temporary file *in the destination directory* and
  renamed with :func:`os.replace` only after its SHA-256 matched — so the
  cache never holds a half-written or wrong file under the real name, even if
  the process is killed mid-download (a killed process may leave a
  ``.NAME.*.part`` file behind; it is never read and can be deleted).
* A cached file is used only if its SHA-256 matches (a cache hit costs one
  hash, no network).
* When every mirror failed, the temporary file is gone, a cache directory this
  call created is removed again, and :class:`DownloadError` lists every mirror
  with its reason and says what to do instead.

* Every download has a total deadline (``deadline`` seconds per file and
  mirror), not only a timeout per read: a server that trickles a byte a second
  is abandoned like one that never answers.
* A cache directory that cannot be created or written gives
  :class:`DownloadError` saying which directory and what to do instead.

Standard library only (``urllib``), with a timeout on every connection.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DATA_DIR_ENV", "DEFAULT_TIMEOUT", "DEFAULT_DEADLINE", "DownloadError", "RemoteFile",
           "data_dir", "fetch", "sha256_of"]

#: Environment variable that moves the cache (``~/.cache/cnnlab`` otherwise).
DATA_DIR_ENV = "CNNLAB_DATA_DIR"
#: Seconds to wait for a connection or for the next block of data.
DEFAULT_TIMEOUT = 30.0
#: Seconds one file may take from one mirror, all reads together (30 MB at 25 kB/s).
DEFAULT_DEADLINE = 1200.0
_BLOCK = 1 << 20


class DownloadError(RuntimeError):
    """No mirror delivered a file with the expected checksum."""


@dataclass(frozen=True)
class RemoteFile:
    """A file as published: name on the mirrors, SHA-256 and size of those bytes.

    ``raw_sha256`` is the SHA-256 of the *decompressed* content, used to check
    copies that were recompressed on the way (Debian's package, for one).
    """

    name: str
    sha256: str
    size: int | None = None
    raw_sha256: str | None = None


def data_dir(cache_dir=None) -> Path:
    """The cache directory: ``cache_dir`` if given, else ``$CNNLAB_DATA_DIR``,
    else ``$XDG_CACHE_HOME/cnnlab``, else ``~/.cache/cnnlab``. Not created here."""
    if cache_dir is not None:
        return Path(os.fspath(cache_dir)).expanduser()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "cnnlab"


def sha256_of(path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def _join(mirror: str, name: str) -> str:
    return mirror if mirror.endswith(name) else mirror.rstrip("/") + "/" + name


def _download_to(url, fh, remote: RemoteFile, timeout, deadline) -> str:
    """Stream ``url`` into the open file ``fh``; return its SHA-256 or raise OSError/ValueError.

    ``read1`` returns whatever has arrived (it does not wait for a whole block),
    so the deadline is checked at least once per ``timeout``."""
    digest = hashlib.sha256()
    received = 0
    stop = time.monotonic() + deadline
    request = urllib.request.Request(url, headers={"User-Agent": "cnnlab"})
    with urllib.request.urlopen(request, timeout=min(timeout, deadline)) as response:
        announced = response.headers.get("Content-Length")
        announced = int(announced) if announced and announced.isdigit() else None
        limit = remote.size if remote.size is not None else announced
        for block in iter(lambda: response.read1(_BLOCK), b""):
            if time.monotonic() > stop:
                raise TimeoutError(f"deadline of {deadline:g} s passed after {received + len(block):,} bytes "
                                   "(the server sends too slowly)")
            received += len(block)
            if limit is not None and received > limit:
                raise ValueError(f"more than the expected {limit:,} bytes")
            digest.update(block)
            fh.write(block)
    if announced is not None and received != announced:
        raise ValueError(f"truncated: received {received:,} of {announced:,} bytes")
    if remote.size is not None and received != remote.size:
        raise ValueError(f"wrong size: received {received:,} bytes, expected {remote.size:,}")
    return digest.hexdigest()


def _makedirs(directory: Path) -> list[Path]:
    """Create ``directory`` and return the directories that did not exist (deepest last)."""
    created = []
    probe = directory
    while not probe.exists():
        created.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    directory.mkdir(parents=True, exist_ok=True)
    return created[::-1]


def _remove_if_empty(dirs: list[Path]) -> None:
    for d in reversed(dirs):
        try:
            d.rmdir()
        except OSError:
            break


def _cache_error(directory: Path, exc: OSError, remote: RemoteFile) -> DownloadError:
    return DownloadError(
        f"cannot write to the cache directory {directory} ({type(exc).__name__}: {exc}).\n"
        f"What to do: point ${DATA_DIR_ENV} (or cache_dir=) at a directory you can write, e.g. "
        f"/tmp/cnnlab-data, or place {remote.name} (sha256 {remote.sha256}) there yourself."
    )


def fetch(remote: RemoteFile, mirrors, directory, timeout=DEFAULT_TIMEOUT,
          what="", progress=None, deadline=DEFAULT_DEADLINE) -> Path:
    """Return ``directory/remote.name``, downloading and verifying it if needed.

    Parameters
    ----------
    remote : RemoteFile
        Name and expected SHA-256 (and size, if known) of the file.
    mirrors : sequence of str
        Base URLs (``https://host/path/``); the file name is appended.
    directory : path
        Where the verified file is kept. Created if missing.
    timeout : float
        Seconds per connection attempt / read.
    what : str
        Data set name for messages ("MNIST").
    progress : callable, optional
        Called with a one-line message before each download attempt.
    deadline : float, default DEFAULT_DEADLINE
        Seconds one mirror may take for the whole file; a slower one counts as failed.

    Raises
    ------
    DownloadError
        Every mirror failed, or ``directory`` cannot be created or written.
        Nothing is left behind: no temporary file, and no directory this call created.
    """
    directory = Path(os.fspath(directory))
    target = directory / remote.name
    stale = None
    if target.is_file():
        found = sha256_of(target)
        if found == remote.sha256:
            return target
        stale = found
    if not mirrors:
        raise DownloadError(f"no mirrors given to download {remote.name}")
    try:
        created = _makedirs(directory)
    except OSError as exc:
        raise _cache_error(directory, exc, remote) from None
    failures = []
    for mirror in mirrors:
        url = _join(mirror, remote.name)
        if progress is not None:
            progress(f"downloading {url}")
        try:
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{remote.name}.", suffix=".part")
        except OSError as exc:
            _remove_if_empty(created)
            raise _cache_error(directory, exc, remote) from None
        try:
            with os.fdopen(fd, "wb") as fh:
                found = _download_to(url, fh, remote, timeout, deadline)
            if found != remote.sha256:
                raise ValueError(f"checksum mismatch: sha256 {found}, expected {remote.sha256}")
            os.replace(tmp, target)
            return target
        except urllib.error.HTTPError as exc:
            failures.append((url, f"HTTP {exc.code} {exc.reason}"))
        except urllib.error.URLError as exc:
            failures.append((url, f"cannot connect ({exc.reason})"))
        except (OSError, http.client.HTTPException) as exc:  # timeouts, resets, bad replies
            failures.append((url, f"{type(exc).__name__}: {exc}"))
        except ValueError as exc:  # size or checksum
            failures.append((url, str(exc)))
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    _remove_if_empty(created)
    tried = "\n".join(f"  - {url}: {reason}" for url, reason in failures)
    stale_note = (f"\nThe existing {target} has sha256 {stale} (not the published one); "
                  "it was left untouched." if stale else "")
    label = f"{what} file " if what else ""
    raise DownloadError(
        f"could not download {label}{remote.name}; every mirror failed:\n{tried}\n"
        f"Nothing was written to {directory}.{stale_note}\n"
        f"What to do: check the network (or a proxy: urllib honours https_proxy), "
        f"or download {remote.name} yourself and place it in {directory} "
        f"(it must have sha256 {remote.sha256}), or point ${DATA_DIR_ENV} at a "
        f"directory that already holds it."
    )
