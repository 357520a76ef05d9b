"""Fitting from summable statistics: LabelModel with vote_sets and
MultiTaskLabelModel, on statistics summed over row chunks == the fit on L."""

import warnings

import numpy as np
import pytest

from snorkel_nb.labeling.model import LabelModel, LabelStats
from snorkel_nb.multitask.label_model import MultiTaskLabelModel
from snorkel_nb.multitask.synthetic import generate_hierarchical


def _chunks(n: int) -> list[slice]:
    return [slice(0, n // 3), slice(n // 3, 2 * n // 3), slice(2 * n // 3, n)]


def test_vote_sets_fit_on_chunk_summed_stats_equals_fit_on_L():
    rng = np.random.default_rng(0)
    n, k = 2400, 6
    y = rng.integers(0, k, n)
    coarse = np.arange(k) // 2  # 3 coarse votes under 6 latent classes
    vs, cols = [], []
    for j in range(8):
        V = (
            (coarse[None, :] == np.arange(3)[:, None])
            if j % 2
            else np.eye(k, dtype=bool)
        )
        truth = coarse[y] if j % 2 else y
        wrong = rng.integers(0, V.shape[0], n)
        vote = np.where(rng.random(n) < 0.75, truth, wrong)
        cols.append(np.where(rng.random(n) < 0.6, vote, -1))
        vs.append(V)
    L = np.stack(cols, 1).astype(np.int8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = LabelModel(k).fit(L, vote_sets=vs)
        parts = [LabelStats.from_matrix(L[s], k) for s in _chunks(n)]
        summed = parts[0] + parts[1] + parts[2]
        chunked = LabelModel(k).fit_stats(summed, vote_sets=vs)
        via_fit = LabelModel(k).fit(summed, vote_sets=vs)
    P = full.predict_proba(L)
    np.testing.assert_allclose(chunked.predict_proba(L), P, atol=1e-8)
    np.testing.assert_allclose(via_fit.predict_proba(L), P, atol=1e-8)
    assert (P.argmax(1) == y).mean() > 0.8


def test_vote_sets_stats_errors_name_the_problem():
    L = np.array([[0, 1], [1, -1], [0, 0]], dtype=np.int8)
    vs = [np.eye(2, dtype=bool), np.array([[True, False]])]
    st = LabelStats.from_matrix(L, 2)
    with pytest.raises(ValueError, match=r"LF 1 casts vote 1, outside"):
        LabelModel(2).fit_stats(st, vote_sets=vs)
    with pytest.raises(ValueError, match="vote cardinality"):
        LabelModel(2).fit_stats(LabelStats.from_matrix(L, 3), vote_sets=vs)


def test_multitask_fit_stats_over_chunks_equals_fit():
    d = generate_hierarchical(n=3000, seed=0)
    n = d.L[d.graph.tasks[0]].shape[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = MultiTaskLabelModel(d.graph).fit(d.L)
        mt = MultiTaskLabelModel(d.graph)
        alpha = mt.alphabets(d.L)
        per_chunk = [
            mt.stats({t: M[s] for t, M in d.L.items()}, alpha) for s in _chunks(n)
        ]
        summed = [a + b + c for a, b, c in zip(*per_chunk)]
        cols = {t: M.shape[1] for t, M in d.L.items()}
        mt.fit_stats(summed, alpha, cols)
    P, Q = full.predict_proba(d.L), mt.predict_proba(d.L)
    for t in d.graph.tasks:
        np.testing.assert_allclose(Q[t], P[t], atol=1e-8)
    with pytest.raises(ValueError, match="connected components"):
        MultiTaskLabelModel(d.graph).fit_stats(summed[:0], alpha, cols)
