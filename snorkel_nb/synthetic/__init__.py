"""Synthetic label matrices with known LF parameters (Snorkel 0.9 names)."""

from snorkel_nb.synthetic.synthetic_data import generate_simple_label_matrix

__all__ = ["generate_simple_label_matrix"]
