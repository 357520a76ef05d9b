"""What the widgets show while the loop works in the background.

Why a module: the studio and the diagnostics both draw the same "running"
line from the session's active tasks
(:class:`~snorkel_nb.labeling.loop_runner.Task`), and both decide the same way
whether their actions run in the background (in a live kernel) or inline.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Callable, Iterable

from snorkel_nb.labeling.loop_runner import Task
from snorkel_nb.widgets import _html

#: set to 0 to run widget actions inline even in a kernel (the old behaviour)
ENV = "SNORKEL_NB_BACKGROUND"


def in_kernel() -> bool:
    """True inside a Jupyter kernel (where a blocked handler freezes the notebook)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def resolve_background(background: bool | None) -> bool:
    """A widget's ``background`` setting: ``None`` means "in a kernel, unless
    ``SNORKEL_NB_BACKGROUND=0``".

    Parameters
    ----------
    background : bool or None
        The widget's argument.

    Returns
    -------
    bool

    Examples
    --------
    >>> resolve_background(True), resolve_background(None)  # no kernel here
    (True, False)
    """
    if background is not None:
        return bool(background)
    if os.environ.get(ENV, "").strip() in ("0", "false", "no"):
        return False
    return in_kernel()


def busy_html(tasks: Iterable[Task], lanes: tuple[str, ...] = ()) -> str:
    """A spinner and one line per active task (its label, progress text and
    seconds so far); empty when nothing runs.

    Parameters
    ----------
    tasks : iterable of Task
        The session's active tasks (``session.busy``).
    lanes : tuple of str, optional
        Only tasks of these lanes (default: all).

    Returns
    -------
    str

    Examples
    --------
    >>> busy_html([])
    ''
    """
    now = time.perf_counter()
    lines = []
    for t in tasks:
        if lanes and t.lane not in lanes:
            continue
        if t.state == "queued":
            lines.append(f"{_html.esc(t.label)} (queued)")
            continue
        took = "" if t.started is None else f" ({now - t.started:.1f} s)"
        step = f": {_html.esc(t.progress)}" if t.progress else ""
        lines.append(f"{_html.esc(t.label)}…{step}{took}")
    if not lines:
        return ""
    return (
        "<span class='snb-busy'><span class='snb-spin'></span>"
        + "; ".join(lines)
        + "</span>"
    )


class BusyTicker:
    """Redraw a running line every ``period`` seconds while work is active, so
    its seconds count up (a daemon thread, started on demand, ends when idle).

    Parameters
    ----------
    redraw : callable
        Draws the line; returns True while there is still work to show.
    period : float, default 0.5
        Seconds between redraws.

    Examples
    --------
    >>> calls = []
    >>> ticker = BusyTicker(lambda: calls.append(1) or len(calls) < 3, period=0.01)
    >>> ticker.poke(); ticker.join(5); len(calls)
    3
    """

    def __init__(self, redraw: Callable[[], bool], period: float = 0.5) -> None:
        self.redraw, self.period = redraw, float(period)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def poke(self) -> None:
        """Start ticking unless a tick thread already runs."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._thread = threading.Thread(
                target=self._loop, name="snorkel_nb-ticker", daemon=True
            )
            self._thread.start()

    def _loop(self) -> None:
        while True:
            time.sleep(self.period)
            if not self.redraw():
                return

    def join(self, timeout: float | None = None) -> None:
        """Wait for the tick thread to end (tests)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)


__all__ = ["ENV", "BusyTicker", "busy_html", "in_kernel", "resolve_background"]
