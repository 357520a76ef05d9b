"""Safe artefact storage: atomic writes, checksums, no pickles.

Every saved artefact is a directory-free pair of plain files: ``<path>`` holds
JSON (config + metadata + the sha256 of the arrays file) and ``<path>.npz``
holds numpy arrays (loaded with ``allow_pickle=False``). Writes go to a temp
file that is renamed into place, so a crash mid-way leaves the previous
version intact.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Mapping

import numpy as np

FORMAT_VERSION = 1


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` via temp file + ``os.replace`` (atomic on POSIX).

    A crash mid-write leaves the previous file intact and no temp file behind.

    Parameters
    ----------
    path : str or os.PathLike
        Destination; missing parent directories are created.
    data : bytes
        The full contents.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "sub" / "a.txt"
    >>> atomic_write_bytes(p, b"hi")
    >>> p.read_bytes()
    b'hi'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def sha256(data: bytes) -> str:
    """Hex sha256 of ``data`` (the artefact checksum)."""
    return hashlib.sha256(data).hexdigest()


def save_artifact(
    path: str | os.PathLike,
    kind: str,
    config: Mapping[str, Any],
    arrays: Mapping[str, np.ndarray] | None = None,
    meta: Mapping[str, Any] | None = None,
) -> Path:
    """Save ``config`` (JSON-able) and ``arrays`` atomically with a checksum.

    The arrays file is written first, then the JSON that names its checksum;
    a reader therefore never sees a JSON pointing at a half-written array file.

    Parameters
    ----------
    path : path
        Where to write: ``path`` (``.json``) and an ``.npz`` beside it.
    kind : str
        The artefact's type (e.g. ``"label_model"``); :func:`load_artifact`
        checks it.
    config : mapping
        JSON-able settings and small values.
    arrays : mapping of str to numpy.ndarray, optional
        Numeric arrays, stored without pickling.
    meta : mapping, optional
        JSON-able provenance (versions, dates).

    Returns
    -------
    pathlib.Path
        The JSON file written.

    Examples
    --------
    >>> import tempfile, os
    >>> p = save_artifact(os.path.join(tempfile.mkdtemp(), "m.json"), "demo",
    ...                   {"k": 2}, {"w": np.arange(3.0)})
    >>> cfg, arrs, _ = load_artifact(p, kind="demo")
    >>> cfg["k"], arrs["w"].tolist()
    (2, [0.0, 1.0, 2.0])
    """
    path = Path(path)
    buf = io.BytesIO()
    np.savez(buf, **{k: np.asarray(v) for k, v in (arrays or {}).items()})
    blob = buf.getvalue()
    atomic_write_bytes(path.with_name(path.name + ".npz"), blob)
    doc = {
        "format_version": FORMAT_VERSION,
        "kind": kind,
        "config": dict(config),
        "meta": dict(meta or {}),
        "arrays_sha256": sha256(blob),
    }
    atomic_write_bytes(path, json.dumps(doc, indent=2, sort_keys=True).encode())
    return path


def load_artifact(
    path: str | os.PathLike, kind: str | None = None
) -> tuple[dict[str, Any], dict[str, np.ndarray], dict[str, Any]]:
    """Load ``(config, arrays, meta)`` saved by :func:`save_artifact`.

    Parameters
    ----------
    path : path
        The JSON file :func:`save_artifact` returned.
    kind : str, optional
        The expected artefact type; ``None`` accepts any.

    Returns
    -------
    tuple of (dict, dict of str to numpy.ndarray, dict)
        The config, the arrays and the metadata.

    Raises
    ------
    FileNotFoundError
        If either file is missing.
    ValueError
        If the checksum does not match (corrupt or partially copied file), or
        the artefact is of another kind.

    Examples
    --------
    >>> import tempfile, os
    >>> p = save_artifact(os.path.join(tempfile.mkdtemp(), "m.json"), "demo", {})
    >>> load_artifact(p, kind="label_model")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: ... holds a 'demo', not a 'label_model'.
    """
    path = Path(path)
    doc = json.loads(path.read_text())
    if kind is not None and doc.get("kind") != kind:
        raise ValueError(f"{path} holds a {doc.get('kind')!r}, not a {kind!r}.")
    blob = path.with_name(path.name + ".npz").read_bytes()
    if sha256(blob) != doc["arrays_sha256"]:
        raise ValueError(
            f"Checksum mismatch for {path}.npz: the file is corrupt or was not "
            "saved together with its JSON."
        )
    with np.load(io.BytesIO(blob), allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    return doc["config"], arrays, doc.get("meta", {})
