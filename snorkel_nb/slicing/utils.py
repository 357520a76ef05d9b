"""Slice labels for slice-aware training (Snorkel 0.9's ``add_slice_labels``)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib import recfunctions as rfn


def add_slice_labels(dataloader: Any, base_task: Any, S: np.recarray) -> None:
    """Add each slice's indicator and masked-label tasks to a dataloader, in place.

    For every slice ``s`` in ``S`` (plus ``base``, every point), writes to
    ``dataloader.dataset.Y_dict``:

    - ``{task}_slice:{s}_ind``: 1 for points in the slice, else 0;
    - ``{task}_slice:{s}_pred``: the task's labels, -1 outside the slice.

    Works with any dataloader whose ``dataset.Y_dict`` maps task names to
    torch tensors (``snorkel_nb.classification.DictDataLoader``).
    """
    import torch

    names = S.dtype.names or ()
    if "base" not in names:
        S = rfn.append_fields(
            [S], names=["base"], data=[np.ones(S.shape, dtype=np.int64)],
            asrecarray=True, usemask=False,
        )
        names = S.dtype.names
    Y_dict = dataloader.dataset.Y_dict
    if base_task.name not in Y_dict:
        raise KeyError(
            f"the dataloader has no labels for task {base_task.name!r}; "
            f"it has {list(Y_dict)}"
        )
    labels = Y_dict[base_task.name]
    if len(labels) != len(S):
        raise ValueError(
            f"S has {len(S)} rows but task {base_task.name!r} has {len(labels)} labels"
        )
    for name in names:
        ind = torch.as_tensor(np.asarray(S[name]), dtype=torch.long)
        pred = labels.clone()
        pred[~ind.bool()] = -1
        Y_dict[f"{base_task.name}_slice:{name}_ind"] = ind
        Y_dict[f"{base_task.name}_slice:{name}_pred"] = pred
