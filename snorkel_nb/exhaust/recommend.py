"""The default predictor: chosen per ``epochs_seen`` by inner cross-validation.

Users should not have to pick among five predictors.
:func:`recommend_predictor` runs an inner K-fold CV of a few candidates on
the runs it is given and, for every ``epochs_seen = k``, keeps the option with
the lowest CV mean absolute error among

* each candidate looking at ``k' <= k`` epochs (so seeing more epochs can
  never make the choice worse than ignoring them, up to CV noise), and
* the mean of the two best such options, only if CV says it beats both.

The chosen candidates are then refitted on all runs.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from snorkel_nb.exhaust.models import (
    CurveFitPredictor,
    SimpleGBRPredictor,
    StructuredBoostedPredictor,
)
from snorkel_nb.exhaust.predictors import (
    ACC_TARGETS,
    ExhaustPredictor,
    KernelPredictor,
    as_runs,
    target_values,
)

__all__ = ["RecommendedPredictor", "default_candidates", "recommend_predictor"]


#: above this many runs the kernel (SVR, O(n^2) memory and time) is left out
KERNEL_MAX_RUNS = 3000


def default_candidates(
    target: str = "final_acc", max_epochs_seen: int = 3, n_runs: int = 0
) -> dict[str, ExhaustPredictor]:
    """The candidates :func:`recommend_predictor` compares by default.

    Structured gradient boosting, the RBF kernel model (up to
    :data:`KERNEL_MAX_RUNS` runs; for accuracy targets also learning
    ``logit(y)`` and the error ratio, see ``KernelPredictor(link=)``), the
    learning-curve fit and the plain GBR baseline: all fit in seconds, so
    inner CV stays cheap. (Pass an
    :class:`~snorkel_nb.exhaust.LSTMPredictor` in ``candidates`` to include
    it; it costs minutes.)

    Parameters
    ----------
    target : str, default "final_acc"
        The quantity to predict.
    max_epochs_seen : int, default 3
        The most early epochs a query may show.
    n_runs : int, default 0
        The training-set size; above :data:`KERNEL_MAX_RUNS` the kernel model is
        left out (``0``: unknown, keep it).

    Returns
    -------
    dict of str to ExhaustPredictor

    Examples
    --------
    >>> sorted(default_candidates())  # doctest: +NORMALIZE_WHITESPACE
    ['curve-fit', 'kernel', 'kernel-error-ratio', 'kernel-logit', 'plain-gbr',
     'structured-gbr']
    >>> sorted(default_candidates("train_time"))
    ['curve-fit', 'kernel', 'plain-gbr', 'structured-gbr']
    >>> "kernel" in default_candidates(n_runs=5000)
    False
    """
    k = max_epochs_seen
    out: dict[str, ExhaustPredictor] = {
        "structured-gbr": StructuredBoostedPredictor(target, k),
        "kernel": KernelPredictor(target, k),
        "curve-fit": CurveFitPredictor(target, k),
        "plain-gbr": SimpleGBRPredictor(target, k),
    }
    if target in ACC_TARGETS:  # the same kernel, learning logit(y) / error ratio
        out["kernel-logit"] = KernelPredictor(target, k, link="logit")
        out["kernel-error-ratio"] = KernelPredictor(target, k, link="error-ratio")
    if n_runs > KERNEL_MAX_RUNS:
        for name in [n for n in out if n.startswith("kernel")]:
            del out[name]
    return out


class RecommendedPredictor(ExhaustPredictor):
    """Per-``k`` choice among candidates by inner CV (see the module docstring).

    Parameters
    ----------
    target, max_epochs_seen
        As for every predictor.
    candidates
        Name -> unfitted predictor (default :func:`default_candidates`).
    n_inner
        Inner CV folds.
    ensembles
        Also consider the mean of the two best options.
    seed
        Inner CV shuffle seed.
    progress
        tqdm bar over the inner folds.

    Attributes
    ----------
    choice_ : dict
        ``k -> tuple of (candidate, k')`` used.
    report_ : pandas.DataFrame
        Inner-CV MAE of every option per ``k``.

    Examples
    --------
    >>> from snorkel_nb.exhaust.datasets import load_metaqnn
    >>> runs = load_metaqnn("svhn")
    >>> m = RecommendedPredictor(max_epochs_seen=1,
    ...     candidates={"plain-gbr": SimpleGBRPredictor(max_epochs_seen=1),
    ...                 "curve-fit": CurveFitPredictor(max_epochs_seen=1)})
    >>> m.fit(runs).predict(runs.iloc[:5], epochs_seen=1).shape
    (5,)
    """

    def __init__(
        self,
        target: str = "final_acc",
        max_epochs_seen: int = 3,
        candidates: Mapping[str, ExhaustPredictor] | None = None,
        n_inner: int = 3,
        ensembles: bool = True,
        seed: int = 0,
        progress: bool = False,
    ) -> None:
        super().__init__(target, max_epochs_seen)
        self.candidates = candidates
        self.n_inner = n_inner
        self.ensembles = ensembles
        self.seed = seed
        self.progress = progress

    def _candidates(self, n_runs: int) -> dict[str, ExhaustPredictor]:
        cands = dict(
            self.candidates
            if self.candidates is not None
            else default_candidates(self.target, self.max_epochs_seen, n_runs)
        )
        if not cands:
            raise ValueError("RecommendedPredictor needs at least one candidate.")
        for name, p in cands.items():
            if p.target != self.target or p.max_epochs_seen < self.max_epochs_seen:
                raise ValueError(
                    f"Candidate {name!r} has target={p.target!r}, max_epochs_seen="
                    f"{p.max_epochs_seen}; need {self.target!r} and >= "
                    f"{self.max_epochs_seen}."
                )
        return cands

    def fit(self, runs: Any) -> RecommendedPredictor:
        from snorkel_nb.exhaust.search import cross_val_predict

        runs, y = self._prepare_fit(runs)
        cands = self._candidates(len(runs))
        ks = tuple(range(self.max_epochs_seen + 1))
        n_inner = min(self.n_inner, len(runs))
        oof = {
            name: cross_val_predict(
                runs, p, ks, n_folds=n_inner, seed=self.seed, progress=self.progress
            )
            for name, p in cands.items()
        }
        yt = np.log(y) if self.log_target_ else y

        def mae(pred: np.ndarray) -> float:
            p = np.log(np.maximum(pred, 1e-12)) if self.log_target_ else pred
            return float(np.mean(np.abs(p - yt)))

        rows, self.choice_ = [], {}
        for k in ks:
            opts = {
                (name, kk): mae(oof[name][kk]) for name in cands for kk in ks[: k + 1]
            }
            ranked = sorted(opts, key=lambda o: (opts[o], -o[1]))
            scored = {(o,): opts[o] for o in ranked}
            if self.ensembles and len(ranked) >= 2:
                a, b = ranked[:2]
                scored[(a, b)] = mae((oof[a[0]][a[1]] + oof[b[0]][b[1]]) / 2)
            best = min(scored, key=lambda o: (scored[o], len(o)))
            self.choice_[k] = best
            for opt, v in scored.items():
                label = " + ".join(f"{n}@{kk}" for n, kk in opt)
                rows.append(
                    {
                        "epochs_seen": k,
                        "option": label,
                        "inner_cv_mae": v,
                        "chosen": opt == best,
                    }
                )
        self.report_ = pd.DataFrame(rows)
        used = sorted({n for opt in self.choice_.values() for n, _ in opt})
        self.fitted_ = {n: copy.deepcopy(cands[n]).fit(runs) for n in used}
        return self

    def predict(self, runs: Any, epochs_seen: int = 0) -> np.ndarray:
        k = self._check_k(epochs_seen)
        runs = as_runs(runs)
        preds = [self.fitted_[n].predict(runs, kk) for n, kk in self.choice_[k]]
        if self.log_target_:
            return np.exp(np.mean(np.log(np.maximum(preds, 1e-12)), 0))
        return np.mean(preds, 0)

    def describe(self) -> str:
        """One line per ``k``: what was chosen and its inner-CV MAE."""
        r = self.report_[self.report_["chosen"]]
        return "\n".join(
            f"epochs_seen={int(row.epochs_seen)}: {row.option} "
            f"(inner CV MAE {row.inner_cv_mae:.4f})"
            for row in r.itertuples()
        )


def recommend_predictor(
    runs: pd.DataFrame,
    target: str = "final_acc",
    max_epochs_seen: int = 3,
    **kwargs: Any,
) -> RecommendedPredictor:
    """Fit the default predictor: the best candidate per ``epochs_seen`` by CV.

    Parameters
    ----------
    runs
        The runs table.
    target, max_epochs_seen
        What to predict, and the most epochs a query will show.
    **kwargs
        :class:`RecommendedPredictor` options (``candidates``, ``n_inner``, ...).

    Returns
    -------
    RecommendedPredictor
        Fitted; ``.describe()`` says what was chosen.

    Raises
    ------
    ValueError
        If the target is logged in none of the runs.

    Examples
    --------
    >>> from snorkel_nb.exhaust.datasets import load_metaqnn
    >>> runs = load_metaqnn("svhn")
    >>> m = recommend_predictor(runs, max_epochs_seen=0,
    ...     candidates={"plain-gbr": SimpleGBRPredictor(max_epochs_seen=0)})
    >>> m.describe().startswith("epochs_seen=0: plain-gbr@0")
    True
    """
    if len(as_runs(runs)) and not np.isfinite(target_values(runs, target)).any():
        raise ValueError(
            f"Target {target!r} is missing from all {len(runs)} runs (no validation"
            " curve or final_val_acc logged): check the log parser's val_acc pattern."
        )
    return RecommendedPredictor(target, max_epochs_seen, **kwargs).fit(runs)
