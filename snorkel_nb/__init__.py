"""snorkel_nb: Jupyter-native weak supervision (engine importable without Jupyter)."""

__version__ = "0.1.0"

from snorkel_nb.labeling.matrix import ABSTAIN  # noqa: E402

__all__ = ["ABSTAIN", "__version__"]
