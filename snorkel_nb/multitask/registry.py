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

import contextlib
import dataclasses
import hashlib
import json
import os
import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

import numpy as np

from snorkel_nb.io import load_artifact, save_artifact


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


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tasks(
    name TEXT PRIMARY KEY, labels TEXT NOT NULL, parents TEXT NOT NULL,
    created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS lfs(
    source_hash TEXT NOT NULL, task TEXT NOT NULL, name TEXT NOT NULL,
    source TEXT NOT NULL, uses TEXT NOT NULL, created REAL NOT NULL,
    PRIMARY KEY(task, name, source_hash));
CREATE TABLE IF NOT EXISTS task_lfs(
    task TEXT NOT NULL, name TEXT NOT NULL, source_hash TEXT NOT NULL,
    PRIMARY KEY(task, name));
CREATE TABLE IF NOT EXISTS artifacts(
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, task TEXT, file TEXT NOT NULL,
    sha256 TEXT NOT NULL, inputs TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS lineage(
    artifact TEXT NOT NULL, input_kind TEXT NOT NULL, input_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS lineage_input ON lineage(input_id);
CREATE TABLE IF NOT EXISTS versions(
    id INTEGER PRIMARY KEY AUTOINCREMENT, parent INTEGER, created REAL NOT NULL,
    message TEXT NOT NULL, trunk TEXT, graph TEXT NOT NULL, metrics TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS version_tasks(
    version INTEGER NOT NULL, task TEXT NOT NULL, label_matrix TEXT,
    label_model TEXT, head TEXT, lfs TEXT NOT NULL, PRIMARY KEY(version, task));
"""

ARTIFACT_KINDS = ("label_matrix", "label_model", "head", "trunk", "data")


def source_hash(task: str, name: str, source: str, uses: Sequence[str] = ()) -> str:
    """sha256 of what identifies an LF version: task, name, source, used tasks.

    Parameters
    ----------
    task
        The task the LF labels.
    name
        The LF's name.
    source
        The LF's source text.
    uses
        Tasks whose predictions the LF reads; order does not matter (sorted).

    Returns
    -------
    str
        64 hex digits.

    Examples
    --------
    >>> source_hash("t", "lf", "x = 1") == source_hash("t", "lf", "x = 2")
    False
    """
    blob = "\0".join([task, name, source, ",".join(sorted(uses))]).encode()
    return hashlib.sha256(blob).hexdigest()


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
    >>> rec = reg.register_lf("coarse", "who", "who = keyword_lf(['who'], label=0)")
    >>> [t.name for t in reg.tasks()], [lf.name for lf in reg.lfs("coarse")]
    (['coarse'], ['who'])
    >>> reg.integrity_check()
    []
    """

    def __init__(self, path: str | os.PathLike, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.files = self.path.with_name(self.path.name + ".files")
        self.files.mkdir(exist_ok=True)
        self._own_writes = 0
        self._versions: dict[int, VersionInfo] = {}  # immutable once committed
        self._lfs_json: dict[str, dict[str, str]] = {}  # same LF set, one dict
        try:
            self._db = sqlite3.connect(
                self.path,
                timeout=timeout,
                isolation_level=None,
                check_same_thread=False,
            )
            self._db.row_factory = sqlite3.Row
            self._db.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            with self._write():
                for stmt in _SCHEMA.split(";"):
                    if stmt.strip():
                        self._db.execute(stmt)
        except sqlite3.DatabaseError as e:
            raise RegistryError(
                f"{os.fspath(self.path)!r} is not a usable task registry database: {e}"
            ) from e

    def __repr__(self) -> str:
        return f"TaskRegistry({os.fspath(self.path)!r})"

    @contextlib.contextmanager
    def _write(self, working: bool = False) -> Iterator[sqlite3.Connection]:
        """One write transaction; ``BEGIN IMMEDIATE`` takes the write lock up
        front so two processes never interleave inside it."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        if working:
            self._own_writes += 1

    def state_token(self) -> tuple[int, int]:
        """Changes whenever another process committed anything (SQLite's
        ``data_version``) or this one changed the working tasks / LFs: the
        cache key of everything derived from them (artefact and version
        writes, which never change them, leave it alone)."""
        return (self._db.execute("PRAGMA data_version").fetchone()[0], self._own_writes)

    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return self._db.execute(sql, tuple(args)).fetchall()

    # -- tasks and LFs -----------------------------------------------------------
    def register_task(
        self,
        name: str,
        labels: Sequence[str],
        parents: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        """Insert a task (error if the name exists).

        Parameters
        ----------
        name
            Non-empty task name.
        labels
            The task's class names; class ``i`` is ``labels[i]``.
        parents
            ``{parent task: {child label: parent label}}`` for the task graph;
            ``None`` for a root task.

        Raises
        ------
        RegistryError
            If ``name`` is not a non-empty string or is already registered.

        Examples
        --------
        >>> import tempfile, os
        >>> reg = TaskRegistry(os.path.join(tempfile.mkdtemp(), "c.db"))
        >>> reg.register_task("fine", ["ind", "city"], {"coarse": {"ind": "HUM"}})
        >>> reg.task("fine").parents
        {'coarse': {'ind': 'HUM'}}
        """
        if not isinstance(name, str) or not name:
            raise RegistryError(f"a task needs a non-empty string name; got {name!r}")
        try:
            with self._write(working=True) as db:
                db.execute(
                    "INSERT INTO tasks VALUES (?, ?, ?, ?)",
                    (
                        name,
                        _json(list(labels)),
                        _json({p: dict(m) for p, m in (parents or {}).items()}),
                        _now(),
                    ),
                )
        except sqlite3.IntegrityError:
            raise RegistryError(f"task {name!r} is already registered") from None

    def remove_task(self, name: str) -> None:
        """Drop a task and its working LF set (versions keep their record)."""
        with self._write(working=True) as db:
            if db.execute("DELETE FROM tasks WHERE name = ?", (name,)).rowcount == 0:
                raise RegistryError(f"unknown task {name!r}")
            db.execute("DELETE FROM task_lfs WHERE task = ?", (name,))

    def tasks(self) -> list[TaskRecord]:
        """Every registered task, oldest first."""
        return [
            TaskRecord(
                r["name"],
                tuple(json.loads(r["labels"])),
                json.loads(r["parents"]),
                r["created"],
            )
            for r in self._query("SELECT * FROM tasks ORDER BY created, name")
        ]

    def task(self, name: str) -> TaskRecord:
        for t in self.tasks():
            if t.name == name:
                return t
        raise RegistryError(f"unknown task {name!r}")

    def register_lfs(
        self, task: str, lfs: Sequence[tuple[str, str, Sequence[str]]]
    ) -> list[LFRecord]:
        """Register several LFs of ``task`` in one transaction (see
        :meth:`register_lf`).

        Parameters
        ----------
        task
            A registered task.
        lfs
            ``(name, source, uses)`` triples.

        Returns
        -------
        list of LFRecord
            One record per LF, in the order given.

        Raises
        ------
        RegistryError
            If ``task`` is not registered.

        Examples
        --------
        >>> import tempfile, os
        >>> reg = TaskRegistry(os.path.join(tempfile.mkdtemp(), "c.db"))
        >>> reg.register_task("t", ["a", "b"])
        >>> recs = reg.register_lfs("t", [("x", "x = 1", ()), ("y", "y = 1", ["u"])])
        >>> [(r.name, r.uses) for r in recs]
        [('x', ()), ('y', ('u',))]
        """
        now = _now()
        recs = [
            LFRecord(task, n, src, source_hash(task, n, src, u), tuple(sorted(u)), now)
            for n, src, u in lfs
        ]
        with self._write(working=True) as db:
            if not db.execute("SELECT 1 FROM tasks WHERE name = ?", (task,)).fetchone():
                raise RegistryError(
                    f"LFs {[r.name for r in recs]}: unknown task {task!r}"
                )
            db.executemany(
                "INSERT OR IGNORE INTO lfs VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (r.source_hash, task, r.name, r.source, _json(list(r.uses)), now)
                    for r in recs
                ],
            )
            db.executemany(
                "INSERT OR REPLACE INTO task_lfs VALUES (?, ?, ?)",
                [(task, r.name, r.source_hash) for r in recs],
            )
        return recs

    def register_lf(
        self, task: str, name: str, source: str, uses: Sequence[str] = ()
    ) -> LFRecord:
        """Put ``name`` (with this source) in ``task``'s working LF set; the
        source is kept forever under its hash so versions can name it.

        Parameters
        ----------
        task
            A registered task.
        name
            The LF's name; replaces a working LF of the same name.
        source
            The LF's source text.
        uses
            Tasks whose predictions the LF reads.

        Returns
        -------
        LFRecord
            The stored record, with its :func:`source_hash`.

        Raises
        ------
        RegistryError
            If ``task`` is not registered.
        """
        h = source_hash(task, name, source, uses)
        now = _now()
        with self._write(working=True) as db:
            if not db.execute("SELECT 1 FROM tasks WHERE name = ?", (task,)).fetchone():
                raise RegistryError(f"LF {name!r}: unknown task {task!r}")
            db.execute(
                "INSERT OR IGNORE INTO lfs VALUES (?, ?, ?, ?, ?, ?)",
                (h, task, name, source, _json(sorted(uses)), now),
            )
            db.execute(
                "INSERT OR REPLACE INTO task_lfs VALUES (?, ?, ?)", (task, name, h)
            )
        return LFRecord(task, name, source, h, tuple(sorted(uses)), now)

    def remove_lf(self, task: str, name: str) -> None:
        """Take ``name`` out of ``task``'s working LF set (its source stays
        stored for the versions that name it).

        Parameters
        ----------
        task
            The task.
        name
            The LF's name.

        Raises
        ------
        RegistryError
            If ``task`` has no working LF ``name``.

        Examples
        --------
        >>> import tempfile, os
        >>> reg = TaskRegistry(os.path.join(tempfile.mkdtemp(), "c.db"))
        >>> reg.register_task("t", ["a", "b"])
        >>> rec = reg.register_lf("t", "x", "x = 1")
        >>> reg.remove_lf("t", "x")
        >>> reg.lfs("t"), reg.lf_by_hash(rec.source_hash).name
        ([], 'x')
        """
        with self._write(working=True) as db:
            if (
                db.execute(
                    "DELETE FROM task_lfs WHERE task = ? AND name = ?", (task, name)
                ).rowcount
                == 0
            ):
                raise RegistryError(f"task {task!r} has no LF {name!r}")

    def set_working_lfs(self, task: str, hashes: Mapping[str, str]) -> None:
        """Replace ``task``'s working LF set by ``{name: source_hash}`` (all
        hashes must be known), e.g. when a version is loaded.

        Parameters
        ----------
        task
            The task whose working set is replaced.
        hashes
            ``{lf name: source hash}``; each hash must already be stored.

        Raises
        ------
        RegistryError
            If a hash is unknown (nothing is changed then).

        Examples
        --------
        >>> import tempfile, os
        >>> reg = TaskRegistry(os.path.join(tempfile.mkdtemp(), "c.db"))
        >>> reg.register_task("t", ["a", "b"])
        >>> old = reg.register_lf("t", "x", "x = 1")
        >>> _ = reg.register_lf("t", "x", "x = 2")
        >>> reg.set_working_lfs("t", {"x": old.source_hash})
        >>> reg.lfs("t")[0].source
        'x = 1'
        """
        with self._write(working=True) as db:
            for name, h in hashes.items():
                if not db.execute(
                    "SELECT 1 FROM lfs WHERE source_hash = ?", (h,)
                ).fetchone():
                    raise RegistryError(
                        f"LF {name!r} of {task!r}: unknown source hash {h[:12]}"
                    )
            db.execute("DELETE FROM task_lfs WHERE task = ?", (task,))
            db.executemany(
                "INSERT INTO task_lfs VALUES (?, ?, ?)",
                [(task, n, h) for n, h in hashes.items()],
            )

    def lfs(self, task: str | None = None) -> list[LFRecord]:
        """The working LF set (of one task, or of all), by task then name."""
        sql = (
            "SELECT l.* FROM task_lfs w JOIN lfs l ON l.source_hash = w.source_hash"
            " AND l.task = w.task AND l.name = w.name"
        )
        args: tuple[Any, ...] = ()
        if task is not None:
            sql += " WHERE w.task = ?"
            args = (task,)
        return [
            _lf_record(r) for r in self._query(sql + " ORDER BY w.task, w.name", args)
        ]

    def lf_index(self) -> list[tuple[str, str, str, tuple[str, ...]]]:
        """``(task, name, source_hash, uses)`` of the working set, without the
        source texts: what dependency tracking needs, in one light query."""
        out = []
        for task, name, h, uses in self._db.execute(
            "SELECT w.task, w.name, w.source_hash, l.uses FROM task_lfs w JOIN lfs l"
            " ON l.source_hash = w.source_hash AND l.task = w.task AND l.name ="
            " w.name ORDER BY w.task, w.name"
        ):
            out.append((task, name, h, () if uses == "[]" else tuple(json.loads(uses))))
        return out

    def lf_hashes(self) -> dict[str, dict[str, str]]:
        """``{task: {lf name: source hash}}`` of the working set (one query)."""
        out: dict[str, dict[str, str]] = {}
        for r in self._query("SELECT task, name, source_hash FROM task_lfs"):
            out.setdefault(r["task"], {})[r["name"]] = r["source_hash"]
        return out

    def lf_by_hash(self, source_hash: str) -> LFRecord:
        r = self._query("SELECT * FROM lfs WHERE source_hash = ?", (source_hash,))
        if not r:
            raise RegistryError(f"no LF with source hash {source_hash[:12]}")
        return _lf_record(r[0])

    # -- artefacts -------------------------------------------------------------
    def save_file(
        self,
        kind: str,
        task: str | None,
        write: Callable[[Path], Any],
        inputs: Mapping[str, Any],
    ) -> ArtifactRecord:
        """``write(path)`` an artefact with ``save_artifact`` (it is atomic),
        then record it and its lineage in one transaction.

        Parameters
        ----------
        kind
            One of ``ARTIFACT_KINDS``.
        task
            The task it belongs to, or ``None`` (e.g. a trunk).
        write
            Called with the new file's path; must write it there (a JSON file
            with its ``<path>.npz``, as :func:`snorkel_nb.io.save_artifact`).
        inputs
            What it was computed from: ``{key: id}``, ``{key: {name: id}}`` or
            ``{key: [id, ...]}``; every id goes to the lineage table.

        Returns
        -------
        ArtifactRecord
            The record, with a fresh id ``"<kind[:2]>-<16 hex>"``.

        Raises
        ------
        RegistryError
            If ``kind`` is not one of ``ARTIFACT_KINDS``.
        """
        if kind not in ARTIFACT_KINDS:
            raise RegistryError(
                f"artefact kind must be one of {ARTIFACT_KINDS}; got {kind!r}"
            )
        aid = f"{kind[:2]}-{uuid.uuid4().hex[:16]}"
        rel = f"{kind}/{aid}"
        path = self.files / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        write(path)
        digest = _file_digest(path)
        rec = ArtifactRecord(aid, kind, task, rel, dict(inputs), _now())
        with self._write() as db:
            db.execute(
                "INSERT INTO artifacts VALUES (?, ?, ?, ?, ?, ?, ?)",
                (aid, kind, task, rel, digest, _json(rec.inputs), rec.created),
            )
            db.executemany(
                "INSERT INTO lineage VALUES (?, ?, ?)",
                [(aid, k, str(v)) for k, v in _flat_inputs(rec.inputs)],
            )
        return rec

    def save_arrays(
        self,
        kind: str,
        task: str | None,
        arrays: Mapping[str, np.ndarray],
        config: Mapping[str, Any],
        inputs: Mapping[str, Any],
    ) -> ArtifactRecord:
        """Write an immutable ``(config, arrays)`` artefact, then record it.

        Parameters
        ----------
        kind
            One of ``ARTIFACT_KINDS``.
        task
            The task it belongs to, or ``None``.
        arrays
            Named numpy arrays (stored in the ``.npz``).
        config
            JSON-serialisable settings stored next to them.
        inputs
            What it was computed from (see :meth:`save_file`).

        Returns
        -------
        ArtifactRecord
            The record; :meth:`load_arrays` with its ``id`` reads it back.

        Raises
        ------
        RegistryError
            If ``kind`` is not one of ``ARTIFACT_KINDS``.

        Examples
        --------
        >>> import tempfile, os
        >>> reg = TaskRegistry(os.path.join(tempfile.mkdtemp(), "c.db"))
        >>> rec = reg.save_arrays("data", None, {"x": np.arange(3)}, {"n": 3}, {})
        >>> config, arrays = reg.load_arrays(rec.id)
        >>> config["n"], arrays["x"].tolist()
        (3, [0, 1, 2])
        """
        return self.save_file(
            kind,
            task,
            lambda p: save_artifact(p, f"central.{kind}", config, arrays),
            inputs,
        )

    def artifact(self, artifact_id: str) -> ArtifactRecord:
        r = self._query("SELECT * FROM artifacts WHERE id = ?", (artifact_id,))
        if not r:
            raise RegistryError(f"unknown artefact {artifact_id!r}")
        return _artifact_record(r[0])

    def artifacts_by_id(self, ids: Sequence[str]) -> dict[str, ArtifactRecord]:
        """Several artefact records in a few queries (unknown ids are absent)."""
        out: dict[str, ArtifactRecord] = {}
        ids = list(dict.fromkeys(ids))
        for s in range(0, len(ids), 500):
            part = ids[s : s + 500]
            q = ",".join("?" * len(part))
            for r in self._query(f"SELECT * FROM artifacts WHERE id IN ({q})", part):
                out[r["id"]] = _artifact_record(r)
        return out

    def artifacts(self, kind: str | None = None) -> list[ArtifactRecord]:
        sql, args = "SELECT * FROM artifacts", ()
        if kind is not None:
            sql, args = sql + " WHERE kind = ?", (kind,)
        return [
            _artifact_record(r) for r in self._query(sql + " ORDER BY created", args)
        ]

    def used_by(self, input_id: str) -> list[ArtifactRecord]:
        """Artefacts computed from ``input_id`` (an LF hash, an artefact id)."""
        rows = self._query(
            "SELECT a.* FROM lineage l JOIN artifacts a ON a.id = "
            "l.artifact WHERE l.input_id = ? ORDER BY a.created",
            (input_id,),
        )
        return [_artifact_record(r) for r in rows]

    def downstream(self, input_id: str) -> list[ArtifactRecord]:
        """Every artefact computed, directly or not, from ``input_id`` (an LF
        source hash or an artefact id), oldest first."""
        seen: dict[str, ArtifactRecord] = {}
        todo = [input_id]
        while todo:
            for a in self.used_by(todo.pop()):
                if a.id not in seen:
                    seen[a.id] = a
                    todo.append(a.id)
        return sorted(seen.values(), key=lambda a: a.created)

    def artifact_path(self, artifact_id: str) -> Path:
        """The verified path of an artefact's JSON file (its arrays are
        ``<path>.npz``); :class:`CorruptArtifactError` if either is damaged."""
        r = self._query(
            "SELECT file, sha256 FROM artifacts WHERE id = ?", (artifact_id,)
        )
        if not r:
            raise RegistryError(f"unknown artefact {artifact_id!r}")
        path = self.files / r[0]["file"]
        for p in (path, path.with_name(path.name + ".npz")):
            if not p.exists():
                raise CorruptArtifactError(p, "is missing")
        if _file_digest(path) != r[0]["sha256"]:
            raise CorruptArtifactError(
                path, "does not match its recorded sha256 (corrupt or overwritten)"
            )
        return path

    def load_arrays(
        self, artifact_id: str
    ) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """``(config, arrays)``; :class:`CorruptArtifactError` naming the file
        when it is missing or fails its checksum."""
        path = self.artifact_path(artifact_id)
        try:
            config, arrays, _ = load_artifact(path)
        except (ValueError, OSError, KeyError) as e:
            raise CorruptArtifactError(
                path.with_name(path.name + ".npz"), f"cannot be read: {e}"
            ) from e
        return config, arrays

    # -- versions --------------------------------------------------------------
    def add_version(
        self,
        parent: int | None,
        trunk: str | None,
        tasks: Mapping[str, Mapping[str, Any]],
        graph: Mapping[str, Any],
        metrics: Mapping[str, Mapping[str, float]],
        message: str = "",
        make_current: bool = True,
    ) -> VersionInfo:
        """Record a version (and make it current) in one transaction; every
        artefact it names must already be recorded.

        Parameters
        ----------
        parent
            The version it derives from (its manifest is the base of the stored
            delta), or ``None``.
        trunk
            The trunk artefact id, or ``None``.
        tasks
            ``{task: {"label_matrix": id, "label_model": id, "head": id,
            "lfs": {name: source_hash}}}``; tasks of ``parent`` missing here
            are recorded as removed.
        graph
            The task graph (JSON-serialisable).
        metrics
            ``{task: {metric: value}}``.
        message
            A free-text note.
        make_current
            Also set it as the current version.

        Returns
        -------
        VersionInfo
            The new version, with its full manifest.

        Raises
        ------
        RegistryError
            If ``parent`` is unknown or an artefact named is not recorded.

        Examples
        --------
        >>> import tempfile, os
        >>> reg = TaskRegistry(os.path.join(tempfile.mkdtemp(), "c.db"))
        >>> tr = reg.save_arrays("trunk", None, {"w": np.zeros(2)}, {}, {})
        >>> v = reg.add_version(None, tr.id, {}, {}, {}, message="first")
        >>> reg.current_version().id == v.id, v.message, v.trunk == tr.id
        (True, 'first', True)
        """
        named = [trunk] if trunk else []
        named += [
            a
            for e in tasks.values()
            for k, a in e.items()
            if k in ("label_matrix", "label_model", "head") and a
        ]
        base = {} if parent is None else self.version(parent).tasks
        full = {
            t: {
                "label_matrix": e.get("label_matrix"),
                "label_model": e.get("label_model"),
                "head": e.get("head"),
                "lfs": dict(e.get("lfs", {})),
            }
            for t, e in tasks.items()
        }
        # stored as a delta from the parent: only changed tasks (a NULL head
        # marks a removed one), so versions() reads O(changes), not
        # O(versions x tasks)
        delta = [
            (t, e["label_matrix"], e["label_model"], e["head"], _json(e["lfs"]))
            for t, e in full.items()
            if base.get(t) != e
        ]
        delta += [(t, None, None, None, "{}") for t in base if t not in full]
        now = _now()
        with self._write() as db:
            for a in named:
                if not db.execute(
                    "SELECT 1 FROM artifacts WHERE id = ?", (a,)
                ).fetchone():
                    raise RegistryError(f"version names unknown artefact {a!r}")
            cur = db.execute(
                "INSERT INTO versions(parent, created, message, trunk, graph, metrics)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    parent,
                    now,
                    message,
                    trunk,
                    _json(dict(graph)),
                    _json({t: dict(m) for t, m in metrics.items()}),
                ),
            )
            vid = int(cur.lastrowid or 0)
            db.executemany(
                "INSERT INTO version_tasks VALUES (?, ?, ?, ?, ?, ?)",
                [(vid, *row) for row in delta],
            )
            if make_current:
                db.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('current_version', ?)",
                    (str(vid),),
                )
        return self.version(vid)

    def versions(self) -> list[VersionInfo]:
        """Every version, oldest first. Committed versions never change, so
        only those newer than the last call are read (from any process)."""
        last = max(self._versions, default=0)
        rows = self._query("SELECT * FROM versions WHERE id > ? ORDER BY id", (last,))
        if rows:  # a version's task rows commit with it: read them second
            per: dict[int, dict[str, dict[str, Any]]] = {}
            for r in self._query(
                "SELECT * FROM version_tasks WHERE version > ? AND "
                "version <= ? ORDER BY version, rowid",
                (last, rows[-1]["id"]),
            ):
                per.setdefault(r["version"], {})[r["task"]] = self._entry(r)
            for r in rows:  # parents have smaller ids: already rebuilt
                tasks = (
                    {}
                    if r["parent"] is None
                    else dict(self._versions[r["parent"]].tasks)
                )
                for t, e in per.get(r["id"], {}).items():
                    if e["head"] is None:
                        tasks.pop(t, None)
                    else:
                        tasks[t] = e
                self._versions[r["id"]] = _version(r, tasks)
        return list(self._versions.values())

    def version(self, version_id: int) -> VersionInfo:
        vid = int(version_id)
        if vid not in self._versions:
            self.versions()
        if vid not in self._versions:
            raise RegistryError(f"unknown version {version_id!r}")
        return self._versions[vid]

    def _entry(self, r: sqlite3.Row) -> dict[str, Any]:
        """A manifest row; the LF-set JSON, repeated by every version that
        kept a task unchanged, is decoded once."""
        raw = r["lfs"]
        if raw not in self._lfs_json:
            self._lfs_json[raw] = json.loads(raw)
        return {
            "label_matrix": r["label_matrix"],
            "label_model": r["label_model"],
            "head": r["head"],
            "lfs": self._lfs_json[raw],
        }

    def current_version(self) -> VersionInfo | None:
        v = self.get_meta("current_version")
        return None if v is None else self.version(int(v))

    def set_current(self, version_id: int) -> None:
        self.version(version_id)
        self.set_meta("current_version", int(version_id))

    # -- key/value (model settings) ---------------------------------------------
    def get_meta(self, key: str, default: Any = None) -> Any:
        """A stored setting.

        Parameters
        ----------
        key
            Its name.
        default
            Returned when ``key`` is not stored.

        Returns
        -------
        Any
            The JSON-decoded value, or ``default``.
        """
        r = self._query("SELECT value FROM meta WHERE key = ?", (key,))
        return json.loads(r[0]["value"]) if r else default

    def set_meta(self, key: str, value: Any) -> None:
        """Store a setting (replacing any value under ``key``).

        Parameters
        ----------
        key
            Its name.
        value
            Any JSON-serialisable value.

        Examples
        --------
        >>> import tempfile, os
        >>> reg = TaskRegistry(os.path.join(tempfile.mkdtemp(), "c.db"))
        >>> reg.set_meta("epochs", 5)
        >>> reg.get_meta("epochs"), reg.get_meta("absent", 0)
        (5, 0)
        """
        with self._write() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, _json(value)))

    def integrity_check(self, verify_files: bool = True) -> list[str]:
        """Problems found (empty when consistent): SQLite's own check, then
        every artefact a version names is recorded, present and unchanged."""
        problems = [r[0] for r in self._query("PRAGMA integrity_check") if r[0] != "ok"]
        known = {r["id"] for r in self._query("SELECT id FROM artifacts")}
        named: set[str] = set()
        for v in self.versions():
            if v.trunk:
                named.add(v.trunk)
            for e in v.tasks.values():
                named |= {
                    a
                    for k, a in e.items()
                    if k in ("label_matrix", "label_model", "head") and a
                }
        problems += [
            f"a version names unrecorded artefact {a}" for a in sorted(named - known)
        ]
        if verify_files:
            for a in sorted(named & known):
                try:
                    self.load_arrays(a)
                except CorruptArtifactError as e:
                    problems.append(str(e))
        cur = self.get_meta("current_version")
        if cur is not None and not self._query(
            "SELECT 1 FROM versions WHERE id = ?", (int(cur),)
        ):
            problems.append(f"current version {cur} does not exist")
        return problems

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "TaskRegistry":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _now() -> float:
    return time.time()


def _json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True)


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _flat_inputs(inputs: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """``{"lfs": {"a": h}, "label_matrix": id}`` -> ``("lfs", h), ("label_matrix",
    id)``: every id an artefact was computed from, for the lineage table."""
    for k, v in inputs.items():
        if isinstance(v, Mapping):
            for x in v.values():
                if x is not None:
                    yield k, x
        elif isinstance(v, (list, tuple)):
            yield from ((k, x) for x in v if x is not None)
        elif v is not None:
            yield k, v


def _lf_record(r: sqlite3.Row) -> LFRecord:
    return LFRecord(
        r["task"],
        r["name"],
        r["source"],
        r["source_hash"],
        tuple(json.loads(r["uses"])),
        r["created"],
    )


def _artifact_record(r: sqlite3.Row) -> ArtifactRecord:
    return ArtifactRecord(
        r["id"], r["kind"], r["task"], r["file"], json.loads(r["inputs"]), r["created"]
    )


def _version(r: sqlite3.Row, tasks: dict[str, dict[str, Any]]) -> VersionInfo:
    return VersionInfo(
        r["id"],
        r["parent"],
        r["created"],
        r["message"],
        r["trunk"],
        tasks,
        json.loads(r["graph"]),
        json.loads(r["metrics"]),
    )
