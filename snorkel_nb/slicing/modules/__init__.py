"""Network modules for slice-aware classification."""

from snorkel_nb.slicing.modules.slice_combiner import SliceCombinerModule

__all__ = ["SliceCombinerModule"]
