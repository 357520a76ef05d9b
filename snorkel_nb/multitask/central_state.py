"""The central model's working state and the small rules derived from it.

``_Working`` reads the registry's tasks and LFs once per change and derives
the dependency order (graph parents and used predictions), the graph and
the LF hashes; the functions below name a task spec, find a dependency
cycle and describe LF changes in words for ``stale()``.
"""

from __future__ import annotations

import hashlib
import heapq
from typing import Mapping, Sequence

import numpy as np

from snorkel_nb.multitask.central_types import (
    CentralModelError,
    DependencyCycleError,
    TaskSpec,
)
from snorkel_nb.multitask.graph import TaskGraph
from snorkel_nb.multitask.registry import TaskRegistry


class _Working:
    """The registry's working state, read in two queries, and what follows
    from it (dependencies, order, graph), computed on first use."""

    def __init__(self, registry: TaskRegistry) -> None:
        self.recs = {t.name: t for t in registry.tasks()}
        self.lfs = registry.lf_index()  # (task, name, source_hash, uses)
        self.parents = {t: sorted(r.parents) for t, r in self.recs.items()}
        self.deps: dict[str, dict[str, list[str]]] = {
            t: {"parents": list(self.parents[t]), "uses": [], "lfs": []}
            for t in self.recs
        }
        self.hashes: dict[str, dict[str, str]] = {}
        for task, name, h, uses in self.lfs:
            if task in self.deps:
                d = self.deps[task]
                d["lfs"].append(name)
                d["uses"] += [u for u in uses if u not in d["uses"]]
                self.hashes.setdefault(task, {})[name] = h
        for d in self.deps.values():
            d["uses"].sort()
        self._order: list[str] | None = None
        self._graph: TaskGraph | None = None

    def order(self) -> list[str]:
        """Kahn's order over parents and used predictions (ties: registration)."""
        if self._order is None:
            up = {t: set(d["parents"]) | set(d["uses"]) for t, d in self.deps.items()}
            cyc = find_dependency_cycle(up)
            if cyc:
                raise DependencyCycleError(
                    "tasks depend on each other in a cycle: " + " -> ".join(cyc)
                )
            rank = {t: i for i, t in enumerate(self.recs)}
            down: dict[str, list[str]] = {t: [] for t in up}
            for t, us in up.items():
                for u in us:
                    if u in down:
                        down[u].append(t)
            need = {t: len([u for u in us if u in up]) for t, us in up.items()}
            ready = [(rank[t], t) for t, n in need.items() if n == 0]
            heapq.heapify(ready)
            out = []
            while ready:
                _, t = heapq.heappop(ready)
                out.append(t)
                for c in down[t]:
                    need[c] -= 1
                    if need[c] == 0:
                        heapq.heappush(ready, (rank[c], c))
            self._order = out
        return self._order

    def graph(self) -> TaskGraph:
        if self._graph is None:
            g = TaskGraph({t: list(r.labels) for t, r in self.recs.items()})
            for t in self.order():
                for p, m in self.recs[t].parents.items():
                    g.add_edge(p, t, m)
            self._graph = g
        return self._graph


def make_task_spec(
    task: TaskSpec | str,
    labels: Sequence[str] | None,
    parent: str | Mapping[str, Mapping[str, str]] | None,
    mapping: Mapping[str, str] | None,
) -> TaskSpec:
    """The :class:`TaskSpec` that :meth:`CentralModel.add_task`'s arguments
    name.

    Parameters
    ----------
    task
        A TaskSpec (then ``labels`` and ``parent`` must be ``None``) or a
        non-empty task name.
    labels
        Class names, required with a name.
    parent
        A parent task name (needs ``mapping``), ``{parent: mapping}`` or
        ``None``.
    mapping
        ``{label: parent_label}`` for a parent given by name; ignored
        otherwise.

    Returns
    -------
    TaskSpec

    Raises
    ------
    CentralModelError
        If both a TaskSpec and labels/parent are given, the name is empty,
        labels are missing, or a named parent has no mapping.

    Examples
    --------
    >>> make_task_spec("fine", ["a1", "b1"], "c", {"a1": "a", "b1": "b"}).parents
    {'c': {'a1': 'a', 'b1': 'b'}}
    """
    if isinstance(task, TaskSpec):
        if labels is not None or parent is not None:
            raise CentralModelError(
                "give labels / parent in the TaskSpec or as arguments, not both"
            )
        return task
    if not isinstance(task, str) or not task:
        raise CentralModelError(
            f"a task is a TaskSpec or a non-empty name; got {task!r}"
        )
    if labels is None:
        raise CentralModelError(f"task {task!r}: pass labels=[...] (or a TaskSpec)")
    if isinstance(parent, str):
        if mapping is None:
            raise CentralModelError(
                f"task {task!r}: parent {parent!r} needs "
                "mapping={label: parent_label}"
            )
        parents: dict[str, Mapping[str, str]] = {parent: dict(mapping)}
    elif parent is None:
        parents = {}
    else:
        parents = {p: dict(m) for p, m in parent.items()}
    return TaskSpec(task, tuple(str(x) for x in labels), parents)


def find_dependency_cycle(up: Mapping[str, set[str]]) -> list[str] | None:
    """A dependency cycle as a path (``a -> b -> a``), or None."""
    color = dict.fromkeys(up, 0)
    stack: list[str] = []

    def visit(t: str) -> list[str] | None:
        color[t] = 1
        stack.append(t)
        for u in sorted(up[t]):
            if u not in color:
                continue
            if color[u] == 1:
                return stack[stack.index(u) :] + [u]
            if color[u] == 0 and (c := visit(u)) is not None:
                return c
        stack.pop()
        color[t] = 2
        return None

    for t in up:
        if color[t] == 0 and (c := visit(t)) is not None:
            return c[::-1]
    return None


def lf_changes(used: Mapping[str, str], working: Mapping[str, str]) -> list[str]:
    """LF changes between two ``{name: source_hash}`` sets, in words.

    Parameters
    ----------
    used
        The LF set something was computed from.
    working
        The current working LF set.

    Returns
    -------
    list of str
        Added, removed and edited names (each sorted); empty when equal.

    Examples
    --------
    >>> lf_changes({"a": "h1", "b": "h2"}, {"a": "h9", "c": "h3"})
    ["LF(s) ['c'] added", "LF(s) ['b'] removed", "LF(s) ['a'] edited"]
    """
    out = []
    added = sorted(n for n in working if n not in used)
    removed = sorted(n for n in used if n not in working)
    edited = sorted(n for n in working if n in used and used[n] != working[n])
    if added:
        out.append(f"LF(s) {added} added")
    if removed:
        out.append(f"LF(s) {removed} removed")
    if edited:
        out.append(f"LF(s) {edited} edited")
    return out


def stable_seed(name: str) -> int:
    """A seed offset from a task name, the same in every process."""
    return int(hashlib.sha256(name.encode()).hexdigest()[:6], 16)


def sub_arrays(arrays: Mapping[str, np.ndarray], prefix: str) -> dict[str, np.ndarray]:
    """The arrays whose name starts with ``prefix``, with it removed.

    Parameters
    ----------
    arrays
        ``{name: array}``.
    prefix
        E.g. ``"head."``.

    Returns
    -------
    dict of str to numpy.ndarray
        The same array objects (not copies).

    Examples
    --------
    >>> sorted(sub_arrays({"h.w": np.zeros(1), "t.w": np.ones(1)}, "h."))
    ['w']
    """
    return {k[len(prefix) :]: v for k, v in arrays.items() if k.startswith(prefix)}
