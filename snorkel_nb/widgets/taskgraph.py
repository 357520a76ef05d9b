"""TaskGraphEditor: edit tasks, labels and refinement edges; see the graph and
its validation errors; push a valid TaskGraph to the engine.

The editor holds a *draft* (plain dicts) that may be invalid while you edit;
every change re-validates it by building a :class:`TaskGraph` and shows the
errors inline. Nothing is computed here beyond that: the engine object is
the TaskGraph, injected or produced on push.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import altair as alt
import ipywidgets as W

from snorkel_nb.multitask.graph import TaskGraph, TaskGraphError
from snorkel_nb.viz import charts
from snorkel_nb.viz.taskgraph import task_graph_chart
from snorkel_nb.widgets import _html


def _parse_labels(text: str) -> list[str] | int:
    text = text.strip()
    if text.isdigit():
        return int(text)
    return [x.strip() for x in text.split(",") if x.strip()]


def _parse_mapping(text: str) -> dict[str, str]:
    """``child_label: parent_label`` per line (or comma separated)."""
    out = {}
    for part in text.replace(",", "\n").splitlines():
        if not part.strip():
            continue
        if ":" not in part:
            raise ValueError(f"mapping entry {part.strip()!r} needs 'child: parent'")
        c, p = part.rsplit(":", 1)
        out[c.strip()] = p.strip()
    return out


class TaskGraphEditor(W.VBox):
    """Add / remove tasks and edges, set label names or cardinalities, push.

    Parameters
    ----------
    graph
        Optional starting TaskGraph (copied; the original is never mutated).

    Examples
    --------
    >>> ed = TaskGraphEditor()
    >>> ed.add_task("coarse", ["HUM", "LOC"])
    >>> ed.add_task("fine", ["ind", "city"])
    >>> ed.add_edge("coarse", "fine", {"ind": "HUM"})
    >>> ed.errors[0][:60]
    "edge 'coarse' -> 'fine': child label(s) ['city'] have no par"
    >>> ed.add_edge("coarse", "fine", {"ind": "HUM", "city": "LOC"})
    >>> ed.errors, ed.push().edges
    ([], [('coarse', 'fine')])
    """

    def __init__(self, graph: TaskGraph | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        charts.enable_offline()
        self.tasks: dict[str, list[str]] = {}
        self.edges: dict[tuple[str, str], dict[str, str]] = {}
        if graph is not None:
            d = graph.to_dict()
            self.tasks = {t: list(v) for t, v in d["tasks"].items()}
            self.edges = {
                (e["parent"], e["child"]): dict(e["mapping"]) for e in d["edges"]
            }
        self.errors: list[str] = []
        self.graph: TaskGraph | None = None
        self._push_callbacks: list[Callable[[TaskGraph], None]] = []
        self._change_callbacks: list[Callable[[list[str]], None]] = []

        self.task_name = W.Text(description="task")
        self.task_labels = W.Text(
            description="labels", placeholder="a, b, c  or a cardinality"
        )
        self.add_task_button = W.Button(description="add / set task")
        self.remove_task_button = W.Button(description="remove task")
        self.parent = W.Dropdown(description="parent")
        self.child = W.Dropdown(description="child")
        self.mapping = W.Textarea(
            description="mapping", placeholder="child_label: parent_label, one a line"
        )
        self.add_edge_button = W.Button(description="add / set edge")
        self.remove_edge_button = W.Button(description="remove edge")
        self.push_button = W.Button(
            description="push TaskGraph", button_style="primary"
        )
        self.status = W.HTML()
        self.chart_spec = task_graph_chart(self.tasks, list(self.edges))
        self.chart = alt.JupyterChart(self.chart_spec)
        self.add_task_button.on_click(lambda _: self._guard(self._add_task_from_ui))
        self.remove_task_button.on_click(
            lambda _: self._guard(lambda: self.remove_task(self.task_name.value))
        )
        self.add_edge_button.on_click(lambda _: self._guard(self._add_edge_from_ui))
        self.remove_edge_button.on_click(
            lambda _: self._guard(
                lambda: self.remove_edge(self.parent.value, self.child.value)
            )
        )
        self.push_button.on_click(lambda _: self.push())
        self.children = [
            W.HBox(
                [
                    self.task_name,
                    self.task_labels,
                    self.add_task_button,
                    self.remove_task_button,
                ]
            ),
            W.HBox(
                [
                    W.VBox([self.parent, self.child]),
                    self.mapping,
                    W.VBox([self.add_edge_button, self.remove_edge_button]),
                ]
            ),
            self.push_button,
            self.status,
            self.chart,
        ]
        self._refresh()

    # -- callbacks -------------------------------------------------------------
    def on_push(
        self, callback: Callable[[TaskGraph], None], remove: bool = False
    ) -> None:
        """``callback(graph)`` after a successful push.

        Parameters
        ----------
        callback
            Called with the arguments above, in registration order.
        remove
            ``True`` unregisters ``callback`` instead of adding it.

        Raises
        ------
        ValueError
            With ``remove=True``, if ``callback`` is not registered.

        Examples
        --------
        >>> ed = TaskGraphEditor()
        >>> pushed = []
        >>> ed.on_push(pushed.append)
        >>> ed.add_task("t", 2)
        >>> _ = ed.push()
        >>> [g.tasks for g in pushed]
        [['t']]
        """
        (self._push_callbacks.remove if remove else self._push_callbacks.append)(
            callback
        )

    def on_change(
        self, callback: Callable[[list[str]], None], remove: bool = False
    ) -> None:
        """``callback(errors)`` after every edit.

        Parameters
        ----------
        callback
            Called with the arguments above, in registration order.
        remove
            ``True`` unregisters ``callback`` instead of adding it.

        Raises
        ------
        ValueError
            With ``remove=True``, if ``callback`` is not registered.

        Examples
        --------
        >>> ed = TaskGraphEditor()
        >>> seen = []
        >>> ed.on_change(seen.append)
        >>> ed.add_task("t", 2)
        >>> ed.on_change(seen.append, remove=True)
        >>> ed.add_task("u", 2)
        >>> seen
        [[]]
        """
        (self._change_callbacks.remove if remove else self._change_callbacks.append)(
            callback
        )

    # -- edits (also the API the buttons call) ---------------------------------------
    def add_task(self, name: str, labels: Sequence[str] | int) -> None:
        """Add a task or replace its labels (a cardinality k gives labels 0..k-1).

        The draft is re-validated: problems go to :attr:`errors`, not raised.

        Parameters
        ----------
        name
            The task's name.
        labels
            Label names, or a cardinality ``k`` (labels ``"0"`` .. ``"k-1"``).

        Raises
        ------
        ValueError
            If ``name`` is empty.

        Examples
        --------
        >>> ed = TaskGraphEditor()
        >>> ed.add_task("sentiment", 3)
        >>> ed.tasks
        {'sentiment': ['0', '1', '2']}
        """
        if not name:
            raise ValueError("give the task a name")
        if isinstance(labels, int):
            labels = [str(i) for i in range(labels)]
        self.tasks[name] = [str(x) for x in labels]
        self._refresh()

    def set_cardinality(self, name: str, k: int) -> None:
        self.add_task(name, int(k))

    def remove_task(self, name: str) -> None:
        if name not in self.tasks:
            raise ValueError(f"no task {name!r}")
        del self.tasks[name]
        self.edges = {e: m for e, m in self.edges.items() if name not in e}
        self._refresh()

    def add_edge(self, parent: str, child: str, mapping: Mapping[str, str]) -> None:
        """Add or replace ``parent -> child`` with ``{child_label: parent_label}``.

        Not checked here: unknown tasks or labels, unmapped child labels and
        cycles show up in :attr:`errors` (and block :meth:`push`).

        Parameters
        ----------
        parent
            The coarser task.
        child
            The task that refines it.
        mapping
            Each child label to one parent label (keys and values as str).

        Examples
        --------
        >>> ed = TaskGraphEditor()
        >>> ed.add_task("coarse", ["HUM", "LOC"])
        >>> ed.add_task("fine", ["ind", "city"])
        >>> ed.add_edge("coarse", "fine", {"ind": "HUM", "city": "LOC"})
        >>> ed.errors, ed.edges[("coarse", "fine")]
        ([], {'ind': 'HUM', 'city': 'LOC'})
        """
        self.edges[(parent, child)] = {str(c): str(p) for c, p in mapping.items()}
        self._refresh()

    def remove_edge(self, parent: str, child: str) -> None:
        if (parent, child) not in self.edges:
            raise ValueError(f"no edge {parent!r} -> {child!r}")
        del self.edges[(parent, child)]
        self._refresh()

    def push(self) -> TaskGraph | None:
        """Build the TaskGraph, or show why not; fires ``on_push`` when valid."""
        graph, errors = self._build()
        self.errors = errors
        if graph is None:
            self.status.value = _html.error_box("cannot push: " + "; ".join(errors))
            return None
        self.graph = graph
        self.status.value = _html.ok(f"pushed {graph!r}")
        for cb in list(self._push_callbacks):
            cb(graph)
        return graph

    # -- internals ---------------------------------------------------------------------
    def _add_task_from_ui(self) -> None:
        self.add_task(
            self.task_name.value.strip(), _parse_labels(self.task_labels.value)
        )

    def _add_edge_from_ui(self) -> None:
        self.add_edge(
            self.parent.value, self.child.value, _parse_mapping(self.mapping.value)
        )

    def _guard(self, action: Callable[[], None]) -> None:
        try:
            action()
        except (ValueError, TaskGraphError) as e:
            self.status.value = _html.error_box(str(e))

    def _build(self) -> tuple[TaskGraph | None, list[str]]:
        errors: list[str] = []
        g = TaskGraph()
        for t, labels in self.tasks.items():
            try:
                g.add_task(t, labels)
            except TaskGraphError as e:
                errors.append(str(e))
        for (p, c), m in sorted(self.edges.items()):
            try:
                g.add_edge(p, c, m)
            except TaskGraphError as e:
                errors.append(str(e))
        errors += [e for e in g.errors() if e not in errors]
        return (g if not errors else None), errors

    def _refresh(self) -> None:
        _, self.errors = self._build()
        names = list(self.tasks)
        for dd in (self.parent, self.child):
            value = dd.value
            dd.options = names
            dd.value = value if value in names else (names[0] if names else None)
        self.status.value = (
            _html.error_box("; ".join(self.errors))
            if self.errors
            else _html.ok("valid task graph")
        )
        self.chart_spec = task_graph_chart(self.tasks, list(self.edges))
        if hasattr(self, "chart"):
            self.chart.chart = self.chart_spec
        for cb in list(self._change_callbacks):
            cb(self.errors)
