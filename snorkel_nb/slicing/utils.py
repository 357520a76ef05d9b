"""Slice tasks and slice labels for slice-aware training (Snorkel 0.9 names).

``convert_to_slice_tasks`` turns one task into the slice-aware set of tasks
(an indicator and a predictor task per slice, and the base task re-headed on
the slice combiner); ``add_slice_labels`` writes the matching labels. The
structure follows Snorkel 0.9 ``snorkel.slicing.utils`` (Apache-2.0,
https://github.com/snorkel-team/snorkel); the code is our own and, unlike
Snorkel's, leaves the base task's module pool untouched.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from numpy.lib import recfunctions as rfn
from torch import nn

from snorkel_nb.classification.scorer import Scorer
from snorkel_nb.classification.task import Operation, Task
from snorkel_nb.slicing.modules.slice_combiner import SliceCombinerModule

BASE_SLICE = "base"


def add_slice_labels(dataloader: Any, base_task: Any, S: np.recarray) -> None:
    """Add each slice's indicator and masked-label tasks to a dataloader, in place.

    For every slice ``s`` in ``S`` (plus ``base``, every point), writes to
    ``dataloader.dataset.Y_dict``:

    - ``{task}_slice:{s}_ind``: 1 for points in the slice, else 0;
    - ``{task}_slice:{s}_pred``: the task's labels, -1 outside the slice.

    Works with any dataloader whose ``dataset.Y_dict`` maps task names to
    torch tensors (``snorkel_nb.classification.DictDataLoader``).

    Parameters
    ----------
    dataloader
        Its ``dataset.Y_dict`` is updated in place.
    base_task
        Anything with a ``name`` whose labels are in ``Y_dict``.
    S
        [n] record array of slice memberships (0/1), one field per slice.

    Raises
    ------
    KeyError
        If ``Y_dict`` has no labels for ``base_task``.
    ValueError
        If ``S`` and the labels differ in length.

    Examples
    --------
    >>> import torch
    >>> from types import SimpleNamespace
    >>> data = SimpleNamespace(Y_dict={"t": torch.tensor([0, 1])})
    >>> dl = SimpleNamespace(dataset=data)
    >>> S = np.rec.fromarrays([np.array([1, 0])], names="short")
    >>> add_slice_labels(dl, SimpleNamespace(name="t"), S)
    >>> dl.dataset.Y_dict["t_slice:short_pred"].tolist()
    [0, -1]
    """
    import torch

    names = S.dtype.names or ()
    if "base" not in names:
        S = rfn.append_fields(
            [S],
            names=["base"],
            data=[np.ones(S.shape, dtype=np.int64)],
            asrecarray=True,
            usemask=False,
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


def _linear_sizes(task: Task, head: nn.Module) -> tuple[int, int]:
    """(in, out) features of the base task's head (unwrapping DataParallel)."""
    if isinstance(head, nn.DataParallel):
        head = head.module
    n_in, n_out = (
        getattr(head, "in_features", None),
        getattr(head, "out_features", None),
    )
    if not (isinstance(n_in, int) and isinstance(n_out, int)):
        raise ValueError(
            f"convert_to_slice_tasks: the last operation of task {task.name!r} must "
            "run a head with int in_features / out_features (an nn.Linear); got "
            f"{type(head).__name__}"
        )
    return n_in, n_out


def convert_to_slice_tasks(base_task: Task, slice_names: Sequence[str]) -> list[Task]:
    """The slice-aware tasks for ``base_task``: two per slice, then the base task.

    The base task's last operation is taken as its head (an ``nn.Linear``
    from the body's ``in_features`` to the task's classes); everything before
    it is the body, shared by every returned task. For each slice ``s`` in
    ``slice_names`` plus ``"base"`` (every point):

    - ``{task}_slice:{s}_ind``: a binary head saying whether a point is in
      ``s`` (scored with F1, as indicator labels are imbalanced);
    - ``{task}_slice:{s}_pred``: a per-slice linear transform of the body's
      output, then a predictor head shared by all slices (trained on the
      slice's points only; scored with the base task's scorer).

    The last task keeps the base task's name: a :class:`SliceCombinerModule`
    merges the slice transforms, and the base task's own head module predicts
    from that. Train on labels from :func:`add_slice_labels`.

    Parameters
    ----------
    base_task
        The task to make slice-aware (not modified).
    slice_names
        The slice names, as the columns of the slice matrix ``S``.

    Returns
    -------
    list of Task
        ``2 * (len(slice_names) + 1) + 1`` tasks (``"base"`` is added when
        absent): the indicator tasks, the predictor tasks, then the
        re-headed base task.

    Raises
    ------
    TypeError
        If ``slice_names`` is one string.
    ValueError
        If ``slice_names`` repeats a name, or the head module is missing or
        not a linear layer the sizes can be read from.

    Examples
    --------
    >>> pool = nn.ModuleDict({"body": nn.Linear(2, 8), "head": nn.Linear(8, 2)})
    >>> task = Task("t", pool, [Operation("body", [("_input_", "x")]),
    ...                         Operation("head", ["body"])])
    >>> tasks = convert_to_slice_tasks(task, ["short"])
    >>> [t.name for t in tasks]  # doctest: +NORMALIZE_WHITESPACE
    ['t_slice:short_ind', 't_slice:base_ind', 't_slice:short_pred',
     't_slice:base_pred', 't']
    """
    if isinstance(slice_names, str):
        raise TypeError("slice_names must be a list of names, not one string")
    names = list(slice_names)
    if len(set(names)) != len(names):
        raise ValueError(f"slice_names has duplicates: {names}")
    if BASE_SLICE not in names:
        names.append(BASE_SLICE)
    head_op = base_task.op_sequence[-1]
    if head_op.module_name not in base_task.module_pool:
        raise ValueError(
            f"task {base_task.name!r}: its head module "
            f"{head_op.module_name!r} is not in its module_pool"
        )
    head = base_task.module_pool[head_op.module_name]
    neck, n_classes = _linear_sizes(base_task, head)
    body_ops = list(base_task.op_sequence[:-1])
    # One pool for all returned tasks (the model merges them into one anyway):
    # every slice task can reach every slice module by name, as in Snorkel
    pool = nn.ModuleDict(
        {k: m for k, m in base_task.module_pool.items() if k != head_op.module_name}
    )

    def slice_task(
        name: str, ops: list[Operation], scorer: Scorer, base_labels: bool = True
    ) -> Task:
        # predictor and master tasks train on the base task's labels (masked),
        # so they keep its loss; indicator tasks get Task's default loss
        fns = (
            dict(loss_func=base_task.loss_func, output_func=base_task.output_func)
            if base_labels
            else {}
        )
        return Task(
            name=name,
            module_pool=pool,
            op_sequence=body_ops + ops,
            scorer=scorer,
            **fns,
        )

    ind_tasks, pred_tasks, slice_ops = [], [], []
    for s in names:
        ind_name = f"{base_task.name}_slice:{s}_ind"
        ind_head = f"{ind_name}_head"
        pool[ind_head] = nn.Linear(neck, 2)  # in the slice or not
        ops = [Operation(ind_head, head_op.inputs)]
        ind_tasks.append(
            slice_task(ind_name, ops, Scorer(metrics=["f1"]), base_labels=False)
        )
        slice_ops += ops
    shared_pred_head = nn.Linear(neck, n_classes)
    for s in names:
        pred_name = f"{base_task.name}_slice:{s}_pred"
        transform, pred_head = f"{pred_name}_transform", f"{pred_name}_head"
        pool[transform] = nn.Linear(neck, neck)
        pool[pred_head] = shared_pred_head
        ops = [Operation(transform, head_op.inputs), Operation(pred_head, [transform])]
        pred_tasks.append(slice_task(pred_name, ops, base_task.scorer))
        slice_ops += ops
    combiner = f"{base_task.name}_master_combiner"
    master_head = f"{base_task.name}_master_head"
    pool[combiner] = SliceCombinerModule()
    pool[master_head] = head
    master_ops = [Operation(combiner, []), Operation(master_head, [combiner])]
    master = slice_task(base_task.name, slice_ops + master_ops, base_task.scorer)
    return ind_tasks + pred_tasks + [master]
