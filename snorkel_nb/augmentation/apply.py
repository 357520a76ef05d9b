"""TF appliers: run a policy's TF sequences over a data set.

A sequence whose TFs all return ``None`` (none applied) adds no point; the
empty sequence of ``keep_original`` always adds the original.
"""

from __future__ import annotations

from typing import Any, Iterator, Sequence

import pandas as pd
from tqdm.auto import tqdm

from snorkel_nb.augmentation.policy import Policy
from snorkel_nb.augmentation.tf import BaseTransformationFunction
from snorkel_nb.map.core import dataframe_rows
from snorkel_nb.types import DataPoint, DataPoints
from snorkel_nb.utils.data_operators import check_unique_names


def _field(x: Any, column: Any) -> Any:
    """One field of a TF's output point (a row dict, Series or namespace)."""
    if isinstance(x, (dict, pd.Series)):
        return x[column]
    return getattr(x, column)


class BaseTFApplier:
    """Shared part of the TF appliers.

    Parameters
    ----------
    tfs
        TFs with unique names; the policy's indices refer to this list.
    policy
        The augmentation policy.
    """

    def __init__(
        self, tfs: Sequence[BaseTransformationFunction], policy: Policy
    ) -> None:
        if not isinstance(policy, Policy):
            raise TypeError(f"policy must be a Policy; got {type(policy).__name__}")
        self._tfs = list(tfs)
        self._tf_names = [tf.name for tf in self._tfs]
        check_unique_names(self._tf_names)
        if policy.n > len(self._tfs):
            raise ValueError(
                f"the policy draws from {policy.n} TFs but {len(self._tfs)} were given"
            )
        self._policy = policy

    def _apply_policy_to_data_point(self, x: DataPoint) -> list[DataPoint]:
        out = []
        for seq in self._policy.generate_for_example():
            x_t = x
            applied = len(seq) == 0  # the kept original
            for i in seq:
                y = self._tfs[i](x_t)
                if y is not None:
                    applied = True
                    x_t = y
            if applied:
                out.append(x_t)
        return out

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}, Policy: {type(self._policy).__name__}, "
            f"TFs: {self._tf_names}"
        )


class TFApplier(BaseTFApplier):
    """Augment a list of data points (e.g. ``SimpleNamespace`` objects).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from snorkel_nb.augmentation import ApplyOnePolicy, transformation_function
    >>> @transformation_function()
    ... def double(x):
    ...     x.num = 2 * x.num
    ...     return x
    >>> TFApplier([double], ApplyOnePolicy()).apply([SimpleNamespace(num=1)],
    ...                                            progress_bar=False)
    [namespace(num=1), namespace(num=2)]
    """

    def apply_generator(
        self, data_points: DataPoints, batch_size: int
    ) -> Iterator[list[DataPoint]]:
        """Yield the augmented points of each ``batch_size`` input points."""
        for i in range(0, len(data_points), batch_size):
            batch: list[DataPoint] = []
            for x in data_points[i : i + batch_size]:
                batch.extend(self._apply_policy_to_data_point(x))
            yield batch

    def apply(self, data_points: DataPoints, progress_bar: bool = True) -> list[Any]:
        """The augmented data set, as a list (originals first per point)."""
        out: list[DataPoint] = []
        for x in tqdm(data_points, disable=not progress_bar, desc="Applying TFs"):
            out.extend(self._apply_policy_to_data_point(x))
        return out


class PandasTFApplier(BaseTFApplier):
    """Augment a DataFrame; each output row keeps its original's index.

    TFs receive each row as a dict with attribute access
    (:class:`~snorkel_nb.map.core.DictRow`) rather than a ``pd.Series``; the
    output has the input's columns (fields a TF or its preprocessors add are
    dropped, as Snorkel drops attributes set on a Series).

    Examples
    --------
    >>> from snorkel_nb.augmentation import ApplyOnePolicy, transformation_function
    >>> @transformation_function()
    ... def double(x):
    ...     x.num = 2 * x.num
    ...     return x
    >>> df = pd.DataFrame({"num": [1, 5]}, index=[10, 11])
    >>> PandasTFApplier([double], ApplyOnePolicy()).apply(df, progress_bar=False)
        num
    10    1
    10    2
    11    5
    11   10
    """

    def _frame(self, rows: list[Any], index: list[Any], like: pd.DataFrame
               ) -> pd.DataFrame:
        # the input's columns only: fields that TFs or their preprocessors
        # add (a parsed doc, a word list) are working state, not data
        columns = list(like.columns)
        out = pd.DataFrame(
            [[_field(r, c) for c in columns] for r in rows],
            columns=like.columns, index=pd.Index(index, name=like.index.name),
        )
        return out.infer_objects()

    def _augment(self, df: pd.DataFrame, progress_bar: bool) -> Iterator[tuple]:
        if not isinstance(df, pd.DataFrame):
            raise ValueError(
                f"PandasTFApplier expects a pandas DataFrame, got {type(df).__name__}"
            )
        rows = dataframe_rows(df)
        for idx, x in tqdm(zip(df.index, rows), total=len(df),
                           disable=not progress_bar, desc="Applying TFs"):
            yield idx, self._apply_policy_to_data_point(x)

    def apply_generator(self, df: pd.DataFrame, batch_size: int
                        ) -> Iterator[pd.DataFrame]:
        """Yield the augmented rows of each ``batch_size`` input rows."""
        rows: list[Any] = []
        index: list[Any] = []
        for i, (idx, xs) in enumerate(self._augment(df, False)):
            rows.extend(xs)
            index.extend([idx] * len(xs))
            if (i + 1) % batch_size == 0:
                yield self._frame(rows, index, df)
                rows, index = [], []
        if rows or len(df) % batch_size:
            yield self._frame(rows, index, df)

    def apply(self, df: pd.DataFrame, progress_bar: bool = True) -> pd.DataFrame:
        """The augmented DataFrame (originals first per row)."""
        rows: list[Any] = []
        index: list[Any] = []
        for idx, xs in self._augment(df, progress_bar):
            rows.extend(xs)
            index.extend([idx] * len(xs))
        return self._frame(rows, index, df)
