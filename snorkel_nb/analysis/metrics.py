"""Standard metrics by name, on gold labels, predictions and probabilities.

Each metric declares which of ``golds``, ``preds``, ``probs`` it needs; extra
keyword arguments go to the scikit-learn function (e.g. ``pos_label=2``,
``beta=0.5``), as in Snorkel.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, NamedTuple, Sequence

import numpy as np
import sklearn.metrics as skm

from snorkel_nb.utils.core import filter_labels, to_int_label_array


class Metric(NamedTuple):
    """A metric function and the label sets it takes, in order."""

    func: Callable[..., float]
    inputs: tuple[str, ...] = ("golds", "preds")


def _coverage(preds: np.ndarray) -> float:
    return float(np.sum(preds != -1) / len(preds))


def _roc_auc(golds: np.ndarray, probs: np.ndarray, **kwargs: Any) -> float:
    probs = np.asarray(probs)
    if probs.ndim != 2 or probs.shape[1] != 2:
        raise ValueError(
            "Metric roc_auc is currently only defined for binary problems "
            f"(probs of shape [n, 2]); got probs of shape {probs.shape}."
        )
    return float(skm.roc_auc_score(golds, probs[:, 1], **kwargs))


def _f1(golds: np.ndarray, preds: np.ndarray, **kwargs: Any) -> float:
    if len(golds) and golds.max() > 1:
        raise ValueError(
            "f1 not supported for multiclass. Try f1_micro or f1_macro instead."
        )
    return float(skm.f1_score(golds, preds, **kwargs))


def _f1_micro(golds: np.ndarray, preds: np.ndarray, **kwargs: Any) -> float:
    return float(skm.f1_score(golds, preds, average="micro", **kwargs))


def _f1_macro(golds: np.ndarray, preds: np.ndarray, **kwargs: Any) -> float:
    return float(skm.f1_score(golds, preds, average="macro", **kwargs))


METRICS: dict[str, Metric] = {
    "accuracy": Metric(skm.accuracy_score),
    "coverage": Metric(_coverage, ("preds",)),
    "precision": Metric(skm.precision_score),
    "recall": Metric(skm.recall_score),
    "f1": Metric(_f1),
    "f1_micro": Metric(_f1_micro),
    "f1_macro": Metric(_f1_macro),
    "fbeta": Metric(skm.fbeta_score),
    "matthews_corrcoef": Metric(skm.matthews_corrcoef),
    "roc_auc": Metric(_roc_auc, ("golds", "probs")),
}


def metric_score(
    golds: Any = None,
    preds: Any = None,
    probs: Any = None,
    metric: str = "accuracy",
    filter_dict: Mapping[str, Sequence[int]] | None = None,
    **kwargs: Any,
) -> float:
    """One metric on gold labels and predictions (or probabilities).

    Parameters
    ----------
    golds
        [n] gold int labels.
    preds
        [n] predicted int labels.
    probs
        [n, k] probabilities.
    metric
        A name in :data:`METRICS`.
    filter_dict
        Labels to leave out per label set, e.g. ``{"golds": [-1], "preds": [-1]}``
        (a point filtered in one set is left out of all).
    **kwargs
        Passed to the scikit-learn metric.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        On an unknown metric or ``filter_dict`` key, or when the metric needs
        a label set that was not given.

    Examples
    --------
    >>> metric_score([1, 1, 1, 2, 2], [1, 1, 1, 2, 1], metric="accuracy")
    0.8
    >>> metric_score([1, 0, 1], [1, -1, 0], metric="accuracy",
    ...              filter_dict={"preds": [-1]})
    0.5
    """
    if metric not in METRICS:
        raise ValueError(
            f"The metric you provided ({metric}) is not currently implemented; "
            f"choose from {sorted(METRICS)}."
        )
    label_dict: dict[str, Any] = {
        "golds": None if golds is None else to_int_label_array(golds),
        "preds": None if preds is None else to_int_label_array(preds),
        "probs": None if probs is None else np.asarray(probs),
    }
    if filter_dict:
        unknown = set(filter_dict) - set(label_dict)
        if unknown:
            raise ValueError(
                "filter_dict must only include keys in ['golds', 'preds', 'probs']; "
                f"got {sorted(unknown)}"
            )
        label_dict = filter_labels(label_dict, filter_dict)
    func, inputs = METRICS[metric]
    for name in inputs:
        if label_dict[name] is None:
            raise ValueError(f"Metric {metric} requires access to {name}.")
    return func(*[label_dict[name] for name in inputs], **kwargs)
