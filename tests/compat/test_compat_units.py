"""Unit tests of the Snorkel-0.9-named modules: known truths, hand-computed cases."""

import pickle
import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from snorkel_nb.analysis import Scorer, get_label_buckets, get_label_instances
from snorkel_nb.labeling import LabelingFunction, PandasLFApplier, labeling_function
from snorkel_nb.labeling.model import MajorityClassVoter, RandomVoter
from snorkel_nb.map import LambdaMapper, Mapper, get_hashable, lambda_mapper
from snorkel_nb.preprocess import preprocessor
from snorkel_nb.synthetic import generate_simple_label_matrix
from snorkel_nb.utils import filter_labels, preds_to_probs, probs_to_preds


# -- utils ------------------------------------------------------------------
def test_random_tie_break_is_deterministic_per_row_and_spreads_over_classes():
    probs = np.full((3000, 3), 1 / 3)
    a = probs_to_preds(probs)
    assert (a == probs_to_preds(probs)).all()  # default policy: "random"
    share = np.bincount(a, minlength=3) / len(a)
    assert np.allclose(share, 1 / 3, atol=0.04)
    assert (probs_to_preds(probs, tie_break_policy="abstain") == -1).all()
    # only tied classes are ever picked
    two = np.tile([0.4, 0.4, 0.2], (500, 1))
    assert set(probs_to_preds(two).tolist()) == {0, 1}
    assert set(probs_to_preds(two, tie_break_policy="true-random").tolist()) <= {0, 1}


def test_probs_to_preds_tolerance_and_errors():
    probs = np.array([[0.5, 0.5 + 1e-7], [0.4, 0.6]])
    assert probs_to_preds(probs, "abstain").tolist() == [-1, 1]
    assert probs_to_preds(probs, "abstain", tol=1e-9).tolist() == [1, 1]
    with pytest.raises(ValueError, match="policy not recognized"):
        probs_to_preds(probs, "nope")
    with pytest.raises(ValueError, match="NaN"):
        probs_to_preds(np.array([[np.nan, 1.0]]))


def test_preds_to_probs_round_trip_and_abstain_refused():
    preds = np.array([2, 0, 1])
    assert (probs_to_preds(preds_to_probs(preds, 3)) == preds).all()
    with pytest.raises(ValueError, match="abstained"):
        preds_to_probs(np.array([0, -1]), 2)


def test_filter_labels_drops_a_point_from_every_set():
    out = filter_labels(
        {
            "golds": np.array([0, -1, 1, 1]),
            "preds": np.array([0, 1, -1, 1]),
            "probs": None,
        },
        {"golds": [-1], "preds": [-1]},
    )
    assert out["golds"].tolist() == [0, 1] and out["preds"].tolist() == [0, 1]
    assert out["probs"] is None


# -- analysis ---------------------------------------------------------------
def test_label_buckets_match_a_python_loop():
    rng = np.random.default_rng(0)
    y1, y2, y3 = rng.integers(-1, 3, (3, 500))
    buckets = get_label_buckets(y1, y2, y3)
    loop: dict = {}
    for i, key in enumerate(zip(y1.tolist(), y2.tolist(), y3.tolist())):
        loop.setdefault(key, []).append(i)
    assert list(buckets) == list(loop)  # order of first appearance
    for key, idx in loop.items():
        assert buckets[key].tolist() == idx
    x = np.arange(500) * 10
    assert get_label_instances((0, 1, 2), x, y1, y2, y3).tolist() == [
        10 * i for i in loop.get((0, 1, 2), [])
    ]
    with pytest.warns(UserWarning, match="does not exist"):
        assert get_label_instances((9, 9, 9), x, y1, y2, y3).size == 0


def test_scorer_leaves_out_abstains_except_for_coverage():
    golds = np.array([1, 0, 1, 0, -1, 1])
    preds = np.array([1, -1, 0, 0, 1, 1])
    out = Scorer(metrics=["accuracy", "coverage"]).score(golds, preds)
    # kept: rows 0, 2, 3, 5 -> 3 of 4 right; coverage over all 6 predictions
    assert out == {"accuracy": 0.75, "coverage": 5 / 6}
    with pytest.raises(ValueError, match="Unrecognized metric"):
        Scorer(metrics=["f2"])


# -- mappers / preprocessors ------------------------------------------------
def test_mapper_never_changes_its_input_even_nested():
    @lambda_mapper()
    def edit(x):
        x.d["k"] = 1
        x.n += 1
        return x

    x = SimpleNamespace(n=1, d={"k": 0})
    y = edit(x)
    assert (x.n, x.d) == (1, {"k": 0}) and (y.n, y.d) == (2, {"k": 1})


def test_memoize_is_off_by_default_and_keys_on_content():
    calls = []

    @preprocessor()
    def plain(x):
        calls.append(x.t)
        return x

    @preprocessor(memoize=True)
    def cached(x):
        calls.append(x.t)
        return x

    plain(SimpleNamespace(t="a"))
    plain(SimpleNamespace(t="a"))
    assert calls == ["a", "a"]
    calls.clear()
    cached(SimpleNamespace(t="a"))
    cached(SimpleNamespace(t="a"))  # same content, new object: cache hit
    cached(SimpleNamespace(t="b"))
    assert calls == ["a", "b"]


def test_class_mapper_field_maps_and_hashable_rows():
    class Split(Mapper):
        def __init__(self):
            super().__init__("split", dict(text="body"), dict(words="tokens"))

        def run(self, text):
            return dict(words=text.split())

    out = Split()(SimpleNamespace(body="a b"))
    assert out.tokens == ["a", "b"] and out.body == "a b"
    assert get_hashable(pd.Series({"a": [1, 2]})) == frozenset({("a", (1, 2))})
    assert isinstance(pickle.loads(pickle.dumps(LambdaMapper("m", abs))), LambdaMapper)


def test_applier_shares_a_preprocessor_within_a_row_unless_told_not_to():
    counts = {"n": 0}

    @preprocessor()
    def count(x):
        counts["n"] += 1
        return x

    lfs = [LabelingFunction(f"lf{i}", lambda x: 0, pre=[count]) for i in range(3)]
    df = pd.DataFrame({"text": ["a", "b"]})
    PandasLFApplier(lfs).apply(df, progress_bar=False)
    assert counts["n"] == 2  # once per row, shared by the three LFs
    counts["n"] = 0
    count.share_within_row = False  # e.g. a random preprocessor
    lfs = [LabelingFunction(f"lf{i}", lambda x: 0, pre=[count]) for i in range(3)]
    PandasLFApplier(lfs).apply(df, progress_bar=False)
    assert counts["n"] == 6


def test_labeling_function_pickles_and_rejects_bare_decorator():
    lf = LabelingFunction("big", abs)
    assert pickle.loads(pickle.dumps(lf))(-3) == 3
    with pytest.raises(ValueError, match="missing parentheses"):
        labeling_function(abs)


# -- baselines and synthetic -------------------------------------------------
def test_majority_class_voter_ties_and_fit_required():
    L = np.array([[0, 1], [1, -1]])
    with pytest.raises(ValueError, match="not fitted"):
        MajorityClassVoter().predict_proba(L)
    mc = MajorityClassVoter(cardinality=3).fit(balance=[0.4, 0.4, 0.2])
    assert mc.predict_proba(L).tolist() == [[0.5, 0.5, 0.0]] * 2
    assert mc.predict(L, tie_break_policy="abstain").tolist() == [-1, -1]
    with pytest.raises(ValueError, match="shape"):
        MajorityClassVoter().fit(balance=[1.0])


def test_random_voter_uses_numpy_seed():
    L = np.zeros((5, 2), dtype=int)
    np.random.seed(3)
    a = RandomVoter(cardinality=3).predict_proba(L)
    np.random.seed(3)
    assert np.array_equal(a, RandomVoter(cardinality=3).predict_proba(L))
    assert np.allclose(a.sum(axis=1), 1)


def test_simple_label_matrix_recovers_its_planted_tables():
    from snorkel_nb.labeling import LFAnalysis

    np.random.seed(7)
    P, Y, L = generate_simple_label_matrix(20000, 4, 3, abstain_multiplier=2.0)
    P_emp = LFAnalysis(L).lf_empirical_probs(Y, k=3)
    assert np.abs(P - P_emp).max() < 0.03
    assert L.min() >= -1 and L.max() <= 2


def test_spacy_preprocessor_falls_back_to_a_blank_pipeline_with_a_warning():
    pytest.importorskip("spacy")
    from snorkel_nb.preprocess.nlp import SpacyModelMissingWarning, SpacyPreprocessor

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pre = SpacyPreprocessor("text", "doc", language="xx_no_such_model_sm")
    assert any(issubclass(w.category, SpacyModelMissingWarning) for w in caught)
    doc = pre(SimpleNamespace(text="Jane plays soccer.")).doc
    assert [t.text for t in doc] == ["Jane", "plays", "soccer", "."]


def test_nlp_labeling_functions_share_one_parser_and_cache():
    pytest.importorskip("spacy")
    from snorkel_nb.labeling.lf.nlp import NLPLabelingFunction, nlp_labeling_function

    class MyNLPLF(NLPLabelingFunction):
        pass

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = MyNLPLF(name="a", f=lambda x: 0 if len(x.doc) < 4 else -1)
        b = MyNLPLF(name="b", f=lambda x: 1 if len(x.doc) >= 4 else -1)
    assert a._nlp_config.nlp is b._nlp_config.nlp
    a._nlp_config.nlp.reset_cache()
    assert a(SimpleNamespace(text="one two")) == 0
    assert b(SimpleNamespace(text="one two")) == -1
    assert len(a._nlp_config.nlp._cache) == 1  # parsed once for both LFs
    with pytest.raises(ValueError, match="different parameters"):
        MyNLPLF(name="c", f=lambda x: 0, text_field="body")
    with pytest.raises(ValueError, match="missing parentheses"):
        nlp_labeling_function(abs)
