"""Jupyter widgets for the LF loop: LF studio, LF matrices, label-model diagnostics."""

from snorkel_nb.widgets.diagnostics import LabelModelDiagnostics
from snorkel_nb.widgets.matrices import LFMatrices
from snorkel_nb.widgets.studio import LFStudio
from snorkel_nb.widgets.taskgraph import TaskGraphEditor

__all__ = ["LFMatrices", "LFStudio", "LabelModelDiagnostics", "TaskGraphEditor"]
