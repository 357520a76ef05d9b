"""Slice-aware classification: SliceCombinerModule, convert_to_slice_tasks,
SliceAwareClassifier, and the classification.utils helpers they use.

Known truths: the combiner against its definition computed by hand, the task
structure Snorkel documents, and slice scores against metrics computed
directly on the slice's rows.
"""

import math

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

from snorkel_nb.classification import (
    DictDataset,
    MultitaskClassifier,
    Operation,
    Task,
)
from snorkel_nb.classification.utils import (
    collect_flow_outputs_by_suffix,
    list_to_tensor,
    metrics_dict_to_dataframe,
    pad_batch,
)
from snorkel_nb.slicing import (
    PandasSFApplier,
    SliceAwareClassifier,
    SliceCombinerModule,
    convert_to_slice_tasks,
    slicing_function,
)


def logits_for(p):
    """[1, 2] logits whose softmax gives class 1 probability p."""
    return torch.tensor([[0.0, math.log(p / (1 - p))]])


def test_combiner_matches_its_definition_by_hand():
    fa, fb = torch.tensor([[1.0, 2.0]]), torch.tensor([[5.0, -1.0]])
    out = {
        "t_slice:a_ind_head": logits_for(0.75),
        "t_slice:a_pred_head": logits_for(0.5),
        "t_slice:a_pred_transform": fa,
        "t_slice:b_ind_head": logits_for(0.5),
        "t_slice:b_pred_head": logits_for(0.9),
        "t_slice:b_pred_transform": fb,
        "_input_": {"x": torch.zeros(1)},
    }
    for temperature in (1.0, 0.1):
        sa, sb = 0.75 * 0.5 / temperature, 0.5 * 0.9 / temperature
        wa = math.exp(sa) / (math.exp(sa) + math.exp(sb))
        expected = wa * fa + (1 - wa) * fb
        got = SliceCombinerModule(temperature=temperature)(out)
        assert torch.allclose(got, expected, atol=1e-6)


def test_combiner_rejects_what_it_cannot_combine():
    two = {"s_ind_head": torch.zeros(2, 2), "s_pred_transform": torch.zeros(2, 3)}
    with pytest.raises(NotImplementedError, match="more than 2 classes"):
        SliceCombinerModule()({**two, "s_pred_head": torch.zeros(2, 3)})
    with pytest.raises(NotImplementedError, match="requires output shape"):
        SliceCombinerModule()({**two, "s_pred_head": torch.zeros(2, 1)})
    with pytest.raises(ValueError, match="no slice outputs"):
        SliceCombinerModule()({"x": torch.zeros(2, 2)})
    with pytest.raises(ValueError, match="temperature"):
        SliceCombinerModule(temperature=0)


def base_task(name="t", d_in=3, neck=6, k=2):
    pool = nn.ModuleDict(
        {
            "body": nn.Sequential(nn.Linear(d_in, neck), nn.ReLU()),
            "head": nn.Linear(neck, k),
        }
    )
    return Task(
        name,
        pool,
        [
            Operation("body", [("_input_", "x")], name="body_op"),
            Operation("head", ["body_op"], name="head_op"),
        ],
    )


def test_convert_to_slice_tasks_structure_and_base_task_untouched():
    task = base_task()
    keys, ops, head = (
        list(task.module_pool),
        list(task.op_sequence),
        task.module_pool["head"],
    )
    tasks = convert_to_slice_tasks(task, ["a", "b"])
    assert len(tasks) == 2 * 3 + 1
    assert [t.name for t in tasks][-1] == "t"
    assert list(task.module_pool) == keys and task.op_sequence == ops
    by_name = {t.name: t for t in tasks}
    master = by_name["t"]
    assert master.module_pool["t_master_head"] is head
    preds = [by_name[f"t_slice:{s}_pred"] for s in ("a", "b", "base")]
    heads = {id(t.module_pool[t.op_sequence[-1].module_name]) for t in preds}
    assert len(heads) == 1  # one predictor head shared by all slices
    for t in tasks:
        assert t.module_pool["body"] is task.module_pool["body"]
    with pytest.raises(ValueError, match="duplicates"):
        convert_to_slice_tasks(base_task(), ["a", "a"])
    bad = Task("u", nn.ModuleDict({"f": nn.Identity()}), [Operation("f", [])])
    with pytest.raises(ValueError, match="in_features"):
        convert_to_slice_tasks(bad, ["a"])


def test_slice_tasks_train_every_head():
    torch.manual_seed(0)
    model = MultitaskClassifier(convert_to_slice_tasks(base_task(), ["a"]), device=-1)
    X = {"x": torch.randn(8, 3)}
    y = torch.tensor([0, 1, 0, 1, 1, 0, 1, 0])
    ind = torch.tensor([1, 1, 0, 0, 1, 0, 0, 0])
    Y = {
        "t": y,
        "t_slice:a_ind": ind,
        "t_slice:base_ind": torch.ones(8).long(),
        "t_slice:a_pred": torch.where(ind.bool(), y, -1),
        "t_slice:base_pred": y,
    }
    losses, counts = model.calculate_loss(X, Y)
    assert counts["t_slice:a_pred"] == 3 and counts["t"] == 8
    sum(losses.values()).backward()
    for name, module in model.module_pool.items():
        grads = [p.grad for p in module.parameters()]
        if grads:  # the combiner has no parameters
            assert all(g is not None and g.abs().sum() > 0 for g in grads), name


@slicing_function()
def small(x):
    return x.x0 < -0.5


@slicing_function()
def high(x):
    return x.x1 > 0.5


def test_slice_aware_classifier_scores_each_slice_with_the_base_head():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(400, 2)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)
    S = PandasSFApplier([small, high]).apply(
        pd.DataFrame({"x0": X[:, 0], "x1": X[:, 1]}), progress_bar=False
    )
    torch.manual_seed(0)
    model = SliceAwareClassifier(
        nn.Sequential(nn.Linear(2, 8), nn.ReLU()),
        head_dim=8,
        slice_names=["small", "high"],
        input_data_key="X",
        task_name="lin",
        device=-1,
    )
    ds = DictDataset(
        "syn", "test", {"X": torch.from_numpy(X)}, {"lin": torch.from_numpy(y)}
    )
    dl = model.make_slice_dataloader(ds, S, batch_size=64)
    assert "lin_slice:small_pred" in ds.Y_dict
    scores = model.score_slices([dl])
    preds = model.predict(dl, return_preds=True)["preds"]["lin"]
    for s in ["small", "high", "base"]:
        rows = np.ones(len(y), bool) if s == "base" else S[s].astype(bool)
        acc = float(np.mean(preds[rows] == y[rows]))
        assert scores[f"lin_slice:{s}_pred/syn/test/accuracy"] == pytest.approx(acc)
    assert not any("_ind/" in k for k in scores)
    with pytest.raises(ValueError, match="labels missing"):
        model.make_slice_dataloader(
            DictDataset(
                "d", "test", {"X": ds.X_dict["X"]}, {"other": ds.Y_dict["lin"]}
            ),
            S,
        )
    with pytest.raises(ValueError, match="no field for slice"):
        model.make_slice_dataloader(ds, S[["small"]])


def test_pad_batch_and_list_to_tensor_by_hand():
    batch = [torch.tensor([1, 2, 3]), torch.tensor([4])]
    padded, mask = pad_batch(batch, max_len=2, left_padded=True, pad_value=9)
    assert padded.tolist() == [[2, 3], [9, 4]] and mask.tolist() == [[0, 0], [1, 0]]
    assert list_to_tensor([torch.zeros(2, 2), torch.ones(3)]).tolist() == [
        [0, 0, 0, 0],
        [1, 1, 1, 0],
    ]
    with pytest.raises(ValueError, match="1-D"):
        pad_batch([torch.zeros(2, 2)])
    with pytest.raises(ValueError, match="non-empty"):
        list_to_tensor([])


def test_flow_outputs_and_metrics_frame():
    flow = {"z_head": 3, "a_head": 1, "m_tail": 2}
    assert collect_flow_outputs_by_suffix(flow, "_head") == [1, 3]
    df = metrics_dict_to_dataframe({"t/d/valid/f1": 0.25})
    assert df.to_dict("records") == [
        dict(label="t", dataset="d", split="valid", metric="f1", score=0.25)
    ]
    with pytest.raises(ValueError, match="label/dataset/split/metric"):
        metrics_dict_to_dataframe({"t/valid/f1": 0.25})


def test_task_may_use_a_module_another_task_brings():
    a = base_task("a")
    b = Task(
        "b",
        nn.ModuleDict({"head2": nn.Linear(6, 2)}),
        [
            Operation("body", [("_input_", "x")], name="body_op"),
            Operation("head2", ["body_op"]),
        ],
    )
    model = MultitaskClassifier([a, b], device=-1)
    assert model.forward({"x": torch.zeros(2, 3)}, ["b"])["head2"].shape == (2, 2)
    with pytest.raises(ValueError, match="neither its module_pool"):
        MultitaskClassifier([b], device=-1)


def test_dataparallel_wraps_like_snorkel_and_round_trips(tmp_path):
    a = base_task("a")
    body = a.module_pool["body"]
    model = MultitaskClassifier([a], device=-1)  # Snorkel's default: wrapped
    assert isinstance(model.module_pool["body"], nn.DataParallel)
    assert model.module_pool["body"].module is body and a.module_pool["body"] is body
    X = {"x": torch.randn(4, 3)}
    before = model.forward(X, ["a"])["head_op"]
    assert torch.equal(before, a.module_pool["head"](body(X["x"])))
    model.save(tmp_path / "m.pt")
    other = MultitaskClassifier([base_task("a")], device=-1)
    other.load(tmp_path / "m.pt")
    assert torch.equal(other.forward(X, ["a"])["head_op"], before)
    plain = MultitaskClassifier([base_task("b")], device=-1, dataparallel=False)
    assert isinstance(plain.module_pool["body"], nn.Sequential)
