"""LF appliers, one module per backend (Snorkel's layout).

``core`` holds the shared logic and :class:`LFApplier` (lists and arrays),
``pandas`` the :class:`PandasLFApplier`, and ``dask`` the ``DaskLFApplier``
(imported from :mod:`snorkel_nb.labeling.apply.dask` only, so that dask stays
an optional dependency).
"""

from snorkel_nb.labeling.apply.core import (
    ApplierMetadata,
    BaseLFApplier,
    LFApplier,
    LFApplyError,
    LFErrorRecord,
    MutableRow,
    row_type,
)
from snorkel_nb.labeling.apply.pandas import PandasLFApplier

__all__ = [
    "ApplierMetadata",
    "BaseLFApplier",
    "LFApplier",
    "LFApplyError",
    "LFErrorRecord",
    "MutableRow",
    "PandasLFApplier",
    "row_type",
]
