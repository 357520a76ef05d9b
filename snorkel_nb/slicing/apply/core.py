"""SF appliers: an [n] record array per SF name, 1 where the point is in the slice.

As in Snorkel, the result is a ``np.recarray`` indexed by SF name
(``S["short"]``), and an SF that raises stops the run with its own exception
unless ``fault_tolerant=True`` (then the point counts as outside the slice).
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd
from snorkel_nb.progress import progress_bar as tqdm

from snorkel_nb.labeling.lf.core import LabelingFunction
from snorkel_nb.map.core import dataframe_rows
from snorkel_nb.utils.data_operators import check_unique_names


def _membership(v: Any, sf: LabelingFunction) -> int:
    if isinstance(v, (bool, np.bool_)):
        return int(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if v is None:
        return 0
    raise TypeError(
        f"SF {sf.name!r} returned {v!r} ({type(v).__name__}); an SF returns a bool"
    )


class SFApplier:
    """Apply SFs to a list of data points (e.g. ``SimpleNamespace`` objects).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from snorkel_nb.slicing import slicing_function
    >>> @slicing_function()
    ... def small(x):
    ...     return x.num < 10
    >>> S = SFApplier([small]).apply([SimpleNamespace(num=n) for n in (3, 30)],
    ...                              progress_bar=False)
    >>> S["small"].tolist()
    [1, 0]
    """

    def __init__(self, sfs: Sequence[LabelingFunction]) -> None:
        for sf in sfs:
            if not isinstance(sf, LabelingFunction):
                raise TypeError(
                    f"expected a SlicingFunction, got {type(sf).__name__}: {sf!r} "
                    "(decorate plain functions with @slicing_function())"
                )
        self._sfs = list(sfs)
        check_unique_names([sf.name for sf in self._sfs])

    def _run(
        self, points: Iterable[Any], n: int, progress_bar: bool, fault_tolerant: bool
    ) -> np.recarray:
        S = np.zeros((n, len(self._sfs)), dtype=np.int64)
        for i, x in enumerate(
            tqdm(points, total=n, disable=not progress_bar, desc="Applying SFs")
        ):
            for j, sf in enumerate(self._sfs):
                try:
                    S[i, j] = _membership(sf(x), sf)
                except Exception:
                    if not fault_tolerant:
                        raise
        dtype = [(sf.name, np.int64) for sf in self._sfs]
        return (
            np.rec.fromarrays(list(S.T), dtype=dtype)
            if self._sfs
            else (np.recarray((n,), dtype=[]))
        )

    def apply(
        self,
        data_points: Sequence[Any],
        progress_bar: bool = True,
        fault_tolerant: bool = False,
    ) -> np.recarray:
        """[n] record array with one int field (0/1) per SF.

        Parameters
        ----------
        data_points
            Any objects the SFs accept (``len`` must work).
        progress_bar
            Show a bar over the points.
        fault_tolerant
            ``True``: a point on which an SF raises counts as outside the
            slice; ``False`` (Snorkel's default): the exception propagates.

        Returns
        -------
        numpy.recarray
            [n], one int64 field per SF name (an SF's bool as 0/1, ``None``
            as 0).

        Raises
        ------
        TypeError
            If an SF returns something other than a bool, int or ``None``
            (unless ``fault_tolerant``).

        Examples
        --------
        >>> from snorkel_nb.slicing import slicing_function
        >>> @slicing_function()
        ... def has_a(x):
        ...     return "a" in x["text"]
        >>> S = SFApplier([has_a]).apply([{"text": "cat"}, {}], progress_bar=False,
        ...                              fault_tolerant=True)
        >>> S.has_a.tolist()
        [1, 0]
        """
        return self._run(data_points, len(data_points), progress_bar, fault_tolerant)


class PandasSFApplier(SFApplier):
    """Apply SFs to each row of a DataFrame (rows as dicts with attribute access).

    Examples
    --------
    >>> from snorkel_nb.slicing import slicing_function
    >>> @slicing_function()
    ... def small(x):
    ...     return x.num < 10
    >>> PandasSFApplier([small]).apply(pd.DataFrame({"num": [3, 30]}),
    ...                                progress_bar=False)["small"].tolist()
    [1, 0]
    """

    def apply(  # type: ignore[override]
        self, df: pd.DataFrame, progress_bar: bool = True, fault_tolerant: bool = False
    ) -> np.recarray:
        """[len(df)] record array with one int field (0/1) per SF.

        Parameters
        ----------
        df
            The data points; SFs see each row as a dict with attribute access.
        progress_bar
            Show a bar over the rows.
        fault_tolerant
            As in :meth:`SFApplier.apply`.

        Returns
        -------
        numpy.recarray
            [len(df)], one int64 field per SF name.

        Raises
        ------
        ValueError
            If ``df`` is not a DataFrame.
        TypeError
            As in :meth:`SFApplier.apply`.

        Examples
        --------
        >>> from snorkel_nb.slicing import slicing_function
        >>> @slicing_function()
        ... def short(x):
        ...     return len(x.text) < 4
        >>> @slicing_function()
        ... def has_a(x):
        ...     return "a" in x.text
        >>> df = pd.DataFrame({"text": ["cat", "a long one", "dog"]})
        >>> S = PandasSFApplier([short, has_a]).apply(df, progress_bar=False)
        >>> S.dtype.names, S.short.tolist(), S.has_a.tolist()
        (('short', 'has_a'), [1, 0, 1], [1, 1, 0])
        """
        if not isinstance(df, pd.DataFrame):
            raise ValueError(
                f"PandasSFApplier.apply expects a pandas DataFrame, got "
                f"{type(df).__name__}"
            )
        return self._run(dataframe_rows(df), len(df), progress_bar, fault_tolerant)
