"""Apply -> analyse -> fit -> write probabilistic labels, on a Dask cluster.

Command line::

    python -m snorkel_nb.pipeline --lfs my_lfs.py --data 'data/*.parquet' \\
        --out labels.parquet [--scheduler tcp://host:8786] [--model LabelModel]

or :func:`run_pipeline` from Python. Without a scheduler a ``LocalCluster``
(worker processes, one thread each) is started and closed. Outputs, next to
each other:

* ``labels.parquet/``: one file per input partition, columns ``prob_0..``
  and ``label`` (the model's ``predict``: -1 on rows no LF voted on),
  indexed like the input;
* ``labels_L.parquet/``: the label matrix (one int8 column per LF);
* ``labels_lf_summary.csv``: :meth:`LFAnalysis.lf_summary` with the learned
  weights and each LF's failure count;
* ``labels_model.json`` (+ ``.npz``): the fitted model (``LabelModel.load``),
  for the factor models.

Neither ``L`` nor the probabilities are ever gathered on the driver: the model
is fitted from statistics summed on the workers.
"""

from __future__ import annotations

import argparse
import glob
import importlib.util
import os
import sys
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from snorkel_nb.labeling.analysis import LFAnalysis
from snorkel_nb.labeling.apply.core import LFErrorRecord, frame_rows, label_rows
from snorkel_nb.labeling.lf import LabelingFunction
from snorkel_nb.labeling.model import (
    DawidSkene,
    LabelModel,
    MajorityLabelVoter,
    TripletLabelModel,
)
from snorkel_nb.labeling.model.base import BaseLabeler
from snorkel_nb.labeling.model.core import FactorLabeler

MODELS = {
    c.__name__: c
    for c in (LabelModel, DawidSkene, TripletLabelModel, MajorityLabelVoter)
}
PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")


@dataclass
class PipelineResult:
    """Where :func:`run_pipeline` wrote its outputs, and what it learned.

    Attributes
    ----------
    out : str
        Directory of the probabilistic labels.
    L_path, summary_path : str
        The label matrix (Parquet) and the LF summary (CSV).
    model_path : str or None
        The saved model (``<out>_model.json``) for a factor label model
        (``LabelModel``, ``DawidSkene``, ...); ``None`` for majority vote.
    n : int
        Rows labelled.
    model : BaseLabeler
        The fitted model.
    summary : pandas.DataFrame
        The LF summary.
    errors : dict of str to LFErrorRecord
        Exceptions the LFs raised, per LF.
    """

    out: str
    L_path: str
    summary_path: str
    model_path: str | None
    n: int
    model: BaseLabeler
    summary: pd.DataFrame
    errors: dict[str, LFErrorRecord] = field(default_factory=dict)


def load_lfs(path: str) -> tuple[list[LabelingFunction], int | None]:
    """LFs defined in a Python file: its ``lfs`` list if it has one, else every
    :class:`LabelingFunction` at module level in definition order; plus its
    ``CARDINALITY`` if set. The module is shipped to workers by value.

    Parameters
    ----------
    path : str
        A ``.py`` file.

    Returns
    -------
    lfs : list of LabelingFunction
    cardinality : int or None

    Raises
    ------
    FileNotFoundError
        If ``path`` is not an existing ``.py`` file.
    """
    if not os.path.isfile(path) or not path.endswith(".py"):
        raise FileNotFoundError(f"--lfs {path!r}: not a Python file")
    name = "snorkel_nb_user_lfs_" + os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[name] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    try:
        import cloudpickle

        cloudpickle.register_pickle_by_value(module)  # workers lack the file
    except (ImportError, AttributeError, ValueError):  # pragma: no cover
        pass
    lfs = getattr(module, "lfs", None)
    if lfs is None:
        lfs = [v for v in vars(module).values() if isinstance(v, LabelingFunction)]
    lfs = list(lfs)
    if not lfs:
        raise ValueError(f"--lfs {path!r} defines no LabelingFunction")
    k = getattr(module, "CARDINALITY", None)
    return lfs, None if k is None else int(k)


def parquet_files(data: str | Sequence[str]) -> list[str]:
    """Expand a glob, a directory or a list into Parquet files, rejecting others.

    Parameters
    ----------
    data : str, os.PathLike or sequence of them
        Globs, directories (their Parquet files, sorted) or files.

    Returns
    -------
    list of str
        The Parquet files, in order.

    Raises
    ------
    FileNotFoundError
        If a glob matches nothing or a path does not exist.
    ValueError
        If a directory holds no Parquet file or a file is not Parquet.
    """
    patterns = [data] if isinstance(data, (str, os.PathLike)) else list(data)
    files: list[str] = []
    for pat in map(os.fspath, patterns):
        hits = sorted(glob.glob(pat)) if glob.has_magic(pat) else [pat]
        if not hits:
            raise FileNotFoundError(f"--data {pat!r} matches no file")
        for h in hits:
            if os.path.isdir(h):
                inner = sorted(f for f in os.listdir(h) if f.endswith(PARQUET_SUFFIXES))
                if not inner:
                    raise ValueError(
                        f"--data {h!r} is a directory with no Parquet files"
                    )
                files += [os.path.join(h, f) for f in inner]
            elif not os.path.exists(h):
                raise FileNotFoundError(f"--data {h!r} does not exist")
            elif not h.endswith(PARQUET_SUFFIXES):
                raise ValueError(
                    f"--data {h!r} is not a Parquet file (expected one of "
                    f"{PARQUET_SUFFIXES}); convert it with "
                    "pandas.DataFrame.to_parquet"
                )
            else:
                files.append(h)
    return files


def check_columns(
    lfs: Sequence[LabelingFunction], sample: pd.DataFrame, source: str
) -> None:
    """Fail early, naming the LF and column, if an LF reads a missing column.

    Builder LFs declare their ``field``; other LFs are dry-run on a few rows.

    Parameters
    ----------
    lfs : sequence of LabelingFunction
        The LFs the pipeline will apply.
    sample : pandas.DataFrame
        A few rows of the input, with all of its columns.
    source : str
        What the rows come from (e.g. the input path), for the message.

    Raises
    ------
    ValueError
        If a builder LF's declared field, or a column an LF reads in the dry
        run, is missing from ``sample``. Other LF failures are left to the
        applier to record.

    Examples
    --------
    >>> from snorkel_nb.labeling.builders import keyword_lf
    >>> check_columns([keyword_lf(["spam"], label=1, field="body")],
    ...               pd.DataFrame({"text": ["hi"]}), "input.csv")
    Traceback (most recent call last):
    ...
    ValueError: LF 'keyword_spam' reads column 'body', which input.csv does not \
have; its columns: ['text']
    """
    cols = [str(c) for c in sample.columns]
    for lf in lfs:
        spec_field = getattr(lf, "spec", {}).get("args", {}).get("field")
        fields = [spec_field] if isinstance(spec_field, str) else list(spec_field or [])
        for f in fields:
            if isinstance(f, str) and f not in cols:
                raise ValueError(
                    f"LF {lf.name!r} reads column {f!r}, which {source} "
                    f"does not have; its columns: {cols}"
                )
    rows = list(frame_rows(sample))
    for lf in lfs:
        try:
            label_rows(rows, len(rows), sample.index, [lf], mode="raise")
        except (KeyError, AttributeError) as e:
            missing = (
                getattr(e, "name", None)
                if isinstance(e, AttributeError)
                else (e.args[0] if e.args else None)
            )
            if "has no field" in str(e) or (
                isinstance(missing, str) and missing not in cols
            ):
                raise ValueError(
                    f"LF {lf.name!r} reads a column {source} does not "
                    f"have ({missing!r}); its columns: {cols}"
                ) from e
        except Exception:  # other failures are the applier's to record
            pass


def _stem(out: str) -> str:
    out = out.rstrip("/")
    return out[: -len(".parquet")] if out.endswith(".parquet") else out


def _write_labels(
    part: pd.DataFrame, model: BaseLabeler, out: str, i: int, offset: int = 0
) -> int:
    """Probabilities and hard labels of one partition of L, written on the worker
    (``offset``: the partition's first row in the whole data, so tie choices
    equal those of one prediction over all rows)."""
    k = model.cardinality
    if len(part):  # the model's own predict: its tie handling, -1 on unvoted rows
        labels, probs = model.predict(
            part.to_numpy(), return_probs=True, row_offset=offset
        )
    else:
        labels, probs = np.zeros(0, np.int64), np.zeros((0, k))
    frame = pd.DataFrame(
        probs, index=part.index, columns=[f"prob_{c}" for c in range(k)]
    )
    frame["label"] = labels
    final = os.path.join(out, f"part.{i:05d}.parquet")
    tmp = f"{final}.tmp{os.getpid()}"
    frame.to_parquet(tmp)
    os.replace(tmp, final)
    return len(frame)


def run_pipeline(
    lfs: Sequence[LabelingFunction] | str,
    data: str | Sequence[str],
    out: str,
    scheduler: Any = None,
    cardinality: int | None = None,
    model: str | BaseLabeler = "LabelModel",
    n_workers: int = 2,
    progress_bar: bool = True,
    class_balance: Any = None,
) -> PipelineResult:
    """Run apply -> analyse -> fit -> predict over Parquet data on Dask.

    Parameters
    ----------
    lfs
        LFs, or the path of a Python file defining them (see :func:`load_lfs`).
    data
        Parquet files: a glob (``'data/*.parquet'``), a directory or a list.
    out
        Output directory for the probabilistic labels (siblings: see module doc).
    scheduler
        A ``Client`` or scheduler address; ``None`` starts a ``LocalCluster``
        with ``n_workers`` processes.
    cardinality
        Number of classes (default: the LF file's ``CARDINALITY``, else 2).
    model
        A model name from :data:`MODELS` or an unfitted model.
    n_workers : int, default 2
        Worker processes of the ``LocalCluster`` started when ``scheduler``
        is ``None``.
    progress_bar : bool, default True
        Show the apply pass's progress.
    class_balance : array-like, optional
        [k] class prior for the fit.

    Returns
    -------
    PipelineResult
        The output paths, the row count, the fitted model, the LF summary and
        the LF errors recorded.

    Raises
    ------
    FileNotFoundError
        If the LF file or the data does not exist.
    ValueError
        If the data cannot be read as Parquet, an LF reads a missing column,
        or ``model`` names no known model.

    Examples
    --------
    >>> import tempfile, dask
    >>> from snorkel_nb.labeling import keyword_lf
    >>> d = tempfile.mkdtemp()
    >>> pd.DataFrame({"text": ["great song", "spam link", "nice"] * 20}).to_parquet(
    ...     f"{d}/a.parquet")
    >>> lfs = [keyword_lf(["great", "nice"], label=0), keyword_lf(["spam"], label=1)]
    >>> res = run_pipeline(lfs, f"{d}/*.parquet", f"{d}/labels.parquet",
    ...                    scheduler="sync", model="MajorityLabelVoter",
    ...                    progress_bar=False)
    >>> pd.read_parquet(f"{d}/labels.parquet")["label"].tolist()[:3]
    [0, 1, 0]
    """
    import dask
    from dask.distributed import Client, LocalCluster

    from snorkel_nb.labeling import dask_stats
    from snorkel_nb.labeling.apply.dask import (
        DaskLFApplier,
        _prepare_dir,
        connect,
        read_parquet,
    )

    k_file = None
    if isinstance(lfs, (str, os.PathLike)):
        lfs, k_file = load_lfs(os.fspath(lfs))
    k = int(cardinality or k_file or 2)
    files = parquet_files(data)
    try:
        ddf = read_parquet(files)
    except Exception as e:
        raise ValueError(f"--data {data!r}: could not read as Parquet: {e}") from e
    check_columns(lfs, ddf.head(20, npartitions=1), f"--data {data!r}")
    if isinstance(model, str):
        if model not in MODELS:
            raise ValueError(f"unknown model {model!r}; choose from {list(MODELS)}")
        model = MODELS[model](cardinality=k)
    cluster = owned = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
        scheduler = owned = Client(cluster)
    elif isinstance(scheduler, str) and ":" in scheduler:
        scheduler = owned = connect(scheduler)[0]  # fails fast if unreachable
    stem = _stem(os.fspath(out))
    L_path, summary_path = f"{stem}_L.parquet", f"{stem}_lf_summary.csv"
    try:
        applier = DaskLFApplier(lfs)
        # one pass: L written to Parquet, statistics summed on the workers
        res = applier.apply_to_parquet(
            ddf, L_path, scheduler=scheduler, cardinality=k, progress_bar=progress_bar
        )
        L = res.read()
        model = dask_stats.fit(
            model,
            L,
            scheduler=scheduler,
            stats=res.stats,
            lengths=res.lengths,
            class_balance=class_balance,
        )
        if res.stats is not None and res.stats.patterns is not None:
            analysis = LFAnalysis.from_stats(res.stats, applier.names)
        else:
            analysis = dask_stats.analysis(
                L, applier.names, cardinality=k, scheduler=scheduler
            )
        _prepare_dir(os.fspath(out))
        ref = dask.delayed(model, pure=True)  # one copy of the model in the graph
        parts = L.to_delayed()
        lengths = list(res.lengths)
        if len(lengths) != len(parts):  # re-partitioned on read: count again
            lengths = list(L.map_partitions(len).compute(scheduler=scheduler))
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(int)
        tasks = [
            dask.delayed(_write_labels, pure=False)(
                p, ref, os.fspath(out), i, int(offsets[i])
            )
            for i, p in enumerate(parts)
        ]
        dask.compute(*tasks, scheduler=scheduler)
    finally:
        if owned is not None:
            owned.close()
        if cluster is not None:
            cluster.close()
    try:
        weights = model.get_weights()
    except (ValueError, AttributeError):
        weights = None
    summary = analysis.lf_summary(est_weights=weights)
    summary["Errors"] = [
        res.errors[n].n_failed if n in res.errors else 0 for n in applier.names
    ]
    summary.to_csv(summary_path)
    model_path = None
    if isinstance(model, FactorLabeler):
        model_path = f"{stem}_model.json"
        model.save(model_path)
    return PipelineResult(
        os.fspath(out),
        L_path,
        summary_path,
        model_path,
        res.n,
        model,
        summary,
        res.errors,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point (see the module docstring).

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments; default ``sys.argv[1:]``.

    Returns
    -------
    int
        0 on success, 2 on a bad input (the error is printed to stderr).
    """
    p = argparse.ArgumentParser(
        prog="python -m snorkel_nb.pipeline", description=__doc__.split("\n\n")[0]
    )
    p.add_argument("--lfs", required=True, help="Python file defining the LFs")
    p.add_argument("--data", required=True, help="Parquet glob, directory or file")
    p.add_argument("--out", required=True, help="output directory (labels.parquet)")
    p.add_argument("--scheduler", default=None, help="tcp://host:8786 (default: local)")
    p.add_argument("--model", default="LabelModel", choices=list(MODELS))
    p.add_argument("--cardinality", type=int, default=None)
    p.add_argument("--workers", type=int, default=2, help="LocalCluster processes")
    p.add_argument("--no-progress", action="store_true")
    a = p.parse_args(argv)
    try:
        res = run_pipeline(
            a.lfs,
            a.data,
            a.out,
            scheduler=a.scheduler,
            cardinality=a.cardinality,
            model=a.model,
            n_workers=a.workers,
            progress_bar=not a.no_progress,
        )
    except (ValueError, FileNotFoundError, ConnectionError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(res.summary.to_string())
    print(
        f"{res.n} rows -> {res.out} (label matrix {res.L_path}, summary "
        f"{res.summary_path})"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
