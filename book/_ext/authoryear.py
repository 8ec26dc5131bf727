"""A pybtex style whose bibliography labels read like the course's author–year citations.

``bibtex_reference_style: author_year`` makes a citation read "[Hubel and Wiesel, 1962]", but
pybtex's ``plain`` style still labels the list entries [1], [2] … This style keeps ``plain``'s
formatting and sorting (author, year, title) and labels each entry "Hubel and Wiesel 1962",
"LeCun et al. 1998", "Zheng n.d."; two entries with the same label get "a", "b" after the year.
Select it with ``bibtex_default_style: authoryear``.
"""

from __future__ import annotations

from collections import Counter

from pybtex.plugin import register_plugin
from pybtex.richtext import Text
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle


def _last_names(entry) -> str:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [Text.from_latex(" ".join(p.prelast_names + p.last_names)).render_as("text") for p in people]
    if not names:
        return entry.fields.get("title", entry.key)[:20]
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} et al."


class AuthorYearLabelStyle(BaseLabelStyle):
    def format_labels(self, sorted_entries):
        entries = list(sorted_entries)
        labels = [f"{_last_names(e)} {e.fields.get('year', 'n.d.')}" for e in entries]
        counts, seen = Counter(labels), Counter()
        for label in labels:
            if counts[label] > 1:
                seen[label] += 1
                yield f"{label}{'abcdefghijklmnopqrstuvwxyz'[seen[label] - 1]}"
            else:
                yield label


class AuthorYearStyle(PlainStyle):
    default_label_style = AuthorYearLabelStyle


def setup(app):
    register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
