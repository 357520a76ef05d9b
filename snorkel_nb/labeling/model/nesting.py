"""Nested exceptions: a specific LF that fires almost only inside a broad LF
of another class, whose vote the broad one then only contradicts.

Keyword and regex LFs are often written as a broad rule and its exceptions:
"starts with *what*" votes DESCRIPTION, "*what* ... *city*" votes LOCATION.
The exception fires (nearly) only where the broad rule fires, so on its rows
the broad LF's vote is not a second, conditionally independent opinion about
``y``: it is implied by the exception firing, whatever ``y`` is. Every
conditionally independent model (majority vote included) counts it anyway,
as a vote against the exception, so each such row becomes a tie or a loss
for the specific rule. On the TREC coarse matrix (68 LFs, 6 classes) one LF
that fires on 62% of the rows with 23% precision is the broad rule of 17
exceptions; every exact majority-vote tie on its test rows involves it.

The remedy follows from the dependence: where an exception fires, its broad
LF's vote is not counted (a decision list, specific before general). It is
applied where votes are *counted*, i.e. when :class:`LabelModel` falls back to
majority vote (or keeps majority vote's decisions and breaks ties). The fit
itself sees every vote: masking before the fit leaves the broad LF never
firing with its exceptions, a mutual exclusion a conditionally independent
fit reads as "the broad LF is accurate" (the planted case of
``tests/labeling/model/test_nesting.py`` shows it), while a broad LF that
fires whatever the class is what a fit with class-dependent abstain rates
can learn when it is identified.

A broad rule with several exceptions is a default ("otherwise
DESCRIPTION"), and a decision list puts its default last everywhere, not
only behind the exceptions the detection below proves: where the counted
votes tie, a class some other LF voted for goes before a class only such
defaults voted for (:func:`defaults_last`; a margin far below a vote, so it
orders ties and moves no probability that matters). On TREC's test rows 18
of the 22 exact ties left after masking pit LF 41 (the broad rule above, in
15 of the 17 pairs) against an LF whose votes fall 59-88% inside it, under the
detection's 90%; LF 41 is right on none of them, and the rule turns 6 test
rows from wrong to right. One exception does not make a default
(``MIN_EXCEPTIONS`` = 2): it is a pair of related rules, which the masking
already handles; CDR's one nested pair would have changed 4 dev ties, 1
right against 3 before.

Detection is gold-free, from pair counts alone:

* both LFs vote a single class, different classes (crowd workers, who vote
  several classes, are never touched: their nesting is assignment, not
  implication);
* at least ``share`` of the exception's votes fall on rows where the broad LF
  votes, and the broad LF votes on more rows;
* the nesting is not what the broad LF's coverage explains by chance: under
  independence the exception would miss the broad LF on ``n_i (1 - cov_j)``
  of its rows, and that must be at least ``min_expected_miss``.

``share`` = 0.9 ("nine votes in ten inside the broad rule"), not tuned to any
set; the bench reports the rule's effect on each shared set, one rule at a time
(``bench/results/labelmodel_sets.md``).
"""

from __future__ import annotations

import numpy as np

from snorkel_nb.labeling.model.stats import LabelStats

NEST_SHARE = 0.9
MIN_EXPECTED_MISS = 3.0
# a broad LF is a default (last in ties) once it has this many exceptions
MIN_EXCEPTIONS = 2


def single_class_of(stats: LabelStats) -> np.ndarray:
    """[m] the one class each LF votes, or -1 (several classes, or none)."""
    voted = stats.vote_counts() > 0
    return np.where(voted.sum(1) == 1, voted.argmax(1), -1)


def nested_exceptions(
    stats: LabelStats,
    share: float = NEST_SHARE,
    min_expected_miss: float = MIN_EXPECTED_MISS,
) -> list[tuple[int, int]]:
    """``(exception, broad)`` LF pairs found from the pair counts (see the
    module docstring).

    Parameters
    ----------
    stats
        Statistics of the label matrix (the overlap matrix is enough).
    share
        Least share of the exception's votes that fall on the broad LF's rows.
    min_expected_miss
        Least number of the exception's rows outside the broad LF that
        independence would predict (so a near-constant LF never counts as
        broad by accident).

    Returns
    -------
    list of (int, int)
        Sorted pairs; the broad LF's vote is dropped where the exception votes.

    Examples
    --------
    >>> L = np.full((40, 3), -1)
    >>> L[:20, 0] = 1                      # broad rule, class 1
    >>> L[:8, 1] = 0                       # its exception, class 0
    >>> L[30:, 2] = 0                      # an unrelated LF
    >>> nested_exceptions(LabelStats.from_matrix(L, 2))
    [(1, 0)]
    """
    if not 0.0 < share <= 1.0:
        raise ValueError(f"share must be in (0, 1]; got {share}.")
    n = max(stats.n, 1)
    cls = single_class_of(stats)
    votes = stats.vote_counts().sum(1)
    co = stats.pair_counts()[0]  # [m, m] rows where both LFs vote
    cov = votes / n
    i, j = np.nonzero(
        (cls[:, None] >= 0)
        & (cls[None, :] >= 0)
        & (cls[:, None] != cls[None, :])
        & (co >= share * votes[:, None])
        & (votes[None, :] > votes[:, None])
        & (votes[:, None] * (1.0 - cov[None, :]) >= min_expected_miss)
        & (votes[:, None] > 0)
    )
    return sorted(zip(i.tolist(), j.tolist()))


def mask_nested(L: np.ndarray, pairs: list[tuple[int, int]]) -> np.ndarray:
    """A copy of ``L`` with each broad LF's vote dropped (-1) on the rows where
    one of its exceptions votes (all pairs judged on the original votes).

    Parameters
    ----------
    L
        ``[n, m]`` label matrix (-1 = abstain).
    pairs
        ``(exception, broad)`` LF index pairs.

    Returns
    -------
    numpy.ndarray
        The masked copy (``L`` itself when ``pairs`` is empty).

    Examples
    --------
    >>> mask_nested(np.array([[1, 0], [1, -1]]), [(1, 0)])
    array([[-1,  0],
           [ 1, -1]])
    """
    if not pairs:
        return L
    out = np.array(L, copy=True)
    fires = L >= 0
    for ex, broad in pairs:
        out[fires[:, ex], broad] = -1
    return out


def broad_lfs(
    pairs: list[tuple[int, int]], min_exceptions: int = MIN_EXCEPTIONS
) -> list[int]:
    """The LFs that are the broad rule of at least ``min_exceptions`` nested
    pairs (a decision list's defaults), sorted.

    Examples
    --------
    >>> broad_lfs([(1, 0), (2, 0), (4, 3)])
    [0]
    """
    n_exc: dict[int, int] = {}
    for _, b in pairs:
        n_exc[b] = n_exc.get(b, 0) + 1
    return sorted(b for b, c in n_exc.items() if c >= min_exceptions)


def defaults_last(
    L: np.ndarray, counts: np.ndarray, broad: list[int], margin: float
) -> np.ndarray:
    """[n, k] log-odds that order each row's exactly tied top classes:
    ``margin`` for a tied class some non-broad LF voted for, where another
    tied class has votes from broad LFs alone (0 elsewhere).

    Parameters
    ----------
    L
        ``[n, m]`` label matrix as counted (nested votes already masked).
    counts
        ``[n, k]`` the counted votes of ``L``'s rows per class.
    broad
        The broad LFs (:func:`broad_lfs`).
    margin
        Log-odds added; keep it far below one vote's weight.

    Returns
    -------
    numpy.ndarray
        ``[n, k]`` float64.

    Examples
    --------
    >>> L = np.array([[0, 1], [0, 0], [-1, 1]])
    >>> C = np.array([[1.0, 1.0], [2.0, 0.0], [0.0, 1.0]])
    >>> defaults_last(L, C, [0], 1e-3).tolist()
    [[0.0, 0.001], [0.0, 0.0], [0.0, 0.0]]
    """
    n, k = counts.shape
    out = np.zeros((n, k))
    if not broad:
        return out
    specific = np.zeros((n, k), dtype=bool)
    keep = np.ones(L.shape[1], dtype=bool)
    keep[broad] = False
    for j in np.flatnonzero(keep):
        v = L[:, j]
        hit = (v >= 0) & (v < k)
        specific[hit, v[hit]] = True
    top = (counts == counts.max(1, keepdims=True)) & (counts > 0)
    mixed = (top & specific).any(1) & (top & ~specific).any(1)
    out[mixed[:, None] & top & specific] = margin
    return out


__all__ = [
    "MIN_EXCEPTIONS",
    "MIN_EXPECTED_MISS",
    "NEST_SHARE",
    "broad_lfs",
    "defaults_last",
    "mask_nested",
    "nested_exceptions",
    "single_class_of",
]
