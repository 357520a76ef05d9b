"""Apply labeling functions to a pandas DataFrame, fast and fault-tolerantly.

Three paths, fastest first:

1. **Group batch** — LFs exposing ``batch_group = (key, fn)`` with equal ``key``
   are labelled together by one call ``fn(df, lfs) -> [n, len(lfs)]`` (e.g. many
   regexes over one column share a single literal pre-scan).
2. **Batch** — an LF with ``batch(df) -> [n]`` labels the whole column at once.
3. **Row-wise** — plain Python LFs run once per row over a light row object
   (attribute and item access, no pandas Series per row); preprocessors run at
   most once per row and LF chain.

An LF that raises abstains on the rows where it failed; the applier records
how many rows failed and the first traceback in :attr:`PandasLFApplier.errors`
and warns once. Columns are cached by LF name and fingerprint, so re-applying
after editing one LF recomputes only that column.
"""

from __future__ import annotations

import traceback
import warnings
from collections import namedtuple
from dataclasses import dataclass
from typing import Any, Callable, Hashable, Iterable, Sequence

import numpy as np
import pandas as pd
from snorkel_nb.progress import progress_bar as tqdm  # one non-TTY-aware helper

from snorkel_nb.labeling.lf import LabelingFunction
from snorkel_nb.labeling.matrix import ABSTAIN


class LFApplyError(RuntimeError):
    """Raised with ``fail_fast=True``: names the LF and the row that failed."""


@dataclass
class LFErrorRecord:
    """What went wrong in one LF during one :meth:`PandasLFApplier.apply` call."""

    lf: str
    n_failed: int
    first_row: int
    first_index: Any
    first_error: str
    traceback: str

    def __str__(self) -> str:
        return (
            f"{self.lf}: failed on {self.n_failed} row(s), first at row "
            f"{self.first_row} (index {self.first_index!r}): {self.first_error}"
        )


class MutableRow(dict):
    """A data point as a dict with attribute access; preprocessors may set fields."""

    __slots__ = ()

    def __getattr__(self, key: str) -> Any:
        try:
            return self[key]
        except KeyError:
            raise AttributeError(
                f"data point has no field {key!r}; fields: {list(self)}"
            ) from None

    def __setattr__(self, key: str, value: Any) -> None:
        self[key] = value

    def copy(self) -> "MutableRow":
        return MutableRow(self)


def row_type(columns: Sequence[Any]) -> type:
    """A namedtuple type for rows of a DataFrame with these columns.

    Rows are built in C (``tuple.__new__``) and fields read through slot
    descriptors, so ``x.text`` costs about as much as a tuple index: much
    cheaper than a pandas Series per row. ``x["text"]`` also works (also for
    column names that are not identifiers), and ``x.copy()`` returns a
    :class:`MutableRow` for code that wants to set fields.
    """
    names = [str(c) for c in columns]
    pos = {name: i for i, name in enumerate(names)}
    base = namedtuple("RowBase", names, rename=True)  # type: ignore[misc]

    class Row(base):  # type: ignore[misc, valid-type]
        __slots__ = ()

        def __getitem__(self, key: Any) -> Any:
            if isinstance(key, str):
                try:
                    return tuple.__getitem__(self, pos[key])
                except KeyError:
                    raise KeyError(f"data point has no field {key!r}; fields: {names}") from None
            return tuple.__getitem__(self, key)

        def get(self, key: str, default: Any = None) -> Any:
            i = pos.get(key)
            return default if i is None else tuple.__getitem__(self, i)

        def copy(self) -> MutableRow:
            return MutableRow(zip(names, self))

        def keys(self) -> list[str]:
            return list(names)

    return Row


def _as_label(v: Any) -> int:
    """Validate one LF output; ``None`` counts as abstain."""
    if v is None:
        return ABSTAIN
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
        raise TypeError(
            f"returned {v!r} ({type(v).__name__}); an LF must return an int label "
            "in 0..k-1 or -1 (ABSTAIN)"
        )
    if v < ABSTAIN:
        raise ValueError(f"returned {v}; labels must be -1 (abstain) or >= 0")
    return int(v)


class _ErrorCollector:
    def __init__(self, lf: LabelingFunction, index: pd.Index, fail_fast: bool) -> None:
        self.lf = lf
        self.index = index
        self.fail_fast = fail_fast
        self.record: LFErrorRecord | None = None

    def add(self, row: int, exc: BaseException) -> None:
        label = self.index[row]
        label = label.item() if isinstance(label, np.generic) else label
        if self.fail_fast:
            raise LFApplyError(
                f"LF {self.lf.name!r} failed on row {row} "
                f"(index {label!r}): {exc!r}"
            ) from exc
        if self.record is None:
            self.record = LFErrorRecord(
                lf=self.lf.name, n_failed=1, first_row=row,
                first_index=label, first_error=repr(exc),
                traceback="".join(traceback.format_exception(exc)),
            )
        else:
            self.record.n_failed += 1


def _group_of(lf: LabelingFunction) -> tuple[Hashable, Callable] | None:
    group = getattr(lf, "batch_group", None)
    if group is None or lf.pre:
        return None
    return group


class PandasLFApplier:
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

    def __init__(self, lfs: Sequence[LabelingFunction], fail_fast: bool = False) -> None:
        self._lfs: dict[str, LabelingFunction] = {}
        self.fail_fast = fail_fast
        self.errors: dict[str, LFErrorRecord] = {}
        self._cache: dict[str, tuple[str, np.ndarray, LFErrorRecord | None]] = {}
        self._data_key: tuple | None = None
        self.set_lfs(lfs)

    # -- LF set management (keyed by name) --------------------------------
    @property
    def lfs(self) -> list[LabelingFunction]:
        return list(self._lfs.values())

    @property
    def names(self) -> list[str]:
        return list(self._lfs)

    def set_lfs(self, lfs: Iterable[LabelingFunction]) -> None:
        """Replace the LF set; cached columns of unchanged LFs are kept."""
        new: dict[str, LabelingFunction] = {}
        for lf in lfs:
            if not isinstance(lf, LabelingFunction):
                raise TypeError(
                    f"expected LabelingFunction, got {type(lf).__name__}: {lf!r}"
                    " (decorate plain functions with @labeling_function())"
                )
            if lf.name in new:
                raise ValueError(
                    f"two LFs are named {lf.name!r}; LF names must be unique "
                    "(they key columns, caches and summaries)"
                )
            new[lf.name] = lf
        self._lfs = new
        for name in list(self._cache):
            if name not in new:
                del self._cache[name]

    def add(self, lf: LabelingFunction) -> None:
        """Add an LF, or replace the LF of the same name in place."""
        lfs = dict(self._lfs)
        lfs[lf.name] = lf
        self.set_lfs(lfs.values())

    def remove(self, name: str) -> None:
        if name not in self._lfs:
            raise KeyError(f"no LF named {name!r}; LFs: {self.names}")
        self.set_lfs(lf for n, lf in self._lfs.items() if n != name)

    # -- application -------------------------------------------------------
    def apply(
        self,
        df: pd.DataFrame,
        progress_bar: bool = True,
        fail_fast: bool | None = None,
    ) -> np.ndarray:
        """Label every row of ``df`` with every LF.

        Returns
        -------
        np.ndarray
            An [n, m] matrix (int8 when all labels fit, else int32), -1 = abstain.

        Raises
        ------
        ValueError
            If ``df`` is not a DataFrame or there are no LFs.
        LFApplyError
            With ``fail_fast=True``, on the first failing LF and row.
        """
        if not isinstance(df, pd.DataFrame):
            raise ValueError(
                f"PandasLFApplier.apply expects a pandas DataFrame, got "
                f"{type(df).__name__}"
            )
        if not self._lfs:
            raise ValueError("no labeling functions to apply")
        fail_fast = self.fail_fast if fail_fast is None else fail_fast
        key = self._key(df)
        if key != self._data_key:
            self._cache.clear()
            self._data_key = key
        todo = [lf for lf in self._lfs.values()
                if lf.name not in self._cache or self._cache[lf.name][0] != lf.fingerprint]
        if todo:
            self._compute(df, todo, progress_bar, fail_fast)
        n = len(df)
        cols = [self._cache[name][1] for name in self._lfs]
        top = max((int(c.max()) for c in cols if len(c)), default=0)
        L = np.empty((n, len(cols)), dtype=np.int8 if top < 127 else np.int32)
        for j, c in enumerate(cols):
            L[:, j] = c
        self.errors = {name: rec for name in self._lfs
                       if (rec := self._cache[name][2]) is not None}
        if todo and self.errors:
            failed = [self.errors[lf.name] for lf in todo if lf.name in self.errors]
            if failed:
                warnings.warn(
                    f"{len(failed)} LF(s) raised on some rows and abstained there: "
                    + "; ".join(str(r) for r in failed)
                    + ". See applier.errors for tracebacks.",
                    RuntimeWarning, stacklevel=2,
                )
        return L

    @staticmethod
    def _key(df: pd.DataFrame) -> tuple:
        """Identify the data so cached columns are reused only on the same data."""
        try:
            content = int(pd.util.hash_pandas_object(df, index=True).sum())
        except (TypeError, ValueError):  # unhashable cells (lists, dicts)
            content = id(df)
        return (len(df), tuple(map(str, df.columns)), content)

    def _store(self, lf: LabelingFunction, col: np.ndarray,
               rec: LFErrorRecord | None) -> None:
        self._cache[lf.name] = (lf.fingerprint, col, rec)

    def _compute(self, df: pd.DataFrame, todo: list[LabelingFunction],
                 progress_bar: bool, fail_fast: bool) -> None:
        n = len(df)
        groups: dict[Hashable, list[LabelingFunction]] = {}
        group_fn: dict[Hashable, Callable] = {}
        batch: list[LabelingFunction] = []
        rowwise: list[LabelingFunction] = []
        for lf in todo:
            g = _group_of(lf)
            if g is not None:
                groups.setdefault(g[0], []).append(lf)
                group_fn[g[0]] = g[1]
            elif lf.batch is not None and not lf.pre:
                batch.append(lf)
            else:
                rowwise.append(lf)
        bar = tqdm(total=len(todo), unit="LF", desc="Applying LFs",
                   disable=not progress_bar or n == 0)
        try:
            for key, members in groups.items():
                out = None
                try:
                    out = np.asarray(group_fn[key](df, members))
                    if out.shape != (n, len(members)):
                        raise ValueError(
                            f"group batch returned shape {out.shape}, "
                            f"expected {(n, len(members))}")
                    for j, lf in enumerate(members):
                        self._store(lf, self._check_col(out[:, j], lf), None)
                except Exception:
                    if fail_fast and out is not None:
                        raise
                    rowwise.extend(m for m in members if m.batch is None)
                    batch.extend(m for m in members if m.batch is not None)
                    continue
                bar.update(len(members))
            for lf in batch:
                try:
                    col = self._check_col(np.asarray(lf.batch(df)), lf, n)
                except Exception:
                    rowwise.append(lf)  # isolate the failing rows row by row
                    continue
                self._store(lf, col, None)
                bar.update(1)
            if rowwise:
                self._apply_rowwise(df, rowwise, fail_fast, bar)
        finally:
            bar.close()

    @staticmethod
    def _check_col(col: np.ndarray, lf: LabelingFunction, n: int | None = None) -> np.ndarray:
        if n is not None and col.shape != (n,):
            raise ValueError(f"{lf.name}: batch returned shape {col.shape}, expected ({n},)")
        if col.dtype.kind == "f" and np.isnan(col).any():
            raise ValueError(f"{lf.name}: batch returned NaN")
        col = col.astype(np.int32)
        if len(col) and col.min() < ABSTAIN:
            raise ValueError(f"{lf.name}: batch returned label {col.min()} < -1")
        return col

    def _apply_rowwise(self, df: pd.DataFrame, lfs: list[LabelingFunction],
                       fail_fast: bool, bar: tqdm) -> None:
        n = len(df)
        index = df.index
        make = row_type(df.columns)._make
        values = zip(*[df[c].tolist() for c in df.columns]) if len(df.columns) else ()
        out = [np.full(n, ABSTAIN, dtype=np.int32) for _ in lfs]
        errs = [_ErrorCollector(lf, index, fail_fast) for lf in lfs]
        plain = [(j, lf.label) for j, lf in enumerate(lfs) if not lf.pre]
        chained = [(j, lf) for j, lf in enumerate(lfs) if lf.pre]
        step = max(1, min(10_000, n // 20))
        rows_bar = tqdm(total=n, unit="row", desc=f"Row-wise LFs ({len(lfs)})",
                        disable=bar.disable, leave=False)
        for i, vals in enumerate(values):
            x = make(vals)
            for j, f in plain:
                try:
                    out[j][i] = _as_label(f(x))
                except Exception as exc:
                    errs[j].add(i, exc)
            if chained:
                memo: dict[tuple, Any] = {}
                for j, lf in chained:
                    try:
                        out[j][i] = _as_label(lf.label(self._preprocess(x, lf, memo)))
                    except Exception as exc:
                        errs[j].add(i, exc)
            if (i + 1) % step == 0:
                rows_bar.update(step)
        rows_bar.close()
        for j, lf in enumerate(lfs):
            self._store(lf, out[j], errs[j].record)
            bar.update(1)

    @staticmethod
    def _preprocess(x: Any, lf: LabelingFunction, memo: dict[tuple, Any]) -> Any:
        """Run ``lf``'s preprocessor chain, sharing prefixes across LFs of a row."""
        key: tuple = ()
        for p in lf.pre:
            key = key + (id(p),)
            if p.memoize and key in memo:
                x = memo[key]
                continue
            x = p(x.copy() if hasattr(x, "copy") else x)
            if x is None:
                raise ValueError(f"preprocessor {p.name!r} returned None")
            if p.memoize:
                memo[key] = x
        return x
