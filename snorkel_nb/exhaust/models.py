"""Predictors over structured features, a learning-curve fit, and a plain baseline.

* :class:`StructuredBoostedPredictor`: gradient-boosted trees over structured
  layers (per-position attributes and shape statistics), token statistics,
  pre-training scalars and early-curve features (values, slope, curvature,
  power-law and exponential-saturation extrapolations).
* :class:`CurveFitPredictor`: the learning-curve extrapolation model alone, a
  ridge calibration of per-run parametric fits (needs >= 1 epoch seen).
* :class:`SimpleGBRPredictor`: the plain baseline a user would write in ten
  lines: scikit-learn's ``GradientBoostingRegressor`` on depth, log
  parameters, log MACs, learning rate and the early accuracies.

All follow :class:`~snorkel_nb.exhaust.predictors.ExhaustPredictor`; accuracy
targets seen through ``k`` epochs are learned as residuals over a
:class:`~snorkel_nb.exhaust.features.CurveBase`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from snorkel_nb.exhaust.features import (
    StructuredFeaturizer,
    curve_features,
    fit_curve_prior,
    layers_of,
    scalar_matrix,
)
from snorkel_nb.exhaust.predictors import (
    _ACC_TARGETS,
    early_curve,
    _Features,
    meta_columns,
    _ThreadCappedPredictor,
    as_runs,
)

__all__ = ["CurveFitPredictor", "SimpleGBRPredictor", "StructuredBoostedPredictor"]

_OTHER_CURVES = ("train_acc", "train_loss", "val_loss")


class _PerKPredictor(_ThreadCappedPredictor):
    """One regressor per ``epochs_seen``; residual over the curve base.

    Subclasses define ``_design(runs, k)`` and ``_regressor(k)``. Queries whose
    first ``k`` epochs are missing use the ``k = 0`` model.
    """

    def _setup(self, runs: pd.DataFrame, y: np.ndarray) -> None:
        """Fit featurizers on the training runs (before any ``_design`` call)."""

    def _design(self, runs: pd.DataFrame, k: int) -> np.ndarray:
        raise NotImplementedError

    def _regressor(self, k: int) -> Any:
        raise NotImplementedError

    def _fit(self, runs: Any) -> _PerKPredictor:
        runs, y = self._prepare_fit(runs)
        self._fit_bases(runs, y)
        self.prior_ = (
            fit_curve_prior(runs["val_acc"]) if self.target in _ACC_TARGETS else None
        )
        self._setup(runs, y)
        yt = np.log(y) if self.log_target_ else y
        self.models_: list[Any] = []
        for k in range(self.max_epochs_seen + 1):
            base = self._base(runs, k)
            ok = np.isfinite(base)
            if ok.sum() < 10 and k > 0:  # curve not logged: architecture only
                self.models_.append(self.models_[0])
                continue
            X = self._design(runs[ok].reset_index(drop=True), k)
            cols = np.flatnonzero(np.isfinite(X).any(0))  # all-NaN columns dropped
            reg = self._regressor(k).fit(X[:, cols], (yt - base)[ok])
            self.models_.append((reg, k, cols))
        return self

    def _predict(self, runs: Any, epochs_seen: int = 0) -> np.ndarray:
        k = self._check_k(epochs_seen)
        runs = as_runs(runs)
        reg, kk, cols = self.models_[k]
        base = self._base(runs, kk)
        ok = np.isfinite(base)
        pred = np.empty(len(runs))
        if ok.any():
            X = self._design(runs[ok].reset_index(drop=True), kk)
            pred[ok] = reg.predict(X[:, cols]) + base[ok]
        if (~ok).any():
            reg0, _, cols0 = self.models_[0]
            X0 = self._design(runs[~ok].reset_index(drop=True), 0)
            pred[~ok] = reg0.predict(X0[:, cols0])
        return np.exp(pred) if self.log_target_ else pred


class StructuredBoostedPredictor(_PerKPredictor):
    """Gradient-boosted trees over structured layers and early-curve features.

    Features: :class:`~snorkel_nb.exhaust.features.StructuredFeaturizer`
    (per-position layer attributes, depth, type counts, attribute profiles),
    the token statistics of :class:`~snorkel_nb.exhaust.arch.ArchFeaturizer`,
    whitelisted pre-training scalars (log params / MACs / lr; see
    :func:`~snorkel_nb.exhaust.features.feature_columns`) and, with ``k``
    epochs seen, :func:`~snorkel_nb.exhaust.features.curve_features` of the
    validation curve plus the first ``k`` values of other logged curves.
    One :class:`~sklearn.ensemble.HistGradientBoostingRegressor` per ``k``.

    Examples
    --------
    >>> from snorkel_nb.exhaust.datasets import load_metaqnn
    >>> runs = load_metaqnn("svhn")
    >>> m = StructuredBoostedPredictor(max_iter=40).fit(runs.iloc[:200])
    >>> m.predict(runs.iloc[200:], epochs_seen=3).shape
    (100,)
    """

    def __init__(
        self,
        target: str = "final_acc",
        max_epochs_seen: int = 3,
        max_iter: int = 100,
        learning_rate: float = 0.1,
        max_leaf_nodes: int = 15,
        min_samples_leaf: int = 10,
        l2_regularization: float = 1.0,
        random_state: int = 0,
        n_threads: int | None = 1,
        features: Sequence[str] | None = None,
    ) -> None:
        super().__init__(target, max_epochs_seen)
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.random_state = random_state
        self.n_threads = n_threads
        self.features = features

    def _setup(self, runs: pd.DataFrame, y: np.ndarray) -> None:
        self.struct_ = StructuredFeaturizer(max_positions=12).fit(layers_of(runs))
        self.tokens_ = _Features().fit(runs, 0, self.features)
        self.scalars_ = self.tokens_.meta_
        self.other_ = [
            m
            for m in _OTHER_CURVES
            if np.isfinite(early_curve(runs, m, self.max_epochs_seen)).any()
        ]

    def _design(self, runs: pd.DataFrame, k: int) -> np.ndarray:
        parts = [
            self.struct_.transform(layers_of(runs)),
            self.tokens_.arch_.transform(runs["arch"]).to_numpy(float),
            scalar_matrix(runs, self.scalars_),
        ]
        if k:
            c = early_curve(runs, "val_acc", k)
            parts.append(curve_features(c, self.horizon_, self.prior_))
            parts += [early_curve(runs, m, k) for m in self.other_]
        return np.column_stack(parts)

    def _regressor(self, k: int) -> Any:
        from sklearn.ensemble import HistGradientBoostingRegressor

        return HistGradientBoostingRegressor(
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf,
            l2_regularization=self.l2_regularization,
            random_state=self.random_state,
        )


class _Constant:
    def fit(self, X: np.ndarray, y: np.ndarray) -> _Constant:
        self.value_ = float(np.mean(y))
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        return np.full(len(X), self.value_)


class CurveFitPredictor(_PerKPredictor):
    """Learning-curve extrapolation: per-run parametric fits, calibrated.

    With ``k >= 1`` epochs seen, the prediction is the
    :class:`~snorkel_nb.exhaust.features.CurveBase`: a ridge fit, on the
    training runs, of the final value on the early values and on per-run
    power-law and exponential-saturation fits extrapolated to the training
    runs' median length (rates regularised toward the population's). It uses
    no architecture; with ``k = 0`` it predicts the training mean. Mostly a
    candidate for :func:`~snorkel_nb.exhaust.recommend.recommend_predictor`.

    Examples
    --------
    >>> from snorkel_nb.exhaust.datasets import load_metaqnn
    >>> runs = load_metaqnn("svhn")
    >>> m = CurveFitPredictor().fit(runs.iloc[:200])
    >>> m.predict(runs.iloc[200:], epochs_seen=3).shape
    (100,)
    """

    def __init__(self, target: str = "final_acc", max_epochs_seen: int = 3) -> None:
        super().__init__(target, max_epochs_seen)
        self.n_threads = 1

    def _design(self, runs: pd.DataFrame, k: int) -> np.ndarray:
        return np.zeros((len(runs), 1))

    def _regressor(self, k: int) -> Any:
        return _Constant()


class SimpleGBRPredictor(_ThreadCappedPredictor):
    """Plain baseline: ``GradientBoostingRegressor`` on a few simple features.

    Features: depth, log parameters, log MACs, learning rate (those logged)
    and the first ``k`` validation accuracies; NaN imputed with training
    means; the target learned directly (log for ``train_time``). scikit-learn
    defaults otherwise. This is what the defaults must beat.

    Examples
    --------
    >>> from snorkel_nb.exhaust.datasets import load_metaqnn
    >>> runs = load_metaqnn("svhn")
    >>> SimpleGBRPredictor().fit(runs.iloc[:200]).predict(runs.iloc[200:], 3).shape
    (100,)
    """

    def __init__(
        self,
        target: str = "final_acc",
        max_epochs_seen: int = 3,
        n_estimators: int = 100,
        random_state: int = 0,
        features: Sequence[str] | None = None,
    ) -> None:
        super().__init__(target, max_epochs_seen)
        self.n_estimators = n_estimators
        self.random_state = random_state
        self.features = features

    def _X(self, runs: pd.DataFrame, k: int) -> np.ndarray:
        depth = np.array([len(a) for a in runs["arch"]], float)
        X = np.column_stack(
            [
                depth,
                scalar_matrix(runs, self.cols_),
                early_curve(runs, "val_acc", k),
            ]
        )
        return np.where(np.isfinite(X), X, self.mu_[: X.shape[1]])

    def _fit(self, runs: Any) -> SimpleGBRPredictor:
        from sklearn.ensemble import GradientBoostingRegressor

        runs, y = self._prepare_fit(runs)
        self.cols_ = meta_columns(runs, self.features)
        K = self.max_epochs_seen
        raw = np.column_stack(
            [
                np.array([len(a) for a in runs["arch"]], float),
                scalar_matrix(runs, self.cols_),
                early_curve(runs, "val_acc", K),
            ]
        )
        with np.errstate(all="ignore"):
            mu = np.nanmean(np.where(np.isfinite(raw), raw, np.nan), 0)
        self.mu_ = np.nan_to_num(mu)
        yt = np.log(y) if self.log_target_ else y
        self.models_ = [
            GradientBoostingRegressor(
                n_estimators=self.n_estimators, random_state=self.random_state
            ).fit(self._X(runs, k), yt)
            for k in range(K + 1)
        ]
        return self

    def _predict(self, runs: Any, epochs_seen: int = 0) -> np.ndarray:
        k = self._check_k(epochs_seen)
        runs = as_runs(runs)
        pred = self.models_[k].predict(self._X(runs, k))
        return np.exp(pred) if self.log_target_ else pred
