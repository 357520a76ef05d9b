"""Peer label models for the benchmarks, each behind one call:
``fit_predict(name, L, Le, k) -> [len(Le), k] probabilities``.

Every peer gets the same inputs (the fit matrix ``L`` without gold; the
evaluation matrix ``Le``). HLM is transductive and pretrained: it infers on
the covered rows of ``L`` and ``Le`` stacked, and its traps are handled here:
its checkpoint needs one numpy type allow-listed for ``weights_only`` loading
(safe loading stays on), it drops trailing all-abstain rows (we pass covered
rows only) and it infers k from the largest label present (we pad).
"""

from __future__ import annotations

import logging
import warnings

import numpy as np


def _hlm_model():
    import torch
    from hyperlm import HyperLabelModel
    from numpy._core import multiarray as ma

    # The checkpoint stores numpy scalars under numpy 1's module path: allow
    # that one type (and float64's dtype) by name; safe loading stays on.
    torch.serialization.add_safe_globals(
        [(ma.scalar, "numpy.core.multiarray.scalar"), np.dtype, np.dtypes.Float64DType]
    )
    return HyperLabelModel(device="cpu")


_HLM = None


def hlm(L: np.ndarray, Le: np.ndarray, k: int) -> np.ndarray:
    global _HLM
    if _HLM is None:
        _HLM = _hlm_model()
    both = np.vstack([L, Le]).astype(np.int64)
    cov = (both >= 0).any(1)
    out = np.full((len(both), k), 1.0 / k)
    X = both[cov]
    probs = _HLM.infer(X, return_probs=True)
    probs = np.asarray(probs, dtype=np.float64).reshape(len(X), -1)
    if probs.shape[1] < k:  # it saw fewer classes than k
        probs = np.hstack([probs, np.zeros((len(X), k - probs.shape[1]))])
    out[cov] = probs
    return out[len(L) :]


def snorkel_lm(L: np.ndarray, Le: np.ndarray, k: int) -> np.ndarray:
    from snorkel.labeling.model import LabelModel as SLM

    logging.getLogger().setLevel(logging.WARNING)
    m = SLM(cardinality=k, verbose=False)
    m.fit(L.astype(np.int64), seed=0, progress_bar=False)  # Snorkel's defaults
    return m.predict_proba(Le.astype(np.int64))


def flyingsquid(L: np.ndarray, Le: np.ndarray, k: int) -> np.ndarray | None:
    """FlyingSquid (binary only, +1/-1 votes, 0 abstain)."""
    if k != 2:
        return None
    logging.getLogger("pgmpy").setLevel(logging.ERROR)
    from flyingsquid.label_model import LabelModel as FS

    def conv(A: np.ndarray) -> np.ndarray:
        return np.where(A < 0, 0, np.where(A == 1, 1, -1))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fs = FS(L.shape[1])
        fs.fit(conv(L))
        p1 = fs.predict_proba_marginalized(conv(Le))
    p1 = np.asarray(p1, dtype=np.float64).ravel()
    return np.stack([1 - p1, p1], 1)


def dawid_skene_plain(
    L: np.ndarray, Le: np.ndarray, k: int, n_iter: int = 100
) -> np.ndarray:
    """Textbook Dawid-Skene (abstain = missing, MV start), transductive."""
    both = np.vstack([L, Le]).astype(np.int64)
    n, m = both.shape
    oh = np.zeros((n, m, k))
    r, c = np.nonzero(both >= 0)
    oh[r, c, both[r, c]] = 1
    cnt = oh.sum(1)
    q = (cnt == cnt.max(1, keepdims=True)).astype(float)
    q /= q.sum(1, keepdims=True)
    for _ in range(n_iter):
        pi = (q.sum(0) + 1) / (n + k)
        conf = np.einsum("ny,nmv->myv", q, oh) + 0.01
        conf /= conf.sum(2, keepdims=True)
        lj = np.log(pi) + np.einsum("nmv,myv->ny", oh, np.log(conf))
        lj -= lj.max(1, keepdims=True)
        q = np.exp(lj)
        q /= q.sum(1, keepdims=True)
    return q[len(L) :]


PEERS = {
    "Snorkel LabelModel": snorkel_lm,
    "FlyingSquid": flyingsquid,
    "Dawid-Skene (plain)": dawid_skene_plain,
    "HLM": hlm,
}
