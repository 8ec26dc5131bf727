"""Execute chapter notebooks and keep only the outputs that nbval checks.

Usage: ``python scripts/nb_refresh.py notebooks/ch2_math_principles.ipynb [...]``

Each notebook runs top to bottom in a fresh kernel (working directory
``notebooks/``). Afterwards every output is removed except the text outputs of
cells tagged ``nbval-check-output`` (the tag nbval reads; a reader of the page
never sees it): those are the numbers ``pytest --nbval-lax`` compares on every
run. Images, HTML and widget views are
never committed (the book build re-creates them). Prints the time per notebook
and the slowest cells.
"""
import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

CHECK_TAG = "nbval-check-output"
TEXT_MIME = "text/plain"


def is_checked(cell):
    return cell.cell_type == "code" and CHECK_TAG in cell.get("metadata", {}).get("tags", [])


def keep_text(outputs):
    kept = []
    for out in outputs:
        if out.output_type == "stream":
            kept.append(out)
        elif out.output_type in ("execute_result", "display_data") and TEXT_MIME in out.get("data", {}):
            out = nbformat.from_dict(dict(out))
            out["data"] = {TEXT_MIME: out["data"][TEXT_MIME]}
            out["metadata"] = {}
            kept.append(out)
    return kept


def refresh(path: Path, timeout: int) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    elapsed = time.perf_counter() - start
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if is_checked(cell):
            cell.outputs = keep_text(cell.outputs)
            count += 1
        else:
            cell.outputs = []
            cell.execution_count = None
    nb.metadata.pop("widgets", None)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    print(f"{path}: ran in {elapsed:.1f} s, {count} checked cells kept their output")
    return elapsed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    for path in args.notebooks:
        refresh(path, args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
