"""MultiTaskLabelModel: the project's LabelModel over a graph's feasible joint set.

Per connected component of the TaskGraph, one
:class:`~snorkel_nb.labeling.model.LabelModel` is fitted with the latent
variable ranging over the component's **feasible joint label set** and each
LF's own vote alphabet (its task's labels), via the engine's ``vote_sets``:
vote v of an LF on task t is consistent with joint state s iff s gives t the
label v. So a fine LF informs the coarse task and coarse LFs narrow the fine
one, with no second label-model implementation. Components are independent:
an edgeless graph (multi-label) is t separate models, never a 2^t joint set;
a one-task component is the plain single-task LabelModel fit.

Task marginals are sums of joint-state probabilities, so they agree with the
graph: a parent label's probability equals the sum over its child labels
(plus the child's N/A mass where the parent label is not refined).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
from snorkel_nb.progress import progress_bar as tqdm

from snorkel_nb.io import load_artifact, save_artifact
from snorkel_nb.labeling.model import LabelModel, LabelStats
from snorkel_nb.labeling.model.majority import vote_counts
from snorkel_nb.labeling.model.voted import condition_on_allowed
from snorkel_nb.multitask.graph import NOT_APPLICABLE, TaskGraph

KIND = "snorkel_nb.multitask.MultiTaskLabelModel"


def _vote_sets(states: np.ndarray, col: int, k: int) -> np.ndarray:
    """[k, J]: label v of the task in column ``col`` is consistent with state s."""
    return states[None, :, col] == np.arange(k)[:, None]


def joint_prior(
    states: np.ndarray,
    tasks: Sequence[str],
    graph: TaskGraph,
    marginals: Mapping[str, np.ndarray],
    n_iter: int = 200,
) -> np.ndarray:
    """[J] prior over joint states matching the given per-task marginals (IPF).

    A task's marginal over its labels may sum to < 1; the rest is its N/A mass.

    Parameters
    ----------
    states : numpy.ndarray
        [J, t] joint states of one component (``graph.feasible_set``), -1 =
        N/A.
    tasks : sequence of str
        The component's tasks, one per column of ``states``.
    graph : TaskGraph
        The graph (for each task's cardinality).
    marginals : mapping of str to array-like
        ``{task: [k_t] marginal}`` for some or all of ``tasks``.
    n_iter : int, default 200
        Iterative proportional fitting sweeps.

    Returns
    -------
    numpy.ndarray
        [J] probabilities summing to 1, starting from uniform.

    Examples
    --------
    >>> g = TaskGraph({"coarse": ["HUM", "LOC"], "fine": ["ind", "gr", "city"]})
    >>> _ = g.add_edge("coarse", "fine", {"ind": "HUM", "gr": "HUM", "city": "LOC"})
    >>> tasks, states = g.feasible_set()
    >>> joint_prior(states, tasks, g, {"coarse": [0.8, 0.2]}).round(3).tolist()
    [0.4, 0.4, 0.2]
    """
    p = np.full(len(states), 1.0 / len(states))
    for _ in range(n_iter):
        for i, t in enumerate(tasks):
            if t not in marginals:
                continue
            k = graph.cardinality(t)
            target = np.asarray(marginals[t], dtype=float)
            cats = np.where(states[:, i] == NOT_APPLICABLE, k, states[:, i])
            want = np.append(target, max(0.0, 1 - target.sum()))
            have = np.bincount(cats, weights=p, minlength=k + 1)
            ratio = np.divide(want, have, out=np.zeros_like(want), where=have > 0)
            p = p * ratio[cats]
            p /= p.sum()
    return p


def _columns(mats: Sequence[np.ndarray]) -> list[np.ndarray]:
    """The LF columns of several [n, m_t] matrices, in order, without a copy."""
    return [M[:, j] for M in mats for j in range(M.shape[1])]


def _compress(
    L: np.ndarray | Sequence[np.ndarray], alphabets: Sequence[np.ndarray]
) -> np.ndarray:
    """Votes -> positions in each LF's alphabet; votes outside it abstain (an
    LF's table has no entry for a label it never voted while fitting).

    ``L`` may be a list of per-task matrices: they are read column by column
    into one int8 matrix, never stacked first (one copy of the votes, not two).
    """
    cols = _columns([L] if isinstance(L, np.ndarray) else list(L))
    n = len(cols[0]) if cols else 0
    out = np.full(
        (n, len(cols)),
        -1,
        dtype=np.int8 if max(map(len, alphabets)) < 127 else np.int32,
    )
    for j, (col, a) in enumerate(zip(cols, alphabets)):
        on = col >= 0
        if len(a) == 1:  # one-label rule: no position search needed
            out[on & (col == a[0]), j] = 0
            continue
        v = col[on]
        pos = np.searchsorted(a, v)
        ok = pos < len(a)
        ok[ok] = a[pos[ok]] == v[ok]
        idx = np.flatnonzero(on)[ok]
        out[idx, j] = pos[ok]
    return out


def default_settings(
    n_rows: int, n_states: int, one_label_share: float = 1.0
) -> dict[str, float]:
    """Gold-free LabelModel settings for a multi-task component (no dev tuning).

    WHY. Over a joint set of J states, a one-label rule has a firing rate
    per state, and the votes identify few of them: on TREC (J = 50, 150 such
    rules) the engine defaults (weak prior, EM polish) let the latent states
    drift from their labels and the fine task collapsed on test, while the
    *held-out* vote likelihood rose, so likelihood-based selection would pick
    the drift. Two choices that need no gold: no EM polish (the pairwise
    moments are less distorted by dependent rules than the full likelihood),
    and a majority-vote-centred prior with, per state,
    ``one_label_share * n / J`` pseudo-counts: for one-label rules as many as
    an average state has rows (tables shrunk about half-way to majority
    vote's), for LFs that vote several labels none beyond the engine's 1
    (their overlaps identify their tables; the strong prior would blur the
    planted accuracies). On TREC the rule lands next to the dev-chosen value;
    bench/results/multitask.md has the measured figures and synthetic grids.

    Parameters
    ----------
    n_rows : int
        Rows the component is fitted on (>= 1).
    n_states : int
        Size ``J`` of the component's feasible joint set (>= 1).
    one_label_share : float, default 1.0
        Share, in [0, 1], of the component's LFs that only ever cast one
        vote (keyword / regex rules).

    Returns
    -------
    dict
        ``{"em_steps": 0, "prior_strength": max(1, share * n / J)}``
        (rounded to 2 decimals), as ``LabelModel`` keywords.

    Raises
    ------
    ValueError
        If ``n_rows`` or ``n_states`` is < 1, or ``one_label_share`` lies
        outside [0, 1].

    Examples
    --------
    >>> default_settings(4952, 50)
    {'em_steps': 0, 'prior_strength': 99.04}
    >>> default_settings(3000, 9, one_label_share=0.0)
    {'em_steps': 0, 'prior_strength': 1.0}
    """
    if n_rows < 1 or n_states < 1:
        raise ValueError(f"n_rows and n_states must be >= 1; got {n_rows}, {n_states}")
    if not 0.0 <= one_label_share <= 1.0:
        raise ValueError(f"one_label_share must be in [0, 1]; got {one_label_share}")
    return {
        "em_steps": 0,
        "prior_strength": round(max(1.0, one_label_share * n_rows / n_states), 2),
    }


class MultiTaskLabelModel:
    """Multi-task label model over a :class:`TaskGraph`.

    Parameters
    ----------
    graph
        Tasks and refinements.
    voted_states : bool, default True
        Decide among the joint states the row's LFs voted for: finest task
        first, each task with votes narrows the states to labels it voted
        for unless none would remain (then a fine vote, which implies its
        coarse label, wins over a contradicting coarse rule). The joint
        posterior is conditioned on the allowed states
        (``condition_on_allowed``), so outputs stay consistent with the graph.
        On TREC test it lifts the joint model well above majority vote;
        where the generative model is exactly true (the synthetic
        hierarchies) it costs up to a few coarse points (figures in
        bench/results/multitask.md). ``False``: the full posterior.
    **label_model_kwargs
        Passed to every component's :class:`LabelModel` (e.g. ``seed``).
        A multi-task component (two or more tasks, a joint latent set of J
        states) fitted on n rows gets, unless these are given,
        ``em_steps=0`` and ``prior_strength=n / J`` (see ``default_settings``);
        a one-task component gets the plain ``LabelModel`` defaults.

    Examples
    --------
    >>> from snorkel_nb.multitask.synthetic import generate_hierarchical
    >>> d = generate_hierarchical(n=3000, seed=0)
    >>> mt = MultiTaskLabelModel(d.graph).fit(d.L)
    >>> P = mt.predict_proba(d.L)
    >>> P["coarse"].shape, P["fine"].shape
    ((3000, 3), (3000, 9))
    >>> parent = [d.graph.labels("coarse").index(d.graph.parent_label(
    ...     "coarse", "fine", f)) for f in d.graph.labels("fine")]
    >>> summed = np.stack([P["fine"][:, np.equal(parent, c)].sum(1)
    ...                    for c in range(3)], 1)
    >>> bool(np.allclose(summed, P["coarse"]))
    True
    """

    def __init__(
        self,
        graph: TaskGraph,
        *,
        voted_states: bool = True,
        **label_model_kwargs: Any,
    ) -> None:
        if not isinstance(graph, TaskGraph):
            raise TypeError(f"graph must be a TaskGraph, got {type(graph).__name__}")
        graph.validate()
        self.graph = graph
        self.voted_states = bool(voted_states)
        self.label_model_kwargs = dict(label_model_kwargs)
        self.components = graph.components()
        self.models_: list[LabelModel] | None = None
        self.columns_: dict[str, int] | None = None
        self.alphabets_: list[list[np.ndarray]] = []

    # -- input checks ----------------------------------------------------------
    def _check_L(
        self, L_dict: Mapping[str, Any], fitting: bool = False
    ) -> dict[str, np.ndarray]:
        if not isinstance(L_dict, Mapping):
            raise TypeError(
                f"L_dict must be a {{task: L_t}} dict, got {type(L_dict).__name__}"
            )
        missing = [t for t in self.graph.tasks if t not in L_dict]
        if missing:
            raise ValueError(
                f"L_dict is missing task(s) {missing}; give every task "
                "a matrix (an [n, 0] one if no LF votes on it)"
            )
        extra = [t for t in L_dict if t not in self.graph.tasks]
        if extra:
            raise ValueError(
                f"L_dict has unknown task(s) {extra}; tasks are {self.graph.tasks}"
            )
        out, rows = {}, {}
        for t in self.graph.tasks:
            L = np.asarray(L_dict[t])
            if L.ndim != 2:
                raise ValueError(
                    f"L_dict[{t!r}] must be a 2-D [n, m] matrix; got shape {L.shape}"
                )
            if L.size and not np.issubdtype(L.dtype, np.integer):
                if np.isnan(L.astype(float)).any():
                    raise ValueError(f"L_dict[{t!r}] contains NaN")
                if (L != np.round(L)).any():
                    raise ValueError(f"L_dict[{t!r}] must hold integer labels")
            L = L.astype(
                np.int8 if self.graph.cardinality(t) < 127 else np.int32, copy=False
            )
            k = self.graph.cardinality(t)
            if L.size and (L.min() < -1 or L.max() >= k):
                j = int(np.nonzero((L < -1).any(0) | (L >= k).any(0))[0][0])
                raise ValueError(
                    f"L_dict[{t!r}] column {j} votes outside -1..{k - 1} "
                    f"(task {t!r} has labels {list(self.graph.labels(t))})"
                )
            out[t], rows[t] = L, L.shape[0]
        if len(set(rows.values())) > 1:
            raise ValueError(f"the task matrices have different row counts {rows}")
        if self.columns_ is not None and not fitting:
            cols = {t: L.shape[1] for t, L in out.items()}
            if cols != self.columns_:
                raise ValueError(
                    f"LF columns per task {cols} differ from those the "
                    f"model was fitted with {self.columns_}"
                )
        return out

    # -- fitting -------------------------------------------------------------------
    def fit(
        self,
        L_dict: Mapping[str, Any],
        class_balance: Mapping[str, Any] | None = None,
        Y_dev: Mapping[str, Any] | None = None,
        progress_bar: bool = False,
    ) -> "MultiTaskLabelModel":
        """Learn every LF's conditionals over its component's joint set, no gold.

        Parameters
        ----------
        L_dict : mapping of str to array-like
            ``{task: [n, m_t] label matrix}`` for every task of the graph
            (votes in 0..k_t-1, -1 = abstain; an [n, 0] matrix for a task no
            LF votes on).
        class_balance : mapping of str to array-like, optional
            ``{task: [k_t] prior}`` (may sum to < 1: the rest is N/A).
        Y_dev : mapping of str to array-like, optional
            ``{task: gold labels}`` (-1 = unknown), used only for the class
            balance, as in ``LabelModel``.
        progress_bar : bool, default False
            Show one step per connected component.

        Returns
        -------
        MultiTaskLabelModel
            ``self``, fitted.

        Raises
        ------
        ValueError
            If a task is missing or unknown, a matrix is not 2-D, holds NaN,
            non-integers or votes outside -1..k_t-1, the row counts differ, a
            component has no LF, or a class balance / ``Y_dev`` is malformed.
        TypeError
            If ``L_dict`` is not a mapping.

        Examples
        --------
        >>> from snorkel_nb.multitask.synthetic import generate_hierarchical
        >>> d = generate_hierarchical(n=2000, seed=0)
        >>> mt = MultiTaskLabelModel(d.graph).fit(d.L)
        >>> sorted(mt.columns_.items())
        [('coarse', 6), ('fine', 10)]
        """
        L = self._check_L(L_dict, fitting=True)
        models = []
        self.alphabets_ = []
        for comp in tqdm(self.components, disable=not progress_bar, desc="components"):
            tasks, states = self.graph.feasible_set(comp)
            if sum(L[t].shape[1] for t in tasks) == 0:
                raise ValueError(
                    f"no LF votes on task(s) {list(tasks)}; a label model "
                    "needs at least one LF per connected component"
                )
            cb = self._component_balance(tasks, states, class_balance, Y_dev)
            kw = dict(self.label_model_kwargs)
            if len(tasks) == 1:
                lm = LabelModel(cardinality=len(states), **kw)
                lm.fit(L[tasks[0]], class_balance=cb)
            else:
                cols = _columns([L[t] for t in tasks])
                # Each LF's alphabet = the labels it votes in the training data
                # (a keyword LF voting one fine label gets a 1-vote alphabet,
                # not all 50: the engine's cost grows with the alphabets).
                owner = [i for i, t in enumerate(tasks) for _ in range(L[t].shape[1])]
                alphabets = [np.unique(c[c >= 0]) for c in cols]
                share = float(
                    np.mean([len(a) == 1 for a in alphabets if len(a)] or [0])
                )
                alphabets = [a if len(a) else np.array([0]) for a in alphabets]
                vs = [
                    _vote_sets(
                        states, owner[j], self.graph.cardinality(tasks[owner[j]])
                    )[a]
                    for j, a in enumerate(alphabets)
                ]
                del cols
                auto = default_settings(L[tasks[0]].shape[0], len(states), share)
                for key, v in auto.items():
                    kw.setdefault(key, v)
                lm = LabelModel(cardinality=len(states), **kw)
                lm.fit(
                    _compress([L[t] for t in tasks], alphabets),
                    class_balance=cb,
                    vote_sets=vs,
                )
                self.alphabets_.append(alphabets)
            models.append(lm)
        self.models_ = models
        self.columns_ = {t: m.shape[1] for t, m in L.items()}
        return self

    # -- fitting from summable statistics ---------------------------------------
    def alphabets(self, L_dict: Mapping[str, Any]) -> list[list[np.ndarray]]:
        """Per multi-task component, each LF's alphabet (the labels it votes
        in ``L_dict``), as ``fit`` derives them; over row chunks, take the
        union per LF (``np.union1d``) before calling :meth:`stats`.

        Parameters
        ----------
        L_dict : mapping of str to array-like
            ``{task: [n, m_t] label matrix}`` for every task.

        Returns
        -------
        list of list of numpy.ndarray
            Per multi-task component, one sorted label array per LF.
        """
        L = self._check_L(L_dict, fitting=True)
        out = []
        for comp in self.components:
            tasks, _ = self.graph.feasible_set(comp)
            if len(tasks) > 1:
                out.append(
                    [np.unique(c[c >= 0]) for c in _columns([L[t] for t in tasks])]
                )
        return out

    def stats(
        self,
        L_dict: Mapping[str, Any],
        alphabets: Sequence[Sequence[np.ndarray]] | None = None,
    ) -> list[LabelStats]:
        """Summable statistics, one :class:`LabelStats` per connected component.

        Statistics of row chunks add up (``s1[i] + s2[i]``) to those of the
        stacked rows when every chunk is coded with the same ``alphabets``.
        Fit with :meth:`fit_stats`.

        Parameters
        ----------
        L_dict : mapping of str to array-like
            ``{task: [n, m_t] label matrix}`` for every task (as in ``fit``).
        alphabets : sequence of sequence of numpy.ndarray, optional
            Per multi-task component, each LF's alphabet; default: those of
            ``L_dict`` (see :meth:`alphabets`).

        Returns
        -------
        list of LabelStats
            One per connected component, in ``self.components`` order.

        Raises
        ------
        ValueError, TypeError
            On a malformed ``L_dict`` (as in ``fit``).

        Examples
        --------
        >>> from snorkel_nb.multitask.synthetic import generate_hierarchical
        >>> d = generate_hierarchical(n=2000, seed=0)
        >>> mt = MultiTaskLabelModel(d.graph)
        >>> half = {t: L[:1000] for t, L in d.L.items()}
        >>> rest = {t: L[1000:] for t, L in d.L.items()}
        >>> a = mt.alphabets(d.L)
        >>> s = [x + y for x, y in zip(mt.stats(half, a), mt.stats(rest, a))]
        >>> s[0].n, s[0].m
        (2000, 16)
        """
        L = self._check_L(L_dict, fitting=True)
        alphabets = self.alphabets(L) if alphabets is None else alphabets
        multi = iter(alphabets)
        out = []
        for comp in self.components:
            tasks, _ = self.graph.feasible_set(comp)
            if len(tasks) == 1:
                out.append(
                    LabelStats.from_matrix(
                        L[tasks[0]], self.graph.cardinality(tasks[0])
                    )
                )
                continue
            alpha = [a if len(a) else np.array([0]) for a in next(multi)]
            Lc = _compress([L[t] for t in tasks], alpha)
            out.append(LabelStats.from_matrix(Lc, max(map(len, alpha)), validate=False))
        return out

    def fit_stats(
        self,
        stats: Sequence[LabelStats],
        alphabets: Sequence[Sequence[np.ndarray]],
        columns: Mapping[str, int],
        class_balance: Mapping[str, Any] | None = None,
        Y_dev: Mapping[str, Any] | None = None,
    ) -> "MultiTaskLabelModel":
        """``fit`` from per-component statistics (see :meth:`stats`), e.g.
        summed over row chunks or partitions.

        Same fit as ``fit`` on the stacked rows (small n; a one-task
        component over 50k rows is fitted on its full patterns here, on a
        row sample's in ``fit``).

        Parameters
        ----------
        stats : sequence of LabelStats
            One per connected component, in ``self.components`` order.
        alphabets : sequence of sequence of numpy.ndarray
            The alphabets the statistics were coded with (see
            :meth:`alphabets`).
        columns : mapping of str to int
            ``{task: number of LFs}`` for every task.
        class_balance : mapping of str to array-like, optional
            ``{task: [k_t] prior}``, as in ``fit``.
        Y_dev : mapping of str to array-like, optional
            ``{task: gold labels}``, used only for the class balance.

        Returns
        -------
        MultiTaskLabelModel
            ``self``, fitted.

        Raises
        ------
        ValueError
            If ``stats`` does not have one entry per component, ``columns``
            misses a task, or the alphabets and columns do not match a
            component's LF count.
        TypeError
            If an entry of ``stats`` is not a ``LabelStats``.

        Examples
        --------
        >>> from snorkel_nb.multitask.synthetic import generate_hierarchical
        >>> d = generate_hierarchical(n=2000, seed=0)
        >>> mt = MultiTaskLabelModel(d.graph)
        >>> a = mt.alphabets(d.L)
        >>> cols = {t: L.shape[1] for t, L in d.L.items()}
        >>> P = mt.fit_stats(mt.stats(d.L, a), a, cols).predict_proba(d.L)
        >>> ref = MultiTaskLabelModel(d.graph).fit(d.L).predict_proba(d.L)
        >>> bool(np.allclose(P["fine"], ref["fine"], atol=1e-6))
        True
        """
        if len(stats) != len(self.components):
            raise ValueError(
                f"stats has {len(stats)} entries for "
                f"{len(self.components)} connected components."
            )
        missing = [t for t in self.graph.tasks if t not in columns]
        if missing:
            raise ValueError(f"columns is missing task(s) {missing}.")
        models, multi, kept = [], iter(alphabets), []
        for comp, st in zip(self.components, stats):
            tasks, states = self.graph.feasible_set(comp)
            if not isinstance(st, LabelStats):
                raise TypeError(
                    f"stats entries must be LabelStats; got {type(st).__name__}"
                )
            cb = self._component_balance(tasks, states, class_balance, Y_dev)
            kw = dict(self.label_model_kwargs)
            if len(tasks) == 1:
                lm = LabelModel(cardinality=len(states), **kw).fit_stats(
                    st, class_balance=cb
                )
            else:
                raw = list(next(multi))
                owner = [i for i, t in enumerate(tasks) for _ in range(int(columns[t]))]
                if not len(raw) == len(owner) == st.m:
                    raise ValueError(
                        f"component {list(tasks)}: {len(raw)} alphabets and "
                        f"{len(owner)} columns for {st.m} LF columns in its stats."
                    )
                share = float(np.mean([len(a) == 1 for a in raw if len(a)] or [0]))
                alpha = [a if len(a) else np.array([0]) for a in raw]
                vs = [
                    _vote_sets(
                        states, owner[j], self.graph.cardinality(tasks[owner[j]])
                    )[a]
                    for j, a in enumerate(alpha)
                ]
                for key, v in default_settings(st.n, len(states), share).items():
                    kw.setdefault(key, v)
                lm = LabelModel(cardinality=len(states), **kw).fit_stats(
                    st, class_balance=cb, vote_sets=vs
                )
                kept.append(alpha)
            models.append(lm)
        self.models_, self.alphabets_ = models, kept
        self.columns_ = {t: int(columns[t]) for t in self.graph.tasks}
        return self

    def _component_balance(
        self,
        tasks: Sequence[str],
        states: np.ndarray,
        class_balance: Mapping[str, Any] | None,
        Y_dev: Mapping[str, Any] | None,
    ) -> np.ndarray | None:
        marg: dict[str, np.ndarray] = {}
        for t in tasks:
            k = self.graph.cardinality(t)
            if class_balance is not None and t in class_balance:
                cb = np.asarray(class_balance[t], dtype=float)
                if cb.shape != (k,) or (cb < 0).any() or cb.sum() > 1 + 1e-6:
                    raise ValueError(
                        f"class_balance[{t!r}] must be [{k}] probabilities"
                        f" (summing to <= 1); got {cb}"
                    )
                marg[t] = cb
            elif Y_dev is not None and t in Y_dev:
                y = np.asarray(Y_dev[t]).reshape(-1)
                y = y[y >= 0]
                if len(y) and y.max() >= k:
                    raise ValueError(f"Y_dev[{t!r}] has labels outside 0..{k - 1}")
                if len(y):
                    marg[t] = np.bincount(y, minlength=k) / len(y)
        if not marg:
            return None
        p = joint_prior(states, tasks, self.graph, marg)
        return np.clip(p, 1e-6, None) / np.clip(p, 1e-6, None).sum()

    # -- prediction ----------------------------------------------------------------
    def _fitted(self) -> list[LabelModel]:
        if self.models_ is None:
            raise ValueError("MultiTaskLabelModel is not fitted; call fit first")
        return self.models_

    def predict_proba_joint(
        self, L_dict: Mapping[str, Any]
    ) -> list[tuple[tuple[str, ...], np.ndarray, np.ndarray]]:
        """Per component ``(tasks, states [J, t], probs [n, J])``.

        Parameters
        ----------
        L_dict : mapping of str to array-like
            ``{task: [n, m_t] label matrix}`` for every task, with the LF
            columns the model was fitted with.

        Returns
        -------
        list of (tuple of str, numpy.ndarray, numpy.ndarray)
            One entry per connected component.

        Raises
        ------
        ValueError
            If the model is not fitted, or ``L_dict`` is malformed or has other
            LF columns than at fit time.
        """
        models = self._fitted()
        L = self._check_L(L_dict)
        out = []
        multi = iter(self.alphabets_)
        for comp, lm in zip(self.components, models):
            tasks, states = self.graph.feasible_set(comp)
            if len(tasks) == 1:
                Lc = L[tasks[0]]
            else:
                Lc = _compress([L[t] for t in tasks], next(multi))
            P = lm.predict_proba(Lc)
            if self.voted_states and len(tasks) > 1:
                P = condition_on_allowed(P, self._voted_states(L, tasks, states))
            out.append((tasks, states, P))
        return out

    def _voted_states(
        self, L: dict[str, np.ndarray], tasks: Sequence[str], states: np.ndarray
    ) -> np.ndarray:
        """[n, J] bool: joint states whose labels the row's LFs voted for.

        Finest tasks first: each task with votes on a row narrows the states
        to those with a label it voted for, unless that would leave none (a
        coarse rule contradicting a fine vote: the fine vote, which implies
        its coarse label, is kept). Why: on TREC the joint fit relabelled
        lone fine votes with the label of a broad coarse rule; choosing among
        voted states is what majority vote does, and what the single-task
        ``voted_only`` rule does (bench/results/multitask.md).
        """
        n = next(iter(L.values())).shape[0]
        allowed = np.ones((n, len(states)), dtype=bool)

        def depth(t: str) -> int:
            ps = self.graph.parents(t)
            return 1 + max(map(depth, ps)) if ps else 0

        by_depth = {t: depth(t) for t in tasks}
        for i in sorted(range(len(tasks)), key=lambda i: -by_depth[tasks[i]]):
            t = tasks[i]
            voted = vote_counts(L[t], self.graph.cardinality(t)) > 0  # [n, k_t]
            has = voted.any(1)
            if not has.any():
                continue
            lab = states[:, i]
            ok = np.where(lab >= 0, voted[:, np.clip(lab, 0, None)], False)  # [n, J]
            narrowed = allowed & np.where(has[:, None], ok, True)
            keep = narrowed.any(1)
            allowed = np.where(keep[:, None], narrowed, allowed)
        return allowed

    def log_likelihood(self, L_dict: Mapping[str, Any]) -> np.ndarray:
        """[n] log P(votes of row i) under the fitted model, summed over components.

        The gold-free yardstick of ``select_strength``: on rows the model was
        not fitted on, a higher mean says the LF tables explain the votes
        (abstentions included) better.

        Parameters
        ----------
        L_dict : mapping of str to array-like
            ``{task: [n, m_t] label matrix}`` for every task, with the LF
            columns the model was fitted with.

        Returns
        -------
        numpy.ndarray
            [n] float.

        Raises
        ------
        ValueError
            If the model is not fitted, or ``L_dict`` is malformed or has other
            LF columns than at fit time.
        """
        models = self._fitted()
        L = self._check_L(L_dict)
        n = next(iter(L.values())).shape[0]
        out = np.zeros(n)
        multi = iter(self.alphabets_)
        for comp, lm in zip(self.components, models):
            tasks, _ = self.graph.feasible_set(comp)
            if len(tasks) == 1:
                Lc = L[tasks[0]].astype(np.int64)
            else:
                Lc = _compress([L[t] for t in tasks], next(multi)).astype(np.int64)
            logT = np.log(np.clip(lm.get_conditional_probs(), 1e-300, None))
            lj = np.tile(np.log(lm.class_balance_), (n, 1))
            for j in range(Lc.shape[1]):
                lj += logT[j][Lc[:, j] + 1]
            top = lj.max(1, keepdims=True)
            out += (top + np.log(np.exp(lj - top).sum(1, keepdims=True)))[:, 0]
        return out

    def predict_proba(self, L_dict: Mapping[str, Any]) -> dict[str, np.ndarray]:
        """``{task: [n, k_t]}`` marginals of the joint posterior (rows sum to
        1 minus the task's N/A probability).

        Parameters
        ----------
        L_dict : mapping of str to array-like
            ``{task: [n, m_t] label matrix}`` for every task, with the LF
            columns the model was fitted with.

        Returns
        -------
        dict of str to numpy.ndarray
            ``{task: [n, k_t]}``, in the graph's task order.

        Raises
        ------
        ValueError
            If the model is not fitted, or ``L_dict`` is malformed or has other
            LF columns than at fit time.
        """
        out = {}
        for tasks, states, P in self.predict_proba_joint(L_dict):
            for i, t in enumerate(tasks):
                out[t] = P @ _vote_sets(states, i, self.graph.cardinality(t)).T
        return {t: out[t] for t in self.graph.tasks}

    def predict(self, L_dict: Mapping[str, Any]) -> dict[str, np.ndarray]:
        """Each task's label in the most probable joint state (-1 where N/A),
        so predictions obey the graph.

        Parameters
        ----------
        L_dict : mapping of str to array-like
            ``{task: [n, m_t] label matrix}`` for every task, with the LF
            columns the model was fitted with.

        Returns
        -------
        dict of str to numpy.ndarray
            ``{task: [n] labels}``, -1 where the task does not apply.

        Raises
        ------
        ValueError
            If the model is not fitted, or ``L_dict`` is malformed or has other
            LF columns than at fit time.

        Examples
        --------
        >>> from snorkel_nb.multitask.synthetic import generate_hierarchical
        >>> d = generate_hierarchical(n=2000, seed=0)
        >>> pred = MultiTaskLabelModel(d.graph).fit(d.L).predict(d.L)
        >>> bool((pred["fine"] == d.Y["fine"]).mean() > 0.5)
        True
        """
        out = {}
        for tasks, states, P in self.predict_proba_joint(L_dict):
            best = states[P.argmax(1)]
            for i, t in enumerate(tasks):
                out[t] = best[:, i]
        return {t: out[t] for t in self.graph.tasks}

    def score(
        self,
        L_dict: Mapping[str, Any],
        Y: Mapping[str, Any],
        metrics: Sequence[str] = ("accuracy",),
    ) -> dict[str, dict[str, float]]:
        """Score each task's predictions against gold; a row predicted N/A
        counts as wrong.

        Parameters
        ----------
        L_dict : mapping of str to array-like
            ``{task: [n, m_t] label matrix}`` for every task.
        Y : mapping of str to array-like
            ``{task: [n] gold labels}`` for the tasks to score (-1 rows are
            skipped).
        metrics : sequence of str, default ("accuracy",)
            Metric names understood by ``Scorer``.

        Returns
        -------
        dict
            ``{task: {metric: value}}``.

        Raises
        ------
        ValueError
            If ``Y`` names an unknown task or has the wrong number of rows.

        Examples
        --------
        >>> from snorkel_nb.multitask.synthetic import generate_hierarchical
        >>> d = generate_hierarchical(n=2000, seed=0)
        >>> mt = MultiTaskLabelModel(d.graph).fit(d.L)
        >>> s = mt.score(d.L, d.Y)
        >>> sorted(s), 0.5 < s["coarse"]["accuracy"] <= 1
        (['coarse', 'fine'], True)
        """
        from snorkel_nb.classification.scorer import Scorer

        preds = self.predict(L_dict)
        probs = self.predict_proba(L_dict)
        scorer = Scorer(metrics=list(metrics))
        out = {}
        for t, y in Y.items():
            if t not in preds:
                raise ValueError(f"Y names unknown task {t!r}")
            y = np.asarray(y).reshape(-1)
            if len(y) != len(preds[t]):
                raise ValueError(f"Y[{t!r}] has {len(y)} rows; L has {len(preds[t])}")
            keep = y >= 0
            p = np.where(preds[t] < 0, -2, preds[t])  # N/A counts as wrong
            out[t] = scorer.score(y[keep], p[keep], probs[t][keep])
        return out

    def get_weights(self) -> dict[str, np.ndarray]:
        """``{task: [m_t]}`` estimated accuracy of each LF where it votes."""
        out: dict[str, list[np.ndarray]] = {t: [] for t in self.graph.tasks}
        models = self._fitted()  # a clear "not fitted" error first
        assert self.columns_ is not None
        for comp, lm in zip(self.components, models):
            tasks, _ = self.graph.feasible_set(comp)
            w = lm.get_weights()
            s = 0
            for t in tasks:
                out[t].append(w[s : s + self.columns_[t]])
                s += self.columns_[t]
        return {t: np.concatenate(v) for t, v in out.items()}

    # -- persistence -----------------------------------------------------------------
    def save(self, path: str | os.PathLike) -> None:
        """One artefact for the graph plus one per component LabelModel.

        Parameters
        ----------
        path : str or os.PathLike
            The graph artefact's JSON path; component ``i`` goes to
            ``<path>.component<i>`` beside it.

        Raises
        ------
        ValueError
            If the model is not fitted.
        """
        models = self._fitted()
        path = Path(path)
        for i, lm in enumerate(models):
            lm.save(path.with_name(f"{path.name}.component{i}"))
        save_artifact(
            path,
            KIND,
            {
                "graph": self.graph.to_dict(),
                "label_model_kwargs": self.label_model_kwargs,
                "voted_states": self.voted_states,
                "columns": self.columns_,
                "alphabets": [[a.tolist() for a in comp] for comp in self.alphabets_],
                "n_components": len(models),
            },
        )

    @classmethod
    def load(cls, path: str | os.PathLike) -> "MultiTaskLabelModel":
        """Load a model saved by :meth:`save` (graph + component models).

        Parameters
        ----------
        path : str or os.PathLike
            The path given to :meth:`save`.

        Returns
        -------
        MultiTaskLabelModel
            Fitted, ready to predict.

        Raises
        ------
        ValueError
            If a file is of another kind or fails its checksum.
        FileNotFoundError
            If a file is missing.

        Examples
        --------
        >>> import tempfile
        >>> from snorkel_nb.multitask.synthetic import generate_hierarchical
        >>> d = generate_hierarchical(n=1000, seed=0)
        >>> mt = MultiTaskLabelModel(d.graph).fit(d.L)
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     mt.save(f"{tmp}/mt.json")
        ...     back = MultiTaskLabelModel.load(f"{tmp}/mt.json")
        >>> a, b = back.predict_proba(d.L), mt.predict_proba(d.L)
        >>> bool(np.allclose(a["fine"], b["fine"]))
        True
        """
        config, _, _ = load_artifact(path, kind=KIND)
        path = Path(path)
        m = cls(
            TaskGraph.from_dict(config["graph"]),
            # saved before the rule existed: keep their predictions
            voted_states=config.get("voted_states", False),
            **config["label_model_kwargs"],
        )
        m.models_ = [
            LabelModel.load(path.with_name(f"{path.name}.component{i}"))
            for i in range(config["n_components"])
        ]
        m.columns_ = dict(config["columns"])
        m.alphabets_ = [
            [np.asarray(a, dtype=np.int64) for a in comp]
            for comp in config["alphabets"]
        ]
        return m
