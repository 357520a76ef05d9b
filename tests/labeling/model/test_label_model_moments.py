"""The moment objective's closed-form gradient matches finite differences."""

from __future__ import annotations

import numpy as np
import pytest

from snorkel_nb.labeling.model.moments import MomentObjective


@pytest.mark.parametrize("independent", [False, True])
@pytest.mark.parametrize("fixed_prior", [False, True])
def test_gradient_matches_central_differences(independent, fixed_prior):
    rng = np.random.default_rng(0)
    m, K1, k = 5, 4, 3
    M = m * K1
    upper = np.kron(np.triu(np.ones((m, m)), 1), np.ones((K1, K1)))
    N = rng.integers(0, 20, (M, M)) * upper
    marg = rng.integers(1, 50, (m, K1)).astype(float)
    T0 = rng.dirichlet(np.ones(K1), size=(m, k)).transpose(0, 2, 1)
    lp0 = np.log(rng.dirichlet(np.ones(k)))
    f = MomentObjective(N, marg, T0, lp0, fixed_prior, independent, 1.5, 100.0, 0.3)
    x = f.x0 + rng.normal(0, 0.3, f.x0.shape)
    _, g = f(x)
    h = 1e-6
    num = np.array(
        [(f(x + h * e)[0] - f(x - h * e)[0]) / (2 * h) for e in np.eye(len(x))]
    )
    assert np.abs(g - num).max() < 1e-5 * max(1.0, np.abs(num).max())


def test_unpack_gives_distributions():
    rng = np.random.default_rng(1)
    T0 = rng.dirichlet(np.ones(3), size=(4, 2)).transpose(0, 2, 1)
    f = MomentObjective(
        np.zeros((12, 12)),
        np.ones((4, 3)),
        T0,
        np.log([0.3, 0.7]),
        False,
        False,
        1.0,
        10.0,
        1.0,
    )
    T, p = f.unpack(f.x0)
    assert np.allclose(T, T0) and np.allclose(p, [0.3, 0.7])


def test_no_co_occurring_votes_is_not_an_error():
    # LFs that never vote on the same rows: the pair term is empty
    f = MomentObjective(
        np.zeros((9, 9)),
        np.ones((3, 3)),
        np.full((3, 3, 2), 1 / 3),
        np.log([0.5, 0.5]),
        False,
        False,
        1.0,
        3.0,
        1.0,
    )
    val, grad = f(f.x0)
    assert np.isfinite(val) and np.isfinite(grad).all()
