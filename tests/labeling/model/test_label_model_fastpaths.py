"""The guard's vectorised paths agree with their definitions."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from snorkel_nb.labeling.model import LabelModel, generate_synthetic
from snorkel_nb.labeling.model import guard
from snorkel_nb.labeling.model.stats import LabelStats


def _mv_agreement_by_definition(pats, w, k):
    """Per LF and row: the others' vote counts, their unique argmax, agreement."""
    m = pats.shape[1]
    agree, tot = np.zeros(m), np.zeros(m)
    for r, row in enumerate(pats):
        for j, v in enumerate(row):
            if v < 0:
                continue
            others = np.bincount(np.delete(row, j)[np.delete(row, j) >= 0], minlength=k)
            if others.max() == 0 or (others == others.max()).sum() > 1:
                continue
            tot[j] += w[r]
            agree[j] += w[r] * (others.argmax() == v)
    with np.errstate(invalid="ignore"):
        return np.where(tot > 0, agree / tot, np.nan), tot


@pytest.mark.parametrize("k", [2, 3, 5])
def test_mv_agreement_matches_its_definition(k):
    rng = np.random.default_rng(k)
    pats = rng.integers(0, k, (400, 7))
    pats[rng.random(pats.shape) < 0.5] = -1
    w = rng.random(400)
    got, got_tot = guard.mv_agreement(pats, w, k, return_totals=True)
    want, want_tot = _mv_agreement_by_definition(pats, w, k)
    assert np.array_equal(np.isnan(got), np.isnan(want))
    assert np.allclose(np.nan_to_num(got), np.nan_to_num(want))
    assert np.allclose(got_tot, want_tot)


@pytest.mark.parametrize("k", [2, 3])
def test_vectorised_held_out_test_matches_the_per_lf_loop(k, monkeypatch):
    d = generate_synthetic(n=3000, m=8, k=k, seed=1)
    stats = LabelStats.from_matrix(d.L, k)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = LabelModel(k, guard=False).fit(d.L)
        moments = LabelModel(k, guard=False, em_steps=0).fit(d.L)
    fast = [
        guard.loo_gain_over_mv(fit, stats),
        guard.loo_gain_over_mv(fit, stats, baseline=moments),
    ]
    monkeypatch.setattr(guard, "_loo_singletons", None)
    monkeypatch.setattr(guard, "all", lambda it: False, raising=False)
    loop = [
        guard.loo_gain_over_mv(fit, stats),
        guard.loo_gain_over_mv(fit, stats, baseline=moments),
    ]
    assert fast[0][0] > 0  # the fit beats majority vote here (a real signal)
    assert np.allclose(fast, loop, rtol=1e-9, atol=1e-12)
