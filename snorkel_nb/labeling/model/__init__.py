"""Label models: learn LF accuracies without ground truth, output probabilistic labels."""

from snorkel_nb.labeling.model.base import BaseLabeler, probs_to_preds
from snorkel_nb.labeling.model.majority import MajorityLabelVoter

__all__ = ["BaseLabeler", "MajorityLabelVoter", "probs_to_preds"]
