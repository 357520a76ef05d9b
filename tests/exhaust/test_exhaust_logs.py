"""Log parsers: well-formed, truncated and garbage-laden fixture logs."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from snorkel_nb.exhaust import (
    LogParseWarning,
    LogPattern,
    fixture_logs_dir,
    load_accel_nasbench,
    load_metaqnn,
    read_keras_csv,
    read_lightning_csv,
    read_logs,
    read_text_log,
)

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "exhaust"


def _nan_list(a):
    return [None if np.isnan(v) else round(float(v), 4) for v in a]


def test_keras_well_formed_with_sidecar():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = read_keras_csv(FIX / "keras_good.csv")
    row = t.iloc[0]
    assert row.run_id == "keras_good"
    assert row.arch == ["C(32,3,1)", "P(2,2)", "SM(10)"]
    assert row.num_params == 1234
    assert _nan_list(row.val_acc) == [0.45, 0.55, 0.62]
    assert _nan_list(row.train_acc) == [0.5, 0.6, 0.7]
    assert _nan_list(row.train_loss) == [1.2, 1.0, 0.9]


def test_keras_truncated_keeps_partial_curve_and_names_line():
    with pytest.warns(LogParseWarning, match=r"keras_truncated\.csv:4"):
        t = read_keras_csv(FIX / "keras_truncated.csv")
    assert _nan_list(t.iloc[0].val_acc) == [0.45, 0.55]


def test_keras_bad_value_skips_line():
    with pytest.warns(LogParseWarning, match=r"keras_badvalue\.csv:3"):
        t = read_keras_csv(FIX / "keras_badvalue.csv")
    assert _nan_list(t.iloc[0].val_acc) == [0.45, None, 0.62]


def test_lightning_sparse_rows_percent_rescaled():
    t = read_lightning_csv(FIX / "lightning_metrics.csv", run_id="L")
    row = t.iloc[0]
    assert _nan_list(row.val_acc) == [0.71, 0.785, None]  # half-finished epoch 2
    assert _nan_list(row.train_loss) == [0.9, 0.7, None]
    assert row.lr == 0.01


def test_text_log_garbage_lines_and_bad_timestamp():
    with pytest.warns(LogParseWarning, match=r"text_garbage\.log:7"):
        t = read_text_log(FIX / "text_garbage.log")
    row = t.iloc[0]
    assert row.arch == ["C(64,3,1)", "P(2,2)", "SM(10)"]
    assert row.lr == 0.01
    assert _nan_list(row.val_acc) == [0.35, 0.5, None, 0.61, None]
    assert _nan_list(row.train_loss) == [1.0, 0.8, None, 0.6, 0.5]
    assert _nan_list(row.epoch_time) == [10.0, 20.0, None, 40.0, 10.0]


def test_custom_pattern():
    p = FIX.parent.parent / "fixtures" / "exhaust" / "text_garbage.log"
    pat = LogPattern(val_acc=r"val_loss: ([\d.]+)", timestamp=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = read_text_log(p, pat)
    assert _nan_list(t.iloc[0].val_acc)[:2] == [1.1, 0.95]


def test_empty_and_metric_free_files_skipped_with_warning():
    with pytest.warns(LogParseWarning, match="empty.csv"):
        assert len(read_keras_csv(FIX / "empty.csv")) == 0
    with pytest.warns(LogParseWarning, match="nothing.log"):
        assert len(read_text_log(FIX / "nothing.log")) == 0


def test_read_logs_directory_never_crashes(tmp_path):
    (tmp_path / "binary.log").write_bytes(b"\x00\xff\xfe garbage \x00 epoch \x00")
    (tmp_path / "copy.csv").write_text((FIX / "keras_good.csv").read_text())
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        t = read_logs([FIX, tmp_path, tmp_path / "missing.log"])
    assert any("missing.log" in str(w.message) for w in rec)
    assert t["run_id"].is_unique
    assert len(t) == 6  # 3 keras + lightning + text + copy


def test_bundled_fixture_logs():
    t = read_logs(fixture_logs_dir())
    assert t.shape[0] == 6
    assert set(t["n_epochs"]) == {4, 6, 8}
    torch_run = t.set_index("run_id").loc["torch_run"]
    assert torch_run.arch[0].startswith("Conv2d(")
    assert _nan_list(torch_run.epoch_time) == [None, 60.0, 60.0, 60.0]


def test_bundled_samples_load():
    m = load_metaqnn("svhn")
    a = load_accel_nasbench()
    assert m.shape[0] == 300 and m["n_epochs"].eq(20).all()
    assert a.shape[0] == 600 and a["train_time"].gt(0).all()
    with pytest.raises(ValueError, match="cifar10"):
        load_metaqnn("mnist")
