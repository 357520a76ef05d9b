"""Label models: learn LF accuracies without ground truth, output probabilistic labels."""

from snorkel_nb.labeling.model.base import BaseLabeler, probs_to_preds
from snorkel_nb.labeling.model.baselines import MajorityClassVoter, RandomVoter
from snorkel_nb.labeling.model.core import (
    DegenerateFitWarning,
    FactorLabeler,
    IdentifiabilityWarning,
)
from snorkel_nb.labeling.model.dawid_skene import DawidSkene
from snorkel_nb.labeling.model.label_model import LabelModel
from snorkel_nb.labeling.model.majority import MajorityLabelVoter
from snorkel_nb.labeling.model.stats import LabelStats
from snorkel_nb.labeling.model.structure import Comparison, compare, learn_structure
from snorkel_nb.labeling.model.synthetic import (
    SyntheticData,
    generate_single_class,
    generate_synthetic,
    simulate_workers,
)
from snorkel_nb.labeling.model.triplet import TripletLabelModel

__all__ = [
    "BaseLabeler",
    "DawidSkene",
    "DegenerateFitWarning",
    "FactorLabeler",
    "IdentifiabilityWarning",
    "LabelModel",
    "LabelStats",
    "MajorityClassVoter",
    "MajorityLabelVoter",
    "RandomVoter",
    "SyntheticData",
    "Comparison",
    "compare",
    "learn_structure",
    "TripletLabelModel",
    "generate_single_class",
    "generate_synthetic",
    "simulate_workers",
    "probs_to_preds",
]
