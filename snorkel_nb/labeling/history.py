"""Undo / redo for an LF session, with a per-LF history of versions.

Live editing loses work when an edit cannot be taken back. :class:`LFHistory`
listens to an :class:`~snorkel_nb.labeling.session.LFSession` (so edits made
from notebook code count too), records each add / replace / remove / set with
the LF objects before and after, and replays them backwards or forwards.
Undoing a remove puts the LF back in its old column (the session keeps the
column order of removed LFs).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from snorkel_nb.labeling.lf import LabelingFunction

if TYPE_CHECKING:
    from snorkel_nb.labeling.session import LFSession

EDIT_OPS = ("add", "replace", "remove", "set")


@dataclass(frozen=True)
class Edit:
    """One recorded edit: ``before`` / ``after`` are the LF (None = absent);
    for ``op="set"`` they are tuples of LFs (the whole set)."""

    op: str
    name: str
    before: Any
    after: Any

    def describe(self) -> str:
        """The edit in words, e.g. ``'remove is_a'``."""
        return f"{self.op} {self.name}" if self.name else f"{self.op} the LF set"


class LFHistory:
    """Undo / redo stacks over a session's LF edits.

    Parameters
    ----------
    session
        The session to follow; every edit it notifies is recorded.
    limit
        Most edits kept on the undo stack.

    Examples
    --------
    >>> import pandas as pd
    >>> from snorkel_nb.labeling import LabelingFunction
    >>> from snorkel_nb.labeling.session import LFSession
    >>> s = LFSession(pd.DataFrame({"text": ["a", "b"]}))
    >>> h = LFHistory(s)
    >>> _ = s.upsert(LabelingFunction("is_a", lambda x: int(x.text == "a")))
    >>> _ = s.remove("is_a")
    >>> h.undo().describe(), s.names
    ('remove is_a', ['is_a'])
    >>> h.undo().describe(), s.names
    ('add is_a', [])
    >>> h.redo().describe(), s.names
    ('add is_a', ['is_a'])
    """

    def __init__(self, session: "LFSession", limit: int = 200) -> None:
        self.session = session
        self.limit = int(limit)
        self.undo_stack: list[Edit] = []
        self.redo_stack: list[Edit] = []
        self._versions: dict[str, list[tuple[str, LabelingFunction | None]]] = {}
        self._snapshot = {lf.name: lf for lf in session.lfs}
        self._replaying = False
        session.on_change(self._on_change)

    # -- recording ----------------------------------------------------------
    def _on_change(self, change: dict) -> None:
        op, name = change["op"], change["name"]
        if op not in EDIT_OPS:
            return
        current = {lf.name: lf for lf in self.session.lfs}
        if op == "set":
            edit = Edit(op, "", tuple(self._snapshot.values()), tuple(current.values()))
            for lf in current.values():
                if self._snapshot.get(lf.name) is not lf:
                    self._version(lf.name, "set", lf)
        else:
            edit = Edit(op, name, self._snapshot.get(name), current.get(name))
            self._version(name, op, current.get(name))
        self._snapshot = current
        if self._replaying:
            return
        self.undo_stack.append(edit)
        del self.undo_stack[: -self.limit]
        self.redo_stack.clear()

    def _version(self, name: str, op: str, lf: LabelingFunction | None) -> None:
        self._versions.setdefault(name, []).append((op, lf))

    def versions(self, name: str) -> list[tuple[str, LabelingFunction | None]]:
        """Every state LF ``name`` has had, oldest first: ``(op, lf)`` pairs
        (``lf`` is None after a remove). Undo and redo add entries too.

        Parameters
        ----------
        name : str
            The LF's name.

        Returns
        -------
        list of (str, LabelingFunction or None)
            Empty for an LF never seen.
        """
        return list(self._versions.get(name, []))

    # -- replay ---------------------------------------------------------------
    @property
    def can_undo(self) -> bool:
        """Whether there is an edit to undo."""
        return bool(self.undo_stack)

    @property
    def can_redo(self) -> bool:
        """Whether there is an undone edit to redo."""
        return bool(self.redo_stack)

    def _put(self, name: str, lf: Any) -> None:
        """Make the session hold ``lf`` under ``name`` (None = absent)."""
        self._replaying = True
        try:
            if isinstance(lf, tuple):
                self.session.set_lfs(list(lf))
            elif lf is None:
                if name in self.session:
                    self.session.remove(name)
            else:
                self.session.upsert(lf)
        finally:
            self._replaying = False

    def undo(self) -> Edit:
        """Take back the latest edit (``IndexError`` when there is none)."""
        if not self.undo_stack:
            raise IndexError("nothing to undo")
        edit = self.undo_stack.pop()
        self._put(edit.name, edit.before)
        self.redo_stack.append(edit)
        return edit

    def redo(self) -> Edit:
        """Re-apply the latest undone edit (``IndexError`` when there is none)."""
        if not self.redo_stack:
            raise IndexError("nothing to redo")
        edit = self.redo_stack.pop()
        self._put(edit.name, edit.after)
        self.undo_stack.append(edit)
        return edit

    def restore(self, name: str, index: int) -> None:
        """Put version ``index`` of LF ``name`` (see :meth:`versions`) back in
        the session, as a new, undoable edit.

        Parameters
        ----------
        name : str
            The LF's name.
        index : int
            Position in ``versions(name)``, oldest first; negative counts from
            the newest. A version recorded by a remove removes the LF.

        Raises
        ------
        IndexError
            If LF ``name`` has no version ``index``.

        Examples
        --------
        >>> import pandas as pd
        >>> from snorkel_nb.labeling.session import LFSession
        >>> s = LFSession(pd.DataFrame({"text": ["a", "b"]}))
        >>> h = LFHistory(s)
        >>> _ = s.upsert(LabelingFunction("f", lambda x: 0))
        >>> _ = s.upsert(LabelingFunction("f", lambda x: 1))
        >>> h.restore("f", 0)
        >>> s.lfs[0](s.df.iloc[0]), len(h.versions("f"))
        (0, 3)
        """
        versions = self._versions.get(name, [])
        if not -len(versions) <= index < len(versions):
            raise IndexError(
                f"LF {name!r} has {len(versions)} versions; got index {index}"
            )
        lf = versions[index][1]
        if lf is None:
            self.session.remove(name)
        else:
            self.session.upsert(lf)


__all__ = ["Edit", "LFHistory"]
