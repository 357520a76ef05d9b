"""Widget state tests: drive the widgets as the front end would, no browser."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("altair")

from snorkel_nb.labeling import ABSTAIN, LabelingFunction, LFAnalysis  # noqa: E402
from snorkel_nb.labeling.model import MajorityLabelVoter  # noqa: E402
from snorkel_nb.labeling.session import LFSession  # noqa: E402
from snorkel_nb.viz import charts  # noqa: E402
from snorkel_nb.widgets import LabelModelDiagnostics, LFMatrices, LFStudio  # noqa: E402

TEXTS = [
    "check out my channel",
    "great song",
    "subscribe to me",
    "love it",
    "check this song",
    "http://spam.example",
    "nice",
    "subscribe and check",
]


@pytest.fixture
def session():
    df = pd.DataFrame({"text": TEXTS})
    dev = pd.DataFrame({"text": ["check out", "good song", "subscribe", "meh"]})
    return LFSession(df, dev_df=dev, Y_dev=np.array([1, 0, 1, -1]))


def kw(name, word, label=1):
    return LabelingFunction(name, lambda x: label if word in x.text else ABSTAIN)


CODE = """@labeling_function()
def lf_check(x):
    return 1 if "check" in x.text else ABSTAIN
"""


def test_studio_code_run_add_replace_remove(session):
    studio = LFStudio(session)
    changes = []
    studio.on_lf_changed(changes.append)
    studio.code.value = CODE
    studio.run_button.click()
    assert session.names == ["lf_check"] and studio.current_lf == "lf_check"
    assert "coverage 0.375" in studio.lf_stats.value
    assert "empirical accuracy on dev 1.000 (1/1)" in studio.lf_stats.value
    assert "check this song" in studio.samples.value
    assert "lf_check" in studio.summary.value
    studio.code.value = CODE.replace('"check"', '"subscribe"')
    studio._on_run_clicked()
    assert session.names == ["lf_check"]
    assert session.summary().loc["lf_check", "Coverage"] == pytest.approx(2 / 8)
    assert [c["op"] for c in changes] == ["add", "replace"]
    # builder forms
    studio.tabs.selected_index = 1
    studio.keywords.value = "song"
    studio.label.value = 0
    studio.run_button.click()
    assert session.names == ["lf_check", "keyword_song"]
    studio.tabs.selected_index = 2
    studio.pattern.value = r"https?://"
    studio.label.value = 1
    studio.lf_name.value = "link"
    studio.run_button.click()
    studio.tabs.selected_index = 3
    studio.table.value = "nice: 0\nlove it: 0"
    studio.lf_name.value = "ham_lookup"
    studio.run_button.click()
    assert session.names == ["lf_check", "keyword_song", "link", "ham_lookup"]
    assert studio.error == ""
    # conflicts sample for the keyword LF: "check this song"?
    # (lf_check is subscribe now)
    studio.lf_select.value = "keyword_song"
    assert studio.current_lf == "keyword_song"
    studio.lf_select.value = "link"
    studio.remove_button.click()
    studio.confirm_button.click()  # Remove asks first
    assert session.names == ["lf_check", "keyword_song", "ham_lookup"]
    assert list(studio.lf_select.options) == session.names
    # the embedded matrices follow the session
    assert len(studio.matrices.tidy()) == 9


def test_studio_broken_lfs_show_errors_and_leave_session(session):
    session.upsert(kw("check", "check"))
    L_before = session.L.copy()
    studio = LFStudio(session, show_matrices=False)
    errors = []
    studio.on_error(lambda msg, tb: errors.append(msg))
    studio.code.value = "@labeling_function()\ndef bad(x):\n    return 1 +\n"
    studio.run_button.click()  # syntax error: nothing escapes
    assert "SyntaxError at line 3" in studio.status.value
    assert session.names == ["check"]
    studio.code.value = (
        "@labeling_function()\ndef boom(x):\n    return {'a': 1}[x.text[:1]]\n"
    )
    studio.run_button.click()  # raises on most rows: kept, abstains there
    assert "KeyError" in studio.status.value and "return {" in studio.status.value
    assert "boom: raised on" in studio.error
    np.testing.assert_array_equal(session.L[:, 0], L_before[:, 0])
    studio.code.value = "@labeling_function()\ndef big(x):\n    return 7\n"
    studio.run_button.click()  # label out of range: rejected
    assert "was not added" in studio.status.value and "big" not in session.names
    studio.code.value = "x = 1"
    studio.run_button.click()
    assert "defines no LabelingFunction" in studio.status.value
    studio.tabs.selected_index = 2
    studio.pattern.value = "("
    studio.run_button.click()
    assert "invalid regex" in studio.status.value
    assert len(errors) == 5
    assert session.names == ["check", "boom"]


def test_studio_export_import_round_trip(session):
    studio = LFStudio(session, show_matrices=False)
    studio.code.value = CODE
    studio.run_button.click()
    studio.tabs.selected_index = 1
    studio.keywords.value = "song, nice"
    studio.label.value = 0
    studio.run_button.click()
    L = session.L.copy()
    studio.export_button.click()
    text = studio.source_area.value
    assert "def lf_check" in text and "keyword_lf(" in text
    session.set_lfs([])
    assert session.L is None and studio.lf_select.options == ()
    studio.import_button.click()
    assert session.names == ["lf_check", "keyword_song_nice"]
    np.testing.assert_array_equal(session.L, L)
    studio.lf_select.value = "lf_check"
    studio.code.value = ""
    studio.edit_button.click()
    assert "def lf_check" in studio.code.value
    studio.lf_select.value = "keyword_song_nice"
    studio.edit_button.click()
    assert studio.tabs.selected_index == 1 and studio.keywords.value == "song, nice"
    studio.source_area.value = "@labeling_function()\ndef x(:\n"
    studio.import_button.click()
    assert "Import failed" in studio.status.value
    assert session.names == ["lf_check", "keyword_song_nice"]


def test_studio_follows_session_edits_from_code(session):
    studio = LFStudio(session, show_matrices=False)
    session.upsert(kw("song", "song", 0))
    assert list(studio.lf_select.options) == ["song"] and "song" in studio.summary.value


def test_matrices_heatmap_spec_cell_click_and_live_update(session):
    session.set_lfs(
        [kw("check", "check"), kw("song", "song", 0), kw("sub", "subscribe")]
    )
    mats = LFMatrices(session)
    spec = mats.chart.spec
    layer = spec["layer"]
    assert layer[0]["mark"]["type"] == "rect" and layer[1]["mark"]["type"] == "text"
    assert [p["name"] for p in spec.get("params", layer[0].get("params", []))] == [
        "cell"
    ]
    values = next(iter(spec["datasets"].values()))
    assert len(values) == 9
    # the colour scale is fitted to the off-diagonal cells (the diagonal is muted)
    tidy = session.pairwise("overlap")
    off = tidy[tidy["lf_a"] != tidy["lf_b"]]["value"].max()
    color = spec["layer"][0]["encoding"]["color"]
    assert color["scale"]["domain"] == [0.0, off] and off < 0.2
    assert color["condition"] == {"test": "datum.diagonal", "value": charts.MUTED}
    clicked = []
    mats.on_cell_click(lambda a, b, k, pts: clicked.append((a, b, k, len(pts))))
    mats.kind_buttons.value = "conflict"
    pts = mats.show_cell("check", "song")
    assert pts["text"].tolist() == ["check this song"]
    assert "check this song" in mats.points.value
    assert clicked == [("check", "song", "conflict", 1)]
    # a click in the browser arrives as a vega selection on the JupyterChart
    mats.chart._vl_selections = {
        "cell": {
            "value": {
                "lf_a": ["sub"],
                "lf_b": ["check"],
                "vlPoint": {"or": [{"lf_a": "sub", "lf_b": "check"}]},
            },
            "store": [],
        }
    }
    assert clicked[-1][:2] == ("sub", "check")
    # live: replacing an LF redraws the chart in place
    mats.kind_buttons.value = "overlap"
    session.upsert(kw("song", "s", 0))
    values = next(iter(mats.chart.spec["datasets"].values()))
    row = [v for v in values if v["lf_a"] == "song" and v["lf_b"] == "song"][0]
    assert row["count"] == 5  # texts containing "s"
    mats.kind_buttons.value = "coverage"
    assert mats.chart.spec["layer"][0]["mark"]["type"] == "bar"


def test_matrices_on_plain_analysis():
    L = np.array([[0, 0, -1], [1, 0, -1], [-1, -1, 1]])
    df = pd.DataFrame({"text": ["a", "b", "c"]})
    mats = LFMatrices(LFAnalysis(L, ["a", "b", "c"]), df=df, kind="conflict")
    assert mats.show_cell("a", "b")["text"].tolist() == ["b"]
    assert mats.show_cell("a", "zzz").empty and "no LF named" in mats.points.value


def test_heatmap_caps_to_top_k_lfs_under_5000_rows():
    m = 80  # 6400 pairwise rows: over altair's limit unless capped
    names = [f"lf{i:02d}" for i in range(m)]
    rng = np.random.default_rng(0)
    L = np.where(rng.random((200, m)) < np.linspace(0.01, 0.9, m), 1, -1)
    an = LFAnalysis(L, names)
    tidy = an.pairwise_overlaps()
    assert len(tidy) > charts.ALTAIR_MAX_ROWS
    chart = charts.heatmap(tidy, max_lfs=30)
    values = next(iter(chart.to_dict()["datasets"].values()))
    assert len(values) == 31 * 31
    kept = {v["lf_a"] for v in values}
    assert "other" in kept and "lf79" in kept and "lf00" not in kept
    other = [v for v in values if v["lf_a"] == "other" and v["lf_b"] == "other"][0]
    assert other["n_folded"] == 50 * 50
    mats = LFMatrices(an, max_lfs=30)
    assert "50 LFs with the lowest coverage folded" in mats.caption.value
    assert "'other' folds" in (
        mats.show_cell("other", "lf79") is not None and mats.points.value
    )
    import altair as alt

    assert alt.data_transformers.options.get("max_rows", 5000) == 5000


class DuckModel:
    cardinality = 2

    def predict_proba(self, L):
        w = np.array([0.9, 0.55, 0.7])
        s = ((L == 1) * w).sum(1) - ((L == 0) * w).sum(1)
        p = 1 / (1 + np.exp(-4 * s))
        return np.stack([1 - p, p], 1)

    def get_weights(self):
        return np.array([0.9, 0.55, 0.7])

    def get_weights_ci(self):
        return np.array([[0.8, 0.95], [0.4, 0.7], [0.6, 0.8]])

    def get_dependencies(self):
        return [("a", "c")]


def test_diagnostics_duck_model_and_majority_vote():
    L = np.array(
        [[1, 0, -1], [1, 0, 0], [0, 1, 1], [-1, -1, 1], [1, -1, -1], [0, 1, -1]]
    )
    Y = np.array([1, 1, 0, 1, 0, 0])
    df = pd.DataFrame({"text": [f"doc {i}" for i in range(6)]})
    d = LabelModelDiagnostics(DuckModel(), L, ["a", "b", "c"], L_dev=L, Y_dev=Y, df=df)
    assert d.n_disagreements == 2 and "doc 0" in d.disagreements.value
    assert "a=1 (acc 0.90)" in d.disagreements.value
    assert "majority vote" in d.scores.value
    acc = d.charts["accuracy"].spec
    # diagonal, model CI rules, dev (Wilson) rules, points, LF names
    assert [ly["mark"]["type"] for ly in acc["layer"]] == [
        "line",
        "rule",
        "rule",
        "circle",
        "text",
    ]
    assert acc["layer"][4]["encoding"]["text"]["field"] == "label"
    dep = next(
        v
        for k, v in d.charts["dependencies"].spec["datasets"].items()
        if v and "x2" in v[0]
    )
    assert dep[0]["lf_a"] == "a" and dep[0]["lf_b"] == "c"
    hist = d.charts["probs"].spec
    assert len(next(iter(hist["datasets"].values()))) == 20
    reports = []
    d.on_refresh(reports.append)
    d.refresh_button.click()
    assert len(reports) == 1
    mv = LabelModelDiagnostics(MajorityLabelVoter(), L, ["a", "b", "c"])
    assert mv.n_disagreements == 0 and "no estimated LF accuracies" in mv.notes.value
    assert "No dev gold" in mv.scores.value


def test_diagnostics_from_session(session):
    session.set_lfs(
        [kw("check", "check"), kw("song", "song", 0), kw("sub", "subscribe")]
    )
    d = LabelModelDiagnostics.from_session(session, MajorityLabelVoter())
    assert d.report.accuracies["lf"].tolist() == ["check", "song", "sub"]
    assert d.report.accuracies["empirical"].tolist()[0] == 1.0


def test_diagnostics_with_real_label_model():
    model_mod = pytest.importorskip("snorkel_nb.labeling.model")
    if not hasattr(model_mod, "LabelModel"):
        pytest.skip("LabelModel not available")
    data = model_mod.generate_synthetic(n=3000, m=6, dependencies=[(0, 5)], seed=0)
    L, Y = data.L, data.Y
    deps = model_mod.learn_structure(L)
    lm = model_mod.LabelModel(cardinality=2).fit(L, dependencies=deps)
    assert lm.fit_report_["action"] is None  # the fit itself, not a fallback
    d = LabelModelDiagnostics(
        lm,
        L,
        [f"lf{j}" for j in range(L.shape[1])],
        L_dev=L[:500],
        Y_dev=Y[:500],
        dependencies=deps,
        n_bootstrap=5,
    )
    acc = d.report.accuracies
    assert acc["estimated"].notna().all() and acc["ci_low"].notna().all()
    assert (acc["ci_low"] <= acc["ci_high"]).all()
    assert len(d.report.dependencies) == len(deps)
