"""``distill``: train a student on a teacher's soft labels, keep the lineage.

Why soft labels: the teacher's probabilities say how sure it is; its arg-max
throws that away, so on points it is unsure about (LFs in conflict, or none
firing) hard labels teach noise at full weight. ``temperature`` > 1 softens
the targets (``p ** (1 / T)`` renormalised, i.e. a softmax of ``log p / T``);
``confidence_weight`` weights each row by the teacher's top probability.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from typing import Any

import numpy as np

from snorkel_nb.distill.features import FeatureSet, servable_texts
from snorkel_nb.distill.serve import check_texts
from snorkel_nb.distill.students import Student
from snorkel_nb.distill.teachers import Teacher, as_teacher, check_probs, data_hash


@dataclasses.dataclass(frozen=True)
class Lineage:
    """Where a student came from: teacher, tasks, LF set, data, settings.

    Attributes
    ----------
    teacher, teacher_class : str
        The teacher's name and class.
    tasks, lf_names : tuple of str
        The teacher's tasks and the LFs behind it.
    lf_version : str or None
        Version (hash) of the LF set.
    data_sha256, teacher_probs_sha256 : str
        sha256 of the training texts and of the teacher's probabilities
        (before temperature or arg-max).
    n_rows, cardinality : int
        Training rows and classes.
    student_kind : str
        The student class's ``kind``.
    student_config : dict
        The student's settings.
    temperature : float
        Temperature the targets were softened at.
    confidence_weight, soft : bool
        Whether rows were weighted by teacher confidence, and whether soft
        (not arg-max) targets were used.
    features : dict or None
        The :class:`FeatureSet` checked (``to_dict``), if any.
    created_utc : str
        ISO time of the distillation.
    """

    teacher: str
    teacher_class: str
    tasks: tuple[str, ...]
    lf_names: tuple[str, ...]
    lf_version: str | None
    data_sha256: str
    teacher_probs_sha256: str
    n_rows: int
    cardinality: int
    student_kind: str
    student_config: dict[str, Any]
    temperature: float
    confidence_weight: bool
    soft: bool
    features: dict[str, list[str]] | None
    created_utc: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (tuples as lists), as stored in artefacts and ONNX."""
        d = dataclasses.asdict(self)
        d["tasks"], d["lf_names"] = list(self.tasks), list(self.lf_names)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Lineage":
        """Rebuild from :meth:`to_dict` output."""
        d = dict(d)
        d["tasks"], d["lf_names"] = tuple(d["tasks"]), tuple(d["lf_names"])
        return cls(**d)


def soften(probs: np.ndarray, temperature: float) -> np.ndarray:
    """Targets at ``temperature`` (1 = unchanged): ``p ** (1/T)``, renormalised.

    Parameters
    ----------
    probs : numpy.ndarray
        [n, k] probabilities.
    temperature : float
        > 1 flattens the targets, < 1 sharpens them.

    Returns
    -------
    numpy.ndarray
        [n, k] rows summing to 1 (``probs`` itself at temperature 1).

    Raises
    ------
    ValueError
        If ``temperature`` is not > 0.

    Examples
    --------
    >>> soften(np.array([[0.2, 0.8]]), 2.0).round(3).tolist()
    [[0.333, 0.667]]
    """
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0; got {temperature}.")
    if temperature == 1:
        return probs
    logp = np.log(np.clip(probs, 1e-12, 1.0)) / temperature
    e = np.exp(logp - logp.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def distill(
    teacher: Any,
    student: Student,
    X_servable: Any,
    *,
    X_teacher: Any = None,
    teacher_probs: Any = None,
    features: FeatureSet | None = None,
    temperature: float = 1.0,
    confidence_weight: bool = False,
    soft: bool = True,
    cardinality: int | None = None,
) -> Student:
    """Fit ``student`` on ``X_servable`` to the teacher's (soft) labels.

    Parameters
    ----------
    teacher
        A :class:`~snorkel_nb.distill.teachers.Teacher` or any model with
        ``predict_proba``.
    student
        An unfitted student (:mod:`snorkel_nb.distill.students`).
    X_servable
        What the student sees: a DataFrame of servable columns or a sequence
        of strings, row-aligned with the teacher's input.
    X_teacher
        The teacher's input for the same rows (may hold non-servable
        features); default ``X_servable``.
    teacher_probs
        Precomputed ``[n, k]`` teacher probabilities (skips the teacher call).
    features
        The :class:`FeatureSet`; a student touching a non-servable or
        undeclared feature raises ``NonServableFeatureError``.
    temperature, confidence_weight, soft
        Target temperature, weighting rows by teacher confidence, and
        ``soft=False`` to train on the arg-max (one-hot) instead.
    cardinality
        Expected number of classes; a teacher giving another count raises.

    Returns
    -------
    The fitted student, with ``lineage_`` (a :class:`Lineage`) set.

    Examples
    --------
    >>> from snorkel_nb.distill.students import HashedLinear
    >>> class KeywordTeacher:
    ...     def predict_proba(self, texts):
    ...         return np.array([[0.1, 0.9] if "buy" in t else [0.8, 0.2]
    ...                          for t in texts])
    >>> s = distill(KeywordTeacher(), HashedLinear(n_buckets=512),
    ...             ["buy now", "nice song", "buy it", "great video"])
    >>> s.predict(["buy"]).tolist(), s.lineage_.n_rows
    ([1], 4)
    """
    t: Teacher = as_teacher(teacher)
    texts = check_texts(
        servable_texts(X_servable, student.text_column, features), "X_servable texts"
    )
    if teacher_probs is None:
        teacher_probs = t.predict_proba(X_servable if X_teacher is None else X_teacher)
    k = cardinality if cardinality is not None else t.cardinality
    p = check_probs(
        teacher_probs,
        n=len(texts),
        cardinality=k,
        what=f"teacher {t.name!r} probabilities",
    )
    targets = soften(p, temperature)
    if not soft:
        targets = np.eye(p.shape[1])[p.argmax(1)]
    weight = p.max(1) if confidence_weight else None
    student.fit(texts, targets, sample_weight=weight)
    desc = t.describe()
    student.lineage_ = Lineage(  # type: ignore[attr-defined]
        teacher=desc["teacher"],
        teacher_class=desc["teacher_class"],
        tasks=tuple(desc["tasks"]),
        lf_names=tuple(desc["lf_names"]),
        lf_version=desc["lf_version"],
        data_sha256=data_hash(texts),
        teacher_probs_sha256=data_hash(np.ascontiguousarray(p)),
        n_rows=len(texts),
        cardinality=p.shape[1],
        student_kind=student.kind,
        student_config=_jsonable(student.get_config()),
        temperature=float(temperature),
        confidence_weight=bool(confidence_weight),
        soft=bool(soft),
        features=features.to_dict() if features else None,
        created_utc=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    )
    return student


def _jsonable(d: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}
