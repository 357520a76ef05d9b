"""Edit distance against a naive implementation; token parsing; features."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from snorkel_nb.exhaust import (
    ArchFeaturizer,
    EditCosts,
    edit_distance,
    edit_distance_matrix,
    parse_arch,
    parse_token,
)

TOKENS = [
    "C(64,3,1)",
    "C(128,3,1)",
    "C(64,5,1)",
    "P(2,2)",
    "D(1,3)",
    "SM(10)",
    "relu",
    "FC(512)",
]


def naive(a, b, sub, ins):
    d = [[0.0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for j in range(1, len(b) + 1):
        d[0][j] = d[0][j - 1] + ins(b[j - 1])
    for i in range(1, len(a) + 1):
        d[i][0] = d[i - 1][0] + ins(a[i - 1])
        for j in range(1, len(b) + 1):
            d[i][j] = min(
                d[i - 1][j] + ins(a[i - 1]),
                d[i][j - 1] + ins(b[j - 1]),
                d[i - 1][j - 1] + sub(a[i - 1], b[j - 1]),
            )
    return d[-1][-1]


archs = st.lists(st.lists(st.sampled_from(TOKENS), max_size=8), min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(archs, archs, st.booleans())
def test_matrix_matches_naive(qs, rs, weighted):
    costs = EditCosts.weighted({"D": 0.3}) if weighted else EditCosts.unit()
    vocab = sorted({t for s in qs + rs for t in s})
    sub, ins = costs.tables(vocab)
    ix = {t: i for i, t in enumerate(vocab)}
    got = edit_distance_matrix(qs, rs, costs=costs, max_cells=50)
    want = np.array(
        [
            [
                naive(a, b, lambda x, y: sub[ix[x], ix[y]], lambda x: ins[ix[x]])
                for b in rs
            ]
            for a in qs
        ]
    )
    np.testing.assert_allclose(got, want, atol=1e-4)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from(TOKENS), max_size=8),
    st.lists(st.sampled_from(TOKENS), max_size=8),
)
def test_unit_distance_is_levenshtein_and_symmetric(a, b):
    d = edit_distance(a, b)
    assert d == naive(a, b, lambda x, y: float(x != y), lambda x: 1.0)
    assert d == edit_distance(b, a)
    assert abs(len(a) - len(b)) <= d <= max(len(a), len(b))


def test_weighted_is_argument_aware():
    w = EditCosts.weighted()
    near = edit_distance(["C(64,3,1)"], ["C(128,3,1)"], w)
    far = edit_distance(["C(64,3,1)"], ["P(2,2)"], w)
    assert 0 < near < far <= 1


def test_parsing_forms():
    assert parse_arch("[C(64, 3,1), P(2,2), SM(10)]") == [
        "C(64,3,1)",
        "P(2,2)",
        "SM(10)",
    ]
    assert parse_arch([{"type": "Dense", "units": 10}, "relu"]) == ["Dense(10)", "relu"]
    assert parse_token("Conv2d(3,64,3)") == ("Conv2d", (3.0, 64.0, 3.0))
    assert parse_arch(None) == []


def test_featurizer_counts_and_ignores_unseen_types():
    f = ArchFeaturizer().fit([["C(64,3,1)", "P(2,2)"]])
    x = f.transform([["C(64,3,1)", "C(128,5,1)", "Z(1)"]])
    assert x.loc[0, "depth"] == 3
    assert x.loc[0, "C_count"] == 2
    assert x.loc[0, "C_a0_max"] == 128
    assert "Z_count" not in x.columns
