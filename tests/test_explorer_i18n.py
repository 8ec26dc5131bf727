"""The explorers and pads on the Chinese pages: translated after the notebooks ran
(cnnlab.explorers.i18n, book/_ext/explorer_lang.py), as the chapters construct them.

Checked: no English prose is left in any label, status line, caption, note or text
alternative (every state of the packed tables included); the state tables keep their keys,
shapes and drawings (only text changes); captions inside the drawings fit the room their
English had; English is returned byte for byte; the Sphinx extension rewrites outputs on a
Chinese build only; and in Chromium a translated explorer still draws, its controls change
the view and its status line stays Chinese."""

from __future__ import annotations

import html
import json
import re
import sys
import unicodedata
from pathlib import Path

import pytest

from cnnlab.explorers import (FCvsConv, InsideLeNet, ParticipationCounts, Pooling, ReceptiveField, SensitivityMap,
                              SlidingFilter, VisualSystem)
from cnnlab.explorers.draw import CHAR_W, LABEL_W
from cnnlab.explorers.i18n import JS_STRINGS, english_words, translate_html, translate_text
from cnnlab.explorers.static import js_text, read_payload
from cnnlab.playground.digit_pad import LABELS, LABELS_ZH, LAYERS, LAYERS_ZH, DigitPad
from cnnlab.playground.filter_pad import FILTER_LABELS, FILTER_LABELS_ZH, IMAGES_ZH, PRESETS, PRESETS_ZH, FilterPad

ROOT = Path(__file__).resolve().parents[1]


def _trained_lenet():
    from cnnlab.playground.weights import model_from_weights
    return model_from_weights()


#: every explorer and pad as a chapter constructs it (ch5's InsideLeNet gets the trained model;
#: the untrained default adds its warning note, so it is here too)
OUTPUTS = {
    "ch1 VisualSystem()": lambda: VisualSystem(),
    "ch2 FCvsConv()": lambda: FCvsConv(),
    "ch2 SlidingFilter(L=4, F=2)": lambda: SlidingFilter(L=4, F=2),
    "ch2 ReceptiveField()": lambda: ReceptiveField(),
    "ch2 Pooling()": lambda: Pooling(),
    "ch2 ParticipationCounts()": lambda: ParticipationCounts(),
    "ch3 SlidingFilter()": lambda: SlidingFilter(),
    "ch3 SensitivityMap()": lambda: SensitivityMap(),
    "ch5 InsideLeNet(trained)": lambda: InsideLeNet(_trained_lenet()),
    "InsideLeNet() untrained": lambda: InsideLeNet(),
    "ch2 FilterPad()": lambda: FilterPad(),
    "ch5 DigitPad()": lambda: DigitPad(),
}
EXPLORERS = [name for name in OUTPUTS if "Pad" not in name]
_cache: dict[str, tuple[str, str, list]] = {}


def outputs(name: str) -> tuple[str, str, list]:
    """(English HTML, Chinese HTML, English strings no template covered) of one output."""
    if name not in _cache:
        obj = OUTPUTS[name]()
        english = obj.static_html() if hasattr(obj, "static_html") else obj._repr_html_()
        missing: list[str] = []
        _cache[name] = (english, translate_html(english, "zh", missing), missing)
    return _cache[name]


# -- what a reader reads -------------------------------------------------------------------------
_TAG = re.compile(r"<!--.*?-->|<(?:script|style)\b.*?</(?:script|style)\s*>|</?[A-Za-z][^<>]*>", re.S)
_ATTR = re.compile(r'\s(?:alt|aria-label|aria-valuetext|title)="([^"]*)"')
_PAD_DATA = re.compile(r'<script type="application/json" class="(?:dp|fp)-data">(.*?)</script>', re.S)
_HAN = re.compile(r"[\u4e00-\u9fff]")
_SLOT = re.compile(r"\{\w+\}")  # a label's placeholder, filled by the pad's script


def markup_texts(markup: str) -> list[str]:
    """Every text node and text alternative of ``markup`` (scripts and styles left out)."""
    out = [html.unescape(t) for t in _TAG.split(markup)]
    for m in _TAG.finditer(markup):
        if not m.group(0).startswith(("<script", "<style", "<!--")):
            out += [html.unescape(a) for a in _ATTR.findall(m.group(0))]
    return [t for t in out if t.strip()]


def reader_texts(page: str) -> list[str]:
    """All a reader can meet: the markup, every state and text alternative of the packed
    table, the pads' labels and messages (their scripts show them)."""
    out = markup_texts(page)
    if "cx-data" in page:
        table = read_payload(page)
        alts = {i for steps in table["alts"].values() for i in steps}
        for i, line in enumerate(table["lines"]):
            out += [line] if i in alts else markup_texts(line)
    for m in _PAD_DATA.finditer(page):
        data = json.loads(m.group(1))
        out += [_SLOT.sub("", v) for v in data["labels"].values()] + list(data.get("messages", {}).values())
    return out


@pytest.mark.parametrize("name", list(OUTPUTS))
def test_no_english_prose_is_left(name):
    english, chinese, missing = outputs(name)
    before = [t for t in reader_texts(english) if english_words(t)]
    assert before, f"{name}: the check finds no English in the English output, so it could not fail"
    left = sorted({t for t in reader_texts(chinese) if english_words(t)})
    assert left == [], f"{name}: English left on the Chinese page: {left[:5]}"
    assert missing == []
    assert sum(bool(_HAN.search(t)) for t in reader_texts(chinese)) >= len(before) // 2


def test_the_prose_check_keeps_names_numbers_and_formulas_only():
    assert english_words("L' = (5 − 3 + 2·0)/1 + 1 = 3") == []
    assert english_words("y[0,0] = max(8, 6, 0, 0) = 8; ReLU(Σ w·x); z_a = x5 + xA; f′(netˡ⁻¹)") == []
    assert english_words("C1 · 卷积 5×5，ReLU · 6×28×28；Hubel 和 Wiesel") == []
    assert english_words("最大池化：max 4") == ["max"]
    assert english_words("输出 3×3, 9 positions") == ["positions"]
    assert english_words("max") == ["max"]


# -- the state tables and drawings keep their shape -------------------------------------------------
def skeleton(markup: str) -> str:
    """The markup without its texts and text alternatives (the drawing itself)."""
    markup = re.sub(r'<span lang="zh-Hans">([^<>]*)</span>', r"\1", markup)
    markup = _ATTR.sub(lambda m: m.group(0).split("=")[0] + '=""', markup)
    markup = re.sub(r'\slang="zh-CN"', "", markup)
    return "".join(m.group(0) for m in _TAG.finditer(markup) if not m.group(0).startswith("<script"))


@pytest.mark.parametrize("name", EXPLORERS)
def test_state_tables_keep_keys_shapes_and_drawings(name):
    english, chinese, _ = outputs(name)
    en, zh = read_payload(english), read_payload(chinese)
    assert zh["interval"] == en["interval"]
    assert zh["states"].keys() == en["states"].keys() == zh["alts"].keys()
    for key, steps in en["states"].items():
        assert len(zh["states"][key]) == len(steps) == len(zh["alts"][key])
        for s, lines in enumerate(steps):
            assert len(zh["states"][key][s]) == len(lines)
            en_view = "\n".join(en["lines"][i] for i in lines)
            zh_view = "\n".join(zh["lines"][i] for i in zh["states"][key][s])
            assert skeleton(zh_view) == skeleton(en_view), (key, s)
            assert _HAN.search(zh["lines"][zh["alts"][key][s]]), (key, s)
    assert skeleton(chinese) == skeleton(english)
    assert re.search(r'<div class="cnnlab-explorer" lang="zh-CN" id="cnnlab-x-', chinese)


def _width(text: str, narrow: int, wide: int) -> int:
    return sum(wide if unicodedata.east_asian_width(c) in "WF" else narrow for c in text)


_SVG_TEXT = re.compile(r'<text class="(cx-cap|cx-lab)"[^>]*>([^<]*)</text>')


@pytest.mark.parametrize("name", EXPLORERS)
def test_captions_fit_the_room_their_english_had(name):
    """The drawings keep the English layout: a caption may not be wider than the room the
    layout gave its English (CHAR_W per character of a 13 px caption, LABEL_W of an 11 px
    label; a Chinese character is as wide as the font is high)."""
    english, chinese, _ = outputs(name)
    en, zh = read_payload(english), read_payload(chinese)
    checked = 0
    for en_line, zh_line in zip(en["lines"], zh["lines"]):
        for (cls, a), (_, b) in zip(_SVG_TEXT.findall(en_line), _SVG_TEXT.findall(zh_line)):
            a, b = html.unescape(a), html.unescape(b)
            room = (CHAR_W if cls == "cx-cap" else LABEL_W) * len(a)
            need = _width(b, CHAR_W, 13) if cls == "cx-cap" else _width(b, LABEL_W, 11)
            assert need <= room, f"{name}: {b!r} needs {need} px where {a!r} had {room} px"
            checked += a != b
    assert checked, f"{name}: no translated caption found"


# -- the pads --------------------------------------------------------------------------------------------
def _slots(text: str) -> set[str]:
    return set(_SLOT.findall(text))


def test_pad_label_tables_are_complete_and_keep_their_placeholders():
    for english, chinese in ((LABELS, LABELS_ZH), (FILTER_LABELS, FILTER_LABELS_ZH)):
        assert chinese.keys() == english.keys()
        for key in english:
            assert _slots(chinese[key]) == _slots(english[key]), key   # the scripts fill them
            assert english_words(_SLOT.sub("", chinese[key])) == [], key
    assert set(LAYERS_ZH) == {what for _, what, _ in LAYERS}
    assert set(PRESETS_ZH) == set(PRESETS)
    assert set(IMAGES_ZH) == {label for label, _ in FilterPad().images.values()} | {"custom"}
    DigitPad(labels=LABELS_ZH)  # a Jupyter user can show the Chinese pad directly
    assert FilterPad(labels=FILTER_LABELS_ZH).labels == FILTER_LABELS_ZH


@pytest.mark.parametrize("name", ["ch2 FilterPad()", "ch5 DigitPad()"])
def test_pad_scripts_read_the_chinese_labels(name):
    english, chinese, _ = outputs(name)
    en = json.loads(_PAD_DATA.search(english).group(1))
    zh = json.loads(_PAD_DATA.search(chinese).group(1))
    assert zh["labels"] == (LABELS_ZH if "Digit" in name else FILTER_LABELS_ZH)
    assert {k: v for k, v in zh.items() if k not in ("labels", "messages")} == \
           {k: v for k, v in en.items() if k not in ("labels", "messages")}
    if "messages" in en:
        assert zh["messages"].keys() == en["messages"].keys() and len(en["messages"]) > 0
        assert all(_HAN.search(m) for m in zh["messages"].values())
    assert re.search(r'<div class="cl-pg cl-\w+" lang="zh-CN"', chinese)


# -- English stays English --------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(OUTPUTS))
def test_english_is_returned_byte_for_byte(name):
    english, chinese, _ = outputs(name)
    for lang in ("en", None, "en_US"):
        assert translate_html(english, lang) is english
    assert chinese != english


def test_an_unknown_language_is_refused_by_name():
    english, _, _ = outputs("ch2 Pooling()")
    with pytest.raises(ValueError, match="lang must be one of"):
        translate_html(english, "fr")
    assert translate_text("stride S", "zh_CN") == "步长 S"
    assert translate_html(english, "zh-Hans") == translate_html(english, "zh")


def test_the_script_words_are_still_in_explorer_js():
    english, chinese, _ = outputs("ch2 Pooling()")
    for original, translated in JS_STRINGS["zh"].items():
        assert original in js_text(), f"explorer.js changed: {original!r} is gone; update JS_STRINGS"
        assert original not in chinese and translated in chinese


# -- the Sphinx extension ----------------------------------------------------------------------------------
class _App:
    def __init__(self, language):
        self.config = type("Config", (), {"language": language})()


def test_the_sphinx_extension_translates_chinese_builds_only():
    from docutils import nodes
    from docutils.utils import new_document

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    try:
        import explorer_lang
    finally:
        sys.path.remove(str(ROOT / "book" / "_ext"))
    english, chinese, _ = outputs("ch2 FCvsConv()")
    for language, expected in (("en", english), (None, english), ("zh_CN", chinese)):
        doc = new_document("test")
        doc += nodes.raw("", english, format="html")
        doc += nodes.raw("", "<p>not an explorer: stride S</p>", format="html")
        explorer_lang.translate_outputs(_App(language), doc, "notebooks/ch2")
        raws = list(doc.findall(nodes.raw))
        assert raws[0].astext() == expected
        assert raws[1].astext() == "<p>not an explorer: stride S</p>"
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    assert re.search(r"^\s+explorer_lang: book/_ext", config, re.M)


# -- in Chromium ------------------------------------------------------------------------------------------
BROWSER = ["ch2 Pooling()", "ch2 SlidingFilter(L=4, F=2)", "ch2 FCvsConv()", "ch3 SensitivityMap()",
           "ch1 VisualSystem()", "ch2 ReceptiveField()", "ch2 ParticipationCounts()", "ch5 InsideLeNet(trained)"]
PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{name}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"></head>
<body>{html}</body></html>"""


@pytest.fixture(scope="module")
def zh_site(tmp_path_factory):
    from browser_support import serve_directory

    root = tmp_path_factory.mktemp("zh_explorers")
    for k, name in enumerate(BROWSER + ["ch2 FilterPad()", "ch5 DigitPad()"]):
        (root / f"{k}.html").write_text(PAGE.format(name=name, html=outputs(name)[1]), encoding="utf-8")
    with serve_directory(root) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from browser_support import CHROMIUM, NO_CHROMIUM, launch_chromium

    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


def _open(browser, url, ready: str):
    """A phone-width page of ``url``, once the JavaScript condition ``ready`` holds."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    errors, foreign = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith(("http://127.0.0.1", "data:")) else foreign.append(r.url))
    page.goto(url)
    page.wait_for_function(ready)
    return page, errors, foreign


def _chinese(text: str) -> bool:
    return bool(_HAN.search(text)) and english_words(text) == []


@pytest.mark.browser
@pytest.mark.parametrize("k", range(len(BROWSER)), ids=BROWSER)
def test_translated_explorer_operates_in_chromium(k, zh_site, browser):
    page, errors, foreign = _open(browser, f"{zh_site}/{k}.html",
                                  "() => document.querySelector('.cnnlab-explorer[data-ready=\"1\"]')")
    root = ".cnnlab-explorer"
    view = lambda: page.inner_html(f"{root} .cx-view")  # noqa: E731
    status = lambda: page.inner_text(f"{root} .cx-status")  # noqa: E731
    initial = view()
    assert "<svg" in initial or "<img" in initial
    assert _chinese(status())
    for sel in page.query_selector_all(f"{root} select[data-ctl]"):
        seen = set()
        for i in range(len(sel.query_selector_all("option"))):
            sel.select_option(index=i)
            seen.add(view())
            assert _chinese(status()), status()
            assert _chinese(sel.evaluate("s => s.options[s.selectedIndex].text")) or \
                english_words(sel.evaluate("s => s.options[s.selectedIndex].text")) == []
        assert len(seen) > 1
        sel.select_option(index=0)
    step = page.query_selector(f"{root} input[data-ctl=step]")
    if step is not None and int(step.get_attribute("max")) > 0:
        before = view()
        page.click(f"{root} [data-act=next]")
        assert view() != before and _chinese(status())
        assert step.get_attribute("aria-valuetext").startswith("第 2 个，共 ")
        play = page.query_selector(f"{root} [data-act=play]")
        if play is not None:
            assert play.inner_text() == "▶ 播放"
            play.click()
            assert play.inner_text() == "❚❚ 暂停"
            play.click()
            assert play.inner_text() == "▶ 播放"
    assert page.evaluate(f"document.querySelector('{root}').closest('[lang]').lang") == "zh-CN"
    assert errors == [] and foreign == []
    page.close()


@pytest.mark.browser
def test_translated_filter_pad_answers_in_chinese(zh_site, browser):
    page, errors, foreign = _open(browser, f"{zh_site}/{len(BROWSER)}.html",
                                  "() => window.cnnlabFilterPads && Object.keys(window.cnnlabFilterPads).length")
    live = page.inner_text(".fp-live")
    assert live.startswith("特征图 ") and "选中的 y[" in live, live
    page.select_option("select.fp-stride", "3")  # 4×4 grid, stride 3, padding 0 does not fit
    message = page.inner_text(".fp-message")
    assert _chinese(message) and "(4 − 3 + 2·0)/3 + 1" in message, message
    page.fill("input.fp-w >> nth=0", "x")
    assert page.inner_text(".fp-message") == FILTER_LABELS_ZH["notNumber"]
    assert errors == [] and foreign == []
    page.close()


@pytest.mark.browser
def test_translated_digit_pad_reads_in_chinese(zh_site, browser):
    page, errors, foreign = _open(browser, f"{zh_site}/{len(BROWSER) + 1}.html",
                                  "() => window.cnnlabDigitPads && Object.keys(window.cnnlabDigitPads).length")
    page.select_option("select.dp-pick", index=1)
    page.wait_for_function("() => document.querySelector('.dp-live').textContent.startsWith('LeNet-5 识别为')")
    assert _chinese(page.inner_text(".dp-live").replace("LeNet-5", ""))
    assert errors == [] and foreign == []
    page.close()
