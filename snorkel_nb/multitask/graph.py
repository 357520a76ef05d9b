"""TaskGraph: tasks at several granularities and how their labels refine each other.

An edge ``parent -> child`` carries an explicit ``{child_label: parent_label}``
mapping: a child label's parent is what the user wrote, never the order edges
or labels were added in (Snorkel MeTaL derived it from edge-insertion order,
metal#72). A parent label that no child label maps to is *not refined*: under
it the child is "not applicable" (N/A). The graph's **feasible joint label
set** is every assignment of one label (or N/A) per task that respects all
edges; label models reason over it, one connected component at a time, so
unconnected tasks (a multi-label problem) never form a product set.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

NOT_APPLICABLE = -1
"""Value of a task in a joint state where the task does not apply (N/A)."""

LabelRef = int | str


class TaskGraphError(ValueError):
    """A task graph that cannot be used (the message names the bad part)."""


class TaskGraph:
    """Tasks with named labels and parent -> child label refinements.

    Parameters
    ----------
    tasks
        Optional ``{name: labels}`` where labels is a list of label names or a
        cardinality (labels are then ``"0".."k-1"``).

    Examples
    --------
    >>> g = TaskGraph({"coarse": ["HUM", "LOC"], "fine": ["ind", "gr", "city"]})
    >>> _ = g.add_edge("coarse", "fine", {"ind": "HUM", "gr": "HUM", "city": "LOC"})
    >>> g.feasible_set()[1].tolist()
    [[0, 0], [0, 1], [1, 2]]
    >>> TaskGraph.from_json(g.to_json()) == g
    True
    """

    def __init__(self, tasks: Mapping[str, Sequence[str] | int] | None = None) -> None:
        self._labels: dict[str, tuple[str, ...]] = {}
        # (parent, child) -> parent label index per child label index
        self._edges: dict[tuple[str, str], tuple[int, ...]] = {}
        for name, labels in (tasks or {}).items():
            self.add_task(name, labels)

    # -- building -----------------------------------------------------------
    def add_task(self, name: str, labels: Sequence[str] | int) -> "TaskGraph":
        """Add a task with its label names (or a cardinality).

        Parameters
        ----------
        name : str
            The task's name (unique in the graph).
        labels : sequence of str or int
            Its label names, or a cardinality ``k`` (labels ``"0".."k-1"``).

        Returns
        -------
        TaskGraph
            ``self``, so calls chain.

        Raises
        ------
        TaskGraphError
            On an empty or duplicate name, fewer than 2 labels, or repeated
            label names.

        Examples
        --------
        >>> TaskGraph().add_task("coarse", ["PER", "ORG"]).labels("coarse")
        ('PER', 'ORG')
        """
        if not isinstance(name, str) or not name:
            raise TaskGraphError(f"a task needs a non-empty string name; got {name!r}")
        if name in self._labels:
            raise TaskGraphError(f"task {name!r} already exists")
        if isinstance(labels, (int, np.integer)) and not isinstance(labels, bool):
            labels = [str(i) for i in range(int(labels))]
        labels = tuple(str(x) for x in labels)
        if len(labels) < 2:
            raise TaskGraphError(
                f"task {name!r} needs at least 2 labels; got {len(labels)}"
            )
        dup = sorted({x for x in labels if labels.count(x) > 1})
        if dup:
            raise TaskGraphError(f"task {name!r} repeats label names {dup}")
        self._labels[name] = labels
        return self

    def remove_task(self, name: str) -> "TaskGraph":
        """Remove a task and every edge touching it.

        Parameters
        ----------
        name : str
            An existing task.

        Returns
        -------
        TaskGraph
            ``self``, so calls chain.

        Raises
        ------
        TaskGraphError
            On an unknown task.
        """
        self._check_task(name)
        del self._labels[name]
        self._edges = {e: m for e, m in self._edges.items() if name not in e}
        return self

    def add_edge(
        self, parent: str, child: str, mapping: Mapping[LabelRef, LabelRef]
    ) -> "TaskGraph":
        """Add ``parent -> child`` with ``{child_label: parent_label}`` for every
        child label (names or indices).

        Parameters
        ----------
        parent, child : str
            Existing task names.
        mapping : mapping
            Each child label's parent label; every child label must appear.

        Returns
        -------
        TaskGraph
            ``self``, so calls chain.

        Raises
        ------
        TaskGraphError
            On an unknown task or label, a child label left out, or an edge that
            would make a cycle.

        Examples
        --------
        >>> g = TaskGraph().add_task("coarse", ["PER", "ORG"])
        >>> g = g.add_task("fine", ["doctor", "hospital"])
        >>> g.add_edge("coarse", "fine", {"doctor": "PER", "hospital": "ORG"}
        ...            ).parent_label("coarse", "fine", "hospital")
        'ORG'
        """
        self._check_task(parent)
        self._check_task(child)
        if parent == child:
            raise TaskGraphError(f"edge {parent!r} -> {child!r} is a cycle (self-loop)")
        if (parent, child) in self._edges:
            raise TaskGraphError(f"edge {parent!r} -> {child!r} already exists")
        if not isinstance(mapping, Mapping):
            raise TaskGraphError(
                f"edge {parent!r} -> {child!r}: mapping must be a dict "
                f"{{child_label: parent_label}}, got {type(mapping).__name__}"
            )
        table = [-1] * self.cardinality(child)
        for c, p in mapping.items():
            ci = self.label_index(child, c)
            pi = self.label_index(parent, p)
            table[ci] = pi
        missing = [self._labels[child][i] for i, p in enumerate(table) if p < 0]
        if missing:
            raise TaskGraphError(
                f"edge {parent!r} -> {child!r}: child label(s) {missing} have no "
                f"parent label in the mapping; every label of {child!r} must refine "
                f"one label of {parent!r}"
            )
        self._edges[(parent, child)] = tuple(table)
        if self._find_cycle() is not None:
            cycle = self._find_cycle()
            del self._edges[(parent, child)]
            raise TaskGraphError(
                f"edge {parent!r} -> {child!r} makes a cycle: "
                + " -> ".join(cycle or [])
            )
        return self

    def remove_edge(self, parent: str, child: str) -> "TaskGraph":
        """Remove the edge ``parent -> child`` (both tasks stay).

        Parameters
        ----------
        parent, child : str
            The edge's tasks.

        Returns
        -------
        TaskGraph
            ``self``, so calls chain.

        Raises
        ------
        TaskGraphError
            If there is no such edge.

        Examples
        --------
        >>> g = TaskGraph.from_hierarchy(["HUM:ind", "LOC:city"])
        >>> g.remove_edge("coarse", "fine").edges
        []
        """
        if (parent, child) not in self._edges:
            raise TaskGraphError(f"no edge {parent!r} -> {child!r}")
        del self._edges[(parent, child)]
        return self

    @classmethod
    def from_hierarchy(
        cls,
        labels: Iterable[str],
        sep: str = ":",
        coarse: str = "coarse",
        fine: str = "fine",
    ) -> "TaskGraph":
        """Two-level graph from ``"COARSE<sep>fine"`` label strings (e.g. TREC).

        Parameters
        ----------
        labels : iterable of str
            Fine label names, each ``COARSE<sep>rest``; repeats are ignored.
            Fine labels keep their full string; both tasks' labels are sorted.
        sep : str, default ":"
            Separator between the coarse prefix and the rest.
        coarse, fine : str
            Names of the two tasks.

        Returns
        -------
        TaskGraph
            Tasks ``coarse`` and ``fine`` with the edge ``coarse -> fine``.

        Raises
        ------
        TaskGraphError
            If a label lacks ``sep``.

        Examples
        --------
        >>> g = TaskGraph.from_hierarchy(["HUM:ind", "LOC:city", "HUM:gr"])
        >>> g.labels("coarse"), g.parent_label("coarse", "fine", "HUM:gr")
        (('HUM', 'LOC'), 'HUM')
        """
        fines = sorted(set(labels))
        bad = [x for x in fines if sep not in x]
        if bad:
            raise TaskGraphError(f"labels {bad[:5]} lack the separator {sep!r}")
        coarses = sorted({x.split(sep, 1)[0] for x in fines})
        g = cls({coarse: coarses, fine: fines})
        g.add_edge(coarse, fine, {x: x.split(sep, 1)[0] for x in fines})
        return g

    # -- queries -------------------------------------------------------------
    @property
    def tasks(self) -> list[str]:
        """Task names, in the order they were added."""
        return list(self._labels)

    @property
    def edges(self) -> list[tuple[str, str]]:
        """``(parent, child)`` pairs, sorted."""
        return sorted(self._edges)

    def labels(self, task: str) -> tuple[str, ...]:
        """Label names of ``task`` (``TaskGraphError`` if unknown)."""
        self._check_task(task)
        return self._labels[task]

    def cardinality(self, task: str) -> int:
        """Number of labels of ``task``."""
        return len(self.labels(task))

    def cardinalities(self) -> dict[str, int]:
        """``{task: number of labels}``."""
        return {t: len(v) for t, v in self._labels.items()}

    def parents(self, task: str) -> list[str]:
        """Tasks with an edge into ``task``, sorted."""
        self._check_task(task)
        return sorted(p for p, c in self._edges if c == task)

    def children(self, task: str) -> list[str]:
        """Tasks ``task`` has an edge to, sorted."""
        self._check_task(task)
        return sorted(c for p, c in self._edges if p == task)

    def mapping(self, parent: str, child: str) -> dict[str, str]:
        """``{child_label: parent_label}`` of an edge, by name.

        Parameters
        ----------
        parent, child : str
            The edge's tasks.

        Returns
        -------
        dict of str to str

        Raises
        ------
        TaskGraphError
            If there is no such edge.

        Examples
        --------
        >>> TaskGraph.from_hierarchy(["HUM:ind", "LOC:city"]).mapping("coarse", "fine")
        {'HUM:ind': 'HUM', 'LOC:city': 'LOC'}
        """
        table = self._edge(parent, child)
        return {
            self._labels[child][i]: self._labels[parent][p] for i, p in enumerate(table)
        }

    def parent_label(self, parent: str, child: str, child_label: LabelRef) -> str:
        """The parent label that ``child_label`` refines, by name.

        Parameters
        ----------
        parent, child : str
            The edge's tasks.
        child_label : str or int
            A label of ``child``, by name or index.

        Returns
        -------
        str

        Raises
        ------
        TaskGraphError
            On an unknown edge or label.

        Examples
        --------
        >>> g = TaskGraph.from_hierarchy(["HUM:ind", "LOC:city"])
        >>> g.parent_label("coarse", "fine", 1)
        'LOC'
        """
        table = self._edge(parent, child)
        return self._labels[parent][table[self.label_index(child, child_label)]]

    def label_index(self, task: str, label: LabelRef) -> int:
        """Index of ``label`` (a name or an index) in ``task``; clear error if absent.

        Parameters
        ----------
        task : str
            The task.
        label : str or int
            A label name, or an index (checked against the cardinality).

        Returns
        -------
        int

        Raises
        ------
        TaskGraphError
            On an unknown task, label name, or an index out of range.

        Examples
        --------
        >>> g = TaskGraph({"coarse": ["HUM", "LOC"]})
        >>> g.label_index("coarse", "LOC"), g.label_index("coarse", 0)
        (1, 0)
        """
        labels = self.labels(task)
        if isinstance(label, (int, np.integer)) and not isinstance(label, bool):
            if 0 <= label < len(labels):
                return int(label)
            raise TaskGraphError(
                f"task {task!r} has labels 0..{len(labels) - 1}; got {label}"
            )
        if isinstance(label, str) and label in labels:
            return labels.index(label)
        raise TaskGraphError(
            f"task {task!r} has no label {label!r}; its labels are {list(labels)}"
        )

    def topological_order(self) -> list[str]:
        """Tasks with every parent before its children (ties by name)."""
        indeg = {t: len(self.parents(t)) for t in self._labels}
        ready = sorted(t for t, d in indeg.items() if d == 0)
        out: list[str] = []
        while ready:
            t = ready.pop(0)
            out.append(t)
            for c in self.children(t):
                indeg[c] -= 1
                if indeg[c] == 0:
                    ready.append(c)
                    ready.sort()
        if len(out) != len(self._labels):
            raise TaskGraphError(
                "the graph has a cycle: " + " -> ".join(self._find_cycle() or [])
            )
        return out

    def components(self) -> list[tuple[str, ...]]:
        """Connected components (edges taken undirected), each in topological order."""
        root = {t: t for t in self._labels}

        def find(t: str) -> str:
            while root[t] != t:
                root[t] = root[root[t]]
                t = root[t]
            return t

        for p, c in self._edges:
            root[find(p)] = find(c)
        order = self.topological_order()
        groups: dict[str, list[str]] = {}
        for t in order:
            groups.setdefault(find(t), []).append(t)
        return sorted(
            (tuple(g) for g in groups.values()), key=lambda g: order.index(g[0])
        )

    def component_of(self, task: str) -> tuple[str, ...]:
        """The connected component (topological order) holding ``task``.

        Parameters
        ----------
        task : str
            An existing task.

        Returns
        -------
        tuple of str
        """
        self._check_task(task)
        return next(c for c in self.components() if task in c)

    def feasible_set(
        self, tasks: Sequence[str] | None = None
    ) -> tuple[tuple[str, ...], np.ndarray]:
        """Feasible joint states of one connected component.

        Returns ``(tasks, states)``: ``states[s, i]`` is the label index of
        ``tasks[i]`` in joint state ``s``, or :data:`NOT_APPLICABLE`. States are
        sorted lexicographically (N/A first), so the result never depends on
        the order tasks or edges were added in.

        Parameters
        ----------
        tasks
            One connected component (default: the graph, which must then be
            connected).
        """
        self.validate()
        if tasks is None:
            comps = self.components()
            if len(comps) != 1:
                raise TaskGraphError(
                    f"the graph has {len(comps)} connected components; pass one of "
                    f"them (graph.components()) - joint states never span "
                    f"unconnected tasks"
                )
            tasks = comps[0]
        tasks = tuple(tasks)
        comp = self.component_of(tasks[0])
        if set(tasks) != set(comp):
            raise TaskGraphError(
                f"{list(tasks)} is not a connected component; components are "
                f"{self.components()}"
            )
        order = [t for t in self.topological_order() if t in comp]
        states = np.array(self._enumerate(order), dtype=np.int64)
        cols = [order.index(t) for t in tasks]
        states = states[:, cols]
        states = states[np.lexsort(states.T[::-1])]
        return tasks, states

    # -- validation ------------------------------------------------------------
    def errors(self) -> list[str]:
        """Every problem that makes the graph unusable (empty when valid)."""
        errs: list[str] = []
        if not self._labels:
            return ["the graph has no tasks; add at least one task"]
        cycle = self._find_cycle()
        if cycle is not None:
            return ["the graph has a cycle: " + " -> ".join(cycle)]
        for comp in self.components():
            order = [t for t in self.topological_order() if t in comp]
            if len(comp) > 1:
                states = np.array(self._enumerate(order), dtype=np.int64)
                if len(states) == 0:
                    errs.append(
                        f"component {list(comp)} has no feasible joint label: its "
                        "edges' mappings are impossible together (inconsistent "
                        "two-parent refinement: a child's parents map it to labels "
                        "that never co-occur)"
                    )
                    continue
                for i, t in enumerate(order):
                    seen = set(states[:, i].tolist())
                    dead = [x for j, x in enumerate(self._labels[t]) if j not in seen]
                    if dead:
                        errs.append(
                            f"labels {dead} of task {t!r} are impossible: its parents "
                            f"{self.parents(t)} map them to labels that exclude each "
                            "other (inconsistent two-parent refinement)"
                        )
        return errs

    def validate(self) -> "TaskGraph":
        """Raise :class:`TaskGraphError` naming the first problem, else return self."""
        errs = self.errors()
        if errs:
            raise TaskGraphError("; ".join(errs))
        return self

    # -- serialisation ---------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """JSON-able ``{tasks, edges}`` (edges carry their label mapping)."""
        return {
            "tasks": {t: list(v) for t, v in self._labels.items()},
            "edges": [
                {"parent": p, "child": c, "mapping": self.mapping(p, c)}
                for p, c in self.edges
            ],
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "TaskGraph":
        """Rebuild a graph from :meth:`to_dict` output (every edge re-checked).

        Parameters
        ----------
        d : mapping
            ``{"tasks": {name: labels}, "edges": [{parent, child, mapping}]}``.

        Returns
        -------
        TaskGraph

        Raises
        ------
        TaskGraphError
            If ``d`` has no ``tasks`` or an edge is invalid.
        """
        if not isinstance(d, Mapping) or "tasks" not in d:
            raise TaskGraphError("a task graph dict needs a 'tasks' entry")
        g = cls(d["tasks"])
        for e in d.get("edges", []):
            g.add_edge(e["parent"], e["child"], e["mapping"])
        return g

    def to_json(self) -> str:
        """The graph as JSON text (keys sorted, so equal graphs give equal text)."""
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_json(cls, s: str) -> "TaskGraph":
        """Rebuild a graph from :meth:`to_json` text.

        Parameters
        ----------
        s : str
            JSON text from :meth:`to_json`.

        Returns
        -------
        TaskGraph
        """
        return cls.from_dict(json.loads(s))

    def copy(self) -> "TaskGraph":
        """An independent copy (via :meth:`to_dict`)."""
        return TaskGraph.from_dict(self.to_dict())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TaskGraph):
            return NotImplemented
        return self._labels == other._labels and dict(
            sorted(self._edges.items())
        ) == dict(sorted(other._edges.items()))

    def __repr__(self) -> str:
        ts = ", ".join(f"{t}({len(v)})" for t, v in self._labels.items())
        es = ", ".join(f"{p}->{c}" for p, c in self.edges)
        return f"TaskGraph(tasks=[{ts}], edges=[{es}])"

    # -- internals ---------------------------------------------------------------
    def _check_task(self, name: str) -> None:
        if name not in self._labels:
            raise TaskGraphError(
                f"unknown task {name!r}; tasks are {list(self._labels)}"
            )

    def _edge(self, parent: str, child: str) -> tuple[int, ...]:
        if (parent, child) not in self._edges:
            raise TaskGraphError(f"no edge {parent!r} -> {child!r}")
        return self._edges[(parent, child)]

    def _find_cycle(self) -> list[str] | None:
        adj: dict[str, list[str]] = {t: [] for t in self._labels}
        for p, c in sorted(self._edges):
            adj[p].append(c)
        color = dict.fromkeys(adj, 0)
        stack: list[str] = []

        def visit(t: str) -> list[str] | None:
            color[t] = 1
            stack.append(t)
            for c in adj[t]:
                if color[c] == 1:
                    return stack[stack.index(c) :] + [c]
                if color[c] == 0 and (cyc := visit(c)) is not None:
                    return cyc
            stack.pop()
            color[t] = 2
            return None

        for t in sorted(adj):
            if color[t] == 0 and (cyc := visit(t)) is not None:
                return cyc
        return None

    def _enumerate(self, order: Sequence[str]) -> list[tuple[int, ...]]:
        """Depth-first product of each task's options given its parents."""
        pos = {t: i for i, t in enumerate(order)}

        def allowed(t: str, partial: tuple[int, ...]) -> list[int]:
            ps = self.parents(t)
            if not ps:
                return list(range(len(self._labels[t])))
            out = []
            pvals = [partial[pos[p]] for p in ps]
            for ci in range(len(self._labels[t])):
                if all(
                    v != NOT_APPLICABLE and self._edges[(p, t)][ci] == v
                    for p, v in zip(ps, pvals)
                ):
                    out.append(ci)
            refined = [
                v != NOT_APPLICABLE and v in self._edges[(p, t)]
                for p, v in zip(ps, pvals)
            ]
            if not any(refined):  # no parent label is refined: the child is N/A
                out.append(NOT_APPLICABLE)
            return out

        partials: list[tuple[int, ...]] = [()]
        for t in order:
            partials = [s + (v,) for s in partials for v in allowed(t, s)]
        return partials
