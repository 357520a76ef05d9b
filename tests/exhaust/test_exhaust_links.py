"""KernelPredictor's target links (residual / logit / error ratio) and the default."""

from __future__ import annotations

import numpy as np
import pytest

from snorkel_nb.exhaust import (
    KernelPredictor,
    cross_val_predict,
    make_runs_table,
    target_values,
)
from snorkel_nb.exhaust.recommend import default_candidates

ALPHA = 0.5  # planted power-law decay of the error: err(t) = E * t ** -ALPHA


def power_law_runs(n: int = 160, n_epochs: int = 20, seed: int = 0):
    """Runs whose error decays as ``E * t**-ALPHA``; ``E`` varies per run.

    The final error is then a planted multiple of the epoch-3 error,
    ``(n_epochs / 3) ** -ALPHA``, whatever ``E``: the error ratio is constant.
    """
    rng = np.random.default_rng(seed)
    t = np.arange(1, n_epochs + 1, dtype=float)
    recs = []
    for _ in range(n):
        e = rng.uniform(0.3, 0.8)
        curve = 1 - e * t**-ALPHA + rng.normal(0, 1e-3, n_epochs)
        depth = int(rng.integers(2, 6))
        recs.append({"arch": ["C(32,3,1)"] * depth + ["SM(10)"], "val_acc": curve})
    return make_runs_table(recs)


def test_error_ratio_link_recovers_the_planted_decay():
    runs = power_law_runs()
    train, test = runs.iloc[:120], runs.iloc[120:]
    m = KernelPredictor(max_epochs_seen=3, link="error-ratio").fit(train)
    pred = m.predict(test, epochs_seen=3)
    acc3 = np.array([c[2] for c in test["val_acc"]])
    ratio = np.log((1 - pred) / (1 - acc3))
    # planted: log(err_20 / err_3) = -ALPHA * log(20 / 3)
    assert np.allclose(ratio, -ALPHA * np.log(20 / 3), atol=0.02)
    y = target_values(test, "final_acc")
    assert np.mean(np.abs(pred - y)) < 0.003


@pytest.mark.parametrize("link", ["residual", "logit", "error-ratio"])
def test_links_invert_exactly_and_fit_deterministically(link):
    kp = KernelPredictor(link=link)
    y = np.array([0.2, 0.55, 0.9])
    base, last = np.array([0.3, 0.5, 0.8]), np.array([0.1, 0.4, 0.7])
    z = kp._to_link(y, base, last)
    assert np.allclose(kp._from_link(z, base, last), y)
    runs = power_law_runs(60)
    a = cross_val_predict(runs, KernelPredictor(max_epochs_seen=2, link=link), (0, 2))
    b = cross_val_predict(runs, KernelPredictor(max_epochs_seen=2, link=link), (0, 2))
    assert all(np.array_equal(a[k], b[k]) for k in (0, 2))
    if link != "residual":  # predictions stay accuracies
        assert all(((a[k] > 0) & (a[k] < 1)).all() for k in (0, 2))


def test_bad_link_and_non_accuracy_target_raise():
    runs = power_law_runs(30)
    with pytest.raises(ValueError, match="link='cube'"):
        KernelPredictor(link="cube").fit(runs)
    with pytest.raises(ValueError, match="needs an accuracy target"):
        KernelPredictor("train_time", link="logit").fit(runs)
    assert "kernel-logit" not in default_candidates("train_time")
    assert "kernel-error-ratio" in default_candidates("final_acc")
