"""Split an HTML document into tokens that join back into exactly the same text.

The site's post-build rewrites (``zh_lang``, ``inline_icons``) change a few tags or text runs
of the pages Sphinx wrote and must leave every other byte alone, so they work on this lossless
token list rather than on a parsed-and-reserialised tree.

Tokens are ``Token(kind, text, name)``:

- ``"text"``: character data between tags (entities left as written);
- ``"start"`` / ``"end"``: a start tag (``name`` lower-cased; ``<br/>``-style self-closing
  tags are ``"start"`` too, see :func:`is_self_closing`) or an end tag;
- ``"raw"``: the content of ``<script>``, ``<style>``, ``<textarea>`` and ``<title>`` (never
  markup);
- ``"other"``: comments, ``<!DOCTYPE>``, CDATA, and a ``<`` that starts no tag.
"""

from __future__ import annotations

import re
from typing import NamedTuple

RAW_TEXT = {"script", "style", "textarea", "title"}
#: elements that never have content or an end tag
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr"}

TAG = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9:-]*)(?:"[^"]*"|'[^']*'|[^'">])*>""", re.S)
ATTR = r"""\s{name}\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))"""


class Token(NamedTuple):
    kind: str
    text: str
    name: str = ""


def tokenize(html: str) -> list[Token]:
    """The tokens of ``html``; ``"".join(t.text for t in tokenize(html)) == html``."""
    tokens: list[Token] = []
    pos, n = 0, len(html)
    while pos < n:
        lt = html.find("<", pos)
        if lt < 0:
            tokens.append(Token("text", html[pos:]))
            break
        if lt > pos:
            tokens.append(Token("text", html[pos:lt]))
        if html.startswith("<!--", lt):
            end = html.find("-->", lt + 4)
            end = n if end < 0 else end + 3
            tokens.append(Token("other", html[lt:end]))
            pos = end
            continue
        if html.startswith("<!", lt) or html.startswith("<?", lt):
            end = html.find(">", lt)
            end = n if end < 0 else end + 1
            tokens.append(Token("other", html[lt:end]))
            pos = end
            continue
        m = TAG.match(html, lt)
        if not m:
            tokens.append(Token("other", "<"))
            pos = lt + 1
            continue
        name = m.group(2).lower()
        if m.group(1):
            tokens.append(Token("end", m.group(0), name))
            pos = m.end()
            continue
        tokens.append(Token("start", m.group(0), name))
        pos = m.end()
        if name in RAW_TEXT and not is_self_closing(m.group(0)):
            close = re.compile(rf"</{name}\s*>", re.I).search(html, pos)
            end = n if close is None else close.start()
            if end > pos:
                tokens.append(Token("raw", html[pos:end]))
            pos = end
    return tokens


def join(tokens: list[Token]) -> str:
    return "".join(t.text for t in tokens)


def is_self_closing(tag: str) -> bool:
    return tag.rstrip(">").rstrip().endswith("/")


def opens_element(token: Token) -> bool:
    """A start tag that has content and an end tag (not void, not ``<x/>``)."""
    return token.kind == "start" and token.name not in VOID and not is_self_closing(token.text)


def attribute(tag: str, name: str) -> str | None:
    """The value of attribute ``name`` in a start tag's text (None when absent)."""
    m = re.search(ATTR.format(name=re.escape(name)), tag, re.I)
    if not m:
        return None
    return next(g for g in m.groups() if g is not None)


def with_attribute(tag: str, name: str, value: str) -> str:
    """The start tag ``tag`` with ``name="value"`` added (``value`` must need no escaping)."""
    end = len(tag) - 2 if is_self_closing(tag) and tag.endswith("/>") else len(tag) - 1
    return f'{tag[:end].rstrip()} {name}="{value}"{tag[end:]}'
