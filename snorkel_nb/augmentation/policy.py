"""Augmentation policies: which TFs to run, in which order, on each point.

A policy yields, per original data point, a list of TF index sequences; an
empty sequence keeps the original. Random policies draw from numpy's global
generator, so ``np.random.seed`` makes a run reproducible (as in Snorkel).
"""

from __future__ import annotations

from typing import Sequence

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


class MeanFieldPolicy(Policy):
    """Sequences of ``sequence_length`` TFs drawn i.i.d. from ``p``.

    Parameters
    ----------
    n_tfs
        Number of TFs.
    sequence_length
        TFs per sequence.
    p
        Probability of each TF (length ``n_tfs``, sums to 1); uniform if None.
    n_per_original, keep_original
        As in :class:`Policy`.

    Examples
    --------
    >>> MeanFieldPolicy(2, sequence_length=3, p=[1, 0]).generate()
    [0, 0, 0]
    """

    def __init__(
        self,
        n_tfs: int,
        sequence_length: int = 1,
        p: Sequence[float] | None = None,
        n_per_original: int = 1,
        keep_original: bool = True,
    ) -> None:
        if not isinstance(sequence_length, (int, np.integer)) or sequence_length < 1:
            raise ValueError(
                f"sequence_length must be a positive integer; got {sequence_length!r}"
            )
        if p is not None:
            p_arr = np.asarray(p, dtype=float)
            if p_arr.shape != (n_tfs,):
                raise ValueError(f"p must have length n_tfs={n_tfs}; got {len(p_arr)}")
            if (p_arr < 0).any() or not np.isclose(p_arr.sum(), 1.0):
                raise ValueError(f"p must be a probability distribution; got {p}")
        self.sequence_length = int(sequence_length)
        self._p = p
        super().__init__(
            n_tfs, n_per_original=n_per_original, keep_original=keep_original
        )

    def generate(self) -> list[int]:
        return np.random.choice(self.n, size=self.sequence_length, p=self._p).tolist()


class RandomPolicy(MeanFieldPolicy):
    """Sequences of ``sequence_length`` TFs drawn uniformly at random.

    Examples
    --------
    >>> np.random.seed(0)
    >>> len(RandomPolicy(4, sequence_length=2).generate())
    2
    """

    def __init__(
        self,
        n_tfs: int,
        sequence_length: int = 1,
        n_per_original: int = 1,
        keep_original: bool = True,
    ) -> None:
        super().__init__(
            n_tfs,
            sequence_length=sequence_length,
            p=None,
            n_per_original=n_per_original,
            keep_original=keep_original,
        )
