"""Scorer for classification tasks: :class:`snorkel_nb.analysis.Scorer` itself.

Why a module here: Snorkel's classification tasks are scored by
``snorkel.analysis.Scorer``; this path keeps ``snorkel_nb.classification``'s
imports short while there is one Scorer implementation (metrics, abstain
filtering, ``score_slices``) in the package.
"""

from snorkel_nb.analysis.scorer import Scorer

__all__ = ["Scorer"]
