"""The text trunk's features (char n-grams, lead terms, sublinear tf) and the
training options (sharpened labels, self-training on unlabelled rows)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from snorkel_nb.multitask import MultitaskModel, TaskGraph
from snorkel_nb.multitask.model import sharpen
from snorkel_nb.multitask.text import TfidfIds, char_ngrams

TEXTS = ["How many cats are there ?", "Who wrote Hamlet ?", "how many dogs ?"]


def test_char_ngrams_are_within_words_and_hand_counted():
    # " ab " gives 2-grams " a", "ab", "b " and 3-grams " ab", "ab "
    assert char_ngrams("Ab", 2, 3) == ["# a", "#ab", "#b ", "# ab", "#ab "]
    assert char_ngrams("", 2, 5) == []


def test_char_trunk_shape_norm_and_determinism():
    kw = dict(min_df=1, char_ngrams=(2, 5), sublinear_tf=True, lead_tokens=2)
    f = TfidfIds(max_len=None, **kw).fit(TEXTS)
    ids, w = f.transform(TEXTS + ["zzz qqq"])
    assert ids.shape == w.shape and ids.shape[0] == 4
    # width = the longest row's number of distinct known terms
    assert ids.shape[1] == max((ids[r] > 0).sum() for r in range(4))
    np.testing.assert_allclose((w[:3] ** 2).sum(1), 1.0, rtol=1e-5)
    assert (w[3] == 0).all() and (ids[3] == 0).all()  # nothing known
    assert {"^how", "^how many", "^who", "#cat", "how many"} <= set(f.vocab)
    g = TfidfIds(max_len=None, **kw).fit(TEXTS)
    ids2, w2 = g.transform(TEXTS + ["zzz qqq"])
    np.testing.assert_array_equal(ids, ids2)
    np.testing.assert_array_equal(w, w2)
    # a saved config restores the same transform
    back = TfidfIds.from_saved(f.to_config(), f.to_arrays())
    ids3, w3 = back.transform(TEXTS)
    np.testing.assert_array_equal(ids3, ids[:3, : ids3.shape[1]])
    np.testing.assert_array_equal(w3, w[:3, : ids3.shape[1]])


def test_each_term_family_is_normalised_on_its_own():
    f = TfidfIds(min_df=1, max_len=None, char_ngrams=(3, 3), lead_tokens=1)
    ids, w = f.fit(["ab cd", "ab"]).transform(["ab cd"])
    fam = f.family_[ids[0]]
    for k in (0, 1, 2):  # three families, each with squared norm 1/3
        assert (w[0][(ids[0] > 0) & (fam == k)] ** 2).sum() == pytest.approx(1 / 3)


def test_sublinear_tf_is_one_plus_log_count():
    f = TfidfIds(min_df=1, bigrams=False, sublinear_tf=True).fit(["a a a a b", "b"])
    ids, w = f.transform(["a a a a b"])
    by = {i: v for i, v in zip(ids[0], w[0]) if i}
    a, b = by[f.vocab["a"]], by[f.vocab["b"]]
    expect = (1 + np.log(4)) * f.idf[f.vocab["a"]] / f.idf[f.vocab["b"]]
    assert a / b == pytest.approx(expect, rel=1e-5)


def test_old_configs_load_with_the_old_behaviour():
    old = {"min_df": 1, "max_features": 10, "max_len": 64, "bigrams": True}
    f = TfidfIds(**old).fit(TEXTS)
    back = TfidfIds.from_saved(old, f.to_arrays())
    assert back.char_ngrams is None and back.lead_tokens == 0
    np.testing.assert_array_equal(back.transform(TEXTS)[1], f.transform(TEXTS)[1])
    with pytest.raises(ValueError, match="char_ngrams"):
        TfidfIds(char_ngrams=(3, 2))


def test_sharpen_keeps_argmax_mass_and_unlabelled_rows():
    y = torch.tensor([[0.5, 0.3, 0.1], [-1.0, -1.0, -1.0], [0.2, 0.2, 0.6]])
    z = sharpen({"t": y}, 0.5)["t"]
    assert z[1].tolist() == [-1.0, -1.0, -1.0]
    np.testing.assert_allclose(z[[0, 2]].sum(1), [0.9, 1.0], rtol=1e-6)
    np.testing.assert_allclose(z[0] / z[0].sum(), np.array([25, 9, 1]) / 35, 1e-5)
    assert sharpen({"t": y}, 1.0)["t"] is y
    with pytest.raises(ValueError, match="label_temperature"):
        sharpen({"t": y}, 0.0)


def two_level():
    g = TaskGraph({"c": ["a", "b"], "f": ["a1", "a2", "b1"]})
    return g.add_edge("c", "f", {"a1": "a", "a2": "a", "b1": "b"})


def test_self_training_labels_only_unlabelled_rows_from_its_own_predictions():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4)).astype(np.float32)
    f = np.where(X[:, 0] > 0, np.where(X[:, 1] > 0, 0, 1), 2)
    hidden = rng.random(300) < 0.4  # these rows' fine labels are withheld
    Y = {"c": (f == 2).astype(np.int64), "f": np.where(hidden, -1, f)}
    kw = dict(n_epochs=15, lr=0.02, progress_bar=False, seed=1)
    base = MultitaskModel(two_level(), **kw).fit(X, Y)
    m = MultitaskModel(
        two_level(), self_training_rounds=1, self_training_threshold=0.8, **kw
    ).fit(X, Y)
    pl = m.pseudo_labels_["f"]
    assert (pl[~hidden] == -1).all()  # labelled rows are never relabelled
    P = base.predict_proba(X, task="f")
    expect = np.where(hidden & (P.max(1) >= 0.8), P.argmax(1), -1)
    np.testing.assert_array_equal(pl, expect)  # the first network's own picks
    assert (pl[hidden] >= 0).mean() > 0.5
    assert (m.pseudo_labels_["c"] == -1).all()  # every coarse row had a label


def test_specific_decode_follows_the_finest_head_and_obeys_the_graph():
    m = MultitaskModel(two_level())
    P = {
        "c": np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]]),
        "f": np.array([[0.1, 0.1, 0.8], [0.5, 0.3, 0.2], [0.2, 0.7, 0.1]]),
    }
    pred = m.decode_labels(P)
    assert pred["f"].tolist() == [2, 0, 1]
    assert pred["c"].tolist() == [1, 0, 0]  # parent of b1, a1, a2
    heads = MultitaskModel(two_level(), decode="heads").decode_labels(P)
    assert heads["c"].tolist() == [0, 1, 0]
    # a child that refines only "a" (b is N/A for it) leaves the coarse head alone
    g = TaskGraph({"c": ["a", "b"], "f": ["a1", "a2"]})
    g.add_edge("c", "f", {"a1": "a", "a2": "a"})
    part = MultitaskModel(g).decode_labels({"c": P["c"], "f": P["f"][:, :2]})
    assert part["c"].tolist() == [0, 1, 0]
    with pytest.raises(ValueError, match="decode must be"):
        MultitaskModel(two_level(), decode="joint")


def test_seed_ensemble_averages_its_networks_and_round_trips(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4)).astype(np.float32)
    f = np.where(X[:, 0] > 0, np.where(X[:, 1] > 0, 0, 1), 2)
    Y = {"c": (f == 2).astype(np.int64), "f": f}
    kw = dict(n_epochs=3, lr=0.02, progress_bar=False, seed=4)
    m = MultitaskModel(two_level(), n_models=3, **kw).fit(X, Y)
    assert len(m.networks) == 3 and m.network is m.networks[0]
    single = [
        MultitaskModel(two_level(), **{**kw, "seed": 4 + i}).fit(X, Y) for i in range(3)
    ]
    expect = np.mean([s.predict_proba(X, task="f") for s in single], axis=0)
    np.testing.assert_allclose(m.predict_proba(X, task="f"), expect, rtol=1e-6)
    m.save(tmp_path / "ens.json")
    back = MultitaskModel.load(tmp_path / "ens.json")
    np.testing.assert_array_equal(
        back.predict_proba(X, task="f"), m.predict_proba(X, task="f")
    )
    assert back.predict(X)["c"].tolist() == m.predict(X)["c"].tolist()
