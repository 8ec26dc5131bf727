"""Glue between Jupyter Book 1, its theme and this site (each fix says what it repairs).

- **One Thebe configuration per page.** sphinx-thebe adds its inline
  ``const THEBE_JS_URL = …`` script each time Sphinx reads sources, so a page can carry it
  twice, and the second copy is a console error ("Identifier 'THEBE_JS_URL' has already been
  declared"). Duplicate scripts are dropped from each page's script list.
- **A colour mode the theme knows.** Without ``default_mode`` pydata-sphinx-theme starts from
  an empty mode and logs "Got invalid theme mode" on every page; the site starts in ``auto``
  (the reader's system setting; the header's switch still changes it).
- **Our stylesheet** ``book/_static/cnnlab-site.css`` (the inline icons' size, Chinese titles
  that do not break inside a word, wide tables and the API page on phones) on every page.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

STATIC = Path(__file__).resolve().parents[1] / "_static"
CSS = "cnnlab-site.css"


def set_defaults(app: Sphinx, config: Config) -> None:
    context = dict(config.html_context or {})
    context.setdefault("default_mode", "auto")  # pydata-sphinx-theme 0.15 reads it here
    config.html_context = context
    if str(STATIC) not in config.html_static_path:
        config.html_static_path.append(str(STATIC))


def drop_duplicate_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for script in scripts:
        # the same file or inline body, whatever its priority (an inline script's filename is
        # None or "" depending on how it was added)
        attributes = getattr(script, "attributes", {})
        key = (getattr(script, "filename", str(script)) or "", tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key in seen:
            continue
        seen.add(key)
        kept.append(script)
    scripts[:] = kept


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", set_defaults)
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    app.add_css_file(CSS)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
