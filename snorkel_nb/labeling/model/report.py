"""The label-model report: tidy tables that the diagnostics view draws.

Everything here is computed from a fitted model and its label matrices, with
no UI dependency, so the same report serves the widget, a script or a test.
The fit's own account of itself (``fit_report_``: the guard's problems and
action, the model selection's choice and scores) leads the notes, in plain
words, because it is what a user most needs to know.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from snorkel_nb.labeling.matrix import ABSTAIN, check_gold
from snorkel_nb.labeling.model.nesting import broad_lfs


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
        hi_col = next(
            (
                c
                for c in ci.columns
                if "high" in str(c).lower() or "up" in str(c).lower()
            ),
            ci.columns[-1],
        )
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
    fix = [
        (
            names[a] if isinstance(a, (int, np.integer)) else str(a),
            names[b] if isinstance(b, (int, np.integer)) else str(b),
            float(w),
        )
        for a, b, w in rows
    ]
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
    from snorkel_nb.labeling.analysis import LFAnalysis
    from snorkel_nb.labeling.model import MajorityLabelVoter
    from snorkel_nb.labeling.model.base import probs_to_preds

    L = np.asarray(L)
    n, m = L.shape
    names = list(names)
    notes: list[str] = fit_notes(getattr(model, "fit_report_", None) or {})
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
        emp = LFAnalysis(np.asarray(L_dev), names).lf_empirical_accuracies(
            Y, zero_coverage=np.nan
        )
    accuracies = pd.DataFrame(
        {
            "lf": names,
            "estimated": w,
            "empirical": emp,
            "ci_low": ci[0],
            "ci_high": ci[1],
            "coverage": an.lf_coverages(),
        }
    )

    # class balance
    parts = []
    for src, pred in (("label model", lm_pred), ("majority vote", mv_pred)):
        fr = np.bincount(pred[pred != ABSTAIN], minlength=k)[:k] / max(1, n)
        parts.append(
            pd.DataFrame({"class": np.arange(k), "source": src, "fraction": fr})
        )
    if Y is not None:
        known = Y[Y != ABSTAIN]
        fr = np.bincount(known, minlength=k)[:k] / max(1, len(known))
        parts.append(
            pd.DataFrame({"class": np.arange(k), "source": "dev gold", "fraction": fr})
        )
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
        calibration = pd.DataFrame(
            {
                "bin_mid": ((edges[:-1] + edges[1:]) / 2)[keep],
                "mean_prob": sp[keep] / cnt[keep],
                "frac_positive": sh[keep] / cnt[keep],
                "count": cnt[keep],
            }
        )
        rows = []
        for label, mdl in (("label model", model), ("majority vote", baseline)):
            pr = probs_to_preds(np.asarray(mdl.predict_proba(np.asarray(L_dev)), float))
            ok = known & (pr != ABSTAIN)
            rows.append(
                (
                    label,
                    "accuracy",
                    float(np.mean(pr[ok] == Y[ok])) if ok.any() else np.nan,
                )
            )
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
        notes.append(
            "no learned LF dependencies given (pass dependencies=learn_structure(L))"
        )

    # disagreements between the label model and majority vote
    dis = np.nonzero(lm_pred != mv_pred)[0][:max_disagreements]
    namearr = np.asarray(names, dtype=object)

    def drivers(r: int) -> str:
        js = np.nonzero(L[r] != ABSTAIN)[0]
        order = js[np.argsort(-np.nan_to_num(w[js], nan=0.0), kind="stable")]
        return ", ".join(
            f"{namearr[j]}={L[r, j]}" + ("" if np.isnan(w[j]) else f" (acc {w[j]:.2f})")
            for j in order
        )

    disagreements = pd.DataFrame(
        {
            "row": dis,
            "lm_pred": lm_pred[dis],
            "mv_pred": mv_pred[dis],
            "lm_conf": probs[dis].max(axis=1) if len(dis) else np.zeros(0),
            "drivers": [drivers(int(r)) for r in dis],
        }
    )
    return LabelModelReport(
        accuracies,
        class_balance,
        probs_df,
        calibration,
        dependencies,
        disagreements,
        scores,
        notes,
    )


def abstention_note(report: dict) -> str:
    """One sentence on ``abstain="auto"``'s choice (``fit_report_["abstention"]``),
    or ``""`` when it compared nothing.

    Examples
    --------
    >>> abstention_note({"abstention": {"chosen": "independent", "aic_gain": -40.0,
    ...                                 "extra_parameters": 30}})[:44]
    'Whether an LF votes looked independent of th'
    """
    ab = report.get("abstention") or {}
    if not ab:
        return ""
    gain, extra = ab.get("aic_gain", 0.0), ab.get("extra_parameters", 0)
    nats = gain + extra  # the likelihood the per-class rates add
    if ab.get("chosen") == "independent":
        gained = (
            f"for {nats:.1f} nats of likelihood (AIC asks for more than {extra})"
            if nats > 0
            else "without raising the likelihood"
        )
        return (
            "Whether an LF votes looked independent of the class: per-class "
            f"abstention rates would add {extra} parameters {gained}, so the model "
            "ignores abstentions, as Dawid-Skene does."
        )
    return (
        "Abstentions carry evidence about the class: per-class abstention rates "
        f"add {nats:.1f} nats of likelihood for {extra} parameters (AIC), so the "
        "model keeps them."
    )


def fit_notes(report: dict) -> list[str]:
    """Plain-word notes from a model's ``fit_report_``: what the fit chose
    and why (the guard's problems and action, the model selection).

    Examples
    --------
    >>> fit_notes({"problems": ["class 1 collapsed"],
    ...            "action": "fell back to majority vote"})[0]
    'The fit looked unreliable (class 1 collapsed); it fell back to majority vote.'
    >>> fit_notes({"nested": [[3, 0]]})[0][:40]
    '1 LFs fire almost only inside a broader '
    >>> fit_notes({"nested": [[3, 0], [4, 0]]})[1][:40]
    'LF 0, a broad rule with two or more such'
    """
    notes = []
    if report.get("action"):
        probs = "; ".join(report.get("problems") or []) or "see fit_report_"
        notes.append(f"The fit looked unreliable ({probs}); it {report['action']}.")
    if abstention_note(report):
        notes.append(abstention_note(report))
    sel = report.get("selection") or {}
    if sel.get("scores"):
        scores = ", ".join(f"{k} {v:.4f}" for k, v in sel["scores"].items())
        notes.append(
            f"Model selection ({sel.get('criterion', '')}): {scores}; "
            f"chosen: {sel.get('chosen')}."
        )
    elif sel.get("skipped"):
        notes.append(f"Model selection not needed: {sel['skipped']}.")
    elif sel:
        notes.append(
            "Model selection had no evidence (no LF casts two different "
            "votes where another LF votes too); the fit was kept."
        )
    nested = report.get("nested") or []
    if nested:
        shown = ", ".join(f"LF {i} inside LF {j}" for i, j in nested[:5])
        more = f" and {len(nested) - 5} more" if len(nested) > 5 else ""
        notes.append(
            f"{len(nested)} LFs fire almost only inside a broader LF of another "
            f"class ({shown}{more}): a fallback to majority vote counts the specific "
            "LF and not the broad one on those rows."
        )
        defaults = broad_lfs([(int(i), int(j)) for i, j in nested])
        if defaults:
            lfs = ", ".join(map(str, defaults))
            notes.append(
                f"LF {lfs}, a broad rule with two or more such exceptions, is a "
                "default: it also gives way in that fallback's exact ties."
                if len(defaults) == 1
                else f"LFs {lfs}, broad rules with two or more such exceptions, "
                "are defaults: they also give way in that fallback's exact ties."
            )
    return notes


__all__ = ["LabelModelReport", "abstention_note", "fit_notes", "label_model_report"]
