"""An empty label matrix raises at every model entry point.

``score`` says what it covers.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from snorkel_nb.labeling import MajorityLabelVoter
from snorkel_nb.labeling.model import AbstainExcludedWarning, DawidSkene, LabelModel

EMPTY = np.zeros((0, 3), dtype=int)
L_SMALL = np.array([[1, 1, -1], [0, 0, 1], [0, 1, -1], [-1, -1, -1], [1, 1, 1]] * 4)
Y_SMALL = np.array([1, 0, 0, 1, 1] * 4)


def test_majority_predict_on_empty_matrix_raises():
    with pytest.raises(ValueError, match="0 rows"):
        MajorityLabelVoter().predict(EMPTY)
    with pytest.raises(ValueError, match="0 rows"):
        MajorityLabelVoter().predict_proba(EMPTY)
    with pytest.raises(ValueError, match="0 rows"):
        MajorityLabelVoter().score(EMPTY, np.zeros(0, int))


@pytest.mark.filterwarnings("ignore::UserWarning")  # the tiny fit may look degenerate
@pytest.mark.parametrize("cls", [LabelModel, DawidSkene])
def test_label_models_fit_predict_score_on_empty_matrix_raise(cls):
    with pytest.raises(ValueError, match="0 rows"):
        cls(cardinality=2).fit(EMPTY)
    model = cls(cardinality=2).fit(L_SMALL)
    with pytest.raises(ValueError, match="0 rows"):
        model.predict(EMPTY)
    with pytest.raises(ValueError, match="0 rows"):
        model.score(EMPTY, np.zeros(0, int))


def test_score_warns_once_with_the_points_it_left_out():
    # hand count per 5-row block: row 2 ties 0/1 and row 3 has no vote, so
    # rows 0 (1), 1 (0) and 4 (1) are scored, all right: 12 of 20, accuracy 1.
    mv = MajorityLabelVoter()
    with pytest.warns(AbstainExcludedWarning, match=r"on 12 of 20 points \(60.0%\)"):
        out = mv.score(L_SMALL, Y_SMALL)
    assert out == {"accuracy": 1.0}  # Snorkel's keys only
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mv.score(L_SMALL, Y_SMALL)  # once per model
        both = MajorityLabelVoter().score(
            L_SMALL, Y_SMALL, metrics=["accuracy", "coverage"]
        )
    assert both == {"accuracy": 1.0, "coverage": 0.6}


def test_score_does_not_warn_when_every_point_is_scored():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        MajorityLabelVoter().score(L_SMALL, Y_SMALL, tie_break_policy="random")
