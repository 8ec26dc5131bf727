"""The explorer framework: a finite set of states, one pure renderer, two views.

An explorer has a few :class:`Control` s (each a short list of options) and,
optionally, a *stepper* (an integer position 0 … n−1 whose range may depend on
the other controls, e.g. the window position of a sliding filter). An explorer
computes the numbers of a state once (its ``data``/``compute`` methods, cached)
and draws them with the layout helpers of :mod:`.draw`:
``render_state(state)`` turns one state into an HTML/SVG string and
``alt_text(state)`` says in one or two plain sentences what it shows (the
drawing's text alternative, announced on every change). Both views use them:

* the live view (:meth:`Explorer.live`): ipywidgets dropdowns, a slider and a
  play button; every change re-renders into an ``HTML`` widget;
* the static view (:meth:`Explorer.static_html`): every state rendered at
  display time, stored compactly and switched by the small script
  ``static/explorer.js`` (no kernel, no network).

Displaying an explorer (last expression of a cell) sends both in one mime
bundle; Jupyter shows the widgets, the book is configured to pick the HTML.
Arguments out of range raise a ValueError that names the argument and the
allowed range (:func:`check_int`, :func:`choices`).
"""

from __future__ import annotations

import html
import itertools
import numbers
import time
from dataclasses import dataclass
from typing import Iterator, Sequence

from .draw import label_drawings

__all__ = ["Control", "Explorer", "LiveView", "check_int", "choices"]


@dataclass(frozen=True)
class Control:
    """One choice of an explorer: a name, a label and a few ``(label, value)`` options."""

    name: str
    label: str
    options: tuple  # of (label: str, value: Any)
    default: int = 0  # index into options

    def __post_init__(self):
        if not self.options:
            raise ValueError(f"control {self.name!r} needs at least one option")
        if not 0 <= self.default < len(self.options):
            raise ValueError(f"control {self.name!r}: default index {self.default} out of range")

    @property
    def labels(self) -> list[str]:
        return [str(label) for label, _ in self.options]

    @property
    def values(self) -> list:
        return [value for _, value in self.options]

    def index(self, value) -> int:
        """Index of the option whose value (or label) equals ``value``."""
        for i, (label, v) in enumerate(self.options):
            if _same(v, value) or label == value:
                return i
        raise ValueError(f"{self.name}={value!r} is not one of {self.values}")


def _same(a, b) -> bool:
    try:
        return bool(a == b)
    except Exception:  # arrays and the like
        return a is b


def check_int(name: str, value, lo: int, hi: int) -> int:
    """``value`` as an int; ValueError naming ``name`` and the range ``lo … hi`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not lo <= value <= hi:
        raise ValueError(f"{name} must be an int from {lo} to {hi}; got {value!r}")
    return int(value)


def choices(name: str, label: str, values: Sequence, default=None, fmt=str, *, arg: str | None = None,
            lo: int | None = None, hi: int | None = None) -> Control:
    """A :class:`Control` whose option labels are ``fmt(value)``.

    ``arg`` names the constructor argument that gave ``values`` (for errors);
    with ``lo``/``hi`` every value must be an int in ``lo … hi``. A ``default``
    not among ``values`` raises a ValueError that names ``name`` and the choices.
    """
    arg = arg or name
    values = list(values)
    if not values:
        raise ValueError(f"{arg} must offer at least one choice; got none")
    if lo is not None:
        for v in values:
            check_int(f"every choice of {arg}", v, lo, hi)
    if default is None:
        index = 0
    else:
        matches = [i for i, v in enumerate(values) if _same(v, default)]
        if not matches:
            raise ValueError(f"{name}={default!r} is not among the choices of {arg}: {tuple(values)}")
        index = matches[0]
    return Control(name, label, tuple((fmt(v), v) for v in values), index)


class Explorer:
    """Base class. Subclasses set ``controls`` and implement :meth:`render_state`.

    A *state* is a dict ``{control name: value, ..., "step": int}``. Subclasses
    with a stepper set ``stepper`` (its label) and implement :meth:`n_steps`.
    """

    title: str = ""
    controls: tuple = ()
    stepper: str | None = None  # label of the position control, None = no stepper
    playable: bool = False  # static and live views get a play button for the stepper
    play_interval_ms: int = 700
    max_states: int = 5000  # more would make the page heavy and the build slow

    # -- state space --------------------------------------------------------
    def n_steps(self, state: dict) -> int:
        """Number of stepper positions for the given control values (≥ 1)."""
        return 1

    def default_state(self) -> dict:
        state = {c.name: c.options[c.default][1] for c in self.controls}
        state["step"] = 0
        return state

    def _primary_indices(self) -> Iterator[tuple]:
        return itertools.product(*[range(len(c.options)) for c in self.controls])

    def _state_from_indices(self, idx: tuple, step: int = 0) -> dict:
        state = {c.name: c.options[i][1] for c, i in zip(self.controls, idx)}
        state["step"] = step
        return state

    def state(self, step: int = 0, **values) -> dict:
        """A full state from control values given by value or label (others default).

        Raises ValueError for an unknown control, a value that is not one of its
        options, or a ``step`` outside 0 … n_steps − 1 (naming the range).
        """
        names = {c.name for c in self.controls}
        unknown = set(values) - names
        if unknown:
            raise ValueError(f"unknown control(s) {sorted(unknown)}; controls are {sorted(names)}")
        idx = tuple(c.index(values[c.name]) if c.name in values else c.default for c in self.controls)
        state = self._state_from_indices(idx, 0)
        n = self.n_steps(state) if self.stepper else 1
        state["step"] = check_int(f"step ({self.stepper or 'no stepper'}) of this state", step, 0, n - 1)
        return state

    def states(self) -> list[dict]:
        """Every state of the explorer (all control combinations × stepper positions)."""
        out = []
        for idx in self._primary_indices():
            state = self._state_from_indices(idx)
            for step in range(self.n_steps(state) if self.stepper else 1):
                out.append(self._state_from_indices(idx, step))
        return out

    def check_size(self) -> int:
        """The number of states; ValueError if there are more than :attr:`max_states` to pre-render."""
        total = 0
        for idx in self._primary_indices():
            total += self.n_steps(self._state_from_indices(idx)) if self.stepper else 1
            if total > self.max_states:
                raise ValueError(f"{type(self).__name__}: the choices give more than {self.max_states} states "
                                 "to pre-render for the page; offer fewer choices")
        return total

    # -- drawing --------------------------------------------------------------
    def render_state(self, state: dict) -> str:  # pragma: no cover - abstract
        """The HTML of one state (drawing, formulas, notes)."""
        raise NotImplementedError

    def alt_text(self, state: dict) -> str:  # pragma: no cover - abstract
        """A short plain-text description of what the state shows (the drawing's text alternative)."""
        raise NotImplementedError

    def render(self, state: dict | None = None, **values) -> str:
        """``render_state`` with a cache (states are few; re-drawing is then instant)."""
        if state is None:
            state = self.state(**values)
        key = self._key(state)
        cache = self.__dict__.setdefault("_render_cache", {})
        if key not in cache:
            cache[key] = self.render_state(state)
        return cache[key]

    def _key(self, state: dict) -> tuple:
        return tuple(c.index(state[c.name]) for c in self.controls) + (int(state.get("step", 0)),)

    # -- the two views ----------------------------------------------------------
    def static_html(self) -> str:
        """Self-contained interactive HTML (all states pre-rendered, plain JavaScript)."""
        from .static import static_html

        return static_html(self)

    def live(self) -> "LiveView":
        """A fresh ipywidgets view (needs ipywidgets)."""
        return LiveView(self)

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/plain": repr(self), "text/html": self.static_html()}
        try:
            view = self.live()
        except ImportError:  # no ipywidgets: the static view alone
            return bundle
        bundle["application/vnd.jupyter.widget-view+json"] = {
            "version_major": 2,
            "version_minor": 0,
            "model_id": view.box.model_id,
        }
        return bundle

    def describe(self) -> str:
        """One line per control, for ``repr``."""
        parts = [f"{c.label}: {' | '.join(c.labels)}" for c in self.controls]
        if self.stepper:
            parts.append(f"{self.stepper}: stepper")
        return "; ".join(parts)

    def __repr__(self) -> str:
        n = self.check_size()
        return f"<{type(self).__name__}{': ' + self.title if self.title else ''} — {n} states; {self.describe()}>"


class LiveView:
    """The ipywidgets view of an explorer.

    Attributes: ``box`` (the VBox to display), ``controls`` (name → Dropdown,
    whose values are option indices), ``slider``/``play`` (stepper, or None),
    ``html`` (the HTML widget re-rendered on every change), ``redraw_seconds``
    (time of each redraw, for the record).
    """

    def __init__(self, explorer: Explorer):
        import ipywidgets as widgets

        from .static import css_text

        self.explorer = explorer
        self.redraw_seconds: list[float] = []
        self._css = f"<style>{css_text()}</style>"
        self.controls = {}
        for c in explorer.controls:
            dd = widgets.Dropdown(
                options=[(label, i) for i, label in enumerate(c.labels)],
                value=c.default,
                description=c.label,
                style={"description_width": "initial"},
                layout=widgets.Layout(width="auto"),
            )
            dd.observe(self._on_control, names="value")
            self.controls[c.name] = dd
        self.slider = self.play = None
        rows = [widgets.HBox(list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap"))]
        if explorer.stepper:
            n = explorer.n_steps(self.state(step=0))
            self.slider = widgets.IntSlider(
                value=0, min=0, max=max(n - 1, 0), description=explorer.stepper,
                style={"description_width": "initial"}, continuous_update=True,
            )
            self.slider.observe(self._on_step, names="value")
            stepper = [self.slider]
            if explorer.playable:
                self.play = widgets.Play(value=0, min=0, max=max(n - 1, 0), interval=explorer.play_interval_ms)
                widgets.jslink((self.play, "value"), (self.slider, "value"))
                stepper.insert(0, self.play)
            rows.append(widgets.HBox(stepper))
        self.html = widgets.HTML()
        self._busy = False
        self.redraw()
        self.redraw_seconds.clear()
        head = [widgets.HTML(f"<b>{html.escape(explorer.title)}</b>")] if explorer.title else []
        self.box = widgets.VBox(head + rows + [self.html])
        self.box.add_class("cnnlab-explorer-live")

    def state(self, step=None) -> dict:
        """The state currently shown (with ``step``: the same controls at that step)."""
        idx = tuple(self.controls[c.name].value for c in self.explorer.controls)
        if step is None:
            step = self.slider.value if self.slider is not None else 0
        return self.explorer._state_from_indices(idx, step)

    def _on_control(self, change):
        if self.slider is not None:
            n = self.explorer.n_steps(self.state(step=0))
            self._busy = True  # shrinking max may move the value: one redraw only
            try:
                if self.slider.value > n - 1:
                    self.slider.value = n - 1
                self.slider.max = max(n - 1, 0)
                if self.play is not None:
                    self.play.max = max(n - 1, 0)
            finally:
                self._busy = False
        self.redraw()

    def _on_step(self, change):
        if not self._busy:
            self.redraw()

    def redraw(self):
        t0 = time.perf_counter()
        state = self.state()
        alt = self.explorer.alt_text(state)
        drawing = label_drawings(self.explorer.render(state), alt)
        self.html.value = (f'{self._css}<p class="cx-status" aria-live="polite">{html.escape(alt)}</p>'
                           f'<div class="cx-view">{drawing}</div>')
        self.redraw_seconds.append(time.perf_counter() - t0)

    def set(self, **values):
        """Set controls by option value or label (``step=`` moves the stepper)."""
        step = values.pop("step", None)
        by_name = {c.name: c for c in self.explorer.controls}
        for name, value in values.items():
            if name not in by_name:
                raise ValueError(f"unknown control {name!r}; controls are {sorted(by_name)}")
            self.controls[name].value = by_name[name].index(value)
        if step is not None:
            if self.slider is None:
                raise ValueError(f"step: {type(self.explorer).__name__} has no stepper")
            self.slider.value = check_int("step", step, 0, self.slider.max)
