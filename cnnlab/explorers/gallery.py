"""One default instance of every explorer (used by the tests and handy for a demo page)."""

from __future__ import annotations

from typing import Callable

__all__ = ["EXPLORERS", "default_explorers"]


def _sliding():
    from .sliding import SlidingFilter

    return SlidingFilter()


def _fc():
    from .fc_vs_conv import FCvsConv

    return FCvsConv()


#: name -> factory of a default instance
EXPLORERS: dict[str, Callable] = {
    "SlidingFilter": _sliding,
    "FCvsConv": _fc,
}


def default_explorers() -> dict:
    """``{name: explorer}`` with every explorer built with its defaults."""
    return {name: make() for name, make in EXPLORERS.items()}
