"""The gold-free choice between candidate fits (labeling.model.selection)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from snorkel_nb.labeling.model import (
    DawidSkene,
    LabelModel,
    LabelStats,
    MajorityLabelVoter,
    generate_single_class,
    generate_synthetic,
    simulate_workers,
)
from snorkel_nb.labeling.model.selection import (
    compare_candidates,
    multi_vote_lfs,
    split_stats,
)


def _acc(model, L, Y):
    return float((model.predict(L, tie_break_policy="random") == Y).mean())


def test_asymmetric_workers_get_a_crowd_model_and_no_ties():
    for seed in range(2):
        rng = np.random.default_rng(seed)
        Y = rng.integers(0, 3, 1500)
        L = simulate_workers(Y, 3, n_workers=30, per_item=5, seed=seed)
        lm = LabelModel(3).fit(L)
        ds = DawidSkene(3).fit(L)
        assert lm.fit_report_["selection"]["chosen"] in ("label model", "dawid-skene")
        best = max(_acc(ds, L, Y), _acc(LabelModel(3, select=False).fit(L), L, Y))
        assert _acc(lm, L, Y) >= best - 0.01
        assert _acc(lm, L, Y) > _acc(MajorityLabelVoter(3), L, Y) + 0.04
        # every row has votes, and a fitted model leaves none of them tied
        assert (lm.predict(L) != -1).all()


def test_dawid_skene_beats_a_symmetric_incumbent_on_asymmetric_workers():
    rng = np.random.default_rng(0)
    Y = rng.integers(0, 2, 2000)
    L = simulate_workers(Y, 2, n_workers=30, per_item=5, seed=0)
    stats = LabelStats.from_matrix(L, 2)

    def symmetric(s):  # one accuracy per worker, pinned near majority vote
        return DawidSkene(2, guard=False, prior_strength=1e4).fit_stats(s)

    def dawid_skene(s):
        return DawidSkene(2, guard=False).fit_stats(s)

    res = compare_candidates(stats, {"symmetric": symmetric, "ds": dawid_skene})
    gain, se = res["diffs"]["ds"]
    assert gain > 2 * se > 0


def test_conditionally_independent_lfs_keep_the_moment_fit():
    d = generate_synthetic(n=6000, m=10, k=3, seed=3)
    lm = LabelModel(3).fit(d.L)
    assert lm.fit_report_["selection"]["chosen"] == "label model"
    assert _acc(lm, d.L, d.Y) > _acc(d.oracle(), d.L, d.Y) - 0.005


def test_unreliable_fits_keep_majority_vote():
    # one single-class LF per class and no shared off-target rates: the fit
    # cannot be checked, the guard keeps majority vote, and the selection has
    # no informative held-out vote to move it
    rng = np.random.default_rng(1)
    n, k = 4000, 4
    Y = rng.integers(0, k, n)
    L = np.full((n, k), -1, dtype=np.int8)
    for j in range(k):
        L[rng.random(n) < np.where(Y == j, 0.6, 0.15), j] = j
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lm = LabelModel(k, share_off_target=False).fit(L)
    assert lm.fit_report_["action"].startswith("fell back to majority vote")
    sel = lm.fit_report_["selection"]
    assert sel["chosen"] == "label model" and sel["scores"] == {} and sel["pairs"] == 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_single_class_keyword_lfs_never_fall_below_majority_vote(seed):
    d = generate_single_class(n=8000, k=3, seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lm = LabelModel(3).fit(d.L)
    assert _acc(lm, d.L, d.Y) >= _acc(MajorityLabelVoter(3), d.L, d.Y) - 0.005


def test_folds_partition_the_rows_and_scores_are_paired():
    d = generate_synthetic(n=3000, m=6, k=2, seed=4)
    stats = LabelStats.from_matrix(d.L, 2)
    folds = split_stats(stats, 5, seed=0)
    held = sum(h.n for _, h in folds)
    assert held == stats.n and all(t.n + h.n == stats.n for t, h in folds)
    assert multi_vote_lfs(stats).all()

    def lm(s):
        return LabelModel(2, select=False).fit_stats(s)

    res = compare_candidates(stats, {"a": lm, "b": lm})
    assert res["diffs"]["b"] == (0.0, 0.0)  # the same fit scores the same
    ds = compare_candidates(
        stats, {"a": lm, "ds": lambda s: DawidSkene(2, guard=False).fit_stats(s)}
    )
    assert set(ds["scores"]) == {"a", "ds"} and ds["share"] == 1.0


def test_crowd_like_needs_most_lfs_to_cast_several_votes():
    from snorkel_nb.labeling.model.selection import crowd_like

    rng = np.random.default_rng(0)
    Y = rng.integers(0, 2, 2000)
    workers = simulate_workers(Y, 2, n_workers=20, per_item=3, seed=0)
    assert crowd_like(LabelStats.from_matrix(workers, 2))
    # three keyword LFs and one two-class LF that votes on every row: its pairs
    # are half of all, but it is one LF of four
    kw = np.full((2000, 4), -1, dtype=np.int8)
    for j, c in enumerate((0, 1, 1)):
        kw[rng.random(2000) < np.where(Y == c, 0.5, 0.1), j] = c
    kw[:, 3] = np.where(rng.random(2000) < 0.7, Y, 1 - Y)
    stats = LabelStats.from_matrix(kw, 2)
    assert multi_vote_lfs(stats).sum() == 1 and not crowd_like(stats)
