"""Conversions between probabilistic labels, hard labels and filtered label sets.

These carry Snorkel 0.9's names and defaults (``snorkel.utils``): in particular
:func:`probs_to_preds` breaks ties with the deterministic ``"random"`` policy by
default, as Snorkel's does. Label models' ``predict`` keeps its own default
(``"abstain"``, see :mod:`snorkel_nb.labeling.model.base`).
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from snorkel_nb.labeling.matrix import ABSTAIN

TIE_BREAK_POLICIES = ("random", "true-random", "abstain")


def row_hash(rows: np.ndarray, seed: int = 0) -> np.ndarray:
    """Well-spread non-negative int64 hashes of row indices (splitmix64).

    Why: a tie must be broken the same way every time for the same row, and
    two models that tie the same classes on a row must pick the same one, so
    the hash depends on the row index and seed only (the same scheme as
    :func:`snorkel_nb.labeling.model.base.probs_to_preds`).

    Parameters
    ----------
    rows : numpy.ndarray
        Row indices.
    seed : int, default 0
        Varies the hashes.

    Returns
    -------
    numpy.ndarray
        int64 hashes ``>= 0``.

    Examples
    --------
    >>> h = row_hash(np.arange(3))
    >>> bool((h == row_hash(np.arange(3))).all()), bool((h >= 0).all())
    (True, True)
    """
    x = np.asarray(rows).astype(np.uint64) + np.uint64(seed) * np.uint64(0x9E3779B1)
    with np.errstate(over="ignore"):
        x = x + np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        x = x ^ (x >> np.uint64(31))
    return (x % np.uint64(2**31)).astype(np.int64)


def probs_to_preds(
    probs: np.ndarray, tie_break_policy: str = "random", tol: float = 1e-5
) -> np.ndarray:
    """Turn [n, k] probabilistic labels into [n] hard labels.

    Classes within ``tol`` of a row's maximum are tied. Ties are broken by
    ``tie_break_policy``: ``"random"`` (default, as in Snorkel) picks one of
    the tied classes by a hash of the row index, so the same row always gets
    the same label; ``"true-random"`` draws afresh each call; ``"abstain"``
    returns -1.

    Parameters
    ----------
    probs
        An [n, k] array of probabilities, k >= 2.
    tie_break_policy
        ``"random"``, ``"true-random"`` or ``"abstain"``.
    tol
        Largest gap to the row maximum that still counts as a tie.

    Returns
    -------
    np.ndarray
        [n] int labels in {0, ..., k-1}, or -1 under ``"abstain"``.

    Raises
    ------
    ValueError
        If ``probs`` is not [n, k>=2] or holds NaN, or the policy is unknown.

    Examples
    --------
    >>> probs_to_preds(np.array([[0.5, 0.5, 0.5]]), tie_break_policy="abstain")
    array([-1])
    >>> probs_to_preds(np.array([[0.8, 0.1, 0.1]]))
    array([0])
    """
    probs = np.asarray(probs, dtype=np.float64)
    if probs.ndim != 2:
        raise ValueError(f"probs must be an [n, k] array; got shape {probs.shape}.")
    n, k = probs.shape
    if k <= 1:
        raise ValueError(
            "probs must have probabilities for at least 2 classes. "
            f"Instead, got {k} classes."
        )
    if tie_break_policy not in TIE_BREAK_POLICIES:
        raise ValueError(
            f"tie_break_policy={tie_break_policy} policy not recognized; "
            f"choose from {TIE_BREAK_POLICIES}."
        )
    if np.isnan(probs).any():
        row = int(np.nonzero(np.isnan(probs).any(axis=1))[0][0])
        raise ValueError(f"probs contains NaN (first at row {row}).")
    tied = np.abs(probs - probs.max(axis=1, keepdims=True)) < tol
    n_tied = tied.sum(axis=1)
    preds = np.argmax(probs, axis=1).astype(np.int_)
    rows = np.nonzero(n_tied > 1)[0]
    if len(rows):
        if tie_break_policy == "abstain":
            preds[rows] = ABSTAIN
        else:
            if tie_break_policy == "random":
                r = row_hash(rows)
            else:
                r = np.random.randint(0, 2**31 - 1, size=len(rows))
            choice = r % n_tied[rows]
            position = np.cumsum(tied[rows], axis=1)
            preds[rows] = np.argmax(position > choice[:, None], axis=1)
    return preds


def preds_to_probs(preds: Any, num_classes: int) -> np.ndarray:
    """One-hot [n, num_classes] probabilities from [n] (or [n, 1]) hard labels.

    Parameters
    ----------
    preds : array-like
        Integer labels in ``0..num_classes-1``.
    num_classes : int
        ``k``.

    Returns
    -------
    numpy.ndarray
        ``[n, num_classes]`` floats.

    Raises
    ------
    ValueError
        If ``preds`` is not [n] or [n, 1], holds -1 (abstain) or a label
        >= ``num_classes``.

    Examples
    --------
    >>> preds_to_probs(np.array([1, 0]), 2)
    array([[0., 1.],
           [1., 0.]])
    """
    preds = np.asarray(preds)
    if preds.ndim == 2 and preds.shape[1] == 1:
        preds = preds[:, 0]
    if preds.ndim != 1:
        raise ValueError(f"preds must be [n] or [n, 1]; got shape {preds.shape}.")
    if np.any(preds < 0):
        raise ValueError("Could not convert abstained vote to probability")
    if np.any(preds >= num_classes):
        raise ValueError(
            f"preds has label {int(preds.max())} but num_classes={num_classes}."
        )
    return np.eye(num_classes)[preds.astype(np.int64)]


def to_int_label_array(X: Any, flatten_vector: bool = True) -> np.ndarray:
    """Cast labels to ints and (by default) flatten an [n, 1] array to [n].

    Parameters
    ----------
    X : array-like
        Labels, ``[n]`` or ``[n, 1]``.
    flatten_vector : bool, default True
        Flatten ``[n, 1]`` to ``[n]``.

    Returns
    -------
    numpy.ndarray
        Integer labels.

    Raises
    ------
    ValueError
        On a non-numeric dtype, a non-integer value, or (with
        ``flatten_vector``) a shape that cannot become 1-d.

    Examples
    --------
    >>> to_int_label_array(np.array([[1], [0], [2.0]]))
    array([1, 0, 2])
    """
    X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        raise ValueError(f"Input must be numeric labels; got dtype {X.dtype}.")
    if np.any(np.not_equal(np.mod(X, 1), 0)):
        raise ValueError("Input contains at least one non-integer value.")
    X = X.astype(np.int_)
    if flatten_vector:
        X = X.squeeze()
        if X.ndim == 0:
            X = np.expand_dims(X, 0)
        if X.ndim != 1:
            raise ValueError("Input could not be converted to 1d np.array")
    return X


def filter_labels(
    label_dict: Mapping[str, np.ndarray | None],
    filter_dict: Mapping[str, Sequence[int]],
) -> dict[str, np.ndarray | None]:
    """Drop the examples whose label in any named set is one to filter out.

    Typical use: remove points with unknown gold (-1) or abstained
    predictions (-1) before computing a metric. Arrays stay aligned: a point
    filtered in one set is removed from all. ``None`` entries stay ``None``.

    Parameters
    ----------
    label_dict : mapping of str to numpy.ndarray or None
        Aligned label arrays (e.g. ``golds``, ``preds``, ``probs``).
    filter_dict : mapping of str to sequence of int
        For each named array, the values whose points are dropped.

    Returns
    -------
    dict of str to numpy.ndarray or None

    Raises
    ------
    ValueError
        If the arrays differ in length.

    Examples
    --------
    >>> golds = np.array([-1, 0, 0, 1, 0])
    >>> preds = np.array([0, 0, 0, 1, -1])
    >>> out = filter_labels({"golds": golds, "preds": preds},
    ...                     {"golds": [-1], "preds": [-1]})
    >>> out["golds"], out["preds"]
    (array([0, 0, 1]), array([0, 0, 1]))
    """
    n = None
    for name, arr in label_dict.items():
        if arr is None:
            continue
        if n is None:
            n = len(arr)
        elif len(arr) != n:
            raise ValueError(
                f"label set {name!r} has {len(arr)} elements, others have {n}: "
                "all label sets must have the same number of elements."
            )
    keep = None
    for name, values in filter_dict.items():
        arr = label_dict.get(name)
        if arr is None:
            continue
        arr = np.asarray(arr)
        mask = ~np.isin(arr, list(values))
        if mask.ndim > 1:
            mask = mask.all(axis=tuple(range(1, mask.ndim)))
        keep = mask if keep is None else keep & mask
    out: dict[str, np.ndarray | None] = {}
    for name, arr in label_dict.items():
        if arr is None or keep is None:
            out[name] = None if arr is None else np.asarray(arr)
        else:
            out[name] = np.asarray(arr)[keep]
    return out
