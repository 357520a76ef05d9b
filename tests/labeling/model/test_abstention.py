"""``abstain="auto"``: per-class or class-independent abstention rates, by AIC."""

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
    simulate_workers,
)
from snorkel_nb.labeling.model.selection import abstention_aic


def _acc(model, L, Y):
    return float((model.predict(L, tie_break_policy="random") == Y).mean())


def _fit(k, L, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return LabelModel(k, **kw).fit(L)


@pytest.mark.parametrize("seed", [0, 1])
def test_sparse_crowd_gets_class_independent_abstention(seed):
    # who labels an item is set by assignment (3 of 60 workers), not by its
    # class: per-class abstention rates are 60 noise parameters per class
    rng = np.random.default_rng(seed)
    Y = (rng.random(2000) < 0.15).astype(np.int64)
    L = simulate_workers(Y, 2, n_workers=60, per_item=3, seed=seed)
    lm = _fit(2, L)
    rep = lm.fit_report_["abstention"]
    assert lm.abstain_ == "independent" and rep["chosen"] == "independent"
    assert rep["aic_gain"] < 0 and rep["extra_parameters"] == 60
    per_class = _fit(2, L, abstain="class")
    assert per_class.abstain_ == "class" and "abstention" not in per_class.fit_report_
    assert _acc(lm, L, Y) >= _acc(per_class, L, Y) - 0.002
    assert _acc(lm, L, Y) >= _acc(DawidSkene(2).fit(L), L, Y) - 0.01
    assert _acc(lm, L, Y) > _acc(MajorityLabelVoter(2), L, Y) + 0.03


def test_class_dependent_abstention_keeps_per_class_rates():
    # workers label positives five times as often: silence is evidence
    rng = np.random.default_rng(3)
    n, m = 3000, 20
    Y = rng.integers(0, 2, n)
    fires = rng.random((n, m)) < np.where(Y == 1, 0.5, 0.1)[:, None]
    votes = np.where(rng.random((n, m)) < 0.8, Y[:, None], 1 - Y[:, None])
    L = np.where(fires, votes, -1).astype(np.int8)
    lm = _fit(2, L)
    assert lm.abstain_ == "class"
    assert lm.fit_report_["abstention"]["aic_gain"] > 100
    independent = _fit(2, L, abstain="independent")
    assert _acc(lm, L, Y) > _acc(independent, L, Y) + 0.01


def test_single_class_lfs_are_not_compared():
    # keyword LFs: silence is what identifies them, and no LF casts two votes
    d = generate_single_class(n=3000, k=3, seed=0)
    lm = _fit(3, d.L)
    assert lm.abstain_ == "class" and "abstention" not in lm.fit_report_


def test_bic_counts_one_extra_rate_for_single_class_lfs():
    stats = LabelStats.from_matrix(np.array([[0, 1, -1]] * 50 + [[1, 1, 0]] * 50), 2)
    # 3 LFs, k = 2: one extra rate each, shared off-target or not
    res = abstention_aic(stats, -100.0, -100.0 - 3 - 1.0)
    assert res["extra_parameters"] == 3 and res["chosen"] == "class"
    assert res["aic_gain"] == pytest.approx(1.0)
    k3 = LabelStats.from_matrix(np.array([[0, 2], [1, 2]] * 10), 3)
    assert abstention_aic(k3, 0.0, 0.0, single_class_lfs=1)["extra_parameters"] == 3


def test_warm_started_alternative_matches_a_separate_independent_fit():
    # abstain="auto" fits the independent model by EM from the per-class fit;
    # a separate fit (moments, two EM starts) lands on the same labels
    rng = np.random.default_rng(5)
    Y = rng.integers(0, 3, 1200)
    L = simulate_workers(Y, 3, n_workers=30, per_item=5, seed=5)
    lm = _fit(3, L)
    assert lm.abstain_ == "independent"
    assert lm.fit_report_["start"] == "per-class fit"
    separate = _fit(3, L, abstain="independent")
    assert (lm.predict(L) == separate.predict(L)).mean() > 0.99
    np.testing.assert_allclose(
        lm.get_conditional_probs(), separate.get_conditional_probs(), atol=0.03
    )


def test_the_choice_survives_save_and_load(tmp_path):
    rng = np.random.default_rng(2)
    Y = rng.integers(0, 2, 1500)
    L = simulate_workers(Y, 2, n_workers=40, per_item=3, seed=2)
    lm = _fit(2, L)
    lm.save(tmp_path / "lm.json")
    back = LabelModel.load(tmp_path / "lm.json")
    assert back.abstain_ == lm.abstain_ == "independent"
    np.testing.assert_allclose(back.predict_proba(L), lm.predict_proba(L))
