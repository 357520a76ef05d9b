"""Factor algebra of the label models: which LFs share a table, value codes,
per-LF vote alphabets, and log joints from tables (no fitting here).

Factor value codes are ``sum_t (L[:, C_t] + 1) * (a+1)**t`` (0 = abstain,
v + 1 = vote v; ``a`` the vote alphabet's size).
"""

from __future__ import annotations

import warnings
from typing import Any, Sequence

import numpy as np
import torch

MAX_FACTOR_CODES = 4096
_EPS = 1e-12


def check_dependencies(dependencies: Any, m: int) -> list[tuple[int, int]]:
    """Validate ``[(i, j), ...]`` LF index pairs; returns sorted unique pairs.

    Parameters
    ----------
    dependencies : iterable of (int, int) or None
        Pairs of LF column indices that are dependent; ``None`` means none.
        Order within and across pairs does not matter.
    m : int
        Number of LFs; every index must lie in ``0..m-1``.

    Returns
    -------
    list of (int, int)
        Sorted unique pairs, each as ``(min, max)``.

    Raises
    ------
    ValueError
        If an entry is not a pair of integers, names an LF outside
        ``0..m-1``, or pairs an LF with itself.

    Examples
    --------
    >>> check_dependencies([(2, 0), (0, 2), (1, 2)], m=3)
    [(0, 2), (1, 2)]
    """
    if dependencies is None:
        return []
    out = set()
    for d in dependencies:
        try:
            i, j = (int(v) for v in d)
        except (TypeError, ValueError) as e:
            raise ValueError(
                f"dependencies must be (i, j) pairs of LF indices; got {d!r}."
            ) from e
        if not (0 <= i < m and 0 <= j < m):
            raise ValueError(f"dependency {d!r} names an LF outside 0..{m - 1}.")
        if i == j:
            raise ValueError(f"dependency {d!r} pairs an LF with itself.")
        out.add((min(i, j), max(i, j)))
    return sorted(out)


def factors_from_dependencies(
    dependencies: Sequence[tuple[int, int]], m: int, cardinality: int
) -> list[tuple[int, ...]]:
    """Group LFs into factors: connected components of the dependency graph.

    A component whose joint table would exceed ``MAX_FACTOR_CODES`` values is
    split into consecutive pieces of the largest allowed size (with a warning).

    Parameters
    ----------
    dependencies : sequence of (int, int)
        Validated LF index pairs (see `check_dependencies`).
    m : int
        Number of LFs.
    cardinality : int
        Size of the vote alphabet; sets how many LFs fit in one table.

    Returns
    -------
    list of tuple of int
        One tuple of LF indices per factor, sorted; singletons for
        independent LFs.

    Examples
    --------
    >>> factors_from_dependencies([(0, 2)], m=4, cardinality=2)
    [(0, 2), (1,), (3,)]
    """
    parent = list(range(m))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for i, j in dependencies:
        parent[find(i)] = find(j)
    comps: dict[int, list[int]] = {}
    for j in range(m):
        comps.setdefault(find(j), []).append(j)
    max_size = max(1, int(np.floor(np.log(MAX_FACTOR_CODES) / np.log(cardinality + 1))))
    factors: list[tuple[int, ...]] = []
    for comp in sorted(comps.values()):
        if len(comp) > max_size:
            warnings.warn(
                f"Dependency clique {comp} has {len(comp)} LFs; with k={cardinality} "
                f"at most {max_size} LFs can share a joint table. It is split into "
                "pieces of that size.",
                UserWarning,
                stacklevel=3,
            )
        for s in range(0, len(comp), max_size):
            factors.append(tuple(comp[s : s + max_size]))
    return factors


def factor_codes(Lt: torch.Tensor, factor: tuple[int, ...], k: int) -> torch.Tensor:
    """Encode the joint value of a factor's LFs as one index per row.

    Parameters
    ----------
    Lt : torch.Tensor
        [n, m] integer label matrix, -1 = abstain.
    factor : tuple of int
        LF column indices of the factor; the first is the lowest digit.
    k : int
        Size of the LFs' vote alphabet.

    Returns
    -------
    torch.Tensor
        [n] int64 codes ``sum_t (Lt[:, factor[t]] + 1) * (k+1)**t``.

    Examples
    --------
    >>> Lt = torch.tensor([[-1, 0], [1, 1]], dtype=torch.int8)
    >>> factor_codes(Lt, (0, 1), k=2).tolist()
    [3, 8]
    """
    code = Lt[:, factor[0]].long() + 1
    mult = k + 1
    for c in factor[1:]:
        code = code + (Lt[:, c].long() + 1) * mult
        mult *= k + 1
    return code


def log_joint(
    Lt: torch.Tensor,
    log_prior: torch.Tensor,
    factors: Sequence[tuple[int, ...]],
    tables: Sequence[torch.Tensor],
    vote_card: int | None = None,
) -> torch.Tensor:
    """Unnormalised log posterior of each row under the factor model.

    Parameters
    ----------
    Lt : torch.Tensor
        [n, m] integer label matrix, -1 = abstain.
    log_prior : torch.Tensor
        [k] log class prior.
    factors : sequence of tuple of int
        LF indices of each factor.
    tables : sequence of torch.Tensor
        Per factor, a [(a+1)**len(factor), k] table of log P(values | y),
        indexed by `factor_codes`.
    vote_card : int, optional
        Size ``a`` of the vote alphabet; default ``k``.

    Returns
    -------
    torch.Tensor
        [n, k] log P(y) + sum of the factors' log tables.

    Examples
    --------
    >>> Lt = torch.tensor([[0], [-1]], dtype=torch.int8)
    >>> P = torch.tensor([[0.5, 0.5], [0.9, 0.1], [0.1, 0.9]], dtype=torch.float64)
    >>> lp = torch.log(torch.tensor([0.5, 0.5], dtype=torch.float64))
    >>> post = torch.softmax(log_joint(Lt, lp, [(0,)], [P.log()]), 1)
    >>> post.round(decimals=6).tolist()
    [[0.9, 0.1], [0.5, 0.5]]
    """
    k = log_prior.shape[0]
    a = k if vote_card is None else vote_card
    out = log_prior.expand(Lt.shape[0], k).clone()
    for f, C in zip(tables, factors):
        out += f[factor_codes(Lt, C, a)]
    return out


def marginal_tables(
    factors: Sequence[tuple[int, ...]],
    tables: Sequence[np.ndarray],
    m: int,
    k: int,
    vote_card: int | None = None,
) -> np.ndarray:
    """Per-LF conditional probabilities P(value | y), marginalised out of
    the factor tables.

    Parameters
    ----------
    factors : sequence of tuple of int
        LF indices of each factor.
    tables : sequence of numpy.ndarray
        Per factor, a [(a+1)**len(factor), k] table of log P(values | y).
    m : int
        Number of LFs.
    k : int
        Number of classes.
    vote_card : int, optional
        Size ``a`` of the vote alphabet; default ``k``.

    Returns
    -------
    numpy.ndarray
        [m, a+1, k] float; value index 0 = abstain, v + 1 = vote v.

    Examples
    --------
    A clique table built from two independent LFs gives back each LF's table:

    >>> t0 = np.array([[0.5, 0.2], [0.3, 0.1], [0.2, 0.7]])
    >>> t1 = np.array([[0.6, 0.3], [0.1, 0.4], [0.3, 0.3]])
    >>> joint = np.einsum("ay,by->bay", t0, t1).reshape(9, 2)  # code v0 + 3 v1
    >>> M = marginal_tables([(0, 1)], [np.log(joint)], m=2, k=2)
    >>> bool(np.allclose(M[0], t0)), bool(np.allclose(M[1], t1))
    (True, True)
    """
    a = k if vote_card is None else vote_card
    out = np.zeros((m, a + 1, k))
    for C, logt in zip(factors, tables):
        s = len(C)
        t = np.exp(logt).reshape((a + 1,) * s + (k,))
        # code = sum_t v_t (k+1)^t: axis s-1-t of the reshaped table is LF C[t]
        for ti, c in enumerate(C):
            ax = s - 1 - ti
            out[c] = t.sum(axis=tuple(a for a in range(s) if a != ax))
    return out


def value_onehot(Lt: torch.Tensor, k: int, dtype: torch.dtype) -> torch.Tensor:
    """One-hot encode each LF's value, so singleton factors become a matmul.

    Parameters
    ----------
    Lt : torch.Tensor
        [c, m] integer label matrix, -1 = abstain.
    k : int
        Size of the vote alphabet.
    dtype : torch.dtype
        Dtype of the indicator matrix.

    Returns
    -------
    torch.Tensor
        [c, m*(k+1)] indicator; column ``j*(k+1)`` = LF j abstained,
        ``j*(k+1) + v + 1`` = LF j voted v.

    Examples
    --------
    >>> Lt = torch.tensor([[-1, 0]], dtype=torch.int8)
    >>> value_onehot(Lt, 2, torch.float64).tolist()
    [[1.0, 0.0, 0.0, 0.0, 1.0, 0.0]]
    """
    c, m = Lt.shape
    oh = torch.empty(c, m, k + 1, dtype=dtype, device=Lt.device)
    for v in range(k + 1):
        oh[:, :, v] = Lt == (v - 1)
    return oh.reshape(c, m * (k + 1))


def split_factors(
    factors: Sequence[tuple[int, ...]],
    tabs: Sequence[torch.Tensor],
    m: int,
    k: int,
    vote_card: int | None = None,
) -> tuple[torch.Tensor, list[tuple[tuple[int, ...], torch.Tensor]]]:
    """Stack singleton tables into one matrix and return the clique factors
    separately (the input of `fast_log_joint`).

    Parameters
    ----------
    factors : sequence of tuple of int
        LF indices of each factor.
    tabs : sequence of torch.Tensor
        Per factor, a [(a+1)**len(factor), k] log table.
    m : int
        Number of LFs.
    k : int
        Number of classes.
    vote_card : int, optional
        Size ``a`` of the vote alphabet; default ``k``.

    Returns
    -------
    W : torch.Tensor
        [m*(a+1), k] stacked singleton tables; zero rows for LFs in cliques.
    cliques : list of (tuple of int, torch.Tensor)
        The factors with two or more LFs and their tables.

    Examples
    --------
    >>> tabs = [torch.zeros(9, 2), torch.ones(3, 2)]
    >>> W, cliques = split_factors([(0, 1), (2,)], tabs, m=3, k=2)
    >>> tuple(W.shape), W[6:].tolist(), [C for C, _ in cliques]
    ((9, 2), [[1.0, 1.0], [1.0, 1.0], [1.0, 1.0]], [(0, 1)])
    """
    a = k if vote_card is None else vote_card
    ref = tabs[0] if len(tabs) else torch.zeros(1, dtype=torch.float64)
    W = torch.zeros(m, a + 1, k, dtype=ref.dtype, device=ref.device)
    cliques = []
    for C, t in zip(factors, tabs):
        if len(C) == 1:
            W[C[0]] = t
        else:
            cliques.append((C, t))
    return W.reshape(m * (a + 1), k), cliques


def fast_log_joint(
    Lt: torch.Tensor,
    lp: torch.Tensor,
    W: torch.Tensor,
    cliques: list[tuple[tuple[int, ...], torch.Tensor]],
    k: int,
) -> torch.Tensor:
    """Log joint via one one-hot matmul plus a gather per clique; same
    result as `log_joint`, faster when most factors are singletons.

    Parameters
    ----------
    Lt : torch.Tensor
        [c, m] integer label matrix, -1 = abstain.
    lp : torch.Tensor
        [k] log class prior.
    W : torch.Tensor
        [m*(k+1), k] stacked singleton tables from `split_factors`.
    cliques : list of (tuple of int, torch.Tensor)
        Clique factors and their log tables from `split_factors`.
    k : int
        Size of the vote alphabet.

    Returns
    -------
    torch.Tensor
        [c, k] unnormalised log posterior.

    Examples
    --------
    >>> Lt = torch.tensor([[-1, 0, 1], [1, 1, -1]], dtype=torch.int8)
    >>> factors = [(0, 1), (2,)]
    >>> g = torch.Generator().manual_seed(0)
    >>> tabs = [torch.randn(9, 2, generator=g), torch.randn(3, 2, generator=g)]
    >>> lp = torch.log(torch.tensor([0.3, 0.7]))
    >>> W, cliques = split_factors(factors, tabs, m=3, k=2)
    >>> fast = fast_log_joint(Lt, lp, W, cliques, k=2)
    >>> bool(torch.allclose(fast, log_joint(Lt, lp, factors, tabs)))
    True
    """
    out = value_onehot(Lt, k, W.dtype) @ W + lp
    for C, t in cliques:
        out += t[factor_codes(Lt, C, k)]
    return out


def check_vote_sets(vote_sets: Any, m: int, k: int) -> np.ndarray:
    """Validate per-LF vote alphabets; returns a [m, a, k] boolean array.

    ``vote_sets[j]`` is an [a_j, k] boolean matrix: entry (v, y) says LF j's
    vote ``v`` (in 0..a_j-1) is consistent with latent class ``y``. ``a`` is
    the largest a_j; rows past a_j are all False (values LF j never casts).
    This is how an LF over a coarse task votes on a fine latent label set.

    Parameters
    ----------
    vote_sets : sequence of array-like
        ``m`` boolean matrices, entry j of shape [a_j, k].
    m : int
        Number of LFs.
    k : int
        Number of latent classes.

    Returns
    -------
    numpy.ndarray
        [m, a, k] bool, ``a = max(a_j)``.

    Raises
    ------
    ValueError
        If there are not ``m`` entries, an entry is not [a_j, k], or a vote
        is consistent with no latent class.

    Examples
    --------
    >>> check_vote_sets([[[1, 0], [0, 1]], [[1, 1]]], m=2, k=2).astype(int).tolist()
    [[[1, 0], [0, 1]], [[1, 1], [0, 0]]]
    """
    if len(vote_sets) != m:
        raise ValueError(f"vote_sets has {len(vote_sets)} entries for {m} LFs.")
    mats = []
    for j, vs in enumerate(vote_sets):
        a = np.asarray(vs)
        if a.ndim != 2 or a.shape[1] != k or a.shape[0] < 1:
            raise ValueError(
                f"vote_sets[{j}] must be an [a_j, {k}] boolean matrix; "
                f"got shape {a.shape}."
            )
        a = a.astype(bool)
        empty = np.nonzero(~a.any(1))[0]
        if len(empty):
            raise ValueError(
                f"vote_sets[{j}]: vote(s) {empty.tolist()} are consistent "
                "with no latent class."
            )
        mats.append(a)
    A = max(a.shape[0] for a in mats)
    out = np.zeros((m, A, k), dtype=bool)
    for j, a in enumerate(mats):
        out[j, : a.shape[0]] = a
    return out


def lf_accuracies(
    cond: np.ndarray, prior: np.ndarray, vote_sets: np.ndarray | None = None
) -> np.ndarray:
    """Each LF's accuracy implied by fitted conditionals: P(vote consistent
    with y | LF voted).

    Parameters
    ----------
    cond : numpy.ndarray
        [m, a+1, k] P(value | y), value 0 = abstain (see `marginal_tables`).
    prior : numpy.ndarray
        [k] class prior.
    vote_sets : numpy.ndarray, optional
        [m, a, k] bool consistency of vote v with class y (see
        `check_vote_sets`); default: vote v is consistent with y == v only.

    Returns
    -------
    numpy.ndarray
        [m] float; NaN for an LF that (almost) never votes.

    Examples
    --------
    >>> cond = np.array([[[0.5, 0.5], [0.4, 0.1], [0.1, 0.4]]])
    >>> lf_accuracies(cond, np.array([0.5, 0.5])).round(3).tolist()
    [0.8]
    """
    if vote_sets is None:
        correct = np.einsum("jyy,y->j", cond[:, 1:, :], prior)
    else:
        correct = np.einsum("jvy,jvy,y->j", cond[:, 1:, :], vote_sets, prior)
    voted = ((1 - cond[:, 0, :]) * prior[None, :]).sum(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        acc = np.where(voted > _EPS, correct / np.maximum(voted, _EPS), np.nan)
    return acc


__all__ = [
    "MAX_FACTOR_CODES",
    "check_dependencies",
    "check_vote_sets",
    "factor_codes",
    "factors_from_dependencies",
    "fast_log_joint",
    "lf_accuracies",
    "log_joint",
    "marginal_tables",
    "split_factors",
    "value_onehot",
]
