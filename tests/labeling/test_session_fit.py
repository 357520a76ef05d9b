"""The label model in the LF loop: LFSession.fit_label_model, stale marking, auto-refit.

Known truths: hand-built matrices whose coverage, majority-vote class balance
and dev accuracy are counted by hand, and a planted synthetic set where the
label model must beat majority vote (two accurate LFs outvoted by four weak ones).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from snorkel_nb.labeling import LabelingFunction
from snorkel_nb.labeling.loop_fit import LoopFit, fit_loop
from snorkel_nb.labeling.model import LabelModel, generate_synthetic
from snorkel_nb.labeling.session import LFSession

# rows: all vote 1 / two vote 0 / one votes 1 / nobody votes
HAND = np.array([[1, 1, 1], [0, 0, -1], [1, -1, -1], [-1, -1, -1]])
HAND_GOLD = np.array([1, 1, 0, 0])  # majority vote gets row 0 only of rows 0-2


def column_lf(name: str, col: str | None = None) -> LabelingFunction:
    col = col or name
    return LabelingFunction(name, lambda x: int(x[col]))


def frame(L: np.ndarray, names=("a", "b", "c")) -> pd.DataFrame:
    return pd.DataFrame(L, columns=list(names))


@pytest.fixture(scope="module")
def hand_session() -> LFSession:
    s = LFSession(
        frame(np.tile(HAND, (25, 1))),
        [column_lf(n) for n in "abc"],
        dev_df=frame(HAND),
        Y_dev=HAND_GOLD,
    )
    s.fit_label_model()
    return s


def test_hand_counted_coverage_balance_and_dev_accuracy(hand_session):
    fit = hand_session.label_model_fit
    assert isinstance(fit, LoopFit) and fit.lf_names == ("a", "b", "c")
    assert fit.coverage == pytest.approx(0.75) and fit.uncovered == pytest.approx(0.25)
    # majority vote: rows 0 and 2 -> class 1, row 1 -> class 0, row 3 uncovered
    np.testing.assert_allclose(fit.mv_class_balance, [0.25, 0.5])
    assert fit.class_balance.sum() == pytest.approx(fit.coverage)
    # dev: rows 0-2 are covered with gold; MV right on row 0 only
    assert fit.n_dev_covered == 3
    assert fit.mv_dev_accuracy == pytest.approx(1 / 3)
    assert 0.0 <= fit.dev_accuracy <= 1.0
    assert isinstance(fit.model, LabelModel) and fit.seconds > 0
    # the report is built on first access, once
    assert fit.report is fit.report
    assert list(fit.report.accuracies["lf"]) == ["a", "b", "c"]


def test_planted_accurate_lfs_beat_majority_vote():
    d = generate_synthetic(
        n=3000,
        m=6,
        k=2,
        accuracies=[0.95, 0.95, 0.6, 0.6, 0.6, 0.6],
        propensities=[0.9] * 6,
        class_balance=[0.5, 0.5],
        seed=3,
    )
    names = [f"lf{j}" for j in range(6)]
    df = frame(d.L, names)
    s = LFSession(
        df.iloc[:2000],
        [column_lf(n) for n in names],
        dev_df=df.iloc[2000:],
        Y_dev=d.Y[2000:],
    )
    fit = s.fit_label_model()
    assert fit.coverage == pytest.approx(float((d.L[:2000] != -1).any(1).mean()))
    assert fit.dev_accuracy > fit.mv_dev_accuracy + 0.03
    assert fit.class_balance.sum() == pytest.approx(fit.coverage)
    assert fit.mv_class_balance.sum() == pytest.approx(fit.coverage)
    # planted balance 0.5 / 0.5 over covered rows
    assert abs(fit.class_balance[1] / fit.coverage - 0.5) < 0.05


def test_stale_marking_previous_fit_and_delta():
    s = LFSession(frame(np.tile(HAND, (25, 1))), [column_lf("a"), column_lf("b")])
    assert s.label_model_fit is None and not s.label_model_stale
    events = []
    s.on_change(events.append)
    first = s.fit_label_model()
    assert not s.label_model_stale and events[-1]["kind"] == "fit"
    s.upsert(column_lf("c"))
    assert s.label_model_stale and s.changed_since_fit == ["c"]
    s.upsert(column_lf("c"))  # a replacement is an edit too, listed once
    assert s.changed_since_fit == ["c"]
    second = s.fit_label_model()
    assert s.previous_label_model_fit is first and s.label_model_fit is second
    assert not s.label_model_stale
    d = second.delta(first)
    assert d["lfs_added"] == ["c"] and d["lfs_removed"] == []
    # c only votes where a does: coverage unchanged (hand: 0.75 both times)
    assert d["coverage"] == {"before": 0.75, "after": 0.75, "delta": 0.0}
    assert d["dev_accuracy"]["delta"] is None  # no dev gold in this session
    s.remove("a")
    assert s.label_model_stale and s.changed_since_fit == ["a"]
    assert [e["op"] for e in events] == ["fit", "add", "replace", "fit", "remove"]


def test_auto_refit_refits_after_every_edit_and_reports_failures():
    s = LFSession(
        frame(np.tile(HAND, (25, 1))), [column_lf("a"), column_lf("b")], auto_refit=True
    )
    assert s.label_model_fit is not None  # the initial LF set was fitted
    events = []
    s.on_change(lambda c: events.append((c["op"], c["detail"])))
    s.upsert(column_lf("c"))
    assert [e[0] for e in events] == ["add", "fit"]
    assert s.label_model_fit.lf_names == ("a", "b", "c") and not s.label_model_stale
    assert s.previous_label_model_fit.lf_names == ("a", "b")
    # a refit that raises leaves the edit in place and says why
    s.label_model_kwargs = {"em_steps": -1}
    s.remove("c")
    assert s.names == ["a", "b"] and events[-1][0] == "fit_failed"
    assert "em_steps" in events[-1][1] and s.label_model_stale


def test_kwargs_go_to_the_model_config_or_to_fit():
    L = np.tile(HAND, (25, 1))
    fit = fit_loop(L, ["a", "b", "c"], 2, em_steps=0, class_balance=[0.3, 0.7])
    assert fit.model.config.em_steps == 0
    with pytest.raises(TypeError, match="no_such_arg"):
        fit_loop(L, ["a", "b", "c"], 2, no_such_arg=1)


def test_bad_inputs_raise_clear_errors():
    s = LFSession(frame(HAND))
    with pytest.raises(ValueError, match="no LFs yet"):
        s.fit_label_model()
    with pytest.raises(ValueError, match="3 columns but 2 LF names"):
        fit_loop(HAND, ["a", "b"], 2)
    with pytest.raises(ValueError, match="class_names"):
        LFSession(frame(HAND), class_names=["ham"])
    assert LFSession(frame(HAND), class_names=["ham", "spam"]).class_names == [
        "ham",
        "spam",
    ]


def test_fit_warnings_are_kept_not_printed(recwarn):
    # two LFs cannot identify accuracies: the engine warns; the loop keeps it
    fit = fit_loop(np.tile(HAND[:, :2], (25, 1)), ["a", "b"], 2)
    assert not [w for w in recwarn if "LFs" in str(w.message)]
    assert any("IdentifiabilityWarning" in w for w in fit.warnings)


def test_re_added_lf_keeps_its_column_position():
    s = LFSession(frame(HAND), [column_lf(n) for n in "abc"])
    s.remove("b")
    s.upsert(column_lf("d", "b"))  # a new LF goes last
    assert s.names == ["a", "c", "d"]
    s.upsert(column_lf("b"))  # a re-added one goes back to its place
    assert s.names == ["a", "b", "c", "d"]
    np.testing.assert_array_equal(s.L[:, 1], HAND[:, 1])
