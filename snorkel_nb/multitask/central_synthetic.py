"""A synthetic family of related tasks for the central model (tests, bench).

Every task's label is the argmax of a random linear read-out of the same
few latent factors ``z = X @ W`` (so the tasks share structure a trunk can
learn once), and its LFs are noisy copies of the true label with planted
accuracies and propensities, stored as vote columns ``v<task>_<j>`` of the
DataFrame. Each LF is compiled from source (``compile_lf``) so the registry
can rebuild it after a restart.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from snorkel_nb.labeling import LabelingFunction
from snorkel_nb.labeling.source import compile_lf
from snorkel_nb.multitask.central_types import CentralData


@dataclasses.dataclass
class TaskFamily:
    """``X``/``df`` (train) and ``X_dev``/``dev``, per task its labels, LFs
    and gold train / dev labels."""

    X: np.ndarray
    df: pd.DataFrame
    X_dev: np.ndarray
    dev: pd.DataFrame
    labels: dict[str, list[str]]
    lfs: dict[str, list[LabelingFunction]]
    y: dict[str, np.ndarray]
    y_dev: dict[str, np.ndarray]
    accuracies: dict[str, np.ndarray]


def vote_lf(column: str, name: str | None = None) -> LabelingFunction:
    """An LF that returns the vote stored in ``column`` (-1 abstains).

    Parameters
    ----------
    column
        The DataFrame column holding the votes.
    name
        The LF's name; default ``"lf_<column>"``.

    Returns
    -------
    LabelingFunction
        Compiled from source (so the central model can store it), with a
        vectorised ``batch`` that reads the column at once.

    Examples
    --------
    >>> lf = vote_lf("v0")
    >>> lf(pd.Series({"v0": 2})), lf.name
    (2, 'lf_v0')
    """
    name = name or f"lf_{column}"
    src = (
        f"@labeling_function(name={name!r})\n"
        f"def {name}(x):\n    return int(x[{column!r}])\n"
    )
    lf = compile_lf(src)
    col = column
    lf.batch = lambda df: df[col].to_numpy()
    return lf


def task_family(
    n_tasks: int = 10,
    n: int = 2000,
    n_dev: int = 300,
    d: int = 16,
    n_factors: int = 4,
    k: int = 3,
    m_lfs: int = 4,
    acc_range: tuple[float, float] = (0.6, 0.85),
    propensity: tuple[float, float] = (0.3, 0.7),
    seed: int = 0,
    features: np.ndarray | None = None,
    prefix: str = "t",
) -> TaskFamily:
    """Draw ``n_tasks`` related ``k``-class tasks over shared features.

    ``features``: ``[n + n_dev, d]`` features to read the tasks out of (e.g.
    an SVD of real texts' TF-IDF, so the tasks live on real rows); default
    Gaussian ones. Tasks are named ``<prefix>0``, ``<prefix>1``, ...

    Parameters
    ----------
    n_tasks
        Number of tasks.
    n, n_dev
        Train and dev rows.
    d
        Feature dimension (taken from ``features`` when given).
    n_factors
        Shared latent factors: each task is the argmax of a random linear
        read-out of ``X @ W``, so the tasks are related.
    k
        Classes per task.
    m_lfs
        LFs per task; LF ``j`` of task ``<task>`` votes in column
        ``"v<task>_<j>"``.
    acc_range
        Each LF's accuracy when it fires is drawn uniformly from it.
    propensity
        Each LF's firing rate is drawn uniformly from it.
    seed
        Seed of every draw.
    features
        Optional ``[n + n_dev, d]`` features.
    prefix
        Task name prefix.

    Returns
    -------
    TaskFamily
        Features, vote frames, labels, LFs, gold ``y`` / ``y_dev`` and the
        planted LF ``accuracies`` per task.

    Raises
    ------
    ValueError
        If ``features`` is not 2-D with ``n + n_dev`` rows.

    Examples
    --------
    >>> fam = task_family(n_tasks=2, n=500, seed=0)
    >>> sorted(fam.lfs), len(fam.lfs["t0"]), fam.X.shape
    (['t0', 't1'], 4, (500, 16))
    >>> v = fam.df["vt0_0"].to_numpy()
    >>> fired = v >= 0
    >>> bool(abs((v[fired] == fam.y["t0"][fired]).mean() - fam.accuracies["t0"][0])
    ...      < 0.08)
    True
    """
    rng = np.random.default_rng(seed)
    if features is not None:
        X = np.asarray(features, dtype=np.float32)
        if X.ndim != 2 or len(X) != n + n_dev:
            raise ValueError(
                f"features must be [n + n_dev = {n + n_dev}, d]; got {X.shape}"
            )
        d = X.shape[1]
    W = rng.normal(size=(d, n_factors))
    if features is None:
        X = rng.normal(size=(n + n_dev, d)).astype(np.float32)
    z = X @ W
    cols: dict[str, np.ndarray] = {}
    labels, lfs, y, y_dev, accs = {}, {}, {}, {}, {}
    for t in range(n_tasks):
        name = f"{prefix}{t}"
        A = rng.normal(size=(n_factors, k))
        yt = (z @ A).argmax(1)
        acc = rng.uniform(*acc_range, size=m_lfs)
        prop = rng.uniform(*propensity, size=m_lfs)
        for j in range(m_lfs):
            fires = rng.random(n + n_dev) < prop[j]
            right = rng.random(n + n_dev) < acc[j]
            wrong = (yt + rng.integers(1, k, size=n + n_dev)) % k
            cols[f"v{name}_{j}"] = np.where(fires, np.where(right, yt, wrong), -1)
        labels[name] = [f"{name}_c{c}" for c in range(k)]
        lfs[name] = [vote_lf(f"v{name}_{j}") for j in range(m_lfs)]
        y[name], y_dev[name], accs[name] = yt[:n], yt[n:], acc
    full = pd.DataFrame(cols)
    return TaskFamily(
        X[:n],
        full.iloc[:n].reset_index(drop=True),
        X[n:],
        full.iloc[n:].reset_index(drop=True),
        labels,
        lfs,
        y,
        y_dev,
        accs,
    )


def family_data(fam: TaskFamily, tasks: list[str] | None = None) -> CentralData:
    """The family as :class:`CentralData` (gold dev labels for ``tasks``,
    default all).

    Parameters
    ----------
    fam
        From :func:`task_family`.
    tasks
        Tasks whose gold dev labels are given; ``None`` for all.

    Returns
    -------
    CentralData

    Examples
    --------
    >>> data = family_data(task_family(n_tasks=2, n=100, n_dev=20), ["t1"])
    >>> list(data.gold_dev), data.X.shape
    (['t1'], (100, 16))
    """
    gold = {t: fam.y_dev[t] for t in (tasks or list(fam.y_dev))}
    return CentralData(fam.df, fam.X, fam.dev, fam.X_dev, gold_dev=gold)
