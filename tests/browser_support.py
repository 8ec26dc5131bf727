"""What the browser tests share: Debian's Chromium driven by Playwright's Python API (never a
downloaded browser), launched quietly for a closed network, and a static file server on
127.0.0.1 for the pages under test."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NO_CHROMIUM = f"{CHROMIUM} is absent: apt-get install chromium (.ci/run does)"


def launch_chromium(playwright):
    """Debian's Chromium, headless and quiet on a closed network (never a downloaded browser)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output clean
        pass


@contextlib.contextmanager
def serve_directory(root):
    """Serve ``root`` on 127.0.0.1 (an ephemeral port) in a thread; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


#: every resource the page loaded, from the browser's Resource Timing (uncompressed body
#: sizes: decodedBodySize), after every image was made to load (lazy images included)
PAGE_WEIGHT_JS = """
async () => {
  for (const img of document.querySelectorAll('img')) {
    img.loading = 'eager';
    try { await img.decode(); } catch (e) {}
  }
  await document.fonts.ready;
  const entries = performance.getEntriesByType('navigation')
      .concat(performance.getEntriesByType('resource'));
  return entries.map(e => ({url: e.name, kind: e.initiatorType, bytes: e.decodedBodySize}));
}
"""


def resource_kind(url: str) -> str:
    """html, js, css, font, image or other, from a URL's file extension."""
    path = url.split("?")[0].split("#")[0].lower()
    for kind, ends in (("html", (".html", "/")), ("js", (".js", ".mjs")), ("css", (".css",)),
                       ("font", (".woff2", ".woff", ".ttf", ".otf")),
                       ("image", (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"))):
        if path.endswith(ends):
            return kind
    return "other"


def page_weight(page) -> dict[str, int]:
    """Bytes the loaded ``page`` took, uncompressed, per kind of resource and in ``total``.

    Call it after the page has loaded (``wait_until="load"`` and network idle): it makes every
    image load, waits for the fonts and sums the Resource Timing entries (one per URL).
    """
    sizes: dict[str, int] = {}
    seen = set()
    for entry in page.evaluate(PAGE_WEIGHT_JS):
        if entry["url"] in seen or entry["url"].startswith(("data:", "blob:")):
            continue
        seen.add(entry["url"])
        kind = resource_kind(entry["url"])
        sizes[kind] = sizes.get(kind, 0) + int(entry["bytes"])
    sizes["total"] = sum(sizes.values())
    return sizes


def site_pages(site: Path) -> list[str]:
    """Every HTML page of a built site, relative to its root (assets and sources excluded)."""
    if not site.is_dir():
        return []
    pages = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if {"_static", "_sources", "_images"} & set(rel.split("/")) or rel.startswith("."):
            continue
        pages.append(rel)
    return pages
