"""Shared applier logic: row objects, LF error policy and the labelling paths.

Backends (:mod:`.pandas`, :mod:`.dask`, and :class:`LFApplier` here for lists
and arrays) differ only in how rows arrive; the three labelling paths live in
:func:`label_frame`, fastest first:

1. **Group batch**: LFs exposing ``batch_group = (key, fn)`` with equal ``key``
   are labelled together by one call ``fn(df, lfs) -> [n, len(lfs)]`` (e.g. many
   regexes over one column share a single literal pre-scan).
2. **Batch**: an LF with ``batch(df) -> [n]`` labels the whole column at once.
3. **Row-wise**: plain Python LFs run once per row over a light row object
   (attribute and item access, no pandas Series per row); preprocessors run at
   most once per row and LF chain.

Error policy (one per apply call, see :func:`error_mode`): by default an LF
that raises abstains on the rows where it failed and the failure is recorded
(count + first traceback, :class:`LFErrorRecord`); ``fail_fast`` raises
:class:`LFApplyError` naming the LF and row; ``fault_tolerant=False`` re-raises
the LF's own exception, as Snorkel does.
"""

from __future__ import annotations

import traceback
import warnings
from collections import namedtuple
from dataclasses import dataclass, replace
from functools import partial
from typing import (
    Any,
    Callable,
    Hashable,
    Iterable,
    Iterator,
    Literal,
    NamedTuple,
    Sequence,
)

import numpy as np
import pandas as pd

from snorkel_nb.labeling.lf import LabelingFunction
from snorkel_nb.labeling.matrix import ABSTAIN
from snorkel_nb.map.core import DictRow
from snorkel_nb.progress import progress_bar as tqdm


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


# A data point as a dict with attribute access; preprocessors may set fields.
# One implementation with the TF and SF appliers' rows (snorkel_nb.map).
MutableRow = DictRow


def row_type(columns: Sequence[Any]) -> type:
    """A namedtuple type for rows of a DataFrame with these columns.

    Rows are built in C (``tuple.__new__``) and fields read through slot
    descriptors, so ``x.text`` costs about as much as a tuple index: much
    cheaper than a pandas Series per row. ``x["text"]`` also works (also for
    column names that are not identifiers), and ``x.copy()`` returns a
    :class:`MutableRow` for code that wants to set fields. ``x.name`` is the
    row's index label, as on the Series that ``df.apply(f, axis=1)`` passes
    (Snorkel's rows): rows from :func:`frame_rows` store it after the fields
    (a column called ``name`` is still ``x["name"]``, as in pandas).
    """
    names = [str(c) for c in columns]
    pos = {name: i for i, name in enumerate(names)}
    n = len(names)
    base = namedtuple("RowBase", names, rename=True)  # type: ignore[misc]

    class Row(base):  # type: ignore[misc, valid-type]
        __slots__ = ()

        @property
        def name(self) -> Any:
            """The index label (``None`` for a row built without one)."""
            return tuple.__getitem__(self, n) if tuple.__len__(self) > n else None

        def __len__(self) -> int:
            return n

        def __iter__(self) -> Any:
            return iter(tuple.__getitem__(self, slice(0, n)))

        def __getitem__(self, key: Any) -> Any:
            if isinstance(key, str):
                try:
                    return tuple.__getitem__(self, pos[key])
                except KeyError:
                    raise KeyError(
                        f"data point has no field {key!r}; fields: {names}"
                    ) from None
            if isinstance(key, slice):
                return tuple.__getitem__(self, slice(0, n))[key]
            i = key + n if key < 0 else key
            if not 0 <= i < n:
                raise IndexError(f"field {key} out of range for {n} fields")
            return tuple.__getitem__(self, i)

        def __repr__(self) -> str:
            fields = ", ".join(f"{k}={v!r}" for k, v in zip(names, self))
            return f"Row({fields}) [name={self.name!r}]"

        def get(self, key: str, default: Any = None) -> Any:
            i = pos.get(key)
            return default if i is None else tuple.__getitem__(self, i)

        def copy(self) -> MutableRow:
            return MutableRow.with_name(zip(names, self), self.name)

        def keys(self) -> list[str]:
            return list(names)

    return Row


def frame_rows(df: pd.DataFrame) -> Iterator[Any]:
    """Each row of ``df`` as a light :func:`row_type` row whose ``.name`` is
    its index label (Snorkel's LFs see ``df.apply(axis=1)`` Series, which
    carry it).

    Examples
    --------
    >>> df = pd.DataFrame({"text": ["a", "b"]}, index=["t1", "t2"])
    >>> [(x.text, x.name) for x in frame_rows(df)]
    [('a', 't1'), ('b', 't2')]
    """
    new = partial(tuple.__new__, row_type(df.columns))
    cols = [df[c].tolist() for c in df.columns]
    return map(new, zip(*cols, df.index.tolist()))


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


class ApplierMetadata(NamedTuple):
    """What an apply call observed (Snorkel's name): ``faults`` maps each LF
    that raised to the number of data points it failed on."""

    faults: dict[str, int]


ErrorMode = Literal["tolerant", "fail_fast", "raise"]


def error_mode(
    fault_tolerant: bool | None, fail_fast: bool | None, default_fail_fast: bool
) -> ErrorMode:
    """Resolve an apply call's error policy.

    ``fault_tolerant=False`` (Snorkel's default, here opt-in) re-raises the LF's
    own exception; ``fail_fast=True`` raises :class:`LFApplyError` naming the LF
    and row; otherwise failures abstain and are recorded. Our default is
    tolerant because one bad LF should not kill a long apply in a notebook.

    Parameters
    ----------
    fault_tolerant : bool or None
        Snorkel's flag; ``None`` when not given.
    fail_fast : bool or None
        ``True`` raises :class:`LFApplyError` on the first failure.
    default_fail_fast : bool
        The applier's own default for ``fail_fast``.

    Returns
    -------
    {"tolerant", "raise", "fail_fast"}

    Raises
    ------
    ValueError
        If ``fault_tolerant=True`` and ``fail_fast=True`` are both given.

    Examples
    --------
    >>> error_mode(None, None, False), error_mode(False, None, False)
    ('tolerant', 'raise')
    """
    if fault_tolerant is False:
        if fail_fast:
            return "fail_fast"
        return "raise"
    if fail_fast is None:
        fail_fast = default_fail_fast if fault_tolerant is None else False
    if fail_fast and fault_tolerant:
        raise ValueError("fault_tolerant=True and fail_fast=True contradict each other")
    return "fail_fast" if fail_fast else "tolerant"


class _ErrorCollector:
    def __init__(
        self, lf: LabelingFunction, index: Sequence[Any], mode: ErrorMode
    ) -> None:
        self.lf = lf
        self.index = index
        self.mode = mode
        self.record: LFErrorRecord | None = None

    def add(self, row: int, exc: BaseException) -> None:
        label = self.index[row]
        label = label.item() if isinstance(label, np.generic) else label
        if self.mode == "raise":
            exc.add_note(
                f"raised by LF {self.lf.name!r} on row {row} (index {label!r})"
            )
            raise exc
        if self.mode == "fail_fast":
            raise LFApplyError(
                f"LF {self.lf.name!r} failed on row {row} (index {label!r}): {exc!r}"
            ) from exc
        if self.record is None:
            self.record = LFErrorRecord(
                lf=self.lf.name,
                n_failed=1,
                first_row=row,
                first_index=label,
                first_error=repr(exc),
                traceback="".join(traceback.format_exception(exc)),
            )
        else:
            self.record.n_failed += 1


def merge_error_records(
    parts: Iterable[tuple[int, dict[str, LFErrorRecord]]],
) -> dict[str, LFErrorRecord]:
    """Combine per-chunk records (``(row offset, records)`` in row order) into
    one record per LF: failures summed, the first failure kept."""
    out: dict[str, LFErrorRecord] = {}
    for offset, recs in parts:
        for name, r in recs.items():
            if name in out:
                out[name].n_failed += r.n_failed
            else:
                out[name] = replace(r, first_row=r.first_row + offset)
    return out


def warn_errors(records: Iterable[LFErrorRecord], stacklevel: int = 3) -> None:
    """One warning listing every LF that raised (tolerant mode).

    Parameters
    ----------
    records
        The error records of one apply call; nothing is warned when empty.
    stacklevel
        Passed to :func:`warnings.warn` so the warning points at the caller's
        ``apply`` line.

    Examples
    --------
    >>> import warnings
    >>> rec = LFErrorRecord("lf_a", 2, 0, "r0", "KeyError('x')", "")
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     warn_errors([rec])
    >>> str(w[0].message)[:44]
    '1 LF(s) raised on some rows and abstained th'
    """
    failed = list(records)
    if failed:
        warnings.warn(
            f"{len(failed)} LF(s) raised on some rows and abstained there: "
            + "; ".join(str(r) for r in failed)
            + ". See applier.errors for tracebacks.",
            RuntimeWarning,
            stacklevel=stacklevel,
        )


def check_lfs(lfs: Iterable[LabelingFunction]) -> dict[str, LabelingFunction]:
    """LFs keyed by name; rejects non-LFs and duplicate names."""
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
    return new


def stack_columns(cols: Sequence[np.ndarray], n: int) -> np.ndarray:
    """[n, m] label matrix from columns: int8 when all labels fit, else int32.

    Parameters
    ----------
    cols
        m int arrays of length ``n`` (labels >= -1).
    n
        Number of rows (needed when ``cols`` is empty).

    Returns
    -------
    numpy.ndarray
        [n, m], int8 when every label is below 127, else int32.

    Examples
    --------
    >>> stack_columns([np.array([0, -1]), np.array([1, 1])], 2)
    array([[ 0,  1],
           [-1,  1]], dtype=int8)
    >>> stack_columns([np.array([300])], 1).dtype
    dtype('int32')
    """
    top = max((int(c.max()) for c in cols if len(c)), default=0)
    L = np.empty((n, len(cols)), dtype=np.int8 if top < 127 else np.int32)
    for j, c in enumerate(cols):
        L[:, j] = c
    return L


def _group_of(lf: LabelingFunction) -> tuple[Hashable, Callable] | None:
    group = getattr(lf, "batch_group", None)
    if group is None or lf.pre:
        return None
    return group


def _check_col(
    col: np.ndarray, lf: LabelingFunction, n: int | None = None
) -> np.ndarray:
    if n is not None and col.shape != (n,):
        raise ValueError(
            f"{lf.name}: batch returned shape {col.shape}, expected ({n},)"
        )
    if col.dtype.kind == "f" and np.isnan(col).any():
        raise ValueError(f"{lf.name}: batch returned NaN")
    col = col.astype(np.int32)
    if len(col) and col.min() < ABSTAIN:
        raise ValueError(f"{lf.name}: batch returned label {col.min()} < -1")
    return col


Labelled = dict[str, tuple[np.ndarray, "LFErrorRecord | None"]]


def label_frame(
    df: pd.DataFrame,
    lfs: Sequence[LabelingFunction],
    mode: ErrorMode = "tolerant",
    progress_bar: bool = False,
) -> Labelled:
    """Label ``df`` with ``lfs``: ``{name: (int32 column, error record or None)}``.

    Group batches first, then single batches, then row-wise; a batch that
    raises is retried row by row so only the failing rows abstain.

    Parameters
    ----------
    df : pandas.DataFrame
        The data points.
    lfs : sequence of LabelingFunction
        The LFs to run.
    mode : {"tolerant", "raise", "fail_fast"}, default "tolerant"
        The error policy (see :func:`error_mode`).
    progress_bar : bool, default False
        Show a bar over the LFs.

    Returns
    -------
    dict
        ``{lf_name: (labels, error_record_or_None)}``.

    Raises
    ------
    LFApplyError
        With ``mode="fail_fast"``, at the first row an LF fails on.
    Exception
        With ``mode="raise"``, the LF's own exception (a note names the LF
        and row); also a group batch's bad-shape ``ValueError``.

    Examples
    --------
    >>> from snorkel_nb.labeling import labeling_function
    >>> @labeling_function()
    ... def short(x):
    ...     return 0 if len(x.text) < 4 else -1
    >>> label_frame(pd.DataFrame({"text": ["hi", "hello"]}), [short])["short"][0]
    array([ 0, -1], dtype=int32)
    """
    n = len(df)
    out: Labelled = {}
    groups: dict[Hashable, list[LabelingFunction]] = {}
    group_fn: dict[Hashable, Callable] = {}
    batch: list[LabelingFunction] = []
    rowwise: list[LabelingFunction] = []
    for lf in lfs:
        g = _group_of(lf)
        if g is not None:
            groups.setdefault(g[0], []).append(lf)
            group_fn[g[0]] = g[1]
        elif lf.batch is not None and not lf.pre:
            batch.append(lf)
        else:
            rowwise.append(lf)
    bar = tqdm(
        total=len(lfs),
        unit="LF",
        desc="Applying LFs",
        disable=not progress_bar or n == 0,
    )
    try:
        for key, members in groups.items():
            res = None
            try:
                res = np.asarray(group_fn[key](df, members))
                if res.shape != (n, len(members)):
                    raise ValueError(
                        f"group batch returned shape {res.shape}, "
                        f"expected {(n, len(members))}"
                    )
                for j, lf in enumerate(members):
                    out[lf.name] = (_check_col(res[:, j], lf), None)
            except Exception:
                if mode != "tolerant" and res is not None:
                    raise
                rowwise.extend(m for m in members if m.batch is None)
                batch.extend(m for m in members if m.batch is not None)
                continue
            bar.update(len(members))
        for lf in batch:
            try:
                col = _check_col(np.asarray(lf.batch(df)), lf, n)
            except Exception:
                rowwise.append(lf)  # isolate the failing rows row by row
                continue
            out[lf.name] = (col, None)
            bar.update(1)
        if rowwise:
            rows = frame_rows(df)
            out.update(label_rows(rows, n, df.index, rowwise, mode, bar))
    finally:
        bar.close()
    return out


def label_rows(
    rows: Iterable[Any],
    n: int,
    index: Sequence[Any],
    lfs: Sequence[LabelingFunction],
    mode: ErrorMode = "tolerant",
    bar: Any = None,
) -> Labelled:
    """Row-wise path: call every LF on each of ``n`` data points (any objects).

    Parameters
    ----------
    rows
        The data points (any objects the LFs accept), ``n`` of them.
    n
        Number of data points.
    index
        A label per data point, for error records (e.g. ``df.index``).
    lfs
        The LFs; preprocessor chains run at most once per row and prefix.
    mode
        The error policy (see :func:`error_mode`).
    bar
        An outer progress bar advanced once per LF, or ``None``; a row bar
        is shown only when it is given and enabled.

    Returns
    -------
    dict
        ``{lf_name: ([n] int32 labels, error record or None)}``.

    Raises
    ------
    LFApplyError
        With ``mode="fail_fast"``, at the first failure.
    Exception
        With ``mode="raise"``, the LF's own exception.

    Examples
    --------
    >>> from snorkel_nb.labeling import labeling_function
    >>> @labeling_function()
    ... def pos(x):
    ...     return 1 if x > 0 else -1
    >>> labels, err = label_rows([3, -2], 2, ["a", "b"], [pos])["pos"]
    >>> labels, err
    (array([ 1, -1], dtype=int32), None)
    """
    out = [np.full(n, ABSTAIN, dtype=np.int32) for _ in lfs]
    errs = [_ErrorCollector(lf, index, mode) for lf in lfs]
    plain = [(j, lf.label) for j, lf in enumerate(lfs) if not lf.pre]
    chained = [(j, lf) for j, lf in enumerate(lfs) if lf.pre]
    step = max(1, min(10_000, n // 20))
    rows_bar = tqdm(
        total=n,
        unit="row",
        desc=f"Row-wise LFs ({len(lfs)})",
        disable=bar is None or bar.disable,
        leave=False,
    )
    for i, x in enumerate(rows):
        for j, f in plain:
            try:
                out[j][i] = _as_label(f(x))
            except Exception as exc:
                errs[j].add(i, exc)
        if chained:
            memo: dict[tuple, Any] = {}
            for j, lf in chained:
                try:
                    out[j][i] = _as_label(lf.label(_preprocess(x, lf, memo)))
                except Exception as exc:
                    errs[j].add(i, exc)
        if (i + 1) % step == 0:
            rows_bar.update(step)
    rows_bar.close()
    res: Labelled = {}
    for j, lf in enumerate(lfs):
        res[lf.name] = (out[j], errs[j].record)
        if bar is not None:
            bar.update(1)
    return res


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


class BaseLFApplier:
    """LF set management shared by every applier (LFs keyed by unique name).

    Parameters
    ----------
    lfs
        Labeling functions with unique names (order = column order of ``L``).
    fail_fast
        Default error policy: re-raise the first LF exception as
        :class:`LFApplyError` instead of abstaining and recording it.
    """

    def __init__(
        self, lfs: Sequence[LabelingFunction], fail_fast: bool = False
    ) -> None:
        self._lfs: dict[str, LabelingFunction] = {}
        self.fail_fast = fail_fast
        self.errors: dict[str, LFErrorRecord] = {}
        self.set_lfs(lfs)

    @property
    def lfs(self) -> list[LabelingFunction]:
        return list(self._lfs.values())

    @property
    def names(self) -> list[str]:
        return list(self._lfs)

    def set_lfs(self, lfs: Iterable[LabelingFunction]) -> None:
        """Replace the LF set."""
        self._lfs = check_lfs(lfs)

    def add(self, lf: LabelingFunction) -> None:
        """Add an LF, or replace the LF of the same name in place."""
        lfs = dict(self._lfs)
        lfs[lf.name] = lf
        self.set_lfs(lfs.values())

    def remove(self, name: str) -> None:
        if name not in self._lfs:
            raise KeyError(f"no LF named {name!r}; LFs: {self.names}")
        self.set_lfs(lf for n, lf in self._lfs.items() if n != name)

    def _meta(self) -> ApplierMetadata:
        return ApplierMetadata({name: r.n_failed for name, r in self.errors.items()})

    def __repr__(self) -> str:
        return f"{type(self).__name__}, LFs: {self.names}"


class LFApplier(BaseLFApplier):
    """Apply LFs to a list of data points (any objects) or a NumPy array's rows.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from snorkel_nb.labeling import labeling_function
    >>> @labeling_function()
    ... def is_big_num(x):
    ...     return 1 if x.num > 42 else 0
    >>> LFApplier([is_big_num]).apply(
    ...     [SimpleNamespace(num=10), SimpleNamespace(num=100)], progress_bar=False)
    array([[0],
           [1]], dtype=int8)
    """

    def apply(
        self,
        data_points: Sequence[Any] | np.ndarray,
        progress_bar: bool = True,
        fault_tolerant: bool | None = None,
        return_meta: bool = False,
        fail_fast: bool | None = None,
    ) -> np.ndarray | tuple[np.ndarray, ApplierMetadata]:
        """Label each data point (each row of a 2-D array) with every LF.

        Returns the [n, m] label matrix (int8 when labels fit), and with
        ``return_meta=True`` also :class:`ApplierMetadata`. Error policy as in
        :func:`error_mode` (tolerant by default).

        Parameters
        ----------
        data_points : sequence or numpy.ndarray
            Any objects the LFs accept, or the rows of a 2-D array.
        progress_bar : bool, default True
            Show a bar (silent when stderr is not a terminal).
        fault_tolerant : bool, optional
            ``False`` re-raises an LF's exception, as Snorkel does by default.
        return_meta : bool, default False
            Also return :class:`ApplierMetadata` (per-LF failure counts).
        fail_fast : bool, optional
            Raise :class:`LFApplyError` naming the LF and row at the first
            failure.

        Returns
        -------
        numpy.ndarray or tuple
            ``L``, or ``(L, meta)`` with ``return_meta=True``.

        Raises
        ------
        TypeError
            If given a DataFrame or Series (use ``PandasLFApplier``).
        ValueError
            If the applier has no LFs.
        LFApplyError
            In fail-fast mode, at the first LF failure.

        Examples
        --------
        >>> from snorkel_nb.labeling import labeling_function
        >>> @labeling_function()
        ... def needs_key(x):
        ...     return 1 if x["k"] else 0
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")  # the failure is also warned
        ...     L, meta = LFApplier([needs_key]).apply(
        ...         [{"k": 1}, {}], progress_bar=False, return_meta=True)
        >>> L.ravel().tolist(), meta.faults
        ([1, -1], {'needs_key': 1})
        """
        if isinstance(data_points, (pd.DataFrame, pd.Series)):
            raise TypeError(
                "LFApplier takes a list or array; use PandasLFApplier for a DataFrame"
            )
        if not self._lfs:
            raise ValueError("no labeling functions to apply")
        mode = error_mode(fault_tolerant, fail_fast, self.fail_fast)
        points = list(data_points)
        n = len(points)
        bar = tqdm(
            total=len(self._lfs),
            unit="LF",
            desc="Applying LFs",
            disable=not progress_bar or n == 0,
        )
        try:
            res = label_rows(points, n, range(n), self.lfs, mode, bar)
        finally:
            bar.close()
        L = stack_columns([res[name][0] for name in self._lfs], n)
        self.errors = {name: r for name, (_, r) in res.items() if r is not None}
        warn_errors(self.errors.values())
        return (L, self._meta()) if return_meta else L
