"""LF suggestions: deterministic, improve coverage, dev precision, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from snorkel_nb.labeling.explain import ExplanationCompiler
from snorkel_nb.labeling.suggest import suggest_lfs


def synthetic(n: int = 600, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    spam = ["win cash", "free prize", "click link", "subscribe now"]
    ham = ["great song", "love melody", "nice voice", "good lyrics"]
    filler = ["the", "a", "today", "really", "video", "this"]
    rows = []
    for _ in range(n):
        y = int(rng.integers(0, 2))
        key = (spam if y else ham)[int(rng.integers(0, 4))]
        words = list(rng.choice(filler, 3)) + [key]
        rng.shuffle(words)
        rows.append({"text": " ".join(words), "label": y})
    df = pd.DataFrame(rows)
    return df.iloc[: n - 100].reset_index(drop=True), df.iloc[n - 100 :].reset_index(
        drop=True
    )


def test_suggestions_improve_coverage_and_are_reproducible():
    train, dev = synthetic()
    lfs = (
        ExplanationCompiler(["HAM", "SPAM"])
        .compile_all(
            [
                "SPAM because it contains 'win cash'",
                "HAM because it contains 'great song'",
            ]
        )
        .lfs
    )
    from snorkel_nb.labeling.apply import PandasLFApplier

    L = PandasLFApplier(lfs).apply(train, progress_bar=False)
    cov0 = float((L != -1).any(axis=1).mean())
    s1 = suggest_lfs(train, L=L, labels=["HAM", "SPAM"], dev=dev, top_k=6)
    s2 = suggest_lfs(
        train.copy(), L=L.copy(), labels=["HAM", "SPAM"], dev=dev.copy(), top_k=6
    )
    assert s1.to_frame().equals(s2.to_frame())
    assert len(s1) >= 4
    new = s1.lfs()
    L2 = np.column_stack([L] + [np.asarray(lf.batch(train)) for lf in new])
    cov1 = float((L2 != -1).any(axis=1).mean())
    assert cov1 > cov0 + 0.3
    # suggestions target uncovered points and are precise on this clean data
    df = s1.to_frame()
    assert (df["dev_precision"].dropna() >= 0.99).all()
    assert not df["ngram"].isin(["win cash", "great song"]).any()
    gold = train["label"].to_numpy()
    for lf, s in zip(new, s1):
        votes = np.asarray(lf.batch(train))
        assert np.mean(gold[votes != -1] == s.label) > 0.99
        assert s.coverage == pytest.approx(np.mean(votes != -1))


def test_weak_labels_without_dev_and_lfs_argument():
    train, _ = synthetic(seed=1)
    lfs = (
        ExplanationCompiler(["HAM", "SPAM"])
        .compile_all(
            [
                "SPAM because it contains 'win cash' or 'free prize'",
                "HAM because it contains 'great song' or 'love melody'",
            ]
        )
        .lfs
    )
    s = suggest_lfs(train, lfs=lfs, labels=["HAM", "SPAM"], target="all", top_k=3)
    assert len(s) > 0 and set(s.to_frame()["label_source"]) == {"weak"}


def test_errors_and_empty():
    train, _ = synthetic(200)
    with pytest.raises(ValueError, match="dev gold"):
        suggest_lfs(train)
    with pytest.raises(ValueError, match="no column"):
        suggest_lfs(train, field="body")
    L = np.ones((len(train), 1), dtype=int)  # everything covered, no conflict
    assert len(suggest_lfs(train, L=L, target="uncovered")) == 0
