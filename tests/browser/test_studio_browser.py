"""The studio's code editor in real JupyterLab, in headless Chromium (Debian package).

Types an LF into the CodeMirror editor with the keyboard (Enter, Tab to indent
the body), runs it with Ctrl+Enter, edits it and runs it again with
Shift+Enter, and checks that the studio added, then replaced, the LF, and that
Shift+Enter did not run the notebook cell (the cell's execution count stays); then clicks Fit label
model and reads the label-model vs majority-vote panel.

Needs ``/usr/bin/chromium``, jupyterlab, anywidget and playwright (python package
only; never ``playwright install``). Skips otherwise. Writes
``test-artifacts/studio_editor.png``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
HERE = Path(__file__).parent
NOTEBOOK = "studio_smoke.ipynb"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM),
        reason=f"{CHROMIUM} not found: apt-get install -y chromium",
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab(tmp_path):
    pytest.importorskip("jupyterlab")
    pytest.importorskip("anywidget")
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy(HERE / NOTEBOOK, root / NOTEBOOK)
    cfg = tmp_path / "config"
    (cfg / "labconfig").mkdir(parents=True)
    (cfg / "labconfig" / "page_config.json").write_text(
        json.dumps(
            {
                "disabledExtensions": {
                    "@jupyterlab/apputils-extension:announcements": True
                }
            }
        )
    )
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(cfg),
        JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
    )
    port, token = _free_port(), "snorkel-nb-studio-test"
    log = open(tmp_path / "lab.log", "w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            "--ServerApp.port_retries=0",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    pytest.fail(
                        "JupyterLab did not start:\n"
                        + (tmp_path / "lab.log").read_text()[-3000:]
                    )
                time.sleep(0.5)
        yield base, token
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _status(page) -> str:
    return page.locator(".snb-ok, .snb-error").all_inner_texts()


def test_typing_in_the_editor_and_ctrl_enter_runs_the_lf(lab):
    sync_api = pytest.importorskip("playwright.sync_api")
    base, token = lab
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    with sync_api.sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        ctx = p.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            viewport={"width": 1100, "height": 1400},
        )
        page = ctx.new_page()
        page.on(
            "console",
            lambda m: m.type == "error" and errors.append(f"console: {m.text}"),
        )
        page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
        try:
            page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}&reset")
            idle = ".jp-Notebook-ExecutionIndicator[data-status='idle']"
            page.wait_for_selector(idle, timeout=90_000)
            try:  # a "Select Kernel" dialog may come up on first open
                page.click(".jp-Dialog-button:has-text('Select')", timeout=5_000)
            except sync_api.TimeoutError:
                pass
            page.wait_for_selector(idle, timeout=90_000)
            page.click(".lm-MenuBar-itemLabel:text-is('Run')")
            page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
            editor = page.locator(".snb-editor .cm-content")
            editor.wait_for(timeout=90_000)
            page.wait_for_selector(idle, timeout=90_000)
            prompt = page.locator(".jp-CodeCell .jp-InputArea-prompt").first
            count_before = prompt.inner_text()
            highlighted = page.locator(".snb-editor .cm-line span").count()

            editor.click()
            page.keyboard.press("Control+a")
            page.keyboard.press("Delete")
            # raw text for the header (no auto-indent), Tab indents the body
            page.keyboard.insert_text("@labeling_function()\ndef lf_typed(x):\n")
            page.keyboard.press("Tab")
            page.keyboard.type('return 1 if "song" in x.text else ABSTAIN')
            typed = page.locator(".snb-editor .cm-content").inner_text()
            page.keyboard.press("Control+Enter")
            page.wait_for_selector(".snb-ok:has-text('Added lf_typed')", timeout=30_000)
            stats = page.locator("text=lf_typed").count()

            page.keyboard.press("End")
            page.keyboard.press("Backspace")  # "ABSTAIN" -> "ABSTAI"
            page.keyboard.type('N if "love" not in x.text else 0')
            page.keyboard.press("Shift+Enter")
            page.wait_for_selector(
                ".snb-ok:has-text('Replaced lf_typed')", timeout=30_000
            )
            page.wait_for_timeout(500)
            count_after = prompt.inner_text()
            status = _status(page)

            # the label model in the loop: a real click on Fit fills the panel
            page.click(".jupyter-widgets.widget-button:has-text('Fit label model')")
            page.wait_for_selector("text=Fitted on 2 LFs", timeout=90_000)
            panel = page.locator("table.snb-loop").inner_text()
        finally:
            page.screenshot(path=str(ARTIFACTS / "studio_editor.png"), full_page=True)
            ctx.close()
    assert highlighted > 0, "no Python highlighting spans"
    assert "    return 1" in typed, typed
    assert stats >= 1
    assert any("Replaced lf_typed" in s for s in status), status
    assert count_after == count_before, "Shift+Enter reached the notebook"
    assert "label model" in panel and "majority vote" in panel and "class spam" in panel
    assert not errors, "\n".join(errors)
