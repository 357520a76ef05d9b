"""Snorkel's spam data-augmentation tutorial, ported (import root changed only).

Snorkel's TFs there use spaCy and WordNet; these use a small synonym table and
word swaps so they run on bundled data with no model downloads. Checked:
every policy yields exactly the sequences it promises, the originals are kept
unchanged, and labels travel with their rows.
"""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from snorkel_nb.augmentation import (
    ApplyAllPolicy,
    ApplyEachPolicy,
    ApplyOnePolicy,
    MeanFieldPolicy,
    PandasTFApplier,
    RandomPolicy,
    TFApplier,
    transformation_function,
)
from snorkel_nb.preprocess import preprocessor

SYNONYMS = {"video": "clip", "song": "track", "great": "awesome", "love": "adore"}


@preprocessor()
def words(x):
    x.words = x.text.split()
    return x


@transformation_function(pre=[words])
def replace_with_synonym(x):
    hits = [i for i, w in enumerate(x.words) if w.lower() in SYNONYMS]
    if not hits:
        return None  # not applicable: the applier skips it
    i = hits[0]
    x.words[i] = SYNONYMS[x.words[i].lower()]
    x.text = " ".join(x.words)
    return x


@transformation_function()
def swap_first_two_words(x):
    w = x.text.split()
    if len(w) < 2:
        return None
    w[0], w[1] = w[1], w[0]
    x.text = " ".join(w)
    return x


@transformation_function()
def shout(x):
    x.text = x.text.upper()
    return x


TFS = [replace_with_synonym, swap_first_two_words, shout]


@pytest.fixture(scope="module")
def df_train(spam):
    return spam[0].head(200).copy()


def _expected(row, seq):
    """What a TF sequence makes of one row, or None if no TF applied."""
    x = SimpleNamespace(text=row.text, label=row.label, split=row.split)
    applied = False
    for i in seq:
        out = TFS[i](x)
        if out is not None:
            applied, x = True, out
    return vars(x) if applied else None


def test_mean_field_policy_tutorial_setting(df_train):
    np.random.seed(0)
    policy = MeanFieldPolicy(
        len(TFS),
        sequence_length=2,
        n_per_original=2,
        keep_original=True,
        p=[0.5, 0.25, 0.25],
    )
    tf_applier = PandasTFApplier(TFS, policy)
    before = df_train.copy()
    df_train_augmented = tf_applier.apply(df_train, progress_bar=False)
    pd.testing.assert_frame_equal(df_train, before)  # input untouched
    # fields added by a TF's preprocessor (``words``) are not columns of the output
    assert list(df_train_augmented.columns) == list(df_train.columns)
    assert len(df_train) <= len(df_train_augmented) <= 3 * len(df_train)
    # originals first, labels travel with their rows
    for idx, group in df_train_augmented.groupby(level=0, sort=False):
        assert group.iloc[0].text == df_train.loc[idx, "text"]
        assert (group.label == df_train.loc[idx, "label"]).all()
    assert df_train_augmented.label.dtype == df_train.label.dtype


def test_apply_each_policy_matches_each_tf_alone(df_train):
    policy = ApplyEachPolicy(len(TFS), keep_original=False)
    out = PandasTFApplier(TFS, policy).apply(df_train, progress_bar=False)
    expected = []
    for row in df_train.itertuples():
        for i in range(len(TFS)):
            x = _expected(row, [i])
            if x is not None:
                expected.append((row.Index, x["text"]))
    assert list(zip(out.index, out.text)) == expected


def test_apply_all_and_one_policies(df_train):
    all_out = PandasTFApplier(TFS, ApplyAllPolicy(len(TFS), keep_original=False)).apply(
        df_train, progress_bar=False
    )
    expected = [_expected(r, [0, 1, 2]) for r in df_train.itertuples()]
    assert all_out.text.tolist() == [x["text"] for x in expected if x is not None]

    one = PandasTFApplier([shout], ApplyOnePolicy(n_per_original=2, keep_original=True))
    one_out = one.apply(df_train, progress_bar=False)
    assert len(one_out) == 3 * len(df_train)
    assert (
        one_out.text.tolist()[:3]
        == [df_train.text.iloc[0]] + [df_train.text.iloc[0].upper()] * 2
    )


def test_random_policy_reproducible_with_numpy_seed(df_train):
    policy = RandomPolicy(
        len(TFS), sequence_length=2, n_per_original=1, keep_original=False
    )
    np.random.seed(1)
    a = PandasTFApplier(TFS, policy).apply(df_train, progress_bar=False)
    np.random.seed(1)
    b = PandasTFApplier(TFS, policy).apply(df_train, progress_bar=False)
    pd.testing.assert_frame_equal(a, b)


def test_tf_applier_on_a_list_and_generator(df_train):
    points = [SimpleNamespace(text=t) for t in df_train.text.head(10)]
    applier = TFApplier([shout], ApplyOnePolicy(keep_original=False))
    out = applier.apply(points, progress_bar=False)
    assert [p.text for p in out] == [p.text.upper() for p in points]
    batches = list(applier.apply_generator(points, batch_size=4))
    assert [len(b) for b in batches] == [4, 4, 2]
    assert points[0].text == df_train.text.iloc[0]  # originals unchanged


def test_tf_names_must_be_unique():
    with pytest.raises(ValueError, match="2 operators with name shout"):
        PandasTFApplier([shout, shout], ApplyAllPolicy(2))
