"""Each exercise's feedback as a student gets it: a predictable wrong answer, then the check.

Convention (COMMON.md): an exercise's check cell is a code cell tagged
``exercise-check`` whose metadata holds ``"exercise": "<label>"`` and whose
source has a line ``my_answer = None``. The wrong answers and what their
feedback must say live in ``tests/exercise_cases_<chapter>.py``::

    CASES = {"hw-h3": [({"C1": 156, "S2": 0, ...}, ["S2: FAIL", "bias"]), ...]}

For each notebook this runs the notebook once in one kernel (working
directory ``notebooks/``, as nbval and the book build run it), and at each
check cell re-runs that cell with ``my_answer = <wrong answer>`` for every
case, then runs the original cell again so that the notebook goes on as
written. A case passes when the printed feedback contains every expected
substring (and the check did not raise). Cells after the last check cell
are not run.
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path

import nbclient
import nbformat
import numpy as np
import pytest
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
TAG = "exercise-check"
ANSWER_LINE = re.compile(r"^my_answer\s*=\s*None\b.*$", re.MULTILINE)


def load_cases(folder=Path(__file__).parent):
    """All ``CASES`` of ``exercise_cases_*.py`` in ``folder``: label -> [(answer, substrings)]."""
    cases, origin = {}, {}
    for path in sorted(folder.glob("exercise_cases_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for label, entries in module.CASES.items():
            if label in cases:
                raise ValueError(f"exercise {label!r} has cases in both "
                                 f"{origin[label]} and {path.name}")
            cases[label], origin[label] = list(entries), path.name
    return cases


def check_cells(notebook):
    """``[(index, label, source)]`` of the cells tagged ``exercise-check``."""
    nb = nbformat.read(notebook, as_version=4)
    return [(i, cell.metadata.get("exercise"), cell.source)
            for i, cell in enumerate(nb.cells)
            if cell.cell_type == "code" and TAG in cell.metadata.get("tags", [])]


def answer_code(answer):
    """Python source that gives ``answer`` back inside the kernel."""
    if isinstance(answer, np.ndarray):
        return f"__import__('numpy').array({answer.tolist()!r})"
    return repr(answer)


def with_answer(source, answer):
    """The check cell's source with ``my_answer = None`` replaced by the answer."""
    if not ANSWER_LINE.search(source):
        raise ValueError("the check cell has no line 'my_answer = None'")
    return ANSWER_LINE.sub(lambda _: f"my_answer = {answer_code(answer)}",
                           source, count=1)


def _text(cell):
    """Everything a cell printed or returned as text (its error, if it raised)."""
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.get("data", {}).get("text/plain", ""))
        elif output.output_type == "error":
            parts.append(f"{output.ename}: {output.evalue}")
    return "".join(parts)


def run_cases(notebook, cases, cwd=NOTEBOOKS):
    """Run ``notebook`` in one kernel, trying each case at its check cell.

    Parameters
    ----------
    notebook : path
    cases : dict
        label -> [(answer, substrings)] (see :func:`load_cases`).
    cwd : path
        Working directory of the kernel.

    Returns
    -------
    dict
        ``(label, k) -> (printed feedback, raised)`` for the ``k``-th case
        of every label whose check cell is in the notebook.
    """
    nb = nbformat.read(notebook, as_version=4)
    checks = [(i, label, src) for i, label, src in check_cells(notebook)
              if label in cases]
    if not checks:
        return {}
    last = max(i for i, _, _ in checks)
    client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=600,
                                     resources={"metadata": {"path": str(cwd)}})
    feedback = {}
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells[:last + 1]):
            if cell.cell_type != "code":
                continue
            client.execute_cell(cell, index)
            for i, label, source in checks:
                if i != index:
                    continue
                for k, (answer, _) in enumerate(cases[label]):
                    trial = nbformat.v4.new_code_cell(with_answer(source, answer))
                    try:
                        client.execute_cell(trial, index)
                        raised = False
                    except CellExecutionError:
                        raised = True
                    feedback[label, k] = (_text(trial), raised)
                client.execute_cell(nbformat.v4.new_code_cell(source), index)
    return feedback


def missing_words(printed, expected):
    """The expected substrings that the printed feedback lacks."""
    return [words for words in expected if words not in printed]


CASES = load_cases()
NOTEBOOK_PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
CHECK_CELLS = {nb.stem: check_cells(nb) for nb in NOTEBOOK_PATHS}
LABEL_HOME = {label: stem for stem, cells in CHECK_CELLS.items()
              for _, label, _ in cells}


@cache
def _feedback(stem):
    return run_cases(NOTEBOOKS / f"{stem}.ipynb", CASES)


@pytest.mark.parametrize("label, k", [(label, k) for label in sorted(CASES)
                                      for k in range(len(CASES[label]))],
                         ids=lambda v: str(v))
def test_wrong_answer_gets_the_expected_feedback(label, k):
    answer, expected = CASES[label][k]
    assert label in LABEL_HOME, (
        f"no code cell tagged {TAG!r} with metadata exercise={label!r} "
        f"in {', '.join(p.name for p in NOTEBOOK_PATHS)}")
    printed, raised = _feedback(LABEL_HOME[label])[label, k]
    assert not raised, f"the check raised on my_answer = {answer!r}:\n{printed}"
    lacking = missing_words(printed, expected)
    assert not lacking, (f"my_answer = {answer!r} printed:\n{printed}\n"
                         f"which lacks {lacking}")


@pytest.mark.parametrize("stem", sorted(CHECK_CELLS))
def test_every_check_cell_is_labelled_and_has_cases(stem):
    problems = []
    for index, label, source in CHECK_CELLS[stem]:
        if not label:
            problems.append(f"cell {index}: no metadata 'exercise' label")
        elif label not in CASES:
            problems.append(f"cell {index} ({label}): no cases in "
                            "tests/exercise_cases_*.py")
        if not ANSWER_LINE.search(source):
            problems.append(f"cell {index} ({label}): no line 'my_answer = None'")
    assert not problems, "\n".join(problems)


def test_every_labelled_exercise_has_one_check_cell():
    labels = [label for cells in CHECK_CELLS.values() for _, label, _ in cells
              if label]
    assert len(labels) == len(set(labels)), f"labels used twice: {labels}"


# --- the harness itself: it must see a missing hint ---------------------------

SELF_TEST = [
    "from cnnlab.exercises import check_table",
    "my_answer = None\ncheck_table(my_answer, {'C3': 1516, 'S2': 12},"
    " mistakes={'C3': {2416: 'the connection table forgotten'}})",
]


def _tiny_notebook(tmp_path):
    cells = [nbformat.v4.new_code_cell(src) for src in SELF_TEST]
    cells[1].metadata = {"tags": [TAG], "exercise": "demo"}
    path = tmp_path / "demo.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


def test_harness_reads_feedback_and_sees_a_missing_hint(tmp_path):
    cases = {"demo": [({"C3": 2416, "S2": 12}, ["connection table forgotten"]),
                      ({"C3": 1516, "S2": 0}, ["S2: FAIL", "coefficient and bias"]),
                      (np.array([1, 2]), ["should be a dict"])]}
    feedback = run_cases(_tiny_notebook(tmp_path), cases, cwd=tmp_path)
    printed, raised = feedback["demo", 0]
    assert not raised and missing_words(printed, cases["demo"][0][1]) == []
    printed, raised = feedback["demo", 1]
    # S2 = 0 has no hint in this check cell: the harness must report it lacking
    assert "S2: FAIL" in printed
    assert missing_words(printed, cases["demo"][1][1]) == ["coefficient and bias"]
    printed, raised = feedback["demo", 2]
    assert not raised and "should be a dict" in printed


def test_with_answer_replaces_only_the_answer_line():
    source = "my_answer = None   # e.g. {'C1': ...}\ncheck(my_answer, 3)"
    assert with_answer(source, "2,765,910").splitlines() == [
        "my_answer = '2,765,910'", "check(my_answer, 3)"]
    with pytest.raises(ValueError, match="no line 'my_answer = None'"):
        with_answer("check(5, 3)", 1)
