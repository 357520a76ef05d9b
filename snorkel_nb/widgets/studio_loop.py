"""HTML for the studio's label-model panel and the edited LF's before -> after line.

Pure functions of engine objects (a :class:`~snorkel_nb.labeling.loop_fit.LoopFit`,
LF stats dicts), so every number the panel shows is testable without a browser.
"""

from __future__ import annotations

import html
import math
from typing import Any, Sequence

STYLE = (
    "<style>.snb-studio{max-width:1080px}"
    ".snb-scroll{overflow:auto;max-width:100%;max-height:380px}"
    ".snb-examples td{white-space:normal;max-width:520px;vertical-align:top}"
    ".snb-examples mark{background:#ffe58a;padding:0 1px}"
    ".snb-loop td,.snb-loop th{padding:2px 8px;border:1px solid #ddd;text-align:right}"
    ".snb-loop td:first-child{text-align:left}"
    ".snb-up{color:#060}.snb-down{color:#a00}.snb-stale{color:#a60;font-weight:bold}"
    ".snb-hint{background:#f3f7ff;border:1px solid #9bd;padding:6px 10px}"
    ".snb-banner{background:#fff8e1;border:1px solid #e0b84c;padding:6px 10px}"
    "</style>"
)


def _num(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return f"{v:.3f}"


def _delta(d: Any, higher_is_better: bool = True) -> str:
    """``+0.012`` in green when it improves, red when it worsens, blank if none."""
    if d is None or (isinstance(d, float) and math.isnan(d)) or abs(d) < 5e-4:
        return "" if d is None or (isinstance(d, float) and math.isnan(d)) else "±0"
    good = (d > 0) == higher_is_better
    return f"<span class='snb-{'up' if good else 'down'}'>{d:+.3f}</span>"


def loop_panel(
    fit: Any,
    before: Any = None,
    class_names: Sequence[str] = (),
    stale: Sequence[str] = (),
) -> str:
    """The label model's coverage, dev accuracy and class balance beside
    majority vote's, with the change since ``before`` (an earlier fit).

    Parameters
    ----------
    fit
        A :class:`~snorkel_nb.labeling.loop_fit.LoopFit`, or ``None`` (then
        a hint to press "Fit label model").
    before
        The previous fit, for the deltas and the LFs added / removed.
    class_names
        Names by class index; default the indices.
    stale
        LFs changed since ``fit``; when any, an "out of date" banner heads
        the panel.

    Returns
    -------
    str
        HTML (a table, then the fit's notes).

    Examples
    --------
    >>> import numpy as np
    >>> from snorkel_nb.labeling.loop_fit import LoopFit
    >>> f = LoopFit(None, ("a",), 0.1, 0.5, np.array([0.2, 0.3]), 0.5, 0.8,
    ...             np.array([0.25, 0.25]), 0.7)
    >>> "0.800" in loop_panel(f, class_names=["ham", "spam"])
    True
    """
    if fit is None:
        return (
            "<i>No label-model fit yet: press <b>Fit label model</b> (or tick "
            "auto-refit) to see its coverage, dev accuracy and class balance "
            "next to majority vote's.</i>"
        )
    d = fit.delta(before)
    k = len(fit.class_balance)
    names = list(class_names) or [str(c) for c in range(k)]
    rows = [
        ("coverage", "coverage", "coverage", True),
        ("dev accuracy", "dev_accuracy", "mv_dev_accuracy", True),
    ]
    out = [
        "<table class='snb-loop'><tr><th></th><th>label model</th><th>Δ</th>"
        "<th>majority vote</th><th>Δ</th></tr>"
    ]
    for label, lm, mv, up in rows:
        out.append(
            f"<tr><td>{label}</td><td>{_num(d[lm]['after'])}</td>"
            f"<td>{_delta(d[lm]['delta'], up)}</td><td>{_num(d[mv]['after'])}</td>"
            f"<td>{_delta(d[mv]['delta'], up)}</td></tr>"
        )
    for c in range(k):
        lm_d, mv_d = d["class_balance"]["delta"], d["mv_class_balance"]["delta"]
        out.append(
            f"<tr><td>class {html.escape(names[c])}</td>"
            f"<td>{_num(float(fit.class_balance[c]))}</td>"
            f"<td>{'' if lm_d is None else _delta(float(lm_d[c]))}</td>"
            f"<td>{_num(float(fit.mv_class_balance[c]))}</td>"
            f"<td>{'' if mv_d is None else _delta(float(mv_d[c]))}</td></tr>"
        )
    out.append(
        f"<tr><td>uncovered</td><td colspan='2'>{_num(fit.uncovered)}</td>"
        f"<td colspan='2'>{_num(fit.uncovered)}</td></tr></table>"
    )
    dev = (
        ""
        if fit.dev_accuracy is None
        else f" Dev accuracy on {fit.n_dev_covered} covered dev points."
    )
    changed = ""
    if before is not None and (d["lfs_added"] or d["lfs_removed"]):
        changed = (
            " Since the previous fit: "
            + ", ".join(
                [f"+{n}" for n in d["lfs_added"]] + [f"−{n}" for n in d["lfs_removed"]]
            )
            + "."
        )
    head = (
        f"<div>Fitted on {len(fit.lf_names)} LFs in {fit.seconds:.2f} s.{dev}"
        f"{html.escape(changed)}</div>"
    )
    if stale:
        head = (
            f"<div class='snb-stale'>Out of date: {len(stale)} LF(s) changed "
            f"since this fit ({html.escape(', '.join(stale))}); press Fit label "
            "model.</div>" + head
        )
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in fit.notes)
    return head + "".join(out) + (f"<ul>{notes}</ul>" if notes else "")


def lf_change_line(name: str, before: dict | None, after: dict) -> str:
    """``coverage 0.120 → 0.180 (+0.060), dev accuracy …`` for the LF just run.

    Parameters
    ----------
    name
        The LF's name.
    before
        Its summary row before the change (``Coverage``, ``Emp. Acc.``,
        ``Conflicts``), or ``None`` for a new LF.
    after
        Its summary row now; keys it lacks are left out.

    Returns
    -------
    str
        One HTML ``<div>``.

    Examples
    --------
    >>> lf_change_line("has_link", {"Coverage": 0.12}, {"Coverage": 0.18})[:56]
    '<div><b>has_link</b> (before → after): coverage 0.120 → '
    """
    parts = []
    for key, label in (
        ("Coverage", "coverage"),
        ("Emp. Acc.", "dev accuracy"),
        ("Conflicts", "conflicts"),
    ):
        if key not in after:
            continue
        new = after[key]
        old = None if before is None else before.get(key)
        if old is None:
            parts.append(f"{label} {_num(new)}")
        else:
            delta = (
                None
                if any(isinstance(v, float) and math.isnan(v) for v in (old, new))
                else new - old
            )
            parts.append(
                f"{label} {_num(old)} → {_num(new)} {_delta(delta, key != 'Conflicts')}"
            )
    verb = "new LF" if before is None else "before → after"
    return f"<div><b>{html.escape(name)}</b> ({verb}): " + ", ".join(parts) + "</div>"


__all__ = ["STYLE", "lf_change_line", "loop_panel"]
