"""Crowd labels as a supervision source: worker votes <-> label matrix.

Each crowd worker becomes one column of the label matrix (a "labeling
function" that abstains on the items it did not see), so every label model
can weigh workers; Dawid-Skene is the classic model for exactly this matrix.
Workers with few votes can be grouped into shared columns.
"""

from __future__ import annotations

from typing import Any, Callable, Hashable, Mapping, Sequence

import numpy as np
import pandas as pd

from snorkel_nb.labeling.matrix import ABSTAIN, check_label_matrix


def crowd_to_label_matrix(
    df: pd.DataFrame,
    item: str = "item",
    worker: str = "worker",
    label: str = "label",
    min_votes: int = 1,
    group_by: str
    | Mapping[Hashable, Hashable]
    | Callable[[Any], Hashable]
    | None = None,
    labels: Mapping[Any, int] | Sequence[Any] | None = None,
    items: Sequence[Hashable] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Turn long-form crowd votes into an [n_items, n_columns] label matrix.

    Parameters
    ----------
    df
        One row per vote, with ``item``, ``worker`` and ``label`` columns.
    item, worker, label
        Column names.
    min_votes
        Workers with fewer votes than this are *rare*: dropped when
        ``group_by`` is None, else pooled into one column ``"rare"``.
    group_by
        ``None``: one column per worker. ``"rare"``: pool the rare workers into
        one column. A mapping ``worker -> group`` or a callable
        ``worker -> group``: one column per group (e.g. per annotation vendor).
        A pooled column votes the majority of its members' votes on an item
        (abstains on ties).
    labels
        How to read label values: a mapping value -> id, or a sequence of
        values (ids are positions). Needed for non-integer labels; integer
        labels are used as they are (negative = abstain, the row is skipped).
    items
        The row order (e.g. your DataFrame's ids); items without votes get an
        all-abstain row. Default: the voted items, sorted.

    Returns
    -------
    L : np.ndarray
        [n_items, n_columns] int label matrix (-1 = abstain).
    items : np.ndarray
        The item of each row.
    workers : np.ndarray
        The worker (or group) of each column, sorted.

    Raises
    ------
    ValueError
        Missing columns, unknown label values, or an item that ``items`` does
        not list.

    Notes
    -----
    A worker who voted several times on one item gets the majority of those
    votes (abstain on a tie).

    Examples
    --------
    >>> votes = pd.DataFrame({"item": [0, 0, 1, 1, 2],
    ...                       "worker": ["a", "b", "a", "b", "a"],
    ...                       "label": ["pos", "neg", "pos", "pos", "neg"]})
    >>> L, items, workers = crowd_to_label_matrix(votes, labels=["neg", "pos"])
    >>> L
    array([[ 1,  0],
           [ 1,  1],
           [ 0, -1]], dtype=int8)
    >>> workers.tolist()
    ['a', 'b']
    """
    missing = [c for c in (item, worker, label) if c not in df.columns]
    if missing:
        raise ValueError(
            f"crowd votes lack column(s) {missing}; columns: "
            f"{list(df.columns)}. Set item=/worker=/label= to rename."
        )
    if min_votes < 1:
        raise ValueError("min_votes must be >= 1.")
    votes = df[[item, worker, label]].dropna()
    # label values -> ids
    if labels is not None:
        lmap = (
            dict(labels)
            if isinstance(labels, Mapping)
            else {v: i for i, v in enumerate(labels)}
        )
        y = votes[label].map(lmap)
        if y.isna().any():
            bad = votes[label][y.isna()].iloc[0]
            raise ValueError(f"label value {bad!r} is not in labels {list(lmap)}.")
        y = y.to_numpy(np.int64)
    else:
        raw = votes[label].to_numpy()
        if raw.dtype.kind not in "iuf" or (
            raw.dtype.kind == "f" and (raw != np.round(raw)).any()
        ):
            raise ValueError(
                f"labels in column {label!r} are not integers; pass "
                "labels= (e.g. labels=['neg', 'pos']) to map them."
            )
        y = raw.astype(np.int64)
    keep = y > ABSTAIN
    votes, y = votes[keep], y[keep]
    w = votes[worker].to_numpy()

    # columns
    counts = pd.Series(w).value_counts()
    rare = set(counts.index[counts < min_votes])
    if group_by is None:
        col = pd.Series(w, dtype=object)
        drop = col.isin(rare).to_numpy()
        col, votes, y = col[~drop], votes[~drop], y[~drop]
    elif isinstance(group_by, str):
        if group_by != "rare":
            raise ValueError(
                f"group_by must be None, 'rare', a mapping or a callable; "
                f"got {group_by!r}."
            )
        col = pd.Series([("rare" if v in rare else v) for v in w], dtype=object)
    elif isinstance(group_by, Mapping):
        col = pd.Series([group_by.get(v, v) for v in w], dtype=object)
    else:
        col = pd.Series([group_by(v) for v in w], dtype=object)
    col = col.to_numpy()

    # rows
    item_vals = votes[item].to_numpy()
    if items is None:
        row_keys = np.array(
            sorted(set(item_vals.tolist()), key=_sort_key), dtype=object
        )
    else:
        row_keys = np.asarray(list(items), dtype=object)
    row_of = {v: i for i, v in enumerate(row_keys.tolist())}
    if len(row_of) != len(row_keys):
        raise ValueError("items has duplicates.")
    try:
        rows = np.fromiter(
            (row_of[v] for v in item_vals.tolist()), np.int64, len(item_vals)
        )
    except KeyError as e:
        raise ValueError(f"item {e.args[0]!r} has votes but is not in items.") from None
    col_keys = np.array(sorted(set(col.tolist()), key=_sort_key), dtype=object)
    col_of = {v: i for i, v in enumerate(col_keys.tolist())}
    cols = np.fromiter((col_of[v] for v in col.tolist()), np.int64, len(col))

    k = int(y.max()) + 1 if len(y) else 1
    n, m = len(row_keys), len(col_keys)
    tally = np.zeros((n * max(m, 1), k), dtype=np.int32)
    np.add.at(tally, (rows * m + cols, y), 1)
    top = tally.max(axis=1)
    winner = tally.argmax(axis=1)
    tied = (tally == top[:, None]).sum(axis=1) > 1
    flat = np.where((top == 0) | tied, ABSTAIN, winner)
    dtype = np.int8 if k < 127 else np.int32
    L = flat.reshape(n, m).astype(dtype) if m else np.full((n, 0), ABSTAIN, dtype)
    return L, _plain(row_keys), _plain(col_keys)


def _sort_key(v: Any) -> tuple[str, Any]:
    return (
        (type(v).__name__, v)
        if isinstance(v, (int, float, str, np.integer, np.floating))
        else ("~", str(v))
    )


def _plain(a: np.ndarray) -> np.ndarray:
    """Object array -> a typed array when all values share a simple type."""
    try:
        b = np.asarray(a.tolist())
        return b if b.dtype != object and len(b) == len(a) and b.ndim == 1 else a
    except Exception:
        return a


def label_matrix_to_crowd(
    L: Any,
    items: Sequence[Hashable] | None = None,
    workers: Sequence[Hashable] | None = None,
    item: str = "item",
    worker: str = "worker",
    label: str = "label",
    labels: Sequence[Any] | None = None,
) -> pd.DataFrame:
    """Inverse of :func:`crowd_to_label_matrix`: one row per non-abstain vote.

    Rows come out sorted by item row, then worker column.

    Parameters
    ----------
    L : array-like
        ``[n_items, n_workers]`` label matrix (``-1`` = no vote).
    items, workers : sequence, optional
        Item and worker ids for the rows and columns (default: positions).
    item, worker, label : str
        Output column names.
    labels : sequence, optional
        Label values to write instead of the integers (``labels[y]``).

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    ValueError
        If ``L`` is malformed, or ``items`` / ``workers`` do not match its
        shape.

    Examples
    --------
    >>> label_matrix_to_crowd(np.array([[1, -1], [0, 0]]), workers=["a", "b"])
       item worker  label
    0     0      a      1
    1     1      a      0
    2     1      b      0
    """
    # Deliberate exception to "empty raises": a format conversion of zero
    # items returns an empty table (round-trips with crowd_to_label_matrix).
    L = check_label_matrix(L, allow_empty=True)
    n, m = L.shape
    items_a = np.arange(n) if items is None else np.asarray(items)
    workers_a = np.arange(m) if workers is None else np.asarray(workers)
    if len(items_a) != n or len(workers_a) != m:
        raise ValueError(
            f"L is {n}x{m} but got {len(items_a)} items and {len(workers_a)} workers."
        )
    r, c = np.nonzero(L != ABSTAIN)
    vals = L[r, c].astype(np.int64)
    lab: Any = vals if labels is None else np.asarray(labels, dtype=object)[vals]
    return pd.DataFrame({item: items_a[r], worker: workers_a[c], label: lab})
