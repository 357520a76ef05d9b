"""SFs over spaCy ``Doc`` objects (optional ``[nlp]`` extra); see ``lf.nlp``."""

from __future__ import annotations

from snorkel_nb.labeling.lf.nlp import (
    BaseNLPLabelingFunction,
    base_nlp_labeling_function,
)


class NLPSlicingFunction(BaseNLPLabelingFunction):
    """An SF reading ``x.doc``, a spaCy ``Doc`` of ``x.text`` (shared parser)."""


class nlp_slicing_function(base_nlp_labeling_function):
    """Decorator making an :class:`NLPSlicingFunction` from ``f(x) -> bool``."""

    _lf_cls = NLPSlicingFunction
