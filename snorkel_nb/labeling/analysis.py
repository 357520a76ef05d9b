"""LF statistics: coverage, overlaps, conflicts, empirical accuracy, pairwise views.

Everything is computed from vectorised counts (``np.bincount`` over the
non-abstain entries and chunked matrix products for the pairwise matrices),
never Python loops over LF pairs. Pairwise counts are sums over row chunks,
so they can be accumulated over partitions of a larger data set.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from snorkel_nb.labeling.lf import LabelingFunction
from snorkel_nb.labeling.matrix import ABSTAIN, check_gold, check_label_matrix

_CHUNK = 65_536


def pair_counts(L: np.ndarray, cardinality: int) -> tuple[np.ndarray, np.ndarray]:
    """[m, m] counts of points both LFs label, and of points where they agree.

    Computed as chunked float32 products of indicator matrices; the diagonal of
    the first is each LF's number of votes. Both are sums over row chunks.
    """
    n, m = L.shape
    both = np.zeros((m, m), dtype=np.float64)
    agree = np.zeros((m, m), dtype=np.float64)
    for s in range(0, n, _CHUNK):
        block = L[s:s + _CHUNK]
        V = (block != ABSTAIN).astype(np.float32)
        both += V.T @ V
        for c in range(cardinality):
            E = (block == c).astype(np.float32)
            if E.any():
                agree += E.T @ E
    return both, agree


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
    >>> LFAnalysis(L).lf_summary()[["Coverage", "Overlaps", "Conflicts"]]
         Coverage  Overlaps  Conflicts
    lf0      0.50       0.5       0.25
    lf1      0.50       0.5       0.25
    lf2      0.25       0.0       0.00
    """

    def __init__(self, L: Any, lfs: Sequence[LabelingFunction | str] | None = None) -> None:
        self.L = check_label_matrix(L)
        n, m = self.L.shape
        if lfs is None:
            self.names = [f"lf{j}" for j in range(m)]
        else:
            if len(lfs) != m:
                raise ValueError(f"L has {m} columns but {len(lfs)} LFs were given.")
            self.names = [lf if isinstance(lf, str) else lf.name for lf in lfs]
            if len(set(self.names)) != m:
                raise ValueError("LF names must be unique.")
        self.cardinality = max(2, int(self.L.max()) + 1)
        self._rows, self._cols = np.nonzero(self.L != ABSTAIN)
        self._labels = self.L[self._rows, self._cols].astype(np.int64)
        self._row_votes = np.bincount(self._rows, minlength=n)
        self._pairs: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def n(self) -> int:
        return self.L.shape[0]

    @property
    def m(self) -> int:
        return self.L.shape[1]

    # -- label-level (over points) ----------------------------------------
    def label_coverage(self) -> float:
        """Fraction of points with at least one vote."""
        return float(np.mean(self._row_votes > 0))

    def label_overlap(self) -> float:
        """Fraction of points with at least two votes."""
        return float(np.mean(self._row_votes > 1))

    def label_conflict(self) -> float:
        """Fraction of points with votes for two or more different labels."""
        return float(np.mean(self._row_distinct() > 1))

    def _row_distinct(self) -> np.ndarray:
        k = self.cardinality
        seen = np.zeros(self.n * k, dtype=bool)
        seen[self._rows * k + self._labels] = True
        return seen.reshape(self.n, k).sum(axis=1)

    # -- LF-level -----------------------------------------------------------
    def lf_polarities(self) -> list[list[int]]:
        """Sorted labels each LF emits."""
        k = self.cardinality
        seen = np.zeros(self.m * k, dtype=bool)
        seen[self._cols * k + self._labels] = True
        seen = seen.reshape(self.m, k)
        return [list(np.nonzero(r)[0].tolist()) for r in seen]

    def _per_lf(self, mask: np.ndarray) -> np.ndarray:
        return np.bincount(self._cols[mask], minlength=self.m).astype(np.float64)

    def lf_coverages(self) -> np.ndarray:
        """Fraction of points each LF labels."""
        return self._per_lf(np.ones(len(self._cols), bool)) / self.n

    def lf_overlaps(self, normalize_by_coverage: bool = False) -> np.ndarray:
        """Fraction of points each LF labels that some other LF also labels."""
        o = self._per_lf(self._row_votes[self._rows] > 1) / self.n
        if normalize_by_coverage:
            cov = self.lf_coverages()
            o = np.divide(o, cov, out=np.zeros_like(o), where=cov > 0)
        return o

    def lf_conflicts(self, normalize_by_overlaps: bool = False) -> np.ndarray:
        """Fraction of points where an LF and some other LF vote differently."""
        k = self.cardinality
        same = np.bincount(self._rows * k + self._labels, minlength=self.n * k)
        others_differ = self._row_votes[self._rows] - same[self._rows * k + self._labels] > 0
        c = self._per_lf(others_differ) / self.n
        if normalize_by_overlaps:
            o = self.lf_overlaps()
            c = np.divide(c, o, out=np.zeros_like(c), where=o > 0)
        return c

    def _gold(self, Y: Any) -> np.ndarray:
        return check_gold(Y, self.n)

    def lf_correct_incorrect(self, Y: Any) -> tuple[np.ndarray, np.ndarray]:
        """Votes agreeing / disagreeing with gold per LF (points with gold -1 skipped)."""
        Y = self._gold(Y)
        known = Y[self._rows] != ABSTAIN
        right = known & (Y[self._rows] == self._labels)
        return self._per_lf(right), self._per_lf(known & ~right)

    def lf_empirical_accuracies(self, Y: Any) -> np.ndarray:
        """Empirical accuracy (on covered points): correct / (correct + incorrect).

        NaN for an LF that labels no point with known gold.
        """
        c, i = self.lf_correct_incorrect(Y)
        tot = c + i
        return np.divide(c, tot, out=np.full(self.m, np.nan), where=tot > 0)

    def lf_empirical_probs(self, Y: Any, k: int) -> np.ndarray:
        """[m, k+1, k] estimate of P(LF vote = a - 1 | Y = y) (a = 0 is abstain)."""
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
        column.
        """
        d: dict[str, Any] = {
            "j": np.arange(self.m),
            "Polarity": self.lf_polarities(),
            "Coverage": self.lf_coverages(),
            "Overlaps": self.lf_overlaps(),
            "Conflicts": self.lf_conflicts(),
        }
        if Y is not None:
            c, i = self.lf_correct_incorrect(Y)
            d["Correct"] = c.astype(np.int64)
            d["Incorrect"] = i.astype(np.int64)
            d["Emp. Acc."] = self.lf_empirical_accuracies(Y)
        if est_weights is not None:
            w = np.asarray(est_weights, dtype=float)
            if w.shape != (self.m,):
                raise ValueError(f"est_weights must have shape ({self.m},); got {w.shape}")
            d["Learned Weight"] = w
        return pd.DataFrame(d, index=self.names)

    # -- pairwise -----------------------------------------------------------
    def _pair(self) -> tuple[np.ndarray, np.ndarray]:
        if self._pairs is None:
            self._pairs = pair_counts(self.L, self.cardinality)
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
        return pd.DataFrame({
            "lf_a": names[a.ravel()],
            "lf_b": names[b.ravel()],
            "count": counts.ravel().astype(np.int64),
            "value": counts.ravel() / self.n,
            "kind": kind,
        })

    def pairwise_overlaps(self) -> pd.DataFrame:
        """Tidy ``lf_a, lf_b, count, value, kind`` for the overlap heatmap.

        ``value`` is the fraction of all points both LFs label (the diagonal is
        each LF's coverage).
        """
        return self._tidy(self.overlap_matrix(), "overlap")

    def pairwise_conflicts(self) -> pd.DataFrame:
        """Tidy ``lf_a, lf_b, count, value, kind``: fraction of points where they disagree."""
        return self._tidy(self.conflict_matrix(), "conflict")

    def pair_points(self, lf_a: str | int, lf_b: str | int, kind: str = "overlap") -> np.ndarray:
        """Row indices behind one heatmap cell (``kind`` = overlap or conflict)."""
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
