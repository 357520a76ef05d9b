"""Label-model diagnostics: accuracies, balance, probabilities, calibration,
dependencies, and where (and why) the model disagrees with majority vote."""

from __future__ import annotations

from typing import Any, Callable, Sequence

import altair as alt
import ipywidgets as W
import numpy as np
import pandas as pd
import traitlets

from snorkel_nb.labeling.session import LabelModelReport, LFSession, label_model_report
from snorkel_nb.viz import charts
from snorkel_nb.widgets import _html


class LabelModelDiagnostics(W.VBox):
    """Why does (or doesn't) the label model beat majority vote?

    Shows estimated vs empirical LF accuracies (with confidence intervals when
    the model gives them), class balance, the histogram of predicted
    probabilities, calibration on the dev split, the learned LF dependency graph,
    dev scores of the model and of majority vote side by side, and the points
    where the two disagree with the LFs that drive each.

    Parameters
    ----------
    model
        A fitted label model (anything with ``predict_proba``; ``get_weights``
        and confidence intervals / dependencies are used when present).
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

    Examples
    --------
    >>> from snorkel_nb.labeling.model import MajorityLabelVoter
    >>> L = np.array([[1, 0], [1, 1], [-1, 0]])
    >>> d = LabelModelDiagnostics(MajorityLabelVoter(), L, ["a", "b"])
    >>> d.report.disagreements.empty
    True
    """

    n_disagreements = traitlets.Int(0)

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
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        charts.enable_offline()
        self.model, self.L, self.names = model, L, list(names)
        self.L_dev, self.Y_dev, self.df, self.baseline = L_dev, Y_dev, df, baseline
        self.max_rows = max_rows
        self.ci, self.dependencies, self.n_bootstrap = ci, dependencies, n_bootstrap
        self._callbacks: list[Callable[[LabelModelReport], None]] = []
        self.charts: dict[str, alt.JupyterChart] = {}
        self.scores = W.HTML()
        self.notes = W.HTML()
        self.disagreements = W.HTML()
        self.refresh_button = W.Button(description="Refresh", icon="refresh")
        self.refresh_button.on_click(self._on_refresh_clicked)
        self.report: LabelModelReport = self._compute()
        for key in ("accuracy", "balance", "probs", "calibration", "dependencies"):
            self.charts[key] = alt.JupyterChart(self._chart(key))
        c = self.charts
        self.children = [
            W.HTML(_html.STYLE + "<b>Label-model diagnostics</b>"),
            W.HBox([self.refresh_button, self.scores]),
            W.HBox([c["accuracy"], c["calibration"]]),
            W.HBox([c["balance"], c["probs"]]),
            c["dependencies"],
            W.HTML("<b>Label model vs majority vote: points where they disagree</b>"),
            self.disagreements,
            self.notes,
        ]
        self._render_tables()

    @classmethod
    def from_session(cls, session: LFSession, model: Any, **kwargs: Any
                     ) -> "LabelModelDiagnostics":
        """Diagnostics of ``model`` on a session's current matrices."""
        return cls(model, session.L, session.names, session.L_dev, session.Y_dev,
                   df=session.df, **kwargs)

    def on_refresh(self, callback: Callable[[LabelModelReport], None],
                   remove: bool = False) -> None:
        """Call ``callback(report)`` after each refresh."""
        (self._callbacks.remove if remove else self._callbacks.append)(callback)

    def _compute(self) -> LabelModelReport:
        return label_model_report(self.model, self.L, self.names, self.L_dev,
                                  self.Y_dev, baseline=self.baseline, ci=self.ci,
                                  dependencies=self.dependencies,
                                  n_bootstrap=self.n_bootstrap)

    def _chart(self, key: str) -> alt.TopLevelMixin:
        r = self.report
        if key == "accuracy":
            return charts.accuracy_scatter(r.accuracies)
        if key == "balance":
            return charts.class_balance(r.class_balance)
        if key == "probs":
            return charts.prob_histogram(r.probs)
        if key == "calibration":
            return charts.calibration(r.calibration)
        return charts.dependency_graph(r.dependencies, self.names)

    def refresh(self, model: Any = None, L: np.ndarray | None = None,
                names: Sequence[str] | None = None, L_dev: np.ndarray | None = None
                ) -> LabelModelReport:
        """Recompute the report (optionally for a new model / matrices), redraw."""
        if model is not None:
            self.model = model
        if L is not None:
            self.L = L
        if names is not None:
            self.names = list(names)
        if L_dev is not None:
            self.L_dev = L_dev
        self.report = self._compute()
        for key, jc in self.charts.items():
            jc.chart = self._chart(key)
        self._render_tables()
        for cb in list(self._callbacks):
            cb(self.report)
        return self.report

    def _on_refresh_clicked(self, _: Any = None) -> None:
        try:
            self.refresh()
        except Exception as exc:  # noqa: BLE001 - show in the widget
            self.notes.value = _html.STYLE + _html.error_box(str(exc))

    def _render_tables(self) -> None:
        r = self.report
        self.n_disagreements = len(r.disagreements)
        if len(r.scores):
            wide = r.scores.pivot(index="metric", columns="model", values="value")
            self.scores.value = _html.STYLE + "<b>Dev split</b>" + _html.table(wide)
        else:
            self.scores.value = "<i>No dev gold: no scores.</i>"
        dis = r.disagreements
        if self.df is not None and len(dis):
            dis = dis.copy()
            text = self.df.iloc[dis["row"].to_numpy()]
            for col in text.columns[:2]:
                dis.insert(1, col, text[col].to_numpy())
        self.disagreements.value = _html.STYLE + (
            f"{len(r.disagreements)} points shown where the label model and majority "
            "vote disagree; <i>drivers</i> lists each voting LF (and its estimated "
            "accuracy), strongest first." + _html.table(dis, max_rows=self.max_rows)
            if len(dis) else "<i>The label model agrees with majority vote on every "
            "point.</i>")
        self.notes.value = (_html.STYLE + "<br>".join(
            f"<span class='snb-warn'>{_html.esc(n)}</span>" for n in r.notes))
