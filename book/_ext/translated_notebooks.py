"""The Chinese edition's notebooks, for its download button: each chapter's notebook with its
Markdown cells in Chinese, generated at build time from the English notebook and the chapter's
catalog (``locales/zh_CN/LC_MESSAGES/notebooks/<chapter>.po``). Code cells, their metadata and
the notebook's metadata are the English notebook's, unchanged: one source of truth.

A catalog's message is the source text of one paragraph, heading, table cell, caption or list
item, with its line breaks turned into spaces; each is found in the cell (any run of white space
matching a space) and replaced by its translation, longest first. Captions and alt texts in the
cells' ``mystnb`` metadata are translated the same way. A message that is not found is left as it
is (tests/test_translation.py measures how much English a generated notebook keeps).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def load_catalog(path: Path) -> dict[str, str]:
    """msgid -> msgstr for every translated, non-fuzzy message of a .po file."""
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        catalog = read_po(f)
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy and m.string != m.id}


def _pattern(msgid: str) -> re.Pattern:
    words = [re.escape(w) for w in msgid.split()]
    # a message starts and ends where the Markdown's text does: not inside a longer word
    return re.compile(r"(?<![\w])" + r"\s+".join(words) + r"(?![\w])")


def translate_text(text: str, patterns: list[tuple[re.Pattern, str]]) -> str:
    for pattern, translation in patterns:
        text = pattern.sub(lambda _m, t=translation: t, text)
    return text


def translate_notebook(notebook: dict, messages: dict[str, str]) -> dict:
    """A copy of ``notebook`` whose Markdown (and figure captions and alt texts) is translated."""
    patterns = [(_pattern(k), v) for k, v in sorted(messages.items(), key=lambda kv: -len(kv[0]))]
    out = json.loads(json.dumps(notebook))
    for cell in out["cells"]:
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = translate_text(source, patterns)
        mystnb = cell.get("metadata", {}).get("mystnb", {})
        for key, field in (("figure", "caption"), ("image", "alt")):
            value = mystnb.get(key, {}).get(field)
            if isinstance(value, str):
                mystnb[key][field] = translate_text(value, patterns)
    out.setdefault("metadata", {})["language_info"] = dict(
        out.get("metadata", {}).get("language_info", {}), name="python")
    return out


def write_translated_notebooks(app: Sphinx, exception) -> None:
    if exception or not (app.config.language or "").lower().startswith("zh"):
        return
    if app.builder.format != "html":
        return
    srcdir, outdir = Path(app.srcdir), Path(app.outdir)
    for locale_dir in app.config.locale_dirs:
        catalogs = Path(app.confdir or srcdir, locale_dir) / app.config.language / "LC_MESSAGES"
        for docname in sorted(app.env.found_docs):
            source = srcdir / (docname + ".ipynb")
            po = catalogs / (docname + ".po")
            if not source.is_file() or not po.is_file():
                continue
            notebook = json.loads(source.read_text(encoding="utf-8"))
            translated = translate_notebook(notebook, load_catalog(po))
            target = outdir / "_sources" / (docname + ".ipynb")
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".ipynb.tmp")
            tmp.write_text(json.dumps(translated, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            tmp.replace(target)
            logger.info(f"translated_notebooks: {target.relative_to(outdir)}")


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", write_translated_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
