"""Execute chapter notebooks and keep only the outputs that nbval checks.

Usage: ``python scripts/nb_refresh.py notebooks/ch2_math_principles.ipynb [...]``

Each notebook runs top to bottom in a fresh kernel (working directory
``notebooks/``). Afterwards every output is removed except the text outputs of
cells tagged ``nbval-check-output`` (the tag nbval reads; a reader of the page
never sees it): those are the numbers ``pytest --nbval-lax`` compares on every
run. Images, HTML and widget views are
never committed (the book build re-creates them). Prints the time per notebook,
its slowest cells, and what a reader would see that the book's reading rules
(tests/test_reading.py) forbid: visible ``assert`` lines, code lines over 79
characters, and cells that drew a figure without a caption and alt text.
"""
import argparse
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

CHECK_TAG = "nbval-check-output"
TEXT_MIME = "text/plain"
HIDDEN_TAGS = {"remove-cell", "remove-input"}
IMAGE_MIMES = ("image/png", "image/svg+xml", "image/jpeg", "image/gif")
MAX_LINE = 79


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


def reading_problems(nb):
    """What the executed notebook shows a reader that the book's reading rules forbid."""
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        visible = not HIDDEN_TAGS & set(cell.metadata.get("tags", []))
        lines = cell.source.splitlines()
        problems += [f"cell {index}: line of {len(line)} characters"
                     for line in lines if len(line) > MAX_LINE]
        if not visible:
            continue
        problems += [f"cell {index}: visible {line.strip()[:60]!r}"
                     for line in lines if re.match(r"\s*assert\b", line)]
        drew = any(mime in out.get("data", {}) for out in cell.outputs for mime in IMAGE_MIMES)
        mystnb = cell.metadata.get("mystnb", {})
        if drew and not (mystnb.get("figure", {}).get("caption")
                         and mystnb.get("image", {}).get("alt")):
            problems.append(f"cell {index}: a figure without mystnb figure caption / image alt")
    return problems


def refresh(path: Path, timeout: int) -> float:
    nb = nbformat.read(path, as_version=4)
    started, took = {}, {}
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}},
                            on_cell_execute=lambda cell, cell_index: started.update(
                                {cell_index: time.perf_counter()}),
                            on_cell_executed=lambda cell, cell_index, execute_reply: took.update(
                                {cell_index: time.perf_counter() - started[cell_index]}))
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    problems = reading_problems(nb)
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
    slowest = sorted(took.items(), key=lambda item: -item[1])[:3]
    print("  slowest cells: " + ", ".join(f"{i} ({t:.1f} s)" for i, t in slowest))
    print(f"  reading rules: {len(problems)} problem(s)"
          + "".join(f"\n    {problem}" for problem in problems))
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
