"""ONNX export with an onnxruntime parity gate, and the student store.

Exporting is only half the job: skl2onnx re-implements tokenisation, and some
vectoriser settings drift from scikit-learn on real text. So every export is
run back through onnxruntime (via :mod:`snorkel_nb.distill.serve`, the code a
deployment uses) on held-out text and compared with the in-memory student;
a max absolute difference above ``atol`` (1e-4) raises :class:`ParityError`.
Students are saved with :func:`snorkel_nb.io.save_artifact` (atomic,
checksummed, no pickles); the ONNX file carries the lineage in its metadata.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from snorkel_nb import io
from snorkel_nb.distill.core import Lineage
from snorkel_nb.distill.features import FeatureSet
from snorkel_nb.distill.serve import LINEAGE_KEY, PREPROCESS_KEY, OnnxStudent
from snorkel_nb.distill.students import Student, make_student

PARITY_ATOL = 1e-4
ARTIFACT_KIND = "snorkel_nb.distill.student"


class ParityError(AssertionError):
    """onnxruntime's probabilities differ from the in-memory student's."""


def onnx_available() -> bool:
    """True when onnx, onnxruntime, skl2onnx and onnxscript all import.

    A broken install (e.g. a protobuf older than onnx was built for) counts
    as absent.
    """
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
        import onnxscript  # noqa: F401
        import skl2onnx  # noqa: F401
    except Exception:  # noqa: BLE001 - ImportError, protobuf VersionError, ...
        return False
    return True


@dataclasses.dataclass(frozen=True)
class ExportResult:
    """The written file, its size, and the parity measured on ``n_checked`` rows.

    Attributes
    ----------
    path : pathlib.Path
        The ``.onnx`` file.
    size_bytes : int
        Its size.
    max_abs_diff : float
        Largest absolute probability difference, onnxruntime vs the student.
    n_checked : int
        Rows the difference was measured on.
    """

    path: Path
    size_bytes: int
    max_abs_diff: float
    n_checked: int


def _lineage_of(student: Student) -> dict[str, Any]:
    lin = getattr(student, "lineage_", None)
    return lin.to_dict() if isinstance(lin, Lineage) else {}


def export_onnx(
    student: Student,
    path: str | os.PathLike,
    check_texts: Sequence[str],
    features: FeatureSet | None = None,
    atol: float = PARITY_ATOL,
) -> ExportResult:
    """Write ``student`` to ``path`` as ONNX and gate it on onnxruntime parity.

    Parameters
    ----------
    student
        A fitted student.
    path
        Where the ``.onnx`` file goes (one self-contained file).
    check_texts
        Held-out raw strings for the parity check (use real, unseen text:
        accents, emoji, URLs).
    features
        Re-checks that the student's column is servable before anything ships.
    atol
        The largest max absolute probability difference accepted.

    Returns
    -------
    ExportResult
        The file, its size, the largest difference seen and the rows checked.

    Raises
    ------
    ParityError
        If onnxruntime differs from the student by more than ``atol``; the
        message names the worst text and suggests the hashed or torch student
        (they tokenise outside the graph, in Python, exactly as in training).
    NonServableFeatureError
        If ``features`` does not declare the student's column servable.

    Examples
    --------
    >>> import tempfile
    >>> from snorkel_nb.distill.students import HashedLinear
    >>> s = HashedLinear(n_buckets=256).fit(["buy it", "nice song"],
    ...                                     [[0.1, 0.9], [0.9, 0.1]])
    >>> with tempfile.TemporaryDirectory() as d:
    ...     r = export_onnx(s, f"{d}/s.onnx", ["buy now", "café 🎵"])
    >>> r.n_checked, r.max_abs_diff <= PARITY_ATOL
    (2, True)
    """
    import onnx

    if features is not None:
        features.check_servable([student.text_column], "an exported student")
    proto, preprocess = student.onnx_model()
    meta = {
        PREPROCESS_KEY: json.dumps(preprocess),
        LINEAGE_KEY: json.dumps(_lineage_of(student)),
        "snorkel_nb.student_kind": student.kind,
    }
    del proto.metadata_props[:]
    for key, value in meta.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    path = Path(path)
    io.atomic_write_bytes(path, proto.SerializeToString())
    onnx.checker.check_model(str(path))
    texts = list(check_texts)
    got = OnnxStudent(str(path)).predict_proba(texts)
    want = student.predict_proba(texts)
    diff = np.abs(got - want).max(1)
    worst = int(diff.argmax())
    if diff[worst] > atol:
        raise ParityError(
            f"ONNX export of {student.kind} differs from the in-memory student by "
            f"{diff[worst]:.3g} > {atol:g} (max over {len(texts)} rows; worst text "
            f"{texts[worst][:80]!r}). The converted vectoriser is not faithful on "
            "this text: use HashedLinear or TorchBag (tokenised in Python, outside "
            "the graph) or change the vectoriser settings."
        )
    return ExportResult(path, path.stat().st_size, float(diff.max()), len(texts))


def read_onnx_lineage(path: str | os.PathLike) -> Lineage | None:
    """The :class:`Lineage` stored in an exported file's metadata (None if absent).

    Parameters
    ----------
    path : str or os.PathLike
        An ``.onnx`` file written by :func:`export_onnx`.

    Returns
    -------
    Lineage or None

    Raises
    ------
    ValueError
        If the file was not exported by :func:`export_onnx`.
    """
    d = OnnxStudent(str(path)).lineage
    return Lineage.from_dict(d) if d else None


def save_student(student: Student, path: str | os.PathLike) -> Path:
    """Save a fitted student (config + arrays + lineage), atomically and checksummed.

    Parameters
    ----------
    student : Student
        A fitted student.
    path : str or os.PathLike
        The JSON file to write (arrays go to ``path.npz`` beside it).

    Returns
    -------
    pathlib.Path
        The JSON file written; give it to :func:`load_student`.

    Raises
    ------
    RuntimeError
        If the student is not fitted.

    Examples
    --------
    >>> import tempfile
    >>> from snorkel_nb.distill.students import HashedLinear
    >>> s = HashedLinear(n_buckets=256).fit(["buy it", "nice song"],
    ...                                     [[0.1, 0.9], [0.9, 0.1]])
    >>> with tempfile.TemporaryDirectory() as d:
    ...     t = load_student(save_student(s, f"{d}/s.json"))
    >>> bool(np.allclose(t.predict_proba(["buy"]), s.predict_proba(["buy"])))
    True
    """
    config = {"kind": student.kind, "params": student.get_config()}
    return io.save_artifact(
        path,
        ARTIFACT_KIND,
        config,
        student.state(),  # type: ignore[attr-defined]
        meta={"lineage": _lineage_of(student)},
    )


def load_student(path: str | os.PathLike) -> Student:
    """Load a student saved by :func:`save_student` (lineage back in ``lineage_``).

    Parameters
    ----------
    path : str or os.PathLike
        The JSON file :func:`save_student` returned.

    Returns
    -------
    Student
        Fitted, of the saved kind and settings.

    Raises
    ------
    ValueError
        If the artefact is of another kind or fails its checksum.
    """
    config, arrays, meta = io.load_artifact(path, kind=ARTIFACT_KIND)
    params = {
        k: tuple(v) if isinstance(v, list) else v for k, v in config["params"].items()
    }
    params.setdefault("max_chars", None)  # saved before the input budget existed
    student = make_student(config["kind"], **params)
    student._set_state(arrays)  # type: ignore[attr-defined]
    if meta.get("lineage"):
        student.lineage_ = Lineage.from_dict(meta["lineage"])  # type: ignore[attr-defined]
    return student
