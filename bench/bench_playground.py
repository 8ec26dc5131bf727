"""Redraw time of the digit pad in Chromium: forward pass + every map, per pointer move.

Usage: ``python bench/bench_playground.py`` (needs /usr/bin/chromium). Draws 30 strokes as a
person would and reports the pad's own measurement (``data-ms``: from reading the drawing to
the last map painted) — median and 90th percentile. Goal: ≤ 30 ms per redraw.
"""
import math
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from browser_support import launch_chromium, serve_directory  # noqa: E402
from cnnlab.playground.digit_pad import DigitPad  # noqa: E402


def main() -> int:
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as root, sync_playwright() as p:
        Path(root, "index.html").write_text(
            '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">'
            + DigitPad()._repr_html_(), "utf-8")
        with serve_directory(root) as base:
            browser = launch_chromium(p)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(base + "/index.html")
            box = page.locator("canvas.dp-pad").bounding_box()
            times = []
            for stroke in range(30):
                page.locator("button.dp-clear").click()
                phase = stroke / 30 * 2 * math.pi
                page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3)
                page.mouse.down()
                for t in range(1, 9):
                    x = 0.5 + 0.25 * math.sin(phase + t / 8 * math.pi)
                    page.mouse.move(box["x"] + x * box["width"], box["y"] + t / 10 * box["height"])
                    times.append(float(page.locator(".cl-digitpad").get_attribute("data-ms")))
                page.mouse.up()
            browser.close()
    times.sort()
    print(f"digit pad redraw: median {statistics.median(times):.1f} ms, "
          f"90th percentile {times[int(0.9 * len(times))]:.1f} ms over {len(times)} moves")
    return 0


if __name__ == "__main__":
    sys.exit(main())
