"""The cheap paths of ``fit_stats``: a pattern cap with a row sample drawn
from the patterns, the loose moment stop before a sampled EM polish, and the
EM's one-hot built in its transposed layout."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

from snorkel_nb.labeling.model import LabelModel, generate_synthetic
from snorkel_nb.labeling.model import core, label_model
from snorkel_nb.labeling.model.em import value_onehot_t
from snorkel_nb.labeling.model.factors import value_onehot
from snorkel_nb.labeling.model.stats import LabelStats


def _fit(stats, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return LabelModel(stats.cardinality).fit_stats(stats, **kw)


def test_row_sample_draws_patterns_in_proportion_to_their_counts():
    rng = np.random.default_rng(0)
    pats = np.array([[0, 0], [1, 1], [0, 1], [-1, 1]])
    freq = np.array([0.5, 0.3, 0.15, 0.05])
    L = pats[rng.choice(4, size=20000, p=freq)]
    s = LabelStats.from_matrix(L, 2).row_sample(1000)
    assert s.n == 1000 and s.overlap is not None
    got = {tuple(p): c for p, c in zip(s.patterns.tolist(), s.counts)}
    for p, f in zip(pats.tolist(), (L[:, None] == pats).all(2).mean(0)):
        # systematic sampling: each count within one row of n_rows * share
        assert abs(got[tuple(p)] - 1000 * f) <= 1.0
    again = LabelStats.from_matrix(L, 2).row_sample(1000)
    assert np.array_equal(again.counts, s.counts)  # deterministic


def test_row_sample_rejects_statistics_without_patterns():
    s = LabelStats.from_matrix(np.array([[0, 1]]), 2, patterns=False)
    with pytest.raises(ValueError, match="no patterns"):
        s.row_sample(10)
    with pytest.raises(ValueError, match="rows must be"):
        LabelStats.from_matrix(np.array([[0, 1]]), 2).row_sample(0)


def test_many_patterns_fit_on_a_row_sample_as_fit_L_does(monkeypatch):
    d = generate_synthetic(n=8000, m=30, k=2, seed=3)
    stats = LabelStats.from_matrix(d.L, 2)
    assert len(stats.counts) > 4000
    full = _fit(stats)
    assert "em_rows" not in full.fit_report_
    monkeypatch.setattr(core, "MAX_PATTERNS", 2000)
    monkeypatch.setattr(core, "SAMPLE_ROWS", 2000)
    capped = _fit(stats)
    assert capped.fit_report_["em_rows"] == 2000
    # the same as handing it the overlap matrix and that sample explicitly
    by_hand = _fit(stats.without_patterns(), _row_sample=stats.row_sample(2000))
    np.testing.assert_allclose(
        capped.predict_proba(d.L), by_hand.predict_proba(d.L), atol=1e-12
    )
    oracle = (d.oracle().predict(d.L) == d.Y).mean()
    for lm in (full, capped):
        assert (lm.predict(d.L, tie_break_policy="random") == d.Y).mean() > (
            oracle - 0.01
        )
    assert np.abs(capped.get_weights() - d.accuracies).max() < 0.05


def test_many_rows_with_few_patterns_keep_the_pattern_fit(monkeypatch):
    d = generate_synthetic(n=3000, m=4, k=3, seed=1)
    stats = LabelStats.from_matrix(d.L, 3)
    # more rows than the cap, but patterns on under a fifth of them
    monkeypatch.setattr(core, "MAX_PATTERNS", 1000)
    assert len(stats.counts) < 0.2 * stats.n
    assert "em_rows" not in _fit(stats).fit_report_


def test_loose_moment_stop_before_a_sampled_polish_keeps_the_fit(monkeypatch):
    d = generate_synthetic(n=60000, m=25, k=3, seed=2)
    stats = LabelStats.from_matrix(d.L, 3, patterns=False)
    sample = LabelStats.from_matrix(d.L[::6], 3, overlap=False)
    loose = _fit(stats, _row_sample=sample)
    monkeypatch.setattr(label_model, "SAMPLE_START_FTOL", label_model.MOMENT_FTOL)
    tight = _fit(stats, _row_sample=sample)
    assert loose.fit_report_["n_iter"] < tight.fit_report_["n_iter"]
    P, Q = loose.predict_proba(d.L[:5000]), tight.predict_proba(d.L[:5000])
    assert np.abs(P - Q).max() < 1e-3
    assert (P.argmax(1) == Q.argmax(1)).mean() > 0.999


@pytest.mark.parametrize("a", [1, 2, 4])
def test_transposed_onehot_equals_the_transpose(a):
    L = torch.randint(-1, a, (257, 7), dtype=torch.int8)
    expected = value_onehot(L, a, torch.float64).T
    assert torch.equal(value_onehot_t(L, a, torch.float64), expected)


def test_guard_on_a_cell_capped_subset(monkeypatch):
    from snorkel_nb.labeling.model import MajorityLabelVoter

    calls = []
    real = core.FactorLabeler._guard

    def spy(self, stats, gs, cb, deps):
        calls.append(len(gs.counts))
        return real(self, stats, gs, cb, deps)

    monkeypatch.setattr(core.FactorLabeler, "_guard", spy)
    good = generate_synthetic(n=6000, m=20, k=2, seed=0)  # the fit wins
    # every LF at chance: nothing beats majority vote
    bad = generate_synthetic(n=6000, m=20, k=2, accuracies=[0.5] * 20, seed=1)
    monkeypatch.setattr(core, "SAMPLE_ROWS", 1000)  # floor: 200 patterns
    for cells, most in ((10**9, None), (250 * 20, 500)):
        monkeypatch.setattr(core, "GUARD_CELLS", cells)
        fits = []
        for d in (good, bad):
            calls.clear()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fits.append(LabelModel(2, select=False).fit(d.L))
            if most is None:  # judged on all ~1200 patterns
                assert calls[0] > 1000
            else:  # on a strided 250-500 of them
                assert calls[0] <= most
        assert fits[0].fit_report_["outcome"] == "fit"
        mv = MajorityLabelVoter(2).predict(bad.L, tie_break_policy="random")
        ours = fits[1].predict(bad.L, tie_break_policy="random")
        assert (ours == bad.Y).mean() > (mv == bad.Y).mean() - 0.02
