"""Snorkel's slicing tutorial (spam), ported: SFs, slice_dataframe, scores and
the slice-aware classifier.

The tutorial's Keras/bag-of-words MLP with ``hidden_dim = bow_dim`` is a small
PyTorch MLP here (``get_pytorch_mlp`` is the tutorial's own helper, rewritten
locally). Checked against slices and metrics computed directly.
"""

import re

import numpy as np
import pytest
import torch
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from torch import nn

from snorkel_nb.analysis import Scorer
from snorkel_nb.preprocess import preprocessor
from snorkel_nb.classification import DictDataLoader, DictDataset, Trainer
from snorkel_nb.slicing import (
    PandasSFApplier,
    SliceAwareClassifier,
    slice_dataframe,
    slicing_function,
)


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
        X_train, df_train.label.values
    )  # gold used here only to have a model
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
            accuracy_score(Y_test[mask], preds_test[mask])
        )
    sub = df_test.text.str.lower().str.contains("subscribe").to_numpy()
    np.testing.assert_array_equal(S_test["keyword_subscribe"], sub.astype(int))


def test_an_sf_that_raises_stops_the_run_as_in_snorkel(spam):
    @slicing_function()
    def broken(x):
        return x.no_such_field

    with pytest.raises(AttributeError, match="no_such_field"):
        PandasSFApplier([broken]).apply(spam[1], progress_bar=False)
    S = PandasSFApplier([broken]).apply(
        spam[1], progress_bar=False, fault_tolerant=True
    )
    assert (S["broken"] == 0).all()


# -- part 2 of the tutorial: a slice-aware model ------------------------------
def get_pytorch_mlp(in_dim, hidden_dim, num_layers):
    layers = []
    for i in range(num_layers):
        layers += [nn.Linear(in_dim if i == 0 else hidden_dim, hidden_dim), nn.ReLU()]
    return nn.Sequential(*layers)


def create_dict_dataloader(X, Y, split, **kwargs):
    ds = DictDataset.from_tensors(torch.FloatTensor(X), torch.LongTensor(Y), split)
    return DictDataLoader(ds, **kwargs)


def test_slice_aware_classifier_trains_and_scores_slices(spam):
    df_train, _, df_test = spam
    torch.manual_seed(0)
    vectorizer = CountVectorizer(ngram_range=(1, 1), max_features=500)
    X_train = vectorizer.fit_transform(df_train.text.tolist()).toarray()
    X_test = vectorizer.transform(df_test.text.tolist()).toarray()
    Y_train, Y_test = (
        df_train.label.to_numpy(copy=True),
        df_test.label.to_numpy(copy=True),
    )

    scorer = Scorer(metrics=["accuracy", "f1"])
    hidden_dim = 32
    mlp = get_pytorch_mlp(X_train.shape[1], hidden_dim, num_layers=2)
    slice_model = SliceAwareClassifier(
        base_architecture=mlp,
        head_dim=hidden_dim,
        slice_names=[sf.name for sf in SFS],
        scorer=scorer,
    )
    applier = PandasSFApplier(SFS)
    S_train = applier.apply(df_train, progress_bar=False)
    S_test = applier.apply(df_test, progress_bar=False)
    train_dl = create_dict_dataloader(X_train, Y_train, "train")
    train_dl_slice = slice_model.make_slice_dataloader(
        train_dl.dataset, S_train, shuffle=True, batch_size=64
    )
    test_dl = create_dict_dataloader(X_test, Y_test, "train")
    test_dl_slice = slice_model.make_slice_dataloader(
        test_dl.dataset, S_test, shuffle=False, batch_size=64
    )
    trainer = Trainer(n_epochs=5, lr=1e-3, progress_bar=False)
    trainer.fit(slice_model, [train_dl_slice])
    df = slice_model.score_slices([test_dl_slice], as_dataframe=True)

    labels = {f"task_slice:{s}_pred" for s in [*S_test.dtype.names, "base"]}
    assert set(df.label) == labels | {"task"}
    assert set(df.metric) == {"accuracy", "f1"}
    preds = slice_model.predict(test_dl_slice, return_preds=True)["preds"]["task"]
    overall = df.set_index(["label", "metric"]).score
    assert overall["task", "accuracy"] == pytest.approx(accuracy_score(Y_test, preds))
    for name in S_test.dtype.names:
        mask = S_test[name].astype(bool)
        assert overall[f"task_slice:{name}_pred", "accuracy"] == pytest.approx(
            accuracy_score(Y_test[mask], preds[mask])
        )
    # words are a strong spam signal: well above the majority class (0.53-0.56)
    assert overall["task", "accuracy"] > 0.85
