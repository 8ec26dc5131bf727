"""The Chinese edition (issue 13): complete catalogs, translations that keep the page's machinery,
the term table followed, and the built Chinese site — lang, switch, little English left, the
Chinese notebooks for download, and Chinese search.

The site checks read ``_build/html`` and ``_build/html/zh`` (``make book`` / ``make test`` build
both); the catalog check extracts fresh message templates from the current English sources.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
ZH = SITE / "zh"
SCRIPTS = ROOT / "scripts"
sys.path.insert(0, str(SCRIPTS))

import po_lint  # noqa: E402  (scripts/po_lint.py)

HAN, WORD = po_lint.HAN, po_lint.WORD  # what counts as Chinese, and as an English word
CHAPTERS = ["ch1_visual_system", "ch2_math_principles", "ch3_backprop_derivation",
            "ch4_history", "ch5_digit_recognition", "homework"]
PAGES = [f"notebooks/{c}.html" for c in CHAPTERS] + [
    f"book/{p}.html" for p in ("intro", "glossary", "errata", "references")]


def _need_zh_site():
    if not (SITE / "book" / "intro.html").is_file():
        pytest.skip("no built site: run `make book`")
    assert (ZH / "book" / "intro.html").is_file(), (
        "the English site is built but not the Chinese one: `make book` builds both "
        "(python scripts/editions.py zh)")


# --- the catalogs -------------------------------------------------------------------------------

def test_catalogs_complete_against_fresh_templates():
    """0 untranslated, 0 fuzzy: a change of English text without its translation fails here."""
    if not (ROOT / "_build" / ".jupyter_cache").is_dir():
        pytest.skip("no execution cache: build the site first (make book)")
    run = subprocess.run([sys.executable, str(SCRIPTS / "editions.py"), "stats"], cwd=ROOT,
                         capture_output=True, text=True, timeout=900)
    table = run.stdout[run.stdout.find("page "):]
    assert run.returncode == 0, f"untranslated or fuzzy messages:\n{table}\n{run.stderr[-2000:]}"
    assert "notebooks/ch3_backprop_derivation" in table  # the report covered the chapters


def test_translations_keep_formulas_references_and_code():
    report = po_lint.lint(sorted((ROOT / "locales").rglob("*.po")))
    assert not report, "\n".join(report[:20])


@pytest.mark.parametrize("msgid, msgstr, problem", [
    ("The map $a^{l}$ has shape $(N, H', W')$.", "特征图 $a^{l}$ 的形状。", "formulas changed"),
    ("See {ref}`ch2-rf` and {cite}`lecun1998`.", "见 {ref}`ch2-conv` 与 {cite}`lecun1998`。", "references changed"),
    ("Call `conv2d_forward` once.", "调用一次 conv2d_forward。", "code changed"),
    ("Read [the paper](https://example.org/a).", "阅读[论文](https://example.org/b)。", "links changed"),
    ("The receptive field grows with depth here.", "The receptive field grows with depth here.", "left in English"),
])
def test_lint_catches_a_damaged_translation(msgid, msgstr, problem):
    assert any(p.startswith(problem) for p in po_lint.problems(msgid, msgstr))


def test_lint_accepts_chinese_term_text_with_the_same_target():
    assert po_lint.problems("A {term}`receptive field` grows.", "{term}`感受野 <receptive field>` 会变大。") == []
    assert po_lint.problems("A {term}`receptive field` grows.", "{term}`感受野 <feature map>` 会变大。")


# --- the term table -----------------------------------------------------------------------------

def read_terms() -> list[dict]:
    rows = []
    with (ROOT / "locales" / "terms.tsv").open(encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            en, zh, other, pattern = (line.rstrip("\n").split("\t") + ["", "", ""])[:4]
            forms = [zh] + [o for o in other.split(",") if o]
            rows.append({"en": en, "zh": zh, "forms": forms,
                         "pattern": re.compile(r"\b(?:" + (pattern or re.escape(en)) + r")\b", re.I)})
    return rows


def test_term_table_matches_the_glossary():
    """Every glossary term has a row, and the glossary's Chinese cell names the table's term."""
    terms = {t["en"]: t for t in read_terms()}
    text = (ROOT / "book" / "glossary.md").read_text(encoding="utf-8")
    rows = [l for l in text.splitlines() if l.startswith("| {term}")]
    assert len(rows) > 30
    for line in rows:
        en_cell, zh_cell = [c.strip() for c in line.strip().strip("|").split("|")][:2]
        for en in re.findall(r"\{term\}`([^`]+)`", en_cell):
            assert en in terms, f"glossary term {en!r} missing from locales/terms.tsv"
            assert any(form in zh_cell for form in terms[en]["forms"]), (
                f"{en!r}: the glossary gives {zh_cell!r}, the term table {terms[en]['forms']}")


class _Prose(HTMLParser):
    """The reader's prose of a page's article: paragraphs, list items, headings, cells, captions,
    definitions — not code, outputs, formulas, explorers or bibliography entries."""

    BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "td", "th", "dt", "dd", "figcaption"}
    SKIP = {"pre", "code", "script", "style", "svg", "math", "annotation"}

    def __init__(self):
        super().__init__()
        self.inside_article = 0
        self.skip = 0
        self.blocks: list[str] = []
        self.current: list[str] | None = None
        self.stack: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        skip = (tag in self.SKIP or "katex" in classes or "cell_output" in classes
                or "cnnlab-explorer" in classes or "output" in classes
                or "highlight" in classes or "headerlink" in classes
                # bibliography entries: authors and titles stay as published
                or "citation" in classes)
        if tag in ("article",) or "bd-article" in classes:
            self.inside_article += 1
        if tag in {"br", "img", "input", "meta", "link", "hr", "source", "wbr"}:
            return
        self.stack.append((tag, skip))
        if skip:
            self.skip += 1
        if tag in self.BLOCKS and self.inside_article and not self.skip:
            self.current = []

    def handle_endtag(self, tag):
        while self.stack:
            t, skip = self.stack.pop()
            if skip:
                self.skip -= 1
            if t in self.BLOCKS and self.current is not None and t == tag:
                text = " ".join("".join(self.current).split())
                if text:
                    self.blocks.append(text)
                self.current = None
            if t == tag:
                break

    def handle_data(self, data):
        if self.current is not None and not self.skip:
            self.current.append(data)


def prose(path: Path) -> list[str]:
    parser = _Prose()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.blocks


def test_terms_follow_the_table_on_every_page():
    """Wherever a page's English prose uses a glossary term, its Chinese page uses the term's
    Chinese form (the table's, or one of the listed alternatives)."""
    _need_zh_site()
    missing = []
    for rel in PAGES:
        en = " ".join(prose(SITE / rel))
        zh = " ".join(prose(ZH / rel))
        for term in read_terms():
            if term["pattern"].search(en) and not any(f in zh for f in term["forms"]):
                missing.append(f"{rel}: {term['en']} → {term['zh']}")
    assert not missing, missing


# --- the built Chinese site ---------------------------------------------------------------------

def test_every_page_has_both_editions_with_the_right_lang():
    _need_zh_site()
    for rel in PAGES + ["book/api.html"]:
        en = (SITE / rel).read_text(encoding="utf-8")
        zh = (ZH / rel).read_text(encoding="utf-8")
        assert re.search(r'<html lang="en"', en), rel
        assert re.search(r'<html lang="zh-(CN|Hans)"', zh), rel


def _switch(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    m = re.search(r'<a href="([^"]+)"[^>]*class="[^"]*edition-switch-button', html, re.S)
    assert m, f"{path}: no language switch"
    return m.group(1)


@pytest.mark.parametrize("rel", PAGES + ["book/api.html"])
def test_switch_round_trips(rel):
    _need_zh_site()
    there = (SITE / rel).parent / _switch(SITE / rel)
    assert there.resolve() == (ZH / rel).resolve(), f"{rel}: the switch leads to {there}"
    back = there.parent / _switch(there)
    assert back.resolve() == (SITE / rel).resolve(), f"{rel}: the way back leads to {back}"


@pytest.mark.parametrize("rel", PAGES)
def test_little_english_prose_left(rel):
    """At most 2 % of a Chinese page's prose blocks read as English (≥ 3 English words, no Han)."""
    _need_zh_site()
    blocks = prose(ZH / rel)
    assert len(blocks) > 5, f"{rel}: found no prose on the page"
    # the glossary's anchors stay English on purpose (its English column and term lines)
    anchors = {re.sub(r"\{term\}`([^`]+)`", r"\1", a) for a in po_lint.ANCHORS}
    english = [b for b in blocks if not HAN.search(b) and len(WORD.findall(b)) >= 3
               and b not in anchors]
    assert len(english) <= 0.02 * len(blocks), (
        f"{rel}: {len(english)} of {len(blocks)} prose blocks in English: {english[:5]}")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_download_gives_the_chinese_notebook(chapter):
    """zh/_sources/… is the chapter's notebook with Chinese Markdown and the same code."""
    _need_zh_site()
    english = json.loads((ROOT / "notebooks" / f"{chapter}.ipynb").read_text(encoding="utf-8"))
    chinese = json.loads((ZH / "_sources" / "notebooks" / f"{chapter}.ipynb").read_text(encoding="utf-8"))
    code = lambda nb: [c["source"] for c in nb["cells"] if c["cell_type"] == "code"]  # noqa: E731
    assert code(chinese) == code(english)
    assert [c["cell_type"] for c in chinese["cells"]] == [c["cell_type"] for c in english["cells"]]
    md = [("".join(e["source"]), c["source"]) for e, c in zip(english["cells"], chinese["cells"])
          if e["cell_type"] == "markdown"]
    prose_cells = [(e, z) for e, z in md if po_lint.prose_words(e) >= 3]
    untranslated = [e[:80] for e, z in prose_cells if not HAN.search(z)]
    assert len(untranslated) <= 0.02 * len(prose_cells), untranslated
    # the chapter's page links to it
    page = (ZH / "notebooks" / f"{chapter}.html").read_text(encoding="utf-8")
    assert f"_sources/notebooks/{chapter}.ipynb" in page


def test_chinese_chapters_say_what_binder_and_colab_open():
    _need_zh_site()
    for chapter in CHAPTERS:
        page = (ZH / "notebooks" / f"{chapter}.html").read_text(encoding="utf-8")
        assert "edition-launch-note" in page and "英文版笔记本" in page, chapter


# --- Chinese search -----------------------------------------------------------------------------

@pytest.mark.parametrize("query, chapter", [
    ("感受野", "ch2_math_principles"), ("敏感度", "ch3_backprop_derivation"), ("池化", "ch2_math_principles"),
])
def test_chinese_search_finds_the_chapter(query, chapter):
    _need_zh_site()
    from browser_support import CHROMIUM, launch_chromium, serve_directory

    if not CHROMIUM.exists():
        pytest.skip("no Chromium")
    from playwright.sync_api import sync_playwright

    with serve_directory(SITE) as url, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page()
        page.goto(f"{url}/zh/search.html?q={query}")
        page.wait_for_selector("#search-results li, #search-results p.search-summary", timeout=30_000)
        page.wait_for_function("document.querySelector('#search-results p.search-summary')"
                               " && !/Searching|正在搜索/.test(document.querySelector('#search-results').innerText)",
                               timeout=30_000)
        links = page.eval_on_selector_all("#search-results li a", "els => els.map(e => e.href)")
        browser.close()
    assert any(chapter in href for href in links), f"{query}: {links[:8]}"
