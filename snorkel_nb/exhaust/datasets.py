"""Loaders for public developer-exhaust data sets and the bundled samples.

* MetaQNN learning curves (CIFAR-10, SVHN): 20-epoch validation curves of
  Q-learning-generated CNNs (MIT licence, MITAutoML "accelerating_nas").
* Accel-NASBench (MnasNet search space on ImageNet): final top-1 accuracy and
  training time (Apache-2.0).

The package ships small samples of both (see ``data/ATTRIBUTION.md``) plus a
few generated Keras / Lightning / text logs, so tutorials run offline.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from snorkel_nb.exhaust.logs import PARSED_FIELDS, make_runs_table, read_wide_csv

__all__ = [
    "accel_nasbench_arch",
    "find_shared_data",
    "fixture_logs_dir",
    "load_accel_nasbench",
    "load_metaqnn",
]

DATA_DIR = Path(__file__).resolve().parent / "data"


def fixture_logs_dir() -> Path:
    """Folder of small generated training logs (Keras, Lightning, text).

    Examples
    --------
    >>> sorted(p.name for p in fixture_logs_dir().iterdir())[:2]
    ['keras_cnn_a.csv', 'keras_cnn_a.json']
    """
    return DATA_DIR / "logs"


def find_shared_data(sub: str = "exhaust") -> Path | None:
    """Locate ``shared/data/<sub>``: ``$SNORKEL_NB_DATA`` or a parent's ``shared/``.

    Returns ``None`` when absent (callers should then use the bundled samples).
    """
    env = os.environ.get("SNORKEL_NB_DATA")
    cands = [Path(env) / sub] if env else []
    for base in (Path.cwd(), Path(__file__).resolve()):
        for parent in [base, *base.parents]:
            cands.append(parent / "shared" / "data" / sub)
            cands.append(parent / "data" / sub)
    for c in cands:
        if c.is_dir():
            return c
    return None


def load_metaqnn(
    which: str = "cifar10", path: str | os.PathLike | None = None
) -> pd.DataFrame:
    """MetaQNN runs as a runs table (arch tokens, 20-epoch ``val_acc`` curve, lr).

    Parameters
    ----------
    which
        ``"cifar10"`` or ``"svhn"``.
    path
        The full CSV (``metaqnn_<which>.csv``); default the bundled sample of
        300 runs.

    Examples
    --------
    >>> runs = load_metaqnn("cifar10")
    >>> runs.shape[0], int(runs.loc[0, "n_epochs"])
    (300, 20)
    """
    if which not in ("cifar10", "svhn"):
        raise ValueError(f"which must be 'cifar10' or 'svhn', got {which!r}.")
    p = Path(path) if path is not None else DATA_DIR / f"metaqnn_{which}_sample.csv"
    runs = read_wide_csv(p, arch_col="net", curve_prefix="acc_")
    runs["run_id"] = [f"metaqnn-{which}-{i}" for i in range(len(runs))]
    # the CSV's depth is an architecture fact known before training: a feature
    runs.attrs[PARSED_FIELDS] = ["depth"]
    return runs


def accel_nasbench_arch(row: pd.Series | dict) -> list[str]:
    """MnasNet tokens ``MB<block>(expand,kernel,se)``, one per layer.

    Examples
    --------
    >>> accel_nasbench_arch({**{f"block{b}_{k}": 1 for b in range(7)
    ...                         for k in "ekl"}, **{f"block{b}_se": False
    ...                         for b in range(7)}})[:2]
    ['MB0(1,1,0)', 'MB1(1,1,0)']
    """
    toks = []
    for b in range(7):
        se = row[f"block{b}_se"]
        se = (
            int(str(se).lower() in ("true", "1", "1.0"))
            if not isinstance(se, bool)
            else int(se)
        )
        tok = f"MB{b}({int(row[f'block{b}_e'])},{int(row[f'block{b}_k'])},{se})"
        toks += [tok] * int(row[f"block{b}_l"])
    return toks


def load_accel_nasbench(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Accel-NASBench (MnasNet / ImageNet) as a runs table.

    No curves: ``final_val_acc`` (top-1 as a fraction) and ``train_time``
    (seconds) are scalars; ``num_params`` and ``macs`` are architecture facts
    known before training.

    Parameters
    ----------
    path
        The full CSV; default the bundled sample of 600 runs.

    Examples
    --------
    >>> runs = load_accel_nasbench()
    >>> runs.shape[0], bool(runs["final_val_acc"].between(0, 1).all())
    (600, True)
    """
    p = Path(path) if path is not None else DATA_DIR / "accel_nasbench_sample.csv"
    df = pd.read_csv(p)
    recs = []
    for i, row in df.iterrows():
        recs.append(
            {
                "run_id": f"anb-{row.get('result_id', i)}",
                "source": str(p),
                "arch": accel_nasbench_arch(row),
                "final_val_acc": float(row["val_top1"]) / 100.0,
                "train_time": float(row["train_time_s"]),
                "num_params": float(row["params_M"]) * 1e6,
                "macs": float(row["macs_M"]) * 1e6,
            }
        )
    return make_runs_table(recs)
