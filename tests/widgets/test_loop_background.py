"""The studio and the diagnostics in the background: fits and applies run off the
caller's thread, a spinner with progress text shows meanwhile, an edit during
a fit drops the stale fit (never shown), and errors in the worker show in the
widget. A fake slow engine is held at a gate (threading events), so nothing
here asserts on time."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("ipywidgets")

import snorkel_nb.labeling.session as session_mod  # noqa: E402
from snorkel_nb.labeling import ABSTAIN, LabelingFunction  # noqa: E402
from snorkel_nb.labeling.session import LFSession  # noqa: E402
from snorkel_nb.widgets import LabelModelDiagnostics, LFStudio  # noqa: E402
from snorkel_nb.widgets.busy import resolve_background  # noqa: E402

TEXTS = ["check out my channel", "great song", "check this song", "nice"] * 10
DEV = ["check out", "good song", "check song", "meh"]
GOLD = np.array([1, 0, 0, -1])
WAIT = 60  # seconds a gate or a task may take before the test fails (not a timing)


def kw(name, word, label=1):
    return LabelingFunction(name, lambda x: label if word in x.text else ABSTAIN)


class Gate:
    """Holds every call at ``release`` until the test opens it."""

    def __init__(self, real=None, error=None):
        self.real, self.error = real, error
        self.entered = threading.Event()
        self.release = threading.Event()
        self.threads: list[str] = []

    def __call__(self, *args, **kwargs):
        self.threads.append(threading.current_thread().name)
        self.entered.set()
        if not self.release.wait(WAIT):
            raise RuntimeError("gate never opened (the caller ran inline?)")
        if self.error is not None:
            raise self.error
        return self.real(*args, **kwargs)


@pytest.fixture
def session():
    return LFSession(
        pd.DataFrame({"text": TEXTS}),
        [kw("check", "check"), kw("song", "song", 0)],
        dev_df=pd.DataFrame({"text": DEV}),
        Y_dev=GOLD,
        class_names=["ham", "spam"],
    )


@pytest.fixture
def slow_fit(monkeypatch):
    gate = Gate(real=session_mod.fit_loop)
    monkeypatch.setattr(session_mod, "fit_loop", gate)
    yield gate
    gate.release.set()


def make_studio(session, **kw):
    return LFStudio(session, show_matrices=False, autosave=False, **kw)


def test_background_is_off_outside_a_kernel_and_can_be_forced():
    assert resolve_background(None) is False  # pytest is no kernel
    assert resolve_background(True) is True and resolve_background(False) is False


def test_fit_click_returns_at_once_and_the_spinner_shows_until_it_lands(
    session, slow_fit
):
    studio = make_studio(session, background=True)
    shown = []
    studio.loop.observe(lambda c: shown.append(c["new"]), names="value")
    studio.fit_button.click()  # returns although the fit is held at the gate
    assert slow_fit.entered.wait(WAIT)
    assert slow_fit.threads[0].startswith("snorkel_nb-fit")
    assert "snb-spin" in studio.spinner.value
    assert "fitting the label model on 2 LFs" in studio.spinner.value
    assert studio.fit_button.disabled and session.label_model_fit is None
    # the caller's thread is free meanwhile: it reads and edits the session
    assert session.summary()["Coverage"].tolist() == [0.5, 0.5]
    slow_fit.release.set()
    assert session.wait(WAIT)
    assert studio.spinner.value == "" and not studio.fit_button.disabled
    assert session.label_model_fit is studio.last_task.result()
    assert "Fitted on 2 LFs" in studio.loop.value
    assert "Label model fitted on 2 LFs" in studio.status.value
    assert sum("Fitted on" in v for v in shown) == 1


def test_an_edit_during_a_fit_drops_the_stale_fit_and_it_is_never_shown(
    session, slow_fit
):
    studio = make_studio(session, background=True)
    fits = []
    session.on_change(lambda c: c["op"] == "fit" and fits.append(session.names))
    panels = []
    studio.loop.observe(lambda c: panels.append(c["new"]), names="value")
    studio.fit_button.click()
    fit_task = studio.last_task
    assert slow_fit.entered.wait(WAIT)
    studio.code.value = (
        "@labeling_function()\ndef nice(x):\n"
        "    return 0 if 'nice' in x.text else ABSTAIN\n"
    )
    studio.run_button.click()  # the edit lane runs while the fit is held
    assert studio.last_task.result(WAIT).op == "add"
    assert session.names == ["check", "song", "nice"]
    slow_fit.release.set()
    assert session.wait(WAIT)
    assert fit_task.state == "superseded" and fit_task.result() is None
    assert fits == [] and session.label_model_fit is None
    assert not any("Fitted on" in p for p in panels)
    assert "out-of-date fit was dropped" in studio.status.value


def test_with_auto_refit_only_the_fit_of_the_newest_lfs_lands(session, slow_fit):
    studio = make_studio(session, background=True)
    fits = []
    session.on_change(lambda c: c["op"] == "fit" and fits.append(session.names))
    studio.auto_refit.value = True  # starts a fit, held at the gate
    first = studio.last_task
    assert slow_fit.entered.wait(WAIT)
    studio.code.value = (
        "@labeling_function()\ndef nice(x):\n"
        "    return 0 if 'nice' in x.text else ABSTAIN\n"
    )
    studio.run_button.click()
    assert studio.last_task.result(WAIT) is not None
    slow_fit.release.set()
    assert session.wait(WAIT)
    assert first.state == "superseded"
    assert fits == [["check", "song", "nice"]]
    assert session.label_model_fit.lf_names == ("check", "song", "nice")
    assert not session.label_model_stale and studio.spinner.value == ""


def test_a_failing_fit_in_the_worker_shows_in_the_studio(session, monkeypatch):
    gate = Gate(error=RuntimeError("boom in the worker"))
    gate.release.set()
    monkeypatch.setattr(session_mod, "fit_loop", gate)
    studio = make_studio(session, background=True)
    studio.fit_button.click()
    assert session.wait(WAIT)
    assert studio.last_task.state == "failed"
    assert "snb-error" in studio.status.value
    assert "boom in the worker" in studio.status.value
    assert "RuntimeError" in studio.status.value  # the traceback is shown
    assert studio.spinner.value == "" and not studio.fit_button.disabled
    assert session.label_model_fit is None


def slow_lf_code(name, label):
    return (
        f"@labeling_function()\ndef {name}(x):\n"
        f"    held.wait({WAIT})\n"
        f"    return {label} if 'nice' in x.text else ABSTAIN\n"
    )


def test_a_code_lf_applies_in_the_background_with_a_running_line(session):
    held = threading.Event()
    studio = make_studio(session, background=True, namespace={"held": held})
    studio.code.value = slow_lf_code("lf_slow", 0)
    studio.run_button.click()  # returns while the LF waits on its first row
    task = studio.last_task
    seen = threading.Event()
    session.on_task(lambda t: t is task and t.progress and seen.set())
    if not task.progress:
        assert seen.wait(WAIT)
    line = studio.running.value
    assert studio.spinner.value == ""  # the fit line: nothing fits
    assert "snb-spin" in line and "applying lf_slow to 44 rows" in line
    assert "applying the LFs to 40 training rows" in line
    # the old state stays whole and readable meanwhile
    assert session.names == ["check", "song"] and session.L.shape == (40, 2)
    held.set()
    assert session.wait(WAIT)
    assert session.names == ["check", "song", "lf_slow"]
    assert "Added lf_slow" in studio.status.value and studio.running.value == ""


def test_a_newer_run_of_the_same_lf_supersedes_the_pending_one(session):
    held = threading.Event()
    studio = make_studio(session, background=True, namespace={"held": held})
    ops = []
    session.on_change(lambda c: ops.append((c["op"], c["name"])))
    studio.code.value = slow_lf_code("lf_nice", 1)  # votes spam: the stale one
    studio.run_button.click()
    first = studio.last_task
    studio.code.value = slow_lf_code("lf_nice", 0)  # fixed: votes ham
    studio.run_button.click()
    held.set()
    assert session.wait(WAIT)
    assert first.state == "superseded" and studio.last_task.state == "done"
    assert ops == [("add", "lf_nice")]  # the stale apply was never committed
    nice_rows = np.array(TEXTS) == "nice"
    assert set(session.L[nice_rows, 2]) == {0}
    assert studio.history.undo_stack[-1].after is session.get("lf_nice")


def test_a_bad_lf_in_the_worker_shows_its_error_and_changes_nothing(session):
    studio = make_studio(session, background=True)
    studio.code.value = (
        "@labeling_function()\ndef lf_seven(x):\n    return 7\n"  # not a class
    )
    studio.run_button.click()
    assert session.wait(WAIT)
    assert studio.last_task.state == "failed"
    assert "was not added" in studio.status.value and "cardinality" in (
        studio.status.value
    )
    assert session.names == ["check", "song"] and session.L.shape == (40, 2)


def test_undo_redo_and_remove_run_in_order_on_the_edit_worker(session):
    studio = make_studio(session, background=True)
    studio.lf_select.value = "song"
    studio.remove_button.click()
    studio.confirm_button.click()
    studio.undo_button.click()
    assert session.wait(WAIT)
    assert session.names == ["check", "song"] and "Undid: remove song" in (
        studio.status.value
    )
    studio.redo_button.click()
    studio.redo_button.click()  # nothing left to redo: shown, not raised
    assert session.wait(WAIT)
    assert session.names == ["check"] and "Nothing to redo" in studio.status.value


def test_the_diagnostics_refit_runs_in_the_background_with_a_spinner(
    session, monkeypatch
):
    diag = LabelModelDiagnostics.from_session(session, background=True)
    _ = session.upsert(kw("nice", "nice", 0))
    assert diag.stale
    gate = Gate(real=session_mod.fit_loop)
    monkeypatch.setattr(session_mod, "fit_loop", gate)
    try:
        diag.refresh_button.click()
        assert gate.entered.wait(WAIT)
        assert "refitting" not in diag.spinner.value  # the session's own words:
        assert "fitting the label model on 3 LFs" in diag.spinner.value
        assert diag.refresh_button.disabled and diag.stale
    finally:
        gate.release.set()
    assert session.wait(WAIT)
    assert not diag.stale and diag.spinner.value == ""
    assert not diag.refresh_button.disabled
    assert diag.model is session.label_model_fit.model
    assert list(diag.report.accuracies["lf"]) == ["check", "song", "nice"]


def test_without_background_everything_runs_inline(session):
    studio = make_studio(session, background=False)
    studio.fit_button.click()
    assert studio.last_task.state == "done" and session.label_model_fit is not None
    assert session.busy == [] and studio.spinner.value == ""


def test_an_edit_made_from_code_shows_as_running_in_the_studio(session):
    studio = make_studio(session, background=False)
    seen_while_applying = []

    def nice(x):
        if not seen_while_applying:
            seen_while_applying.append(studio.running.value)
        return 0 if "nice" in x.text else ABSTAIN

    session.upsert(LabelingFunction("nice", nice))  # as a notebook cell would
    assert "applying nice to 44 rows" in seen_while_applying[0]
    assert "snb-spin" in seen_while_applying[0]
    assert studio.running.value == "" and session.busy == []


def test_an_interrupted_inline_apply_leaves_no_spinner_behind(session):
    studio = make_studio(session, background=False)

    def interrupted(x):
        raise KeyboardInterrupt  # the user pressed Interrupt mid-apply

    with pytest.raises(KeyboardInterrupt):
        session.upsert(LabelingFunction("lf_int", interrupted))
    assert session.busy == [] and studio.running.value == ""
    assert session.names == ["check", "song"]
