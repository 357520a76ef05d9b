"""Labeling functions: the ``@labeling_function`` decorator and its class."""

from snorkel_nb.labeling.lf.core import (
    BasePreprocessor,
    LabelingFunction,
    Preprocessor,
    labeling_function,
    preprocessor,
)

__all__ = [
    "BasePreprocessor",
    "LabelingFunction",
    "Preprocessor",
    "labeling_function",
    "preprocessor",
]
