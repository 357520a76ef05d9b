"""The fit's account in plain words (viz/fit_story.py): pure Python, no widgets."""

from __future__ import annotations

import warnings

import numpy as np

from snorkel_nb.viz.fit_story import fit_story, story_for_model


def test_fallback_story_names_lfs_and_says_what_to_do():
    rep = {
        "problems": [
            "LFs [0, 2] estimated below chance although they agree with majority vote",
            "no held-out evidence: no LF's vote is ever matched",
        ],
        "action": "fell back to majority vote (same decisions and ties)",
        "identifiability": ["LFs [1] never vote; their accuracy cannot be estimated."],
    }
    s = fit_story(rep, names=["kw_a", "kw_b", "kw_c"], has_dev_gold=True)
    assert s.level == "fallback" and s.is_fallback
    assert "fell back to majority vote" in s.headline
    assert "same estimated accuracy" in s.headline  # explains the flat chart
    assert s.reasons[0].startswith("LFs kw_a, kw_c estimated below chance")
    assert s.reasons[-1].startswith("LF kw_b never votes") or "kw_b" in s.reasons[-1]
    assert any("add LFs that overlap" in a for a in s.advice)
    assert any("check the named LFs' labels" in a for a in s.advice)
    assert not any("dev set" in a for a in s.advice)  # gold was given


def test_rescued_ok_and_no_gold_levels():
    rescued = fit_story(
        {
            "problems": [
                "agrees with majority vote on only 66% of the "
                "points where majority vote is decided"
            ],
            "action": "refit from the majority-vote start",
        }
    )
    assert rescued.level == "rescued"
    assert any("learn_structure" in a for a in rescued.advice)
    ok = fit_story(
        {
            "problems": [],
            "action": None,
            "held_out_lf_gain": {"mean": 0.031, "se": 0.004},
            "selection": {"skipped": "the fit passed the guard unchanged"},
        }
    )
    assert ok.level == "ok" and "+3.1%" in ok.headline
    assert ok.selection == (
        "No model selection was needed: the fit passed the guard unchanged."
    )
    no_gold = fit_story({"problems": [], "action": None}, has_dev_gold=False)
    assert no_gold.level == "no_gold"
    assert no_gold.advice == [
        "give a dev set (dev_df= and Y_dev=) to check the fit against gold"
    ]


def test_model_selection_in_words():
    chose = fit_story(
        {
            "action": "refit from the majority-vote start",
            "selection": {
                "scores": {"label model": -0.61, "dawid-skene": -0.55},
                "diffs": {"dawid-skene": [0.06, 0.01]},
                "chosen": "dawid-skene",
            },
        }
    )
    assert chose.selection.startswith("Model selection switched to Dawid-Skene")
    assert "+0.0600" in chose.selection
    kept = fit_story(
        {
            "action": "refit",
            "selection": {
                "scores": {"a": 1.0},
                "diffs": {"dawid-skene": [0.001, 0.01]},
                "chosen": "label model",
            },
        }
    )
    assert "not significantly better" in kept.selection
    empty = fit_story(
        {
            "action": "refit",
            "selection": {"scores": {}, "diffs": {}, "chosen": "label model"},
        }
    )
    assert "no evidence" in empty.selection
    assert any("more than one class" in a for a in empty.advice)


def test_story_of_a_real_fallback_fit():
    from snorkel_nb.labeling.model import LabelModel, MajorityLabelVoter

    # one LF per class, never on the same point: nothing can check the fit
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 1000)
    L = np.full((1000, 2), -1)
    L[(y == 1) & (rng.random(1000) < 0.5), 0] = 1
    L[(y == 0) & (rng.random(1000) < 0.5), 1] = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lm = LabelModel(cardinality=2).fit(L)
    s = story_for_model(lm, ["spam_kw", "ham_kw"], has_dev_gold=False)
    assert s.level == "fallback"
    problems = [str(p) for p in lm.fit_report_["problems"]]
    assert problems and s.reasons[: len(problems)] == problems
    # the identifiability checks follow, LF numbers replaced by names
    assert any(r.startswith("LFs spam_kw, ham_kw overlap") for r in s.reasons)
    assert any("at least 3 LFs" in a for a in s.advice)
    mv = story_for_model(MajorityLabelVoter(), has_dev_gold=False)
    assert mv.level == "no_gold" and "no fit report" in mv.headline
