"""TaskGraph: explicit label mappings, feasible sets on hand graphs, validation."""

from __future__ import annotations

import numpy as np
import pytest

from snorkel_nb.multitask import NOT_APPLICABLE, TaskGraph, TaskGraphError

NA = NOT_APPLICABLE


def person_org() -> TaskGraph:
    g = TaskGraph({"coarse": ["PER", "ORG"], "fine": ["doctor", "lawyer", "hospital"]})
    return g.add_edge(
        "coarse", "fine", {"doctor": "PER", "lawyer": "PER", "hospital": "ORG"}
    )


def test_feasible_set_two_levels_by_hand():
    tasks, S = person_org().feasible_set()
    assert tasks == ("coarse", "fine")
    assert S.tolist() == [[0, 0], [0, 1], [1, 2]]


def test_mapping_is_explicit_not_insertion_order():
    # Same mapping written in another order, labels added in another order.
    g = TaskGraph({"fine": ["hospital", "lawyer", "doctor"], "coarse": ["ORG", "PER"]})
    g.add_edge("coarse", "fine", {"lawyer": "PER", "hospital": "ORG", "doctor": "PER"})
    assert g.parent_label("coarse", "fine", "hospital") == "ORG"
    assert g.parent_label("coarse", "fine", "doctor") == "PER"
    named = {
        tuple(g.labels(t)[v] for t, v in zip(("coarse", "fine"), s))
        for s in g.feasible_set(("coarse", "fine"))[1]
    }
    assert named == {("PER", "doctor"), ("PER", "lawyer"), ("ORG", "hospital")}


def test_not_applicable_under_an_unrefined_parent_label():
    g = TaskGraph({"kind": ["PER", "ORG", "MISC"], "role": ["doctor", "lawyer"]})
    g.add_edge("kind", "role", {"doctor": "PER", "lawyer": "PER"})
    _, S = g.feasible_set()
    assert S.tolist() == [[0, 0], [0, 1], [1, NA], [2, NA]]


def test_three_levels_and_two_children_of_one_parent():
    g = TaskGraph(
        {
            "a": ["x", "y"],
            "b": ["x1", "x2", "y1"],
            "c": ["p", "q"],
            "d": ["x1i", "x1j", "x2i", "y1i"],
        }
    )
    g.add_edge("a", "b", {"x1": "x", "x2": "x", "y1": "y"})
    g.add_edge("b", "d", {"x1i": "x1", "x1j": "x1", "x2i": "x2", "y1i": "y1"})
    g.add_edge("a", "c", {"p": "x", "q": "y"})
    tasks, S = g.feasible_set(("a", "b", "c", "d"))
    # one state per leaf of d, with c fixed by a
    assert len(S) == 4
    for s in S:
        assert g.labels("c")[s[2]] == {"x": "p", "y": "q"}[g.labels("a")[s[0]]]


def test_two_parents_consistent_diamond():
    g = TaskGraph(
        {"top": ["A", "B"], "l": ["A1", "B1"], "r": ["A2", "B2"], "leaf": ["a", "b"]}
    )
    g.add_edge("top", "l", {"A1": "A", "B1": "B"})
    g.add_edge("top", "r", {"A2": "A", "B2": "B"})
    g.add_edge("l", "leaf", {"a": "A1", "b": "B1"})
    g.add_edge("r", "leaf", {"a": "A2", "b": "B2"})
    assert g.errors() == []
    assert len(g.feasible_set(("top", "l", "r", "leaf"))[1]) == 2


def test_two_parents_inconsistent_is_an_error():
    g = TaskGraph({"p1": ["A", "B"], "p2": ["C", "D"], "kid": ["k1", "k2"]})
    g.add_edge("p1", "kid", {"k1": "A", "k2": "A"})
    g.add_edge("p2", "kid", {"k1": "C", "k2": "D"})
    g2 = TaskGraph(
        {"root": ["A", "B"], "p1": ["A1", "B1"], "p2": ["A2", "B2"], "kid": ["k", "j"]}
    )
    g2.add_edge("root", "p1", {"A1": "A", "B1": "B"})
    g2.add_edge("root", "p2", {"A2": "A", "B2": "B"})
    g2.add_edge("p1", "kid", {"k": "A1", "j": "A1"})
    g2.add_edge("p2", "kid", {"k": "B2", "j": "B2"})  # A1 and B2 never co-occur
    with pytest.raises(TaskGraphError, match="impossible"):
        g2.validate()
    # p1=B is refined by no kid label while p2 always is: p1=B can never hold.
    assert any("['B'] of task 'p1' are impossible" in e for e in g.errors())


def test_cycle_unknown_task_unknown_label_missing_parent_label():
    g = TaskGraph({"a": 2, "b": 2})
    g.add_edge("a", "b", {0: 0, 1: 1})
    with pytest.raises(TaskGraphError, match="cycle"):
        g.add_edge("b", "a", {0: 0, 1: 1})
    assert g.edges == [("a", "b")]  # the rejected edge is not kept
    with pytest.raises(TaskGraphError, match="self-loop"):
        g.add_edge("a", "a", {0: 0, 1: 1})
    with pytest.raises(TaskGraphError, match="unknown task 'zz'"):
        g.add_edge("a", "zz", {})
    h = TaskGraph({"c": ["X", "Y"], "f": ["x", "y"]})
    with pytest.raises(TaskGraphError, match="no label 'Q'"):
        h.add_edge("c", "f", {"x": "Q", "y": "Y"})
    with pytest.raises(
        TaskGraphError, match=r"child label\(s\) \['y'\] have no parent"
    ):
        h.add_edge("c", "f", {"x": "X"})
    with pytest.raises(TaskGraphError, match="at least 2 labels"):
        h.add_task("one", ["only"])


def test_empty_edgeless_and_single_task_graphs():
    with pytest.raises(TaskGraphError, match="no tasks"):
        TaskGraph().validate()
    single = TaskGraph({"t": 3})
    assert single.feasible_set()[1].tolist() == [[0], [1], [2]]
    multi = TaskGraph({f"l{i}": ["no", "yes"] for i in range(50)})
    comps = multi.components()
    assert len(comps) == 50 and all(len(c) == 1 for c in comps)
    with pytest.raises(TaskGraphError, match="50 connected components"):
        multi.feasible_set()
    assert multi.feasible_set(("l7",))[1].shape == (2, 1)


def test_components_and_json_round_trip():
    g = person_org().add_task("spam", ["ham", "spam"])
    assert g.components() == [("coarse", "fine"), ("spam",)]
    h = TaskGraph.from_json(g.to_json())
    assert h == g and h.mapping("coarse", "fine") == g.mapping("coarse", "fine")
    np.testing.assert_array_equal(
        h.feasible_set(("coarse", "fine"))[1], g.feasible_set(("coarse", "fine"))[1]
    )


def test_remove_task_drops_its_edges():
    g = person_org().remove_task("fine")
    assert g.edges == [] and g.tasks == ["coarse"]
