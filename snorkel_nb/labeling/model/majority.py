"""Majority vote: the baseline every label model must beat."""

from __future__ import annotations

from typing import Any

import numpy as np

from snorkel_nb.labeling.model.base import BaseLabeler


def vote_counts(L: np.ndarray, cardinality: int) -> np.ndarray:
    """[n, k] count of votes per class (abstains ignored), vectorised."""
    n, _ = L.shape
    counts = np.zeros((n, cardinality), dtype=np.float64)
    for s in range(0, n, 65536):  # chunks: no [n, m] temporaries
        Lc = L[s : s + 65536]
        for y in range(cardinality):
            counts[s : s + 65536, y] = (Lc == y).sum(1)
    return counts


class MajorityLabelVoter(BaseLabeler):
    """Each point gets the label most of its LFs voted for.

    ``predict_proba`` spreads mass uniformly over the tied top classes (all
    classes for a point no LF covered), as Snorkel does.

    Examples
    --------
    >>> mv = MajorityLabelVoter(cardinality=2)
    >>> mv.predict(np.array([[1, 1, 0], [0, -1, -1], [1, 0, -1]]))
    array([ 1,  0, -1])
    """

    def fit(self, L_train: Any = None, *args: Any, **kwargs: Any) -> "MajorityLabelVoter":
        """No parameters to learn; kept for a uniform estimator interface."""
        if L_train is not None:
            self._check_L(L_train)
        return self

    def predict_proba(self, L: Any) -> np.ndarray:
        L = self._check_L(L)  # an empty matrix raises, as everywhere
        counts = vote_counts(L, self.cardinality)
        top = counts == counts.max(axis=1, keepdims=True)
        return top / top.sum(axis=1, keepdims=True)

    def get_weights(self) -> np.ndarray:
        raise ValueError("MajorityLabelVoter weighs every LF equally; it has no weights.")
