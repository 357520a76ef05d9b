"""Snorkel's slicing tutorial (spam), ported: SFs, slice_dataframe and scores.

(``SliceAwareClassifier`` builds on ``snorkel_nb.classification`` and is not
ported here.) Checked against slices and metrics computed directly.
"""

import re

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score

from snorkel_nb.analysis import Scorer
from snorkel_nb.preprocess import preprocessor
from snorkel_nb.slicing import PandasSFApplier, slice_dataframe, slicing_function


@slicing_function()
def short_link(x):
    """Spam often hides behind short links (bit.ly, goo.gl, ...)."""
    return bool(re.search(r"\w+\.(ly|gl)\b", x.text))


@slicing_function()
def keyword_subscribe(x):
    return "subscribe" in x.text.lower()


@preprocessor()
def n_words(x):
    x.n_words = len(x.text.split())
    return x


@slicing_function(pre=[n_words])
def short_comment(x):
    return x.n_words < 5


SFS = [short_link, keyword_subscribe, short_comment]


@pytest.fixture(scope="module")
def model_and_data(spam):
    df_train, _, df_test = spam
    vectorizer = CountVectorizer(ngram_range=(1, 2))
    X_train = vectorizer.fit_transform(df_train.text.tolist())
    X_test = vectorizer.transform(df_test.text.tolist())
    model = LogisticRegression(C=1.0, solver="liblinear").fit(
        X_train, df_train.label.values)  # gold used here only to have a model
    return model, X_test, df_test


def test_slice_dataframe_selects_the_slice(spam):
    df_dev = spam[1]
    short_link_df = slice_dataframe(df_dev, short_link)
    expected = df_dev.text.str.contains(r"\w+\.(?:ly|gl)\b", regex=True)
    assert short_link_df.index.tolist() == df_dev.index[expected].tolist()
    short_df = slice_dataframe(df_dev, short_comment)
    assert (short_df.text.str.split().str.len() < 5).all()
    assert "n_words" not in short_df.columns


def test_score_slices_matches_metrics_on_each_subset(model_and_data):
    model, X_test, df_test = model_and_data
    applier = PandasSFApplier(SFS)
    S_test = applier.apply(df_test, progress_bar=False)
    assert S_test.dtype.names == ("short_link", "keyword_subscribe", "short_comment")
    assert S_test.shape == (len(df_test),)

    Y_test = df_test.label.values
    preds_test = model.predict(X_test)
    probs_test = model.predict_proba(X_test)
    scorer = Scorer(metrics=["accuracy", "f1"])
    df_scores = scorer.score_slices(
        S=S_test, golds=Y_test, preds=preds_test, probs=probs_test, as_dataframe=True
    )
    assert list(df_scores.index) == ["overall", *S_test.dtype.names]
    assert df_scores.loc["overall", "f1"] == pytest.approx(f1_score(Y_test, preds_test))
    for name in S_test.dtype.names:
        mask = S_test[name].astype(bool)
        assert df_scores.loc[name, "accuracy"] == pytest.approx(
            accuracy_score(Y_test[mask], preds_test[mask]))
    sub = df_test.text.str.lower().str.contains("subscribe").to_numpy()
    np.testing.assert_array_equal(S_test["keyword_subscribe"], sub.astype(int))


def test_an_sf_that_raises_stops_the_run_as_in_snorkel(spam):
    @slicing_function()
    def broken(x):
        return x.no_such_field

    with pytest.raises(AttributeError, match="no_such_field"):
        PandasSFApplier([broken]).apply(spam[1], progress_bar=False)
    S = PandasSFApplier([broken]).apply(spam[1], progress_bar=False,
                                        fault_tolerant=True)
    assert (S["broken"] == 0).all()
