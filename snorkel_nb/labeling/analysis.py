"""LF statistics: coverage, overlaps, conflicts, empirical accuracy, pairwise views.

Everything is computed from vectorised counts (``np.bincount`` over the
non-abstain entries), never Python loops over LF pairs. The pairwise matrices
come from :class:`~snorkel_nb.labeling.model.LabelStats`, the one counting
engine the label models also use; since those statistics add up over
partitions, :meth:`LFAnalysis.from_stats` gives the same summary and pairwise
matrices for data that never sits in one process (see
:mod:`snorkel_nb.labeling.dask_stats`).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from snorkel_nb.labeling.lf import LabelingFunction
from snorkel_nb.labeling.matrix import ABSTAIN, check_gold, check_label_matrix
from snorkel_nb.labeling.model.stats import LabelStats


def pair_counts(L: np.ndarray, cardinality: int) -> tuple[np.ndarray, np.ndarray]:
    """[m, m] counts of points both LFs label, and of points where they agree
    (diagonals: each LF's votes); :meth:`LabelStats.pair_counts` of ``L``.

    Parameters
    ----------
    L : numpy.ndarray
        ``[n, m]`` label matrix (``-1`` = abstain).
    cardinality : int
        ``k``.

    Returns
    -------
    tuple of numpy.ndarray
        ``(both_vote, agree)``, each ``[m, m]`` float counts.

    Examples
    --------
    >>> both, agree = pair_counts(np.array([[0, 0], [1, 0], [-1, 1]]), 2)
    >>> both.tolist(), agree.tolist()
    ([[2.0, 2.0], [2.0, 3.0]], [[2.0, 1.0], [1.0, 3.0]])
    """
    return LabelStats.from_matrix(L, cardinality, patterns=False).pair_counts()


class LFAnalysis:
    """Statistics of a label matrix, optionally keyed by LF names.

    Parameters
    ----------
    L
        An [n, m] label matrix with values in {-1, ..., k-1}.
    lfs
        The LFs (or their names) behind the columns, for readable indices.

    Examples
    --------
    >>> L = np.array([[0, 0, -1], [1, 0, -1], [-1, -1, 1], [-1, -1, -1]])
    >>> summary = LFAnalysis(L, ["a", "b", "c"]).lf_summary()
    >>> summary[["Coverage", "Overlaps", "Conflicts"]]
       Coverage  Overlaps  Conflicts
    a      0.50       0.5       0.25
    b      0.50       0.5       0.25
    c      0.25       0.0       0.00

    Without LFs the summary has Snorkel's shape: rows 0..m-1 and no ``j``
    column (pairwise views still call the columns ``lf0``, ``lf1``, ...).
    """

    def __init__(
        self, L: Any, lfs: Sequence[LabelingFunction | str] | None = None
    ) -> None:
        self.L = check_label_matrix(L)
        self.cardinality = max(2, int(self.L.max()) + 1) if self.L.size else 2
        self._setup(lfs, self.L.shape[0], None, None)

    @classmethod
    def from_stats(
        cls, stats: LabelStats, lfs: Sequence[LabelingFunction | str] | None = None
    ) -> "LFAnalysis":
        """Analysis from (e.g. partition-summed) statistics with patterns.

        Summary and pairwise outputs equal those of ``LFAnalysis(L)``; methods
        that need individual rows (gold-based accuracies, :meth:`pair_points`)
        raise, since the statistics keep only the distinct voting patterns.

        Parameters
        ----------
        stats : LabelStats
            Statistics with patterns (``LabelStats.from_matrix`` or summed
            over partitions).
        lfs : sequence of LabelingFunction or str, optional
            The LFs (or their names) in column order.

        Returns
        -------
        LFAnalysis

        Raises
        ------
        ValueError
            If ``stats`` is not a ``LabelStats`` with patterns.

        Examples
        --------
        >>> L = np.array([[0, 0, -1], [1, 0, -1], [-1, -1, 1], [0, 0, -1]])
        >>> a = LFAnalysis.from_stats(LabelStats.from_matrix(L, 2))
        >>> bool((a.lf_summary() == LFAnalysis(L).lf_summary()).all().all())
        True
        """
        if not isinstance(stats, LabelStats) or stats.patterns is None:
            raise ValueError(
                "LFAnalysis.from_stats needs LabelStats with patterns "
                "(LabelStats.from_matrix(L, k, patterns=True))"
            )
        self = cls.__new__(cls)
        self.L = stats.patterns
        self.cardinality = stats.cardinality
        self._setup(lfs, stats.n, np.asarray(stats.counts, dtype=np.float64), stats)
        return self

    def _setup(
        self,
        lfs: Sequence[LabelingFunction | str] | None,
        n_rows: int,
        weights: np.ndarray | None,
        stats: LabelStats | None,
    ) -> None:
        """Per-vote index arrays.

        ``weights``: how many rows each row of L stands for.
        """
        n, m = self.L.shape
        self._n = int(n_rows)
        self._w = weights
        self._stats = stats
        self._lfs_given = lfs is not None
        if lfs is None:
            self.names = [f"lf{j}" for j in range(m)]
        else:
            if len(lfs) != m:
                raise ValueError(
                    f"Number of LFs ({len(lfs)}) and number of LF matrix columns "
                    f"({m}) are different: L has {m} columns but {len(lfs)} LFs "
                    "were given."
                )
            self.names = [lf if isinstance(lf, str) else lf.name for lf in lfs]
            if len(set(self.names)) != m:
                raise ValueError("LF names must be unique.")
        self._rows, self._cols = np.nonzero(self.L != ABSTAIN)
        self._labels = self.L[self._rows, self._cols].astype(np.int64)
        self._row_votes = np.bincount(self._rows, minlength=n)
        self._pairs: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def n(self) -> int:
        """Number of points (rows of L, or rows the statistics summed)."""
        return self._n

    def _mean(self, flags: np.ndarray) -> float:
        """Share of rows where ``flags`` (one per row of L) holds."""
        if self._w is None:
            return float(np.mean(flags))
        return float(self._w @ flags / max(self._n, 1))

    def _need_rows(self, what: str) -> None:
        if self._w is not None:
            raise ValueError(
                f"{what} needs the label matrix's rows; this analysis "
                "was built from statistics (LFAnalysis.from_stats)"
            )

    @property
    def m(self) -> int:
        """Number of LFs (columns of L)."""
        return self.L.shape[1]

    # -- label-level (over points) ----------------------------------------
    def label_coverage(self) -> float:
        """Fraction of points with at least one vote."""
        return self._mean(self._row_votes > 0)

    def label_overlap(self) -> float:
        """Fraction of points with at least two votes."""
        return self._mean(self._row_votes > 1)

    def label_conflict(self) -> float:
        """Fraction of points with votes for two or more different labels."""
        return self._mean(self._row_distinct() > 1)

    def _row_distinct(self) -> np.ndarray:
        k = self.cardinality
        rows = self.L.shape[0]
        seen = np.zeros(rows * k, dtype=bool)
        seen[self._rows * k + self._labels] = True
        return seen.reshape(rows, k).sum(axis=1)

    # -- LF-level -----------------------------------------------------------
    def lf_polarities(self) -> list[list[int]]:
        """Sorted labels each LF emits."""
        k = self.cardinality
        seen = np.zeros(self.m * k, dtype=bool)
        seen[self._cols * k + self._labels] = True
        seen = seen.reshape(self.m, k)
        return [list(np.nonzero(r)[0].tolist()) for r in seen]

    def _per_lf(self, mask: np.ndarray) -> np.ndarray:
        w = None if self._w is None else self._w[self._rows[mask]]
        return np.bincount(self._cols[mask], weights=w, minlength=self.m).astype(
            np.float64
        )

    def lf_coverages(self) -> np.ndarray:
        """Fraction of points each LF labels."""
        return self._per_lf(np.ones(len(self._cols), bool)) / self.n

    def lf_overlaps(self, normalize_by_coverage: bool = False) -> np.ndarray:
        """Fraction of points each LF labels that some other LF also labels.

        Parameters
        ----------
        normalize_by_coverage : bool, default False
            Divide by each LF's coverage: the share of *its own* points that
            another LF also labels (0 for an LF with no votes).

        Returns
        -------
        numpy.ndarray
            [m] float.

        Examples
        --------
        >>> a = LFAnalysis(np.array([[0, 0], [1, -1], [-1, -1], [0, -1]]))
        >>> a.lf_overlaps().tolist()
        [0.25, 0.25]
        >>> a.lf_overlaps(normalize_by_coverage=True).tolist()
        [0.3333333333333333, 1.0]
        """
        o = self._per_lf(self._row_votes[self._rows] > 1) / self.n
        if normalize_by_coverage:
            cov = self.lf_coverages()
            o = np.divide(o, cov, out=np.zeros_like(o), where=cov > 0)
        return o

    def lf_conflicts(self, normalize_by_overlaps: bool = False) -> np.ndarray:
        """Fraction of points where an LF and some other LF vote differently.

        Parameters
        ----------
        normalize_by_overlaps : bool, default False
            Divide by each LF's overlaps: the share of its overlapping points
            where it conflicts (0 for an LF with no overlaps).

        Returns
        -------
        numpy.ndarray
            [m] float.

        Examples
        --------
        >>> a = LFAnalysis(np.array([[0, 1], [1, 1], [-1, 0], [0, -1]]))
        >>> a.lf_conflicts().tolist()
        [0.25, 0.25]
        >>> a.lf_conflicts(normalize_by_overlaps=True).tolist()
        [0.5, 0.5]
        """
        k = self.cardinality
        same = np.bincount(self._rows * k + self._labels, minlength=self.L.shape[0] * k)
        others_differ = (
            self._row_votes[self._rows] - same[self._rows * k + self._labels] > 0
        )
        c = self._per_lf(others_differ) / self.n
        if normalize_by_overlaps:
            o = self.lf_overlaps()
            c = np.divide(c, o, out=np.zeros_like(c), where=o > 0)
        return c

    def _gold(self, Y: Any) -> np.ndarray:
        self._need_rows("Comparing with gold labels")
        return check_gold(Y, self.n)

    def lf_correct_incorrect(self, Y: Any) -> tuple[np.ndarray, np.ndarray]:
        """Votes agreeing / disagreeing with gold per LF (points with gold -1 skipped).

        Parameters
        ----------
        Y : array-like
            [n] gold labels, -1 = unknown.

        Returns
        -------
        correct, incorrect : numpy.ndarray
            [m] float counts per LF.

        Raises
        ------
        ValueError
            If ``Y`` is malformed, or the analysis was built from statistics.
        """
        Y = self._gold(Y)
        known = Y[self._rows] != ABSTAIN
        right = known & (Y[self._rows] == self._labels)
        return self._per_lf(right), self._per_lf(known & ~right)

    def lf_empirical_accuracies(self, Y: Any, zero_coverage: float = 0.0) -> np.ndarray:
        """Empirical accuracy (on covered points): correct / (correct + incorrect).

        An LF that labels no point with known gold gets ``zero_coverage``: 0 by
        default, as in Snorkel; pass ``np.nan`` to tell "no evidence" apart
        from "always wrong".

        Parameters
        ----------
        Y : array-like
            ``[n]`` gold labels (``-1`` = unknown, ignored).
        zero_coverage : float, default 0.0
            The value for LFs with no voted point of known gold.

        Returns
        -------
        numpy.ndarray
            ``[m]`` floats.

        Examples
        --------
        >>> L = np.array([[0, 1], [1, -1], [1, 1]])
        >>> LFAnalysis(L).lf_empirical_accuracies([0, 0, 1]).tolist()
        [0.6666666666666666, 0.5]
        """
        c, i = self.lf_correct_incorrect(Y)
        tot = c + i
        return np.divide(
            c, tot, out=np.full(self.m, float(zero_coverage)), where=tot > 0
        )

    def lf_empirical_probs(self, Y: Any, k: int) -> np.ndarray:
        """[m, k+1, k] estimate of P(LF vote = a - 1 | Y = y) (a = 0 is abstain).

        Parameters
        ----------
        Y : array-like
            ``[n]`` gold labels.
        k : int
            The cardinality.

        Returns
        -------
        numpy.ndarray
            ``[m, k + 1, k]``; each ``[:, :, y]`` column sums to 1 where class
            ``y`` occurs in ``Y``.

        Raises
        ------
        ValueError
            If ``Y`` is malformed, or the analysis was built from statistics.

        Examples
        --------
        >>> L = np.array([[0, 0], [1, 0], [-1, 1]])
        >>> LFAnalysis(L).lf_empirical_probs(np.array([0, 0, 1]), 2)[0].tolist()
        [[0.0, 1.0], [0.5, 0.0], [0.5, 0.0]]
        """
        Y = self._gold(Y)
        out = np.zeros((self.m, k + 1, k))
        for y in range(k):
            rows = Y == y
            if not rows.any():
                continue
            block = self.L[rows]
            for a in range(-1, k):
                out[:, a + 1, y] = (block == a).mean(axis=0)
        return out

    def lf_summary(self, Y: Any = None, est_weights: Any = None) -> pd.DataFrame:
        """One row per LF: j, Polarity, Coverage, Overlaps, Conflicts.

        With gold ``Y`` also Correct, Incorrect and ``Emp. Acc.`` — the
        *empirical accuracy on covered points* (agreement with gold over the
        points the LF votes on, ignoring points whose gold is -1). With
        ``est_weights`` (e.g. ``label_model.get_weights()``) a ``Learned Weight``
        column. Rows are the LF names (no LFs given: 0..m-1 and no ``j``).

        Parameters
        ----------
        Y : array-like, optional
            ``[n]`` gold labels, for the accuracy columns.
        est_weights : array-like, optional
            ``[m]`` learned LF weights, for the ``Learned Weight`` column.

        Returns
        -------
        pandas.DataFrame

        Raises
        ------
        ValueError
            If ``Y`` is malformed (or given to an analysis built from
            statistics), or ``est_weights`` is not ``[m]``.

        Examples
        --------
        >>> L = np.array([[0, 0], [1, 0], [-1, 1]])
        >>> LFAnalysis(L).lf_summary()["Coverage"].tolist()
        [0.6666666666666666, 1.0]
        """
        d: dict[str, Any] = {"j": np.arange(self.m)} if self._lfs_given else {}
        d.update(
            {
                "Polarity": self.lf_polarities(),
                "Coverage": self.lf_coverages(),
                "Overlaps": self.lf_overlaps(),
                "Conflicts": self.lf_conflicts(),
            }
        )
        if Y is not None:
            c, i = self.lf_correct_incorrect(Y)
            d["Correct"] = c.astype(np.int64)
            d["Incorrect"] = i.astype(np.int64)
            d["Emp. Acc."] = self.lf_empirical_accuracies(Y)
        if est_weights is not None:
            w = np.asarray(est_weights, dtype=float)
            if w.shape != (self.m,):
                raise ValueError(
                    f"est_weights must have shape ({self.m},); got {w.shape}"
                )
            d["Learned Weight"] = w
        index = self.names if self._lfs_given else pd.RangeIndex(self.m)
        return pd.DataFrame(d, index=index)

    # -- pairwise -----------------------------------------------------------
    def _pair(self) -> tuple[np.ndarray, np.ndarray]:
        if self._pairs is None:
            if self._stats is None:
                self._stats = LabelStats.from_matrix(
                    self.L, self.cardinality, patterns=False, validate=False
                )
            self._pairs = self._stats.pair_counts()
        return self._pairs

    def overlap_matrix(self) -> np.ndarray:
        """[m, m] counts of points both LFs label (diagonal: each LF's votes)."""
        return self._pair()[0]

    def conflict_matrix(self) -> np.ndarray:
        """[m, m] counts of points both LFs label with different labels."""
        both, agree = self._pair()
        return both - agree

    def _tidy(self, counts: np.ndarray, kind: str) -> pd.DataFrame:
        m = self.m
        a, b = np.meshgrid(np.arange(m), np.arange(m), indexing="ij")
        names = np.asarray(self.names, dtype=object)
        return pd.DataFrame(
            {
                "lf_a": names[a.ravel()],
                "lf_b": names[b.ravel()],
                "count": counts.ravel().astype(np.int64),
                "value": counts.ravel() / self.n,
                "kind": kind,
            }
        )

    def pairwise_overlaps(self) -> pd.DataFrame:
        """Tidy ``lf_a, lf_b, count, value, kind`` for the overlap heatmap.

        ``value`` is the fraction of all points both LFs label (the diagonal is
        each LF's coverage).
        """
        return self._tidy(self.overlap_matrix(), "overlap")

    def pairwise_conflicts(self) -> pd.DataFrame:
        """Tidy ``lf_a, lf_b, count, value, kind``.

        ``value``: fraction of points where they disagree.
        """
        return self._tidy(self.conflict_matrix(), "conflict")

    def pair_points(
        self, lf_a: str | int, lf_b: str | int, kind: str = "overlap"
    ) -> np.ndarray:
        """Row indices behind one heatmap cell (``kind`` = overlap or conflict).

        Parameters
        ----------
        lf_a, lf_b : str or int
            The two LFs, by name or column.
        kind : {"overlap", "conflict"}, default "overlap"
            Rows both vote on, or rows where they vote differently.

        Returns
        -------
        numpy.ndarray
            Sorted row indices.

        Raises
        ------
        ValueError
            On an unknown ``kind``, or an analysis built from statistics.
        KeyError, IndexError
            On an unknown LF name or column.

        Examples
        --------
        >>> a = LFAnalysis(np.array([[0, 0], [1, 0], [-1, 1]]), ["a", "b"])
        >>> a.pair_points("a", "b", kind="conflict").tolist()
        [1]
        """
        self._need_rows("pair_points")
        a = self.lf_index(lf_a)
        b = self.lf_index(lf_b)
        va, vb = self.L[:, a], self.L[:, b]
        mask = (va != ABSTAIN) & (vb != ABSTAIN)
        if kind == "conflict":
            mask &= va != vb
        elif kind != "overlap":
            raise ValueError(f"kind must be 'overlap' or 'conflict'; got {kind!r}")
        return np.nonzero(mask)[0]

    def lf_index(self, lf: str | int) -> int:
        """Column of ``L`` for an LF given by name or position.

        Parameters
        ----------
        lf : str or int
            The LF's name or column.

        Returns
        -------
        int

        Raises
        ------
        KeyError
            On an unknown name.
        IndexError
            On a column outside 0..m-1.

        Examples
        --------
        >>> import numpy as np
        >>> LFAnalysis(np.array([[0, -1]]), ["a", "b"]).lf_index("b")
        1
        """
        if isinstance(lf, (int, np.integer)):
            if not 0 <= lf < self.m:
                raise IndexError(f"LF index {lf} out of range 0..{self.m - 1}")
            return int(lf)
        try:
            return self.names.index(lf)
        except ValueError:
            raise KeyError(f"no LF named {lf!r}; LFs: {self.names}") from None
