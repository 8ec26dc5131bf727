"""The built website, read in a real browser (headless Chromium driven by Playwright).

Takes the site that `make test` (or `make book`) built in ``_build/html``, serves it on
127.0.0.1 and opens every page. For each page it asserts:

- no request leaves 127.0.0.1 (the site is self-contained: fonts, scripts are local);
- no console error, no uncaught exception and no failed request (no allowlist);
- every formula rendered at build time: each ``.math`` element holds KaTeX's output (HTML and
  MathML), none is a KaTeX error, no math JavaScript is loaded, and no raw TeX (``$``, ``\\(``,
  ``\\[``, ``\\begin``, a ``\\command``) is left in the visible prose (code excluded);
- at most MAX_PAGE_BYTES (2.0 MB) loaded, uncompressed, every image included;
- at least 95 % of the Chinese characters of the page inside an element marked ``lang="zh…"``;
- no critical or serious accessibility violation found by axe-core (axe-playwright-python);
- no broken internal link (target file and ``#fragment`` exist) and no missing image;
- every explorer's controls (``div.cnnlab-explorer``: ``select[data-ctl]`` and the stepper)
  change what it shows, and every matplotlib jshtml animation (``div.animation``) steps;

and saves a full-page screenshot in ``test-artifacts/site/`` (the page weights go to
``test-artifacts/site/page-weights.json``). ``test_menu_by_touch_at_phone_width`` opens the
chapter menu of every page by touch at 390 px and follows it to a chapter that is not next to
the page; the in-page contents open and close by touch; at 800 px the menu works from the
keyboard and at 1280 px the mouse collapses and restores the sidebar.
``test_dark_mode_is_readable`` opens every page with the reader's system in dark mode: no text
(axe-core) and no formula below WCAG contrast, no picture with transparent parts whose ink melts
into the dark backdrop, no explorer drawing painted differently from light mode.
``test_search_finds_the_chapters_that_teach_a_term`` queries the built search page (e.g.
"receptive field", "pooling") and expects the chapters that teach them among the first results.
Skipped, with the reason, when the
site was not built or ``/usr/bin/chromium`` is absent. Playwright never downloads a browser
here: it drives Debian's Chromium through ``executable_path``.
"""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from browser_support import CHROMIUM, NO_CHROMIUM, launch_chromium, page_weight, serve_directory
from browser_support import site_pages as _site_pages

ROOT = Path(__file__).resolve().parents[1]
#: the built site; CNNLAB_SITE points the tests at another build (e.g. a private one)
SITE = Path(os.environ.get("CNNLAB_SITE", ROOT / "_build" / "html"))
ARTIFACTS = ROOT / "test-artifacts" / "site"

#: Pages whose prose is known to hold raw TeX, with the cause and the fix: reported as xfail
#: (every other check of the page still runs); remove the entry once the chapter is fixed.
KNOWN_MATH_FAULTS: dict[str, str] = {}
#: what a page may load in all, uncompressed (the issue's budget for a reader on a slow line)
MAX_PAGE_BYTES = 2_000_000
#: Pages still over MAX_PAGE_BYTES (issue 12 is open for them): each is held to the ceiling
#: measured when it was listed, and fails as soon as it fits the budget, until it is removed here.
OVER_BUDGET: dict[str, int] = {}
#: the share of a page's Chinese characters that must be marked as Chinese
MIN_ZH_MARKED = 0.95

pytestmark = pytest.mark.browser


def skip_reason() -> str | None:
    if not (SITE / "book" / "intro.html").is_file():
        return f"no built site in {SITE}: run `make book` (make test builds it first)"
    if not CHROMIUM.exists():
        return NO_CHROMIUM
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (requirements-dev.txt)"
    return None


def site_pages() -> list[str]:
    """Every HTML page of the site, relative to its root (assets and sources excluded)."""
    return _site_pages(SITE)


@pytest.fixture(scope="module")
def server():
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    with serve_directory(SITE) as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium for the module (Playwright's sync API allows one running instance)."""
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.fixture(scope="module")
def browser(server, chromium):
    return chromium


@functools.lru_cache(maxsize=None)
def element_ids(rel: str) -> frozenset[str]:
    """The ``id`` attributes of a built page (fragment targets)."""
    text = (SITE / rel).read_text(encoding="utf-8", errors="replace")
    return frozenset(re.findall(r"""\bid\s*=\s*["']([^"']+)["']""", text))


# JavaScript run in the page -------------------------------------------------------------

#: visible prose text: the body without code, scripts, typeset formulas and hidden elements
VISIBLE_PROSE_JS = """
() => {
  const root = document.querySelector('main') || document.body;
  const clone = root.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, .katex, .cell_input, textarea, '
      + '.cx-data, .visually-hidden, [hidden]').forEach(e => e.remove());
  return clone.textContent;
}
"""

MATH_COUNTS_JS = """
() => {
  const math = [...document.querySelectorAll('main .math')];
  return {
    math: math.length,
    unrendered: math.filter(m => !m.querySelector('.katex')).length,
    without_mathml: math.filter(m => !m.querySelector('.katex-mathml math')).length,
    errors: document.querySelectorAll('.katex-error, code.katex-failed').length,
  };
}
"""

#: Han characters in the page's text, and how many of them sit inside an element marked zh
CHINESE_JS = """
() => {
  const han = /[\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff]/g;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let total = 0, marked = 0;
  const unmarked = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('script, style, noscript, template')) continue;
    const count = (node.data.match(han) || []).length;
    if (!count) continue;
    total += count;
    const holder = parent.closest('[lang]');
    if (holder && holder.getAttribute('lang').toLowerCase().startsWith('zh')) marked += count;
    else if (unmarked.length < 8) unmarked.push(node.data.trim().slice(0, 40));
  }
  return {total, marked, unmarked};
}
"""

BROKEN_IMAGES_JS = """
async () => {
  const broken = [];
  for (const img of document.querySelectorAll('img')) {
    if (!img.getAttribute('src')) continue;  // filled in by a script (animations) later
    img.loading = 'eager';
    try { await img.decode(); } catch (e) {}
    if (!img.complete || img.naturalWidth === 0) broken.push(img.getAttribute('src').slice(0, 120));
  }
  return broken;
}
"""

EXPLORERS_JS = """
async () => {
  const report = [];
  const settle = () => new Promise(r => setTimeout(r, 30));
  // explorers unpack their state tables asynchronously: compare views only once each has drawn
  const roots = [...document.querySelectorAll('div.cnnlab-explorer')];
  for (let t = 0; t < 300 && !roots.every(e => e.getAttribute('data-ready') === '1'); t++) await settle();
  for (const root of roots) {
    if (root.getAttribute('data-ready') !== '1') {
      report.push({name: root.getAttribute('data-explorer') || root.id, control: '(none)', ok: false,
                   why: 'never drew (data-ready is ' + root.getAttribute('data-ready') + ')'});
      continue;
    }
    const name = root.getAttribute('data-explorer') || root.id;
    const view = root.querySelector('.cx-view');
    if (!view) { report.push({name, control: '(none)', ok: false, why: 'no .cx-view'}); continue; }
    for (const sel of root.querySelectorAll('select[data-ctl]')) {
      const start = sel.selectedIndex, before = view.innerHTML;
      let changed = sel.options.length < 2;  // a one-option control cannot change anything
      for (let i = 0; i < sel.options.length && !changed; i++) {
        if (i === start) continue;
        sel.selectedIndex = i;
        sel.dispatchEvent(new Event('change', {bubbles: true}));
        await settle();
        changed = view.innerHTML !== before;
      }
      sel.selectedIndex = start;
      sel.dispatchEvent(new Event('change', {bubbles: true}));
      await settle();
      report.push({name, control: 'select ' + sel.getAttribute('data-ctl'), ok: changed,
                   why: changed ? '' : 'no option changed the view'});
    }
    const range = root.querySelector('input[data-ctl=step]');
    const next = root.querySelector('[data-act=next]');
    if (range && next && parseInt(range.max, 10) > 0) {
      const before = view.innerHTML;
      next.click();
      await settle();
      report.push({name, control: 'stepper next', ok: view.innerHTML !== before,
                   why: 'the ▶ button did not change the view'});
    }
  }
  return report;
}
"""

ANIMATIONS_JS = """
async () => {
  const report = [];
  const settle = () => new Promise(r => setTimeout(r, 50));
  for (const anim of document.querySelectorAll('div.animation')) {
    const img = anim.querySelector('img');
    const pause = anim.querySelector('button[title="Pause"]');
    const next = anim.querySelector('button[title="Next frame"]');
    const slider = anim.querySelector('input.anim-slider');
    if (pause) pause.click();
    const before = img ? img.src : null;
    const frame0 = slider ? slider.value : null;
    if (next) next.click();
    await settle();
    report.push({id: img ? img.id : '?', ok: !!(img && next && img.src && img.src !== before),
                 frames: slider ? parseInt(slider.max, 10) + 1 : 0,
                 moved: slider ? slider.value !== frame0 : false});
  }
  return report;
}
"""


def _page_id(rel: str) -> str:
    return rel.removesuffix(".html")


@pytest.mark.parametrize("rel", site_pages() or ["book/intro.html"], ids=_page_id)
def test_page_in_browser(rel, server, browser):
    origin = urlsplit(server)
    outside, failed, console_errors = [], [], []

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    def on_request(request):
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.hostname != "127.0.0.1":
            outside.append(request.url)

    def on_response(response):
        if response.status >= 400:
            failed.append(f"{response.status} {response.url}")

    def on_console(msg):
        if msg.type == "error":
            console_errors.append(f"{msg.text} ({(msg.location or {}).get('url', '')})")

    page.on("request", on_request)
    page.on("response", on_response)
    page.on("requestfailed", lambda r: failed.append(f"failed {r.url} {r.failure}"))
    page.on("console", on_console)

    page.on("pageerror", lambda exc: console_errors.append(f"uncaught: {exc}"))
    scripts = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)

    try:
        source = (SITE / rel).read_text(encoding="utf-8", errors="replace")
        refresh = re.search(r"""http-equiv=["']refresh["'][^>]*url=([^"'>]+)""", source, re.IGNORECASE)
        if refresh:  # index.html: a redirect to the front page, followed by the browser
            target = refresh.group(1).strip()
            assert (SITE / rel).parent.joinpath(target).is_file(), f"{rel} redirects to missing {target}"
            # an icon of its own, or the browser asks for /favicon.ico (a 404; whether Chromium
            # asks before it follows the redirect depends on timing, so the markup is checked)
            icon = re.search(r"""<link[^>]*rel=["'](?:shortcut )?icon["'][^>]*href=["']([^"']+)""", source)
            assert icon and (SITE / rel).parent.joinpath(icon.group(1)).is_file(), f"{rel}: no site icon"
            page.goto(f"{server}/{rel}")
            page.wait_for_url(f"**/{target}")
            page.wait_for_load_state("load")
            page.wait_for_load_state("networkidle")
            # no HTTP error either (a request the redirect cut short is aborted, not failed)
            http_errors = [f for f in failed if "net::ERR_ABORTED" not in f]
            assert not outside and not console_errors and not http_errors, (outside, console_errors, failed)
            return
        page.goto(f"{server}/{rel}", wait_until="load")
        page.wait_for_load_state("networkidle")
        # explorers unpack their state tables asynchronously, then draw (and set data-ready)
        page.wait_for_function("() => [...document.querySelectorAll('div.cnnlab-explorer')]"
                               ".every(e => e.getAttribute('data-ready'))", timeout=30_000)
        html = page.content()

        # --- formulas: typeset at build time ------------------------------------------------
        counts = page.evaluate(MATH_COUNTS_JS)
        assert counts["unrendered"] == 0 and counts["errors"] == 0, f"{rel}: formulas {counts}"
        assert counts["without_mathml"] == 0, f"{rel}: formulas without MathML {counts}"
        math_js = [u for u in scripts if re.search(r"(?i)mathjax|katex", urlsplit(u).path)]
        assert not math_js, f"{rel}: math JavaScript loaded: {math_js}"
        math_fault = raw_tex(page.evaluate(VISIBLE_PROSE_JS))

        # --- Chinese marked as Chinese ---------------------------------------------------------
        zh = page.evaluate(CHINESE_JS)
        if zh["total"]:
            assert zh["marked"] >= MIN_ZH_MARKED * zh["total"], (
                f"{rel}: {zh['marked']} of {zh['total']} Chinese characters inside a lang=zh "
                f"element; unmarked text: {zh['unmarked']}")

        # --- accessibility (axe-core) ----------------------------------------------------------
        serious = axe_violations(page)
        assert not serious, f"{rel}: critical/serious axe violations: {serious}"

        # --- links and images ----------------------------------------------------------------
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        broken_links = []
        for href in set(hrefs):
            parts = urlsplit(href)
            if parts.scheme not in ("http", "https") or parts.netloc != origin.netloc:
                continue  # external links are followed only by readers; mailto:, javascript: …
            path = unquote(parts.path).lstrip("/") or "index.html"
            target = SITE / path
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken_links.append(href)
            elif parts.fragment and target.suffix == ".html":
                if unquote(parts.fragment) not in element_ids(target.relative_to(SITE).as_posix()):
                    broken_links.append(href)
        assert not broken_links, f"{rel}: broken internal links {sorted(broken_links)}"
        broken_images = page.evaluate(BROKEN_IMAGES_JS)
        assert not broken_images, f"{rel}: images that did not load {broken_images}"

        # --- weight: everything the page loaded (every image made to load above) ---------------
        weight = page_weight(page)
        record_weight(rel, weight)
        same_page = rel.removeprefix("zh/")  # the Chinese edition of a page is held like the English
        budget = OVER_BUDGET.get(same_page, MAX_PAGE_BYTES)
        assert weight["total"] <= budget, (
            f"{rel}: {weight['total'] / 1e6:.2f} MB loaded (budget {budget / 1e6:.1f} MB): {weight}")
        if same_page in OVER_BUDGET:
            assert weight["total"] > MAX_PAGE_BYTES, (
                f"{rel} now fits {MAX_PAGE_BYTES / 1e6:.1f} MB: remove it from OVER_BUDGET")

        # --- explorers and animations --------------------------------------------------------
        if "cnnlab-explorer" in html:
            report = page.evaluate(EXPLORERS_JS)
            assert report, f"{rel}: explorer markup but no explorer found"
            bad = [r for r in report if not r["ok"]]
            assert not bad, f"{rel}: explorer controls that change nothing: {bad}"
        if 'class="animation"' in html:
            report = page.evaluate(ANIMATIONS_JS)
            bad = [r for r in report if not r["ok"]]
            assert not bad, f"{rel}: animations that do not step: {bad}"

        # --- the network and the console -----------------------------------------------------
        assert not outside, f"{rel}: requests outside 127.0.0.1: {outside}"
        assert not failed, f"{rel}: failed requests: {failed}"
        assert not console_errors, f"{rel}: console errors: {console_errors}"
        if math_fault:  # checked last, so that a known fault does not hide the checks above
            if rel in KNOWN_MATH_FAULTS:
                pytest.xfail(f"known: {KNOWN_MATH_FAULTS[rel]} — found: {math_fault}")
            pytest.fail(f"{rel}: {math_fault}")
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / (_page_id(rel).replace("/", "__") + ".png")
        try:
            page.evaluate("() => window.scrollTo(0, 0)")
            page.screenshot(path=str(shot), full_page=True)
        finally:
            context.close()


def axe_violations(page) -> list[dict]:
    """axe-core's critical and serious violations on ``page``: rule, impact, a few targets."""
    from axe_playwright_python.sync_playwright import Axe

    # preload off: axe would fetch stylesheets itself to build a CSSOM (only the css-orientation-lock
    # rule uses it) and resolves theme.css's @import against the page, asking for a missing file
    results = Axe().run(page, options={"resultTypes": ["violations"], "preload": False})
    return [{"rule": v["id"], "impact": v["impact"], "help": v["help"],
             "targets": [n["target"] for n in v["nodes"][:3]], "count": len(v["nodes"])}
            for v in results.response["violations"] if v["impact"] in ("critical", "serious")]


def record_weight(rel: str, weight: dict[str, int]) -> None:
    """Keep each page's weight in test-artifacts/site/page-weights.json (for the report)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "page-weights.json"
    table = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    table[rel] = weight
    path.write_text(json.dumps(table, indent=1, sort_keys=True), encoding="utf-8")


def raw_tex(prose: str) -> str | None:
    """What in the visible prose is TeX that was not typeset (None when there is none).

    A dollar sign or a TeX command left in the prose is math that did not parse: e.g. a line
    inside ``$…$`` that starts with ``+ `` and so became a Markdown list item. This course
    prints no prices, so any ``$`` counts.
    """
    for raw in ("$$", "\\(", "\\)", "\\[", "\\]", "\\begin{", "$"):
        if raw in prose:
            return f"raw TeX {raw!r} in the visible text: …{_around(prose, raw)}…"
    command = re.search(r"\\(?:[a-zA-Z]{2,}|[,;!])", prose)
    if command:
        return f"TeX command {command.group(0)!r} outside math: …{_around(prose, command.group(0))}…"
    return None


def _around(text: str, needle: str, width: int = 60) -> str:
    i = text.find(needle)
    return " ".join(text[max(0, i - width): i + width].split())


def test_pages_were_found():
    """The parametrisation above is not empty when the site exists."""
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    pages = site_pages()
    assert "book/intro.html" in pages and "book/glossary.html" in pages, pages


# --- the checks themselves can fail -------------------------------------------------------------

def _animation_html(frames_differ: bool) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    fig, ax = plt.subplots(figsize=(2, 2), dpi=40)
    (line,) = ax.plot([0, 1], [0, 0])
    ax.set_ylim(0, 3)

    def update(i):
        line.set_ydata([i, i] if frames_differ else [1, 1])
        return (line,)

    html = FuncAnimation(fig, update, frames=3, interval=100).to_jshtml()
    plt.close(fig)
    return html


@pytest.mark.parametrize("frames_differ", [True, False])
def test_animation_check_sees_a_step(chromium, frames_differ):
    page = chromium.new_page()
    page.set_content(f"<html><body>{_animation_html(frames_differ)}</body></html>")
    report = page.evaluate(ANIMATIONS_JS)
    page.close()
    assert len(report) == 1 and report[0]["frames"] == 3 and report[0]["moved"]
    assert report[0]["ok"] is frames_differ  # identical frames: the check must fail


def test_explorer_check_sees_controls_change_the_view(chromium):
    from cnnlab.explorers import SlidingFilter
    from cnnlab.explorers.static import read_payload, write_payload

    html = SlidingFilter().static_html()
    page = chromium.new_page()
    page.set_content(f"<html><body>{html}</body></html>")
    report = page.evaluate(EXPLORERS_JS)
    assert report and all(r["ok"] for r in report), report
    # the same explorer with every state drawn alike: every control must be reported as dead
    data = read_payload(html)
    first = next(iter(data["states"].values()))[0]
    data["states"] = {k: [first] * len(v) for k, v in data["states"].items()}
    uid = html[html.index('id="cnnlab-x-'):].split('"')[1]
    dead = write_payload(html, data).replace(uid, "cnnlab-x-dead")
    page.set_content(f"<html><body>{dead}</body></html>")
    report = page.evaluate(EXPLORERS_JS)
    page.close()
    assert report and not any(r["ok"] for r in report), report


def test_raw_tex_check():
    assert raw_tex("The output is 3×3 and the filter 2×2.") is None
    assert "'$'" in raw_tex("For RGB: $6{,}032 + 100")
    assert "'$$'" in raw_tex("$$ x $$")
    assert "\\cdot" in raw_tex("a \\cdot b")
    assert "\\(" in raw_tex("inline \\( x \\) left")


# --- navigation at every width: touch (390 px), keyboard (800 px), mouse (1280 px) -------------

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True,
         "device_scale_factor": 2}
TABLET = {"viewport": {"width": 800, "height": 1000}}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
MENU_LINK = ".bd-sidebar-primary nav a.reference.internal[href$='{name}.html']"


def toc_pages() -> list[str]:
    """The pages of ``_toc.yml`` in reading order (``book/intro``, the chapters, reference)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        pages += [c["file"] for c in part.get("chapters", [])]
    return pages


def far_page(rel: str) -> str:
    """A toc page at least two places away from ``rel`` (pages outside the toc count as the front page)."""
    order = toc_pages()
    name = rel.removeprefix("zh/").removesuffix(".html")  # the same place in either edition
    here = order.index(name) if name in order else 0
    return order[(here + len(order) // 2) % len(order)]


def _in_viewport(page, selector: str) -> bool:
    """Whether the first element matching ``selector`` is laid out on screen (not slid away)."""
    return page.evaluate(
        """(sel) => { const e = document.querySelector(sel); if (!e) return false;
             const r = e.getBoundingClientRect();
             return r.width > 0 && r.height > 0 && r.right > 0 && r.left < innerWidth
                    && getComputedStyle(e).visibility !== 'hidden'; }""", selector)


def _open_page(browser, server, rel, **context):
    ctx = browser.new_context(**context)
    ctx.set_default_timeout(60_000)
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{server}/{rel}", wait_until="load")
    return ctx, page, errors


def _nav_pages() -> list[str]:
    # not the editions' redirect pages (index.html, zh/index.html): they only forward to the front page
    return [p for p in site_pages() if p.split("/")[-1] != "index.html"] or ["book/intro.html"]


@pytest.mark.parametrize("rel", _nav_pages(), ids=_page_id)
def test_menu_by_touch_at_phone_width(rel, server, browser):
    target = far_page(rel)
    link = MENU_LINK.format(name=target.split("/")[-1])
    ctx, page, errors = _open_page(browser, server, rel, **PHONE)
    try:
        assert page.locator(link).count(), f"{rel}: no menu link to {target}"
        assert not _in_viewport(page, link), f"{rel}: the menu is open before any tap"
        page.locator("button.primary-toggle").first.tap()
        page.wait_for_function(f"() => {{ const r = document.querySelector({link!r}).getBoundingClientRect();"
                               f" return r.right > 0 && r.left < innerWidth; }}")
        assert _in_viewport(page, link)
        page.locator("label.overlay-primary").tap(position={"x": 370, "y": 400})  # tap outside: closes
        page.wait_for_function(f"() => document.querySelector({link!r}).getBoundingClientRect().right <= 0")
        page.locator("button.primary-toggle").first.tap()
        page.wait_for_function(f"() => document.querySelector({link!r}).getBoundingClientRect().left >= 0")
        page.locator(link).first.tap()
        page.wait_for_url(f"**/{target}.html")
        if page.locator("button.secondary-toggle").count():  # the in-page contents, by touch
            page.locator("button.secondary-toggle").first.tap()
            page.wait_for_function("() => { const r = document.querySelector('.bd-sidebar-secondary')"
                                   ".getBoundingClientRect(); return r.left < innerWidth && r.right > 0; }")
            page.locator("label.overlay-secondary").tap(position={"x": 20, "y": 400})
            page.wait_for_function("() => document.querySelector('.bd-sidebar-secondary')"
                                   ".getBoundingClientRect().left >= innerWidth")
        assert not errors, errors
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"phone__{_page_id(rel).replace('/', '__')}.png"))
        ctx.close()


@pytest.mark.parametrize("rel", ["book/intro.html", "notebooks/ch2_math_principles.html"], ids=_page_id)
def test_menu_by_keyboard_at_tablet_width(rel, server, browser):
    if not (SITE / rel).is_file():
        pytest.skip(f"{rel} not built")
    target = far_page(rel)
    link = MENU_LINK.format(name=target.split("/")[-1])
    ctx, page, errors = _open_page(browser, server, rel, **TABLET)
    try:
        assert not _in_viewport(page, link)
        for _ in range(20):  # Tab from the top of the page to the menu button
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.matches('button.primary-toggle')"):
                break
        else:
            pytest.fail(f"{rel}: 20 Tab presses never reached the menu button")
        page.keyboard.press("Enter")
        page.wait_for_function(f"() => document.querySelector({link!r}).getBoundingClientRect().left >= 0")
        page.locator(link).first.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/{target}.html")
        assert not errors, errors
    finally:
        ctx.close()


def test_sidebar_collapses_by_mouse_at_desktop_width(server, browser):
    ctx, page, errors = _open_page(browser, server, "notebooks/ch1_visual_system.html", **DESKTOP)
    try:
        sidebar = ".bd-sidebar-primary"
        assert _in_viewport(page, sidebar)
        page.locator("button.primary-toggle").first.click()
        page.wait_for_function("() => !(document.querySelector('.bd-sidebar-primary').offsetWidth > 0)"
                               " || document.querySelector('.bd-sidebar-primary').getBoundingClientRect().right <= 0")
        page.locator("button.primary-toggle").first.click()
        page.wait_for_function("() => document.querySelector('.bd-sidebar-primary').getBoundingClientRect().right > 0")
        assert not errors, errors
    finally:
        ctx.close()


def test_far_page_is_not_adjacent():
    order = toc_pages()
    for rel in order:
        target = far_page(rel + ".html")
        assert abs(order.index(target) - order.index(rel)) >= 2, (rel, target)


# --- dark mode: the theme's switch (data-theme="dark") leaves every page readable --------------

#: contrast (WCAG) of an element's text colour against what lies behind it: the first ancestor
#: with an opaque background (the page's own background at the top)
CONTRAST_HELPERS_JS = """
const parseColour = (s) => { const m = s.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
  const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
  return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
const luminance = (c) => { const f = (v) => { v /= 255;
  return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
const contrast = (a, b) => { const x = luminance(a), y = luminance(b);
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
const backdrop = (el) => { for (let e = el; e; e = e.parentElement) {
    const c = parseColour(getComputedStyle(e).backgroundColor);
    if (c && c.a > 0.5) return c; }
  return parseColour(getComputedStyle(document.body).backgroundColor) || {r: 255, g: 255, b: 255, a: 1}; };
"""

#: formulas: KaTeX's visible part is aria-hidden (axe skips it), so its contrast is measured here
FORMULA_CONTRAST_JS = "() => {" + CONTRAST_HELPERS_JS + """
  const bad = [];
  for (const k of document.querySelectorAll('main .katex-html')) {
    if (!k.getClientRects().length) continue;
    const ratio = contrast(parseColour(getComputedStyle(k).color), backdrop(k));
    if (ratio < 4.5 && bad.length < 5) bad.push({tex: (k.parentElement.querySelector('annotation') || {}).textContent,
                                                 ratio: Math.round(ratio * 100) / 100});
  }
  return bad;
}"""

#: pictures: one with transparent parts shows the page behind it; its ink (the median opaque
#: pixel: a chart's text and axes) must stand out from that backdrop by at least 3:1 (WCAG's
#: minimum for graphics)
FIGURE_BACKDROP_JS = "async () => {" + CONTRAST_HELPERS_JS + """
  const bad = [];
  for (const img of document.querySelectorAll('main img')) {
    try { img.loading = 'eager'; await img.decode(); } catch (e) { continue; }
    if (!img.naturalWidth || !img.getClientRects().length) continue;
    const w = Math.min(img.naturalWidth, 300), h = Math.max(1, Math.round(img.naturalHeight * w / img.naturalWidth));
    const canvas = document.createElement('canvas'); canvas.width = w; canvas.height = h;
    const ctx = canvas.getContext('2d'); ctx.drawImage(img, 0, 0, w, h);
    const d = ctx.getImageData(0, 0, w, h).data;
    let clear = 0; const ink = [];
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] < 128) clear++;
      else ink.push(luminance({r: d[i], g: d[i + 1], b: d[i + 2]}));
    }
    if (clear < 0.05 * w * h || !ink.length) continue;  // opaque: brings its own background
    ink.sort((a, b) => a - b);
    const median = ink[Math.floor(ink.length / 2)], back = luminance(backdrop(img));
    const ratio = (Math.max(median, back) + 0.05) / (Math.min(median, back) + 0.05);
    if (ratio < 3) bad.push({src: img.getAttribute('src').slice(-60), ratio: Math.round(ratio * 100) / 100});
  }
  return bad;
}"""


def _set_theme(page, mode: str) -> None:
    page.evaluate("(m) => { document.documentElement.dataset.theme = m;"
                  " document.documentElement.dataset.mode = m; }", mode)
    page.wait_for_timeout(100)


#: the colours every element of each explorer's drawing (``.cx-view``) is painted with
DRAWING_COLOURS_JS = """
() => [...document.querySelectorAll('div.cnnlab-explorer')].map(e => ({
  name: e.getAttribute('data-explorer') || e.id,
  colours: [...e.querySelectorAll('.cx-view, .cx-view *')].map(x => { const s = getComputedStyle(x);
    return [x.tagName, s.fill, s.stroke, s.color, s.backgroundColor, s.opacity].join(' '); })}))
"""


def explorer_drawings_differ(page) -> list[str]:
    """Explorers whose drawing (``.cx-view``: its SVG shapes and text, its HTML cells) is painted
    in other colours in dark mode than in light mode.

    An explorer draws on its own light panel with its own colours; one whose text or lines
    inherited the page's colours would turn light-on-light in dark mode. (Pixels are not
    compared: the theme pads notebook outputs in dark mode, which moves a drawing by a pixel.)
    """
    _set_theme(page, "light")
    light = page.evaluate(DRAWING_COLOURS_JS)
    _set_theme(page, "dark")
    dark = page.evaluate(DRAWING_COLOURS_JS)
    return [a["name"] for a, b in zip(light, dark) if a["colours"] != b["colours"]]


def dark_mode_faults(page) -> dict[str, list]:
    """What is unreadable on ``page`` (already in dark mode): text (axe-core's color-contrast),
    formulas, pictures on a dark backdrop."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": ["color-contrast"], "resultTypes": ["violations"],
                                       "preload": False})
    text = [{"target": n["target"], "why": n["any"][0]["message"][:160] if n["any"] else ""}
            for v in results.response["violations"] for n in v["nodes"][:6]]
    return {"text": text, "formulas": page.evaluate(FORMULA_CONTRAST_JS),
            "figures": page.evaluate(FIGURE_BACKDROP_JS)}


@pytest.mark.parametrize("rel", _nav_pages(), ids=_page_id)
def test_dark_mode_is_readable(rel, server, browser):
    """With the reader's system in dark mode (the site follows it; the header switch sets the
    same ``data-theme``), text, formulas, figures and explorers stay readable."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    ctx.set_default_timeout(60_000)
    page = ctx.new_page()
    try:
        page.goto(f"{server}/{rel}", wait_until="load")
        page.wait_for_load_state("networkidle")
        page.wait_for_function("() => [...document.querySelectorAll('div.cnnlab-explorer')]"
                               ".every(e => e.getAttribute('data-ready'))", timeout=30_000)
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        faults = dark_mode_faults(page)
        assert not any(faults.values()), f"{rel} in dark mode: {faults}"
        differ = explorer_drawings_differ(page)
        assert not differ, f"{rel}: explorers drawn differently in dark mode: {differ}"
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"dark__{_page_id(rel).replace('/', '__')}.png"))
        ctx.close()


def _svg_figure(background: str | None) -> str:
    """A matplotlib-like SVG figure: black axes and labels, on ``background`` (None: transparent)."""
    import urllib.parse

    rect = f'<rect width="300" height="200" fill="{background}"/>' if background else ""
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200">{rect}'
           '<path d="M40 20V170H280" stroke="#000" stroke-width="3" fill="none"/>'
           '<text x="150" y="195" font-size="16">epoch</text>'
           '<text x="5" y="100" font-size="16">loss</text>'
           '<rect x="60" y="60" width="200" height="40" fill="#000"/></svg>')
    return "data:image/svg+xml," + urllib.parse.quote(svg)


@pytest.mark.parametrize("background, img_style, readable", [
    (None, "", False),                       # transparent figure, black ink, dark page: unreadable
    (None, "background: #fff", True),        # the same figure given a light backdrop
    ("#ffffff", "", True),                   # a figure with its own white background
])
def test_dark_mode_check_sees_dark_ink_on_a_dark_backdrop(chromium, background, img_style, readable):
    page = chromium.new_page()
    page.set_content(f"""<html data-theme="dark"><body style="background:#121212;color:#ced6dd">
      <main><p>Text that reads well.</p><img alt="a curve" src="{_svg_figure(background)}" style="{img_style}">
      <span class="katex"><span class="katex-html" style="color:{'#ced6dd' if readable else '#222'}">x</span></span>
      </main></body></html>""")
    faults = dark_mode_faults(page)
    page.close()
    assert (not faults["figures"]) is readable, faults
    assert (not faults["formulas"]) is readable, faults
    assert not faults["text"], faults


def test_explorer_check_sees_a_drawing_that_follows_the_page_colours(chromium):
    from cnnlab.explorers import SlidingFilter

    html = SlidingFilter().static_html()
    page = chromium.new_page()
    page.set_content(f"""<html data-theme="light"><head><style>
      html[data-theme=dark] body {{ background: #121212; color: #eee; }}</style></head>
      <body>{html}</body></html>""")
    page.wait_for_function("() => document.querySelector('div.cnnlab-explorer').getAttribute('data-ready') === '1'")
    assert explorer_drawings_differ(page) == []
    # the same explorer whose numbers take the page's text colour: white on white in dark mode
    page.add_style_tag(content=".cnnlab-explorer, .cnnlab-explorer * { color: inherit !important; }"
                               " .cx-svg text { fill: currentColor !important; }")
    assert explorer_drawings_differ(page) != []
    page.close()


# --- search: the built site's search page finds the chapters that teach a term -----------------

SEARCH_RESULTS_JS = """
() => [...document.querySelectorAll('#search-results ul.search li a')]
        .map(a => new URL(a.href).pathname.replace(/^\\//, ''))
"""


def search(page, server, query: str) -> list[str]:
    """The pages (site paths, in the order shown) that the search page lists for ``query``."""
    from urllib.parse import quote_plus

    page.goto(f"{server}/search.html?q={quote_plus(query)}", wait_until="load")
    # searchtools.js loads the index, then writes a summary once every result is listed
    page.wait_for_function("() => { const s = document.querySelector('#search-results .search-summary');"
                           " return s && s.textContent.trim().length > 0; }", timeout=60_000)
    return list(dict.fromkeys(page.evaluate(SEARCH_RESULTS_JS)))


@pytest.mark.parametrize("query, chapters", [
    ("receptive field", ["notebooks/ch2_math_principles.html"]),
    ("pooling", ["notebooks/ch2_math_principles.html", "notebooks/ch3_backprop_derivation.html"]),
    ("sensitivity map", ["notebooks/ch3_backprop_derivation.html"]),
    ("LeNet-5", ["notebooks/ch5_digit_recognition.html"]),
    # the lecture's Chinese terms, as a reader in China types them
    ("感受野", ["notebooks/ch2_math_principles.html"]),
    ("池化", ["notebooks/ch2_math_principles.html", "notebooks/ch3_backprop_derivation.html"]),
])
def test_search_finds_the_chapters_that_teach_a_term(query, chapters, server, browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(60_000)
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        found = search(page, server, query)
        top = found[:5]
        missing = [c for c in chapters if c not in top]
        assert not missing, f"search {query!r}: {missing} not among the first five results {found}"
        # and a word the course never uses finds nothing (the check above can fail)
        assert search(page, server, "qwzxvkj") == []
        assert not errors, errors
    finally:
        ctx.close()
