"""Natural-language explanations compiled into labeling functions.

In the style of Babble Labble.
"""

from snorkel_nb.labeling.explain.compiler import (
    Candidate,
    Explanation,
    ExplanationCompiler,
    ExplanationLF,
    explanation_lf,
    lf_from_spec,
)
from snorkel_nb.labeling.explain.filter_bank import FilterBank, FilterResult
from snorkel_nb.labeling.explain.grammar import (
    SUPPORTED_FORMS,
    ExplanationParseError,
    Parse,
    parse_explanation,
    tokenize,
)
from snorkel_nb.labeling.explain.predicates import (
    And,
    Contains,
    Count,
    EndsWith,
    Matches,
    Not,
    Or,
    Predicate,
    StartsWith,
    TextView,
    UpperRatio,
    Within,
    predicate_from_spec,
)

__all__ = [
    "SUPPORTED_FORMS",
    "And",
    "Candidate",
    "Contains",
    "Count",
    "EndsWith",
    "Explanation",
    "ExplanationCompiler",
    "ExplanationLF",
    "ExplanationParseError",
    "FilterBank",
    "FilterResult",
    "Matches",
    "Not",
    "Or",
    "Parse",
    "Predicate",
    "StartsWith",
    "TextView",
    "UpperRatio",
    "Within",
    "explanation_lf",
    "lf_from_spec",
    "parse_explanation",
    "predicate_from_spec",
    "tokenize",
]
