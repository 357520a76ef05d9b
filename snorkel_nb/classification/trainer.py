"""Trainer (Snorkel 0.9 name): fit a MultitaskClassifier on DictDataLoaders.

Beyond Snorkel's loop it keeps a per-epoch ``history`` (train loss per task,
valid metrics per task) and can stop early on a valid metric, restoring the
best epoch's weights.
"""

from __future__ import annotations

import copy
import dataclasses
import random
from typing import Any, Iterator, Sequence

import numpy as np
import torch
from snorkel_nb.progress import progress_bar as tqdm

from snorkel_nb.classification.data import DictDataLoader
from snorkel_nb.classification.multitask_classifier import MultitaskClassifier


@dataclasses.dataclass
class TrainerConfig:
    """Settings (Snorkel's names). ``checkpoint_metric`` (e.g.
    ``"circle_task/CircleDataset/valid/accuracy"``, or ``"model/all/valid/accuracy"``
    for the mean over tasks) with ``checkpoint_metric_mode`` ``"max"``/``"min"``
    picks the epoch whose weights are kept; ``patience`` epochs without
    improvement stop training early (0 = never stop early).

    Attributes
    ----------
    seed : int or None
        Seeds python, numpy and torch before training.
    n_epochs : int
        Passes over the training dataloaders.
    lr, l2 : float
        Learning rate and weight decay of the optimiser.
    grad_clip : float or None
        Gradient-norm clip (``None`` or 0: no clipping).
    train_split, valid_split, test_split : str
        Dataset splits trained on, scored each epoch, and held out.
    progress_bar : bool
        Show a bar per epoch and print each epoch's metrics.
    optimizer : {"adam", "sgd", "adamax"}
        The torch optimiser.
    batch_scheduler : {"shuffled", "sequential"}
        Interleave the dataloaders' batches at random, or one loader after
        another.
    checkpoint_metric : str or None
        Metric key whose best epoch's weights are kept.
    checkpoint_metric_mode : {"max", "min"}
        Whether larger or smaller is better.
    patience : int
        Epochs without improvement before stopping (0: never stop early).
    """

    seed: int | None = None
    n_epochs: int = 1
    lr: float = 0.01
    l2: float = 0.0
    grad_clip: float | None = 1.0
    train_split: str = "train"
    valid_split: str = "valid"
    test_split: str = "test"
    progress_bar: bool = True
    optimizer: str = "adam"
    batch_scheduler: str = "shuffled"
    checkpoint_metric: str | None = None
    checkpoint_metric_mode: str = "max"
    patience: int = 0


def set_seed(seed: int) -> None:
    """Seed python, numpy and torch (Snorkel's ``snorkel.utils.set_seed``)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class Trainer:
    """Train a :class:`MultitaskClassifier` on the ``train_split`` dataloaders.

    Parameters
    ----------
    name : str, optional
        The trainer's name; default the class name.
    **kwargs
        :class:`TrainerConfig` fields (``n_epochs``, ``lr``, ``optimizer``,
        ``checkpoint_metric``, ...).

    Raises
    ------
    ValueError
        On an unknown option, optimizer, batch scheduler or checkpoint mode.

    Examples
    --------
    >>> Trainer(n_epochs=3, lr=0.1).config.n_epochs
    3
    """

    def __init__(self, name: str | None = None, **kwargs: Any) -> None:
        fields = {f.name for f in dataclasses.fields(TrainerConfig)}
        unknown = sorted(set(kwargs) - fields)
        if unknown:
            raise ValueError(
                f"unknown Trainer options {unknown}; known: {sorted(fields)}"
            )
        self.config = TrainerConfig(**kwargs)
        if self.config.optimizer not in ("adam", "sgd", "adamax"):
            raise ValueError(f"Unrecognized optimizer option '{self.config.optimizer}'")
        if self.config.batch_scheduler not in ("shuffled", "sequential"):
            raise ValueError(
                f"Unrecognized batch scheduler option '{self.config.batch_scheduler}'"
            )
        if self.config.checkpoint_metric_mode not in ("max", "min"):
            raise ValueError("checkpoint_metric_mode must be 'max' or 'min'")
        self.name = name or type(self).__name__
        self.history: list[dict[str, float]] = []
        self.best_epoch: int | None = None

    def fit(
        self, model: MultitaskClassifier, dataloaders: Sequence[DictDataLoader]
    ) -> None:
        """Train ``model`` in place; keep the best epoch's weights when a
        ``checkpoint_metric`` is set.

        Each epoch's mean losses (and, with ``valid_split`` dataloaders, their
        scores) are appended to ``self.history``; ``self.best_epoch`` is the
        checkpointed epoch.

        Parameters
        ----------
        model : MultitaskClassifier
            The model to train.
        dataloaders : sequence of DictDataLoader
            Loaders whose dataset ``split`` is ``train_split`` are trained on,
            ``valid_split`` ones scored after each epoch; others are ignored.

        Raises
        ------
        ValueError
            If no dataloader has the train split, or ``checkpoint_metric`` is
            not among the computed metrics.

        Examples
        --------
        >>> from torch import nn
        >>> from snorkel_nb.classification import DictDataset, Operation, Task
        >>> pool = nn.ModuleDict({"head": nn.Linear(2, 2)})
        >>> task = Task("task", pool, [Operation("head", [("_input_", "input_data")])])
        >>> model = MultitaskClassifier([task], device=-1)
        >>> X = torch.tensor([[0.0, 1.0], [1.0, 0.0]] * 8)
        >>> ds = DictDataset.from_tensors(X, torch.tensor([0, 1] * 8), "train")
        >>> t = Trainer(n_epochs=2, lr=0.1, progress_bar=False, seed=0)
        >>> t.fit(model, [DictDataLoader(ds, batch_size=4)])
        >>> [row["epoch"] for row in t.history]
        [0, 1]
        """
        c = self.config
        train = [dl for dl in dataloaders if dl.dataset.split == c.train_split]
        valid = [dl for dl in dataloaders if dl.dataset.split == c.valid_split]
        if not train:
            raise ValueError(
                f"Cannot find any dataloaders with split matching train "
                f"split: {c.train_split}."
            )
        if c.seed is not None:
            set_seed(c.seed)
        opt_cls = {
            "adam": torch.optim.Adam,
            "sgd": torch.optim.SGD,
            "adamax": torch.optim.Adamax,
        }[c.optimizer]
        self.optimizer = opt_cls(model.parameters(), lr=c.lr, weight_decay=c.l2)
        n_batches = sum(len(dl) for dl in train)
        self.history, self.best_epoch = [], None
        best, best_state, stale = None, None, 0
        for epoch in range(c.n_epochs):
            model.train()
            sums: dict[str, float] = {}
            counts: dict[str, int] = {}
            bar = tqdm(
                self._batches(train),
                total=n_batches,
                disable=not c.progress_bar,
                desc=f"Epoch {epoch}:",
                leave=False,
            )
            for (X, Y), dl in bar:
                self.optimizer.zero_grad()
                loss_dict, count_dict = model.calculate_loss(X, Y)
                if not loss_dict:
                    continue
                for t, v in loss_dict.items():
                    key = f"{t}/{dl.dataset.name}/{dl.dataset.split}/loss"
                    sums[key] = sums.get(key, 0.0) + v.item() * count_dict[t]
                    counts[key] = counts.get(key, 0) + count_dict[t]
                loss = torch.stack(list(loss_dict.values())).sum()
                loss.backward()
                if c.grad_clip:
                    torch.nn.utils.clip_grad_norm_(model.parameters(), c.grad_clip)
                self.optimizer.step()
                bar.set_postfix(loss=f"{loss.item():.4f}")
            row: dict[str, float] = {"epoch": epoch}
            row.update({k: sums[k] / counts[k] for k in sums})
            row["model/all/train/loss"] = sum(sums.values()) / max(
                1, sum(counts.values())
            )
            if valid:
                row.update(_with_means(model.score(valid), c.valid_split))
            self.history.append(row)
            if c.progress_bar:
                shown = {k: round(v, 4) for k, v in row.items() if k != "epoch"}
                tqdm.write(f"epoch {epoch}: {shown}")
            if c.checkpoint_metric is not None:
                if c.checkpoint_metric not in row:
                    raise ValueError(
                        f"checkpoint_metric {c.checkpoint_metric!r} was not "
                        f"computed; available: {sorted(row)}"
                    )
                v = row[c.checkpoint_metric]
                sign = 1 if c.checkpoint_metric_mode == "max" else -1
                if best is None or sign * v > sign * best:
                    best, stale, self.best_epoch = v, 0, epoch
                    best_state = copy.deepcopy(model.state_dict())
                else:
                    stale += 1
                    if c.patience and stale >= c.patience:
                        break
        if best_state is not None:
            model.load_state_dict(best_state)

    def _batches(
        self, dataloaders: Sequence[DictDataLoader]
    ) -> Iterator[tuple[Any, DictDataLoader]]:
        if self.config.batch_scheduler == "sequential":
            for dl in dataloaders:
                for b in dl:
                    yield b, dl
            return
        order = [i for i, dl in enumerate(dataloaders) for _ in range(len(dl))]
        random.shuffle(order)
        its = [iter(dl) for dl in dataloaders]
        for i in order:
            yield next(its[i]), dataloaders[i]


def _with_means(scores: dict[str, float], split: str) -> dict[str, float]:
    """Add ``model/all/<split>/<metric>``: the mean of a metric over tasks."""
    out = dict(scores)
    by_metric: dict[str, list[float]] = {}
    for k, v in scores.items():
        parts = k.split("/")
        if parts[2] == split:
            by_metric.setdefault(parts[3], []).append(v)
    for m, vs in by_metric.items():
        out[f"model/all/{split}/{m}"] = float(np.mean(vs))
    return out
