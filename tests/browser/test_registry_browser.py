"""RegistryView in real JupyterLab (headless Chromium): render, click "Retrain stale".

The notebook ``registry_smoke.ipynb`` builds a small real ``CentralModel``
(synthetic data), edits an LF so something is stale and shows the view; this
test clicks the button in the browser, so the click goes through the widget
comm to the kernel and the engine, and waits for the view to report the new
version, then interpolates between the last two versions. Same setup as ``test_jupyterlab_render.py``: Debian's
``/usr/bin/chromium`` driven by the playwright package (never
``playwright install``); skips when either is missing. Writes
``test-artifacts/registry_view.png``.
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
NOTEBOOK = "registry_smoke.ipynb"
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

N_CELLS = sum(
    c["cell_type"] == "code" for c in json.loads((HERE / NOTEBOOK).read_text())["cells"]
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab(tmp_path):
    pytest.importorskip("jupyterlab")
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
    port, token = _free_port(), "snorkel-nb-registry-test"
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


def test_registry_view_renders_and_retrains_stale_in_jupyterlab(lab):
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
            viewport={"width": 1400, "height": 2200},
        )
        page = ctx.new_page()
        page.on(
            "console",
            lambda m: m.type == "error" and errors.append(f"console: {m.text}"),
        )
        page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
        page.on(
            "requestfailed",
            lambda r: errors.append(f"requestfailed: {r.url} {r.failure}"),
        )
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
            page.wait_for_function(
                """() => {const p = [...document.querySelectorAll(
                    '.jp-CodeCell .jp-InputArea-prompt')];
                   return p.length === %d && p.every(e => /\\[\\d+\\]/.test(e.textContent));}"""
                % N_CELLS,
                timeout=120_000,
            )
            button = page.locator(
                ".jupyter-widgets.widget-button", has_text="Retrain stale"
            )
            button.wait_for(timeout=60_000)
            page.wait_for_selector(
                ".vega-embed svg.marks, .vega-embed canvas", timeout=60_000
            )
            stale_before = page.locator(
                "table.snb-table", has_text="label_matrix"
            ).count()
            enabled_before = button.is_enabled()
            button.click()
            page.wait_for_selector(".snb-ok:has-text('retrained')", timeout=120_000)
            page.wait_for_selector(
                ".snb-ok:has-text('Nothing is stale')", timeout=30_000
            )
            page.locator(
                ".jupyter-widgets.widget-button", has_text="Interpolate"
            ).click()
            page.wait_for_selector(".snb-ok:has-text('(alpha 0)')", timeout=60_000)
            page.wait_for_selector(
                "div:has-text('nearest computed point')",
                state="attached",
                timeout=30_000,
            )
            interp_row = page.locator("div:has-text('nearest computed point')").count()
            page.wait_for_timeout(1000)
            status = page.locator(".snb-ok:has-text('retrained')").inner_text()
            progress = page.locator(".widget-hprogress .progress-bar").first
            bar_style = progress.get_attribute("class") or ""
            bar_width = progress.evaluate("e => e.style.width")
            enabled_after = button.is_enabled()
            tables = page.locator("table.snb-table").count()
            out_errors = page.locator(
                ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
            ).count()
        finally:
            page.screenshot(path=str(ARTIFACTS / "registry_view.png"), full_page=True)
            ctx.close()
    assert stale_before >= 1, "the stale list was not shown before the click"
    assert enabled_before and not enabled_after
    assert "new version" in status, status
    assert "progress-bar-success" in bar_style, bar_style
    assert bar_width == "100%", bar_width
    assert tables >= 2
    assert interp_row >= 1, "the interpolation row was not shown"
    assert out_errors == 0
    assert not errors, "\n".join(errors)
