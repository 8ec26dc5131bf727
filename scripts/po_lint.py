"""Check the Chinese catalogs' translations against their English messages, without a build.

A translation must keep what the page's machinery and the reader's eye depend on, unchanged:
every formula (``$…$``, ``$$…$$``), every inline code span, every cross-reference target
(``{ref}``, ``{term}``, ``{numref}``, ``{doc}``, ``{cite}``… — a ``{term}`` may show Chinese text,
``{term}`感受野 <receptive field>```, as long as it points at the same entry), every link URL and
every HTML tag. A message whose English has prose must not be left in English.

Usage: ``python scripts/po_lint.py [PO ...]`` (default: every catalog); exit 1 on a problem.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = ROOT / "locales" / "zh_CN" / "LC_MESSAGES"

MATH = re.compile(r"\$\$.+?\$\$|\$[^$]+\$", re.S)
ROLE = re.compile(r"\{([a-z:]+)\}`([^`]*)`")
CODE = re.compile(r"(?<![}`])``?([^`]+)``?")
LINK = re.compile(r"\]\(([^)\s]+)\)")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
HAN = re.compile(r"[\u3400-\u9fff]")
WORD = re.compile(r"[A-Za-z]{3,}")


def _target(role: str, text: str) -> tuple[str, str]:
    m = re.search(r"<([^<>]+)>\s*$", text)
    return role, (m.group(1) if m else text).strip()


def parts(text: str) -> dict[str, Counter]:
    """What must survive translation unchanged, each as a multiset."""
    roles = Counter(_target(r, t) for r, t in ROLE.findall(text))
    rest = ROLE.sub(" ", MATH.sub(" ", text))
    return {
        "formulas": Counter(m.strip() for m in MATH.findall(text)),
        "references": roles,
        "code": Counter(CODE.findall(rest)),
        "links": Counter(LINK.findall(text)),
        "tags": Counter(t for t in TAG.findall(rest)),
    }


TITLED = re.compile(r"\{[a-z:]+\}`([^`<]*)<[^`]*>`")


def prose_words(text: str) -> int:
    """English words a reader would read: outside formulas, code, references and tags (a
    reference's own display text, as in {doc}`The human visual system <ch1>`, is read)."""
    titles = " ".join(TITLED.findall(text))
    rest = titles + " " + TAG.sub(" ", CODE.sub(" ", ROLE.sub(" ", MATH.sub(" ", text))))
    rest = LINK.sub(" ", rest)
    return len(WORD.findall(rest))


def glossary_anchors() -> set[str]:
    """Text that stays English on the Chinese glossary page: the terms of the {glossary}
    directive (other pages link to them by their English text) and the table's English column."""
    anchors, inside = set(), False
    for line in (ROOT / "book" / "glossary.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("```{glossary}"):
            inside = True
        elif inside and line.startswith("```"):
            inside = False
        elif inside and line and not line[0].isspace() and not line.startswith(":"):
            anchors.add(line.strip())
        elif line.startswith("| {term}"):
            anchors.add(line.strip().strip("|").split("|")[0].strip())
    return anchors


ANCHORS = glossary_anchors()


def problems(msgid: str, msgstr: str) -> list[str]:
    """What is wrong with one translation (empty: nothing)."""
    found = []
    if msgid == msgstr and (msgid in ANCHORS or msgid.startswith("\n")):
        return found  # a glossary anchor, or a display formula (extracted without its $$)
    src, dst = parts(msgid), parts(msgstr)
    for kind in src:
        if src[kind] != dst[kind]:
            lost = list((src[kind] - dst[kind]).elements())
            added = list((dst[kind] - src[kind]).elements())
            found.append(f"{kind} changed: lost {lost[:3]}, added {added[:3]}")
    if prose_words(msgid) >= 3 and not HAN.search(msgstr):
        found.append("left in English")
    return found


def lint(paths) -> list[str]:
    report = []
    for path in paths:
        with open(path, "rb") as f:
            catalog = read_po(f)
        for message in catalog:
            if not message.id or not message.string:
                continue
            for p in problems(message.id, message.string):
                report.append(f"{Path(path).relative_to(ROOT)}: {p}\n    msgid: {message.id[:120]!r}")
    return report


def main(argv: list[str]) -> int:
    paths = [Path(p).resolve() for p in argv] or sorted(CATALOGS.rglob("*.po"))
    report = lint(paths)
    print("\n".join(report) or f"{len(paths)} catalog(s): no problem found")
    return 1 if report else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
