"""Label models and LF analysis over a label matrix that lives in partitions.

Every model here fits from :class:`~snorkel_nb.labeling.model.LabelStats`,
which add up over row blocks. So each partition computes its statistics on the
worker, the workers sum them pairwise, and only the total reaches the driver,
where ``model.fit(stats)`` runs; ``predict_proba`` then maps over partitions.
The label matrix is never gathered in one process.

``L`` may be a dask array (from :meth:`DaskLFApplier.apply`) or a Dask
DataFrame of label columns (e.g. the Parquet written by
:meth:`DaskLFApplier.apply_to_parquet`). Needs the ``dask`` extra.

Equality with the in-memory path: the summed statistics equal
``LabelStats.from_matrix(L)`` exactly. The fit then matches the in-memory fit
whenever both use the voting patterns (always for n <= 50,000 rows, and
whenever there are few distinct patterns) or both use the strided row sample
``L[::n // 10000]``, which is collected here the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd

from snorkel_nb.labeling.analysis import LFAnalysis
from snorkel_nb.labeling.apply.dask import MAX_PATTERNS, Scheduler, sum_stats, connect
from snorkel_nb.labeling.lf import LabelingFunction
from snorkel_nb.labeling.model.base import BaseLabeler
from snorkel_nb.labeling.model.core import SAMPLE_ROWS, FactorLabeler
from snorkel_nb.labeling.model.stats import LabelStats


@dataclass
class _Part:
    stats: LabelStats
    sample: LabelStats | None


def _blocks(L: Any) -> tuple[list[Any], list[int] | None]:
    """Row blocks of ``L`` as delayed numpy arrays, with their lengths if known."""
    if isinstance(L, dd.DataFrame):
        return [dask.delayed(_to_numpy)(p) for p in L.to_delayed()], None
    if isinstance(L, da.Array):
        if L.ndim != 2:
            raise ValueError(
                f"L must be 2-D [n, m]; got a dask array of shape {L.shape}"
            )
        if len(L.chunks[1]) > 1:
            L = L.rechunk({1: -1})
        lengths = None if any(np.isnan(c) for c in L.chunks[0]) else list(L.chunks[0])
        return list(L.to_delayed()[:, 0]), lengths
    raise TypeError(
        f"L must be a dask array or a dask DataFrame of label columns; "
        f"got {type(L).__name__} (use LabelStats.from_matrix for numpy)"
    )


def _to_numpy(part: pd.DataFrame) -> np.ndarray:
    return part.to_numpy()


def _lengths(blocks: list[Any], client: Any, local: str | None) -> list[int]:
    tasks = [dask.delayed(len)(b) for b in blocks]
    if client is not None:
        return client.gather(client.compute(tasks))
    return list(dask.compute(*tasks, scheduler=local))


def _part_stats(
    block: np.ndarray, k: int, patterns: bool, offset: int, step: int
) -> _Part:
    block = np.asarray(block)
    stats = LabelStats.from_matrix(block, k, patterns=patterns)
    sample = None
    if step > 1:  # rows at global positions 0, step, 2 * step, ... (= L[::step])
        sample = LabelStats.from_matrix(
            block[(-offset) % step :: step], k, overlap=False, validate=False
        )
    return _Part(stats, sample)


def _merge(parts: Sequence[_Part]) -> _Part:
    """Sum partition statistics (patterns beyond MAX_PATTERNS dropped: the fit
    then uses the row sample, which stays small by construction)."""
    return _Part(
        sum_stats([p.stats for p in parts]),
        sum_stats([p.sample for p in parts], cap=False),
    )


def label_stats(
    L: Any,
    cardinality: int,
    patterns: bool = True,
    scheduler: Scheduler = None,
    return_sample: bool = False,
    lengths: Sequence[int] | None = None,
) -> LabelStats | tuple[LabelStats, LabelStats | None]:
    """Sum of the per-partition :class:`LabelStats` of ``L``, computed on the workers.

    ``return_sample=True`` also returns the statistics (patterns, vote counts)
    of the strided row sample ``L[::max(1, n // 10000)]``, which
    :meth:`FactorLabeler.fit` uses when the patterns are too many. ``lengths``
    (rows per partition, e.g. ``DaskApplyResult.lengths``) saves the pass that
    counts them when ``L`` is a Dask DataFrame.

    Parameters
    ----------
    L : dask.array.Array or dask.dataframe.DataFrame
        [n, m] label matrix in row partitions, -1 = abstain.
    cardinality : int
        Number of classes ``k``.
    patterns : bool, default True
        Also count the distinct voting patterns (dropped past
        ``MAX_PATTERNS``).
    scheduler : str, dask.distributed.Client or None
        A client, a scheduler address, ``"threads"``, ``"processes"`` or
        ``"sync"``; ``None`` uses the current client, else ``"processes"``.
    return_sample : bool, default False
        Also return the row sample's statistics.
    lengths : sequence of int, optional
        Rows per partition, if known.

    Returns
    -------
    LabelStats or (LabelStats, LabelStats or None)
        The summed statistics, and with ``return_sample`` the sample's
        (``None`` when the sample was not needed and no patterns were kept).

    Raises
    ------
    ValueError
        If ``L`` has no partitions or is not 2-D, or ``lengths`` does not
        match the partitions.
    TypeError
        If ``L`` is neither a dask array nor a Dask DataFrame.

    Examples
    --------
    >>> L = da.from_array(np.array([[0, 1], [0, -1], [0, 1]]), chunks=(2, 2))
    >>> s = label_stats(L, 2, scheduler="sync")
    >>> s.n, s.patterns.tolist(), s.counts.tolist()
    (3, [[0, -1], [0, 1]], [1.0, 2.0])
    """
    client, local = connect(scheduler)
    blocks, known = _blocks(L)
    if not blocks:
        raise ValueError("L has no partitions")
    if lengths is None:
        lengths = known
    elif len(lengths) != len(blocks):
        raise ValueError(f"{len(lengths)} lengths given for {len(blocks)} partitions")
    if lengths is None:
        lengths = _lengths(blocks, client, local)
    n = int(sum(lengths))
    step = max(1, n // SAMPLE_ROWS) if return_sample else 1
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(int)
    tasks = [
        dask.delayed(_part_stats, pure=False)(b, cardinality, patterns, int(o), step)
        for b, o in zip(blocks, offsets)
    ]
    if client is not None:
        futures = client.compute(tasks)
        while len(futures) > 1:
            futures = [
                client.submit(_merge, futures[i : i + 2], pure=False)
                for i in range(0, len(futures), 2)
            ]
        total = client.gather(futures[0])
    else:
        total = _merge(dask.compute(*tasks, scheduler=local))
    if not return_sample:
        return total.stats
    sample = total.sample
    if sample is None and total.stats.patterns is not None:
        sample = total.stats
    return total.stats, sample


def fit(
    model: BaseLabeler,
    L: Any,
    Y_dev: Any = None,
    class_balance: Any = None,
    dependencies: Sequence[tuple[int, int]] | None = None,
    scheduler: Scheduler = None,
    stats: LabelStats | None = None,
    lengths: Sequence[int] | None = None,
) -> BaseLabeler:
    """Fit ``model`` from statistics summed over the partitions of ``L``.

    The patterns are used when there are few of them (as the in-memory fit
    decides: n <= 50,000 or under 20% distinct rows); otherwise the model fits
    from the overlap matrix and a strided row sample, as ``model.fit(L)`` does
    on big matrices. Returns the fitted model.

    ``stats``: statistics already summed (e.g. ``DaskApplyResult.stats`` from
    the apply pass); used as they are when they qualify for the pattern fit,
    which saves a pass over ``L``.

    Parameters
    ----------
    model : BaseLabeler
        An unfitted label model (``LabelModel``, ``DawidSkene``, ...) or
        ``MajorityLabelVoter`` (nothing to learn; ``L`` is only checked).
    L : dask.array.Array or dask.dataframe.DataFrame
        [n, m] label matrix in row partitions, -1 = abstain.
    Y_dev : array-like, optional
        Dev gold labels, used only to estimate the class balance.
    class_balance : array-like, optional
        [k] class prior.
    dependencies : sequence of (int, int), optional
        Dependent LF pairs (see ``learn_structure``).
    scheduler : str, dask.distributed.Client or None
        A client, a scheduler address, ``"threads"``, ``"processes"`` or
        ``"sync"``; ``None`` uses the current client, else ``"processes"``.
    stats : LabelStats, optional
        Statistics already summed over ``L``.
    lengths : sequence of int, optional
        Rows per partition, if known.

    Returns
    -------
    BaseLabeler
        ``model``, fitted.

    Examples
    --------
    >>> from snorkel_nb.labeling.model import LabelModel, generate_synthetic
    >>> d = generate_synthetic(n=3000, m=6, seed=0)
    >>> lm = fit(LabelModel(), da.from_array(d.L, chunks=(700, 6)), scheduler="sync")
    >>> ref = LabelModel().fit(d.L)
    >>> bool(np.allclose(lm.predict_proba(d.L), ref.predict_proba(d.L), atol=1e-6))
    True
    """
    if not isinstance(model, FactorLabeler):
        if L is not None:  # majority vote: nothing to learn; validate the width
            _blocks(L)
        return model.fit(None)
    if stats is None or not _pattern_fit(stats):
        stats, sample = label_stats(
            L,
            model.cardinality,
            patterns=True,
            scheduler=scheduler,
            return_sample=True,
            lengths=lengths,
        )
    if not _pattern_fit(stats):
        stats = LabelStats(stats.n, stats.m, stats.cardinality, stats.overlap)
    if stats.patterns is not None:
        return model.fit(
            stats, Y_dev=Y_dev, class_balance=class_balance, dependencies=dependencies
        )
    return model.fit_stats(
        stats,
        Y_dev=Y_dev,
        class_balance=class_balance,
        dependencies=dependencies,
        _row_sample=sample,
    )


def _pattern_fit(stats: LabelStats) -> bool:
    """Fit on the patterns? The in-memory rule: few rows or few distinct rows."""
    return stats.patterns is not None and (
        stats.n <= 5 * SAMPLE_ROWS or len(stats.counts) < 0.2 * stats.n
    )


def _proba(block: np.ndarray, model: BaseLabeler) -> np.ndarray:
    return model.predict_proba(np.asarray(block))


def _proba_frame(part: pd.DataFrame, model: BaseLabeler) -> pd.DataFrame:
    probs = (
        model.predict_proba(part.to_numpy())
        if len(part)
        else np.zeros((0, model.cardinality))
    )
    return pd.DataFrame(
        probs, index=part.index, columns=[f"prob_{c}" for c in range(model.cardinality)]
    )


def predict_proba(model: BaseLabeler, L: Any) -> Any:
    """Lazy [n, k] probabilities, one block per partition of ``L`` (a dask
    array, or a Dask DataFrame with columns ``prob_0..`` and ``L``'s index).
    The model travels once, as one graph key.

    Parameters
    ----------
    model : BaseLabeler
        A fitted label model.
    L : dask.array.Array or dask.dataframe.DataFrame
        [n, m] label matrix in row partitions, -1 = abstain.

    Returns
    -------
    dask.array.Array or dask.dataframe.DataFrame
        [n, k] float64 probabilities, not yet computed.

    Raises
    ------
    TypeError
        If ``L`` is neither a dask array nor a Dask DataFrame.

    Examples
    --------
    >>> from snorkel_nb.labeling.model import MajorityLabelVoter
    >>> L = da.from_array(np.array([[0, 0], [1, -1]]), chunks=(1, 2))
    >>> predict_proba(MajorityLabelVoter(), L).compute(scheduler="sync").tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    ref = dask.delayed(model, pure=True)
    k = model.cardinality
    if isinstance(L, dd.DataFrame):
        meta = pd.DataFrame({f"prob_{c}": pd.Series(dtype=float) for c in range(k)})
        return L.map_partitions(_proba_frame, ref, meta=meta)
    if isinstance(L, da.Array):
        if len(L.chunks[1]) > 1:
            L = L.rechunk({1: -1})
        return L.map_blocks(
            _proba,
            ref,
            dtype=np.float64,
            chunks=(L.chunks[0], (k,)),
            meta=np.empty((0, k), np.float64),
        )
    raise TypeError(f"L must be a dask array or DataFrame; got {type(L).__name__}")


def analysis(
    L: Any,
    lfs: Sequence[LabelingFunction | str] | None = None,
    cardinality: int | None = None,
    scheduler: Scheduler = None,
) -> LFAnalysis:
    """:class:`LFAnalysis` of a partitioned ``L`` from summed statistics: the
    same summary and pairwise matrices as ``LFAnalysis(L)`` in memory (gold-based
    methods need rows and are not available). ``cardinality`` defaults to
    ``max(2, L.max() + 1)``, as in memory (one extra pass).

    Parameters
    ----------
    L : dask.array.Array or dask.dataframe.DataFrame
        [n, m] label matrix in row partitions, -1 = abstain.
    lfs : sequence of LabelingFunction or str, optional
        The LFs (or their names) of ``L``'s columns, to name the summary's
        rows.
    cardinality : int, optional
        Number of classes; inferred with one pass when omitted.
    scheduler : str, dask.distributed.Client or None
        A client, a scheduler address, ``"threads"``, ``"processes"`` or
        ``"sync"``; ``None`` uses the current client, else ``"processes"``.

    Returns
    -------
    LFAnalysis
        Built from the summed statistics (no rows).

    Raises
    ------
    ValueError
        If ``L`` has more than ``MAX_PATTERNS`` distinct voting patterns.

    Examples
    --------
    >>> L = da.from_array(np.array([[0, 0], [1, 0], [-1, 1]]), chunks=(2, 2))
    >>> analysis(L, scheduler="sync").lf_summary()["Conflicts"].tolist()
    [0.3333333333333333, 0.3333333333333333]
    """
    if cardinality is None:
        client, local = connect(scheduler)
        blocks, _ = _blocks(L)
        tops = [dask.delayed(_max)(b) for b in blocks]
        tops = (
            client.gather(client.compute(tops))
            if client is not None
            else dask.compute(*tops, scheduler=local)
        )
        cardinality = max(2, int(max(tops)) + 1)
    stats = label_stats(L, cardinality, patterns=True, scheduler=scheduler)
    if stats.patterns is None:
        raise ValueError(
            f"L has more than {MAX_PATTERNS} distinct voting patterns; "
            "the LF summary needs them (the pairwise matrices do not: "
            "label_stats(L, k).pair_counts())"
        )
    return LFAnalysis.from_stats(stats, lfs)


def _max(block: Any) -> int:
    b = np.asarray(block)
    return int(b.max()) if b.size else -1


__all__ = ["MAX_PATTERNS", "analysis", "fit", "label_stats", "predict_proba"]
