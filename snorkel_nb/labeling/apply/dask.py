"""Apply LFs over a Dask DataFrame without gathering the label matrix on the driver.

Unlike Snorkel's ``DaskLFApplier`` (which pickles the LFs into every task and
collects the whole matrix on the driver), this applier

* ships the LFs and their resources **once** per worker (``Client.scatter``),
* labels each partition with the vectorised paths of
  :func:`~snorkel_nb.labeling.apply.core.label_frame`,
* keeps the result on the workers (a dask array) or streams it to Parquet
  (one int8 column per LF, one file per input partition, index kept), and
* sends back only small things: row counts, per-LF error records and, when
  asked, each partition's :class:`~snorkel_nb.labeling.model.LabelStats`, so a
  label model can be fitted from statistics summed on the driver.

Importing this module needs ``dask[dataframe,distributed]`` (the ``dask`` extra).
"""

from __future__ import annotations

import concurrent.futures

import os
import re
import shutil
from dataclasses import dataclass, field
from typing import Any, Sequence, Union

import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
from dask.distributed import Client, as_completed
from snorkel_nb.progress import progress_bar as tqdm

from snorkel_nb.labeling.apply.core import (
    ApplierMetadata,
    BaseLFApplier,
    ErrorMode,
    LFErrorRecord,
    error_mode,
    label_frame,
    merge_error_records,
    stack_columns,
    warn_errors,
)
from snorkel_nb.labeling.lf import LabelingFunction
from snorkel_nb.labeling.model.stats import LabelStats

Scheduler = Union[str, Client, None]
LOCAL_SCHEDULERS = ("threads", "processes", "sync", "synchronous", "single-threaded")
CONNECT_TIMEOUT = "5s"
MAX_PATTERNS = 2_000_000  # summed patterns beyond this are dropped (bounded memory)
_PART_RE = re.compile(r"^part\.\d{5}\.parquet$")


@dataclass
class PartitionResult:
    """What one partition's task returns (everything but ``L`` is small)."""

    n: int
    errors: dict[str, LFErrorRecord]
    L: np.ndarray | None = None
    stats: LabelStats | None = None


@dataclass
class DaskApplyResult:
    """Outcome of :meth:`DaskLFApplier.apply_to_parquet`.

    ``stats`` (the summed :class:`LabelStats`, when a cardinality was given) is
    all a label model needs to fit; ``path`` holds the label matrix.
    """

    path: str
    n: int
    lengths: list[int]
    errors: dict[str, LFErrorRecord]
    stats: LabelStats | None = None
    names: list[str] = field(default_factory=list)

    def read(self) -> dd.DataFrame:
        """The written label matrix as a lazy Dask DataFrame (one int8 column per
        LF, one partition per file, index as written)."""
        return read_parquet(
            sorted(
                os.path.join(self.path, f)
                for f in os.listdir(self.path)
                if _PART_RE.match(f)
            )
        )


def _read_one(path: str, columns: list[str] | None) -> pd.DataFrame:
    return pd.read_parquet(path, columns=columns)


def read_parquet(
    files: Sequence[str], columns: list[str] | None = None
) -> dd.DataFrame:
    """One partition per Parquet file, read by pandas on the workers.

    Used instead of ``dd.read_parquet``, which in dask 2026.8 with pandas 3
    fails on files whose index is a named ``RangeIndex`` (stored as metadata,
    as ``DataFrame.to_parquet`` writes it). The index is kept as written.

    Parameters
    ----------
    files
        Parquet file paths, one partition each, in this order; the first
        file's schema is the frame's ``meta``.
    columns
        Columns to read; ``None`` for all.

    Returns
    -------
    dask.dataframe.DataFrame
        Lazy; nothing is read until it is computed.

    Raises
    ------
    ValueError
        If ``files`` is empty or the first file lacks a column of ``columns``.

    Examples
    --------
    >>> import tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "a.parquet")
    >>> pd.DataFrame({"lf": [0, -1], "x": [1, 2]}).to_parquet(p)
    >>> read_parquet([p], columns=["lf"]).compute()["lf"].tolist()
    [0, -1]
    """
    import pyarrow.parquet as pq

    files = [os.fspath(f) for f in files]
    if not files:
        raise ValueError("no Parquet files to read")
    meta = pq.read_schema(files[0]).empty_table().to_pandas()
    if columns is not None:
        missing = [c for c in columns if c not in meta.columns]
        if missing:
            raise ValueError(
                f"{files[0]!r} has no column(s) {missing}; "
                f"columns: {list(meta.columns)}"
            )
        meta = meta[columns]
    return dd.from_map(
        _read_one, files, columns=columns, meta=meta, enforce_metadata=False
    )


def connect(scheduler: Scheduler) -> tuple[Client | None, str | None]:
    """Resolve Snorkel's ``scheduler`` argument to ``(client, local scheduler)``.

    A :class:`~dask.distributed.Client` or an address (``tcp://host:8786``) gives
    a distributed client (an unreachable address fails after a short timeout
    with a :class:`ConnectionError` naming it); ``"threads"``, ``"processes"``
    or ``"sync"`` a local scheduler; ``None`` the current client if there is
    one, else ``"processes"`` as in Snorkel.
    """
    if isinstance(scheduler, Client):
        return scheduler, None
    if scheduler is None:
        try:
            from dask.distributed import get_client

            return get_client(), None
        except ValueError:
            return None, "processes"
    if not isinstance(scheduler, str):
        raise TypeError(
            f"scheduler must be a dask Client, an address or one of "
            f"{LOCAL_SCHEDULERS}; got {type(scheduler).__name__}"
        )
    if scheduler in LOCAL_SCHEDULERS:
        return None, scheduler
    if "://" not in scheduler and ":" not in scheduler:
        raise ValueError(
            f"unknown scheduler {scheduler!r}: give a Client, an address "
            f"such as 'tcp://host:8786', or one of {LOCAL_SCHEDULERS}"
        )
    try:
        return Client(scheduler, timeout=CONNECT_TIMEOUT), None
    except (OSError, TimeoutError) as e:
        raise ConnectionError(
            f"could not reach the Dask scheduler at {scheduler!r} within "
            f"{CONNECT_TIMEOUT}: {e}"
        ) from e


def _label_partition(
    part: pd.DataFrame,
    lfs: Sequence[LabelingFunction],
    mode: ErrorMode,
    cardinality: int | None,
    keep_L: bool,
    path: str | None,
    i: int,
    patterns: bool = True,
) -> PartitionResult:
    """Label one partition on a worker; optionally write it and count its stats."""
    res = label_frame(part, lfs, mode)
    L = stack_columns([res[lf.name][0] for lf in lfs], len(part))
    if L.dtype != np.int8:
        raise ValueError(
            "DaskLFApplier stores labels as int8; an LF voted "
            f"{int(L.max())} (labels must be below 127)"
        )
    errors = {name: r for name, (_, r) in res.items() if r is not None}
    stats = None
    if cardinality is not None:
        if len(L) and int(L.max()) >= cardinality:
            j = int(np.argmax(L.max(0)))
            raise ValueError(
                f"LF {lfs[j].name!r} voted {int(L[:, j].max())}, outside "
                f"0..{cardinality - 1} for cardinality={cardinality}"
            )
        stats = LabelStats.from_matrix(
            L, cardinality, patterns=patterns, validate=False
        )
    if path is not None:
        frame = pd.DataFrame(L, columns=[lf.name for lf in lfs], index=part.index)
        final = os.path.join(path, f"part.{i:05d}.parquet")
        tmp = f"{final}.tmp{os.getpid()}"
        frame.to_parquet(tmp)
        os.replace(tmp, final)  # a rerun after a lost worker rewrites it whole
    return PartitionResult(len(L), errors, L if keep_L else None, stats)


def _prepare_dir(path: str) -> None:
    """Create ``path``, removing only part files an earlier run left there."""
    if os.path.exists(path):
        if not os.path.isdir(path):
            raise ValueError(f"output path {path!r} exists and is not a directory")
        other = [f for f in os.listdir(path) if not _PART_RE.match(f)]
        if other:
            raise ValueError(
                f"output directory {path!r} holds files this applier did "
                f"not write ({other[:3]}); choose an empty directory"
            )
        shutil.rmtree(path)
    os.makedirs(path)


class DaskLFApplier(BaseLFApplier):
    """Apply LFs to a Dask DataFrame, partition by partition, on the workers.

    Parameters
    ----------
    lfs
        Labeling functions with unique names (order = column order of ``L``).
    fail_fast
        Default error policy: raise :class:`LFApplyError` on the first failure.

    Attributes
    ----------
    errors
        ``{lf_name: LFErrorRecord}`` merged over all partitions: total failures
        and the first one in row order (``first_row`` is the global position).

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> from snorkel_nb.labeling import labeling_function
    >>> @labeling_function()
    ... def has_link(x):
    ...     return 1 if "http" in x.text else -1
    >>> ddf = dd.from_pandas(pd.DataFrame({"text": ["http://a", "song", "ok"]}),
    ...                      npartitions=2)
    >>> L = DaskLFApplier([has_link]).apply(ddf, scheduler="sync", progress_bar=False)
    >>> L.compute().ravel().tolist()
    [1, -1, -1]
    """

    _stats: LabelStats | None = None

    def apply(
        self,
        df: dd.DataFrame,
        scheduler: Scheduler = None,
        fault_tolerant: bool | None = None,
        progress_bar: bool = True,
        return_meta: bool = False,
        fail_fast: bool | None = None,
    ) -> da.Array | tuple[da.Array, ApplierMetadata]:
        """Label every row; the [n, m] result stays on the workers as a dask array.

        ``scheduler`` as in Snorkel (see :func:`connect`). Error policy as in
        :func:`~snorkel_nb.labeling.apply.core.error_mode`: tolerant by
        default, ``fault_tolerant=False`` re-raises the LF's own exception.
        The array's chunks are the input partitions, in order; call
        ``.compute()`` (or ``np.asarray``) to collect it.

        Parameters
        ----------
        df
            The data points, a Dask DataFrame.
        scheduler
            A ``Client``, a scheduler address, ``"threads"``, ``"processes"``,
            ``"sync"``, or ``None`` (the current client, else processes).
        fault_tolerant
            ``False`` re-raises an LF's own exception.
        progress_bar
            Show a progress bar (dask tasks done).
        return_meta
            Also return :class:`ApplierMetadata` (per-LF failure counts).
        fail_fast
            Raise :class:`LFApplyError` at the first failure.

        Returns
        -------
        dask.array.Array or tuple
            [n, m] int8 ``L`` (-1 = abstain), or ``(L, meta)``.

        Raises
        ------
        ValueError
            If ``df`` is not a Dask DataFrame, there are no LFs, or an LF
            votes a label of 127 or more.
        ConnectionError
            If a scheduler address cannot be reached.
        LFApplyError
            In fail-fast mode, at the first LF failure.

        Examples
        --------
        >>> import warnings
        >>> import dask.dataframe as dd
        >>> from snorkel_nb.labeling import labeling_function
        >>> @labeling_function()
        ... def first_char(x):
        ...     return int(x.text[0] == "h")
        >>> ddf = dd.from_pandas(pd.DataFrame({"text": ["hi", "", "ok"]}),
        ...                      npartitions=2)
        >>> applier = DaskLFApplier([first_char])
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")  # the failure is also warned
        ...     L, meta = applier.apply(ddf, scheduler="sync", progress_bar=False,
        ...                             return_meta=True)
        >>> L.compute().ravel().tolist(), meta.faults
        ([1, -1, 0], {'first_char': 1})
        >>> applier.errors["first_char"].first_row  # position over all partitions
        1
        """
        results, lengths = self._run(
            df, scheduler, fault_tolerant, fail_fast, progress_bar, keep_L=True
        )
        m = len(self._lfs)
        blocks = [
            da.from_delayed(dask.delayed(getattr)(r, "L"), shape=(n, m), dtype=np.int8)
            for r, n in zip(results, lengths)
        ]
        L = da.concatenate(blocks, axis=0) if blocks else da.zeros((0, m), np.int8)
        return (L, self._meta()) if return_meta else L

    def apply_to_parquet(
        self,
        df: dd.DataFrame,
        path: str,
        scheduler: Scheduler = None,
        cardinality: int | None = None,
        fault_tolerant: bool | None = None,
        progress_bar: bool = True,
        fail_fast: bool | None = None,
        patterns: bool = True,
    ) -> DaskApplyResult:
        """Label every row and write ``L`` under ``path`` (one int8 column per LF,
        one ``part.NNNNN.parquet`` per input partition, the input's index kept),
        never holding it on the driver. With ``cardinality`` each partition also
        returns its :class:`LabelStats` (``patterns=False``: overlap only), summed
        into the result's ``stats``.

        Parameters
        ----------
        df
            The data points, a Dask DataFrame.
        path
            Output directory: created, or emptied when it holds only part
            files of an earlier run.
        scheduler
            As in :meth:`apply`.
        cardinality
            Number of classes; when given, statistics are computed on the
            workers and every vote must be below it.
        fault_tolerant, progress_bar, fail_fast
            As in :meth:`apply`.
        patterns
            With ``cardinality``: also count voting patterns (exact label
            model fits), else overlap counts only.

        Returns
        -------
        DaskApplyResult
            ``path``, ``n``, partition ``lengths``, ``errors``, ``stats`` and
            the LF ``names``; ``.read()`` opens the matrix lazily.

        Raises
        ------
        ValueError
            As in :meth:`apply`; also if ``path`` is a file or holds other
            files, or a vote is outside ``0..cardinality - 1``.

        Examples
        --------
        >>> import tempfile
        >>> import dask.dataframe as dd
        >>> from snorkel_nb.labeling import labeling_function
        >>> @labeling_function()
        ... def has_link(x):
        ...     return 1 if "http" in x.text else 0
        >>> ddf = dd.from_pandas(pd.DataFrame({"text": ["http://a", "b", "c"]}),
        ...                      npartitions=2)
        >>> res = DaskLFApplier([has_link]).apply_to_parquet(
        ...     ddf, os.path.join(tempfile.mkdtemp(), "L"), scheduler="sync",
        ...     cardinality=2, progress_bar=False)
        >>> res.n, res.lengths, res.stats.n, res.read().compute()["has_link"].tolist()
        (3, [2, 1], 3, [1, 0, 0])
        """
        path = os.fspath(path)
        _prepare_dir(path)
        _, lengths = self._run(
            df,
            scheduler,
            fault_tolerant,
            fail_fast,
            progress_bar,
            keep_L=False,
            path=path,
            cardinality=cardinality,
            patterns=patterns,
        )
        return DaskApplyResult(
            path, int(sum(lengths)), lengths, self.errors, self._stats, self.names
        )

    # ------------------------------------------------------------------------
    def _run(
        self,
        df: dd.DataFrame,
        scheduler: Scheduler,
        fault_tolerant: bool | None,
        fail_fast: bool | None,
        progress_bar: bool,
        keep_L: bool,
        path: str | None = None,
        cardinality: int | None = None,
        patterns: bool = True,
    ) -> tuple[list[Any], list[int]]:
        """One task per partition; returns the results (futures on a cluster)
        and the partition lengths. Sets :attr:`errors` (and the summed stats)."""
        if not isinstance(df, dd.DataFrame):
            raise ValueError(
                f"DaskLFApplier.apply expects a dask DataFrame, got "
                f"{type(df).__name__} (use PandasLFApplier for pandas)"
            )
        if not self._lfs:
            raise ValueError("no labeling functions to apply")
        mode = error_mode(fault_tolerant, fail_fast, self.fail_fast)
        client, local = connect(scheduler)
        lfs = self.lfs
        parts = df.to_delayed()

        def build_tasks() -> list[Any]:
            if client is not None:
                # one copy of the LFs and their resources per worker, not per task
                ref: Any = client.scatter(lfs, broadcast=True, hash=False)
            else:
                ref = dask.delayed(lfs, pure=False)  # a single graph key
            return [
                dask.delayed(_label_partition, pure=False)(
                    p, ref, mode, cardinality, keep_L, path, i, patterns
                )
                for i, p in enumerate(parts)
            ]

        tasks = build_tasks()
        stats: LabelStats | None = None
        if client is not None:
            # A worker lost mid-apply is rescheduled by Dask; rarely a future
            # that depended on it is cancelled instead ("already forgotten").
            # Each partition task is idempotent (results in memory, Parquet
            # parts written atomically), so the apply is then run again, with
            # the LFs scattered afresh.
            for attempt in range(_ATTEMPTS):
                try:
                    futures = client.compute(tasks)
                    info = [client.submit(_summary, f, pure=False) for f in futures]
                    with tqdm(
                        total=len(tasks),
                        unit="partition",
                        desc="Applying LFs",
                        disable=not progress_bar,
                    ) as bar:
                        for _ in as_completed(info):
                            bar.update(1)
                    small = client.gather(info)
                    if cardinality is not None:
                        stats = _tree_sum(
                            client,
                            [client.submit(_stats_of, f, pure=False) for f in futures],
                        )
                    break
                except _CANCELLED:
                    if attempt == _ATTEMPTS - 1:
                        raise
                    tasks = build_tasks()  # the scattered LFs may be lost too
            results: list[Any] = futures
        else:
            from tqdm.dask import TqdmCallback

            with TqdmCallback(disable=not progress_bar, desc="Applying LFs"):
                results = list(dask.compute(*tasks, scheduler=local))
            small = [_summary(r) for r in results]
            if cardinality is not None:
                stats = sum_stats([r.stats for r in results])
        lengths = [n for n, _ in small]
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(int)
        self.errors = merge_error_records(
            (int(o), errs) for o, (_, errs) in zip(offsets, small)
        )
        warn_errors(self.errors.values())
        self._stats = stats
        return results, lengths


_ATTEMPTS = 3
try:  # the exception a cancelled future raises (a CancelledError subclass)
    from distributed.client import FutureCancelledError as _FCE

    _CANCELLED: tuple[type[BaseException], ...] = (
        _FCE,
        concurrent.futures.CancelledError,
    )
except ImportError:  # pragma: no cover - older distributed
    _CANCELLED = (concurrent.futures.CancelledError,)


def _summary(r: PartitionResult) -> tuple[int, dict[str, LFErrorRecord]]:
    return r.n, r.errors


def _stats_of(r: PartitionResult) -> LabelStats | None:
    return r.stats


def sum_stats(
    parts: Sequence[LabelStats | None], cap: bool = True
) -> LabelStats | None:
    """Sum statistics pairwise (a balanced tree keeps pattern merges cheap);
    with ``cap``, more than :data:`MAX_PATTERNS` distinct patterns are dropped.

    Parameters
    ----------
    parts : sequence of LabelStats or None
        Per-partition statistics; ``None`` entries (empty partitions) are skipped.
    cap : bool, default True
        Drop the patterns (keep the pairwise counts) above ``MAX_PATTERNS``.

    Returns
    -------
    LabelStats or None
        The total, or ``None`` when every part was ``None``.

    Examples
    --------
    >>> import numpy as np
    >>> L = np.array([[0, 1], [1, -1], [0, 0]])
    >>> total = sum_stats([LabelStats.from_matrix(L[:2], 2),
    ...                    LabelStats.from_matrix(L[2:], 2)])
    >>> total.n, bool(np.allclose(total.overlap,
    ...                           LabelStats.from_matrix(L, 2).overlap))
    (3, True)
    """
    items = [p for p in parts if p is not None]
    while len(items) > 1:
        items = [
            items[i] + items[i + 1] if i + 1 < len(items) else items[i]
            for i in range(0, len(items), 2)
        ]
    total = items[0] if items else None
    if (
        cap
        and total is not None
        and total.patterns is not None
        and (len(total.counts) > MAX_PATTERNS)
    ):
        total = LabelStats(total.n, total.m, total.cardinality, total.overlap)
    return total


def _tree_sum(client: Client, futures: list[Any]) -> LabelStats | None:
    """Sum per-partition statistics on the workers; only the total comes back."""
    while len(futures) > 1:
        futures = [
            client.submit(sum_stats, futures[i : i + 2], pure=False)
            for i in range(0, len(futures), 2)
        ]
    return client.gather(futures[0]) if futures else None


class PandasParallelLFApplier(DaskLFApplier):
    """Snorkel 0.9's parallel pandas applier: a pandas DataFrame split into
    ``n_parallel`` Dask partitions, labelled in parallel, collected in row
    order as an [n, m] numpy array.

    Examples
    --------
    >>> from snorkel_nb.labeling import labeling_function
    >>> @labeling_function()
    ... def short(x):
    ...     return 0 if len(x.text) < 4 else -1
    >>> df = pd.DataFrame({"text": ["hi", "hello there", "ok"]})
    >>> PandasParallelLFApplier([short]).apply(df, n_parallel=2, scheduler="sync",
    ...                                        progress_bar=False).ravel().tolist()
    [0, -1, 0]
    """

    def apply(  # type: ignore[override]
        self,
        df: pd.DataFrame,
        n_parallel: int = 2,
        scheduler: Scheduler = "processes",
        fault_tolerant: bool | None = None,
        progress_bar: bool = True,
        return_meta: bool = False,
        fail_fast: bool | None = None,
    ) -> np.ndarray | tuple[np.ndarray, ApplierMetadata]:
        """Label ``df`` with ``n_parallel`` (>= 2) partitions; see DaskLFApplier.

        Parameters
        ----------
        df
            The data points, a pandas DataFrame.
        n_parallel
            Number of partitions (>= 2).
        scheduler
            As in :meth:`DaskLFApplier.apply`; default ``"processes"``.
        fault_tolerant, progress_bar, return_meta, fail_fast
            As in :meth:`DaskLFApplier.apply`.

        Returns
        -------
        numpy.ndarray or tuple
            [n, m] int8 ``L`` in row order, or ``(L, meta)``.

        Raises
        ------
        ValueError
            If ``n_parallel < 2``, or as :meth:`DaskLFApplier.apply`.
        """
        if n_parallel < 2:
            raise ValueError(
                "n_parallel should be >= 2. For single process Pandas, "
                "use PandasLFApplier."
            )
        ddf = dd.from_pandas(df, npartitions=n_parallel)
        out = super().apply(
            ddf,
            scheduler=scheduler,
            fault_tolerant=fault_tolerant,
            progress_bar=progress_bar,
            return_meta=return_meta,
            fail_fast=fail_fast,
        )
        if return_meta:
            return np.asarray(out[0].compute()), out[1]
        return np.asarray(out.compute())


__all__ = [
    "DaskApplyResult",
    "DaskLFApplier",
    "PandasParallelLFApplier",
    "PartitionResult",
    "connect",
    "read_parquet",
    "sum_stats",
]
