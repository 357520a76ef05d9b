"""LF builders: batch == row-wise votes, validation, names/specs, applier groups."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snorkel_nb.labeling import PandasLFApplier
from snorkel_nb.labeling.builders import (
    REGEX_GROUP,
    apply_regex_group,
    keyword_lf,
    lookup_lf,
    model_lf,
    regex_lf,
)

DF = pd.DataFrame(
    {
        "text": [
            "Subscribe to my channel!",
            "nice song",
            None,
            "SUBSCRIBED already",
            "check it out: http://x.co",
            "I love New-York and paris",
            float("nan"),
            "my  channel",
            "",
            "Straße İstanbul",
        ],
        "user": ["BOT99 ", "alice", "bob", None, "spambot", 7, "x", "y", "z", "w"],
    }
)


def rowwise(lf, df: pd.DataFrame) -> list[int]:
    return [lf(row) for _, row in df.iterrows()]


def check_same(lf, df: pd.DataFrame = DF) -> list[int]:
    got = lf.batch(df)
    assert isinstance(got, np.ndarray) and got.shape == (len(df),)
    assert got.tolist() == rowwise(lf, df)
    return got.tolist()


# -- keyword_lf ----------------------------------------------------------------


def test_keyword_whole_word_case_insensitive() -> None:
    lf = keyword_lf(["subscribe", "my channel"], label=1)
    assert lf.name == "keyword_subscribe_my_channel"
    assert check_same(lf) == [1, -1, -1, -1, -1, -1, -1, -1, -1, -1]
    assert "subscribe" in lf.description


def test_keyword_substring_and_case_sensitive() -> None:
    sub = keyword_lf("subscribe", 1, whole_word=False)
    assert check_same(sub)[:4] == [1, -1, -1, 1]
    cs = keyword_lf(["SUBSCRIBE"], 0, case_sensitive=True, whole_word=False)
    assert check_same(cs)[:4] == [-1, -1, -1, 0]
    assert keyword_lf("istanbul", 2).batch(DF)[-1] == 2  # İ folds like re.I


def test_keyword_names_and_spec() -> None:
    lf = keyword_lf(["a", "b", "c", "d"], 0)
    assert lf.name == "keyword_a_b_c_etc"
    assert lf.spec == {
        "builder": "keyword_lf",
        "args": {
            "words": ["a", "b", "c", "d"],
            "label": 0,
            "field": "text",
            "name": "keyword_a_b_c_etc",
            "case_sensitive": False,
            "whole_word": True,
        },
        "exportable": True,
    }
    json.dumps(lf.spec)
    assert keyword_lf(["!!"], 0).name.startswith("keyword_")


@pytest.mark.parametrize("words", [[], [""], [None]])
def test_keyword_rejects_bad_words(words) -> None:
    with pytest.raises(ValueError, match="keyword"):
        keyword_lf(words, 1)


@pytest.mark.parametrize("label", [-1, 1.0, "1", True, None])
def test_builders_reject_bad_labels(label) -> None:
    for make in (
        lambda: keyword_lf(["x"], label),
        lambda: regex_lf("x", label),
        lambda: lookup_lf("text", {"x"}, label=label),
    ):
        with pytest.raises(ValueError, match="int >= 0|needs `label`"):
            make()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(alphabet="ab .-İ", min_size=1, max_size=4), min_size=1, max_size=3
    ),
    st.lists(
        st.one_of(st.none(), st.text(alphabet="abAB .-İı", max_size=10)), max_size=15
    ),
    st.booleans(),
    st.booleans(),
)
def test_keyword_batch_equals_rowwise(words, texts, cs, ww) -> None:
    lf = keyword_lf(words, 3, case_sensitive=cs, whole_word=ww)
    check_same(lf, pd.DataFrame({"text": pd.Series(texts, dtype=object)}))


# -- regex_lf ------------------------------------------------------------------


def test_regex_defaults_and_flags() -> None:
    lf = regex_lf(r"check.*out", 1)
    assert lf.name == "regex_check_out"
    assert check_same(lf)[4] == 1
    assert regex_lf(r"CHECK", 1, flags=0).batch(DF)[4] == -1
    assert lf.spec["args"]["flags"] == ["IGNORECASE"]
    assert lf.batch_group == ((REGEX_GROUP, "text"), apply_regex_group)


def test_regex_bad_pattern_names_lf_and_error() -> None:
    with pytest.raises(ValueError, match=r"LF 'bad'.*invalid regex '\(ab'.*"):
        regex_lf("(ab", 1, name="bad")
    with pytest.raises(ValueError, match="non-empty"):
        regex_lf("", 1)


def test_missing_column_lists_available() -> None:
    lf = regex_lf("x", 1, field="body")
    with pytest.raises(
        ValueError, match=r"'body'.*available columns: \['text', 'user'\]"
    ):
        lf.batch(DF)
    with pytest.raises(ValueError, match="no field 'body'"):
        lf(DF.iloc[0])


def test_group_matches_individual_batches_and_applier() -> None:
    lfs = [
        regex_lf(r"\bmy\b", 0),
        keyword_lf(["song"], 1),
        regex_lf("^s", 2),
        regex_lf("bot", 3, field="user"),
    ]
    L_group = apply_regex_group(DF, lfs)
    L_each = np.stack([lf.batch(DF) for lf in lfs], axis=1)
    np.testing.assert_array_equal(L_group, L_each)
    L = PandasLFApplier(lfs).apply(DF, progress_bar=False)
    np.testing.assert_array_equal(L, L_each)
    assert L_each[:, 3].tolist() == [3, -1, -1, -1, 3, -1, -1, -1, -1, -1]


# -- lookup_lf -----------------------------------------------------------------


def test_lookup_exact_set_and_dict() -> None:
    lf = lookup_lf("user", {"spambot", "bot99"}, label=1)
    assert lf.name == "lookup_user_1"
    assert check_same(lf) == [1, -1, -1, -1, 1, -1, -1, -1, -1, -1]
    lf2 = lookup_lf("user", {"alice": 0, 7: 2}, normalize=False)
    assert check_same(lf2)[:6] == [-1, 0, -1, -1, -1, 2]
    json.dumps(lf2.spec)


def test_lookup_token_mode_ngrams() -> None:
    lf = lookup_lf("text", {"new york": 0, "paris": 1, "york": 2}, match="token")
    assert check_same(lf)[5] == 0  # leftmost-longest: "new york" beats "york"
    lf2 = lookup_lf("text", ["channel"], label=4, match="token")
    assert check_same(lf2) == [4, -1, -1, -1, -1, -1, -1, 4, -1, -1]


def test_lookup_validation() -> None:
    with pytest.raises(ValueError, match="empty"):
        lookup_lf("text", set(), label=1)
    with pytest.raises(ValueError, match="needs `label`"):
        lookup_lf("text", {"a"})
    with pytest.raises(ValueError, match="only with a set"):
        lookup_lf("text", {"a": 1}, label=1)
    with pytest.raises(ValueError, match="maps to"):
        lookup_lf("text", {"A": 1, "a ": 0})
    with pytest.raises(ValueError, match="match must be"):
        lookup_lf("text", {"a": 1}, match="fuzzy")


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.text(alphabet="ab c", min_size=1, max_size=5),
        st.integers(0, 3),
        min_size=1,
        max_size=5,
    ),
    st.lists(
        st.one_of(st.none(), st.text(alphabet="abAB c.", max_size=12)), max_size=15
    ),
    st.sampled_from(["exact", "token"]),
)
def test_lookup_batch_equals_rowwise(table, texts, match) -> None:
    try:
        lf = lookup_lf("text", table, match=match)
    except ValueError:  # collisions after normalisation, entries without tokens
        return
    check_same(lf, pd.DataFrame({"text": pd.Series(texts, dtype=object)}))
    check_same(lf, pd.DataFrame({"text": pd.Series(texts, dtype="str")}))


# -- model_lf ------------------------------------------------------------------


@pytest.fixture(scope="module")
def text_clf():
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    texts = ["subscribe channel", "check out my channel", "nice song", "love it"] * 5
    return make_pipeline(CountVectorizer(), LogisticRegression(C=10.0)).fit(
        texts, [1, 1, 0, 0] * 5
    )


def test_model_lf_votes_where_confident(text_clf) -> None:
    lf = model_lf(text_clf, threshold=0.8)
    assert lf.name == "model_pipeline"
    votes = check_same(lf)
    assert votes[0] == 1 and votes[1] == 0 and votes[2] == -1 and votes[6] == -1
    assert lf.spec["exportable"] is False
    assert model_lf(text_clf, threshold=1.0).batch(DF).max() == -1
    # a rebuilt model LF never reuses a cached column
    assert model_lf(text_clf).fingerprint != model_lf(text_clf).fingerprint


def test_model_lf_labels_and_featurize(text_clf) -> None:
    from sklearn.linear_model import LogisticRegression

    X = np.array([[0.0], [0.1], [0.9], [1.0]] * 5)
    clf = LogisticRegression(C=100.0).fit(X, ["ham", "ham", "spam", "spam"] * 5)
    with pytest.raises(ValueError, match="not an int"):
        model_lf(clf)
    df = pd.DataFrame({"score": [0.0, 0.5, 1.0]})
    lf = model_lf(
        clf,
        0.9,
        field="score",
        labels={"ham": 0, "spam": 1},
        featurize=lambda s: s.to_numpy().reshape(-1, 1),
    )
    assert check_same(lf, df) == [0, -1, 1]
    lf2 = model_lf(
        clf,
        0.9,
        field=["score"],
        labels=[0, 1],
        featurize=lambda d: d.to_numpy(dtype=float),
    )
    assert check_same(lf2, df) == [0, -1, 1]
    lf3 = model_lf(
        clf,
        0.9,
        field=None,
        labels={"ham": -1, "spam": 1},
        featurize=lambda d: d[["score"]].to_numpy(dtype=float),
    )
    assert check_same(lf3, df) == [-1, -1, 1]


def test_model_lf_validation(text_clf) -> None:
    from sklearn.svm import LinearSVC

    with pytest.raises(ValueError, match="predict_proba"):
        model_lf(LinearSVC())
    with pytest.raises(ValueError, match="threshold"):
        model_lf(text_clf, threshold=0.0)
    with pytest.raises(ValueError, match="available columns"):
        model_lf(text_clf, field="body").batch(DF)


def test_regex_fingerprint_tracks_spec() -> None:
    a, b, c = regex_lf("x", 1), regex_lf("x", 1), regex_lf("x", 2, name="regex_x")
    assert a.fingerprint == b.fingerprint != c.fingerprint
    assert re.compile("x") is not None
