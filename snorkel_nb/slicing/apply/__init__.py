"""SF appliers (Snorkel's ``slicing.apply.core`` layout)."""

from snorkel_nb.slicing.apply.core import PandasSFApplier, SFApplier

__all__ = ["PandasSFApplier", "SFApplier"]
