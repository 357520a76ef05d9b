"""Baselines a label model must beat: a random voter and the majority class.

(Majority *vote* lives in :mod:`snorkel_nb.labeling.model.majority`.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from snorkel_nb.labeling.matrix import check_label_matrix
from snorkel_nb.labeling.model.base import BaseLabeler


class RandomVoter(BaseLabeler):
    """Random probabilities for every point, ignoring the votes.

    Draws from numpy's global generator (``np.random.seed`` reproduces it).

    Examples
    --------
    >>> probs = RandomVoter().predict_proba(np.array([[0, 1], [-1, 1]]))
    >>> probs.shape, bool(np.allclose(probs.sum(axis=1), 1))
    ((2, 2), True)
    """

    def fit(self, *args: Any, **kwargs: Any) -> "RandomVoter":
        """Nothing to learn; returns ``self``."""
        return self

    def predict_proba(self, L: Any) -> np.ndarray:
        # only the shape matters: votes (even out of range) are ignored
        n = check_label_matrix(L, allow_empty=True).shape[0]
        probs = np.random.rand(n, self.cardinality)
        return probs / probs.sum(axis=1, keepdims=True)


class MajorityClassVoter(BaseLabeler):
    """Predict the most frequent class (from a given class balance) everywhere.

    Examples
    --------
    >>> mc = MajorityClassVoter().fit(balance=np.array([0.8, 0.2]))
    >>> mc.predict_proba(np.array([[0, 1], [1, 1]]))
    array([[1., 0.],
           [1., 0.]])
    """

    balance: np.ndarray | None = None

    def fit(self, balance: Any, *args: Any, **kwargs: Any) -> "MajorityClassVoter":
        """Remember the class balance ``P(Y = y)`` ([k] probabilities).

        Classes tied for the largest probability share the mass equally.

        Parameters
        ----------
        balance : array-like
            [k] class probabilities summing to 1.
        *args, **kwargs
            Accepted and ignored (Snorkel's ``fit`` signature).

        Returns
        -------
        MajorityClassVoter
            ``self``.

        Raises
        ------
        ValueError
            If ``balance`` is not [k] non-negative probabilities summing to 1.

        Examples
        --------
        >>> MajorityClassVoter(cardinality=3).fit([0.2, 0.4, 0.4]).predict_proba(
        ...     np.array([[0]]))
        array([[0. , 0.5, 0.5]])
        """
        b = np.asarray(balance, dtype=float)
        if b.shape != (self.cardinality,):
            raise ValueError(
                f"balance must have shape ({self.cardinality},) for cardinality "
                f"{self.cardinality}; got {b.shape}"
            )
        if (b < 0).any() or not np.isclose(b.sum(), 1.0, atol=1e-3):
            raise ValueError(
                f"balance must be class probabilities summing to 1; got {b}"
            )
        self.balance = b
        return self

    def predict_proba(self, L: Any) -> np.ndarray:
        if self.balance is None:
            raise ValueError(
                "MajorityClassVoter is not fitted: call fit(balance=...) first"
            )
        n = check_label_matrix(L, allow_empty=True).shape[0]
        top = (self.balance == self.balance.max()).astype(float)
        return np.tile(top / top.sum(), (n, 1))
