"""Interactive explorers: live ipywidgets in Jupyter, self-contained HTML in the book.

Each explorer is an object a notebook cell displays (last expression). Its mime
bundle carries the ipywidgets view (kernel) and a static HTML view (every state
pre-rendered and stored compactly, switched by ``static/explorer.js``; no
kernel, no network); the book's ``nb_mime_priority_overrides`` picks the HTML.
Every number shown is computed by cnnlab's own functions; ``draw`` holds the
layout helpers (grids, rows, a line chart, bars) every explorer draws with.

====================  ===================================================  ==================
Explorer              What                                                 Lecture
====================  ===================================================  ==================
SlidingFilter         filter sliding over an input; L, F, S, P             2.4, 3.1–3.4, 3.9
FCvsConv              4×4 “■■” task: 9×16 matrix vs one 2×2 filter         2.3, 2.4
ParticipationCounts   how often each input pixel is used                   2.9
ReceptiveField        the receptive field of a unit through a stack        2.5, 3.6
SensitivityMap        δ back through a convolution, weight gradient        3.8–3.13
Pooling               max / mean / Gaussian / trainable, δ going back      2.7, 3.14
VisualSystem          DoG and Gabor cells, orientation tuning, Mach bands  1.1–1.4
InsideLeNet           feature maps and filters of a LeNet-5                5
====================  ===================================================  ==================
"""

from .base import Control, Explorer, LiveView
from .fc_vs_conv import FCvsConv
from .lenet import InsideLeNet
from .pooling import Pooling
from .receptive import ParticipationCounts, ReceptiveField
from .sensitivity import SensitivityMap
from .sliding import SlidingFilter
from .visual import VisualSystem

__all__ = ["Control", "Explorer", "LiveView", "SlidingFilter", "FCvsConv", "ParticipationCounts", "ReceptiveField",
           "SensitivityMap", "Pooling", "VisualSystem", "InsideLeNet"]
