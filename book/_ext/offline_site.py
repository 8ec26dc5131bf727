"""Keep the built CNN Lab site self-contained: it must make no request outside its own origin.

This local Sphinx extension does three things:

1. ``doctree-resolved``: drops the Font Awesome 4 stylesheet that matplotlib's
   ``Animation.to_jshtml()`` links from a CDN (the theme bundles its own icons, the
   animation's buttons keep working).
2. ``html-page-context``: drops the saved ipywidgets state (``widget-state+json``) that myst-nb
   would embed in a page: the site shows the explorers' static HTML, never widget views, and
   loads no widget manager (``nb_ipywidgets_js: {}``), so the state is dead weight.
3. ``build-finished``: scans every built HTML page (and every CSS file) for a reference that
   the browser would fetch from elsewhere: ``<script src>``, ``<link href>`` (stylesheet,
   preload, icon …), ``<img src|srcset>``, ``<source>``, ``<iframe>``, ``<video>``,
   ``<audio>``, ``<embed>``, ``<object data>``, and ``url(…)``/``@import`` in CSS (inline
   or in files). Each one found is a warning naming the page and the URL, so a
   ``-W`` build fails. Links a reader clicks (``<a href>``) are allowed: launch buttons,
   DOIs and the repository link only leave the site on a click.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: ``http://``, ``https://`` or protocol-relative ``//host`` (any other scheme: data:, blob:,
#: javascript:, relative paths … stays on the page or the site).
EXTERNAL = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)

#: matplotlib's jshtml template: ``<link rel="stylesheet" href="https://…/font-awesome…css">``
FONT_AWESOME_LINK = re.compile(
    r"<link\b[^>]*\bhref\s*=\s*[\"'](?:https?:)?//[^\"']*font-awesome[^\"']*[\"'][^>]*>\s*",
    re.IGNORECASE,
)

#: attributes that make the browser fetch something, per tag
FETCHING_ATTRS = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
    "image": ("href", "xlink:href"),  # SVG <image>
    "use": ("href", "xlink:href"),  # SVG <use> pointing at another document
}
#: ``<link rel=…>`` values that do not fetch anything at page load
PASSIVE_LINK_RELS = {"canonical", "alternate", "author", "license", "help", "me", "next", "prev", "index", "search", "copyright"}
CSS_URL = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])\s*((?:https?:)?//[^"')\s]+)""", re.IGNORECASE)

class _RefCollector(HTMLParser):
    """Collect every external reference a browser would load from one HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []  # (what, url)
        self._in_style = False

    def _add(self, what: str, value: str | None) -> None:
        if not value:
            return
        # srcset: "url 1x, url 2x"
        for part in value.split(",") if "srcset" in what else [value]:
            url = part.strip().split(" ")[0] if "srcset" in what else part.strip()
            if EXTERNAL.match(url):
                self.found.append((what, url))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        amap = {k.lower(): v for k, v in attrs}
        if tag == "link":
            rels = set((amap.get("rel") or "").lower().split())
            if not rels or not rels <= PASSIVE_LINK_RELS:
                self._add(f"<link rel={amap.get('rel')!r}> href", amap.get("href"))
        for attr in FETCHING_ATTRS.get(tag, ()):
            self._add(f"<{tag}> {attr}", amap.get(attr))
        style = amap.get("style")
        if style:
            for url in CSS_URL.findall(style):
                self.found.append((f"<{tag}> style url()", url))
        self._in_style = tag == "style"

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            for url in CSS_URL.findall(data):
                self.found.append(("<style> url()/@import", url))


def external_references(html: str) -> list[tuple[str, str]]:
    """Return ``(what, url)`` for every reference in ``html`` that would be fetched off-site."""
    collector = _RefCollector()
    collector.feed(html)
    collector.close()
    return collector.found


def strip_font_awesome(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Remove matplotlib's Font Awesome CDN ``<link>`` from raw HTML outputs."""
    for node in list(doctree.findall(nodes.raw)):
        if "html" not in node.get("format", "").split():
            continue
        text = node.astext()
        if "font-awesome" not in text:
            continue
        new_text = FONT_AWESOME_LINK.sub("", text)
        if new_text != text:
            new = nodes.raw(new_text, new_text, format=node["format"], classes=node.get("classes", []))
            node.replace_self(new)


def drop_widget_state(app: Sphinx, pagename: str, *args) -> None:
    """Remove myst-nb's per-page ipywidgets state script (runs before myst-nb adds it)."""
    nb_metadata = getattr(app.env, "nb_metadata", None)
    if app.config.offline_drop_widget_state and nb_metadata and pagename in nb_metadata:
        nb_metadata[pagename].get("js_files", {}).pop("ipywidgets_state", None)


def check_site(app: Sphinx) -> int:
    """Warn about every external reference in the built site; return how many were found."""
    outdir = Path(app.outdir)
    count = 0
    for page in sorted(outdir.rglob("*.html")):
        rel = page.relative_to(outdir).as_posix()
        if rel.startswith(("_static/", "_sources/", "_images/")):
            continue
        for what, url in external_references(page.read_text(encoding="utf-8", errors="replace")):
            count += 1
            logger.warning("external %s in %s: %s", what, rel, url, type="offline", subtype="external")
    for sheet in sorted(outdir.rglob("*.css")):
        rel = sheet.relative_to(outdir).as_posix()
        for url in CSS_URL.findall(sheet.read_text(encoding="utf-8", errors="replace")):
            count += 1
            logger.warning("external url() in %s: %s", rel, url, type="offline", subtype="external")
    return count


def on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    if app.config.offline_check:
        count = check_site(app)
        logger.info("offline_site: %d external reference(s) in the built site", count)


def setup(app: Sphinx) -> dict:
    app.add_config_value("offline_check", True, "html")
    app.add_config_value("offline_drop_widget_state", True, "html")
    app.connect("doctree-resolved", strip_font_awesome)
    app.connect("html-page-context", drop_widget_state, priority=400)  # myst-nb's runs at 500
    app.connect("build-finished", on_build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
