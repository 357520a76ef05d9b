"""MultitaskClassifier (Snorkel 0.9 name): one network, many tasks, shared modules."""

from __future__ import annotations

import io
import logging
import os
from collections import defaultdict
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import torch
from torch import nn

from snorkel_nb.classification.data import DictDataLoader
from snorkel_nb.classification.scorer import Scorer
from snorkel_nb.classification.task import Operation, Task
from snorkel_nb.classification.utils import (
    metrics_dict_to_dataframe,
    move_to_device,
    resolve_device,
)
from snorkel_nb.io import atomic_write_bytes
from snorkel_nb.utils import probs_to_preds

log = logging.getLogger(__name__)


class MultitaskClassifier(nn.Module):
    r"""A network built from :class:`Task`\ s; same-named modules are shared.

    Parameters
    ----------
    tasks
        The tasks (unique names).
    name
        Model name.
    device
        ``-1`` or ``"cpu"`` for CPU, a GPU index or ``"cuda:k"`` (falls back
        to CPU when no GPU is present, as in Snorkel).
    dataparallel
        As in Snorkel (default True): each module joins the model's pool
        wrapped in ``nn.DataParallel`` (``model.module_pool[name].module`` is
        the module; state-dict keys carry ``.module``, so Snorkel checkpoints
        load). On the CPU or one GPU the wrapper just calls the module. Pass
        ``False`` for plain modules in the pool.
    **kwargs
        Not accepted: any other keyword raises (a misspelt option is a bug).

    Raises
    ------
    ValueError
        On an unknown option, a non-Task entry, a duplicate task name, or an
        operation whose module no task provides.

    Examples
    --------
    >>> from snorkel_nb.classification import Operation, Task
    >>> pool = nn.ModuleDict({"trunk": nn.Linear(2, 4), "head": nn.Linear(4, 2)})
    >>> t = Task("t", pool, [Operation("trunk", [("_input_", "x")]),
    ...                      Operation("head", ["trunk"])])
    >>> m = MultitaskClassifier([t], device=-1)
    >>> m.forward({"x": torch.zeros(3, 2)}, ["t"])["head"].shape
    torch.Size([3, 2])
    """

    def __init__(
        self,
        tasks: Sequence[Task],
        name: str | None = None,
        device: int | str = 0,
        dataparallel: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        if kwargs:
            raise ValueError(f"unknown MultitaskClassifier options {sorted(kwargs)}")
        self.name = name or type(self).__name__
        self.config = {"device": device, "dataparallel": dataparallel}
        self.device = resolve_device(device)
        self.module_pool = nn.ModuleDict()
        self.task_names: set[str] = set()
        self.op_sequences: dict[str, list[Operation]] = {}
        self.loss_funcs: dict[str, Any] = {}
        self.output_funcs: dict[str, Any] = {}
        self.scorers: dict[str, Scorer] = {}
        for task in tasks:
            if not isinstance(task, Task):
                raise ValueError(f"Unrecognized task type {task}.")
            if task.name in self.task_names:
                raise ValueError(
                    f"Found duplicate task {task.name}, different task "
                    "should use different task name."
                )
            self.add_task(task)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name})"

    def add_task(self, task: Task) -> None:
        """Add a task; its modules join the pool (existing names are shared).

        Parameters
        ----------
        task : Task
            The task to add (its name must be new).

        Raises
        ------
        ValueError
            If an operation uses a module that neither the task nor an earlier
            task provides.
        """
        missing = [
            op
            for op in task.op_sequence
            if op.module_name not in self.module_pool
            and op.module_name not in task.module_pool
        ]
        if missing:
            raise ValueError(
                f"task {task.name!r}: operation {missing[0].name!r} uses "
                f"module {missing[0].module_name!r}, which neither its "
                "module_pool nor an earlier task provides; the model has "
                f"{list(self.module_pool)}"
            )
        wrap = bool(self.config["dataparallel"])
        for key, module in task.module_pool.items():
            if key in self.module_pool:
                task.module_pool[key] = self.module_pool[key]
            elif wrap and not isinstance(module, nn.DataParallel):
                self.module_pool[key] = self._data_parallel(
                    module
                )  # task keeps its own
            else:
                self.module_pool[key] = module
        self.task_names.add(task.name)
        self.op_sequences[task.name] = task.op_sequence
        self.loss_funcs[task.name] = task.loss_func
        self.output_funcs[task.name] = task.output_func
        self.scorers[task.name] = task.scorer
        self.to(self.device)

    def _data_parallel(self, module: nn.Module) -> nn.DataParallel:
        """Snorkel's wrapper, over every GPU from ours (a no-op on the CPU)."""
        index = self.device.index or 0
        dp = nn.DataParallel(module, device_ids=None if index == 0 else [index])
        if self.device.type != "cuda":
            dp.device_ids = []  # DataParallel.forward then calls the module itself
        return dp

    def forward(
        self, X_dict: Mapping[str, Any], task_names: Iterable[str]
    ) -> dict[str, Any]:
        """Run every operation the tasks need (each once); return all outputs.

        Parameters
        ----------
        X_dict : mapping of str to object
            The batch's input fields (tensors are moved to the model's
            device); operations read them as ``("_input_", field)``.
        task_names : iterable of str
            Tasks whose operation sequences to run; shared operations run
            once.

        Returns
        -------
        dict of str to object
            ``{"_input_": X_dict, operation name: its output, ...}``.

        Raises
        ------
        ValueError
            If an operation fails (the message names it and the error).

        Examples
        --------
        >>> from snorkel_nb.classification import Operation, Task
        >>> pool = nn.ModuleDict({"trunk": nn.Linear(2, 4), "head": nn.Linear(4, 2)})
        >>> t = Task("t", pool, [Operation("trunk", [("_input_", "x")]),
        ...                      Operation("head", ["trunk"])])
        >>> m = MultitaskClassifier([t], device=-1)
        >>> out = m.forward({"x": torch.zeros(3, 2)}, ["t"])
        >>> sorted(out), tuple(out["trunk"].shape)
        (['_input_', 'head', 'trunk'], (3, 4))
        """
        outputs: dict[str, Any] = {"_input_": move_to_device(dict(X_dict), self.device)}
        for task_name in task_names:
            for op in self.op_sequences[task_name]:
                if op.name in outputs:
                    continue
                try:
                    module = self.module_pool[op.module_name]
                    if op.inputs:
                        args = [
                            outputs[i[0]][i[1]] if isinstance(i, tuple) else outputs[i]
                            for i in op.inputs
                        ]
                        outputs[op.name] = module(*args)
                    else:
                        outputs[op.name] = module(outputs)
                except Exception as e:
                    raise ValueError(f"Unsuccessful operation {op}: {e!r}.") from e
        return outputs

    def calculate_loss(
        self, X_dict: Mapping[str, Any], Y_dict: Mapping[str, torch.Tensor]
    ) -> tuple[dict[str, torch.Tensor], dict[str, int]]:
        """Per-task loss over rows with a label (-1 rows are masked) and their counts.

        Parameters
        ----------
        X_dict : mapping of str to object
            The batch's input fields.
        Y_dict : mapping of str to torch.Tensor
            ``{label name: [n] labels (or [n, k] soft labels)}``; -1 marks a
            row without a label. Labels named after no task are ignored.

        Returns
        -------
        loss_dict : dict of str to torch.Tensor
            Scalar loss per label with at least one labelled row.
        count_dict : dict of str to int
            Number of labelled rows behind each loss.

        Examples
        --------
        >>> from snorkel_nb.classification import Operation, Task
        >>> pool = nn.ModuleDict({"head": nn.Linear(2, 2)})
        >>> t = Task("t", pool, [Operation("head", [("_input_", "x")])])
        >>> m = MultitaskClassifier([t], device=-1)
        >>> loss, count = m.calculate_loss({"x": torch.zeros(3, 2)},
        ...                                {"t": torch.tensor([0, -1, 1])})
        >>> count, loss["t"].shape
        ({'t': 2}, torch.Size([]))
        """
        loss_dict, count_dict = {}, {}
        labels_to_tasks = self._get_labels_to_tasks(Y_dict.keys())
        outputs = self.forward(X_dict, labels_to_tasks.values())
        for label_name, task_name in labels_to_tasks.items():
            Y = Y_dict[label_name]
            active = (Y.detach() != -1) if Y.dim() == 1 else (Y.detach() != -1).any(1)
            if not active.any():
                continue
            count_dict[label_name] = int(active.sum())
            logits = outputs[self.op_sequences[task_name][-1].name]
            if not active.all():
                logits, Y = logits[active.to(logits.device)], Y[active]
            loss_dict[label_name] = self.loss_funcs[task_name](
                logits, move_to_device(Y, self.device)
            )
        return loss_dict, count_dict

    @torch.no_grad()
    def _calculate_probs(
        self, X_dict: Mapping[str, Any], task_names: Iterable[str]
    ) -> dict[str, np.ndarray]:
        self.eval()
        task_names = list(task_names)
        outputs = self.forward(X_dict, task_names)
        return {
            t: self.output_funcs[t](outputs[self.op_sequences[t][-1].name])
            .cpu()
            .numpy()
            for t in task_names
        }

    @torch.no_grad()
    def predict(
        self,
        dataloader: DictDataLoader,
        return_preds: bool = False,
        remap_labels: Mapping[str, str | None] = {},
    ) -> dict[str, dict]:
        """``{"golds": {label: ...}, "probs": {...}[, "preds": {...}]}`` as numpy.

        Parameters
        ----------
        dataloader : DictDataLoader
            The data to predict, with its gold labels.
        return_preds : bool, default False
            Also return hard predictions (ties broken as ``probs_to_preds``).
        remap_labels : mapping, default {}
            Score a label set with another task's head (``{label: task}``;
            ``None`` skips the label), as in Snorkel.

        Returns
        -------
        dict
            ``{"golds": {label: [n]}, "probs": {label: [n, k]}}`` and, with
            ``return_preds``, ``"preds": {label: [n]}``.

        Examples
        --------
        >>> from snorkel_nb.classification import DictDataset, Operation, Task
        >>> pool = nn.ModuleDict({"head": nn.Linear(2, 2)})
        >>> t = Task("task", pool, [Operation("head", [("_input_", "input_data")])])
        >>> m = MultitaskClassifier([t], device=-1)
        >>> X, Y = torch.eye(2).repeat(2, 1), torch.tensor([0, 1, 0, 1])
        >>> dl = DictDataLoader(DictDataset.from_tensors(X, Y, "valid"), batch_size=2)
        >>> out = m.predict(dl, return_preds=True)
        >>> sorted(out), out["probs"]["task"].shape
        (['golds', 'preds', 'probs'], (4, 2))
        """
        self.eval()
        golds: dict[str, list] = defaultdict(list)
        probs: dict[str, list] = defaultdict(list)
        l2t = self._get_labels_to_tasks(dataloader.dataset.Y_dict.keys(), remap_labels)
        for X, Y in dataloader:
            p = self._calculate_probs(X, set(l2t.values()))
            for label_name, task_name in l2t.items():
                probs[label_name].append(p[task_name])
                golds[label_name].append(Y[label_name].cpu().numpy())
        out: dict[str, dict] = {
            "golds": {k: np.concatenate(v) for k, v in golds.items()},
            "probs": {k: np.concatenate(v) for k, v in probs.items()},
        }
        if return_preds:
            # Snorkel's default tie-break (a hash of the row), not argmax's first class
            out["preds"] = {k: probs_to_preds(v) for k, v in out["probs"].items()}
        return out

    @torch.no_grad()
    def score(
        self,
        dataloaders: Sequence[DictDataLoader],
        remap_labels: Mapping[str, str | None] = {},
        as_dataframe: bool = False,
    ) -> dict[str, float] | pd.DataFrame:
        """Metrics keyed ``"label/dataset/split/metric"``.

        Parameters
        ----------
        dataloaders : sequence of DictDataLoader
            Each scored on its own split.
        remap_labels : mapping, default {}
            As in :meth:`predict`.
        as_dataframe : bool, default False
            Return a long DataFrame (label, dataset, split, metric, score).

        Returns
        -------
        dict of str to float, or pandas.DataFrame

        Examples
        --------
        >>> from snorkel_nb.classification import DictDataset, Operation, Task
        >>> pool = nn.ModuleDict({"head": nn.Linear(2, 2)})
        >>> t = Task("task", pool, [Operation("head", [("_input_", "input_data")])])
        >>> m = MultitaskClassifier([t], device=-1)
        >>> X, Y = torch.eye(2).repeat(2, 1), torch.tensor([0, 1, 0, 1])
        >>> dl = DictDataLoader(DictDataset.from_tensors(X, Y, "valid"), batch_size=2)
        >>> list(m.score([dl]))
        ['task/SnorkelDataset/valid/accuracy']
        """
        scores: dict[str, float] = {}
        for dl in dataloaders:
            l2t = self._get_labels_to_tasks(dl.dataset.Y_dict.keys(), remap_labels)
            res = self.predict(dl, return_preds=True, remap_labels=remap_labels)
            for label_name, task_name in l2t.items():
                golds = res["golds"][label_name]
                if golds.ndim != 1:  # probabilistic labels: score their argmax
                    golds = np.where((golds == -1).all(1), -1, golds.argmax(1))
                if (golds == -1).all():
                    continue
                m = self.scorers[task_name].score(
                    golds, res["preds"][label_name], res["probs"][label_name]
                )
                for metric, v in m.items():
                    key = "/".join(
                        [label_name, dl.dataset.name, dl.dataset.split, metric]
                    )
                    scores[key] = v
        return metrics_dict_to_dataframe(scores) if as_dataframe else scores

    def _get_labels_to_tasks(
        self, label_names: Iterable[str], remap_labels: Mapping[str, str | None] = {}
    ) -> dict[str, str]:
        out = {}
        for label in label_names:
            if label in remap_labels:
                if remap_labels[label] is not None:
                    out[label] = remap_labels[label]
            elif label in self.op_sequences:
                out[label] = label
        return out

    def save(self, model_path: str | os.PathLike) -> None:
        """Write the state dict atomically (``torch.save`` format, tensors only).

        Parameters
        ----------
        model_path : str or os.PathLike
            Destination file.
        """
        buf = io.BytesIO()
        torch.save(self.state_dict(), buf)
        atomic_write_bytes(model_path, buf.getvalue())

    def load(self, model_path: str | os.PathLike) -> None:
        """Load a state dict saved by :meth:`save` (``weights_only=True``: no
        arbitrary objects are unpickled).

        Parameters
        ----------
        model_path : str or os.PathLike
            A file written by :meth:`save` for a model with the same tasks.

        Examples
        --------
        >>> import tempfile
        >>> from snorkel_nb.classification import Operation, Task
        >>> def model():
        ...     pool = nn.ModuleDict({"head": nn.Linear(2, 2)})
        ...     t = Task("t", pool, [Operation("head", [("_input_", "x")])])
        ...     return MultitaskClassifier([t], device=-1)
        >>> a, b = model(), model()
        >>> with tempfile.TemporaryDirectory() as d:
        ...     a.save(f"{d}/m.pt")
        ...     b.load(f"{d}/m.pt")
        >>> x = {"x": torch.ones(1, 2)}
        >>> bool(torch.equal(a.forward(x, ["t"])["head"], b.forward(x, ["t"])["head"]))
        True
        """
        state = torch.load(model_path, map_location=self.device, weights_only=True)
        self.load_state_dict(state)
