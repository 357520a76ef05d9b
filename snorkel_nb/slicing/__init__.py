"""Slicing: name the subsets of data that matter and score models on each.

``convert_to_slice_tasks``, ``SliceAwareClassifier`` and ``SliceCombinerModule``
build on ``snorkel_nb.classification`` and are not here yet.
"""

from snorkel_nb.slicing.apply import PandasSFApplier, SFApplier
from snorkel_nb.slicing.monitor import slice_dataframe
from snorkel_nb.slicing.sf import SlicingFunction, slicing_function
from snorkel_nb.slicing.utils import add_slice_labels

__all__ = [
    "PandasSFApplier",
    "SFApplier",
    "SlicingFunction",
    "add_slice_labels",
    "slice_dataframe",
    "slicing_function",
]
