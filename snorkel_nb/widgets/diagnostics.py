"""Label-model diagnostics: accuracies, balance, probabilities, calibration,
dependencies, and where (and why) the model disagrees with majority vote.

The view tells the truth about the fit first: a banner says, in plain words,
whether the label model fell back to majority vote (then every LF has the same
estimated accuracy and the two never disagree, by design), was rescued by the
degeneracy guard, or passed its checks, and what to do next. Built from an
:class:`LFSession`, it follows the session: an edit marks it out of date,
visibly, and Refresh refits the label model on the current LFs.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Callable, Sequence

import altair as alt
import ipywidgets as W
import numpy as np
import pandas as pd
import traitlets

from snorkel_nb.labeling.matrix import ABSTAIN
from snorkel_nb.labeling.session import LabelModelReport, LFSession, label_model_report
from snorkel_nb.labeling.thread_warnings import suppressed_warnings
from snorkel_nb.viz import charts
from snorkel_nb.viz.fit_story import FitStory, story_for_model
from snorkel_nb.widgets import _html
from snorkel_nb.widgets.busy import BusyTicker, busy_html, resolve_background

EDIT_OPS = ("add", "replace", "remove", "set")
CHART_KEYS = ("accuracy", "balance", "probs", "calibration", "dependencies")


def wilson_interval(
    correct: np.ndarray, total: np.ndarray, z: float = 1.96
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of ``correct / total`` (NaN where ``total`` is 0).

    Why Wilson: LF accuracies are often measured on a handful of dev points,
    where the normal interval leaves [0, 1] and collapses at 0 or 1.

    Parameters
    ----------
    correct
        Successes per entry.
    total
        Trials per entry (same shape; 0 gives NaN bounds).
    z
        Normal quantile of the confidence level (1.96: 95%).

    Returns
    -------
    tuple of numpy.ndarray
        ``(low, high)`` float arrays of the input's shape.

    Examples
    --------
    >>> lo, hi = wilson_interval(np.array([8]), np.array([10]))
    >>> round(float(lo[0]), 3), round(float(hi[0]), 3)
    (0.49, 0.943)
    """
    c, n = np.asarray(correct, float), np.asarray(total, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = c / n
        den = 1 + z * z / n
        mid = (p + z * z / (2 * n)) / den
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    bad = n <= 0
    return np.where(bad, np.nan, mid - half), np.where(bad, np.nan, mid + half)


class LabelModelDiagnostics(W.VBox):
    """Why does (or doesn't) the label model beat majority vote?

    Shows, under a banner with the fit's own account (fallback, rescue, model
    selection; see :func:`~snorkel_nb.viz.fit_story.fit_story`): estimated vs
    empirical LF accuracies, each point named with its intervals; class
    balance with the uncovered share drawn; predicted probabilities;
    calibration on the dev split; the learned LF dependency graph; dev scores
    of the model and of majority vote; and the points where the two disagree
    with the LFs that drive each.

    Parameters
    ----------
    model
        A fitted label model (anything with ``predict_proba``; ``get_weights``,
        ``fit_report_``, confidence intervals and dependencies are used when
        present).
    L, names
        Training label matrix and LF names.
    L_dev, Y_dev
        Dev matrix and gold (optional).
    df
        Training data, to show the text of disagreement points.
    baseline
        Comparison model (default majority vote).
    ci, dependencies, n_bootstrap
        Accuracy intervals and learned dependencies (see
        :func:`~snorkel_nb.labeling.session.label_model_report`).
    class_names
        Names of the classes (default ``0, 1, ...``, or the session's).
    session
        The :class:`LFSession` to follow (use :meth:`from_session`).
    fit_kwargs
        Label-model settings for refits.
    background
        Following a session, the Refit button fits on a worker thread (the
        kernel stays free; a spinner shows while any fit of the session runs,
        and a fit overtaken by an edit is dropped). ``None`` (default): in a
        Jupyter kernel yes, elsewhere no. :meth:`refit` from code is inline.

    Examples
    --------
    >>> from snorkel_nb.labeling.model import MajorityLabelVoter
    >>> L = np.array([[1, 0], [1, 1], [-1, 0]])
    >>> d = LabelModelDiagnostics(MajorityLabelVoter(), L, ["a", "b"])
    >>> d.report.disagreements.empty
    True
    """

    n_disagreements = traitlets.Int(0)
    #: True when the session's LFs changed since the fit shown here
    stale = traitlets.Bool(False)

    def __init__(
        self,
        model: Any,
        L: np.ndarray,
        names: Sequence[str],
        L_dev: np.ndarray | None = None,
        Y_dev: Any = None,
        df: pd.DataFrame | None = None,
        baseline: Any = None,
        max_rows: int = 20,
        ci: Any = None,
        dependencies: Any = None,
        n_bootstrap: int = 0,
        class_names: Sequence[str] | None = None,
        session: LFSession | None = None,
        fit_kwargs: dict | None = None,
        background: bool | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.background = resolve_background(background)
        self.last_task: Any = None
        charts.enable_offline()
        self.model, self.L, self.names = model, L, list(names)
        self.L_dev, self.Y_dev, self.df, self.baseline = L_dev, Y_dev, df, baseline
        self.max_rows = max_rows
        self.ci, self.dependencies, self.n_bootstrap = ci, dependencies, n_bootstrap
        self._class_names = (
            None if class_names is None else [str(c) for c in class_names]
        )
        self.session = session
        self.fit_kwargs = dict(fit_kwargs or {})
        self.changed_lfs: list[str] = []
        self._fit_names = list(names)
        self._callbacks: list[Callable[[LabelModelReport], None]] = []
        self.charts: dict[str, alt.JupyterChart] = {}
        self.banner = W.HTML()
        self.stale_banner = W.HTML()
        self.scores = W.HTML()
        self.notes = W.HTML()
        self.disagreements = W.HTML()
        self.refresh_button = W.Button(
            description="Refit" if session is not None else "Refresh",
            icon="refresh",
            tooltip="refit the label model on the session's current LFs"
            if session is not None
            else "recompute the report",
        )
        self.refresh_button.on_click(self._on_refresh_clicked)
        self.spinner = W.HTML()
        self.report: LabelModelReport = self._compute()
        self.story: FitStory = self._story()
        for key in CHART_KEYS:
            self.charts[key] = alt.JupyterChart(charts.unvalidated(self._chart(key)))
        c = self.charts
        wrap = W.Layout(flex_flow="row wrap", max_width="100%")
        self.children = [
            W.HTML(_html.STYLE + "<b>Label-model diagnostics</b>"),
            self.stale_banner,
            self.banner,
            W.HBox([self.refresh_button, self.spinner, self.scores], layout=wrap),
            W.HBox([c["accuracy"], c["calibration"]], layout=wrap),
            W.HBox([c["balance"], c["probs"]], layout=wrap),
            c["dependencies"],
            W.HTML("<b>Label model vs majority vote: points where they disagree</b>"),
            self.disagreements,
            self.notes,
        ]
        self._render_tables()
        self.add_class("snb-diagnostics")  # a handle for the browser test and CSS
        if session is not None:
            session.on_change(self._on_session_change)
            if callable(getattr(session, "on_task", None)):
                self._ticker = BusyTicker(self._draw_busy)
                session.on_task(self._on_task)

    # -- construction ------------------------------------------------------
    @classmethod
    def from_session(
        cls, session: LFSession, model: Any = None, **kwargs: Any
    ) -> "LabelModelDiagnostics":
        """Diagnostics of the session's label model, following the session.

        ``model`` defaults to the session's latest label-model fit (fitting
        one if there is none). Every later edit marks the view out of date
        (:attr:`stale`, and a banner naming the changed LFs); Refresh refits
        on the current LFs; a fit made elsewhere (the studio's "Fit label
        model", or ``session.auto_refit``) is shown at once.

        Parameters
        ----------
        session
            The LF session (its ``L``, ``names``, dev split, ``df`` and class
            names are used).
        model
            A fitted label model; ``None`` fits one on the session.
        **kwargs
            ``fit_kwargs`` (for that fit and every Refresh); the rest go to
            :class:`LabelModelDiagnostics`.

        Returns
        -------
        LabelModelDiagnostics
        """
        fit_kwargs = kwargs.pop("fit_kwargs", None) or {}
        if model is None:
            model = _session_fit(session, fit_kwargs).model
        kwargs.setdefault("class_names", getattr(session, "class_names", None))
        return cls(
            model,
            session.L,
            session.names,
            session.L_dev,
            session.Y_dev,
            df=session.df,
            session=session,
            fit_kwargs=fit_kwargs,
            **kwargs,
        )

    def on_refresh(
        self, callback: Callable[[LabelModelReport], None], remove: bool = False
    ) -> None:
        """Call ``callback(report)`` after each refresh.

        Parameters
        ----------
        callback
            Called with the arguments above, in registration order.
        remove
            ``True`` unregisters ``callback`` instead of adding it.

        Raises
        ------
        ValueError
            With ``remove=True``, if ``callback`` is not registered.

        Examples
        --------
        >>> from snorkel_nb.labeling.model import MajorityLabelVoter
        >>> d = LabelModelDiagnostics(MajorityLabelVoter(), np.array([[1, 0]]),
        ...                           ["a", "b"])
        >>> reports = []
        >>> d.on_refresh(reports.append)
        >>> rep = d.refresh(L=np.array([[1, 1], [0, -1]]))
        >>> len(reports), reports[0] is rep
        (1, True)
        """
        (self._callbacks.remove if remove else self._callbacks.append)(callback)

    @property
    def class_names(self) -> list[str]:
        """Display names of the classes."""
        k = int(
            getattr(self.model, "cardinality", 0)
            or max(2, int(np.max(self.L)) + 1 if np.size(self.L) else 2)
        )
        names = self._class_names or []
        return [names[c] if c < len(names) else str(c) for c in range(k)]

    def _cls(self, c: Any) -> str:
        c = int(c)
        names = self.class_names
        return names[c] if 0 <= c < len(names) else "abstain"

    # -- report --------------------------------------------------------------
    def _deps_for_current_lfs(self) -> Any:
        """User-given dependencies, unless the LF set changed under them."""
        if self.dependencies is None or self.names == self._fit_names:
            return self.dependencies
        pairs = [tuple(e[:2]) for e in self.dependencies]
        if all(isinstance(x, str) and x in self.names for p in pairs for x in p):
            return self.dependencies
        return None

    def _compute(self) -> LabelModelReport:
        deps = self._deps_for_current_lfs()
        report = label_model_report(
            self.model,
            self.L,
            self.names,
            self.L_dev,
            self.Y_dev,
            baseline=self.baseline,
            ci=self.ci,
            dependencies=deps,
            n_bootstrap=self.n_bootstrap,
        )
        if deps is None and self.dependencies is not None:
            report.notes.append(
                "The dependencies given when this view was built "
                "refer to an older LF set; they are not drawn."
            )
        self._mv_pred = _preds(self.baseline, self.L, self.class_names)
        return report

    def _story(self) -> FitStory:
        return story_for_model(
            self.model, self.names, has_dev_gold=self.Y_dev is not None
        )

    def accuracy_table(self) -> pd.DataFrame:
        """The accuracy chart's data: the report's table plus a Wilson interval
        on each empirical accuracy (from the dev counts)."""
        acc = self.report.accuracies.copy()
        acc["emp_low"] = acc["emp_high"] = np.nan
        if self.L_dev is not None and self.Y_dev is not None:
            Ld, Y = np.asarray(self.L_dev), np.asarray(self.Y_dev)
            known = (Ld != ABSTAIN) & (Y[:, None] != ABSTAIN)
            tot = known.sum(0)
            cor = (known & (Ld == Y[:, None])).sum(0)
            acc["emp_low"], acc["emp_high"] = wilson_interval(cor, tot)
        return acc

    def balance_table(self) -> pd.DataFrame:
        """``class, source, fraction`` over *all* training points, by class name,
        with the uncovered share (no LF votes) and ties as their own classes,
        so each source sums to 1 (dev gold: over points with known gold)."""
        L = np.asarray(self.L)
        covered = (L != ABSTAIN).any(axis=1) if L.size else np.zeros(len(L), bool)
        n = max(1, len(L))
        names = self.class_names
        rows = []
        lm_pred = self.report.probs["pred"].to_numpy()
        for src, pred in (("label model", lm_pred), ("majority vote", self._mv_pred)):
            for c, name in enumerate(names):
                rows.append((name, src, float(np.sum(covered & (pred == c))) / n))
            rows.append(
                (charts.TIE, src, float(np.sum(covered & (pred == ABSTAIN))) / n)
            )
            rows.append((charts.UNCOVERED, src, float(np.sum(~covered)) / n))
        if self.Y_dev is not None:
            Y = np.asarray(self.Y_dev)
            known = Y[Y != ABSTAIN]
            for c, name in enumerate(names):
                rows.append(
                    (
                        name,
                        "dev gold",
                        float(np.mean(known == c)) if len(known) else 0.0,
                    )
                )
        out = pd.DataFrame(rows, columns=["class", "source", "fraction"])
        ties = out[out["class"] == charts.TIE]["fraction"]
        if not (ties > 0).any():
            out = out[out["class"] != charts.TIE]
        return out.reset_index(drop=True)

    def _chart(self, key: str) -> alt.TopLevelMixin:
        r = self.report
        names = self.class_names
        if key == "accuracy":
            acc = self.accuracy_table()
            has_emp = acc["empirical"].notna().any()
            est = acc["estimated"].dropna().to_numpy()
            same = len(est) > 1 and np.ptp(est) < 1e-6
            sub = (
                "every LF has the same estimated accuracy: the fit is majority "
                "vote (see the banner)"
                if same
                else ""
            )
            return charts.accuracy_scatter(
                acc, x="empirical" if has_emp else "coverage", subtitle=sub
            )
        if key == "balance":
            return charts.class_balance(self.balance_table(), class_order=names)
        if key == "probs":
            what = f"P({names[1]})" if len(names) == 2 else "P(top class)"
            return charts.prob_histogram(r.probs, xtitle=f"predicted {what}")
        if key == "calibration":
            what = f"share of {names[1]}" if len(names) == 2 else "share correct"
            return charts.calibration(r.calibration, ytitle=f"observed {what} (dev)")
        return charts.dependency_graph(r.dependencies, self.names)

    # -- following the session ------------------------------------------------
    def _on_session_change(self, change: dict) -> None:
        op = change.get("op", change.get("kind"))
        if op in EDIT_OPS:
            self.mark_stale(
                [change.get("name") or "all"]
                if op != "set"
                else list(getattr(self.session, "changed_since_fit", None) or ["all"])
            )
        elif op == "fit":
            fit = getattr(self.session, "label_model_fit", None)
            if fit is not None and fit.model is not self.model:
                self._show_session_fit(fit)
        elif op == "fit_failed":
            self.stale_banner.value = _html.STYLE + _html.banner(
                "fallback",
                "The automatic refit failed; this view shows an older fit.",
                [str(change.get("detail", ""))],
            )

    def mark_stale(self, names: Sequence[str]) -> None:
        """Mark the view out of date because the LFs ``names`` changed."""
        for n in names:
            if n not in self.changed_lfs:
                self.changed_lfs.append(n)
        changed = [n for n in self.changed_lfs if n != "all"]
        count = (
            f"{len(changed)} LF{'s' if len(changed) != 1 else ''} changed"
            if changed
            else "the LF set changed"
        )
        self.stale = True
        self.refresh_button.button_style = "warning"
        self.refresh_button.description = "Refit"
        self.stale_banner.value = _html.STYLE + _html.banner(
            "stale",
            f"Out of date: {count} since this fit"
            + (
                f" ({', '.join(changed[:6])}{', ...' if len(changed) > 6 else ''})"
                if changed
                else ""
            )
            + ". Press Refit to refit the label model on the "
            "current LFs.",
        )

    def _clear_stale(self) -> None:
        self.changed_lfs = []
        self.stale = False
        self.refresh_button.button_style = ""
        self.stale_banner.value = ""

    def _show_session_fit(self, fit: Any) -> LabelModelReport:
        s = self.session
        self.model = fit.model
        self.L, self.names, self.L_dev, self.Y_dev = s.L, s.names, s.L_dev, s.Y_dev
        self.df = s.df
        self._clear_stale()
        return self._redraw()

    def refit(self) -> LabelModelReport:
        """Refit the label model on the session's current LFs and redraw."""
        if self.session is None:
            raise ValueError("refit needs a session: build with from_session()")
        if self.session.L is None:
            raise ValueError("the session has no LFs yet; add one first")
        fit = _session_fit(self.session, self.fit_kwargs, refit=True)
        if fit.model is self.model:  # the session's "fit" event already showed it
            self._clear_stale()
            return self.report
        return self._show_session_fit(fit)

    def refresh(
        self,
        model: Any = None,
        L: np.ndarray | None = None,
        names: Sequence[str] | None = None,
        L_dev: np.ndarray | None = None,
    ) -> LabelModelReport:
        """Recompute the report and redraw.

        Following a session with no arguments, this *refits* the label model on
        the session's current LFs (:meth:`refit`). Otherwise the report is
        recomputed for ``model`` / the matrices given (or the current ones).

        Parameters
        ----------
        model : optional
            A fitted label model to report on.
        L : numpy.ndarray, optional
            The training label matrix.
        names : sequence of str, optional
            Its LF names.
        L_dev : numpy.ndarray, optional
            The dev label matrix (dev gold comes from the constructor).

        Returns
        -------
        LabelModelReport
            Also kept in ``report``; the ``on_refresh`` callbacks get it.

        Examples
        --------
        >>> from snorkel_nb.labeling.model import MajorityLabelVoter
        >>> d = LabelModelDiagnostics(MajorityLabelVoter(), np.array([[1, 0]]),
        ...                           ["a", "b"])
        >>> rep = d.refresh(L=np.array([[1, 1], [0, 0], [1, -1]]), names=["x", "y"])
        >>> rep is d.report, rep.accuracies["lf"].tolist()
        (True, ['x', 'y'])
        """
        if (
            self.session is not None
            and model is None
            and L is None
            and names is None
            and L_dev is None
        ):
            return self.refit()
        if model is not None:
            self.model = model
        if L is not None:
            self.L = L
        if names is not None:
            self.names = list(names)
        if L_dev is not None:
            self.L_dev = L_dev
        self._clear_stale()
        return self._redraw()

    def _redraw(self) -> LabelModelReport:
        self.report = self._compute()
        self.story = self._story()
        self._fit_names = list(self.names)
        for key, jc in self.charts.items():
            jc.chart = charts.unvalidated(self._chart(key))
        self._render_tables()
        for cb in list(self._callbacks):
            cb(self.report)
        return self.report

    def _on_task(self, task: Any) -> None:
        """Show a spinner while any label-model fit of the session runs (any
        thread; the studio's fits too)."""
        if self._draw_busy() and self.background:
            self._ticker.poke()

    def _draw_busy(self) -> bool:
        active = [t for t in self.session.busy if t.lane == "fit"]
        self.spinner.value = _html.STYLE + busy_html(active) if active else ""
        self.refresh_button.disabled = bool(active)
        return bool(active)

    def refit_async(self) -> Any:
        """What the Refit button does following a session: start a fit on the
        current LFs (in the background when :attr:`background`); the view
        redraws when the session's fit lands. Returns the task.

        Returns
        -------
        Task
        """
        if self.session.L is None:
            raise ValueError("the session has no LFs yet; add one first")

        def done(task: Any) -> None:
            if task.state == "failed":
                self.notes.value = _html.STYLE + _html.error_box(
                    f"The refit failed: {task.error}", task.traceback
                )
            elif task.state == "done" and task.result().model is self.model:
                self._clear_stale()

        self.last_task = self.session.fit_label_model_async(
            background=self.background, **self.fit_kwargs
        )
        return self.last_task.then(done)

    def _on_refresh_clicked(self, _: Any = None) -> None:
        if self.session is not None and callable(
            getattr(self.session, "fit_label_model_async", None)
        ):
            try:
                self.refit_async()
            except Exception as exc:  # noqa: BLE001 - show in the widget
                self.notes.value = _html.STYLE + _html.error_box(str(exc))
            return
        self.refresh_button.disabled = True
        self.refresh_button.icon = "spinner"
        try:
            self.refresh()
        except Exception as exc:  # noqa: BLE001 - show in the widget
            self.notes.value = _html.STYLE + _html.error_box(str(exc))
        finally:
            self.refresh_button.disabled = False
            self.refresh_button.icon = "refresh"

    # -- tables ----------------------------------------------------------------
    def _render_banner(self) -> None:
        st = self.story
        items = [f"Why: {r}" for r in st.reasons]
        if st.selection:
            items.append(st.selection)
        items += [f"What to do: {a}" for a in st.advice]
        self.banner.value = _html.STYLE + _html.banner(st.level, st.headline, items)

    def _render_tables(self) -> None:
        r = self.report
        self._render_banner()
        self.n_disagreements = len(r.disagreements)
        if len(r.scores):
            wide = r.scores.pivot(index="metric", columns="model", values="value")
            self.scores.value = _html.STYLE + "<b>Dev split</b>" + _html.table(wide)
        else:
            self.scores.value = (
                "<i>No dev gold: no scores. Give the session a dev "
                "split (dev_df=, Y_dev=) to score the fit.</i>"
            )
        dis = r.disagreements
        if len(dis):
            dis = dis.copy()
            dis["lm_pred"] = [self._cls(c) for c in dis["lm_pred"]]
            dis["mv_pred"] = [
                self._cls(c) if c != ABSTAIN else "tie" for c in dis["mv_pred"]
            ]
            dis["drivers"] = [self._named_drivers(t) for t in dis["drivers"]]
            dis = dis.rename(
                columns={
                    "lm_pred": "label model",
                    "mv_pred": "majority vote",
                    "lm_conf": "confidence",
                }
            )
            if self.df is not None:
                text = self.df.iloc[dis["row"].to_numpy()]
                for col in text.columns[:2]:
                    dis.insert(1, col, text[col].to_numpy())
        if len(dis):
            body = (
                f"{len(r.disagreements)} points shown where the label model and "
                "majority vote disagree; <i>drivers</i> lists each voting LF "
                "(and its estimated accuracy), strongest first."
                + _html.table(dis, max_rows=self.max_rows)
            )
        elif self.story.is_fallback:
            body = (
                "<i>The label model agrees with majority vote on every point: "
                "by construction, since the fit fell back to majority vote "
                "(see the banner above).</i>"
            )
        else:
            body = "<i>The label model agrees with majority vote on every point.</i>"
        self.disagreements.value = _html.STYLE + body
        self.notes.value = _html.STYLE + "<br>".join(
            f"<span class='snb-warn'>{_html.esc(n)}</span>" for n in r.notes
        )

    def _named_drivers(self, text: str) -> str:
        """``lf=1 (acc 0.9)`` -> ``lf=SPAM (acc 0.9)``."""
        out = []
        for part in str(text).split(", "):
            name, eq, rest = part.partition("=")
            if not eq:
                out.append(part)
                continue
            vote, sp, tail = rest.partition(" ")
            try:
                vote = self._cls(int(vote))
            except ValueError:
                pass
            out.append(f"{name}={vote}{sp}{tail}")
        return ", ".join(out)


def _preds(baseline: Any, L: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """Hard predictions of ``baseline`` (default majority vote; ties abstain)."""
    from snorkel_nb.labeling.model import MajorityLabelVoter
    from snorkel_nb.labeling.model.base import probs_to_preds

    model = (
        baseline if baseline is not None else MajorityLabelVoter(cardinality=len(names))
    )
    return probs_to_preds(np.asarray(model.predict_proba(np.asarray(L)), float))


def _session_fit(session: LFSession, fit_kwargs: dict, refit: bool = False) -> Any:
    """The session's label-model fit (fitting one when asked or when none).

    Uses ``session.fit_label_model`` (the live-loop engine); a session
    without it gets a plain :class:`LabelModel` fit, warnings kept quiet (the
    banner tells the story from ``fit_report_``).
    """
    fit = getattr(session, "label_model_fit", None)
    if (
        fit is not None
        and not refit
        and not getattr(session, "label_model_stale", False)
    ):
        return fit
    if session.L is None:
        raise ValueError("the session has no LFs yet; add one first")
    if callable(getattr(session, "fit_label_model", None)):
        return session.fit_label_model(**fit_kwargs)
    from snorkel_nb.labeling.model import LabelModel

    with suppressed_warnings(Warning):  # this thread only (refits run on workers)
        model = LabelModel(cardinality=session.cardinality, **fit_kwargs).fit(session.L)
    return SimpleNamespace(model=model)  # the one LoopFit field this view reads


__all__ = ["LabelModelDiagnostics", "wilson_interval"]
