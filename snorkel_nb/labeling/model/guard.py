"""The degeneracy guard's gold-free criteria, computed from voting patterns.

Signs that a fit collapsed (``degeneracy_problems``), the held-out-LF test
against majority vote (``loo_gain_over_mv``), why LF parameters may be
unidentifiable, and the equal-accuracy tables that reproduce majority vote.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from snorkel_nb.labeling.model.factors import (
    factor_codes,
    fast_log_joint,
    split_factors,
)
from snorkel_nb.labeling.model.majority import soft_majority, vote_counts
from snorkel_nb.labeling.model.stats import LabelStats, as_int8

if TYPE_CHECKING:
    from snorkel_nb.labeling.model.core import FactorLabeler


def equal_accuracy_model(
    stats: LabelStats, factors: list[tuple[int, ...]], cb: np.ndarray | None
) -> tuple[np.ndarray, list[tuple[int, ...]], list[np.ndarray]]:
    """Tables that give every vote the same log-odds, so vote counts rank classes
    exactly as majority vote does.

    Every LF gets the same accuracy, the share of all votes that agree with
    the majority of the other LFs (at least 1/k + 0.05), and a
    class-independent propensity, so the abstain terms cancel and each vote
    adds the same log-odds. In majority-vote mode ``predict_proba`` scores a
    covered point by its vote counts times that log-odds alone (the prior
    labels only points no LF covers), so a lone vote gets that accuracy as its
    probability and ``get_weights`` reports it for every LF. Pooled over votes
    rather than averaged over LFs: the average let rarely voting LFs pull
    TREC's explanation-compiled LFs to 0.31 (Brier score on covered test and
    fit points 0.55 vs 0.16 pooled); the old rule of raising the accuracy
    until one vote outweighed the prior gave TREC 0.96 (Brier 0.75 vs 0.62).

    Parameters
    ----------
    stats
        Statistics with patterns of the label matrix.
    factors
        The factors (tuples of LF indices) to build tables for.
    cb
        ``[k]`` class balance, or None for the soft majority vote's class
        frequencies (plus-one smoothed).

    Returns
    -------
    tuple
        ``(log prior, factors, log tables per factor)``.
    """
    k, m = stats.cardinality, stats.m
    agree, tot = mv_agreement(stats.patterns, stats.counts, k, return_totals=True)
    pooled = (
        float((np.nan_to_num(agree) * tot).sum() / tot.sum()) if tot.sum() > 0 else 0.7
    )
    a = float(np.clip(pooled, 1.0 / k + 0.05, 0.99))
    if cb is None:
        q = soft_majority(stats.patterns, k)
        pc = (q * stats.counts[:, None]).sum(0) + 1.0
        cb = pc / pc.sum()
    cov = np.clip(stats.coverage(), 1e-6, 1 - 1e-6)
    T = np.zeros((m, k + 1, k))
    T[:, 0, :] = (1 - cov)[:, None]
    T[:, 1:, :] = cov[:, None, None] * (1 - a) / (k - 1)
    T[:, 1 + np.arange(k), np.arange(k)] = cov[:, None] * a
    tables = []
    for C in factors:
        t = T[C[0]]
        for c in C[1:]:
            t = (T[c][:, None, :] * t[None, :, :]).reshape(-1, k)
        tables.append(np.log(t))
    return np.log(cb), factors, tables


def identifiability_problems(stats: LabelStats, min_overlap: int = 10) -> list[str]:
    """Why some LF parameters cannot be learned without gold (messages).

    Parameters
    ----------
    stats
        Statistics (with the overlap matrix) of the label matrix.
    min_overlap
        LFs whose overlaps with the other LFs sum to fewer points than this
        are reported as unreliable.

    Returns
    -------
    list of str
        One message per problem found (empty when none).
    """
    msgs = []
    m, k = stats.m, stats.cardinality
    votes = stats.vote_counts().sum(1)
    never = np.nonzero(votes == 0)[0]
    if len(never):
        msgs.append(
            f"LFs {never.tolist()} never vote; their accuracy cannot be "
            "estimated (they are ignored)."
        )
    if m < 3:
        msgs.append(
            f"Only {m} LFs: at least 3 conditionally independent LFs are "
            "needed to identify LF accuracies without gold labels."
        )
    if stats.patterns is not None and len(stats.patterns):
        nv = (stats.patterns >= 0).sum(1)
        frac3 = float(stats.counts[nv >= 3].sum() / max(stats.n, 1))
        frac2 = float(stats.counts[nv >= 2].sum() / max(stats.n, 1))
        if m >= 3 and frac2 < 0.01:
            msgs.append(
                f"Only {frac2:.1%} of points have 2 or more votes: LFs barely "
                "overlap, so their accuracies are poorly identified."
            )
        elif m >= 3 and frac3 == 0:
            msgs.append(
                "No point has 3 or more votes: fewer than 3 LFs ever vote "
                "together, so accuracies rest on pairwise overlaps only."
            )
    ov = stats.overlap.reshape(m, k, m, k).sum((1, 3))
    np.fill_diagonal(ov, 0)
    lonely = np.nonzero((ov.sum(1) < min_overlap) & (votes > 0))[0]
    if len(lonely) and m >= 2:
        msgs.append(
            f"LFs {lonely.tolist()} overlap with other LFs on fewer than "
            f"{min_overlap} points; their accuracy estimates are unreliable."
        )
    return msgs


def degeneracy_problems(model: FactorLabeler, stats: LabelStats) -> list[str]:
    """Signs that a fit collapsed, judged against majority vote on the patterns.

    Parameters
    ----------
    model
        The fitted label model to judge.
    stats
        Statistics with patterns of the matrix it was fitted on.

    Returns
    -------
    list of str
        One message per sign of collapse (empty when none).
    """
    k = model.cardinality
    pats, w = stats.patterns, stats.counts
    probs = model._proba_np(as_int8(pats))
    pred = probs.argmax(1)
    mv = soft_majority(pats, k)
    nvotes = (pats >= 0).sum(1)
    covered = nvotes > 0
    decided = covered & (mv.max(1) > 0.99)
    problems = []
    if decided.any():
        wd = w[decided]
        mv_freq = np.bincount(mv[decided].argmax(1), weights=wd, minlength=k) / wd.sum()
        cov_w = w[covered]
        md_freq = np.bincount(pred[covered], weights=cov_w, minlength=k) / cov_w.sum()
        prior = np.exp(model._log_prior)
        # A collapse is EM shrinking a class's prior away. Under a prior the user
        # gave, a rare class that is never predicted is the Bayes decision (the
        # true model of synthetic single-class LFs with a 3.6% class fails
        # this test), so it is only applied to estimated priors.
        estimated = not model.fit_report_.get("class_balance_given")
        for c in range(k if estimated else 0):
            if mv_freq[c] >= 0.02 and (
                md_freq[c] < mv_freq[c] / 5 or prior[c] < mv_freq[c] / 10
            ):
                problems.append(
                    f"class {c} collapsed: predicted on {md_freq[c]:.1%} "
                    "of covered points "
                    f"(prior {prior[c]:.3f}) vs {mv_freq[c]:.1%} by majority vote"
                )
        agree_mv = float(
            (w[decided] * (pred[decided] == mv[decided].argmax(1))).sum()
            / w[decided].sum()
        )
        if agree_mv < 0.8:
            problems.append(
                f"agrees with majority vote on only {agree_mv:.0%} of the "
                "points where majority vote is decided"
            )
        # unanimous votes of >= 2 LFs contradicted
        vc = vote_counts(pats, k)
        unan = (nvotes >= 2) & (vc.max(1) == nvotes)
        if unan.any():
            bad = float(w[unan & (pred != vc.argmax(1))].sum() / w[unan].sum())
            if bad > 0.1:
                problems.append(
                    f"{bad:.0%} of points where 2+ LFs vote unanimously get "
                    "another label"
                )
    acc = model.get_weights()
    # LFs that agree with majority vote far more than chance but are rated below it
    agree = mv_agreement(pats, w, k)
    low = np.nonzero((acc < 1.0 / k) & (agree > 1.0 / k + 0.15))[0]
    if len(low):
        problems.append(
            f"LFs {low.tolist()} estimated below chance although they agree "
            "with majority vote"
        )
    return problems


def loo_gain_over_mv(
    model: FactorLabeler, stats: LabelStats, baseline: FactorLabeler | None = None
) -> tuple[float, float]:
    """Held-out-LF agreement of ``model`` minus that of majority vote (or of
    ``baseline``, another fit with the same factors: a paired comparison).

    For each LF j and each pattern where j votes and some other LF votes too,
    both predictors label the point from the other LFs only (a model drops
    the factor holding j; majority vote drops j's vote; ties count as the
    expected agreement of a random tie-break). Returns the count-weighted mean
    of (model agreement - baseline agreement) with j's vote, and its standard
    error.

    Parameters
    ----------
    model
        The fitted label model to judge.
    stats
        Statistics with patterns of the matrix it was fitted on.
    baseline
        Another fit with the same factors to compare with, or None for
        majority vote.

    Returns
    -------
    tuple of float
        ``(mean gain, standard error)``.
    """
    k = model.cardinality
    pats, w = as_int8(stats.patterns), stats.counts
    Lt = torch.from_numpy(pats)
    # Both predictors choose among the classes the other LFs voted for: with
    # LFs that each vote one class, "nobody else voted c" would otherwise leak
    # the held-out vote through the abstain terms. What is tested is how the
    # fit weighs and breaks ties between the votes it sees. The prior stays in:
    # tables and prior are fitted jointly, and without it a fit on imbalanced
    # classes was judged worse than majority vote although it was better
    # (synthetic 1M x 50, balance 0.2/0.8: 99.05% vs majority vote 98.42%).
    if all(len(C) == 1 for C in model._factors) and (
        baseline is None or all(len(C) == 1 for C in baseline._factors)
    ):
        return _loo_singletons(model, baseline, pats, w)
    preds = [_HeldOut(model, Lt)] + ([_HeldOut(baseline, Lt)] if baseline else [])
    vc = vote_counts(pats, k)
    clique = {j: C for C in model._factors for j in C}
    # running weighted sums of d and d^2 (a list of per-point differences
    # grew to ~1 GB at 1M distinct rows x 200 LFs)
    sw = swd = swd2 = 0.0
    for j in range(pats.shape[1]):
        # drop j's whole factor on both sides (its declared copies would
        # otherwise vote for it)
        Cj = list(clique.get(j, (j,)))
        c_all = vc.copy()
        for i in Cj:
            for y in range(k):
                c_all[:, y] -= pats[:, i] == y
        on = np.nonzero((pats[:, j] >= 0) & (c_all.sum(1) >= 1))[0]
        if not len(on):
            continue
        v = pats[on, j].astype(np.int64)
        c = c_all[on]
        agree = [p.agreement(j, on, v, c) for p in preds]
        if baseline is None:
            top = c == c.max(1, keepdims=True)
            agree.append(top[np.arange(len(on)), v] / top.sum(1))
        d, ww = agree[0] - agree[1], w[on]
        sw += float(ww.sum())
        swd += float((ww * d).sum())
        swd2 += float((ww * d * d).sum())
    if sw == 0:
        return 0.0, 0.0
    mean = swd / sw
    var = max(swd2 / sw - mean * mean, 0.0)
    return mean, float(np.sqrt(var / max(sw, 1.0)))


def _singleton_log_joint(
    model: FactorLabeler, pats: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """([u, k] log joint, [m, k+1, k] per-LF log tables) of a model whose
    factors are all single LFs."""
    m = pats.shape[1]
    T = np.empty((m, model.cardinality + 1, model.cardinality))
    for C, t in zip(model._factors, model._tables):
        T[C[0]] = t
    lj = np.asarray(model._log_prior, dtype=np.float64)[None, :].repeat(len(pats), 0)
    for j in range(m):
        lj += T[j][pats[:, j].astype(np.int64) + 1]
    return lj, T


def _loo_singletons(
    model: FactorLabeler,
    baseline: FactorLabeler | None,
    pats: np.ndarray,
    w: np.ndarray,
) -> tuple[float, float]:
    """``loo_gain_over_mv`` when every factor is one LF, vectorised over
    blocks of LFs (the same comparisons as the per-LF loop).

    Classes are looped over (k is small) so every array is [rows, LFs]:
    numpy reductions over a last axis of size k were most of the cost.
    """
    k = model.cardinality
    u, m = pats.shape
    vc = vote_counts(pats, k)
    nv = vc.sum(1)
    fits = [_singleton_log_joint(model, pats)]
    if baseline is not None:
        fits.append(_singleton_log_joint(baseline, pats))
    sw = swd = swd2 = 0.0
    block = max(1, int(1e6 // max(u, 1)))
    for s0 in range(0, m, block):
        J = np.arange(s0, min(m, s0 + block))
        Vb = pats[:, J]
        # the (row, LF) pairs where LF j votes and another LF votes too,
        # flattened: every array below is 1-D over those pairs
        r, jj = np.nonzero((Vb >= 0) & (nv[:, None] >= 2))
        if not len(r):
            continue
        v = Vb[r, jj].astype(np.int64)
        is_v = [v == y for y in range(k)]
        c = [vc[r, y] - is_v[y] for y in range(k)]  # the others' votes
        flat = J[jj] * (k + 1) + v + 1  # LF j's table row for its value
        agree = []
        for lj, T in fits:
            # the fit's log joint without LF j's own term, over voted classes
            sc = [
                np.where(
                    c[y] == 0, -np.inf, lj[r, y] - np.take(T[:, :, y].ravel(), flat)
                )
                for y in range(k)
            ]
            agree.append(_share_of_top(sc, is_v, tol=1e-9))
        if baseline is None:
            agree.append(_share_of_top(c, is_v, tol=0.5))
        d = agree[0] - agree[1]
        ww = w[r]
        sw += float(ww.sum())
        swd += float((ww * d).sum())
        swd2 += float((ww * d * d).sum())
    if sw == 0:
        return 0.0, 0.0
    mean = swd / sw
    var = max(swd2 / sw - mean * mean, 0.0)
    return mean, float(np.sqrt(var / max(sw, 1.0)))


def _share_of_top(
    scores: list[np.ndarray], is_v: list[np.ndarray], tol: float
) -> np.ndarray:
    """[rows, LFs] chance a uniform pick among the top-scoring classes (within
    ``tol``) is the held-out vote, from per-class score arrays."""
    mx = scores[0]
    for sc in scores[1:]:
        mx = np.maximum(mx, sc)
    n_top = np.zeros(mx.shape)
    hit = np.zeros(mx.shape)
    with np.errstate(invalid="ignore"):
        for sc, v in zip(scores, is_v):
            top = np.abs(sc - mx) < tol
            n_top += top
            hit += top & v
    return hit / np.maximum(n_top, 1)


class _HeldOut:
    """A fit's predictions of one LF's vote from the other LFs' votes."""

    def __init__(self, model: FactorLabeler, Lt: torch.Tensor) -> None:
        k, (u, m) = model.cardinality, Lt.shape
        self.model, self.Lt, self.k = model, Lt, k
        # [u, k] log joint in row chunks (never one [u, k] array per factor:
        # that took 6 GB at 1M distinct rows x 200 LFs)
        lp_t, tabs = model._torch_params()
        W, cliques = split_factors(model._factors, [t.cpu() for t in tabs], m, k)
        self.lj = np.empty((u, k))
        chunk = max(1, int(4e6 // max(m * (k + 1), 1)))
        for s0 in range(0, u, chunk):
            self.lj[s0 : s0 + chunk] = fast_log_joint(
                Lt[s0 : s0 + chunk], lp_t.cpu(), W, cliques, k
            ).numpy()
        self.factor_of = {j: f for f, C in enumerate(model._factors) for j in C}

    def agreement(
        self, j: int, on: np.ndarray, v: np.ndarray, c: np.ndarray
    ) -> np.ndarray:
        """Expected agreement with LF j's votes ``v`` on rows ``on``, choosing
        among the classes with others' votes ``c`` > 0 (random tie-break)."""
        s = self.lj[on].copy()
        if j in self.factor_of:
            f = self.factor_of[j]
            C = self.model._factors[f]
            s -= self.model._tables[f][factor_codes(self.Lt[on], C, self.k).numpy()]
        s[c == 0] = -np.inf
        top = np.abs(s - s.max(1, keepdims=True)) < 1e-9
        return top[np.arange(len(on)), v] / top.sum(1)


def equal_vote_weight(tables: list[np.ndarray]) -> float:
    """Log-odds of one vote under :func:`equal_accuracy_model` tables."""
    return float(tables[0][1, 0] - tables[0][1, 1])


def has_co_votes(stats: LabelStats) -> bool:
    """Whether any row has two or more votes (else nothing ties LFs together)."""
    return bool(((stats.patterns >= 0).sum(1) >= 2).any())


def mv_agreement(
    pats: np.ndarray, w: np.ndarray, k: int, return_totals: bool = False
) -> Any:
    """[m] how often each LF agrees with the majority vote of the *other* LFs
    (count-weighted over the patterns where that majority is unique); with
    ``return_totals`` also the [m] weight of those patterns.

    Parameters
    ----------
    pats
        ``[u, m]`` unique vote patterns (-1 = abstain).
    w
        ``[u]`` pattern counts.
    k
        Number of classes.
    return_totals
        Also return the weight each LF's agreement was measured on.

    Returns
    -------
    numpy.ndarray or tuple
        ``[m]`` agreement (NaN for LFs never measured), or ``(agreement,
        totals)`` with ``return_totals``.
    """
    u, m = pats.shape
    counts = vote_counts(pats, k)  # [u, k]
    # The others' votes are the row's counts less one vote for v, so their
    # top two values are the row's top three less one copy of count v: an
    # [u, LFs] computation instead of an [u, LFs, k] one (same result).
    desc = -np.sort(-counts, axis=1)
    s1 = desc[:, :1]
    s2 = desc[:, 1:2] if k > 1 else np.full((u, 1), -1.0)
    s3 = desc[:, 2:3] if k > 2 else np.full((u, 1), -1.0)
    out = np.full(m, np.nan)
    totals = np.zeros(m)
    block = max(1, int(4e6 // max(u, 1)))  # LFs per [u, block] slab
    for s in range(0, m, block):
        V = pats[:, s : s + block].astype(np.int64)  # [u, b]
        voted = V >= 0
        cv = np.take_along_axis(counts, np.maximum(V, 0), 1)  # row's count of v
        o1 = np.where(cv == s1, s2, s1)  # others' largest count
        o2 = np.where(cv == s1, s3, np.where(cv == s2, s3, s2))  # ... and second
        own = cv - 1  # v's count among the others
        # the others' majority is unique and is v / is some other class
        wins = own > o1
        uniq = wins | ((own < o1) & (o1 > o2))
        mx = np.maximum(own, o1)
        W = w[:, None] * (voted & (mx > 0) & uniq)
        tot = W.sum(0)
        agree = (W * wins).sum(0)
        out[s : s + V.shape[1]] = np.where(
            tot > 0, agree / np.maximum(tot, 1e-300), np.nan
        )
        totals[s : s + V.shape[1]] = tot
    return (out, totals) if return_totals else out


__all__ = [
    "degeneracy_problems",
    "equal_accuracy_model",
    "equal_vote_weight",
    "has_co_votes",
    "identifiability_problems",
    "loo_gain_over_mv",
    "mv_agreement",
]
