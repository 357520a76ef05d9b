"""LoopRunner: lanes run in order, the newest task of a key wins, failures are kept
on the task, inline mode is plain sequential code. Worker steps are held at
threading events, so nothing here asserts on time."""

from __future__ import annotations

import threading

import pytest

from snorkel_nb.labeling.loop_runner import DROPPED, LoopRunner

WAIT = 60


def held(event, value):
    def work(task):
        assert event.wait(WAIT)
        return value

    return work


def keep(task, value):
    return value


@pytest.fixture
def runner():
    r = LoopRunner(background=True)
    yield r
    r.close()


def test_a_newer_task_of_a_key_supersedes_a_queued_and_a_running_one(runner):
    gate = threading.Event()
    committed = []

    def commit(task, value):
        committed.append(value)
        return value

    running = runner.submit("fit", "fit", "first", held(gate, 1), commit)
    queued = runner.submit("fit", "fit", "second", held(gate, 2), commit)
    newest = runner.submit("fit", "fit", "third", held(gate, 3), commit)
    assert [t.label for t in runner.active] == ["first", "second", "third"]
    gate.set()
    assert runner.wait(WAIT)
    assert (running.state, queued.state, newest.state) == (
        "superseded",
        "superseded",
        "done",
    )
    assert committed == [3] and newest.result() == 3 and running.result() is None
    assert runner.active == []


def test_other_keys_run_in_order_on_one_lane_and_lanes_run_side_by_side(runner):
    gate = threading.Event()
    order = []

    def commit(task, value):
        order.append(value)
        return value

    runner.submit("edit", "a", "a", held(gate, "a"), commit)
    runner.submit("edit", "b", "b", lambda t: "b", commit)
    other = runner.submit("fit", "fit", "fit", lambda t: "fit", commit)
    assert other.result(WAIT) == "fit"  # not held behind the edit lane
    gate.set()
    assert runner.wait(WAIT) and order == ["fit", "a", "b"]


def test_a_commit_can_drop_a_stale_result_and_failures_are_kept(runner):
    dropped = runner.submit("fit", "x", "x", lambda t: 1, lambda t, v: DROPPED)
    boom = runner.submit("fit", "y", "y", lambda t: 1 / 0, keep)
    assert runner.wait(WAIT)
    assert dropped.state == "superseded" and dropped.result() is None
    assert boom.state == "failed" and isinstance(boom.error, ZeroDivisionError)
    assert "ZeroDivisionError" in boom.traceback
    with pytest.raises(ZeroDivisionError):
        boom.result()


def test_progress_and_state_changes_reach_the_listeners(runner):
    seen = []
    runner.on_task(lambda t: seen.append((t.state, t.progress)))

    def work(task):
        task.report("half way")
        return 1

    runner.submit("edit", "k", "k", work, keep).result(WAIT)
    assert runner.wait(WAIT)
    assert seen == [
        ("queued", ""),
        ("running", ""),
        ("running", "half way"),
        ("done", "half way"),
    ]


def test_then_runs_once_finished_even_when_added_late(runner):
    task = runner.submit("edit", "k", "k", lambda t: 5, keep)
    assert runner.wait(WAIT)
    got = []
    task.then(lambda t: got.append(t.result()))
    assert got == [5]


def test_wait_times_out_while_a_task_is_held(runner):
    gate = threading.Event()
    runner.submit("edit", "k", "k", held(gate, 1), keep)
    assert runner.wait(timeout=0.05) is False
    gate.set()
    assert runner.wait(WAIT)


def test_inline_mode_runs_each_task_before_submit_returns():
    r = LoopRunner(background=False)
    main = threading.current_thread().name
    where = []
    t = r.submit("fit", "fit", "f", lambda t: where.append(main) or 7, keep)
    assert t.state == "done" and t.result() == 7 and where == [main]
    assert r.active == [] and r.wait(0)
