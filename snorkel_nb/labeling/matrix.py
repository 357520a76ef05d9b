"""Label-matrix validation and conversions shared by every consumer.

Glossary: ``L`` is an [n, m] integer matrix, ``n`` points by ``m`` labeling
functions, with values in {-1, 0, ..., k-1} where ``-1`` (:data:`ABSTAIN`)
means the LF did not vote.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # scipy.sparse costs ~0.3 s to import; only load it when used
    import scipy.sparse as sp

ABSTAIN: int = -1


def _first_bad(mask: np.ndarray) -> tuple[int, int]:
    rows, cols = np.nonzero(mask)
    return int(rows[0]), int(cols[0])


def check_label_matrix(
    L: Any,
    cardinality: int | None = None,
    n_lfs: int | None = None,
    allow_empty: bool = False,
    name: str = "L",
) -> np.ndarray:
    """Validate a label matrix and return it as a dense signed-integer numpy array.

    Signed integer input keeps its dtype (an int8 matrix stays int8 and is not
    copied); floats and unsigned integers are converted to the smallest signed
    type that holds them.

    Accepts numpy arrays, array-likes and ``scipy.sparse`` matrices. In a sparse
    matrix, *stored* entries are votes and implicit zeros are abstains, so a
    sparse matrix stores ``label + 1`` (Snorkel's convention), unless it
    contains explicit ``-1`` entries, in which case stored values are taken as
    they are.

    Parameters
    ----------
    L
        An [n, m] matrix with values in {-1, ..., k-1}.
    cardinality
        Number of classes ``k``; if given, values >= k are rejected.
    n_lfs
        Expected number of columns ``m``, if known (e.g. at predict time).
    allow_empty
        Accept a matrix with zero rows.
    name
        Name used in error messages.

    Returns
    -------
    numpy.ndarray
        [n, m] signed-integer matrix, -1 = abstain.

    Raises
    ------
    ValueError
        With what is wrong and where (the first bad row and column).

    Examples
    --------
    >>> check_label_matrix([[0, -1], [1, 1]], cardinality=2)
    array([[ 0, -1],
           [ 1,  1]])
    """
    if L is None:
        raise ValueError(f"{name} is None; expected an [n, m] label matrix.")
    if _is_sparse(L):
        L = _sparse_to_dense(L)
    elif not isinstance(L, np.ndarray):
        try:
            L = np.asarray(L)
        except Exception as e:  # ragged lists and the like
            raise ValueError(f"{name} could not be read as a matrix: {e}") from e
    if L.dtype == object:
        try:
            L = L.astype(np.float64)
        except (TypeError, ValueError) as e:
            raise ValueError(
                f"{name} has dtype object with non-numeric entries; expected integers."
            ) from e
    if L.ndim != 2:
        raise ValueError(
            f"{name} must be 2-dimensional [n points, m LFs]; got shape {L.shape}."
        )
    n, m = L.shape
    if n == 0 and not allow_empty:
        raise ValueError(f"{name} is empty: it has 0 rows (no data points).")
    if m == 0:
        raise ValueError(f"{name} has 0 columns (no labeling functions).")
    if n_lfs is not None and m != n_lfs:
        raise ValueError(
            f"{name} has {m} columns but {n_lfs} LFs were expected "
            "(the model was fit on a matrix with that many LFs)."
        )
    if L.dtype.kind == "b":
        raise ValueError(f"{name} has dtype bool; expected integer labels.")
    if L.dtype.kind == "f":
        nan = np.isnan(L)
        if nan.any():
            r, c = _first_bad(nan)
            raise ValueError(
                f"{name} contains NaN ({int(nan.sum())} entries), first at row {r}, "
                f"column {c}; use -1 for abstain."
            )
        frac = L != np.round(L)
        if frac.any():
            r, c = _first_bad(frac)
            raise ValueError(
                f"{name} has non-integer value {L[r, c]!r} at row {r}, column {c}."
            )
    elif L.dtype.kind not in "iu":
        kind = " (non-numeric)" if L.dtype.kind in "USOV" else ""
        raise ValueError(f"{name} has dtype {L.dtype}{kind}; expected integer labels.")
    if L.dtype.kind != "i":  # floats and unsigned ints: smallest signed type that fits
        top = int(L.max()) if L.size else 0
        L = L.astype(np.int8 if top < 127 else np.int64)
    if n:
        low = L < ABSTAIN
        if low.any():
            r, c = _first_bad(low)
            raise ValueError(
                f"{name} has value {L[r, c]} at row {r}, column {c}; labels must be "
                "-1 (abstain) or in 0..k-1."
            )
        if cardinality is not None:
            high = L >= cardinality
            if high.any():
                r, c = _first_bad(high)
                raise ValueError(
                    f"{name} has label {L[r, c]} at row {r}, column {c}, outside "
                    f"0..{cardinality - 1} for cardinality k={cardinality}."
                )
    return L


def _is_sparse(L: Any) -> bool:
    """``scipy.sparse.issparse`` without importing scipy when nobody else has.

    A sparse matrix can only exist once ``scipy.sparse`` is imported, so the
    check costs nothing for dense input in a session that never used scipy.
    """
    sparse = sys.modules.get("scipy.sparse")
    return sparse is not None and sparse.issparse(L)


def _sparse_to_dense(L: sp.spmatrix) -> np.ndarray:
    import scipy.sparse as sp

    coo = sp.coo_matrix(L)
    if coo.nnz and (coo.data < 0).any():
        dense = np.full(coo.shape, ABSTAIN, dtype=np.int64)
        dense[coo.row, coo.col] = coo.data
        return dense
    return coo.toarray().astype(np.int64) - 1


def infer_cardinality(L: np.ndarray, Y: np.ndarray | None = None) -> int:
    """Smallest ``k`` consistent with the labels seen (at least 2).

    Parameters
    ----------
    L : numpy.ndarray
        ``[n, m]`` label matrix (``-1`` = abstain).
    Y : numpy.ndarray, optional
        Gold labels, which may show a class no LF votes for.

    Returns
    -------
    int

    Examples
    --------
    >>> infer_cardinality(np.array([[0, -1], [2, 1]]))
    3
    """
    top = int(L.max()) if L.size else -1
    if Y is not None and len(Y):
        top = max(top, int(np.max(Y)))
    return max(2, top + 1)


def check_gold(
    Y: Any, n: int, cardinality: int | None = None, name: str = "Y"
) -> np.ndarray:
    """Validate gold labels: a length-``n`` integer vector in 0..k-1 (-1 = unknown).

    Parameters
    ----------
    Y : array-like
        Gold labels.
    n : int
        The number of rows they must match.
    cardinality : int, optional
        ``k``; labels must lie in ``0..k-1`` when given.
    name : str, default "Y"
        The argument name used in error messages.

    Returns
    -------
    numpy.ndarray
        ``[n]`` int64 labels.

    Raises
    ------
    ValueError
        Naming the problem: wrong length or shape, non-integers, NaN, or a label
        out of range.

    Examples
    --------
    >>> check_gold([0, 1, -1], 3, cardinality=2).tolist()
    [0, 1, -1]
    """
    Y = np.asarray(Y)
    if Y.ndim != 1:
        raise ValueError(f"{name} must be 1-dimensional; got shape {Y.shape}.")
    if len(Y) != n:
        raise ValueError(
            f"{name} has {len(Y)} labels but the label matrix has {n} rows."
        )
    if Y.dtype.kind == "f":
        if np.isnan(Y).any():
            raise ValueError(
                f"{name} contains NaN at index {int(np.argmax(np.isnan(Y)))}."
            )
        if (Y != np.round(Y)).any():
            raise ValueError(f"{name} contains non-integer labels.")
    elif Y.dtype.kind not in "iu":
        raise ValueError(f"{name} has dtype {Y.dtype}; expected integer labels.")
    Y = Y.astype(np.int64, copy=False)
    bad = (Y < -1) | ((Y >= cardinality) if cardinality is not None else False)
    if np.any(bad):
        i = int(np.argmax(bad))
        raise ValueError(f"{name} has label {Y[i]} at index {i}, outside -1..k-1.")
    return Y


def one_hot(L: np.ndarray, cardinality: int) -> sp.csr_matrix:
    """Sparse [n, m*k] indicator matrix: column ``j*k + y`` is 1 where LF j voted y.

    The building block of every pairwise statistic: ``O.T @ O`` gives all
    LF-pair/label-pair co-occurrence counts in one sparse product, and such
    products sum over row chunks (the sufficient statistics of label models).

    Parameters
    ----------
    L : numpy.ndarray
        ``[n, m]`` label matrix (``-1`` = abstain, which sets no column).
    cardinality : int
        ``k``.

    Returns
    -------
    scipy.sparse.csr_matrix
        ``[n, m * k]`` float 0/1 entries.

    Examples
    --------
    >>> one_hot(np.array([[1, -1]]), 2).toarray().tolist()
    [[0.0, 1.0, 0.0, 0.0]]
    """
    import scipy.sparse as sp

    n, m = L.shape
    rows, cols = np.nonzero(L != ABSTAIN)
    data = np.ones(len(rows), dtype=np.float64)
    idx = cols * cardinality + L[rows, cols]
    return sp.csr_matrix((data, (rows, idx)), shape=(n, m * cardinality))
