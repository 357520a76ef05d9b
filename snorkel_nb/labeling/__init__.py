"""Labeling functions, appliers and LF analysis (Snorkel 0.9 compatible names).

The label models (``LabelModel``, ``DawidSkene``, ...) need torch and scipy,
which take seconds to import, so they are resolved lazily on first use
(PEP 562 ``__getattr__``); LFs, appliers and analysis import without them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from snorkel_nb.labeling.analysis import LFAnalysis
from snorkel_nb.labeling.apply import (
    ApplierMetadata,
    LFApplier,
    LFApplyError,
    LFErrorRecord,
    PandasLFApplier,
)
from snorkel_nb.labeling.builders import keyword_lf, lookup_lf, model_lf, regex_lf
from snorkel_nb.labeling.lf import (
    LabelingFunction,
    Preprocessor,
    labeling_function,
    preprocessor,
)
from snorkel_nb.labeling.matrix import ABSTAIN, check_label_matrix
from snorkel_nb.labeling.utils import filter_unlabeled_dataframe

_LAZY_MODEL_NAMES = (
    "DawidSkene",
    "LabelModel",
    "MajorityLabelVoter",
    "TripletLabelModel",
    "compare",
    "learn_structure",
)

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from snorkel_nb.labeling.model import (
        DawidSkene,
        LabelModel,
        MajorityLabelVoter,
        TripletLabelModel,
        compare,
        learn_structure,
    )


def __getattr__(name: str) -> Any:
    """Resolve a label-model name on first use (imports torch/scipy then)."""
    if name in _LAZY_MODEL_NAMES:
        model = importlib.import_module("snorkel_nb.labeling.model")
        value = getattr(model, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY_MODEL_NAMES))


__all__ = [
    "ABSTAIN",
    "ApplierMetadata",
    "LFApplier",
    "DawidSkene",
    "LabelModel",
    "TripletLabelModel",
    "compare",
    "learn_structure",
    "LFAnalysis",
    "LFApplyError",
    "LFErrorRecord",
    "PandasLFApplier",
    "LabelingFunction",
    "MajorityLabelVoter",
    "Preprocessor",
    "check_label_matrix",
    "filter_unlabeled_dataframe",
    "keyword_lf",
    "lookup_lf",
    "model_lf",
    "regex_lf",
    "labeling_function",
    "preprocessor",
]
