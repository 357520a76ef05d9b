"""The real label matrices the label-model benchmarks use, converted from
``../shared/data`` (plain formats only: JSON, CSV, MATLAB ``.mat``; CDR's
pickles are read here alone, a trusted conversion step).

Each loader returns a dict with ``name``, ``k``, ``L`` (the matrix a model is
fit on, without gold), ``Le`` / ``Ye`` (the evaluation matrix and its gold),
``Yd`` (dev gold, for "given the balance" variants) and ``metric``
(``"accuracy"`` or ``"f1"``, WRENCH's choice for the set). Crowd sets have no
split: models are fit and scored on the same items (``Le is L``).

``python tools/convert_label_sets.py`` writes every set as one NPZ file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from snorkel_nb.labeling.crowd import crowd_to_label_matrix
from snorkel_nb.labeling.model.synthetic import simulate_workers

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
WS, CROWD = SHARED / "ws", SHARED / "crowd"
TREC_LABELS = ["ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM"]
TREC_RULE = {
    "ABBREVIATION": "ABBR",
    "DESCRIPTION": "DESC",
    "ENTITY": "ENTY",
    "HUMAN": "HUM",
    "LOCATION": "LOC",
    "NUMERIC": "NUM",
}
WEATHER_LABELS = [
    "Negative",
    "Positive",
    "I can't tell",
    "Neutral / author is just sharing information",
    "Tweet not related to weather condition",
]


def _wrench_json(name: str, split: str) -> tuple[np.ndarray, np.ndarray]:
    d = json.loads((WS / name / f"{split}.json").read_text())
    L = np.array([v["weak_labels"] for v in d.values()], dtype=np.int8)
    Y = np.array([v["label"] for v in d.values()], dtype=np.int64)
    return L, Y


def _split_set(name: str, k: int, metric: str, train, test, valid) -> dict:
    (L, Yt), (Le, Ye), (_, Yd) = train, test, valid
    return dict(name=name, k=k, L=L, Le=Le, Ye=Ye, Yd=Yd, Yt=Yt, metric=metric)


def youtube() -> dict:
    return _split_set(
        "youtube",
        2,
        "accuracy",
        *(_wrench_json("youtube", s) for s in ("train", "test", "valid")),
    )


def hausa() -> dict:
    return _split_set(
        "hausa",
        5,
        "accuracy",
        *(_wrench_json("hausa", s) for s in ("train", "test", "valid")),
    )


def _trec_split(split: str) -> tuple[np.ndarray, np.ndarray]:
    rules = []
    for line in (WS / "trec" / "rule.txt").read_text().splitlines():
        if line.strip():
            lab, pat = line.split("\t")[:2]
            rules.append((TREC_LABELS.index(TREC_RULE[lab.strip()]), re.compile(pat)))
    texts, Y = [], []
    path = WS / "trec" / f"{split}.txt"
    for line in path.read_text(encoding="latin-1").splitlines():
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


def trec() -> dict:
    return _split_set(
        "trec", 6, "accuracy", *(_trec_split(s) for s in ("train", "test", "valid"))
    )


def cdr() -> dict:
    import pickle
    import zipfile

    z = zipfile.ZipFile(WS / "cdr" / "cdr_data.zip")
    # Trusted conversion step (MeTaL tutorial release): pickles only here.
    L_train, L_dev = pickle.loads(z.read("Ls"))[:2]
    Ys = pickle.loads(z.read("Ys"))

    def conv(Lsp):  # MeTaL: 0 abstain, 1 = positive (causes), 2 = negative
        dense = np.asarray(Lsp.todense()).astype(np.int64)
        return np.where(dense == 0, -1, np.where(dense == 1, 1, 0)).astype(np.int8)

    def convy(y):
        return np.where(np.asarray(y) == 1, 1, 0).astype(np.int64)

    Yd = convy(Ys[1])
    return dict(
        name="cdr",
        k=2,
        L=conv(L_train),
        Le=conv(L_dev),
        Ye=Yd,
        Yd=Yd,
        Yt=convy(Ys[0]),
        metric="f1",
    )


def _mat(name: str, metric: str) -> dict:
    from scipy.io import loadmat

    d = loadmat(WS / name / f"{name}.mat")

    def split(key: str, gold: str) -> tuple[np.ndarray, np.ndarray]:
        return d[key].astype(np.int8), d[gold].ravel().astype(np.int64)

    train = split("train_pred", "train_labels")
    k = int(max(train[0].max(), train[1].max())) + 1
    return _split_set(
        name,
        k,
        metric,
        train,
        split("test_pred", "test_labels"),
        split("val_pred", "validation_labels"),
    )


def imdb() -> dict:
    return _mat("imdb", "accuracy")


def basketball() -> dict:
    return _mat("basketball", "f1")


def _crowd_set(name: str, L: np.ndarray, Y: np.ndarray, k: int) -> dict:
    return dict(name=name, k=k, L=L, Le=L, Ye=Y, Yd=Y, Yt=Y, metric="accuracy")


def rte() -> dict:
    """Snow et al. (2008) RTE: 800 items x 164 workers, binary, gold for all."""
    df = pd.read_csv(CROWD / "rte" / "rte.standardized.csv")
    L, items, _ = crowd_to_label_matrix(
        df, item="orig_id", worker="!amt_worker_ids", label="response"
    )
    gold = df.groupby("orig_id")["gold"].first()
    return _crowd_set("rte (crowd)", L.astype(np.int8), gold.loc[items].to_numpy(), 2)


def weather() -> dict:
    """CrowdFlower weather tweets: 1,000 x 102 workers, 5 classes. Gold: the
    632 tweets whose aggregated answer a second job judged correct with
    confidence 1 (see SOURCE.md: this gold is itself crowd-derived)."""
    votes = pd.read_csv(CROWD / "weather" / "weather-non-agg-DFE.csv")
    ref = pd.read_csv(CROWD / "weather" / "weather-evaluated-agg-DFE.csv")
    L, items, _ = crowd_to_label_matrix(
        votes,
        item="tweet_id",
        worker="worker_id",
        label="emotion",
        labels=WEATHER_LABELS,
    )
    ok = ref[(ref.correct_category == "Yes") & (ref.correct_category_conf == 1)]
    gold = dict(zip(ok.tweet_id, ok.sentiment.map(WEATHER_LABELS.index)))
    Y = np.array([gold.get(i, -1) for i in items], dtype=np.int64)
    return _crowd_set("weather (crowd)", L.astype(np.int8), Y, 5)


def youtube_workers(n_workers: int = 30, per_item: int = 5, seed: int = 0) -> dict:
    """YouTube's train items labelled by simulated crowd workers with
    asymmetric confusions (``simulate_workers``)."""
    Y = youtube()["Yt"]
    L = simulate_workers(Y, 2, n_workers=n_workers, per_item=per_item, seed=seed)
    return _crowd_set("youtube (simulated workers)", L, Y, 2)


ALL = (youtube, hausa, trec, cdr, imdb, basketball, rte, weather, youtube_workers)


def available() -> list[dict]:
    """Every set whose files are present (the others are skipped)."""
    out = []
    for fn in ALL:
        try:
            out.append(fn())
        except FileNotFoundError:
            continue
    return out
