"""The label-model fit's own account of itself, in plain words, with what to do.

A label model that fell back to majority vote, or that the degeneracy guard
had to rescue, still draws every chart: equal LF accuracies, identical
scores, no disagreement with majority vote. Without being told, a user reads
those as findings. :func:`fit_story` turns ``model.fit_report_`` (the guard's
problems and action, the identifiability checks, the v2 engine's model
selection) into one headline, the reasons and the next steps, for the
diagnostics banner. Pure Python: no UI imports, so scripts and tests use it too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from snorkel_nb.labeling.model.report import abstention_note

#: banner levels, most severe first
LEVELS = ("fallback", "rescued", "no_gold", "ok")

_LF_LIST = re.compile(r"LFs \[([\d,\s]+)\]")


@dataclass(frozen=True)
class FitStory:
    """What a fit did, why, and what to do next (for a banner).

    Attributes
    ----------
    level
        ``fallback`` (the model *is* majority vote, or keeps its decisions),
        ``rescued`` (the guard refit it), ``no_gold`` (a normal fit, but
        nothing checks it) or ``ok``.
    headline
        One sentence.
    reasons
        The fit report's problems, with LF numbers replaced by names.
    advice
        Concrete next steps, most useful first.
    selection
        The model-selection choice in words (empty when none ran).
    """

    level: str
    headline: str
    reasons: list[str] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)
    selection: str = ""

    @property
    def is_fallback(self) -> bool:
        """Whether the fitted model is (or decides as) majority vote."""
        return self.level == "fallback"


def _named(text: str, names: Sequence[str] | None) -> str:
    """``LFs [5, 7]`` -> ``LFs regex_check_out, many_caps`` when names are known."""
    if not names:
        return text

    def sub(m: re.Match) -> str:
        idx = [int(i) for i in m.group(1).replace(" ", "").split(",") if i]
        if not all(0 <= i < len(names) for i in idx):
            return m.group(0)
        return ("LF " if len(idx) == 1 else "LFs ") + ", ".join(names[i] for i in idx)

    out = _LF_LIST.sub(sub, text)
    if out != text and "LF " in out and "LFs " not in out:  # one LF: singular verbs
        out = out.replace(" although they agree ", " although it agrees ")
    return out


def _advice_for(problem: str) -> list[str]:
    p = problem.lower()
    out = []
    if "collapsed" in p:
        out.append(
            "add LFs that vote for the class that collapsed, or pass "
            "class_balance= if you know the class shares"
        )
    if "below chance" in p:
        out.append(
            "check the named LFs' labels: an LF the model finds worse than "
            "chance often votes the wrong class"
        )
    if "agrees with majority vote on only" in p or "unanimously" in p:
        out.append(
            "declare correlated or duplicated LFs as dependencies "
            "(dependencies=learn_structure(L)), or drop near-duplicates"
        )
    if "no held-out evidence" in p or "not significantly better" in p:
        out.append(
            "add LFs that overlap: LFs that vote on the same points (and "
            "for both classes) let the model check them against each other"
        )
    if "not significantly better" in p:
        out.append(
            "until then majority vote is as good: use it, or give a dev set to compare"
        )
    if "never vote" in p:
        out.append("remove or fix the LFs that never vote")
    if "at least 3" in p:
        out.append("write at least 3 LFs that vote independently of each other")
    if "barely" in p or "3 or more votes" in p or "overlap with other lfs" in p:
        out.append("add LFs that overlap: most points get fewer than 2 votes")
    return out


def _selection_words(sel: dict) -> tuple[str, list[str]]:
    if not sel:
        return "", []
    if sel.get("skipped"):
        return f"No model selection was needed: {sel['skipped']}.", []
    chosen = sel.get("chosen", "label model")
    scores = sel.get("scores") or {}
    if not scores:
        return (
            "Model selection had no evidence to compare the label model with "
            "Dawid-Skene: no LF casts two different votes where another LF "
            "votes too (keyword and regex LFs each vote one class), so the "
            "fit was kept.",
            [
                "to let the engine compare models, add LFs that vote for more "
                "than one class (e.g. a sentiment model or a lookup table)"
            ],
        )
    gain = (sel.get("diffs") or {}).get("dawid-skene")
    tail = ""
    if gain is not None and len(gain) == 2:
        tail = (
            f" (held-out vote log-likelihood {gain[0]:+.4f} per vote, "
            f"s.e. {gain[1]:.4f})"
        )
    if chosen == "dawid-skene":
        return (
            "Model selection switched to Dawid-Skene (a full confusion matrix "
            f"per LF): it predicts held-out votes better{tail}.",
            [],
        )
    return (
        f"Model selection kept the label model: Dawid-Skene was not "
        f"significantly better{tail}.",
        [],
    )


def fit_story(
    fit_report: dict | None,
    names: Sequence[str] | None = None,
    has_dev_gold: bool = True,
) -> FitStory:
    """The banner for a fit: headline, reasons, advice, model-selection choice.

    Parameters
    ----------
    fit_report
        ``model.fit_report_`` (``None`` or empty for models without one, e.g.
        majority vote itself).
    names
        LF names, to replace LF numbers in the report's messages.
    has_dev_gold
        Whether dev gold labels were given (without them, "give a dev set").

    Returns
    -------
    FitStory
        ``level`` (one of :data:`LEVELS`), headline, reasons and advice.

    Examples
    --------
    >>> s = fit_story({"problems": ["LFs [1] estimated below chance although they "
    ...                             "agree with majority vote"],
    ...                "action": "fell back to majority vote (same decisions)"},
    ...               names=["kw_a", "kw_b"], has_dev_gold=False)
    >>> s.level, s.reasons[0][:17]
    ('fallback', 'LF kw_b estimated')
    >>> s.advice[-1]
    'give a dev set (dev_df= and Y_dev=) to check the fit against gold'
    """
    rep = fit_report or {}
    action = rep.get("action") or ""
    problems = [_named(str(p), names) for p in rep.get("problems") or []]
    ident = [_named(str(p), names) for p in rep.get("identifiability") or []]
    sel_words, sel_advice = _selection_words(rep.get("selection") or {})
    sel_words = " ".join(w for w in (abstention_note(rep), sel_words) if w)
    advice: list[str] = []
    for p in problems + ident:
        advice += [
            a
            for a in _advice_for(p)
            if a not in advice
            and not (
                a.startswith("add LFs that overlap")
                and any(b.startswith("add LFs that overlap") for b in advice)
            )
        ]
    if action.startswith("fell back to majority vote"):
        level = "fallback"
        headline = (
            "The label model fell back to majority vote: its predictions "
            "are majority vote's, so every LF gets the same estimated "
            "accuracy and the two models agree on every point by design."
        )
    elif action.startswith("kept majority vote"):
        level = "fallback"
        headline = (
            "The label model kept majority vote's decisions and only breaks "
            "its ties: the fit could not be checked without gold."
        )
    elif action:
        level = "rescued"
        headline = (
            "The first fit looked unreliable, so the label model was refit "
            "from majority vote with a strong prior toward it: its estimates "
            "stay close to majority vote's."
        )
    elif not has_dev_gold:
        level = "no_gold"
        headline = "The label model fit passed its checks; no dev gold checks it."
    else:
        level = "ok"
        headline = (
            "The label model fit passed its checks (it predicts held-out "
            "LFs better than majority vote)."
        )
    gain = rep.get("held_out_lf_gain") or {}
    if gain and not problems and level in ("ok", "no_gold"):
        headline += (
            f" Held-out LF agreement {gain.get('mean', 0):+.1%} over "
            f"majority vote (s.e. {gain.get('se', 0):.1%})."
        )
    if level in ("fallback", "rescued") and not any("overlap" in a for a in advice):
        advice.append(
            "add LFs that overlap: LFs that vote on the same points (and "
            "for both classes) let the model check them against each other"
        )
    advice += [a for a in sel_advice if a not in advice]
    if not has_dev_gold:
        advice.append(
            "give a dev set (dev_df= and Y_dev=) to check the fit against gold"
        )
    return FitStory(level, headline, problems + ident, advice, sel_words)


def story_for_model(
    model: Any, names: Sequence[str] | None = None, has_dev_gold: bool = True
) -> FitStory:
    """:func:`fit_story` of ``model.fit_report_``; models without one (majority
    vote, a duck-typed model) get a plain note.

    Parameters
    ----------
    model : object
        A fitted label model; its ``fit_report_`` is read if it has one.
    names : sequence of str, optional
        LF names, to replace LF numbers in the report's messages.
    has_dev_gold : bool, default True
        Whether dev gold labels were given.

    Returns
    -------
    FitStory

    Examples
    --------
    >>> story_for_model(object()).level
    'ok'
    """
    rep = getattr(model, "fit_report_", None)
    if rep is None:
        head = (
            f"{type(model).__name__} has no fit report: nothing says how "
            "reliable it is."
        )
        return FitStory(
            "ok" if has_dev_gold else "no_gold",
            head,
            [],
            []
            if has_dev_gold
            else ["give a dev set (dev_df= and Y_dev=) to check it against gold"],
        )
    return fit_story(rep, names, has_dev_gold)


__all__ = ["LEVELS", "FitStory", "fit_story", "story_for_model"]
