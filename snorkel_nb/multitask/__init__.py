"""Multi-task weak supervision: task graphs, multi-task LFs, label model, network.

Nothing outside this package imports it except ``snorkel_nb.widgets``,
``bench/`` and tests (``tests/multitask/test_mt_imports.py`` checks it).
"""

from snorkel_nb.multitask.central import (
    CentralData,
    CentralModel,
    CentralModelError,
    ChangeEvent,
    DependencyCycleError,
    DetachedTaskModel,
    StaleItem,
    TaskSpec,
    VersionDiff,
    WarmStartPolicy,
    uses_predictions,
)
from snorkel_nb.multitask.graph import NOT_APPLICABLE, TaskGraph, TaskGraphError
from snorkel_nb.multitask.label_model import MultiTaskLabelModel
from snorkel_nb.multitask.lfs import MultiTaskLF, MultiTaskLFApplier, multitask_lf
from snorkel_nb.multitask.model import MultitaskModel
from snorkel_nb.multitask.registry import (
    CorruptArtifactError,
    RegistryError,
    TaskRegistry,
    VersionInfo,
)

__all__ = [
    "CentralData",
    "CentralModel",
    "CentralModelError",
    "ChangeEvent",
    "CorruptArtifactError",
    "DependencyCycleError",
    "DetachedTaskModel",
    "RegistryError",
    "StaleItem",
    "TaskRegistry",
    "TaskSpec",
    "VersionDiff",
    "VersionInfo",
    "WarmStartPolicy",
    "uses_predictions",
    "NOT_APPLICABLE",
    "MultiTaskLF",
    "MultiTaskLFApplier",
    "MultiTaskLabelModel",
    "MultitaskModel",
    "TaskGraph",
    "TaskGraphError",
    "multitask_lf",
]
