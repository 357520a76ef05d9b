import numpy as np
import pytest
import scipy.sparse as sp

from snorkel_nb.labeling.matrix import (
    check_gold,
    check_label_matrix,
    infer_cardinality,
    one_hot,
)


def test_accepts_lists_and_keeps_int8_without_copy():
    L = np.array([[0, -1], [1, 1]], dtype=np.int8)
    out = check_label_matrix(L, cardinality=2)
    assert out is L
    assert check_label_matrix([[0, -1], [1, 1]]).tolist() == [[0, -1], [1, 1]]


def test_float_integers_are_converted():
    out = check_label_matrix(np.array([[0.0, -1.0], [1.0, 2.0]]))
    assert out.dtype.kind == "i"
    assert out.tolist() == [[0, -1], [1, 2]]


def test_sparse_plus_one_convention_and_explicit_minus_one():
    S = sp.csr_matrix(np.array([[1, 0], [2, 1]]))  # stored = label + 1
    assert check_label_matrix(S).tolist() == [[0, -1], [1, 0]]
    S2 = sp.coo_matrix(
        (np.array([-1, 1]), (np.array([0, 1]), np.array([0, 1]))), shape=(2, 2)
    )
    assert check_label_matrix(S2).tolist() == [[-1, -1], [-1, 1]]


@pytest.mark.parametrize(
    "L, match",
    [
        ([[0, 2]], r"label 2 at row 0, column 1, outside 0\.\.1"),
        ([[0, np.nan], [0, 1]], r"NaN .* row 0, column 1"),
        ([[0, 0], [-2, 0]], r"value -2 at row 1, column 0"),
        (np.zeros((0, 3)), "empty"),
        ([1, 0], "2-dimensional"),
        ([[0.5, 1]], "non-integer value"),
        ([[True, False]], "bool"),
        ([["a", "b"]], "non-numeric"),
        (np.zeros((3, 0)), "0 columns"),
        (None, "None"),
    ],
)
def test_bad_input_says_what_and_where(L, match):
    with pytest.raises(ValueError, match=match):
        check_label_matrix(L, cardinality=2)


def test_wrong_number_of_lfs():
    with pytest.raises(ValueError, match="3 columns but 2 LFs"):
        check_label_matrix(np.zeros((2, 3), dtype=int), n_lfs=2)


def test_allow_empty():
    assert check_label_matrix(np.zeros((0, 2), dtype=int), allow_empty=True).shape == (
        0,
        2,
    )


def test_gold_checks():
    assert check_gold([0, 1, -1], 3, 2).tolist() == [0, 1, -1]
    with pytest.raises(ValueError, match="2 labels but the label matrix has 3"):
        check_gold([0, 1], 3)
    with pytest.raises(ValueError, match="label 5 at index 1"):
        check_gold([0, 5], 2, 2)


def test_one_hot_and_cardinality():
    L = np.array([[0, -1], [1, 1]])
    O = one_hot(L, 2).toarray()
    assert O.tolist() == [[1, 0, 0, 0], [0, 1, 0, 1]]
    assert infer_cardinality(L) == 2
    assert infer_cardinality(L, np.array([3])) == 4
