"""CentralModel (issue 20): warm start, staleness, versions, blending, detach.

Known truths: a frozen trunk and frozen heads keep bit-identical weights; a
version reloaded gives bit-identical predictions; a blend at alpha 0 / 1 is
exactly the old / new version; an LF edit makes stale exactly the tasks
downstream of it (by construction of the dependency graph below).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from snorkel_nb.labeling import labeling_function
from snorkel_nb.multitask.central import (
    CentralModel,
    CentralModelError,
    DependencyCycleError,
    DetachedTaskModel,
    StaleItem,
    WarmStartPolicy,
    uses_predictions,
)
from snorkel_nb.multitask.central_synthetic import family_data, task_family, vote_lf
from snorkel_nb.multitask.registry import TaskRegistry

torch.set_num_threads(1)

FAM = task_family(n_tasks=4, n=600, n_dev=200, d=8, seed=0)


@labeling_function(name="from_t1")
def from_t1(x):
    """t2 votes its class c where t1 predicts its class c (a label-based API)."""
    return int(x.pred_t1[-1]) if x.conf_t1 > 0.5 else -1


def _model(tmp_path, label_model="majority", **kw):
    reg = TaskRegistry(tmp_path / "central.db")
    return CentralModel(
        reg,
        hidden=(16,),
        first_epochs=15,
        data=family_data(FAM),
        label_model=label_model,
        **kw,
    )


def _family(tmp_path):
    """t0 (root) -> t1 (graph child), t2 reads t1's predictions, t3 alone."""
    c = _model(tmp_path)
    c.add_task("t0", FAM.lfs["t0"], labels=FAM.labels["t0"])
    c.add_task(
        "t1",
        FAM.lfs["t1"],
        labels=FAM.labels["t1"],
        parent="t0",
        mapping={"t1_c0": "t0_c0", "t1_c1": "t0_c1", "t1_c2": "t0_c2"},
    )
    c.add_task(
        "t2", [*FAM.lfs["t2"], uses_predictions(from_t1, "t1")], labels=FAM.labels["t2"]
    )
    c.add_task("t3", FAM.lfs["t3"], labels=FAM.labels["t3"])
    return c


def _states(c):
    out = {"trunk": {k: v.clone() for k, v in c._trunk.state_dict().items()}}
    for t, h in c._heads.items():
        out[t] = {k: v.clone() for k, v in h.state_dict().items()}
    return out


def _same(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def _edit_t0(c):
    c.update_lf("t0", vote_lf("vt1_0", name="lf_vt0_0"))  # same name, new source


def test_warm_start_keeps_the_trunk_and_the_other_heads(tmp_path):
    c = _model(tmp_path)
    c.add_task("t0", FAM.lfs["t0"], labels=FAM.labels["t0"])
    c.add_task("t1", FAM.lfs["t1"], labels=FAM.labels["t1"])
    before, trunk_id = _states(c), c.current_version.trunk
    v = c.add_task("t3", FAM.lfs["t3"], labels=FAM.labels["t3"])
    after = _states(c)
    assert v.trunk == trunk_id
    for part in ("trunk", "t0", "t1"):
        assert _same(before[part], after[part]), part
    assert v.tasks["t0"] == c.versions()[-2].tasks["t0"]
    # the new head learnt its task on the old trunk's features
    assert v.metrics["t3"]["dev_accuracy"] > 0.6
    assert sorted(v.tasks) == ["t0", "t1", "t3"]


def test_trunk_fine_tune_policy_moves_the_trunk_only(tmp_path):
    c = _model(tmp_path)
    c.add_task("t0", FAM.lfs["t0"], labels=FAM.labels["t0"])
    before = _states(c)
    v = c.add_task(
        "t3",
        FAM.lfs["t3"],
        labels=FAM.labels["t3"],
        policy=WarmStartPolicy(trunk_epochs=2, replay=1),
    )
    after = _states(c)
    assert v.trunk != c.versions()[0].trunk
    assert not _same(before["trunk"], after["trunk"])
    assert _same(before["t0"], after["t0"])  # existing heads frozen
    assert c.stale() == []  # by policy, the replayed heads are not stale


def test_stale_lists_exactly_the_downstream_of_an_edit(tmp_path):
    c = _family(tmp_path)
    assert c.stale() == []
    _edit_t0(c)
    got = [(s.kind, s.task) for s in c.stale()]
    assert got == [
        ("label_matrix", "t0"),
        ("label_model", "t0"),
        ("head", "t0"),
        ("head", "t1"),
        ("label_matrix", "t2"),
        ("label_model", "t2"),
        ("head", "t2"),
    ]
    reasons = {(s.kind, s.task): s.reason for s in c.stale()}
    assert "lf_vt0_0" in reasons[("label_matrix", "t0")]
    assert "'t0'" in reasons[("head", "t1")]
    assert "'t1'" in reasons[("label_matrix", "t2")]


def test_lineage_downstream_of_an_lf_is_what_its_edit_makes_stale(tmp_path):
    c = _family(tmp_path)
    use = c.lf_usage("t0", "lf_vt0_0")
    live = {(t, k): e[k] for t, e in c._live.items() for k in e if k != "lfs"}
    got = {
        (t, k)
        for k in ("label_matrix", "label_model", "head")
        for t, aid in use[k]
        if live[(t, k)] == aid
    }
    _edit_t0(c)
    assert got == {(s.task, s.kind) for s in c.stale()}
    assert use["versions"] == [v.id for v in c.versions()]  # t0 is in every one
    assert c.lf_usage("t3", "lf_vt3_0")["head"] == [("t3", live[("t3", "head")])]


def test_retrain_stale_trains_exactly_what_stale_listed(tmp_path):
    c = _family(tmp_path)
    _edit_t0(c)
    listed = c.stale()
    calls: list[tuple[str, str]] = []
    for kind, name in (
        ("label_matrix", "_build_label_matrix"),
        ("label_model", "_fit_label_model"),
        ("head", "_train_head"),
    ):
        orig = getattr(c, name)

        def counted(task, *a, _orig=orig, _kind=kind, **k):
            calls.append((_kind, task))
            return _orig(task, *a, **k)

        setattr(c, name, counted)
    before, ids = _states(c), dict(c._live)
    v = c.retrain_stale(progress=False)
    assert calls == [(s.kind, s.task) for s in listed]
    assert c.last_retrained == listed
    after = _states(c)
    assert _same(before["trunk"], after["trunk"])
    assert _same(before["t3"], after["t3"]) and v.tasks["t3"] == ids["t3"]
    for t in ("t0", "t1", "t2"):
        assert v.tasks[t]["head"] != ids[t]["head"]
    assert v.tasks["t1"]["label_matrix"] == ids["t1"]["label_matrix"]
    assert c.stale() == []
    assert c.retrain_stale(progress=False) is None


def test_progress_callback_sees_every_item(tmp_path):
    c = _family(tmp_path)
    c.remove_lf("t3", "lf_vt3_1")
    seen: list[tuple[int, int, StaleItem]] = []
    c.retrain_stale(progress=lambda done, total, item: seen.append((done, total, item)))
    assert [(d, n, i.kind) for d, n, i in seen] == [
        (1, 3, "label_matrix"),
        (2, 3, "label_model"),
        (3, 3, "head"),
    ]


def test_prediction_lfs_read_the_upstream_head_and_record_the_dependency(tmp_path):
    c = _family(tmp_path)
    deps = c.dependencies()
    assert deps["t2"]["uses"] == ["t1"] and deps["t1"]["parents"] == ["t0"]
    lin = c.lineage("t2")
    assert lin["uses"] == {"t1": c.lineage("t1")["head"]}
    L = c._load_L(c._live["t2"]["label_matrix"])
    col = L["L"][:, L["columns"].index("from_t1")]
    pred = c.predict_proba(FAM.X, "t1")
    want = np.where(pred.max(1) > 0.5, pred.argmax(1), -1)
    np.testing.assert_array_equal(col, want)
    assert c.tasks() == ["t0", "t1", "t2", "t3"]


def test_a_cycle_through_predictions_is_refused(tmp_path):
    c = _family(tmp_path)

    @labeling_function(name="from_t2")
    def from_t2(x):
        return int(x.pred_t2[-1])

    with pytest.raises(DependencyCycleError, match=r"t1 -> .*t2 -> t1|t2 -> t1"):
        c.update_lf("t1", uses_predictions(from_t2, "t2"))
    with pytest.raises(DependencyCycleError, match="t0"):
        c.update_lf("t0", uses_predictions(from_t2, "t2"))  # t0 -> t1 -> t2 -> t0
    with pytest.raises(CentralModelError, match="unknown task 'nope'"):
        c.update_lf("t3", uses_predictions(from_t2, "nope"))
    assert c.stale() == []  # nothing was registered


def test_version_round_trip_gives_identical_predictions(tmp_path):
    c = _family(tmp_path)
    v = c.current_version
    P = c.predict_proba(FAM.X_dev)
    c2 = CentralModel.open(tmp_path / "central.db")
    assert c2.current_version.id == v.id and c2.stale() == []
    P2 = c2.predict_proba(FAM.X_dev)
    for t in P:
        np.testing.assert_array_equal(P[t], P2[t])
    # the reopened model rebuilds LFs from their stored source to retrain
    c2.update_lf("t3", vote_lf("vt3_0", name="lf_vt3_1"))
    assert c2.retrain_stale(progress=False).tasks["t3"]["head"] != v.tasks["t3"]["head"]


def test_load_version_and_rollback(tmp_path):
    c = _family(tmp_path)
    v_old = c.current_version
    P_old = c.predict_proba(FAM.X_dev)
    _edit_t0(c)
    v_new = c.retrain_stale(progress=False)
    assert not np.array_equal(c.predict_proba(FAM.X_dev, "t0"), P_old["t0"])
    r = c.rollback(v_old)
    assert r.id > v_new.id and r.parent == v_new.id
    assert r.tasks == v_old.tasks and r.trunk == v_old.trunk
    assert c.stale() == []  # the working LF set went back too
    assert c.registry.lf_hashes()["t0"] == v_old.lf_hashes("t0")
    P = c.predict_proba(FAM.X_dev)
    for t in P_old:
        np.testing.assert_array_equal(P[t], P_old[t])
    d = c.diff(v_old, v_new)
    assert d.lfs_changed == {"t0": ["lf_vt0_0"]} and d.tasks_added == []
    assert sorted(d.heads_changed) == ["t0", "t1", "t2"] and not d.trunk_changed
    c.load_version(v_new)
    np.testing.assert_array_equal(
        c.predict_proba(FAM.X_dev, "t0"), c.detach("t0").predict_proba(FAM.X_dev)
    )


def test_interpolation_ends_equal_the_two_versions(tmp_path):
    c = _model(tmp_path)
    c.add_task("t0", FAM.lfs["t0"], labels=FAM.labels["t0"])
    v1 = c.current_version
    P1 = c.predict_proba(FAM.X_dev, "t0")
    # the new version fine-tunes the trunk: t0 blends trunk weights too
    v2 = c.add_task(
        "t1",
        FAM.lfs["t1"],
        labels=FAM.labels["t1"],
        policy=WarmStartPolicy(trunk_epochs=3, trunk_lr=0.05, replay=1),
    )
    P2 = c.predict_proba(FAM.X_dev, "t0")
    assert v1.trunk != v2.trunk and not np.array_equal(P1, P2)
    np.testing.assert_array_equal(
        c.blend("t0", v1, v2, 0.0).predict_proba(FAM.X_dev), P1
    )
    np.testing.assert_array_equal(
        c.blend("t0", v1, v2, 1.0).predict_proba(FAM.X_dev), P2
    )
    df = c.interpolate("t0", v1, v2, [0.0, 0.5, 1.0])
    assert df["alpha"].tolist() == [0.0, 0.5, 1.0]
    assert df["agree_old"].iloc[0] == 1.0 and df["agree_new"].iloc[-1] == 1.0
    gold = FAM.y_dev["t0"]
    assert df["accuracy"].iloc[0] == pytest.approx((P1.argmax(1) == gold).mean())
    assert df["accuracy"].iloc[-1] == pytest.approx((P2.argmax(1) == gold).mean())
    with pytest.raises(CentralModelError, match="version 1 has no task 't1'"):
        c.interpolate("t1", v1, v2, 0.5)


def test_detach_holds_only_what_the_task_depends_on(tmp_path):
    c = _family(tmp_path)
    det = c.detach("t1")
    assert det.tasks == ["t0", "t1"]  # not t2 / t3
    assert det.lineage["version"] == c.current_version.id
    assert det.lineage["lfs"] == c.current_version.lf_hashes("t1")
    np.testing.assert_array_equal(
        det.predict_proba(FAM.X_dev), c.predict_proba(FAM.X_dev, "t1")
    )
    det.save(tmp_path / "t1.model")
    back = DetachedTaskModel.load(tmp_path / "t1.model")
    np.testing.assert_array_equal(
        back.predict_proba(FAM.X_dev), det.predict_proba(FAM.X_dev)
    )
    assert back.lineage == det.lineage and back.labels == tuple(FAM.labels["t1"])


def test_consolidate_retrains_everything_and_stales_prediction_readers(tmp_path):
    c = _family(tmp_path)
    old = c.current_version
    v = c.consolidate(epochs=3)
    assert v.trunk != old.trunk
    assert all(v.tasks[t]["head"] != old.tasks[t]["head"] for t in old.tasks)
    assert all(
        v.tasks[t]["label_model"] == old.tasks[t]["label_model"] for t in old.tasks
    )
    # t2's LFs read t1's predictions, and t1's head is new
    assert [(s.kind, s.task) for s in c.stale()] == [
        ("label_matrix", "t2"),
        ("label_model", "t2"),
        ("head", "t2"),
    ]


def test_remove_task_refuses_while_others_depend_on_it(tmp_path):
    c = _family(tmp_path)
    before = c.current_version
    with pytest.raises(CentralModelError, match=r"\['t2'\] depend on it"):
        c.remove_task("t1")
    v = c.remove_task("t3")
    assert sorted(v.tasks) == ["t0", "t1", "t2"] and c.tasks() == ["t0", "t1", "t2"]
    assert c.diff(before, v).tasks_removed == ["t3"]
    c.rollback(before)
    assert c.tasks() == ["t0", "t1", "t2", "t3"] and c.stale() == []


def test_events_and_errors(tmp_path):
    c = _model(tmp_path)
    events = []
    c.on_change(events.append)
    c.add_task("t0", FAM.lfs["t0"], labels=FAM.labels["t0"])
    c.add_task("t1", FAM.lfs["t1"], labels=FAM.labels["t1"], train=False)
    assert [(s.kind, s.task) for s in c.stale()] == [("task", "t1")]
    c.retrain_stale(progress=False)
    assert [e.kind for e in events] == [
        "task_added",
        "retrained",
        "task_added",
        "retrained",
    ]
    with pytest.raises(CentralModelError, match="already exists"):
        c.add_task("t0", FAM.lfs["t0"], labels=FAM.labels["t0"])
    with pytest.raises(CentralModelError, match="needs at least one LF"):
        c.add_task("t9", [], labels=["a", "b"])
    with pytest.raises(CentralModelError, match="CentralModel.open"):
        CentralModel(c.registry, hidden=(8,))


def test_the_label_model_path(tmp_path):
    """The default label model (not majority vote) trains, saves and reloads."""
    c = _model(
        tmp_path, label_model="label_model", label_model_kwargs={"select": False}
    )  # selection: tested elsewhere
    v = c.add_task("t0", FAM.lfs["t0"], labels=FAM.labels["t0"])
    assert v.metrics["t0"]["lm_dev_accuracy"] > 0.6
    c.remove_lf("t0", "lf_vt0_3")
    c2 = CentralModel.open(tmp_path / "central.db")
    assert [s.kind for s in c2.stale()] == ["label_matrix", "label_model", "head"]
    assert c2.retrain_stale(progress=False).metrics["t0"]["dev_accuracy"] > 0.6
