"""Augmentation policies: which TFs to run, in which order, on each point.

A policy yields, per original data point, a list of TF index sequences; an
empty sequence keeps the original. Random policies: :mod:`.sampling`.
"""

from __future__ import annotations


import numpy as np


class Policy:
    """Base policy: ``n_per_original`` sequences per point (+ the original).

    Parameters
    ----------
    n_tfs
        Number of TFs the indices refer to.
    n_per_original
        Transformed points to make per original point.
    keep_original
        Also keep the untransformed point.
    """

    def __init__(
        self, n_tfs: int, n_per_original: int = 1, keep_original: bool = True
    ) -> None:
        if not isinstance(n_tfs, (int, np.integer)) or n_tfs < 1:
            raise ValueError(f"n_tfs must be a positive integer; got {n_tfs!r}")
        if not isinstance(n_per_original, (int, np.integer)) or n_per_original < 0:
            raise ValueError(
                f"n_per_original must be an integer >= 0; got {n_per_original!r}"
            )
        self.n = int(n_tfs)
        self.n_per_original = int(n_per_original)
        self.keep_original = keep_original

    def generate_for_example(self) -> list[list[int]]:
        """All TF index sequences for one point (``[]`` first = the original)."""
        seqs: list[list[int]] = [[]] if self.keep_original else []
        seqs.extend(self.generate() for _ in range(self.n_per_original))
        return seqs

    def generate(self) -> list[int]:
        """One sequence of TF indices; subclasses implement it."""
        raise NotImplementedError


class ApplyAllPolicy(Policy):
    """Every TF, in order, on each point.

    Examples
    --------
    >>> ApplyAllPolicy(3, n_per_original=2, keep_original=False).generate_for_example()
    [[0, 1, 2], [0, 1, 2]]
    """

    def generate(self) -> list[int]:
        return list(range(self.n))


class ApplyOnePolicy(ApplyAllPolicy):
    """The single TF on each point.

    Examples
    --------
    >>> ApplyOnePolicy(n_per_original=2).generate_for_example()
    [[], [0], [0]]
    """

    def __init__(self, n_per_original: int = 1, keep_original: bool = True) -> None:
        super().__init__(1, n_per_original=n_per_original, keep_original=keep_original)


class ApplyEachPolicy(Policy):
    """Each TF alone on each point (one transformed point per TF).

    Examples
    --------
    >>> ApplyEachPolicy(3, keep_original=True).generate_for_example()
    [[], [0], [1], [2]]
    """

    def __init__(self, n_tfs: int, keep_original: bool = True) -> None:
        super().__init__(n_tfs, n_per_original=n_tfs, keep_original=keep_original)

    def generate_for_example(self) -> list[list[int]]:
        seqs = [[i] for i in range(self.n)]
        return [[]] + seqs if self.keep_original else seqs
