"""Helpers between the label model and an end model (Snorkel 0.9 names)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from snorkel_nb.labeling.matrix import ABSTAIN, check_label_matrix


def filter_unlabeled_dataframe(
    X: pd.DataFrame, y: Any, L: Any
) -> tuple[pd.DataFrame, np.ndarray]:
    """Keep the rows some LF voted on, before training an end model on ``y``.

    Why: on a row where every LF abstained, a label model can only answer with
    its class prior (and majority vote, or a model that fell back to it, with
    a tie). Such a label carries no information from the LFs, so training on
    it teaches the end model the prior, not the task. Snorkel's tutorials drop
    these rows; this function has Snorkel 0.9's name and signature.

    Parameters
    ----------
    X
        The data, one row per row of ``L`` (a DataFrame; numpy arrays work too).
    y
        Labels for those rows: ``[n]`` predictions or ``[n, k]`` probabilities.
    L
        The ``[n, m]`` label matrix ``X`` was labelled with (numpy or
        scipy.sparse; ``-1`` = abstain).

    Returns
    -------
    (X_kept, y_kept)
        The covered rows of ``X`` (original index kept) and of ``y``, in order.

    Raises
    ------
    ValueError
        If ``L`` is malformed, ``y`` is not [n] or [n, k], or ``X``, ``y`` and
        ``L`` differ in row count.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"text": ["a", "b", "c"]})
    >>> L = np.array([[0, -1], [-1, -1], [-1, 1]])
    >>> probs = np.array([[0.9, 0.1], [0.5, 0.5], [0.2, 0.8]])
    >>> X_kept, probs_kept = filter_unlabeled_dataframe(X, probs, L)
    >>> X_kept["text"].tolist(), probs_kept.tolist()
    (['a', 'c'], [[0.9, 0.1], [0.2, 0.8]])
    """
    # Deliberate exception to "empty raises": filtering an empty split is a
    # no-op that returns empty frames, not a modelling error.
    L = check_label_matrix(L, allow_empty=True)
    y = np.asarray(y)
    n = L.shape[0]
    if y.ndim not in (1, 2):
        raise ValueError(
            f"y must be [n] labels or [n, k] probabilities; got shape {y.shape}."
        )
    if len(X) != n or len(y) != n:
        raise ValueError(
            f"X has {len(X)} rows, y has {len(y)} and L has {n}: they must "
            "describe the same rows, in the same order."
        )
    covered = (L != ABSTAIN).any(axis=1)
    if isinstance(X, (pd.DataFrame, pd.Series)):
        return X.iloc[covered], y[covered]
    return np.asarray(X)[covered], y[covered]
