"""Typeset every formula when the site is built (KaTeX), so that no math JavaScript ships.

MathJax typeset the formulas in the reader's browser: 1.16 MB of JavaScript plus its fonts on
every page with math, and a visible delay on a slow phone. This extension is Sphinx's HTML math
renderer ``katex_static`` (``html_math_renderer: katex_static`` in ``_config.yml``): each
``$…$`` and ``$$…$$`` (notebooks and pages alike) is rendered to HTML + MathML at build time by
KaTeX — the npm package ``katex`` that ``make katex`` fetches (pinned version and checksum),
run through the render server of the pinned ``sphinxcontrib-katex`` — and the page only loads
KaTeX's stylesheet and the few KaTeX fonts its formulas use. MathML keeps every formula
readable by screen readers.

A formula KaTeX cannot typeset is a warning naming the page and the TeX (a ``-W`` build
fails); the page shows the TeX source in its place.

KaTeX positions every piece with an inline style (``style="height:2.7em;"``), the same few
hundred values thousands of times on a page of formulas: 138 KB of Chapter 3's 1.2 MB. Each
distinct style of a page becomes a class of that page (``kx0``, ``kx1`` … in order of first
use), defined once in a ``<style>`` in the page's head; its declarations are ``!important`` so
that, like the inline style they replace, they win over KaTeX's own rules.
"""

from __future__ import annotations

import atexit
import html
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

logger = logging.getLogger(__name__)

#: KaTeX options for every formula (throwOnError: a formula KaTeX cannot read is an error here,
#: reported as a build warning, never red text on the page)
KATEX_OPTIONS = {"throwOnError": True, "strict": "ignore", "output": "htmlAndMathml"}
CSS = "katex/katex.min.css"


def _dist(app: Sphinx) -> Path:
    return Path(app.confdir, app.config.katex_dist)


def start_server(katex_js: Path, timeout: float = 60.0):
    """Start sphinxcontrib-katex's render server (node) for ``katex_js`` and connect to it.

    Its own starter connects as soon as the socket file appears, which on a busy machine can be
    before node listens ("Connection refused"); this one retries until ``timeout``.
    """
    from sphinxcontrib.katex import KaTeXError, KaTeXServer

    KaTeXServer.katex_path = str(katex_js)
    rundir = Path(tempfile.mkdtemp(prefix="cnnlab_katex"))
    path = rundir / "katex.sock"
    process = subprocess.Popen(KaTeXServer.build_command(socket=path), stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, cwd=rundir)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise KaTeXError(f"the KaTeX render server (node) exited with status {process.returncode}")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(str(path))
            break
        except (FileNotFoundError, ConnectionRefusedError):
            sock.close()
            if time.monotonic() > deadline:
                process.kill()
                raise KaTeXError(f"the KaTeX render server did not start in {timeout:.0f} s") from None
            time.sleep(0.05)
    server = KaTeXServer(rundir, process, sock)
    KaTeXServer.katex_server = server
    atexit.register(KaTeXServer.terminate, server)
    return server


def render(latex: str, display: bool) -> str:
    """KaTeX's HTML for ``latex`` (raises ``sphinxcontrib.katex.KaTeXError``)."""
    from sphinxcontrib.katex import render_latex

    return render_latex(latex, dict(KATEX_OPTIONS, displayMode=display))


#: a KaTeX span with an inline style (KaTeX writes ``class`` before ``style``); spans with other
#: attributes keep their style
STYLED_SPAN = re.compile(r'<span(?: class="([^"]*)")? style="([^"]*)"')
#: class names given to the styles (``kx`` + a base-36 number)
STYLE_CLASS = "kx"
#: what a style may hold to become a class (KaTeX's sizes and offsets: ``top:-2.55em;``)
PLAIN_STYLE = re.compile(r"[\w\s:;.,%#()+-]*")


def styles_to_classes(markup: str, styles: dict[str, str]) -> str:
    """``markup`` with each span's inline style replaced by a class named in ``styles``.

    ``styles`` maps a style (``"height:2.7em;"``) to its class; a new style is added to it
    with the next free name. See :func:`style_element` for the rules.
    """
    def to_class(m: re.Match) -> str:
        classes, style = m.group(1), m.group(2)
        if not PLAIN_STYLE.fullmatch(style):
            return m.group(0)
        name = styles.get(style)
        if name is None:
            name = styles[style] = f"{STYLE_CLASS}{_base36(len(styles))}"
        return f'<span class="{classes} {name}"' if classes else f'<span class="{name}"'

    return STYLED_SPAN.sub(to_class, markup)


def style_element(styles: dict[str, str]) -> str:
    """A ``<style>`` element defining the classes of ``styles`` (empty when there are none)."""
    if not styles:
        return ""
    rules = []
    for style, name in styles.items():
        declarations = [d.strip() for d in style.split(";") if d.strip()]
        rules.append(f".katex .{name}{{{';'.join(d + '!important' for d in declarations)}}}")
    return '<style id="katex-styles">' + "".join(rules) + "</style>"


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = digits[n % 36]
    while n >= 36:
        n //= 36
        text = digits[n % 36] + text
    return text


def _page_styles(self) -> dict[str, str]:
    """The style classes of the page being written (kept on the builder until it is saved)."""
    if not hasattr(self.builder, "katex_styles"):
        self.builder.katex_styles = {}
    return self.builder.katex_styles.setdefault(self.builder.current_docname, {})


def add_page_styles(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Put the page's KaTeX style classes in its head."""
    styles = getattr(app.builder, "katex_styles", {}).pop(pagename, None)
    if styles:
        context["metatags"] = context.get("metatags", "") + style_element(styles) + "\n"


def _typeset(self, node: nodes.Element, latex: str, display: bool) -> str:
    from sphinxcontrib.katex import KaTeXError

    try:
        return styles_to_classes(render(latex, display), _page_styles(self))
    except KaTeXError as err:
        logger.warning("KaTeX cannot typeset %r: %s", latex, err, location=node, type="katex")
        return f'<code class="katex-failed">{html.escape(latex)}</code>'


def visit_inline(self, node: nodes.Element) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate nohighlight"))
    self.body.append(_typeset(self, node, node.astext(), display=False))
    self.body.append("</span>")
    raise nodes.SkipNode


def visit_block(self, node: nodes.Element) -> None:
    self.body.append(self.starttag(node, "div", CLASS="math notranslate nohighlight"))
    if node["number"]:
        number = get_node_equation_number(self, node)
        self.body.append(f'<span class="eqno">({number})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    latex = node.astext()
    # like Sphinx's MathJax renderer: blank lines separate equations (unless nowrap)
    parts = [latex] if node.get("nowrap") else [p for p in latex.split("\n\n") if p.strip()]
    for part in parts:
        self.body.append(_typeset(self, node, part, display=True))
    self.body.append("</div>\n")
    raise nodes.SkipNode


def on_builder_inited(app: Sphinx) -> None:
    if app.builder.format != "html" or app.config.html_math_renderer != "katex_static":
        return
    js = _dist(app) / "katex.min.js"
    if not js.is_file():
        logger.warning("KaTeX not found at %s: run `make katex` (npm katex, pinned); "
                       "without it no formula renders", js, type="katex")
        return
    start_server(js)
    app.add_css_file(CSS)


def on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    """Copy KaTeX's stylesheet and fonts into ``_static/katex``."""
    if exception is not None or app.builder.format != "html":
        return
    if app.config.html_math_renderer != "katex_static" or not (_dist(app) / "katex.min.css").is_file():
        return
    target = Path(app.outdir, "_static", "katex")
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(_dist(app) / "katex.min.css", target / "katex.min.css")
    shutil.copytree(_dist(app) / "fonts", target / "fonts", dirs_exist_ok=True)


def setup(app: Sphinx) -> dict:
    app.add_config_value("katex_dist", "node_modules/katex/dist", "html")
    app.add_html_math_renderer("katex_static", (visit_inline, None), (visit_block, None))
    app.connect("builder-inited", on_builder_inited)
    app.connect("html-page-context", add_page_styles)
    app.connect("build-finished", on_build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
