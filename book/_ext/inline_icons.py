"""Draw the theme's few icons as inline SVG instead of loading all of Font Awesome.

pydata-sphinx-theme loads Font Awesome 6 on every page: its JavaScript (1.49 MB, which turns
``<i class="fa-solid fa-bars">`` into SVG), its stylesheet (0.10 MB) and three preloaded web
fonts (0.30 MB) — about 1.9 MB, on every page, for the dozen icons the site shows.

After the build, this extension rewrites every HTML page: each element whose classes name a
Font Awesome icon gets that icon's SVG inside it (the path data read, at build time, from the
Font Awesome file the installed theme ships), and the Font Awesome ``<script>``, stylesheet and
font preloads are removed; the unused ``_static/vendor/fontawesome`` directory is deleted. An
icon name that Font Awesome does not know is a warning (a ``-W`` build fails). The rewrite is
idempotent. ``book/_static/cnnlab-site.css`` sizes the SVG like Font Awesome does.
"""

from __future__ import annotations

import re
import shutil
from functools import lru_cache
from pathlib import Path

from html_tokens import Token, attribute, join, tokenize
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

SVG_CLASS = "fa-svg-icon"
#: style classes -> Font Awesome pack prefix
STYLE_PREFIX = {"fa-solid": "fas", "fas": "fas", "fa-regular": "far", "far": "far",
                "fa-brands": "fab", "fab": "fab", "fa": "fas"}
#: classes that modify an icon rather than name one
MODIFIERS = {"fa-fw", "fa-lg", "fa-xs", "fa-sm", "fa-xl", "fa-2xs", "fa-2xl", "fa-spin",
             "fa-pulse", "fa-border", "fa-pull-left", "fa-pull-right", "fa-li", "fa-ul",
             "fa-inverse", "fa-stack", "fa-stack-1x", "fa-stack-2x", "fa-flip-horizontal",
             "fa-flip-vertical", "fa-beat", "fa-bounce", "fa-fade", "fa-shake", "fa-flip",
             *(f"fa-{n}x" for n in range(1, 11)), *(f"fa-rotate-{d}" for d in (90, 180, 270))}
#: one icon in Font Awesome's JS: name:[width,height,[aliases],"unicode","path"]
ICON = re.compile(r"""(?:"([^"]+)"|([A-Za-z0-9_$]+)):\[(\d+),(\d+),\[([^\]]*)\],"[0-9a-f]+",("[^"]*")\]""")
#: where a pack's icons are handed to Font Awesome: d("fas",p) ...
PACK_END = re.compile(r"""\b[A-Za-z_$]\("(fa[sbr])",[A-Za-z_$]+\)""")
ASSET = re.compile(r"_static/vendor/fontawesome/")


def fontawesome_js() -> Path | None:
    """The ``all.min.js`` of Font Awesome shipped by the installed pydata-sphinx-theme."""
    import pydata_sphinx_theme

    found = sorted(Path(pydata_sphinx_theme.__file__).parent.glob("theme/*/static/vendor/fontawesome/*/js/all.min.js"))
    return found[-1] if found else None


@lru_cache(maxsize=2)
def icon_table(js_path: Path) -> dict[str, dict[str, tuple[int, int, str]]]:
    """``{prefix: {name or alias: (width, height, svg path)}}`` parsed from Font Awesome's JS."""
    text = js_path.read_text(encoding="utf-8")
    table: dict[str, dict[str, tuple[int, int, str]]] = {}
    start = 0
    for end in PACK_END.finditer(text):
        pack = table.setdefault(end.group(1), {})
        for m in ICON.finditer(text, start, end.start()):
            name = m.group(1) or m.group(2)
            icon = (int(m.group(3)), int(m.group(4)), m.group(6)[1:-1])
            pack.setdefault(name, icon)
            for alias in re.findall(r'"([^"]+)"', m.group(5)):
                pack.setdefault(alias, icon)
        start = end.end()
    return table


def icon_of(classes: list[str]) -> tuple[str, str] | None:
    """``(prefix, name)`` when ``classes`` name a Font Awesome icon, else None."""
    if not any(c in STYLE_PREFIX for c in classes):
        return None
    prefix = next((STYLE_PREFIX[c] for c in classes if c in STYLE_PREFIX), "fas")
    names = [c[3:] for c in classes if c.startswith("fa-") and c not in STYLE_PREFIX and c not in MODIFIERS]
    return (prefix, names[0]) if names else None


def svg(width: int, height: int, path: str) -> str:
    return (f'<svg class="{SVG_CLASS}" viewBox="0 0 {width} {height}" aria-hidden="true" '
            f'focusable="false"><path fill="currentColor" d="{path}"></path></svg>')


def inline_icons(html: str, table: dict, where: str = "") -> tuple[str, set[str]]:
    """``html`` with SVG icons inside Font Awesome elements and FA assets removed.

    Returns the new text and the names of the icons that were not found.
    """
    tokens = tokenize(html)
    out: list[Token] = []
    unknown: set[str] = set()
    skip_until_end = None
    for i, token in enumerate(tokens):
        if skip_until_end:
            if token.kind == "end" and token.name == skip_until_end:
                skip_until_end = None
            continue
        if token.kind == "start" and token.name in ("script", "link"):
            ref = attribute(token.text, "src" if token.name == "script" else "href") or ""
            if ASSET.search(ref):
                if token.name == "script":
                    skip_until_end = "script"
                continue
        out.append(token)
        if token.kind != "start":
            continue
        found = icon_of((attribute(token.text, "class") or "").split())
        if not found or token.name == "svg":
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt is not None and nxt.kind == "start" and SVG_CLASS in (attribute(nxt.text, "class") or ""):
            continue  # already drawn
        prefix, name = found
        icon = table.get(prefix, {}).get(name)
        if icon is None:
            unknown.add(f"{prefix} {name}")
            continue
        out.append(Token("other", svg(*icon)))
    text = join(out)
    # the newline left by a removed tag
    return re.sub(r"\n[ \t]*\n(?=[ \t]*<)", "\n", text) if len(out) != len(tokens) else text, unknown


def on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    js = fontawesome_js()
    if js is None:
        logger.warning("inline_icons: Font Awesome's all.min.js not found in pydata-sphinx-theme",
                       type="inline_icons")
        return
    table = icon_table(js)
    outdir = Path(app.outdir)
    used: set[str] = set()
    for page in sorted(outdir.rglob("*.html")):
        rel = page.relative_to(outdir).as_posix()
        if rel.startswith(("_static/", "_sources/")):
            continue
        text = page.read_text(encoding="utf-8")
        new, unknown = inline_icons(text, table, rel)
        for name in sorted(unknown):
            logger.warning("inline_icons: no Font Awesome icon %r (in %s)", name, rel, type="inline_icons")
        used.update(re.findall(r'class="fa-svg-icon" viewBox="([^"]+)"', new))
        if new != text:
            page.write_text(new, encoding="utf-8")
        if ASSET.search(new):
            logger.warning("inline_icons: %s still refers to Font Awesome's files", rel, type="inline_icons")
    shutil.rmtree(outdir / "_static" / "vendor" / "fontawesome", ignore_errors=True)


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", on_build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
