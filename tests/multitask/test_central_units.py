"""CentralModel label units (issue 20): graph-linked tasks share one
MultiTaskLabelModel.

Known truths: a component's targets are those of a standalone
MultiTaskLabelModel fitted on the same label matrices (same seed, same
settings); an LF edit in one task of a unit makes stale exactly the unit's
label matrix of that task, its one label model, every head of the unit and
what reads their predictions; a reloaded version predicts bit-identically.
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
import torch

from snorkel_nb.labeling import labeling_function
from snorkel_nb.multitask import MultiTaskLabelModel
from snorkel_nb.multitask.central import (
    CentralData,
    CentralModel,
    DependencyCycleError,
    uses_predictions,
)
from snorkel_nb.multitask.central_labels import unit_probs
from snorkel_nb.multitask.central_synthetic import vote_lf
from snorkel_nb.multitask.registry import CorruptArtifactError, TaskRegistry
from snorkel_nb.multitask.synthetic import generate_hierarchical

torch.set_num_threads(1)

N, N_DEV = 900, 300
H = generate_hierarchical(n=N + N_DEV, m_coarse=4, m_fine=5, seed=3)
G = H.graph
MAPPING = G.mapping("coarse", "fine")


def _frame() -> tuple[pd.DataFrame, np.ndarray]:
    cols = {f"v{t}_{j}": H.L[t][:, j] for t in ("coarse", "fine") for j in range(5 - 1)}
    cols["vfine_4"] = H.L["fine"][:, 4]
    rng = np.random.default_rng(0)
    # features that carry the fine label, so a head can learn both tasks
    X = np.eye(9, dtype=np.float32)[H.Y["fine"]] + rng.normal(
        0, 0.7, size=(N + N_DEV, 9)
    ).astype(np.float32)
    # an unrelated edgeless task: the sign of feature 0
    side = (X[:, 0] > 0.5).astype(int)
    noisy = np.where(rng.random(N + N_DEV) < 0.8, side, 1 - side)
    cols["vside_0"] = np.where(rng.random(N + N_DEV) < 0.6, noisy, -1)
    cols["vside_1"] = np.where(rng.random(N + N_DEV) < 0.6, side, -1)
    return pd.DataFrame(cols), X


DF, X = _frame()
DATA = CentralData(
    DF.iloc[:N].reset_index(drop=True),
    X[:N],
    DF.iloc[N:].reset_index(drop=True),
    X[N:],
    gold_dev={t: H.Y[t][N:] for t in ("coarse", "fine")},
)
COARSE = [vote_lf(f"vcoarse_{j}") for j in range(4)]
FINE = [vote_lf(f"vfine_{j}") for j in range(5)]
SIDE = [vote_lf("vside_0"), vote_lf("vside_1")]


@labeling_function(name="fine_from_coarse")
def fine_from_coarse(x):
    """The first fine label under the coarse head's confident prediction."""
    return int(x.pred_coarse[1:]) * 3 if x.conf_coarse > 0.9 else -1


@labeling_function(name="side_from_coarse")
def side_from_coarse(x):
    return 1 if x.pred_coarse == "C0" and x.conf_coarse > 0.5 else -1


def _central(tmp_path, **kw):
    c = CentralModel(
        TaskRegistry(tmp_path / "c.db"),
        hidden=(16,),
        first_epochs=10,
        data=DATA,
        label_model_kwargs={"select": False},
        **kw,
    )
    c.add_task("coarse", COARSE, labels=G.labels("coarse"))
    c.add_task(
        "fine",
        [*FINE, uses_predictions(fine_from_coarse, "coarse")],
        labels=G.labels("fine"),
        parent="coarse",
        mapping=MAPPING,
    )
    c.add_task(
        "side",
        [*SIDE, uses_predictions(side_from_coarse, "coarse")],
        labels=["no", "yes"],
    )
    return c


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One trained registry (coarse -> fine, side), built once per module."""
    d = tmp_path_factory.mktemp("built")
    _central(d)
    return d


def _copy(built, tmp_path):
    """A private copy of the built registry, reopened (LFs from their source)."""
    shutil.copytree(built, tmp_path, dirs_exist_ok=True)
    return CentralModel.open(tmp_path / "c.db", data=DATA)


def _L(c, task, key="L"):
    return c._load_L(c._live[task]["label_matrix"])[key]


def _heads(c):
    return {
        t: {k: v.clone() for k, v in h.state_dict().items()}
        for t, h in c._heads.items()
    }


def test_a_component_is_labelled_like_a_standalone_multitask_label_model(
    built, tmp_path
):
    c = _copy(built, tmp_path)
    e = c._live
    assert e["coarse"]["label_model"] == e["fine"]["label_model"]
    assert e["side"]["label_model"] != e["coarse"]["label_model"]
    Ls = {t: _L(c, t) for t in ("coarse", "fine")}
    gold = {t: H.Y[t][N:] for t in ("coarse", "fine")}  # class balance only
    ref = MultiTaskLabelModel(G, seed=0, select=False).fit(Ls, Y_dev=gold)
    want = unit_probs(ref, Ls)
    for t in ("coarse", "fine"):
        np.testing.assert_array_equal(c._targets(t).numpy(), want[t])
    # the coarse targets use the fine votes: they differ from coarse alone
    alone = MultiTaskLabelModel(G.copy().remove_task("fine"), seed=0, select=False)
    alone.fit({"coarse": Ls["coarse"]}, Y_dev={"coarse": gold["coarse"]})
    solo = unit_probs(alone, {"coarse": Ls["coarse"]})
    assert not np.allclose(solo["coarse"], want["coarse"])
    # the version records the one label model for both tasks; reopened, the
    # targets come back from its files unchanged
    v = c.current_version
    assert v.tasks["coarse"]["label_model"] == v.tasks["fine"]["label_model"]
    c2 = CentralModel.open(tmp_path / "c.db", data=DATA)
    for t in ("coarse", "fine"):
        np.testing.assert_array_equal(c2._targets(t).numpy(), want[t])
    assert c2.stale() == []


def test_an_edit_in_a_unit_stales_the_unit_and_what_reads_it(built, tmp_path):
    c = _copy(built, tmp_path)
    assert c.stale() == []  # the fine matrix read the coarse head: an echo
    c.remove_lf("fine", "lf_vfine_4")
    got = [(s.kind, s.task) for s in c.stale()]
    assert got == [
        ("label_matrix", "fine"),
        ("label_model", "coarse"),
        ("head", "coarse"),
        ("head", "fine"),
        ("label_matrix", "side"),
        ("label_model", "side"),
        ("head", "side"),
    ]
    assert c.stale()[1].tasks == ("coarse", "fine")
    listed = c.stale()
    calls = []
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
    before, ids = _heads(c), {t: dict(e) for t, e in c._live.items()}
    v = c.retrain_stale(progress=False)
    assert calls == [(s.kind, s.task) for s in listed]
    assert v.tasks["coarse"]["label_matrix"] == ids["coarse"]["label_matrix"]
    assert v.tasks["coarse"]["label_model"] == v.tasks["fine"]["label_model"]
    assert v.tasks["coarse"]["label_model"] != ids["coarse"]["label_model"]
    after = _heads(c)
    for t, changed in (("coarse", True), ("fine", True), ("side", True)):
        same = all(torch.equal(before[t][k], after[t][k]) for k in after[t])
        assert same is not changed, t
    assert c.stale() == []  # no loop: the retrained coarse head is an echo


def test_an_edgeless_task_is_untouched_by_an_edit_in_a_unit(built, tmp_path):
    c = _copy(built, tmp_path)
    c.remove_lf("coarse", "lf_vcoarse_3")
    got = [(s.kind, s.task) for s in c.stale()]
    # the unit is refit, so fine's matrix is rebuilt on the current coarse
    # head; the side task reads the coarse head, which is retrained
    assert got == [
        ("label_matrix", "coarse"),
        ("label_matrix", "fine"),
        ("label_model", "coarse"),
        ("head", "coarse"),
        ("head", "fine"),
        ("label_matrix", "side"),
        ("label_model", "side"),
        ("head", "side"),
    ]
    assert "older head" in c.stale()[1].reason
    c.retrain_stale(progress=False)
    assert c.stale() == []  # the new coarse head is the echo of that matrix
    c2 = CentralModel(
        TaskRegistry(tmp_path / "other.db"),
        hidden=(16,),
        first_epochs=10,
        data=DATA,
        label_model_kwargs={"select": False},
    )
    c2.add_task("side", SIDE, labels=["no", "yes"])
    c2.add_task("coarse", COARSE, labels=G.labels("coarse"))
    before = _heads(c2)
    c2.add_task("fine", FINE, labels=G.labels("fine"), parent="coarse", mapping=MAPPING)
    after = _heads(c2)
    assert all(torch.equal(before["side"][k], after["side"][k]) for k in after["side"])
    assert c2.last_retrained and {s.task for s in c2.last_retrained} == {
        "coarse",
        "fine",
    }
    assert c2.stale() == []


def test_version_round_trip_is_identical_with_a_joint_label_model(built, tmp_path):
    c = _copy(built, tmp_path)
    v1 = c.current_version
    p1 = c.predict_proba(X[N:])
    t1 = {t: c._targets(t).numpy().copy() for t in ("coarse", "fine")}
    c.remove_lf("fine", "lf_vfine_4")
    c.retrain_stale(progress=False)
    c.load_version(v1)
    p2 = c.predict_proba(X[N:])
    for t in p1:
        np.testing.assert_array_equal(p1[t], p2[t])
    c3 = CentralModel.open(tmp_path / "c.db", data=DATA)
    c3.load_version(v1)
    for t in ("coarse", "fine"):
        np.testing.assert_array_equal(c3._targets(t).numpy(), t1[t])


def test_a_damaged_joint_label_model_file_is_named(built, tmp_path):
    c = _copy(built, tmp_path)
    aid = c._live["coarse"]["label_model"]
    path = c.registry.artifact_path(aid)
    inner = path.with_name(path.name + ".mtlm.component0.npz")
    inner.write_bytes(inner.read_bytes()[:-3] + b"xyz")
    c2 = CentralModel.open(tmp_path / "c.db", data=DATA)
    with pytest.raises(CorruptArtifactError, match="component0.npz"):
        c2._targets("coarse")


def test_units_reading_each_other_in_a_cycle_are_refused(built, tmp_path):
    c = _copy(built, tmp_path)

    @labeling_function(name="fine_from_side")
    def fine_from_side(x):
        return 0 if x.pred_side == "yes" else -1

    # tasks: coarse -> side -> fine is a DAG, but the unit {coarse, fine}
    # would read side, which reads coarse
    with pytest.raises(DependencyCycleError, match="label units"):
        c.update_lf("fine", uses_predictions(fine_from_side, "side"))
    assert "fine_from_side" not in [r.name for r in c.lfs("fine")]
    # per-task majority vote has no units: the same LF is accepted there
    (tmp_path / "mv").mkdir()
    m = _central(tmp_path / "mv", label_model="majority")
    assert m._units()["fine"] == ("fine",)
    m.update_lf("fine", uses_predictions(fine_from_side, "side"))
    assert [s.task for s in m.stale()] == ["fine"] * 3


def test_a_cold_start_with_a_prediction_reader_in_the_unit(tmp_path):
    """Registered untrained, coarse trains the trunk alone (fine reads its
    predictions); then fine joins and the unit is fitted jointly."""
    c = CentralModel(
        TaskRegistry(tmp_path / "c.db"),
        hidden=(16,),
        first_epochs=10,
        data=DATA,
        label_model_kwargs={"select": False},
    )
    c.add_task("coarse", COARSE, labels=G.labels("coarse"), train=False)
    c.add_task(
        "fine",
        [*FINE, uses_predictions(fine_from_coarse, "coarse")],
        labels=G.labels("fine"),
        parent="coarse",
        mapping=MAPPING,
        train=False,
    )
    assert [(s.kind, s.task) for s in c.stale()][:2] == [
        ("label_matrix", "coarse"),
        ("label_matrix", "fine"),
    ]
    v = c.retrain_stale(progress=False)
    assert [(s.kind, s.task) for s in c.last_retrained] == [
        ("label_matrix", "coarse"),  # the cold start: coarse alone
        ("label_model", "coarse"),
        ("head", "coarse"),
        ("label_matrix", "fine"),
        ("label_model", "coarse"),  # then the joint label model of both
        ("head", "coarse"),
        ("head", "fine"),
    ]
    assert v.tasks["coarse"]["label_model"] == v.tasks["fine"]["label_model"]
    assert c.stale() == []
