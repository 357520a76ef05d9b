"""Label conversions shared across snorkel_nb (Snorkel 0.9 ``snorkel.utils`` names)."""

from snorkel_nb.utils.core import (
    filter_labels,
    preds_to_probs,
    probs_to_preds,
    to_int_label_array,
)

__all__ = ["filter_labels", "preds_to_probs", "probs_to_preds", "to_int_label_array"]
