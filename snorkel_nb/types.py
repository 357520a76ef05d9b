"""Type aliases with Snorkel 0.9's names, for annotations in user code.

A data point is whatever an operator receives: a row of a DataFrame (our
appliers pass a light row object with attribute and item access), a
``SimpleNamespace`` or a ``pd.Series``. The aliases say that in one place.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, Callable, Mapping, NamedTuple, Sequence

DataPoint = Any
DataPoints = Sequence[DataPoint]

Field = Any
FieldMap = Mapping[str, Field]

HashingFunction = Callable[[Any], Hashable]

Config = NamedTuple

__all__ = [
    "Config",
    "DataPoint",
    "DataPoints",
    "Field",
    "FieldMap",
    "HashingFunction",
]
