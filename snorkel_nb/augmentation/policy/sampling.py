"""Random augmentation policies.

They draw from numpy's global generator, so ``np.random.seed`` makes a run
reproducible (as in Snorkel).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from snorkel_nb.augmentation.policy.core import Policy


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
