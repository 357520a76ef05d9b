"""Sufficient statistics of a label matrix, summable over chunks of rows.

Every label model here treats the rows of ``L`` as exchangeable, so two
statistics are enough to fit any of them:

* the **unique voting patterns** with their counts (EM and predict run on the
  patterns only), and
* the **overlap matrix** ``O = onehot(L).T @ onehot(L)``, an [m*k, m*k] matrix of
  pairwise vote co-occurrence counts (its diagonal holds each LF's vote counts).

Both add up over chunks of rows:
``LabelStats.from_matrix(A) + LabelStats.from_matrix(B)`` equals
``LabelStats.from_matrix(vstack(A, B))``, which is what a Dask fit over partitions
needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from snorkel_nb.labeling.matrix import ABSTAIN, check_label_matrix

_HASH_MUL = np.uint64(0x9E3779B97F4A7C15)
_CHUNK = 65536
# rows per one-hot chunk: a float32 [8192, k*m] slab stays cache-friendly
_OH_CHUNK = 8192


def row_hash(L: np.ndarray) -> np.ndarray:
    """A 64-bit polynomial hash of each row (one pass per column, O(n) memory)."""
    h = np.full(L.shape[0], 0xCBF29CE484222325, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(L.shape[1]):
            h *= _HASH_MUL
            h += (L[:, j].astype(np.int64) + 2).astype(np.uint64)
            h ^= h >> np.uint64(29)
    return h


def unique_patterns(
    L: np.ndarray, weights: np.ndarray | None = None, return_inverse: bool = False
) -> tuple[np.ndarray, ...]:
    """Unique rows of ``L`` with their (weighted) counts.

    Rows are hashed to 64 bits and the hashes uniqued, which needs O(n) extra
    memory instead of a sorted copy of ``L``; hash collisions are detected by
    comparing every row with its representative and, if any, the exact (slower)
    byte-wise unique is used instead.

    Parameters
    ----------
    L
        ``[n, m]`` label matrix.
    weights
        ``[n]`` row weights; None counts each row once.
    return_inverse
        Also return each row's pattern index.

    Returns
    -------
    tuple of numpy.ndarray
        ``(patterns, counts)``, or ``(patterns, counts, inverse)`` with
        ``return_inverse``.
    """
    n, m = L.shape
    if n == 0:
        empty = (L[:0].copy(), np.zeros(0, dtype=np.float64))
        return empty + ((np.zeros(0, dtype=np.int64),) if return_inverse else ())
    h = row_hash(L)
    _, first, inv = np.unique(h, return_index=True, return_inverse=True)
    pats = L[first]
    ok = True
    for s in range(0, n, _CHUNK):
        if not np.array_equal(L[s : s + _CHUNK], pats[inv[s : s + _CHUNK]]):
            ok = False
            break
    if not ok:  # pragma: no cover - astronomically rare collision
        Lc = np.ascontiguousarray(L)
        view = Lc.view(np.dtype((np.void, Lc.dtype.itemsize * m))).ravel()
        _, first, inv = np.unique(view, return_index=True, return_inverse=True)
        pats = L[first]
    inv = inv.ravel().astype(np.int64)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    counts = np.bincount(inv, weights=w, minlength=len(pats)).astype(np.float64)
    return (pats, counts, inv) if return_inverse else (pats, counts)


def overlap_matrix(
    L: np.ndarray, cardinality: int, weights: np.ndarray | None = None
) -> np.ndarray:
    """[m*k, m*k] co-occurrence counts: entry (i*k+a, j*k+b) counts rows with
    ``L[:, i] == a`` and ``L[:, j] == b`` (weighted by ``weights`` if given).

    Computed in cache-sized row chunks with a dense float32 one-hot laid out
    class-major (``np.equal`` writes contiguous rows; twice as fast as
    interleaving classes) and one BLAS product per chunk, so memory stays
    O(chunk * m * k); exact, since a chunk's counts fit float32.

    Parameters
    ----------
    L
        ``[n, m]`` label matrix (-1 = abstain).
    cardinality
        Number of vote values k.
    weights
        ``[n]`` row weights (e.g. pattern counts); None counts each row once.

    Returns
    -------
    numpy.ndarray
        ``[m*k, m*k]`` float64 counts.
    """
    n, m = L.shape
    k = cardinality
    O = np.zeros((k * m, k * m), dtype=np.float64)
    dt = np.float32 if weights is None else np.float64
    for s in range(0, n, _OH_CHUNK):
        Lc = L[s : s + _OH_CHUNK]
        oh = np.empty((Lc.shape[0], k, m), dtype=dt)
        for y in range(k):
            np.equal(Lc, y, out=oh[:, y, :])
        oh = oh.reshape(Lc.shape[0], k * m)
        if weights is None:
            O += oh.T @ oh
        else:
            O += (oh * weights[s : s + _OH_CHUNK, None]).T @ oh
    # class-major (y, j) -> the documented LF-major (j, y) order
    return O.reshape(k, m, k, m).transpose(1, 0, 3, 2).reshape(m * k, m * k)


@dataclass
class LabelStats:
    """Sufficient statistics of an [n, m] label matrix with cardinality ``k``.

    Attributes
    ----------
    n, m, cardinality
        Rows, LFs, classes.
    overlap
        [m*k, m*k] float64 pairwise vote co-occurrence counts (see
        :func:`overlap_matrix`).
    patterns
        [u, m] unique rows of ``L`` (or ``None`` if not collected).
    counts
        [u] how many rows show each pattern.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[0, 1], [0, -1]]); B = np.array([[0, 1]])
    >>> s = LabelStats.from_matrix(A, 2) + LabelStats.from_matrix(B, 2)
    >>> s.n, s.patterns.tolist(), s.counts.tolist()
    (3, [[0, -1], [0, 1]], [1.0, 2.0])
    """

    n: int
    m: int
    cardinality: int
    overlap: np.ndarray
    patterns: np.ndarray | None = None
    counts: np.ndarray | None = None

    @classmethod
    def from_matrix(
        cls,
        L: Any,
        cardinality: int,
        patterns: bool = True,
        overlap: bool = True,
        validate: bool = True,
    ) -> "LabelStats":
        """Compute the statistics of ``L`` (validated with ``check_label_matrix``
        unless ``validate=False``, for callers that already did).

        ``patterns=False`` skips the unique-pattern pass (the overlap matrix is
        all that :class:`~snorkel_nb.labeling.model.LabelModel` needs to fit);
        ``overlap=False`` keeps only its diagonal (the vote counts), for
        pattern-only uses such as the degeneracy guard's row sample.

        Parameters
        ----------
        L
            ``[n, m]`` label matrix (-1 = abstain).
        cardinality
            Number of vote values k.
        patterns
            Compute the unique patterns and their counts.
        overlap
            Compute the full overlap matrix (else only its diagonal).
        validate
            Check ``L`` with ``check_label_matrix`` first.

        Returns
        -------
        LabelStats

        Raises
        ------
        ValueError
            If ``validate`` and ``L`` is not a valid label matrix.
        """
        if validate:
            L = check_label_matrix(L, cardinality=cardinality, allow_empty=True)
        if L.dtype.itemsize > 1 and cardinality < 127:
            L = L.astype(np.int8)
        n, m = L.shape
        pats = cnts = None
        if patterns:
            pats, cnts = unique_patterns(L)
        if not overlap:
            O = _diagonal_only(L, np.ones(n), cardinality)
        elif pats is not None and len(pats) < n // 2:
            O = overlap_matrix(pats, cardinality, cnts)
        else:
            O = overlap_matrix(L, cardinality)
        return cls(n, m, int(cardinality), O, pats, cnts)

    @classmethod
    def from_patterns(
        cls,
        patterns: np.ndarray,
        counts: np.ndarray,
        cardinality: int,
        overlap: bool = True,
    ) -> "LabelStats":
        """Statistics of a matrix given as unique rows and their counts
        (``overlap=False``: only the vote counts, as in :meth:`from_matrix`).

        Parameters
        ----------
        patterns
            ``[u, m]`` unique rows of the label matrix.
        counts
            ``[u]`` non-negative count of each row.
        cardinality
            Number of vote values k.
        overlap
            Compute the full overlap matrix (else only its diagonal).

        Returns
        -------
        LabelStats

        Raises
        ------
        ValueError
            If ``patterns`` is not a valid label matrix or ``counts`` is not a
            non-negative vector with one entry per pattern.
        """
        patterns = check_label_matrix(
            patterns, cardinality=cardinality, allow_empty=True
        )
        counts = np.asarray(counts, dtype=np.float64)
        if counts.shape != (patterns.shape[0],) or (counts < 0).any():
            raise ValueError("counts must be a non-negative vector, one per pattern.")
        if overlap:
            O = overlap_matrix(patterns, cardinality, counts)
        else:
            O = _diagonal_only(patterns, counts, cardinality)
        return cls(
            int(round(counts.sum())),
            patterns.shape[1],
            int(cardinality),
            O,
            patterns,
            counts,
        )

    def merge(self, other: "LabelStats") -> "LabelStats":
        """Statistics of the two row sets stacked (the order does not matter)."""
        if not isinstance(other, LabelStats):
            raise TypeError(f"Cannot merge LabelStats with {type(other).__name__}.")
        if (self.m, self.cardinality) != (other.m, other.cardinality):
            raise ValueError(
                f"Cannot merge statistics of (m={self.m}, k={self.cardinality}) "
                f"with (m={other.m}, k={other.cardinality})."
            )
        pats = cnts = None
        if self.patterns is not None and other.patterns is not None:
            both = np.concatenate([self.patterns, other.patterns])
            w = np.concatenate([self.counts, other.counts])
            pats, cnts = unique_patterns(both, weights=w)
        return LabelStats(
            self.n + other.n,
            self.m,
            self.cardinality,
            self.overlap + other.overlap,
            pats,
            cnts,
        )

    __add__ = merge

    def row_sample(self, rows: int) -> "LabelStats":
        """Patterns (vote counts only) of a systematic sample of about
        ``rows`` of the rows, drawn from the patterns alone.

        The rows are laid out pattern by pattern in the patterns' (hash)
        order and every ``n / rows``-th is taken, so a pattern is sampled in
        proportion to its count, deterministically: what a strided row
        sample ``L[::step]`` of a shuffled ``L`` would give. The fit uses it
        when it is handed far more distinct patterns than its EM polish and
        guard need.

        Examples
        --------
        >>> L = np.array([[0, 0]] * 6 + [[1, 1]] * 2 + [[0, 1]] * 2)
        >>> s = LabelStats.from_matrix(L, 2).row_sample(5)
        >>> s.n, sorted(zip(s.patterns.tolist(), s.counts.tolist()))
        (5, [([0, 0], 3.0), ([0, 1], 1.0), ([1, 1], 1.0)])
        """
        if self.patterns is None:
            raise ValueError("these LabelStats hold no patterns to sample from.")
        if rows < 1:
            raise ValueError(f"rows must be >= 1; got {rows}.")
        cum = np.cumsum(self.counts)
        total = float(cum[-1]) if len(cum) else 0.0
        rows = int(min(rows, max(total, 1)))
        pos = (np.arange(rows) + 0.5) * (total / rows)
        pick = np.minimum(np.searchsorted(cum, pos, side="right"), len(cum) - 1)
        sel, cnt = np.unique(pick, return_counts=True)
        return LabelStats.from_patterns(
            self.patterns[sel], cnt.astype(np.float64), self.cardinality, overlap=False
        )

    def without_patterns(self) -> "LabelStats":
        """The same statistics with the patterns dropped (overlap matrix only)."""
        return LabelStats(self.n, self.m, self.cardinality, self.overlap)

    # ---- derived quantities -------------------------------------------------
    def vote_counts(self) -> np.ndarray:
        """[m, k] number of votes of each LF for each class."""
        return np.diag(self.overlap).reshape(self.m, self.cardinality).copy()

    def coverage(self) -> np.ndarray:
        """[m] fraction of rows each LF votes on."""
        return self.vote_counts().sum(1) / max(self.n, 1)

    def pair_counts(self) -> tuple[np.ndarray, np.ndarray]:
        """[m, m] counts of rows both LFs vote on, and of rows where they vote
        the same class (both diagonals: each LF's vote count); what
        :class:`~snorkel_nb.labeling.LFAnalysis` shows as overlaps and conflicts.

        Examples
        --------
        >>> s = LabelStats.from_matrix(np.array([[0, 0], [0, 1], [1, -1]]), 2)
        >>> both, agree = s.pair_counts()
        >>> both.tolist(), agree.tolist()
        ([[3.0, 2.0], [2.0, 2.0]], [[3.0, 1.0], [1.0, 2.0]])
        """
        if np.isnan(self.overlap).any():
            raise ValueError(
                "these LabelStats hold only vote counts (overlap=False); "
                "pairwise counts need the full overlap matrix"
            )
        m, k = self.m, self.cardinality
        O = self.overlap.reshape(m, k, m, k)
        return O.sum((1, 3)), np.einsum("iaja->ij", O).copy()

    def pair_tables(self) -> np.ndarray:
        """[m, m, k+1, k+1] joint counts of (LF i value, LF j value), value 0 =
        abstain and value ``c + 1`` = vote for class ``c``; the diagonal blocks
        (i == j) are meaningless and set to zero."""
        m, k, n = self.m, self.cardinality, self.n
        O = self.overlap.reshape(m, k, m, k).transpose(0, 2, 1, 3)  # [i, j, a, b]
        T = np.zeros((m, m, k + 1, k + 1))
        T[:, :, 1:, 1:] = O
        votes = self.vote_counts()  # [m, k]
        T[:, :, 1:, 0] = votes[:, None, :] - O.sum(3)
        T[:, :, 0, 1:] = votes[None, :, :] - O.sum(2)
        T[:, :, 0, 0] = n - T[:, :, 1:, :].sum((2, 3)) - T[:, :, 0, 1:].sum(2)
        idx = np.arange(m)
        T[idx, idx] = 0.0
        return np.maximum(T, 0.0)


def _diagonal_only(L: np.ndarray, w: np.ndarray, k: int) -> np.ndarray:
    """An overlap matrix holding only its diagonal (weighted vote counts; the
    rest NaN): enough for coverage and vote counts, O(n m) to build."""
    m = L.shape[1]
    O = np.full((m * k, m * k), np.nan)
    votes = np.zeros((m, k))
    for s in range(0, L.shape[0], _OH_CHUNK):  # row chunks: no [n, m] float temporary
        for y in range(k):
            votes[:, y] += w[s : s + _OH_CHUNK] @ (L[s : s + _OH_CHUNK] == y)
    np.fill_diagonal(O, votes.reshape(-1).astype(np.float64))
    return O


def as_int8(L: np.ndarray) -> np.ndarray:
    """``L`` as int8 when the values fit (they do for k < 127)."""
    if L.dtype != np.int8 and (L.size == 0 or int(L.max()) < 127):
        return L.astype(np.int8)
    return L


__all__ = [
    "ABSTAIN",
    "LabelStats",
    "overlap_matrix",
    "unique_patterns",
    "as_int8",
    "row_hash",
]
