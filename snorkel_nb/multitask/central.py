"""CentralModel: one multi-task network that tasks join over time.

The seed paper's "massively multitask model as the central codebase": teams
contribute tasks by contributing labels (LFs); a new task gets a head on the
shared, already trained trunk (a warm start) and only what a change affects
is retrained. Everything is recorded in a :class:`TaskRegistry`, every
(re)training makes a :class:`VersionInfo`, and versions can be diffed,
loaded, rolled back, blended (gradual phase-out) and a task detached for
deployment.

Dependencies a task can have:

* **graph parents** (``parent=``): the task's head reads the parent heads'
  softmax outputs (as in :class:`MultitaskModel`), so a retrained parent
  head makes the child head stale;
* **prediction LFs** (``uses_predictions(lf, "coarse")``): an LF reads
  another task's predictions (columns ``pred_<task>`` - the label name - and
  ``conf_<task>`` - its probability - are added to the rows it sees), so a
  retrained head upstream makes the task's label matrix stale.

Both kinds must form a DAG; a cycle is refused with the path in the message.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from snorkel_nb.labeling import LabelingFunction
from snorkel_nb.multitask.graph import TaskGraph, TaskGraphError
from snorkel_nb.multitask.lfs import MultiTaskLF
from snorkel_nb.multitask.registry import TaskRegistry, VersionInfo

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
    existing tasks' label-model targets (their heads frozen), so existing
    heads keep fitting the moved trunk.
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
    in words (which LF, which upstream task).
    """

    kind: str
    task: str
    reason: str


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
        """One row per (task, metric): value in ``a``, in ``b`` and the delta."""
        raise NotImplementedError


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


def uses_predictions(lf: LabelingFunction | MultiTaskLF, *tasks: str
                     ) -> LabelingFunction | MultiTaskLF:
    """Declare that ``lf`` reads the predictions of ``tasks`` (returns ``lf``).

    The rows it sees then carry ``pred_<task>`` (the predicted label name)
    and ``conf_<task>`` (its probability) for each of them.
    """
    raise NotImplementedError


class DetachedTaskModel:
    """One task's head plus only the layers it depends on (trunk, ancestor
    heads), with the lineage it came from; standalone and saveable.

    Attributes
    ----------
    task, labels, lineage
        The task, its label names, and :meth:`CentralModel.lineage` at detach.
    """

    def __init__(self, task: str, labels: Sequence[str], lineage: Mapping[str, Any],
                 modules: Any, featurizer: Any = None) -> None:
        raise NotImplementedError

    def predict_proba(self, X: Any) -> np.ndarray:
        raise NotImplementedError

    def predict(self, X: Any) -> np.ndarray:
        raise NotImplementedError

    def save(self, path: Any) -> None:
        raise NotImplementedError

    @classmethod
    def load(cls, path: Any) -> "DetachedTaskModel":
        raise NotImplementedError


class CentralModel:
    """The central multi-task model over a :class:`TaskRegistry`.

    Parameters
    ----------
    registry
        Where tasks, LFs, artefacts and versions live.
    trunk
        ``"mlp"`` (dense features) or ``"text"`` (TF-IDF ids + bag of
        embeddings), as in :class:`MultitaskModel`.
    hidden, emb_dim, dropout
        Trunk sizes.
    first_epochs, lr
        Training of the trunk with the first task (cold start).
    seed
        Seeds everything: equal seeds, equal models.
    label_model_kwargs
        Passed to each task's :class:`~snorkel_nb.labeling.model.LabelModel`.
    """

    def __init__(self, registry: TaskRegistry, trunk: str = "mlp",
                 hidden: Sequence[int] = (64,), emb_dim: int = 64,
                 dropout: float = 0.1, first_epochs: int = 20, lr: float = 1e-2,
                 seed: int = 0, data: CentralData | None = None,
                 label_model_kwargs: Mapping[str, Any] | None = None) -> None:
        raise NotImplementedError

    @classmethod
    def open(cls, path: Any, data: CentralData | None = None) -> "CentralModel":
        """Reopen a central model from its registry file (settings, current
        version, stored data and LF sources are read back)."""
        raise NotImplementedError

    # -- data ----------------------------------------------------------------
    def set_data(self, data: CentralData) -> None:
        raise NotImplementedError

    # -- tasks ---------------------------------------------------------------
    def add_task(self, task: TaskSpec | str, lfs: Sequence[Any],
                 parent: str | Mapping[str, Mapping[str, str]] | None = None,
                 labels: Sequence[str] | None = None,
                 mapping: Mapping[str, str] | None = None,
                 data: CentralData | None = None,
                 policy: WarmStartPolicy | None = None, train: bool = True,
                 progress: bool = False) -> Version | None:
        """Register ``task`` with its LFs and (``train=True``) train it.

        Warm start: the trained trunk is kept; the new head is trained (plus a
        light trunk fine-tune if ``policy.trunk_epochs > 0``). Returns the new
        version (``None`` with ``train=False``; the task is then listed by
        :meth:`stale`).
        """
        raise NotImplementedError

    def update_lf(self, task: str, lf: Any) -> None:
        """Add or replace (by name) one LF of ``task``; marks things stale."""
        raise NotImplementedError

    def remove_lf(self, task: str, name: str) -> None:
        raise NotImplementedError

    def tasks(self) -> list[str]:
        """Task names in dependency order."""
        raise NotImplementedError

    @property
    def graph(self) -> TaskGraph:
        """The tasks and their parent -> child refinements."""
        raise NotImplementedError

    def dependencies(self) -> dict[str, dict[str, list[str]]]:
        """``{task: {"parents": [...], "uses": [...], "lfs": [...]}}``."""
        raise NotImplementedError

    def lineage(self, task: str) -> dict[str, Any]:
        """Where ``task``'s current head comes from: version, LF names and
        source hashes, label model / label matrix / head / trunk artefact ids,
        upstream tasks (parents and used predictions) and their lineage ids."""
        raise NotImplementedError

    # -- staleness -----------------------------------------------------------
    def stale(self) -> list[StaleItem]:
        """What must be recomputed, in dependency order (per task: label
        matrix, label model, head; downstream tasks after their upstream)."""
        raise NotImplementedError

    def retrain_stale(self, progress: bool | Callable[[int, int, StaleItem], None]
                      = True) -> Version | None:
        """Recompute exactly :meth:`stale`'s items, then record a version
        (``None`` when nothing was stale). ``progress``: a bar, or a callback
        ``(done, total, item)`` (for a widget)."""
        raise NotImplementedError

    # -- versions ------------------------------------------------------------
    def versions(self) -> list[VersionInfo]:
        raise NotImplementedError

    @property
    def current_version(self) -> VersionInfo | None:
        raise NotImplementedError

    def diff(self, v_a: VersionRef, v_b: VersionRef) -> VersionDiff:
        raise NotImplementedError

    def load_version(self, v: VersionRef) -> None:
        """Make ``v``'s weights and label models the live ones (no new version)."""
        raise NotImplementedError

    def rollback(self, v: VersionRef) -> Version:
        """A new version (parent: the current one) identical to ``v``."""
        raise NotImplementedError

    def interpolate(self, task: str, v_old: VersionRef, v_new: VersionRef,
                    alpha: float | Sequence[float] = (0.0, 0.25, 0.5, 0.75, 1.0)
                    ) -> pd.DataFrame:
        """Blend ``task``'s head (and its ancestors' heads and the trunk, where
        they differ) as ``(1 - alpha) * old + alpha * new``; one row per alpha
        with the dev metrics."""
        raise NotImplementedError

    def detach(self, task: str) -> DetachedTaskModel:
        raise NotImplementedError

    # -- prediction ----------------------------------------------------------
    def predict_proba(self, X: Any, task: str | None = None
                      ) -> np.ndarray | dict[str, np.ndarray]:
        """[n, k] probabilities of ``task`` (or ``{task: probs}`` for all);
        ``X`` a DataFrame, a feature matrix (mlp) or texts (text trunk)."""
        raise NotImplementedError

    def predict(self, X: Any, task: str | None = None
                ) -> np.ndarray | dict[str, np.ndarray]:
        raise NotImplementedError

    def metrics(self) -> dict[str, dict[str, float]]:
        """Dev metrics of every trained task with the live weights."""
        raise NotImplementedError

    # -- events --------------------------------------------------------------
    def on_change(self, callback: Callable[[ChangeEvent], None]) -> None:
        """Call ``callback(event)`` after every change (for RegistryView)."""
        raise NotImplementedError
