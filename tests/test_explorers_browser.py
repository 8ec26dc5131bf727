"""Explorers in a real browser: each static HTML served on 127.0.0.1 and operated
in headless Chromium (Debian's /usr/bin/chromium through Playwright's Python API;
no browser download). Every control must change the picture; no request may leave
127.0.0.1; the console must show no error."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from browser_support import CHROMIUM, NO_CHROMIUM, launch_chromium, serve_directory

from cnnlab.explorers.gallery import EXPLORERS

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM)]

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{name}</title>
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
    page.wait_for_selector(".cnnlab-explorer[data-ready]")
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
