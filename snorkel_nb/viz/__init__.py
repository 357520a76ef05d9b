"""Altair chart builders for LF and label-model views (tidy DataFrame in, chart out)."""

from snorkel_nb.viz.charts import (
    COLORS,
    MAX_LFS,
    accuracy_scatter,
    calibration,
    class_balance,
    coverage_bars,
    dependency_graph,
    enable_offline,
    heatmap,
    prob_histogram,
    top_k_lfs,
)

__all__ = [
    "COLORS",
    "MAX_LFS",
    "accuracy_scatter",
    "calibration",
    "class_balance",
    "coverage_bars",
    "dependency_graph",
    "enable_offline",
    "heatmap",
    "prob_histogram",
    "top_k_lfs",
]
