"""Augmentation policies (deterministic in ``core``, random in ``sampling``)."""

from snorkel_nb.augmentation.policy.core import (
    ApplyAllPolicy,
    ApplyEachPolicy,
    ApplyOnePolicy,
    Policy,
)
from snorkel_nb.augmentation.policy.sampling import MeanFieldPolicy, RandomPolicy

__all__ = [
    "ApplyAllPolicy",
    "ApplyEachPolicy",
    "ApplyOnePolicy",
    "MeanFieldPolicy",
    "Policy",
    "RandomPolicy",
]
