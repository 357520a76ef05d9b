"""Predict an untrained (or barely trained) model's outcome from past runs.

Every predictor speaks the same interface: hyper-parameters in the constructor
(including ``target`` and ``max_epochs_seen``), ``fit(runs)`` returning
``self``, and ``predict(runs_or_architectures, epochs_seen=0)`` returning a 1-d
array. ``epochs_seen=k`` lets the predictor look at the first ``k`` logged
epochs of each query run (``0`` = architecture and hyper-parameters only).

Targets (see :func:`target_values`): ``final_acc`` (last validation accuracy,
a fraction), ``best_acc`` (best validation accuracy), ``overfit`` (final
train - validation accuracy gap) and ``train_time`` (seconds).
"""

from __future__ import annotations

import copy
import math
import sys
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from snorkel_nb.exhaust.arch import (
    MAX_ARGS,
    ArchFeaturizer,
    EditCosts,
    edit_distance_matrix,
    parse_token,
)
from snorkel_nb.exhaust.features import CurveBase, feature_columns, fit_curve_prior
from snorkel_nb.exhaust.logs import CURVES, make_runs_table

__all__ = [
    "ACC_TARGETS",
    "TARGETS",
    "BoostedPredictor",
    "ClosestLayersPredictor",
    "EditDistanceKNN",
    "CURVE_SHAPE_NAMES",
    "KERNEL_LINKS",
    "EnsemblePredictor",
    "ExhaustPredictor",
    "KernelPredictor",
    "LSTMPredictor",
    "as_runs",
    "default_predictors",
    "target_values",
]

TARGETS = ("final_acc", "best_acc", "overfit", "train_time")
#: targets that are accuracies (fractions in [0, 1])
ACC_TARGETS = ("final_acc", "best_acc")
_ACC_TARGETS = ACC_TARGETS
_STANDARD = {
    "run_id",
    "source",
    "arch",
    *CURVES,
    "n_epochs",
    "train_time",
    "final_val_acc",
}
#: how :class:`KernelPredictor` learns an accuracy target
KERNEL_LINKS = ("residual", "logit", "error-ratio")
_EPS = 1e-4
_LEAKY = ("acc", "loss", "time", "top1", "top5", "score", "metric", "epoch")


def _last_finite(a: np.ndarray) -> float:
    f = a[np.isfinite(a)]
    return float(f[-1]) if f.size else math.nan


def target_values(runs: pd.DataFrame, target: str) -> np.ndarray:
    """The observed value of ``target`` for every run (NaN where not logged).

    Parameters
    ----------
    runs : pandas.DataFrame
        A runs table (see :func:`~snorkel_nb.exhaust.logs.make_runs_table`).
    target : str
        One of :data:`TARGETS`.

    Returns
    -------
    numpy.ndarray
        ``[n_runs]`` floats.

    Examples
    --------
    >>> from snorkel_nb.exhaust.logs import make_runs_table
    >>> rec = {"val_acc": [0.5, 0.7, 0.6], "train_acc": [0.5, 0.8, 0.9]}
    >>> t = make_runs_table([rec])
    >>> target_values(t, "final_acc").tolist(), target_values(t, "best_acc").tolist()
    ([0.6], [0.7])
    """
    if target not in TARGETS:
        raise ValueError(f"Unknown target {target!r}; choose one of {TARGETS}.")
    out = np.full(len(runs), np.nan)
    for i, row in enumerate(runs.itertuples(index=False)):
        va = np.asarray(row.val_acc, float)
        fixed = float(getattr(row, "final_val_acc", math.nan))
        if target == "final_acc":
            out[i] = fixed if np.isfinite(fixed) else _last_finite(va)
        elif target == "best_acc":
            cands = [
                v
                for v in (np.nanmax(va) if np.isfinite(va).any() else math.nan, fixed)
                if np.isfinite(v)
            ]
            out[i] = max(cands) if cands else math.nan
        elif target == "overfit":
            ta = np.asarray(row.train_acc, float)
            both = np.isfinite(va) & np.isfinite(ta)
            out[i] = float((ta - va)[both][-1]) if both.any() else math.nan
        else:
            out[i] = float(row.train_time)
    return out


def as_runs(runs_or_archs: Any) -> pd.DataFrame:
    """A runs table from a runs table, or from a list of architectures.

    Raises
    ------
    ValueError
        If it is empty.
    """
    if isinstance(runs_or_archs, pd.DataFrame):
        runs = runs_or_archs
        if "arch" not in runs.columns:
            raise ValueError(
                "A runs table needs an 'arch' column (see make_runs_table)."
            )
    else:
        runs = make_runs_table([{"arch": a} for a in runs_or_archs])
    if len(runs) == 0:
        raise ValueError(
            "The runs table is empty (if it came from read_logs: no log had an "
            "epoch with metrics; the LogParseWarnings name each skipped file)."
        )
    return runs.reset_index(drop=True)


def early_curve(runs: pd.DataFrame, metric: str, k: int) -> np.ndarray:
    """``[n, k]`` first ``k`` epochs of ``metric`` (NaN-padded).

    Parameters
    ----------
    runs
        A runs table whose ``metric`` column holds per-epoch sequences.
    metric
        The curve column; all NaN when ``runs`` lacks it.
    k
        Number of epochs kept.

    Returns
    -------
    numpy.ndarray
        ``[n, k]`` float64.
    """
    out = np.full((len(runs), k), np.nan)
    if k == 0 or metric not in runs.columns:
        return out
    for i, c in enumerate(runs[metric]):
        c = np.asarray(c, float)[:k]
        out[i, : c.size] = c
    return out


def meta_columns(
    runs: pd.DataFrame, features: Sequence[str] | None = None
) -> list[str]:
    """Scalar feature columns: the whitelist of :func:`feature_columns`.

    Parameters
    ----------
    runs
        A runs table.
    features
        Columns the user names, or None for the standard ones (see
        :func:`feature_columns`).

    Returns
    -------
    list of str
    """
    return feature_columns(runs, features)


@contextmanager
def _limit_threads(n: int | None) -> Iterator[None]:
    """Cap BLAS/OpenMP and torch threads (small models: oversubscription is slow)."""
    if n is None:
        yield
        return
    from threadpoolctl import threadpool_limits

    torch = sys.modules.get("torch")
    prev = torch.get_num_threads() if torch is not None else None
    try:
        if torch is not None:
            torch.set_num_threads(n)
        with threadpool_limits(limits=n):
            yield
    finally:
        if torch is not None and prev is not None:
            torch.set_num_threads(prev)


class ExhaustPredictor(ABC):
    """Base class: target checks, ``epochs_seen`` checks and ``score``.

    Parameters
    ----------
    target
        One of :data:`TARGETS`.
    max_epochs_seen
        Largest ``epochs_seen`` that ``predict`` will accept.
    """

    uses_curve = True
    #: scalar feature columns (``None``: see :func:`feature_columns`)
    features: Sequence[str] | None = None

    def __init__(self, target: str = "final_acc", max_epochs_seen: int = 3) -> None:
        self.target = target
        self.max_epochs_seen = max_epochs_seen

    def _fit_bases(self, runs: pd.DataFrame, y: np.ndarray) -> None:
        """Per-``k`` residual bases (:class:`CurveBase`) for accuracy targets."""
        lens = np.array(
            [np.isfinite(np.asarray(c, float)).sum() for c in runs["val_acc"]]
        )
        self.horizon_ = float(np.median(lens)) if (lens > 0).any() else 1.0
        self.bases_: dict[int, CurveBase] = {}
        if self.target not in _ACC_TARGETS:
            return
        prior = fit_curve_prior(runs["val_acc"])
        for k in range(1, self.max_epochs_seen + 1):
            c = early_curve(runs, "val_acc", k)
            self.bases_[k] = CurveBase().fit(c, y, self.horizon_, prior)

    def _base(self, runs: pd.DataFrame, k: int) -> np.ndarray:
        """The residual base of each run: 0 without epochs, NaN without a curve."""
        if k == 0 or self.target not in _ACC_TARGETS:
            return np.zeros(len(runs))
        return self.bases_[k].predict(early_curve(runs, "val_acc", k))

    def curve_base(self, runs: Any, epochs_seen: int = 0) -> np.ndarray:
        """The fitted curve base each run's residual target is learned over.

        Parameters
        ----------
        runs : pandas.DataFrame or list
            Runs whose first ``epochs_seen`` validation accuracies are read.
        epochs_seen : int, default 0
            As in :meth:`predict`.

        Returns
        -------
        numpy.ndarray
            ``[n_runs]``: 0 with no epochs or a non-accuracy target, NaN where
            a run lacks the early curve.

        Examples
        --------
        >>> from snorkel_nb.exhaust.datasets import load_metaqnn
        >>> runs = load_metaqnn("svhn")
        >>> kp = KernelPredictor(max_epochs_seen=2).fit(runs.iloc[:100])
        >>> kp.curve_base(runs.iloc[:3], 0).tolist()
        [0.0, 0.0, 0.0]
        """
        k = self._check_k(epochs_seen)
        if not hasattr(self, "bases_"):
            raise ValueError(f"{type(self).__name__} has no curve base.")
        return self._base(as_runs(runs), k)

    # -- helpers ---------------------------------------------------------
    def _prepare_fit(self, runs: Any) -> tuple[pd.DataFrame, np.ndarray]:
        if self.target not in TARGETS:
            raise ValueError(
                f"Unknown target {self.target!r}; choose one of {TARGETS}."
            )
        runs = as_runs(runs)
        y = target_values(runs, self.target)
        keep = np.isfinite(y)
        if not keep.any():
            raise ValueError(
                f"Target {self.target!r} is not logged in any of the {len(runs)} "
                "runs (accuracy targets need a val_acc curve or final_val_acc; "
                "train_time needs epoch times or train_time)."
            )
        runs = runs[keep].reset_index(drop=True)
        self.n_train_ = int(keep.sum())
        self.log_target_ = self.target == "train_time"
        return runs, y[keep]

    def _check_k(self, epochs_seen: int) -> int:
        k = int(epochs_seen)
        if k < 0 or k > self.max_epochs_seen:
            raise ValueError(
                f"epochs_seen={epochs_seen} is outside 0..max_epochs_seen="
                f"{self.max_epochs_seen}; refit with a larger max_epochs_seen."
            )
        if not hasattr(self, "n_train_"):
            raise ValueError(
                f"This {type(self).__name__} is not fitted; call fit first."
            )
        return k

    @abstractmethod
    def fit(self, runs: Any) -> ExhaustPredictor:
        """Learn from a runs table; returns self."""

    @abstractmethod
    def predict(self, runs: Any, epochs_seen: int = 0) -> np.ndarray:
        """Predict the target for runs or architectures.

        Parameters
        ----------
        runs : pandas.DataFrame, list of dict or list of str
            A runs table, run records, or bare architectures (strings or layer
            lists) for models that were never trained.
        epochs_seen : int, default 0
            How many of each query run's first logged epochs the predictor may
            read (``0``: architecture and hyper-parameters only). At most
            ``max_epochs_seen``.

        Returns
        -------
        numpy.ndarray
            ``[n_runs]`` predictions of ``target``.
        """

    def score(self, runs: Any, epochs_seen: int = 0) -> float:
        """Negative mean absolute error on runs whose target is logged.

        Parameters
        ----------
        runs : pandas.DataFrame or list of dict
            Runs with the target logged (others are ignored).
        epochs_seen : int, default 0
            As in :meth:`predict`.

        Returns
        -------
        float
            ``-MAE`` (higher is better, as scikit-learn scorers expect).
        """
        runs = as_runs(runs)
        y = target_values(runs, self.target)
        keep = np.isfinite(y)
        return -float(np.mean(np.abs(self.predict(runs[keep], epochs_seen) - y[keep])))

    def __repr__(self) -> str:
        keys = [
            k
            for k in self.__init__.__code__.co_varnames[1:]  # type: ignore[misc]
            if k in self.__dict__
        ]
        args = ", ".join(f"{k}={getattr(self, k)!r}" for k in keys)
        return f"{type(self).__name__}({args})"


class _ThreadCappedPredictor(ExhaustPredictor):
    """Runs ``_fit`` / ``_predict`` with BLAS, OpenMP and torch capped at
    ``n_threads``."""

    n_threads: int | None = 1

    def fit(self, runs: Any) -> ExhaustPredictor:
        with _limit_threads(self.n_threads):
            return self._fit(runs)

    def predict(self, runs: Any, epochs_seen: int = 0) -> np.ndarray:
        with _limit_threads(self.n_threads):
            return self._predict(runs, epochs_seen)

    @abstractmethod
    def _fit(self, runs: Any) -> ExhaustPredictor:
        """Fit with threads capped."""

    @abstractmethod
    def _predict(self, runs: Any, epochs_seen: int) -> np.ndarray:
        """Predict with threads capped."""


class ClosestLayersPredictor(ExhaustPredictor):
    """Baseline: the mean target of the past runs with the closest number of layers.

    Ignores curves and hyper-parameters (``epochs_seen`` is accepted and unused).

    Examples
    --------
    >>> from snorkel_nb.exhaust.datasets import load_metaqnn
    >>> runs = load_metaqnn("cifar10")
    >>> p = ClosestLayersPredictor().fit(runs)
    >>> p.predict([["C(64,3,1)", "SM(10)"]]).shape
    (1,)
    """

    uses_curve = False

    def fit(self, runs: Any) -> ClosestLayersPredictor:
        runs, y = self._prepare_fit(runs)
        depth = np.array([len(a) for a in runs["arch"]])
        s = pd.Series(y).groupby(depth).mean()
        self.depths_ = s.index.to_numpy(float)
        self.means_ = s.to_numpy(float)
        return self

    def predict(self, runs: Any, epochs_seen: int = 0) -> np.ndarray:
        self._check_k(epochs_seen)
        runs = as_runs(runs)
        d = np.array([len(a) for a in runs["arch"]], float)
        gap = np.abs(d[:, None] - self.depths_[None, :])
        closest = gap == gap.min(axis=1, keepdims=True)
        return (closest * self.means_).sum(1) / closest.sum(1)


# a tiny cache so predictors of several targets on the same folds share distances
_DIST_CACHE: OrderedDict[tuple, np.ndarray] = OrderedDict()


def _cached_distances(q: list, r: list, costs: Any) -> np.ndarray:
    key = (tuple(map(tuple, q)), tuple(map(tuple, r)), repr(costs))
    if key in _DIST_CACHE:
        _DIST_CACHE.move_to_end(key)
        return _DIST_CACHE[key]
    d = edit_distance_matrix(q, r, costs=costs)
    _DIST_CACHE[key] = d
    while len(_DIST_CACHE) > 4:
        _DIST_CACHE.popitem(last=False)
    return d


class EditDistanceKNN(ExhaustPredictor):
    """k nearest past runs under the (weighted) edit distance between architectures.

    With ``epochs_seen=k > 0`` the distance adds ``curve_weight`` times the
    mean absolute gap (in accuracy points) between the first ``k`` epochs of the
    two validation curves, and accuracy targets are predicted as the query's
    last seen accuracy plus the neighbours' mean remaining gain.

    Parameters
    ----------
    n_neighbors
        Neighbours averaged (inverse-distance weights).
    costs
        ``"unit"``, ``"weighted"`` or an :class:`EditCosts`.
    curve_weight
        Weight of one accuracy point of curve gap vs. one edit.

    Examples
    --------
    >>> from snorkel_nb.exhaust.datasets import load_metaqnn
    >>> runs = load_metaqnn("cifar10")
    >>> knn = EditDistanceKNN(n_neighbors=5).fit(runs.iloc[:200])
    >>> knn.predict(runs.iloc[200:], epochs_seen=3).shape
    (100,)
    """

    def __init__(
        self,
        target: str = "final_acc",
        max_epochs_seen: int = 3,
        n_neighbors: int = 7,
        costs: str | EditCosts = "weighted",
        curve_weight: float = 1.0,
    ) -> None:
        super().__init__(target, max_epochs_seen)
        self.n_neighbors = n_neighbors
        self.costs = costs

        self.curve_weight = curve_weight

    def fit(self, runs: Any) -> EditDistanceKNN:
        runs, y = self._prepare_fit(runs)
        self.archs_ = [list(a) for a in runs["arch"]]
        self.y_ = y
        self.curve_ = early_curve(runs, "val_acc", self.max_epochs_seen)
        return self

    def predict(self, runs: Any, epochs_seen: int = 0) -> np.ndarray:
        k = self._check_k(epochs_seen)
        runs = as_runs(runs)
        d = _cached_distances(
            [list(a) for a in runs["arch"]], self.archs_, self.costs
        ).copy()
        qc = early_curve(runs, "val_acc", k)
        rc = self.curve_[:, :k]
        use_curve = k > 0 and np.isfinite(rc).all(1).mean() > 0.5
        q_ok = np.isfinite(qc).all(1) if k else np.zeros(len(runs), bool)
        if use_curve:
            gap = np.abs(100 * qc[:, None, :] - 100 * rc[None, :, :]).mean(-1)
            gap = np.where(
                np.isfinite(gap), gap, np.nanmax(gap[np.isfinite(gap)], initial=100.0)
            )
            d = np.where(q_ok[:, None], d + self.curve_weight * gap, d)
        nn = min(self.n_neighbors, d.shape[1])
        idx = np.argpartition(d, nn - 1, axis=1)[:, :nn]
        dist = np.take_along_axis(d, idx, 1)
        w = 1.0 / (dist + 0.5)
        w /= w.sum(1, keepdims=True)
        y = np.log(self.y_) if self.log_target_ else self.y_
        ny = y[idx]
        if use_curve and self.target in _ACC_TARGETS:
            r_last = rc[:, -1][idx]
            gain = np.where(np.isfinite(r_last), ny - r_last, np.nan)
            resid = np.nansum(w * np.nan_to_num(gain), 1) / np.maximum(
                (w * np.isfinite(gain)).sum(1), 1e-12
            )
            pred_curve = qc[:, -1] + resid
            pred = np.where(q_ok, pred_curve, (w * ny).sum(1))
        else:
            pred = (w * ny).sum(1)
        return np.exp(pred) if self.log_target_ else pred


class _Features:
    """Architecture + hyper-parameter + early-curve features for tabular models."""

    def fit(
        self, runs: pd.DataFrame, max_k: int, features: Sequence[str] | None = None
    ) -> _Features:
        self.arch_ = ArchFeaturizer().fit(runs["arch"])
        self.meta_ = meta_columns(runs, features)
        self.metrics_ = [
            m
            for m in ("val_acc", "train_acc", "train_loss", "val_loss", "epoch_time")
            if np.isfinite(early_curve(runs, m, max_k)).any()
        ]
        return self

    def transform(self, runs: pd.DataFrame, k: int) -> np.ndarray:
        parts = [self.arch_.transform(runs["arch"]).to_numpy(float)]
        meta = (
            np.column_stack(
                [
                    pd.to_numeric(runs[c], errors="coerce").to_numpy(float)
                    if c in runs.columns
                    else np.full(len(runs), np.nan)
                    for c in self.meta_
                ]
            )
            if self.meta_
            else np.zeros((len(runs), 0))
        )
        for j, c in enumerate(self.meta_):
            if c in ("num_params", "macs", "lr"):
                meta[:, j] = np.log(np.maximum(meta[:, j], 1e-12))
        parts.append(meta)
        for m in self.metrics_:
            c = early_curve(runs, m, k)
            parts.append(c)
            if k >= 2:
                parts.append(c[:, -1:] - c[:, -2:-1])
        return np.column_stack(parts)


class BoostedPredictor(_ThreadCappedPredictor):
    """Gradient-boosted trees on architecture features (+ the first k epochs).

    One :class:`~sklearn.ensemble.HistGradientBoostingRegressor` per
    ``epochs_seen`` in ``0..max_epochs_seen``. Features: layer-type counts and
    argument statistics (:class:`ArchFeaturizer`), pre-training scalars
    (the whitelist of :func:`~snorkel_nb.exhaust.features.feature_columns`),
    and the first ``k`` values of every logged curve. With ``k > 0``, accuracy
    targets are learned as the residual over a ridge fit on the early curve
    (:class:`~snorkel_nb.exhaust.features.CurveBase`; not the gain over the
    last seen accuracy, which hurts when epoch ``k`` is far below the final
    value); ``train_time`` is learned in log space. ``n_threads`` caps OpenMP
    threads (default 1: for a few thousand runs more threads only add
    contention).

    Examples
    --------
    >>> from snorkel_nb.exhaust.datasets import load_metaqnn
    >>> runs = load_metaqnn("svhn")
    >>> gb = BoostedPredictor(max_epochs_seen=1, max_iter=50).fit(runs.iloc[:200])
    >>> gb.predict(runs.iloc[200:], epochs_seen=1).shape
    (100,)
    """

    def __init__(
        self,
        target: str = "final_acc",
        max_epochs_seen: int = 3,
        max_iter: int = 400,
        learning_rate: float = 0.04,
        max_leaf_nodes: int = 15,
        min_samples_leaf: int = 10,
        l2_regularization: float = 1.0,
        random_state: int = 0,
        n_threads: int | None = 1,
        features: Sequence[str] | None = None,
    ) -> None:
        super().__init__(target, max_epochs_seen)
        self.features = features
        self.n_threads = n_threads
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.random_state = random_state

    def _fit(self, runs: Any) -> BoostedPredictor:
        from sklearn.ensemble import HistGradientBoostingRegressor

        runs, y = self._prepare_fit(runs)
        self.features_ = _Features().fit(runs, self.max_epochs_seen, self.features)
        self._fit_bases(runs, y)
        yt = np.log(y) if self.log_target_ else y
        self.models_ = []
        for k in range(self.max_epochs_seen + 1):
            base = self._base(runs, k)
            ok = np.isfinite(base)
            model = HistGradientBoostingRegressor(
                max_iter=self.max_iter,
                learning_rate=self.learning_rate,
                max_leaf_nodes=self.max_leaf_nodes,
                min_samples_leaf=min(self.min_samples_leaf, max(1, ok.sum() // 4)),
                l2_regularization=self.l2_regularization,
                random_state=self.random_state,
            )
            if ok.sum() < 2:  # curve not logged: fall back to architecture only
                self.models_.append(self.models_[0] if self.models_ else None)
                continue
            X = self.features_.transform(runs[ok].reset_index(drop=True), k)
            model.fit(X, (yt - base)[ok])
            self.models_.append((model, k))
        return self

    def _predict(self, runs: Any, epochs_seen: int = 0) -> np.ndarray:
        k = self._check_k(epochs_seen)
        runs = as_runs(runs)
        model, k_used = self.models_[k]
        base = self._base(runs, k_used)
        pred = np.empty(len(runs))
        ok = np.isfinite(base)
        if ok.any():
            pred[ok] = (
                model.predict(
                    self.features_.transform(runs[ok].reset_index(drop=True), k_used)
                )
                + base[ok]
            )
        if (~ok).any():  # query lacks the early curve: architecture only
            m0, _ = self.models_[0]
            pred[~ok] = m0.predict(
                self.features_.transform(runs[~ok].reset_index(drop=True), 0)
            )
        return np.exp(pred) if self.log_target_ else pred


def _fit_slope(x: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares ``z ≈ a + b·x`` per row of ``z`` (``x`` shared): ``(a, b)``."""
    xc = x - x.mean()
    b = (z - z.mean(1, keepdims=True)) @ xc / (xc @ xc)
    return z.mean(1) - b * x.mean(), b


#: names of the :func:`_curve_shape` columns (k = 1: the first; k = 2: 9; k >= 3: 11)
CURVE_SHAPE_NAMES = (
    "last acc",
    "last gain",
    "mean gain",
    "log-curve slope",
    "log-curve extrapolated gain",
    "logistic slope",
    "logistic extrapolated gain",
    "power-law slope",
    "power-law extrapolated gain",
    "curvature",
    "ratio of last two gains",
)


def _curve_shape(c: np.ndarray, horizon: float) -> np.ndarray:
    """Shape features of ``[n, k]`` early validation curves.

    Last value; with ``k >= 2`` the last and mean epoch-to-epoch gains and three
    parametric fits over ``log(epoch)`` -- accuracy, logit(accuracy) and
    log(error), i.e. a log curve, a logistic-in-log-time curve and a power law
    on the error -- each as its slope and its extrapolated gain at epoch
    ``horizon`` over the last value; with ``k >= 3`` the curvature (change of
    the gain) and the ratio of the last two gains.
    """
    n, k = c.shape
    if k == 0:
        return np.zeros((n, 0))
    last = c[:, -1]
    feats = [last]
    if k >= 2:
        d = np.diff(c, axis=1)
        feats += [d[:, -1], d.mean(1)]
        lx = np.log(np.arange(1, k + 1, dtype=float))
        lh = math.log(max(horizon, k))
        a, b = _fit_slope(lx, c)
        feats += [b, a + b * lh - last]
        p = np.clip(c, 1e-3, 1 - 1e-3)
        a, b = _fit_slope(lx, np.log(p / (1 - p)))
        feats += [b, 1 / (1 + np.exp(-(a + b * lh))) - last]
        a, b = _fit_slope(lx, np.log(np.clip(1 - c, 1e-3, 1)))
        feats += [b, 1 - np.exp(np.clip(a + b * lh, -10, 0)) - last]
        if k >= 3:
            feats += [d[:, -1] - d[:, -2], d[:, -1] / (np.abs(d[:, -2]) + 1e-3)]
    return np.column_stack(feats)


class KernelPredictor(_ThreadCappedPredictor):
    """RBF support-vector regression on architecture and curve-shape features.

    One :class:`~sklearn.svm.SVR` per ``epochs_seen`` in
    ``0..max_epochs_seen``, on standardised features: the
    :class:`BoostedPredictor` ones (layer statistics, pre-training scalars,
    first ``k`` values of every logged curve) plus shape features of the
    early validation curve (slopes, curvature, and log / logistic / power-law
    fits over ``log(epoch)`` extrapolated to the median logged length of the
    training runs). Missing values are imputed with training means and
    standardised features clipped to +-5. As in :class:`BoostedPredictor`,
    accuracy targets are learned as the residual over the ridge curve base
    (``k > 0``) and ``train_time`` in log space; targets are standardised. The
    smooth kernel interpolates between similar past runs and the
    epsilon-insensitive loss ignores the few collapsed runs, which ranks the
    top of a pool better than trees.

    Parameters
    ----------
    link
        How an accuracy target is learned (see :data:`KERNEL_LINKS`):
        ``"residual"`` (the residual over the curve base, default),
        ``"logit"`` (``logit(y)``: errors shrink near 0 and 1, which helps
        when most runs sit near the ceiling, as on SVHN) or ``"error-ratio"``
        (``log((1 - y) / (1 - acc_k))``: the final error as a multiple of the
        last seen error; ``log(1 - y)`` with no epochs). Which one wins is
        data-dependent: :func:`~snorkel_nb.exhaust.recommend_predictor`
        compares them by inner CV. Other targets use ``"residual"`` only.
    C, epsilon
        SVR regularisation and tube width (standardised target units).
    gamma
        RBF width, divided by the number of features.
    n_threads
        BLAS/OpenMP threads while fitting/predicting (``None``: leave as is).

    Examples
    --------
    >>> from snorkel_nb.exhaust.datasets import load_metaqnn
    >>> runs = load_metaqnn("svhn")
    >>> kp = KernelPredictor(max_epochs_seen=3).fit(runs.iloc[:200])
    >>> kp.predict(runs.iloc[200:], epochs_seen=3).shape
    (100,)
    """

    def __init__(
        self,
        target: str = "final_acc",
        max_epochs_seen: int = 3,
        C: float = 1.0,
        epsilon: float = 0.1,
        gamma: float = 0.5,
        n_threads: int | None = 1,
        features: Sequence[str] | None = None,
        link: str = "residual",
    ) -> None:
        super().__init__(target, max_epochs_seen)
        self.features = features
        self.link = link
        self.C = C
        self.epsilon = epsilon
        self.gamma = gamma
        self.n_threads = n_threads

    def _X(self, runs: pd.DataFrame, k: int) -> np.ndarray:
        X = self.features_.transform(runs, k)
        if k:
            X = np.column_stack(
                [X, _curve_shape(early_curve(runs, "val_acc", k), self.horizon_)]
            )
        return X

    def _scale(self, X: np.ndarray, k: int) -> np.ndarray:
        mu, sd = self.scalers_[k]
        X = np.where(np.isfinite(X), X, mu)
        return np.clip((X - mu) / sd, -5.0, 5.0)

    def transform(self, runs: Any, epochs_seen: int = 0) -> np.ndarray:
        """The standardised features the SVR sees for ``epochs_seen`` epochs.

        Shared with other models of the same features (for example a
        Gaussian process in ``bench/exhaust_bench.py`` that estimates the
        noise these features leave unexplained).

        Parameters
        ----------
        runs : pandas.DataFrame or list
            Runs (or architectures) to featurise.
        epochs_seen : int, default 0
            As in :meth:`predict`.

        Returns
        -------
        numpy.ndarray
            ``[n_runs, len(feature_names(epochs_seen))]``, imputed and clipped.

        Examples
        --------
        >>> from snorkel_nb.exhaust.datasets import load_metaqnn
        >>> runs = load_metaqnn("svhn")
        >>> kp = KernelPredictor(max_epochs_seen=3).fit(runs.iloc[:100])
        >>> X = kp.transform(runs.iloc[:5], 3)
        >>> X.shape[1] == len(kp.feature_names(3))
        True
        """
        k = self._check_k(epochs_seen)
        return self._scale(self._X(as_runs(runs), k), k)

    def feature_names(self, epochs_seen: int = 0) -> list[str]:
        """Names of the columns of :meth:`transform` (same order).

        Parameters
        ----------
        epochs_seen : int, default 0
            As in :meth:`predict`.

        Returns
        -------
        list of str
        """
        k = self._check_k(epochs_seen)
        names = [*self.features_.arch_.feature_names(), *self.features_.meta_]
        for m in self.features_.metrics_:
            names += [f"{m}@{e + 1}" for e in range(k)]
            names += [f"{m} gain"] if k >= 2 else []
        if k:
            names += list(CURVE_SHAPE_NAMES[: 1 if k == 1 else 9 if k == 2 else 11])
        return names

    def _to_link(self, y: np.ndarray, base: np.ndarray, last: np.ndarray) -> np.ndarray:
        """The learned quantity for targets ``y`` (``base``/``last`` per run)."""
        if self.link == "logit":
            p = np.clip(y, _EPS, 1 - _EPS)
            return np.log(p / (1 - p))
        if self.link == "error-ratio":
            return np.log(np.clip(1 - y, _EPS, 1) / np.clip(1 - last, _EPS, 1))
        return y - base

    def _from_link(
        self, z: np.ndarray, base: np.ndarray, last: np.ndarray
    ) -> np.ndarray:
        """Inverse of :meth:`_to_link`."""
        if self.link == "logit":
            return 1 / (1 + np.exp(-z))
        if self.link == "error-ratio":
            return 1 - np.clip(1 - last, _EPS, 1) * np.exp(z)
        return z + base

    def _last(self, runs: pd.DataFrame, k: int) -> np.ndarray:
        """Last seen validation accuracy (0 with no epochs: error ratio = error)."""
        return early_curve(runs, "val_acc", k)[:, -1] if k else np.zeros(len(runs))

    def _fit(self, runs: Any) -> KernelPredictor:
        from sklearn.svm import SVR

        if self.link not in KERNEL_LINKS:
            raise ValueError(f"link={self.link!r}; choose one of {KERNEL_LINKS}.")
        if self.link != "residual" and self.target not in _ACC_TARGETS:
            raise ValueError(
                f"link={self.link!r} needs an accuracy target {_ACC_TARGETS}, not "
                f"{self.target!r}; use link='residual'."
            )
        runs, y = self._prepare_fit(runs)
        self.features_ = _Features().fit(runs, self.max_epochs_seen, self.features)
        self._fit_bases(runs, y)
        yt = np.log(y) if self.log_target_ else y
        self.models_: list = []
        self.scalers_: list = []
        for k in range(self.max_epochs_seen + 1):
            base = self._base(runs, k)
            ok = np.isfinite(base)
            if ok.sum() < 2:  # curve not logged: fall back to architecture only
                self.models_.append(self.models_[0])
                self.scalers_.append(self.scalers_[0])
                continue
            X = self._X(runs[ok].reset_index(drop=True), k)
            with np.errstate(all="ignore"):
                mu = np.nan_to_num(np.nanmean(np.where(np.isfinite(X), X, np.nan), 0))
                Xi = np.where(np.isfinite(X), X, mu)
                sd = Xi.std(0)
            self.scalers_.append((mu, np.where(sd > 1e-12, sd, 1.0)))
            r = self._to_link(yt, base, self._last(runs, k))[ok]
            r_mu, r_sd = float(r.mean()), float(r.std() + 1e-12)
            svr = SVR(
                C=self.C, epsilon=self.epsilon, gamma=self.gamma / max(X.shape[1], 1)
            )
            svr.fit(self._scale(X, k), (r - r_mu) / r_sd)
            self.models_.append((svr, k, r_mu, r_sd))
        return self

    def _predict(self, runs: Any, epochs_seen: int = 0) -> np.ndarray:
        k = self._check_k(epochs_seen)
        runs = as_runs(runs)

        def run(model: tuple, part: pd.DataFrame) -> np.ndarray:
            svr, kk, r_mu, r_sd = model
            X = self._scale(self._X(part, kk), kk)
            z = svr.predict(X) * r_sd + r_mu
            return self._from_link(z, self._base(part, kk), self._last(part, kk))

        model = self.models_[k]
        base = self._base(runs, model[1])
        ok = np.isfinite(base)
        pred = np.empty(len(runs))
        if ok.any():
            pred[ok] = run(model, runs[ok].reset_index(drop=True))
        if (~ok).any():  # query lacks the early curve: architecture only
            pred[~ok] = run(self.models_[0], runs[~ok].reset_index(drop=True))
        return np.exp(pred) if self.log_target_ else pred


class LSTMPredictor(_ThreadCappedPredictor):
    """An LSTM over layer tokens, joined with hyper-parameters and the early curve.

    Each layer is its type embedding plus its log-scaled numeric arguments; the
    last LSTM state is concatenated with standardised pre-training scalars and
    the first ``k`` epochs of the validation curve (masked to ``k`` drawn at
    random per example during training, so one network serves every
    ``epochs_seen``) and fed to a small MLP. Seeded, CPU-fast.

    Parameters
    ----------
    hidden
        LSTM and MLP width.
    epochs, lr, batch_size, weight_decay
        Adam training settings.
    seed
        Torch seed (weights and batch order).
    verbose
        Show a tqdm progress bar while training.
    n_threads
        Torch threads while fitting/predicting (``None``: leave as is); one
        is fastest for a model this small, especially on a busy machine.

    Examples
    --------
    >>> from snorkel_nb.exhaust.datasets import load_metaqnn
    >>> runs = load_metaqnn("svhn")
    >>> m = LSTMPredictor(epochs=3).fit(runs.iloc[:200])
    >>> m.predict(runs.iloc[200:], epochs_seen=2).shape
    (100,)
    """

    def __init__(
        self,
        target: str = "final_acc",
        max_epochs_seen: int = 3,
        hidden: int = 48,
        epochs: int = 60,
        lr: float = 3e-3,
        batch_size: int = 64,
        weight_decay: float = 1e-4,
        seed: int = 0,
        verbose: bool = False,
        n_threads: int | None = 1,
        features: Sequence[str] | None = None,
    ) -> None:
        super().__init__(target, max_epochs_seen)
        self.features = features
        self.n_threads = n_threads
        self.hidden = hidden
        self.epochs = epochs
        self.lr = lr
        self.batch_size = batch_size
        self.weight_decay = weight_decay
        self.seed = seed
        self.verbose = verbose

    # -- encoding ----------------------------------------------------------
    def _encode(self, runs: pd.DataFrame) -> tuple[Any, ...]:
        import torch

        n = len(runs)
        lens = np.array([len(a) for a in runs["arch"]])
        T = max(1, int(lens.max()) if n else 1)
        types = np.zeros((n, T), np.int64)
        args = np.zeros((n, T, MAX_ARGS), np.float32)
        for i, arch in enumerate(runs["arch"]):
            for j, tok in enumerate(arch):
                kind, a = parse_token(tok)
                types[i, j] = self.vocab_.get(kind, 1)
                a = np.log1p(np.abs(np.asarray(a[:MAX_ARGS], float)))
                args[i, j, : a.size] = a
        args = (args - self.arg_mu_) / self.arg_sd_
        meta = self._meta(runs)
        curve = early_curve(runs, "val_acc", self.max_epochs_seen)
        return (
            torch.from_numpy(types),
            torch.from_numpy(args.astype(np.float32)),
            torch.from_numpy(np.maximum(lens, 1)),
            torch.from_numpy(meta),
            torch.from_numpy(curve.astype(np.float32)),
        )

    def _meta(self, runs: pd.DataFrame) -> np.ndarray:
        cols = []
        for c in self.meta_cols_:
            v = (
                pd.to_numeric(runs[c], errors="coerce").to_numpy(float)
                if c in runs.columns
                else np.full(len(runs), np.nan)
            )
            if c in ("num_params", "macs", "lr"):
                v = np.log(np.maximum(v, 1e-12))
            cols.append(v)
        cols.append(np.array([len(a) for a in runs["arch"]], float))
        m = np.column_stack(cols)
        if not hasattr(self, "meta_mu_"):
            self.meta_mu_ = np.nanmean(m, 0)
            self.meta_sd_ = np.nanstd(m, 0) + 1e-6
            self.meta_mu_ = np.nan_to_num(self.meta_mu_)
        m = (m - self.meta_mu_) / self.meta_sd_
        return np.nan_to_num(m).astype(np.float32)

    def _net(self) -> Any:
        import torch
        from torch import nn

        h, K = self.hidden, self.max_epochs_seen

        class Net(nn.Module):
            def __init__(s, n_types: int, n_meta: int) -> None:
                super().__init__()
                s.emb = nn.Embedding(n_types, 16)
                s.lstm = nn.LSTM(16 + MAX_ARGS, h, batch_first=True)
                s.head = nn.Sequential(
                    nn.Linear(h + n_meta + 2 * K + 1, h),
                    nn.ReLU(),
                    nn.Linear(h, h),
                    nn.ReLU(),
                    nn.Linear(h, 1),
                )

            def forward(s, types, args, lens, meta, curve, mask, k):
                x = torch.cat([s.emb(types), args], -1)
                out, _ = s.lstm(x)
                last = out[torch.arange(out.shape[0]), lens - 1]
                side = torch.cat(
                    [
                        meta,
                        torch.nan_to_num(curve) * mask,
                        mask,
                        k[:, None] / max(K, 1),
                    ],
                    -1,
                )
                return s.head(torch.cat([last, side], -1)).squeeze(-1)

        return Net(len(self.vocab_) + 2, len(self.meta_cols_) + 1)

    def _base_table(self, runs: pd.DataFrame) -> Any:
        """``[n, K+1]`` residual bases (ridge curve base), standardised; 0 if none."""
        import torch

        K = self.max_epochs_seen
        t = np.zeros((len(runs), K + 1), np.float32)
        if self.target in _ACC_TARGETS and getattr(self, "bases_", None):
            for k in range(1, K + 1):
                b = (self._base(runs, k) - self.y_mu_) / self.y_sd_
                t[:, k] = np.nan_to_num(b)
        return torch.from_numpy(t)

    def _side(self, curve: Any, k: Any, table: Any) -> tuple[Any, Any, Any]:
        import torch

        K = self.max_epochs_seen
        pos = torch.arange(K)[None, :]
        mask = ((pos < k[:, None]) & torch.isfinite(curve)).float()
        base = table[torch.arange(len(k)), k]  # offset in standardised target space
        c = (curve - self.y_mu_) / self.y_sd_ if self.target in _ACC_TARGETS else curve
        return torch.nan_to_num(c) * mask, mask, base

    def fit(self, runs: Any) -> LSTMPredictor:
        import torch  # noqa: F401 - imported first so that its threads get capped

        return super().fit(runs)

    def predict(self, runs: Any, epochs_seen: int = 0) -> np.ndarray:
        import torch  # noqa: F401 - imported first so that its threads get capped

        return super().predict(runs, epochs_seen)

    def _fit(self, runs: Any) -> LSTMPredictor:
        import torch
        from snorkel_nb.progress import progress_bar as tqdm

        runs, y = self._prepare_fit(runs)
        for a in ("meta_mu_", "meta_sd_"):
            self.__dict__.pop(a, None)
        kinds = sorted({parse_token(t)[0] for a in runs["arch"] for t in a})
        self.vocab_ = {k: i + 2 for i, k in enumerate(kinds)}  # 0 pad, 1 unknown
        a = np.array(
            [
                np.log1p(
                    np.abs(
                        np.asarray(parse_token(t)[1][:MAX_ARGS] + (0.0,) * MAX_ARGS)[
                            :MAX_ARGS
                        ]
                    )
                )
                for arch in runs["arch"]
                for t in arch
            ]
            or [[0.0] * MAX_ARGS]
        )
        self.arg_mu_ = a.mean(0).astype(np.float32)
        self.arg_sd_ = (a.std(0) + 1e-6).astype(np.float32)
        self.meta_cols_ = meta_columns(runs, self.features)
        yt = np.log(y) if self.log_target_ else y
        self.y_mu_, self.y_sd_ = float(yt.mean()), float(yt.std() + 1e-6)
        types, args, lens, meta, curve = self._encode(runs)
        self._fit_bases(runs, y)
        table = self._base_table(runs)
        target = torch.tensor(yt, dtype=torch.float32)
        has_curve = torch.isfinite(curve).all(1)
        torch.manual_seed(self.seed)
        gen = torch.Generator().manual_seed(self.seed)
        net = self._net()
        opt = torch.optim.Adam(
            net.parameters(), lr=self.lr, weight_decay=self.weight_decay
        )
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, max(1, self.epochs))
        n = len(target)
        net.train()
        for _ in tqdm(range(self.epochs), desc="LSTM", disable=not self.verbose):
            perm = torch.randperm(n, generator=gen)
            for s in range(0, n, self.batch_size):
                b = perm[s : s + self.batch_size]
                k = torch.randint(0, self.max_epochs_seen + 1, (len(b),), generator=gen)
                k = torch.where(has_curve[b], k, torch.zeros_like(k))
                c, mask, base = self._side(curve[b], k, table[b])
                out = net(types[b], args[b], lens[b], meta[b], c, mask, k.float())
                pred = base + out
                goal = (target[b] - self.y_mu_) / self.y_sd_
                loss = torch.nn.functional.smooth_l1_loss(pred, goal, beta=0.5)
                opt.zero_grad()
                loss.backward()
                opt.step()
            sched.step()
        net.eval()
        self.net_ = net
        return self

    def _predict(self, runs: Any, epochs_seen: int = 0) -> np.ndarray:
        import torch

        k = self._check_k(epochs_seen)
        runs = as_runs(runs)
        types, args, lens, meta, curve = self._encode(runs)
        kk = torch.full((len(runs),), k, dtype=torch.long)
        kk = torch.where(torch.isfinite(curve[:, :k]).all(1), kk, torch.zeros_like(kk))
        with torch.no_grad():
            c, mask, base = self._side(curve, kk, self._base_table(runs))
            out = self.net_(types, args, lens, meta, c, mask, kk.float()).numpy()
        pred = (base.numpy() + out) * self.y_sd_ + self.y_mu_
        return np.exp(pred) if self.log_target_ else pred

    def save(self, path: Any) -> Any:
        """Save a fitted LSTM predictor with :func:`snorkel_nb.io.save_artifact`.

        JSON config + NPZ arrays (state dict as numpy), atomic, checksummed; no
        pickle. Restore with :meth:`LSTMPredictor.load`.
        """
        from snorkel_nb.io import save_artifact

        if not hasattr(self, "net_"):
            raise ValueError("Fit the LSTMPredictor before saving it.")
        params = {
            k: getattr(self, k)
            for k in (
                "target",
                "max_epochs_seen",
                "hidden",
                "epochs",
                "lr",
                "batch_size",
                "weight_decay",
                "seed",
                "verbose",
                "n_threads",
                "features",
            )
        }
        fitted = {
            "vocab_": self.vocab_,
            "meta_cols_": self.meta_cols_,
            "y_mu_": self.y_mu_,
            "y_sd_": self.y_sd_,
            "n_train_": self.n_train_,
            "log_target_": self.log_target_,
            "horizon_": self.horizon_,
            "bases_": {},
        }
        arrays = {
            f"state.{k}": v.detach().numpy() for k, v in self.net_.state_dict().items()
        }
        for k in ("arg_mu_", "arg_sd_", "meta_mu_", "meta_sd_"):
            arrays[k] = np.asarray(getattr(self, k))
        for k, base in self.bases_.items():
            cfg, arr = base.state()
            fitted["bases_"][str(k)] = cfg
            arrays.update({f"base{k}.{name}": v for name, v in arr.items()})
        return save_artifact(
            path, "exhaust.LSTMPredictor", {"params": params, "fitted": fitted}, arrays
        )

    @classmethod
    def load(cls, path: Any) -> LSTMPredictor:
        """Load an :class:`LSTMPredictor` saved with :meth:`LSTMPredictor.save`."""
        import torch

        from snorkel_nb.io import load_artifact

        config, arrays, _ = load_artifact(path, kind="exhaust.LSTMPredictor")
        self = cls(**config["params"])
        for k, v in config["fitted"].items():
            if k != "bases_":
                setattr(self, k, v)
        self.bases_ = {
            int(k): CurveBase.from_state(
                cfg,
                {
                    name[len(f"base{k}.") :]: v
                    for name, v in arrays.items()
                    if name.startswith(f"base{k}.")
                },
            )
            for k, cfg in config["fitted"].get("bases_", {}).items()
        }
        for k in ("arg_mu_", "arg_sd_", "meta_mu_", "meta_sd_"):
            setattr(self, k, arrays[k])
        net = self._net()
        net.load_state_dict(
            {
                k[len("state.") :]: torch.from_numpy(v)
                for k, v in arrays.items()
                if k.startswith("state.")
            }
        )
        net.eval()
        self.net_ = net
        return self


class EnsemblePredictor(ExhaustPredictor):
    """Weighted mean of several predictors of the same target.

    Parameters
    ----------
    predictors
        Unfitted predictors (copied in ``fit``); all must share ``target``.
    weights
        One weight per predictor (default equal).

    Examples
    --------
    >>> from snorkel_nb.exhaust.datasets import load_metaqnn
    >>> runs = load_metaqnn("svhn")
    >>> ens = EnsemblePredictor([BoostedPredictor(max_iter=30), EditDistanceKNN()])
    >>> ens.fit(runs.iloc[:200]).predict(runs.iloc[200:], epochs_seen=3).shape
    (100,)
    """

    def __init__(
        self,
        predictors: Sequence[ExhaustPredictor],
        weights: Sequence[float] | None = None,
    ) -> None:
        if not predictors:
            raise ValueError("EnsemblePredictor needs at least one predictor.")
        targets = {p.target for p in predictors}
        if len(targets) != 1:
            raise ValueError(f"All predictors must share one target, got {targets}.")
        if weights is not None and len(weights) != len(predictors):
            raise ValueError("weights must have one entry per predictor.")
        super().__init__(
            predictors[0].target, min(p.max_epochs_seen for p in predictors)
        )
        self.predictors = predictors
        self.weights = weights

    def fit(self, runs: Any) -> EnsemblePredictor:
        self._prepare_fit(runs)
        self.predictors_ = [copy.deepcopy(p).fit(runs) for p in self.predictors]
        return self

    def predict(self, runs: Any, epochs_seen: int = 0) -> np.ndarray:
        self._check_k(epochs_seen)
        w = (
            np.ones(len(self.predictors_))
            if self.weights is None
            else np.asarray(self.weights, float)
        )
        preds = np.stack([p.predict(runs, epochs_seen) for p in self.predictors_])
        return (w[:, None] * preds).sum(0) / w.sum()


def default_predictors(
    target: str = "final_acc", max_epochs_seen: int = 3, lstm_epochs: int = 60
) -> dict[str, ExhaustPredictor]:
    """One of each predictor, keyed by a short display name.

    Parameters
    ----------
    target : str, default "final_acc"
        One of :data:`TARGETS`, passed to every predictor.
    max_epochs_seen : int, default 3
        The most early epochs a query may show, passed to every predictor.
    lstm_epochs : int, default 60
        Training epochs of the :class:`LSTMPredictor`.

    Returns
    -------
    dict of str to ExhaustPredictor
        Unfitted predictors.

    Examples
    --------
    >>> sorted(default_predictors())
    ['boosted', 'closest-layers', 'edit-knn', 'kernel', 'lstm']
    """
    return {
        "closest-layers": ClosestLayersPredictor(target, max_epochs_seen),
        "edit-knn": EditDistanceKNN(target, max_epochs_seen),
        "boosted": BoostedPredictor(target, max_epochs_seen),
        "kernel": KernelPredictor(target, max_epochs_seen),
        "lstm": LSTMPredictor(target, max_epochs_seen, epochs=lstm_epochs),
    }
