"""Each chapter opened alone in Colab: its first cell installs ``cnnlab``, then every cell runs.

``scripts/colab_cell.py`` writes that first cell into every notebook from ``_config.yml``'s
repository setting. Tests here:

- the cell's code: it installs ``cnnlab @ git+<repository.url>@<branch>`` only when
  ``google.colab`` imports, and does nothing elsewhere; ``--check`` finds a missing, misplaced
  or stale cell (unit tests, no notebook needed);
- NEEDS THE CELL IN THE NOTEBOOKS (``python scripts/colab_cell.py`` applied):
  ``test_every_notebook_has_the_current_colab_cell`` and
  ``test_chapter_runs_alone_in_simulated_colab`` — the Colab simulation: each notebook is
  copied alone into an empty directory and run in a fresh environment that has the course's
  dependencies but no ``cnnlab`` (a virtual environment that sees the project venv's packages
  minus cnnlab's), with a stand-in ``google.colab`` module; the cell's install is pointed
  (``CNNLAB_PIP_SOURCE``) at a wheel built from this checkout, offline. Every cell must run
  without an error and ``cnnlab`` must come from the fresh environment.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import types
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import colab_cell  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


# --- the cell's code ----------------------------------------------------------------------------

def _run_cell(monkeypatch, in_colab: bool, env_source: str | None = None) -> list:
    """Execute the Colab cell in this process; return the commands it would have run."""
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: calls.append((cmd, kw)))
    if in_colab:
        google = types.ModuleType("google")
        colab = types.ModuleType("google.colab")
        google.colab = colab
        monkeypatch.setitem(sys.modules, "google", google)
        monkeypatch.setitem(sys.modules, "google.colab", colab)
    else:
        monkeypatch.setitem(sys.modules, "google.colab", None)  # import google.colab fails
    if env_source is None:
        monkeypatch.delenv("CNNLAB_PIP_SOURCE", raising=False)
    else:
        monkeypatch.setenv("CNNLAB_PIP_SOURCE", env_source)
    exec(compile(colab_cell.cell_source(), "<colab cell>", "exec"), {})
    return calls


def test_cell_does_nothing_outside_colab(monkeypatch):
    assert _run_cell(monkeypatch, in_colab=False) == []


def test_cell_installs_from_the_configured_repository_in_colab(monkeypatch):
    calls = _run_cell(monkeypatch, in_colab=True)
    assert calls == [([sys.executable, "-m", "pip", "install", "--quiet",
                       "cnnlab @ git+https://github.com/cnnlab/cnn-lab@main"], {"check": True})]
    calls = _run_cell(monkeypatch, in_colab=True, env_source="/tmp/cnnlab.whl")
    assert calls[0][0][-1] == "/tmp/cnnlab.whl"


def test_source_follows_config(tmp_path):
    config = tmp_path / "_config.yml"
    config.write_text("repository:\n  url: https://github.com/a-fork/cnn-lab/\n  branch: dev\n")
    assert colab_cell.pip_source(config) == "cnnlab @ git+https://github.com/a-fork/cnn-lab@dev"
    assert "a-fork/cnn-lab@dev" in colab_cell.cell_source(config)
    config.write_text("repository:\n  url: github.com/no-scheme\n")
    with pytest.raises(ValueError, match="repository.url"):
        colab_cell.pip_source(config)


def test_cell_lines_fit_79_columns():
    assert max(len(line) for line in colab_cell.cell_source().splitlines()) <= 79


def test_check_finds_missing_misplaced_and_stale_cells(tmp_path):
    source = colab_cell.cell_source()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title"),
                                         nbformat.v4.new_code_cell("x = 1")])
    assert colab_cell.problem(nb, source) == "no Colab cell"
    colab_cell.apply(nb, source)
    assert colab_cell.problem(nb, source) is None
    assert [c.cell_type for c in nb.cells] == ["code", "markdown", "code"]
    assert nb.cells[0].metadata["tags"] == ["remove-cell"]
    assert "stale" in colab_cell.problem(nb, source.replace("cnnlab/cnn-lab", "other/repo"))
    nb.cells.append(nb.cells.pop(0))
    assert colab_cell.problem(nb, source) == "the Colab cell is not the first cell"
    colab_cell.apply(nb, source)  # moved back, not duplicated
    assert colab_cell.problem(nb, source) is None and len(nb.cells) == 3
    path = tmp_path / "nb.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), path)
    assert colab_cell.main(["--check", str(path)]) == 1
    assert colab_cell.main([str(path)]) == 0
    assert colab_cell.main(["--check", str(path)]) == 0


# --- NEEDS THE CELL: python scripts/colab_cell.py ------------------------------------------------

def test_every_notebook_has_the_current_colab_cell():
    source = colab_cell.cell_source()
    problems = {p.name: colab_cell.problem(nbformat.read(p, as_version=4), source)
                for p in NOTEBOOKS}
    bad = {k: v for k, v in problems.items() if v}
    assert NOTEBOOKS and not bad, f"run `python scripts/colab_cell.py`: {bad}"


@pytest.fixture(scope="module")
def cnnlab_wheel(tmp_path_factory) -> Path:
    """A wheel of cnnlab built offline from a copy of this checkout's package files."""
    tmp = tmp_path_factory.mktemp("colab_src")
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "cnnlab", src / "cnnlab",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index",
                    "--no-build-isolation", "-w", str(tmp / "wheels"), str(src)], check=True)
    (wheel,) = (tmp / "wheels").glob("cnnlab-*.whl")
    return wheel


def fresh_environment(where: Path) -> Path:
    """A venv at ``where`` that sees this venv's packages except cnnlab; returns its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where / "env")], check=True)
    deps = where / "deps"
    deps.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if "cnnlab" in entry.name.lower() or entry.suffix == ".pth":
            continue  # cnnlab's editable install and its path hooks stay out
        (deps / entry.name).symlink_to(entry)
    python = where / "env" / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "course_deps.pth").write_text(str(deps) + "\n", encoding="utf-8")
    return python


def stand_in_colab(where: Path) -> Path:
    """A directory holding an importable, empty ``google.colab`` package."""
    package = where / "colab_stub" / "google" / "colab"
    package.mkdir(parents=True)
    (package.parent / "__init__.py").write_text("", encoding="utf-8")
    (package / "__init__.py").write_text('"""Stand-in for Colab\'s module."""\n', encoding="utf-8")
    return where / "colab_stub"


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_runs_alone_in_simulated_colab(notebook, cnnlab_wheel, tmp_path):
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    python = fresh_environment(tmp_path)
    missing = subprocess.run([str(python), "-c", "import cnnlab"], capture_output=True, text=True,
                             cwd=tmp_path)  # not the checkout: its cnnlab/ would be importable
    assert missing.returncode != 0 and "No module named 'cnnlab'" in missing.stderr

    kernels = tmp_path / "kernels"
    (kernels / "colab").mkdir(parents=True)
    (kernels / "colab" / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Colab stand-in",
        "language": "python",
        "env": {"PYTHONPATH": str(stand_in_colab(tmp_path)),
                "CNNLAB_PIP_SOURCE": str(cnnlab_wheel),
                "PIP_NO_INDEX": "1",
                "MPLBACKEND": "agg"},
    }), encoding="utf-8")
    content = tmp_path / "content"  # Colab's working directory holds the notebook only
    content.mkdir()
    nb = nbformat.read(notebook, as_version=4)
    assert "import google.colab" in nb.cells[0].source, "run `python scripts/colab_cell.py` first"
    nb.cells.append(nbformat.v4.new_code_cell("import cnnlab\nprint(cnnlab.__file__)"))
    km = KernelManager(kernel_name="colab", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)]))
    client = NotebookClient(nb, km=km, timeout=600, resources={"metadata": {"path": str(content)}})
    client.execute()  # raises CellExecutionError, naming the cell, on the first failure
    where = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    assert where.strip().startswith(str(tmp_path / "env")), where
