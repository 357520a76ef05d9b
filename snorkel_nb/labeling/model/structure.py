"""Learn LF dependencies without gold, and compare label models."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import chi2

from snorkel_nb.labeling.matrix import check_gold, check_label_matrix, infer_cardinality
from snorkel_nb.labeling.model.base import BaseLabeler
from snorkel_nb.labeling.model.stats import LabelStats, as_int8
from snorkel_nb.labeling.thread_warnings import suppressed_warnings


def _pair_misfit(model: Any, stats: LabelStats) -> tuple[np.ndarray, np.ndarray]:
    """G statistic and excess agreement of every LF pair vs the fitted model."""
    k, n = stats.cardinality, stats.n
    N = stats.pair_tables()  # [i, j, a, b]
    T = model.get_conditional_probs()  # [m, k+1, k]
    p = model.class_balance_
    E = n * np.einsum("iay,jby,y->ijab", T, T, p)
    with np.errstate(divide="ignore", invalid="ignore"):
        G = 2 * np.where(N > 0, N * np.log(N / np.maximum(E, 1e-12)), 0.0).sum((2, 3))
    idx = np.arange(1, k + 1)
    agree_obs = N[:, :, idx, idx].sum(2) / n
    agree_exp = E[:, :, idx, idx].sum(2) / n
    cov = stats.coverage()
    denom = np.maximum(np.minimum(cov[:, None], cov[None, :]), 1e-12)
    excess = (agree_obs - agree_exp) / denom
    np.fill_diagonal(G, 0.0)
    np.fill_diagonal(excess, 0.0)
    return G, excess


def learn_structure(
    L: Any,
    cardinality: int | None = None,
    threshold: float = 0.1,
    alpha: float = 1e-3,
    max_rounds: int = 3,
) -> list[tuple[int, int]]:
    """Find pairs of LFs that are correlated beyond what the class explains.

    A conditionally independent :class:`LabelModel` is fitted; then, for every
    pair, the observed joint table of the two LFs' outputs (abstain included)
    is tested against the table the model implies (G-test, Bonferroni-corrected
    at level ``alpha``), and the pair is kept only if it also agrees more
    often than implied by at least ``threshold`` (as a fraction of the smaller
    coverage), so that huge ``n`` does not turn tiny misfits into edges. The
    model is refit without the found pairs' moments and the test repeated
    (``max_rounds``) until the set is stable.

    Parameters
    ----------
    L : array-like or scipy.sparse matrix
        [n, m] label matrix, -1 = abstain; needs m >= 3.
    cardinality : int, optional
        Number of classes; inferred from ``L`` when omitted.
    threshold : float, default 0.1
        Minimum excess agreement over the model's, as a fraction of the
        smaller coverage of the pair.
    alpha : float, default 1e-3
        Family-wise significance level of the G-tests (Bonferroni over all
        pairs).
    max_rounds : int, default 3
        Most refit-and-retest rounds.

    Returns
    -------
    list of (i, j)
        Dependent LF pairs, i < j, strongest first.

    Raises
    ------
    ValueError
        If ``L`` is malformed or has fewer than 3 LFs.

    Examples
    --------
    >>> from snorkel_nb.labeling.model import generate_synthetic
    >>> d = generate_synthetic(n=20000, m=10, dependencies=[(0, 9)], seed=0)
    >>> learn_structure(d.L)
    [(0, 9)]
    """
    from snorkel_nb.labeling.model.label_model import LabelModel

    L = as_int8(check_label_matrix(L, cardinality=cardinality))
    k = cardinality or infer_cardinality(L)
    stats = LabelStats.from_matrix(L, k)
    m = stats.m
    if m < 3:
        raise ValueError("learn_structure needs at least 3 LFs.")
    n_pairs = m * (m - 1) / 2
    found: list[tuple[int, int]] = []
    for _ in range(max_rounds):
        with suppressed_warnings(Warning):
            lm = LabelModel(cardinality=k, guard=False, em_steps=0).fit_stats(
                stats, dependencies=found
            )
        G, excess = _pair_misfit(lm, stats)
        df = (k + 1) ** 2 - 1
        pval = chi2.sf(G, df)
        iu = np.triu_indices(m, 1)
        sel = (pval[iu] < alpha / n_pairs) & (excess[iu] > threshold)
        pairs = sorted(zip(iu[0][sel], iu[1][sel]), key=lambda ij: -excess[ij])
        new = [(int(i), int(j)) for i, j in pairs]
        if set(new) == set(found):
            break
        found = sorted(set(found) | set(new), key=lambda ij: -excess[ij])
    return found


@dataclasses.dataclass
class Comparison:
    """Result of :func:`compare`.

    Attributes
    ----------
    agreement : pandas.DataFrame
        [models x models] fraction of points with the same prediction on
        ``L``.
    scores : pandas.DataFrame
        Dev metrics per model (empty without gold).
    recommendation, reason : str
        Which model to use, and why.
    models : dict of str to BaseLabeler
        The fitted models.
    """

    agreement: pd.DataFrame
    scores: pd.DataFrame
    recommendation: str
    reason: str
    models: dict[str, BaseLabeler]

    def __repr__(self) -> str:
        s = f"Recommendation: {self.recommendation} ({self.reason})\n\n"
        s += "Agreement on L:\n"
        s += self.agreement.round(3).to_string()
        if len(self.scores):
            s += "\n\nDev scores:\n" + self.scores.round(4).to_string()
        return s


def compare(
    L: Any,
    Y_dev: Any = None,
    L_dev: Any = None,
    cardinality: int | None = None,
    seed: int = 0,
) -> Comparison:
    """Fit every label model on ``L`` and say which one to trust.

    Without gold, models are compared by their agreement with each other and
    with majority vote, and by whether their fit had to be guarded
    (``fit_report_``). With ``Y_dev`` (gold for ``L_dev``, or for ``L`` itself
    when ``L_dev`` is omitted) each model is scored and the best dev accuracy
    wins.

    Parameters
    ----------
    L : array-like or scipy.sparse matrix
        [n, m] training label matrix, -1 = abstain; every model is fitted on
        it.
    Y_dev : array-like, optional
        Gold labels in 0..k-1 for ``L_dev`` (or for ``L`` when ``L_dev`` is
        omitted).
    L_dev : array-like, optional
        [n_dev, m] label matrix the models are scored on.
    cardinality : int, optional
        Number of classes; inferred from ``L`` when omitted.
    seed : int, default 0
        Seed of each model's fit and of the random tie-break.

    Returns
    -------
    Comparison
        Agreement table, dev scores (empty without gold), the recommended
        model's name and the reason, and the fitted models.

    Raises
    ------
    ValueError
        If ``L``, ``L_dev`` or ``Y_dev`` is malformed (shape, range, empty).

    Examples
    --------
    >>> from snorkel_nb.labeling.model import generate_synthetic
    >>> d = generate_synthetic(n=3000, m=8, seed=0)
    >>> compare(d.L).recommendation
    'LabelModel'
    """
    from snorkel_nb.labeling.model import (
        DawidSkene,
        LabelModel,
        MajorityLabelVoter,
        TripletLabelModel,
    )

    L = as_int8(check_label_matrix(L, cardinality=cardinality))
    k = cardinality or infer_cardinality(L, None)
    models: dict[str, BaseLabeler] = {
        "MajorityLabelVoter": MajorityLabelVoter(k),
        "LabelModel": LabelModel(k, seed=seed),
        "DawidSkene": DawidSkene(k, abstain="class", seed=seed),
        "TripletLabelModel": TripletLabelModel(k, seed=seed),
    }
    preds = {}
    guarded = {}
    with suppressed_warnings(Warning):
        for name, mdl in models.items():
            mdl.fit(L)
            preds[name] = mdl.predict(L, tie_break_policy="random")
            guarded[name] = bool(getattr(mdl, "fit_report_", {}).get("action"))
    names = list(models)
    agr = pd.DataFrame(
        [[float(np.mean(preds[a] == preds[b])) for b in names] for a in names],
        index=names,
        columns=names,
    )
    scores = pd.DataFrame()
    if Y_dev is not None:
        Ld = (
            L
            if L_dev is None
            else check_label_matrix(L_dev, cardinality=k, n_lfs=L.shape[1])
        )
        Y = check_gold(Y_dev, Ld.shape[0], k, name="Y_dev")
        metrics = ["accuracy", "f1"] if k == 2 else ["accuracy", "f1_macro"]
        scores = pd.DataFrame(
            {
                n: models[n].score(Ld, Y, metrics=metrics, tie_break_policy="random")
                for n in names
            }
        ).T
        best = str(scores["accuracy"].idxmax())
        return Comparison(
            agr,
            scores,
            best,
            f"highest dev accuracy ({scores.loc[best, 'accuracy']:.3f})",
            models,
        )
    if not guarded["LabelModel"]:
        rec, why = (
            "LabelModel",
            "its fit passed the degeneracy checks against majority vote",
        )
    else:
        rec = "MajorityLabelVoter"
        why = (
            "the LabelModel fit looked degenerate ("
            + "; ".join(models["LabelModel"].fit_report_.get("problems", []))
            + "); without gold, majority vote is the safe choice"
        )
    return Comparison(agr, scores, rec, why, models)
