"""The LF set as a .py file: save, load, and an autosave that survives a restart.

"Restart & Run All" used to drop every LF written in the studio. The studio now
writes the session's LF set, as the module
:func:`~snorkel_nb.labeling.source.export_lfs` produces, to a file next to the
notebook after every edit (atomically: a crash mid-write leaves the previous file
whole), and offers to reload it when a new kernel builds the studio again.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from snorkel_nb.io import atomic_write_bytes
from snorkel_nb.labeling.lf import LabelingFunction
from snorkel_nb.labeling.source import MARKER_RE, export_lfs, import_lfs

AUTOSAVE_DIR = ".snorkel_nb_autosave"


def default_autosave_path(name: str = "studio") -> Path:
    """``./.snorkel_nb_autosave/<name>.py`` (relative to the notebook's directory,
    which is the kernel's working directory).

    Parameters
    ----------
    name : str, default "studio"
        File stem: letters, digits, ``_``, ``.`` or ``-``.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ValueError
        If ``name`` holds other characters (no path traversal).
    """
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name or ""):
        raise ValueError(
            f"autosave name must be letters, digits, '_', '.' or '-'; got {name!r}"
        )
    return Path(AUTOSAVE_DIR) / f"{name}.py"


def save_lfs(lfs: Iterable[LabelingFunction], path: str | os.PathLike) -> Path:
    """Write the LFs as an importable Python module to ``path``, atomically.

    Parameters
    ----------
    lfs : iterable of LabelingFunction
        LFs with a known source (written in a notebook, compiled, or built by
        a builder; see ``export_lfs``).
    path : str or os.PathLike
        Destination ``.py`` file; replaced atomically if it exists.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ValueError
        If ``path`` does not end in ``.py``.

    Examples
    --------
    >>> import tempfile
    >>> from snorkel_nb.labeling.builders import keyword_lf
    >>> path = Path(tempfile.mkdtemp()) / "lfs.py"
    >>> _ = save_lfs([keyword_lf(["spam"], label=1)], path)
    >>> [lf.name for lf in load_lfs(path)]
    ['keyword_spam']
    """
    path = Path(path)
    if path.suffix != ".py":
        raise ValueError(f"LF files are Python modules; give a .py path, got {path}")
    atomic_write_bytes(path, export_lfs(list(lfs)).encode("utf-8"))
    return path


def load_lfs(path: str | os.PathLike) -> list[LabelingFunction]:
    """The LFs defined in the .py file ``path`` (export format or plain module).

    Parameters
    ----------
    path : str or os.PathLike
        A ``.py`` file (e.g. written by :func:`save_lfs`).

    Returns
    -------
    list of LabelingFunction

    Raises
    ------
    FileNotFoundError
        If there is no file at ``path``.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no LF file at {path}")
    return import_lfs(path)


@dataclass(frozen=True)
class SavedSet:
    """What an LF file holds, read without running it."""

    path: Path
    names: tuple[str, ...]
    modified: float

    def describe(self) -> str:
        """One line: how many LFs, when saved, where."""
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.modified))
        return f"{len(self.names)} LFs saved {when} in {self.path}"


def peek(path: str | os.PathLike) -> SavedSet | None:
    """The LF names in an exported file (from its block markers), or None if
    there is no file. No code is run.

    Parameters
    ----------
    path : str or os.PathLike
        An LF file.

    Returns
    -------
    SavedSet or None
    """
    path = Path(path)
    if not path.is_file():
        return None
    names = tuple(MARKER_RE.findall(path.read_text(encoding="utf-8")))
    return SavedSet(path, names, path.stat().st_mtime)


__all__ = [
    "AUTOSAVE_DIR",
    "SavedSet",
    "default_autosave_path",
    "load_lfs",
    "peek",
    "save_lfs",
]
