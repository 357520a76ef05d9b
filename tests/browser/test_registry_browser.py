"""RegistryView in real JupyterLab (headless Chromium): render, click "Retrain stale".

The notebook ``registry_smoke.ipynb`` builds a small real ``CentralModel``
(synthetic data), edits an LF so something is stale and shows the view; this
test clicks the button in the browser, so the click goes through the widget
comm to the kernel and the engine, and waits for the view to report the new
version, then interpolates between the last two versions. Set-up in
``lab_harness.py``: Debian's ``/usr/bin/chromium`` driven by the playwright
package (never ``playwright install``); skips when either is missing. Writes
``test-artifacts/registry_view.png``.
"""

from __future__ import annotations

import tempfile

import pytest
from lab_harness import (
    ARTIFACTS,
    PYTESTMARK,
    code_cells,
    lab_server,
    open_and_run_all,
    open_page,
    wait_all_executed,
)

pytestmark = PYTESTMARK
NOTEBOOK = "registry_smoke.ipynb"
N_CELLS = code_cells(NOTEBOOK)


@pytest.fixture
def lab(tmp_path):
    with lab_server(tmp_path, NOTEBOOK, "snorkel-nb-registry-test") as server:
        yield server


def test_registry_view_renders_and_retrains_stale_in_jupyterlab(lab):
    sync_api = pytest.importorskip("playwright.sync_api")
    base, token = lab
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    with sync_api.sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        ctx, page = open_page(p, profile, {"width": 1400, "height": 2200}, errors)
        try:
            open_and_run_all(page, sync_api, base, token, NOTEBOOK)
            wait_all_executed(page, N_CELLS, timeout=120_000)
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
