"""Slicing: name the subsets of data that matter, score models on each, and
train slice-aware models (``SliceAwareClassifier``) that do better on them.

The slice-aware pieces build on ``snorkel_nb.classification``.
"""

from snorkel_nb.slicing.apply import PandasSFApplier, SFApplier
from snorkel_nb.slicing.modules import SliceCombinerModule
from snorkel_nb.slicing.monitor import slice_dataframe
from snorkel_nb.slicing.sf import SlicingFunction, slicing_function
from snorkel_nb.slicing.sliceaware_classifier import SliceAwareClassifier
from snorkel_nb.slicing.utils import add_slice_labels, convert_to_slice_tasks

__all__ = [
    "PandasSFApplier",
    "SFApplier",
    "SliceAwareClassifier",
    "SliceCombinerModule",
    "SlicingFunction",
    "add_slice_labels",
    "convert_to_slice_tasks",
    "slice_dataframe",
    "slicing_function",
]
