"""Look at a slice: the rows of a DataFrame that an SF selects."""

from __future__ import annotations

import numpy as np
import pandas as pd

from snorkel_nb.slicing.apply import PandasSFApplier
from snorkel_nb.slicing.sf.core import SlicingFunction


def slice_dataframe(
    df: pd.DataFrame, slicing_function: SlicingFunction
) -> pd.DataFrame:
    """The rows of ``df`` in the slice (original index and order kept).

    Parameters
    ----------
    df
        The data points.
    slicing_function
        The SF; it sees each row as a dict with attribute access, and an
        exception it raises propagates.

    Returns
    -------
    pandas.DataFrame
        A slice of ``df`` (``iloc``) on the rows where the SF is true.

    Raises
    ------
    ValueError
        If ``df`` is not a DataFrame.

    Examples
    --------
    >>> from snorkel_nb.slicing import slicing_function
    >>> @slicing_function()
    ... def small(x):
    ...     return x.num < 10
    >>> slice_dataframe(pd.DataFrame({"num": [3, 30, 4]}), small).index.tolist()
    [0, 2]
    """
    S = PandasSFApplier([slicing_function]).apply(df, progress_bar=False)
    return df.iloc[np.nonzero(S[slicing_function.name])[0]]
