"""Teachers: anything with ``predict_proba``, its probabilities computed once.

A teacher may be a label model over LF votes, a task head, or a classifier on
expensive features; the distillation code only needs ``[n, k]`` probabilities.
:class:`Teacher` wraps such a model with an optional ``featurize`` step (raw
rows to the model's input, e.g. a DataFrame to a label matrix), checks the
probabilities (shape, NaN, rows summing to 1) and caches them by a hash of the
input, because teachers are the slow part and qualification asks for the same
rows once per candidate.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd


def data_hash(X: Any) -> str:
    """sha256 of a DataFrame, array or sequence of strings (the lineage data hash).

    Examples
    --------
    >>> data_hash(["a", "b"]) == data_hash(["a", "b"]) != data_hash(["b", "a"])
    True
    """
    h = hashlib.sha256()
    if isinstance(X, pd.DataFrame):
        h.update(json.dumps([str(c) for c in X.columns]).encode())
        h.update(pd.util.hash_pandas_object(X, index=False).to_numpy().tobytes())
    elif isinstance(X, np.ndarray) and X.dtype != object:
        h.update(str((X.shape, X.dtype.str)).encode())
        h.update(np.ascontiguousarray(X).tobytes())
    else:
        for x in X.tolist() if isinstance(X, (pd.Series, np.ndarray)) else X:
            h.update(str(x).encode("utf-8", "surrogatepass"))
            h.update(b"\0")
    return h.hexdigest()


def check_probs(
    probs: Any,
    n: int | None = None,
    cardinality: int | None = None,
    what: str = "teacher probabilities",
) -> np.ndarray:
    """An ``[n, k]`` float array with finite rows summing to 1, or a clear error.

    Parameters
    ----------
    probs : array-like
        [n, k] probabilities, k >= 2.
    n : int, optional
        Expected number of rows.
    cardinality : int, optional
        Expected number of classes.
    what : str, default "teacher probabilities"
        Name used in error messages.

    Returns
    -------
    numpy.ndarray
        [n, k] float64, clipped to [0, 1].

    Raises
    ------
    ValueError
        If ``probs`` is not [n, k>=2], has the wrong row or class count, holds
        NaN/inf, or its rows are negative or do not sum to 1 (within 1e-4).

    Examples
    --------
    >>> check_probs([[0.2, 0.8]], cardinality=3)
    Traceback (most recent call last):
    ...
    ValueError: teacher probabilities have 2 classes, but 3 were expected \
(is the teacher for another task or label set?).
    """
    p = np.asarray(probs, dtype=np.float64)
    if p.ndim != 2 or p.shape[1] < 2:
        raise ValueError(f"{what} must be [n, k] with k >= 2; got shape {p.shape}.")
    if cardinality is not None and p.shape[1] != cardinality:
        raise ValueError(
            f"{what} have {p.shape[1]} classes, but {cardinality} were expected "
            "(is the teacher for another task or label set?)."
        )
    if n is not None and p.shape[0] != n:
        raise ValueError(f"{what} have {p.shape[0]} rows for {n} examples.")
    if not np.isfinite(p).all():
        rows = np.where(~np.isfinite(p).all(1))[0]
        raise ValueError(f"{what} have NaN/inf in rows {rows[:10].tolist()}.")
    if (p < -1e-9).any() or np.abs(p.sum(1) - 1).max() > 1e-4:
        raise ValueError(
            f"{what} must be non-negative rows summing to 1 (max row-sum "
            f"error {np.abs(p.sum(1) - 1).max():.3g})."
        )
    return np.clip(p, 0.0, 1.0)


class Teacher:
    """A model with ``predict_proba`` plus what the lineage needs to know about it.

    Parameters
    ----------
    model
        Anything with ``predict_proba(Z) -> [n, k]``.
    featurize
        Maps the teacher's input rows ``X`` to ``Z`` (default: identity).
    name, tasks
        Shown in reports and stored in the lineage.
    lf_names, lf_version
        The LF set behind the teacher (``lf_version`` defaults to a hash of
        the names).
    cardinality
        Expected number of classes; probabilities with another count raise.

    Examples
    --------
    >>> class Fixed:
    ...     def predict_proba(self, X):
    ...         return np.tile([0.25, 0.75], (len(X), 1))
    >>> t = Teacher(Fixed(), name="fixed", cardinality=2)
    >>> t.predict_proba(["a", "b"]).shape, t.cache_info()
    ((2, 2), {'entries': 1, 'hits': 0})
    >>> _ = t.predict_proba(["a", "b"]); t.cache_info()["hits"]
    1
    """

    def __init__(
        self,
        model: Any,
        featurize: Callable[[Any], Any] | None = None,
        name: str | None = None,
        tasks: Sequence[str] = ("task",),
        lf_names: Sequence[str] = (),
        lf_version: str | None = None,
        cardinality: int | None = None,
    ) -> None:
        if not callable(getattr(model, "predict_proba", None)):
            raise TypeError(
                f"a teacher needs predict_proba; {type(model).__name__} has none."
            )
        self.model, self.featurize = model, featurize
        self.name = name or type(model).__name__
        self.tasks, self.lf_names = list(tasks), list(lf_names)
        self.lf_version = lf_version or (
            hashlib.sha256("\0".join(self.lf_names).encode()).hexdigest()[:12]
            if self.lf_names
            else None
        )
        self.cardinality = cardinality
        self._cache: dict[str, np.ndarray] = {}
        self._hits = 0

    def predict_proba(self, X: Any) -> np.ndarray:
        """Checked ``[n, k]`` probabilities, from the cache when ``X`` was seen.

        Parameters
        ----------
        X : object
            The teacher's input rows (passed through ``featurize``).

        Returns
        -------
        numpy.ndarray
            [n, k] probabilities (a copy; the cache is never exposed).

        Raises
        ------
        ValueError
            If the model's probabilities are malformed (see :func:`check_probs`).
        """
        key = data_hash(X)
        if key in self._cache:
            self._hits += 1
            return self._cache[key].copy()
        Z = self.featurize(X) if self.featurize is not None else X
        probs = check_probs(
            self.model.predict_proba(Z),
            n=len(X),
            cardinality=self.cardinality,
            what=f"teacher {self.name!r} probabilities",
        )
        self._cache[key] = probs
        return probs.copy()

    def cache_info(self) -> dict[str, int]:
        """``{entries, hits}`` of the probability cache (one per distinct input)."""
        return {"entries": len(self._cache), "hits": self._hits}

    def describe(self) -> dict[str, Any]:
        """The teacher part of a lineage record."""
        inner = self.model.model if isinstance(self.model, _TaskHead) else self.model
        return {
            "teacher": self.name,
            "teacher_class": type(inner).__name__,
            "tasks": self.tasks,
            "lf_names": self.lf_names,
            "lf_version": self.lf_version,
        }


class _TaskHead:
    """One task of a multi-task model, seen as a single-task ``predict_proba``."""

    def __init__(self, model: Any, task: str) -> None:
        self.model, self.task = model, task

    def predict_proba(self, X: Any) -> np.ndarray:
        return self.model.predict_proba(X, task=self.task)


def task_head_teacher(
    model: Any, task: str, featurize: Callable[[Any], Any] | None = None, **kwargs: Any
) -> Teacher:
    """A :class:`Teacher` from one task head of a multi-task model (such as
    ``snorkel_nb.multitask.MultitaskModel``), which answers
    ``predict_proba(X, task=...)``; duck-typed, so ``distill`` still does not
    import the multi-task package.

    Parameters
    ----------
    model : object
        Has ``predict_proba(X, task=...)``; a ``graph.tasks`` attribute, if
        present, is used to check ``task``.
    task : str
        The head to distil.
    featurize : callable, optional
        Maps input rows to the model's input (default: identity).
    **kwargs
        Passed to :class:`Teacher` (``name`` defaults to
        ``"Model[task]"``, ``tasks`` to ``(task,)``).

    Returns
    -------
    Teacher

    Raises
    ------
    TypeError
        If ``model`` has no ``predict_proba``.
    ValueError
        If ``task`` is not one of the model's tasks.

    Examples
    --------
    >>> class TwoTasks:
    ...     def predict_proba(self, X, task=None):
    ...         k = {"coarse": 2, "fine": 3}[task]
    ...         return np.full((len(X), k), 1 / k)
    >>> t = task_head_teacher(TwoTasks(), "fine", cardinality=3)
    >>> t.predict_proba(["a", "b"]).shape, t.tasks, t.name
    ((2, 3), ['fine'], 'TwoTasks[fine]')
    """
    if not callable(getattr(model, "predict_proba", None)):
        raise TypeError(
            f"a task head needs predict_proba(X, task=...); "
            f"{type(model).__name__} has none."
        )
    tasks = getattr(getattr(model, "graph", None), "tasks", None)
    if tasks is not None and task not in tasks:
        raise ValueError(f"unknown task {task!r}; the model's tasks are {list(tasks)}")
    kwargs.setdefault("name", f"{type(model).__name__}[{task}]")
    kwargs.setdefault("tasks", (task,))
    return Teacher(_TaskHead(model, task), featurize, **kwargs)


def as_teacher(teacher: Any) -> Teacher:
    """Wrap a bare model in :class:`Teacher` (a Teacher is returned as is).

    Parameters
    ----------
    teacher : Teacher or object
        A Teacher, or any model with ``predict_proba``.

    Returns
    -------
    Teacher
    """
    return teacher if isinstance(teacher, Teacher) else Teacher(teacher)
