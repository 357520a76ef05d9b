"""Majority vote: the baseline every label model must beat."""

from __future__ import annotations

from typing import Any

import numpy as np

from snorkel_nb.labeling.model.base import BaseLabeler


def vote_counts(L: np.ndarray, cardinality: int) -> np.ndarray:
    """Count each row's votes per class (abstains ignored), in row chunks so
    no [n, m] temporary is built.

    Parameters
    ----------
    L : numpy.ndarray
        [n, m] integer label matrix, -1 = abstain.
    cardinality : int
        Number of classes ``k``; votes >= k are not counted.

    Returns
    -------
    numpy.ndarray
        [n, k] float64 vote counts.

    Examples
    --------
    >>> vote_counts(np.array([[1, 1, 0], [-1, -1, -1]]), 2)
    array([[1., 2.],
           [0., 0.]])
    """
    n, _ = L.shape
    counts = np.zeros((n, cardinality), dtype=np.float64)
    for s in range(0, n, 65536):  # chunks: no [n, m] temporaries
        Lc = L[s : s + 65536]
        for y in range(cardinality):
            counts[s : s + 65536, y] = (Lc == y).sum(1)
    return counts


def spread_over_top(counts: np.ndarray) -> np.ndarray:
    """[n, k] mass spread evenly over each row's top-count classes (all
    classes where every count is equal, e.g. a row no LF voted on).

    Examples
    --------
    >>> spread_over_top(np.array([[2.0, 1.0], [1.0, 1.0]]))
    array([[1. , 0. ],
           [0.5, 0.5]])
    """
    top = counts == counts.max(axis=1, keepdims=True)
    return top / top.sum(axis=1, keepdims=True)


def soft_majority(L: np.ndarray, k: int) -> np.ndarray:
    """[n, k] majority vote spread over tied top classes (uniform if no votes).

    The one implementation: ``MajorityLabelVoter.predict_proba`` and the
    label models' majority-vote start both use it.

    Parameters
    ----------
    L : numpy.ndarray
        [n, m] integer label matrix, -1 = abstain.
    k : int
        Number of classes.

    Returns
    -------
    numpy.ndarray
        [n, k] float64 rows summing to 1.

    Examples
    --------
    >>> soft_majority(np.array([[1, 1, 0], [-1, -1, -1]]), 2)
    array([[0. , 1. ],
           [0.5, 0.5]])
    """
    return spread_over_top(vote_counts(L, k))


class MajorityLabelVoter(BaseLabeler):
    """Each point gets the label most of its LFs voted for.

    ``predict_proba`` spreads mass uniformly over the tied top classes (all
    classes for a point no LF covered), as Snorkel does.

    Parameters
    ----------
    cardinality : int, default 2
        Number of classes ``k``.

    Examples
    --------
    >>> mv = MajorityLabelVoter(cardinality=2)
    >>> mv.predict(np.array([[1, 1, 0], [0, -1, -1], [1, 0, -1]]))
    array([ 1,  0, -1])
    """

    def fit(
        self, L_train: Any = None, *args: Any, **kwargs: Any
    ) -> "MajorityLabelVoter":
        """No parameters to learn; kept for a uniform estimator interface."""
        if L_train is not None:
            self._check_L(L_train)
        return self

    def predict_proba(self, L: Any) -> np.ndarray:
        L = self._check_L(L)  # an empty matrix raises, as everywhere
        return soft_majority(L, self.cardinality)

    def get_weights(self) -> np.ndarray:
        raise ValueError(
            "MajorityLabelVoter weighs every LF equally; it has no weights."
        )
