"""Jupyter widgets: LF studio, LF matrices, label-model diagnostics, teacher/student,
task graph editor, task registry view."""

from snorkel_nb.widgets.diagnostics import LabelModelDiagnostics
from snorkel_nb.widgets.distill import TeacherStudentView
from snorkel_nb.widgets.matrices import LFMatrices
from snorkel_nb.widgets.registry import RegistryView
from snorkel_nb.widgets.studio import LFStudio
from snorkel_nb.widgets.taskgraph import TaskGraphEditor

__all__ = [
    "LFMatrices",
    "LFStudio",
    "LabelModelDiagnostics",
    "RegistryView",
    "TaskGraphEditor",
    "TeacherStudentView",
]
