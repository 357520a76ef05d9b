"""TF applier for pandas DataFrames."""

from __future__ import annotations

from typing import Any, Iterator

import pandas as pd
from snorkel_nb.progress import progress_bar as tqdm

from snorkel_nb.augmentation.apply.core import BaseTFApplier, field_of
from snorkel_nb.map.core import dataframe_rows


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

    def _frame(
        self, rows: list[Any], index: list[Any], like: pd.DataFrame
    ) -> pd.DataFrame:
        # the input's columns only: fields that TFs or their preprocessors
        # add (a parsed doc, a word list) are working state, not data
        columns = list(like.columns)
        out = pd.DataFrame(
            [[field_of(r, c) for c in columns] for r in rows],
            columns=like.columns,
            index=pd.Index(index, name=like.index.name),
        )
        return out.infer_objects()

    def _augment(self, df: pd.DataFrame, progress_bar: bool) -> Iterator[tuple]:
        if not isinstance(df, pd.DataFrame):
            raise ValueError(
                f"PandasTFApplier expects a pandas DataFrame, got {type(df).__name__}"
            )
        rows = dataframe_rows(df)
        for idx, x in tqdm(
            zip(df.index, rows),
            total=len(df),
            disable=not progress_bar,
            desc="Applying TFs",
        ):
            yield idx, self._apply_policy_to_data_point(x)

    def apply_generator(
        self, df: pd.DataFrame, batch_size: int
    ) -> Iterator[pd.DataFrame]:
        """Yield the augmented rows of each ``batch_size`` input rows.

        Parameters
        ----------
        df
            The input rows.
        batch_size
            Input rows per yielded frame.

        Yields
        ------
        pandas.DataFrame
            The augmented rows of one batch, with their originals' index
            labels and the input's columns.

        Raises
        ------
        ValueError
            If ``df`` is not a DataFrame.

        Examples
        --------
        >>> from snorkel_nb.augmentation import ApplyOnePolicy, transformation_function
        >>> @transformation_function()
        ... def double(x):
        ...     x.num = 2 * x.num
        ...     return x
        >>> df = pd.DataFrame({"num": [1, 5, 7]})
        >>> gen = PandasTFApplier([double], ApplyOnePolicy()).apply_generator(df, 2)
        >>> [f["num"].tolist() for f in gen]
        [[1, 2, 5, 10], [7, 14]]
        """
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
        """The augmented DataFrame, per input row in policy order.

        Parameters
        ----------
        df
            The input rows.
        progress_bar
            Show a bar over the rows.

        Returns
        -------
        pandas.DataFrame
            The input's columns; each output row keeps its original's index
            label (so labels repeat).

        Raises
        ------
        ValueError
            If ``df`` is not a DataFrame.

        Examples
        --------
        >>> from snorkel_nb.augmentation import ApplyOnePolicy, transformation_function
        >>> @transformation_function()
        ... def shout(x):
        ...     x.text = x.text.upper()
        ...     x.extra = 1  # a field the input lacks: dropped
        ...     return x
        >>> df = pd.DataFrame({"text": ["hi"]}, index=["r1"])
        >>> applier = PandasTFApplier([shout], ApplyOnePolicy())
        >>> out = applier.apply(df, progress_bar=False)
        >>> out.index.tolist(), out.text.tolist(), list(out.columns)
        (['r1', 'r1'], ['hi', 'HI'], ['text'])
        """
        rows: list[Any] = []
        index: list[Any] = []
        for idx, xs in self._augment(df, progress_bar):
            rows.extend(xs)
            index.extend([idx] * len(xs))
        return self._frame(rows, index, df)
