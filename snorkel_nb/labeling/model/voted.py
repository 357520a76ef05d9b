"""Decisions among the voted classes: on a row with votes, the label is one of
the classes some LF voted for.

Why: the guard keeps a fit only if it predicts held-out LFs better than
majority vote does *choosing among the classes the other LFs voted for*
(:func:`~snorkel_nb.labeling.model.guard.loo_gain_over_mv`). A fit's choice
of a class nobody voted for rests on the estimated prior and the abstain
terms alone, which no gold-free test here checks, and on real LF sets it was
the larger error (TREC fine as one 50-class task relabelled lone votes as the
big estimated class). Where the generative model is exactly true it costs a
little, most where silence is informative (few LFs per class). Figures:
``bench/results/labelmodel_sets.md`` and ``lmstats.md``. With a class balance
the user gave, the prior is known and the full posterior is used.
"""

from __future__ import annotations

import numpy as np

from snorkel_nb.labeling.model.majority import vote_counts

# how far the top voted class ends above every unvoted one (probs_to_preds
# treats classes within 1e-5 of the maximum as tied)
MARGIN = 1e-4


def restrict_to_voted(P: np.ndarray, L: np.ndarray, k: int) -> np.ndarray:
    """``P`` moved, on each row with votes whose most probable class nobody
    voted for, just far enough toward ``P`` conditioned on "y is a voted
    class" that a voted class comes first (rows without votes, and rows whose
    top class was voted, keep ``P``).

    The least such mixture ``(1 - lam) P + lam P(. | voted)`` and not the
    conditional itself: the conditional gives every lone vote probability 1,
    and end models train on these probabilities (on YouTube the conditional
    worsened the Brier score and the distilled student of tutorial 08).

    Parameters
    ----------
    P
        [n, k] class probabilities of the rows of ``L``.
    L
        [n, m] label matrix (-1 = abstain).
    k
        Number of classes.

    Returns
    -------
    numpy.ndarray
        [n, k] probabilities whose argmax on a voted row is a voted class.

    Examples
    --------
    >>> P = np.array([[0.5, 0.3, 0.2], [0.5, 0.3, 0.2], [0.5, 0.3, 0.2]])
    >>> Q = restrict_to_voted(P, np.array([[1, 2], [0, -1], [-1, -1]]), 3)
    >>> Q.argmax(1).tolist(), bool(np.allclose(Q[1:], P[1:]))
    ([1, 0, 0], True)
    """
    P = np.asarray(P, dtype=np.float64)
    if P.shape != (L.shape[0], k):
        raise ValueError(f"P has shape {P.shape}; expected ({L.shape[0]}, {k}).")
    voted = vote_counts(L, k) > 0
    a = np.where(voted, P, -1.0).max(1)  # best voted class
    b = np.where(voted, -1.0, P).max(1)  # best unvoted class
    fix = voted.any(1) & (b + MARGIN > a)
    if not fix.any():
        return P
    Pf, Vf, af, bf = P[fix], voted[fix], a[fix], b[fix]
    s = np.where(Vf, Pf, 0.0).sum(1)  # mass on the voted classes
    cond = np.where(Vf, Pf, 0.0) / np.maximum(s, 1e-300)[:, None]
    # lam solving a (1 - lam + lam / s) - b (1 - lam) = MARGIN, capped at 1
    gap = bf + MARGIN - af
    slope = af / np.maximum(s, 1e-300) - af + bf
    lam = np.clip(gap / np.maximum(slope, 1e-300), 0, 1)
    out = P.copy()
    out[fix] = (1 - lam)[:, None] * Pf + lam[:, None] * cond
    # voted classes that all had probability 0 (underflow): equal shares
    dead = s <= 0
    if dead.any():
        rows = np.nonzero(fix)[0][dead]
        out[rows] = Vf[dead] / Vf[dead].sum(1, keepdims=True)
    return out


def condition_on_allowed(P: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """``P`` conditioned on "the state is allowed", row by row (rows with no
    allowed state keep ``P``).

    The multi-task label model's voted-state rule uses this, not the least
    move of :func:`restrict_to_voted`: there the rule overrules the fit on
    many rows (a lone fine vote against a broad coarse rule), and end models
    trained on the least move learn near-ties (on TREC the compiled network
    did clearly better, on dev and test, trained on the conditional).

    Parameters
    ----------
    P
        [n, k] probabilities.
    allowed
        [n, k] bool.

    Returns
    -------
    numpy.ndarray
        [n, k] probabilities, zero outside the allowed states on rows that
        have one (equal shares if all allowed states had probability 0).

    Examples
    --------
    >>> P = np.array([[0.6, 0.3, 0.1], [0.6, 0.3, 0.1]])
    >>> allowed = np.array([[False, True, True], [False, False, False]])
    >>> condition_on_allowed(P, allowed).round(2).tolist()
    [[0.0, 0.75, 0.25], [0.6, 0.3, 0.1]]
    """
    P = np.asarray(P, dtype=np.float64)
    ok = np.asarray(allowed, dtype=bool)
    if ok.shape != P.shape:
        raise ValueError(f"allowed has shape {ok.shape}; P has {P.shape}.")
    rows = ok.any(1)
    Q = np.where(ok, P, 0.0)
    s = Q.sum(1, keepdims=True)
    dead = rows & (s[:, 0] <= 0)
    Q = np.divide(Q, s, out=np.zeros_like(Q), where=s > 0)
    Q[dead] = ok[dead] / ok[dead].sum(1, keepdims=True)
    return np.where(rows[:, None], Q, P)


__all__ = ["condition_on_allowed", "restrict_to_voted"]
