"""filter_unlabeled_dataframe: drop the rows no LF voted on (Snorkel 0.9 name)."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from snorkel_nb.datasets import load_youtube
from snorkel_nb.labeling import (
    MajorityLabelVoter,
    PandasLFApplier,
    filter_unlabeled_dataframe,
    keyword_lf,
)


def test_hand_computed_rows_and_index_are_kept():
    X = pd.DataFrame({"text": list("abcd")}, index=[10, 11, 12, 13])
    L = np.array([[-1, -1], [1, -1], [-1, -1], [0, 0]])
    y = np.array([0, 1, 0, 0])
    X_kept, y_kept = filter_unlabeled_dataframe(X, y, L)
    assert X_kept.index.tolist() == [11, 13]
    assert X_kept["text"].tolist() == ["b", "d"]
    assert y_kept.tolist() == [1, 0]
    # the same matrix in Snorkel's sparse convention (stored = label + 1)
    X_sp, y_sp = filter_unlabeled_dataframe(X, y, sp.csr_matrix(L + 1))
    assert X_sp.index.tolist() == [11, 13] and y_sp.tolist() == [1, 0]


def test_on_youtube_every_kept_row_has_a_vote_and_none_is_lost():
    train, _, _ = load_youtube()
    lfs = [keyword_lf(["subscribe", "channel"], 1), keyword_lf(["song", "love"], 0)]
    L = PandasLFApplier(lfs).apply(train)
    probs = MajorityLabelVoter().predict_proba(L)
    X_kept, p_kept = filter_unlabeled_dataframe(train, probs, L)
    covered = (L >= 0).any(1)
    assert 0 < len(X_kept) == covered.sum() < len(train)
    assert X_kept.index.equals(train.index[covered])
    np.testing.assert_array_equal(p_kept, probs[covered])
    # the dropped rows are exactly the ones majority vote could only tie
    assert np.allclose(probs[~covered], 0.5)


def test_numpy_data_and_all_abstain_matrix():
    X = np.arange(6).reshape(3, 2)
    L = np.full((3, 4), -1)
    X_kept, y_kept = filter_unlabeled_dataframe(X, np.zeros((3, 2)), L)
    assert X_kept.shape == (0, 2) and y_kept.shape == (0, 2)


ONE, TWO = pd.DataFrame({"a": [1]}), pd.DataFrame({"a": [1, 2]})
VOTES1, VOTES3 = np.zeros((1, 1), int), np.zeros((3, 1), int)


@pytest.mark.parametrize(
    "X, y, L, match",
    [
        (TWO, np.zeros(3), VOTES3, "X has 2"),
        (TWO, np.zeros(2), VOTES3, "L has 3"),
        (ONE, np.zeros((1, 2, 2)), VOTES1, "y must"),
        (ONE, np.zeros(1), np.array([[-2]]), "L"),
    ],
)
def test_bad_input_is_named(X, y, L, match):
    with pytest.raises(ValueError, match=match):
        filter_unlabeled_dataframe(X, y, L)
