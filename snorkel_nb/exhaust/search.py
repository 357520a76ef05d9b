"""Model search over untrained candidates, and its evaluation protocol.

:func:`search_models` ranks a pool of candidate architectures by a fitted
predictor, optionally under a predicted training-time budget.
:func:`cross_val_predict` and :func:`top_k_overlap` implement the evaluation:
out-of-fold predictions (5-fold CV, so every run is predicted from the others)
and the top-k overlap over random pools of untrained candidates.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from snorkel_nb.exhaust.predictors import (
    ExhaustPredictor,
    as_runs,
)

__all__ = ["budget_regret", "cross_val_predict", "search_models", "top_k_overlap"]

_MINIMISE = ("overfit", "train_time")


def search_models(
    candidates: Any,
    predictor: ExhaustPredictor,
    k: int = 3,
    time_predictor: ExhaustPredictor | None = None,
    budget: float | None = None,
    epochs_seen: int = 0,
) -> pd.DataFrame:
    """Pick the top-``k`` candidates by a fitted predictor.

    Accuracy targets are maximised, ``overfit`` (least overfitting) and
    ``train_time`` minimised. With ``budget``, only candidates whose
    *predicted* training time (by ``time_predictor``, fitted with
    ``target="train_time"``) is ``<= budget`` seconds are eligible.

    Parameters
    ----------
    candidates
        A runs table or a list of architectures.
    predictor
        Fitted predictor of the quantity to optimise.
    k
        How many to return (fewer if fewer are eligible).
    time_predictor, budget
        Training-time predictor and budget in seconds.
    epochs_seen
        Passed to the predictors.

    Returns
    -------
    pandas.DataFrame
        ``rank, run_id, arch, predicted`` (+ ``predicted_time``), best first.

    Raises
    ------
    ValueError
        If ``k < 1``, a budget is given without a time predictor, or no
        candidate fits the budget.

    Examples
    --------
    >>> from snorkel_nb.exhaust import load_accel_nasbench, BoostedPredictor
    >>> runs = load_accel_nasbench()
    >>> acc = BoostedPredictor(max_epochs_seen=0, max_iter=50).fit(runs.iloc[:500])
    >>> tim = BoostedPredictor("train_time", 0, max_iter=50).fit(runs.iloc[:500])
    >>> top = search_models(runs.iloc[500:520], acc, 3, tim, budget=2500)
    >>> len(top), bool((top["predicted_time"] <= 2500).all())
    (3, True)
    """
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}.")
    cands = as_runs(candidates)
    pred = predictor.predict(cands, epochs_seen)
    out = pd.DataFrame(
        {
            "run_id": cands["run_id"].to_numpy(),
            "arch": cands["arch"].to_numpy(),
            "predicted": pred,
        }
    )
    if budget is not None:
        if time_predictor is None:
            raise ValueError(
                "A budget needs a time_predictor fitted with target='train_time'."
            )
        if time_predictor.target != "train_time":
            raise ValueError(
                "time_predictor must have target='train_time', not "
                f"{time_predictor.target!r}."
            )
        out["predicted_time"] = time_predictor.predict(cands, epochs_seen)
        feasible = out["predicted_time"] <= budget
        if not feasible.any():
            raise ValueError(
                f"No candidate has a predicted training time <= budget={budget:g} s "
                f"(fastest predicted: {out['predicted_time'].min():.4g} s among "
                f"{len(out)} candidates)."
            )
        out = out[feasible]
    elif time_predictor is not None:
        out["predicted_time"] = time_predictor.predict(cands, epochs_seen)
    ascending = predictor.target in _MINIMISE
    out = out.sort_values("predicted", ascending=ascending, kind="stable").head(k)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out.reset_index(drop=True)


def cross_val_predict(
    runs: pd.DataFrame,
    predictor: ExhaustPredictor,
    epochs_seen: Sequence[int] = (0,),
    n_folds: int = 5,
    seed: int = 0,
    progress: bool = False,
) -> dict[int, np.ndarray]:
    """Out-of-fold predictions with K-fold CV (each run predicted from the others).

    Parameters
    ----------
    runs
        The runs table.
    predictor
        An unfitted predictor (deep-copied per fold).
    epochs_seen
        The ``epochs_seen`` values to predict with.
    n_folds, seed
        Shuffled K-fold split.
    progress
        tqdm bar over folds.

    Returns
    -------
    dict
        ``{epochs_seen: [n] predictions}``.

    Examples
    --------
    >>> from snorkel_nb.exhaust import load_metaqnn, ClosestLayersPredictor
    >>> oof = cross_val_predict(load_metaqnn(), ClosestLayersPredictor())
    >>> oof[0].shape
    (300,)
    """
    from sklearn.model_selection import KFold
    from snorkel_nb.progress import progress_bar as tqdm

    runs = as_runs(runs)
    if n_folds < 2 or n_folds > len(runs):
        raise ValueError(f"n_folds must be in 2..{len(runs)}, got {n_folds}.")
    out = {k: np.full(len(runs), np.nan) for k in epochs_seen}
    folds = KFold(n_folds, shuffle=True, random_state=seed).split(np.arange(len(runs)))
    for tr, te in tqdm(
        list(folds), desc=type(predictor).__name__, disable=not progress
    ):
        p = copy.deepcopy(predictor).fit(runs.iloc[tr])
        for k in epochs_seen:
            out[k][te] = p.predict(runs.iloc[te], k)
    return out


def top_k_overlap(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    k: int = 3,
    pool_size: int = 20,
    n_pools: int = 500,
    time_true: np.ndarray | None = None,
    time_pred: np.ndarray | None = None,
    budget: float | None = None,
    seed: int = 0,
    maximise: bool = True,
) -> float:
    """Mean top-``k`` overlap over random pools of untrained candidates.

    Protocol: draw ``n_pools`` pools of ``pool_size`` distinct runs. The
    predicted top-``k`` are the best ``k`` by ``y_pred`` among the pool's
    candidates whose *predicted* time is ``<= budget``; the true top-``k`` are
    the best ``k`` by ``y_true`` among those whose *true* time is ``<= budget``
    (no budget: the whole pool). A pool's score is ``|pred ∩ true| / |true|``
    (``|true| = min(k, #truly feasible)``); pools with no truly feasible run
    are skipped. ``y_pred`` should be out-of-fold (see
    :func:`cross_val_predict`), so the references are always the other runs.

    Parameters
    ----------
    y_true, y_pred : numpy.ndarray
        ``[n_runs]`` true and predicted accuracies (or any score).
    k : int, default 3
        How many of the best runs to compare.
    pool_size, n_pools : int
        The size and the number of random pools.
    time_true, time_pred : numpy.ndarray, optional
        ``[n_runs]`` true and predicted training times, needed with ``budget``.
    budget : float, optional
        Seconds a candidate may take; ``None`` for no limit.
    seed : int, default 0
        Seeds the pool draws.
    maximise : bool, default True
        ``False`` when lower scores are better.

    Returns
    -------
    float
        The mean overlap in [0, 1].

    Examples
    --------
    >>> y = np.arange(100.0)
    >>> top_k_overlap(y, y), top_k_overlap(y, -y)
    (1.0, 0.0)
    """
    y_true = np.asarray(y_true, float)
    y_pred = np.asarray(y_pred, float)
    n = len(y_true)
    if n < pool_size:
        raise ValueError(f"Need at least pool_size={pool_size} runs, got {n}.")
    if budget is not None and (time_true is None or time_pred is None):
        raise ValueError("A budget needs time_true and time_pred.")
    sign = 1.0 if maximise else -1.0
    rng = np.random.default_rng(seed)
    scores = []
    for _ in range(n_pools):
        pool = rng.choice(n, pool_size, replace=False)
        if budget is None:
            t_ok = p_ok = np.ones(pool_size, bool)
        else:
            t_ok = time_true[pool] <= budget
            p_ok = time_pred[pool] <= budget
        if not t_ok.any():
            continue
        truth = pool[t_ok][np.argsort(-sign * y_true[pool][t_ok], kind="stable")[:k]]
        picks = pool[p_ok][np.argsort(-sign * y_pred[pool][p_ok], kind="stable")[:k]]
        scores.append(len(set(truth) & set(picks)) / len(truth))
    if not scores:
        raise ValueError(f"No pool had a run with true time <= budget={budget}.")
    return float(np.mean(scores))


def budget_regret(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    time_true: np.ndarray,
    time_pred: np.ndarray,
    budget: float,
    pool_size: int = 20,
    n_pools: int = 500,
    seed: int = 0,
) -> float:
    """Mean regret of searching a pool under a compute budget of ``budget`` s.

    Protocol per random pool of ``pool_size`` untrained candidates: the search
    trains candidates in order of predicted accuracy, each only if its
    *predicted* time fits the budget left, and pays its *true* time (a run
    whose true time does not fit what is left is cut off and yields nothing).
    The best final accuracy reachable within the budget is the best true
    accuracy among the runs it completed; the oracle's is the best true
    accuracy among the pool's runs whose true time is ``<= budget``. Regret =
    oracle - reachable (the oracle's value when nothing completed); pools where
    no run fits are skipped. Units are those of ``y_true``.

    Parameters
    ----------
    y_true, y_pred : numpy.ndarray
        ``[n_runs]`` true and predicted final accuracies.
    time_true, time_pred : numpy.ndarray
        ``[n_runs]`` true and predicted training times in seconds.
    budget : float
        Seconds of compute per pool.
    pool_size, n_pools : int
        The size and the number of random pools.
    seed : int, default 0
        Seeds the pool draws.

    Returns
    -------
    float
        The mean regret (0 is perfect).

    Raises
    ------
    ValueError
        If no pool has a run that fits the budget.

    Examples
    --------
    >>> y = np.linspace(0.5, 0.9, 100); t = np.linspace(100, 200, 100)
    >>> budget_regret(y, y, t, t, budget=150.0)
    0.0
    >>> round(budget_regret(y, -y, t, t, budget=150.0), 2) > 0
    True
    """
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    time_true, time_pred = np.asarray(time_true, float), np.asarray(time_pred, float)
    n = len(y_true)
    if n < pool_size:
        raise ValueError(f"Need at least pool_size={pool_size} runs, got {n}.")
    rng = np.random.default_rng(seed)
    regrets = []
    for _ in range(n_pools):
        pool = rng.choice(n, pool_size, replace=False)
        fits = pool[time_true[pool] <= budget]
        if fits.size == 0:
            continue
        oracle = float(y_true[fits].max())
        left, got = float(budget), None
        for i in pool[np.argsort(-y_pred[pool], kind="stable")]:
            if time_pred[i] > left:
                continue
            if time_true[i] <= left:
                got = y_true[i] if got is None else max(got, y_true[i])
            left -= min(time_true[i], left)
            if left <= 0:
                break
        regrets.append(oracle - (got if got is not None else 0.0))
    if not regrets:
        raise ValueError(f"No pool had a run with true time <= budget={budget}.")
    return float(np.mean(regrets))
