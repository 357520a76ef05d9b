"""Large vote alphabets (k = 30 classes): the sparse moment objective and the
gather/scatter EM path give the same model as the dense ones."""

import warnings

import numpy as np
import pytest

from snorkel_nb.labeling.model import LabelModel, generate_synthetic
from snorkel_nb.labeling.model import moments as mo


def _objectives(monkeypatch, free_values: bool):
    rng = np.random.default_rng(0)
    m, K1, k = 6, 5, 4
    M = m * K1
    N = np.triu(rng.poisson(0.4, (M, M)).astype(float), 1)
    T0 = rng.dirichlet(np.ones(K1), (m, k)).transpose(0, 2, 1)
    marg = rng.random((m, K1)) * 10 + 1
    if free_values:
        marg[0, 2] = marg[3, 1] = 0.0  # values these LFs never cast
    args = (N, marg, T0, np.log([0.1, 0.2, 0.3, 0.4]))
    dense = mo.MomentObjective(*args, False, False, 1.0, 100.0, 0.01)
    monkeypatch.setattr(mo, "SPARSE_WORK", 0.0)
    sparse = mo.MomentObjective(*args, False, False, 1.0, 100.0, 0.01)
    return dense, sparse, rng


def test_sparse_objective_equals_dense(monkeypatch):
    dense, sparse, rng = _objectives(monkeypatch, free_values=False)
    assert sparse.sparse and not dense.sparse
    x = dense.x0 + rng.normal(0, 0.1, dense.x0.shape)
    (v1, g1), (v2, g2) = dense(x), sparse(x)
    assert v1 == pytest.approx(v2, rel=1e-12)
    np.testing.assert_allclose(g1, g2, atol=1e-12)


def test_sparse_objective_gradient_on_cast_values(monkeypatch):
    # values never cast are left out of the parameters: gradient by finite
    # differences over the remaining ones
    _, f, rng = _objectives(monkeypatch, free_values=True)
    assert f.x0.size < f._theta0.size + 4
    x = f.x0 + rng.normal(0, 0.1, f.x0.shape)
    _, g = f(x)
    e = 1e-6
    eye = np.eye(x.size)
    fd = np.array(
        [(f(x + e * eye[i])[0] - f(x - e * eye[i])[0]) / (2 * e) for i in range(x.size)]
    )
    np.testing.assert_allclose(fd, g, atol=1e-7)


def test_k30_recovers_planted_accuracies():
    d = generate_synthetic(n=3000, m=15, k=30, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lm = LabelModel(cardinality=30).fit(d.L)
    assert np.abs(lm.get_weights() - d.accuracies).max() < 0.05
    cov = (d.L >= 0).any(1)
    assert (lm.predict(d.L)[cov] == d.Y[cov]).mean() > 0.95
    probs = lm.predict_proba(d.L)
    np.testing.assert_allclose(probs.sum(1), 1.0, atol=1e-9)


def test_gather_em_equals_onehot_em(monkeypatch):
    from snorkel_nb.labeling.model import em

    d = generate_synthetic(n=1500, m=8, k=20, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gathered = LabelModel(cardinality=20).fit(d.L).predict_proba(d.L)
        monkeypatch.setattr(em, "GATHER_VALUES", 10**6)  # one-hot path
        onehot = LabelModel(cardinality=20).fit(d.L).predict_proba(d.L)
    np.testing.assert_allclose(gathered, onehot, atol=1e-8)
