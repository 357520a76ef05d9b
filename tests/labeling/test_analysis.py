import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from snorkel_nb.labeling import LFAnalysis

# 5 points x 3 LFs, hand-checked below
L = np.array(
    [
        [0, 0, -1],
        [1, 0, -1],
        [-1, 1, 1],
        [-1, -1, -1],
        [1, -1, 0],
    ]
)
Y = np.array([0, 1, 1, 0, 1])


def test_hand_computed_summary():
    s = LFAnalysis(L, ["a", "b", "c"]).lf_summary(Y)
    assert s.index.tolist() == ["a", "b", "c"]
    assert s["Polarity"].tolist() == [[0, 1], [0, 1], [0, 1]]
    assert s["Coverage"].tolist() == [3 / 5, 3 / 5, 2 / 5]
    # a overlaps on rows 0, 1, 4; b on 0, 1, 2; c on 2, 4
    assert s["Overlaps"].tolist() == [3 / 5, 3 / 5, 2 / 5]
    # conflicts: row 1 (a=1,b=0), row 4 (a=1,c=0); row 2 b=c agree
    assert s["Conflicts"].tolist() == [2 / 5, 1 / 5, 1 / 5]
    assert s["Correct"].tolist() == [3, 2, 1]
    assert s["Incorrect"].tolist() == [0, 1, 1]
    assert s["Emp. Acc."].tolist() == pytest.approx([1.0, 2 / 3, 0.5])


def test_label_level_stats():
    a = LFAnalysis(L)
    assert a.label_coverage() == 4 / 5
    assert a.label_overlap() == 4 / 5
    assert a.label_conflict() == 2 / 5


def test_pairwise_matrices_hand_computed():
    a = LFAnalysis(L, ["a", "b", "c"])
    assert a.overlap_matrix().tolist() == [[3, 2, 1], [2, 3, 1], [1, 1, 2]]
    assert a.conflict_matrix().tolist() == [[0, 1, 1], [1, 0, 0], [1, 0, 0]]
    tidy = a.pairwise_conflicts()
    assert list(tidy.columns) == ["lf_a", "lf_b", "count", "value", "kind"]
    row = tidy[(tidy.lf_a == "a") & (tidy.lf_b == "c")].iloc[0]
    assert row["count"] == 1 and row["value"] == pytest.approx(1 / 5)
    assert a.pair_points("a", "b", "overlap").tolist() == [0, 1]
    assert a.pair_points("a", "b", "conflict").tolist() == [1]
    with pytest.raises(KeyError, match="no LF named"):
        a.pair_points("a", "zzz")


def test_gold_with_unknowns_and_weights():
    Yp = Y.copy()
    Yp[1] = -1  # unknown gold is skipped
    s = LFAnalysis(L).lf_summary(Yp, est_weights=[0.9, 0.8, 0.7])
    assert s["Correct"].tolist() == [2, 2, 1] and s["Incorrect"].tolist() == [0, 0, 1]
    assert s["Learned Weight"].tolist() == [0.9, 0.8, 0.7]


def test_lf_that_never_votes_has_zero_accuracy_as_snorkel_or_nan_on_request():
    Lz = np.array([[0, -1], [1, -1]])
    s = LFAnalysis(Lz).lf_summary([0, 1])
    assert s["Coverage"].tolist() == [1.0, 0.0]
    assert s["Emp. Acc."].iloc[1] == 0.0 and s["Correct"].iloc[1] == 0
    acc = LFAnalysis(Lz).lf_empirical_accuracies([0, 1], zero_coverage=np.nan)
    assert acc[0] == 1.0 and np.isnan(acc[1])


def test_summary_without_lfs_has_snorkels_shape():
    s = LFAnalysis(L).lf_summary(Y)
    assert list(s.index) == [0, 1, 2] and "j" not in s.columns
    assert list(s.columns) == [
        "Polarity",
        "Coverage",
        "Overlaps",
        "Conflicts",
        "Correct",
        "Incorrect",
        "Emp. Acc.",
    ]
    named = LFAnalysis(L, ["a", "b", "c"]).lf_summary()
    assert list(named.index) == ["a", "b", "c"] and named["j"].tolist() == [0, 1, 2]


def test_bad_inputs():
    with pytest.raises(ValueError, match="3 columns but 2 LFs"):
        LFAnalysis(L, ["a", "b"])
    with pytest.raises(ValueError, match="labels but the label matrix has 5"):
        LFAnalysis(L).lf_summary([0, 1])
    with pytest.raises(ValueError, match="empty"):
        LFAnalysis(np.zeros((0, 3), dtype=int))


def naive(L, Y):
    n, m = L.shape
    cov, ovl, con, cor, inc = (np.zeros(m) for _ in range(5))
    pair_both = np.zeros((m, m))
    pair_conf = np.zeros((m, m))
    for i in range(n):
        for j in range(m):
            if L[i, j] == -1:
                continue
            cov[j] += 1
            others = [L[i, l] for l in range(m) if l != j and L[i, l] != -1]
            ovl[j] += bool(others)
            con[j] += any(o != L[i, j] for o in others)
            if Y[i] != -1:
                cor[j] += L[i, j] == Y[i]
                inc[j] += L[i, j] != Y[i]
            for l in range(m):
                if L[i, l] != -1:
                    pair_both[j, l] += 1
                    pair_conf[j, l] += L[i, l] != L[i, j]
    return cov / n, ovl / n, con / n, cor, inc, pair_both, pair_conf


@settings(max_examples=60, deadline=None)
@given(
    arrays(
        np.int64,
        st.tuples(st.integers(1, 25), st.integers(1, 6)),
        elements=st.integers(-1, 3),
    ),
    st.data(),
)
def test_summary_matches_naive_loops(Lh, data):
    n = Lh.shape[0]
    Yh = np.array(data.draw(st.lists(st.integers(-1, 3), min_size=n, max_size=n)))
    a = LFAnalysis(Lh)
    s = a.lf_summary(Yh)
    cov, ovl, con, cor, inc, both, conf = naive(Lh, Yh)
    np.testing.assert_allclose(s["Coverage"], cov)
    np.testing.assert_allclose(s["Overlaps"], ovl)
    np.testing.assert_allclose(s["Conflicts"], con)
    np.testing.assert_allclose(s["Correct"], cor)
    np.testing.assert_allclose(s["Incorrect"], inc)
    np.testing.assert_allclose(a.overlap_matrix(), both)
    np.testing.assert_allclose(a.conflict_matrix(), conf)
