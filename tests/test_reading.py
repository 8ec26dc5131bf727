"""The book as a reader sees it: the lesson on the page, the test harness out of sight.

Two views of the same rules (issue 11):

* the notebook sources -- no ``NBVAL`` text in a visible cell, at most
  :data:`MAX_VISIBLE_ASSERTS` visible ``assert`` lines in the whole book, no
  code line longer than :data:`MAX_LINE` characters in any code cell, and
  every figure captioned (myst-nb's ``mystnb.figure.caption`` cell metadata)
  with alt text (``mystnb.image.alt``) that says what it shows;
* the built site (``_build/html``; ``CNNLAB_BUILD_DIR`` names another
  ``_build``) -- the same, read from the HTML: no ``NBVAL`` text, the assert
  budget, no code line longer than 79 characters, every chapter ``<img>``
  inside a ``<figure>`` with a ``<figcaption>`` and a descriptive ``alt``,
  and none with a fixed height (it would be squashed where the page narrows it).
  These tests skip, saying why, when the site has not been built
  (``make test`` builds it first).

"Visible" means on the page: every cell except those tagged ``remove-cell``
or ``remove-input`` (``hide-input`` code is one click away, so it counts).
Which cells draw a figure is read from the executed notebooks in the build's
execution cache (``_build/.jupyter_cache``); that test skips when the cache
holds no run of the current sources.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
BUILD = Path(os.environ.get("CNNLAB_BUILD_DIR", ROOT / "_build"))
HTML = BUILD / "html"

MAX_VISIBLE_ASSERTS = 30
MAX_LINE = 79
HIDDEN_TAGS = {"remove-cell", "remove-input"}
ASSERT_LINE = re.compile(r"^\s*assert\b")
IMAGE_MIMES = ("image/png", "image/svg+xml", "image/jpeg", "image/gif")


def draws(output):
    """Whether a cell output shows a picture: an image, or HTML holding an ``<img>``."""
    data = output.get("data", {})
    html = data.get("text/html", "")
    html = "".join(html) if isinstance(html, list) else html
    return any(mime in data for mime in IMAGE_MIMES) or "<img" in html


def describes(alt):
    """Whether alt text says what a figure shows: words, not a file name."""
    alt = (alt or "").strip()
    path_like = re.search(r"\.(png|svg|jpe?g|gif)\b", alt, re.I) or (
        "/" in alt and " " not in alt) or alt.startswith("_images")
    return len(alt.split()) >= 3 and not path_like


def _read(path):
    return nbformat.read(path, as_version=4)


def _visible(cell):
    return not HIDDEN_TAGS & set(cell.metadata.get("tags", []))


def _count(found):
    return sum(len(items) for items in found.values())


def _per_chapter(found):
    """``{chapter: [items]}`` -> one line per chapter with its count."""
    return "\n".join(f"  {name}: {len(items)}"
                     + (f" -- e.g. {items[0]}" if items else "")
                     for name, items in found.items())


# --- the notebook sources ----------------------------------------------------


def source_nbval_markers(notebooks=NOTEBOOKS):
    return {nb.stem: [f"cell {i}" for i, cell in enumerate(_read(nb).cells)
                      if _visible(cell) and "NBVAL" in cell.source]
            for nb in notebooks}


def source_visible_asserts(notebooks=NOTEBOOKS):
    return {nb.stem: [f"cell {i}: {line.strip()}"
                      for i, cell in enumerate(_read(nb).cells)
                      if cell.cell_type == "code" and _visible(cell)
                      for line in cell.source.splitlines()
                      if ASSERT_LINE.match(line)]
            for nb in notebooks}


def source_long_lines(notebooks=NOTEBOOKS):
    return {nb.stem: [f"cell {i}: {len(line)} chars: {line.strip()[:50]}"
                      for i, cell in enumerate(_read(nb).cells)
                      if cell.cell_type == "code"
                      for line in cell.source.splitlines()
                      if len(line) > MAX_LINE]
            for nb in notebooks}


def figure_metadata_problems(cell):
    """What a cell's myst-nb figure metadata lacks (empty when complete)."""
    mystnb = cell.metadata.get("mystnb", {})
    figure, image = mystnb.get("figure", {}), mystnb.get("image", {})
    problems = []
    if not str(figure.get("caption", "")).strip():
        problems.append("no mystnb.figure.caption")
    if not str(figure.get("name", "")).startswith("fig-"):
        problems.append("no mystnb.figure.name 'fig-...'")
    if not describes(image.get("alt")):
        problems.append(f"alt text {image.get('alt')!r} does not describe")
    return problems


def source_declared_figures(notebooks=NOTEBOOKS):
    """Cells that declare a figure but lack its caption, name or alt text."""
    return {nb.stem: [f"cell {i}: {', '.join(problems)}"
                      for i, cell in enumerate(_read(nb).cells)
                      if "figure" in cell.metadata.get("mystnb", {})
                      or "image" in cell.metadata.get("mystnb", {})
                      for problems in [figure_metadata_problems(cell)]
                      if problems]
            for nb in notebooks}


def executed(notebook):
    """The notebook with its outputs from the build's execution cache, or None."""
    cache_dir = BUILD / ".jupyter_cache"
    if not cache_dir.is_dir():
        return None
    from jupyter_cache import get_cache

    try:
        _, merged = get_cache(cache_dir).merge_match_into_notebook(
            _read(notebook), cell_meta=[])
    except KeyError:
        return None
    return merged


def source_uncaptioned_figures(runs):
    """Cells whose run draws an image but that lack caption, name or alt."""
    return {stem: [f"cell {i}: {', '.join(problems)}"
                   for i, cell in enumerate(nb.cells)
                   if cell.cell_type == "code" and _visible(cell)
                   and any(draws(out) for out in cell.outputs)
                   for problems in [figure_metadata_problems(cell)] if problems]
            for stem, nb in runs.items()}


def test_no_nbval_text_in_a_visible_cell():
    found = source_nbval_markers()
    assert _count(found) == 0, "NBVAL text in visible cells:\n" + _per_chapter(found)


def test_few_visible_asserts_in_the_whole_book():
    found = source_visible_asserts()
    total = _count(found)
    assert total <= MAX_VISIBLE_ASSERTS, (
        f"{total} visible assert lines (at most {MAX_VISIBLE_ASSERTS}); per chapter:\n"
        + _per_chapter(found))


def test_no_code_line_over_79_characters():
    found = source_long_lines()
    assert _count(found) == 0, (
        f"code lines over {MAX_LINE} characters:\n" + _per_chapter(found))


def test_declared_figures_have_caption_name_and_alt():
    found = source_declared_figures()
    assert _count(found) == 0, (
        "figure metadata incomplete:\n" + _per_chapter(found))


def test_every_drawn_figure_is_captioned_with_alt_text():
    runs = {nb.stem: executed(nb) for nb in NOTEBOOKS}
    stale = [stem for stem, nb in runs.items() if nb is None]
    if len(stale) == len(runs):
        pytest.skip(f"no executed notebooks in {BUILD / '.jupyter_cache'} match "
                    "the sources: build the book first (make book)")
    found = source_uncaptioned_figures({k: v for k, v in runs.items() if v})
    assert _count(found) + len(stale) == 0, (
        "figures without caption / alt text:\n" + _per_chapter(found)
        + (f"\nnot in the execution cache (rebuild): {stale}" if stale else ""))


def test_describes():
    assert describes("Four 5x5 grids of participation counts")
    for alt in ("", None, "image", "../_images/abc123.png",
                "notebooks/images/fig1.svg", "fig-ch2-grid"):
        assert not describes(alt), alt


# --- the built site ----------------------------------------------------------


def page_content(html):
    """The article of a page (what the reader reads), without scripts and styles."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("article") or soup.find("main") or soup.body
    for tag in main.find_all(["script", "style", "template"]):
        tag.decompose()
    return main


def _pages():
    if not (HTML / "index.html").is_file():
        pytest.skip(f"no built site in {HTML}: build it first (make book)")
    return {path.relative_to(HTML).as_posix():
            page_content(path.read_text(encoding="utf-8"))
            for path in sorted((HTML / "notebooks").glob("*.html"))
            + sorted((HTML / "book").glob("*.html"))}


def _code_blocks(main):
    """The ``<pre>`` blocks of code on a page (cell inputs, code fences; not outputs)."""
    return [pre for pre in main.find_all("pre")
            if not pre.find_parent(class_=re.compile(r"\bcell_output\b|\boutput\b"))]


def site_nbval_text(pages):
    return {name: [m.group(0) for m in re.finditer(r".{0,30}NBVAL.{0,20}",
                                                   main.get_text())]
            for name, main in pages.items()}


def site_visible_asserts(pages):
    return {name: [line.strip() for pre in main.find_all("pre")
                   for line in pre.get_text().splitlines()
                   if ASSERT_LINE.match(line)]
            for name, main in pages.items()}


def site_long_lines(pages):
    return {name: [f"{len(line)} chars: {line.strip()[:50]}"
                   for pre in _code_blocks(main)
                   for line in pre.get_text().splitlines() if len(line) > MAX_LINE]
            for name, main in pages.items()}


def site_images_without_figure(pages):
    found = {}
    for name, main in pages.items():
        if not name.startswith("notebooks/"):
            continue
        problems = []
        for img in main.find_all("img"):
            figure = img.find_parent("figure")
            what = (img.get("src") or "")[-40:]
            if figure is None:
                problems.append(f"{what}: not in a <figure>")
            elif figure.find("figcaption") is None or not figure.find(
                    "figcaption").get_text(strip=True):
                problems.append(f"{what}: <figure> without a caption")
            if not describes(img.get("alt")):
                problems.append(f"{what}: alt {img.get('alt')!r}")
            if re.search(r"(^|;)\s*height\s*:", img.get("style") or ""):
                problems.append(f"{what}: fixed height (squashed on narrow screens)")
        found[name] = problems
    return found


def test_site_shows_no_nbval_text():
    found = site_nbval_text(_pages())
    assert _count(found) == 0, "NBVAL on the pages:\n" + _per_chapter(found)


def test_site_shows_few_asserts():
    found = site_visible_asserts(_pages())
    total = _count(found)
    assert total <= MAX_VISIBLE_ASSERTS, (
        f"{total} assert lines on the pages (at most {MAX_VISIBLE_ASSERTS}):\n"
        + _per_chapter(found))


def test_site_code_lines_fit():
    found = site_long_lines(_pages())
    assert _count(found) == 0, (
        f"code lines over {MAX_LINE} characters on the pages:\n" + _per_chapter(found))


def test_site_chapter_images_are_captioned_figures_with_alt_text():
    found = site_images_without_figure(_pages())
    assert _count(found) == 0, (
        "chapter images without figure, caption or descriptive alt:\n"
        + _per_chapter(found))


# --- the detectors themselves can fail ---------------------------------------


def test_source_detectors_find_each_fault(tmp_path):
    good_figure = {"figure": {"caption": "A grid.", "name": "fig-demo"},
                   "image": {"alt": "A 3x3 grid of numbers"}}
    cells = [
        nbformat.v4.new_markdown_cell("Checked by # NBVAL_CHECK_OUTPUT"),
        nbformat.v4.new_code_cell("assert 1 == 1\nx = 1  " + "#" * 80),
        nbformat.v4.new_code_cell("assert 2 == 2  # NBVAL_IGNORE_OUTPUT",
                                  metadata={"tags": ["remove-cell"]}),
        nbformat.v4.new_code_cell("plot()", metadata={"mystnb": {
            "figure": {"caption": "A grid."},
            "image": {"alt": "images/grid.png"}}}),
        nbformat.v4.new_code_cell("plot()", metadata={"mystnb": good_figure}),
    ]
    path = tmp_path / "demo.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    assert source_nbval_markers([path]) == {"demo": ["cell 0"]}
    assert source_visible_asserts([path]) == {"demo": ["cell 1: assert 1 == 1"]}
    assert [k[:7] for k in source_long_lines([path])["demo"]] == ["cell 1:"]
    (problem,) = source_declared_figures([path])["demo"]
    assert problem.startswith("cell 3:") and "name" in problem and "alt" in problem
    ran = nbformat.read(path, as_version=4)
    for cell in ran.cells[3:]:
        cell.outputs = [nbformat.v4.new_output(
            "display_data", data={"image/png": "iVBOR", "text/plain": "<Figure>"})]
    ran.cells[1].outputs = [nbformat.v4.new_output(
        "display_data", data={"image/svg+xml": "<svg/>"})]
    found = source_uncaptioned_figures({"demo": ran})["demo"]
    assert [f.split(":")[0] for f in found] == ["cell 1", "cell 3"]


def test_site_detectors_find_each_fault():
    html = """<html><body><article>
      <div class="cell_input"><pre>assert ok  # NBVAL_CHECK_OUTPUT</pre></div>
      <div class="cell_output"><pre>{long}</pre></div>
      <div class="cell_input"><pre>x = 1{long}</pre></div>
      <img src="_images/a.png" alt="_images/a.png">
      <figure><img src="b.png" alt="Three curves of loss per epoch">
        <figcaption><p>Figure 1: loss.</p></figcaption></figure>
      <figure><img src="c.png" alt="Three curves of loss per epoch"></figure>
      <figure><img src="d.png" alt="Three curves of loss per epoch"
        style="width: 696px; height: 239px;"><figcaption>Figure 2</figcaption></figure>
    </article><script>var NBVAL = 1;</script></body></html>""".format(
        long="y" * 80)
    pages = {"notebooks/demo.html": page_content(html)}
    assert len(site_nbval_text(pages)["notebooks/demo.html"]) == 1
    assert site_visible_asserts(pages)["notebooks/demo.html"] == ["assert ok  # NBVAL_CHECK_OUTPUT"]
    assert len(site_long_lines(pages)["notebooks/demo.html"]) == 1
    found = site_images_without_figure(pages)["notebooks/demo.html"]
    assert found == ["_images/a.png: not in a <figure>",
                     "_images/a.png: alt '_images/a.png'",
                     "c.png: <figure> without a caption",
                     "d.png: fixed height (squashed on narrow screens)"]


# --- the errata page's C3 tables against their sources -------------------------

SLIDE_TEXT = Path("/work/shared/lecture/lecture03_cnn_slides.txt")


def errata_c3_tables():
    """The errata page's C3 table, read back as two 6×16 cross tables: (slide's, paper's)."""
    import numpy as np

    text = (ROOT / "book" / "errata.md").read_text(encoding="utf-8")
    section = text[text.index("## Homework 3"):]
    rows = [[cell.strip() for cell in line.split("|")[1:5]]
            for line in section.splitlines() if re.match(r"\| \d+ \|", line)]
    assert [int(row[0]) for row in rows] == list(range(16)), "expected C3 maps 0-15"
    tables = np.zeros((2, 6, 16), dtype=bool)
    for c3, slide, paper, same in rows:
        for k, maps in enumerate((slide, paper)):
            for s2 in ([] if maps == "none" else maps.split(",")):
                tables[k, int(s2), int(c3)] = True
        assert (same == "yes") == (tables[0, :, int(c3)] == tables[1, :, int(c3)]).all()
    return tables[0], tables[1]


def test_errata_c3_correction_is_table_one():
    from cnnlab.models import C3_TABLE

    _, paper = errata_c3_tables()
    assert (paper == C3_TABLE).all()


def test_errata_describes_the_slide_table_as_it_is():
    import numpy as np

    from cnnlab.models import C3_TABLE

    slide, _ = errata_c3_tables()
    if SLIDE_TEXT.is_file():  # the lecture text lives outside the repository
        lines = SLIDE_TEXT.read_text(encoding="utf-8").splitlines()
        start = next(k for k, line in enumerate(lines) if line.startswith("\t0\t1\t2"))
        extracted = np.array([[v == "X" for v in lines[start + 1 + r].split("\t")[1:17]]
                              for r in range(6)])
        assert (extracted == slide).all()
    # the facts the page states about it
    assert slide.shape == (6, 16) and not slide[:, 15].any()
    assert slide.sum() == 57 and C3_TABLE.sum() == 60
    assert slide.sum(axis=1).tolist() == [9, 9, 10, 10, 10, 9]
    agree_until = [next(c for c in range(16) if slide[r, c] != C3_TABLE[r, c]) - 1
                   for r in range(6)]
    assert agree_until == [2, 3, 9, 10, 13, 14]
    right_columns = [c for c in range(16) if (slide[:, c] == C3_TABLE[:, c]).all()]
    assert right_columns == [0, 1, 2]
    assert slide[:, 8].all() and slide[:, 13].all()
    assert np.flatnonzero(slide[:, 12]).tolist() == [2, 4]
