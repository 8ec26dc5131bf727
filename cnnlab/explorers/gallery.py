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


def _counts():
    from .receptive import ReceptiveField

    return ReceptiveField(view="counts")


def _stack():
    from .receptive import ReceptiveField

    return ReceptiveField(view="stack")


def _sensitivity():
    from .sensitivity import SensitivityMap

    return SensitivityMap()


def _pooling():
    from .pooling import Pooling

    return Pooling()


def _visual():
    from .visual import VisualSystem

    return VisualSystem()


def _lenet():
    from .lenet import InsideLeNet

    return InsideLeNet()


#: name -> factory of a default instance
EXPLORERS: dict[str, Callable] = {
    "SlidingFilter": _sliding,
    "FCvsConv": _fc,
    "ReceptiveField-counts": _counts,
    "ReceptiveField-stack": _stack,
    "SensitivityMap": _sensitivity,
    "Pooling": _pooling,
    "VisualSystem": _visual,
    "InsideLeNet": _lenet,
}


def default_explorers() -> dict:
    """``{name: explorer}`` with every explorer built with its defaults."""
    return {name: make() for name, make in EXPLORERS.items()}
