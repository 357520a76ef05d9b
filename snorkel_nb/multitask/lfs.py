"""Multi-task labeling functions and their applier.

Three ways for an LF to say what it labels:

* it **declares its task** (``task="fine"``) and returns a label of that task
  (an index or a label name) or abstains;
* it returns a **label name** that exists in exactly one of its tasks, e.g.
  ``"HUM:ind"`` - the vote goes to that (fine) task; the coarse label it
  implies is known to the label model through the graph and can be written
  into the parent's matrix too (``apply(..., implied=True)``);
* it returns a ``{task: label}`` dict voting on several tasks at once.

Every LF is run through the project's :class:`~snorkel_nb.labeling.PandasLFApplier`
(vectorised builders, fault tolerance, only edited LFs recomputed): an LF with
several possible tasks returns one integer that packs all of its votes, and
the applier here unpacks it into one column per task.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from snorkel_nb.labeling import LabelingFunction, PandasLFApplier
from snorkel_nb.multitask.graph import TaskGraph, TaskGraphError

_BAD = np.iinfo(np.int32).max  # packed code of a vote outside the task's labels


class MultiTaskLF:
    """A labeling function with the task(s) it votes on.

    Parameters
    ----------
    lf
        A :class:`~snorkel_nb.labeling.LabelingFunction` (e.g. from
        ``@labeling_function`` or ``keyword_lf``) or a plain ``f(x)``.
    task
        The one task it votes on, or a list of tasks it may vote on (default:
        every task of the graph it is applied with).
    name
        The LF's name; default the wrapped LF's (or the function's) name.

    Raises
    ------
    TypeError
        If ``lf`` is neither a LabelingFunction nor callable.

    Examples
    --------
    >>> from snorkel_nb.labeling import keyword_lf
    >>> lf = MultiTaskLF(keyword_lf(["when"], label=0, name="when"), task="coarse")
    >>> lf.name, lf.tasks
    ('when', ('coarse',))
    """

    def __init__(
        self,
        lf: LabelingFunction | Callable[[Any], Any],
        task: str | Sequence[str] | None = None,
        name: str | None = None,
    ) -> None:
        if not isinstance(lf, LabelingFunction):
            if not callable(lf):
                raise TypeError(f"expected a LabelingFunction or callable, got {lf!r}")
            lf = LabelingFunction(name or getattr(lf, "__name__", "lf"), lf)
        self.lf = lf
        self.name = name or lf.name
        if task is None:
            self.tasks: tuple[str, ...] | None = None
        elif isinstance(task, str):
            self.tasks = (task,)
        else:
            self.tasks = tuple(task)

    def __repr__(self) -> str:
        return f"MultiTaskLF({self.name}, tasks={self.tasks})"


def multitask_lf(
    task: str | Sequence[str] | None = None, name: str | None = None, **kwargs: Any
) -> Callable[[Callable[..., Any]], MultiTaskLF]:
    """Decorator: ``@multitask_lf(task="fine")`` or ``@multitask_lf()`` for LFs
    that return label names or ``{task: label}`` dicts.

    Parameters
    ----------
    task : str or sequence of str, optional
        The task (or tasks) the LF votes on; default: every task of the graph
        it is applied with.
    name : str, optional
        The LF's name; default: the function's name.
    **kwargs
        Passed to :class:`~snorkel_nb.labeling.LabelingFunction` (e.g.
        ``resources``, ``pre``).

    Returns
    -------
    callable
        Decorator turning ``f(x)`` into a :class:`MultiTaskLF`.

    Examples
    --------
    >>> @multitask_lf()
    ... def lf_who(x):
    ...     return {"coarse": "HUM"} if x.text.startswith("Who") else None
    >>> lf_who.tasks is None
    True
    """

    def wrap(f: Callable[..., Any]) -> MultiTaskLF:
        return MultiTaskLF(LabelingFunction(name or f.__name__, f, **kwargs), task)

    return wrap


class _Packed:
    """How one LF's votes on its tasks pack into one int (mixed radix)."""

    def __init__(self, mlf: MultiTaskLF, graph: TaskGraph) -> None:
        tasks = mlf.tasks if mlf.tasks is not None else tuple(graph.tasks)
        for t in tasks:
            if t not in graph.tasks:
                raise TaskGraphError(
                    f"LF {mlf.name!r} declares unknown task {t!r}; tasks are "
                    f"{graph.tasks}"
                )
        self.mlf, self.graph, self.tasks = mlf, graph, tasks
        self.radix = [graph.cardinality(t) + 1 for t in tasks]
        self.place = np.cumprod([1] + self.radix[:-1]).tolist()
        if int(np.prod(self.radix, dtype=float)) >= _BAD:
            raise TaskGraphError(
                f"LF {mlf.name!r} may vote on {len(tasks)} tasks, too many to pack; "
                "declare the task(s) it votes on with task="
            )
        self.bad: dict[str, str] = {}
        # label name -> (position, index), for names unique among the LF's tasks
        self.by_name: dict[str, tuple[int, int]] = {}
        clash: set[str] = set()
        for i, t in enumerate(tasks):
            for j, lab in enumerate(graph.labels(t)):
                if lab in self.by_name:
                    clash.add(lab)
                self.by_name[lab] = (i, j)
        for lab in clash:
            del self.by_name[lab]
        self.clash = clash

    @property
    def direct(self) -> bool:
        """A one-task builder LF: its int batch output needs no packing, and
        passing it unchanged keeps the applier's regex grouping."""
        return (
            len(self.tasks) == 1
            and self.mlf.tasks is not None
            and self.mlf.lf.batch is not None
        )

    def _vote(self, pos: int, v: Any, out: list[int]) -> None:
        t = self.tasks[pos]
        if v is None or (isinstance(v, (int, np.integer)) and v == -1):
            return
        try:
            out[pos] = self.graph.label_index(t, v)
        except TaskGraphError as e:
            self.bad.setdefault(self.mlf.name, f"voted {v!r} on task {t!r}: {e}")
            raise _BadVote from None

    def encode(self, v: Any) -> int:
        """One LF output -> packed code (-1 = abstain on every task)."""
        votes = [-1] * len(self.tasks)
        try:
            if isinstance(v, Mapping):
                for t, lab in v.items():
                    if t not in self.tasks:
                        self.bad.setdefault(
                            self.mlf.name,
                            f"voted on task {t!r}, not one of its "
                            f"tasks {list(self.tasks)}",
                        )
                        return _BAD
                    self._vote(self.tasks.index(t), lab, votes)
            elif isinstance(v, str):
                if v in self.by_name:
                    pos, idx = self.by_name[v]
                    votes[pos] = idx
                else:
                    why = (
                        "is a label of several of its tasks; return a "
                        "{task: label} dict"
                        if v in self.clash
                        else f"is no label of its tasks {list(self.tasks)}"
                    )
                    self.bad.setdefault(self.mlf.name, f"returned {v!r}, which {why}")
                    return _BAD
            elif v is None or (isinstance(v, (int, np.integer)) and v == -1):
                pass
            elif len(self.tasks) == 1:
                self._vote(0, v, votes)
            else:
                self.bad.setdefault(
                    self.mlf.name,
                    f"returned {v!r}; an LF with several tasks must "
                    "return a label name or a {task: label} dict",
                )
                return _BAD
        except _BadVote:
            return _BAD
        return sum((x + 1) * p for x, p in zip(votes, self.place)) - 1

    def decode(self, col: np.ndarray) -> list[np.ndarray]:
        c = col.astype(np.int64) + 1
        return [
            ((c // p) % r - 1).astype(np.int32) for p, r in zip(self.place, self.radix)
        ]

    def as_lf(self) -> LabelingFunction:
        """The LabelingFunction handed to PandasLFApplier."""
        lf = self.mlf.lf
        if self.direct:
            return lf
        fp = lf.fingerprint  # an edit of the inner LF changes the packed LF's hash
        encode = self.encode

        def packed(x: Any, **_: Any) -> int:
            _ = fp
            return encode(lf.label(x))

        batch = None
        if lf.batch is not None:
            inner = lf.batch

            def batch(df: pd.DataFrame) -> np.ndarray:
                _ = fp
                return np.array(
                    [encode(v) for v in np.asarray(inner(df), dtype=object)],
                    dtype=np.int64,
                )

        return LabelingFunction(
            lf.name, packed, pre=lf.pre, batch=batch, description=lf.description
        )


class _BadVote(Exception):
    pass


class MultiTaskLFApplier:
    """Apply multi-task LFs; ``apply(df)`` returns ``{task: L_t}``.

    Each task's matrix has one column per LF that may vote on it (tasks may
    have different numbers of LFs; no padding). ``columns[task]`` names them.

    Parameters
    ----------
    lfs
        :class:`MultiTaskLF` objects (or LabelingFunctions with a ``task``
        attribute).
    graph
        The :class:`TaskGraph` the labels belong to.
    fail_fast
        Stop at an LF's first exception with an ``LFApplyError`` naming the
        LF and row, instead of recording it (see ``PandasLFApplier``).

    Raises
    ------
    TypeError
        If ``graph`` is not a TaskGraph or an entry of ``lfs`` is not an LF.
    ValueError
        If ``lfs`` is empty.
    TaskGraphError
        If an LF declares an unknown task.

    Examples
    --------
    >>> from snorkel_nb.labeling import keyword_lf
    >>> g = TaskGraph.from_hierarchy(["HUM:ind", "HUM:gr", "LOC:city"])
    >>> who = MultiTaskLF(keyword_lf(["who"], label=0, name="who"), task="coarse")
    >>> @multitask_lf()
    ... def city(x):
    ...     return "LOC:city" if "city" in x.text.lower() else None
    >>> df = pd.DataFrame({"text": ["Who is he ?", "What city is big ?"]})
    >>> app = MultiTaskLFApplier([who, city], g)
    >>> L = app.apply(df, progress_bar=False)
    >>> app.columns
    {'coarse': ['who', 'city'], 'fine': ['city']}
    >>> L["coarse"].tolist(), L["fine"].tolist()
    ([[0, -1], [-1, -1]], [[-1], [2]])
    """

    def __init__(
        self,
        lfs: Sequence[MultiTaskLF | LabelingFunction],
        graph: TaskGraph,
        fail_fast: bool = False,
    ) -> None:
        if not isinstance(graph, TaskGraph):
            raise TypeError(f"graph must be a TaskGraph, got {type(graph).__name__}")
        graph.validate()
        self.graph = graph
        mlfs = []
        for lf in lfs:
            if isinstance(lf, MultiTaskLF):
                mlfs.append(lf)
            elif isinstance(lf, LabelingFunction):
                mlfs.append(MultiTaskLF(lf, getattr(lf, "task", None)))
            else:
                raise TypeError(f"expected MultiTaskLF or LabelingFunction, got {lf!r}")
        if not mlfs:
            raise ValueError("no labeling functions to apply")
        self._packed = [_Packed(m, graph) for m in mlfs]
        self._applier = PandasLFApplier(
            [p.as_lf() for p in self._packed], fail_fast=fail_fast
        )
        self.columns: dict[str, list[str]] = {t: [] for t in graph.tasks}
        for p in self._packed:
            for t in p.tasks:
                self.columns[t].append(p.mlf.name)

    @property
    def errors(self) -> dict[str, Any]:
        """LF exceptions of the last apply (see ``PandasLFApplier.errors``)."""
        return self._applier.errors

    def apply(
        self, df: pd.DataFrame, progress_bar: bool = True, implied: bool = False
    ) -> dict[str, np.ndarray]:
        """Label ``df``: ``{task: [n, m_t] int matrix}``, -1 = abstain.

        Parameters
        ----------
        df : pandas.DataFrame
            The rows to label.
        progress_bar : bool, default True
            Show the applier's progress bar.
        implied : bool, default False
            Also write, for each vote on a child task, the parent label it
            implies into the parent's column of the same LF (when the LF may
            vote on the parent); useful for majority vote baselines.

        Returns
        -------
        dict of str to numpy.ndarray
            One [n, m_t] int8 matrix per task (int32 when a task has 127 or
            more labels), columns named by ``self.columns[task]``.

        Raises
        ------
        ValueError
            If an LF returns a label outside its tasks, a name shared by
            several of its tasks, or a bare int while it may vote on several
            tasks.

        Examples
        --------
        >>> g = TaskGraph.from_hierarchy(["HUM:ind", "HUM:gr", "LOC:city"])
        >>> @multitask_lf()
        ... def city(x):
        ...     return "LOC:city" if "city" in x.text.lower() else None
        >>> df = pd.DataFrame({"text": ["Who is he ?", "What city is big ?"]})
        >>> L = MultiTaskLFApplier([city], g).apply(df, False, implied=True)
        >>> L["coarse"].tolist(), L["fine"].tolist()
        ([[-1], [1]], [[-1], [2]])
        """
        for p in self._packed:
            p.bad.clear()
        L = self._applier.apply(df, progress_bar=progress_bar)
        out: dict[str, list[np.ndarray]] = {t: [] for t in self.graph.tasks}
        for j, p in enumerate(self._packed):
            col = L[:, j]
            if p.direct:
                k = self.graph.cardinality(p.tasks[0])
                if len(col) and col.max() >= k:
                    raise ValueError(
                        f"LF {p.mlf.name!r} voted {int(col.max())} on task "
                        f"{p.tasks[0]!r}, which has labels 0..{k - 1} "
                        f"({list(self.graph.labels(p.tasks[0]))})"
                    )
                cols = [col.astype(np.int32)]
            else:
                if p.bad or (col == _BAD).any():
                    raise ValueError(
                        f"LF {p.mlf.name!r} "
                        + p.bad.get(p.mlf.name, "returned a bad vote")
                    )
                cols = p.decode(col)
            if implied:
                cols = self._imply(p, cols)
            for t, c in zip(p.tasks, cols):
                out[t].append(c)
        dtype = np.int8 if max(self.graph.cardinalities().values()) < 127 else np.int32
        return {
            t: (
                np.stack(cs, axis=1).astype(dtype)
                if cs
                else np.empty((len(df), 0), dtype=dtype)
            )
            for t, cs in out.items()
        }

    def _imply(self, p: _Packed, cols: list[np.ndarray]) -> list[np.ndarray]:
        cols = [c.copy() for c in cols]
        for t in reversed(self.graph.topological_order()):
            if t not in p.tasks:
                continue
            child = cols[p.tasks.index(t)]
            for par in self.graph.parents(t):
                if par not in p.tasks:
                    continue
                table = np.array(
                    [
                        self.graph.label_index(par, lab)
                        for lab in self.graph.mapping(par, t).values()
                    ]
                )
                pc = cols[p.tasks.index(par)]
                fill = (pc == -1) & (child >= 0)
                pc[fill] = table[child[fill]]
        return cols
