"""Model scoring and error analysis (Snorkel 0.9 ``snorkel.analysis`` names)."""

from snorkel_nb.analysis.error_analysis import get_label_buckets, get_label_instances
from snorkel_nb.analysis.metrics import METRICS, metric_score
from snorkel_nb.analysis.scorer import Scorer

__all__ = [
    "METRICS",
    "Scorer",
    "get_label_buckets",
    "get_label_instances",
    "metric_score",
]
