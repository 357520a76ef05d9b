"""CentralData as plain arrays and back (stored in the registry, no pickles).

Object columns are stored as strings, numeric ones as they are; gold labels
as strings (label names) or ints. Why: the registry must be able to retrain
after a restart without the user passing the data again.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd

from snorkel_nb.multitask.central_types import CentralData


def _frame_arrays(
    df: pd.DataFrame, prefix: str
) -> tuple[dict[str, np.ndarray], list[list[str]]]:
    arrays, cols = {}, []
    for i, c in enumerate(df.columns):
        v = df[c].to_numpy()
        kind = "num" if v.dtype.kind in "biuf" else "str"
        arrays[f"{prefix}{i}"] = v if kind == "num" else v.astype(str)
        cols.append([str(c), kind])
    return arrays, cols


def data_to_arrays(d: CentralData) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """A CentralData as plain arrays (object columns as strings, no pickles)."""
    arrays, train_cols = _frame_arrays(d.train, "train/")
    config: dict[str, Any] = {
        "train": train_cols,
        "text_col": d.text_col,
        "feature_cols": list(d.feature_cols or []) or None,
        "dev": None,
        "gold": {},
    }
    if d.X is not None:
        arrays["X"] = np.asarray(d.X, dtype=np.float32)
    if d.dev is not None:
        a, config["dev"] = _frame_arrays(d.dev, "dev/")
        arrays.update(a)
    if d.X_dev is not None:
        arrays["X_dev"] = np.asarray(d.X_dev, dtype=np.float32)
    for i, (t, y) in enumerate(d.gold_dev.items()):
        y = np.asarray(y, dtype=object)
        names = any(isinstance(v, str) for v in y)
        arrays[f"gold/{i}"] = (
            np.array(["" if v is None else str(v) for v in y])
            if names
            else np.array([-1 if v is None else int(v) for v in y], dtype=np.int64)
        )
        config["gold"][t] = i
    return arrays, config


def data_from_arrays(
    config: Mapping[str, Any], arrays: Mapping[str, np.ndarray]
) -> CentralData:
    """Rebuild the :class:`CentralData` that :func:`data_to_arrays` stored.

    Parameters
    ----------
    config
        Its config: column names and kinds of ``train`` / ``dev``, gold
        indices, ``text_col``, ``feature_cols``.
    arrays
        Its arrays (``train/<i>``, ``dev/<i>``, ``gold/<i>``, ``X``,
        ``X_dev``); non-numeric columns come back with dtype object.

    Returns
    -------
    CentralData

    Examples
    --------
    >>> d = CentralData(pd.DataFrame({"a": [1.0, 2.0], "s": ["x", "y"]}),
    ...                 np.eye(2, dtype="float32"))
    >>> back = data_from_arrays(*reversed(data_to_arrays(d)))
    >>> back.train.equals(d.train), back.X.tolist()
    (True, [[1.0, 0.0], [0.0, 1.0]])
    """

    def frame(cols: list[list[str]], prefix: str) -> pd.DataFrame:
        return pd.DataFrame(
            {
                c: (
                    arrays[f"{prefix}{i}"]
                    if kind == "num"
                    else arrays[f"{prefix}{i}"].astype(object)
                )
                for i, (c, kind) in enumerate(cols)
            }
        )

    dev = None if config["dev"] is None else frame(config["dev"], "dev/")
    gold = {t: arrays[f"gold/{i}"] for t, i in config["gold"].items()}
    return CentralData(
        frame(config["train"], "train/"),
        arrays.get("X"),
        dev,
        arrays.get("X_dev"),
        gold,
        config["text_col"],
        config["feature_cols"],
    )
