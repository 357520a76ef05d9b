"""Error analysis: which points fall in each (gold, predicted, ...) label bucket."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from snorkel_nb.utils.core import to_int_label_array


def get_label_buckets(*y: Any) -> dict[tuple[int, ...], np.ndarray]:
    """Indices of the points for each combination of labels across ``y``.

    ``get_label_buckets(Y_gold, Y_pred)[(1, 0)]`` are the points with gold 1
    predicted 0. Vectorised: one sort of a per-row code of the labels.

    Examples
    --------
    >>> buckets = get_label_buckets(np.array([1, 1, 1, 0]), np.array([1, 1, -1, -1]))
    >>> buckets[(1, 1)], buckets[(1, -1)], (1, 0) in buckets
    (array([0, 1]), array([2]), False)
    """
    if not y:
        raise ValueError("get_label_buckets needs at least one label array")
    flat = [to_int_label_array(v, flatten_vector=True) for v in y]
    if len({len(v) for v in flat}) != 1:
        raise ValueError(
            "Arrays must all have the same number of elements; got lengths "
            f"{[len(v) for v in flat]}"
        )
    stacked = np.stack(flat, axis=1)
    if len(stacked) == 0:
        return {}
    code = _row_codes(stacked)
    if code.max() < 2**16:  # numpy's stable sort is a radix sort for 16 bits
        code = code.astype(np.uint16)
    order = np.argsort(code, kind="stable")  # one sort; ties keep row order
    sorted_code = code[order]
    bounds = np.nonzero(sorted_code[1:] != sorted_code[:-1])[0] + 1
    groups = np.split(order, bounds)
    groups.sort(key=lambda g: g[0])  # order of first appearance, as a loop gives
    return {tuple(int(v) for v in stacked[g[0]]): g for g in groups}


def _row_codes(stacked: np.ndarray) -> np.ndarray:
    """One int64 per row, equal exactly when the rows' labels are equal.

    Mixed-radix code of the (shifted) labels: a 1-d sort of it is far faster
    than ``np.unique(..., axis=0)``, which it falls back to (row ranks) when
    the code would overflow.
    """
    cols = [np.ascontiguousarray(stacked[:, j]) for j in range(stacked.shape[1])]
    lows = [int(c.min()) for c in cols]
    radix = [int(c.max()) - lo + 1 for c, lo in zip(cols, lows)]
    if np.prod(np.asarray(radix, dtype=np.float64)) >= 2.0**62:
        return np.unique(stacked, axis=0, return_inverse=True)[1].reshape(-1)
    code = np.zeros(len(stacked), dtype=np.int64)
    for c, lo, r in zip(cols, lows, radix):
        code *= r
        code += c - lo
    return code


def get_label_instances(bucket: tuple[int, ...], x: Any, *y: Any) -> np.ndarray:
    """The rows of ``x`` whose labels in ``y`` equal ``bucket``.

    Parameters
    ----------
    bucket : tuple of int
        One label per array in ``y``, e.g. ``(gold, pred)``.
    x : numpy.ndarray
        [n, ...] rows to select from.
    *y : array-like
        [n] label arrays, as many as ``bucket`` has entries.

    Returns
    -------
    numpy.ndarray
        The matching rows of ``x``; an empty array (with a warning) when no
        row matches.

    Raises
    ------
    ValueError
        If ``len(y) != len(bucket)`` or ``x`` and ``y[0]`` differ in length.

    Examples
    --------
    >>> x = np.array(["a", "b", "c"])
    >>> get_label_instances((1, 0), x, np.array([1, 1, 1]), np.array([1, 0, 0]))
    array(['b', 'c'], dtype='<U1')
    """
    if len(y) != len(bucket):
        raise ValueError(
            f"Number of lists ({len(y)}) must match the amount of labels in bucket "
            f"{bucket}"
        )
    if x.shape[0] != len(y[0]):
        raise ValueError(
            f"Number of rows in x ({x.shape[0]}) does not match number of elements "
            f"in at least one label list ({len(y[0])})"
        )
    buckets = get_label_buckets(*y)
    key = tuple(int(v) for v in bucket)
    if key not in buckets:
        warnings.warn(f"Bucket {bucket} does not exist.", stacklevel=2)
        return np.array([])
    return x[buckets[key]]
