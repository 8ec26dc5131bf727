"""How complete the Chinese catalogs are, measured against fresh message templates.

For every page's template (``_build/gettext/**/*.pot``, extracted from the current English
sources) the catalog ``locales/zh_CN/LC_MESSAGES/<page>.po`` must hold a translation of every
message, none of them fuzzy. A message is exempt when every place it comes from is a docstring
(the API reference, which stays English). ``report`` prints a table and returns 1 when anything
a reader sees is untranslated or fuzzy, so CI fails on English text changed without its
translation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import read_po


@dataclass
class CatalogCount:
    """One page's messages: how many, how many exempt, and which are missing or fuzzy."""

    page: str
    total: int = 0
    exempt: int = 0
    untranslated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)

    @property
    def translated(self) -> int:
        return self.total - self.exempt - len(self.untranslated) - len(self.fuzzy)


PAGE_SOURCES = (".md", ".ipynb")


def _exempt(locations) -> bool:
    """A message no page source produces: only docstrings (autodoc's API reference).

    (Babel splits a location such as ``../../cnnlab/conv.py:docstring of cnnlab.conv:3`` at its
    spaces, so the test is on what a page's location looks like: a path ending in .md or .ipynb.)
    """
    return bool(locations) and not any(str(path).endswith(PAGE_SOURCES) for path, _ in locations)


def count(pot_dir: Path, catalog_dir: Path) -> list[CatalogCount]:
    """Compare every template under ``pot_dir`` with its catalog under ``catalog_dir``."""
    counts = []
    for pot_path in sorted(Path(pot_dir).rglob("*.pot")):
        page = pot_path.relative_to(pot_dir).with_suffix("").as_posix()
        with pot_path.open("rb") as f:
            template = read_po(f)
        po_path = Path(catalog_dir) / (page + ".po")
        catalog = None
        if po_path.is_file():
            with po_path.open("rb") as f:
                catalog = read_po(f)
        c = CatalogCount(page)
        for message in template:
            if not message.id:
                continue
            c.total += 1
            if _exempt(message.locations):
                c.exempt += 1
                continue
            found = catalog.get(message.id) if catalog is not None else None
            if found is None or not found.string:
                c.untranslated.append(message.id)
            elif found.fuzzy:
                c.fuzzy.append(message.id)
        counts.append(c)
    return counts


def report(pot_dir: Path, catalog_dir: Path) -> int:
    """Print each page's counts; 1 when a message a reader sees is untranslated or fuzzy."""
    counts = count(pot_dir, catalog_dir)
    print(f"{'page':40s} {'messages':>8s} {'exempt':>6s} {'done':>6s} {'missing':>7s} {'fuzzy':>5s}")
    for c in counts:
        print(f"{c.page:40s} {c.total:8d} {c.exempt:6d} {c.translated:6d} "
              f"{len(c.untranslated):7d} {len(c.fuzzy):5d}")
    bad = [c for c in counts if c.untranslated or c.fuzzy]
    for c in bad:
        for msg in (c.untranslated + c.fuzzy)[:5]:
            print(f"  {c.page}: {msg[:100]!r}")
    return 1 if bad else 0
