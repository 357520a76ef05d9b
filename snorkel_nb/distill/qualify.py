"""Qualification: train candidate students, measure them, pick one that fits.

Each candidate is distilled from the same (cached) teacher probabilities,
exported to ONNX and measured *as deployed*: latency and size come from the
onnxruntime session and the file, not from the in-memory model. The verdict
is a value (:class:`Qualification`): the table, the chosen candidate or
``None``, and per candidate the constraints it missed. "Best" is the highest
dev accuracy (agreement with the teacher when there is no dev gold), never
the test score, which is only reported.
"""

from __future__ import annotations

import dataclasses
import math
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from snorkel_nb.distill.core import distill
from snorkel_nb.distill.export import PARITY_ATOL, ParityError, export_onnx
from snorkel_nb.distill.features import FeatureSet, servable_texts
from snorkel_nb.distill.serve import OnnxStudent
from snorkel_nb.distill.students import Student
from snorkel_nb.distill.teachers import Teacher, as_teacher


@dataclasses.dataclass(frozen=True)
class Constraints:
    """Deployment limits (``None`` = no limit). Latencies in milliseconds.

    ``latency_clock``: ``"wall"`` (what a caller waits) or ``"cpu"`` (the
    serving thread's CPU time, which leaves out waiting for a core; use it
    to judge the model on a shared, overloaded machine and say so).

    Parameters
    ----------
    max_p99_ms_b1, max_p99_ms_b256 : float or None, default 1.0 and None
        p99 latency budget per call, at batch size 1 and 256.
    max_size_bytes : int or None
        ONNX file size budget.
    min_agreement : float or None
        Least agreement with the teacher's arg-max on test.
    min_dev_accuracy : float or None
        Least dev accuracy.
    max_parity : float, default PARITY_ATOL
        Largest ONNX-vs-student probability difference accepted.
    latency_clock : {"wall", "cpu"}, default "wall"
        Which latency the budgets apply to.

    Raises
    ------
    ValueError
        On an unknown ``latency_clock``.
    """

    max_p99_ms_b1: float | None = 1.0
    max_p99_ms_b256: float | None = None
    max_size_bytes: int | None = None
    min_agreement: float | None = None
    min_dev_accuracy: float | None = None
    max_parity: float = PARITY_ATOL
    latency_clock: str = "wall"

    def __post_init__(self) -> None:
        if self.latency_clock not in ("wall", "cpu"):
            raise ValueError(
                f"latency_clock must be 'wall' or 'cpu'; got {self.latency_clock!r}."
            )

    def misses(self, row: Mapping[str, Any]) -> list[str]:
        """The constraints ``row`` (a measured candidate) misses, in words.

        Examples
        --------
        >>> Constraints(max_p99_ms_b1=1.0, min_agreement=0.9).misses(
        ...     {"p99_ms_b1": 2.5, "agreement": 0.95, "parity": 1e-7})
        ['p99 latency (batch 1) 2.5 ms > 1 ms']
        """
        out = []
        lat, clock = ("cpu_p99", " CPU") if self.latency_clock == "cpu" else ("p99", "")
        checks = [
            (
                f"{lat}_ms_b1",
                self.max_p99_ms_b1,
                f"p99{clock} latency (batch 1)",
                " ms",
                True,
            ),
            (
                f"{lat}_ms_b256",
                self.max_p99_ms_b256,
                f"p99{clock} latency (batch 256)",
                " ms",
                True,
            ),
            ("size_bytes", self.max_size_bytes, "size", " bytes", True),
            ("agreement", self.min_agreement, "agreement with the teacher", "", False),
            ("dev_accuracy", self.min_dev_accuracy, "dev accuracy", "", False),
            ("parity", self.max_parity, "ONNX parity", "", True),
        ]
        for key, limit, label, unit, is_max in checks:
            if limit is None:
                continue
            v = row.get(key, math.nan)
            if v is None or (isinstance(v, float) and math.isnan(v)):
                out.append(f"{label} not measured")
            elif (v > limit) if is_max else (v < limit):
                op = ">" if is_max else "<"
                out.append(f"{label} {v:.4g}{unit} {op} {limit:g}{unit}")
        return out


@dataclasses.dataclass(frozen=True)
class Qualification:
    """The qualification verdict: table, chosen candidate, message.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per teacher / student, as returned by :func:`qualify`.
    best : str or None
        The chosen student; ``None`` when none qualifies.
    constraints : Constraints
        The limits judged against.
    onnx_paths : dict of str to pathlib.Path
        Each exported student's ONNX file.
    """

    table: pd.DataFrame
    best: str | None
    constraints: Constraints
    onnx_paths: dict[str, Path]

    @property
    def message(self) -> str:
        """One plain sentence (or a list of misses when none qualifies)."""
        t = self.table[self.table["role"] == "student"]
        if self.best is not None:
            r = t.loc[t["candidate"] == self.best].iloc[0]
            cpu = self.constraints.latency_clock == "cpu"
            lat, label = ("cpu_p99_ms_b1", "p99 CPU") if cpu else ("p99_ms_b1", "p99")
            parts = [
                f"{label} {r[key]:{spec}}{unit}"
                for key, label, spec, unit in (
                    ("dev_accuracy", "dev accuracy", ".3f", ""),
                    ("agreement", "agreement", ".3f", ""),
                    (lat, label, ".3g", " ms at batch 1"),
                    ("size_bytes", "size", ".0f", " bytes"),
                )
                if key in r and r[key] == r[key]
            ]
            return f"{self.best} qualifies and is chosen ({', '.join(parts)})."
        lines = [f"{r['candidate']}: {r['missed']}" for _, r in t.iterrows()]
        return "none qualifies: " + "; ".join(lines)


def select(
    table: pd.DataFrame, constraints: Constraints
) -> tuple[pd.DataFrame, str | None]:
    """Mark each student row ``qualifies``/``missed``; return the best qualifying.

    Best = highest ``dev_accuracy`` (ties and missing dev gold: ``agreement``).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per candidate: ``candidate``, ``role`` (only ``"student"``
        rows are judged), ``agreement`` and the measured columns the
        constraints read (``p99_ms_b1``, ``parity``, ``dev_accuracy``, ...).
    constraints : Constraints
        The deployment limits.

    Returns
    -------
    marked : pandas.DataFrame
        A copy of ``table`` with ``qualifies`` (bool; None for non-students)
        and ``missed`` (the missed constraints, in words).
    best : str or None
        The best qualifying candidate's name; ``None`` if none qualifies.

    Examples
    --------
    >>> t = pd.DataFrame({"candidate": ["a", "b", "c"], "role": "student",
    ...                   "dev_accuracy": [0.95, 0.90, 0.93],
    ...                   "agreement": [0.9, 0.9, 0.9], "p99_ms_b1": [3.0, 0.5, 0.6],
    ...                   "parity": 1e-7})
    >>> marked, best = select(t, Constraints(max_p99_ms_b1=1.0))
    >>> best, marked["qualifies"].tolist()
    ('c', [False, True, True])
    """
    t = table.copy()
    is_student = t["role"] == "student"
    missed = [
        constraints.misses(r) if s else []
        for s, (_, r) in zip(is_student, t.iterrows())
    ]
    t["qualifies"] = [not m if s else None for s, m in zip(is_student, missed)]
    t["missed"] = ["; ".join(m) if s else "" for s, m in zip(is_student, missed)]
    ok = t[is_student & (t["qualifies"] == True)]  # noqa: E712 - object column
    if ok.empty:
        return t, None
    dev = ok["dev_accuracy"] if "dev_accuracy" in ok else pd.Series(np.nan, ok.index)
    key = pd.DataFrame({"dev": dev.fillna(-1.0), "agr": ok["agreement"].fillna(-1.0)})
    best = key.sort_values(["dev", "agr"], ascending=False, kind="stable").index[0]
    return t, str(t.loc[best, "candidate"])


def measure_latency(
    model: OnnxStudent,
    texts: Sequence[str],
    batch_size: int = 1,
    n_runs: int = 200,
    warmup: int = 50,
) -> dict[str, float]:
    """Milliseconds per ``predict_proba`` call on raw texts (preprocessing included),
    cycling through ``texts`` ``batch_size`` at a time.

    Each call is timed with ``time.perf_counter_ns`` (wall) and
    ``time.process_time_ns`` (this process's CPU time) after ``warmup`` calls.
    Returns ``p50``/``p99`` (wall) and ``cpu_p50``/``cpu_p99``: on a loaded
    machine the wall p99 measures the scheduler, the CPU time the model (the
    session must run with one thread, as :class:`OnnxStudent` does, for the
    CPU time to be per call). With ``n_runs`` a multiple of ``len(texts)``
    every text weighs the same in the percentiles.

    Parameters
    ----------
    model : OnnxStudent
        Anything with ``predict_proba(list of str)``.
    texts : sequence of str
        Texts to cycle through; non-empty.
    batch_size : int, default 1
        Texts per call.
    n_runs : int, default 200
        Timed calls (>= 1).
    warmup : int, default 50
        Untimed calls first.

    Returns
    -------
    dict of str to float
        ``p50``, ``p99``, ``cpu_p50``, ``cpu_p99`` in milliseconds.

    Raises
    ------
    ValueError
        If ``texts`` is empty or ``n_runs < 1``.

    Examples
    --------
    >>> class Echo:
    ...     def predict_proba(self, batch):
    ...         return [[0.5, 0.5]] * len(batch)
    >>> lat = measure_latency(Echo(), ["a", "b"], n_runs=20, warmup=2)
    >>> sorted(lat), lat["p50"] <= lat["p99"]
    (['cpu_p50', 'cpu_p99', 'p50', 'p99'], True)
    """
    texts = list(texts)
    if not texts or n_runs < 1:
        raise ValueError(
            f"need texts and n_runs >= 1; got {len(texts)} texts, n_runs={n_runs}."
        )
    wall = np.empty(n_runs, dtype=np.int64)
    cpu = np.empty(n_runs, dtype=np.int64)
    for i in range(warmup + n_runs):
        start = (i * batch_size) % len(texts)
        batch = (texts[start:] + texts)[:batch_size]
        t0, c0 = time.perf_counter_ns(), time.process_time_ns()
        model.predict_proba(batch)
        t1, c1 = time.perf_counter_ns(), time.process_time_ns()
        if i >= warmup:
            wall[i - warmup], cpu[i - warmup] = t1 - t0, c1 - c0
    ms_wall, ms_cpu = wall / 1e6, cpu / 1e6
    return {
        "p50": float(np.percentile(ms_wall, 50)),
        "p99": float(np.percentile(ms_wall, 99)),
        "cpu_p50": float(np.percentile(ms_cpu, 50)),
        "cpu_p99": float(np.percentile(ms_cpu, 99)),
    }


def _f1(y: np.ndarray, pred: np.ndarray, k: int) -> float:
    """Binary: F1 of class 1; multi-class: macro F1."""
    from sklearn.metrics import f1_score

    return float(
        f1_score(
            y,
            pred,
            average="binary" if k == 2 else "macro",
            labels=None if k == 2 else list(range(k)),
            zero_division=0,
        )
    )


def qualify(
    candidates: Mapping[str, Student],
    teacher: Any,
    X_train: Any,
    *,
    X_test: Any,
    Y_test: Any,
    X_dev: Any = None,
    Y_dev: Any = None,
    X_teacher_train: Any = None,
    X_teacher_test: Any = None,
    constraints: Constraints = Constraints(),
    features: FeatureSet | None = None,
    temperature: float = 1.0,
    confidence_weight: bool = False,
    workdir: str | None = None,
    n_latency: int | Mapping[int, int] = 200,
    latency_batches: Sequence[int] = (1, 256),
) -> Qualification:
    """Distill, export and measure every candidate; pick the best that qualifies.

    Parameters
    ----------
    candidates
        Name -> unfitted student.
    teacher
        A :class:`~snorkel_nb.distill.teachers.Teacher` (or bare model);
        its probabilities are cached, so it runs once per split.
    X_train, X_test, X_dev
        Servable inputs (DataFrame or strings).
    X_teacher_train, X_teacher_test
        The teacher's inputs for the train and test rows (may hold
        non-servable features); default: the servable ones.
    Y_test, Y_dev
        Gold labels: the test split is reported, the dev split selects.
    constraints
        :class:`Constraints`.
    features
        :class:`FeatureSet` the students' inputs are checked against.
    temperature, confidence_weight
        Passed to :func:`~snorkel_nb.distill.distill`.
    workdir
        Where the ONNX files go (default: a temporary directory).
    n_latency, latency_batches
        Timed runs per batch size (one number, or batch size -> runs).

    Returns
    -------
    Qualification
        A table of the teacher and every student: ``accuracy``, ``f1``
        (test), ``dev_accuracy``, ``agreement`` (with the teacher's arg-max on
        test), ``p50_ms_b1``, ``p99_ms_b1``, ``p50_ms_b256``, ``p99_ms_b256``
        (per batch; ``cpu_p99_ms_b*`` too), ``size_bytes`` (ONNX file),
        ``parity`` (max absolute probability difference on every test row),
        ``qualifies`` and ``missed``; plus the chosen candidate.

    Raises
    ------
    ValueError
        If no candidates are given or they read different text columns.
    NonServableFeatureError
        If ``features`` does not declare an input column servable.

    Warns
    -----
    UserWarning
        For a candidate that does not export, or whose ONNX parity exceeds
        ``constraints.max_parity``.

    Examples
    --------
    >>> import tempfile
    >>> from snorkel_nb.distill.students import HashedLinear
    >>> class Keyword:
    ...     def predict_proba(self, texts):
    ...         p = np.array([0.9 if "buy" in t else 0.1 for t in texts])
    ...         return np.stack([1 - p, p], 1)
    >>> texts = ["buy now", "nice song", "buy it", "love it"] * 5
    >>> with tempfile.TemporaryDirectory() as d:
    ...     q = qualify({"hashed": HashedLinear(n_buckets=256)}, Keyword(), texts,
    ...                 X_test=texts, Y_test=[1, 0, 1, 0] * 5, workdir=d,
    ...                 constraints=Constraints(max_p99_ms_b1=None),
    ...                 n_latency=5, latency_batches=(1,))
    >>> q.best, q.table["qualifies"].tolist()
    ('hashed', [None, True])
    """
    t: Teacher = as_teacher(teacher)
    Y_test = np.asarray(Y_test)
    test_texts = servable_texts(X_test, _column(candidates), features, "a student")
    p_train = t.predict_proba(X_train if X_teacher_train is None else X_teacher_train)
    p_test = t.predict_proba(X_test if X_teacher_test is None else X_teacher_test)
    k = p_train.shape[1]
    teacher_pred = p_test.argmax(1)
    rows = [
        {
            "candidate": t.name,
            "role": "teacher",
            "accuracy": float(np.mean(teacher_pred == Y_test)),
            "f1": _f1(Y_test, teacher_pred, k),
            "agreement": 1.0,
        }
    ]
    if X_dev is not None and Y_dev is not None:
        dev_texts = servable_texts(X_dev, _column(candidates), features, "a student")
    out_dir = Path(workdir or tempfile.mkdtemp(prefix="snorkel_nb_qualify_"))
    paths: dict[str, Path] = {}
    for name, student in candidates.items():
        distill(
            t,
            student,
            X_train,
            teacher_probs=p_train,
            features=features,
            temperature=temperature,
            confidence_weight=confidence_weight,
            cardinality=k,
        )
        pred = student.predict(test_texts)
        row: dict[str, Any] = {
            "candidate": name,
            "role": "student",
            "kind": student.kind,
            "accuracy": float(np.mean(pred == Y_test)),
            "f1": _f1(Y_test, pred, k),
            "agreement": float(np.mean(pred == teacher_pred)),
        }
        if X_dev is not None and Y_dev is not None:
            row["dev_accuracy"] = student.score(dev_texts, Y_dev)
        path = out_dir / f"{name}.onnx"
        try:
            res = export_onnx(
                student, path, test_texts, features=features, atol=math.inf
            )
        except Exception as exc:  # noqa: BLE001 - a candidate that cannot export
            warnings.warn(f"candidate {name!r} did not export: {exc}", stacklevel=2)
            row["parity"] = math.nan
            rows.append(row)
            continue
        row.update(parity=res.max_abs_diff, size_bytes=res.size_bytes)
        if res.max_abs_diff > constraints.max_parity:
            warnings.warn(
                str(
                    ParityError(
                        f"candidate {name!r}: ONNX parity {res.max_abs_diff:.3g} > "
                        f"{constraints.max_parity:g}"
                    )
                ),
                stacklevel=2,
            )
        paths[name] = path
        served = OnnxStudent(str(path))
        for b in latency_batches:
            runs = n_latency if isinstance(n_latency, int) else n_latency[b]
            lat = measure_latency(served, test_texts, b, runs)
            for key, value in lat.items():
                row[f"{key}_ms_b{b}"] = value
        rows.append(row)
    table, best = select(pd.DataFrame(rows), constraints)
    return Qualification(table, best, constraints, paths)


def _column(candidates: Mapping[str, Student]) -> str:
    if not candidates:
        raise ValueError("no candidate students given.")
    cols = {s.text_column for s in candidates.values()}
    if len(cols) != 1:
        raise ValueError(f"candidates read different text columns {sorted(cols)}.")
    return cols.pop()
