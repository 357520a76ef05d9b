"""Teacher vs student: the qualification verdict, where they disagree, export."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import altair as alt
import ipywidgets as W
import numpy as np
import traitlets

from snorkel_nb.distill.compare import disagreements
from snorkel_nb.distill.qualify import Qualification
from snorkel_nb.viz import charts
from snorkel_nb.viz.distill import latency_size_scatter
from snorkel_nb.widgets import _html


class TeacherStudentView(W.VBox):
    """Qualification table, disagreement explorer, latency/size chart, export.

    A view only: it gets the :class:`~snorkel_nb.distill.qualify.Qualification`
    and the probabilities already computed; the export button copies the
    chosen candidate's ONNX file (already written and parity-checked by
    qualification) to ``export_dir``.

    Parameters
    ----------
    qualification
        The verdict from :func:`~snorkel_nb.distill.qualify.qualify`.
    texts
        The evaluation texts (test split) the probabilities are for.
    teacher_probs, student_probs
        ``[n, k]`` teacher probabilities and, per candidate, the student's.
    L, lf_names, Y
        LF votes on those rows (to show which fired) and gold labels.
    export_dir
        Where the export button puts ``<candidate>.onnx``.

    Examples
    --------
    >>> import pandas as pd
    >>> from snorkel_nb.distill.qualify import Constraints, select
    >>> table = pd.DataFrame({"candidate": ["t", "s"], "role": ["teacher", "student"],
    ...                       "accuracy": [.8, .9], "agreement": [1., .5],
    ...                       "p99_ms_b1": [np.nan, .2], "size_bytes": [np.nan, 10],
    ...                       "parity": [np.nan, 0.0]})
    >>> marked, best = select(table, Constraints())
    >>> q = Qualification(marked, best, Constraints(), {})
    >>> v = TeacherStudentView(q, ["a", "b"], np.array([[.9, .1], [.2, .8]]),
    ...                        {"s": np.array([[.3, .7], [.1, .9]])})
    >>> v.candidate, v.n_disagreements
    ('s', 1)
    """

    candidate = traitlets.Unicode("")
    n_disagreements = traitlets.Int(0)

    def __init__(
        self,
        qualification: Qualification,
        texts: Sequence[str],
        teacher_probs: np.ndarray,
        student_probs: Mapping[str, np.ndarray],
        L: np.ndarray | None = None,
        lf_names: Sequence[str] | None = None,
        Y: Any = None,
        export_dir: str | Path = ".",
        max_rows: int = 20,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        charts.enable_offline()
        self.qualification = qualification
        self.texts, self.teacher_probs = list(texts), np.asarray(teacher_probs)
        self.student_probs = {k: np.asarray(v) for k, v in student_probs.items()}
        self.L, self.lf_names, self.Y = L, lf_names, Y
        self.export_dir, self.max_rows = Path(export_dir), max_rows
        self._export_callbacks: list[Callable[[str, Path], None]] = []
        names = list(self.student_probs)
        if not names:
            raise ValueError("TeacherStudentView needs at least one student's probs.")
        self.picker = W.Dropdown(options=names, description="student")
        self.export_button = W.Button(description="Export ONNX", icon="download")
        self.status = W.HTML()
        self.table = W.HTML()
        self.explorer = W.HTML()
        self.chart = alt.JupyterChart(self._chart())
        self.picker.observe(self._on_candidate_changed, names="value")
        self.export_button.on_click(self._on_export_clicked)
        self.children = [
            W.HTML(_html.STYLE + "<b>Teacher vs students: qualification</b>"),
            self.table,
            W.HBox([self.chart]),
            W.HBox([self.picker, self.export_button, self.status]),
            W.HTML("<b>Where the teacher and this student disagree (test)</b>"),
            self.explorer,
        ]
        self._render_table()
        best = qualification.best
        self.picker.value = best if best in names else names[0]
        self.candidate = self.picker.value
        self._render_explorer()

    def on_export(
        self, callback: Callable[[str, Path], None], remove: bool = False
    ) -> None:
        """Call ``callback(candidate, path)`` after each export.

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
        """
        (self._export_callbacks.remove if remove else self._export_callbacks.append)(
            callback
        )

    def _chart(self) -> alt.TopLevelMixin:
        q = self.qualification
        t = q.table[q.table["role"] == "student"]
        c = q.constraints
        return latency_size_scatter(
            t, max_ms=c.max_p99_ms_b1, max_bytes=c.max_size_bytes
        )

    def _render_table(self) -> None:
        q = self.qualification
        t = q.table.copy()
        if "qualifies" in t:
            t["qualifies"] = [
                "" if v is None else ("pass" if v else "FAIL") for v in t["qualifies"]
            ]
        shown = [
            c
            for c in (
                "candidate",
                "role",
                "accuracy",
                "f1",
                "dev_accuracy",
                "agreement",
                "p50_ms_b1",
                "p99_ms_b1",
                "p99_ms_b256",
                "size_bytes",
                "parity",
                "qualifies",
                "missed",
            )
            if c in t.columns
        ]
        cons = ", ".join(
            f"{k}={v}" for k, v in vars(q.constraints).items() if v is not None
        )
        verdict = _html.ok(q.message) if q.best is not None else _html.warn(q.message)
        self.table.value = (
            _html.STYLE
            + _html.table(t[shown], float_format="{:.4g}")
            + f"<div>Constraints: {_html.esc(cons)}</div>"
            + verdict
        )

    def _render_explorer(self) -> None:
        d = disagreements(
            self.texts,
            self.teacher_probs,
            self.student_probs[self.candidate],
            self.L,
            self.lf_names,
            self.Y,
        )
        self.disagreement_table = d
        self.n_disagreements = len(d)
        self.explorer.value = _html.STYLE + (
            f"{len(d)} of {len(self.texts)} points; p_teacher / p_student are each "
            "model's probability of the teacher's class."
            + _html.table(d, max_rows=self.max_rows)
            if len(d)
            else "<i>The student agrees with the teacher on every point.</i>"
        )

    def _on_candidate_changed(self, change: Any = None) -> None:
        self.candidate = self.picker.value
        self._render_explorer()

    def export(self, candidate: str | None = None) -> Path:
        """Copy ``candidate``'s ONNX file (default: the selected one) to export_dir."""
        name = candidate or self.candidate
        src = self.qualification.onnx_paths.get(name)
        if src is None:
            raise ValueError(f"no ONNX file for {name!r}: it did not export.")
        self.export_dir.mkdir(parents=True, exist_ok=True)
        dst = self.export_dir / f"{name}.onnx"
        shutil.copyfile(src, dst)
        for cb in list(self._export_callbacks):
            cb(name, dst)
        return dst

    def _on_export_clicked(self, _: Any = None) -> None:
        try:
            dst = self.export()
        except Exception as exc:  # noqa: BLE001 - shown in the widget
            self.status.value = _html.STYLE + _html.error_box(str(exc))
            return
        warn = (
            ""
            if self._qualifies(self.candidate)
            else (" (note: this candidate does not qualify)")
        )
        self.status.value = _html.STYLE + _html.ok(f"exported to {dst}{warn}")

    def _qualifies(self, name: str) -> bool:
        t = self.qualification.table
        row = t[t["candidate"] == name]
        return bool(len(row)) and bool(row["qualifies"].iloc[0] == True)  # noqa: E712
