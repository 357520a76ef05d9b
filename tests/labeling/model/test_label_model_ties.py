"""After a fallback to majority vote (or to its decisions with the fit's
tie-breaks), predict gives no -1 on rows with votes."""

from __future__ import annotations

import warnings

import numpy as np

from snorkel_nb.labeling.model import (
    LabelModel,
    MajorityLabelVoter,
    generate_synthetic,
    simulate_workers,
)
from snorkel_nb.labeling.model.base import probs_to_preds


def _fit(L, k, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return LabelModel(cardinality=k, **kw).fit(L)


def _fallback_case(n=2000, k=3, seed=1):
    """One single-class LF per class, off-target rates not shared: the fit
    cannot be checked and the guard falls back to majority vote, whose ties
    (two LFs of different classes) are the case under test."""
    rng = np.random.default_rng(seed)
    Y = rng.integers(0, k, n)
    L = np.full((n, k), -1, dtype=np.int8)
    for j in range(k):
        L[rng.random(n) < np.where(Y == j, 0.6, 0.15), j] = j
    lm = _fit(L, k, share_off_target=False)
    return L, Y, lm


def test_fallback_breaks_voted_ties_and_keeps_minus_one_for_empty_rows():
    L, _, lm = _fallback_case()
    assert lm.fit_report_["action"].startswith("fell back")  # the case under test
    P = lm.predict_proba(L)
    voted = (L >= 0).any(1)
    tied = (np.abs(P - P.max(1, keepdims=True)) < 1e-5).sum(1) > 1
    assert (tied & voted).sum() > 50  # majority vote's structural ties are there
    pred = lm.predict(L)
    assert (pred[voted] >= 0).all()
    assert (pred[~voted] == -1).all()
    # elsewhere the "abstain" policy is unchanged: untied rows keep the argmax,
    # tied ones take exactly the "random" policy's choice
    assert np.array_equal(pred[voted & ~tied], P.argmax(1)[voted & ~tied])
    assert np.array_equal(pred[voted & tied], probs_to_preds(P, "random")[voted & tied])


def test_no_minus_one_on_voted_rows_with_simulated_workers():
    rng = np.random.default_rng(0)
    Y = rng.integers(0, 3, 1500)
    L = simulate_workers(Y, cardinality=3, n_workers=30, per_item=5, seed=0)
    lm = _fit(L, 3)
    pred = lm.predict(L)
    voted = (L >= 0).any(1)
    assert (pred[voted] >= 0).all()
    assert (pred[voted] == Y[voted]).mean() > 0.7  # and the labels are real


def test_fit_report_outcome_is_a_code():
    from snorkel_nb.labeling.model import FitOutcome

    assert _fallback_case()[2].fit_report_["outcome"] == FitOutcome.MAJORITY_VOTE
    # crowd-like votes whose fit is sound but not significantly better than
    # majority vote (per-class abstention rates here): its decisions, the
    # fit's tie-breaks
    d = generate_synthetic(n=2000, m=5, k=2, seed=2)
    lm = _fit(d.L, 2, abstain="class")
    assert lm.fit_report_["outcome"] == FitOutcome.TIE_BREAK
    mv = MajorityLabelVoter(2).predict(d.L, tie_break_policy="random")
    ours = lm.predict(d.L, tie_break_policy="random")
    assert (ours == d.Y).mean() > (mv == d.Y).mean()
    d = generate_synthetic(n=5000, m=10, k=2, seed=0)
    lm = _fit(d.L, 2)
    assert lm.fit_report_["action"] is None
    assert lm.fit_report_["outcome"] == FitOutcome.FIT == "fit"


def test_chunked_predict_with_row_offset_equals_one_predict():
    # the tie choice depends on the row's position; predicting chunk by chunk
    # (as the Dask pipeline does per partition) with each chunk's offset must
    # give the labels of one prediction over all rows
    L, _, lm = _fallback_case()
    whole = lm.predict(L)
    cuts = [0, 333, 1000, 1517, 2000]
    chunks = [lm.predict(L[a:b], row_offset=a) for a, b in zip(cuts, cuts[1:])]
    assert np.array_equal(np.concatenate(chunks), whole)
    # without the offset the chunks' tie choices differ somewhere
    naive = np.concatenate([lm.predict(L[a:b]) for a, b in zip(cuts, cuts[1:])])
    assert not np.array_equal(naive, whole)
    P = lm.predict_proba(L)
    assert np.array_equal(
        probs_to_preds(P[1000:], "random", row_offset=1000),
        probs_to_preds(P, "random")[1000:],
    )
