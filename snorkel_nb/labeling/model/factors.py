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
    """Validate ``[(i, j), ...]`` LF index pairs; returns sorted unique pairs."""
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
    """[n] int64 value code of ``factor`` for each row of the int8 tensor ``Lt``
    (``k``: the size of the LFs' vote alphabet)."""
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
    """[n, k] unnormalised log posterior of each row under the factor model
    (``vote_card``: the vote alphabet's size, default k)."""
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
    """[m, a+1, k] per-LF conditional probabilities P(value | y) (value 0 =
    abstain; ``a = vote_card``, the vote alphabet's size, default k)."""
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
    """[c, m*(k+1)] indicator of each LF's value (column j*(k+1) = LF j abstained)."""
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
    """Stack singleton tables into one [m*(a+1), k] matrix (zero rows for LFs
    in cliques; ``a = vote_card``, default k) and return the clique factors
    separately."""
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
    """[c, k] log joint via one one-hot matmul plus a gather per clique
    (``k``: the vote alphabet's size)."""
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
    """[m] P(vote consistent with y | vote) from [m, a+1, k] conditionals and
    the [k] prior (``vote_sets``: [m, a, k] consistency; default vote == y)."""
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
