"""Explorers in a real browser: each static HTML served on 127.0.0.1 and operated
in headless Chromium (Debian's /usr/bin/chromium through Playwright's Python API;
no browser download). Every control must change the picture; no request may leave
127.0.0.1; the console must show no error. At phone width (390 px) every control
is at least 24×24 px, no text is under 10 px, the drawing scrolls inside its own
box, the keyboard alone operates it, the status line (aria-live) follows and the
drawing's text alternative says what the state shows."""

from __future__ import annotations

from urllib.parse import urlparse

import os
from pathlib import Path

import pytest
from browser_support import CHROMIUM, NO_CHROMIUM, launch_chromium, serve_directory

from explorer_gallery import EXPLORERS

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM)]

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{name}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"></head>
<body><h1>{name}</h1>
{html}
</body></html>"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("explorers")
    for name, make in EXPLORERS.items():
        (root / f"{name}.html").write_text(PAGE.format(name=name, html=make().static_html()), encoding="utf-8")
    with serve_directory(root) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


def view(page) -> str:
    return page.inner_html(".cnnlab-explorer .cx-view")


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_static_explorer_in_chromium(name, site, browser):
    page = browser.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{site}/{name}.html")
    page.wait_for_selector(".cnnlab-explorer[data-ready='1']")
    initial = view(page)
    assert "<svg" in initial or "<img" in initial

    selects = page.query_selector_all(".cnnlab-explorer select[data-ctl]")
    for k, sel in enumerate(selects):
        options = len(sel.query_selector_all("option"))
        default = sel.evaluate("s => s.selectedIndex")
        seen = set()
        for i in range(options):
            sel.select_option(index=i)
            seen.add(view(page))
            assert page.get_attribute(".cnnlab-explorer", "data-state").split("/")[0].split(".")[k] == str(i)
        assert len(seen) > 1, f"{name}: select {k} never changes the picture"
        sel.select_option(index=default)
    assert view(page) == initial

    rng = page.query_selector(".cnnlab-explorer input[data-ctl=step]")
    if rng is not None:
        n = int(rng.get_attribute("max")) + 1
        if n > 1:
            page.click(".cnnlab-explorer [data-act=next]")
            after_next = view(page)
            assert after_next != initial
            assert page.inner_text(".cnnlab-explorer .cx-step-text") == f"2 / {n}"
            page.click(".cnnlab-explorer [data-act=prev]")
            assert view(page) == initial
            rng.fill(str(n - 1))  # drag the slider to its end
            assert view(page) != initial
            assert page.inner_text(".cnnlab-explorer .cx-step-text") == f"{n} / {n}"
            page.click(".cnnlab-explorer [data-act=prev]")
            play = page.query_selector(".cnnlab-explorer [data-act=play]")
            if play is not None:
                before = page.get_attribute(".cnnlab-explorer", "data-state")
                play.click()
                page.wait_for_function(
                    "s => document.querySelector('.cnnlab-explorer').getAttribute('data-state') !== s",
                    arg=before, timeout=5000)
                play.click()  # pause
                assert "play" in play.inner_text()

    foreign = [u for u in requests if urlparse(u).hostname != "127.0.0.1" and not u.startswith("data:")]
    assert foreign == [], foreign
    assert errors == [], errors
    page.close()


# -- phone width: sizes, keyboard, announcements ----------------------------------------------

PHONE = {"width": 390, "height": 844}
SHOTS = Path(os.environ.get("CNNLAB_SHOTS", "")) if os.environ.get("CNNLAB_SHOTS") else None

MEASURE_JS = """
root => {
  const small = [], tiny = [];
  for (const el of root.querySelectorAll('select, button, input')) {
    const r = el.getBoundingClientRect();
    if (r.width < 24 || r.height < 24) small.push(el.outerHTML.slice(0, 60) + ` ${r.width}x${r.height}`);
  }
  for (const svg of root.querySelectorAll('svg')) {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    for (const t of svg.querySelectorAll('text')) {
      const px = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (px < 10) tiny.push(`svg text ${JSON.stringify(t.textContent)} ${px.toFixed(1)} px`);
    }
  }
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || el.closest('svg, script, style')) continue;
    const px = parseFloat(getComputedStyle(el).fontSize);
    if (px < 10) tiny.push(`${el.tagName} ${px} px`);
  }
  const view = root.querySelector('.cx-view');
  const svgs = [...root.querySelectorAll('.cx-view svg')].map(
      s => [s.getBoundingClientRect().width, s.viewBox.baseVal.width]);
  const han = /[\\u4e00-\\u9fff]/;
  const unmarked = [];
  const w2 = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (w2.nextNode()) {
    const n = w2.currentNode;
    if (han.test(n.textContent) && !n.parentElement.closest('[lang^=zh]') && !n.parentElement.closest('script'))
      unmarked.push(n.textContent.slice(0, 40));
  }
  return {small, tiny, svgs, unmarked, pageWidth: document.documentElement.scrollWidth,
          rootWidth: root.getBoundingClientRect().width, viewScrolls: view.scrollWidth > view.clientWidth};
}
"""


# the text a screen reader gives each drawing: the element its aria-labelledby names
LABELS_JS = "els => els.map(e => (document.getElementById(e.getAttribute('aria-labelledby')) || {}).textContent)"


def state_of(page):
    return page.get_attribute(".cnnlab-explorer", "data-state")


def status_of(page):
    return page.inner_text(".cnnlab-explorer .cx-status")


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_explorer_at_phone_width(name, site, browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2)
    page = context.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{site}/{name}.html")
    page.wait_for_selector(".cnnlab-explorer[data-ready='1']")
    root = page.query_selector(".cnnlab-explorer")
    m = root.evaluate(MEASURE_JS)
    assert m["small"] == [], f"{name}: controls under 24×24 px: {m['small']}"
    assert m["tiny"] == [], f"{name}: text under 10 px on screen: {m['tiny'][:5]}"
    assert m["unmarked"] == [], f"{name}: Chinese outside a lang=zh element: {m['unmarked']}"
    # the drawing keeps its size (1 px of it = 1 px on screen) and the page does not widen
    assert all(abs(w - vb) < 1 for w, vb in m["svgs"]), m["svgs"]
    assert m["pageWidth"] <= PHONE["width"], f"{name}: the page scrolls sideways ({m['pageWidth']} px)"
    assert m["rootWidth"] <= PHONE["width"]

    # a text alternative for every drawing, the same words as the status line
    status = page.query_selector(".cnnlab-explorer .cx-status")
    assert status.get_attribute("aria-live") == "polite"
    first = status_of(page)
    assert len(first) > 20
    labels = page.eval_on_selector_all(".cnnlab-explorer .cx-view [role=img]", LABELS_JS)
    assert all(label == first for label in labels), (labels, first)
    if name not in ("VisualSystem", "InsideLeNet"):  # those show PNG images with their own alt text
        assert labels, f"{name}: no drawing with role=img"
    assert all(page.eval_on_selector_all(".cnnlab-explorer .cx-view img", "els => els.map(e => !!e.alt)"))

    # the keyboard alone: Tab to the first control, arrows change the state, the view and the status
    page.focus(".cnnlab-explorer select[data-ctl], .cnnlab-explorer input[data-ctl=step]")
    focused = page.evaluate("document.activeElement.tagName")
    before_view, before_state = view(page), state_of(page)
    page.keyboard.press("ArrowDown" if focused == "SELECT" else "ArrowRight")
    page.wait_for_function("s => document.querySelector('.cnnlab-explorer').getAttribute('data-state') !== s",
                           arg=before_state, timeout=3000)
    assert view(page) != before_view
    assert status_of(page) != first, f"{name}: the aria-live status did not change"
    new_labels = page.eval_on_selector_all(".cnnlab-explorer .cx-view [role=img]", LABELS_JS)
    assert all(label == status_of(page) for label in new_labels)
    rng = page.query_selector(".cnnlab-explorer input[data-ctl=step]")
    if rng is not None and int(rng.get_attribute("max")) > 0:
        rng.focus()
        s0 = state_of(page)
        page.keyboard.press("ArrowRight")
        page.wait_for_function("s => document.querySelector('.cnnlab-explorer').getAttribute('data-state') !== s",
                               arg=s0, timeout=3000)
        nxt = page.query_selector(".cnnlab-explorer [data-act=next]")
        nxt.focus()
        s1 = state_of(page)
        page.keyboard.press("Enter")
        assert state_of(page) != s1
    # the drawing's scroll box is reachable by keyboard when it scrolls
    assert page.get_attribute(".cnnlab-explorer .cx-view", "tabindex") == "0"
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}-390.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-1280.png"), full_page=True)
    foreign = [u for u in requests if urlparse(u).hostname != "127.0.0.1" and not u.startswith("data:")]
    assert foreign == [], foreign
    assert errors == [], errors
    context.close()


def test_phone_checks_can_fail(site, browser):
    """The measurements above see small controls, shrunken text and unmarked Chinese."""
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{site}/Pooling.html")
    page.wait_for_selector(".cnnlab-explorer[data-ready='1']")
    page.add_style_tag(content=".cnnlab-explorer select { min-height: 0 !important; height: 19px !important }"
                               ".cx-view svg { max-width: 100% !important }")  # the old style: drawings shrank to fit
    page.eval_on_selector(".cnnlab-explorer .cx-status", "el => el.insertAdjacentHTML('afterend', '<p>侧抑制</p>')")
    m = page.eval_on_selector(".cnnlab-explorer", MEASURE_JS)
    page.close()
    assert any(s.startswith("<select") for s in m["small"]), m["small"]
    assert any("svg text" in t for t in m["tiny"]), m["tiny"][:3]
    assert any(abs(w - vb) >= 1 for w, vb in m["svgs"]), m["svgs"]
    assert m["unmarked"] == ["侧抑制"]
