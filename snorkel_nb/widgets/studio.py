"""LFStudio: write, run, inspect, replace and export labeling functions live."""

from __future__ import annotations

import traceback
from typing import Any, Callable

import ipywidgets as W
import pandas as pd
import traitlets

from snorkel_nb.labeling.lf import LabelingFunction
from snorkel_nb.labeling.session import LFSession
from snorkel_nb.labeling.source import (
    LFSourceError,
    compile_lf,
    export_lfs,
    import_lfs,
    lf_source,
)
from snorkel_nb.widgets import _html
from snorkel_nb.widgets.matrices import LFMatrices

TEMPLATE = '''@labeling_function()
def lf_new(x):
    return 1 if "check out" in x.text.lower() else ABSTAIN
'''
MODES = ("code", "keyword", "regex", "lookup")


class LFStudio(W.VBox):
    """Author LFs in a notebook and see their effect at once.

    Write an LF as Python code or with a keyword / regex / lookup form, press
    **Run** and the LF is added to (or replaces the LF of the same name in) the
    :class:`LFSession`; only its column is computed. The view shows the LF's
    coverage, overlaps, conflicts, empirical accuracy on the dev split, samples
    of the points it labels and of its conflicts, the summary of all LFs and the
    overlap / conflict matrices. Broken code or an LF that raises shows its
    error and traceback here; the session and the other LFs are unaffected.

    Parameters
    ----------
    session
        The engine state (data, dev split, LFs).
    show_matrices
        Embed an :class:`LFMatrices` view following the session.
    n_samples
        Points shown per sample table.
    namespace
        Extra names for LF code (e.g. resources, helper functions).

    Examples
    --------
    >>> df = pd.DataFrame({"text": ["check out my channel", "nice song"]})
    >>> studio = LFStudio(LFSession(df), show_matrices=False)
    >>> studio.code.value = TEMPLATE
    >>> studio.run_button.click()
    >>> studio.session.names
    ['lf_new']
    """

    current_lf = traitlets.Unicode("")
    mode = traitlets.Enum(MODES, default_value="code")
    error = traitlets.Unicode("")

    def __init__(
        self,
        session: LFSession,
        show_matrices: bool = True,
        n_samples: int = 5,
        namespace: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.n_samples = n_samples
        self.namespace = dict(namespace or {})
        self._lf_callbacks: list[Callable[[dict], None]] = []
        self._error_callbacks: list[Callable[[str, str], None]] = []

        layout = W.Layout(width="100%")
        self.code = W.Textarea(value=TEMPLATE, layout=W.Layout(width="100%",
                                                               height="140px"))
        self.lf_name = W.Text(placeholder="default from the builder", description="name")
        self.label = W.BoundedIntText(value=1, min=0, max=session.cardinality - 1,
                                      description="label")
        self.field = W.Text(value="text", description="field")
        self.keywords = W.Text(placeholder="subscribe, my channel", description="words",
                               layout=layout)
        self.pattern = W.Text(placeholder=r"check\s+(it\s+)?out", description="regex",
                              layout=layout)
        self.table = W.Textarea(placeholder="one value per line (votes `label`),\n"
                                "or value: label", description="table",
                                layout=W.Layout(width="100%", height="80px"))
        self.tabs = W.Tab(children=[
            self.code,
            W.VBox([self.keywords]),
            W.VBox([self.pattern]),
            W.VBox([self.table]),
        ])
        for i, t in enumerate(("Code", "Keyword", "Regex", "Lookup")):
            self.tabs.set_title(i, t)
        self.run_button = W.Button(description="Run", button_style="primary",
                                   icon="play", tooltip="Add or replace this LF")
        self.lf_select = W.Dropdown(options=session.names, description="LFs")
        self.edit_button = W.Button(description="Edit", icon="pencil",
                                    tooltip="Load the selected LF into the editor")
        self.remove_button = W.Button(description="Remove", button_style="danger",
                                      icon="trash")
        self.status = W.HTML()
        self.lf_stats = W.HTML()
        self.samples = W.HTML()
        self.conflicts = W.HTML()
        self.summary = W.HTML()
        self.source_area = W.Textarea(layout=W.Layout(width="100%", height="160px"),
                                      placeholder="exported LF module source")
        self.export_button = W.Button(description="Export", icon="download",
                                      tooltip="Write the LF set as Python source")
        self.import_button = W.Button(description="Import", icon="upload",
                                      tooltip="Replace the LF set by the source above")
        self.matrices = LFMatrices(session) if show_matrices else None

        io_box = W.VBox([W.HBox([self.export_button, self.import_button]),
                         self.source_area])
        self.io = W.Accordion(children=[io_box], selected_index=None)
        self.io.set_title(0, "Export / import LFs as Python source")
        self.children = [
            W.HTML(_html.STYLE + "<b>LF studio</b>"),
            self.tabs,
            W.HBox([self.lf_name, self.label, self.field]),
            W.HBox([self.run_button, self.lf_select, self.edit_button,
                    self.remove_button]),
            self.status,
            self.lf_stats,
            W.HBox([W.VBox([W.HTML("<b>Points it labels</b>"), self.samples]),
                    W.VBox([W.HTML("<b>Points where it conflicts</b>"),
                            self.conflicts])]),
            W.HTML("<b>All LFs</b>"),
            self.summary,
        ] + ([self.matrices] if self.matrices is not None else []) + [self.io]

        self.run_button.on_click(self._on_run_clicked)
        self.remove_button.on_click(self._on_remove_clicked)
        self.edit_button.on_click(self._on_edit_clicked)
        self.export_button.on_click(self._on_export_clicked)
        self.import_button.on_click(self._on_import_clicked)
        self.tabs.observe(self._on_tab_changed, names="selected_index")
        self.lf_select.observe(self._on_lf_selected, names="value")
        session.on_change(self._on_session_change)
        if session.names:
            self.current_lf = session.names[0]
        self._render_all()

    # -- public callbacks -----------------------------------------------------
    def on_lf_changed(self, callback: Callable[[dict], None], remove: bool = False) -> None:
        """Call ``callback({"op", "name", "error"})`` after an add / replace / remove."""
        (self._lf_callbacks.remove if remove else self._lf_callbacks.append)(callback)

    def on_error(self, callback: Callable[[str, str], None], remove: bool = False) -> None:
        """Call ``callback(message, traceback)`` when an LF fails to build or run."""
        (self._error_callbacks.remove if remove else self._error_callbacks.append)(
            callback)

    # -- building an LF from the form ------------------------------------------
    def build_lf(self) -> LabelingFunction:
        """The LF described by the active tab (raises on invalid input)."""
        name = self.lf_name.value.strip() or None
        if self.mode == "code":
            return compile_lf(self.code.value, self.namespace)
        from snorkel_nb.labeling import builders

        label, field = int(self.label.value), self.field.value.strip() or "text"
        if self.mode == "keyword":
            words = [w.strip() for w in self.keywords.value.split(",") if w.strip()]
            return builders.keyword_lf(words, label=label, field=field, name=name)
        if self.mode == "regex":
            return builders.regex_lf(self.pattern.value, label=label, field=field,
                                     name=name)
        lines = [ln.strip() for ln in self.table.value.splitlines() if ln.strip()]
        if lines and all(":" in ln for ln in lines):
            table = {k.strip(): int(v) for k, v in (ln.rsplit(":", 1) for ln in lines)}
            return builders.lookup_lf(field, table, name=name)
        return builders.lookup_lf(field, lines, label=label, name=name)

    # -- handlers ------------------------------------------------------------
    def _on_tab_changed(self, change: dict) -> None:
        self.mode = MODES[change["new"] or 0]

    def _on_lf_selected(self, change: dict) -> None:
        if change["new"]:
            self.current_lf = change["new"]
            self._render_lf()

    def _show_error(self, message: str, detail: str = "") -> None:
        self.error = message
        self.status.value = _html.STYLE + _html.error_box(message, detail)
        for cb in list(self._error_callbacks):
            cb(message, detail)

    def _on_run_clicked(self, _: Any = None) -> None:
        """Build the LF from the form and upsert it into the session."""
        try:
            lf = self.build_lf()
        except LFSourceError as exc:
            self._show_error(f"Could not build the LF: {exc}", exc.detail)
            return
        except Exception as exc:  # noqa: BLE001 - user input; show, never raise
            self._show_error(f"Could not build the LF: {exc}",
                             "".join(traceback.format_exception_only(exc)))
            return
        try:
            change = self.session.upsert(lf)
        except Exception as exc:  # noqa: BLE001 - the session was restored
            self._show_error(f"LF {lf.name!r} was not added: {exc}",
                             traceback.format_exc())
            return
        self.error = ""
        if change.error is not None:
            rec = change.error
            msg = (f"{lf.name}: raised on {rec.n_failed} of {len(self.session.df)} "
                   f"rows (it abstains there): {rec.first_error}")
            self.error = msg
            self.status.value = _html.STYLE + _html.error_box(msg, rec.traceback)
            for cb in list(self._error_callbacks):
                cb(msg, rec.traceback)
        else:
            self.status.value = _html.STYLE + _html.ok(
                f"{'Added' if change.op == 'add' else 'Replaced'} {lf.name}.")

    def _on_remove_clicked(self, _: Any = None) -> None:
        name = self.lf_select.value
        if not name:
            self._show_error("No LF selected to remove.")
            return
        self.session.remove(name)
        self.status.value = _html.STYLE + _html.ok(f"Removed {name}.")

    def _on_edit_clicked(self, _: Any = None) -> None:
        name = self.lf_select.value
        if not name:
            return
        lf = self.session.get(name)
        spec = getattr(lf, "spec", None)
        args = (spec or {}).get("args", {})
        form_ok = spec is not None and (
            (spec["builder"] == "keyword_lf" and not args.get("case_sensitive")
             and args.get("whole_word", True))
            or (spec["builder"] == "regex_lf"
                and args.get("flags", ["IGNORECASE"]) == ["IGNORECASE"]))
        if form_ok:  # the form holds every argument of this builder LF
            self.lf_name.value = args.get("name", name)
            self.label.value = int(args["label"])
            self.field.value = args.get("field", "text")
            if spec["builder"] == "keyword_lf":
                self.keywords.value = ", ".join(args["words"])
                self.tabs.selected_index = 1
            else:
                self.pattern.value = args["pattern"]
                self.tabs.selected_index = 2
            return
        try:
            self.code.value = lf_source(lf)
            self.tabs.selected_index = 0
        except LFSourceError as exc:
            self._show_error(str(exc))

    def export_source(self) -> str:
        """The LF set as Python module source (also shown in :attr:`source_area`)."""
        text = export_lfs(self.session.lfs)
        self.source_area.value = text
        return text

    def import_source(self, text: str) -> list[LabelingFunction]:
        """Replace the LF set by the LFs defined in ``text`` (export format)."""
        lfs = import_lfs(text)
        self.session.set_lfs(lfs)
        return lfs

    def _on_export_clicked(self, _: Any = None) -> None:
        try:
            self.export_source()
            self.status.value = _html.STYLE + _html.ok(
                f"Exported {len(self.session.names)} LFs; copy the source below into "
                "a .py file, or paste one and press Import.")
        except LFSourceError as exc:
            self._show_error(str(exc))

    def _on_import_clicked(self, _: Any = None) -> None:
        try:
            lfs = self.import_source(self.source_area.value)
        except LFSourceError as exc:
            self._show_error(f"Import failed: {exc}", exc.detail)
            return
        except Exception as exc:  # noqa: BLE001
            self._show_error(f"Import failed: {exc}", traceback.format_exc())
            return
        self.status.value = _html.STYLE + _html.ok(f"Imported {len(lfs)} LFs.")

    def _on_session_change(self, change: dict) -> None:
        """Follow every session edit (from this widget or from notebook code)."""
        names = self.session.names
        if change["op"] in ("add", "replace"):
            self.current_lf = change["name"]
        elif self.current_lf not in names:
            self.current_lf = names[-1] if names else ""
        self._render_all()
        for cb in list(self._lf_callbacks):
            cb(change)

    # -- rendering -------------------------------------------------------------
    def _render_all(self) -> None:
        names = self.session.names
        current = self.current_lf
        if tuple(self.lf_select.options) != tuple(names):
            self.lf_select.options = names
        if current in names:
            self.lf_select.value = current
        self.summary.value = _html.STYLE + _html.table(self.session.summary(),
                                                       max_rows=200)
        self._render_lf()

    def _render_lf(self) -> None:
        name = self.current_lf
        if not name or name not in self.session.names:
            self.lf_stats.value = "<i>No LF selected.</i>"
            self.samples.value = self.conflicts.value = ""
            return
        st = self.session.lf_stats(name)
        acc = st.get("Emp. Acc.")
        acc_txt = ("n/a (no dev gold)" if acc is None
                   else "n/a (no covered dev point)" if pd.isna(acc)
                   else f"{acc:.3f} ({st['Correct']}/{st['Correct'] + st['Incorrect']})")
        self.lf_stats.value = _html.STYLE + (
            f"<b>{_html.esc(name)}</b>: coverage {st['Coverage']:.3f}, "
            f"overlaps {st['Overlaps']:.3f}, conflicts {st['Conflicts']:.3f}, "
            f"empirical accuracy on dev {acc_txt}"
            + (f", <span class='snb-warn'>raised on {st['Errors']} rows</span>"
               if st["Errors"] else ""))
        self.samples.value = _html.STYLE + _html.table(
            self.session.sample_points(name, "labels", self.n_samples))
        self.conflicts.value = _html.STYLE + _html.table(
            self.session.sample_points(name, "conflicts", self.n_samples))
