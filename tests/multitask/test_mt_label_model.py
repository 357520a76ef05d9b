"""MultiTaskLabelModel: planted recovery, graph consistency, equivalence, errors."""

from __future__ import annotations

import numpy as np
import pytest

from snorkel_nb.labeling.model import LabelModel
from snorkel_nb.multitask import MultiTaskLabelModel, TaskGraph
from snorkel_nb.multitask.label_model import joint_prior
from snorkel_nb.multitask.synthetic import generate_hierarchical

TOL = 0.05  # |estimated - planted| LF accuracy, n = 3000 rows


@pytest.fixture(scope="module")
def planted():
    d = generate_hierarchical(n=3000, m_coarse=8, m_fine=6, sibling_error=0.3, seed=0)
    return d, MultiTaskLabelModel(d.graph).fit(d.L)


def test_recovers_planted_accuracies_on_both_levels(planted):
    d, mt = planted
    w = mt.get_weights()
    for t in ("coarse", "fine"):
        assert w[t].shape == d.accuracies[t].shape
        assert np.abs(w[t] - d.accuracies[t]).max() < TOL, t


def test_coarse_lfs_inform_the_fine_task(planted):
    d, mt = planted
    s = mt.score(d.L, d.Y)
    indep = {
        t: (
            LabelModel(cardinality=d.graph.cardinality(t)).fit(d.L[t]).predict(d.L[t])
            == d.Y[t]
        ).mean()
        for t in ("coarse", "fine")
    }
    assert s["fine"]["accuracy"] > indep["fine"] + 0.01
    assert s["coarse"]["accuracy"] > indep["coarse"] + 0.01


def test_outputs_are_consistent_with_the_graph(planted):
    d, mt = planted
    P = mt.predict_proba(d.L)
    g = d.graph
    parent = np.array(
        [
            g.label_index("coarse", g.parent_label("coarse", "fine", f))
            for f in g.labels("fine")
        ]
    )
    summed = np.stack([P["fine"][:, parent == c].sum(1) for c in range(3)], 1)
    np.testing.assert_allclose(summed, P["coarse"], atol=1e-6)
    np.testing.assert_allclose(P["coarse"].sum(1), 1, atol=1e-6)
    pred = mt.predict(d.L)
    assert (parent[pred["fine"]] == pred["coarse"]).all()


def test_not_applicable_mass_is_left_out_of_child_rows():
    g = TaskGraph({"kind": ["PER", "ORG", "LOC"], "role": ["doctor", "lawyer"]})
    g.add_edge("kind", "role", {"doctor": "PER", "lawyer": "PER"})
    rng = np.random.default_rng(0)
    n = 2000
    kind = rng.choice(3, n)
    role = np.where(kind == 0, rng.choice(2, n), -1)
    Lk = np.stack(
        [np.where(rng.random(n) < 0.8, kind, (kind + 1) % 3) for _ in range(4)], 1
    )
    Lr = np.stack(
        [
            np.where(kind == 0, np.where(rng.random(n) < 0.8, role, 1 - role), -1)
            for _ in range(3)
        ],
        1,
    )
    mt = MultiTaskLabelModel(g).fit({"kind": Lk, "role": Lr})
    P = mt.predict_proba({"kind": Lk, "role": Lr})
    np.testing.assert_allclose(P["role"].sum(1), P["kind"][:, 0], atol=1e-6)
    pred = mt.predict({"kind": Lk, "role": Lr})
    assert (pred["role"][pred["kind"] != 0] == -1).all()


def test_single_task_equals_label_model():
    d = generate_hierarchical(n=2000, m_coarse=6, m_fine=0, seed=2)
    g = TaskGraph({"coarse": list(d.graph.labels("coarse"))})
    mt = MultiTaskLabelModel(g).fit({"coarse": d.L["coarse"]})
    lm = LabelModel(cardinality=3).fit(d.L["coarse"])
    np.testing.assert_array_equal(
        mt.predict_proba({"coarse": d.L["coarse"]})["coarse"],
        lm.predict_proba(d.L["coarse"]),
    )


@pytest.mark.filterwarnings("ignore:LabelModel. the fit looked degenerate")
def test_edgeless_graph_is_independent_models():
    rng = np.random.default_rng(0)
    tasks = {f"tag{i}": ["no", "yes"] for i in range(4)}
    g = TaskGraph(tasks)
    Y = {t: rng.choice(2, 1500) for t in tasks}
    L = {
        t: np.stack(
            [
                np.where(
                    rng.random(1500) < 0.5,
                    np.where(rng.random(1500) < 0.8, y, 1 - y),
                    -1,
                )
                for _ in range(4)
            ],
            1,
        )
        for t, y in Y.items()
    }
    mt = MultiTaskLabelModel(g).fit(L)
    assert [m.cardinality for m in mt.models_] == [2, 2, 2, 2]  # never 2^4 states
    P = mt.predict_proba(L)
    for t in tasks:
        np.testing.assert_array_equal(
            P[t], LabelModel(cardinality=2).fit(L[t]).predict_proba(L[t])
        )


def test_save_load_identical_predictions(planted, tmp_path):
    d, mt = planted
    mt.save(tmp_path / "mtlm.json")
    back = MultiTaskLabelModel.load(tmp_path / "mtlm.json")
    for t, p in mt.predict_proba(d.L).items():
        np.testing.assert_array_equal(back.predict_proba(d.L)[t], p)


def test_class_balance_and_dev_labels_set_the_joint_prior(planted):
    d, _ = planted
    g = d.graph
    _, states = g.feasible_set()
    fine_bal = np.bincount(d.Y["fine"], minlength=9) / len(d.Y["fine"])
    p = joint_prior(states, ("coarse", "fine"), g, {"fine": fine_bal})
    np.testing.assert_allclose(p, fine_bal[states[:, 1]], atol=1e-9)
    coarse_bal = np.bincount(d.Y["coarse"], minlength=3) / len(d.Y["coarse"])
    p = joint_prior(states, ("coarse", "fine"), g, {"coarse": coarse_bal})
    np.testing.assert_allclose(np.bincount(states[:, 0], weights=p), coarse_bal)


def test_clear_errors(planted):
    d, mt = planted
    with pytest.raises(ValueError, match=r"missing task\(s\) \['fine'\]"):
        mt.predict_proba({"coarse": d.L["coarse"]})
    with pytest.raises(ValueError, match="different row counts"):
        mt.predict_proba({"coarse": d.L["coarse"][:10], "fine": d.L["fine"]})
    bad = d.L["fine"].copy()
    bad[0, 2] = 9
    with pytest.raises(ValueError, match=r"'fine'\] column 2 votes outside -1..8"):
        MultiTaskLabelModel(d.graph).fit({"coarse": d.L["coarse"], "fine": bad})
    with pytest.raises(ValueError, match="unknown task"):
        mt.predict_proba({**d.L, "extra": d.L["fine"]})
    with pytest.raises(ValueError, match="differ from those the model was fitted"):
        mt.predict_proba({"coarse": d.L["coarse"][:, :3], "fine": d.L["fine"]})
    with pytest.raises(ValueError, match="not fitted"):
        MultiTaskLabelModel(d.graph).predict(d.L)
    with pytest.raises(ValueError, match="not fitted"):
        MultiTaskLabelModel(d.graph).get_weights()
