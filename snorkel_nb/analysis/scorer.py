"""Score predictions with several metrics at once, overall and per slice."""

from __future__ import annotations

from functools import partial
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from snorkel_nb.analysis.metrics import METRICS, metric_score


class Scorer:
    """Named metrics (from :data:`METRICS`) plus custom ones, computed together.

    Parameters
    ----------
    metrics
        Names of standard metrics.
    custom_metric_funcs
        ``{name: f(golds, preds, probs)}``; ``f`` returns a score or a dict of
        scores (merged into the result).
    abstain_label
        Points whose gold or prediction equals it are left out of every metric
        except coverage (default -1; None keeps every point).

    Examples
    --------
    >>> scorer = Scorer(metrics=["accuracy", "coverage"])
    >>> scorer.score(np.array([1, 0, 1]), np.array([1, -1, 0]))
    {'accuracy': 0.5, 'coverage': 0.6666666666666666}
    """

    def __init__(
        self,
        metrics: Sequence[str] | None = None,
        custom_metric_funcs: Mapping[str, Callable[..., Any]] | None = None,
        abstain_label: int | None = -1,
    ) -> None:
        self.metrics: dict[str, Callable[..., Any]] = {}
        for metric in metrics or ():
            if metric not in METRICS:
                raise ValueError(
                    f"Unrecognized metric: {metric}; choose from {sorted(METRICS)}"
                )
            filter_dict = (
                {}
                if abstain_label is None or metric == "coverage"
                else {"golds": [abstain_label], "preds": [abstain_label]}
            )
            self.metrics[metric] = partial(
                metric_score, metric=metric, filter_dict=filter_dict
            )
        if custom_metric_funcs is not None:
            self.metrics.update(custom_metric_funcs)
        self.abstain_label = abstain_label

    def score(self, golds: Any, preds: Any = None, probs: Any = None) -> dict[str, Any]:
        """``{metric: score}`` for every metric of this scorer.

        Parameters
        ----------
        golds : array-like
            [n] gold labels.
        preds : array-like, optional
            [n] predicted labels (-1 = abstain); needed by most metrics.
        probs : array-like, optional
            [n, k] probabilities; needed by ``roc_auc`` and similar.

        Returns
        -------
        dict of str to object
            One entry per metric (a custom metric returning a dict adds its
            entries).

        Raises
        ------
        ValueError
            If ``golds`` is empty.

        Examples
        --------
        >>> Scorer(metrics=["accuracy"]).score([0, 1, 1], [0, 1, 0])
        {'accuracy': 0.6666666666666666}
        """
        if len(golds) == 0:
            raise ValueError("Cannot score empty labels")
        out: dict[str, Any] = {}
        for name, metric in self.metrics.items():
            value = metric(golds, preds, probs)
            if isinstance(value, dict):
                out.update(value)
            else:
                out[name] = value
        return out

    def score_slices(
        self,
        S: np.recarray,
        golds: Any,
        preds: Any,
        probs: Any,
        as_dataframe: bool = False,
    ) -> dict[str, dict[str, Any]] | pd.DataFrame:
        """Scores overall and on each slice of ``S`` (an SF applier's output).

        Parameters
        ----------
        S : numpy.recarray
            [n] slice membership, one 0/1 field per slice.
        golds, preds : array-like
            [n] gold and predicted labels.
        probs : array-like
            [n, k] probabilities.
        as_dataframe : bool, default False
            Return a DataFrame with one row per slice.

        Returns
        -------
        dict or pandas.DataFrame
            ``{"overall": {...}, slice_name: {...}}``, or its DataFrame.

        Raises
        ------
        ValueError
            If the inputs differ in length, or a slice is empty.

        Examples
        --------
        >>> S = np.rec.fromarrays([np.array([1, 0, 1])], names=["short"])
        >>> Scorer(metrics=["accuracy"]).score_slices(
        ...     S, [0, 1, 1], [0, 1, 0], np.array([[1, 0], [0, 1], [1, 0]]))
        {'overall': {'accuracy': 0.6666666666666666}, 'short': {'accuracy': 0.5}}
        """
        golds, preds, probs = np.asarray(golds), np.asarray(preds), np.asarray(probs)
        if not S.shape[0] == len(golds) == len(preds) == len(probs):
            raise ValueError(
                "S, golds, preds, and probs must have the same number of elements "
                f"(got {S.shape[0]}, {len(golds)}, {len(preds)}, {len(probs)})"
            )
        result = {"overall": self.score(golds, preds, probs)}
        for name in S.dtype.names or ():
            mask = np.asarray(S[name]).astype(bool)
            result[name] = self.score(golds[mask], preds[mask], probs[mask])
        if as_dataframe:
            return pd.DataFrame.from_dict(result).transpose()
        return result
