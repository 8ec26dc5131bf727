"""Build the Chinese edition of the course, and extract or check its translation catalogs.

The English edition is built by Jupyter Book (``jupyter-book build .`` into ``_build/html``).
The Chinese edition is the same sources built by the same Sphinx configuration (read from
``_config.yml`` by Jupyter Book's own code) with ``language = zh_CN`` and the catalogs in
``locales/zh_CN/LC_MESSAGES`` (one ``.po`` file per page), into ``_build/html/zh``. The notebooks
are not executed a second time: both editions read the outputs from Jupyter Book's execution
cache (``_build/.jupyter_cache``).

Usage::

    python scripts/editions.py zh         # build _build/html/zh (after the English build)
    python scripts/editions.py gettext    # extract the messages into _build/gettext/*.pot
    python scripts/editions.py update     # gettext, then refresh the .po catalogs (sphinx-intl)
    python scripts/editions.py stats      # gettext, then count untranslated and fuzzy messages

``stats`` exits with status 1 when a message a reader sees is untranslated or fuzzy.
Messages that come only from docstrings (the API reference) are exempt: the API
reference stays English in both editions, and its Chinese page says so.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
LOCALES = ROOT / "locales"
LANG = "zh_CN"
CATALOGS = LOCALES / LANG / "LC_MESSAGES"
GETTEXT_OUT = BUILD / "gettext"
ZH_OUT = BUILD / "html" / "zh"

# What differs between the editions; everything else comes from _config.yml.
ZH_OVERRIDES = {
    "language": LANG,
    "html_search_language": "zh",          # Sphinx splits Chinese words with jieba
    "html_title": "CNN Lab · 卷积神经网络",
    "numfig_format": {"figure": "图 %s", "table": "表 %s", "code-block": "代码 %s", "section": "第 %s 节"},
    # myst-nb's buttons on cells whose code is hidden ("Show code cell source")
    "nb_code_prompt_show": "显示代码",
    "nb_code_prompt_hide": "隐藏代码",
}
COMMON_OVERRIDES = {
    "locale_dirs": [str(LOCALES)],
    "gettext_compact": False,               # one catalog per page: chapters translate independently
    "gettext_uuid": False,
    "gettext_location": True,
}


def _build(builder: str, outdir: Path, overrides: dict, *, warning_is_error: bool) -> int:
    from jupyter_book.sphinx import build_sphinx

    config = dict(COMMON_OVERRIDES, **overrides)
    config["external_toc_path"] = (ROOT / "_toc.yml").as_posix()
    config["latex_individualpages"] = False
    # both editions read the notebooks' outputs from the English build's execution cache
    config["nb_mime_priority_overrides"] = _mime_priority()
    config["nb_execution_cache_path"] = str(BUILD / ".jupyter_cache")
    result = build_sphinx(
        str(ROOT), str(outdir),
        noconfig=True,
        path_config=str(ROOT / "_config.yml"),
        confoverrides=config,
        doctreedir=str(BUILD / f".doctrees-{builder}-{overrides.get('language', 'en')}"),
        builder=builder,
        warningiserror=warning_is_error,
        keep_going=True,
        freshenv=True,
    )
    if isinstance(result, Exception):
        raise result
    return int(result)


def _mime_priority() -> list:
    """_config.yml's output priorities, plus images for the gettext builder (myst-nb gives it
    none): a figure's alt text is then extracted with its caption."""
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    ours = config["sphinx"]["config"].get("nb_mime_priority_overrides", [])
    images = [["gettext", mime, rank] for rank, mime in
              enumerate(["image/svg+xml", "image/png", "image/jpeg", "image/gif"], start=1)]
    return [list(entry) for entry in ours] + images


def search_dictionary() -> Path:
    """A jieba user dictionary of the course's terms (locales/terms.tsv), so that Sphinx's
    Chinese search indexes 感受野 as one word (jieba's own dictionary splits it: 感受 + 野)."""
    words = []
    for line in (LOCALES / "terms.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        cells = line.split("\t")
        for word in [cells[1]] + (cells[2].split(",") if len(cells) > 2 else []):
            word = word.strip()
            if word and " " not in word and any("\u3400" <= ch <= "\u9fff" for ch in word):
                words.append(word)
    path = BUILD / "zh-search-words.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{w} 100000 n\n" for w in dict.fromkeys(words)), encoding="utf-8")
    return path


def build_zh() -> int:
    """The Chinese site in _build/html/zh (the English site must be built first)."""
    if not (BUILD / ".jupyter_cache").is_dir():
        sys.exit("no execution cache: build the English edition first (make book)")
    overrides = dict(ZH_OVERRIDES, html_search_options={"dict": str(search_dictionary())})
    return _build("html", ZH_OUT, overrides, warning_is_error=True)


def extract() -> Path:
    """The messages of every page, one .pot file per page, in _build/gettext."""
    if GETTEXT_OUT.exists():
        shutil.rmtree(GETTEXT_OUT)
    status = _build("gettext", GETTEXT_OUT, {}, warning_is_error=False)
    if status:
        sys.exit(f"gettext extraction failed ({status})")
    return GETTEXT_OUT


def update() -> None:
    """Refresh the catalogs from fresh templates: new messages appear untranslated, changed
    ones fuzzy (sphinx-intl), for a translator to complete."""
    from sphinx_intl import basic

    extract()
    basic.update(str(LOCALES), str(GETTEXT_OUT), [LANG], line_width=100, ignore_obsolete=False)
    fill_untranslatable()


def fill_untranslatable() -> None:
    """A message with nothing to translate (only formulas, code, references, numbers,
    punctuation or Chinese) is its own translation: filled in, so translators see only prose."""
    from babel.messages.pofile import read_po, write_po
    from po_lint import HAN, WORD, prose_words  # scripts/po_lint.py

    for path in sorted(CATALOGS.rglob("*.po")):
        with path.open("rb") as f:
            catalog = read_po(f)
        changed = False
        for message in catalog:
            if message.id and not message.string and prose_words(message.id) == 0:
                if HAN.search(message.id) or not WORD.search(message.id) or "{" in message.id:
                    message.string = message.id
                    changed = True
        if changed:
            with path.open("wb") as f:
                write_po(f, catalog, width=100, omit_header=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["zh", "gettext", "update", "stats"])
    args = parser.parse_args(argv)
    if args.command == "zh":
        return build_zh()
    if args.command == "gettext":
        extract()
        return 0
    if args.command == "update":
        update()
        return 0
    from catalog_stats import report  # scripts/catalog_stats.py

    extract()
    return report(GETTEXT_OUT, CATALOGS)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
