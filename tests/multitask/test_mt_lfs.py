"""MultiTaskLFApplier: declared tasks, implied labels, dict votes, clear errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from snorkel_nb.labeling import keyword_lf, labeling_function, regex_lf
from snorkel_nb.multitask import (
    MultiTaskLF,
    MultiTaskLFApplier,
    TaskGraph,
    multitask_lf,
)


@pytest.fixture
def graph() -> TaskGraph:
    return TaskGraph.from_hierarchy(["HUM:ind", "HUM:gr", "LOC:city", "LOC:country"])


@pytest.fixture
def df() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "text": [
                "Who wrote Hamlet ?",
                "What city is largest ?",
                "What country borders Peru ?",
                "Which team won ?",
            ]
        }
    )


def lfs():
    who = MultiTaskLF(keyword_lf(["who"], label=0, name="who"), task="coarse")
    where = MultiTaskLF(
        regex_lf(r"\b(city|country)\b", label=1, name="place"), task="coarse"
    )

    @multitask_lf()
    def city(x):
        return "LOC:city" if "city" in x.text else None

    @multitask_lf(task="fine")
    def team(x):
        return "HUM:gr" if "team" in x.text else -1

    @multitask_lf()
    def country(x):
        if "country" in x.text:
            return {"coarse": "LOC", "fine": "LOC:country"}
        return None

    return [who, where, city, team, country]


def test_columns_per_task_without_padding(graph, df):
    app = MultiTaskLFApplier(lfs(), graph)
    L = app.apply(df, progress_bar=False)
    assert app.columns == {
        "coarse": ["who", "place", "city", "country"],
        "fine": ["city", "team", "country"],
    }
    C, F = graph.labels("coarse"), graph.labels("fine")
    assert L["coarse"].shape == (4, 4) and L["fine"].shape == (4, 3)
    assert L["coarse"][0].tolist() == [C.index("HUM"), -1, -1, -1]
    assert L["coarse"][2].tolist() == [-1, C.index("LOC"), -1, C.index("LOC")]
    assert L["fine"][1].tolist() == [F.index("LOC:city"), -1, -1]
    assert L["fine"][3].tolist() == [-1, F.index("HUM:gr"), -1]
    assert L["fine"][2].tolist() == [-1, -1, F.index("LOC:country")]


def test_implied_parent_votes(graph, df):
    L = MultiTaskLFApplier(lfs(), graph).apply(df, progress_bar=False, implied=True)
    C = graph.labels("coarse")
    # "city" voted the fine label LOC:city; implied=True writes LOC in its coarse column
    assert L["coarse"][1, 2] == C.index("LOC")
    plain = MultiTaskLFApplier(lfs(), graph).apply(df, progress_bar=False)
    assert plain["coarse"][1, 2] == -1


def test_plain_labeling_function_with_task_attribute(graph, df):
    @labeling_function()
    def asks_which(x):
        return 1 if x.text.startswith("Which") else -1

    asks_which.task = "coarse"
    L = MultiTaskLFApplier([asks_which], graph).apply(df, progress_bar=False)
    assert L["coarse"][:, 0].tolist() == [-1, -1, -1, 1]
    assert L["fine"].shape == (4, 0)


def test_only_the_edited_lf_is_recomputed(graph, df):
    calls = []

    @multitask_lf(task="coarse", name="counted")
    def counted(x):
        calls.append(1)
        return 0

    app = MultiTaskLFApplier([counted, *lfs()], graph)
    app.apply(df, progress_bar=False)
    app.apply(df, progress_bar=False)
    assert len(calls) == len(df)  # second apply reused the cached column


def test_bad_votes_are_clear_errors(graph, df):
    @multitask_lf(task="coarse")
    def too_big(x):
        return 7

    with pytest.raises(ValueError, match=r"too_big.*task 'coarse' has labels 0..1"):
        MultiTaskLFApplier([too_big], graph).apply(df, progress_bar=False)

    wrong = MultiTaskLF(keyword_lf(["who"], label=5, name="kw5"), task="coarse")
    with pytest.raises(ValueError, match=r"kw5.*voted 5 on task 'coarse'"):
        MultiTaskLFApplier([wrong], graph).apply(df, progress_bar=False)

    @multitask_lf()
    def no_such(x):
        return "HUM:doctor"

    with pytest.raises(ValueError, match="'HUM:doctor', which is no label"):
        MultiTaskLFApplier([no_such], graph).apply(df, progress_bar=False)

    @multitask_lf()
    def other_task(x):
        return {"sentiment": 1}

    with pytest.raises(ValueError, match="task 'sentiment'"):
        MultiTaskLFApplier([other_task], graph).apply(df, progress_bar=False)

    with pytest.raises(ValueError, match="unknown task 'nope'"):
        MultiTaskLFApplier([MultiTaskLF(lambda x: 0, task="nope")], graph)


def test_ambiguous_label_names_need_a_dict():
    g = TaskGraph({"a": ["yes", "no"], "b": ["yes", "no"]})

    @multitask_lf()
    def amb(x):
        return "yes"

    with pytest.raises(ValueError, match="several of its tasks"):
        MultiTaskLFApplier([amb], g).apply(
            pd.DataFrame({"text": ["x"]}), progress_bar=False
        )
    ok = MultiTaskLF(lambda x: {"b": "no"}, name="ok")
    L = MultiTaskLFApplier([ok], g).apply(
        pd.DataFrame({"text": ["x"]}), progress_bar=False
    )
    assert L["a"].tolist() == [[-1]] and L["b"].tolist() == [[1]]
    assert np.issubdtype(L["a"].dtype, np.integer)
