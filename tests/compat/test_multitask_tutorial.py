"""Snorkel's multi-task tutorial (circle / square / inverse-circle tasks), ported.

The tutorial's code runs as written with the import root changed from
``snorkel`` to ``snorkel_nb``; the data helpers are re-implemented here
(points uniform in [-1, 1]^2; circle: x^2 + y^2 < R; square: |x|, |y| < R/2).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn as nn
from sklearn.model_selection import train_test_split

from snorkel_nb.classification import (
    DictDataLoader,
    DictDataset,
    MultitaskClassifier,
    Operation,
    Task,
    Trainer,
)

try:  # Snorkel's homes of these two names, when snorkel_nb provides them
    from snorkel_nb.analysis import Scorer  # type: ignore[import-not-found]
except ImportError:
    from snorkel_nb.classification import Scorer
try:
    from snorkel_nb.utils import set_seed  # type: ignore[attr-defined]
except ImportError:
    from snorkel_nb.classification import set_seed

N, R, SEED = 1000, 1, 123


def split_data(X, Y, seed=SEED):
    X_tr, X_te, Y_tr, Y_te = train_test_split(X, Y, test_size=0.1, random_state=seed)
    X_tr, X_va, Y_tr, Y_va = train_test_split(
        X_tr, Y_tr, test_size=0.1 / 0.9, random_state=seed
    )
    return (X_tr, Y_tr), (X_va, Y_va), (X_te, Y_te)


def points(rng):
    return rng.uniform(0, 1, size=(N, 2)) * 2 - 1


def make_circle_dataset(rng):
    X = points(rng)
    return split_data(X, (X[:, 0] ** 2 + X[:, 1] ** 2 < R).astype(int))


def make_inv_circle_dataset(rng):
    X = points(rng)
    return split_data(X, (X[:, 0] ** 2 + X[:, 1] ** 2 > R).astype(int))


def make_square_dataset(rng):
    X = points(rng)
    return split_data(X, ((abs(X[:, 0]) < R / 2) * (abs(X[:, 1]) < R / 2)).astype(int))


def loaders(name, field, task, splits):
    out = []
    for split, (X, Y) in zip(["train", "valid", "test"], splits):
        ds = DictDataset(
            name, split, {field: torch.FloatTensor(X)}, {task: torch.LongTensor(Y)}
        )
        out.append(DictDataLoader(ds, batch_size=32, shuffle=(split == "train")))
    return out


@pytest.fixture(scope="module")
def tutorial():
    set_seed(SEED)
    rng = np.random.default_rng(SEED)
    circle, square = make_circle_dataset(rng), make_square_dataset(rng)
    dataloaders = loaders(
        "CircleDataset", "circle_data", "circle_task", circle
    ) + loaders("SquareDataset", "square_data", "square_task", square)

    base_mlp = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 4), nn.ReLU())
    head_module = nn.Linear(4, 2)
    module_pool = nn.ModuleDict(
        {"base_mlp": base_mlp, "circle_head_module": head_module}
    )
    op1 = Operation(
        name="base_mlp", module_name="base_mlp", inputs=[("_input_", "circle_data")]
    )
    op2 = Operation(
        name="circle_head", module_name="circle_head_module", inputs=["base_mlp"]
    )
    circle_task = Task(
        name="circle_task",
        module_pool=module_pool,
        op_sequence=[op1, op2],
        scorer=Scorer(metrics=["accuracy"]),
    )
    square_task = Task(
        name="square_task",
        module_pool=nn.ModuleDict(
            {"base_mlp": base_mlp, "square_head": nn.Linear(4, 2)}
        ),
        op_sequence=[
            Operation("base_mlp", [("_input_", "square_data")]),
            Operation("square_head", ["base_mlp"]),
        ],
        scorer=Scorer(metrics=["accuracy"]),
    )
    model = MultitaskClassifier([circle_task, square_task])
    trainer = Trainer(progress_bar=False, n_epochs=10, lr=0.02)
    trainer.fit(model, dataloaders)
    return model, dataloaders, base_mlp, rng, trainer


def test_two_tasks_learn_their_shapes(tutorial):
    model, dataloaders, *_ = tutorial
    scores = model.score(dataloaders)
    assert set(scores) == {
        f"{t}/{d}/{s}/accuracy"
        for t, d in [("circle_task", "CircleDataset"), ("square_task", "SquareDataset")]
        for s in ["train", "valid", "test"]
    }
    # a circle of area pi/4 of the square and a square of area 1/4: chance is
    # 0.79 / 0.75 for the majority class; a trained net does clearly better
    assert scores["circle_task/CircleDataset/test/accuracy"] > 0.9
    assert scores["square_task/SquareDataset/test/accuracy"] > 0.85
    df = model.score(dataloaders, as_dataframe=True)
    assert list(df.columns) == ["label", "dataset", "split", "metric", "score"]


def test_shared_module_is_one_module(tutorial):
    model, _, base_mlp, *_ = tutorial
    # Snorkel's default dataparallel=True: the pool holds one nn.DataParallel
    # around the one shared module (a pass-through on the CPU)
    assert model.module_pool["base_mlp"].module is base_mlp
    assert set(model.module_pool) == {"base_mlp", "circle_head_module", "square_head"}


def test_your_turn_inverse_circle_task_and_remap(tutorial):
    model, dataloaders, base_mlp, rng, _ = tutorial
    inv = make_inv_circle_dataset(rng)
    inv_loaders = loaders("InvCircleDataset", "inv_circle_data", "inv_circle_task", inv)
    inv_task = Task(
        name="inv_circle_task",
        module_pool=nn.ModuleDict(
            {"base_mlp": base_mlp, "inv_circle_head": nn.Linear(4, 2)}
        ),
        op_sequence=[
            Operation("base_mlp", [("_input_", "inv_circle_data")]),
            Operation("inv_circle_head", ["base_mlp"]),
        ],
        scorer=Scorer(metrics=["accuracy"]),
    )
    model.add_task(inv_task)
    Trainer(progress_bar=False, n_epochs=10, lr=0.02).fit(
        model, dataloaders + inv_loaders
    )
    scores = model.score(dataloaders + inv_loaders)
    inv_acc = scores["inv_circle_task/InvCircleDataset/test/accuracy"]
    assert inv_acc > 0.9
    # Score circle labels with the inverse head (fed through its input field):
    # its answers are flipped.
    X, Y = dataloaders[2].dataset.X_dict["circle_data"], dataloaders[2].dataset.Y_dict
    circle_test = DictDataLoader(
        DictDataset("CircleDataset", "test", {"inv_circle_data": X}, dict(Y)),
        batch_size=32,
    )
    remapped = model.score(
        [circle_test], remap_labels={"circle_task": "inv_circle_task"}
    )
    assert remapped["circle_task/CircleDataset/test/accuracy"] < 0.2
    dropped = model.score([circle_test], remap_labels={"circle_task": None})
    assert dropped == {}


def test_save_load_gives_identical_predictions(tutorial, tmp_path):
    model, dataloaders, *_ = tutorial
    path = tmp_path / "sub" / "model.pth"
    model.save(path)
    before = model.predict(dataloaders[2])["probs"]["circle_task"]
    for p in model.parameters():
        p.data.zero_()
    model.load(path)
    after = model.predict(dataloaders[2])["probs"]["circle_task"]
    np.testing.assert_array_equal(before, after)
