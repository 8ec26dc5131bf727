"""Interactive explorers: live ipywidgets in Jupyter, self-contained HTML in the book.

Each explorer is an object a notebook cell displays (last expression). Its mime
bundle carries the ipywidgets view (kernel) and a static HTML view (every state
pre-rendered, switched by ``static/explorer.js``; no kernel, no network); the
book's ``nb_mime_priority_overrides`` picks the HTML.

==================  ===========================================  ================
Explorer            What                                         Lecture
==================  ===========================================  ================
SlidingFilter       filter sliding over an input, L, F, S, P     2.4, 3.1–3.4, 3.9
FCvsConv            4×4 “■■” task: 9×16 matrix vs 2×2 filter    2.3, 2.4
==================  ===========================================  ================
"""

from .base import Control, Explorer, LiveView
from .fc_vs_conv import FCvsConv
from .sliding import SlidingFilter

__all__ = ["Control", "Explorer", "LiveView", "SlidingFilter", "FCvsConv"]
