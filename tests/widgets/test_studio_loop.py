"""The label model in the studio: Fit, auto-refit, stale marking, LM vs MV numbers
and the edited LF's before -> after line (widget state, no browser)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("ipywidgets")

from snorkel_nb.labeling import ABSTAIN, LabelingFunction  # noqa: E402
from snorkel_nb.labeling.session import LFSession  # noqa: E402
from snorkel_nb.widgets import LFStudio  # noqa: E402
from snorkel_nb.widgets.studio_loop import lf_change_line  # noqa: E402

# 4 row types x 10: every count below is a multiple of 1/4
TEXTS = ["check out my channel", "great song", "check this song", "nice"] * 10
DEV = ["check out", "good song", "check song", "meh"]
GOLD = np.array([1, 0, 0, -1])


def kw(name, word, label=1):
    return LabelingFunction(name, lambda x: label if word in x.text else ABSTAIN)


@pytest.fixture
def studio():
    s = LFSession(
        pd.DataFrame({"text": TEXTS}),
        [kw("check", "check"), kw("song", "song", 0)],
        dev_df=pd.DataFrame({"text": DEV}),
        Y_dev=GOLD,
        class_names=["ham", "spam"],
    )
    return LFStudio(s, show_matrices=False, autosave=False)


def test_fit_button_shows_label_model_next_to_majority_vote(studio):
    assert "No label-model fit yet" in studio.loop.value
    studio.fit_button.click()
    fit = studio.session.label_model_fit
    assert (
        fit is not None
        and studio.spinner.value == ""
        and not studio.fit_button.disabled
    )
    html = studio.loop.value
    # hand-counted: rows 1-3 of every 4 are covered
    assert fit.coverage == pytest.approx(0.75)
    assert "<td>coverage</td><td>0.750</td>" in html
    assert "class ham" in html and "class spam" in html and "uncovered" in html
    assert f"{fit.mv_dev_accuracy:.3f}" in html and f"{fit.dev_accuracy:.3f}" in html
    assert "Fitted on 2 LFs" in html and "Label model fitted" in studio.status.value


def test_edit_marks_the_fit_stale_and_refit_shows_deltas(studio):
    studio.fit_button.click()
    studio.code.value = (
        "@labeling_function()\ndef nice(x):\n"
        '    return 0 if "nice" in x.text else ABSTAIN\n'
    )
    studio.run_button.click()
    assert "Out of date: 1 LF(s) changed since this fit (nice)" in studio.loop.value
    studio.fit_button.click()
    html = studio.loop.value
    assert "Out of date" not in html and "Since the previous fit: +nice." in html
    d = studio.session.label_model_fit.delta(studio.session.previous_label_model_fit)
    assert d["coverage"]["delta"] == pytest.approx(0.25)  # "nice" rows now covered
    assert "+0.250" in html


def test_auto_refit_refits_on_every_run(studio):
    studio.auto_refit.value = True  # fits at once: there was no fit yet
    assert studio.session.auto_refit and studio.session.label_model_fit is not None
    first = studio.session.label_model_fit
    studio.session.upsert(kw("channel", "channel"))  # an edit from code
    assert studio.session.label_model_fit is not first
    assert studio.session.label_model_fit.lf_names == ("check", "song", "channel")
    assert "Out of date" not in studio.loop.value and studio.spinner.value == ""
    studio.auto_refit.value = False
    studio.session.remove("channel")
    assert "Out of date" in studio.loop.value


def test_run_shows_the_lf_own_before_after_numbers(studio):
    studio.tabs.selected_index = 1
    studio.keywords.value = "check"
    studio.lf_name.value = "check"
    studio.label.value = 1
    studio.run_button.click()  # replaces the code LF "check" by the same words
    assert "before → after" in studio.lf_stats.value
    studio.keywords.value = "check, nice"
    studio.run_button.click()
    # coverage 0.5 -> 0.75 (hand-counted); the dev accuracy stays 1/2 -> 1/2
    assert "coverage 0.500 → 0.750" in studio.lf_stats.value
    assert "+0.250" in studio.lf_stats.value
    line = lf_change_line("x", None, {"Coverage": 0.1})
    assert "(new LF)" in line and "coverage 0.100" in line


def test_fit_without_lfs_is_an_error_in_the_widget():
    s = LFSession(pd.DataFrame({"text": TEXTS}))
    studio = LFStudio(s, show_matrices=False, autosave=False)
    studio.fit_button.click()
    assert "Add an LF before fitting" in studio.status.value
