"""TripletLabelModel: FlyingSquid's closed-form triplet method.

Binary; one-vs-rest for k > 2.
"""

from __future__ import annotations

import numpy as np

from snorkel_nb.labeling.model.core import FactorLabeler, factors_from_dependencies
from snorkel_nb.labeling.model.label_model import tables_for
from snorkel_nb.labeling.model.params import FactorParams
from snorkel_nb.labeling.model.stats import LabelStats


def _binary_triplet(
    O: np.ndarray, votes: np.ndarray, n: int, pos: np.ndarray, min_overlap: float = 5.0
) -> tuple[np.ndarray, float]:
    """Accuracies a_j = P(correct | vote) and P(y = +1) of a binary problem.

    ``O`` is [m, 2, m, 2] co-vote counts with index 1 = "+1" vote; ``pos`` is
    unused (kept for symmetry). With s = +-1 votes, E[s_i s_j | both vote] =
    (2a_i - 1)(2a_j - 1), so |2a_i - 1| = sqrt(|M_ij M_ik / M_jk|), averaged
    (median) over all triplets with enough overlap.
    """
    m = O.shape[0]
    agree = O[:, 1, :, 1] + O[:, 0, :, 0]
    disagree = O[:, 1, :, 0] + O[:, 0, :, 1]
    both = agree + disagree
    with np.errstate(invalid="ignore", divide="ignore"):
        M = np.where(
            both >= min_overlap, (agree - disagree) / np.maximum(both, 1), np.nan
        )
    np.fill_diagonal(M, np.nan)
    est = np.full(m, np.nan)
    for i in range(m):
        num = M[i][:, None] * M[i][None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.abs(num / M)
        iu = np.triu_indices(m, 1)
        vals = r[iu]
        ok = np.isfinite(vals) & (np.abs(M[iu]) > 0.05)
        ok &= (iu[0] != i) & (iu[1] != i)
        if ok.any():
            est[i] = np.sqrt(np.median(vals[ok]))
    est = np.clip(np.nan_to_num(est, nan=0.4), 0.0, 0.98)
    # signs: LFs are assumed better than chance on average; flip those that
    # correlate negatively with the rest
    sign = np.sign(np.nansum(np.nan_to_num(M) * est[None, :], axis=1))
    sign[sign == 0] = 1
    a = est * sign
    # class balance from first moments: E[s_j | vote] = a_j (2p - 1)
    tot = votes.sum(1)
    mean_s = np.where(tot > 0, (votes[:, 1] - votes[:, 0]) / np.maximum(tot, 1), 0.0)
    wts = tot * a**2
    good = np.abs(a) > 0.2
    if wts[good].sum() > 0:
        d = np.sum(wts[good] * mean_s[good] / a[good]) / wts[good].sum()
    else:
        d = 0.0
    p = float(np.clip((1 + d) / 2, 0.02, 0.98))
    del pos, n
    return (1 + a) / 2, p


class TripletLabelModel(FactorLabeler):
    """Closed-form triplet estimator (FlyingSquid's idea) from the overlap matrix.

    Binary: symmetric LF accuracies from triplets of second moments, class
    balance from first moments, no iterations. For k > 2, one binary problem
    per class ("vote c" vs "vote another class"); the per-class accuracies are
    combined into k-class conditional tables. Propensities are class
    independent, as in FlyingSquid.

    Known limitation (k > 2): a one-vs-rest problem counts a vote for the
    wrong "other" class as correct, so the combined per-LF accuracies
    (``get_weights``) overstate the true k-class accuracies, by more the more
    evenly an LF's errors spread over classes. Predictions are less affected
    (all LFs are overstated alike); use :class:`LabelModel` when the accuracy
    estimates themselves matter.

    Parameters
    ----------
    cardinality : int, default 2
        Number of classes ``k``.
    **kwargs
        Settings: ``seed`` (default 0); ``guard`` (default True: check the
        fit for degeneracy against majority vote and refit safely when it
        fails, see ``fit_report_``); ``progress_bar`` (default False);
        ``device`` (default "cpu"); ``verbose`` (accepted for Snorkel 0.9;
        ``fit_report_`` always tells the story).

    Raises
    ------
    ValueError
        On an unknown or invalid setting.

    Examples
    --------
    >>> from snorkel_nb.labeling.model import generate_synthetic
    >>> d = generate_synthetic(n=20000, m=10, k=2, seed=0)
    >>> tm = TripletLabelModel().fit(d.L)
    >>> bool(np.abs(tm.get_weights() - d.accuracies).max() < 0.1)
    True
    """

    def _needs_patterns(self, L: np.ndarray) -> bool:
        return L.shape[0] * L.shape[1] <= 2e7

    def _fit_stats(
        self, stats: LabelStats, cb: np.ndarray | None, deps: list[tuple[int, int]]
    ) -> None:
        k, m, n = self.cardinality, stats.m, stats.n
        O = stats.overlap.reshape(m, k, m, k)
        votes = stats.vote_counts()
        cov = np.clip(votes.sum(1) / max(n, 1), 1e-6, 1 - 1e-6)
        if k == 2:
            acc, p1 = _binary_triplet(O, votes, n, None)
            acc_c = np.stack([acc, acc], 1)
            prior = np.array([1 - p1, p1])
        else:
            acc_c = np.zeros((m, k))
            prior = np.zeros(k)
            for c in range(k):
                Ob = np.zeros((m, 2, m, 2))
                other = [x for x in range(k) if x != c]
                Ob[:, 1, :, 1] = O[:, c, :, c]
                Ob[:, 1, :, 0] = O[:, c][:, :, other].sum(2)
                Ob[:, 0, :, 1] = O[:, other][:, :, :, c].sum(1)
                Ob[:, 0, :, 0] = O[:, other][:, :, :, other].sum((1, 3))
                vb = np.stack([votes[:, other].sum(1), votes[:, c]], 1)
                acc_c[:, c], prior[c] = _binary_triplet(Ob, vb, n, None)
            prior = prior / prior.sum()
        if cb is not None:
            prior = cb
        T = np.zeros((m, k + 1, k))
        T[:, 0, :] = (1 - cov)[:, None]
        for y in range(k):
            wrong = np.clip(1 - acc_c, 1e-3, None)
            wrong[:, y] = 0.0
            wrong = wrong / np.maximum(wrong.sum(1, keepdims=True), 1e-12)
            T[:, 1:, y] = cov[:, None] * (1 - acc_c[:, [y]]) * wrong
            T[:, 1 + y, y] = cov * acc_c[:, y]
        T = np.clip(T, 1e-9, None)
        T /= T.sum(1, keepdims=True)
        factors = factors_from_dependencies(deps, m, k)
        self.params_ = FactorParams.of(
            np.log(prior), factors, tables_for(factors, T, k)
        )
        self.fit_report_["class_balance_given"] = cb is not None
