"""Keep the API reference readable: no autodoc stubs for NamedTuple fields.

``typing.NamedTuple`` and ``collections.namedtuple`` give every field a property whose only
docstring is "Alias for field number N"; autodoc lists each one as a member (31 stubs on the
API page). The fields are documented where a reader looks for them — in the class docstring's
Attributes/Parameters section — so this extension skips those members.
"""

from __future__ import annotations

import re

from sphinx.application import Sphinx

ALIAS_DOC = re.compile(r"^\s*Alias for field number \d+\s*$")


def skip_namedtuple_field(app: Sphinx, what: str, name: str, obj, skip: bool, options) -> bool | None:
    """True (skip) for a NamedTuple field whose docstring is only the generated alias line."""
    doc = getattr(obj, "__doc__", None)
    if isinstance(doc, str) and ALIAS_DOC.match(doc):
        return True
    return None  # let autodoc (and other handlers) decide


def setup(app: Sphinx) -> dict:
    app.connect("autodoc-skip-member", skip_namedtuple_field)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
