"""The studio's code editor in real JupyterLab, in headless Chromium (Debian package).

Types an LF into the CodeMirror editor with the keyboard (Enter, Tab to indent
the body), runs it with Ctrl+Enter, edits it and runs it again with
Shift+Enter, and checks that the studio added, then replaced, the LF, and that
Shift+Enter did not run the notebook cell (the cell's execution count stays);
then clicks Fit label model and reads the label-model vs majority-vote panel.

Needs ``/usr/bin/chromium``, jupyterlab, anywidget and playwright (python package
only; never ``playwright install``). Skips otherwise. Writes
``test-artifacts/studio_editor.png``.
"""

from __future__ import annotations

import tempfile

import pytest
from lab_harness import (
    ARTIFACTS,
    IDLE,
    PYTESTMARK,
    lab_server,
    open_and_run_all,
    open_page,
)

pytestmark = PYTESTMARK
NOTEBOOK = "studio_smoke.ipynb"


@pytest.fixture
def lab(tmp_path):
    pytest.importorskip("anywidget")
    with lab_server(tmp_path, NOTEBOOK, "snorkel-nb-studio-test") as server:
        yield server


def _status(page) -> str:
    return page.locator(".snb-ok, .snb-error").all_inner_texts()


def test_typing_in_the_editor_and_ctrl_enter_runs_the_lf(lab):
    sync_api = pytest.importorskip("playwright.sync_api")
    base, token = lab
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    with sync_api.sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        ctx, page = open_page(
            p, profile, {"width": 1100, "height": 1400}, errors, requests=False
        )
        try:
            open_and_run_all(page, sync_api, base, token, NOTEBOOK)
            editor = page.locator(".snb-editor .cm-content")
            editor.wait_for(timeout=90_000)
            page.wait_for_selector(IDLE, timeout=90_000)
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
