"""Drop the style rules that nothing on the site can use from the theme's large stylesheets.

Every page loads the same stylesheets, about 470 KB of CSS: Bootstrap 5 (209 KB, minified),
pydata-sphinx-theme (86 KB), the ipywidgets/Jupyter styles bundled by myst-nb (43 KB),
sphinx-design (55 KB, for cards and tabs no page uses) … A phone reader on a slow line pays for
all of it on the first page. Most of those rules style components this site never shows
(carousels, modals, toasts, form validation, cards, widgets).

After the build, this extension collects every word of the built site — the HTML pages and
every script in ``_static`` (classes that scripts add at run time, such as ``show``,
``collapsing``, ``tooltip``, appear there as strings) — and, in each stylesheet matched by
``unused_css_files``, removes each selector that needs a class appearing nowhere in that
text (a rule goes when all its selectors go; an ``@media`` block when all its rules go).
Selectors are kept whenever in doubt: classes inside ``:not()``, ``:is()``, ``:where()`` and
``:has()`` are not counted, escaped selectors are kept, and classes that scripts build from
pieces at run time (``unused_css_keep``, e.g. Bootstrap's ``bs-tooltip-auto``) are kept by
prefix. Declarations, at-rules other than ``@media``/``@supports``, and ``/*! licence */``
comments are left as they are. The rewrite runs after the other page rewrites and is
idempotent (an incremental build copies the theme's files again and rewrites them again).

Left alone on purpose: KaTeX's stylesheet, Pygments colours, sphinx-thebe's (its classes come
from Thebe's script, fetched only when a reader starts live code) and our own.
"""

from __future__ import annotations

import re
from pathlib import Path

import tinycss2
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: stylesheets (globs relative to ``_static``) whose unused rules are removed
DEFAULT_FILES = ["styles/bootstrap.css", "styles/pydata-sphinx-theme.css",
                 "styles/sphinx-book-theme.css", "sphinx-design.min.css", "basic.css",
                 "mystnb.*.css"]
#: class prefixes kept whatever the pages say: names that scripts assemble at run time
#: (Bootstrap: `bs-${name}-auto`, `${prefix}-${placement}`), and Jupyter widget/output
#: classes, which live code (Thebe, fetched when a reader asks for it) adds
DEFAULT_KEEP = ["bs-", "jp-", "jupyter-", "widget-", "lm-"]

WORD = re.compile(r"-?[_A-Za-z][\w-]*")
CLASS = re.compile(r"\.(-?[_A-Za-z][\w-]*)")
#: functional pseudo-classes whose arguments are not required to match
FUNCTIONAL = re.compile(r":(?:not|is|where|has|matches|-webkit-any|-moz-any)\(", re.I)


def site_words(outdir: Path) -> set[str]:
    """Every identifier-like word in the built pages and in the scripts under ``_static``."""
    words: set[str] = set()
    files = [p for p in outdir.rglob("*.html") if "_sources" not in p.relative_to(outdir).parts]
    files += list((outdir / "_static").rglob("*.js"))
    for path in files:
        words.update(WORD.findall(path.read_text(encoding="utf-8", errors="replace")))
    return words


def _without_functional(selector: str) -> str:
    """``selector`` with the arguments of ``:not()``, ``:is()``, … cut out."""
    while True:
        m = FUNCTIONAL.search(selector)
        if not m:
            return selector
        depth, i = 1, m.end()
        while i < len(selector) and depth:
            depth += {"(": 1, ")": -1}.get(selector[i], 0)
            i += 1
        selector = selector[:m.start()] + selector[i:]


def selector_is_used(selector: str, words: set[str], keep: tuple[str, ...]) -> bool:
    """False only when ``selector`` needs a class that no page or script mentions."""
    if "\\" in selector:
        return True  # escaped characters: not worth the risk
    for name in CLASS.findall(_without_functional(selector)):
        if name not in words and not name.startswith(keep):
            return False
    return True


def _compact(tokens) -> str:
    """Serialise tokens with every run of whitespace as one space."""
    return re.sub(r"\s+", " ", tinycss2.serialize(
        [t if t.type != "whitespace" else tinycss2.ast.WhitespaceToken(t.source_line, t.source_column, " ")
         for t in tokens])).strip()


def purge_rules(rules, words: set[str], keep: tuple[str, ...]) -> tuple[str, int]:
    """The CSS text of ``rules`` without unused selectors; also how many selectors went."""
    out: list[str] = []
    dropped = 0
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [s.strip() for s in _split_selectors(tinycss2.serialize(rule.prelude))]
            used = [s for s in selectors if selector_is_used(s, words, keep)]
            dropped += len(selectors) - len(used)
            if used:
                out.append(",".join(re.sub(r"\s+", " ", s) for s in used) + "{" + _compact(rule.content) + "}")
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports") and rule.content is not None:
            inner, n = purge_rules(tinycss2.parse_blocks_contents(rule.content), words, keep)
            dropped += n
            if inner:
                out.append(f"@{rule.at_keyword} {_compact(rule.prelude)}{{{inner}}}")
        elif rule.type == "comment":
            if rule.value.startswith("!"):
                out.append(f"/*{rule.value}*/")
        elif rule.type == "whitespace":
            continue
        elif rule.type == "error":
            raise ValueError(f"unparsable CSS: {rule.message}")
        else:
            out.append(tinycss2.serialize([rule]))
    return "".join(out), dropped


def _split_selectors(prelude: str) -> list[str]:
    """Split a selector list at its top-level commas (not those inside parentheses)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(prelude):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(prelude[start:i])
            start = i + 1
    parts.append(prelude[start:])
    return [p for p in parts if p.strip()]


def purge_css(css: str, words: set[str], keep: tuple[str, ...] = tuple(DEFAULT_KEEP)) -> str:
    """``css`` without the selectors (and then rules) that need a class outside ``words``."""
    rules = tinycss2.parse_stylesheet(css)
    text, _ = purge_rules(rules, words, keep)
    return text + "\n"


def on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    static = outdir / "_static"
    sheets = sorted({p for pattern in app.config.unused_css_files for p in static.glob(pattern)})
    if not sheets:
        return
    words = site_words(outdir)
    keep = tuple(app.config.unused_css_keep)
    before = after = 0
    for sheet in sheets:
        css = sheet.read_text(encoding="utf-8")
        try:
            new = purge_css(css, words, keep)
        except ValueError as err:
            logger.warning("unused_css: %s left as it is: %s", sheet.relative_to(outdir), err,
                           type="unused_css")
            continue
        before, after = before + len(css.encode()), after + len(new.encode())
        if new != css:
            sheet.write_text(new, encoding="utf-8")
    logger.info("unused_css: %d stylesheets, %d KB -> %d KB", len(sheets), before // 1000, after // 1000)


def setup(app: Sphinx) -> dict:
    app.add_config_value("unused_css_files", DEFAULT_FILES, "html")
    app.add_config_value("unused_css_keep", DEFAULT_KEEP, "html")
    # after the page rewrites (icons, Chinese marking, site fixes) that add classes
    app.connect("build-finished", on_build_finished, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
