"""Developer exhaust: predict untrained models' performance from past training logs."""

from snorkel_nb.exhaust.arch import (
    ArchFeaturizer,
    EditCosts,
    edit_distance,
    edit_distance_matrix,
    parse_arch,
    parse_token,
)
from snorkel_nb.exhaust.datasets import (
    find_shared_data,
    fixture_logs_dir,
    load_accel_nasbench,
    load_metaqnn,
)
from snorkel_nb.exhaust.logs import (
    LogParseWarning,
    LogPattern,
    make_runs_table,
    read_keras_csv,
    read_lightning_csv,
    read_logs,
    read_text_log,
    read_wide_csv,
)
from snorkel_nb.exhaust.predictors import (
    TARGETS,
    BoostedPredictor,
    ClosestLayersPredictor,
    EditDistanceKNN,
    EnsemblePredictor,
    ExhaustPredictor,
    KernelPredictor,
    LSTMPredictor,
    default_predictors,
    target_values,
)
from snorkel_nb.exhaust.search import cross_val_predict, search_models, top_k_overlap

__all__ = [
    "TARGETS",
    "ArchFeaturizer",
    "BoostedPredictor",
    "ClosestLayersPredictor",
    "EditCosts",
    "EditDistanceKNN",
    "EnsemblePredictor",
    "ExhaustPredictor",
    "KernelPredictor",
    "LSTMPredictor",
    "LogParseWarning",
    "LogPattern",
    "cross_val_predict",
    "default_predictors",
    "edit_distance",
    "edit_distance_matrix",
    "find_shared_data",
    "fixture_logs_dir",
    "load_accel_nasbench",
    "load_metaqnn",
    "make_runs_table",
    "parse_arch",
    "parse_token",
    "read_keras_csv",
    "read_lightning_csv",
    "read_logs",
    "read_text_log",
    "read_wide_csv",
    "search_models",
    "target_values",
    "top_k_overlap",
]
