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
from snorkel_nb.exhaust.features import (
    CurveBase,
    FeatureNotice,
    StructuredFeaturizer,
    curve_features,
    extrapolate,
    feature_columns,
)
from snorkel_nb.exhaust.layers import decode_literal, parse_layers
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
from snorkel_nb.exhaust.models import (
    CurveFitPredictor,
    SimpleGBRPredictor,
    StructuredBoostedPredictor,
)
from snorkel_nb.exhaust.recommend import (
    RecommendedPredictor,
    default_candidates,
    recommend_predictor,
)
from snorkel_nb.exhaust.synthetic import synthetic_cnn_runs, write_synthetic_logs
from snorkel_nb.exhaust.search import (
    budget_regret,
    cross_val_predict,
    search_models,
    top_k_overlap,
)

__all__ = [
    "TARGETS",
    "ArchFeaturizer",
    "BoostedPredictor",
    "ClosestLayersPredictor",
    "CurveBase",
    "CurveFitPredictor",
    "EditCosts",
    "EditDistanceKNN",
    "EnsemblePredictor",
    "ExhaustPredictor",
    "FeatureNotice",
    "KernelPredictor",
    "LSTMPredictor",
    "LogParseWarning",
    "LogPattern",
    "RecommendedPredictor",
    "SimpleGBRPredictor",
    "StructuredBoostedPredictor",
    "StructuredFeaturizer",
    "budget_regret",
    "cross_val_predict",
    "curve_features",
    "decode_literal",
    "default_candidates",
    "default_predictors",
    "edit_distance",
    "edit_distance_matrix",
    "extrapolate",
    "feature_columns",
    "find_shared_data",
    "fixture_logs_dir",
    "load_accel_nasbench",
    "load_metaqnn",
    "make_runs_table",
    "parse_arch",
    "parse_layers",
    "parse_token",
    "read_keras_csv",
    "read_lightning_csv",
    "read_logs",
    "read_text_log",
    "read_wide_csv",
    "recommend_predictor",
    "search_models",
    "synthetic_cnn_runs",
    "target_values",
    "top_k_overlap",
    "write_synthetic_logs",
]
