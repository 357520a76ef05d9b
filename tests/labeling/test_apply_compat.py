"""Snorkel 0.9 applier surface.

LFApplier, fault_tolerant, return_meta, ApplierMetadata.
"""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from snorkel_nb.labeling import (
    ABSTAIN,
    ApplierMetadata,
    LFApplier,
    LFApplyError,
    PandasLFApplier,
    labeling_function,
    preprocessor,
)
from snorkel_nb.labeling.apply.core import error_mode

DF = pd.DataFrame(
    {"text": ["Check out my channel", "nice song", "subscribe pls", "ok"]},
    index=[10, 11, 12, 13],
)


@labeling_function()
def lf_third_word(x):  # IndexError on rows with fewer than 3 words
    return 1 if x.text.split()[2] == "my" else ABSTAIN


@labeling_function()
def is_big_num(x):
    return 1 if x.num > 42 else 0


@labeling_function()
def first_col_big(x):
    return 1 if x[0] > 42 else 0


def test_fault_tolerant_false_raises_the_lfs_own_exception():
    with pytest.raises(IndexError) as info:
        PandasLFApplier([lf_third_word]).apply(
            DF, progress_bar=False, fault_tolerant=False
        )
    assert "lf_third_word" in "".join(getattr(info.value, "__notes__", []))


def test_fault_tolerant_records_abstains_and_returns_meta():
    with pytest.warns(RuntimeWarning):
        L, meta = PandasLFApplier([lf_third_word]).apply(
            DF, progress_bar=False, fault_tolerant=True, return_meta=True
        )
    assert isinstance(meta, ApplierMetadata)
    assert meta.faults == {"lf_third_word": 3}  # rows 11, 12, 13 have < 3 words
    assert L[:, 0].tolist() == [1, -1, -1, -1]


def test_cached_failures_are_rerun_when_the_caller_wants_them_raised():
    applier = PandasLFApplier([lf_third_word])
    with pytest.warns(RuntimeWarning):
        applier.apply(DF, progress_bar=False)
    with pytest.raises(IndexError):
        applier.apply(DF, progress_bar=False, fault_tolerant=False)
    with pytest.raises(LFApplyError):
        applier.apply(DF, progress_bar=False, fail_fast=True)


def test_no_faults_gives_empty_metadata():
    L, meta = PandasLFApplier([is_big_num]).apply(
        pd.DataFrame({"num": [10, 100]}), progress_bar=False, return_meta=True
    )
    assert L.tolist() == [[0], [1]] and meta.faults == {}


def test_lf_applier_on_data_points_and_arrays():
    L = LFApplier([is_big_num]).apply(
        [SimpleNamespace(num=10), SimpleNamespace(num=100)], progress_bar=False
    )
    assert L.tolist() == [[0], [1]] and L.dtype == np.int8
    L = LFApplier([first_col_big]).apply(
        np.array([[10], [100], [43]]), progress_bar=False
    )
    assert L.tolist() == [[0], [1], [1]]


def test_lf_applier_preprocessors_and_faults():
    @preprocessor()
    def add_double(x):
        return SimpleNamespace(num=x.num, double=2 * x.num)

    @labeling_function(pre=[add_double])
    def double_big(x):
        return 1 if x.double > 42 else ABSTAIN

    @labeling_function()
    def needs_text(x):
        return 1 if "a" in x.text else ABSTAIN

    pts = [SimpleNamespace(num=10), SimpleNamespace(num=30)]
    with pytest.warns(RuntimeWarning, match="needs_text"):
        L, meta = LFApplier([double_big, needs_text]).apply(
            pts, progress_bar=False, return_meta=True
        )
    assert L.tolist() == [[-1, -1], [1, -1]] and meta.faults == {"needs_text": 2}
    with pytest.raises(AttributeError):
        LFApplier([needs_text]).apply(pts, progress_bar=False, fault_tolerant=False)
    with pytest.raises(TypeError, match="PandasLFApplier"):
        LFApplier([needs_text]).apply(DF)


def test_error_policy_resolution():
    assert error_mode(None, None, True) == "fail_fast"
    assert error_mode(True, None, True) == "tolerant"
    assert error_mode(False, True, False) == "fail_fast"
    with pytest.raises(ValueError, match="contradict"):
        error_mode(True, True, False)
