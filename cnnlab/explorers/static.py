"""The static (kernel-free) view of an explorer: every state pre-rendered.

Size is kept small by splitting each rendered state into lines and storing
every distinct line once: a state is a list of line numbers. Renderers put the
parts that do not change (a grid of numbers) on one line and the parts that do
(a highlighted window, a formula) on their own lines.

The page gets ``<select>`` s for the controls, a range input (with ◀ ▶ and,
where it makes sense, play) for the stepper, the state table as JSON and the
script ``static/explorer.js`` (written for this package; no library, no
request). Element ids are deterministic: a hash of the content plus a counter
of how often that content was shown in this process.
"""

from __future__ import annotations

import hashlib
import html
import json
import warnings
from functools import lru_cache
from pathlib import Path

__all__ = ["static_html", "css_text", "js_text"]

_STATIC = Path(__file__).with_name("static")
_shown: dict[str, int] = {}

#: Size budget of one static explorer (the tests hold every default explorer to it).
MAX_BYTES = 1_000_000


@lru_cache(maxsize=None)
def css_text() -> str:
    return (_STATIC / "explorer.css").read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def js_text() -> str:
    return (_STATIC / "explorer.js").read_text(encoding="utf-8")


def _payload(explorer) -> dict:
    lines: list[str] = []
    index: dict[str, int] = {}
    table = {}
    for idx in explorer._primary_indices():
        state = explorer._state_from_indices(idx)
        n = explorer.n_steps(state) if explorer.stepper else 1
        steps = []
        for step in range(max(n, 1)):
            text = explorer.render(explorer._state_from_indices(idx, step))
            ids = []
            for line in text.split("\n"):
                if line not in index:
                    index[line] = len(lines)
                    lines.append(line)
                ids.append(index[line])
            steps.append(ids)
        table[".".join(map(str, idx))] = steps
    return {"lines": lines, "states": table, "interval": explorer.play_interval_ms}


def _script_json(obj) -> str:
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    # inside <script>: never close the tag or open a comment by accident
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def static_html(explorer) -> str:
    """The self-contained HTML of ``explorer`` (see the module docstring)."""
    payload = _payload(explorer)
    data = _script_json(payload)
    digest = hashlib.sha1(data.encode("utf-8")).hexdigest()[:10]
    _shown[digest] = _shown.get(digest, 0) + 1
    uid = f"cnnlab-x-{digest}-{_shown[digest]}"
    esc = html.escape
    parts = [f'<div class="cnnlab-explorer" id="{uid}" data-explorer="{esc(type(explorer).__name__)}">']
    parts.append(f"<style>{css_text()}</style>")
    if explorer.title:
        parts.append(f'<div class="cx-title">{esc(explorer.title)}</div>')
    parts.append('<div class="cx-controls">')
    for k, c in enumerate(explorer.controls):
        opts = "".join(
            f'<option value="{i}"{" selected" if i == c.default else ""}>{esc(label)}</option>'
            for i, label in enumerate(c.labels)
        )
        parts.append(f'<label class="cx-ctl"><span>{esc(c.label)}</span> <select data-ctl="{k}">{opts}</select></label>')
    parts.append("</div>")
    default_idx = ".".join(str(c.default) for c in explorer.controls)
    n0 = len(payload["states"][default_idx])
    if explorer.stepper:
        play = '<button type="button" data-act="play">▶ play</button>' if explorer.playable else ""
        parts.append(
            '<div class="cx-stepper">'
            f'<span class="cx-step-label">{esc(explorer.stepper)}</span> '
            '<button type="button" data-act="prev" title="previous">◀</button>'
            f'<input type="range" data-ctl="step" min="0" max="{n0 - 1}" value="0" step="1" aria-label="{esc(explorer.stepper)}">'
            '<button type="button" data-act="next" title="next">▶</button>'
            f"{play}"
            f'<span class="cx-step-text">1 / {n0}</span></div>'
        )
    # the default state is in the page itself: readable before (or without) the script
    parts.append(f'<div class="cx-view">{explorer.render(explorer._state_from_indices(tuple(c.default for c in explorer.controls)))}</div>')
    parts.append(f'<script type="application/json" class="cx-data">{data}</script>')
    parts.append(f"<script>{js_text()}\ncnnlabExplorer.init({json.dumps(uid)});</script>")
    parts.append("</div>")
    text = "\n".join(parts)
    if len(text.encode("utf-8")) > MAX_BYTES:
        warnings.warn(f"{type(explorer).__name__}: static HTML is {len(text.encode()) / 1e6:.2f} MB "
                      f"(over {MAX_BYTES / 1e6:.0f} MB); offer fewer choices", stacklevel=3)
    return text
