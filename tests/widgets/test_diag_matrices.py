"""Readable matrices: fitted colour scale, muted diagonal, selected-cell outline,
no shared SVG gradient ids, clickable coverage bars, a point list that follows
the selection, class names."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("ipywidgets")
alt = pytest.importorskip("altair")

from snorkel_nb.labeling import ABSTAIN, LabelingFunction, LFAnalysis  # noqa: E402
from snorkel_nb.labeling.session import LFSession  # noqa: E402
from snorkel_nb.viz import charts  # noqa: E402
from snorkel_nb.widgets import LFMatrices  # noqa: E402
from snorkel_nb.widgets.matrices import HINT  # noqa: E402

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


def kw(name, word, label=1):
    return LabelingFunction(name, lambda x: label if word in x.text else ABSTAIN)


@pytest.fixture
def session():
    s = LFSession(pd.DataFrame({"text": TEXTS}), class_names=["HAM", "SPAM"])
    s.set_lfs([kw("check", "check"), kw("song", "song", 0), kw("sub", "subscribe")])
    return s


def planted(n=1000):
    """LF a covers rows 0..499, b rows 450..549 (50 overlap with a, 50 alone),
    c rows 540..559: overlaps a&b = 0.05, b&c = 0.01, a&c = 0, all far below 1."""
    L = np.full((n, 3), ABSTAIN)
    L[:500, 0] = 1
    L[450:550, 1] = 0
    L[540:560, 2] = 1
    return L


def spec_values(spec):
    return next(iter(spec["datasets"].values()))


def test_colour_scale_fitted_to_off_diagonal_pairs_or_counts():
    an = LFAnalysis(planted(), ["a", "b", "c"])
    mats = LFMatrices(an, kind="overlap")
    enc = mats.chart.spec["layer"][0]["encoding"]["color"]
    assert enc["scale"]["domain"] == [0.0, pytest.approx(0.05)]  # a&b, not a's 0.5
    assert enc["condition"]["test"] == "datum.diagonal"  # diagonal muted grey
    rows = spec_values(mats.chart.spec)
    diag = {r["lf_a"]: r["diagonal"] for r in rows if r["lf_a"] == r["lf_b"]}
    assert all(diag.values()) and sum(r["diagonal"] for r in rows) == 3
    # the largest pair gets white text, a small one black
    ab = next(r for r in rows if (r["lf_a"], r["lf_b"]) == ("a", "b"))
    bc = next(r for r in rows if (r["lf_a"], r["lf_b"]) == ("b", "c"))
    assert ab["dark"] and not bc["dark"] and ab["label"] == ".050"
    mats.color_buttons.value = "count"
    enc = mats.chart.spec["layer"][0]["encoding"]["color"]
    assert enc["field"] == "count" and enc["scale"]["domain"] == [0.0, 50.0]
    mats.kind_buttons.value = "conflict"  # a&b disagree on 50 points, b&c on 10
    enc = mats.chart.spec["layer"][0]["encoding"]["color"]
    assert enc["scale"]["domain"] == [0.0, 50.0]
    assert "fitted to the pairs: 0 to 50" in mats.chart.spec["title"]["subtitle"]


def test_no_chart_draws_an_svg_gradient():
    """Vega numbers gradients gradient_0, gradient_1... per page load of its
    module, so two charts' legends could share an id and swap colours. Our
    charts draw no gradient at all (symbol legends), so no id can collide."""
    vlc = pytest.importorskip("vl_convert")
    an = LFAnalysis(planted(), ["a", "b", "c"])
    specs = [
        charts.heatmap(an.pairwise_overlaps()).to_dict(),
        charts.heatmap(an.pairwise_conflicts(), color_by="count").to_dict(),
        charts.coverage_bars(
            pd.DataFrame({"lf": ["a", "b"], "coverage": [0.5, 0.1]})
        ).to_dict(),
    ]
    for spec in specs:
        vega = vlc.vegalite_to_vega(spec)
        assert all(
            lg.get("type") == "symbol" for lg in vega.get("legends", []) if "fill" in lg
        )
        assert "linearGradient" not in vlc.vegalite_to_svg(spec)
    # the colour legend does draw (symbol entries), it is not just dropped
    assert "fill" in vlc.vegalite_to_vega(specs[0])["legends"][0]


def test_selected_cell_outline_and_point_list_follow_the_selection(session):
    mats = LFMatrices(session, kind="conflict")
    spec = mats.chart.spec
    outline = spec["layer"][2]
    assert outline["mark"]["stroke"] == charts.SELECTED
    assert outline["mark"]["strokeWidth"] >= 3 and outline["mark"]["fillOpacity"] == 0
    cond = outline["encoding"]["strokeOpacity"]["condition"]
    assert cond == {"param": "cell", "value": 1, "empty": False}  # nothing lit at first
    assert "value" not in spec["params"][0]
    pts = mats.show_cell("check", "song")  # from code: the cell gets outlined
    assert pts["text"].tolist() == ["check this song"]
    assert mats.chart.spec["params"][0]["value"] == [{"lf_a": "check", "lf_b": "song"}]
    # class names instead of vote numbers in the list (the frame keeps numbers)
    assert pts["vote:check"].tolist() == [1]
    assert "<td>SPAM</td>" in mats.points.value and "<td>HAM</td>" in mats.points.value
    # a session edit keeps the selection and re-lists its points
    session.upsert(kw("song", "s", 0))
    assert (
        mats.selected_cell["lf_a"] == "check" and "check this song" in mats.points.value
    )
    assert "subscribe and check" in mats.points.value  # "s" matches it now
    # switching to coverage cannot show an off-diagonal cell: the list is cleared
    mats.kind_buttons.value = "coverage"
    assert mats.selected_cell == {} and HINT in mats.points.value
    # removing the selected LF clears it too
    mats.kind_buttons.value = "overlap"
    mats.show_cell("sub", "check")
    session.remove("sub")
    assert mats.selected_cell == {} and HINT in mats.points.value


def test_coverage_bars_are_clickable(session):
    mats = LFMatrices(session, kind="coverage")
    spec = mats.chart.spec
    assert spec["layer"][0]["mark"]["type"] == "bar"
    assert spec["params"][0]["name"] == "cell"
    seen = []
    mats.on_cell_click(lambda a, b, k, p: seen.append((a, b, len(p))))
    # a click on the "sub" bar arrives as a vega point selection
    mats.chart._vl_selections = {
        "cell": {
            "value": {
                "lf_a": ["sub"],
                "lf_b": ["sub"],
                "vlPoint": {"or": [{"lf_a": "sub", "lf_b": "sub"}]},
            },
            "store": [],
        }
    }
    n_sub = sum("subscribe" in t for t in TEXTS)
    assert seen == [("sub", "sub", n_sub)]
    assert f"sub votes — {n_sub} points" in mats.points.value
    assert "subscribe to me" in mats.points.value
    # a double click clears the selection, and the old list with it
    mats.chart._vl_selections = {"cell": {"value": {}, "store": []}}
    assert mats.selected_cell == {} and HINT in mats.points.value
    # a selected bar stays outlined when the session redraws the chart
    mats.show_cell("check", "check")
    session.upsert(kw("song", "song", 0))
    assert mats.chart.spec["params"][0]["value"] == [{"lf_a": "check", "lf_b": "check"}]


def test_unvalidated_redraw_gives_the_validated_spec():
    an = LFAnalysis(planted(), ["a", "b", "c"])
    chart = charts.heatmap(an.pairwise_overlaps())
    checked = chart.to_dict()  # validated against the Vega-Lite schema
    assert charts.unvalidated(chart).to_dict() == checked


def test_tables_scroll_and_banners_escape():
    from snorkel_nb.widgets import _html

    wide = pd.DataFrame({f"column_{i}": ["<b>x</b> " * 40] for i in range(12)})
    out = _html.table(wide)
    assert out.startswith("<div class='snb-scroll'>")  # scrolls, never cut off
    assert ".snb-scroll{overflow-x:auto" in _html.STYLE
    assert "white-space:normal" in _html.STYLE  # long cells wrap
    assert "<b>x</b>" not in out and "&lt;b&gt;x&lt;/b&gt;" in out
    b = _html.banner("fallback", "fell <back>", ["do <this>"])
    assert (
        "data-level='fallback'" in b and "&lt;back&gt;" in b and "<li>do &lt;this" in b
    )
