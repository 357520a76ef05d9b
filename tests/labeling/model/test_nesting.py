"""Nested exceptions (labeling.model.nesting) and decisions among voted
classes (labeling.model.voted): planted cases where each rule should act, and
cases where it must not."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from snorkel_nb.labeling.model import LabelModel, MajorityLabelVoter, label_model
from snorkel_nb.labeling.model.nesting import (
    broad_lfs,
    defaults_last,
    mask_nested,
    nested_exceptions,
)
from snorkel_nb.labeling.model.stats import LabelStats
from snorkel_nb.labeling.model.synthetic import generate_single_class, simulate_workers
from snorkel_nb.labeling.model.voted import MARGIN, restrict_to_voted


def _broad_rule(seed: int, n: int = 6000, same_class: bool = False):
    """A broad LF 0 voting class 0 on 60% of rows whatever the class (a
    question word), two exceptions (LFs 1, 2) that fire only inside it, for
    classes 1 and 2, and four independent single-class LFs."""
    rng = np.random.default_rng(seed)
    Y = rng.choice(3, n, p=[0.4, 0.3, 0.3])
    inside = rng.random(n) < 0.6
    L = np.full((n, 7), -1, np.int8)
    L[inside, 0] = 0
    for j, c in ((1, 1), (2, 2)):
        fire = inside & (rng.random(n) < np.where(Y == c, 0.5, 0.03))
        L[fire, j] = 0 if same_class else c
    for j, c in ((3, 0), (4, 0), (5, 1), (6, 2)):
        L[rng.random(n) < np.where(Y == c, 0.5, 0.05), j] = c
    return L, Y


def _accuracy(pred: np.ndarray, L: np.ndarray, Y: np.ndarray) -> float:
    covered = (L >= 0).any(1)
    return float((pred[covered] == Y[covered]).mean())


def _mv(L: np.ndarray, k: int) -> np.ndarray:
    return MajorityLabelVoter(k).predict(L, tie_break_policy="random")


@pytest.mark.parametrize("seed", [0, 1])
def test_planted_exceptions_are_found_and_fix_majority_vote(seed):
    L, Y = _broad_rule(seed)
    pairs = nested_exceptions(LabelStats.from_matrix(L, 3))
    assert pairs == [(1, 0), (2, 0)]
    # the broad vote, counted, turns every exception row into a tie
    masked = _accuracy(_mv(mask_nested(L, pairs), 3), L, Y)
    plain = _accuracy(_mv(L, 3), L, Y)
    assert masked > plain + 0.02
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lm = LabelModel(3).fit(L)
    assert lm.nested_ == pairs
    assert _accuracy(lm.predict(L, tie_break_policy="random"), L, Y) >= masked - 0.005


def test_majority_vote_fallback_counts_votes_without_the_broad_lf():
    # the broad rule, its exceptions and one LF for class 0: the fit cannot
    # beat majority vote on held-out LFs and falls back
    L, Y = _broad_rule(0)
    L = L[:, :4]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lm = LabelModel(3).fit(L)
    assert lm.fit_report_["outcome"] == "majority vote"
    masked = mask_nested(L, [(1, 0), (2, 0)])
    np.testing.assert_array_equal(
        lm.predict(L, tie_break_policy="random"), _mv(masked, 3)
    )
    assert _accuracy(_mv(masked, 3), L, Y) > _accuracy(_mv(L, 3), L, Y) + 0.05


def test_same_class_nesting_is_not_an_exception():
    L, _ = _broad_rule(0, same_class=True)
    assert nested_exceptions(LabelStats.from_matrix(L, 3)) == []


def test_nesting_explained_by_coverage_is_not_an_exception():
    # LF 0 votes on 99.5% of rows: every small LF lies inside it by chance
    rng = np.random.default_rng(0)
    L = np.full((4000, 2), -1, np.int8)
    L[rng.random(4000) < 0.995, 0] = 0
    L[rng.random(4000) < 0.05, 1] = 1
    assert nested_exceptions(LabelStats.from_matrix(L, 2)) == []


def test_independent_keyword_lfs_and_crowd_workers_have_no_exceptions():
    d = generate_single_class(n=20000, k=5, lfs_per_class=3, seed=0)
    assert nested_exceptions(LabelStats.from_matrix(d.L, 5)) == []
    # workers voting several classes, one of them labelling a superset of
    # another's items: assignment, never an exception
    Y = np.random.default_rng(1).integers(0, 3, 1000)
    W = simulate_workers(Y, 3, n_workers=6, per_item=3, seed=1)
    W[:, 0] = np.where(W[:, 1] >= 0, Y, W[:, 0])
    assert nested_exceptions(LabelStats.from_matrix(W, 3)) == []


def test_nested_pairs_survive_save_and_load(tmp_path):
    L, _ = _broad_rule(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lm = LabelModel(3).fit(L)
    lm.save(tmp_path / "lm")
    back = LabelModel.load(tmp_path / "lm")
    assert back.nested_ == lm.nested_
    np.testing.assert_allclose(back.predict_proba(L), lm.predict_proba(L))


def _default_rule(seed: int):
    """The broad rule with its two exceptions (LFs 0-2 of ``_broad_rule``), a
    *partial* exception for class 2 that fires whether or not the broad LF
    does (LF 3, so not detected as nested) and one LF for class 0."""
    L, Y = _broad_rule(seed)
    rng = np.random.default_rng(seed + 100)
    extra = np.full((len(Y), 2), -1, np.int8)
    extra[rng.random(len(Y)) < np.where(Y == 2, 0.3, 0.02), 0] = 2
    extra[rng.random(len(Y)) < np.where(Y == 0, 0.5, 0.05), 1] = 0
    return np.hstack([L[:, :3], extra]), Y


@pytest.mark.parametrize("seed", [1, 11])
def test_a_default_rule_gives_way_in_majority_vote_ties(seed, monkeypatch, tmp_path):
    L, Y = _default_rule(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lm = LabelModel(3).fit(L)
    assert lm.fit_report_["outcome"] == "majority vote"
    assert lm.nested_ == [(1, 0), (2, 0)]
    masked = mask_nested(L, lm.nested_)
    mv = _mv(masked, 3)
    ours = lm.predict(L, tie_break_policy="random")
    # only ties between the default and LF 3 change, each toward LF 3
    changed = ours != mv
    assert changed.any()
    assert (masked[changed, 0] == 0).all() and (ours[changed] == 2).all()
    assert _accuracy(ours, L, Y) > _accuracy(mv, L, Y) + 0.01
    lm.save(tmp_path / "lm")
    back = LabelModel.load(tmp_path / "lm")
    np.testing.assert_array_equal(back.predict(L, tie_break_policy="random"), ours)
    # a margin that orders ties and moves no probability that matters
    P = lm.predict_proba(L)
    monkeypatch.setattr(label_model, "TIE_MARGIN", 0.0)
    assert np.abs(lm.predict_proba(L) - P).max() < 1e-3


def test_a_rule_with_one_exception_is_not_a_default():
    assert broad_lfs([(1, 0), (3, 2), (4, 2)]) == [2]
    L = np.array([[0, 1, -1], [0, -1, 1], [-1, 1, 1]])
    C = np.array([[1.0, 1.0], [1.0, 1.0], [0.0, 2.0]])
    np.testing.assert_array_equal(
        defaults_last(L, C, [0], 0.01), [[0, 0.01], [0, 0.01], [0, 0]]
    )
    assert not defaults_last(L, C, [], 0.01).any()


def test_share_must_be_a_fraction():
    with pytest.raises(ValueError, match="share"):
        nested_exceptions(LabelStats.from_matrix(np.zeros((3, 2), int), 2), share=0)


# ---- decisions among voted classes ------------------------------------------------
def test_restrict_to_voted_moves_just_enough():
    P = np.array([[0.6, 0.3, 0.1], [0.6, 0.3, 0.1], [0.2, 0.2, 0.6], [0.1, 0.7, 0.2]])
    L = np.array([[1, 2], [1, 1], [-1, -1], [1, 0]])
    out = restrict_to_voted(P, L, 3)
    np.testing.assert_allclose(out.sum(1), 1)
    assert out[:2].argmax(1).tolist() == [1, 1]
    # the least mixture toward P(. | voted): the top voted class ends MARGIN
    # above the best unvoted one
    np.testing.assert_allclose(out[:2, 1] - out[:2, 0], MARGIN, atol=1e-12)
    # row 0 by hand: lam = (0.6 + MARGIN - 0.3) / (0.3 / 0.4 - 0.3 + 0.6)
    lam = (0.3 + MARGIN) / 1.05
    np.testing.assert_allclose(
        out[0], (1 - lam) * P[0] + lam * np.array([0, 0.75, 0.25])
    )
    np.testing.assert_array_equal(out[2:], P[2:])  # no votes / voted top class
    with pytest.raises(ValueError, match="shape"):
        restrict_to_voted(P[:2], L, 3)


def _voted(L: np.ndarray, k: int) -> np.ndarray:
    voted = np.zeros((len(L), k), bool)
    for j in range(L.shape[1]):
        on = L[:, j] >= 0
        voted[on, L[on, j]] = True
    return voted


def test_fit_labels_voted_rows_with_a_voted_class():
    # the broad LF fires whatever the class: alone, its vote says little, and
    # the full posterior labels many of its lone votes 1 or 2
    L, _ = _broad_rule(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lm = LabelModel(3, guard=False).fit(L)
        full = LabelModel(3, guard=False, voted_only=False).fit(L)
    voted, rows = _voted(L, 3), np.arange(len(L))
    covered = voted.any(1)
    assert voted[rows, lm.predict_proba(L).argmax(1)][covered].all()
    assert not voted[rows, full.predict_proba(L).argmax(1)][covered].all()


def test_given_class_balance_keeps_the_full_posterior():
    d = generate_single_class(n=5000, k=4, lfs_per_class=3, seed=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = LabelModel(4, guard=False).fit(d.L, class_balance=d.class_balance)
        b = LabelModel(4, guard=False, voted_only=False).fit(
            d.L, class_balance=d.class_balance
        )
    np.testing.assert_allclose(a.predict_proba(d.L), b.predict_proba(d.L))


SETS = Path(__file__).resolve().parents[3] / "bench"


def _real_set(name: str) -> dict:
    sys.path.insert(0, str(SETS))
    try:
        import label_sets

        return getattr(label_sets, name)()
    except (FileNotFoundError, OSError):
        pytest.skip("shared data absent")
    finally:
        sys.path.remove(str(SETS))


def _covered_test_accuracy(d: dict, P: np.ndarray) -> float:
    from snorkel_nb.labeling.model.base import probs_to_preds

    keep = (d["Ye"] >= 0) & (d["Le"] >= 0).any(1)
    return float((probs_to_preds(P, "random", seed=0)[keep] == d["Ye"][keep]).mean())


def test_trec_fallback_counts_exceptions_before_the_broad_rule():
    # real data: 17 exceptions of one broad LF (LF 41, 62% of rows)
    d = _real_set("trec")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lm = LabelModel(6).fit(d["L"])
    assert {j for _, j in lm.nested_} >= {41}
    ours = _covered_test_accuracy(d, lm.predict_proba(d["Le"]))
    mv = _covered_test_accuracy(d, MajorityLabelVoter(6).predict_proba(d["Le"]))
    assert ours > mv + 0.02


def test_youtube_voted_classes_not_worse_than_full_posterior():
    d = _real_set("youtube")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        voted = LabelModel(2).fit(d["L"])
        full = LabelModel(2, voted_only=False).fit(d["L"])
    a = _covered_test_accuracy(d, voted.predict_proba(d["Le"]))
    b = _covered_test_accuracy(d, full.predict_proba(d["Le"]))
    assert a >= b
