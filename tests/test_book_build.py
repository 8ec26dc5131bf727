"""The book's configuration and the built site, checked without a browser.

- the offline checker of ``book/_ext/offline_site.py`` finds what it must and nothing else;
- matplotlib's Font Awesome CDN link is dropped from animations;
- ``_toc.yml`` lists the lecture's chapters by their contract names, and every notebook;
- every bibliography entry has a DOI or URL, keys are unique;
- the post-build rewrites: Chinese runs wrapped in ``lang="zh-Hans"`` (``zh_lang``), Font
  Awesome replaced by inline SVG (``inline_icons``), the HTML tokenizer they share is lossless,
  NamedTuple alias stubs skipped (``api_tidy``), duplicate scripts dropped and the bare redirect
  page completed (``site_fixes``), a formula typeset by KaTeX and a bad one reported, KaTeX's
  inline styles made page classes (``katex_math``), unused theme CSS rules removed
  (``unused_css``);
- the built site (``_build/html``, made by `make book`/`make test`; skipped when absent): formulas
  typeset at build time (KaTeX's stylesheet and fonts served, no math script), no Font Awesome
  file, Chinese marked, no external reference in any page or stylesheet, every page under 5 MB
  with its images, launch buttons derived from the one repository URL of ``_config.yml``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
#: the built site; CNNLAB_SITE points the tests at another build (e.g. a private one)
SITE = Path(os.environ.get("CNNLAB_SITE", ROOT / "_build" / "html"))
sys.path.insert(0, str(ROOT / "book" / "_ext"))

import api_tidy  # noqa: E402
import authoryear  # noqa: E402
import html_tokens  # noqa: E402
import inline_icons  # noqa: E402
import katex_math  # noqa: E402
import offline_site  # noqa: E402
import site_fixes  # noqa: E402
import unused_css  # noqa: E402
import zh_lang  # noqa: E402

#: the contract's chapter notebooks, in the lecture's order
CHAPTERS = [
    "notebooks/ch1_visual_system",
    "notebooks/ch2_math_principles",
    "notebooks/ch3_backprop_derivation",
    "notebooks/ch4_history",
    "notebooks/ch5_digit_recognition",
    "notebooks/homework",
]
MAX_PAGE_BYTES = 5 * 1024 * 1024

needs_site = pytest.mark.skipif(
    not (SITE / "book" / "intro.html").is_file(), reason=f"no built site in {SITE}: run `make book`"
)


def _toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part.get("chapters", [])]
    files += [c["file"] for c in toc.get("chapters", [])]
    return files


def _pages() -> list[Path]:
    return [
        p for p in sorted(SITE.rglob("*.html"))
        # both editions' pages (the Chinese one in zh/), not their assets and sources
        if not {"_static", "_sources", "_images"} & set(p.relative_to(SITE).parts)
        and not p.relative_to(SITE).parts[0].startswith(".")
    ]


# --- the offline checker ---------------------------------------------------------------------

def test_checker_flags_every_kind_of_external_fetch():
    html = """
    <html><head>
    <script src="https://cdn.example.org/lib.js"></script>
    <script src="//cdn.example.org/protocol-relative.js"></script>
    <link rel="stylesheet" href="https://fonts.example.org/font.css">
    <link rel="preload" as="font" href="http://fonts.example.org/f.woff2">
    <link rel="icon" href="https://example.org/favicon.ico">
    <style>@import "https://example.org/imported.css"; .x { background: url(https://example.org/bg.png) }</style>
    </head><body>
    <img src="https://example.org/a.png">
    <img srcset="local.png 1x, https://example.org/b.png 2x">
    <iframe src="https://example.org/embed"></iframe>
    <div style="background-image: url('//example.org/c.png')"></div>
    </body></html>"""
    found = {url for _, url in offline_site.external_references(html)}
    assert found == {
        "https://cdn.example.org/lib.js",
        "//cdn.example.org/protocol-relative.js",
        "https://fonts.example.org/font.css",
        "http://fonts.example.org/f.woff2",
        "https://example.org/favicon.ico",
        "https://example.org/imported.css",
        "https://example.org/bg.png",
        "https://example.org/a.png",
        "https://example.org/b.png",
        "https://example.org/embed",
        "//example.org/c.png",
    }


def test_checker_allows_links_readers_click_and_local_assets():
    html = """
    <link rel="canonical" href="https://example.org/book/intro.html">
    <link rel="stylesheet" href="../_static/styles/theme.css">
    <script src="../_static/mathjax/tex-chtml.js"></script>
    <script>const THEBE_JS_URL = "https://unpkg.com/thebe@0.8.2/lib/index.js"</script>
    <a href="https://mybinder.org/v2/gh/cnnlab/cnn-lab/main">Binder</a>
    <a href="https://doi.org/10.1109/5.726791">LeCun 1998</a>
    <img src="data:image/png;base64,iVBORw0KGgo=">
    <img src="../_images/figure.png">
    <p>Text that mentions https://example.org is not a fetch.</p>"""
    assert offline_site.external_references(html) == []


def test_font_awesome_link_of_matplotlib_animations_is_dropped():
    from docutils import nodes
    from docutils.utils import new_document
    from matplotlib import _animation_data

    html = _animation_data.JS_INCLUDE + _animation_data.STYLE_INCLUDE
    assert "font-awesome" in html  # what matplotlib emits
    doc = new_document("test")
    doc += nodes.raw(html, html, format="html", classes=["output", "text_html"])
    doc += nodes.raw("<p>font-awesome mentioned in text</p>", "<p>font-awesome mentioned in text</p>", format="html")
    offline_site.strip_font_awesome(None, doc, "test")
    raws = list(doc.findall(nodes.raw))
    assert "font-awesome" not in raws[0].astext()
    assert "function Animation(" in raws[0].astext()  # the player itself is kept
    assert raws[0]["classes"] == ["output", "text_html"]
    assert raws[1].astext() == "<p>font-awesome mentioned in text</p>"  # no <link>: untouched
    assert offline_site.external_references(raws[0].astext()) == []


# --- table of contents and bibliography ---------------------------------------------------------

def test_toc_lists_the_six_chapters_in_lecture_order_and_only_existing_files():
    files = _toc_files()
    for f in files:
        assert any((ROOT / f"{f}{ext}").is_file() for ext in (".md", ".ipynb")), f"{f} listed but missing"
    listed = [f for f in files if f.startswith("notebooks/")]
    assert listed == CHAPTERS, listed
    for page in ("book/intro", "book/glossary", "book/errata", "book/references", "book/api"):
        assert page in files


def _committed_notebooks() -> set[str]:
    """Notebooks git tracks (all of them outside a git checkout): work in progress is not held to it."""
    try:
        out = subprocess.run(["git", "ls-files", "notebooks/*.ipynb"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        out = [p.relative_to(ROOT).as_posix() for p in (ROOT / "notebooks").glob("*.ipynb")]
    return {o.removesuffix(".ipynb") for o in out}


def test_every_notebook_is_in_the_toc():
    listed = set(_toc_files())
    on_disk = _committed_notebooks()
    assert on_disk <= listed, f"notebooks not in _toc.yml: {sorted(on_disk - listed)}"


def test_bibliography_entries_have_doi_or_url_and_unique_keys():
    from pybtex.database import parse_string

    text = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    keys = re.findall(r"^@\w+\{([^,\s]+),", text, flags=re.M)
    assert len(keys) == len(set(keys)), f"duplicate keys: {sorted(k for k in keys if keys.count(k) > 1)}"
    db = parse_string(text, "bibtex")
    for key in ("hubel1959receptive", "hubel1962receptive", "kuffler1953discharge", "lecun1989backpropagation",
                "lecun1998gradient", "fukushima1980neocognitron", "rumelhart1986learning",
                "krizhevsky2012imagenet", "simonyan2015very", "he2016deep", "zhenglecture03"):
        assert key in db.entries
    missing = [k for k, e in db.entries.items() if not ({"doi", "url"} & {f.lower() for f in e.fields})]
    assert not missing, f"entries without doi or url: {missing}"


def test_bibliography_labels_read_like_author_year_citations():
    from pybtex.database import parse_string

    db = parse_string(r"""
    @article{a, author = {Fukushima, Kunihiko}, title = {N}, year = {1980}}
    @article{b, author = {Hubel, David H. and Wiesel, Torsten N.}, title = {R}, year = {1962}}
    @article{c, author = {LeCun, Y. and Bottou, L{\'e}on and Bengio, Y.}, title = {G}, year = {1998}}
    @article{d, author = {LeCun, Y. and Cortes, C. and Burges, C.}, title = {M}, year = {1998}}
    @misc{e, author = {Cire{\c{s}}an, Dan}, title = {D}}
    """, "bibtex")
    style = authoryear.AuthorYearStyle()
    labels = list(style.format_labels(style.sort(db.entries.values())))
    assert labels == ["Cireşan n.d.", "Fukushima 1980", "Hubel and Wiesel 1962", "LeCun et al. 1998a", "LeCun et al. 1998b"]


# --- the built site -----------------------------------------------------------------------------

@needs_site
def test_formulas_are_typeset_at_build_time():
    katex = SITE / "_static" / "katex"
    assert (katex / "katex.min.css").is_file() and list((katex / "fonts").glob("*.woff2"))
    assert not (SITE / "_static" / "mathjax").exists()
    page = (SITE / "book" / "errata.html").read_text(encoding="utf-8")
    assert '<span class="katex">' in page and "katex-failed" not in page
    assert re.search(r'<link[^>]+href="\.\./_static/katex/katex\.min\.css', page)
    for path in _pages():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]+src=\"[^\"]*(?:mathjax|katex)", text, re.I), path


@needs_site
def test_icons_are_inline_and_font_awesome_is_gone():
    assert not (SITE / "_static" / "vendor" / "fontawesome").exists()
    for path in _pages():
        text = path.read_text(encoding="utf-8")
        assert "vendor/fontawesome" not in text, path
    intro = (SITE / "book" / "intro.html").read_text(encoding="utf-8")
    assert intro.count('class="fa-svg-icon"') >= 5


@needs_site
def test_chinese_is_marked_on_every_page():
    for path in _pages():
        text = path.read_text(encoding="utf-8")
        han = len(zh_lang.HAN.findall(text.split("<body", 1)[-1]))
        left = zh_lang.chinese_outside_zh(text)
        assert len(left) <= 0.05 * max(han, 1), (path, left[:40])


@needs_site
def test_no_external_reference_in_any_page_or_stylesheet():
    found = []
    for page in _pages():
        found += [(page.relative_to(SITE).as_posix(), url)
                  for _, url in offline_site.external_references(page.read_text(encoding="utf-8"))]
    for sheet in SITE.rglob("*.css"):
        found += [(sheet.relative_to(SITE).as_posix(), url)
                  for url in offline_site.CSS_URL.findall(sheet.read_text(encoding="utf-8", errors="replace"))]
    assert not found


@needs_site
def test_every_page_with_its_images_is_under_5_mb():
    sizes = {}
    for page in _pages():
        text = page.read_text(encoding="utf-8")
        total = page.stat().st_size
        for src in set(re.findall(r'<img[^>]+src="([^"]+)"', text)):
            if "://" in src or src.startswith("data:"):
                continue
            img = (page.parent / src.split("#")[0].split("?")[0]).resolve()
            if img.is_file():
                total += img.stat().st_size
        sizes[page.relative_to(SITE).as_posix()] = total
    largest = max(sizes, key=sizes.get)
    print(f"\nsite: {sum(f.stat().st_size for f in SITE.rglob('*') if f.is_file()) / 1e6:.1f} MB; "
          f"largest page {largest}: {sizes[largest] / 1e6:.2f} MB")
    over = {k: v for k, v in sizes.items() if v > MAX_PAGE_BYTES}
    assert not over, over


@needs_site
def test_every_toc_entry_was_built():
    for f in _toc_files():
        assert (SITE / f"{f}.html").is_file(), f


@needs_site
def test_launch_buttons_come_from_the_one_repository_url():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    url = config["repository"]["url"].rstrip("/")
    org_repo = url.split("github.com/")[1]
    branch = config["repository"]["branch"]
    notebooks = [f for f in _toc_files() if f.startswith("notebooks/")]
    if not notebooks:
        pytest.skip("no chapter notebook in the toc yet")
    page = (SITE / f"{notebooks[0]}.html").read_text(encoding="utf-8")
    name = notebooks[0].split("/")[-1]
    assert f"https://mybinder.org/v2/gh/{org_repo}/{branch}?urlpath=lab/tree/{notebooks[0]}.ipynb" in page
    assert f"https://colab.research.google.com/github/{org_repo}/blob/{branch}/{notebooks[0]}.ipynb" in page
    assert "thebe-launch-button" in page or "initThebe" in page
    assert f'repo: "{org_repo}"' in page  # thebe's Binder repository, from the same setting
    assert f"_sources/notebooks/{name}.ipynb" in page  # the download button
    assert (SITE / "_sources" / "notebooks" / f"{name}.ipynb").is_file()


@needs_site
def test_no_dead_widget_state_or_widget_manager_in_pages():
    for page in _pages():
        text = page.read_text(encoding="utf-8")
        assert "application/vnd.jupyter.widget-state+json" not in text, page
        assert "embed-amd.js" not in text and "require.min.js" not in text, page


# --- the post-build rewrites, on small inputs -----------------------------------------------------

def test_tokenizer_is_lossless():
    html = ('<!DOCTYPE html><html lang="en"><head><title>T 卷积</title><script>if (a<b) s="</p>";'
            '</script></head><body><p data-x="a>b">卷积 x<br/>1 < 2</p><!-- c --></body></html>')
    tokens = html_tokens.tokenize(html)
    assert html_tokens.join(tokens) == html
    assert [t.kind for t in tokens].count("raw") == 2  # title and script content
    assert html_tokens.attribute('<p data-x="a>b" lang=zh>', "lang") == "zh"
    assert html_tokens.attribute("<p>", "lang") is None


def test_chinese_runs_are_wrapped_once():
    html = ('<html lang="en"><head><title>CNN Lab · 卷积神经网络</title></head><body>'
            '<p class="logo__title">CNN Lab · 卷积神经网络</p><h1>CNN数学原理（一）</h1>'
            '<select><option>卷积</option></select><svg><text x="1">滤波器</text></svg>'
            '<script>const s = "中文";</script><p lang="zh-CN">已经</p></body></html>')
    assert len(zh_lang.chinese_outside_zh(html)) == 16
    out, count = zh_lang.mark_chinese(html)
    assert count == 4
    assert '<p class="logo__title">CNN Lab · <span lang="zh-Hans">卷积神经网络</span></p>' in out
    assert '<h1>CNN<span lang="zh-Hans">数学原理（一）</span></h1>' in out
    assert '<option lang="zh-Hans">卷积</option>' in out and '<text x="1" lang="zh-Hans">' in out
    assert '<title>CNN Lab · 卷积神经网络</title>' in out and 'const s = "中文"' in out
    assert zh_lang.chinese_outside_zh(out) == ""
    assert zh_lang.mark_chinese(out) == (out, 0)  # idempotent


def test_font_awesome_elements_get_inline_svg_and_its_assets_go():
    js = inline_icons.fontawesome_js()
    assert js is not None
    table = inline_icons.icon_table(js)
    html = ('<head><link href="../_static/vendor/fontawesome/6.5.2/css/all.min.css" rel="stylesheet" />\n'
            '<script src="../_static/vendor/fontawesome/6.5.2/js/all.min.js"></script>\n'
            '<link href="../_static/styles/theme.css" rel="stylesheet" /></head>'
            '<body><i class="fa-solid fa-bars"></i><span class="fab fa-github fa-lg"></span>'
            '<i class="fa-solid fa-no-such-icon"></i><p class="fa-fw">text</p></body>')
    out, unknown = inline_icons.inline_icons(html, table)
    assert "vendor/fontawesome" not in out and "_static/styles/theme.css" in out
    assert out.count('class="fa-svg-icon"') == 2
    assert re.search(r'<i class="fa-solid fa-bars"><svg class="fa-svg-icon" viewBox="0 0 448 512"', out)
    assert unknown == {"fas no-such-icon"}
    assert inline_icons.inline_icons(out, table)[0] == out  # idempotent


def test_namedtuple_field_stubs_are_skipped():
    from typing import NamedTuple

    class Row(NamedTuple):
        """A row."""
        size: int

    assert api_tidy.skip_namedtuple_field(None, "attribute", "size", Row.size, False, {}) is True
    assert api_tidy.skip_namedtuple_field(None, "class", "Row", Row, False, {}) is None


def test_duplicate_scripts_are_dropped():
    from sphinx.builders.html._assets import _JavaScript

    body = 'const THEBE_JS_URL = "x"'
    scripts = [_JavaScript(None, body=body), _JavaScript("a.js"), _JavaScript("", body=body, priority=800)]
    site_fixes.drop_duplicate_scripts(None, "p", "page.html", {"script_files": scripts}, None)
    assert [s.filename for s in scripts] == [None, "a.js"]


def test_katex_typesets_and_reports_what_it_cannot():
    dist = ROOT / "node_modules" / "katex" / "dist" / "katex.min.js"
    if not dist.is_file():
        pytest.skip("KaTeX not installed: make katex")
    from sphinxcontrib.katex import KaTeXError, KaTeXServer

    server = katex_math.start_server(dist)
    assert KaTeXServer.get() is server
    out = katex_math.render(r"\frac{n + 2P - F}{S} + 1", display=False)
    assert 'class="katex"' in out and "<math" in out and "mfrac" in out
    with pytest.raises(KaTeXError):
        katex_math.render(r"\frac{1}{", display=True)


def test_katex_inline_styles_become_classes_of_the_page():
    markup = ('<span class="katex"><span class="strut" style="height:0.7em;"></span>'
              '<span style="top:-2.55em;margin-right:0.05em;"><span class="pstrut" '
              'style="height:2.7em;"></span></span><span class="pstrut" style="height:2.7em;">'
              '</span><span class="x" style="font-family:&quot;a}b&quot;"></span></span>')
    styles: dict[str, str] = {}
    out = katex_math.styles_to_classes(markup, styles)
    assert styles == {"height:0.7em;": "kx0", "top:-2.55em;margin-right:0.05em;": "kx1",
                      "height:2.7em;": "kx2"}
    assert out.count('class="pstrut kx2"') == 2 and '<span class="kx1">' in out
    assert 'class="strut kx0"' in out
    assert 'style="font-family:&quot;a}b&quot;"' in out  # only plain values become classes
    assert "height:" not in out
    sheet = katex_math.style_element(styles)
    assert sheet == ('<style id="katex-styles">.katex .kx0{height:0.7em!important}'
                     '.katex .kx1{top:-2.55em!important;margin-right:0.05em!important}'
                     '.katex .kx2{height:2.7em!important}</style>')
    assert katex_math.style_element({}) == ""
    assert [katex_math._base36(n) for n in (0, 35, 36, 1295, 1296)] == ["0", "z", "10", "zz", "100"]


def test_unused_css_rules_go_and_everything_a_page_or_script_names_stays():
    css = r"""/*! licence */ /* note */
    .btn { color: red }
    .carousel-item, .btn-primary { display: block }
    .carousel-item.active { x: y }
    .navbar .dropdown-menu.show { display: block }
    html[data-theme=dark] img:not(.only-dark,.dark-light) { filter: none }
    .bd-content div:has(> .unseen) { margin: 0 }
    .bs-tooltip-auto .tooltip-arrow { top: 0 }
    a.weird\:name { color: blue }
    @media (min-width: 960px) { .carousel { a: b } .btn { c: d } }
    @media print { .toast { e: f } }
    @font-face { font-family: X; src: url(x.woff2) }
    :root { --pst-x: 1px }
    """
    words = {"btn", "btn-primary", "navbar", "dropdown-menu", "show", "tooltip-arrow", "bd-content"}
    out = unused_css.purge_css(css, words)
    assert "/*! licence */" in out and "note" not in out
    assert ".btn{color: red}" in out and ".btn-primary{display: block}" in out
    assert "carousel" not in out and "toast" not in out and "@media print" not in out
    assert ".navbar .dropdown-menu.show{" in out
    assert "img:not(.only-dark,.dark-light)" in out      # a class inside :not() is not needed
    assert "div:has(> .unseen)" in out                    # nor one inside :has()
    assert ".bs-tooltip-auto .tooltip-arrow" in out       # built by Bootstrap's script at run time
    assert "weird\\:name" in out                          # escaped: kept
    assert "@media (min-width: 960px){.btn{c: d}}" in out
    assert "@font-face" in out and "--pst-x" in out
    assert unused_css.purge_css(out, words) == out        # idempotent
    assert unused_css.purge_css(".a{b:c}", {"a"}) == ".a{b:c}\n"


def test_unused_css_reads_the_words_of_pages_and_scripts(tmp_path):
    (tmp_path / "_static").mkdir()
    (tmp_path / "_sources").mkdir()
    (tmp_path / "page.html").write_text('<div class="from-page other">', encoding="utf-8")
    (tmp_path / "_static" / "app.js").write_text('el.classList.add("from-script")', encoding="utf-8")
    (tmp_path / "_sources" / "page.md.txt").write_text("from-source", encoding="utf-8")
    words = unused_css.site_words(tmp_path)
    assert {"from-page", "other", "from-script"} <= words and "from-source" not in words


def test_the_bare_redirect_becomes_a_page_with_the_site_icon(tmp_path):
    from types import SimpleNamespace

    index = tmp_path / "index.html"
    index.write_text('<meta http-equiv="Refresh" content="0; url=book/intro.html" />\n', encoding="utf-8")
    config = SimpleNamespace(html_favicon="book/_static/favicon.svg", html_title="CNN Lab · 卷积", project="p",
                             language="zh_CN")
    app = SimpleNamespace(outdir=str(tmp_path), config=config)
    site_fixes.complete_redirect(app)
    page = index.read_text(encoding="utf-8")
    assert '<meta http-equiv="Refresh" content="0; url=book/intro.html" />' in page
    assert '<link rel="icon" href="_static/favicon.svg">' in page
    assert "<title>CNN Lab · 卷积</title>" in page and '<a href="book/intro.html">' in page
    assert '<html lang="zh-CN">' in page
    site_fixes.complete_redirect(app)                     # a completed page is left alone
    assert index.read_text(encoding="utf-8") == page


def test_scrollable_tables_get_a_tab_stop():
    html = '<div class="pst-scrollable-table-container"><table></table></div><div class="other"></div>'
    out = site_fixes.focusable_scrollers(html)
    assert out == ('<div class="pst-scrollable-table-container" tabindex="0"><table></table></div>'
                   '<div class="other"></div>')
    assert site_fixes.focusable_scrollers(out) == out
    cites = '<div class="citation-list" role="list"><div class="citation" role="doc-biblioentry"></div></div>'
    assert site_fixes.focusable_scrollers(cites) == cites.replace(' role="list"', "")
