"""The shipped TREC hierarchy and its LFs."""

from __future__ import annotations

from snorkel_nb.multitask import MultiTaskLFApplier
from snorkel_nb.multitask.trec import (
    load_trec_hierarchy,
    trec_graph,
    trec_labels,
    trec_lfs,
)


def test_trec_hierarchy_sizes_graph_and_lfs():
    train, dev, test = load_trec_hierarchy(small=False)
    assert (len(train), len(dev), len(test)) == (4952, 500, 500)
    g = trec_graph()
    assert g.cardinalities() == {"coarse": 6, "fine": 50}
    assert g.parent_label("coarse", "fine", "NUM:date") == "NUM"
    assert len(g.feasible_set()[1]) == 50
    app = MultiTaskLFApplier(trec_lfs(g), g)
    L = app.apply(dev, progress_bar=False)
    assert L["coarse"].shape == (500, 68) and L["fine"].shape[0] == 500
    Y = trec_labels(dev, g)
    fired = L["fine"] >= 0
    # fine LFs vote a fine label that is right more often than not where they fire
    assert (
        L["fine"][fired]
        == Y["fine"].repeat(L["fine"].shape[1]).reshape(L["fine"].shape)[fired]
    ).mean() > 0.6
