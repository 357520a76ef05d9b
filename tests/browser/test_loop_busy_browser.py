"""A slow label-model fit never blocks the kernel, in real JupyterLab.

Runs in headless Chromium.

The notebook patches ``LabelModel.fit`` to sleep ``SLOW_S`` seconds. A real
click on **Fit label model** must show the studio's spinner at once; while the
fit still runs, another cell executes (its output names the running fit and
no fit yet), so the kernel is free; then the spinner clears and the panel
shows the fit. Screenshots: ``test-artifacts/loop_busy_running.png`` (spinner
and the other cell's output) and ``test-artifacts/loop_busy_done.png``.

Needs ``/usr/bin/chromium``, jupyterlab, anywidget and playwright (python package
only; never ``playwright install``). Skips otherwise.
"""

from __future__ import annotations

import tempfile

import pytest
from lab_harness import (
    ARTIFACTS,
    IDLE,
    PYTESTMARK,
    code_cells,
    lab_server,
    open_and_run_all,
    open_page,
    wait_all_executed,
)

pytestmark = PYTESTMARK
NOTEBOOK = "loop_busy.ipynb"
SPINNER = ".snb-studio .snb-busy .snb-spin"


@pytest.fixture
def lab(tmp_path):
    pytest.importorskip("anywidget")
    with lab_server(tmp_path, NOTEBOOK, "snorkel-nb-busy-test") as server:
        yield server


def test_a_slow_fit_runs_while_another_cell_executes(lab):
    sync_api = pytest.importorskip("playwright.sync_api")
    base, token = lab
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    with sync_api.sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        ctx, page = open_page(
            p, profile, {"width": 1100, "height": 2400}, errors, requests=False
        )
        try:
            open_and_run_all(page, sync_api, base, token, NOTEBOOK)
            wait_all_executed(page, code_cells(NOTEBOOK))
            page.wait_for_selector(IDLE, timeout=90_000)
            check_cell = page.locator(".jp-CodeCell").nth(2)
            check_out = check_cell.locator(".jp-OutputArea-output")
            check_out.filter(has_text="check 1").wait_for(timeout=30_000)
            setup = page.locator(".jp-CodeCell").nth(1).inner_text()

            page.click(".jupyter-widgets.widget-button:has-text('Fit label model')")
            page.wait_for_selector(SPINNER, timeout=30_000)
            busy_text = page.locator(".snb-studio .snb-busy").inner_text()

            # run the check cell again while the fit sleeps in its worker
            check_cell.locator(".jp-InputArea .cm-content").click()
            page.keyboard.press("Control+Enter")
            check_out.filter(has_text="check 2").wait_for(timeout=30_000)
            during = check_out.inner_text()
            spinning_after_cell = page.locator(SPINNER).count()
            page.screenshot(
                path=str(ARTIFACTS / "loop_busy_running.png"), full_page=True
            )

            page.wait_for_selector("text=Fitted on 2 LFs", timeout=120_000)
            page.wait_for_selector(SPINNER, state="detached", timeout=30_000)
            status = page.locator(".snb-ok").all_inner_texts()
        finally:
            page.screenshot(path=str(ARTIFACTS / "loop_busy_done.png"), full_page=True)
            ctx.close()
    assert "background: True" in setup, setup
    assert "fitting the label model on 2 LFs" in busy_text, busy_text
    assert "busy=['fitting the label model on 2 LFs'] fitted=False" in during, during
    assert spinning_after_cell == 1, "the spinner had cleared before the cell ran"
    assert any("Label model fitted on 2 LFs" in s for s in status), status
    assert not errors, "\n".join(errors)
