"""Collect the warnings of one block of code without touching other threads.

``warnings.catch_warnings`` swaps the *process-wide* filters and
``showwarning`` hook, so a background fit wrapped in it would also swallow
(or record) the warnings a notebook cell raises on the kernel's thread at the
same time. The live loop fits and applies on worker threads, so it needs a
capture that is private to the thread that asked for it.

On the main thread :func:`captured_warnings` is ``catch_warnings(record=True)``
with the ``"always"`` filter, as before. On any other thread it installs, once,
a ``showwarning`` hook that hands each warning to the current thread's sink
when it has one and to the previous hook otherwise: other threads' warnings
are shown exactly as they would have been. The process's filters still
decide whether a warning is raised at all (a warning the filters already
showed once from the same place is not raised again; that is Python's
``"default"`` action).
"""

from __future__ import annotations

import threading
import warnings
from contextlib import contextmanager
from typing import Any, Iterator

_local = threading.local()
_lock = threading.Lock()
_previous_hook: Any = None


def _hook(message, category, filename, lineno, file=None, line=None) -> None:
    sink = getattr(_local, "sink", None)
    if sink is None:
        _previous_hook(message, category, filename, lineno, file, line)
        return
    ignore, records = sink
    if issubclass(category, ignore):
        return
    if records is None:  # suppressing only: the rest is shown as usual
        _previous_hook(message, category, filename, lineno, file, line)
        return
    records.append(
        warnings.WarningMessage(message, category, filename, lineno, file, line)
    )


def _install() -> None:
    global _previous_hook
    with _lock:
        if warnings.showwarning is not _hook:
            _previous_hook = warnings.showwarning
            warnings.showwarning = _hook


@contextmanager
def captured_warnings(
    ignore: tuple[type[Warning], ...] = (),
) -> Iterator[list[warnings.WarningMessage]]:
    """Record the warnings raised by this thread inside the block.

    Parameters
    ----------
    ignore : tuple of Warning subclasses
        Categories dropped instead of recorded.

    Yields
    ------
    list of warnings.WarningMessage
        Filled as the block runs; other threads' warnings never land here.

    Examples
    --------
    >>> import warnings
    >>> with captured_warnings() as caught:
    ...     warnings.warn("kept", UserWarning)
    >>> [str(w.message) for w in caught]
    ['kept']
    """
    if threading.current_thread() is threading.main_thread():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for category in ignore:
                warnings.simplefilter("ignore", category)
            yield caught
        return
    _install()
    previous = getattr(_local, "sink", None)
    records: list[warnings.WarningMessage] = []
    _local.sink = (tuple(ignore), records)
    try:
        yield records
    finally:
        _local.sink = previous


@contextmanager
def suppressed_warnings(*categories: type[Warning]) -> Iterator[None]:
    """Drop warnings of ``categories`` raised by this thread inside the block.

    Other warnings are shown as usual, and other threads are not affected.

    Parameters
    ----------
    *categories : Warning subclasses
        What to drop (``Warning`` drops everything).

    Examples
    --------
    >>> import warnings
    >>> with suppressed_warnings(RuntimeWarning):
    ...     warnings.warn("dropped", RuntimeWarning)
    """
    if threading.current_thread() is threading.main_thread():
        with warnings.catch_warnings():
            for category in categories:
                warnings.simplefilter("ignore", category)
            yield
        return
    _install()
    previous = getattr(_local, "sink", None)
    _local.sink = (tuple(categories), None)
    try:
        yield
    finally:
        _local.sink = previous


__all__ = ["captured_warnings", "suppressed_warnings"]
