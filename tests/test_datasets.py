import re

import numpy as np

from snorkel_nb.datasets import (
    TREC_CLASSES,
    load_trec,
    load_youtube,
    load_youtube_weak_labels,
    small_data,
    trec_rules,
)


def test_youtube_splits_and_weak_labels_align():
    train, valid, test = load_youtube()
    assert (len(train), len(valid), len(test)) == (1586, 120, 250)
    for df in (train, valid, test):
        assert set(df["label"]) == {0, 1}
        assert (
            df["text"].map(len).min() > 0
            and not df["text"].str.contains("\ufeff").any()
        )
    weak = load_youtube_weak_labels()
    assert {k: v.shape for k, v in weak.items()} == {
        "train": (1586, 10),
        "valid": (120, 10),
        "test": (250, 10),
    }
    assert weak["train"].dtype == np.int8 and weak["train"].min() == -1
    # WRENCH LF 2 is the "http" keyword LF: it fires on comments with a link
    has_link = train["text"].str.contains("http")
    assert (weak["train"][has_link.to_numpy(), 2] == 1).mean() > 0.9


def test_trec_splits_are_uniform_and_rules_apply():
    splits = load_trec()
    assert [len(s) for s in splits] == [4965, 500, 500]
    for s in splits:
        assert s["label"].between(0, 5).all()
        assert (s["label_name"] == s["label"].map(TREC_CLASSES.__getitem__)).all()
        assert (s["text"] == s["text"].str.lower()).all()
    # the test file's fine labels ("NUM:dist How far ...") are stripped
    assert splits[2]["text"].iloc[0].startswith("how far")
    rules = trec_rules()
    assert len(rules) == 68 and set(rules["label_name"]) == set(TREC_CLASSES)
    fired = splits[2]["text"].map(
        lambda t: any(re.search(p, t) for p in rules["pattern"])
    )
    assert fired.mean() > 0.9


def test_small_data_switch(monkeypatch):
    monkeypatch.setenv("SNORKEL_NB_SMALL", "1")
    assert small_data()
    monkeypatch.setenv("SNORKEL_NB_SMALL", "0")
    assert not small_data()
