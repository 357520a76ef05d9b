"""Label-model benchmark: snorkel_nb vs Snorkel, FlyingSquid, Dawid-Skene, majority vote.

Usage::

    python bench/labelmodel_bench.py --quick   # real sets + small synthetic grid
    python bench/labelmodel_bench.py --full    # the issue grid, incl. 1M rows

Every model runs in this process with ONE thread (set before numpy/torch are
imported). Results go to ``bench/results/labelmodel.md`` and are printed.
Real data come from ``../shared/data/ws``; the CDR pickles are unpickled here
only (trusted conversion step), never in the package.
"""

from __future__ import annotations

import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)

from snorkel_nb.labeling.model import (  # noqa: E402
    DawidSkene,
    LabelModel,
    MajorityLabelVoter,
    generate_synthetic,
)
from snorkel_nb.labeling.model.base import _metric, probs_to_preds  # noqa: E402

ROOT = Path(__file__).resolve().parent
DATA = ROOT.parent.parent / "shared" / "data" / "ws"
TREC_LABELS = ["ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM"]
TREC_RULE = {"ABBREVIATION": "ABBR", "DESCRIPTION": "DESC", "ENTITY": "ENTY",
             "HUMAN": "HUM", "LOCATION": "LOC", "NUMERIC": "NUM"}


# ---------------------------------------------------------------- real data
def _wrench(name: str, split: str) -> tuple[np.ndarray, np.ndarray]:
    d = json.loads((DATA / name / f"{split}.json").read_text())
    L = np.array([v["weak_labels"] for v in d.values()], dtype=np.int8)
    Y = np.array([v["label"] for v in d.values()], dtype=np.int64)
    return L, Y


def _trec(split: str) -> tuple[np.ndarray, np.ndarray]:
    rules = []
    for line in (DATA / "trec" / "rule.txt").read_text().splitlines():
        if not line.strip():
            continue
        lab, pat = line.split("\t")[:2]
        rules.append((TREC_LABELS.index(TREC_RULE[lab.strip()]), re.compile(pat)))
    texts, Y = [], []
    for line in (DATA / "trec" / f"{split}.txt").read_text(encoding="latin-1").splitlines():
        if ":" not in line:
            continue
        lab, text = line.split(":", 1)
        if split == "test":  # "NUM:dist How far ...": drop the fine label, lowercase
            text = text.split(" ", 1)[1].lower()
        Y.append(TREC_LABELS.index(lab.strip()))
        texts.append(text.strip())
    L = np.full((len(texts), len(rules)), -1, dtype=np.int8)
    for j, (lab, rx) in enumerate(rules):
        for i, t in enumerate(texts):
            if rx.search(t):
                L[i, j] = lab
    return L, np.array(Y)


def _cdr() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    import pickle
    import zipfile

    z = zipfile.ZipFile(DATA / "cdr" / "cdr_data.zip")
    # Trusted conversion step (MeTaL tutorial release): pickles only here.
    L_train, L_dev = pickle.loads(z.read("Ls"))  # noqa: S301
    Ys = pickle.loads(z.read("Ys"))  # noqa: S301

    def conv(Lsp):  # MeTaL: 0 abstain, 1 = positive (causes), 2 = negative
        dense = np.asarray(Lsp.todense()).astype(np.int64)
        return np.where(dense == 0, -1, np.where(dense == 1, 1, 0)).astype(np.int8)

    def convy(y):
        y = np.asarray(y)
        return np.where(y == 1, 1, 0).astype(np.int64)

    return conv(L_train), conv(L_dev), convy(Ys[0]), convy(Ys[1])


def real_sets() -> list[dict]:
    """[(name, k, L_fit, L_eval, Y_eval, Y_dev)] for the sets present on disk."""
    out = []
    if (DATA / "youtube").exists():
        Lt, _ = _wrench("youtube", "train")
        Le, Ye = _wrench("youtube", "test")
        _, Yd = _wrench("youtube", "valid")
        out.append(dict(name="youtube (test)", k=2, L=Lt, Le=Le, Ye=Ye, Yd=Yd))
    if (DATA / "hausa").exists():
        Lt, _ = _wrench("hausa", "train")
        Le, Ye = _wrench("hausa", "test")
        _, Yd = _wrench("hausa", "valid")
        out.append(dict(name="hausa (test)", k=5, L=Lt, Le=Le, Ye=Ye, Yd=Yd))
    if (DATA / "trec").exists():
        Lt, _ = _trec("train")
        Le, Ye = _trec("test")
        _, Yd = _trec("valid")
        out.append(dict(name="trec (test)", k=6, L=Lt, Le=Le, Ye=Ye, Yd=Yd))
    if (DATA / "cdr").exists():
        Lt, Ld, _, Yd = _cdr()
        out.append(dict(name="cdr (dev)", k=2, L=Lt, Le=Ld, Ye=Yd, Yd=Yd))
    return out
