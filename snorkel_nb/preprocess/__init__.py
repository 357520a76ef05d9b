"""Preprocessors shared by LFs, TFs and SFs (Snorkel 0.9 ``snorkel.preprocess``)."""

from snorkel_nb.preprocess.core import (
    BasePreprocessor,
    LambdaPreprocessor,
    Preprocessor,
    preprocessor,
)

__all__ = ["BasePreprocessor", "LambdaPreprocessor", "Preprocessor", "preprocessor"]
