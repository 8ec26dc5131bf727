"""What both pads share: their static files, label checks and element ids."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

_STATIC = Path(__file__).with_name("static")
_shown: dict[str, int] = {}


@lru_cache(maxsize=None)
def static_text(name: str) -> str:
    """The text of ``static/<name>`` (a script or stylesheet written for the pads)."""
    return (_STATIC / name).read_text(encoding="utf-8")


def merged_labels(labels: dict | None, defaults: dict) -> dict:
    """``defaults`` with ``labels`` (a translation) put in; unknown keys are an error."""
    unknown = sorted(set(labels or {}) - set(defaults))
    if unknown:
        raise ValueError(f"labels: unknown keys {unknown}; the keys are {sorted(defaults)}")
    return {**defaults, **(labels or {})}


def element_id(prefix: str, data: str) -> str:
    """A deterministic id: a hash of the pad's data plus how often it was shown."""
    digest = hashlib.sha1(data.encode()).hexdigest()[:10]
    _shown[digest] = _shown.get(digest, 0) + 1
    return f"{prefix}-{digest}-{_shown[digest]}"
