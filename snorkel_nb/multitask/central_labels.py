"""Label units of the central model: which tasks one label model labels jointly.

WHY. Tasks linked by graph edges (a fine task refining a coarse one) carry
information about each other: a fine vote says which coarse label is right,
and a coarse vote narrows the fine one. :class:`MultiTaskLabelModel` uses
that over a connected component's feasible joint label set, so the central
model fits **one** label model per connected component (a *label unit*) on
the component's ``{task: L}``; an edgeless task is a unit of its own and
gets the single-task :class:`LabelModel`. With ``label_model="majority"``
(an explicit option) or ``"independent"`` every task is its own unit.

A unit is one thing for :meth:`CentralModel.stale`: an LF edit in any of
its tasks refits the unit's label model, so every head of the unit gets
new targets. Units must form a DAG through prediction-reading LFs; within a
unit, an LF may read another task's predictions (the fine task reading the
coarse head): the head then trained on the unit's label model is the
*echo* of that label matrix and does not make it stale again, which is what
keeps retraining from looping.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import os
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from snorkel_nb.io import load_artifact, save_artifact
from snorkel_nb.labeling.model import LabelModel, MajorityLabelVoter
from snorkel_nb.multitask.central_state import find_dependency_cycle
from snorkel_nb.multitask.central_types import DependencyCycleError
from snorkel_nb.multitask.graph import TaskGraph
from snorkel_nb.multitask.label_model import MultiTaskLabelModel
from snorkel_nb.multitask.registry import CorruptArtifactError

LABEL_MODES = ("label_model", "independent", "majority")
"""``label_model``: one label model per connected component (multi-task where
the graph links tasks); ``independent``: a single-task LabelModel per task;
``majority``: per-task majority vote."""

UNIT_KIND = "central.label_model"


def label_units(
    graph: TaskGraph, order: Sequence[str], mode: str
) -> dict[str, tuple[str, ...]]:
    """``{task: its unit}``, each unit's tasks in ``order``.

    Parameters
    ----------
    graph
        The task graph; its connected components are the units.
    order
        Task order (units list their tasks in it).
    mode
        One of ``LABEL_MODES``; only ``"label_model"`` groups tasks.

    Returns
    -------
    dict of str to tuple of str
        Every task of a unit maps to the same tuple.

    Raises
    ------
    ValueError
        If ``mode`` is not one of ``LABEL_MODES``.

    Examples
    --------
    >>> g = TaskGraph({"c": ["a", "b"], "f": ["a1", "b1"], "x": ["p", "q"]})
    >>> _ = g.add_edge("c", "f", {"a1": "a", "b1": "b"})
    >>> label_units(g, ["c", "f", "x"], "label_model")["f"]
    ('c', 'f')
    >>> label_units(g, ["c", "f", "x"], "majority")["f"]
    ('f',)
    """
    if mode not in LABEL_MODES:
        raise ValueError(f"label mode must be one of {LABEL_MODES}; got {mode!r}")
    rank = {t: i for i, t in enumerate(order)}
    if mode != "label_model":
        return {t: (t,) for t in order}
    out: dict[str, tuple[str, ...]] = {}
    for comp in graph.components():
        unit = tuple(sorted(comp, key=lambda t: rank.get(t, len(rank))))
        out.update(dict.fromkeys(unit, unit))
    return out


def _unit_up(
    units: Mapping[str, tuple[str, ...]], uses: Mapping[str, Sequence[str]]
) -> dict[str, set[str]]:
    """Unit (named ``a+b``) -> the units whose predictions its LFs read."""
    up: dict[str, set[str]] = {"+".join(u): set() for u in units.values()}
    for t, us in uses.items():
        if t not in units:
            continue
        me = "+".join(units[t])
        up[me] |= {"+".join(units[u]) for u in us if u in units} - {me}
    return up


def check_units_acyclic(
    units: Mapping[str, tuple[str, ...]], uses: Mapping[str, Sequence[str]]
) -> None:
    """Refuse label units that read each other's predictions in a cycle.

    Parameters
    ----------
    units
        ``{task: its unit}`` (from :func:`label_units`).
    uses
        ``{task: tasks whose predictions its LFs read}``.

    Raises
    ------
    DependencyCycleError
        Naming the cycle of units.

    Examples
    --------
    >>> units = {"a": ("a",), "b": ("b", "c"), "c": ("b", "c")}
    >>> check_units_acyclic(units, {"b": ["a"], "c": ["b"]})  # within b+c: fine
    >>> check_units_acyclic(units, {"b": ["a"], "a": ["c"]})
    Traceback (most recent call last):
    ...
    snorkel_nb.multitask.central_types.DependencyCycleError: label units ...
    """
    cyc = find_dependency_cycle(_unit_up(units, uses))
    if cyc:
        raise DependencyCycleError(
            "label units (tasks linked by graph edges are labelled jointly) "
            "would read each other's predictions in a cycle: "
            + " -> ".join(cyc)
            + " (a task may read predictions of its own unit, or of units "
            "that do not read it)"
        )


def unit_order(
    order: Sequence[str],
    units: Mapping[str, tuple[str, ...]],
    uses: Mapping[str, Sequence[str]],
) -> list[tuple[str, ...]]:
    """Units in an order where each comes after the units it reads predictions
    of (ties: the position of the unit's first task in ``order``).

    Parameters
    ----------
    order
        Task order for the ties.
    units
        ``{task: its unit}``.
    uses
        ``{task: tasks whose predictions its LFs read}``.

    Returns
    -------
    list of tuple of str
        Every unit once.

    Raises
    ------
    DependencyCycleError
        If units read each other's predictions in a cycle.

    Examples
    --------
    >>> units = {"a": ("a",), "b": ("b", "c"), "c": ("b", "c")}
    >>> unit_order(["b", "a", "c"], units, {"c": ["a"]})
    [('a',), ('b', 'c')]
    """
    check_units_acyclic(units, uses)
    rank = {t: i for i, t in enumerate(order)}
    by_name = {"+".join(u): u for u in units.values()}
    up = _unit_up(units, uses)
    down: dict[str, list[str]] = {n: [] for n in up}
    for n, us in up.items():
        for u in us:
            down[u].append(n)
    need = {n: len(us) for n, us in up.items()}
    ready = [(min(rank[t] for t in by_name[n]), n) for n in up if need[n] == 0]
    heapq.heapify(ready)
    out = []
    while ready:
        _, n = heapq.heappop(ready)
        out.append(by_name[n])
        for c in down[n]:
            need[c] -= 1
            if need[c] == 0:
                heapq.heappush(ready, (min(rank[t] for t in by_name[c]), c))
    return out


def unit_graph(graph: TaskGraph, unit: Sequence[str]) -> TaskGraph:
    """The sub-graph of ``unit``'s tasks and the edges among them.

    Parameters
    ----------
    graph
        The full task graph.
    unit
        Tasks of ``graph``.

    Returns
    -------
    TaskGraph
        A new graph; ``graph`` is unchanged.

    Examples
    --------
    >>> g = TaskGraph({"c": ["a", "b"], "f": ["a1", "b1"], "x": ["p", "q"]})
    >>> _ = g.add_edge("c", "f", {"a1": "a", "b1": "b"})
    >>> sorted(unit_graph(g, ["c", "f"]).tasks), unit_graph(g, ["f"]).parents("f")
    (['c', 'f'], [])
    """
    g = TaskGraph({t: list(graph.labels(t)) for t in unit})
    for t in unit:
        for p in graph.parents(t):
            if p in g.tasks:
                g.add_edge(p, t, graph.mapping(p, t))
    return g


def fit_unit(
    graph: TaskGraph,
    unit: Sequence[str],
    Ls: Mapping[str, np.ndarray],
    mode: str,
    kwargs: Mapping[str, Any],
    Y_dev: Mapping[str, np.ndarray] | None = None,
) -> Any:
    """Fit the label model of ``unit`` on its tasks' train label matrices:
    majority vote, a :class:`LabelModel` (one task) or a
    :class:`MultiTaskLabelModel` (tasks linked by edges). ``Y_dev``:
    ``{task: gold dev indices}`` (-1 = unknown), used for the class balance
    only.

    Parameters
    ----------
    graph
        The task graph (labels, cardinalities, edges).
    unit
        The unit's tasks; exactly one for ``mode="majority"``.
    Ls
        ``{task: [n, m_task] int label matrix}``, -1 = abstain, same n rows.
    mode
        One of ``LABEL_MODES``.
    kwargs
        Passed to the ``LabelModel`` / ``MultiTaskLabelModel`` constructor.
    Y_dev
        ``{task: [n_dev] int gold}``, -1 = unknown; ``None`` for none.

    Returns
    -------
    MajorityLabelVoter, LabelModel or MultiTaskLabelModel
        Fitted (the voter needs no fit).
    """
    Y_dev = {t: y for t, y in (Y_dev or {}).items() if t in unit and (y >= 0).any()}
    if mode == "majority":
        (t,) = unit
        return MajorityLabelVoter(cardinality=graph.cardinality(t))
    if len(unit) == 1:
        (t,) = unit
        lm = LabelModel(cardinality=graph.cardinality(t), **kwargs)
        y = Y_dev.get(t)
        lm.fit(Ls[t], Y_dev=None if y is None else y[y >= 0])
        return lm
    return MultiTaskLabelModel(unit_graph(graph, unit), **kwargs).fit(
        {t: Ls[t] for t in unit}, Y_dev=Y_dev or None
    )


def unit_probs(model: Any, Ls: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``{task: [n, k] float32}`` label-model targets; rows on which no LF of
    the unit votes get -1 (no label for the head's loss).

    A multi-task unit's task marginals are renormalised (a task's N/A mass,
    where its parent label is not refined, is dropped: the head has no N/A
    class); rows with all mass on N/A get -1 too.

    Parameters
    ----------
    model
        A fitted unit model from :func:`fit_unit`.
    Ls
        ``{task: [n, m_task] int label matrix}`` of the unit's tasks
        (one task unless ``model`` is a ``MultiTaskLabelModel``).

    Returns
    -------
    dict of str to numpy.ndarray
        ``{task: [n, k_task] float32}``; unlabelled rows are all -1.

    Examples
    --------
    >>> L = np.array([[1, 1], [0, -1], [-1, -1]])
    >>> unit_probs(MajorityLabelVoter(cardinality=2), {"t": L})["t"].tolist()
    [[0.0, 1.0], [1.0, 0.0], [-1.0, -1.0]]
    """
    voted = np.zeros(len(next(iter(Ls.values()))), dtype=bool)
    for L in Ls.values():
        voted |= (L >= 0).any(1)
    if isinstance(model, MultiTaskLabelModel):
        P = model.predict_proba(dict(Ls))
    else:
        ((t, L),) = Ls.items()
        P = {t: model.predict_proba(L)}
    out = {}
    for t, p in P.items():
        if isinstance(model, MultiTaskLabelModel):
            p = np.asarray(p, dtype=np.float64)
            s = p.sum(1, keepdims=True)
            p = np.divide(p, s, out=np.zeros_like(p), where=s > 1e-12)
            voted_t = voted & (s[:, 0] > 1e-12)
        else:
            voted_t = voted
        q = np.asarray(p).astype(np.float32)
        q[~voted_t] = -1
        out[t] = q
    return out


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save_unit(model: Any, mode: str) -> Callable[[Path], None]:
    """A writer for :meth:`TaskRegistry.save_file`: majority vote and the
    single-task LabelModel as before; a MultiTaskLabelModel beside a small
    artefact that records the sha256 of each of its files (checked on load).

    Parameters
    ----------
    model
        A unit model from :func:`fit_unit`.
    mode
        The label mode it was fitted with; not read (the file format
        follows the model's type).

    Returns
    -------
    callable
        ``write(path)``; :func:`load_unit` reads ``path`` back.
    """

    def write(path: Path) -> None:
        if isinstance(model, MajorityLabelVoter):
            save_artifact(
                path, UNIT_KIND, {"model": "majority", "k": model.cardinality}
            )
        elif isinstance(model, MultiTaskLabelModel):
            inner = path.with_name(path.name + ".mtlm")
            model.save(inner)
            files = sorted(
                p for p in path.parent.iterdir() if p.name.startswith(inner.name)
            )
            save_artifact(
                path,
                UNIT_KIND,
                {
                    "model": "multitask",
                    "tasks": list(model.graph.tasks),
                    "files": {p.name: _digest(p) for p in files},
                },
            )
        else:
            model.save(path)

    return write


def load_unit(path: str | os.PathLike) -> Any:
    """Load what :func:`save_unit` wrote (``path`` already verified by the
    registry); a damaged inner file raises :class:`CorruptArtifactError`
    naming it."""
    path = Path(path)
    doc_kind = _kind(path)
    if doc_kind != UNIT_KIND:
        return LabelModel.load(path)
    config, _, _ = load_artifact(path, kind=UNIT_KIND)
    if config["model"] == "majority":
        return MajorityLabelVoter(cardinality=int(config["k"]))
    for name, digest in config["files"].items():
        p = path.with_name(name)
        if not p.exists():
            raise CorruptArtifactError(p, "is missing")
        if _digest(p) != digest:
            raise CorruptArtifactError(
                p, "does not match its recorded sha256 (corrupt or overwritten)"
            )
    return MultiTaskLabelModel.load(path.with_name(path.name + ".mtlm"))


def _kind(path: Path) -> str | None:
    try:
        return json.loads(path.read_text()).get("kind")
    except (OSError, ValueError) as e:
        raise CorruptArtifactError(path, f"cannot be read: {e}") from e


def unit_matrices(lm_inputs: Mapping[str, Any], task: str | None) -> dict[str, str]:
    """``{task: label matrix id}`` a label model artefact was fitted on.

    Parameters
    ----------
    lm_inputs
        The label model artefact's ``inputs``: ``{"label_matrices": {task:
        id}}`` (a unit) or ``{"label_matrix": id}`` (one task).
    task
        The task of a one-task artefact (``""`` if ``None``).

    Returns
    -------
    dict of str to str
        Empty when ``lm_inputs`` names no matrix.

    Examples
    --------
    >>> unit_matrices({"label_matrix": "la-1"}, "t")
    {'t': 'la-1'}
    """
    if "label_matrices" in lm_inputs:
        return dict(lm_inputs["label_matrices"])
    if "label_matrix" in lm_inputs:
        return {task or "": lm_inputs["label_matrix"]}
    return {}
