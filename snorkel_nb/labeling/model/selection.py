"""Gold-free choice between candidate label models, by held-out votes.

The criterion: split the rows into folds (each voting pattern's count is
split multinomially, so this works on :class:`LabelStats` alone), fit every
candidate on the other folds and, on the held-out fold, predict each LF's
vote from the *other* LFs' votes: ``log sum_y P(y | L_-j) P(v_j | y, j
votes)``. Every fold takes a turn; the score is the mean over (row, LF)
pairs.

Only LFs that cast two or more different votes count. For an LF that only
ever votes one class, ``P(v_j | j votes) = 1`` under every candidate, so its
pairs carry no evidence (that regime, keyword and regex LFs, is what the
degeneracy guard inside the fit handles). Crowd workers, who vote every
class, are where the criterion is informative, and where a full-confusion
model (Dawid-Skene) can beat the class-symmetric fit and majority vote.

A challenger replaces the incumbent fit only if its held-out score is higher
by more than ``z`` paired standard errors, so without evidence nothing moves.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import torch

from snorkel_nb.labeling.model.factors import factor_codes, log_joint
from snorkel_nb.labeling.model.stats import LabelStats, as_int8

# at least this many informative held-out pairs before the criterion is used
MIN_PAIRS = 200
# ... and at least this share of all held-out pairs
MIN_SHARE = 0.3


def multi_vote_lfs(stats: LabelStats) -> np.ndarray:
    """[m] bool: LFs that cast two or more different votes."""
    return (stats.vote_counts() > 0).sum(1) >= 2


def informative_pairs(stats: LabelStats) -> tuple[float, float]:
    """(informative pairs, their share of all pairs): a pair is an LF's vote
    on a row where another LF votes too, informative when the LF casts two or
    more different votes (see the module docstring).

    Parameters
    ----------
    stats
        Statistics with patterns.

    Returns
    -------
    tuple of float
        Weighted count of informative pairs and its share of all pairs.

    Examples
    --------
    >>> L = np.array([[0, 0], [1, 1], [0, -1]])
    >>> informative_pairs(LabelStats.from_matrix(L, 2))
    (4.0, 1.0)
    """
    pats, cnt = stats.patterns, stats.counts
    nv = (pats >= 0).sum(1)
    pair_w = ((pats >= 0) & (nv >= 2)[:, None]) * cnt[:, None]
    total = float(pair_w.sum())
    informative = float(pair_w[:, multi_vote_lfs(stats)].sum())
    return informative, informative / total if total else 0.0


def has_vote_evidence(stats: LabelStats) -> bool:
    """Whether enough of the held-out pairs come from LFs that cast several
    different votes for the held-out-vote and abstention criteria to be
    informative (see :func:`crowd_like` for the stricter test of a crowd).

    Parameters
    ----------
    stats
        Statistics with patterns.

    Returns
    -------
    bool
        At least ``MIN_PAIRS`` informative pairs, and ``MIN_SHARE`` of all.

    Examples
    --------
    >>> L = np.array([[0, 1], [1, 1], [0, 0]])
    >>> has_vote_evidence(LabelStats.from_matrix(L, 2))
    False
    """
    informative, share = informative_pairs(stats)
    return informative >= MIN_PAIRS and share >= MIN_SHARE


def crowd_like(stats: LabelStats) -> bool:
    """Whether the votes look like a crowd's: at least half of the LFs that
    vote cast several different votes, and they carry enough held-out pairs
    (``has_vote_evidence``). A keyword set with one multi-class LF among
    single-class ones is not (Basketball: 1 of 4).

    Parameters
    ----------
    stats
        Statistics with patterns.

    Returns
    -------
    bool
        See above.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> L = rng.integers(-1, 2, size=(400, 5))
    >>> crowd_like(LabelStats.from_matrix(L, 2))
    True
    """
    voting = stats.vote_counts().sum(1) > 0
    multi = multi_vote_lfs(stats)
    return bool(has_vote_evidence(stats) and 2 * multi.sum() >= voting.sum())


def pattern_log_likelihood(
    stats: LabelStats,
    log_prior: np.ndarray,
    factors: list[tuple[int, ...]],
    tables: list[np.ndarray],
    vote_card: int | None = None,
) -> float:
    """Log-likelihood of the rows' whole voting patterns (votes *and*
    abstentions), ``sum_rows log sum_y p(y) prod_f P(values_f | y)``.

    Parameters
    ----------
    stats
        Statistics with patterns.
    log_prior, factors, tables
        A fitted model's parameters (see :class:`FactorParams`).
    vote_card
        Size of the vote alphabet; default the cardinality.

    Returns
    -------
    float
        The log-likelihood, in nats.

    Examples
    --------
    >>> L = np.array([[0], [-1]])
    >>> t = np.log(np.array([[0.5, 0.5], [0.5, 0.5], [1e-12, 1e-12]]))
    >>> s = LabelStats.from_matrix(L, 2)
    >>> round(pattern_log_likelihood(s, np.log([0.5, 0.5]), [(0,)], [t]), 4)
    -1.3863
    """
    Lt = torch.from_numpy(as_int8(stats.patterns))
    lp = torch.as_tensor(log_prior, dtype=torch.float64)
    tabs = [torch.as_tensor(t, dtype=torch.float64) for t in tables]
    lj = log_joint(Lt, lp, factors, tabs, vote_card)
    return float((torch.logsumexp(lj, 1).numpy() * stats.counts).sum())


def abstention_aic(
    stats: LabelStats,
    loglik_class: float,
    loglik_independent: float,
    single_class_lfs: int = 0,
) -> dict[str, Any]:
    """Does *whether* an LF votes depend on the class? An AIC comparison of
    the fits with per-class and with class-independent abstention rates.

    Per-class rates are what make a silent keyword LF informative, but where
    who votes is set by assignment (crowd workers), they are ``m (k - 1)``
    noise parameters: with 176 workers labelling 3 items each, every row
    sums ~173 noisy abstain terms (a simulated product-matching crowd: 85.1%
    with them, 89.5% without). The per-class model nests the other, so the
    penalised likelihood ratio decides; an LF that votes a single class with
    a shared off-target rate has one extra rate, not ``k - 1``.

    AIC (penalty: one nat per extra rate), not BIC, because the aim is
    prediction, not finding the true model: on a 97 / 3 crowd whose workers
    skip 60% of the items of the class they do not favour, the per-class
    rates gained 43 nats for 30 rates, under BIC's ``15 log n`` = 120, and
    ignoring them cost 7 points (87.4% vs 94.6%).

    Parameters
    ----------
    stats
        Statistics with patterns (``n`` rows, ``m`` LFs, ``k`` classes).
    loglik_class, loglik_independent
        :func:`pattern_log_likelihood` of the two fits.
    single_class_lfs
        How many LFs have one shared off-target rate in the per-class fit.

    Returns
    -------
    dict
        ``chosen`` (``"class"`` or ``"independent"``), both log-likelihoods,
        ``extra_parameters`` and ``aic_gain`` (per-class minus independent,
        penalised; > 0 keeps per-class rates).

    Examples
    --------
    >>> s = LabelStats.from_matrix(np.array([[0, 1]] * 100), 2)
    >>> abstention_aic(s, -10.0, -11.0)["chosen"]
    'independent'
    """
    k, m = stats.cardinality, stats.m
    extra = single_class_lfs + (m - single_class_lfs) * (k - 1)
    gain = (loglik_class - loglik_independent) - extra
    return {
        "chosen": "class" if gain > 0 else "independent",
        "log_likelihood": {"class": loglik_class, "independent": loglik_independent},
        "extra_parameters": int(extra),
        "aic_gain": float(gain),
        "criterion": "AIC of per-class vs class-independent abstention rates",
    }


def held_out_vote_loglik(
    model: Any, patterns: np.ndarray, counts: np.ndarray, lfs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per (pattern, LF) log-likelihood of LF j's vote given the other LFs,
    for the LFs in ``lfs`` (bool [m]) on patterns where j votes and another
    LF votes too. Returns ``(values, weights)`` flattened over those pairs.

    ``model`` is a fitted :class:`FactorLabeler` whose factors are single LFs.

    Parameters
    ----------
    model
        Fitted :class:`FactorLabeler` with single-LF factors.
    patterns
        ``[u, m]`` unique vote patterns.
    counts
        ``[u]`` pattern counts.
    lfs
        ``[m]`` bool mask of the LFs to score.

    Returns
    -------
    tuple of numpy.ndarray
        ``(values, weights)``, one entry per (pattern, LF) pair.
    """
    a = model.vote_cardinality
    Lt = torch.from_numpy(as_int8(patterns))
    lp = torch.as_tensor(model._log_prior, dtype=torch.float64)
    tabs = [torch.as_tensor(t, dtype=torch.float64) for t in model._tables]
    lj = log_joint(Lt, lp, model._factors, tabs, a)
    nvotes = (Lt >= 0).sum(1)
    vals, wts = [], []
    for f, C in enumerate(model._factors):
        if len(C) != 1 or not lfs[C[0]]:
            continue
        j = C[0]
        on = (Lt[:, j] >= 0) & (nvotes >= 2)
        if not bool(on.any()):
            continue
        own = tabs[f][factor_codes(Lt[on], C, a)]
        post = torch.softmax(lj[on] - own, dim=1)  # P(y | other LFs)
        t = torch.exp(tabs[f][1:])  # [a, k] P(v, voted | y)
        pv = t / t.sum(0, keepdim=True).clamp_min(1e-300)  # P(v | y, voted)
        p = (post * pv[Lt[on, j].long()]).sum(1).clamp_min(1e-12)
        vals.append(torch.log(p).numpy())
        wts.append(counts[on.numpy()])
    if not vals:
        return np.zeros(0), np.zeros(0)
    return np.concatenate(vals), np.concatenate(wts)


def split_stats(
    stats: LabelStats, folds: int, seed: int
) -> list[tuple[LabelStats, LabelStats]]:
    """``folds`` (train, held-out) pairs of row sets: each pattern's count is
    split multinomially into folds, so no row is needed, only patterns.

    Parameters
    ----------
    stats
        Statistics with patterns.
    folds
        Number of folds.
    seed
        Seed of the multinomial split.

    Returns
    -------
    list of tuple
        ``folds`` pairs ``(train stats, held-out stats)``.
    """
    rng = np.random.default_rng(seed)
    c = np.round(stats.counts).astype(np.int64)
    parts = (
        rng.multinomial(c, np.full(folds, 1.0 / folds))
        if len(c)
        else np.zeros((0, folds), np.int64)
    )
    out = []
    for f in range(folds):
        held = parts[:, f]
        train = c - held
        pair = []
        for cnt in (train, held):
            keep = cnt > 0
            pair.append(
                LabelStats.from_patterns(
                    stats.patterns[keep], cnt[keep], stats.cardinality
                )
            )
        out.append((pair[0], pair[1]))
    return out


def compare_candidates(
    stats: LabelStats,
    fitters: dict[str, Callable[[LabelStats], Any]],
    folds: int = 5,
    seed: int = 0,
) -> dict[str, Any]:
    """Held-out vote scores of each candidate (see the module docstring).

    ``fitters`` maps a name to a function fitting that candidate on
    statistics with patterns. Returns ``{"pairs", "share", "scores":
    {name: mean}, "diffs": {name: (mean diff vs the first, s.e.)}}``; the
    first candidate is the incumbent. ``scores`` is empty when there is too
    little evidence (fewer than ``MIN_PAIRS`` informative pairs or under
    ``MIN_SHARE`` of all pairs).

    Parameters
    ----------
    stats
        Statistics with patterns.
    fitters
        Candidate name -> function fitting it on :class:`LabelStats`; the
        first is the incumbent.
    folds
        Number of folds the pattern counts are split into.
    seed
        Seed of the split.

    Returns
    -------
    dict
        See above.
    """
    lfs = multi_vote_lfs(stats)
    informative, share = informative_pairs(stats)
    out: dict[str, Any] = {
        "pairs": informative,
        "share": share,
        "scores": {},
        "diffs": {},
    }
    if not has_vote_evidence(stats):
        return out
    per: dict[str, list[np.ndarray]] = {name: [] for name in fitters}
    weights: list[np.ndarray] = []
    for fit_on, score_on in split_stats(stats, folds, seed):
        for name, fit in fitters.items():
            model = fit(fit_on)
            v, w = held_out_vote_loglik(model, score_on.patterns, score_on.counts, lfs)
            per[name].append(v)
        weights.append(w)
    w = np.concatenate(weights)
    vals = {name: np.concatenate(v) for name, v in per.items()}
    base = next(iter(fitters))
    for name, v in vals.items():
        out["scores"][name] = float((w * v).sum() / w.sum())
        d = v - vals[base]
        mean = float((w * d).sum() / w.sum())
        var = float((w * (d - mean) ** 2).sum() / w.sum())
        out["diffs"][name] = (mean, float(np.sqrt(var / w.sum())))
    return out


__all__ = [
    "compare_candidates",
    "held_out_vote_loglik",
    "multi_vote_lfs",
    "split_stats",
]
