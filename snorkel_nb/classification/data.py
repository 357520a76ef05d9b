"""DictDataset / DictDataLoader (Snorkel 0.9 names): fields and labels as dicts.

A batch is ``(X_dict, Y_dict)``; ``Y_dict`` keys name the task (or label set)
whose head scores them, so one model can train on datasets that label
different tasks.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable

import torch  # noqa: F401 (the doctests use it)
from torch import Tensor
from torch.utils.data import DataLoader, Dataset

from snorkel_nb.classification.utils import list_to_tensor

XDict = dict[str, Any]
YDict = dict[str, Tensor]
Batch = tuple[XDict, YDict]

DEFAULT_INPUT_DATA_KEY = "input_data"
DEFAULT_DATASET_NAME = "SnorkelDataset"
DEFAULT_TASK_NAME = "task"


class DictDataset(Dataset):
    """Data fields (``X_dict``) and labels per task (``Y_dict``) of one split.

    Parameters
    ----------
    name
        Dataset name (metrics are reported per dataset).
    split
        Split name (``"train"``, ``"valid"``, ``"test"``); the Trainer trains on
        its ``train_split``.
    X_dict
        ``{field: values}``, each indexable by row.
    Y_dict
        ``{task: torch.Tensor}``: int labels (-1 = no label) or ``[n, k]``
        probabilistic labels (a row of -1 = no label).

    Examples
    --------
    >>> ds = DictDataset("d", "train", {"x": torch.zeros(3, 2)},
    ...                  {"t": torch.tensor([0, 1, 1])})
    >>> len(ds), ds[1][1]["t"].item()
    (3, 1)
    """

    def __init__(self, name: str, split: str, X_dict: XDict, Y_dict: YDict) -> None:
        self.name, self.split = name, split
        self.X_dict, self.Y_dict = X_dict, Y_dict
        for label_name, label in Y_dict.items():
            if not isinstance(label, Tensor):
                raise ValueError(
                    f"Label {label_name} should be torch.Tensor, not {type(label)}."
                )
        lengths = {k: len(v) for k, v in {**X_dict, **Y_dict}.items()}
        if len(set(lengths.values())) > 1:
            raise ValueError(
                f"DictDataset {name!r} ({split}): fields and labels have "
                f"different lengths {lengths}"
            )

    def __getitem__(self, index: int) -> Batch:
        return (
            {k: v[index] for k, v in self.X_dict.items()},
            {k: v[index] for k, v in self.Y_dict.items()},
        )

    def __len__(self) -> int:
        try:
            return len(next(iter(self.Y_dict.values())))
        except StopIteration:
            return 0

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(name={self.name}, X_keys={list(self.X_dict)}, "
            f"Y_keys={list(self.Y_dict)})"
        )

    @classmethod
    def from_tensors(
        cls,
        X_tensor: Tensor,
        Y_tensor: Tensor,
        split: str,
        input_data_key: str = DEFAULT_INPUT_DATA_KEY,
        task_name: str = DEFAULT_TASK_NAME,
        dataset_name: str = DEFAULT_DATASET_NAME,
    ) -> "DictDataset":
        """A dataset with one input field and one task's labels.

        Parameters
        ----------
        X_tensor : torch.Tensor
            [n, ...] inputs.
        Y_tensor : torch.Tensor
            [n] labels (-1 = none) or [n, k] soft labels.
        split : str
            ``"train"``, ``"valid"``, ``"test"``, ...
        input_data_key : str, default "input_data"
            Name of the input field.
        task_name : str, default "task"
            Name of the label (and of the task it trains).
        dataset_name : str, default "SnorkelDataset"
            Dataset name, used in metric keys.

        Returns
        -------
        DictDataset

        Examples
        --------
        >>> ds = DictDataset.from_tensors(torch.zeros(3, 2), torch.zeros(3), "valid")
        >>> ds.split, list(ds.X_dict), list(ds.Y_dict)
        ('valid', ['input_data'], ['task'])
        """
        return cls(
            dataset_name, split, {input_data_key: X_tensor}, {task_name: Y_tensor}
        )


def collate_dicts(batch: list[Batch]) -> Batch:
    """Merge per-row ``(x_dict, y_dict)`` pairs; tensors are stacked or padded."""
    X: dict[str, Any] = defaultdict(list)
    Y: dict[str, Any] = defaultdict(list)
    for x, y in batch:
        for k, v in x.items():
            X[k].append(v)
        for k, v in y.items():
            Y[k].append(v)
    for k, vs in X.items():
        if isinstance(vs[0], Tensor):
            X[k] = list_to_tensor(vs)
    for k, vs in Y.items():
        Y[k] = list_to_tensor(vs)
    return dict(X), dict(Y)


class DictDataLoader(DataLoader):
    """A ``torch.utils.data.DataLoader`` over a :class:`DictDataset`.

    Parameters
    ----------
    dataset : DictDataset
        The data.
    collate_fn : callable, default collate_dicts
        Merges rows into ``(X_dict, Y_dict)`` batches.
    **kwargs
        Any other ``DataLoader`` argument (``batch_size``, ``shuffle``, ...).

    Raises
    ------
    TypeError
        If ``dataset`` is not a ``DictDataset``.

    Examples
    --------
    >>> ds = DictDataset.from_tensors(torch.zeros(5, 2), torch.zeros(5).long(), "train")
    >>> X, Y = next(iter(DictDataLoader(ds, batch_size=4)))
    >>> tuple(X["input_data"].shape), tuple(Y["task"].shape)
    ((4, 2), (4,))
    """

    def __init__(
        self,
        dataset: DictDataset,
        collate_fn: Callable[..., Any] = collate_dicts,
        **kwargs: Any,
    ) -> None:
        if not isinstance(dataset, DictDataset):
            raise TypeError(
                f"DictDataLoader needs a DictDataset, got {type(dataset).__name__}"
            )
        super().__init__(dataset, collate_fn=collate_fn, **kwargs)
