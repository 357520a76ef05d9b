"""RegistryView: the central multitask model over time, as one notebook view.

A view only. The engine object (a :class:`~snorkel_nb.multitask.central.
CentralModel`) is injected; every number shown comes from its methods
(``tasks``, ``graph``, ``stale``, ``versions``, ``diff``, ``lineage``,
``interpolate``) and the two buttons that change state call its
``retrain_stale`` and ``rollback``. The view follows the engine through
``central.on_change``, so a retrain done in a cell shows up here too.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Sequence

import altair as alt
import ipywidgets as W
import numpy as np
import pandas as pd
import traitlets

from snorkel_nb.viz import charts
from snorkel_nb.viz.registry import (
    interpolation_chart,
    metric_columns,
    registry_graph_chart,
    version_metrics_chart,
)
from snorkel_nb.widgets import _html

EMPTY_REGISTRY = (
    "The registry has no tasks yet: add one with central.add_task(task, lfs, data=...)."
)
NOTHING_STALE = (
    "Nothing is stale: every label matrix, label model and head matches its LFs."
)
NO_VERSIONS = "No versions yet: a version is recorded by each (re)training."


def _version_id(v: Any) -> Any:
    """The id of a VersionInfo (or the id itself)."""
    return getattr(v, "id", v)


def _short(value: Any, width: int = 60) -> str:
    text = (
        ", ".join(map(str, value))
        if isinstance(value, (list, tuple, set))
        else (str(value))
    )
    return text if len(text) <= width else text[: width - 1] + "…"


def _when(created: float | None) -> str:
    if created is None:
        return ""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(float(created)))


class RegistryView(W.VBox):
    """Tasks and their graph, stale work, versions with diffs, lineage, interpolation.

    Parameters
    ----------
    central
        The engine: a ``CentralModel`` (or anything with the same methods).
    alphas
        The alpha grid of the interpolation chart (0 = old version, 1 = new).
    max_rows
        Rows shown per table.
    version_metric
        The metric per task shown in the versions table (all of them with
        ``None``); with many tasks, one column per task is what stays readable.

    Examples
    --------
    >>> import os, tempfile
    >>> from snorkel_nb.labeling import labeling_function
    >>> from snorkel_nb.multitask.central import CentralData, CentralModel
    >>> X = np.random.default_rng(0).normal(size=(200, 2)).astype("float32")
    >>> @labeling_function()
    ... def pos_a(x):
    ...     return 1 if x.a > 0.3 else (0 if x.a < -0.3 else -1)
    >>> central = CentralModel(os.path.join(tempfile.mkdtemp(), "c.db"),
    ...                        hidden=(8,), first_epochs=2, label_model="majority",
    ...                        data=CentralData(pd.DataFrame({"a": X[:, 0]}), X))
    >>> view = RegistryView(central)
    >>> view.n_tasks, view.retrain_button.disabled
    (0, True)
    >>> _ = central.add_task("sign", [pos_a], labels=["neg", "pos"])
    >>> view.n_tasks, view.n_versions, view.current_version
    (1, 1, '1')
    """

    n_tasks = traitlets.Int(0)
    n_stale = traitlets.Int(0)
    n_versions = traitlets.Int(0)
    current_version = traitlets.Unicode("")

    def __init__(
        self,
        central: Any,
        alphas: Sequence[float] | None = None,
        max_rows: int = 30,
        version_metric: str | None = "dev_accuracy",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        charts.enable_offline()
        self.central = central
        self.alphas = [
            float(a) for a in (np.linspace(0, 1, 11) if alphas is None else alphas)
        ]
        self.max_rows = max_rows
        self.version_metric = version_metric
        self.interpolation: pd.DataFrame | None = None
        self.alpha_row: pd.Series | None = None
        self.diff_result: Any = None
        self._retrain_callbacks: list[Callable[[Any], None]] = []
        self._rollback_callbacks: list[Callable[[Any], None]] = []
        self._interpolate_callbacks: list[Callable[[pd.DataFrame], None]] = []
        self._busy = False
        self.last_event: Any = None

        self.header = W.HTML()
        self.tasks_table = W.HTML()
        self.graph_chart = alt.JupyterChart(self._graph_spec())
        # stale + retrain
        self.stale_table = W.HTML()
        self.retrain_button = W.Button(
            description="Retrain stale", icon="refresh", button_style="warning"
        )
        self.progress = W.IntProgress(
            value=0, min=0, max=1, description="retrain", bar_style="info"
        )
        self.retrain_status = W.HTML()
        # versions, diff, rollback
        self.versions_table = W.HTML()
        self.version_a = W.Dropdown(description="old (A)")
        self.version_b = W.Dropdown(description="new (B)")
        self.diff_button = W.Button(description="Diff A → B")
        self.rollback_button = W.Button(description="Roll back to A", icon="undo")
        self.diff_html = W.HTML()
        self.version_status = W.HTML()
        self.metrics_chart = alt.JupyterChart(self._metrics_spec())
        # lineage
        self.lineage_task = W.Dropdown(description="task")
        self.lineage_html = W.HTML()
        # interpolation
        self.interp_task = W.Dropdown(description="task")
        self.interpolate_button = W.Button(description="Interpolate A → B")
        self.alpha = W.FloatSlider(
            value=0.0,
            min=0.0,
            max=1.0,
            step=0.05,
            description="alpha",
            continuous_update=False,
        )
        self.interp_chart = alt.JupyterChart(self._interp_spec())
        self.interp_row = W.HTML()
        self.interp_status = W.HTML()

        self.retrain_button.on_click(lambda _: self.retrain_stale())
        self.diff_button.on_click(
            lambda _: self._guard(self.version_status, self.show_diff)
        )
        self.rollback_button.on_click(
            lambda _: self._guard(
                self.version_status, lambda: self.rollback(self.version_a.value)
            )
        )
        self.lineage_task.observe(lambda _: self._render_lineage(), names="value")
        self.interpolate_button.on_click(
            lambda _: self._guard(self.interp_status, self.interpolate)
        )
        self.alpha.observe(lambda _: self._render_alpha(), names="value")

        self.children = [
            W.HTML(_html.STYLE + "<b>Central model: task registry</b>"),
            self.header,
            W.HTML("<b>Tasks</b>"),
            W.HBox([self.tasks_table, self.graph_chart]),
            W.HTML("<b>Stale: what a change made out of date, in retrain order</b>"),
            self.stale_table,
            W.HBox([self.retrain_button, self.progress, self.retrain_status]),
            W.HTML("<b>Versions</b>"),
            self.versions_table,
            W.HBox(
                [self.version_a, self.version_b, self.diff_button, self.rollback_button]
            ),
            self.version_status,
            self.diff_html,
            self.metrics_chart,
            W.HTML("<b>Lineage</b>"),
            self.lineage_task,
            self.lineage_html,
            W.HTML("<b>Gradual phase-out: blend version A's head into B's</b>"),
            W.HBox([self.interp_task, self.interpolate_button]),
            W.HBox([self.interp_chart, W.VBox([self.alpha, self.interp_row])]),
            self.interp_status,
        ]
        on_change = getattr(central, "on_change", None)
        if on_change is not None:
            on_change(self._on_engine_change)
        self.refresh()

    # -- callbacks -------------------------------------------------------------
    def on_retrain(self, callback: Callable[[Any], None], remove: bool = False) -> None:
        """``callback(version_or_None)`` after "Retrain stale" finishes.

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
        (self._retrain_callbacks.remove if remove else self._retrain_callbacks.append)(
            callback
        )

    def on_rollback(
        self, callback: Callable[[Any], None], remove: bool = False
    ) -> None:
        """``callback(new_version)`` after a rollback.

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
        (
            self._rollback_callbacks.remove
            if remove
            else self._rollback_callbacks.append
        )(callback)

    def on_interpolate(
        self, callback: Callable[[pd.DataFrame], None], remove: bool = False
    ) -> None:
        """``callback(table)`` after an interpolation (one row per alpha).

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
        (
            self._interpolate_callbacks.remove
            if remove
            else self._interpolate_callbacks.append
        )(callback)

    # -- tables (plain DataFrames, testable) -----------------------------------
    def dependencies(self) -> list[tuple[str, str]]:
        """``(upstream, downstream)``: an LF of downstream reads upstream's
        predictions."""
        deps = self.central.dependencies()
        return [(up, t) for t, d in deps.items() for up in d.get("uses", [])]

    def tasks_frame(self) -> pd.DataFrame:
        """One row per task: labels, graph parents, used predictions, LFs, metrics."""
        graph, deps = self.central.graph, self.central.dependencies()
        cur = self.central.current_version
        metrics = cur.metrics if cur is not None else {}
        rows = []
        for t in self.central.tasks():
            d = deps.get(t, {})
            row = {
                "task": t,
                "k": len(graph.labels(t)) if t in graph.tasks else 0,
                "parents": ", ".join(d.get("parents", [])),
                "reads predictions of": ", ".join(d.get("uses", [])),
                "LFs": len(d.get("lfs", [])),
            }
            row.update(metrics.get(t, {}))
            rows.append(row)
        return pd.DataFrame(rows)

    def stale_frame(self) -> pd.DataFrame:
        """``stale()`` in retrain order: step, kind, task, reason."""
        rows = [
            {"step": i + 1, "kind": s.kind, "task": s.task, "reason": s.reason}
            for i, s in enumerate(self.central.stale())
        ]
        return pd.DataFrame(rows, columns=["step", "kind", "task", "reason"])

    def versions_frame(self) -> pd.DataFrame:
        """One row per version (oldest first) with its tasks and dev metrics."""
        cur = _version_id(self.central.current_version)
        rows = []
        for v in self.central.versions():
            row = {
                "id": v.id,
                "current": "◀" if v.id == cur else "",
                "parent": v.parent,
                "created (UTC)": _when(v.created),
                "message": _short(v.message, 48),
                "tasks": _short(v.task_names),
            }
            for task, m in v.metrics.items():
                for name, val in m.items():
                    row[f"{task}/{name}"] = val
            rows.append(row)
        df = pd.DataFrame(rows)
        return df.astype({"parent": "Int64"}) if len(df) else df

    def metrics_long(self) -> pd.DataFrame:
        """Tidy ``version, task, metric, value`` over all versions (for the chart)."""
        rows = [
            {"version": v.id, "task": task, "metric": k, "value": float(val)}
            for v in self.central.versions()
            for task, m in v.metrics.items()
            for k, val in m.items()
            if val is not None
        ]
        return pd.DataFrame(rows, columns=["version", "task", "metric", "value"])

    # -- actions (also the API the buttons call) ---------------------------------
    def refresh(self) -> None:
        """Re-read everything from the engine and redraw."""
        names = list(self.central.tasks())
        stale = self.stale_frame()
        versions = self.versions_frame()
        self.n_tasks, self.n_stale, self.n_versions = (
            len(names),
            len(stale),
            len(versions),
        )
        cur = _version_id(self.central.current_version)
        self.current_version = "" if cur is None else str(cur)
        self.header.value = _html.STYLE + (
            _html.warn(EMPTY_REGISTRY)
            if not names
            else f"<div>{len(names)} task(s), {len(versions)} version(s); "
            f"current version <b>{_html.esc(self.current_version or '–')}</b>; "
            f"{len(stale)} stale item(s).</div>"
        )
        self.tasks_table.value = _html.STYLE + (
            "<i>(no tasks)</i>"
            if not names
            else _html.table(
                self.tasks_frame().set_index("task"),
                max_rows=self.max_rows,
                float_format="{:.4f}",
            )
        )
        self.graph_chart.chart = self._graph_spec(stale)
        self.stale_table.value = _html.STYLE + (
            _html.ok(NOTHING_STALE)
            if stale.empty
            else _html.table(stale.set_index("step"), max_rows=self.max_rows)
        )
        self.retrain_button.disabled = stale.empty or self._busy
        self.versions_table.value = _html.STYLE + (
            _html.warn(NO_VERSIONS)
            if versions.empty
            else _html.table(
                self._shown_versions(versions),
                max_rows=self.max_rows,
                float_format="{:.4f}",
            )
        )
        ids = list(versions["id"]) if not versions.empty else []
        if ids != list(self.version_b.options):  # new versions: back to the defaults
            cur_id = cur if cur in ids else (ids[-1] if ids else None)
            parent = self.central.current_version.parent if cur in ids else None
            old = parent if parent in ids else (ids[-2] if len(ids) > 1 else cur_id)
            self.version_a.options = self.version_b.options = ids
            self.version_a.value, self.version_b.value = old, cur_id
        for b in (self.diff_button, self.rollback_button, self.interpolate_button):
            b.disabled = len(ids) == 0
        self.metrics_chart.chart = self._metrics_spec()
        self._set_options(self.lineage_task, names, names[0] if names else None)
        self._set_options(self.interp_task, names, names[-1] if names else None)
        self._render_lineage()

    def retrain_stale(self) -> Any:
        """Retrain exactly what ``stale()`` lists, advancing the progress bar."""
        items = self.central.stale()
        if not items:
            self.retrain_status.value = _html.STYLE + _html.ok(NOTHING_STALE)
            return None
        self._busy = True
        self.retrain_button.disabled = True
        self.progress.max, self.progress.value = len(items), 0
        self.progress.bar_style = "info"
        self.retrain_status.value = _html.STYLE + _html.esc(
            f"retraining {len(items)} item(s)…"
        )
        try:
            version = self.central.retrain_stale(progress=self._tick)
        except Exception as exc:  # noqa: BLE001 - shown in the widget
            self.progress.bar_style = "danger"
            self.retrain_status.value = _html.STYLE + _html.error_box(
                f"retrain failed: {exc}"
            )
            return None
        finally:
            self._busy = False
        self.progress.value = self.progress.max
        self.progress.bar_style = "success"
        self.retrain_status.value = _html.STYLE + _html.ok(
            f"retrained {len(items)} item(s)"
            + (f"; new version {_version_id(version)}" if version is not None else "")
        )
        self.refresh()
        for cb in list(self._retrain_callbacks):
            cb(version)
        return version

    def rollback(self, version: Any) -> Any:
        """Make ``version`` current again (the engine records a new version)."""
        if version is None:
            raise ValueError("pick a version to roll back to")
        new = self.central.rollback(version)
        self.refresh()
        self.version_status.value = _html.STYLE + _html.ok(
            f"rolled back to {version}; now at version {_version_id(new)}"
        )
        for cb in list(self._rollback_callbacks):
            cb(new)
        return new

    def show_diff(self, a: Any = None, b: Any = None) -> Any:
        """Show what changed from version ``a`` to ``b`` (default: the pickers).

        Parameters
        ----------
        a, b
            Version ids (or ``VersionInfo``); ``None`` takes the picker's value.

        Returns
        -------
        VersionDiff
            From :meth:`CentralModel.diff`; also kept in ``diff_result``.

        Raises
        ------
        ValueError
            If a version is neither given nor picked.
        CentralModelError
            If a version is unknown.

        Examples
        --------
        >>> import os, tempfile
        >>> from snorkel_nb.labeling import labeling_function
        >>> from snorkel_nb.multitask.central import CentralData, CentralModel
        >>> X = np.random.default_rng(0).normal(size=(200, 2)).astype("float32")
        >>> @labeling_function()
        ... def pos_a(x):
        ...     return 1 if x.a > 0.3 else (0 if x.a < -0.3 else -1)
        >>> @labeling_function()
        ... def pos_b(x):
        ...     return 1 if x.b > 0.3 else (0 if x.b < -0.3 else -1)
        >>> df = pd.DataFrame({"a": X[:, 0], "b": X[:, 1]})
        >>> central = CentralModel(os.path.join(tempfile.mkdtemp(), "c.db"),
        ...                        hidden=(8,), first_epochs=2, label_model="majority",
        ...                        data=CentralData(df, X))
        >>> view = RegistryView(central)
        >>> v1 = central.add_task("sign_a", [pos_a], labels=["neg", "pos"])
        >>> v2 = central.add_task("sign_b", [pos_b], labels=["neg", "pos"])
        >>> d = view.show_diff(v1.id, v2.id)
        >>> d.tasks_added, d.tasks_removed, d is view.diff_result
        (['sign_b'], [], True)
        """
        a = self.version_a.value if a is None else a
        b = self.version_b.value if b is None else b
        if a is None or b is None:
            raise ValueError("pick two versions to diff")
        d = self.central.diff(a, b)
        self.diff_result = d
        self.diff_html.value = _html.STYLE + self._diff_html(d)
        self.version_status.value = ""
        return d

    def interpolate(
        self, task: str | None = None, v_old: Any = None, v_new: Any = None
    ) -> pd.DataFrame:
        """Metrics of ``task``'s head blended from ``v_old`` (alpha 0) to ``v_new``.

        Runs :meth:`CentralModel.interpolate` at the view's ``alphas``, then
        calls the :meth:`on_interpolate` callbacks.

        Parameters
        ----------
        task
            The task; ``None`` takes the task picker's value.
        v_old, v_new
            Version ids; ``None`` takes the version pickers' values.

        Returns
        -------
        pandas.DataFrame
            ``alpha``, ``accuracy``, ``agree_old``, ``agree_new``, one row per
            alpha; also kept in ``interpolation``.

        Raises
        ------
        ValueError
            If the task or a version is neither given nor picked.
        CentralModelError
            As :meth:`CentralModel.interpolate`.

        Examples
        --------
        >>> import os, tempfile
        >>> from snorkel_nb.labeling import labeling_function
        >>> from snorkel_nb.multitask.central import CentralData, CentralModel
        >>> X = np.random.default_rng(0).normal(size=(200, 2)).astype("float32")
        >>> @labeling_function()
        ... def pos_a(x):
        ...     return 1 if x.a > 0.3 else (0 if x.a < -0.3 else -1)
        >>> central = CentralModel(os.path.join(tempfile.mkdtemp(), "c.db"),
        ...                        hidden=(8,), first_epochs=2, label_model="majority",
        ...                        data=CentralData(pd.DataFrame({"a": X[:, 0]}), X))
        >>> view = RegistryView(central)
        >>> v1 = central.add_task("sign_a", [pos_a], labels=["neg", "pos"])
        >>> v2 = central.consolidate(epochs=1)
        >>> tables = []
        >>> view.on_interpolate(tables.append)
        >>> table = view.interpolate("sign_a", v1.id, v2.id)
        >>> table["alpha"].tolist() == list(view.alphas), tables[0] is table
        (True, True)
        >>> float(table["agree_old"].iloc[0]), float(table["agree_new"].iloc[-1])
        (1.0, 1.0)
        """
        task = self.interp_task.value if task is None else task
        v_old = self.version_a.value if v_old is None else v_old
        v_new = self.version_b.value if v_new is None else v_new
        if task is None or v_old is None or v_new is None:
            raise ValueError("pick a task and two versions to interpolate")
        df = self.central.interpolate(task, v_old, v_new, self.alphas)
        self.interpolation = pd.DataFrame(df).reset_index(drop=True)
        self.interp_status.value = _html.STYLE + _html.ok(
            f"{task}: version {v_old} (alpha 0) → {v_new} (alpha 1)"
        )
        self._render_alpha()
        for cb in list(self._interpolate_callbacks):
            cb(self.interpolation)
        return self.interpolation

    # -- internals ----------------------------------------------------------------
    def _shown_versions(self, versions: pd.DataFrame) -> pd.DataFrame:
        m = self.version_metric
        keep = [
            c
            for c in versions.columns
            if "/" not in c or m is None or c.endswith("/" + m)
        ]
        return versions[keep].set_index("id")

    def _tick(self, done: int, total: int, item: Any = None) -> None:
        """The engine's per-item progress callback: advance the bar."""
        self.progress.max = max(int(total), 1)
        self.progress.value = min(int(done), self.progress.max)
        if item is not None:
            self.retrain_status.value = _html.STYLE + _html.esc(
                f"{done}/{total}: {item.kind} of {item.task}"
            )

    def _on_engine_change(self, event: Any = None) -> None:
        """Redraw after an engine change; a view error must never fail the engine."""
        self.last_event = event
        if self._busy:
            return
        try:
            self.refresh()
        except Exception as exc:  # noqa: BLE001 - shown in the widget
            self.header.value = _html.STYLE + _html.error_box(
                f"could not redraw after {getattr(event, 'kind', event)}: {exc}"
            )

    def _graph_spec(self, stale: pd.DataFrame | None = None) -> alt.TopLevelMixin:
        graph = self.central.graph
        tasks = {t: list(graph.labels(t)) for t in graph.tasks}
        stale_tasks = (
            [] if stale is None or stale.empty else list(dict.fromkeys(stale["task"]))
        )
        return registry_graph_chart(
            tasks, graph.edges, self.dependencies(), stale_tasks
        )

    def _metrics_spec(self) -> alt.TopLevelMixin:
        long = self.metrics_long()
        if long.empty:
            long = pd.DataFrame(
                {"version": ["–"], "task": ["–"], "metric": ["–"], "value": [np.nan]}
            )
        return version_metrics_chart(long)

    def _interp_spec(self) -> alt.TopLevelMixin:
        df = self.interpolation
        if df is None or df.empty:
            df = pd.DataFrame({"alpha": [0.0, 1.0], "accuracy": [np.nan, np.nan]})
        return interpolation_chart(
            df, alpha=self.alpha.value if hasattr(self, "alpha") else None
        )

    def _render_alpha(self) -> None:
        self.interp_chart.chart = self._interp_spec()
        df = self.interpolation
        if df is None or df.empty:
            self.interp_row.value = "<i>press Interpolate</i>"
            return
        i = int(np.argmin(np.abs(df["alpha"].to_numpy(float) - self.alpha.value)))
        self.alpha_row = df.iloc[i]
        row = df.iloc[[i]][metric_columns(df)].T.set_axis(["value"], axis=1)
        self.interp_row.value = _html.STYLE + (
            f"<div>alpha = {df['alpha'].iloc[i]:.2f} (nearest computed point)</div>"
            + _html.table(row, float_format="{:.4f}")
        )

    def _render_lineage(self) -> None:
        task = self.lineage_task.value
        if task is None:
            self.lineage_html.value = "<i>(no tasks)</i>"
            return
        try:
            lin = self.central.lineage(task)
        except ValueError as exc:  # e.g. registered but never trained
            self.lineage_html.value = _html.STYLE + _html.warn(str(exc))
            return
        items = []
        for key, val in lin.items() if isinstance(lin, dict) else []:
            if isinstance(val, dict):
                val = ", ".join(f"{k}: {_short(v, 24)}" for k, v in val.items())
            items.append(
                f"<tr><th>{_html.esc(key)}</th><td>"
                f"{_html.esc(_short(val, 400))}</td></tr>"
            )
        self.lineage_html.value = _html.STYLE + (
            f"<table class='snb-table'>{''.join(items)}</table>"
            if items
            else "<i>(no lineage recorded)</i>"
        )

    def _diff_html(self, d: Any) -> str:
        parts = [f"<div><b>version {d.a} → {d.b}</b></div>"]

        def line(title: str, value: Any) -> None:
            if value:
                parts.append(f"<div><b>{title}</b>: {_html.esc(value)}</div>")

        line("tasks added", ", ".join(d.tasks_added))
        line("tasks removed", ", ".join(d.tasks_removed))
        for title, by_task in (
            ("LFs added", d.lfs_added),
            ("LFs removed", d.lfs_removed),
            ("LFs changed", d.lfs_changed),
        ):
            line(
                title,
                "; ".join(f"{t}: {', '.join(n)}" for t, n in by_task.items() if n),
            )
        line("heads retrained", ", ".join(d.heads_changed))
        line("trunk", "changed" if d.trunk_changed else "")
        changed = len(parts) > 1
        deltas = d.to_frame()
        if len(deltas):
            parts.append(
                "<div><b>dev metrics</b></div>"
                + _html.table(deltas, float_format="{:.4f}")
            )
        if not changed and (
            deltas.empty or not deltas["delta"].fillna(1).abs().gt(0).any()
        ):
            parts.append(_html.ok("no differences"))
        return "".join(parts)

    @staticmethod
    def _guard(status: W.HTML, action: Callable[[], Any]) -> None:
        """Run a button's action; an engine error is shown in ``status``, not raised."""
        try:
            action()
        except Exception as exc:  # noqa: BLE001 - shown in the widget
            status.value = _html.STYLE + _html.error_box(f"{type(exc).__name__}: {exc}")

    @staticmethod
    def _set_options(dd: W.Dropdown, options: Sequence[Any], default: Any) -> None:
        value = dd.value
        dd.options = list(options)
        dd.value = value if value in options else default
