"""TF appliers: lists of data points (``core``) and DataFrames (``pandas``)."""

from snorkel_nb.augmentation.apply.core import BaseTFApplier, TFApplier
from snorkel_nb.augmentation.apply.pandas import PandasTFApplier

__all__ = ["BaseTFApplier", "PandasTFApplier", "TFApplier"]
