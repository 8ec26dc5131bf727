"""Glue between Jupyter Book 1, its theme and this site (each fix says what it repairs).

- **One Thebe configuration per page.** sphinx-thebe adds its inline
  ``const THEBE_JS_URL = …`` script each time Sphinx reads sources, so a page can carry it
  twice, and the second copy is a console error ("Identifier 'THEBE_JS_URL' has already been
  declared"). Duplicate scripts are dropped from each page's script list.
- **A colour mode the theme knows.** Without ``default_mode`` pydata-sphinx-theme starts from
  an empty mode and logs "Got invalid theme mode" on every page; the site starts in ``auto``
  (the reader's system setting; the header's switch still changes it).
- **Scrollable tables reachable by keyboard.** A wide table scrolls sideways in the theme's
  ``pst-scrollable-table-container``; without a tab stop a keyboard user cannot scroll it
  (axe-core: scrollable-region-focusable). After the build each such container gets
  ``tabindex="0"`` (an idempotent rewrite of the pages).
- **Reference lists without a wrong role.** sphinxcontrib-bibtex marks its citation list
  ``role="list"`` although its entries are not list items (axe-core: aria-required-children,
  critical); the role is dropped (the entries keep ``role="doc-biblioentry"``).
- **A redirect page with an icon.** The site's ``index.html`` is a one-line redirect to the
  front page (written by sphinx-external-toc); with no icon of its own the browser asks for
  ``/favicon.ico``, a 404. It becomes a small HTML document with the same redirect, a link to
  the front page and the site's icon (``html_favicon``).
- **Our stylesheet** ``book/_static/cnnlab-site.css`` (the inline icons' size, Chinese titles
  that do not break inside a word, wide tables and the API page on phones) on every page.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from html_tokens import Token, attribute, join, tokenize, with_attribute
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


SCROLLER = "pst-scrollable-table-container"


def focusable_scrollers(html: str) -> str:
    """``html`` with ``tabindex="0"`` on every scrollable table container that lacks one, and
    no ``role="list"`` on a citation list."""
    if SCROLLER not in html and "citation-list" not in html:
        return html
    tokens = tokenize(html)
    for i, token in enumerate(tokens):
        if token.kind != "start":
            continue
        classes = (attribute(token.text, "class") or "").split()
        if SCROLLER in classes and attribute(token.text, "tabindex") is None:
            tokens[i] = Token("start", with_attribute(token.text, "tabindex", "0"), token.name)
        elif "citation-list" in classes and attribute(token.text, "role") == "list":
            tokens[i] = Token("start", token.text.replace(' role="list"', ""), token.name)
    return join(tokens)


#: the redirect sphinx-external-toc writes: nothing but a refresh
BARE_REDIRECT = re.compile(r"""\s*<meta http-equiv="Refresh" content="0; url=([^"]+)" />\s*""")


def redirect_page(target: str, title: str, icon: str | None, lang: str = "en") -> str:
    """A complete HTML page that sends the browser to ``target`` (with ``icon`` as its icon)."""
    target, title = escape(target), escape(title)
    link = f'<link rel="icon" href="{escape(icon)}">\n' if icon else ""
    return (f'<!DOCTYPE html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Refresh" content="0; url={target}" />\n'
            f'<title>{title}</title>\n{link}</head>\n'
            f'<body><p><a href="{target}">Continue to the front page</a></p></body>\n</html>\n')


def complete_redirect(app: Sphinx) -> None:
    """Give the bare ``index.html`` redirect a title, a link and the site's icon."""
    index = Path(app.outdir, "index.html")
    m = BARE_REDIRECT.fullmatch(index.read_text(encoding="utf-8")) if index.is_file() else None
    if not m:
        return
    favicon = app.config.html_favicon
    icon = None
    if favicon and "://" not in favicon:
        icon = f"_static/{Path(favicon).name}"
    title = app.config.html_title or app.config.project
    lang = (app.config.language or "en").replace("_", "-")  # zh_CN -> zh-CN, as Sphinx writes it
    index.write_text(redirect_page(m.group(1), title, icon, lang), encoding="utf-8")


def on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    complete_redirect(app)
    outdir = Path(app.outdir)
    for page in outdir.rglob("*.html"):
        if page.relative_to(outdir).parts[0] in {"_static", "_sources"}:
            continue
        text = page.read_text(encoding="utf-8")
        new = focusable_scrollers(text)
        if new != text:
            page.write_text(new, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", set_defaults)
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    # after sphinx-external-toc's build-finished, which writes the bare redirect
    app.connect("build-finished", on_build_finished, priority=600)
    app.add_css_file(CSS)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
