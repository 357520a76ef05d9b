"""Per-LF vote alphabets: LFs over their own labels under a latent label set."""

from __future__ import annotations

import numpy as np
import pytest

from snorkel_nb.labeling.model import LabelModel, generate_synthetic


def _planted(n: int = 12000, seed: int = 0):
    """6 latent classes; every LF votes one of 3 labels, each label standing
    for a pair of latent classes (three different pairings), with planted
    accuracy and coverage."""
    rng = np.random.default_rng(seed)
    k = 6
    y = np.arange(k)
    parts = [y // 2, y % 3, (y + 1) % 6 // 2, y // 2, y % 3, (y + 1) % 6 // 2, y % 3]
    prior = rng.dirichlet(np.full(k, 5.0))
    Y = rng.choice(k, n, p=prior)
    T = np.zeros((len(parts), 4, k))
    vote_sets, cols = [], []
    for j, p in enumerate(parts):
        acc, cov = rng.uniform(0.65, 0.9), rng.uniform(0.5, 0.9)
        V = np.zeros((3, k), bool)
        V[p, y] = True
        vote_sets.append(V)
        T[j, 0] = 1 - cov
        for v in range(3):
            T[j, v + 1] = cov * np.where(p == v, acc, (1 - acc) / 2)
        cum = T[j].cumsum(0)[:, Y]  # [4, n]
        cols.append((rng.random(n) > cum).sum(0) - 1)
    return np.stack(cols, 1), Y, T, prior, vote_sets


def test_identity_alphabets_reproduce_the_single_task_model():
    d = generate_synthetic(n=3000, m=8, k=3, seed=1)
    # vote alphabets use the full posterior (no voted-classes rule) and
    # per-class abstention rates
    plain = LabelModel(3, guard=False, voted_only=False, abstain="class").fit(d.L)
    eye = LabelModel(3).fit(d.L, vote_sets=[np.eye(3, dtype=bool)] * 8)
    np.testing.assert_allclose(
        plain.predict_proba(d.L), eye.predict_proba(d.L), atol=1e-6
    )


def test_three_label_alphabets_recover_planted_tables_under_six_classes():
    L, Y, T, prior, vs = _planted()
    lm = LabelModel(6).fit(L, vote_sets=vs)
    assert lm.get_conditional_probs().shape == (7, 4, 6)
    assert np.abs(lm.get_conditional_probs() - T).max() < 0.05
    assert np.abs(lm.class_balance_ - prior).max() < 0.02
    # Bayes-optimal accuracy with the planted parameters
    lj = np.log(prior) + sum(np.log(T[j, L[:, j] + 1]) for j in range(L.shape[1]))
    oracle = (lj.argmax(1) == Y).mean()
    assert (lm.predict(L) == Y).mean() > oracle - 0.01
    acc = lm.get_weights()  # P(vote consistent with y | vote)
    true_acc = np.einsum("jvy,jvy,y->j", T[:, 1:], np.stack(vs), prior) / (
        (1 - T[:, 0]) @ prior
    )
    assert np.abs(acc - true_acc).max() < 0.05


def test_vote_sets_save_load_round_trip(tmp_path):
    L, _, _, _, vs = _planted(n=3000)
    lm = LabelModel(6).fit(L, vote_sets=vs)
    lm.save(tmp_path / "m.json")
    back = LabelModel.load(tmp_path / "m.json")
    np.testing.assert_array_equal(back.predict_proba(L), lm.predict_proba(L))


def test_bad_vote_sets_and_votes_outside_an_alphabet_name_the_column():
    L, _, _, _, vs = _planted(n=500)
    with pytest.raises(ValueError, match="entries for 7 LFs"):
        LabelModel(6).fit(L, vote_sets=vs[:3])
    with pytest.raises(ValueError, match=r"vote_sets\[0\] must be"):
        LabelModel(6).fit(L, vote_sets=[np.ones((3, 5), bool)] + vs[1:])
    bad = [v.copy() for v in vs]
    bad[2][1] = False
    with pytest.raises(ValueError, match=r"vote_sets\[2\]: vote\(s\) \[1\]"):
        LabelModel(6).fit(L, vote_sets=bad)
    small = [v[:2] for v in vs]  # alphabets of 2 labels, but L has vote 2
    with pytest.raises(ValueError, match="column 0 of L has vote 2"):
        LabelModel(6).fit(L, vote_sets=small)
    lm = LabelModel(6).fit(L, vote_sets=vs)
    L2 = L.copy()
    L2[0, 3] = 2
    L2[1, 3] = 5
    with pytest.raises(ValueError, match="column 3"):
        lm.predict_proba(L2)
