"""The explorers and pads in another language: their finished HTML, translated.

An explorer's strings are made from templates with numbers ("Position 3 of 9: the
3×3 window at input rows 0–2 …"), and most of them live in the packed state table
(:mod:`.static`), so the translation works on the finished HTML, after the notebook
ran: :func:`translate_html` unpacks each state table, translates every text node
and text alternative (``alt``, ``aria-label``, the status lines) through a table of
templates with placeholders (:class:`Translator`; the Chinese one is
:mod:`.i18n_zh`), repacks the table with the same keys and shapes, translates the
visible labels of the markup and the few words of ``static/explorer.js`` (play,
pause, "3 of 9"), and marks the root with the language. The pads
(:mod:`cnnlab.playground`) get their label tables replaced the same way
(:mod:`cnnlab.playground.i18n`). Numbers, formulas and identifiers are copied as
they are. English (``lang`` "en" or None) is returned unchanged, byte for byte.

The book's Chinese edition calls :func:`translate_html` on every notebook output
(``book/_ext/explorer_lang.py``): the notebooks run once, in English.

A template is an English string with placeholders, ``{name}`` (any text, copied),
``{name:num}`` (a number), ``{name:dim}`` (``5×5``, ``6×28×28``), ``{name:t}`` (text
that is translated in turn, or copied when it holds no English words) or
``{name:<vocabulary>}`` (one of the words of a named vocabulary, or a named
function). A placeholder used twice must match the same text both times. The
longest templates (most literal text) are tried first.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from .static import _DATA, _script, read_payload

__all__ = ["Translator", "translate_html", "translate_markup", "translate_table", "translate_text", "english_words",
           "translator", "LANGS", "LANG_TAGS", "JS_STRINGS"]

#: Languages with a translation table (others raise a ValueError naming these).
LANGS = ("zh",)
#: The ``lang`` attribute a translated explorer or pad gets (the Chinese pages' own).
LANG_TAGS = {"zh": "zh-CN"}

#: Words that may stay in a translated text: names, units and identifiers. English prose
#: is any other word of two or more Latin letters, except a function name before its
#: argument (``max(8, 6)``, ``ReLU(Σ w·x)``) and the ``floor=True`` of a message.
KEPT_WORDS = frozenset("""
    AlexNet CNN DoG Gabor Grace Hopper Hubel Kuffler LGN LRN LeNet MNIST ON OUTPUT PyTorch ReLU
    ValueError Wiesel Wx full px softmax
""".split())
_CODE = re.compile(r"(?:max|min|ReLU)(?=\()|floor(?==True)|(?<==)True")

_WORD = re.compile(r"(?<![\w'’])[A-Za-z][A-Za-z'’]*[A-Za-z](?![\w'’])")
_HEX_PIXEL = re.compile(r"x[0-9A-F]")  # FCvsConv's pixel names x0 … xF
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{(\w+)(?::(\w+))?\}")


def english_words(text: str) -> list[str]:
    """The English prose words of ``text``: words of two or more Latin letters that are not
    part of an identifier (``a11``, ``z_a``, ``conv2d_backward``, ``netˡ⁻¹``), not in
    :data:`KEPT_WORDS` and not code (``max(``, ``floor=True``)."""
    code = {m.start() for m in _CODE.finditer(text)}
    return [m.group(0) for m in _WORD.finditer(text)
            if m.group(0) not in KEPT_WORDS and m.start() not in code and not _HEX_PIXEL.fullmatch(m.group(0))]


# -- templates -----------------------------------------------------------------------------------
_KIND_REGEX = {None: r".+?", "t": r".+?", "num": r"[−-]?\d+(?:\.\d+)?", "dim": r"\d+(?:×\d+)+"}


@dataclass
class _Template:
    source: str
    target: str
    regex: re.Pattern
    slots: list  # (name, kind) in order of first use

    @property
    def weight(self) -> int:
        return len(_PLACEHOLDER.sub("", self.source))


@dataclass
class Translator:
    """English → another language, by templates (see the module docstring).

    Parameters
    ----------
    templates : sequence of (English template, translated template)
    vocabularies : dict
        name → ``{English word: translation}`` or a function (text → translation or
        None when it does not apply), for ``{name:<vocabulary>}`` placeholders.
    """

    templates: list
    vocabularies: dict = field(default_factory=dict)

    def __post_init__(self):
        self._compiled = sorted((self._compile(s, t) for s, t in self.templates), key=lambda t: -t.weight)
        self._cache: dict[str, str | None] = {}

    def _compile(self, source: str, target: str) -> _Template:
        parts, slots, seen, pos = [], [], set(), 0
        for m in _PLACEHOLDER.finditer(source):
            parts.append(re.escape(source[pos:m.start()]))
            pos = m.end()
            if m.group(0) in ("{{", "}}"):
                parts.append(re.escape(m.group(0)[0]))
                continue
            name, kind = m.group(1), m.group(2)
            if name in seen:
                parts.append(f"(?P={name})")
                continue
            seen.add(name)
            slots.append((name, kind))
            parts.append(f"(?P<{name}>{self._regex(kind)})")
        parts.append(re.escape(source[pos:]))
        used = {m.group(1) for m in _PLACEHOLDER.finditer(target) if m.group(1)}
        if not used <= seen:
            raise ValueError(f"template {source!r}: the translation {target!r} uses placeholders "
                             f"{sorted(used - seen)} that the English has not")
        return _Template(source, target, re.compile("".join(parts), re.S), slots)

    def _regex(self, kind) -> str:
        if kind in _KIND_REGEX:
            return _KIND_REGEX[kind]
        vocabulary = self.vocabularies.get(kind)
        if vocabulary is None:
            raise ValueError(f"unknown placeholder kind {kind!r}; kinds are {sorted(k for k in _KIND_REGEX if k)} "
                             f"and the vocabularies {sorted(self.vocabularies)}")
        if callable(vocabulary):
            return r".+?"
        return "|".join(re.escape(w) for w in sorted(vocabulary, key=len, reverse=True))

    def _value(self, kind, text: str) -> str | None:
        if kind in (None, "num", "dim"):
            return text
        if kind == "t":
            done = self.text(text)
            return done if done is not None else (None if english_words(text) else text)
        vocabulary = self.vocabularies[kind]
        return vocabulary(text) if callable(vocabulary) else vocabulary.get(text)

    def text(self, text: str) -> str | None:
        """The translation of the whole of ``text`` (no markup), or None when no template matches."""
        if text in self._cache:
            return self._cache[text]
        result = None
        for t in self._compiled:
            m = t.regex.fullmatch(text)
            if m is None:
                continue
            values = {}
            for name, kind in t.slots:
                values[name] = self._value(kind, m.group(name))
                if values[name] is None:
                    break
            else:
                result = _fill(t.target, values)
                break
        self._cache[text] = result
        return result


def _fill(target: str, values: dict) -> str:
    def one(m):
        return m.group(0)[0] if m.group(0) in ("{{", "}}") else values[m.group(1)]
    return _PLACEHOLDER.sub(one, target)


_TRANSLATORS: dict[str, Translator] = {}


def translator(lang: str) -> Translator:
    """The :class:`Translator` of ``lang`` (one of :data:`LANGS`), built once."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS} (or 'en'/None for no translation); got {lang!r}")
    if lang not in _TRANSLATORS:
        from . import i18n_zh
        from ..playground.i18n import pad_templates

        _TRANSLATORS[lang] = Translator(list(i18n_zh.TEMPLATES) + pad_templates(lang), i18n_zh.VOCABULARIES)
    return _TRANSLATORS[lang]


def _language(lang: str | None) -> str | None:
    """"zh" for zh, zh_CN, zh-Hans …; None for English; ValueError otherwise."""
    if lang is None or lang.lower().replace("_", "-").split("-")[0] == "en":
        return None
    base = lang.lower().replace("_", "-").split("-")[0]
    if base not in LANGS:
        raise ValueError(f"lang must be one of {LANGS} (or 'en'/None for no translation); got {lang!r}")
    return base


def translate_text(text: str, lang: str | None = "zh", missing: list | None = None) -> str:
    """One plain-text string (a status line, a message) in ``lang``; kept as it is when no
    template fits (and appended to ``missing`` when it holds English words)."""
    lang = _language(lang)
    if lang is None or not _WORD.search(text):
        return text
    core = text.strip()
    done = translator(lang).text(core)
    if done is None:
        if missing is not None and english_words(core):
            missing.append(core)
        return text
    lead = len(text) - len(text.lstrip())
    return text[:lead] + done + text[lead + len(core):]


# -- markup --------------------------------------------------------------------------------------
_TAG = re.compile(r"<!--.*?-->|<(?:script|style)\b.*?</(?:script|style)\s*>|</?[A-Za-z][^<>]*>", re.S)
_ATTR = re.compile(r'(\s(?:alt|aria-label|title)=")([^"]*)(")')
#: the English pages mark Chinese terms for the browser; a Chinese page needs no such span,
#: and dropping it joins the sentence around the term into one text to translate
_ZH_SPAN = re.compile(r'<span lang="zh-Hans">([^<>]*)</span>')


def translate_markup(markup: str, lang: str | None = "zh", missing: list | None = None) -> str:
    """``markup`` (HTML or SVG) with its text nodes and ``alt``/``aria-label``/``title`` values
    translated; tags, scripts and styles untouched; unchanged for English."""
    lang = _language(lang)
    if lang is None:
        return markup
    markup = _ZH_SPAN.sub(r"\1", markup)
    out, pos = [], 0
    for m in _TAG.finditer(markup):
        out.append(_text_node(markup[pos:m.start()], lang, missing))
        tag = m.group(0)
        if not tag.startswith(("<script", "<style", "<!--")):
            tag = _ATTR.sub(lambda a: a.group(1) + _attribute(a.group(2), lang, missing) + a.group(3), tag)
        out.append(tag)
        pos = m.end()
    out.append(_text_node(markup[pos:], lang, missing))
    return "".join(out)


def _text_node(raw: str, lang: str, missing) -> str:
    if not raw or not _WORD.search(raw):
        return raw
    text = html.unescape(raw)
    done = translate_text(text, lang, missing)
    return raw if done == text else html.escape(done)


def _attribute(raw: str, lang: str, missing) -> str:
    text = html.unescape(raw)
    done = translate_text(text, lang, missing)
    return raw if done == text else html.escape(done)


# -- explorers -------------------------------------------------------------------------------------
#: The words of ``static/explorer.js`` a reader sees, as they stand in the script, and their
#: translations (tests check that every one is still in the script).
JS_STRINGS = {
    "zh": {
        '"▶ play"': '"▶ 播放"',
        '"❚❚ pause"': '"❚❚ 暂停"',
        '(s + 1) + " of " + steps.length': '"第 " + (s + 1) + " 个，共 " + steps.length + " 个"',
        '"This browser cannot unpack the other states; the drawing shows the first one."':
            '"这个浏览器无法解压其余的状态；图中只显示第一个状态。"',
    },
}

_EXPLORER_ROOT = re.compile(r'<div class="cnnlab-explorer"(?![^>]*\slang=)')
_EXPLORER_JS = re.compile(r"<script>(?=/\* cnnlab explorers, static view)(.*?)</script>", re.S)


def translate_table(table: dict, lang: str | None = "zh", missing: list | None = None) -> dict:
    """A state table (:func:`.static.payload`) with every line and text alternative translated.

    Keys, the number of steps of each key and the line numbers of each state stay as they
    are; a line used both as drawing markup and as a text alternative is split in two."""
    lang = _language(lang)
    if lang is None:
        return table
    alt_ids = {i for steps in table["alts"].values() for i in steps}
    drawn = {i for steps in table["states"].values() for state in steps for i in state}
    lines = [translate_markup(line, lang, missing) if i in drawn else line for i, line in enumerate(table["lines"])]
    alts, as_alt = {}, {}
    for i in sorted(alt_ids):
        text = translate_text(table["lines"][i], lang, missing)
        if i in drawn and text != lines[i]:  # the same line in both roles: the alternative gets its own
            as_alt[i] = len(lines)
            lines.append(text)
        else:
            lines[i] = text
    for key, steps in table["alts"].items():
        alts[key] = [as_alt.get(i, i) for i in steps]
    return dict(table, lines=lines, alts=alts)


def _translate_explorers(page: str, lang: str, missing) -> str:
    """Every explorer of ``page``: state tables, markup, script words, root language."""
    tables = []

    def table(m):
        tables.append(m.group(0))
        return f"\0{len(tables) - 1}\0"

    page = _DATA.sub(table, page)
    page = translate_markup(page, lang, missing)
    for k, script in enumerate(tables):
        translated = _script(translate_table(read_payload(script), lang, missing))
        page = page.replace(f"\0{k}\0", translated, 1)

    def js(m):
        body = m.group(1)
        for english, done in JS_STRINGS[lang].items():
            body = body.replace(english, done)
        return f"<script>{body}</script>"

    page = _EXPLORER_JS.sub(js, page)
    return _EXPLORER_ROOT.sub(f'<div class="cnnlab-explorer" lang="{LANG_TAGS[lang]}"', page)


def translate_html(page: str, lang: str | None = "zh", missing: list | None = None) -> str:
    """The HTML of explorers and pads (a notebook output, or any page holding them) in ``lang``.

    ``lang``: "zh" (also "zh_CN", "zh-Hans", …); "en" or None return ``page`` unchanged.
    English strings no template covers stay English and are appended to ``missing``
    (the book's extension reports them; the tests require none).
    """
    lang = _language(lang)
    if lang is None:
        return page
    if 'class="cnnlab-explorer"' in page:
        page = _translate_explorers(page, lang, missing)
    if 'class="cl-pg ' in page:
        from ..playground.i18n import translate_pads

        page = translate_pads(page, lang, missing)
    return page

