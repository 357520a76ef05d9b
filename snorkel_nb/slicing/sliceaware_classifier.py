"""SliceAwareClassifier (Snorkel 0.9 name): a binary classifier with slice experts.

Why: a model that is good on average can be bad on a subset that matters
(short comments, links). Training a per-slice expert and an indicator for
each slice, and letting the base head attend to the experts, lifts those
slices without a second model. It is a :class:`MultitaskClassifier` whose
tasks come from :func:`convert_to_slice_tasks` (one network implementation).

Semantics follow Snorkel 0.9 ``snorkel.slicing.SliceAwareClassifier``
(Apache-2.0, https://github.com/snorkel-team/snorkel); the code is our own.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd
import torch
from torch import nn

from snorkel_nb.classification.data import (
    DEFAULT_INPUT_DATA_KEY,
    DEFAULT_TASK_NAME,
    DictDataLoader,
    DictDataset,
)
from snorkel_nb.classification.multitask_classifier import MultitaskClassifier
from snorkel_nb.classification.scorer import Scorer
from snorkel_nb.classification.task import Operation, Task
from snorkel_nb.slicing.utils import add_slice_labels, convert_to_slice_tasks


class SliceAwareClassifier(MultitaskClassifier):
    """A binary classifier trained and scored on slice labels.

    Parameters
    ----------
    base_architecture
        A module from the input field ``input_data_key`` to a
        ``[n, head_dim]`` representation.
    head_dim
        The representation size; the base head is ``nn.Linear(head_dim, 2)``.
    slice_names
        The slices (the SF names, i.e. the fields of ``S``).
    input_data_key
        The ``X_dict`` field fed to ``base_architecture``.
    task_name
        The base task's name (its labels' key in ``Y_dict``).
    scorer
        Metrics of the base and predictor tasks (accuracy and F1 by default).
    **multitask_kwargs
        Passed to :class:`MultitaskClassifier` (``device``, ...).

    Examples
    --------
    >>> model = SliceAwareClassifier(nn.Linear(3, 4), head_dim=4,
    ...                              slice_names=["short"], device=-1)
    >>> sorted(model.task_names)  # doctest: +NORMALIZE_WHITESPACE
    ['task', 'task_slice:base_ind', 'task_slice:base_pred',
     'task_slice:short_ind', 'task_slice:short_pred']
    >>> model.forward({"input_data": torch.zeros(5, 3)}, ["task"])[
    ...     "task_master_head"].shape
    torch.Size([5, 2])
    """

    def __init__(
        self,
        base_architecture: nn.Module,
        head_dim: int,
        slice_names: Sequence[str],
        input_data_key: str = DEFAULT_INPUT_DATA_KEY,
        task_name: str = DEFAULT_TASK_NAME,
        scorer: Scorer | None = None,
        **multitask_kwargs: Any,
    ) -> None:
        if not isinstance(head_dim, (int, np.integer)) or head_dim < 1:
            raise ValueError(f"head_dim must be a positive int; got {head_dim!r}")
        scorer = scorer if scorer is not None else Scorer(metrics=["accuracy", "f1"])
        pool = nn.ModuleDict(
            {
                "base_architecture": base_architecture,
                "prediction_head": nn.Linear(int(head_dim), 2),
            }
        )
        ops = [
            Operation(
                name="input_op",
                module_name="base_architecture",
                inputs=[("_input_", input_data_key)],
            ),
            Operation(
                name="head_op", module_name="prediction_head", inputs=["input_op"]
            ),
        ]
        base_task = Task(
            name=task_name, module_pool=pool, op_sequence=ops, scorer=scorer
        )
        slice_tasks = convert_to_slice_tasks(base_task, list(slice_names))
        super().__init__(
            tasks=slice_tasks,
            name=f"{task_name}_sliceaware_classifier",
            **multitask_kwargs,
        )
        self.base_task = base_task
        self.slice_names = list(slice_names)

    def make_slice_dataloader(
        self, dataset: DictDataset, S: np.recarray, **dataloader_kwargs: Any
    ) -> DictDataLoader:
        """A dataloader over ``dataset`` with the slice labels from ``S`` added.

        ``S`` is the record array of an SF applier on the same rows;
        ``dataloader_kwargs`` go to :class:`DictDataLoader` (``batch_size``,
        ``shuffle``, ...). The dataset's ``Y_dict`` gains the slice labels.

        Parameters
        ----------
        dataset
            Must hold labels for the base task in ``Y_dict``.
        S
            [n] record array with a field per slice of this model.
        **dataloader_kwargs
            Passed to :class:`DictDataLoader`.

        Returns
        -------
        DictDataLoader
            Over ``dataset`` (modified in place: slice labels added).

        Raises
        ------
        ValueError
            If the base task's labels are missing, ``S`` lacks a slice
            field, or ``S`` and the labels differ in length.

        Examples
        --------
        >>> model = SliceAwareClassifier(nn.Linear(3, 4), head_dim=4,
        ...                              slice_names=["short"], device=-1)
        >>> ds = DictDataset("data", "test", {"input_data": torch.zeros(4, 3)},
        ...                  {"task": torch.tensor([0, 1, 0, 1])})
        >>> S = np.rec.fromarrays([np.array([1, 0, 0, 1])], names="short")
        >>> dl = model.make_slice_dataloader(ds, S, batch_size=2)
        >>> ds.Y_dict["task_slice:short_pred"].tolist()
        [0, -1, -1, 1]
        """
        if self.base_task.name not in dataset.Y_dict:
            raise ValueError(
                f"Base task ({self.base_task.name}) labels missing from {dataset}"
            )
        missing = [s for s in self.slice_names if s not in (S.dtype.names or ())]
        if missing:
            raise ValueError(
                f"S has no field for slice(s) {missing}; its fields "
                f"are {list(S.dtype.names or ())}"
            )
        dataloader = DictDataLoader(dataset, **dataloader_kwargs)
        add_slice_labels(dataloader, self.base_task, S)
        return dataloader

    @torch.no_grad()
    def score_slices(
        self, dataloaders: Sequence[DictDataLoader], as_dataframe: bool = False
    ) -> dict[str, float] | pd.DataFrame:
        """Score the base task's head on every slice (not the slice heads).

        Each ``*_pred`` label set (the base labels, -1 outside the slice) is
        scored with the base task's predictions; ``*_ind`` labels are skipped.
        Keys are ``"label/dataset/split/metric"``, e.g.
        ``"task_slice:short_pred/data/test/accuracy"``.

        Parameters
        ----------
        dataloaders
            Dataloaders from :meth:`make_slice_dataloader`.
        as_dataframe
            Return a DataFrame (columns label, dataset, split, metric, score)
            instead of a dict.

        Returns
        -------
        dict of str to float or pandas.DataFrame

        Examples
        --------
        >>> model = SliceAwareClassifier(nn.Linear(3, 4), head_dim=4,
        ...                              slice_names=["short"], device=-1)
        >>> ds = DictDataset("data", "test", {"input_data": torch.zeros(4, 3)},
        ...                  {"task": torch.tensor([0, 1, 0, 1])})
        >>> S = np.rec.fromarrays([np.array([1, 0, 0, 1])], names="short")
        >>> dl = model.make_slice_dataloader(ds, S, batch_size=2)
        >>> for key in sorted(model.score_slices([dl])):
        ...     if key.endswith("accuracy"):
        ...         print(key)
        task/data/test/accuracy
        task_slice:base_pred/data/test/accuracy
        task_slice:short_pred/data/test/accuracy
        """
        labels = {label for dl in dataloaders for label in dl.dataset.Y_dict}
        remap: dict[str, str | None] = {}
        for label in labels:
            if label.endswith("_pred"):
                remap[label] = self.base_task.name
            elif label.endswith("_ind"):
                remap[label] = None
        return self.score(
            dataloaders=dataloaders, remap_labels=remap, as_dataframe=as_dataframe
        )
