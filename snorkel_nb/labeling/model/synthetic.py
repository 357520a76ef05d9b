"""Synthetic label matrices with known LF accuracies, propensities and class balance."""

from __future__ import annotations

import dataclasses
from typing import Sequence

import numpy as np

from snorkel_nb.labeling.model.core import FactorLabeler
from snorkel_nb.labeling.model.params import FactorParams


class FixedLabelModel(FactorLabeler):
    """A factor model with given parameters (used for the Bayes-optimal oracle)."""

    def _fit_stats(self, stats, cb, deps) -> None:  # type: ignore[no-untyped-def]
        raise ValueError("FixedLabelModel has fixed parameters; it cannot be fit.")


@dataclasses.dataclass
class SyntheticData:
    """A generated data set and its true parameters.

    Attributes
    ----------
    L
        [n, m] int8 label matrix.
    Y
        [n] true labels.
    accuracies, propensities
        [m] P(vote correct | vote) and P(vote) of each LF.
    class_balance
        [k] class prior.
    dependencies
        ``(i, j)`` pairs where LF j copies LF i's output with probability
        ``copy_prob`` (else it votes independently with its own parameters).
    """

    L: np.ndarray
    Y: np.ndarray
    accuracies: np.ndarray
    propensities: np.ndarray
    class_balance: np.ndarray
    dependencies: list[tuple[int, int]]
    copy_prob: float
    conditionals: np.ndarray | None = None  # [m, k+1, k] P(value | y), if not symmetric

    @property
    def cardinality(self) -> int:
        """Number of classes ``k``."""
        return len(self.class_balance)

    def oracle(self) -> FactorLabeler:
        """The Bayes-optimal label model under the true generating parameters."""
        k, m = self.cardinality, self.L.shape[1]
        if self.conditionals is not None:
            single = self.conditionals
        else:  # symmetric: accuracy a, propensity b
            single = np.zeros((m, k + 1, k))
            for j in range(m):
                a, b = self.accuracies[j], self.propensities[j]
                single[j, 0, :] = 1 - b
                single[j, 1:, :] = b * (1 - a) / max(k - 1, 1)
                single[j, 1 + np.arange(k), np.arange(k)] = b * a
        paired = {j for _, j in self.dependencies} | {i for i, _ in self.dependencies}
        factors, tables = [], []
        for j in range(m):
            if j not in paired:
                factors.append((j,))
                tables.append(np.log(np.maximum(single[j], 1e-300)))
        rho = self.copy_prob
        for i, j in self.dependencies:
            t = np.zeros((k + 1, k + 1, k))  # [v_j, v_i, y]; code = v_i + v_j * (k+1)
            for vi in range(k + 1):
                for vj in range(k + 1):
                    t[vj, vi] = single[i, vi] * (
                        rho * (vi == vj) + (1 - rho) * single[j, vj]
                    )
            factors.append((i, j))
            tables.append(np.log(np.maximum(t.reshape((k + 1) ** 2, k), 1e-300)))
        model = FixedLabelModel(cardinality=k)
        model.n_lfs = m
        model.params_ = FactorParams.of(np.log(self.class_balance), factors, tables)
        return model


def generate_synthetic(
    n: int = 10000,
    m: int = 10,
    k: int = 2,
    accuracies: Sequence[float] | None = None,
    propensities: Sequence[float] | None = None,
    class_balance: Sequence[float] | None = None,
    dependencies: Sequence[tuple[int, int]] | int = (),
    copy_prob: float = 0.9,
    seed: int = 0,
) -> SyntheticData:
    """Draw a label matrix from conditionally independent LFs (plus planted copies).

    Each LF j votes with probability ``propensities[j]`` (independently of the
    class); a vote is correct with probability ``accuracies[j]`` and otherwise
    uniform over the other classes. For each dependency ``(i, j)``, LF j
    outputs exactly what LF i output with probability ``copy_prob``.

    Defaults: accuracies ~ U(0.55, 0.9), propensities ~ U(0.1, 0.6), class
    balance ~ Dirichlet(5) (mildly imbalanced). ``dependencies=d`` (an int)
    plants ``d`` disjoint pairs ``(j, m - 1 - j)``.

    Parameters
    ----------
    n : int, default 10000
        Number of points.
    m : int, default 10
        Number of LFs.
    k : int, default 2
        Number of classes.
    accuracies : sequence of float, optional
        [m] P(vote correct | vote), each in [0, 1].
    propensities : sequence of float, optional
        [m] P(vote), each in [0, 1].
    class_balance : sequence of float, optional
        [k] class prior (normalised to sum to 1).
    dependencies : sequence of (int, int) or int, default ()
        Planted ``(i, j)`` copy pairs, or how many disjoint pairs to plant.
    copy_prob : float, default 0.9
        Probability that LF j copies LF i's output in a planted pair.
    seed : int, default 0
        Seed of the generator.

    Returns
    -------
    SyntheticData
        ``L`` ([n, m] int8, -1 = abstain), ``Y`` ([n] int64) and the true
        parameters.

    Raises
    ------
    ValueError
        If ``n < 1``, ``m < 1`` or ``k < 2``, a parameter vector has the
        wrong length or lies outside [0, 1], or ``2 * dependencies > m``.

    Examples
    --------
    >>> d = generate_synthetic(n=1000, m=5, k=3, seed=1)
    >>> d.L.shape, d.L.dtype.name, sorted(set(d.L.ravel().tolist()))
    ((1000, 5), 'int8', [-1, 0, 1, 2])
    """
    if n < 1 or m < 1 or k < 2:
        raise ValueError(f"need n >= 1, m >= 1, k >= 2; got n={n}, m={m}, k={k}.")
    rng = np.random.default_rng(seed)
    acc = (
        rng.uniform(0.55, 0.9, m)
        if accuracies is None
        else np.asarray(accuracies, float)
    )
    prop = (
        rng.uniform(0.1, 0.6, m)
        if propensities is None
        else np.asarray(propensities, float)
    )
    cb = (
        rng.dirichlet(np.full(k, 5.0))
        if class_balance is None
        else np.asarray(class_balance, float)
    )
    if acc.shape != (m,) or prop.shape != (m,) or cb.shape != (k,):
        raise ValueError("accuracies/propensities need m entries, class_balance k.")
    if np.any((acc < 0) | (acc > 1)) or np.any((prop < 0) | (prop > 1)):
        raise ValueError("accuracies and propensities must lie in [0, 1].")
    cb = cb / cb.sum()
    if isinstance(dependencies, (int, np.integer)):
        if 2 * dependencies > m:
            raise ValueError(
                f"cannot plant {dependencies} disjoint pairs among {m} LFs."
            )
        deps = [(j, m - 1 - j) for j in range(int(dependencies))]
    else:
        deps = [(int(i), int(j)) for i, j in dependencies]
    Y = rng.choice(k, size=n, p=cb).astype(np.int64)
    L = np.full((n, m), -1, dtype=np.int8)
    for j in range(m):
        vote = rng.random(n) < prop[j]
        correct = rng.random(n) < acc[j]
        wrong = (Y + rng.integers(1, k, size=n)) % k
        L[:, j] = np.where(vote, np.where(correct, Y, wrong), -1)
    for i, j in deps:
        copy = rng.random(n) < copy_prob
        L[copy, j] = L[copy, i]
    return SyntheticData(L, Y, acc, prop, cb, deps, float(copy_prob))


def generate_single_class(
    n: int = 10000,
    k: int = 5,
    lfs_per_class: int = 1,
    tpr: Sequence[float] | None = None,
    fpr: Sequence[float] | None = None,
    class_balance: Sequence[float] | None = None,
    seed: int = 0,
) -> SyntheticData:
    """LFs that each vote one class, like keyword or regex LFs.

    LF j votes class ``j // lfs_per_class`` (and abstains otherwise); it fires
    with probability ``tpr[j]`` on points of that class and ``fpr[j]`` on all
    others, independently given the class. Defaults: tpr ~ U(0.3, 0.9), fpr ~
    U(0.01, 0.25), class balance ~ Dirichlet(3). With one LF per class no vote
    is ever confirmed by another, the case where the class balance is not
    identifiable without gold.

    Parameters
    ----------
    n : int, default 10000
        Number of points.
    k : int, default 5
        Number of classes.
    lfs_per_class : int, default 1
        LFs voting each class; ``m = k * lfs_per_class``.
    tpr : sequence of float, optional
        [m] P(LF fires | its class), each in [0, 1].
    fpr : sequence of float, optional
        [m] P(LF fires | another class), each in [0, 1].
    class_balance : sequence of float, optional
        [k] class prior (normalised to sum to 1).
    seed : int, default 0
        Seed of the generator.

    Returns
    -------
    SyntheticData
        With the exact [m, k+1, k] ``conditionals`` filled in.

    Raises
    ------
    ValueError
        If ``n < 1``, ``k < 2`` or ``lfs_per_class < 1``, or a parameter
        vector has the wrong length or lies outside [0, 1].

    Examples
    --------
    >>> d = generate_single_class(n=1000, k=3, seed=0)
    >>> [sorted(set(d.L[:, j].tolist())) for j in range(3)]
    [[-1, 0], [-1, 1], [-1, 2]]
    """
    if n < 1 or k < 2 or lfs_per_class < 1:
        raise ValueError(
            f"need n >= 1, k >= 2, lfs_per_class >= 1; got {n}, {k}, {lfs_per_class}."
        )
    rng = np.random.default_rng(seed)
    m = k * lfs_per_class
    cb = (
        rng.dirichlet(np.full(k, 3.0))
        if class_balance is None
        else np.asarray(class_balance, float)
    )
    a = rng.uniform(0.3, 0.9, m) if tpr is None else np.asarray(tpr, float)
    b = rng.uniform(0.01, 0.25, m) if fpr is None else np.asarray(fpr, float)
    if a.shape != (m,) or b.shape != (m,) or cb.shape != (k,):
        raise ValueError(f"tpr/fpr need {m} entries, class_balance {k}.")
    if np.any((a < 0) | (a > 1)) or np.any((b < 0) | (b > 1)):
        raise ValueError("tpr and fpr must lie in [0, 1].")
    cb = cb / cb.sum()
    target = np.arange(m) // lfs_per_class
    Y = rng.choice(k, size=n, p=cb).astype(np.int64)
    rate = np.where(target[None, :] == Y[:, None], a[None, :], b[None, :])  # [n, m]
    L = np.where(rng.random((n, m)) < rate, target[None, :], -1).astype(np.int8)
    cond = np.zeros((m, k + 1, k))
    fire = np.where(target[:, None] == np.arange(k)[None, :], a[:, None], b[:, None])
    cond[:, 0, :] = 1 - fire
    cond[np.arange(m), 1 + target, :] = fire
    prop = fire @ cb
    acc = a * cb[target] / np.maximum(prop, 1e-12)
    return SyntheticData(L, Y, acc, prop, cb, [], 0.0, conditionals=cond)


def simulate_workers(
    Y: Sequence[int],
    cardinality: int = 2,
    n_workers: int = 30,
    per_item: int = 5,
    seed: int = 0,
) -> np.ndarray:
    """Crowd votes on items with known labels ``Y``, from simulated workers
    with asymmetric confusions: the regime where a full-confusion model
    (Dawid-Skene) should beat majority vote.

    Each worker has its own [k, k] confusion matrix: the diagonal is drawn
    from Beta(6, 2) per class (so a worker may be good on one class and poor
    on another); the first 4 workers call almost everything class
    ``k - 1`` and the next 2 confuse class ``k - 1`` with class 0 most of
    the time. Every item is labelled by ``per_item`` random workers.

    Parameters
    ----------
    Y : sequence of int
        [n] true labels in 0..k-1.
    cardinality : int, default 2
        Number of classes ``k``.
    n_workers : int, default 30
        Number of simulated workers (LF columns).
    per_item : int, default 5
        Workers who label each item, in 1..n_workers.
    seed : int, default 0
        Seed of the generator.

    Returns
    -------
    numpy.ndarray
        [n, n_workers] int8 label matrix, -1 = not labelled.

    Raises
    ------
    ValueError
        If ``Y`` is empty, not 1-D or outside 0..k-1, or ``per_item`` is
        outside 1..n_workers.

    Examples
    --------
    >>> L = simulate_workers([0, 1, 1, 0], n_workers=6, per_item=3, seed=1)
    >>> L.shape, int((L >= 0).sum(1).max())
    ((4, 6), 3)
    """
    Y = np.asarray(Y, dtype=np.int64)
    k = int(cardinality)
    if Y.ndim != 1 or len(Y) == 0 or Y.min() < 0 or Y.max() >= k:
        raise ValueError(f"Y must be a non-empty vector of labels in 0..{k - 1}.")
    if not 1 <= per_item <= n_workers:
        raise ValueError(
            f"per_item must be in 1..n_workers={n_workers}; got {per_item}."
        )
    rng = np.random.default_rng(seed)
    conf = np.zeros((n_workers, k, k))  # [worker, true, said]
    for w in range(n_workers):
        diag = rng.beta(6, 2, k)
        for y in range(k):
            off = rng.dirichlet(np.ones(k - 1)) * (1 - diag[y])
            conf[w, y] = np.insert(off, y, diag[y])
    for w in range(min(4, n_workers)):  # call almost everything class k-1
        conf[w] = 0.1 / k
        conf[w, :, k - 1] += 0.9
    for w in range(4, min(6, n_workers)):  # miss most of class k-1
        conf[w, k - 1] = 0.05 / k
        conf[w, k - 1, 0] += 0.65
        conf[w, k - 1, k - 1] += 0.3
    conf /= conf.sum(2, keepdims=True)
    n = len(Y)
    L = np.full((n, n_workers), -1, dtype=np.int8)
    who = np.argsort(rng.random((n, n_workers)), axis=1)[:, :per_item]
    for i in range(n):
        for w in who[i]:
            L[i, w] = rng.choice(k, p=conf[w, Y[i]])
    return L
