"""The explorers and pads speak the page's language: on the Chinese edition, every notebook
output that holds one is translated (``cnnlab.explorers.i18n.translate_html``).

The Chinese edition reuses the English execution cache: the notebooks are not run again, so
each explorer's static HTML (labels, packed state table, text alternatives) arrives in English
as a raw HTML node of the doctree. When ``language`` is Chinese, this extension rewrites those
nodes once the doctree is resolved; every other language, English included, is left alone
(the English pages do not change by a byte). A string no template covers stays English and is
reported as a warning (type ``explorer_lang``), so a new explorer text cannot slip through
untranslated.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

MARKERS = ('class="cnnlab-explorer"', 'class="cl-pg ')


def _lang(app: Sphinx) -> str | None:
    language = (app.config.language or "").lower()
    return "zh" if language.startswith("zh") else None


def translate_outputs(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    lang = _lang(app)
    if lang is None:
        return
    from cnnlab.explorers.i18n import translate_html

    for node in list(doctree.findall(nodes.raw)):
        if "html" not in node.get("format", "").split():
            continue
        text = node.astext()
        if not any(marker in text for marker in MARKERS):
            continue
        missing: list[str] = []
        node.children = []
        node += nodes.Text(translate_html(text, lang, missing))
        for english in dict.fromkeys(missing):
            logger.warning("explorer text without a %s translation: %r", lang, english,
                           location=(docname, node.line), type="explorer_lang", subtype="untranslated")


def setup(app: Sphinx) -> dict:
    app.connect("doctree-resolved", translate_outputs)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
