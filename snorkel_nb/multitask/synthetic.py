"""Synthetic hierarchical weak supervision with planted LF accuracies.

A two-level graph (``k_coarse`` coarse labels, ``fine_per_coarse`` fine labels
under each) with conditionally independent LFs on both levels. A coarse LF
that fires is right with its planted accuracy, else uniformly wrong. A fine
LF that fires is right with its accuracy; its errors fall on a sibling (same
coarse label) with probability ``sibling_error`` - the typical confusion of
fine-grained rules - and on any other fine label otherwise. Coarse LFs
therefore carry information the fine task cannot get from fine LFs alone.

``single_label=True`` plants keyword-style rules instead (TREC's regime):
each LF votes one label of its task, firing on a share (its propensity) of
that label's rows plus enough other rows that its precision - the chance
its vote is right - is the planted accuracy; a fine rule's false fires fall
on a sibling's rows with probability ``sibling_error``.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from snorkel_nb.multitask.graph import TaskGraph


@dataclasses.dataclass
class HierarchicalData:
    """A generated two-level data set and its planted parameters.

    Attributes
    ----------
    graph : TaskGraph
        ``coarse -> fine``.
    L, Y : dict of str to numpy.ndarray
        Per task, the [n, m_t] int8 label matrix (-1 = abstain) and the [n]
        true labels.
    accuracies, propensities : dict of str to numpy.ndarray
        Per task, each LF's planted accuracy and firing rate.
    """

    graph: TaskGraph
    L: dict[str, np.ndarray]
    Y: dict[str, np.ndarray]
    accuracies: dict[str, np.ndarray]
    propensities: dict[str, np.ndarray]


def hierarchy_graph(k_coarse: int, fine_per_coarse: int | list[int]) -> TaskGraph:
    """Two-level graph ``coarse`` (C0, C1, ...) -> ``fine`` (C0:f0, ...).

    Parameters
    ----------
    k_coarse : int
        Number of coarse labels.
    fine_per_coarse : int or list of int
        Fine labels under each coarse label (one count for all, or one per
        coarse label).

    Returns
    -------
    TaskGraph

    Raises
    ------
    ValueError
        If a list ``fine_per_coarse`` does not have ``k_coarse`` entries.

    Examples
    --------
    >>> hierarchy_graph(2, [2, 1]).labels("fine")
    ('C0:f0', 'C0:f1', 'C1:f0')
    """
    per = (
        [fine_per_coarse] * k_coarse
        if isinstance(fine_per_coarse, int)
        else list(fine_per_coarse)
    )
    if len(per) != k_coarse:
        raise ValueError(f"fine_per_coarse has {len(per)} entries; k_coarse={k_coarse}")
    return TaskGraph.from_hierarchy(
        [f"C{c}:f{j}" for c in range(k_coarse) for j in range(per[c])]
    )


def generate_hierarchical(
    n: int = 5000,
    k_coarse: int = 3,
    fine_per_coarse: int | list[int] = 3,
    m_coarse: int = 6,
    m_fine: int = 10,
    acc_range: tuple[float, float] = (0.55, 0.9),
    propensity: tuple[float, float] = (0.2, 0.6),
    sibling_error: float = 0.8,
    seed: int = 0,
    single_label: bool = False,
) -> HierarchicalData:
    """Draw labels and LF votes; returns graph, ``L``/``Y``/planted parameters per task.

    Parameters
    ----------
    n : int, default 5000
        Number of rows.
    k_coarse : int, default 3
        Number of coarse labels.
    fine_per_coarse : int or list of int, default 3
        Fine labels under each coarse label.
    m_coarse, m_fine : int, default 6 and 10
        LFs on each task.
    acc_range : (float, float), default (0.55, 0.9)
        Planted accuracies are drawn uniformly from this range.
    propensity : (float, float), default (0.2, 0.6)
        Planted firing rates are drawn uniformly from this range.
    sibling_error : float, default 0.8
        Share of a fine LF's errors that fall on a sibling label.
    seed : int, default 0
        Seed of the generator.
    single_label : bool, default False
        Plant one-label keyword-style rules instead (see the module doc).

    Returns
    -------
    HierarchicalData
        ``graph``, and per task ``L`` ([n, m_t] int8, -1 = abstain), ``Y``
        ([n]), ``accuracies`` and ``propensities`` ([m_t]).

    Raises
    ------
    ValueError
        If ``n < 1`` or an LF count is negative.

    Examples
    --------
    >>> d = generate_hierarchical(n=2000, seed=0)
    >>> d.L["coarse"].shape, d.L["fine"].shape
    ((2000, 6), (2000, 10))
    >>> fired = d.L["fine"][:, 0] >= 0
    >>> acc = (d.L["fine"][fired, 0] == d.Y["fine"][fired]).mean()
    >>> bool(abs(acc - d.accuracies["fine"][0]) < 0.08)
    True
    """
    if n < 1 or m_coarse < 0 or m_fine < 0:
        raise ValueError("n must be >= 1 and LF counts >= 0")
    rng = np.random.default_rng(seed)
    g = hierarchy_graph(k_coarse, fine_per_coarse)
    fine_labels = g.labels("fine")
    parent = np.array(
        [
            g.label_index("coarse", g.parent_label("coarse", "fine", f))
            for f in fine_labels
        ]
    )
    kf = len(fine_labels)
    balance = rng.dirichlet(np.full(kf, 5.0))
    yf = rng.choice(kf, size=n, p=balance)
    yc = parent[yf]
    Y = {"coarse": yc, "fine": yf}
    acc = {
        "coarse": rng.uniform(*acc_range, size=m_coarse),
        "fine": rng.uniform(*acc_range, size=m_fine),
    }
    prop = {
        "coarse": rng.uniform(*propensity, size=m_coarse),
        "fine": rng.uniform(*propensity, size=m_fine),
    }
    L = {
        "coarse": np.full((n, m_coarse), -1, np.int8),
        "fine": np.full((n, m_fine), -1, np.int8),
    }
    if single_label:
        _single_label_votes(rng, L, Y, acc, prop, parent, sibling_error)
        return HierarchicalData(g, L, Y, acc, prop)
    for j in range(m_coarse):
        fires = rng.random(n) < prop["coarse"][j]
        right = rng.random(n) < acc["coarse"][j]
        wrong = (yc + rng.integers(1, k_coarse, size=n)) % k_coarse
        L["coarse"][fires, j] = np.where(right, yc, wrong)[fires]
    siblings = [np.flatnonzero(parent == parent[f]) for f in range(kf)]
    for j in range(m_fine):
        fires = rng.random(n) < prop["fine"][j]
        right = rng.random(n) < acc["fine"][j]
        vote = yf.copy()
        for i in np.flatnonzero(fires & ~right):
            sib = siblings[yf[i]][siblings[yf[i]] != yf[i]]
            if len(sib) and rng.random() < sibling_error:
                vote[i] = rng.choice(sib)
            else:
                vote[i] = (yf[i] + rng.integers(1, kf)) % kf
        L["fine"][fires, j] = vote[fires]
    return HierarchicalData(g, L, Y, acc, prop)


def _single_label_votes(
    rng: np.random.Generator,
    L: dict[str, np.ndarray],
    Y: dict[str, np.ndarray],
    acc: dict[str, np.ndarray],
    prop: dict[str, np.ndarray],
    parent: np.ndarray,
    sibling_error: float,
) -> None:
    """Fill ``L`` with one-label rules of planted precision (see the module doc)."""
    for task, k in (("coarse", int(parent.max()) + 1), ("fine", len(parent))):
        y = Y[task]
        for j in range(L[task].shape[1]):
            target = int(rng.integers(k))
            hits = np.flatnonzero(y == target)
            fire = hits[rng.random(len(hits)) < prop[task][j]]
            n_false = int(round(len(fire) * (1 - acc[task][j]) / acc[task][j]))
            others = np.flatnonzero(y != target)
            if task == "fine":
                sib = (parent[y] == parent[target]) & (y != target)
                near, far = np.flatnonzero(sib), np.flatnonzero(~sib & (y != target))
                n_near = min(len(near), int(rng.binomial(n_false, sibling_error)))
                false = np.concatenate(
                    [
                        rng.choice(near, n_near, replace=False),
                        rng.choice(far, min(len(far), n_false - n_near), replace=False),
                    ]
                )
            else:
                false = rng.choice(others, min(len(others), n_false), replace=False)
            rows = np.concatenate([fire, false]).astype(np.int64)
            L[task][rows, j] = target
            # the planted accuracy is the realised precision of this draw
            acc[task][j] = len(fire) / max(len(rows), 1)
