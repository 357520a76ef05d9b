"""LFSession: the engine of the live LF loop (no Jupyter needed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from snorkel_nb.labeling import ABSTAIN, LabelingFunction, labeling_function
from snorkel_nb.labeling.model import MajorityLabelVoter
from snorkel_nb.labeling.session import LFSession, label_model_report

TEXTS = [
    "check out my channel",
    "great song",
    "subscribe to me",
    "love it",
    "check this song",
    "http://spam.example",
    "nice",
    "subscribe and check",
]


@pytest.fixture
def df():
    return pd.DataFrame({"text": TEXTS})


@pytest.fixture
def dev():
    d = pd.DataFrame({"text": ["check out", "good song", "subscribe", "meh"]})
    return d, np.array([1, 0, 1, -1])


def kw(name, word, label=1):
    return LabelingFunction(name, lambda x: label if word in x.text else ABSTAIN)


def test_upsert_add_replace_remove_and_summary(df, dev):
    s = LFSession(
        df, [kw("check", "check"), kw("song", "song", 0)], dev_df=dev[0], Y_dev=dev[1]
    )
    assert s.L.shape == (8, 2)
    summ = s.summary()
    assert list(summ.index) == ["check", "song"]
    assert summ.loc["check", "Coverage"] == pytest.approx(3 / 8)
    assert summ.loc["check", "Emp. Acc."] == 1.0
    assert "Conflicts" in summ and summ.loc["song", "Conflicts"] == pytest.approx(1 / 8)
    events = []
    s.on_change(events.append)
    assert s.upsert(kw("sub", "subscribe")).op == "add"
    assert s.upsert(kw("check", "channel")).op == "replace"
    assert s.names == ["check", "song", "sub"]
    assert s.summary().loc["check", "Coverage"] == pytest.approx(1 / 8)
    s.remove("song")
    assert s.L.shape == (8, 2) and s.L_dev.shape == (4, 2)
    assert [e["op"] for e in events] == ["add", "replace", "remove"]


def test_only_edited_column_is_recomputed(df):
    calls = {"a": 0, "b": 0}

    def make(name, word):
        def f(x):
            calls[name] += 1
            return 1 if word in x.text else -1

        return LabelingFunction(name, f)

    s = LFSession(df, [make("a", "check"), make("b", "song")])
    assert calls == {"a": 8, "b": 8}
    s.upsert(make("b", "nice"))
    assert calls == {"a": 8, "b": 16}


def test_raising_lf_is_recorded_and_others_unaffected(df):
    s = LFSession(df, [kw("check", "check")])
    L_before = s.L.copy()

    @labeling_function()
    def broken(x):
        if "song" in x.text:
            raise KeyError("boom")
        return ABSTAIN

    change = s.upsert(broken)
    assert change.error is not None and change.error.n_failed == 2
    assert "KeyError" in change.error.traceback and "boom" in change.error.traceback
    np.testing.assert_array_equal(s.L[:, 0], L_before[:, 0])
    assert s.summary().loc["broken", "Errors"] == 2


def test_out_of_range_label_rejected_and_state_restored(df):
    s = LFSession(df, [kw("check", "check")], cardinality=2)
    with pytest.raises(ValueError, match="cardinality"):
        s.upsert(LabelingFunction("bad", lambda x: 5))
    assert s.names == ["check"] and s.L.shape == (8, 1)


def test_sample_points_and_pair_points(df):
    s = LFSession(
        df, [kw("check", "check"), kw("song", "song", 0), kw("sub", "subscribe")]
    )
    lab = s.sample_points("check", "labels", n=2)
    assert len(lab) == 2 and (lab["vote:check"] == 1).all()
    conf = s.sample_points("check", "conflicts", n=5)
    assert conf["text"].tolist() == ["check this song"]
    assert conf["conflicts_with"].tolist() == ["song=0"]
    pts = s.pair_points("check", "song", "conflict")
    assert pts["text"].tolist() == ["check this song"]
    assert set(s.pairwise("overlap")["kind"]) == {"overlap"}


def test_empty_session(df):
    s = LFSession(df)
    assert s.L is None and s.summary().empty
    with pytest.raises(ValueError):
        _ = s.analysis


class Weighted:
    """A duck-typed label model: predict_proba + get_weights + CIs + structure."""

    cardinality = 2

    def predict_proba(self, L):
        w = np.array([0.9, 0.6, 0.8])
        score = ((L == 1) * w).sum(1) - ((L == 0) * w).sum(1)
        p1 = 1 / (1 + np.exp(-3 * score))
        return np.stack([1 - p1, p1], 1)

    def get_weights(self):
        return np.array([0.9, 0.6, 0.8])

    def get_weights_ci(self):
        return np.array([0.8, 0.5, 0.7]), np.array([0.95, 0.7, 0.9])

    def get_dependencies(self):
        return [(0, 2, 0.4)]


def test_label_model_report_with_duck_typed_model():
    L = np.array([[1, 0, -1], [1, 0, 0], [0, 1, 1], [-1, -1, 1], [1, -1, -1]])
    r = label_model_report(
        Weighted(), L, ["a", "b", "c"], L_dev=L, Y_dev=np.array([1, 1, 0, 1, -1])
    )
    assert r.accuracies["ci_low"].tolist() == [0.8, 0.5, 0.7]
    assert r.accuracies["empirical"].tolist()[0] == 1.0
    assert r.dependencies.to_dict("records") == [
        {"lf_a": "a", "lf_b": "c", "weight": 0.4}
    ]
    # point 0: majority vote ties (abstains), the weighted model follows LF a
    assert r.disagreements["row"].tolist() == [0]
    assert r.disagreements["drivers"][0] == "a=1 (acc 0.90), b=0 (acc 0.60)"
    assert set(r.scores["model"]) == {"label model", "majority vote"}
    assert r.calibration["count"].sum() == 4
    mv = label_model_report(MajorityLabelVoter(), L, ["a", "b", "c"])
    assert mv.accuracies["estimated"].isna().all() and mv.disagreements.empty
