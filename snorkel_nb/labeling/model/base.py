"""The shared surface of every label model: predict and score live here only."""

from __future__ import annotations

import warnings
from abc import ABC, abstractmethod
from typing import Any, Sequence

import numpy as np

from snorkel_nb.labeling.matrix import ABSTAIN, check_gold, check_label_matrix

TIE_BREAK_POLICIES = ("abstain", "random", "true-random")
_TOL = 1e-5


def probs_to_preds(
    probs: np.ndarray,
    tie_break_policy: str = "abstain",
    seed: int = 0,
    *,
    row_offset: int = 0,
) -> np.ndarray:
    """Turn [n, k] probabilities into hard labels.

    Ties (classes within 1e-5 of the row's maximum) are broken by
    ``tie_break_policy``: ``"abstain"`` returns -1, ``"random"`` picks one of
    the tied classes deterministically (same row -> same choice, as Snorkel),
    ``"true-random"`` draws afresh each call.

    Parameters
    ----------
    probs : numpy.ndarray
        ``[n, k]`` class probabilities.
    tie_break_policy : {"abstain", "random", "true-random"}, default "abstain"
        What a tied row gets.
    seed : int, default 0
        Varies the ``"random"`` choices.
    row_offset : int, default 0
        Position of the first row in the whole data set. The ``"random"``
        choice depends on the row's position, so predicting in chunks (e.g.
        one Dask partition at a time) with each chunk's offset gives the same
        labels as predicting all rows at once.

    Returns
    -------
    numpy.ndarray
        ``[n]`` int64 labels (``-1`` for an abstained tie).

    Raises
    ------
    ValueError
        On an unknown policy, or ``probs`` not [n, k>=2].

    Examples
    --------
    >>> probs_to_preds(np.array([[0.7, 0.3], [0.5, 0.5]]))
    array([ 0, -1])
    """
    if tie_break_policy not in TIE_BREAK_POLICIES:
        raise ValueError(
            f"tie_break_policy must be one of {TIE_BREAK_POLICIES}; "
            f"got {tie_break_policy!r}."
        )
    probs = np.asarray(probs, dtype=np.float64)
    if probs.ndim != 2 or probs.shape[1] < 2:
        raise ValueError(f"probs must be [n, k] with k >= 2; got shape {probs.shape}.")
    tied = np.abs(probs - probs.max(axis=1, keepdims=True)) < _TOL
    n_tied = tied.sum(axis=1)
    preds = np.argmax(probs, axis=1).astype(np.int64)
    multi = n_tied > 1
    if multi.any():
        if tie_break_policy == "abstain":
            preds[multi] = ABSTAIN
        else:
            rows = np.nonzero(multi)[0]
            if tie_break_policy == "random":
                # Deterministic per row: a hash of the row index and seed only,
                # so two models that tie the same classes on a row pick the
                # same one (a hash of the probabilities made a model that
                # reproduces majority vote's ties score differently from it).
                pos = rows.astype(np.uint64) + np.uint64(row_offset)
                r = _mix(pos + np.uint64(seed) * np.uint64(0x9E3779B1))
                r = (r % np.uint64(2**31)).astype(np.int64)
            else:
                r = np.random.default_rng().integers(0, 2**31, size=len(rows))
            choice = r % n_tied[rows]
            cum = np.cumsum(tied[rows], axis=1)
            preds[rows] = np.argmax(cum > choice[:, None], axis=1)
    return preds


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: well-spread uint64 hashes of consecutive integers."""
    with np.errstate(over="ignore"):
        x = x + np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def _metric(
    name: str, Y: np.ndarray, preds: np.ndarray, probs: np.ndarray | None, k: int
) -> float:
    from sklearn import metrics as skm

    if name == "coverage":
        return float(np.mean(preds != ABSTAIN))
    keep = (Y != ABSTAIN) & (preds != ABSTAIN)
    y, p = Y[keep], preds[keep]
    if len(y) == 0:
        return float("nan")
    if name == "accuracy":
        return float(np.mean(y == p))
    if name == "f1":
        return float(skm.f1_score(y, p, pos_label=1, zero_division=0))
    if name == "precision":
        return float(skm.precision_score(y, p, pos_label=1, zero_division=0))
    if name == "recall":
        return float(skm.recall_score(y, p, pos_label=1, zero_division=0))
    if name in ("f1_micro", "f1_macro"):
        return float(
            skm.f1_score(y, p, average=name[3:], labels=np.arange(k), zero_division=0)
        )
    if name == "roc_auc":
        if probs is None:
            raise ValueError("roc_auc needs probabilities.")
        yy = Y[Y != ABSTAIN]
        pp = probs[Y != ABSTAIN]
        if len(np.unique(yy)) < 2:
            return float("nan")
        if k == 2:
            return float(skm.roc_auc_score(yy, pp[:, 1]))
        return float(skm.roc_auc_score(yy, pp, multi_class="ovr", labels=np.arange(k)))
    raise ValueError(
        f"Unknown metric {name!r}; choose from accuracy, f1, precision, recall, "
        "f1_micro, f1_macro, roc_auc, coverage."
    )


class AbstainExcludedWarning(UserWarning):
    """``score`` left points without a prediction (or gold) out of a metric."""


class BaseLabeler(ABC):
    """Base class: subclasses implement ``fit`` and ``predict_proba``.

    ``predict`` and ``score`` are written once here and never overridden.

    Parameters
    ----------
    cardinality : int, default 2
        Number of classes ``k`` (>= 2).
    **kwargs
        Accepted and ignored here (subclasses take their own settings).

    Raises
    ------
    ValueError
        If ``cardinality`` is not an integer >= 2.
    """

    cardinality: int

    def __init__(self, cardinality: int = 2, **kwargs: Any) -> None:
        if not isinstance(cardinality, (int, np.integer)) or cardinality < 2:
            raise ValueError(
                f"cardinality must be an integer >= 2; got {cardinality!r}."
            )
        self.cardinality = int(cardinality)

    def _check_L(self, L: Any, **kw: Any) -> np.ndarray:
        return check_label_matrix(L, cardinality=self.cardinality, **kw)

    @staticmethod
    def _reject_empty(L: Any) -> None:
        """Raise on a matrix with no rows, as every model entry point does.

        A model asked about zero points is almost always a filtering bug
        upstream (an empty split, a query that matched nothing), so it is
        reported rather than answered with an empty array. Cheap: looks only
        at the shape.
        """
        shape = getattr(L, "shape", None)
        if shape is None:
            shape = np.shape(L)
        if len(shape) >= 1 and shape[0] == 0:
            check_label_matrix(L)  # raises the shared "no rows" message

    @abstractmethod
    def predict_proba(self, L: Any) -> np.ndarray:
        """[n, k] class probabilities for each row of ``L``."""

    def predict(
        self,
        L: Any,
        return_probs: bool = False,
        tie_break_policy: str = "abstain",
        *,
        row_offset: int = 0,
    ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """Hard labels for each row of ``L`` ([n] ints; -1 where abstaining).

        ``row_offset`` is the position of ``L``'s first row in the whole data
        set (see :func:`probs_to_preds`): chunked predictions then equal one
        prediction over all rows.

        Under the default ``tie_break_policy="abstain"`` a row on which no LF
        voted predicts -1, as in Snorkel, even where the model's probabilities
        for it are not a tie (a model with class-conditional abstain rates can
        be confident there; ``predict_proba`` keeps that, and the "random"
        policy uses it).

        Parameters
        ----------
        L : array-like or scipy.sparse matrix
            [n, m] label matrix, -1 = abstain.
        return_probs : bool, default False
            Also return the [n, k] probabilities.
        tie_break_policy : {"abstain", "random", "true-random"}
            How a row whose top probabilities tie is labelled (see
            :func:`probs_to_preds`).
        row_offset : int, default 0
            Position of ``L``'s first row in the whole data set.

        Returns
        -------
        preds : numpy.ndarray
            [n] int labels, -1 = abstain.
        probs : numpy.ndarray
            [n, k] probabilities; only when ``return_probs``.

        Raises
        ------
        ValueError
            If ``L`` has no rows or is otherwise malformed.

        Examples
        --------
        >>> from snorkel_nb.labeling.model import MajorityLabelVoter
        >>> MajorityLabelVoter(2).predict(np.array([[1, 1, 0], [-1, -1, -1]]))
        array([ 1, -1])
        """
        self._reject_empty(L)
        probs = self.predict_proba(L)
        preds = probs_to_preds(probs, tie_break_policy, row_offset=row_offset)
        if tie_break_policy == "abstain" and len(preds):
            votes = check_label_matrix(L, cardinality=127, allow_empty=True)
            preds[~(votes >= 0).any(1)] = ABSTAIN
        return (preds, probs) if return_probs else preds

    def score(
        self,
        L: Any,
        Y: Any,
        metrics: Sequence[str] | None = ("accuracy",),
        tie_break_policy: str = "abstain",
    ) -> dict[str, float]:
        """Score predictions against gold ``Y``.

        As in Snorkel, points predicted as abstain (e.g. ties under the
        ``"abstain"`` policy) and points with gold -1 are left out of every
        metric except ``coverage``. Because an accuracy over a subset reads
        like one over all points, the first call that leaves points out warns
        once per model (:class:`AbstainExcludedWarning`) with how many points
        were scored; ask for ``"coverage"`` in ``metrics`` to get the fraction
        of points with a prediction in the result instead (then no warning),
        or use ``tie_break_policy="random"`` to score every point. The
        returned dict keeps Snorkel's keys: only the metrics asked for.

        Parameters
        ----------
        L
            [n, m] label matrix (raises ``ValueError`` when it has no rows).
        Y
            [n] gold labels, -1 for unknown.
        metrics
            Names among accuracy, f1, precision, recall, f1_micro, f1_macro,
            roc_auc, coverage.
        tie_break_policy
            ``"abstain"`` (Snorkel's default), ``"random"`` or ``"true-random"``.

        Returns
        -------
        dict of str to float
            ``{metric: value}`` for the metrics asked for.

        Raises
        ------
        ValueError
            If ``L`` has no rows or is malformed, ``Y`` does not match it, or a
            metric name is unknown.

        Examples
        --------
        >>> from snorkel_nb.labeling.model.majority import MajorityLabelVoter
        >>> mv = MajorityLabelVoter()
        >>> L = np.array([[1, 1], [0, 1], [0, 0], [-1, -1]])
        >>> mv.score(L, [1, 1, 0, 0], metrics=["accuracy", "coverage"])
        {'accuracy': 1.0, 'coverage': 0.5}
        """
        self._reject_empty(L)
        preds, probs = self.predict(
            L, return_probs=True, tie_break_policy=tie_break_policy
        )
        Y = check_gold(Y, len(preds), self.cardinality)
        names = list(metrics or ["accuracy"])
        scored = int(np.sum((Y != ABSTAIN) & (preds != ABSTAIN)))
        if (
            "coverage" not in names
            and scored < len(preds)
            and not getattr(self, "_warned_excluded", False)
        ):
            self._warned_excluded = True
            abstained = int(np.sum(preds == ABSTAIN))
            warnings.warn(
                f"{type(self).__name__}.score: {', '.join(names)} computed on "
                f"{scored} of {len(preds)} points ({scored / len(preds):.1%}); "
                f"{abstained} points with no prediction (abstain or tie) and "
                f"{len(preds) - scored - abstained} more with gold -1 are left "
                "out, as in Snorkel. Add 'coverage' to metrics to report it, or "
                "pass tie_break_policy='random' to score every point. "
                "(Shown once per model.)",
                AbstainExcludedWarning,
                stacklevel=2,
            )
        return {m: _metric(m, Y, preds, probs, self.cardinality) for m in names}
