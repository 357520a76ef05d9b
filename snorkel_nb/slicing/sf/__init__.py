"""Slicing functions: ``x -> bool``, is the point in the slice?"""

from snorkel_nb.slicing.sf.core import SlicingFunction, slicing_function

__all__ = ["SlicingFunction", "slicing_function"]
