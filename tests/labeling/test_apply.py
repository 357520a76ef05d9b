import warnings

import numpy as np
import pandas as pd
import pytest

from snorkel_nb.labeling import (
    ABSTAIN,
    LabelingFunction,
    LFApplyError,
    PandasLFApplier,
    labeling_function,
    preprocessor,
)

DF = pd.DataFrame(
    {
        "text": ["Check out my channel", "nice song", "subscribe pls", "ok"],
        "n words": [4, 2, 2, 1],
    },
    index=[10, 11, 12, 13],
)


@labeling_function()
def lf_check(x):
    return 1 if "check" in x.text.lower() else ABSTAIN


@labeling_function()
def lf_short(x):
    return 0 if x["n words"] <= 2 else ABSTAIN


@labeling_function()
def lf_third_word(x):  # raises on rows with fewer than 3 words
    return 1 if x.text.split()[2] == "my" else ABSTAIN


def test_rowwise_matches_hand_computed():
    L = PandasLFApplier([lf_check, lf_short]).apply(DF, progress_bar=False)
    assert L.dtype == np.int8
    assert L.tolist() == [[1, -1], [-1, 0], [-1, 0], [-1, 0]]


def test_row_object_behaves_like_a_series():
    seen = {}

    @labeling_function()
    def inspect_row(x):
        seen["get"] = x.get("missing", "default")
        seen["item"] = x["text"]
        return ABSTAIN

    PandasLFApplier([inspect_row]).apply(DF.iloc[:1], progress_bar=False)
    assert seen == {"get": "default", "item": "Check out my channel"}


def test_faulty_lf_abstains_records_and_warns_once():
    applier = PandasLFApplier([lf_check, lf_third_word])
    with pytest.warns(RuntimeWarning, match="lf_third_word: failed on 3 row") as rec:
        L = applier.apply(DF, progress_bar=False)
    assert len(rec) == 1
    assert L[:, 0].tolist() == [1, -1, -1, -1]  # other LFs unaffected
    assert L[:, 1].tolist() == [1, -1, -1, -1]  # abstains where it failed
    err = applier.errors["lf_third_word"]
    assert err.n_failed == 3 and err.first_row == 1 and err.first_index == 11
    assert "IndexError" in err.traceback and "lf_third_word" not in applier.errors.get(
        "lf_check", ""
    )


def test_fail_fast_names_lf_and_row():
    with pytest.raises(
        LFApplyError, match=r"'lf_third_word' failed on row 1 \(index 11\)"
    ):
        PandasLFApplier([lf_third_word], fail_fast=True).apply(DF, progress_bar=False)


def test_bad_return_values_are_errors():
    bad = LabelingFunction("returns_str", lambda x: "SPAM")
    applier = PandasLFApplier([bad])
    with pytest.warns(RuntimeWarning):
        L = applier.apply(DF, progress_bar=False)
    assert (L == ABSTAIN).all()
    assert "an LF must return an int" in applier.errors["returns_str"].first_error


def test_reapply_recomputes_only_edited_lf():
    calls = {"a": 0, "b": 0}

    def make(name, label):
        def f(x):
            calls[name] += 1
            return label

        return LabelingFunction(name, f)

    applier = PandasLFApplier([make("a", 1), make("b", 0)])
    applier.apply(DF, progress_bar=False)
    assert calls == {"a": 4, "b": 4}
    applier.apply(DF, progress_bar=False)
    assert calls == {"a": 4, "b": 4}  # fully cached

    def f_new(x):  # a redefinition with the same name replaces the old LF
        calls["b"] += 1
        return 1

    applier.add(LabelingFunction("b", f_new))
    L = applier.apply(DF, progress_bar=False)
    assert calls == {"a": 4, "b": 8}
    assert L[:, 1].tolist() == [1, 1, 1, 1] and applier.names == ["a", "b"]
    applier.apply(DF.iloc[:2], progress_bar=False)  # other data: everything recomputed
    assert calls == {"a": 6, "b": 10}


def test_remove_and_duplicate_names():
    applier = PandasLFApplier([lf_check, lf_short])
    applier.remove("lf_check")
    assert applier.apply(DF, progress_bar=False).shape == (4, 1)
    with pytest.raises(KeyError, match="no LF named"):
        applier.remove("nope")
    with pytest.raises(ValueError, match="two LFs are named 'lf_check'"):
        PandasLFApplier([lf_check, lf_check])
    with pytest.raises(TypeError, match="@labeling_function"):
        PandasLFApplier([lambda x: 0])


def test_batch_lf_used_and_fallback_isolates_failures():
    seen = {}

    def batch(df):
        seen["batch"] = True
        return np.where(df["text"].str.contains("song"), 0, -1)

    good = LabelingFunction(
        "song", lambda x: 0 if "song" in x.text else -1, batch=batch
    )

    def broken_batch(df):
        raise RuntimeError("vectorised path broke")

    rowwise_ok = LabelingFunction(
        "row_ok", lambda x: 1 if x.text == "ok" else -1, batch=broken_batch
    )
    L = PandasLFApplier([good, rowwise_ok]).apply(DF, progress_bar=False)
    assert seen["batch"]
    assert L.tolist() == [[-1, -1], [0, -1], [-1, -1], [-1, 1]]


def test_group_batch_contract():
    calls = []

    def group_fn(df, lfs):
        calls.append([lf.name for lf in lfs])
        return np.column_stack([np.full(len(df), i) for i, _ in enumerate(lfs)])

    lfs = []
    for name in ("g0", "g1"):
        lf = LabelingFunction(name, lambda x: -1)
        lf.batch_group = ("demo-group", group_fn)
        lfs.append(lf)
    L = PandasLFApplier(lfs).apply(DF, progress_bar=False)
    assert calls == [["g0", "g1"]]
    assert L[:, 0].tolist() == [0] * 4 and L[:, 1].tolist() == [1] * 4


def test_preprocessor_runs_once_per_row_and_does_not_leak():
    count = {"n": 0}

    @preprocessor()
    def upper(x):
        count["n"] += 1
        x.text = x.text.upper()
        return x

    @labeling_function(pre=[upper])
    def a(x):
        return 1 if "CHECK" in x.text else -1

    @labeling_function(pre=[upper])
    def b(x):
        return 1 if "SONG" in x.text else -1

    @labeling_function()
    def raw(x):
        return 0 if x.text.islower() else -1

    L = PandasLFApplier([a, b, raw]).apply(DF, progress_bar=False)
    assert count["n"] == 4  # memoised across LFs of the same row
    assert L.tolist() == [[1, -1, -1], [-1, 1, 0], [-1, -1, 0], [-1, -1, 0]]


def test_empty_dataframe_and_bad_input():
    L = PandasLFApplier([lf_check]).apply(DF.iloc[:0], progress_bar=False)
    assert L.shape == (0, 1)
    with pytest.raises(ValueError, match="expects a pandas DataFrame"):
        PandasLFApplier([lf_check]).apply(DF["text"])
    with pytest.raises(ValueError, match="no labeling functions"):
        PandasLFApplier([]).apply(DF)


def test_large_labels_widen_dtype():
    lf = LabelingFunction("big", lambda x: 200)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        L = PandasLFApplier([lf]).apply(DF, progress_bar=False)
    assert L.dtype == np.int32 and (L == 200).all()
