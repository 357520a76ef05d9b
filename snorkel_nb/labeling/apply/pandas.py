"""Apply LFs to a pandas DataFrame, fast and fault-tolerantly, with a column cache.

Columns are cached by LF name and fingerprint, so re-applying after editing one
LF in a notebook recomputes only that column. The labelling itself is
:func:`~snorkel_nb.labeling.apply.core.label_frame`, shared with the Dask
applier.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from snorkel_nb.labeling.apply.core import (
    ApplierMetadata,
    BaseLFApplier,
    LFErrorRecord,
    label_frame,
    stack_columns,
    warn_errors,
    error_mode,
)
from snorkel_nb.labeling.lf import LabelingFunction


class PandasLFApplier(BaseLFApplier):
    """Apply LFs to a DataFrame, producing an [n, m] label matrix.

    Parameters
    ----------
    lfs
        Labeling functions with unique names (order = column order of ``L``).
    fail_fast
        Re-raise the first LF exception (as :class:`LFApplyError` naming the LF
        and row) instead of abstaining and recording it.

    Attributes
    ----------
    errors
        ``{lf_name: LFErrorRecord}`` for LFs that raised during the last apply.

    Examples
    --------
    >>> from snorkel_nb.labeling import labeling_function
    >>> @labeling_function()
    ... def has_link(x):
    ...     return 1 if "http" in x.text else -1
    >>> df = pd.DataFrame({"text": ["see http://a.b", "nice song"]})
    >>> PandasLFApplier([has_link]).apply(df, progress_bar=False)
    array([[ 1],
           [-1]], dtype=int8)
    """

    def __init__(
        self, lfs: Sequence[LabelingFunction], fail_fast: bool = False
    ) -> None:
        self._cache: dict[str, tuple[str, np.ndarray, LFErrorRecord | None]] = {}
        self._data_key: tuple | None = None
        super().__init__(lfs, fail_fast=fail_fast)

    def set_lfs(self, lfs: Iterable[LabelingFunction]) -> None:
        """Replace the LF set; cached columns of unchanged LFs are kept."""
        super().set_lfs(lfs)
        for name in list(self._cache):
            if name not in self._lfs:
                del self._cache[name]

    def apply(
        self,
        df: pd.DataFrame,
        progress_bar: bool = True,
        fault_tolerant: bool | None = None,
        return_meta: bool = False,
        fail_fast: bool | None = None,
    ) -> np.ndarray | tuple[np.ndarray, ApplierMetadata]:
        """Label every row of ``df`` with every LF.

        Parameters
        ----------
        df
            The data points, one per row.
        progress_bar
            Show a tqdm bar over LFs (and rows for row-wise LFs).
        fault_tolerant
            ``None`` (default): an LF that raises abstains on the failing rows
            and is recorded in :attr:`errors` (unlike Snorkel, whose default
            raises). ``False``: re-raise the LF's own exception, as Snorkel.
            ``True``: record and abstain, as Snorkel's ``fault_tolerant=True``.
        return_meta
            Also return :class:`ApplierMetadata` (failures per LF).
        fail_fast
            Raise :class:`LFApplyError` naming the LF and row on the first
            failure (overrides the constructor's setting).

        Returns
        -------
        np.ndarray
            An [n, m] matrix (int8 when all labels fit, else int32), -1 = abstain;
            with ``return_meta`` a tuple ``(L, ApplierMetadata)``.

        Raises
        ------
        ValueError
            If ``df`` is not a DataFrame or there are no LFs.
        LFApplyError
            With ``fail_fast=True``, on the first failing LF and row.

        Examples
        --------
        >>> from snorkel_nb.labeling import labeling_function
        >>> @labeling_function()
        ... def short(x):
        ...     return 0 if len(x.text) < 4 else -1
        >>> applier = PandasLFApplier([short])
        >>> df = pd.DataFrame({"text": ["hi", "hello"]})
        >>> L, meta = applier.apply(df, progress_bar=False, return_meta=True)
        >>> L.ravel().tolist(), meta.faults
        ([0, -1], {})
        """
        if not isinstance(df, pd.DataFrame):
            raise ValueError(
                f"PandasLFApplier.apply expects a pandas DataFrame, got "
                f"{type(df).__name__}"
            )
        if not self._lfs:
            raise ValueError("no labeling functions to apply")
        mode = error_mode(fault_tolerant, fail_fast, self.fail_fast)
        key = self._key(df)
        if key != self._data_key:
            self._cache.clear()
            self._data_key = key
        todo = [lf for lf in self._lfs.values() if self._stale(lf, mode)]
        if todo:
            for name, (col, rec) in label_frame(df, todo, mode, progress_bar).items():
                self._cache[name] = (self._lfs[name].fingerprint, col, rec)
        L = stack_columns([self._cache[name][1] for name in self._lfs], len(df))
        self.errors = {
            name: rec for name in self._lfs if (rec := self._cache[name][2]) is not None
        }
        if todo:
            warn_errors(self.errors[lf.name] for lf in todo if lf.name in self.errors)
        return (L, self._meta()) if return_meta else L

    def _stale(self, lf: LabelingFunction, mode: str) -> bool:
        hit = self._cache.get(lf.name)
        if hit is None or hit[0] != lf.fingerprint:
            return True
        return mode != "tolerant" and hit[2] is not None  # re-run to raise

    @staticmethod
    def _key(df: pd.DataFrame) -> tuple:
        """Identify the data so cached columns are reused only on the same data."""
        try:
            content = int(pd.util.hash_pandas_object(df, index=True).sum())
        except (TypeError, ValueError):  # unhashable cells (lists, dicts)
            content = id(df)
        return (len(df), tuple(map(str, df.columns)), content)
