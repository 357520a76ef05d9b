"""TaskRegistry (issue 20): concurrency, interrupted saves, corrupt files.

Real processes: two writers register at once; a child killed while writing an
artefact, and one killed inside an open transaction, leave the previous
version loadable and the database consistent.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time

import numpy as np
import pytest
import torch

from snorkel_nb.multitask.central import CentralModel
from snorkel_nb.multitask.central_synthetic import family_data, task_family, vote_lf
from snorkel_nb.multitask.registry import CorruptArtifactError, TaskRegistry

torch.set_num_threads(1)

FAM = task_family(n_tasks=2, n=400, n_dev=100, d=6, seed=1)
CTX = mp.get_context("fork")  # children use sqlite + numpy only


def _central(tmp_path):
    c = CentralModel(
        TaskRegistry(tmp_path / "c.db"),
        hidden=(8,),
        first_epochs=5,
        data=family_data(FAM),
        label_model="majority",
    )
    for t in ("t0", "t1"):
        c.add_task(t, FAM.lfs[t], labels=FAM.labels[t])
    return c


def test_register_and_query(tmp_path):
    reg = TaskRegistry(tmp_path / "r.db")
    reg.register_task("a", ["x", "y"])
    reg.register_task("b", ["u", "v"], parents={"a": {"u": "x", "v": "y"}})
    r1 = reg.register_lf("b", "lf", "src 1", uses=["a"])
    r2 = reg.register_lf("b", "lf", "src 2")
    assert r1.source_hash != r2.source_hash
    assert [(x.name, x.source) for x in reg.lfs("b")] == [("lf", "src 2")]
    assert reg.lf_by_hash(r1.source_hash).uses == ("a",)  # old source kept
    assert reg.task("b").parents == {"a": {"u": "x", "v": "y"}}
    art = reg.save_arrays(
        "label_matrix",
        "b",
        {"L": np.eye(3, dtype=np.int32)},
        {},
        {"lfs": {"lf": r2.source_hash}},
    )
    assert [a.id for a in reg.used_by(r2.source_hash)] == [art.id]
    np.testing.assert_array_equal(reg.load_arrays(art.id)[1]["L"], np.eye(3))
    with pytest.raises(Exception, match="already registered"):
        reg.register_task("a", ["x", "y"])


def _register_many(path, who, start, n):
    reg = TaskRegistry(path, timeout=60)
    start.wait()
    for i in range(n):
        if i == n // 2:
            start.wait()  # both are half-way: their writes must interleave
        name = f"{who}{i}"
        reg.register_task(name, ["a", "b"])
        rec = reg.register_lf(name, "lf", f"source of {name}")
        art = reg.save_arrays(
            "head",
            name,
            {"w": np.full(3, i, np.float32)},
            {"i": i},
            {"lfs": {"lf": rec.source_hash}},
        )
        reg.add_version(
            None,
            None,
            {
                name: {
                    "label_matrix": None,
                    "label_model": None,
                    "head": art.id,
                    "lfs": {"lf": rec.source_hash},
                }
            },
            {},
            {},
            message=name,
        )
    reg.close()


def test_two_processes_registering_at_once(tmp_path):
    path = tmp_path / "shared.db"
    TaskRegistry(path).close()
    start = CTX.Barrier(2, timeout=60)
    procs = [
        CTX.Process(target=_register_many, args=(path, w, start, 25))
        for w in ("p", "q")
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    reg = TaskRegistry(path)
    assert reg.integrity_check() == []
    assert sorted(t.name for t in reg.tasks()) == sorted(
        [f"p{i}" for i in range(25)] + [f"q{i}" for i in range(25)]
    )
    vs = reg.versions()
    assert len(vs) == 50 and len({v.id for v in vs}) == 50
    for v in vs:  # every version names its own, intact head
        ((task, entry),) = v.tasks.items()
        assert v.message == task
        assert reg.load_arrays(entry["head"])[1]["w"][0] == int(task[1:])
    # the two writers really overlapped: both first halves come first
    first = {v.message for v in vs[:24]}
    assert first == {f"{w}{i}" for w in "pq" for i in range(12)}


def test_interrupted_save_by_an_exception_keeps_the_previous_version(
    tmp_path, monkeypatch
):
    c = _central(tmp_path)
    v = c.current_version
    P = c.predict_proba(FAM.X_dev, "t1")
    c.update_lf("t1", vote_lf("vt0_0", name="lf_vt1_0"))
    real = c.registry.save_file

    def fail_on_head(kind, task, write, inputs):
        if kind == "head":
            write(c.registry.files / "head" / "half-written")  # files, no record
            raise OSError("disk full")
        return real(kind, task, write, inputs)

    monkeypatch.setattr(c.registry, "save_file", fail_on_head)
    with pytest.raises(OSError, match="disk full"):
        c.retrain_stale(progress=False)
    monkeypatch.undo()
    reg = TaskRegistry(tmp_path / "c.db")
    assert reg.integrity_check() == []
    assert reg.current_version().id == v.id
    c2 = CentralModel.open(reg)
    np.testing.assert_array_equal(c2.predict_proba(FAM.X_dev, "t1"), P)
    assert [s.kind for s in c2.stale()] == ["label_matrix", "label_model", "head"]
    assert c2.retrain_stale(progress=False).parent == v.id


def _write_then_hang(path, ready):
    """Start saving a big artefact, stop half-way through the write, hang."""
    import snorkel_nb.io as sio

    def half_write(p, data):
        with open(p.with_name(f".{p.name}.partial.tmp"), "wb") as fh:
            fh.write(data[: len(data) // 2])
            fh.flush()
        ready.set()
        time.sleep(600)

    sio.atomic_write_bytes = half_write
    reg = TaskRegistry(path)
    reg.save_arrays("head", "t1", {"w": np.ones((512, 512), np.float32)}, {}, {})


def _hang_in_transaction(path, ready):
    reg = TaskRegistry(path)
    with reg._write() as db:
        db.execute(
            "INSERT INTO versions(parent, created, message, trunk, graph, "
            "metrics) VALUES (NULL, 0, 'never committed', NULL, '{}', '{}')"
        )
        db.execute("INSERT OR REPLACE INTO meta VALUES ('current_version', '999')")
        ready.set()
        time.sleep(600)


@pytest.mark.parametrize("child", [_write_then_hang, _hang_in_transaction])
def test_killed_process_mid_write_leaves_the_store_consistent(tmp_path, child):
    c = _central(tmp_path)
    v = c.current_version
    P = c.predict_proba(FAM.X_dev)
    n_art = len(c.registry.artifacts())
    ready = CTX.Event()
    proc = CTX.Process(target=child, args=(tmp_path / "c.db", ready))
    proc.start()
    assert ready.wait(60), "the child never reached the write"
    os.kill(proc.pid, 9)
    proc.join(30)
    assert proc.exitcode == -9
    reg = TaskRegistry(tmp_path / "c.db", timeout=10)
    assert reg.integrity_check() == []
    assert reg.current_version().id == v.id and len(reg.versions()) == 2
    assert len(reg.artifacts()) == n_art
    c2 = CentralModel.open(reg)
    for t, p in c2.predict_proba(FAM.X_dev).items():
        np.testing.assert_array_equal(p, P[t])
    reg.register_task("after", ["a", "b"])  # the killed writer's lock is gone


@pytest.mark.parametrize("part", ["npz", "json", "missing"])
def test_a_corrupt_or_missing_file_gives_an_error_naming_it(tmp_path, part):
    c = _central(tmp_path)
    head = c.current_version.tasks["t1"]["head"]
    path = c.registry.files / c.registry.artifact(head).file
    target = path.with_name(path.name + ".npz") if part != "json" else path
    if part == "missing":
        target.unlink()
    else:
        blob = bytearray(target.read_bytes())
        blob[len(blob) // 2] ^= 0xFF
        target.write_bytes(bytes(blob))
    with pytest.raises(CorruptArtifactError) as e:
        CentralModel.open(tmp_path / "c.db")
    assert str(target) in str(e.value) and e.value.path == target
    problems = TaskRegistry(tmp_path / "c.db").integrity_check()
    assert len(problems) == 1 and str(target) in problems[0]
