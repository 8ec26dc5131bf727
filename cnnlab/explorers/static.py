"""The static (kernel-free) view of an explorer: every state pre-rendered, stored compactly.

Each rendered state is split into lines and every distinct line is stored once:
a state is a list of line numbers, and its text alternative one more line
number. Renderers put the parts that do not change (a grid of numbers) on one
line and the parts that do (a highlighted window, a formula) on their own lines.
That table, ``{"lines", "states", "alts", "interval"}`` as JSON, is then
gzip-compressed and base64-encoded into the page when that at least halves it
(grids of numbers: a fifth or less of the JSON), and the browser unpacks it
with its built-in ``DecompressionStream``. Tables made of PNG images shrink
little and would cost more over a gzip-serving connection: they stay JSON.

The page gets labelled ``<select>`` s for the controls, a range input (with ◀ ▶
and, where it makes sense, play) for the stepper, a status line that says what
the current state shows (``aria-live``, so screen readers announce changes;
it is also the text alternative of the drawings, ``aria-labelledby``), the
default state drawn in the page itself (readable before and without the
script), the packed table and the script ``static/explorer.js`` (written for this
package; no library, no request). Element ids are deterministic: a hash of the
content plus a counter of how often that content was shown in this process.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import html
import json
import re
import warnings
from functools import lru_cache
from pathlib import Path

from .draw import label_drawings

__all__ = ["static_html", "css_text", "js_text", "payload", "read_payload", "write_payload"]

_STATIC = Path(__file__).with_name("static")
_shown: dict[str, int] = {}

#: Size budget of one static explorer (the tests hold every default explorer to it).
MAX_BYTES = 300_000

_DATA = re.compile(r'(<script type="application/(?:octet-stream|json)" class="cx-data" data-encoding="([a-z0-9+]+)">)'
                   r'(.*?)(</script>)', re.S)


@lru_cache(maxsize=None)
def css_text() -> str:
    return (_STATIC / "explorer.css").read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def js_text() -> str:
    return (_STATIC / "explorer.js").read_text(encoding="utf-8")


def payload(explorer) -> dict:
    """The state table: ``lines`` (distinct lines), ``states`` and ``alts`` (key → one entry per step).

    The key of a state is its option indices joined by "."; ``states[key][step]``
    lists the line numbers of the rendered state, ``alts[key][step]`` the line
    number of its text alternative.
    """
    explorer.check_size()
    lines: list[str] = []
    index: dict[str, int] = {}

    def line_id(line: str) -> int:
        if line not in index:
            index[line] = len(lines)
            lines.append(line)
        return index[line]

    states, alts = {}, {}
    for idx in explorer._primary_indices():
        state = explorer._state_from_indices(idx)
        n = explorer.n_steps(state) if explorer.stepper else 1
        key = ".".join(map(str, idx))
        states[key], alts[key] = [], []
        for step in range(max(n, 1)):
            st = explorer._state_from_indices(idx, step)
            states[key].append([line_id(line) for line in explorer.render(st).split("\n")])
            alts[key].append(line_id(explorer.alt_text(st)))
    return {"lines": lines, "states": states, "alts": alts, "interval": explorer.play_interval_ms}


def _json(table: dict) -> str:
    text = json.dumps(table, ensure_ascii=False, separators=(",", ":"))
    # inside <script>: never close the tag or open a comment by accident
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def pack(table: dict) -> tuple[str, str]:
    """(encoding, text): gzip (no timestamp: the same bytes every run) → base64 if that halves the JSON."""
    text = _json(table)
    raw = text.encode("utf-8")
    packed = base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii")
    return ("gzip+base64", packed) if 2 * len(packed) <= len(raw) else ("json", text)


def _script(table: dict) -> str:
    encoding, text = pack(table)
    kind = "json" if encoding == "json" else "octet-stream"
    return f'<script type="application/{kind}" class="cx-data" data-encoding="{encoding}">{text}</script>'


def read_payload(page: str) -> dict:
    """The state table of the first explorer in ``page`` (HTML), unpacked."""
    m = _DATA.search(page)
    if m.group(2) == "json":
        return json.loads(m.group(3).replace("<\\/", "</").replace("<\\!--", "<!--"))
    return json.loads(gzip.decompress(base64.b64decode(m.group(3))).decode("utf-8"))


def write_payload(page: str, table: dict) -> str:
    """``page`` with the first explorer's state table replaced by ``table`` (for tests of the checks)."""
    return _DATA.sub(lambda m: _script(table), page, count=1)


def _controls(explorer) -> str:
    esc = html.escape
    parts = ['<div class="cx-controls">']
    for k, c in enumerate(explorer.controls):
        opts = "".join(f'<option value="{i}"{" selected" if i == c.default else ""}>{esc(label)}</option>'
                       for i, label in enumerate(c.labels))
        parts.append(f'<label class="cx-ctl"><span>{esc(c.label)}</span> '
                     f'<select data-ctl="{k}">{opts}</select></label>')
    parts.append("</div>")
    return "".join(parts)


def _stepper(explorer, n0: int) -> str:
    if not explorer.stepper:
        return ""
    esc = html.escape
    name = esc(explorer.stepper)
    play = ('<button type="button" data-act="play" aria-pressed="false">▶ play</button>'
            if explorer.playable else "")
    return ('<div class="cx-stepper" role="group" aria-label="' + name + '">'
            f'<span class="cx-step-label" aria-hidden="true">{name}</span>'
            f'<button type="button" data-act="prev" aria-label="previous {name}">◀</button>'
            f'<input type="range" data-ctl="step" min="0" max="{n0 - 1}" value="0" step="1" aria-label="{name}">'
            f'<button type="button" data-act="next" aria-label="next {name}">▶</button>'
            f'{play}<span class="cx-step-text">1 / {n0}</span></div>')


def static_html(explorer) -> str:
    """The self-contained HTML of ``explorer`` (see the module docstring)."""
    table = payload(explorer)
    data = _script(table)
    digest = hashlib.sha1(data.encode("utf-8")).hexdigest()[:10]
    _shown[digest] = _shown.get(digest, 0) + 1
    uid = f"cnnlab-x-{digest}-{_shown[digest]}"
    esc = html.escape
    default = explorer._state_from_indices(tuple(c.default for c in explorer.controls))
    n0 = len(table["states"][".".join(str(c.default) for c in explorer.controls)])
    title = f'<div class="cx-title">{esc(explorer.title)}</div>' if explorer.title else ""
    parts = [
        f'<div class="cnnlab-explorer" id="{uid}" data-explorer="{esc(type(explorer).__name__)}">',
        f"<style>{css_text()}</style>",
        title + _controls(explorer) + _stepper(explorer, n0),
        f'<p class="cx-status" id="{uid}-status" aria-live="polite">{esc(explorer.alt_text(default))}</p>',
        # the scroll box: focusable so that keyboard users can scroll a drawing wider than the screen
        f'<div class="cx-view" tabindex="0" role="group" aria-label="drawing">'
        f'{label_drawings(explorer.render(default), labelled_by=f"{uid}-status")}</div>',
        data,
        f"<script>{js_text()}\ncnnlabExplorer.init({json.dumps(uid)});</script>",
        "</div>",
    ]
    text = "\n".join(parts)
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        warnings.warn(f"{type(explorer).__name__}: static HTML is {size / 1e3:.0f} KB "
                      f"(over {MAX_BYTES / 1e3:.0f} KB); offer fewer choices", stacklevel=3)
    return text
