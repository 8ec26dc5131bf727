"""Explorers in a real Jupyter kernel (ipykernel through nbclient): one display gives
the widget view, the static HTML and text; driving the widgets in the kernel redraws."""

from __future__ import annotations

import json
import sys

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

CELLS = [
    "from cnnlab.explorers import SlidingFilter\ne = SlidingFilter()\ne",
    "v = e.live()\nv.set(S=2)\nassert v.slider.max == 3, v.slider.max\nv.slider.value = 3\n"
    "assert 'a[1,1] = ' in v.html.value\n"
    "print(f'{len(v.redraw_seconds)} redraws, max {1000 * max(v.redraw_seconds):.2f} ms')",
]


def test_explorer_in_a_kernel(tmp_path, monkeypatch):
    # a kernel of this very interpreter (a "python3" spec elsewhere might lack cnnlab)
    spec = tmp_path / "kernels" / "cnnlab-test"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "cnnlab test", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in CELLS]
    nb.metadata["kernelspec"] = {"name": "cnnlab-test", "display_name": "cnnlab test", "language": "python"}
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="cnnlab-test")
    client.execute()
    out = nb.cells[0].outputs
    assert len(out) == 1 and out[0].output_type == "execute_result"
    data = out[0].data
    assert set(data) == {"text/plain", "text/html", "application/vnd.jupyter.widget-view+json"}
    assert "cnnlabExplorer.init" in data["text/html"]
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] in state  # the VBox was live
    printed = "".join(o.get("text", "") for o in nb.cells[1].outputs)
    assert "redraws, max" in printed, nb.cells[1].outputs
    print(printed)
