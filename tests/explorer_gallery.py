"""One default instance of every explorer, as the chapters show them (the explorer tests use it)."""

from __future__ import annotations

from cnnlab.explorers import (FCvsConv, InsideLeNet, ParticipationCounts, Pooling, ReceptiveField, SensitivityMap,
                              SlidingFilter, VisualSystem)

__all__ = ["EXPLORERS"]

#: name -> factory of a default instance
EXPLORERS = {
    "SlidingFilter": SlidingFilter,
    "FCvsConv": FCvsConv,
    "ParticipationCounts": ParticipationCounts,
    "ReceptiveField": ReceptiveField,
    "SensitivityMap": SensitivityMap,
    "Pooling": Pooling,
    "VisualSystem": VisualSystem,
    "InsideLeNet": InsideLeNet,
}
