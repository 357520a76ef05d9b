"""EM over the unique voting patterns, the likelihood fit the label models share.

``LabelModel`` polishes its moment estimate with it, ``DawidSkene`` (full
confusion tables) is nothing else, and the guard's safe refit and the
bootstrap re-estimate with it. It works on :class:`LabelStats` patterns
weighted by their counts, never on rows, and starts from
:func:`majority_vote_tables` (one M-step from majority vote: a start that
cannot swap classes).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from snorkel_nb.labeling.model.factors import factor_codes, split_factors
from snorkel_nb.labeling.model.stats import LabelStats, as_int8

_EPS = 1e-12
# Vote alphabets (abstain included) above this size use EM's gather path.
GATHER_VALUES = 16


def em_on_patterns(
    stats: LabelStats,
    log_prior: np.ndarray,
    factors: list[tuple[int, ...]],
    tables: list[np.ndarray],
    pseudo: list[np.ndarray],
    n_iter: int,
    update: set[int] | None = None,
    update_prior: bool = True,
    prior_pseudo: float = 1.0,
    independent_abstain: bool = False,
    tol: float = 1e-7,
    tied: dict[int, int] | None = None,
    *,
    cardinality: int,
    device: torch.device | str = "cpu",
    cache: dict[Any, Any] | None = None,
    progress: bool = False,
    desc: str = "EM",
) -> tuple[np.ndarray, list[np.ndarray], int, float]:
    """EM over the unique patterns (weighted by their counts).

    ``pseudo`` are Dirichlet pseudo-counts per table (MAP-EM); ``update``
    restricts which factors are re-estimated; ``tied`` maps single-LF
    factors to the one class their LF votes: such a table keeps one column
    for that class and one column shared by all other classes.
    ``cardinality``: the latent classes k (the vote alphabet is
    ``stats.cardinality``). ``cache``: a dict that keeps the patterns'
    one-hot between calls on the same ``stats`` (a fit runs EM from two
    starts). Returns (log prior, log tables, iterations, log-likelihood).

    Parameters
    ----------
    stats
        Statistics with patterns.
    log_prior
        ``[k]`` starting log class prior.
    factors
        Tuples of LF indices, one per table.
    tables
        Starting log tables, ``[(a+1)^len(C), k]`` per factor.
    pseudo
        Dirichlet pseudo-counts, one array per table (same shapes).
    n_iter
        Maximum number of iterations.
    update
        Indices of the factors to re-estimate; None re-estimates all.
    update_prior
        Re-estimate the class prior too.
    prior_pseudo
        Dirichlet pseudo-count added to each class of the prior.
    independent_abstain
        Single-LF tables give abstaining one class-independent probability.
    tol
        Stop when the objective changes by less than this fraction of it.
    tied
        Single-LF factors mapped to their LF's one class (see above).
    cardinality
        The latent classes k.
    device
        Torch device to run on.
    cache
        Dict keeping the one-hot between calls (see above).
    progress
        Show a tqdm progress bar.
    desc
        The progress bar's label.

    Returns
    -------
    tuple
        ``(log prior, log tables, iterations, log-likelihood)``.

    Examples
    --------
    >>> from snorkel_nb.labeling.model.factors import factors_from_dependencies
    >>> from snorkel_nb.labeling.model.majority import spread_over_top, vote_counts
    >>> s = LabelStats.from_matrix(np.array([[0, 0, 0], [1, 1, 1], [0, 1, 0]]), 2)
    >>> f = factors_from_dependencies([], 3, 2)
    >>> lp, tabs = majority_vote_tables(s, f, spread_over_top(vote_counts(
    ...     s.patterns, 2)), 2)
    >>> lp, tabs, it, ll = em_on_patterns(s, lp, f, tabs,
    ...     [np.ones((3, 2))] * 3, 20, cardinality=2)
    >>> [t.shape for t in tabs], bool(ll < 0)
    ([(3, 2), (3, 2), (3, 2)], True)
    """
    tied = tied or {}
    dev, dt = torch.device(device), torch.float64
    k, m, a = cardinality, stats.m, stats.cardinality
    Lt = torch.from_numpy(as_int8(stats.patterns)).to(dev)
    u = Lt.shape[0]
    w = torch.as_tensor(stats.counts, dtype=dt, device=dev)
    lp = torch.as_tensor(log_prior, dtype=dt, device=dev)
    tabs = [torch.as_tensor(t, dtype=dt, device=dev) for t in tables]
    ps = [torch.as_tensor(a, dtype=dt, device=dev) for a in pseudo]
    upd = set(range(len(factors))) if update is None else update
    multi = [f for f, C in enumerate(factors) if len(C) > 1]
    chunk = max(1, min(u, int(4e6 // max(m * (a + 1), 1))))  # ~32 MB one-hot
    # The E-step runs in the [k, rows] layout: with k columns the
    # [rows, m*(a+1)] one-hot products are memory-bound, and the
    # transposed ones stream the cached one-hot once (~4x faster at 10k x 20).
    # (built once per fit and statistics: the fit runs EM from two starts)
    # Large alphabets (TREC fine: 82 LFs x 51 values) make that one-hot
    # (a+1) times bigger than the votes: gather the table rows the cast
    # votes pick and scatter the posteriors back instead, abstains by
    # difference (same sums, another order; small alphabets keep the
    # one-hot path and its results). TREC fine 4952 x 82: fit 8.7 -> 4.4 s.
    gather = a + 1 > GATHER_VALUES
    hit = None if cache is None else cache.get("onehot")
    if gather:  # cast votes only: abstains add each LF's abstain row
        oh_cache = None
        ri, ji = torch.nonzero(Lt >= 0, as_tuple=True)
        ci = ji * (a + 1) + Lt[ri, ji].long() + 1  # rows of the [m*(a+1), k] tables
        ai = ji * (a + 1)  # the same LF's abstain row
    elif hit is not None and hit[0] is stats:
        oh_cache = hit[1]
    else:
        oh_cache = (
            [value_onehot_t(Lt[s : s + chunk], a, dt) for s in range(0, u, chunk)]
            if u * m * (a + 1) <= 1e7
            else None
        )
        if cache is not None:
            cache["onehot"] = (stats, oh_cache)

    def onehot_t(ci: int, s: int) -> torch.Tensor:
        return (
            oh_cache[ci]
            if oh_cache is not None
            else value_onehot_t(Lt[s : s + chunk], a, dt)
        )

    mcodes = {f: factor_codes(Lt, factors[f], a) for f in multi}
    prev = -np.inf
    it = 0
    # Singleton factors live in one [m, a+1, k] array, updated in one
    # vectorised M-step; clique factors keep their own tables.
    W3 = split_factors(factors, tabs, m, k, a)[0].reshape(m, a + 1, k).clone()
    sing = [f for f in sorted(upd) if len(factors[f]) == 1]
    msteps = SingletonMStep(factors, sing, ps, tied, independent_abstain, k, dev)
    upd_multi = [f for f in sorted(upd) if len(factors[f]) > 1]
    bar = _progress(n_iter, progress, desc)
    for it in range(1, n_iter + 1):  # noqa: B007 (returned below)
        W2 = W3.reshape(m * (a + 1), k)
        if gather:
            lj = W2[0 :: a + 1].sum(0).expand(u, k).clone()
            lj.index_add_(0, ri, W2[ci] - W2[ai])
            ljT = lj.T.contiguous()
        else:
            WT = W2.T
            ljT = torch.empty(k, u, dtype=dt, device=dev)
            for ci, s in enumerate(range(0, u, chunk)):
                ljT[:, s : s + chunk] = WT @ onehot_t(ci, s)
        ljT += lp[:, None]
        for f in multi:
            ljT += tabs[f][mcodes[f]].T
        ll = torch.logsumexp(ljT, dim=0)
        obj = float((w * ll).sum())
        qwT = torch.exp(ljT - ll) * w  # [k, u] posterior times count
        if gather:
            cnt = torch.zeros(m * (a + 1), k, dtype=dt, device=dev)
            cnt.index_add_(0, ci, qwT.T[ri])
            c3 = cnt.view(m, a + 1, k)
            c3[:, 0] = (qwT.sum(1) - c3[:, 1:].sum(1)).clamp_min(0.0)
            cntT = cnt.T
        else:
            cntT = torch.zeros(k, m * (a + 1), dtype=dt, device=dev)
            for ci, s in enumerate(range(0, u, chunk)):
                cntT += qwT[:, s : s + chunk] @ onehot_t(ci, s).T
        msteps(cntT.T.reshape(m, a + 1, k), W3)
        for f in upd_multi:
            cnt = torch.zeros_like(tabs[f]).index_add_(0, mcodes[f], qwT.T) + ps[f]
            tabs[f] = torch.log(cnt / cnt.sum(0, keepdim=True))
        if update_prior:
            pc = qwT.sum(1) + prior_pseudo
            lp = torch.log(pc / pc.sum())
        if bar is not None:
            bar.update(1)
        if abs(obj - prev) <= tol * abs(obj):
            break
        prev = obj
    if bar is not None:
        bar.close()
    for f, C in enumerate(factors):
        if len(C) == 1:
            tabs[f] = W3[C[0]]
    return lp.cpu().numpy(), [t.cpu().numpy() for t in tabs], it, obj


def value_onehot_t(Lt: torch.Tensor, a: int, dtype: torch.dtype) -> torch.Tensor:
    """[m*(a+1), c] indicator of each LF's value, row j*(a+1) + v + 1 = LF j
    cast v (v = -1: abstained): ``value_onehot(Lt, a, dtype).T``, built in
    this layout (each row contiguous) rather than transposed after; at
    10k x 200 LFs x 5 values that copy was most of EM's set-up.

    Parameters
    ----------
    Lt
        ``[c, m]`` integer votes (-1 = abstain).
    a
        Vote cardinality.
    dtype
        Dtype of the result.

    Returns
    -------
    torch.Tensor
        ``[m*(a+1), c]`` indicator.

    Examples
    --------
    >>> value_onehot_t(torch.tensor([[0, -1]]), 1, torch.float64).ravel().tolist()
    [0.0, 1.0, 1.0, 0.0]
    """
    c, m = Lt.shape
    LT = Lt.T.contiguous()
    out = torch.empty(m, a + 1, c, dtype=dtype, device=Lt.device)
    for v in range(a + 1):
        out[:, v, :] = LT == (v - 1)
    return out.reshape(m * (a + 1), c)


def majority_vote_tables(
    stats: LabelStats,
    factors: list[tuple[int, ...]],
    soft_labels: np.ndarray,
    cardinality: int,
    independent_abstain: bool = False,
    smoothing: float = 1.0,
) -> tuple[np.ndarray, list[np.ndarray]]:
    """One M-step from soft majority-vote labels (a sensible, swap-free start).

    ``soft_labels``: [u, k] majority vote of each pattern in the latent
    label set. Returns (log prior, log tables per factor).

    Parameters
    ----------
    stats
        Statistics with patterns.
    factors
        Tuples of LF indices, one per table.
    soft_labels
        ``[u, k]`` majority vote of each pattern (see above).
    cardinality
        The latent classes k.
    independent_abstain
        Single-LF tables give abstaining one class-independent probability.
    smoothing
        Total Dirichlet pseudo-count per class column of each table.

    Returns
    -------
    tuple
        ``(log prior, log tables per factor)``.

    Examples
    --------
    >>> from snorkel_nb.labeling.model.majority import spread_over_top, vote_counts
    >>> s = LabelStats.from_matrix(np.array([[0, 0], [1, 1], [0, -1]]), 2)
    >>> q = spread_over_top(vote_counts(s.patterns, 2))
    >>> lp, tabs = majority_vote_tables(s, [(0,), (1,)], q, 2)
    >>> np.exp(lp).round(2).tolist(), tabs[0].shape
    ([0.6, 0.4], (3, 2))
    """
    k, a = cardinality, stats.cardinality
    q = soft_labels
    pseudo = [
        np.full(((a + 1) ** len(C), k), smoothing / (a + 1) ** len(C)) for C in factors
    ]
    # one EM step whose E-step is replaced by majority vote
    Lt = torch.from_numpy(as_int8(stats.patterns))
    qw = torch.as_tensor(q * stats.counts[:, None])
    tabs = []
    for C, p in zip(factors, pseudo):
        code = factor_codes(Lt, C, a)
        cnt = (
            torch.zeros(p.shape, dtype=torch.float64).index_add_(0, code, qw).numpy()
            + p
        )
        if independent_abstain and len(C) == 1:
            ab = cnt[0].sum() / cnt.sum()
            votes = cnt[1:] / np.maximum(cnt[1:].sum(0, keepdims=True), _EPS)
            t = np.vstack([np.full((1, k), ab), (1 - ab) * votes])
            tabs.append(np.log(np.maximum(t, _EPS)))
        else:
            tabs.append(np.log(cnt / cnt.sum(0, keepdims=True)))
    pc = (q * stats.counts[:, None]).sum(0) + 1.0
    return np.log(pc / pc.sum()), tabs


class SingletonMStep:
    """The M-step of :func:`em_on_patterns` for every updated single-LF factor
    at once, written into the [m, a+1, k] log-table array in place.

    Per factor, exactly what the per-factor loop did: with independent
    abstains one abstain rate per LF; for a tied (single-class) LF voting c,
    one column for y == c and one shared by every other class; otherwise
    counts normalised over the values.
    """

    def __init__(
        self,
        factors: list[tuple[int, ...]],
        fs: list[int],
        pseudo: list[torch.Tensor],
        tied: dict[int, int],
        independent: bool,
        k: int,
        dev: torch.device,
    ) -> None:
        def idx(sel: list[int]) -> torch.Tensor:
            return torch.as_tensor(
                [factors[f][0] for f in sel], dtype=torch.long, device=dev
            )

        def stack(sel: list[int]) -> torch.Tensor | None:
            return torch.stack([pseudo[f] for f in sel]) if sel else None

        self.k = k
        if independent:
            ind, tie, free = fs, [], []
        else:
            ind = []
            tie = [f for f in fs if f in tied]
            free = [f for f in fs if f not in tied]
        self.ind, self.ind_ps = idx(ind), stack(ind)
        self.tie, self.tie_ps = idx(tie), stack(tie)
        self.tie_c = torch.as_tensor(
            [tied[f] for f in tie], dtype=torch.long, device=dev
        )
        self.free, self.free_ps = idx(free), stack(free)
        self.tie_r = torch.arange(len(tie), device=dev)
        self.has = (len(free) > 0, len(tie) > 0, len(ind) > 0)

    def __call__(self, cnt3: torch.Tensor, W3: torch.Tensor) -> None:
        has_free, has_tie, has_ind = self.has
        if has_free:
            cnt = cnt3[self.free] + self.free_ps
            W3[self.free] = torch.log(cnt / cnt.sum(1, keepdim=True))
        if has_tie:
            cnt = cnt3[self.tie] + self.tie_ps  # [t, a+1, k]
            r = self.tie_r
            on = cnt[r, :, self.tie_c]  # [t, a+1]: the column y == c
            rest = cnt.sum(2) - on
            t = (rest / rest.sum(1, keepdim=True))[:, :, None].expand(-1, -1, self.k)
            t = t.clone()
            t[r, :, self.tie_c] = on / on.sum(1, keepdim=True)
            W3[self.tie] = torch.log(t)
        if has_ind:
            cnt = cnt3[self.ind] + self.ind_ps
            ab = cnt[:, 0].sum(1) / cnt.sum((1, 2))  # [i]
            votes = cnt[:, 1:] / cnt[:, 1:].sum(1, keepdim=True).clamp_min(_EPS)
            t = torch.cat(
                [
                    ab[:, None, None].expand(-1, 1, cnt.shape[2]),
                    (1 - ab)[:, None, None] * votes,
                ],
                dim=1,
            )
            W3[self.ind] = torch.log(t.clamp_min(_EPS))


def _progress(total: int, enabled: bool, desc: str) -> Any:
    if not enabled:
        return None
    from snorkel_nb.progress import progress_bar as tqdm

    return tqdm(total=total, desc=desc, leave=False)


def _progress(total: int, enabled: bool, desc: str) -> Any:
    if not enabled:
        return None
    from snorkel_nb.progress import progress_bar as tqdm

    return tqdm(total=total, desc=desc, leave=False)


__all__ = [
    "GATHER_VALUES",
    "SingletonMStep",
    "em_on_patterns",
    "majority_vote_tables",
    "value_onehot_t",
]
