"""The bundled simulated crowd: reproducible, and its votes follow the planted truth."""

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd

from snorkel_nb.datasets import load_youtube, load_youtube_crowd, youtube_crowd_workers

TOOL = Path(__file__).resolve().parents[2] / "tools" / "make_youtube_crowd.py"


def load_tool():
    spec = importlib.util.spec_from_file_location("make_youtube_crowd", TOOL)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_tool_reproduces_the_bundled_files():
    tool = load_tool()
    gold = pd.concat(load_youtube())["label"].to_numpy()
    workers, votes = tool.simulate(gold)
    pd.testing.assert_frame_equal(workers, youtube_crowd_workers())
    crowd_labels = load_youtube_crowd()[0].reset_index()
    pd.testing.assert_frame_equal(votes, crowd_labels)


def test_votes_follow_the_planted_confusions():
    crowd_labels, *splits = load_youtube_crowd()
    items = pd.concat(splits).set_index("item_id")
    assert (items.index == np.arange(len(items))).all()
    votes = crowd_labels.join(items["label"].rename("gold"))
    # each offered comment has 1-5 distinct workers; ~COVERAGE of comments offered
    per_item = votes.groupby(level=0).worker_id
    assert per_item.nunique().equals(per_item.size())
    assert per_item.size().between(1, 5).all()
    share = per_item.ngroups / len(items)
    se = np.sqrt(0.7 * 0.3 / len(items))
    assert abs(share - load_tool().COVERAGE) < 4 * se
    # empirical P(vote y | gold y) within 4 binomial standard errors of planted
    planted = youtube_crowd_workers().set_index("worker_id")
    checked = 0
    for (worker, gold), g in votes.groupby(["worker_id", "gold"]):
        p = planted.loc[worker, "acc_spam" if gold == 1 else "acc_ham"]
        n = len(g)
        if n < 20:
            continue
        hit = (g["label"] == gold).mean()
        assert abs(hit - p) <= 4 * np.sqrt(p * (1 - p) / n) + 1e-9, (worker, gold)
        checked += 1
    assert checked >= 40  # most of the 30 workers x 2 classes
