"""Measure what every page of the built site loads in a browser, and print a table.

Usage: ``python scripts/page_weight.py [SITE] [--json FILE]`` (SITE defaults to ``_build/html``).

Serves SITE on 127.0.0.1, opens each page in headless Chromium (Debian's ``/usr/bin/chromium``,
driven by Playwright) at 1280 x 900, waits for the network to go quiet, makes every image load,
and sums the uncompressed body sizes the browser reports (Resource Timing ``decodedBodySize``)
per kind: HTML, JS, CSS, fonts, images. The same measurement is asserted, page by page, in
``tests/test_site_browser.py`` (at most 2.0 MB a page); this script prints the whole table, to
compare two builds.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import launch_chromium, page_weight, serve_directory, site_pages  # noqa: E402

KINDS = ("html", "js", "css", "font", "image", "other")


def measure(site: Path) -> dict[str, dict[str, int]]:
    """``{page: {kind: bytes, ..., "total": bytes}}`` for every page of ``site``."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    table = {}
    with serve_directory(site) as url, sync_playwright() as p:
        browser = launch_chromium(p)
        for rel in site_pages(site):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.set_default_timeout(120_000)  # a loaded 2-core machine is slow
            page = context.new_page()
            page.goto(f"{url}/{rel}", wait_until="load")
            try:
                page.wait_for_load_state("networkidle", timeout=15_000)
            except PlaywrightTimeout:
                print(f"{rel}: network not idle after 15 s; measured as it was", file=sys.stderr)
            table[rel] = page_weight(page)
            print(f"{rel}: {table[rel]['total'] / 1e6:.2f} MB", file=sys.stderr)
            context.close()
        browser.close()
    return table


def format_table(table: dict[str, dict[str, int]]) -> str:
    """A Markdown table in kB (1 kB = 1000 bytes), one row per page."""
    head = "| page | " + " | ".join(KINDS) + " | total |"
    rows = [head, "|" + "---|" * (len(KINDS) + 2)]
    for rel, sizes in table.items():
        cells = [f"{sizes.get(k, 0) / 1000:.0f}" for k in KINDS]
        rows.append(f"| {rel} | " + " | ".join(cells) + f" | {sizes['total'] / 1e6:.2f} MB |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--json", type=Path, help="also write the table as JSON to this file")
    args = parser.parse_args(argv)
    if not (args.site / "book" / "intro.html").is_file():
        parser.error(f"no built site in {args.site}: run `make book`")
    table = measure(args.site)
    print(format_table(table))
    if args.json:
        args.json.write_text(json.dumps(table, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
