"""The digit pad in a real browser: the page's LeNet-5 equals cnnlab's, and drawn digits are read.

Debian's Chromium through Playwright (tests/browser_support.py); the pad's HTML is served
from 127.0.0.1 and no request may leave it.
"""

import base64
import math

import numpy as np
import pytest

from browser_support import CHROMIUM, NO_CHROMIUM, launch_chromium, serve_directory
from cnnlab.datasets import load_mnist
from cnnlab.models import prepare_digits
from cnnlab.playground.digit_pad import DigitPad
from cnnlab.playground.weights import model_from_weights

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM)]

LAYERS = ("C1", "S2", "C3", "S4", "C5", "F6")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("pad")
    body = DigitPad()._repr_html_()
    (root / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>pad</title><link rel="icon" href="data:,"></head><body style="margin:8px">{body}</body></html>', "utf-8")
    with serve_directory(root) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


def open_pad(browser, site, width, touch=False):
    context = browser.new_context(viewport={"width": width, "height": 900}, has_touch=touch,
                                  is_mobile=touch)
    page = context.new_page()
    problems, outside = [], []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith(site) else outside.append(r.url))
    page.goto(site + "/index.html")
    page.wait_for_function("() => window.cnnlabDigitPads && Object.keys(window.cnnlabDigitPads).length")
    return context, page, problems, outside


def cnnlab_forward(x):
    """cnnlab's float32 forward pass, layer by layer: {name: (n, ...)}."""
    outs = dict(model_from_weights().forward_all(x, train=False))
    return {**{k: outs[k].reshape(len(x), -1) for k in LAYERS}, "logits": outs["OUTPUT"]}


# float32 arrays cross the page boundary as base64 (fast), not as JSON lists of numbers
PAGE_FORWARD = """b64 => {
  const pad = Object.values(window.cnnlabDigitPads)[0];
  const bin = atob(b64), bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const inputs = new Float32Array(bytes.buffer), parts = [];
  for (let n = 0; n < inputs.length / 1024; n++) {
    const r = window.cnnlabLeNet.forward(pad.W, inputs.slice(n * 1024, (n + 1) * 1024));
    for (const k of %s) parts.push(r[k].data);
    parts.push(Float32Array.from(r.logits));
  }
  const size = parts.reduce((s, p) => s + p.length, 0), all = new Float32Array(size);
  let at = 0;
  for (const p of parts) { all.set(p, at); at += p.length; }
  const u8 = new Uint8Array(all.buffer);
  let out = "";
  for (let i = 0; i < u8.length; i += 8192) {
    out += String.fromCharCode.apply(null, u8.subarray(i, i + 8192));
  }
  return btoa(out);
}""" % list(LAYERS)


def compare(page, x):
    expected = cnnlab_forward(x)
    sizes = [expected[k].shape[1] for k in (*LAYERS, "logits")]
    data = base64.b64encode(np.ascontiguousarray(x, dtype="<f4").tobytes()).decode()
    flat = np.frombuffer(base64.b64decode(page.evaluate(PAGE_FORWARD, data)), dtype="<f4")
    got = flat.reshape(len(x), sum(sizes))
    columns = np.split(got, np.cumsum(sizes)[:-1], axis=1)
    for key, page_values in zip((*LAYERS, "logits"), columns):
        assert page_values.shape == expected[key].shape, key
        np.testing.assert_allclose(page_values, expected[key], rtol=0, atol=1e-4, err_msg=key)
    np.testing.assert_array_equal(columns[-1].argmax(1), expected["logits"].argmax(1))


def test_page_forward_equals_cnnlab_on_200_held_out_digits(browser, site):
    _, _, x_test, _ = load_mnist(source="bundled")
    context, page, problems, outside = open_pad(browser, site, 1280)
    compare(page, prepare_digits(x_test[:200]))
    assert problems == [] and outside == []
    context.close()


def test_page_forward_equals_cnnlab_on_random_images(browser, site):
    rng = np.random.default_rng(0)
    x = rng.uniform(-0.1, 1.175, size=(40, 1, 32, 32)).astype(np.float32)
    context, page, _, _ = open_pad(browser, site, 1280)
    compare(page, x)
    context.close()


def digit_strokes(digit):
    """A digit as a person draws it: strokes of points in [0, 1]² of the pad."""
    if digit == 1:
        return [[(0.45, 0.2), (0.55, 0.12), (0.55, 0.88)]]
    if digit == 7:
        return [[(0.25, 0.18), (0.75, 0.18), (0.62, 0.45), (0.45, 0.88)]]
    circle = [(0.5 + 0.2 * math.sin(2 * math.pi * t / 24),
               0.5 - 0.32 * math.cos(2 * math.pi * t / 24)) for t in range(25)]
    return [circle]


def draw_mouse(page, strokes):
    box = page.locator("canvas.dp-pad").bounding_box()
    for stroke in strokes:
        x0, y0 = stroke[0]
        page.mouse.move(box["x"] + x0 * box["width"], box["y"] + y0 * box["height"])
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"], steps=6)
        page.mouse.up()


def draw_touch(page, strokes):
    box = page.locator("canvas.dp-pad").bounding_box()
    cdp = page.context.new_cdp_session(page)

    def point(x, y):
        return [{"x": box["x"] + x * box["width"], "y": box["y"] + y * box["height"]}]

    for stroke in strokes:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": point(*stroke[0])})
        for (xa, ya), (xb, yb) in zip(stroke, stroke[1:]):
            for k in range(1, 7):
                t = k / 6
                cdp.send("Input.dispatchTouchEvent",
                         {"type": "touchMove", "touchPoints": point(xa + t * (xb - xa), ya + t * (yb - ya))})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


@pytest.mark.parametrize("width, touch", [(1280, False), (390, False), (390, True), (1280, True)])
def test_drawn_digits_are_read(browser, site, width, touch):
    context, page, problems, outside = open_pad(browser, site, width, touch)
    pad = page.locator(".cl-digitpad")
    assert page.locator(".dp-live").text_content().startswith("Draw a digit")
    for digit in (1, 0, 7):
        page.locator("button.dp-clear").click()
        (draw_touch if touch else draw_mouse)(page, digit_strokes(digit))
        assert pad.get_attribute("data-prediction") == str(digit), f"drew a {digit}"
        assert page.locator(".dp-live").text_content().startswith(f"LeNet-5 reads: {digit}")
    # nothing on the page is wider than the viewport
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert problems == [] and outside == []
    context.close()


def test_pick_a_held_out_digit_by_keyboard_and_see_a_receptive_field(browser, site):
    context, page, problems, _ = open_pad(browser, site, 390)
    select = page.locator("select.dp-pick")
    select.focus()
    page.keyboard.press("ArrowDown")             # the first held-out digit: a 0
    select.dispatch_event("change")
    assert page.locator(".cl-digitpad").get_attribute("data-prediction") == "0"
    # every control is at least 24×24 px (WCAG 2.2 target size)
    for control in page.locator(".cl-digitpad button, .cl-digitpad select").all():
        box = control.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24
    page.locator('canvas[data-layer="S4"]').nth(3).click(position={"x": 2, "y": 2})
    assert "S4 unit (0, 0) sees the 16×16 input window at row 0, column 0" in \
        page.locator(".dp-rf-text").text_content()
    page.locator('canvas[data-layer="C1"]').first.click(position={"x": 55, "y": 55})
    text = page.locator(".dp-rf-text").text_content()
    assert text.startswith("C1 unit (27, 27) sees the 5×5 input window at row 27, column 27")
    assert problems == []
    context.close()


# --- your own filter (chapter 2) -------------------------------------------------------------

@pytest.fixture(scope="module")
def filter_site(tmp_path_factory):
    from cnnlab.playground.filter_pad import FilterPad
    root = tmp_path_factory.mktemp("filterpad")
    (root / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>filter</title><link rel="icon" href="data:,"></head>'
        f'<body style="margin:8px">{FilterPad()._repr_html_()}</body></html>', "utf-8")
    with serve_directory(root) as base:
        yield base


def open_filter_pad(browser, base, width=1280):
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(base + "/index.html")
    page.wait_for_function("() => window.cnnlabFilterPads")
    return page, problems


def type_filter(page, w):
    for k, cell in enumerate(page.locator("input.fp-w").all()):
        cell.fill(repr(float(w.flat[k])))


def test_own_filter_equals_cnnlab_on_random_filters_and_images(browser, filter_site):
    from cnnlab.conv import conv2d_forward
    page, problems = open_filter_pad(browser, filter_site)
    rng = np.random.default_rng(1)
    for H, W, S, P in [(9, 9, 1, 0), (9, 11, 2, 1), (10, 7, 1, 2), (13, 13, 2, 2), (12, 15, 3, 0)]:
        x = rng.uniform(0, 1, size=(H, W)).round(3)
        w = rng.normal(size=(3, 3)).round(3)
        page.evaluate("([h, w, v]) => Object.values(window.cnnlabFilterPads)[0].setImage(h, w, v)",
                      [H, W, x.ravel().tolist()])
        type_filter(page, w)
        page.select_option("select.fp-stride", str(S))
        page.select_option("select.fp-pad", str(P))
        got = page.evaluate("() => { const r = Object.values(window.cnnlabFilterPads)[0].result;"
                            " return r ? [r.h, r.w, Array.from(r.data)] : null; }")
        expected, _ = conv2d_forward(x[None, None], w[None, None], np.zeros(1), stride=S, padding=P)
        assert got is not None, (H, W, S, P)
        page_map = np.array(got[2]).reshape(got[0], got[1])
        np.testing.assert_allclose(page_map, expected[0, 0], rtol=0, atol=1e-4)
    assert problems == []
    page.close()


def test_own_filter_explains_a_stride_that_does_not_fit(browser, filter_site):
    from cnnlab.arithmetic import conv_output_size
    page, _ = open_filter_pad(browser, filter_site, width=390)
    assert page.locator(".fp-live").text_content() == "Feature map 2×2; selected y[0, 0] = −2"
    assert page.locator(".fp-sum").text_content().endswith("= −2")
    page.select_option("select.fp-stride", "2")                 # 4×4 grid, F = 3, S = 2
    with pytest.raises(ValueError) as err:
        conv_output_size(4, 3, 2, 0)
    assert page.locator(".fp-message").text_content() == str(err.value)
    assert page.locator(".fp-live").text_content() == str(err.value)
    page.select_option("select.fp-pad", "1")                    # (4 − 3 + 2)/2 + 1 = 2.5: still not
    assert "2.5 is not an integer" in page.locator(".fp-message").text_content()
    page.locator("input.fp-w").first.fill("abc")
    assert page.locator(".fp-message").text_content() == "Every entry of the filter must be a number."
    for control in page.locator(".cl-filterpad select, .cl-filterpad input, .cl-filterpad button").all():
        if control.is_visible():
            box = control.bounding_box()
            assert box["width"] >= 24 and box["height"] >= 24
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()


def test_own_filter_keyboard_moves_the_selected_cell(browser, filter_site):
    page, problems = open_filter_pad(browser, filter_site)
    page.select_option("select.fp-image", "digit")              # 28×28 -> 26×26
    page.locator("canvas.fp-out").focus()
    for key in ("ArrowRight", "ArrowRight", "ArrowDown"):
        page.keyboard.press(key)
    assert page.locator(".fp-live").text_content().startswith("Feature map 26×26; selected y[1, 2]")
    page.select_option("select.fp-preset", "blur")
    assert page.locator("input.fp-w").first.input_value() == "0.11"
    page.select_option("select.fp-image", "drawing")
    box = page.locator("canvas.fp-draw").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 10)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] - 10, steps=10)
    page.mouse.up()
    drawn = page.evaluate("() => Object.values(window.cnnlabFilterPads)[0].data.images.drawing.data"
                          ".filter(v => v > 0).length")
    assert drawn > 20                                          # the stroke went into the image
    assert problems == []
    page.close()
