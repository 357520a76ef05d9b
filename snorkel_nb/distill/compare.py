"""Where a teacher and its student disagree: the table the teacher/student
view draws, computed in the engine so scripts and tests get it without a UI."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd


def disagreements(
    texts: Sequence[str],
    teacher_probs: np.ndarray,
    student_probs: np.ndarray,
    L: np.ndarray | None = None,
    lf_names: Sequence[str] | None = None,
    Y: Any = None,
) -> pd.DataFrame:
    """Rows where the teacher's and the student's arg-max differ, largest gap first.

    Columns: ``row``, ``text``, ``teacher``/``student`` (predicted class),
    ``p_teacher``/``p_student`` (their probability of the teacher's class),
    ``lfs_fired`` (``name=vote`` for each LF that voted) and ``gold`` when given.

    Parameters
    ----------
    texts : sequence of str
        [n] the rows' texts.
    teacher_probs, student_probs : numpy.ndarray
        [n, k] probabilities of each model.
    L : numpy.ndarray, optional
        [n, m] label matrix behind the teacher, -1 = abstain.
    lf_names : sequence of str, optional
        Names of ``L``'s columns; default ``lf0, lf1, ...``.
    Y : array-like, optional
        [n] gold labels.

    Returns
    -------
    pandas.DataFrame
        One row per disagreement, largest probability gap first.

    Examples
    --------
    >>> d = disagreements(["a", "b"], np.array([[.9, .1], [.2, .8]]),
    ...                   np.array([[.3, .7], [.1, .9]]), L=np.array([[0, -1], [1, 1]]),
    ...                   lf_names=["x", "y"])
    >>> d[["row", "teacher", "student", "lfs_fired"]].values.tolist()
    [[0, 0, 1, 'x=0']]
    """
    tp, sp = np.asarray(teacher_probs), np.asarray(student_probs)
    t_pred, s_pred = tp.argmax(1), sp.argmax(1)
    rows = np.where(t_pred != s_pred)[0]
    df = pd.DataFrame(
        {
            "row": rows,
            "text": [texts[i] for i in rows],
            "teacher": t_pred[rows],
            "student": s_pred[rows],
            "p_teacher": tp[rows, t_pred[rows]],
            "p_student": sp[rows, t_pred[rows]],
        }
    )
    if L is not None:
        names = (
            list(lf_names)
            if lf_names is not None
            else [f"lf{j}" for j in range(L.shape[1])]
        )
        df["lfs_fired"] = [
            ", ".join(f"{names[j]}={L[i, j]}" for j in np.where(L[i] >= 0)[0])
            or "(none)"
            for i in rows
        ]
    if Y is not None:
        df["gold"] = np.asarray(Y)[rows]
    gap = (df["p_teacher"] - df["p_student"]).abs()
    return df.iloc[np.argsort(-gap.to_numpy(), kind="stable")].reset_index(drop=True)


__all__ = ["disagreements"]
