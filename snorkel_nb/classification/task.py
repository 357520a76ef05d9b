"""Operation and Task (Snorkel 0.9 names): a task is a path through shared modules."""

from __future__ import annotations

from functools import partial
from typing import Callable, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from snorkel_nb.classification.scorer import Scorer


class Operation:
    """Run module ``module_name`` on the outputs of earlier operations.

    ``inputs`` lists operation names (their whole output) or ``(name, key)``
    pairs (``outputs[name][key]``); ``"_input_"`` is the batch's ``X_dict``.
    With several inputs the module is called as ``module(*inputs)``.

    Parameters
    ----------
    module_name : str
        Key of the module in the model's pool.
    inputs : sequence of str or (str, key)
        Where the module's arguments come from; empty: the module gets the
        whole outputs dict.
    name : str, optional
        The operation's output name; default ``module_name``.

    Examples
    --------
    >>> Operation("head", ["trunk"]).name
    'head'
    """

    def __init__(
        self,
        module_name: str,
        inputs: Sequence[str | tuple[str, object]],
        name: str | None = None,
    ) -> None:
        self.name = name or module_name
        self.module_name = module_name
        self.inputs = inputs

    def __repr__(self) -> str:
        return (
            f"Operation(name={self.name}, module_name={self.module_name}, "
            f"inputs={self.inputs})"
        )


class Task:
    """A named task: modules, the operation sequence through them, loss and scorer.

    Modules with the same name in several tasks are shared by the model. An
    operation may use a module that another task of the same model brings (as
    the slice-aware master task does); the model checks this when the task is
    added.
    ``loss_func(logits, Y)`` defaults to ``F.cross_entropy``; use
    :func:`~snorkel_nb.classification.cross_entropy_with_probs` for
    probabilistic labels. ``output_func`` defaults to softmax over dim 1.

    Parameters
    ----------
    name : str
        The task's name (also the label key it trains on).
    module_pool : torch.nn.ModuleDict
        The modules its operations use (shared by name across tasks).
    op_sequence : sequence of Operation
        Operations in order; the last one's output is the logits.
    scorer : Scorer, optional
        Default ``Scorer(metrics=["accuracy"])``.
    loss_func : callable, optional
        ``loss_func(logits, Y)``; default ``F.cross_entropy``.
    output_func : callable, optional
        Logits to probabilities; default softmax over dim 1.

    Raises
    ------
    ValueError
        If ``op_sequence`` is empty.

    Examples
    --------
    >>> t = Task("t", nn.ModuleDict({"lin": nn.Linear(2, 2)}),
    ...          [Operation("lin", [("_input_", "x")])])
    >>> t
    Task(name=t)
    """

    def __init__(
        self,
        name: str,
        module_pool: nn.ModuleDict,
        op_sequence: Sequence[Operation],
        scorer: Scorer | None = None,
        loss_func: Callable[..., torch.Tensor] | None = None,
        output_func: Callable[..., torch.Tensor] | None = None,
    ) -> None:
        if not op_sequence:
            raise ValueError(f"task {name!r} needs a non-empty op_sequence")
        self.name = name
        self.module_pool = module_pool
        self.op_sequence = list(op_sequence)
        self.scorer = scorer if scorer is not None else Scorer(metrics=["accuracy"])
        self.loss_func = loss_func or F.cross_entropy
        self.output_func = output_func or partial(F.softmax, dim=1)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name})"
