"""The pairwise composite-likelihood objective of ``LabelModel``'s moment fit.

Written in float64 numpy with its gradient in closed form: the problem is
small (an [m*(a+1), k] table and a [k] prior) and L-BFGS evaluates it a few
hundred times, so torch autograd's per-call overhead (graph building and the
backward pass) was most of a small fit's time. Same objective, same
parameterisation, so the same L-BFGS path as the autograd version.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

_TINY = 1e-300
_CONTROLLER: list = []


def one_blas_thread() -> Any:
    """Context that runs BLAS on one thread (for the L-BFGS loop).

    L-BFGS-B's per-step work is small BLAS-1/2 calls; with torch's OpenMP
    runtime loaded beside scipy's OpenBLAS their spinning threads made it
    3-6x slower on 2 cores (14k parameters, 200 steps: 2.6 s vs 0.41 s).

    Examples
    --------
    >>> with one_blas_thread():
    ...     pass
    """
    from threadpoolctl import ThreadpoolController

    if not _CONTROLLER:  # building one scans the loaded libraries: do it once
        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=1, user_api="blas")


# Above this many dense multiply-adds per evaluation (M * M * k) and below
# this share of non-zero pair counts, the objective works on the non-zero
# counts only (see ``MomentObjective``).
SPARSE_WORK = 4e6
SPARSE_DENSITY = 0.25


def _softmax(x: np.ndarray, axis: int) -> np.ndarray:
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


class MomentObjective:
    """Negative composite log-likelihood of the pairwise vote counts, with
    its gradient, as a function of the flat parameter vector.

    Parameters
    ----------
    N
        [M, M] co-occurrence counts of (LF i value a, LF j value b) for
        i < j (M = m * (a+1); zero for pairs left out).
    marg
        [m, a+1] how often each LF takes each value (abstain first).
    T0
        [m, a+1, k] starting conditionals P(value | y) (rows sum to 1); also
        the centre of the Dirichlet pseudo-counts ``strength * T0``.
    lp0
        [k] starting log prior (kept fixed when ``fixed_prior``).
    independent
        Abstain rate shared by all classes (one logit per LF).
    strength, n, scale
        Pseudo-count strength, number of rows, weight of the pair term.

    Examples
    --------
    >>> import numpy as np
    >>> T0 = np.full((3, 3, 2), 1 / 3)
    >>> f = MomentObjective(np.zeros((9, 9)), np.ones((3, 3)), T0,
    ...                     np.log([0.5, 0.5]), False, False, 1.0, 3.0, 1.0)
    >>> val, grad = f(f.x0)
    >>> grad.shape == f.x0.shape
    True
    """

    def __init__(
        self,
        N: np.ndarray,
        marg: np.ndarray,
        T0: np.ndarray,
        lp0: np.ndarray,
        fixed_prior: bool,
        independent: bool,
        strength: float,
        n: float,
        scale: float,
    ) -> None:
        self.m, self.K1, self.k = T0.shape
        self.M = self.m * self.K1
        flat = N.ravel()
        self.idx = np.flatnonzero(flat > 0)
        self.Nv = flat[self.idx]
        self.marg = marg
        self.pseudo = strength * T0
        self.fixed_prior = fixed_prior
        self.independent = independent
        self.n, self.scale = float(n), float(scale)
        self.lp0 = np.asarray(lp0, dtype=np.float64)
        theta = np.log(T0)
        if independent:  # the abstain logit is logit(P(abstain)), one per LF
            ab0 = np.clip(T0[:, 0, :].mean(1), 1e-6, 1 - 1e-6)
            theta[:, 0, :] = np.log(ab0 / (1 - ab0))[:, None]
        self._theta0 = theta.ravel()
        self._sparse_setup(N.shape[0])
        # On the sparse path only the values an LF casts (and abstain) are
        # optimised; the others keep their ~0 starting mass. With one class
        # voted per LF that is 2 of k+1 values: L-BFGS's own O(params)
        # work per step was then most of the fit (209k parameters at k=50).
        self.free = None
        if self.sparse:
            cast = marg > 0
            cast[:, 0] = True
            self.free = np.repeat(cast[:, :, None], self.k, 2).ravel()
        th = self._theta0 if self.free is None else self._theta0[self.free]
        self._n_theta = th.size
        self.x0 = np.concatenate([th] + ([] if fixed_prior else [self.lp0.copy()]))

    def _sparse_setup(self, M: int) -> None:
        """Large vote alphabets (k = 50 classes, m = 82 LFs: M = 4182) make
        the dense [M, M] model moments ~0.9 Gflop per evaluation, while only
        the observed pairs (18.8k of 17.5M there) enter the objective:
        evaluate P and the gradient products on those entries only. Small
        problems keep the dense path (same floating-point results as before).
        """
        self.sparse = (
            M * M * self.k > SPARSE_WORK and self.idx.size < SPARSE_DENSITY * M * M
        )
        if self.sparse:
            self._r, self._c = np.divmod(self.idx, M)
            self._Gs = sp.csr_matrix(
                (np.ones(self.idx.size), (self._r, self._c)), shape=(M, M)
            )
            self._Gs.sort_indices()
            self._G = None
        else:
            self._G = np.zeros(M * M)

    def unpack(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """([m, a+1, k] conditionals, [k] prior) at the parameter vector ``x``."""
        m, K1, k = self.m, self.K1, self.k
        theta, phi = self._split(x)
        theta = theta.reshape(m, K1, k)
        phi = self.lp0 if self.fixed_prior else phi
        p = _softmax(phi, 0)
        if self.independent:
            ab = 1.0 / (1.0 + np.exp(-theta[:, 0, :].mean(1, keepdims=True)))  # [m, 1]
            votes = _softmax(theta[:, 1:, :], 1)
            T = np.concatenate(
                [np.repeat(ab[:, :, None], k, 2), (1 - ab)[:, :, None] * votes], axis=1
            )
        else:
            T = _softmax(theta, 1)
        return T, p

    def _split(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(full flat theta, prior logits) from the parameter vector."""
        n = self._n_theta
        if self.free is None:
            return x[:n], x[n:]
        theta = self._theta0.copy()
        theta[self.free] = x[:n]
        return theta, x[n:]

    def __call__(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        """(objective, gradient) at ``x``."""
        m, K1, k, n = self.m, self.K1, self.k, self.n
        T, p = self.unpack(x)
        A = T.reshape(self.M, k)
        if self.sparse:
            P = np.einsum("ik,ik->i", A[self._r] * p, A[self._c])
        else:
            P = (A * p @ A.T).ravel()[self.idx]
        Pm = T @ p  # [m, K1]
        # logs of 0 (an LF value the fit gives no mass) are clamped, with no
        # gradient through the clamp; the usual case needs no masking
        if (not P.size or P.min() > _TINY) and Pm.min() > _TINY and T.min() > _TINY:
            val = -(
                float(self.Nv @ np.log(P)) * self.scale
                + float((self.marg * np.log(Pm)).sum()) / n
                + float((self.pseudo * np.log(T)).sum()) / n
            )
            g = (-self.scale) * self.Nv / P
            H = self.marg / Pm
            H *= -1.0 / n
            dT = self.pseudo / T
            dT *= -1.0 / n
        else:
            Pc, Pmc, Tc = (np.maximum(v, _TINY) for v in (P, Pm, T))
            val = -(
                float(self.Nv @ np.log(Pc)) * self.scale
                + float((self.marg * np.log(Pmc)).sum()) / n
                + float((self.pseudo * np.log(Tc)).sum()) / n
            )
            g = np.where(P > _TINY, -self.scale * self.Nv / Pc, 0.0)
            H = np.where(Pm > _TINY, -self.marg / (n * Pmc), 0.0)
            dT = np.where(T > _TINY, -self.pseudo / (n * Tc), 0.0)
        if self.sparse:  # CSR order of (r, c) is the sorted flat index order
            G2 = self._Gs
            G2.data = g
        else:
            self._G[self.idx] = g
            G2 = self._G.reshape(self.M, self.M)
        GA = G2 @ A
        dT += ((GA + G2.T @ A) * p).reshape(m, K1, k)
        dT += H[:, :, None] * p
        dp = (A * GA).sum(0) + H.ravel() @ A
        if not self.fixed_prior:
            val -= float(np.log(p).sum()) / n
            dp -= 1.0 / (n * p)
        if self.independent:
            ab = T[:, 0, :1]  # [m, 1]
            V = _softmax(self._split(x)[0].reshape(m, K1, k)[:, 1:, :], 1)
            d_ab = dT[:, 0, :].sum(1) - (dT[:, 1:, :] * V).sum((1, 2))
            dV = (1 - ab)[:, :, None] * dT[:, 1:, :]
            dtheta = np.empty_like(T)
            dtheta[:, 1:, :] = V * (dV - (V * dV).sum(1, keepdims=True))
            dtheta[:, 0, :] = (d_ab * ab[:, 0] * (1 - ab[:, 0]))[:, None] / k
        else:
            dtheta = T * (dT - (T * dT).sum(1, keepdims=True))
        dth = dtheta.ravel() if self.free is None else dtheta.ravel()[self.free]
        if self.fixed_prior:
            return val, dth
        return val, np.concatenate([dth, p * (dp - float(p @ dp))])


__all__ = ["MomentObjective", "one_blas_thread"]
