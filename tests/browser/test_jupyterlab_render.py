"""Render the widgets in real JupyterLab, in headless Chromium (Debian package).

Needs ``/usr/bin/chromium`` (``apt-get install -y chromium``), jupyterlab and
playwright (python package only; never ``playwright install``). Skips otherwise.
Then drives the widgets with real input: a mouse click on a heatmap cell must
list that cell's points and outline the cell; the diagnostics of a fit that
fell back to majority vote must show the fallback banner; no two SVG
gradients on the page may share an id. Writes ``test-artifacts/
jupyterlab_widgets.png``, ``jupyterlab_cell_click.png`` and
``jupyterlab_fallback_banner.png``.
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
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy(HERE / "widgets_smoke.ipynb", root / "widgets_smoke.ipynb")
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
    port, token = _free_port(), "snorkel-nb-browser-test"
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


# every code cell of the smoke notebook must show an execution count
N_CELLS = sum(
    c["cell_type"] == "code"
    for c in json.loads((HERE / "widgets_smoke.ipynb").read_text())["cells"]
)


def test_widgets_render_in_jupyterlab(lab):
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
            viewport={"width": 1400, "height": 1800},
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
            page.goto(f"{base}/lab/tree/widgets_smoke.ipynb?token={token}&reset")
            page.wait_for_selector(
                ".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000
            )
            try:  # a "Select Kernel" dialog may come up on first open
                page.click(".jp-Dialog-button:has-text('Select')", timeout=5_000)
            except sync_api.TimeoutError:
                pass
            page.wait_for_selector(
                ".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000
            )
            page.click(".lm-MenuBar-itemLabel:text-is('Run')")
            page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
            page.wait_for_function(
                """() => {const p = [...document.querySelectorAll(
                    '.jp-CodeCell .jp-InputArea-prompt')];
                   return p.length === %d && p.every(e => /\\[\\d+\\]/.test(e.textContent));}"""
                % N_CELLS,
                timeout=90_000,
            )
            page.wait_for_selector(".jupyter-widgets.widget-button", timeout=60_000)
            page.wait_for_selector(
                ".vega-embed svg.marks, .vega-embed canvas", timeout=60_000
            )
            page.wait_for_timeout(1000)
            clicked = _click_heatmap_cell(page)
            banner = page.locator(".snb-diagnostics .snb-banner-fallback").first
            banner.wait_for(timeout=60_000)
            banner.scroll_into_view_if_needed()
            banner_text = banner.inner_text()
            page.locator(".snb-diagnostics").first.screenshot(
                path=str(ARTIFACTS / "jupyterlab_fallback_banner.png")
            )
            gradient_ids = page.evaluate(
                "() => [...document.querySelectorAll('linearGradient, radialGradient')]"
                ".map(g => g.id)"
            )
            buttons = page.locator(".jupyter-widgets.widget-button").all_inner_texts()
            textareas = page.locator(".widget-textarea textarea").count()
            rects = page.locator(
                ".vega-embed svg.marks path, .vega-embed canvas"
            ).count()
            summary = page.locator("table.snb-table").count()
            out_errors = page.locator(
                ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
            ).count()
        finally:
            page.screenshot(
                path=str(ARTIFACTS / "jupyterlab_widgets.png"), full_page=True
            )
            ctx.close()
    assert any("Run" in b for b in buttons), buttons
    assert any("Remove" in b for b in buttons), buttons
    assert any("push TaskGraph" in b for b in buttons), buttons
    assert any("Export ONNX" in b for b in buttons), buttons
    assert textareas >= 1
    assert rects > 0, "heatmap not drawn"
    assert summary >= 1
    assert out_errors == 0
    assert not errors, "\n".join(errors)
    # the click on cell (lf_check, lf_song) listed its one point and outlined it
    assert "overlap: lf_check × lf_song — 1 points" in clicked["text"], clicked["text"]
    assert "check this song" in clicked["text"]
    assert clicked["lit_before"] == 0 and clicked["lit_after"] == 1, clicked
    assert "fell back to majority vote" in banner_text, banner_text
    assert "What to do: add LFs that overlap" in banner_text, banner_text
    assert len(gradient_ids) == len(set(gradient_ids)), gradient_ids


# the heatmap draws two rect layers: the cells first, the selection outline last
LIT = """el => {const g = [...el.querySelectorAll('g.mark-rect.role-mark')];
    return [...g[g.length - 1].querySelectorAll('path')]
        .filter(p => (p.getAttribute('stroke-opacity') ?? '1') !== '0').length;}"""


def _click_heatmap_cell(page) -> dict:
    """Click the centre of heatmap cell (row lf_check, column lf_song) with the
    mouse, as a user would, and wait for the point list to follow."""
    mats = page.locator(".snb-matrices").first
    mats.scroll_into_view_if_needed()
    grid = mats.locator("g.mark-rect.role-mark").first  # the cells
    grid.wait_for(timeout=30_000)
    lit_before = mats.evaluate(LIT)
    box = grid.bounding_box()
    m = 3  # lf_check, lf_song, lf_sub: rows and columns in this order
    page.mouse.click(
        box["x"] + 1.5 * box["width"] / m, box["y"] + 0.5 * box["height"] / m
    )
    page.wait_for_function(
        """() => [...document.querySelectorAll('.snb-matrices')].some(
               e => e.textContent.includes('lf_check × lf_song'))""",
        timeout=30_000,
    )
    page.wait_for_timeout(500)
    mats.screenshot(path=str(ARTIFACTS / "jupyterlab_cell_click.png"))
    return {
        "text": mats.inner_text(),
        "lit_before": lit_before,
        "lit_after": mats.evaluate(LIT),
    }
