"""A planted-truth label matrix: conditionally independent LFs, known tables.

Richer generators (dependencies, class imbalance, oracles) live in
:mod:`snorkel_nb.labeling.model.synthetic`; this one has Snorkel's name and
signature for tests written against Snorkel.
"""

from __future__ import annotations

import numpy as np


def generate_simple_label_matrix(
    n: int, m: int, cardinality: int, abstain_multiplier: float = 1.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw LF tables ``P``, balanced labels ``Y`` and the label matrix ``L``.

    ``P[j, a + 1, y]`` is ``P(LF j votes a | Y = y)`` (``a = -1`` is abstain),
    biased toward the true class so LFs are better than random;
    ``abstain_multiplier`` scales the abstain weight before normalising (> 1
    for sparse LFs). Uses numpy's global generator (``np.random.seed``).

    Parameters
    ----------
    n : int
        Number of points (>= 1).
    m : int
        Number of LFs (>= 1).
    cardinality : int
        Number of classes ``k`` (>= 2).
    abstain_multiplier : float, default 1.0
        Scale of the abstain weight (>= 0).

    Returns
    -------
    (P, Y, L)
        [m, k+1, k] tables, [n] labels in 0..k-1, [n, m] int matrix in -1..k-1.

    Raises
    ------
    ValueError
        If ``n``, ``m`` or ``cardinality`` is not a positive integer,
        ``cardinality < 2`` or ``abstain_multiplier < 0``.

    Examples
    --------
    >>> np.random.seed(0)
    >>> P, Y, L = generate_simple_label_matrix(100, 3, 2)
    >>> P.shape, Y.shape, L.shape, bool(np.allclose(P.sum(axis=1), 1))
    ((3, 3, 2), (100,), (100, 3), True)
    """
    for name, v in (("n", n), ("m", m), ("cardinality", cardinality)):
        if not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"{name} must be a positive integer; got {v!r}")
    if cardinality < 2:
        raise ValueError(f"cardinality must be >= 2; got {cardinality}")
    if abstain_multiplier < 0:
        raise ValueError(f"abstain_multiplier must be >= 0; got {abstain_multiplier}")
    k = cardinality
    P = np.empty((m, k + 1, k))
    for j in range(m):
        p = np.random.rand(k + 1, k)
        p[1:, :] += (k - 1) * np.eye(k)  # non-adversarial: true class favoured
        p[0, :] *= abstain_multiplier
        P[j] = p / p.sum(axis=0, keepdims=True)
    Y = np.random.choice(k, n)
    L = np.empty((n, m), dtype=int)
    u = np.random.rand(n, m)
    for j in range(m):
        cdf = np.cumsum(P[j][:, Y].T, axis=1)  # [n, k+1]
        L[:, j] = (u[:, j : j + 1] > cdf[:, :-1]).sum(axis=1) - 1
    return P, Y, L
