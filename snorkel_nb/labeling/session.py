"""A live LF-editing session: data, dev split, the LF set and its label matrices.

:class:`LFSession` is the engine behind the LF studio widget, and is fully
usable without Jupyter. Adding, replacing or removing one LF recomputes only
that LF's column (the appliers cache columns by LF fingerprint); summaries and
pairwise views are recomputed from the cached matrices.

The module also holds the data preparation for the label-model diagnostics
(:func:`label_model_report`): tidy tables that a view only has to draw.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from snorkel_nb.labeling.analysis import LFAnalysis
from snorkel_nb.labeling.apply import LFErrorRecord, PandasLFApplier
from snorkel_nb.labeling.lf import LabelingFunction
from snorkel_nb.labeling.matrix import ABSTAIN, check_gold

ChangeCallback = Callable[[dict], None]


@dataclass
class SessionChange:
    """What one :class:`LFSession` edit did (``op`` = add, replace or remove)."""

    op: str
    name: str
    error: LFErrorRecord | None = None

    def as_dict(self) -> dict:
        return {"op": self.op, "name": self.name, "error": self.error}


class LFSession:
    """Live state of an LF-writing loop over a DataFrame (and optional dev split).

    Parameters
    ----------
    df
        The (unlabelled) training data; LFs see its rows.
    lfs
        Initial LFs (unique names).
    dev_df, Y_dev
        Optional dev split and its gold labels (``-1`` = unknown) for
        empirical accuracy (on covered points).
    cardinality
        Number of classes ``k``; LF votes must lie in ``-1..k-1``.

    Attributes
    ----------
    L, L_dev
        Current [n, m] label matrices (``None`` while there are no LFs / no dev).

    Examples
    --------
    >>> from snorkel_nb.labeling import labeling_function
    >>> df = pd.DataFrame({"text": ["check out my channel", "great song", "subscribe"]})
    >>> @labeling_function()
    ... def check(x):
    ...     return 1 if "check" in x.text else -1
    >>> s = LFSession(df, [check])
    >>> s.summary()["Coverage"].round(2).tolist()
    [0.33]
    >>> @labeling_function(name="check")
    ... def check2(x):
    ...     return 1 if "check" in x.text or "subscribe" in x.text else -1
    >>> s.upsert(check2).op
    'replace'
    >>> s.summary()["Coverage"].round(2).tolist()
    [0.67]
    """

    def __init__(
        self,
        df: pd.DataFrame,
        lfs: Iterable[LabelingFunction] = (),
        dev_df: pd.DataFrame | None = None,
        Y_dev: Any = None,
        cardinality: int = 2,
    ) -> None:
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"df must be a pandas DataFrame; got {type(df).__name__}")
        if int(cardinality) < 2:
            raise ValueError(f"cardinality must be >= 2; got {cardinality!r}")
        self.df = df
        self.dev_df = dev_df
        self.cardinality = int(cardinality)
        self.Y_dev: np.ndarray | None = None
        if Y_dev is not None:
            if dev_df is None:
                raise ValueError("Y_dev given without dev_df")
            self.Y_dev = check_gold(np.asarray(Y_dev), len(dev_df), self.cardinality)
        self._applier = PandasLFApplier([])
        self._dev_applier = PandasLFApplier([]) if dev_df is not None else None
        self._callbacks: list[ChangeCallback] = []
        self.L: np.ndarray | None = None
        self.L_dev: np.ndarray | None = None
        self.errors: dict[str, LFErrorRecord] = {}
        self._analysis: LFAnalysis | None = None
        self._dev_analysis: LFAnalysis | None = None
        self.set_lfs(lfs)

    # -- LF set ------------------------------------------------------------
    @property
    def lfs(self) -> list[LabelingFunction]:
        return self._applier.lfs

    @property
    def names(self) -> list[str]:
        return self._applier.names

    def __contains__(self, name: str) -> bool:
        return name in self.names

    def __len__(self) -> int:
        return len(self.names)

    def get(self, name: str) -> LabelingFunction:
        """The LF called ``name`` (``KeyError`` listing the names otherwise)."""
        for lf in self.lfs:
            if lf.name == name:
                return lf
        raise KeyError(f"no LF named {name!r}; LFs: {self.names}")

    def set_lfs(self, lfs: Iterable[LabelingFunction]) -> None:
        """Replace the whole LF set (unchanged LFs keep their cached columns)."""
        self._switch(list(lfs))
        self._notify(SessionChange("set", ""))

    def _switch(self, lfs: list[LabelingFunction]) -> None:
        """Move both appliers to ``lfs`` and refresh; on failure restore the old set."""
        appliers = [a for a in (self._applier, self._dev_applier) if a is not None]
        old = self._applier.lfs
        for a in appliers:
            a.set_lfs(lfs)
        try:
            self._refresh()
        except Exception:
            for a in appliers:
                a.set_lfs(old)
            self._refresh()
            raise

    def upsert(self, lf: LabelingFunction) -> SessionChange:
        """Add ``lf``, or replace the LF of the same name; only its column is run.

        An LF that raises on some rows abstains there; the error (with its
        traceback) is in :attr:`errors` and in the returned change. An LF that
        votes outside ``-1..k-1`` is rejected (``ValueError``) and the session
        is left as it was.
        """
        if not isinstance(lf, LabelingFunction):
            raise TypeError(
                f"expected a LabelingFunction, got {type(lf).__name__}"
                " (decorate plain functions with @labeling_function())"
            )
        op = "replace" if lf.name in self.names else "add"
        lfs = {f.name: f for f in self._applier.lfs}
        lfs[lf.name] = lf  # a replacement keeps its position
        self._switch(list(lfs.values()))
        change = SessionChange(op, lf.name, self.errors.get(lf.name))
        self._notify(change)
        return change

    def remove(self, name: str) -> SessionChange:
        """Remove the LF called ``name`` (its column is dropped, nothing re-run)."""
        if name not in self.names:
            raise KeyError(f"no LF named {name!r}; LFs: {self.names}")
        self._switch([f for f in self._applier.lfs if f.name != name])
        change = SessionChange("remove", name)
        self._notify(change)
        return change

    def _apply(self, applier: PandasLFApplier, df: pd.DataFrame) -> np.ndarray:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # kept in .errors
            L = applier.apply(df, progress_bar=False)
        if L.size and int(L.max()) >= self.cardinality:
            bad = [n for n, c in zip(applier.names, L.T) if int(c.max()) >= self.cardinality]
            raise ValueError(
                f"LF(s) {bad} voted a label >= cardinality {self.cardinality}; "
                f"labels must be -1 (abstain) or 0..{self.cardinality - 1}"
            )
        return L

    def _refresh(self) -> None:
        self._analysis = self._dev_analysis = None
        if not self._applier.names:
            self.L = self.L_dev = None
            self.errors = {}
            return
        self.L = self._apply(self._applier, self.df)
        errors = dict(self._applier.errors)
        if self._dev_applier is not None:
            self.L_dev = self._apply(self._dev_applier, self.dev_df)
            for name, rec in self._dev_applier.errors.items():
                errors.setdefault(name, rec)
        self.errors = errors

    # -- callbacks -----------------------------------------------------------
    def on_change(self, callback: ChangeCallback, remove: bool = False) -> None:
        """Call ``callback({"op", "name", "error"})`` after every edit."""
        if remove:
            self._callbacks.remove(callback)
        else:
            self._callbacks.append(callback)

    def _notify(self, change: SessionChange) -> None:
        for cb in list(self._callbacks):
            cb(change.as_dict())

    # -- statistics ------------------------------------------------------------
    @property
    def analysis(self) -> LFAnalysis:
        """:class:`LFAnalysis` of the current training matrix (cached per edit)."""
        if self.L is None:
            raise ValueError("the session has no LFs yet; upsert one first")
        if self._analysis is None:
            self._analysis = LFAnalysis(self.L, self.names)
        return self._analysis

    @property
    def dev_analysis(self) -> LFAnalysis | None:
        """:class:`LFAnalysis` of the dev matrix, or ``None`` without a dev split."""
        if self.L_dev is None:
            return None
        if self._dev_analysis is None:
            self._dev_analysis = LFAnalysis(self.L_dev, self.names)
        return self._dev_analysis

    def summary(self) -> pd.DataFrame:
        """One row per LF: Polarity, Coverage, Overlaps, Conflicts on the training data;
        with a gold dev split also dev Correct, Incorrect and ``Emp. Acc.`` (empirical
        accuracy on covered dev points); and ``Errors`` (rows where the LF raised).
        """
        cols = ["j", "Polarity", "Coverage", "Overlaps", "Conflicts"]
        if self.L is None:
            return pd.DataFrame(columns=cols + ["Errors"])
        out = self.analysis.lf_summary()
        dev = self.dev_analysis
        if dev is not None and self.Y_dev is not None:
            c, i = dev.lf_correct_incorrect(self.Y_dev)
            out["Correct"] = c.astype(np.int64)
            out["Incorrect"] = i.astype(np.int64)
            out["Emp. Acc."] = dev.lf_empirical_accuracies(self.Y_dev)
        out["Errors"] = [self.errors[n].n_failed if n in self.errors else 0
                         for n in self.names]
        return out

    def pairwise(self, kind: str = "overlap") -> pd.DataFrame:
        """Tidy ``lf_a, lf_b, count, value, kind`` for ``kind`` overlap or conflict."""
        if kind == "overlap":
            return self.analysis.pairwise_overlaps()
        if kind == "conflict":
            return self.analysis.pairwise_conflicts()
        raise ValueError(f"kind must be 'overlap' or 'conflict'; got {kind!r}")

    def lf_stats(self, name: str) -> dict[str, Any]:
        """One LF's row of :meth:`summary` as a dict (plus ``n`` and ``n_dev``)."""
        row = self.summary().loc[name].to_dict()
        row["n"] = len(self.df)
        row["n_dev"] = 0 if self.dev_df is None else len(self.dev_df)
        return row

    # -- points ----------------------------------------------------------------
    def _votes_frame(self, rows: np.ndarray, cols: Sequence[str]) -> pd.DataFrame:
        out = self.df.iloc[rows].copy()
        idx = [self.names.index(c) for c in cols]
        for c, j in zip(cols, idx):
            out[f"vote:{c}"] = self.L[rows, j]
        return out

    def sample_points(
        self, name: str, kind: str = "labels", n: int = 5, seed: int = 0
    ) -> pd.DataFrame:
        """A random sample of training points the LF labels, or where it conflicts.

        ``kind="labels"``: points ``name`` votes on, with its vote.
        ``kind="conflicts"``: points where another LF votes a different label;
        the ``conflicts_with`` column lists those LFs and their votes.
        """
        j = self.analysis.lf_index(name)
        L = self.L
        col = L[:, j]
        voted = col != ABSTAIN
        if kind == "labels":
            rows = np.nonzero(voted)[0]
        elif kind == "conflicts":
            differ = (L != ABSTAIN) & (L != col[:, None])
            differ[:, j] = False
            rows = np.nonzero(voted & differ.any(axis=1))[0]
        else:
            raise ValueError(f"kind must be 'labels' or 'conflicts'; got {kind!r}")
        if len(rows) > n:
            rows = np.sort(np.random.default_rng(seed).choice(rows, n, replace=False))
        out = self._votes_frame(rows, [name])
        if kind == "conflicts":
            names = np.asarray(self.names, dtype=object)
            out["conflicts_with"] = [
                ", ".join(f"{names[k]}={L[r, k]}" for k in np.nonzero(
                    (L[r] != ABSTAIN) & (L[r] != L[r, j]))[0])
                for r in rows
            ]
        return out

    def pair_points(
        self, lf_a: str, lf_b: str, kind: str = "overlap", n: int | None = 20
    ) -> pd.DataFrame:
        """The training points behind one heatmap cell (first ``n``), with both votes."""
        rows = self.analysis.pair_points(lf_a, lf_b, kind)
        if n is not None:
            rows = rows[:n]
        cols = [lf_a] if lf_a == lf_b else [lf_a, lf_b]
        return self._votes_frame(rows, cols)


# ---------------------------------------------------------------------------
# Label-model diagnostics (data only; views draw these tables)
# ---------------------------------------------------------------------------


@dataclass
class LabelModelReport:
    """Tidy tables describing a fitted label model against majority vote.

    Attributes
    ----------
    accuracies
        One row per LF: ``lf, estimated, empirical, ci_low, ci_high, coverage``
        (``empirical`` is the empirical accuracy on covered dev points, NaN
        without gold; the CI columns are NaN when the model gives none).
    class_balance
        ``class, source, fraction`` for ``source`` in label model / majority vote
        predictions (and dev gold when given).
    probs
        ``prob`` (probability of the predicted class... here of class 1 for
        k = 2, else of the top class) per training point.
    calibration
        ``bin_mid, mean_prob, frac_positive, count`` on the dev split.
    dependencies
        ``lf_a, lf_b, weight`` learned LF dependency edges (may be empty).
    disagreements
        Training points where the label model and majority vote disagree:
        ``row, lm_pred, mv_pred, lm_conf, drivers`` (``drivers`` lists the LFs
        voting and, when the model has weights, their estimated accuracy).
    scores
        ``model, metric, value`` on the dev split (empty without gold).
    """

    accuracies: pd.DataFrame
    class_balance: pd.DataFrame
    probs: pd.DataFrame
    calibration: pd.DataFrame
    dependencies: pd.DataFrame
    disagreements: pd.DataFrame
    scores: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _call_optional(obj: Any, names: Sequence[str], *args: Any) -> Any:
    """Call the first method of ``obj`` among ``names`` that exists; None if none."""
    for n in names:
        f = getattr(obj, n, None)
        if callable(f):
            return f(*args)
    return None


def _as_ci(ci: Any, m: int) -> tuple[np.ndarray, np.ndarray] | None:
    if ci is None:
        return None
    if isinstance(ci, tuple) and len(ci) == 2:
        lo, hi = (np.asarray(c, dtype=float) for c in ci)
    elif isinstance(ci, pd.DataFrame):
        lo_col = next((c for c in ci.columns if "low" in str(c).lower()), ci.columns[0])
        hi_col = next((c for c in ci.columns if "high" in str(c).lower()
                       or "up" in str(c).lower()), ci.columns[-1])
        lo, hi = ci[lo_col].to_numpy(float), ci[hi_col].to_numpy(float)
    else:
        arr = np.asarray(ci, dtype=float)
        if arr.shape == (m, 2):
            lo, hi = arr[:, 0], arr[:, 1]
        elif arr.shape == (2, m):
            lo, hi = arr
        else:
            return None
    if lo.shape != (m,) or hi.shape != (m,):
        return None
    return lo, hi


def _as_edges(struct: Any, names: Sequence[str]) -> pd.DataFrame:
    cols = ["lf_a", "lf_b", "weight"]
    if struct is None:
        return pd.DataFrame(columns=cols)
    if isinstance(struct, pd.DataFrame):
        df = struct.copy()
        if "weight" not in df.columns:
            df["weight"] = 1.0
        df = df.rename(columns={df.columns[0]: "lf_a", df.columns[1]: "lf_b"})
        rows = [(a, b, w) for a, b, w in zip(df["lf_a"], df["lf_b"], df["weight"])]
    else:
        rows = []
        for e in struct:
            a, b = e[0], e[1]
            w = float(e[2]) if len(e) > 2 else 1.0
            rows.append((a, b, w))
    fix = [(names[a] if isinstance(a, (int, np.integer)) else str(a),
            names[b] if isinstance(b, (int, np.integer)) else str(b), float(w))
           for a, b, w in rows]
    return pd.DataFrame(fix, columns=cols)


def label_model_report(
    model: Any,
    L: np.ndarray,
    names: Sequence[str],
    L_dev: np.ndarray | None = None,
    Y_dev: Any = None,
    baseline: Any = None,
    n_bins: int = 10,
    max_disagreements: int = 200,
    ci: Any = None,
    dependencies: Any = None,
    n_bootstrap: int = 0,
) -> LabelModelReport:
    """Compute everything the label-model diagnostics view draws.

    Parameters
    ----------
    model
        A fitted label model: anything with ``predict_proba(L)``; optionally
        ``get_weights()`` (estimated LF accuracies), a confidence-interval method
        (``get_weights_ci``, ``weights_ci`` or ``confidence_intervals``, returning
        ``(low, high)`` or an [m, 2] array) and learned dependencies
        (``get_dependencies``/``dependencies``/``learned_structure``: pairs of LF
        indices or names).
    L, names
        Training matrix [n, m] and the LF names of its columns.
    L_dev, Y_dev
        Optional dev matrix and gold labels for empirical accuracy and calibration.
    baseline
        The comparison model (default: :class:`MajorityLabelVoter`).
    ci
        Precomputed accuracy intervals (``(low, high)`` or [m, 2]); else, with
        ``n_bootstrap > 0``, ``model.confidence_intervals(L, n_bootstrap=...)``.
    dependencies
        Learned dependent LF pairs (e.g. ``learn_structure(L)``): index or name
        pairs, optionally with a weight.

    Examples
    --------
    >>> from snorkel_nb.labeling.model import MajorityLabelVoter
    >>> L = np.array([[1, 1, -1], [0, 1, 0], [0, -1, -1]])
    >>> r = label_model_report(MajorityLabelVoter(), L, ["a", "b", "c"])
    >>> r.class_balance.shape[0] > 0
    True
    """
    from snorkel_nb.labeling.model import MajorityLabelVoter
    from snorkel_nb.labeling.model.base import probs_to_preds

    L = np.asarray(L)
    n, m = L.shape
    names = list(names)
    notes: list[str] = []
    k = int(getattr(model, "cardinality", max(2, int(L.max()) + 1)))
    baseline = baseline if baseline is not None else MajorityLabelVoter(cardinality=k)
    probs = np.asarray(model.predict_proba(L), dtype=float)
    mv_probs = np.asarray(baseline.predict_proba(L), dtype=float)
    lm_pred = probs_to_preds(probs)
    mv_pred = probs_to_preds(mv_probs)
    an = LFAnalysis(L, names)

    # estimated vs empirical accuracies
    try:
        w = np.asarray(model.get_weights(), dtype=float)
        if w.shape != (m,):
            raise ValueError(f"get_weights returned shape {w.shape}")
    except Exception as exc:  # models without weights (e.g. majority vote)
        w = np.full(m, np.nan)
        notes.append(f"no estimated LF accuracies: {exc}")
    try:
        if ci is not None:
            ci = _as_ci(ci, m)
        elif n_bootstrap > 0 and callable(getattr(model, "confidence_intervals", None)):
            ci = _as_ci(model.confidence_intervals(L, n_bootstrap=n_bootstrap), m)
        else:
            ci = _as_ci(_call_optional(model, ("get_weights_ci", "weights_ci")), m)
    except Exception as exc:  # noqa: BLE001 - diagnostics degrade, never fail
        ci = None
        notes.append(f"confidence intervals unavailable: {exc}")
    if ci is None:
        ci = (np.full(m, np.nan), np.full(m, np.nan))
        notes.append("the model gives no confidence intervals")
    emp = np.full(m, np.nan)
    Y = None
    if L_dev is not None and Y_dev is not None:
        Y = check_gold(np.asarray(Y_dev), len(L_dev), k)
        emp = LFAnalysis(np.asarray(L_dev), names).lf_empirical_accuracies(Y)
    accuracies = pd.DataFrame({
        "lf": names, "estimated": w, "empirical": emp,
        "ci_low": ci[0], "ci_high": ci[1], "coverage": an.lf_coverages(),
    })

    # class balance
    parts = []
    for src, pred in (("label model", lm_pred), ("majority vote", mv_pred)):
        fr = np.bincount(pred[pred != ABSTAIN], minlength=k)[:k] / max(1, n)
        parts.append(pd.DataFrame({"class": np.arange(k), "source": src, "fraction": fr}))
    if Y is not None:
        known = Y[Y != ABSTAIN]
        fr = np.bincount(known, minlength=k)[:k] / max(1, len(known))
        parts.append(pd.DataFrame({"class": np.arange(k), "source": "dev gold",
                                   "fraction": fr}))
    class_balance = pd.concat(parts, ignore_index=True)

    prob_col = probs[:, 1] if k == 2 else probs.max(axis=1)
    probs_df = pd.DataFrame({"prob": prob_col, "pred": lm_pred})

    # calibration on dev (binary: P(y=1); multi-class: top-class confidence)
    cal_cols = ["bin_mid", "mean_prob", "frac_positive", "count"]
    calibration = pd.DataFrame(columns=cal_cols)
    scores = pd.DataFrame(columns=["model", "metric", "value"])
    if Y is not None:
        dprobs = np.asarray(model.predict_proba(np.asarray(L_dev)), dtype=float)
        known = Y != ABSTAIN
        if k == 2:
            p, hit = dprobs[known, 1], (Y[known] == 1).astype(float)
        else:
            p = dprobs[known].max(axis=1)
            hit = (dprobs[known].argmax(axis=1) == Y[known]).astype(float)
        edges = np.linspace(0, 1, n_bins + 1)
        b = np.clip(np.digitize(p, edges) - 1, 0, n_bins - 1)
        cnt = np.bincount(b, minlength=n_bins)
        sp = np.bincount(b, weights=p, minlength=n_bins)
        sh = np.bincount(b, weights=hit, minlength=n_bins)
        keep = cnt > 0
        calibration = pd.DataFrame({
            "bin_mid": ((edges[:-1] + edges[1:]) / 2)[keep],
            "mean_prob": sp[keep] / cnt[keep],
            "frac_positive": sh[keep] / cnt[keep],
            "count": cnt[keep],
        })
        rows = []
        for label, mdl in (("label model", model), ("majority vote", baseline)):
            pr = probs_to_preds(np.asarray(mdl.predict_proba(np.asarray(L_dev)), float))
            ok = known & (pr != ABSTAIN)
            rows.append((label, "accuracy",
                         float(np.mean(pr[ok] == Y[ok])) if ok.any() else np.nan))
            rows.append((label, "coverage", float(np.mean(pr != ABSTAIN))))
        scores = pd.DataFrame(rows, columns=["model", "metric", "value"])

    struct = dependencies
    try:
        if struct is None:
            struct = _call_optional(model, ("get_dependencies", "learned_structure"))
        if struct is None:
            struct = getattr(model, "dependencies", None)
            if callable(struct):
                struct = struct()
    except Exception as exc:
        notes.append(f"dependency structure unavailable: {exc}")
    dependencies = _as_edges(struct, names)
    if struct is None:
        notes.append("no learned LF dependencies given (pass "
                     "dependencies=learn_structure(L))")

    # disagreements between the label model and majority vote
    dis = np.nonzero(lm_pred != mv_pred)[0][:max_disagreements]
    namearr = np.asarray(names, dtype=object)

    def drivers(r: int) -> str:
        js = np.nonzero(L[r] != ABSTAIN)[0]
        order = js[np.argsort(-np.nan_to_num(w[js], nan=0.0), kind="stable")]
        return ", ".join(
            f"{namearr[j]}={L[r, j]}" + ("" if np.isnan(w[j]) else f" (acc {w[j]:.2f})")
            for j in order)

    disagreements = pd.DataFrame({
        "row": dis,
        "lm_pred": lm_pred[dis],
        "mv_pred": mv_pred[dis],
        "lm_conf": probs[dis].max(axis=1) if len(dis) else np.zeros(0),
        "drivers": [drivers(int(r)) for r in dis],
    })
    return LabelModelReport(accuracies, class_balance, probs_df, calibration,
                            dependencies, disagreements, scores, notes)


__all__ = ["LFSession", "LabelModelReport", "SessionChange", "label_model_report"]
