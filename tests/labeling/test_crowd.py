"""Crowd votes <-> label matrix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from snorkel_nb.labeling.crowd import crowd_to_label_matrix, label_matrix_to_crowd


def votes_frame(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for item in range(40):
        for w in rng.choice(8, size=3, replace=False):
            rows.append(
                {
                    "item": f"doc{item:02d}",
                    "worker": f"w{w}",
                    "label": int(rng.integers(0, 3)),
                }
            )
    return pd.DataFrame(rows)


def test_round_trip():
    df = votes_frame()
    L, items, workers = crowd_to_label_matrix(df)
    assert L.shape == (40, 8) and L.dtype == np.int8
    assert ((L != -1).sum(axis=1) == 3).all()
    back = label_matrix_to_crowd(L, items, workers)
    key = ["item", "worker"]
    a = df.sort_values(key).reset_index(drop=True)
    b = back.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
    L2, items2, workers2 = crowd_to_label_matrix(back)
    np.testing.assert_array_equal(L, L2)


def test_string_labels_and_custom_columns():
    df = pd.DataFrame(
        {"q": [1, 1, 2], "annotator": ["x", "y", "x"], "ans": ["cat", "dog", "dog"]}
    )
    L, items, workers = crowd_to_label_matrix(
        df, item="q", worker="annotator", label="ans", labels=["cat", "dog"]
    )
    assert L.tolist() == [[0, 1], [1, -1]] and items.tolist() == [1, 2]
    back = label_matrix_to_crowd(
        L,
        items,
        workers,
        item="q",
        worker="annotator",
        label="ans",
        labels=["cat", "dog"],
    )
    assert back["ans"].tolist() == ["cat", "dog", "dog"]
    with pytest.raises(ValueError, match="labels="):
        crowd_to_label_matrix(df, item="q", worker="annotator", label="ans")
    with pytest.raises(ValueError, match="not in labels"):
        crowd_to_label_matrix(
            df, item="q", worker="annotator", label="ans", labels=["cat"]
        )
    with pytest.raises(ValueError, match="lack column"):
        crowd_to_label_matrix(df)


def test_min_votes_grouping_duplicates_and_items_order():
    df = pd.DataFrame(
        {
            "item": [0, 0, 0, 1, 1, 2, 2, 2],
            "worker": ["a", "b", "c", "a", "b", "a", "a", "a"],
            "label": [1, 0, 1, 1, 1, 0, 0, 1],
        }
    )
    # c has 1 vote: dropped, or pooled into "rare"
    L, _, workers = crowd_to_label_matrix(df, min_votes=2)
    assert workers.tolist() == ["a", "b"]
    L, _, workers = crowd_to_label_matrix(df, min_votes=2, group_by="rare")
    assert workers.tolist() == ["a", "b", "rare"] and L[0, 2] == 1
    # a worker voting 3 times on item 2: majority (0)
    assert L[2, 0] == 0
    # grouping by a mapping: a and b pooled -> majority, tie -> abstain
    Lg, _, groups = crowd_to_label_matrix(df, group_by={"a": "vendor1", "b": "vendor1"})
    assert groups.tolist() == ["c", "vendor1"]
    assert Lg[0, 1] == -1 and Lg[1, 1] == 1
    # explicit items: unseen items are all-abstain rows
    L3, items, _ = crowd_to_label_matrix(df, items=[2, 1, 0, 99])
    assert items.tolist() == [2, 1, 0, 99] and (L3[3] == -1).all()
    with pytest.raises(ValueError, match="not in items"):
        crowd_to_label_matrix(df, items=[0, 1])


def test_label_models_weigh_workers():
    """A reliable worker outweighs two noisy ones under Dawid-Skene."""
    ds = pytest.importorskip("snorkel_nb.labeling.model")
    if not hasattr(ds, "DawidSkene"):
        pytest.skip("DawidSkene not available")
    rng = np.random.default_rng(0)
    n, acc = 400, {"good": 0.95, "ok1": 0.7, "ok2": 0.7, "bad": 0.55}
    y = rng.integers(0, 2, n)
    rows = []
    for w, a in acc.items():
        for i in range(n):
            if rng.random() < 0.8:
                rows.append((i, w, int(y[i] if rng.random() < a else 1 - y[i])))
    L, items, workers = crowd_to_label_matrix(
        pd.DataFrame(rows, columns=["item", "worker", "label"])
    )
    model = ds.DawidSkene(cardinality=2).fit(L)
    from snorkel_nb.labeling.model import MajorityLabelVoter

    acc_ds = np.mean(model.predict(L, tie_break_policy="random") == y[items])
    acc_mv = np.mean(
        MajorityLabelVoter(2).predict(L, tie_break_policy="random") == y[items]
    )
    assert acc_ds >= acc_mv
