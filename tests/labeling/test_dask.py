"""DaskLFApplier and label models from partition statistics, on a real LocalCluster.

One cluster (2 worker processes, 1 thread each) serves the whole module; the
killed-worker test runs last because it restarts a worker.
"""

from __future__ import annotations

import logging
import os
import signal
import warnings

import numpy as np
import pandas as pd
import pytest

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("dask.distributed")
da = pytest.importorskip("dask.array")
pytest.importorskip("pyarrow")

from snorkel_nb.labeling import (  # noqa: E402
    ABSTAIN,
    LabelingFunction,
    LFAnalysis,
    LFApplyError,
    PandasLFApplier,
    keyword_lf,
    labeling_function,
    preprocessor,
    regex_lf,
)
from snorkel_nb.labeling import dask_stats  # noqa: E402
from snorkel_nb.labeling.apply import dask as dask_apply  # noqa: E402
from snorkel_nb.labeling.apply.dask import DaskLFApplier  # noqa: E402
from snorkel_nb.labeling.model import (  # noqa: E402
    DawidSkene,
    LabelModel,
    LabelStats,
    MajorityLabelVoter,
    TripletLabelModel,
    generate_synthetic,
)

WORDS = ["check", "out", "my", "channel", "nice", "song", "subscribe", "love", "ok"]


def make_df(n: int = 120, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    texts = [" ".join(rng.choice(WORDS, size=rng.integers(1, 6))) for _ in range(n)]
    return pd.DataFrame(
        {"text": texts, "n": [len(t.split()) for t in texts]},
        index=pd.Index(np.arange(n) * 3 + 7, name="row_id"),
    )


@preprocessor()
def lower_first(x):
    x = x.copy()
    x.first = x.text.split()[0]
    return x


@labeling_function(pre=[lower_first])
def lf_first_check(x):
    return 1 if x.first == "check" else ABSTAIN


@labeling_function()
def lf_short(x):
    return 0 if x.n <= 2 else ABSTAIN


@labeling_function()
def lf_third_word(x):  # raises (IndexError) on rows with fewer than 3 words
    return 1 if x.text.split()[2] in ("my", "channel") else 0


def lf_set() -> list[LabelingFunction]:
    return [
        regex_lf(r"check.*out", label=1),
        keyword_lf(["love", "nice"], label=0),
        lf_first_check,
        lf_short,
        lf_third_word,
    ]


@pytest.fixture(scope="module")
def client():
    # fork: the workers inherit the already-imported snorkel_nb (and torch), so
    # they start in ~0.5 s instead of ~10 s of imports each on a busy machine
    with (
        warnings.catch_warnings(),
        dask.config.set({"distributed.worker.multiprocessing-method": "fork"}),
    ):
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.WARNING,
        )
        c = distributed.Client(cluster)
        c.wait_for_workers(2)
    yield c
    c.close()
    cluster.close()


def in_memory(df, lfs):
    applier = PandasLFApplier(lfs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        L = applier.apply(df, progress_bar=False)
    return L, applier.errors


def partitionings(df):
    """Even, uneven, one-row and empty partitions (a filter that empties some)."""
    yield dd.from_pandas(df, npartitions=1)
    yield dd.from_pandas(df, npartitions=7)
    yield dd.from_pandas(df.iloc[:9], npartitions=9)  # one row each
    ddf = dd.from_pandas(df, npartitions=6)
    yield ddf.map_partitions(lambda p: p[(p.index < 80) | (p.index > 300)])  # empties


def test_apply_equals_in_memory_across_partitionings(client):
    df = make_df()
    lfs = lf_set()
    for ddf in partitionings(df):
        ref, ref_err = in_memory(ddf.compute(), lfs)
        applier = DaskLFApplier(lfs)
        with pytest.warns(RuntimeWarning, match="lf_third_word"):
            L = applier.apply(ddf, scheduler=client, progress_bar=False)
        assert L.dtype == np.int8 and L.shape == ref.shape
        np.testing.assert_array_equal(L.compute(), ref)
        err, want = applier.errors["lf_third_word"], ref_err["lf_third_word"]
        assert (err.n_failed, err.first_row, err.first_index) == (
            want.n_failed,
            want.first_row,
            want.first_index,
        )
        assert "IndexError" in err.traceback
        assert set(applier.errors) == {"lf_third_word"}


def test_lf_raising_on_some_partitions_only(client):
    df = make_df(60)

    @labeling_function()
    def lf_raises_late(x):
        if x.n == 5 and "ok" in x.text:
            raise RuntimeError("late failure")
        return 1 if "song" in x.text else ABSTAIN

    ddf = dd.from_pandas(df, npartitions=5)
    failing = [
        ((p.n == 5) & p.text.str.contains("ok")).any()
        for p in (ddf.get_partition(i).compute() for i in range(5))
    ]
    assert 0 < sum(failing) < 5  # it raises in some partitions, not all
    ref, ref_err = in_memory(df, [lf_raises_late])
    applier = DaskLFApplier([lf_raises_late])
    with pytest.warns(RuntimeWarning):
        L, meta = applier.apply(
            ddf, scheduler=client, progress_bar=False, return_meta=True
        )
    np.testing.assert_array_equal(L.compute(), ref)
    assert meta.faults == {"lf_raises_late": ref_err["lf_raises_late"].n_failed} != {}
    assert (
        applier.errors["lf_raises_late"].first_row
        == ref_err["lf_raises_late"].first_row
    )


def test_fault_tolerant_false_raises_the_lfs_own_exception(client):
    ddf = dd.from_pandas(make_df(40), npartitions=4)
    with pytest.raises(IndexError):
        DaskLFApplier([lf_third_word]).apply(
            ddf, scheduler=client, fault_tolerant=False, progress_bar=False
        )
    with pytest.raises(LFApplyError, match="lf_third_word"):
        DaskLFApplier([lf_third_word], fail_fast=True).apply(
            ddf, scheduler=client, progress_bar=False
        )


class CountingResource:
    """A lookup table that counts how often the driver serialises it."""

    pickled = 0

    def __init__(self, words):
        self.words = set(words)

    def __reduce__(self):
        type(self).pickled += 1
        return (CountingResource, (sorted(self.words),))


def test_resources_are_shipped_once_per_worker_not_per_task(client):
    table = CountingResource(["love", "nice"])
    lf = LabelingFunction(
        "lf_table",
        lambda x, table: 0 if set(x.text.split()) & table.words else ABSTAIN,
        resources={"table": table},
    )
    df = make_df(200)
    ddf = dd.from_pandas(df, npartitions=20)
    CountingResource.pickled = 0
    L = DaskLFApplier([lf]).apply(ddf, scheduler=client, progress_bar=False)
    np.testing.assert_array_equal(L.compute(), in_memory(df, [lf])[0])
    n_workers = len(client.scheduler_info()["workers"])
    # scatter(broadcast=True) serialises once per worker at most, not per partition
    assert 1 <= CountingResource.pickled <= n_workers < ddf.npartitions


def test_parquet_output_is_partitioned_like_input_with_index(client, tmp_path):
    df = make_df(150)
    lfs = lf_set()
    ddf = dd.from_pandas(df, npartitions=6)
    ref, _ = in_memory(df, lfs)
    with pytest.warns(RuntimeWarning):
        res = DaskLFApplier(lfs).apply_to_parquet(
            ddf, tmp_path / "L", scheduler=client, cardinality=2, progress_bar=False
        )
    back = res.read()
    assert back.npartitions == ddf.npartitions and res.lengths == [
        len(p) for p in ddf.partitions
    ]
    got = back.compute()
    assert list(got.columns) == [lf.name for lf in lfs]
    assert set(got.dtypes) == {np.dtype(np.int8)}
    pd.testing.assert_index_equal(got.index, df.index)
    np.testing.assert_array_equal(got.to_numpy(), ref)
    want = LabelStats.from_matrix(ref, 2)
    np.testing.assert_array_equal(res.stats.overlap, want.overlap)
    np.testing.assert_array_equal(res.stats.patterns, want.patterns)
    np.testing.assert_array_equal(res.stats.counts, want.counts)
    # a second run into the same directory replaces its part files
    DaskLFApplier(lfs[:2]).apply_to_parquet(
        ddf, tmp_path / "L", scheduler=client, progress_bar=False
    )
    assert list(dd.read_parquet(tmp_path / "L").columns) == [lf.name for lf in lfs[:2]]
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="not write"):
        DaskLFApplier(lfs).apply_to_parquet(ddf, tmp_path / "other", scheduler=client)


def test_label_models_from_partition_stats_equal_in_memory(client):
    d = generate_synthetic(n=3000, m=6, k=2, seed=3)
    models = (LabelModel, DawidSkene, TripletLabelModel, MajorityLabelVoter)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        refs = [make(cardinality=2).fit(d.L).predict_proba(d.L) for make in models]
    want = LabelStats.from_matrix(d.L, 2)
    for chunks in (701, (1, 400, 2599)):  # uneven, and a one-row partition
        L = da.from_array(d.L, chunks=(chunks, 6))
        stats = dask_stats.label_stats(L, 2, scheduler=client)
        np.testing.assert_array_equal(stats.overlap, want.overlap)
        np.testing.assert_array_equal(stats.patterns, want.patterns)
        np.testing.assert_array_equal(stats.counts, want.counts)
        for make, ref in zip(models, refs):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = dask_stats.fit(make(cardinality=2), L, scheduler=client)
            probs = dask_stats.predict_proba(model, L)
            assert probs.chunks[0] == L.chunks[0]
            np.testing.assert_allclose(probs.compute(), ref, atol=1e-8)


def test_big_matrix_fits_from_overlap_and_the_same_row_sample(client):
    # 55k rows, nearly all distinct: in memory the fit drops the patterns and
    # polishes on L[::5]; the partitioned fit must collect that same sample.
    d = generate_synthetic(n=55_000, m=20, k=2, seed=1)
    L = da.from_array(d.L, chunks=(7_001, 20))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = LabelModel().fit(d.L)
        model = dask_stats.fit(LabelModel(), L, scheduler=client)
    assert ref.fit_report_["em_rows"] == model.fit_report_["em_rows"] == len(d.L[::5])
    np.testing.assert_allclose(
        model.predict_proba(d.L[:2000]), ref.predict_proba(d.L[:2000]), atol=1e-8
    )


def test_too_many_patterns_are_dropped_and_the_fit_uses_the_sample(monkeypatch):
    d = generate_synthetic(n=25_000, m=8, k=2, seed=4)
    L = da.from_array(d.L, chunks=(6_999, 8))
    monkeypatch.setattr(dask_apply, "MAX_PATTERNS", 10)  # in-process: sync scheduler
    stats, sample = dask_stats.label_stats(L, 2, scheduler="sync", return_sample=True)
    assert stats.patterns is None and sample.patterns is not None
    np.testing.assert_array_equal(stats.overlap, LabelStats.from_matrix(d.L, 2).overlap)
    assert sample.n == len(d.L[::2])  # the same rows as in-memory L[::n // 10000]
    np.testing.assert_array_equal(
        sample.counts, LabelStats.from_matrix(d.L[::2], 2).counts
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = dask_stats.fit(LabelModel(), L, scheduler="sync")
    assert model.score(d.L, d.Y)["accuracy"] > 0.8


def test_analysis_from_partition_stats_equals_in_memory(client):
    d = generate_synthetic(n=2000, m=5, k=3, seed=2)
    names = [f"lf_{j}" for j in range(5)]
    ddf = dd.from_pandas(pd.DataFrame(d.L, columns=names), npartitions=4)
    got = dask_stats.analysis(ddf, names, scheduler=client)
    ref = LFAnalysis(d.L, names)
    pd.testing.assert_frame_equal(got.lf_summary(), ref.lf_summary())
    np.testing.assert_array_equal(got.overlap_matrix(), ref.overlap_matrix())
    np.testing.assert_array_equal(got.conflict_matrix(), ref.conflict_matrix())
    pd.testing.assert_frame_equal(got.pairwise_conflicts(), ref.pairwise_conflicts())
    assert got.label_conflict() == pytest.approx(ref.label_conflict())
    with pytest.raises(ValueError, match="statistics"):
        got.lf_empirical_accuracies(d.Y)


def test_bad_inputs_name_the_problem(client, monkeypatch):
    with pytest.raises(ValueError, match="dask DataFrame, got DataFrame"):
        DaskLFApplier([lf_short]).apply(make_df(5), scheduler=client)
    with pytest.raises(ValueError, match="unknown scheduler 'fast'"):
        DaskLFApplier([lf_short]).apply(
            dd.from_pandas(make_df(5), npartitions=1), scheduler="fast"
        )
    monkeypatch.setattr(dask_apply, "CONNECT_TIMEOUT", "1s")
    with pytest.raises(ConnectionError, match="tcp://127.0.0.1:9"):
        dask_apply.connect("tcp://127.0.0.1:9")


def test_local_schedulers_give_the_same_result():
    df = make_df(50)
    ddf = dd.from_pandas(df, npartitions=3)
    ref, _ = in_memory(df, lf_set())
    with pytest.warns(RuntimeWarning):
        L = DaskLFApplier(lf_set()).apply(ddf, scheduler="sync", progress_bar=False)
    np.testing.assert_array_equal(np.asarray(L), ref)


LF_FILE = """
from snorkel_nb.labeling import ABSTAIN, keyword_lf, labeling_function

CARDINALITY = 2
spam = keyword_lf(["check", "subscribe"], label=1)
ham = keyword_lf(["love", "nice"], label=0)


@labeling_function()
def short(x):
    return 0 if x.n <= 2 else ABSTAIN


@labeling_function()
def mentions_song(x):
    return 1 if "song" in x.text and x.n > 3 else ABSTAIN
"""


def write_parquet_set(tmp_path, n_files=3, rows=80):
    data = tmp_path / "data"
    data.mkdir()
    frames = [make_df(rows, seed=i) for i in range(n_files)]
    for i, f in enumerate(frames):
        f.index = f.index + i * 10_000
        f.to_parquet(data / f"part{i}.parquet")
    lfs = tmp_path / "my_lfs.py"
    lfs.write_text(LF_FILE)
    return data, lfs, pd.concat(frames)


def test_pipeline_cli_end_to_end(client, tmp_path, capsys):
    from snorkel_nb.pipeline import load_lfs, main

    data, lf_file, df = write_parquet_set(tmp_path)
    out = tmp_path / "labels.parquet"
    rc = main(
        [
            "--lfs",
            str(lf_file),
            "--data",
            str(data / "*.parquet"),
            "--out",
            str(out),
            "--scheduler",
            client.scheduler.address,
            "--no-progress",
        ]
    )
    assert rc == 0, capsys.readouterr().err
    lfs, k = load_lfs(str(lf_file))
    L, _ = in_memory(df, lfs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = LabelModel(cardinality=k).fit(L)
    got = pd.read_parquet(out)
    pd.testing.assert_index_equal(got.index, df.index)
    np.testing.assert_allclose(
        got[["prob_0", "prob_1"]].to_numpy(), ref.predict_proba(L), atol=1e-8
    )
    np.testing.assert_array_equal(got["label"].to_numpy(), ref.predict(L))
    np.testing.assert_array_equal(
        pd.read_parquet(tmp_path / "labels_L.parquet").to_numpy(), L
    )
    summary = pd.read_csv(tmp_path / "labels_lf_summary.csv", index_col=0)
    assert list(summary.index) == [lf.name for lf in lfs]
    np.testing.assert_allclose(summary["Coverage"], LFAnalysis(L).lf_coverages())
    assert (summary["Errors"] == 0).all() and "Learned Weight" in summary
    assert LabelModel.load(tmp_path / "labels_model.json").n_lfs == len(lfs)


def test_pipeline_function_starts_a_local_cluster(tmp_path):
    from snorkel_nb.pipeline import run_pipeline

    data, lf_file, df = write_parquet_set(tmp_path, n_files=2, rows=40)
    with dask.config.set({"distributed.worker.multiprocessing-method": "fork"}):
        res = run_pipeline(
            str(lf_file),
            str(data),
            str(tmp_path / "out.parquet"),
            model="MajorityLabelVoter",
            n_workers=1,
            progress_bar=False,
        )
    L = pd.read_parquet(res.L_path).to_numpy()
    got = pd.read_parquet(res.out)
    np.testing.assert_array_equal(got["label"], MajorityLabelVoter().predict(L))
    assert res.n == len(df) and res.model_path is None


def test_pipeline_bad_inputs_give_clear_errors(client, tmp_path, capsys, monkeypatch):
    from snorkel_nb.pipeline import main, run_pipeline

    data, lf_file, df = write_parquet_set(tmp_path, n_files=1, rows=20)
    addr = client.scheduler.address
    # a builder LF on a missing field, and a plain LF reading a missing attribute
    with pytest.raises(ValueError, match="'title'"):
        run_pipeline(
            [keyword_lf(["x"], label=1, field="title")],
            str(data),
            str(tmp_path / "o1"),
            scheduler=client,
        )
    title_lf = LabelingFunction("reads_title", lambda x: 1 if x.title else -1)
    with pytest.raises(ValueError, match="'reads_title' reads a column.*'title'"):
        run_pipeline([title_lf], str(data), str(tmp_path / "o2"), scheduler=client)
    csv = tmp_path / "data.csv"
    df.to_csv(csv)
    assert (
        main(
            [
                "--lfs",
                str(lf_file),
                "--data",
                str(csv),
                "--out",
                str(tmp_path / "o3"),
                "--scheduler",
                addr,
            ]
        )
        == 2
    )
    assert f"{str(csv)!r} is not a Parquet file" in capsys.readouterr().err
    monkeypatch.setattr(dask_apply, "CONNECT_TIMEOUT", "1s")
    assert (
        main(
            [
                "--lfs",
                str(lf_file),
                "--data",
                str(data),
                "--out",
                str(tmp_path / "o4"),
                "--scheduler",
                "tcp://127.0.0.1:9",
            ]
        )
        == 2
    )
    assert "Dask scheduler at 'tcp://127.0.0.1:9'" in capsys.readouterr().err


def _kill_marker_lf(marker: str) -> LabelingFunction:
    def f(x):
        if x.n == 5 and not os.path.exists(marker):
            open(marker, "w").close()
            os.kill(os.getpid(), signal.SIGKILL)  # this worker process dies mid-task
        return 1 if "song" in x.text else ABSTAIN

    return LabelingFunction("lf_song_killer", f)


def test_killed_worker_does_not_change_the_result(client, tmp_path):
    df = make_df(400, seed=5)
    marker = str(tmp_path / "killed")
    lf = _kill_marker_lf(marker)
    ddf = dd.from_pandas(df, npartitions=8)
    L = DaskLFApplier([lf, lf_short]).apply(ddf, scheduler=client, progress_bar=False)
    got = L.compute()
    assert os.path.exists(marker)  # a worker really was killed
    np.testing.assert_array_equal(got, in_memory(df, [lf, lf_short])[0])
