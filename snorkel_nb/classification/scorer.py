"""Scorer (Snorkel 0.9 ``snorkel.analysis.Scorer``): named metrics over golds/preds."""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

import numpy as np
from sklearn import metrics as skm


def _coverage(golds: np.ndarray, preds: np.ndarray, probs: np.ndarray | None) -> float:
    return float(np.mean(preds != -1))


def _roc_auc(golds: np.ndarray, preds: np.ndarray, probs: np.ndarray | None) -> float:
    if probs is None or probs.ndim != 2 or probs.shape[1] != 2:
        raise ValueError("Metric roc_auc is currently only defined for binary "
                         "problems and needs probs [n, 2].")
    return float(skm.roc_auc_score(golds, probs[:, 1]))


def _f1(golds: np.ndarray, preds: np.ndarray, probs: np.ndarray | None) -> float:
    if len(set(golds.tolist()) | set(preds.tolist())) > 2:
        raise ValueError("f1 not supported for multiclass. Try f1_micro or f1_macro "
                         "instead.")
    return float(skm.f1_score(golds, preds))


def _sk(fn: Callable[..., float], **kw: object) -> Callable[..., float]:
    return lambda g, p, _probs: float(fn(g, p, **kw))


METRICS: dict[str, Callable[[np.ndarray, np.ndarray, np.ndarray | None], float]] = {
    "accuracy": _sk(skm.accuracy_score),
    "coverage": _coverage,
    "precision": _sk(skm.precision_score, zero_division=0),
    "recall": _sk(skm.recall_score, zero_division=0),
    "f1": _f1,
    "f1_micro": _sk(skm.f1_score, average="micro"),
    "f1_macro": _sk(skm.f1_score, average="macro"),
    "fbeta": _sk(skm.fbeta_score, beta=1.0),
    "matthews_corrcoef": _sk(skm.matthews_corrcoef),
    "roc_auc": _roc_auc,
}


class Scorer:
    """Compute ``metrics`` on ``(golds, preds, probs)``, dropping ``abstain_label``.

    As in Snorkel, every metric but ``coverage`` ignores rows whose gold or
    prediction is ``abstain_label`` (-1).

    Examples
    --------
    >>> Scorer(metrics=["accuracy", "coverage"]).score(
    ...     np.array([0, 1, 1, -1]), np.array([0, 1, -1, 1]))
    {'accuracy': 1.0, 'coverage': 0.75}
    """

    def __init__(self, metrics: Sequence[str] | None = None,
                 custom_metric_funcs: Mapping[str, Callable[..., float]] | None = None,
                 abstain_label: int | None = -1) -> None:
        self.metrics: dict[str, Callable[..., float | dict[str, float]]] = {}
        for m in metrics or []:
            if m not in METRICS:
                raise ValueError(f"Unrecognized metric: {m}; known: {sorted(METRICS)}")
            self.metrics[m] = METRICS[m]
        self.metrics.update(custom_metric_funcs or {})
        self.abstain_label = abstain_label

    def score(self, golds: np.ndarray, preds: np.ndarray | None = None,
              probs: np.ndarray | None = None) -> dict[str, float]:
        golds = np.asarray(golds).reshape(-1)
        if len(golds) == 0:
            raise ValueError("Cannot score empty labels")
        if preds is None and probs is not None:
            preds = np.asarray(probs).argmax(1)
        preds = None if preds is None else np.asarray(preds).reshape(-1)
        probs = None if probs is None else np.asarray(probs)
        out: dict[str, float] = {}
        for name, fn in self.metrics.items():
            g, p, pr = golds, preds, probs
            if self.abstain_label is not None and name != "coverage":
                keep = golds != self.abstain_label
                if preds is not None:
                    keep &= preds != self.abstain_label
                g = golds[keep]
                p = None if preds is None else preds[keep]
                pr = None if probs is None else probs[keep]
            val = fn(g, p, pr)
            if isinstance(val, dict):
                out.update(val)
            else:
                out[name] = float(val)
        return out
