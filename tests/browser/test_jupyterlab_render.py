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


@pytest.fixture
def lab(tmp_path):
    with lab_server(
        tmp_path, "widgets_smoke.ipynb", "snorkel-nb-browser-test"
    ) as server:
        yield server


# every code cell of the smoke notebook must show an execution count
N_CELLS = code_cells("widgets_smoke.ipynb")


def test_widgets_render_in_jupyterlab(lab):
    sync_api = pytest.importorskip("playwright.sync_api")
    base, token = lab
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    with sync_api.sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        ctx, page = open_page(p, profile, {"width": 1400, "height": 1800}, errors)
        try:
            open_and_run_all(page, sync_api, base, token, "widgets_smoke.ipynb")
            wait_all_executed(page, N_CELLS, timeout=90_000)
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
