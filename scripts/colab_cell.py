"""Give every chapter notebook the first cell that installs ``cnnlab`` when it runs in Colab.

Usage: ``python scripts/colab_cell.py [NOTEBOOK ...]`` inserts or updates the cell (default:
every ``notebooks/*.ipynb``); ``python scripts/colab_cell.py --check`` changes nothing and exits
with status 1, naming each notebook whose cell is missing, not first, or stale.

A reader who opens a chapter from the website's Colab button gets the notebook alone, without
this repository: ``import cnnlab`` would fail. The cell installs the package from the
repository the book is configured with — ``repository.url`` and ``repository.branch`` in
``_config.yml``, the one setting that also drives the launch buttons — and only in Colab
(where ``google.colab`` imports); on Binder, on a reader's machine and in the website build it
does nothing. It is tagged ``remove-cell``: the website does not show it.

``CNNLAB_PIP_SOURCE`` (read only inside Colab) replaces the install source; the Colab
simulation in ``tests/test_colab.py`` points it at the local checkout.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
CELL_ID = "colab-install"
TAGS = ["remove-cell"]

TEMPLATE = '''\
# Colab only: install cnnlab, the course's package, from the book's repository.
# Anywhere else (Binder, your own Jupyter, the website) this cell does nothing.
try:
    import google.colab  # noqa: F401 (only Colab has it)
except ImportError:
    pass
else:
    import os
    import subprocess
    import sys

    source = "{source}"
    source = os.environ.get("CNNLAB_PIP_SOURCE", source)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", source],
                   check=True)'''


def pip_source(config_path: Path = ROOT / "_config.yml") -> str:
    """``cnnlab @ git+URL@BRANCH`` from the repository setting of ``_config.yml``."""
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    repo = config.get("repository") or {}
    url = str(repo.get("url", "")).rstrip("/")
    if not url.startswith("https://"):
        raise ValueError(f"repository.url in {config_path} must be an https:// URL, got {url!r}")
    branch = str(repo.get("branch") or "main")
    return f"cnnlab @ git+{url}@{branch}"


def cell_source(config_path: Path = ROOT / "_config.yml") -> str:
    """The first cell's code for the repository configured in ``config_path``."""
    return TEMPLATE.format(source=pip_source(config_path))


def _is_colab_cell(cell) -> bool:
    return cell.get("id") == CELL_ID or (
        cell.cell_type == "code" and "import google.colab" in cell.source
    )


def problem(nb, source: str) -> str | None:
    """Why ``nb``'s first cell is not the current Colab cell (None when it is)."""
    if not nb.cells or not _is_colab_cell(nb.cells[0]):
        if any(_is_colab_cell(c) for c in nb.cells):
            return "the Colab cell is not the first cell"
        return "no Colab cell"
    cell = nb.cells[0]
    if cell.cell_type != "code" or cell.source != source:
        return "the Colab cell is stale (its code differs from _config.yml's repository)"
    if set(TAGS) - set(cell.metadata.get("tags", [])):
        return f"the Colab cell lacks the tags {TAGS}"
    if cell.outputs or cell.execution_count is not None:
        return "the Colab cell has outputs"
    return None


def apply(nb, source: str) -> None:
    """Make ``nb``'s first cell the current Colab cell (other cells untouched)."""
    nb.cells = [c for c in nb.cells if not _is_colab_cell(c)]
    cell = nbformat.v4.new_code_cell(source=source, metadata={"tags": list(TAGS)})
    cell["id"] = CELL_ID
    nb.cells.insert(0, cell)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true", help="report, change nothing")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    source = cell_source()
    bad = 0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        why = problem(nb, source)
        if why is None:
            continue
        if args.check:
            print(f"{path}: {why}")
            bad += 1
        else:
            apply(nb, source)
            nbformat.validate(nb)
            nbformat.write(nb, path)
            print(f"{path}: Colab cell written ({why})")
    if args.check and bad:
        print(f"{bad} notebook(s) need `python scripts/colab_cell.py`")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
