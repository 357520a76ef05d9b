"""RegistryView on a real CentralModel, driven through its widgets (no browser).

One small central model (synthetic task family, MLP trunk) is built once per
module: task ``t0``, and task ``t1`` with an extra LF reading ``t0``'s
predictions. Each test works on its own copy of that registry (copied files,
``CentralModel.open``), so no test sees another's retrain or rollback. What
the view shows is checked against the engine's own answers and against
truths known by construction (the edited LF, alpha 0 agrees with the old
version on every row).
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from snorkel_nb.labeling import labeling_function
from snorkel_nb.multitask.central import CentralData, CentralModel, uses_predictions
from snorkel_nb.multitask.central_synthetic import task_family, vote_lf
from snorkel_nb.viz.registry import (
    interpolation_chart,
    registry_graph_table,
    version_metrics_chart,
)
from snorkel_nb.widgets import RegistryView
from snorkel_nb.widgets.registry import EMPTY_REGISTRY, NO_VERSIONS, NOTHING_STALE


@labeling_function()
def t1_from_t0(x):
    """Votes t1's class c0 where t0 is predicted c0 (a prediction-reading LF)."""
    return 0 if x.pred_t0 == "t0_c0" else -1


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    root = tmp_path_factory.mktemp("central")
    fam = task_family(n_tasks=2, n=300, n_dev=100, seed=0)
    data = CentralData(fam.df, fam.X, fam.dev, fam.X_dev, gold_dev=fam.y_dev)
    c = CentralModel(
        root / "c.db",
        hidden=(16,),
        data=data,
        first_epochs=5,
        label_model="majority",
        seed=0,
    )
    c.add_task("t0", fam.lfs["t0"], labels=fam.labels["t0"])
    c.add_task(
        "t1",
        fam.lfs["t1"] + [uses_predictions(t1_from_t0, "t0")],
        labels=fam.labels["t1"],
    )
    return root, fam


@pytest.fixture
def central(base, tmp_path):
    root, _ = base
    shutil.copytree(root, tmp_path / "copy")
    return CentralModel.open(tmp_path / "copy" / "c.db")


def edit_t0_lf(central):
    """Replace t0's first LF by one reading another vote column (same name)."""
    central.update_lf("t0", vote_lf("vt1_1", name="lf_vt0_0"))


def test_empty_registry_says_so_and_disables_the_buttons(tmp_path):
    c = CentralModel(tmp_path / "empty.db", hidden=(8,))
    v = RegistryView(c)
    assert (v.n_tasks, v.n_stale, v.n_versions) == (0, 0, 0)
    assert EMPTY_REGISTRY in v.header.value
    assert NOTHING_STALE in v.stale_table.value
    assert NO_VERSIONS in v.versions_table.value
    assert v.retrain_button.disabled and v.rollback_button.disabled
    assert v.diff_button.disabled and v.interpolate_button.disabled
    assert v.retrain_stale() is None and NOTHING_STALE in v.retrain_status.value


def test_tasks_graph_and_versions_show_what_the_engine_recorded(central):
    v = RegistryView(central)
    assert v.n_tasks == 2 and v.n_stale == 0 and NOTHING_STALE in v.stale_table.value
    t = v.tasks_frame().set_index("task")
    assert t.loc["t1", "reads predictions of"] == "t0"
    assert t.loc["t0", "reads predictions of"] == ""
    assert (t.loc["t0", "LFs"], t.loc["t1", "LFs"]) == (4, 5)
    assert t.loc["t1", "k"] == 3
    assert v.dependencies() == [("t0", "t1")]
    # the chart draws the prediction dependency as its own (dashed) edge kind
    datasets = v.graph_chart.chart.to_dict()["datasets"].values()
    edges = [r for rows in datasets for r in rows if "kind" in r]
    assert [(e["parent"], e["child"], e["kind"]) for e in edges] == [
        ("t0", "t1", "reads predictions of")
    ]
    versions = v.versions_frame()
    ids = [x.id for x in central.versions()]
    assert list(versions["id"]) == ids and v.n_versions == len(ids)
    assert versions.set_index("id").loc[ids[-1], "current"] == "◀"
    assert v.current_version == str(central.current_version.id)
    cur = central.current_version.metrics
    assert versions.iloc[-1]["t1/dev_accuracy"] == cur["t1"]["dev_accuracy"]
    assert "t1/coverage" in versions  # the frame has every metric; the table one
    assert "t1/dev_accuracy" in v.versions_table.value
    assert "t1/coverage" not in v.versions_table.value
    # pickers default to (parent of current, current)
    assert (v.version_a.value, v.version_b.value) == (
        central.current_version.parent,
        central.current_version.id,
    )


def test_retrain_stale_button_trains_exactly_the_listed_items(central):
    v = RegistryView(central)
    done = []
    v.on_retrain(done.append)
    before = central.current_version.id
    edit_t0_lf(central)  # from code: the view follows through on_change
    assert v.last_event.kind == "lf_updated"
    listed = central.stale()
    assert v.n_stale == len(listed) > 0 and not v.retrain_button.disabled
    shown = v.stale_frame()
    assert list(zip(shown["kind"], shown["task"])) == [(s.kind, s.task) for s in listed]
    assert "lf_vt0_0" in shown["reason"].iloc[0]
    # t0's label matrix first (the edit), t1 after (it reads t0's predictions)
    assert shown["task"].iloc[0] == "t0" and "t1" in set(shown["task"])
    nodes, _ = registry_graph_table(
        {t: list(central.graph.labels(t)) for t in central.graph.tasks},
        [],
        v.dependencies(),
        list(shown["task"]),
    )
    assert set(nodes.loc[nodes["state"] == "stale", "task"]) == set(shown["task"])
    v.retrain_button.click()
    assert central.last_retrained == listed  # exactly what stale() listed
    assert (v.progress.value, v.progress.max) == (len(listed), len(listed))
    assert v.progress.bar_style == "success"
    new = central.current_version
    assert done == [new] and new.parent == before
    assert f"new version {new.id}" in v.retrain_status.value
    assert v.n_stale == 0 and NOTHING_STALE in v.stale_table.value
    assert v.retrain_button.disabled
    assert v.versions_frame().set_index("id").loc[new.id, "current"] == "◀"


def test_diff_and_rollback_buttons(central, base):
    _, fam = base
    v = RegistryView(central)
    old = central.current_version
    old_pred = central.predict_proba(fam.X_dev, task="t0")
    edit_t0_lf(central)
    v.retrain_button.click()
    new = central.current_version
    assert (v.version_a.value, v.version_b.value) == (old.id, new.id)
    v.diff_button.click()
    d = v.diff_result
    assert d == central.diff(old.id, new.id)
    assert d.lfs_changed == {"t0": ["lf_vt0_0"]}
    assert "LFs changed" in v.diff_html.value and "lf_vt0_0" in v.diff_html.value
    assert "t0" in d.heads_changed and "heads retrained" in v.diff_html.value
    rolled = []
    v.on_rollback(rolled.append)
    v.rollback_button.click()  # back to A = the version before the edit
    back = central.current_version
    assert rolled == [back] and back.id > new.id
    assert f"rolled back to {old.id}" in v.version_status.value
    np.testing.assert_array_equal(central.predict_proba(fam.X_dev, task="t0"), old_pred)
    assert v.current_version == str(back.id)


def test_interpolation_slider_shows_the_engine_table(central):
    v = RegistryView(central, alphas=[0.0, 0.5, 1.0])
    old = central.current_version.id
    edit_t0_lf(central)
    v.retrain_stale()
    new = central.current_version.id
    seen = []
    v.on_interpolate(seen.append)
    v.interp_task.value = "t0"
    v.interpolate_button.click()
    table = v.interpolation
    expected = central.interpolate("t0", old, new, [0.0, 0.5, 1.0])
    pd.testing.assert_frame_equal(table, expected.reset_index(drop=True))
    assert seen[0] is table
    # alpha 0 is the old head, alpha 1 the new one: full agreement at each end
    assert table["agree_old"].iloc[0] == 1.0 and table["agree_new"].iloc[-1] == 1.0
    v.alpha.value = 0.45  # nearest grid point: 0.5
    pd.testing.assert_series_equal(v.alpha_row, table.iloc[1])
    assert "alpha = 0.50" in v.interp_row.value
    assert f"{table['agree_old'].iloc[1]:.4f}" in v.interp_row.value
    spec = v.interp_chart.chart.to_dict()
    rules = [
        r for rows in spec["datasets"].values() for r in rows if list(r) == ["alpha"]
    ]
    assert rules == [{"alpha": 0.45}]
    lines = [r for rows in spec["datasets"].values() for r in rows if "metric" in r]
    assert {r["metric"] for r in lines} >= {"agree_old", "agree_new"}


def test_engine_errors_are_shown_in_the_view_not_raised(central):
    v = RegistryView(central)
    first = central.versions()[0]
    assert "t1" not in first.task_names  # t1 came later
    v.interp_task.value = "t1"
    v.version_a.value = first.id
    v.interpolate_button.click()
    assert "snb-error" in v.interp_status.value and "t1" in v.interp_status.value
    assert v.interpolation is None


def test_lineage_shows_lf_hashes_and_used_predictions(central):
    v = RegistryView(central)
    v.lineage_task.value = "t1"
    lin = central.lineage("t1")
    html = v.lineage_html.value
    assert "t1_from_t0" in html and lin["lfs"]["t1_from_t0"][:10] in html
    assert "uses" in html and "t0" in html


def test_chart_builders_reject_bad_tables():
    with pytest.raises(ValueError, match="'alpha' column"):
        interpolation_chart(pd.DataFrame({"accuracy": [0.5]}))
    with pytest.raises(ValueError, match=r"lacks columns \['metric', 'value'\]"):
        version_metrics_chart(pd.DataFrame({"version": [1], "task": ["a"]}))
    nodes, lines = registry_graph_table(
        {"a": ["x", "y"], "b": ["p", "q"]}, [("a", "b")], [("a", "b")]
    )
    assert list(lines["kind"]) == ["refines"]  # a dependency on a graph edge: once
    assert nodes.set_index("task")["depth"].to_dict() == {"a": 0, "b": 1}
