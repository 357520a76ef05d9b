"""The label model in the LF loop: one fit's headline numbers, next to majority vote's.

A user editing LFs wants to know what each edit did to the *label model*, not
just to the LF's own column. :func:`fit_loop` fits the default
:class:`~snorkel_nb.labeling.model.LabelModel` on a session's matrices and
condenses the result into a :class:`LoopFit`: coverage, class balance (with the
uncovered share as its own number, so the bars add up to 1) and dev accuracy,
each beside majority vote's. :meth:`LoopFit.delta` gives the before -> after
numbers the UI shows. No UI imports; torch loads only when a fit runs.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Sequence

import numpy as np

from snorkel_nb.labeling.matrix import ABSTAIN

#: ties (equal top probabilities, common under majority vote) are broken by a
#: deterministic per-row draw, so every covered row gets a class and the class
#: shares sum to the coverage
TIE_BREAK = "random"


@dataclass(frozen=True)
class LoopFit:
    """One label-model fit on the session's current LFs, and majority vote's numbers.

    Attributes
    ----------
    model
        The fitted label model.
    report
        :class:`~snorkel_nb.labeling.model.report.LabelModelReport` of the fit
        (its ``notes`` start with the fit's own account: fallbacks, selection).
        Built on first access and cached: the studio's numbers do not need it,
        and at 100k rows it costs about as much as the fit.
    lf_names
        The LFs (columns of ``L``) the model was fitted on.
    seconds
        Wall time of ``LabelModel.fit`` alone.
    coverage, uncovered
        Share of training rows with at least one vote, and ``1 - coverage``.
    class_balance, mv_class_balance
        [k] share of *all* training rows predicted as each class by the label
        model / majority vote (uncovered rows get no class, so each sums to
        ``coverage``; ties are broken per row, deterministically).
    dev_accuracy, mv_dev_accuracy
        Accuracy on covered dev rows with known gold (``None`` without dev
        gold, NaN when no such row is covered).
    n_dev_covered
        How many dev rows those accuracies are computed on.
    warnings
        Messages of the warnings the fit raised (e.g. ``DegenerateFitWarning``),
        kept here instead of printed in the notebook.
    """

    model: Any
    lf_names: tuple[str, ...]
    seconds: float
    coverage: float
    class_balance: np.ndarray
    uncovered: float
    dev_accuracy: float | None
    mv_class_balance: np.ndarray
    mv_dev_accuracy: float | None
    n_dev_covered: int = 0
    warnings: tuple[str, ...] = ()
    make_report: Callable[[], Any] | None = field(
        default=None, repr=False, compare=False
    )

    @cached_property
    def report(self) -> Any:
        """The fit's :class:`LabelModelReport` (built once, on first access)."""
        return None if self.make_report is None else self.make_report()

    @property
    def notes(self) -> list[str]:
        """The fit's own account in plain words (fallbacks, model selection),
        from ``model.fit_report_`` without building the whole report."""
        from snorkel_nb.labeling.model.report import fit_notes

        return fit_notes(getattr(self.model, "fit_report_", None) or {})

    def delta(self, before: "LoopFit | None") -> dict[str, Any]:
        """Before -> after numbers for the UI, ``before`` being an earlier fit.

        Returns a dict with, for each of ``coverage``, ``uncovered``,
        ``dev_accuracy``, ``mv_dev_accuracy``, ``class_balance`` and
        ``mv_class_balance``, a dict ``{"before", "after", "delta"}``
        (``delta`` is ``after - before``; ``None`` where either side is
        missing), plus ``lfs_added`` and ``lfs_removed`` (LF names).

        Examples
        --------
        >>> import numpy as np
        >>> a = LoopFit(None, ("x",), 0.1, 0.5, np.array([0.2, 0.3]), 0.5,
        ...             0.8, np.array([0.2, 0.3]), 0.7)
        >>> b = LoopFit(None, ("x", "y"), 0.1, 0.75, np.array([0.25, 0.5]),
        ...             0.25, 0.9, np.array([0.3, 0.45]), 0.7)
        >>> d = b.delta(a)
        >>> round(d["coverage"]["delta"], 2), d["lfs_added"], d["lfs_removed"]
        (0.25, ['y'], [])
        >>> d["class_balance"]["delta"].round(2).tolist()
        [0.05, 0.2]
        """
        out: dict[str, Any] = {}
        for key in (
            "coverage",
            "uncovered",
            "dev_accuracy",
            "mv_dev_accuracy",
            "class_balance",
            "mv_class_balance",
        ):
            after = getattr(self, key)
            prev = None if before is None else getattr(before, key)
            diff = None
            if prev is not None and after is not None:
                diff = np.asarray(after) - np.asarray(prev)
                diff = diff if np.ndim(diff) else float(diff)
            out[key] = {"before": prev, "after": after, "delta": diff}
        old = () if before is None else before.lf_names
        out["lfs_added"] = [n for n in self.lf_names if n not in old]
        out["lfs_removed"] = [n for n in old if n not in self.lf_names]
        return out


def _split_kwargs(
    model_cls: type, kwargs: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Constructor settings (config fields) vs ``fit`` arguments."""
    fields = {f.name for f in dataclasses.fields(model_cls.config_cls)} - {
        "cardinality"
    }
    init = {k: v for k, v in kwargs.items() if k in fields}
    fit = {k: v for k, v in kwargs.items() if k not in fields}
    return init, fit


def _covered_preds(probs: np.ndarray, covered: np.ndarray) -> np.ndarray:
    """Hard labels on covered rows (ties broken per row), ABSTAIN elsewhere."""
    from snorkel_nb.labeling.model.base import probs_to_preds

    preds = probs_to_preds(probs, tie_break_policy=TIE_BREAK)
    preds[~covered] = ABSTAIN
    return preds


def _balance(preds: np.ndarray, k: int) -> np.ndarray:
    n = max(1, len(preds))
    return np.bincount(preds[preds != ABSTAIN], minlength=k)[:k] / n


def _accuracy(preds: np.ndarray, Y: np.ndarray, rows: np.ndarray) -> float:
    return float(np.mean(preds[rows] == Y[rows])) if rows.any() else float("nan")


def fit_loop(
    L: np.ndarray,
    names: Sequence[str],
    cardinality: int,
    L_dev: np.ndarray | None = None,
    Y_dev: np.ndarray | None = None,
    **label_model_kwargs: Any,
) -> LoopFit:
    """Fit the default label model on ``L`` and summarise it against majority vote.

    Parameters
    ----------
    L, names
        [n, m] training label matrix and its LF names.
    cardinality
        Number of classes ``k``.
    L_dev, Y_dev
        Optional dev matrix and gold (``-1`` = unknown) for the dev accuracies.
    label_model_kwargs
        :class:`~snorkel_nb.labeling.model.LabelModel` settings (its config
        fields, e.g. ``em_steps``, ``seed``) and ``fit`` arguments (e.g.
        ``class_balance``); each goes where it belongs.

    Examples
    --------
    >>> import numpy as np
    >>> L = np.array([[1, 1, -1], [0, 0, 0], [1, -1, 1], [-1, -1, -1]] * 25)
    >>> f = fit_loop(L, ["a", "b", "c"], 2)
    >>> f.coverage, f.uncovered, round(float(f.class_balance.sum()), 2)
    (0.75, 0.25, 0.75)
    """
    from snorkel_nb.labeling.model import LabelModel, MajorityLabelVoter
    from snorkel_nb.labeling.model.report import label_model_report
    from snorkel_nb.labeling.thread_warnings import captured_warnings

    L = np.asarray(L)
    if L.ndim != 2 or L.shape[1] == 0 or L.shape[0] == 0:
        raise ValueError(f"need a non-empty [n, m] label matrix; got shape {L.shape}")
    if L.shape[1] != len(names):
        raise ValueError(f"L has {L.shape[1]} columns but {len(names)} LF names")
    k = int(cardinality)
    init, fit_kw = _split_kwargs(LabelModel, label_model_kwargs)
    model = LabelModel(cardinality=k, **init)
    t0 = time.perf_counter()
    with captured_warnings() as caught:  # this thread only: fits run on workers
        model.fit(L, **fit_kw)
    seconds = time.perf_counter() - t0
    mv = MajorityLabelVoter(cardinality=k)
    covered = (L != ABSTAIN).any(axis=1)
    coverage = float(covered.mean())
    lm_pred = _covered_preds(model.predict_proba(L), covered)
    mv_pred = _covered_preds(mv.predict_proba(L), covered)

    acc = mv_acc = None
    n_dev = 0
    has_gold = L_dev is not None and Y_dev is not None and len(L_dev) > 0
    if has_gold:
        L_dev, Y = np.asarray(L_dev), np.asarray(Y_dev)
        dev_cov = (L_dev != ABSTAIN).any(axis=1)
        rows = dev_cov & (Y != ABSTAIN)
        n_dev = int(rows.sum())
        acc = _accuracy(_covered_preds(model.predict_proba(L_dev), dev_cov), Y, rows)
        mv_acc = _accuracy(_covered_preds(mv.predict_proba(L_dev), dev_cov), Y, rows)
    names = list(names)
    dev = (L_dev, Y_dev) if has_gold else (None, None)

    def make_report() -> Any:
        return label_model_report(model, L, names, *dev, baseline=mv)

    return LoopFit(
        model=model,
        lf_names=tuple(names),
        seconds=seconds,
        coverage=coverage,
        class_balance=_balance(lm_pred, k),
        uncovered=1.0 - coverage,
        dev_accuracy=acc,
        mv_class_balance=_balance(mv_pred, k),
        mv_dev_accuracy=mv_acc,
        n_dev_covered=n_dev,
        warnings=tuple(f"{w.category.__name__}: {w.message}" for w in caught),
        make_report=make_report,
    )


__all__ = ["LoopFit", "fit_loop"]
