"""Batch and output helpers of ``snorkel.classification.utils`` (Snorkel 0.9 names).

Why here: Snorkel users import ``pad_batch``, ``list_to_tensor`` and
``collect_flow_outputs_by_suffix`` from this module (the slice combiner pulls
its inputs out of the flow outputs by suffix), and the data collation and the
classifier use the same functions, so there is one copy of each.
"""

from __future__ import annotations

import logging
from typing import Any, Mapping

import numpy as np
import pandas as pd
import torch
from torch import Tensor

log = logging.getLogger(__name__)

METRIC_COLUMNS = ["label", "dataset", "split", "metric", "score"]


def pad_batch(
    batch: list[Tensor], max_len: int = 0, pad_value: int = 0, left_padded: bool = False
) -> tuple[Tensor, Tensor]:
    """Pad 1-D tensors of different lengths into one [n, L] tensor, plus its mask.

    ``L`` is the longest item, or ``max_len`` when that is positive and shorter
    (longer items are cut: the head kept when right-padded, the tail when
    left-padded). The mask is 1 where the padded tensor equals ``pad_value``
    (as in Snorkel, a real value equal to ``pad_value`` is masked too).

    Parameters
    ----------
    batch
        Non-empty list of 1-D tensors.
    max_len
        Cap on the padded length (0 = no cap).
    pad_value
        The fill value.
    left_padded
        Pad on the left (items end-aligned) instead of the right.

    Returns
    -------
    tuple of Tensor
        The padded [n, L] tensor and its [n, L] mask of the same dtype.

    Raises
    ------
    ValueError
        If ``batch`` is empty or holds something other than 1-D tensors.

    Examples
    --------
    >>> padded, mask = pad_batch([torch.tensor([1, 2]), torch.tensor([3])])
    >>> padded.tolist(), mask.tolist()
    ([[1, 2], [3, 0]], [[0, 0], [0, 1]])
    """
    if not batch:
        raise ValueError("pad_batch needs a non-empty list of tensors")
    bad = [i for i, t in enumerate(batch) if not isinstance(t, Tensor) or t.dim() != 1]
    if bad:
        raise ValueError(
            f"pad_batch needs 1-D tensors; item {bad[0]} is "
            f"{type(batch[bad[0]]).__name__} of shape "
            f"{tuple(getattr(batch[bad[0]], 'shape', ()))}"
        )
    length = max(len(t) for t in batch)
    if 0 < max_len < length:
        length = max_len
    padded = batch[0].new_full((len(batch), length), pad_value)
    for i, item in enumerate(batch):
        n = min(len(item), length)
        if n == 0:
            continue
        if left_padded:
            padded[i, -n:] = item[-n:]
        else:
            padded[i, :n] = item[:n]
    mask = torch.eq(padded, pad_value).type_as(padded)
    return padded, mask


def list_to_tensor(item_list: list[Tensor]) -> Tensor:
    """One tensor from a list: stacked when shapes agree, else flattened and padded.

    Scalars and same-shaped tensors of 2 or more dimensions are stacked; any
    other list (1-D items, or mixed shapes) is flattened per item and
    right-padded with 0 (:func:`pad_batch`).

    Examples
    --------
    >>> list_to_tensor([torch.tensor([1, 2]), torch.tensor([3])]).tolist()
    [[1, 2], [3, 0]]
    >>> list_to_tensor([torch.zeros(2, 3), torch.ones(2, 3)]).shape
    torch.Size([2, 2, 3])
    """
    if not item_list:
        raise ValueError("list_to_tensor needs a non-empty list of tensors")
    if all(t.dim() == 0 for t in item_list):
        return torch.stack(item_list, dim=0)
    if all(t.shape == item_list[0].shape and t.dim() != 1 for t in item_list):
        return torch.stack(item_list, dim=0)
    return pad_batch([t.reshape(-1) for t in item_list])[0]


def resolve_device(device: int | str | torch.device) -> torch.device:
    """``-1``/``"cpu"`` -> CPU; ``k``/``"cuda:k"`` -> that GPU, CPU if none exists.

    Examples
    --------
    >>> resolve_device(-1)
    device(type='cpu')
    """
    if isinstance(device, torch.device):
        return device
    if isinstance(device, (int, np.integer)):
        if device < 0:
            return torch.device("cpu")
        device = f"cuda:{int(device)}"
    if str(device).startswith("cuda") and not torch.cuda.is_available():
        log.info("No cuda device available; using cpu.")
        return torch.device("cpu")
    return torch.device(device)


def move_to_device(obj: Any, device: int | str | torch.device = -1) -> Any:
    """Move every tensor in a (nested) dict / list / tuple to ``device``.

    ``device`` as in Snorkel (``-1`` = CPU, ``k`` = GPU k; CPU when there is
    no GPU) or a ``torch.device``. Other objects are returned unchanged.

    Parameters
    ----------
    obj : object
        A tensor, or dicts / lists / tuples holding tensors.
    device : int, str or torch.device, default -1
        Target device.

    Returns
    -------
    object
        Same structure, tensors on ``device``.

    Examples
    --------
    >>> move_to_device({"x": [torch.zeros(1)], "n": 3}, -1)["n"]
    3
    """
    device = resolve_device(device)
    if isinstance(obj, Tensor):
        return obj.to(device)
    if isinstance(obj, dict):
        return {k: move_to_device(v, device) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(move_to_device(v, device) for v in obj)
    return obj


def collect_flow_outputs_by_suffix(
    output_dict: Mapping[str, Any], suffix: str
) -> list[Any]:
    """The outputs whose operation name ends with ``suffix``, in sorted name order.

    Sorted order keeps slice ``i``'s indicator, predictor and feature outputs
    aligned when they are collected by three different suffixes.

    Parameters
    ----------
    output_dict : mapping of str to object
        ``{operation name: output}``, as from ``MultitaskClassifier.forward``.
    suffix : str
        Operation-name ending to select.

    Returns
    -------
    list

    Examples
    --------
    >>> collect_flow_outputs_by_suffix({"b_head": 2, "a_head": 1, "c": 3}, "_head")
    [1, 2]
    """
    return [output_dict[name] for name in sorted(output_dict) if name.endswith(suffix)]


def metrics_dict_to_dataframe(metrics_dict: Mapping[str, float]) -> pd.DataFrame:
    """``{"label/dataset/split/metric": score}`` as a DataFrame with those columns.

    Examples
    --------
    >>> df = metrics_dict_to_dataframe({"t/d/train/accuracy": 0.5})
    >>> list(df.columns), df.loc[0, "label"], float(df.loc[0, "score"])
    (['label', 'dataset', 'split', 'metric', 'score'], 't', 0.5)
    """
    rows = []
    for key, score in metrics_dict.items():
        parts = key.split("/")
        if len(parts) != 4:
            raise ValueError(f"metric key {key!r} is not 'label/dataset/split/metric'")
        rows.append((*parts, score))
    return pd.DataFrame(rows, columns=METRIC_COLUMNS)
