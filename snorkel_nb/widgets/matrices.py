"""Coverage / overlap / conflict matrices of an LF set, with click-to-inspect cells."""

from __future__ import annotations

from typing import Any, Callable, Sequence

import altair as alt
import ipywidgets as W
import pandas as pd
import traitlets

from snorkel_nb.labeling.analysis import LFAnalysis
from snorkel_nb.labeling.session import LFSession
from snorkel_nb.viz import charts
from snorkel_nb.widgets import _html

KINDS = ("overlap", "conflict", "coverage")
HINT = "<i>Click a cell (or a coverage bar) to list its points.</i>"


class LFMatrices(W.VBox):
    """m x m overlap and conflict heatmaps (and coverage bars) of an LF set.

    Clicking a heatmap cell lists the points behind it (both LFs' votes). Given
    an :class:`LFSession`, the view follows the session live: every
    ``upsert``/``remove`` redraws the chart in place.

    Parameters
    ----------
    source
        An :class:`LFSession` (live) or an :class:`LFAnalysis` (static; pass
        ``df`` to show the points' data).
    df
        Data behind an :class:`LFAnalysis` (ignored for a session).
    kind
        Initial view: ``overlap``, ``conflict`` or ``coverage``.
    max_lfs
        LFs beyond this many (by coverage) are folded into ``other``.
    n_points
        Points listed for a clicked cell.
    class_names
        Names of the classes, shown instead of vote numbers (default: the
        session's ``class_names`` when it has them, else ``0, 1, ...``).
    color_by
        Shade heatmap cells by ``value`` (fraction of points) or ``count``.

    Notes
    -----
    The point list always follows the current selection: a click (on a cell or
    a coverage bar) lists that cell's points, a double click or switching to a
    view without that cell clears the list, and a redraw keeps the selected
    cell outlined.

    Examples
    --------
    >>> import numpy as np
    >>> L = np.array([[0, 0, -1], [1, 0, -1], [-1, -1, 1]])
    >>> m = LFMatrices(LFAnalysis(L, ["a", "b", "c"]))
    >>> m.show_cell("a", "b", "conflict").index.tolist()
    [1]
    """

    kind = traitlets.Enum(KINDS, default_value="overlap")
    selected_cell = traitlets.Dict()
    max_lfs = traitlets.Int(charts.MAX_LFS)

    def __init__(
        self,
        source: LFSession | LFAnalysis,
        df: pd.DataFrame | None = None,
        kind: str = "overlap",
        max_lfs: int = charts.MAX_LFS,
        n_points: int = 20,
        class_names: Sequence[str] | None = None,
        color_by: str = "value",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        charts.enable_offline()
        self.source = source
        self.df = df
        self.n_points = n_points
        self._class_names = None if class_names is None else list(class_names)
        self._cell_callbacks: list[Callable[..., None]] = []
        self.kind_buttons = W.ToggleButtons(
            options=list(KINDS), value=kind, description="matrix"
        )
        self.chart = alt.JupyterChart(alt.Chart(pd.DataFrame()).mark_point())
        self.chart.observe(self._on_chart_selection, names="_vl_selections")
        self.color_buttons = W.ToggleButtons(
            options=[("fraction", "value"), ("count", "count")],
            value=color_by,
            description="shade by",
            style={"button_width": "70px"},
        )
        self.caption = W.HTML()
        self.points = W.HTML(_html.STYLE + HINT)
        self.children = [
            W.HBox(
                [self.kind_buttons, self.color_buttons],
                layout=W.Layout(flex_flow="row wrap"),
            ),
            self.chart,
            self.caption,
            self.points,
        ]
        self.color_buttons.observe(lambda _: self.refresh(), names="value")
        self.add_class("snb-matrices")  # a handle for the browser test and CSS
        self.set_trait("max_lfs", max_lfs)
        self.kind_buttons.observe(self._on_kind_changed, names="value")
        self.set_trait("kind", kind)
        if isinstance(source, LFSession):
            source.on_change(self._on_session_change)
        self.refresh()

    # -- callbacks ---------------------------------------------------------
    def on_cell_click(
        self,
        callback: Callable[[str, str, str, pd.DataFrame], None],
        remove: bool = False,
    ) -> None:
        """Call ``callback(lf_a, lf_b, kind, points)`` when a cell is shown.

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
        >>> import numpy as np
        >>> m = LFMatrices(LFAnalysis(np.array([[0, 1], [1, 1]]), ["a", "b"]))
        >>> clicks = []
        >>> def record(a, b, kind, pts):
        ...     clicks.append((a, b, kind, len(pts)))
        >>> m.on_cell_click(record)
        >>> _ = m.show_cell("a", "b", "conflict")
        >>> clicks
        [('a', 'b', 'conflict', 1)]
        """
        if remove:
            self._cell_callbacks.remove(callback)
        else:
            self._cell_callbacks.append(callback)

    # -- data access (engine calls only) ----------------------------------
    @property
    def analysis(self) -> LFAnalysis | None:
        if isinstance(self.source, LFSession):
            return self.source.analysis if self.source.L is not None else None
        return self.source

    def tidy(self, kind: str | None = None) -> pd.DataFrame:
        """The tidy table the current chart is drawn from."""
        kind = kind or self.kind
        an = self.analysis
        if an is None:
            return pd.DataFrame(columns=["lf_a", "lf_b", "count", "value", "kind"])
        if kind == "overlap":
            return an.pairwise_overlaps()
        if kind == "conflict":
            return an.pairwise_conflicts()
        return pd.DataFrame({"lf": an.names, "coverage": an.lf_coverages()})

    @property
    def class_names(self) -> list[str] | None:
        """Class names shown for votes (``None``: the vote numbers)."""
        if self._class_names is not None:
            return self._class_names
        names = getattr(self.source, "class_names", None)
        return None if names is None else [str(c) for c in names]

    def _selected_for(self, kind: str) -> tuple[str, str] | None:
        """The selected cell, if the ``kind`` view draws it."""
        cell, an = self.selected_cell, self.analysis
        if not cell or an is None:
            return None
        a, b = cell.get("lf_a"), cell.get("lf_b")
        if a not in an.names or b not in an.names:
            return None
        if kind == "coverage" and a != b:
            return None
        return a, b

    def build_chart(self, kind: str | None = None) -> alt.TopLevelMixin:
        """The altair chart for ``kind`` (not displayed)."""
        kind = kind or self.kind
        data = self.tidy(kind)
        sel = self._selected_for(kind)
        if kind == "coverage":
            return charts.coverage_bars(data, selected=sel[0] if sel else None)
        return charts.heatmap(
            data,
            kind=kind,
            max_lfs=self.max_lfs,
            color_by=self.color_buttons.value,
            selected=sel,
        )

    # -- handlers ------------------------------------------------------------
    def refresh(self) -> None:
        """Redraw the chart in place from the current engine state; the point
        list is re-listed for the selected cell, or cleared when it is gone."""
        an = self.analysis
        if an is None:
            self.caption.value = "<i>No LFs yet.</i>"
            self._set_chart(alt.Chart(pd.DataFrame({"x": []})).mark_point())
            self.clear_selection()
            return
        self._set_chart(self.build_chart())
        folded = max(0, an.m - self.max_lfs) if self.kind != "coverage" else 0
        self.caption.value = f"{an.m} LFs, {an.n} points" + (
            f"; {folded} LFs with the lowest coverage folded into 'other'"
            if folded
            else ""
        )
        sel = self._selected_for(self.kind)
        if sel is None:
            self.clear_selection()
        else:
            self.show_cell(*sel, self._cell_kind(), redraw=False)

    def _set_chart(self, chart: alt.TopLevelMixin) -> None:
        """Swap the chart; the selection reset that comes with it is ours, not
        the user's, so it does not clear the selected cell."""
        self._redrawing = True
        try:
            self.chart.chart = charts.unvalidated(chart)
        finally:
            self._redrawing = False

    def clear_selection(self) -> None:
        """Forget the selected cell and clear its point list."""
        self.selected_cell = {}
        self.points.value = _html.STYLE + HINT

    def _cell_kind(self) -> str:
        return self.kind if self.kind != "coverage" else "overlap"

    def _on_kind_changed(self, change: dict) -> None:
        self.kind = change["new"]
        self.refresh()

    @traitlets.observe("max_lfs")
    def _on_max_lfs(self, change: dict) -> None:
        if hasattr(self, "chart"):
            self.refresh()

    def _on_session_change(self, change: dict) -> None:
        if change.get("op", change.get("kind")) in ("fit", "fit_failed"):
            return  # a label-model fit changes no LF column
        self.refresh()

    def _on_chart_selection(self, change: dict) -> None:
        if getattr(self, "_redrawing", False):
            return
        sel = getattr(self.chart.selections, "cell", None)
        value = getattr(sel, "value", None)
        if not value:  # a double click cleared the selection
            if self.selected_cell:
                self.clear_selection()
            return
        first = value[0] if isinstance(value, list) else value
        a, b = first.get("lf_a"), first.get("lf_b")
        if isinstance(a, list):  # raw vega signal: {"lf_a": [a], "lf_b": [b]}
            a, b = a[0] if a else None, b[0] if b else None
        if a is not None and b is not None:
            self.show_cell(a, b, self._cell_kind(), redraw=False)

    def _display(self, pts: pd.DataFrame) -> pd.DataFrame:
        """``pts`` with votes shown as class names (the returned frame keeps
        numbers)."""
        names = self.class_names
        if names is None or not len(pts):
            return pts
        out = pts.copy()
        for col in out.columns:
            if str(col).startswith("vote:"):
                out[col] = [
                    names[v] if 0 <= v < len(names) else "abstain"
                    for v in out[col].to_numpy()
                ]
        return out

    def show_cell(
        self, lf_a: str, lf_b: str, kind: str | None = None, redraw: bool = True
    ) -> pd.DataFrame:
        """List the points behind cell (``lf_a``, ``lf_b``) and return them.

        ``lf_a == lf_b`` lists the LF's own points (its coverage). Called from
        code (``redraw=True``) the chart is redrawn with the cell outlined; a
        click in the chart already outlines it.

        Parameters
        ----------
        lf_a, lf_b : str
            The cell's LFs.
        kind : {"overlap", "conflict"}, optional
            Defaults to the matrix shown.
        redraw : bool, default True
            Redraw the chart with the cell outlined.

        Returns
        -------
        pandas.DataFrame
            The points listed, with a ``vote:<lf>`` column per LF; empty (and
            the error shown in the view, not raised) for an unknown LF or an
            ``"other"`` cell.

        Examples
        --------
        >>> import numpy as np
        >>> L = np.array([[0, 0, -1], [1, 0, -1], [-1, -1, 1]])
        >>> m = LFMatrices(LFAnalysis(L, ["a", "b", "c"]))
        >>> m.show_cell("a", "a")["vote:a"].tolist(), m.selected_cell["kind"]
        ([0, 1], 'overlap')
        >>> m.show_cell("a", "nope").empty
        True
        """
        kind = kind or self._cell_kind()
        an = self.analysis
        if an is None or charts.OTHER in (lf_a, lf_b):
            self.selected_cell = {}
            self.points.value = _html.STYLE + (
                "<i>'other' folds several LFs; call show_cell(lf_a, lf_b) with "
                "two LF names.</i>"
                if an is not None
                else "<i>No LFs yet.</i>"
            )
            return pd.DataFrame()
        try:
            if isinstance(self.source, LFSession):
                pts = self.source.pair_points(lf_a, lf_b, kind, n=None)
            else:
                rows = an.pair_points(lf_a, lf_b, kind)
                base = (
                    self.df.iloc[rows].copy()
                    if self.df is not None
                    else pd.DataFrame(index=rows)
                )
                for name in dict.fromkeys([lf_a, lf_b]):
                    base[f"vote:{name}"] = an.L[rows, an.lf_index(name)]
                pts = base
        except (KeyError, IndexError, ValueError) as exc:
            self.selected_cell = {}
            self.points.value = _html.STYLE + _html.error_box(str(exc))
            return pd.DataFrame()
        new = {"lf_a": lf_a, "lf_b": lf_b, "kind": kind}
        moved = new != self.selected_cell
        self.selected_cell = new
        if redraw and moved and self._selected_for(self.kind):
            self._set_chart(self.build_chart())
        what = (
            f"{_html.esc(lf_a)} votes"
            if lf_a == lf_b
            else f"{_html.esc(kind)}: {_html.esc(lf_a)} × {_html.esc(lf_b)}"
        )
        self.points.value = (
            _html.STYLE
            + f"<b>{what} — {len(pts)} points</b>"
            + _html.table(self._display(pts), max_rows=self.n_points)
        )
        for cb in list(self._cell_callbacks):
            cb(lf_a, lf_b, kind, pts)
        return pts
