"""Snorkel's crowdsourcing tutorial, ported: only the import root changes.

Workers become LFs (one per worker, a look-up of that worker's labels), a few
text LFs join them, the label model combines them, and an end model trained on
the covered tweets' labels is scored on held-out gold. Data: the CrowdFlower
weather-sentiment set the tutorial uses, read from ``../shared/data/crowd``
(its licence is unverified, so it is not bundled; the test skips without it).
As in the tutorial: tweets whose reference label is confirmed with confidence 1
and is Positive or Negative; crowd votes of other kinds are dropped.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from snorkel_nb.labeling import (
    LabelingFunction,
    LFAnalysis,
    PandasLFApplier,
    filter_unlabeled_dataframe,
    labeling_function,
)
from snorkel_nb.labeling.model import LabelModel
from snorkel_nb.utils import probs_to_preds

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "crowd" / "weather"
ABSTAIN = -1
NEGATIVE = 0
POSITIVE = 1
LABELS = {"Negative": NEGATIVE, "Positive": POSITIVE}


def load_data():
    votes = pd.read_csv(DATA / "weather-non-agg-DFE.csv")
    ref = pd.read_csv(DATA / "weather-evaluated-agg-DFE.csv")
    gold = ref[
        (ref.correct_category == "Yes")
        & (ref.correct_category_conf == 1)
        & ref.sentiment.isin(LABELS)
    ]
    gold = gold.set_index("tweet_id")
    votes = votes[votes.tweet_id.isin(gold.index) & votes.emotion.isin(LABELS)]
    crowd_labels = votes.assign(label=votes.emotion.map(LABELS)).set_index("tweet_id")
    df = gold[["tweet_body"]].assign(gold=gold.sentiment.map(LABELS))
    df = df.sample(frac=1.0, random_state=123).reset_index()  # tweet_id a column
    df_dev, df_test, df_train = df.iloc[:50], df.iloc[50:100], df.iloc[100:]
    return crowd_labels[["worker_id", "label"]], df_train, df_dev, df_test


@pytest.fixture(scope="module")
def data():
    if not (DATA / "weather-non-agg-DFE.csv").exists():
        pytest.skip("../shared/data/crowd/weather is absent")
    return load_data()


def worker_lf(x, worker_dict):
    return worker_dict.get(x.tweet_id, ABSTAIN)


def make_worker_lfs(crowd_labels):
    labels_by_annotator = crowd_labels.groupby("worker_id")
    worker_dicts = {}
    for worker_id in labels_by_annotator.groups:
        worker_df = labels_by_annotator.get_group(worker_id)[["label"]]
        worker_dicts[worker_id] = dict(zip(worker_df.index, worker_df.label))
    return [
        LabelingFunction(
            f"worker_{worker_id}", f=worker_lf, resources={"worker_dict": d}
        )
        for worker_id, d in worker_dicts.items()
    ]


@labeling_function()
def positive_words(x):
    words = ("sunny", "beautiful", "love", "nice", "great", "perfect", "warm")
    return POSITIVE if any(w in x.tweet_body.lower() for w in words) else ABSTAIN


@labeling_function()
def negative_words(x):
    words = ("hate", "cold", "rain", "storm", "awful", "miserable", "freezing")
    return NEGATIVE if any(w in x.tweet_body.lower() for w in words) else ABSTAIN


def test_crowdsourcing_tutorial_runs_to_an_end_model(data):
    crowd_labels, df_train, df_dev, df_test = data
    lfs = make_worker_lfs(crowd_labels) + [positive_words, negative_words]
    applier = PandasLFApplier(lfs)
    L_train = applier.apply(df_train)
    L_dev = applier.apply(df_dev)
    # the worker LFs reproduce the crowd votes exactly
    n_votes = crowd_labels.index.isin(df_train.tweet_id).sum()
    assert int((L_train[:, :-2] != ABSTAIN).sum()) == n_votes
    summary = LFAnalysis(L_dev, lfs).lf_summary(df_dev.gold.values)
    assert len(summary) == len(lfs)

    label_model = LabelModel(cardinality=2, verbose=False)
    label_model.fit(L_train, n_epochs=100, seed=123, log_freq=20, l2=0.1, lr=0.01)
    preds_dev = label_model.predict(L_dev)
    acc = label_model.score(L_dev, df_dev.gold.values, tie_break_policy="random")
    print(f"label model dev accuracy {acc['accuracy']:.3f}")
    assert acc["accuracy"] > 0.85  # the crowd is reliable on these tweets

    probs_train = label_model.predict_proba(L_train)
    df_train_filtered, probs_train_filtered = filter_unlabeled_dataframe(
        X=df_train, y=probs_train, L=L_train
    )
    preds_train_filtered = probs_to_preds(probs_train_filtered)
    # Snorkel's tutorial crashed its end model on a -1 "class": none here
    assert set(np.unique(preds_train_filtered)) <= {NEGATIVE, POSITIVE}
    assert (preds_dev[(L_dev != ABSTAIN).any(1)] >= 0).all()

    vectorizer = TfidfVectorizer(ngram_range=(1, 2))
    X_train = vectorizer.fit_transform(df_train_filtered.tweet_body)
    X_test = vectorizer.transform(df_test.tweet_body)
    sklearn_model = LogisticRegression(C=10, solver="liblinear")
    sklearn_model.fit(X=X_train, y=preds_train_filtered)
    test_acc = sklearn_model.score(X=X_test, y=df_test.gold.values)
    majority = max(df_test.gold.mean(), 1 - df_test.gold.mean())
    print(f"end model test accuracy {test_acc:.3f} (majority class {majority:.3f})")
    assert test_acc > majority + 0.05
