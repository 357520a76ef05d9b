"""Shared set-up of the browser tests: JupyterLab on a free port, headless Chromium.

Why one module: three test files drive real JupyterLab the same way (Debian's
``/usr/bin/chromium`` through the playwright package, never ``playwright
install``); each keeps only its own notebook and interactions.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
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
IDLE = ".jp-Notebook-ExecutionIndicator[data-status='idle']"

PYTESTMARK = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM),
        reason=f"{CHROMIUM} not found: apt-get install -y chromium",
    ),
]


def code_cells(notebook: str) -> int:
    """How many code cells ``notebook`` (in this folder) has."""
    cells = json.loads((HERE / notebook).read_text())["cells"]
    return sum(c["cell_type"] == "code" for c in cells)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def lab_server(tmp_path: Path, notebook: str, token: str) -> Iterator[tuple[str, str]]:
    """JupyterLab serving a copy of ``notebook``; yields ``(base_url, token)``."""
    pytest.importorskip("jupyterlab")
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy(HERE / notebook, root / notebook)
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
    port = _free_port()
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


def open_page(p, profile: str, viewport: dict, errors: list[str], requests=True):
    """A Chromium page whose console errors, page errors (and failed requests)
    are appended to ``errors``."""
    ctx = p.chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, headless=True, args=ARGS, viewport=viewport
    )
    page = ctx.new_page()
    page.on(
        "console", lambda m: m.type == "error" and errors.append(f"console: {m.text}")
    )
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    if requests:
        page.on(
            "requestfailed",
            lambda r: errors.append(f"requestfailed: {r.url} {r.failure}"),
        )
    return ctx, page


def open_and_run_all(page, sync_api, base: str, token: str, notebook: str) -> None:
    """Open ``notebook``, accept the kernel, and click Run -> Run All Cells."""
    page.goto(f"{base}/lab/tree/{notebook}?token={token}&reset")
    page.wait_for_selector(IDLE, timeout=90_000)
    try:  # a "Select Kernel" dialog may come up on first open
        page.click(".jp-Dialog-button:has-text('Select')", timeout=5_000)
    except sync_api.TimeoutError:
        pass
    page.wait_for_selector(IDLE, timeout=90_000)
    page.click(".lm-MenuBar-itemLabel:text-is('Run')")
    page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")


def wait_all_executed(page, n_cells: int, timeout: int = 90_000) -> None:
    """Wait until every one of ``n_cells`` code cells shows an execution count."""
    page.wait_for_function(
        """() => {const p = [...document.querySelectorAll(
            '.jp-CodeCell .jp-InputArea-prompt')];
           return p.length === %d && p.every(e => /\\[\\d+\\]/.test(e.textContent));}"""
        % n_cells,
        timeout=timeout,
    )
