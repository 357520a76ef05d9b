"""TaskRegistry: the central model's embedded store (SQLite + checksummed files).

Why SQLite: it ships with Python, needs no server, and gives transactions;
WAL mode lets readers run while one writer commits, and ``BEGIN IMMEDIATE``
with a busy timeout serialises writers from several processes, so two
processes registering at once never corrupt the store.

Arrays and weights never go into the database: they are **immutable**
artefacts under ``<path>.files/`` written with
:func:`snorkel_nb.io.save_artifact` (temp file + rename, sha256 checked on
load). A save writes its files first and then, in one transaction, the rows
that name them; an interrupted save (an exception or a killed process) leaves
at most orphan files that no row points to, so the previous version stays
loadable and the database consistent.

Tables: ``tasks`` (name, labels, parents + mapping, prediction dependencies),
``lfs`` (task, name, source text, source hash, tasks whose predictions it
reads; one row per distinct source), ``task_lfs`` (the working LF set),
``artifacts`` (label matrices, label models, heads, trunks: kind, file,
inputs they were computed from), ``versions`` (parent, created, message,
metrics, the manifest: which artefact and which LF hashes each task used),
``meta`` (current version).
"""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import numpy as np


class RegistryError(RuntimeError):
    """The registry cannot do what was asked (the message says why)."""


class CorruptArtifactError(RegistryError):
    """An artefact file is missing or fails its checksum; ``path`` names it."""

    def __init__(self, path: str | os.PathLike, why: str) -> None:
        super().__init__(f"artefact file {os.fspath(path)!r} {why}")
        self.path = Path(path)


@dataclasses.dataclass(frozen=True)
class LFRecord:
    """One LF as stored: its source text and the hash the versions refer to."""

    task: str
    name: str
    source: str
    source_hash: str
    uses: tuple[str, ...] = ()
    created: float = 0.0


@dataclasses.dataclass(frozen=True)
class TaskRecord:
    """One task as stored: labels, graph parents (with mappings), dependencies."""

    name: str
    labels: tuple[str, ...]
    parents: dict[str, dict[str, str]]  # parent -> {child_label: parent_label}
    created: float = 0.0


@dataclasses.dataclass(frozen=True)
class ArtifactRecord:
    """An immutable stored object: ``kind`` in {"label_matrix", "label_model",
    "head", "trunk", "data"}; ``inputs`` are the ids/hashes it was computed from."""

    id: str
    kind: str
    task: str | None
    file: str
    inputs: dict[str, Any]
    created: float = 0.0


@dataclasses.dataclass(frozen=True)
class VersionInfo:
    """One version of the central model.

    ``tasks`` maps each task to its manifest entry ``{"label_matrix": id,
    "label_model": id, "head": id, "lfs": {name: source_hash}}``; ``trunk`` is
    the trunk artefact id; ``metrics`` is ``{task: {metric: value}}``.
    """

    id: int
    parent: int | None
    created: float
    message: str
    trunk: str | None
    tasks: dict[str, dict[str, Any]]
    graph: dict[str, Any]
    metrics: dict[str, dict[str, float]]

    @property
    def task_names(self) -> list[str]:
        return list(self.tasks)

    def lf_hashes(self, task: str) -> dict[str, str]:
        return dict(self.tasks[task].get("lfs", {}))


class TaskRegistry:
    """SQLite registry of tasks, LFs, artefacts and versions at ``path``.

    Parameters
    ----------
    path
        The database file (created if absent); artefact files go to
        ``<path>.files/``.
    timeout
        Seconds a writer waits for another process's transaction.

    Examples
    --------
    >>> import tempfile, os
    >>> reg = TaskRegistry(os.path.join(tempfile.mkdtemp(), "central.db"))
    >>> reg.register_task("coarse", ["HUM", "LOC"])
    >>> [t.name for t in reg.tasks()]
    ['coarse']
    """

    def __init__(self, path: str | os.PathLike, timeout: float = 30.0) -> None:
        raise NotImplementedError

    # -- tasks and LFs -----------------------------------------------------------
    def register_task(self, name: str, labels: Sequence[str],
                      parents: Mapping[str, Mapping[str, str]] | None = None) -> None:
        """Insert a task (error if the name exists)."""
        raise NotImplementedError

    def remove_task(self, name: str) -> None:
        raise NotImplementedError

    def tasks(self) -> list[TaskRecord]:
        raise NotImplementedError

    def register_lf(self, task: str, name: str, source: str,
                    uses: Sequence[str] = ()) -> LFRecord:
        """Put ``name`` (with this source) in ``task``'s working LF set."""
        raise NotImplementedError

    def remove_lf(self, task: str, name: str) -> None:
        raise NotImplementedError

    def lfs(self, task: str | None = None) -> list[LFRecord]:
        """The working LF set (of one task, or of all)."""
        raise NotImplementedError

    def lf_by_hash(self, source_hash: str) -> LFRecord:
        raise NotImplementedError

    # -- artefacts -------------------------------------------------------------
    def save_arrays(self, kind: str, task: str | None,
                    arrays: Mapping[str, np.ndarray], config: Mapping[str, Any],
                    inputs: Mapping[str, Any]) -> ArtifactRecord:
        """Write an immutable artefact file, then record it in one transaction."""
        raise NotImplementedError

    def artifact_path(self, artifact_id: str) -> Path:
        raise NotImplementedError

    def artifact(self, artifact_id: str) -> ArtifactRecord:
        raise NotImplementedError

    def load_arrays(self, artifact_id: str
                    ) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """``(config, arrays)``; :class:`CorruptArtifactError` naming the file
        when it is missing or fails its checksum."""
        raise NotImplementedError

    # -- versions --------------------------------------------------------------
    def add_version(self, parent: int | None, trunk: str | None,
                    tasks: Mapping[str, Mapping[str, Any]], graph: Mapping[str, Any],
                    metrics: Mapping[str, Mapping[str, float]], message: str = "",
                    make_current: bool = True) -> VersionInfo:
        """Record a version (and make it current) in one transaction."""
        raise NotImplementedError

    def versions(self) -> list[VersionInfo]:
        raise NotImplementedError

    def version(self, version_id: int) -> VersionInfo:
        raise NotImplementedError

    def current_version(self) -> VersionInfo | None:
        raise NotImplementedError

    def set_current(self, version_id: int) -> None:
        raise NotImplementedError

    # -- key/value (model settings) ---------------------------------------------
    def get_meta(self, key: str, default: Any = None) -> Any:
        raise NotImplementedError

    def set_meta(self, key: str, value: Any) -> None:
        raise NotImplementedError

    def integrity_check(self) -> list[str]:
        """Problems found (empty when consistent): SQLite's own check plus every
        artefact a version names exists and matches its checksum."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


def _now() -> float:
    return time.time()


def _json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True)


def _iter_rows(cur: sqlite3.Cursor) -> Iterator[sqlite3.Row]:
    yield from cur
