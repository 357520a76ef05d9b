"""Predictors beat the closest-layers baseline on a synthetic known relationship."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from snorkel_nb.exhaust import (
    BoostedPredictor,
    ClosestLayersPredictor,
    EditDistanceKNN,
    KernelPredictor,
    LSTMPredictor,
    find_shared_data,
    load_metaqnn,
    make_runs_table,
    target_values,
)


def synthetic_runs(n=300, seed=0):
    """Accuracy depends on conv widths and pooling, not on depth."""
    rng = np.random.default_rng(seed)
    recs = []
    for i in range(n):
        depth = int(rng.integers(3, 8))
        arch, score = [], 0.0
        for _ in range(depth):
            if rng.random() < 0.7:
                w = int(rng.choice([16, 32, 64, 128]))
                arch.append(f"C({w},3,1)")
                score += np.log2(w) / 30
            else:
                arch.append("P(2,2)")
                score -= 0.05
        final = float(np.clip(0.5 + score + rng.normal(0, 0.005), 0.05, 0.99))
        curve = final * (1 - np.exp(-np.arange(1, 11) / 2.0))
        epoch_time = np.full(10, 1.0 + sum(a.startswith("C") for a in arch))
        recs.append(
            {
                "run_id": f"s{i}",
                "arch": arch,
                "val_acc": curve,
                "train_acc": curve + 0.02 * len(arch) / 7,
                "epoch_time": epoch_time,
            }
        )
    return make_runs_table(recs)


@pytest.fixture(scope="module")
def split():
    runs = synthetic_runs()
    return runs.iloc[:220].reset_index(drop=True), runs.iloc[220:].reset_index(
        drop=True
    )


def mae(p, runs, k=0):
    return float(np.mean(np.abs(p.predict(runs, k) - target_values(runs, p.target))))


@pytest.mark.parametrize(
    "make",
    [
        lambda t: EditDistanceKNN(t, 3, n_neighbors=5),
        lambda t: BoostedPredictor(t, 3, max_iter=80),
        lambda t: KernelPredictor(t, 3),
        lambda t: LSTMPredictor(t, 3, epochs=25, hidden=32),
    ],
)
@pytest.mark.parametrize("target", ["final_acc", "train_time"])
def test_beats_closest_layers(split, make, target):
    train, test = split
    base = mae(ClosestLayersPredictor(target).fit(train), test)
    model = make(target).fit(train)
    assert mae(model, test) < 0.8 * base
    if target == "final_acc":  # early epochs help
        assert mae(model, test, 3) < base


def test_interface_and_errors(split):
    train, test = split
    p = BoostedPredictor(max_epochs_seen=1, max_iter=20)
    assert p.fit(train) is p
    assert p.predict([["C(64,3,1)", "P(2,2)"]]).shape == (1,)
    with pytest.raises(ValueError, match="epochs_seen"):
        p.predict(test, epochs_seen=2)
    with pytest.raises(ValueError, match="Unknown target"):
        BoostedPredictor("loss").fit(train)
    with pytest.raises(ValueError, match="empty"):
        ClosestLayersPredictor().fit(train.iloc[:0])
    with pytest.raises(ValueError, match="not fitted"):
        EditDistanceKNN().predict(test)
    no_time = load_metaqnn("cifar10")
    with pytest.raises(ValueError, match="not logged"):
        ClosestLayersPredictor("train_time").fit(no_time)
    assert np.isfinite(target_values(train, "overfit")).all()


def test_lstm_is_seeded(split):
    train, test = split
    a = LSTMPredictor(epochs=3, seed=1).fit(train).predict(test)
    b = LSTMPredictor(epochs=3, seed=1).fit(train).predict(test)
    np.testing.assert_allclose(a, b)


def test_shared_metaqnn_boosted_beats_baseline():
    root = find_shared_data("exhaust")
    if root is None:
        pytest.skip("../shared/data/exhaust is absent (needs the MetaQNN CSVs)")
    runs = load_metaqnn("cifar10", root / "metaqnn" / "metaqnn_cifar10.csv")
    train, test = runs.iloc[:700], runs.iloc[700:]
    base = mae(ClosestLayersPredictor().fit(train), test)
    gb = BoostedPredictor(max_epochs_seen=3, max_iter=60).fit(train)
    assert mae(gb, test, 3) < 0.5 * base
    assert isinstance(runs, pd.DataFrame)


def test_lstm_save_load_round_trip(split, tmp_path):
    train, test = split
    m = LSTMPredictor(epochs=2, seed=3).fit(train)
    m.save(tmp_path / "lstm.json")
    back = LSTMPredictor.load(tmp_path / "lstm.json")
    np.testing.assert_allclose(back.predict(test, 2), m.predict(test, 2), rtol=1e-6)
    (tmp_path / "lstm.json.npz").write_bytes(b"corrupt")
    with pytest.raises(ValueError, match="Checksum"):
        LSTMPredictor.load(tmp_path / "lstm.json")


def test_kernel_curve_shape_and_fallback(split):
    from snorkel_nb.exhaust.predictors import _curve_shape

    c = np.array([[0.3, 0.4, 0.45], [0.5, np.nan, 0.6]])
    f = _curve_shape(c, 20)
    assert f.shape == (2, 11)
    assert np.isfinite(f[0]).all()
    # a log curve a + b*log(e) is extrapolated exactly by the log fit
    e = np.log([1.0, 2.0, 3.0])
    g = _curve_shape((0.3 + 0.1 * e)[None, :], 20)
    np.testing.assert_allclose(g[0, 4], 0.1 * (np.log(20) - np.log(3)), atol=1e-9)
    assert _curve_shape(np.zeros((2, 0)), 20).shape == (2, 0)
    train, _ = split
    p = KernelPredictor(max_epochs_seen=2).fit(train)
    # queries without logged epochs fall back to the architecture-only model
    bare = p.predict([["C(64,3,1)", "P(2,2)"]], epochs_seen=2)
    np.testing.assert_allclose(bare, p.predict([["C(64,3,1)", "P(2,2)"]]))
    assert p.horizon_ == 10


def test_kernel_transform_is_what_its_svr_sees():
    """transform() + the fitted SVR + curve_base() rebuild predict() exactly."""
    runs = synthetic_runs(120, seed=3)
    kp = KernelPredictor(max_epochs_seen=3).fit(runs)
    for k in (0, 1, 2, 3):
        X = kp.transform(runs, k)
        assert X.shape == (len(runs), len(kp.feature_names(k)))
        assert np.isfinite(X).all() and np.abs(X).max() <= 5.0
        svr, kk, r_mu, r_sd = kp.models_[k]
        rebuilt = svr.predict(X) * r_sd + r_mu + kp.curve_base(runs, k)
        np.testing.assert_allclose(rebuilt, kp.predict(runs, k), atol=1e-10)
    assert kp.feature_names(0)[:2] == ["depth", "log_arg_product_sum"]
    assert kp.feature_names(3)[-1] == "ratio of last two gains"
    assert not kp.curve_base(runs, 0).any()
