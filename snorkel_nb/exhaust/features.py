"""Features for tabular predictors: which columns, layer structure, early curves.

* :func:`feature_columns` is the whitelist: only the standard pre-training
  scalars (``num_params``, ``macs``, ``lr``), extra fields a parser was told to
  read (:attr:`LogPattern.extra`) or columns the user names become features.
  Any other numeric column (an integer run id, a score joined from elsewhere)
  is ignored with a one-line :class:`FeatureNotice` saying what was used.
* :class:`StructuredFeaturizer` turns structured layers (see
  :func:`snorkel_nb.exhaust.layers.parse_layers`) into per-position attributes
  and shape statistics (depth, type counts, attribute profiles over depth).
* :func:`curve_features` and :func:`extrapolate` describe the first ``k``
  epochs: values, slope, curvature and per-run parametric fits (power law and
  exponential saturation) extrapolated to the training runs' horizon.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from snorkel_nb.exhaust.layers import parse_layers
from snorkel_nb.exhaust.logs import PARSED_FIELDS

__all__ = [
    "KNOWN_SCALARS",
    "FeatureNotice",
    "StructuredFeaturizer",
    "curve_features",
    "extrapolate",
    "feature_columns",
    "fit_curve_prior",
]

#: pre-training scalars every parser fills when the log has them
KNOWN_SCALARS = ("num_params", "macs", "lr")
#: scalars that are always log-scaled (they span orders of magnitude)
LOG_SCALARS = ("num_params", "macs", "lr", "flops")
_NOT_FEATURES = {"n_epochs", "train_time", "final_val_acc"}


class FeatureNotice(UserWarning):
    """Columns of the runs table were not used as features (names them)."""


_NOTICED: set[tuple[tuple[str, ...], tuple[str, ...]]] = set()


def _is_numeric(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)


def feature_columns(
    runs: pd.DataFrame, features: Sequence[str] | None = None, notice: bool = True
) -> list[str]:
    """The scalar columns a predictor may learn from.

    Parameters
    ----------
    runs
        A runs table.
    features
        Columns the user names (used exactly, besides architecture and early
        curves). ``None``: the standard pre-training scalars plus the extra
        fields the parser produced (``runs.attrs``), where logged.
    notice
        Emit a :class:`FeatureNotice` when other numeric columns are ignored.

    Raises
    ------
    ValueError
        If a named column is absent, not numeric, or the outcome itself.

    Examples
    --------
    >>> from snorkel_nb.exhaust.logs import make_runs_table
    >>> t = make_runs_table([{"arch": "[C(8,3,1)]", "lr": 0.1, "job": 7}])
    >>> feature_columns(t, notice=False)
    ['lr']
    >>> feature_columns(t, ["lr", "job"])
    ['lr', 'job']
    """
    if features is not None:
        cols = list(features)
        for c in cols:
            if c not in runs.columns:
                raise ValueError(
                    f"Feature column {c!r} is not in the runs table (columns: "
                    f"{sorted(map(str, runs.columns))})."
                )
            if c in _NOT_FEATURES:
                raise ValueError(f"{c!r} is an outcome of training, not a feature.")
            if not _is_numeric(pd.to_numeric(runs[c], errors="coerce")):
                raise ValueError(f"Feature column {c!r} is not numeric.")
        return cols
    allowed = [*KNOWN_SCALARS, *runs.attrs.get(PARSED_FIELDS, [])]
    cols = []
    for c in dict.fromkeys(allowed):
        if c in runs.columns and c not in _NOT_FEATURES:
            v = pd.to_numeric(runs[c], errors="coerce")
            if _is_numeric(v) and np.isfinite(v.to_numpy(float)).any():
                cols.append(c)
    if notice:
        ignored = [
            str(c)
            for c in runs.columns
            if c not in cols
            and c not in _NOT_FEATURES
            and c not in KNOWN_SCALARS
            and _is_numeric(runs[c])
        ]
        key = (tuple(cols), tuple(ignored))
        if ignored and key not in _NOTICED:  # once per set of columns, not per fold
            _NOTICED.add(key)
            warnings.warn(
                f"Features used: architecture, early curves and {cols or 'no scalars'};"
                f" ignored columns {ignored} (name them in features=[...] to use "
                "them).",
                FeatureNotice,
                stacklevel=3,
            )
    return cols


def scalar_matrix(runs: pd.DataFrame, cols: Sequence[str]) -> np.ndarray:
    """``[n, len(cols)]`` floats, log-scaled for :data:`LOG_SCALARS` (NaN kept).

    Parameters
    ----------
    runs
        A runs table.
    cols
        Columns to take; a column ``runs`` lacks stays all NaN.

    Returns
    -------
    numpy.ndarray
        ``[n, len(cols)]`` float64 (non-numeric values become NaN).
    """
    out = np.full((len(runs), len(cols)), np.nan)
    for j, c in enumerate(cols):
        if c in runs.columns:
            v = pd.to_numeric(runs[c], errors="coerce").to_numpy(float)
            if c in LOG_SCALARS:
                with np.errstate(all="ignore"):
                    v = np.where(v > 0, np.log(np.where(v > 0, v, 1.0)), np.nan)
            out[:, j] = v
    return out


def layers_of(runs: pd.DataFrame) -> list[list[dict[str, Any]]]:
    """The structured layers of every run (from ``layers`` or ``arch``)."""
    if "layers" in runs.columns:
        return [list(v) if isinstance(v, list) else [] for v in runs["layers"]]
    return [parse_layers(a) for a in runs["arch"]]


# --------------------------------------------------------------------------
# layer structure
# --------------------------------------------------------------------------


class StructuredFeaturizer:
    """Per-position layer attributes and shape statistics of structured layers.

    Features: depth; a count per layer type; per numeric attribute (``width``,
    ``kernel_size``, ... or ``a0``, ``a1`` for token layers) its mean, min,
    max, first and last value and its least-squares slope over relative
    depth (the width profile: does the network widen or narrow);
    and, for the first ``max_positions`` layers, the type code and every
    attribute at that position (NaN past the end). Types and attributes are
    learned in ``fit``; unseen ones are ignored.

    Examples
    --------
    >>> f = StructuredFeaturizer().fit([[{"type": "C", "width": 16},
    ...                                  {"type": "C", "width": 64}]])
    >>> x = f.transform([[{"type": "C", "width": 16}, {"type": "C", "width": 64}]])
    >>> col = f.names_.index
    >>> float(x[0, col("width_last")]), float(x[0, col("p1_width")])
    (64.0, 64.0)
    """

    def __init__(
        self, max_positions: int = 24, max_types: int = 40, max_attrs: int = 12
    ) -> None:
        self.max_positions = max_positions
        self.max_types = max_types
        self.max_attrs = max_attrs

    def fit(self, layer_lists: Iterable[list[dict[str, Any]]]) -> StructuredFeaturizer:
        types: dict[str, int] = {}
        attrs: dict[str, int] = {}
        depth = 0
        for layers in layer_lists:
            depth = max(depth, len(layers))
            for d in layers:
                types[d["type"]] = types.get(d["type"], 0) + 1
                for k in d:
                    if k != "type":
                        attrs[k] = attrs.get(k, 0) + 1
        self.types_ = sorted(sorted(types, key=lambda k: -types[k])[: self.max_types])
        self.attrs_ = sorted(sorted(attrs, key=lambda k: -attrs[k])[: self.max_attrs])
        self.positions_ = min(depth, self.max_positions)
        names = ["depth"] + [f"n_{t}" for t in self.types_]
        for a in self.attrs_:
            names += [f"{a}_{s}" for s in ("mean", "min", "max", "first", "last")]
            names.append(f"{a}_slope")
        for p in range(self.positions_):
            names.append(f"p{p}_type")
            names += [f"p{p}_{a}" for a in self.attrs_]
        self.names_ = names
        return self

    def transform(self, layer_lists: Iterable[list[dict[str, Any]]]) -> np.ndarray:
        tcode = {t: i for i, t in enumerate(self.types_)}
        rows = []
        for layers in layer_lists:
            x: list[float] = [float(len(layers))]
            kinds = [d["type"] for d in layers]
            x += [float(kinds.count(t)) for t in self.types_]
            n = len(layers)
            rel = (np.arange(n) + 0.5) / max(n, 1)
            for a in self.attrs_:
                v = np.array([d.get(a, np.nan) for d in layers], float)
                ok = np.isfinite(v)
                if not ok.any():
                    x += [math.nan] * 6
                    continue
                w, r = v[ok], rel[ok]
                x += [w.mean(), w.min(), w.max(), w[0], w[-1]]
                if w.size >= 2 and np.ptp(r) > 0:  # profile: slope over depth
                    rc = r - r.mean()
                    x.append(float(rc @ (w - w.mean()) / (rc @ rc)))
                else:
                    x.append(0.0)
            for p in range(self.positions_):
                if p < n:
                    x.append(float(tcode.get(layers[p]["type"], -1)))
                    x += [float(layers[p].get(a, math.nan)) for a in self.attrs_]
                else:
                    x += [-2.0] + [math.nan] * len(self.attrs_)
            rows.append(x)
        return np.asarray(rows, float).reshape(-1, len(self.names_))


# --------------------------------------------------------------------------
# early curves
# --------------------------------------------------------------------------

_EXPONENTS = np.geomspace(0.05, 4.0, 48)


def _basis(family: str, t: np.ndarray, b: float) -> np.ndarray:
    return t ** (-b) if family == "pow" else np.exp(-b * (t - 1.0))


def _fit_family(
    c: np.ndarray, family: str, prior: float | None, weight: float = 2e-5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row, ``acc(t) = s - a * g_b(t)`` over a grid of rates ``b``.

    For each ``b`` the asymptote ``s`` and scale ``a`` are least squares;
    the ``b`` kept minimises the squared error plus ``weight`` times the
    squared log-distance to ``prior`` (the population rate), which decides
    when two epochs cannot. Returns ``(s, a, b)`` per row.
    """
    n, k = c.shape
    t = np.arange(1, k + 1, dtype=float)
    best = np.full(n, np.inf)
    out_s, out_a, out_b = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    for b in _EXPONENTS:
        g = _basis(family, t, b)
        gc = g - g.mean()
        denom = float(gc @ gc)
        if denom < 1e-12:
            continue
        a = -((c - c.mean(1, keepdims=True)) @ gc) / denom
        s = c.mean(1) + a * g.mean()
        sse = ((c - (s[:, None] - a[:, None] * g[None, :])) ** 2).sum(1)
        pen = 0.0 if prior is None else weight * math.log(b / prior) ** 2
        score = sse + pen
        better = score < best
        best = np.where(better, score, best)
        out_s, out_a = np.where(better, s, out_s), np.where(better, a, out_a)
        out_b = np.where(better, b, out_b)
    return out_s, out_a, out_b


def fit_curve_prior(curves: Iterable[np.ndarray]) -> dict[str, float]:
    """Population rates for :func:`extrapolate`: the median best-fit ``b``.

    Fitted on the training runs' whole validation curves (runs with at least
    three epochs), per family.

    Examples
    --------
    >>> t = np.arange(1, 21.0)
    >>> prior = fit_curve_prior([0.8 - 0.5 * t ** -0.7] * 3)
    >>> round(prior["pow"], 1)
    0.7
    """
    rows = [np.asarray(c, float) for c in curves]
    rows = [c[np.isfinite(c)] for c in rows]
    rows = [c for c in rows if c.size >= 3]
    prior = {"pow": 0.5, "exp": 0.3}
    if not rows:
        return prior
    by_len: dict[int, list[np.ndarray]] = {}
    for c in rows:
        by_len.setdefault(c.size, []).append(c)
    for fam in prior:
        bs = [_fit_family(np.stack(g), fam, None)[2] for g in by_len.values()]
        prior[fam] = float(np.median(np.concatenate(bs)))
    return prior


def extrapolate(
    c: np.ndarray, horizon: float, prior: dict[str, float] | None = None
) -> np.ndarray:
    """Per-run power-law and exponential-saturation fits, extrapolated.

    Parameters
    ----------
    c
        ``[n, k]`` early validation curves (fractions; ``k >= 2`` to fit).
    horizon
        Epoch to extrapolate to (the training runs' median length).
    prior
        Population rates (:func:`fit_curve_prior`).

    Returns
    -------
    numpy.ndarray
        ``[n, 4]``: power-law value at ``horizon``, its asymptote, the same
        for the exponential; clipped to ``[0, 1]``. NaN when ``k < 2``.

    Examples
    --------
    >>> t = np.arange(1, 5.0)
    >>> e = extrapolate((0.8 - 0.5 * t ** -0.7)[None], 20, {"pow": 0.7, "exp": 0.3})
    >>> round(float(e[0, 0]), 2), round(0.8 - 0.5 * 20 ** -0.7, 2)
    (0.74, 0.74)
    """
    prior = prior or {"pow": 0.5, "exp": 0.3}
    n, k = c.shape
    out = np.full((n, 4), np.nan)
    ok = np.isfinite(c).all(1) if k else np.zeros(n, bool)
    if k < 2 or not ok.any():
        return out
    for j, fam in enumerate(("pow", "exp")):
        s, a, b = _fit_family(c[ok], fam, prior[fam])
        at_h = s - a * np.array([_basis(fam, np.array([horizon]), bb)[0] for bb in b])
        out[ok, 2 * j] = np.clip(at_h, 0.0, 1.0)
        out[ok, 2 * j + 1] = np.clip(s, 0.0, 1.0)
    return out


def curve_features(
    c: np.ndarray, horizon: float, prior: dict[str, float] | None = None
) -> np.ndarray:
    """Early-curve features: values, slope, curvature and extrapolations.

    ``[n, k]`` curves give ``k`` values, then (``k >= 2``) the last gain and
    the least-squares slope over ``log(epoch)``, (``k >= 3``) the curvature
    (change of the gain) and the four :func:`extrapolate` outputs.

    Parameters
    ----------
    c : numpy.ndarray
        ``[n, k]`` early validation curves (NaN allowed).
    horizon : float
        The epoch to extrapolate to (the runs' full length).
    prior : dict, optional
        Curve-shape prior from :func:`fit_curve_prior`.

    Returns
    -------
    numpy.ndarray
        ``[n, n_features]`` floats.

    Examples
    --------
    >>> curve_features(np.array([[0.3, 0.4, 0.45]]), 20).shape
    (1, 10)
    """
    n, k = c.shape
    feats = [c]
    if k >= 2:
        d = np.diff(c, axis=1)
        lx = np.log(np.arange(1, k + 1, dtype=float))
        lx = lx - lx.mean()
        slope = (c - c.mean(1, keepdims=True)) @ lx / float(lx @ lx)
        feats += [d[:, -1:], slope[:, None]]
        if k >= 3:
            feats.append((d[:, -1] - d[:, -2])[:, None])
        feats.append(extrapolate(c, horizon, prior))
    return np.column_stack(feats) if feats else np.zeros((n, 0))


class CurveBase:
    """Linear base for accuracy targets seen through the first ``k`` epochs.

    The residual a model learns is ``y - base``. Using the last seen accuracy
    as the base (``y - acc_k``, the "gain over the last seen accuracy") hurts
    when epoch ``k`` sits far below the final value and varies a lot: the model
    must then rebuild ``-acc_k`` from its features. A ridge fit of ``y`` on the
    early values and their extrapolations (:func:`extrapolate`) instead has
    coefficient ~1 on ``acc_k`` when it predicts well and ~0 when it does not.

    Examples
    --------
    >>> c = np.array([[0.2, 0.3], [0.4, 0.5], [0.3, 0.4]])
    >>> b = CurveBase().fit(c, np.array([0.6, 0.8, 0.7]), 20)
    >>> bool(np.allclose(b.predict(c), [0.6, 0.8, 0.7], atol=0.02))
    True
    """

    def __init__(self, alpha: float = 1e-3) -> None:
        self.alpha = alpha

    def _design(self, c: np.ndarray) -> np.ndarray:
        ext = extrapolate(c, self.horizon_, self.prior_)
        last = c[:, -1:]
        ext = np.where(np.isfinite(ext), ext, last)
        return np.column_stack([c, ext])

    def fit(
        self,
        c: np.ndarray,
        y: np.ndarray,
        horizon: float,
        prior: dict[str, float] | None = None,
    ) -> CurveBase:
        """Fit the ridge base on the finite rows.

        Parameters
        ----------
        c
            ``[n, k]`` early validation curves.
        y
            ``[n]`` targets (final accuracies).
        horizon
            Epoch the curves are extrapolated to (see :func:`extrapolate`).
        prior
            Population rates (:func:`fit_curve_prior`); None fits without them.

        Returns
        -------
        CurveBase
            ``self``; with fewer than 2 finite rows or no epochs there is no ridge
            fit (``model_`` is None).
        """
        from sklearn.linear_model import Ridge

        self.horizon_, self.prior_ = horizon, prior
        ok = np.isfinite(c).all(1) & np.isfinite(y)
        self.model_ = None
        if c.shape[1] and ok.sum() >= 2:
            self.model_ = Ridge(alpha=self.alpha).fit(self._design(c[ok]), y[ok])
        return self

    def predict(self, c: np.ndarray) -> np.ndarray:
        """Base per run; 0 with no epochs, NaN where the curve is missing."""
        if c.shape[1] == 0 or self.model_ is None:
            return np.zeros(len(c)) if c.shape[1] == 0 else np.full(len(c), np.nan)
        out = np.full(len(c), np.nan)
        ok = np.isfinite(c).all(1)
        if ok.any():
            out[ok] = self.model_.predict(self._design(c[ok]))
        return out

    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """JSON-able config and arrays (for artifacts; no pickle)."""
        cfg = {"alpha": self.alpha, "horizon": self.horizon_, "prior": self.prior_}
        if self.model_ is None:
            return cfg, {}
        coef = np.asarray(self.model_.coef_, float)
        return cfg, {"coef": coef, "intercept": np.atleast_1d(self.model_.intercept_)}

    @classmethod
    def from_state(
        cls, cfg: dict[str, Any], arrays: dict[str, np.ndarray]
    ) -> CurveBase:
        """Inverse of :meth:`state`.

        Parameters
        ----------
        cfg
            The config :meth:`state` returned (``alpha``, ``horizon``, ``prior``).
        arrays
            The arrays :meth:`state` returned (``coef`` and ``intercept`` when fitted).

        Returns
        -------
        CurveBase
        """
        self = cls(cfg["alpha"])
        self.horizon_, self.prior_ = cfg["horizon"], cfg["prior"]
        self.model_ = (
            _Linear(arrays["coef"], float(arrays["intercept"][0]))
            if "coef" in arrays
            else None
        )
        return self


class _Linear:
    def __init__(self, coef: np.ndarray, intercept: float) -> None:
        self.coef_, self.intercept_ = coef, intercept

    def predict(self, X: np.ndarray) -> np.ndarray:
        return X @ self.coef_ + self.intercept_
