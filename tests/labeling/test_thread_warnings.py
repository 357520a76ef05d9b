"""Warnings captured on a worker thread never swallow the kernel thread's."""

from __future__ import annotations

import threading
import warnings

from snorkel_nb.labeling.thread_warnings import captured_warnings, suppressed_warnings


def _in_worker(body) -> None:
    t = threading.Thread(target=body)
    t.start()
    t.join(timeout=30)
    assert not t.is_alive()


def test_worker_capture_keeps_other_threads_warnings_visible():
    inside, started, release = [], threading.Event(), threading.Event()

    def worker():
        with captured_warnings() as caught:
            warnings.warn("from the fit", UserWarning, stacklevel=1)
            started.set()
            release.wait(timeout=30)  # the main thread warns while we capture
            warnings.warn("late fit warning", UserWarning, stacklevel=1)
        inside.extend(str(w.message) for w in caught)

    with warnings.catch_warnings(record=True) as main_seen:
        warnings.simplefilter("always")
        t = threading.Thread(target=worker)
        t.start()
        assert started.wait(timeout=30)
        warnings.warn("from a notebook cell", UserWarning, stacklevel=1)
        release.set()
        t.join(timeout=30)
    assert inside == ["from the fit", "late fit warning"]
    # the cell's warning reached the main thread's own capture, not the worker's
    assert [str(w.message) for w in main_seen] == ["from a notebook cell"]


def test_worker_suppression_drops_only_its_categories():
    shown = []

    def worker():
        with suppressed_warnings(RuntimeWarning):
            warnings.warn("lf raised", RuntimeWarning, stacklevel=1)
            warnings.warn("other", UserWarning, stacklevel=1)

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        _in_worker(worker)
        shown.extend(str(w.message) for w in seen)
    assert shown == ["other"]


def test_main_thread_capture_records_everything():
    with captured_warnings(ignore=(DeprecationWarning,)) as caught:
        warnings.warn("a", UserWarning, stacklevel=1)
        warnings.warn("b", DeprecationWarning, stacklevel=1)
        warnings.warn("a", UserWarning, stacklevel=1)  # "always": repeats are kept
    assert [str(w.message) for w in caught] == ["a", "a"]
