"""The live path a Binder reader takes: JupyterLab, a chapter notebook, Run All, move a widget.

Starts JupyterLab on 127.0.0.1 (random port, a token, settings and workspaces in a temporary
directory, a copy of ``notebooks/`` as its root so nothing in the repository is written), opens
a chapter notebook that shows a ``cnnlab`` explorer in headless Chromium, runs all cells (every
one must finish without an error), then moves one explorer widget — the stepper slider with
ArrowRight, or else a dropdown — and waits for the explorer's view, recomputed by the kernel, to
change. A screenshot goes to ``test-artifacts/jupyterlab/``. Skipped, with the reason, without
``/usr/bin/chromium`` or without such a notebook.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from browser_support import CHROMIUM, NO_CHROMIUM, launch_chromium

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "jupyterlab"
#: chapters in the order they are tried: the first that shows an explorer is used
CANDIDATES = ["ch2_math_principles", "ch3_backprop_derivation", "ch1_visual_system", "ch5_digit_recognition"]

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: JupyterLab settings for a quiet, fully rendered notebook: no news or update checks
#: (no request leaves the machine), every cell in the DOM (no windowing).
SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def _pick_notebook() -> str | None:
    for name in CANDIDATES:
        path = ROOT / "notebooks" / f"{name}.ipynb"
        if path.is_file():
            nb = json.loads(path.read_text(encoding="utf-8"))
            code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
            if "explorers" in code:
                return name
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)
    name = _pick_notebook()
    if name is None:
        pytest.skip(f"no chapter notebook showing a cnnlab explorer among {CANDIDATES}")
    base = tmp_path_factory.mktemp("lab")
    work = base / "notebooks"
    shutil.copytree(ROOT / "notebooks", work, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    settings = base / "settings"
    for rel, value in SETTINGS.items():
        target = settings / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(value), encoding="utf-8")
    env = dict(os.environ)
    env.update(
        JUPYTER_CONFIG_DIR=str(base / "config"),
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"),
        PYTHONHASHSEED="0",
    )
    token, port = secrets.token_hex(16), _free_port()
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
        f"--port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    log = open(base / "jupyterlab.log", "wb")
    proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("JupyterLab did not start:\n" + (base / "jupyterlab.log").read_text(errors="replace")[-3000:])
            time.sleep(0.5)
        yield {"url": url, "token": token, "name": name}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


RUN_ALL_JS = """
async () => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  await panel.context.ready;
  await panel.sessionContext.ready;
  const ok = await app.commands.execute('notebook:run-all-cells');
  const cells = [];
  for (const cell of panel.content.widgets) {
    if (cell.model.type !== 'code') continue;
    const outputs = cell.model.sharedModel.outputs || [];
    cells.push({
      count: cell.model.executionCount,
      errors: outputs.filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue),
    });
  }
  return {ok, cells};
}
"""


def test_run_all_and_move_a_widget(lab):
    from playwright.sync_api import sync_playwright

    outside = []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None)
        try:
            page.goto(f"{lab['url']}/lab/tree/{lab['name']}.ipynb?token={lab['token']}")
            page.wait_for_function(
                "() => window.jupyterapp && jupyterapp.shell.currentWidget"
                " && jupyterapp.shell.currentWidget.sessionContext"
                " && jupyterapp.shell.currentWidget.sessionContext.session"
                " && jupyterapp.shell.currentWidget.sessionContext.session.kernel",
                timeout=60_000,
            )
            result = page.evaluate(RUN_ALL_JS)
            errors = [c["errors"] for c in result["cells"] if c["errors"]]
            assert not errors, f"{lab['name']}: cells raised {errors}"
            assert result["ok"], f"{lab['name']}: Run All did not succeed"
            assert all(c["count"] for c in result["cells"]), "a code cell did not run"

            explorers = page.locator(".cnnlab-explorer-live")
            page.wait_for_selector(".cnnlab-explorer-live .cx-view", timeout=30_000)
            sliders = page.locator(".cnnlab-explorer-live .widget-slider .noUi-handle")
            if sliders.count():
                handle = sliders.first
                box = handle.locator("xpath=ancestor::div[contains(@class, 'cnnlab-explorer-live')][1]")
                view = box.locator(".cx-view").first
                handle.scroll_into_view_if_needed()
                before = view.inner_html()
                handle.focus()
                page.keyboard.press("ArrowRight")
                moved = "slider"
            else:
                select = explorers.first.locator(".widget-dropdown select").first
                view = explorers.first.locator(".cx-view").first
                select.scroll_into_view_if_needed()
                before = view.inner_html()
                options = select.locator("option")
                current = select.input_value()
                other = next(options.nth(i).get_attribute("value") for i in range(options.count())
                             if options.nth(i).get_attribute("value") != current)
                select.select_option(other)
                moved = "dropdown"
            deadline = time.monotonic() + 20
            while view.inner_html() == before and time.monotonic() < deadline:
                page.wait_for_timeout(200)
            assert view.inner_html() != before, f"moving the explorer's {moved} did not change its view"
        finally:
            page.screenshot(path=str(ARTIFACTS / f"{lab['name']}.png"))
            browser.close()
    assert not outside, f"JupyterLab made requests outside 127.0.0.1: {sorted(set(outside))[:10]}"
