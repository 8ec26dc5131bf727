"""The pads in another language, after they were rendered (the book's Chinese edition).

A pad's texts are its label table (:data:`.digit_pad.LABELS`, :data:`.filter_pad.FILTER_LABELS`),
its layers, presets and images. :func:`translate_pads` replaces, in a rendered page, the label
table its script reads (the labels a reader did not change), the teaching messages of
FilterPad (through :func:`cnnlab.explorers.i18n.translate_text`) and every visible text and
text alternative of the markup; :func:`pad_templates` gives the markup's strings to the
explorers' :class:`~cnnlab.explorers.i18n.Translator`.
"""
from __future__ import annotations

import json
import re

from .digit_pad import LABELS, LABELS_ZH, LAYERS, LAYERS_ZH
from .filter_pad import FILTER_LABELS, FILTER_LABELS_ZH, IMAGES_ZH, PRESETS_ZH

__all__ = ["pad_templates", "translate_pads"]

#: lang → (English labels, translated labels) of each pad's data script class
_TABLES = {"zh": {"dp-data": (LABELS, LABELS_ZH), "fp-data": (FILTER_LABELS, FILTER_LABELS_ZH)}}
_DATA = re.compile(r'(<script type="application/json" class="(dp-data|fp-data)">)(.*?)(</script>)', re.S)
_ROOT = re.compile(r'<div class="cl-pg (cl-digitpad|cl-filterpad)"(?![^>]*\slang=)')


def pad_templates(lang: str) -> list[tuple[str, str]]:
    """(English, translation) of every text the pads' markup shows: labels (with their
    ``{placeholders}``), layer headings, preset and image names."""
    if lang != "zh":
        raise ValueError(f"lang: the pads have a table for 'zh' only; got {lang!r}")
    pairs = []
    for english, done in ((LABELS, LABELS_ZH), (FILTER_LABELS, FILTER_LABELS_ZH)):
        pairs += [(english[k], done[k]) for k in english if english[k] != done[k]]
    for name, what, shape in LAYERS:
        size = "×".join(map(str, shape))
        pairs.append((f"{name} · {what} · {size}", f"{name} · {LAYERS_ZH[what]} · {size}"))
    pairs += list(PRESETS_ZH.items()) + list(IMAGES_ZH.items())
    return pairs


def _data(match, lang: str, missing) -> str:
    from ..explorers.i18n import translate_text

    head, kind, text, tail = match.groups()
    data = json.loads(text)
    english, done = _TABLES[lang][kind]
    data["labels"] = {k: done.get(k, v) if v == english.get(k) else v for k, v in data["labels"].items()}
    if "messages" in data:
        data["messages"] = {k: translate_text(v, lang, missing) for k, v in data["messages"].items()}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return head + text + tail


def translate_pads(page: str, lang: str, missing: list | None = None) -> str:
    """``page`` with every pad in ``lang`` ("zh"): label tables, messages, markup, root language."""
    from ..explorers.i18n import LANG_TAGS, translate_markup

    page = _DATA.sub(lambda m: _data(m, lang, missing), page)
    page = translate_markup(page, lang, missing)
    return _ROOT.sub(lambda m: f'<div class="cl-pg {m.group(1)}" lang="{LANG_TAGS[lang]}"', page)
