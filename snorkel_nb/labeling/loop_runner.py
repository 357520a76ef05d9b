"""Run the LF loop's slow steps off the caller's thread, the newest request winning.

Why: in a notebook a button handler runs on the kernel's thread, so a label-model
fit or an LF applied to 100k rows inside it freezes the whole notebook (no other
cell runs, and the spinner the handler set is only drawn). A
:class:`LoopRunner` runs each step as a :class:`Task` on a worker thread of its
*lane* (one thread per lane, tasks in order), so the handler returns at once.
Each task is a slow ``work`` part (touching no shared state) and a quick
``commit`` part; a newer task with the same ``key`` *supersedes* an older one:
a queued one is skipped, a running one finishes but its result is dropped,
never committed or shown. With ``background=False`` every task runs inline, in
order, which keeps tests and notebooks deterministic. No UI imports.
"""

from __future__ import annotations

import itertools
import threading
import time
import traceback
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable

#: task states, in the order a task goes through them
STATES = ("queued", "running", "done", "superseded", "failed")
FINISHED = ("done", "superseded", "failed")

TaskListener = Callable[["Task"], None]
_SEQ = itertools.count()


class Task:
    """One step of the loop (an apply, a fit) as it runs, for the UI to show.

    Attributes
    ----------
    lane, key, label
        The worker lane, the supersede key (``"fit"``, an LF name) and a
        plain-words description ("fitting the label model").
    state
        One of :data:`STATES`.
    progress
        The latest progress text (what the work is doing now).
    error, traceback
        The exception a failed task raised, and its formatted traceback.
    seconds
        Wall time from start to finish (``None`` until finished).
    future
        A :class:`concurrent.futures.Future` holding the commit's value
        (``None`` when superseded) or the error.
    """

    def __init__(self, runner: "LoopRunner", lane: str, key: str, label: str) -> None:
        self.runner = runner
        self.lane, self.key, self.label = lane, key, label
        self.state = "queued"
        self.progress = ""
        self.error: BaseException | None = None
        self.traceback = ""
        self.started: float | None = None
        self.seconds: float | None = None
        self.future: Future = Future()
        self._then: list[Callable[[Task], None]] = []
        self._lock = threading.Lock()
        self.seq = next(_SEQ)

    @property
    def current(self) -> bool:
        """False once a newer task with the same key was submitted."""
        return self.runner.is_current(self)

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    def report(self, text: str) -> None:
        """Set the progress text (called by the work) and tell the listeners."""
        self.progress = str(text)
        self.runner.emit(self)

    def result(self, timeout: float | None = None) -> Any:
        """The commit's value (``None`` if superseded); re-raises a failure."""
        return self.future.result(timeout)

    def then(self, callback: Callable[["Task"], None]) -> "Task":
        """Call ``callback(task)`` once it has finished (at once if it has),
        on the thread that finished it."""
        with self._lock:
            if not self.finished:
                self._then.append(callback)
                return self
        callback(self)
        return self

    def _finish(self, state: str) -> None:
        with self._lock:
            self.state = state
            if self.started is not None:
                self.seconds = time.perf_counter() - self.started
            callbacks, self._then = self._then, []
        self.runner.emit(self)
        for cb in callbacks:
            cb(self)

    def __repr__(self) -> str:
        return f"Task({self.lane}/{self.key}: {self.label!r}, {self.state})"


class LoopRunner:
    """Lanes of worker threads for the loop's slow steps, newest request winning.

    Parameters
    ----------
    background
        Run tasks on worker threads (``True``) or inline, in the caller's
        thread (``False``: deterministic, for tests and notebooks under CI).

    Examples
    --------
    >>> runner = LoopRunner(background=True)
    >>> shown = []
    >>> task = runner.submit("fit", "fit", "fitting", lambda t: 41, lambda t, r: r + 1)
    >>> runner.wait(timeout=10), task.result(), task.state
    (True, 42, 'done')
    >>> runner.close()
    """

    def __init__(self, background: bool = False) -> None:
        self.background = bool(background)
        self._lanes: dict[str, ThreadPoolExecutor] = {}
        self._latest: dict[str, Task] = {}
        self._pending: set[Task] = set()
        self._listeners: list[TaskListener] = []
        self._lock = threading.Lock()

    # -- listeners ------------------------------------------------------------
    def on_task(self, callback: TaskListener, remove: bool = False) -> None:
        """Call ``callback(task)`` at every state or progress change of a task
        (from the thread running it).

        Parameters
        ----------
        callback : callable
            Called with the :class:`Task`.
        remove : bool, default False
            Unregister ``callback`` instead.
        """
        (self._listeners.remove if remove else self._listeners.append)(callback)

    def emit(self, task: Task) -> None:
        for cb in list(self._listeners):
            cb(task)

    # -- state ------------------------------------------------------------------
    def is_current(self, task: Task) -> bool:
        """True while no newer task with ``task.key`` has been submitted."""
        return self._latest.get(task.key) is task

    @property
    def active(self) -> list[Task]:
        """Tasks queued or running now, oldest first."""
        with self._lock:
            return sorted(self._pending, key=lambda t: t.seq)

    @property
    def running(self) -> list[Task]:
        """Tasks running now."""
        return [t for t in self.active if t.state == "running"]

    # -- submitting -------------------------------------------------------------
    def submit(
        self,
        lane: str,
        key: str,
        label: str,
        work: Callable[[Task], Any],
        commit: Callable[[Task, Any], Any],
        background: bool | None = None,
    ) -> Task:
        """Queue ``work(task)`` then ``commit(task, result)`` on ``lane``.

        ``commit`` runs only while the task is still current (no newer task
        with the same ``key``); it may itself return :data:`DROPPED` to drop a
        result it finds stale. A failure of either part is caught and kept on
        the task (state ``failed``), never raised into the caller.

        Parameters
        ----------
        lane : str
            The worker thread to use (tasks of one lane run in order).
        key : str
            What the task computes; a newer task with the same key supersedes it.
        label : str
            Plain-words description for the UI.
        work, commit : callable
            The slow part (no shared state changed) and the quick part.
        background : bool, optional
            Overrides :attr:`background` for this task.

        Returns
        -------
        Task
        """
        task = Task(self, lane, key, label)
        with self._lock:
            self._latest[key] = task
            self._pending.add(task)
        self.emit(task)
        run_bg = self.background if background is None else bool(background)
        if not run_bg:
            self._run(task, work, commit)
            return task
        with self._lock:
            pool = self._lanes.get(lane)
            if pool is None:
                pool = self._lanes[lane] = ThreadPoolExecutor(
                    1, thread_name_prefix=f"snorkel_nb-{lane}"
                )
        pool.submit(self._run, task, work, commit)
        return task

    def _run(
        self,
        task: Task,
        work: Callable[[Task], Any],
        commit: Callable[[Task, Any], Any],
    ) -> None:
        if not task.current:
            self._settle(task, "superseded", None)
            return
        task.started = time.perf_counter()
        task.state = "running"
        self.emit(task)
        try:
            result = work(task)
            value = commit(task, result) if task.current else DROPPED
        except BaseException as exc:  # noqa: BLE001 - kept on the task, shown by the UI
            task.error = exc
            task.traceback = traceback.format_exc()
            self._settle(task, "failed", exc)
            if not isinstance(exc, Exception):
                raise  # a KeyboardInterrupt of an inline task: still stop
            return
        if value is DROPPED:
            self._settle(task, "superseded", None)
        else:
            self._settle(task, "done", value)

    def _settle(self, task: Task, state: str, value: Any) -> None:
        """Forget the task, then finish it (so listeners see it gone from
        :attr:`active`)."""
        with self._lock:
            self._pending.discard(task)
            if self._latest.get(task.key) is task:
                del self._latest[task.key]
        if state == "failed":
            task.future.set_exception(value)
        else:
            task.future.set_result(value)
        task._finish(state)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every task (including ones queued meanwhile) finished;
        False if ``timeout`` seconds passed first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                pending = list(self._pending)
            if not pending:
                return True
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return False
            done = threading.Event()
            pending[0].then(lambda _, done=done: done.set())
            if not done.wait(left):
                return False

    def close(self) -> None:
        """Stop the worker threads after the tasks they hold."""
        with self._lock:
            lanes, self._lanes = list(self._lanes.values()), {}
        for pool in lanes:
            pool.shutdown(wait=False)


class _Dropped:
    def __repr__(self) -> str:
        return "DROPPED"


#: what a commit returns to drop a result it finds stale
DROPPED = _Dropped()

__all__ = ["DROPPED", "FINISHED", "LoopRunner", "STATES", "Task"]
