"""The central model's plain types: task specs, data, policy, stale items, diffs.

Kept apart from :mod:`snorkel_nb.multitask.central` so that the registry
view and tests can use them without the training code.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from snorkel_nb.labeling import LabelingFunction
from snorkel_nb.multitask.graph import TaskGraphError
from snorkel_nb.multitask.lfs import MultiTaskLF
from snorkel_nb.multitask.registry import VersionInfo

Version = VersionInfo
"""What training returns: the new version (see :class:`VersionInfo`)."""

VersionRef = int | VersionInfo

STALE_KINDS = ("task", "label_matrix", "label_model", "head")


class CentralModelError(ValueError):
    """A request the central model cannot honour (the message names the input)."""


class DependencyCycleError(CentralModelError, TaskGraphError):
    """Tasks that would read each other's predictions (or heads) in a cycle."""


@dataclasses.dataclass(frozen=True)
class TaskSpec:
    """A task: name, label names and optional graph parents with mappings.

    ``parents`` is ``{parent_task: {child_label: parent_label}}`` (every
    label of this task mapped to one parent label, as in ``TaskGraph``).
    """

    name: str
    labels: tuple[str, ...]
    parents: Mapping[str, Mapping[str, str]] = dataclasses.field(default_factory=dict)
    description: str = ""


@dataclasses.dataclass
class CentralData:
    """The rows every task is labelled on (one input space: one trunk).

    Parameters
    ----------
    train
        DataFrame the LFs run on.
    X
        [n, d] float features for an ``"mlp"`` trunk (default: ``feature_cols``
        of ``train``); a ``"text"`` trunk reads ``train[text_col]``.
    dev, X_dev
        Optional dev rows (same layout) for metrics and early stopping.
    gold_dev
        ``{task: labels}`` gold dev labels (names or indices, -1 / None =
        unknown); tasks without gold get agreement metrics only.
    """

    train: pd.DataFrame
    X: np.ndarray | None = None
    dev: pd.DataFrame | None = None
    X_dev: np.ndarray | None = None
    gold_dev: dict[str, Any] = dataclasses.field(default_factory=dict)
    text_col: str = "text"
    feature_cols: Sequence[str] | None = None


@dataclasses.dataclass(frozen=True)
class WarmStartPolicy:
    """What :meth:`CentralModel.add_task` trains besides the new head.

    ``trunk_epochs=0`` (default) freezes the trunk: only the new head learns.
    ``trunk_epochs>0`` is the "light trunk fine-tune": the trunk and the new
    head train together at ``trunk_lr`` with a replay loss on ``replay``
    existing tasks' label-model targets (drawn at random among all trained
    tasks; their heads frozen), so existing heads keep fitting the moved
    trunk.
    """

    head_epochs: int = 30
    head_lr: float = 0.05
    trunk_epochs: int = 0
    trunk_lr: float = 1e-3
    replay: int = 4
    batch_size: int = 256
    patience: int = 5


@dataclasses.dataclass(frozen=True)
class StaleItem:
    """One thing :meth:`CentralModel.retrain_stale` will recompute.

    ``kind``: ``"task"`` (registered, never trained: build all of it),
    ``"label_matrix"``, ``"label_model"`` or ``"head"``; ``reason`` says why
    in words (which LF, which upstream task); ``tasks``: for the
    ``"label_model"`` item of a multi-task label unit, every task it labels.
    """

    kind: str
    task: str
    reason: str
    tasks: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class VersionDiff:
    """What changed from version ``a`` to version ``b``."""

    a: int
    b: int
    tasks_added: list[str]
    tasks_removed: list[str]
    lfs_added: dict[str, list[str]]
    lfs_removed: dict[str, list[str]]
    lfs_changed: dict[str, list[str]]
    heads_changed: list[str]
    trunk_changed: bool
    metric_deltas: dict[str, dict[str, tuple[float | None, float | None]]]

    def to_frame(self) -> pd.DataFrame:
        """One row per (task, metric): value in ``a``, in ``b`` and the delta.

        Examples
        --------
        >>> d = VersionDiff(1, 2, ["f"], [], {}, {}, {}, ["f"], False,
        ...                 {"c": {"dev_accuracy": (0.5, 0.75)}})
        >>> d.to_frame().to_dict("records")
        [{'task': 'c', 'metric': 'dev_accuracy', 'a': 0.5, 'b': 0.75, 'delta': 0.25}]
        """
        rows = []
        for t, ms in self.metric_deltas.items():
            for m, (x, y) in ms.items():
                delta = (y - x) if x is not None and y is not None else None
                rows.append({"task": t, "metric": m, "a": x, "b": y, "delta": delta})
        return pd.DataFrame(rows, columns=["task", "metric", "a", "b", "delta"])

    @property
    def empty(self) -> bool:
        """True when nothing but metrics differ."""
        return not (
            self.tasks_added
            or self.tasks_removed
            or self.lfs_added
            or self.lfs_removed
            or self.lfs_changed
            or self.heads_changed
            or self.trunk_changed
        )


@dataclasses.dataclass(frozen=True)
class ChangeEvent:
    """Passed to :meth:`CentralModel.on_change` callbacks.

    ``kind`` in {"task_added", "lf_updated", "lf_removed", "retrained",
    "rollback", "loaded"}.
    """

    kind: str
    task: str | None = None
    version: int | None = None
    detail: str = ""


def uses_predictions(
    lf: LabelingFunction | MultiTaskLF, *tasks: str
) -> LabelingFunction | MultiTaskLF:
    """Declare that ``lf`` reads the predictions of ``tasks`` (returns ``lf``).

    The rows it sees then carry ``pred_<task>`` (the predicted label name)
    and ``conf_<task>`` (its probability) for each of them.

    Examples
    --------
    >>> from snorkel_nb.labeling import labeling_function
    >>> @labeling_function()
    ... def person_is_author(x):
    ...     return 0 if x.pred_entity == "PERSON" and "wrote" in x.text else -1
    >>> uses_predictions(person_is_author, "entity").uses
    ('entity',)
    """
    if not tasks or not all(isinstance(t, str) and t for t in tasks):
        raise CentralModelError(f"uses_predictions needs task names; got {tasks!r}")
    if not isinstance(lf, (LabelingFunction, MultiTaskLF)):
        raise CentralModelError(
            f"uses_predictions takes a LabelingFunction or "
            f"MultiTaskLF; got {type(lf).__name__}"
        )
    lf.uses = tuple(dict.fromkeys(tasks))  # type: ignore[union-attr]
    return lf
