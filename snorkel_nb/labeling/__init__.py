"""Labeling functions, appliers and LF analysis (Snorkel 0.9 compatible names)."""

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
from snorkel_nb.labeling.model import (
    DawidSkene,
    LabelModel,
    MajorityLabelVoter,
    TripletLabelModel,
    compare,
    learn_structure,
)
from snorkel_nb.labeling.utils import filter_unlabeled_dataframe

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
