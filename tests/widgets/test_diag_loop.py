"""LabelModelDiagnostics follows an LFSession: stale marking, refit, banner, classes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("altair")

from snorkel_nb.labeling import ABSTAIN, LabelingFunction  # noqa: E402
from snorkel_nb.labeling.model import MajorityLabelVoter  # noqa: E402
from snorkel_nb.labeling.session import LFSession  # noqa: E402
from snorkel_nb.viz import charts  # noqa: E402
from snorkel_nb.widgets import LabelModelDiagnostics  # noqa: E402
from snorkel_nb.widgets.diagnostics import wilson_interval  # noqa: E402


def kw(name, word, label):
    return LabelingFunction(
        name, lambda x: label if word in x.text.split() else ABSTAIN
    )


def spam_frame(n=400, seed=0):
    """Texts whose words carry the class: ``spam``/``link`` for 1, ``ham``/``song``
    for 0, each present with probability 0.5 (``noise`` words elsewhere)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    texts = []
    for c in y:
        words = ["spam", "link", "free"] if c == 1 else ["ham", "song", "nice"]
        texts.append(" ".join([w for w in words if rng.random() < 0.5] + ["noise"]))
    return pd.DataFrame({"text": texts}), y


@pytest.fixture
def session():
    df, y = spam_frame()
    dev, y_dev = spam_frame(200, seed=1)
    return LFSession(
        df,
        [kw("kw_spam", "spam", 1), kw("kw_ham", "ham", 0)],
        dev_df=dev,
        Y_dev=y_dev,
        class_names=["HAM", "SPAM"],
    )


def test_edit_marks_stale_visibly_and_refit_uses_current_lfs(session):
    d = LabelModelDiagnostics.from_session(session)
    assert not d.stale and d.stale_banner.value == ""
    assert d.report.accuracies["lf"].tolist() == ["kw_spam", "kw_ham"]
    session.upsert(kw("kw_link", "link", 1))
    session.upsert(kw("kw_song", "song", 0))
    assert d.stale and session.label_model_stale
    assert (
        "Out of date: 2 LFs changed since this fit (kw_link, kw_song)"
        in d.stale_banner.value
    )
    assert d.refresh_button.button_style == "warning"
    # still the old fit's LFs until refit
    assert d.report.accuracies["lf"].tolist() == ["kw_spam", "kw_ham"]
    reports = []
    d.on_refresh(reports.append)
    d.refresh_button.click()  # Refit: session.fit_label_model on the current LFs
    assert len(reports) == 1 and not d.stale and d.stale_banner.value == ""
    assert session.label_model_fit.lf_names == (
        "kw_spam",
        "kw_ham",
        "kw_link",
        "kw_song",
    )
    assert d.model is session.label_model_fit.model
    assert d.report.accuracies["lf"].tolist() == session.names
    assert len(d.charts["accuracy"].spec["datasets"]) >= 1
    session.remove("kw_song")
    assert "1 LF changed since this fit (kw_song)" in d.stale_banner.value


def test_a_fit_made_elsewhere_is_shown_at_once(session):
    d = LabelModelDiagnostics.from_session(session)
    session.upsert(kw("kw_link", "link", 1))
    assert d.stale
    fit = session.fit_label_model()  # e.g. the studio's "Fit label model"
    assert not d.stale and d.model is fit.model
    assert d.report.accuracies["lf"].tolist() == ["kw_spam", "kw_ham", "kw_link"]
    session.auto_refit = True
    session.upsert(kw("kw_song", "song", 0))  # edit -> stale -> refit -> fresh
    assert not d.stale and "kw_song" in d.report.accuracies["lf"].tolist()


def test_fallback_fit_banner_and_disagreement_text(session):
    # one LF per class, never on the same point: the guard falls back to majority vote
    d = LabelModelDiagnostics.from_session(session)
    assert session.label_model_fit.model.fit_report_["action"].startswith(
        "fell back to majority vote"
    )
    assert d.story.level == "fallback"
    assert "data-level='fallback'" in d.banner.value
    assert "fell back to majority vote" in d.banner.value
    assert "What to do: add LFs that overlap" in d.banner.value
    assert "by construction" in d.disagreements.value
    assert d.n_disagreements == 0
    est = d.accuracy_table()["estimated"]
    assert np.ptp(est) < 1e-6  # the flat accuracies the banner explains
    sub = d.charts["accuracy"].spec["title"]["subtitle"]
    assert "same estimated accuracy" in sub
    # both LFs sit on one spot (dev accuracy 1.0, one estimate): one shared label
    rows = next(
        v for v in d.charts["accuracy"].spec["datasets"].values() if v and "lf" in v[0]
    )
    assert sorted(r["label"] for r in rows) == ["", "kw_spam, kw_ham"]


def test_class_names_and_balance_with_uncovered_share(session):
    d = LabelModelDiagnostics.from_session(session)
    assert d.class_names == ["HAM", "SPAM"]
    bal = d.balance_table()
    L = session.L
    uncovered = float(np.mean((L == ABSTAIN).all(axis=1)))
    for src in ("label model", "majority vote", "dev gold"):
        part = bal[bal["source"] == src]
        assert part["fraction"].sum() == pytest.approx(1.0)
    mv = bal[bal["source"] == "majority vote"].set_index("class")["fraction"]
    assert mv[charts.UNCOVERED] == pytest.approx(uncovered) and uncovered > 0.1
    # the two LFs never vote on one point, so MV's classes are the LFs' coverages
    assert mv["SPAM"] == pytest.approx(np.mean(L[:, 0] == 1))
    assert mv["HAM"] == pytest.approx(np.mean(L[:, 1] == 0))
    spec = d.charts["balance"].spec
    assert spec["encoding"]["x"]["sort"][:2] == ["HAM", "SPAM"]
    assert spec["encoding"]["x"]["sort"][-1] == charts.UNCOVERED
    assert "P(SPAM)" in str(d.charts["probs"].spec["encoding"]["x"]["title"])


def test_disagreements_use_class_names():
    L = np.array(
        [[1, 0, -1], [1, 0, 0], [0, 1, 1], [-1, -1, 1], [1, -1, -1], [0, 1, -1]]
    )

    class Duck:
        cardinality = 2

        def predict_proba(self, L):
            w = np.array([0.9, 0.55, 0.7])
            s = ((L == 1) * w).sum(1) - ((L == 0) * w).sum(1)
            p = 1 / (1 + np.exp(-4 * s))
            return np.stack([1 - p, p], 1)

        def get_weights(self):
            return np.array([0.9, 0.55, 0.7])

    d = LabelModelDiagnostics(Duck(), L, ["a", "b", "c"], class_names=["HAM", "SPAM"])
    # rows 0 and 1: a (0.9) votes SPAM against b's HAM; majority vote ties / says HAM
    assert d.n_disagreements == 2
    html = d.disagreements.value
    assert "a=SPAM (acc 0.90)" in html and "b=HAM (acc 0.55)" in html
    assert "<td>SPAM</td>" in html
    assert "No dev gold" in d.scores.value
    assert d.story.level == "no_gold" and "dev set" in d.banner.value


def test_accuracy_table_wilson_interval_on_dev_counts():
    L = np.array([[1, -1]] * 8 + [[0, -1]] * 2 + [[-1, 1]] * 4)
    Y = np.array([1] * 10 + [1] * 4)
    d = LabelModelDiagnostics(MajorityLabelVoter(), L, ["a", "b"], L_dev=L, Y_dev=Y)
    acc = d.accuracy_table().set_index("lf")
    assert acc.loc["a", "empirical"] == pytest.approx(0.8)
    lo, hi = wilson_interval(np.array([8, 4]), np.array([10, 4]))
    assert acc.loc["a", "emp_low"] == pytest.approx(lo[0])
    assert acc.loc["b", "emp_high"] == pytest.approx(hi[1])
    assert lo[0] < 0.8 < hi[0] and hi[1] == pytest.approx(1.0)


def test_without_a_session_refresh_recomputes():
    L = np.array([[1, 0], [1, 1], [-1, 0]])
    d = LabelModelDiagnostics(MajorityLabelVoter(), L, ["a", "b"])
    with pytest.raises(ValueError, match="needs a session"):
        d.refit()
    r = d.refresh(L=np.array([[1, 1], [0, 0], [1, -1], [-1, -1]]))
    assert len(r.probs) == 4
