"""Snorkel's spam labeling tutorial, ported: only the import root changes.

The code in each test is written as a Snorkel 0.9 user writes it (keyword
arguments, constants, the labeling loop with buckets); the assertions check it
against truths computed independently with pandas / numpy.
"""

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression

from snorkel_nb.analysis import get_label_buckets
from snorkel_nb.labeling import (
    LabelingFunction,
    LFAnalysis,
    PandasLFApplier,
    filter_unlabeled_dataframe,
    labeling_function,
)
from snorkel_nb.labeling.model import LabelModel, MajorityLabelVoter
from snorkel_nb.preprocess import preprocessor
from snorkel_nb.utils import probs_to_preds

ABSTAIN = -1
HAM = 0
SPAM = 1


@labeling_function()
def check(x):
    return SPAM if "check" in x.text.lower() else ABSTAIN


@labeling_function()
def check_out(x):
    return SPAM if "check out" in x.text.lower() else ABSTAIN


@labeling_function()
def regex_check_out(x):
    return SPAM if re.search(r"check.*out", x.text, flags=re.I) else ABSTAIN


def keyword_lookup(x, keywords, label):
    if any(word in x.text.lower() for word in keywords):
        return label
    return ABSTAIN


def make_keyword_lf(keywords, label=SPAM):
    return LabelingFunction(
        name=f"keyword_{keywords[0]}",
        f=keyword_lookup,
        resources=dict(keywords=keywords, label=label),
    )


keyword_my = make_keyword_lf(keywords=["my"])
keyword_subscribe = make_keyword_lf(keywords=["subscribe"])
keyword_link = make_keyword_lf(keywords=["http"])
keyword_please = make_keyword_lf(keywords=["please", "plz"])
keyword_song = make_keyword_lf(keywords=["song"], label=HAM)


@labeling_function()
def short_comment(x):
    return HAM if len(x.text.split()) < 5 else ABSTAIN


@preprocessor(memoize=True)
def words_lower(x):
    x.words = x.text.lower().split()
    return x


@labeling_function(pre=[words_lower])
def love_words(x):
    return HAM if {"love", "awesome", "beautiful"} & set(x.words) else ABSTAIN


LFS = [
    check_out,
    check,
    regex_check_out,
    keyword_my,
    keyword_subscribe,
    keyword_link,
    keyword_please,
    keyword_song,
    short_comment,
    love_words,
]


@pytest.fixture(scope="module")
def labeled(spam):
    df_train, df_dev, df_test = spam
    applier = PandasLFApplier(lfs=LFS)
    L_train = applier.apply(df=df_train, progress_bar=False)
    L_dev = applier.apply(df=df_dev, progress_bar=False)
    L_test = applier.apply(df=df_test, progress_bar=False)
    return df_train, df_dev, df_test, L_train, L_dev, L_test


def _contains(df, word):
    return df.text.str.lower().str.contains(word, regex=False).to_numpy()


def test_first_lfs_coverage_and_buckets(spam):
    df_train, df_dev, _ = spam
    applier = PandasLFApplier(lfs=[check_out, check])
    L_train = applier.apply(df=df_train, progress_bar=False)
    coverage_check_out, coverage_check = (L_train != ABSTAIN).mean(axis=0)
    assert coverage_check_out == pytest.approx(_contains(df_train, "check out").mean())
    assert coverage_check == pytest.approx(_contains(df_train, "check").mean())

    # points "check" labels that "check out" misses
    buckets = get_label_buckets(L_train[:, 0], L_train[:, 1])
    only_check = df_train.iloc[buckets[(ABSTAIN, SPAM)]]
    only = _contains(df_train, "check") & ~_contains(df_train, "check out")
    expected = np.nonzero(only)
    assert only_check.index.tolist() == expected[0].tolist()
    assert all("check" in t.lower() for t in only_check.sample(5, random_state=1).text)

    # on dev: the "check" votes that are wrong (gold HAM)
    L_dev = applier.apply(df=df_dev, progress_bar=False)
    Y_dev = df_dev.label.values
    buckets = get_label_buckets(Y_dev, L_dev[:, 1])
    wrong = df_dev.iloc[buckets.get((HAM, SPAM), np.array([], dtype=int))]
    assert ((wrong.label == HAM) & _contains(wrong, "check")).all()
    assert sum(len(v) for v in buckets.values()) == len(df_dev)


def test_lf_summary_has_snorkels_columns_and_matches_the_votes(labeled):
    df_train, df_dev, _, L_train, L_dev, _ = labeled
    summary = LFAnalysis(L=L_train, lfs=LFS).lf_summary()
    assert list(summary.columns) == [
        "j",
        "Polarity",
        "Coverage",
        "Overlaps",
        "Conflicts",
    ]
    assert list(summary.index) == [lf.name for lf in LFS]
    np.testing.assert_allclose(summary["Coverage"], (L_train != ABSTAIN).mean(axis=0))
    assert summary.loc["keyword_song", "Polarity"] in ([HAM], [])
    cov = LFAnalysis(L_train).label_coverage()
    assert cov == pytest.approx((L_train != ABSTAIN).any(axis=1).mean())

    Y_dev = df_dev.label.values
    dev = LFAnalysis(L_dev, LFS).lf_summary(Y=Y_dev)
    voted = L_dev != ABSTAIN
    correct = ((L_dev == Y_dev[:, None]) & voted).sum(axis=0)
    assert dev["Correct"].tolist() == correct.tolist()
    assert dev["Incorrect"].tolist() == (voted.sum(axis=0) - correct).tolist()
    acc = np.where(voted.sum(0) > 0, correct / np.maximum(voted.sum(0), 1), 0.0)
    np.testing.assert_allclose(dev["Emp. Acc."], acc)


def test_preprocessor_memoize_and_the_lf_see_a_copy(spam):
    df_train = spam[0]
    L = PandasLFApplier(lfs=[love_words]).apply(df=df_train, progress_bar=False)
    words = df_train.text.str.lower().str.split()
    expected = [
        HAM if {"love", "awesome", "beautiful"} & set(w) else ABSTAIN for w in words
    ]
    assert L[:, 0].tolist() == expected
    assert "words" not in df_train.columns  # the preprocessor worked on copies


def test_majority_vote_then_end_model_on_filtered_rows(labeled):
    df_train, _, df_test, L_train, _, L_test = labeled
    Y_test = df_test.label.values
    majority_model = MajorityLabelVoter()
    preds_train = majority_model.predict(L=L_train)
    assert preds_train.shape == (len(df_train),)
    majority_acc = majority_model.score(L=L_test, Y=Y_test, tie_break_policy="random")[
        "accuracy"
    ]
    # by hand: votes per class, ties broken the same deterministic way
    counts = np.stack([(L_test == c).sum(1) for c in (HAM, SPAM)], axis=1)
    probs = (counts == counts.max(1, keepdims=True)).astype(float)
    probs /= probs.sum(1, keepdims=True)
    hand = probs_to_preds(probs, tie_break_policy="random")
    assert majority_acc == pytest.approx(np.mean(hand == Y_test))

    probs_train = majority_model.predict_proba(L=L_train)
    df_train_filtered, probs_train_filtered = filter_unlabeled_dataframe(
        X=df_train, y=probs_train, L=L_train
    )
    assert len(df_train_filtered) == (L_train != ABSTAIN).any(axis=1).sum()
    preds_train_filtered = probs_to_preds(probs=probs_train_filtered)

    vectorizer = CountVectorizer(ngram_range=(1, 5))
    X_train = vectorizer.fit_transform(df_train_filtered.text.tolist())
    X_test = vectorizer.transform(df_test.text.tolist())
    sklearn_model = LogisticRegression(C=1e3, solver="liblinear")
    sklearn_model.fit(X=X_train, y=preds_train_filtered)
    test_acc = sklearn_model.score(X=X_test, y=Y_test)
    # the weakly supervised classifier beats always answering the majority class
    assert test_acc > max(Y_test.mean(), 1 - Y_test.mean()) + 0.1


def test_label_model_with_snorkels_arguments(labeled):
    _, _, df_test, L_train, _, L_test = labeled
    try:
        label_model = LabelModel(cardinality=2, verbose=True)
        label_model.fit(L_train=L_train, n_epochs=500, log_freq=100, seed=123)
    except (TypeError, ValueError) as e:
        if "verbose" in str(e) or "n_epochs" in str(e) or "log_freq" in str(e):
            pytest.xfail(f"Snorkel's LabelModel arguments are not accepted yet: {e}")
        raise
    Y_test = df_test.label.values
    scores = label_model.score(L=L_test, Y=Y_test, tie_break_policy="random")
    preds = label_model.predict(L=L_test, tie_break_policy="random")
    assert scores["accuracy"] == pytest.approx(np.mean(preds == Y_test))
    assert scores["accuracy"] > 0.7


def test_lf_errors_are_snorkels_when_asked(spam):
    @labeling_function()
    def broken(x):
        raise KeyError("no such field")

    df = pd.DataFrame({"text": ["a", "b"]})
    with pytest.raises(ValueError, match="missing parentheses"):
        labeling_function(lambda x: 0)
    with pytest.warns(RuntimeWarning):  # deliberate difference: abstain + record
        L = PandasLFApplier([broken]).apply(df, progress_bar=False)
    assert (L == ABSTAIN).all()


def test_nlp_labeling_function_falls_back_to_a_blank_pipeline(spam):
    spacy = pytest.importorskip("spacy")
    import warnings

    from snorkel_nb.labeling.lf.nlp import NLPLabelingFunction, nlp_labeling_function
    from snorkel_nb.preprocess.nlp import (
        SpacyModelMissingWarning,
        clear_spacy_pipelines,
    )

    if spacy.util.is_package("en_core_web_sm"):
        pytest.skip("en_core_web_sm is installed: the fallback is not exercised")

    class TutorialNLPLF(NLPLabelingFunction):  # its own shared parser
        pass

    class tutorial_nlp_lf(nlp_labeling_function):
        _lf_cls = TutorialNLPLF

    clear_spacy_pipelines()
    with pytest.warns(SpacyModelMissingWarning, match="blank 'en' pipeline"):

        @tutorial_nlp_lf()
        def has_person_nlp(x):
            if len(x.doc) < 20 and any(ent.label_ == "PERSON" for ent in x.doc.ents):
                return HAM
            return ABSTAIN

    df_dev = spam[1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no further warning per row
        L = PandasLFApplier(lfs=[has_person_nlp]).apply(df=df_dev, progress_bar=False)
    # a blank pipeline finds no entities: the LF abstains everywhere
    assert (L == ABSTAIN).all()
    # memoised by content: one parse per distinct row
    assert len(TutorialNLPLF._nlp_config.nlp._cache) == len(df_dev.drop_duplicates())
