"""Data augmentation: transformation functions, policies and appliers."""

from snorkel_nb.augmentation.apply import PandasTFApplier, TFApplier
from snorkel_nb.augmentation.policy import (
    ApplyAllPolicy,
    ApplyEachPolicy,
    ApplyOnePolicy,
    MeanFieldPolicy,
    Policy,
    RandomPolicy,
)
from snorkel_nb.augmentation.tf import (
    LambdaTransformationFunction,
    TransformationFunction,
    transformation_function,
)

__all__ = [
    "ApplyAllPolicy",
    "ApplyEachPolicy",
    "ApplyOnePolicy",
    "LambdaTransformationFunction",
    "MeanFieldPolicy",
    "PandasTFApplier",
    "Policy",
    "RandomPolicy",
    "TFApplier",
    "TransformationFunction",
    "transformation_function",
]
