"""Label models: learn LF accuracies without ground truth, output probabilistic labels.

The models need torch and scipy, which take seconds to import; LFs, appliers
and analysis do not. Names are therefore resolved lazily (PEP 562): the
submodule that defines a name is imported the first time the name is used,
so ``import snorkel_nb.labeling`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# public name -> submodule (relative to this package) that defines it
_LAZY = {
    "AbstainExcludedWarning": "base",
    "BaseLabeler": "base",
    "probs_to_preds": "base",
    "DegenerateFitWarning": "core",
    "FactorLabeler": "core",
    "FitOutcome": "core",
    "IdentifiabilityWarning": "core",
    "DawidSkene": "dawid_skene",
    "LabelModel": "label_model",
    "MajorityLabelVoter": "majority",
    "LabelStats": "stats",
    "MajorityClassVoter": "baselines",
    "RandomVoter": "baselines",
    "Comparison": "structure",
    "compare": "structure",
    "learn_structure": "structure",
    "SyntheticData": "synthetic",
    "generate_single_class": "synthetic",
    "generate_synthetic": "synthetic",
    "simulate_workers": "synthetic",
    "TripletLabelModel": "triplet",
}

__all__ = [
    "AbstainExcludedWarning",
    "BaseLabeler",
    "Comparison",
    "DawidSkene",
    "DegenerateFitWarning",
    "FactorLabeler",
    "FitOutcome",
    "IdentifiabilityWarning",
    "LabelModel",
    "LabelStats",
    "MajorityClassVoter",
    "MajorityLabelVoter",
    "RandomVoter",
    "SyntheticData",
    "TripletLabelModel",
    "compare",
    "generate_single_class",
    "generate_synthetic",
    "learn_structure",
    "probs_to_preds",
    "simulate_workers",
]
assert sorted(__all__) == sorted(_LAZY)

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from snorkel_nb.labeling.model.base import (
        AbstainExcludedWarning,
        BaseLabeler,
        probs_to_preds,
    )
    from snorkel_nb.labeling.model.baselines import MajorityClassVoter, RandomVoter
    from snorkel_nb.labeling.model.core import (
        DegenerateFitWarning,
        FactorLabeler,
        FitOutcome,
        IdentifiabilityWarning,
    )
    from snorkel_nb.labeling.model.dawid_skene import DawidSkene
    from snorkel_nb.labeling.model.label_model import LabelModel
    from snorkel_nb.labeling.model.majority import MajorityLabelVoter
    from snorkel_nb.labeling.model.stats import LabelStats
    from snorkel_nb.labeling.model.structure import (
        Comparison,
        compare,
        learn_structure,
    )
    from snorkel_nb.labeling.model.synthetic import (
        SyntheticData,
        generate_single_class,
        generate_synthetic,
        simulate_workers,
    )
    from snorkel_nb.labeling.model.triplet import TripletLabelModel


def __getattr__(name: str) -> Any:
    """Import the submodule defining ``name`` on first use (PEP 562)."""
    sub = _LAZY.get(name)
    if sub is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{sub}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
