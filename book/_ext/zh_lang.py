"""Mark every run of Chinese text in the built site as Chinese: ``<span lang="zh-Hans">``.

The pages are English (``<html lang="en">``) with the lecture's Chinese terms beside the
English ones. Without a language of their own, browsers draw those characters with whatever
CJK face they prefer for "en" — Chromium with Noto CJK picks the Japanese forms of 直, 骨, 误 —
and screen readers read them with an English voice. After the build, this extension rewrites
every HTML page (titles, headings, the navigation, prose, tables, glossary, static explorer
markup): each run of Han characters and CJK punctuation that is not already inside an element
with a ``lang`` attribute gets a ``<span lang="zh-Hans">``. Where a span cannot go — inside
``<option>``, SVG ``<text>`` and the like — the enclosing element gets ``lang="zh-Hans"`` when
its Chinese text is its only text. Scripts, styles, ``<title>`` and attribute values are left
alone. The rewrite is idempotent (an incremental build reprocesses every page).

Sources stay untouched: notebooks and pages need no markup of their own.
"""

from __future__ import annotations

import re
from pathlib import Path

from html_tokens import Token, attribute, join, opens_element, tokenize, with_attribute
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

LANG = "zh-Hans"
#: Han ideographs (with extensions A, B+ and compatibility forms), CJK symbols and punctuation
#: (、。「」《》 …) and the full-width forms (，：；（） …)
CJK = "\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f"
#: a run of Chinese: CJK characters, possibly with spaces or middle dots between them
CJK_RUN = re.compile(rf"[{CJK}](?:[ \u00b7]*[{CJK}])*")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
#: elements whose content cannot hold a <span>: their own lang is set instead
NO_SPAN = {"option", "optgroup", "text", "tspan", "textpath", "desc"}


def mark_chinese(html: str) -> tuple[str, int]:
    """Return ``html`` with its Chinese runs marked, and how many runs were wrapped or marked."""
    tokens = tokenize(html)
    out: list[Token] = []
    # open elements: [name, lang or None (inherited), index of its start tag in ``out``, in_svg]
    stack: list[list] = []
    count = 0
    for token in tokens:
        if token.kind == "start":
            lang = attribute(token.text, "lang")
            inherited = stack[-1][1] if stack else None
            in_svg = token.name == "svg" or bool(stack and stack[-1][3])
            out.append(token)
            if opens_element(token):
                stack.append([token.name, lang if lang is not None else inherited, len(out) - 1, in_svg])
            continue
        if token.kind == "end":
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == token.name:
                    del stack[depth:]
                    break
            out.append(token)
            continue
        if token.kind != "text" or not CJK_RUN.search(token.text) or not stack:
            out.append(token)
            continue
        name, lang, start, in_svg = stack[-1]
        if lang is not None and lang.lower().startswith("zh"):
            out.append(token)
            continue
        if in_svg or name in NO_SPAN:
            # no span allowed: the element itself becomes Chinese when it holds only Chinese
            if not re.search(r"[A-Za-z]", token.text) and name not in {"svg", "g"}:
                out[start] = Token("start", with_attribute(out[start].text, "lang", LANG), name)
                stack[-1][1] = LANG
                count += 1
            out.append(token)
            continue
        pieces, last = [], 0
        for m in CJK_RUN.finditer(token.text):
            pieces.append(token.text[last:m.start()])
            pieces.append(f'<span lang="{LANG}">{m.group(0)}</span>')
            last = m.end()
            count += 1
        pieces.append(token.text[last:])
        out.append(Token("text", "".join(pieces)))
    return join(out), count


def chinese_outside_zh(html: str) -> str:
    """The Han characters of ``html``'s body text that no ``zh`` element holds (for checks)."""
    stack: list[tuple[str, str | None]] = []  # (element, its language, inherited)
    left = []
    in_body = False
    for token in tokenize(html):
        if token.kind == "start":
            in_body = in_body or token.name == "body"
            if opens_element(token):
                lang = attribute(token.text, "lang")
                stack.append((token.name, lang if lang is not None else (stack[-1][1] if stack else None)))
        elif token.kind == "end":
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == token.name:
                    del stack[depth:]
                    break
        elif token.kind == "text" and in_body:
            lang = stack[-1][1] if stack else None
            if not (lang or "").lower().startswith("zh"):
                left += HAN.findall(token.text)
    return "".join(left)


def on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    total = 0
    for page in sorted(outdir.rglob("*.html")):
        if page.relative_to(outdir).parts[0] in {"_static", "_sources"}:
            continue
        text = page.read_text(encoding="utf-8")
        new, count = mark_chinese(text)
        if new != text:
            page.write_text(new, encoding="utf-8")
        total += count
    logger.info("zh_lang: %d Chinese run(s) marked lang=%s", total, LANG)


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", on_build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
