"""Model search: budgets are never exceeded; the overlap protocol."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snorkel_nb.exhaust import (
    BoostedPredictor,
    ClosestLayersPredictor,
    cross_val_predict,
    load_accel_nasbench,
    search_models,
    top_k_overlap,
)


@pytest.fixture(scope="module")
def fitted():
    runs = load_accel_nasbench()
    train, pool = runs.iloc[:500], runs.iloc[500:540]
    acc = BoostedPredictor(max_epochs_seen=0, max_iter=60).fit(train)
    tim = BoostedPredictor("train_time", 0, max_iter=60).fit(train)
    return pool, acc, tim, tim.predict(pool)


@settings(max_examples=15, deadline=None)
@given(q=st.floats(0.0, 1.0), k=st.integers(1, 5))
def test_budget_never_exceeded(fitted, q, k):
    pool, acc, tim, t_pred = fitted
    budget = float(np.quantile(t_pred, q))
    top = search_models(pool, acc, k, tim, budget=budget)
    assert (top["predicted_time"] <= budget).all()
    assert 1 <= len(top) <= k
    assert top["predicted"].is_monotonic_decreasing


def test_no_feasible_candidate_says_so(fitted):
    pool, acc, tim, t_pred = fitted
    with pytest.raises(ValueError, match="No candidate has a predicted training time"):
        search_models(pool, acc, 3, tim, budget=float(t_pred.min()) / 2)
    with pytest.raises(ValueError, match="time_predictor"):
        search_models(pool, acc, 3, budget=1e9)


def test_overfit_objective_minimises():
    from snorkel_nb.exhaust import make_runs_table

    runs = make_runs_table(
        [
            {
                "arch": ["C(8,3,1)"] * (i % 5 + 1),
                "val_acc": [0.5],
                "train_acc": [0.5 + 0.01 * (i % 5)],
            }
            for i in range(40)
        ]
    )
    p = ClosestLayersPredictor("overfit").fit(runs)
    top = search_models(runs, p, 3)
    assert top["predicted"].is_monotonic_increasing
    assert top["predicted"].iloc[0] == pytest.approx(0.0)


def test_top_k_overlap_protocol():
    y = np.arange(200.0)
    assert top_k_overlap(y, y) == 1.0
    assert top_k_overlap(y, -y) == 0.0
    t = np.arange(200.0)[::-1]  # fastest = worst
    # perfect time predictions: predicted and true feasible sets coincide
    assert top_k_overlap(y, y, time_true=t, time_pred=t, budget=100) == 1.0
    with pytest.raises(ValueError, match="budget"):
        top_k_overlap(y, y, budget=3)


def test_cross_val_predict_out_of_fold():
    runs = load_accel_nasbench().iloc[:100]
    oof = cross_val_predict(runs, ClosestLayersPredictor(max_epochs_seen=0), (0,))
    assert np.isfinite(oof[0]).all() and oof[0].shape == (100,)
