"""MultitaskModel compiled from a TaskGraph: wiring, masking, persistence, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from snorkel_nb.classification import cross_entropy_with_probs
from snorkel_nb.multitask import MultitaskModel, TaskGraph
from snorkel_nb.multitask.model import ChildHead


def graph() -> TaskGraph:
    g = TaskGraph({"c": ["a", "b"], "f": ["a1", "a2", "b1"]})
    return g.add_edge("c", "f", {"a1": "a", "a2": "a", "b1": "b"})


def data(n=400, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5)).astype(np.float32)
    f = np.where(X[:, 0] > 0, np.where(X[:, 1] > 0, 0, 1), 2)
    return X, {"c": (f == 2).astype(np.int64), "f": f}


def fitted(**kw):
    X, Y = data()
    kw = {"n_epochs": 2, "progress_bar": False, **kw}
    return MultitaskModel(graph(), **kw).fit(X, Y), X, Y


def test_child_head_concatenates_parent_output_and_gradient_reaches_parent():
    m, X, Y = fitted(hidden=(16,))
    head = m.network.module_pool["f_head"]
    assert isinstance(head, ChildHead)
    assert head.linear.in_features == 16 + 2  # cat([trunk 16, parent probs 2])
    m.network.zero_grad()
    # Loss of the child task only:
    loss, _ = m.network.calculate_loss(
        {"X": torch.from_numpy(X[:64])}, {"f": torch.from_numpy(Y["f"][:64])}
    )
    loss["f"].backward()
    g = m.network.module_pool["c_head"].weight.grad
    assert g is not None and float(g.abs().sum()) > 0


def test_without_wiring_the_child_loss_leaves_the_parent_head_alone():
    m, X, Y = fitted(hidden=(16,), parent_wiring=False)
    assert m.network.module_pool["f_head"].in_features == 16
    m.network.zero_grad()
    loss, _ = m.network.calculate_loss(
        {"X": torch.from_numpy(X[:64])}, {"f": torch.from_numpy(Y["f"][:64])}
    )
    loss["f"].backward()
    g = m.network.module_pool["c_head"].weight.grad
    assert g is None or float(g.abs().sum()) == 0


def test_rows_without_label_and_na_mass_are_masked():
    m, X, Y = fitted()
    net = m.network
    Xb = {"X": torch.from_numpy(X[:50])}
    P = np.eye(3, dtype=np.float32)[Y["f"][:50]]
    # labelled rows only
    ref, _ = net.calculate_loss(
        {"X": torch.from_numpy(X[:30])}, {"f": torch.from_numpy(P[:30])}
    )
    # the same rows plus 20 rows of pure N/A mass (all-zero targets)
    targets = m._targets(
        {"f": np.vstack([P[:30], np.zeros((20, 3), np.float32)])}, 50, soft=True
    )["f"]
    assert (targets[30:] == -1).all()
    masked, counts = net.calculate_loss(Xb, {"f": targets})
    assert counts["f"] == 30
    torch.testing.assert_close(masked["f"], ref["f"])
    # partial N/A mass w weighs the normalised loss by w
    logits = torch.tensor([[1.0, -0.5, 0.2]])
    part = cross_entropy_with_probs(logits, torch.tensor([[0.3, 0.2, 0.0]]))
    full = cross_entropy_with_probs(logits, torch.tensor([[0.6, 0.4, 0.0]]))
    torch.testing.assert_close(part, 0.5 * full)


def test_learns_hierarchy_and_reports_per_epoch_dev_metrics():
    X, Y = data(600)
    Xd, Yd = data(200, seed=1)
    m = MultitaskModel(
        graph(), n_epochs=15, lr=0.01, patience=3, progress_bar=False
    ).fit(X, Y, Xd, Yd)
    s = m.score(Xd, Yd)
    assert s["f"] > 0.85 and s["c"] > 0.9
    h = m.history_
    assert {
        "c/data/train/loss",
        "f/data/train/loss",
        "c/data/valid/accuracy",
        "f/data/valid/accuracy",
        "model/all/valid/accuracy",
    } <= set(h[0])
    best = max(r["model/all/valid/accuracy"] for r in h)
    assert h[m.best_epoch_]["model/all/valid/accuracy"] == best


def test_save_load_identical_predictions_and_seeded_determinism(tmp_path):
    m, X, Y = fitted(seed=3)
    m2, _, _ = fitted(seed=3)
    np.testing.assert_array_equal(
        m.predict_proba(X, task="f"), m2.predict_proba(X, task="f")
    )
    m.save(tmp_path / "mt.json")
    back = MultitaskModel.load(tmp_path / "mt.json")
    for t in ("c", "f"):
        np.testing.assert_array_equal(
            back.predict_proba(X, task=t), m.predict_proba(X, task=t)
        )
    raw = (tmp_path / "mt.json.npz").read_bytes()
    (tmp_path / "mt.json.npz").write_bytes(raw[:-10] + b"0" * 10)
    with pytest.raises(ValueError, match="Checksum"):
        MultitaskModel.load(tmp_path / "mt.json")


def test_text_trunk_trains_on_strings():
    g = TaskGraph.from_hierarchy(["HUM:ind", "HUM:gr", "LOC:city"])
    texts = (
        ["who was the first president"] * 30
        + ["what team won the cup"] * 30
        + ["which city is the biggest"] * 30
    )
    fine = np.repeat([1, 0, 2], 30)
    m = MultitaskModel(
        g,
        trunk="text",
        n_epochs=20,
        lr=0.02,
        hidden=(32,),
        emb_dim=32,
        progress_bar=False,
        tfidf={"min_df": 1},
    )
    m.fit(texts, {"fine": fine})
    assert (m.predict(texts, task="fine") == fine).mean() == 1.0


def test_clear_errors():
    m = MultitaskModel(graph(), progress_bar=False)
    X, Y = data(50)
    with pytest.raises(ValueError, match="not fitted"):
        m.predict_proba(X)
    with pytest.raises(ValueError, match="unknown task 'zz'"):
        m.fit(X, {"zz": Y["f"]})
    with pytest.raises(ValueError, match=r"Y\['f'\] has 10 rows; X has 50"):
        m.fit(X, {"f": Y["f"][:10]})
    with pytest.raises(ValueError, match=r"labels outside -1..1"):
        m.fit(X, {"c": Y["f"]})
    with pytest.raises(ValueError, match="NaN"):
        m.fit(np.full((50, 5), np.nan), Y)
    with pytest.raises(ValueError, match="trunk must be"):
        MultitaskModel(graph(), trunk="cnn")
