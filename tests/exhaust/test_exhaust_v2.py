"""Developer exhaust v2: logs as written, whitelisted features, the default."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from snorkel_nb.exhaust import (
    CurveFitPredictor,
    FeatureNotice,
    KernelPredictor,
    LogParseWarning,
    LogPattern,
    RecommendedPredictor,
    SimpleGBRPredictor,
    StructuredBoostedPredictor,
    budget_regret,
    cross_val_predict,
    feature_columns,
    make_runs_table,
    parse_arch,
    parse_layers,
    read_logs,
    read_text_log,
    recommend_predictor,
    synthetic_cnn_runs,
    target_values,
    write_synthetic_logs,
)

MACS = {"macs": (r"#MACs:\s*([\d.,]+[kMG]?)", float)}


def test_json_and_python_literal_architectures_decode_to_layers():
    text = (
        '[{"kernel_size": 3, "width": 64, "stride": 1, "residual": false}, '
        '{"kernel_size": 5, "width": 128, "stride": 2, "residual": true}]'
    )
    layers = parse_layers(text)
    assert layers == [
        {
            "type": "layer",
            "kernel_size": 3.0,
            "width": 64.0,
            "stride": 1.0,
            "residual": 0.0,
        },
        {
            "type": "layer",
            "kernel_size": 5.0,
            "width": 128.0,
            "stride": 2.0,
            "residual": 1.0,
        },
    ]
    py = text.replace("false", "False").replace("true", "True").replace('"', "'")
    assert parse_layers(py) == layers
    assert parse_arch(text) == ["layer(3,64,1,0)", "layer(5,128,2,1)"]
    assert parse_layers('["conv3x3-64", "pool"]') == [
        {"type": "conv3x3-64"},
        {"type": "pool"},
    ]
    assert parse_layers([{"op": "conv", "filters": [32, 32]}]) == [
        {"type": "conv", "filters": 32.0}
    ]


def test_synthetic_raw_logs_parse_with_extra_fields(tmp_path):
    truth = synthetic_cnn_runs(4, 12, seed=3)
    write_synthetic_logs(tmp_path, n=4, n_epochs=12, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = read_logs(tmp_path, LogPattern(extra=MACS))
    t = t.set_index("run_id")
    for r in truth:
        row = t.loc[r["run_id"]]
        assert row.n_epochs == 12
        assert row.macs == pytest.approx(r["macs"], rel=1e-3)
        assert row.num_params == r["num_params"]
        assert row.lr == r["lr"]
        np.testing.assert_allclose(row.val_acc, r["val_acc"], atol=6e-5)
        assert [d["width"] for d in row.layers] == [d["width"] for d in r["arch"]]
        assert len(row.arch) == len(r["arch"])
    assert t.attrs["exhaust_parsed_fields"] == ["macs"]


def test_extra_fields_run_level_and_per_epoch(tmp_path):
    p = tmp_path / "run.log"
    p.write_text(
        "FLOPs = 3.5G\noptimizer: adam\n"
        "Epoch 1, val_acc: 0.40, lr 0.10\nEpoch 2, val_acc: 0.50, lr 0.05\n"
    )
    pat = LogPattern(
        extra={
            "flops": r"FLOPs\s*=\s*(\S+)",
            "optimizer": (r"optimizer:\s*(\w+)", str),
            "lr_seen": (r"\blr ([\d.]+)", float, "epoch"),
        }
    )
    row = read_text_log(p, pat).iloc[0]
    assert row.flops == 3.5e9
    assert row.optimizer == "adam"
    assert list(row.lr_seen) == [0.1, 0.05]
    with pytest.raises(ValueError, match="capture group"):
        LogPattern(extra={"x": r"no group"})
    with pytest.raises(ValueError, match="scope"):
        LogPattern(extra={"x": (r"(\d)", float, "batch")})


def test_garbled_and_out_of_order_markers_warn_and_never_overwrite(tmp_path):
    write_synthetic_logs(tmp_path, n=1, n_epochs=32, seed=0, garble={0: 30})
    truth = synthetic_cnn_runs(1, 32, seed=0)[0]["val_acc"]
    (path,) = tmp_path.glob("*.log")
    with pytest.warns(LogParseWarning, match=r"cnn-0000\.log:35: garbled .*3O"):
        row = read_text_log(path, LogPattern(extra=MACS)).iloc[0]
    assert row.val_acc[28] == pytest.approx(truth[28], abs=6e-5)  # epoch 29 kept
    assert np.isnan(row.val_acc[29])  # epoch 30 unreadable: missing, not merged
    assert row.val_acc[30] == pytest.approx(truth[30], abs=6e-5)
    p = tmp_path / "replay.log"
    p.write_text(
        "Epoch 1, val_acc: 0.3\nEpoch 2, val_acc: 0.4\nEpoch 1, val_acc: 0.9\n"
        "Epoch 3, val_acc: 0.5\n"
    )
    with pytest.warns(LogParseWarning, match=r"replay\.log:3: epoch 1 is logged"):
        row = read_text_log(p).iloc[0]
    assert row.val_acc.tolist() == [0.3, 0.4, 0.5]


def test_no_epochs_and_missing_target_say_so(tmp_path):
    p = tmp_path / "empty.log"
    p.write_text("loading data\nstarting\n")
    with pytest.warns(LogParseWarning, match="no epoch with metrics"):
        assert len(read_text_log(p)) == 0
    runs = make_runs_table([{"arch": "[C(8,3,1)]", "train_loss": [1.0]}] * 5)
    with pytest.raises(ValueError, match="missing from all 5 runs"):
        recommend_predictor(runs)
    with pytest.raises(ValueError, match="not logged"):
        SimpleGBRPredictor().fit(runs)


def _family(n=240, seed=0, n_epochs=30):
    recs = synthetic_cnn_runs(n, n_epochs, seed=seed)
    for r in recs:
        r.pop("true_final")  # the planted truth must not sit in the runs table
    return make_runs_table(recs)


def test_feature_whitelist_ignores_unknown_columns_and_run_ids():
    runs = _family(120)
    runs["job_id"] = np.arange(len(runs))  # an integer run id must not leak
    with pytest.warns(FeatureNotice, match=r"\['macs', 'num_params', 'lr'\]|job_id"):
        cols = feature_columns(runs)
    assert cols == ["num_params", "macs", "lr"]
    assert feature_columns(runs, ["lr", "job_id"]) == ["lr", "job_id"]
    with pytest.raises(ValueError, match="nope"):
        feature_columns(runs, ["nope"])
    with pytest.raises(ValueError, match="outcome"):
        feature_columns(runs, ["train_time"])
    # the id column changes nothing unless named
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeatureNotice)
        a = SimpleGBRPredictor(max_epochs_seen=0).fit(runs).predict(runs)
        b = SimpleGBRPredictor(max_epochs_seen=0).fit(runs.drop(columns="job_id"))
    np.testing.assert_allclose(a, b.predict(runs))


def test_more_epochs_never_hurt_the_default_on_slow_curves():
    """Epoch k sits ~25 points below the final value; the old residual target
    (gain over the last seen accuracy) got worse with epochs here."""
    runs = _family(180, seed=1)
    y = target_values(runs, "final_acc")
    assert np.mean(y - np.stack(runs["val_acc"])[:, 2]) > 0.15  # slow curves
    cands = {
        "curve-fit": CurveFitPredictor(max_epochs_seen=3),
        "plain-gbr": SimpleGBRPredictor(max_epochs_seen=3, n_estimators=40),
    }
    oof = cross_val_predict(
        runs, RecommendedPredictor(candidates=cands), (0, 1, 2, 3), n_folds=3
    )
    mae = [float(np.mean(np.abs(oof[k] - y))) for k in range(4)]
    for k in range(1, 4):
        assert mae[k] <= mae[k - 1] + 0.002, mae


def test_recommend_picks_the_clearly_best_candidate():
    runs = _family(200, seed=2)
    cands = {
        "plain-gbr": SimpleGBRPredictor(max_epochs_seen=2, n_estimators=80),
        "curve-fit": CurveFitPredictor(max_epochs_seen=2),
    }
    m = recommend_predictor(runs, max_epochs_seen=2, candidates=cands)
    # with no epochs seen the curve fit can only predict the mean
    assert m.choice_[0] == (("plain-gbr", 0),)
    assert m.report_.groupby("epochs_seen")["chosen"].sum().eq(1).all()
    assert "epochs_seen=0: plain-gbr@0" in m.describe()
    assert m.predict(runs.iloc[:3], 2).shape == (3,)


def test_structured_models_fit_and_use_layers():
    runs = _family(160, seed=4)
    train, test = runs.iloc[:120], runs.iloc[120:]
    y = target_values(test, "final_acc")
    base = np.mean(np.abs(y - target_values(train, "final_acc").mean()))
    for p in (
        StructuredBoostedPredictor(max_epochs_seen=2, max_iter=60),
        KernelPredictor(max_epochs_seen=2),
    ):
        p.fit(train)
        assert np.mean(np.abs(p.predict(test, 0) - y)) < 0.8 * base
        assert np.mean(np.abs(p.predict(test, 2) - y)) < 0.8 * base


def test_budget_regret_protocol():
    rng = np.random.default_rng(0)
    y, t = rng.uniform(0.5, 0.9, 200), rng.uniform(100, 200, 200)
    assert budget_regret(y, y, t, t, budget=150.0) == 0.0
    worse = budget_regret(y, -y, t, t, budget=150.0)
    noisy = budget_regret(y, y + rng.normal(0, 0.05, 200), t, t, budget=150.0)
    assert 0.0 < noisy < worse
    # a time model that says everything fits runs out of budget on slow runs
    assert budget_regret(y, y, t, np.zeros(200), budget=150.0) > 0
    with pytest.raises(ValueError, match="budget"):
        budget_regret(y, y, t, t, budget=1.0)
