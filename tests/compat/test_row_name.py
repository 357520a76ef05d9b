"""Rows from the pandas appliers carry the index label as ``.name``, as Snorkel's.

Snorkel's pandas appliers run ``df.apply(f, axis=1)``, whose rows are Series
named by their index label; code such as ``worker_dict.get(x.name)`` relies on
it. The known truth here is that pandas call itself: every applier must see the
same ``.name`` values that ``df.apply(axis=1)`` rows have.
"""

import numpy as np
import pandas as pd
import pytest

from snorkel_nb.augmentation import ApplyOnePolicy, PandasTFApplier
from snorkel_nb.augmentation import transformation_function
from snorkel_nb.labeling import LabelingFunction, PandasLFApplier, labeling_function
from snorkel_nb.labeling.apply.core import frame_rows
from snorkel_nb.map.core import DictRow, dataframe_rows, fresh_copy
from snorkel_nb.preprocess import preprocessor
from snorkel_nb.slicing import PandasSFApplier, slicing_function

INDEXES = {
    "strings": pd.Index(["t7", "t3", "t9", "t1"], name="tweet_id"),
    "gapped ints": pd.Index([40, 2, 17, 5]),
    "multi": pd.MultiIndex.from_tuples([("a", 1), ("a", 2), ("b", 1), ("b", 9)]),
}
LOOKUP = {"t3": 1, "t1": 0, 2: 1, 5: 0, ("a", 2): 1, ("b", 9): 0}


def frame(index: pd.Index) -> pd.DataFrame:
    return pd.DataFrame(
        {"text": ["w x", "y", "z z", "q"], "name": ["Ann", "Bo", "Cy", "Di"]},
        index=index,
    )


def by_name(x) -> int:
    return LOOKUP.get(x.name, -1)


def pandas_truth(df: pd.DataFrame, f) -> np.ndarray:
    return df.apply(f, axis=1).to_numpy()


@pytest.mark.parametrize("kind", list(INDEXES))
def test_lf_rows_have_the_index_label_as_name(kind):
    df = frame(INDEXES[kind])
    lf = LabelingFunction("by_name", by_name)
    L = PandasLFApplier([lf]).apply(df, progress_bar=False)
    np.testing.assert_array_equal(L[:, 0], pandas_truth(df, by_name))
    assert (L[:, 0] != -1).sum() == 2  # two labels of LOOKUP per index kind


def test_a_column_called_name_stays_an_item_as_in_pandas():
    df = frame(INDEXES["strings"])
    seen = []

    @labeling_function()
    def record(x):
        seen.append((x.name, x["name"]))
        return -1

    PandasLFApplier([record]).apply(df, progress_bar=False)
    truth = [(r.name, r["name"]) for _, r in df.iterrows()]
    assert seen == truth == [("t7", "Ann"), ("t3", "Bo"), ("t9", "Cy"), ("t1", "Di")]


def test_preprocessed_rows_keep_the_name():
    @preprocessor(memoize=False)
    def add_len(x):
        x.n_chars = len(x.text)
        return x

    @labeling_function(pre=[add_len])
    def long_known(x):
        return by_name(x) if x.n_chars >= 1 else -1

    df = frame(INDEXES["gapped ints"])
    L = PandasLFApplier([long_known]).apply(df, progress_bar=False)
    np.testing.assert_array_equal(L[:, 0], pandas_truth(df, by_name))


def test_a_failing_batch_falls_back_to_rows_with_names():
    def broken_batch(df):
        raise RuntimeError("vectorised path unavailable")

    lf = LabelingFunction("by_name", by_name, batch=broken_batch)
    df = frame(INDEXES["multi"])
    L = PandasLFApplier([lf]).apply(df, progress_bar=False)
    np.testing.assert_array_equal(L[:, 0], pandas_truth(df, by_name))


def test_sf_and_tf_rows_have_the_name():
    df = frame(INDEXES["strings"])

    @slicing_function()
    def known(x):
        return x.name in LOOKUP

    S = PandasSFApplier([known]).apply(df, progress_bar=False)
    assert S["known"].tolist() == [0, 1, 0, 1]

    @transformation_function()
    def tag_with_label(x):
        x.text = f"{x.text} <{x.name}>"
        return x

    out = PandasTFApplier([tag_with_label], ApplyOnePolicy(keep_original=False)).apply(
        df, progress_bar=False
    )
    assert out.text.tolist() == [f"{t} <{i}>" for t, i in zip(df.text, df.index)]
    assert out.index.equals(df.index)


def test_dask_partitions_keep_the_index_label():
    dd = pytest.importorskip("dask.dataframe")
    from snorkel_nb.labeling.apply.dask import DaskLFApplier

    df = pd.concat([frame(INDEXES["gapped ints"])] * 3)
    df.index = df.index + np.repeat([0, 100, 200], 4)  # 40, 2, ..., 140, 102, ...
    ddf = dd.from_pandas(df, npartitions=3, sort=False)
    lf = LabelingFunction("odd_label", lambda x: x.name % 2)
    L = DaskLFApplier([lf]).apply(ddf, scheduler="sync")
    np.testing.assert_array_equal(np.asarray(L)[:, 0], df.index.to_numpy() % 2)


def test_row_objects_behave_like_their_fields():
    df = frame(INDEXES["strings"])
    x = next(iter(frame_rows(df)))
    assert (x.name, len(x), list(x), x[-1], x[:1]) == (
        "t7",
        2,
        ["w x", "Ann"],
        "Ann",
        ("w x",),
    )
    with pytest.raises(IndexError):
        x[2]  # the label is not a field
    assert x.copy() == {"text": "w x", "name": "Ann"} and x.copy().name == "t7"
    assert fresh_copy(x).name == "t7"
    d = next(iter(dataframe_rows(df)))
    assert (d.name, d["name"], d.copy().name, fresh_copy(d).name) == (
        "t7",
        "Ann",
        "t7",
        "t7",
    )
    d.name = "new"  # as series.name = ...: the label, not the column
    assert (d.name, d["name"]) == ("new", "Ann")
    assert DictRow(name="col").name == "col"  # no label: the field, as before
