"""TaskGraphEditor state, driven through its widgets as a user would (no browser)."""

from __future__ import annotations

from snorkel_nb.multitask import TaskGraph
from snorkel_nb.widgets import TaskGraphEditor
from snorkel_nb.viz.taskgraph import task_graph_layout


def type_task(ed, name, labels):
    ed.task_name.value, ed.task_labels.value = name, labels
    ed.add_task_button.click()


def test_build_a_graph_with_the_buttons_and_push():
    ed = TaskGraphEditor()
    pushed, changes = [], []
    ed.on_push(pushed.append)
    ed.on_change(changes.append)
    type_task(ed, "coarse", "HUM, LOC")
    type_task(ed, "fine", "ind, gr, city")
    assert list(ed.parent.options) == ["coarse", "fine"]
    ed.parent.value, ed.child.value = "coarse", "fine"
    ed.mapping.value = "ind: HUM\ngr: HUM"
    ed.add_edge_button.click()
    assert "['city'] have no parent label" in ed.errors[0]
    assert "snb-error" in ed.status.value and "city" in ed.status.value
    assert ed.push() is None and pushed == []
    ed.mapping.value = "ind: HUM\ngr: HUM\ncity: LOC"
    ed.add_edge_button.click()
    assert ed.errors == [] and changes[-1] == []
    ed.push_button.click()
    g = pushed[-1]
    assert g.mapping("coarse", "fine") == {"ind": "HUM", "gr": "HUM", "city": "LOC"}
    assert ed.graph == g
    # the drawn chart has both tasks and the edge
    nodes = ed.chart_spec.to_dict()["datasets"]
    assert sum(len(v) for v in nodes.values()) >= 3


def test_cardinality_cycles_unknown_labels_and_removal_show_inline():
    g = TaskGraph({"a": 2, "b": 2}).add_edge("a", "b", {0: 0, 1: 1})
    ed = TaskGraphEditor(g)
    ed.add_edge("b", "a", {"0": "0", "1": "1"})
    assert any("cycle" in e for e in ed.errors)
    ed.remove_edge("b", "a")
    assert ed.errors == []
    ed.set_cardinality("b", 3)  # label "2" now has no parent label
    assert any("['2'] have no parent" in e for e in ed.errors)
    ed.add_edge("a", "b", {"0": "0", "1": "1", "2": "9"})
    assert any("no label '9'" in e for e in ed.errors)
    ed.task_name.value = "b"
    ed.remove_task_button.click()
    assert ed.tasks == {"a": ["0", "1"]} and ed.edges == {}
    assert (
        ed.errors == [] and g.cardinality("b") == 2
    )  # the injected graph is untouched
    type_task(ed, "solo", "x")
    assert any("at least 2 labels" in e for e in ed.errors)


def test_layout_puts_children_below_parents():
    nodes, lines = task_graph_layout(
        {"a": ["x", "y"], "b": ["p", "q"], "c": ["1", "2"]}, [("a", "b"), ("b", "c")]
    )
    assert nodes.set_index("task")["depth"].to_dict() == {"a": 0, "b": 1, "c": 2}
    assert lines[["parent", "child"]].values.tolist() == [["a", "b"], ["b", "c"]]
