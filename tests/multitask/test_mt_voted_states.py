"""MultiTaskLabelModel(voted_states=True): decisions among the voted joint states."""

from __future__ import annotations

import json

import numpy as np
import pytest

from snorkel_nb.labeling.model import MajorityLabelVoter
from snorkel_nb.labeling.model.majority import vote_counts
from snorkel_nb.multitask import MultiTaskLabelModel, MultiTaskLFApplier
from snorkel_nb.multitask.synthetic import generate_hierarchical
from snorkel_nb.multitask.trec import (
    load_trec_hierarchy,
    trec_graph,
    trec_labels,
    trec_lfs,
)


def _parents(graph) -> np.ndarray:
    coarse = graph.labels("coarse")
    return np.array(
        [
            coarse.index(graph.parent_label("coarse", "fine", f))
            for f in graph.labels("fine")
        ]
    )


@pytest.fixture(scope="module")
def one_label_rules():
    d = generate_hierarchical(
        n=3000, m_coarse=10, m_fine=15, single_label=True, sibling_error=0.5, seed=0
    )
    return d, MultiTaskLabelModel(d.graph).fit(d.L)


def test_fine_decision_is_a_voted_fine_label(one_label_rules):
    d, mt = one_label_rules
    pred = mt.predict(d.L)["fine"]
    voted = vote_counts(d.L["fine"], d.graph.cardinality("fine")) > 0
    rows = np.nonzero(voted.any(1))[0]
    assert len(rows) > 100
    assert voted[rows, pred[rows]].all()
    # without the rule the full posterior overrules some lone fine votes here
    off = MultiTaskLabelModel(d.graph, voted_states=False).fit(d.L)
    pred_off = off.predict(d.L)["fine"]
    assert not voted[rows, pred_off[rows]].all()


def test_outputs_stay_consistent_with_the_graph(one_label_rules):
    d, mt = one_label_rules
    P = mt.predict_proba(d.L)
    parent = _parents(d.graph)
    summed = np.stack(
        [
            P["fine"][:, parent == c].sum(1)
            for c in range(d.graph.cardinality("coarse"))
        ],
        1,
    )
    assert np.allclose(summed, P["coarse"])
    assert np.allclose(P["fine"].sum(1), 1)


def test_a_coarse_rule_never_overrules_a_fine_vote_it_contradicts(one_label_rules):
    """Where the coarse votes allow no state the fine votes allow, the fine vote
    (which implies its coarse label) is kept."""
    d, mt = one_label_rules
    L = {t: v.copy() for t, v in d.L.items()}
    parent = _parents(d.graph)
    row = 0
    L["fine"][row] = -1
    L["coarse"][row] = -1
    j_fine = 0
    fine_label = int(d.graph.cardinality("fine") - 1)
    L["fine"][row, j_fine] = fine_label
    other = int((parent[fine_label] + 1) % d.graph.cardinality("coarse"))
    L["coarse"][row, 0] = other
    p = mt.predict({t: v[:1] for t, v in L.items()})
    assert p["fine"][0] == fine_label
    assert p["coarse"][0] == parent[fine_label]


def test_save_load_keeps_the_setting(tmp_path, one_label_rules):
    d, mt = one_label_rules
    off = MultiTaskLabelModel(d.graph, voted_states=False).fit(d.L)
    for m, name in ((mt, "on"), (off, "off")):
        m.save(tmp_path / f"{name}.json")
        back = MultiTaskLabelModel.load(tmp_path / f"{name}.json")
        assert back.voted_states == m.voted_states
        assert np.array_equal(
            back.predict_proba(d.L)["fine"], m.predict_proba(d.L)["fine"]
        )


def test_models_saved_before_the_rule_load_without_it(tmp_path, one_label_rules):
    d, _ = one_label_rules
    off = MultiTaskLabelModel(d.graph, voted_states=False).fit(d.L)
    off.save(tmp_path / "old.json")
    doc = json.loads((tmp_path / "old.json").read_text())
    del doc["config"]["voted_states"]  # as written before the setting existed
    (tmp_path / "old.json").write_text(json.dumps(doc))
    back = MultiTaskLabelModel.load(tmp_path / "old.json")
    assert back.voted_states is False
    assert np.array_equal(
        back.predict_proba(d.L)["fine"], off.predict_proba(d.L)["fine"]
    )


def test_trec_joint_model_beats_majority_vote_on_test():
    """Real data: 68 coarse rules + the fine LFs on TREC, no dev labels given."""
    tr, _, te = load_trec_hierarchy(small=False)
    g = trec_graph()
    app = MultiTaskLFApplier(trec_lfs(g), g)
    Ltr, Lte = app.apply(tr, progress_bar=False), app.apply(te, progress_bar=False)
    Y = trec_labels(te, g)
    p = MultiTaskLabelModel(g).fit(Ltr).predict(Lte)
    mv = MajorityLabelVoter(cardinality=50).predict(
        Lte["fine"], tie_break_policy="random"
    )
    acc_fine, acc_mv = (p["fine"] == Y["fine"]).mean(), (mv == Y["fine"]).mean()
    assert acc_fine > acc_mv + 0.01, (acc_fine, acc_mv)
