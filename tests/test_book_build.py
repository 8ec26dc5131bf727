"""The book's configuration and the built site, checked without a browser.

- the offline checker of ``book/_ext/offline_site.py`` finds what it must and nothing else;
- matplotlib's Font Awesome CDN link is dropped from animations;
- ``_toc.yml`` lists the lecture's chapters by their contract names, and every notebook;
- every bibliography entry has a DOI or URL, keys are unique;
- the built site (``_build/html``, made by `make book`/`make test`; skipped when absent): MathJax
  served locally, no external reference in any page or stylesheet, every page under 5 MB with
  its images, launch buttons derived from the one repository URL of ``_config.yml``.
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

import authoryear  # noqa: E402
import offline_site  # noqa: E402

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
        if p.relative_to(SITE).parts[0] not in {"_static", "_sources", "_images"}
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
def test_mathjax_is_served_from_the_site():
    mj = SITE / "_static" / "mathjax"
    assert (mj / "tex-chtml.js").is_file()
    assert list((mj / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
    assert (mj / "input" / "tex" / "extensions").is_dir()
    page = (SITE / "book" / "errata.html").read_text(encoding="utf-8")
    assert re.search(r'<script[^>]+src="\.\./_static/mathjax/tex-chtml\.js', page)


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
