"""Data point to data point operators: the base of preprocessors and TFs."""

from snorkel_nb.map.core import (
    BaseMapper,
    LambdaMapper,
    Mapper,
    get_hashable,
    lambda_mapper,
)

__all__ = ["BaseMapper", "LambdaMapper", "Mapper", "get_hashable", "lambda_mapper"]
