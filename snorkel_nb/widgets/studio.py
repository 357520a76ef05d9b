"""LFStudio: write, run, inspect, undo and save labeling functions live.

The studio is a view over an :class:`LFSession` (engine) plus an
:class:`~snorkel_nb.labeling.history.LFHistory` (undo / redo) and an autosave
file (:mod:`snorkel_nb.labeling.autosave`); every number it shows comes from
those objects, so its state is testable in plain pytest.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any, Callable, Sequence

import ipywidgets as W
import pandas as pd
import traitlets

from snorkel_nb.labeling import autosave as autosave_mod
from snorkel_nb.labeling.history import LFHistory
from snorkel_nb.labeling.lf import LabelingFunction
from snorkel_nb.labeling.session import LFSession
from snorkel_nb.labeling.source import (
    LFSourceError,
    compile_lf,
    lf_source,
)
from snorkel_nb.widgets import _html
from snorkel_nb.widgets.busy import BusyTicker, busy_html, resolve_background
from snorkel_nb.widgets.editor import code_editor
from snorkel_nb.widgets.matrices import LFMatrices
from snorkel_nb.widgets.studio_files import StudioFiles
from snorkel_nb.widgets.studio_examples import examples_table, lf_patterns
from snorkel_nb.widgets.studio_loop import STYLE, lf_change_line, loop_panel

TEMPLATE = """@labeling_function()
def lf_new(x):
    return 1 if "check out" in x.text.lower() else ABSTAIN
"""
MODES = ("code", "keyword", "regex", "lookup")
EXAMPLE_KINDS = (
    ("Points it labels", "labels"),
    ("Where it conflicts", "conflicts"),
    ("Dev mistakes", "mistakes"),
)
EMPTY_HINT = (
    "<div class='snb-hint'><b>No LFs yet.</b> Start here: write a labeling function "
    "in the <b>Code</b> tab (the template votes 1 on “check out”), or describe one "
    "in the <b>Keyword</b>, <b>Regex</b> or <b>Lookup</b> tab, then press "
    "<b>Run</b> (or Ctrl+Enter in the editor). Its coverage, dev accuracy and "
    "examples appear below.</div>"
)


def _fit(label: str) -> W.Layout:
    """A button layout wide enough for its label and icon (``width="auto"``
    lets a flex row squeeze the label to "R…")."""
    return W.Layout(width=f"{len(label) * 8 + 44}px", min_width="fit-content")


def _size_buttons(widget: W.Widget) -> None:
    """Give every auto-width button under ``widget`` a width that fits its label."""
    if isinstance(widget, W.Button) and widget.layout.width == "auto":
        widget.layout = _fit(widget.description)
    for child in getattr(widget, "children", ()):
        _size_buttons(child)


class LabelError(ValueError):
    """A label that is not one of the session's classes."""


class LFStudio(StudioFiles, W.VBox):
    """Author LFs in a notebook and see their effect, and the label model's, at once.

    Write an LF as Python code (a CodeMirror editor: Tab indents, Ctrl/Shift+Enter
    runs) or with a keyword / regex / lookup form, press **Run** and the LF is
    added to (or replaces the LF of the same name in) the :class:`LFSession`;
    only its column is computed. The view shows the LF's coverage, conflicts and
    dev accuracy before -> after the edit, paged and searchable examples with the
    LF's matches highlighted, the dev points it gets wrong, the label model's
    numbers next to majority vote's (**Fit label model**, or auto-refit), the
    summary of all LFs and the overlap / conflict matrices. Edits can be undone
    and redone, the LF set is saved to / loaded from a .py file and autosaved.

    Parameters
    ----------
    session
        The engine state (data, dev split, LFs).
    show_matrices
        Embed an :class:`LFMatrices` view following the session.
    n_samples
        Examples per page.
    namespace
        Extra names for LF code (e.g. resources, helper functions).
    class_names
        Names of the classes (default: the session's ``class_names``).
    autosave
        Path of the autosave file; ``None`` = ``./.snorkel_nb_autosave/<name>.py``;
        ``False`` = no autosave.
    name
        Names the default autosave file.
    gold_column
        A data column holding gold labels, shown as ``gold`` in the examples.
    editor
        ``"codemirror"`` or ``"textarea"``.
    background
        Run applies and fits started from the studio (Run, Undo, Redo,
        Restore, Remove, Fit, auto-refit) on worker threads, so the kernel
        stays free and a spinner with progress text shows meanwhile; a newer
        Run of the same LF, or any edit during a fit, supersedes the older
        result. ``None`` (default): in a Jupyter kernel yes, elsewhere no
        (set ``SNORKEL_NB_BACKGROUND=0`` to turn it off). ``False`` runs them
        inline, deterministically. Calls from code (``session.upsert``,
        :meth:`fit_label_model`) always run inline.

    Examples
    --------
    >>> df = pd.DataFrame({"text": ["check out my channel", "nice song"]})
    >>> studio = LFStudio(LFSession(df), show_matrices=False, autosave=False)
    >>> studio.code.value = TEMPLATE
    >>> studio.run_button.click()
    >>> studio.session.names
    ['lf_new']
    >>> studio.undo_button.click()
    >>> studio.session.names
    []
    """

    current_lf = traitlets.Unicode("")
    mode = traitlets.Enum(MODES, default_value="code")
    error = traitlets.Unicode("")

    def __init__(
        self,
        session: LFSession,
        show_matrices: bool = True,
        n_samples: int = 10,
        namespace: dict[str, Any] | None = None,
        class_names: Sequence[str] | None = None,
        autosave: str | Path | None | bool = None,
        name: str = "studio",
        gold_column: str | None = "label",
        editor: str = "codemirror",
        background: bool | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.background = resolve_background(background)
        #: the latest task this studio started (Run, Fit, Undo, ...)
        self.last_task: Any = None
        self.n_samples = int(n_samples)
        self.namespace = dict(namespace or {})
        names = list(
            class_names
            or getattr(session, "class_names", None)
            or [str(c) for c in range(session.cardinality)]
        )
        if len(names) != session.cardinality:
            raise ValueError(
                f"class_names must name the {session.cardinality} "
                f"classes; got {names!r}"
            )
        self.class_names = [str(n) for n in names]
        self.gold_column = gold_column
        self.history = LFHistory(session)
        self._lf_callbacks: list[Callable[[dict], None]] = []
        self._error_callbacks: list[Callable[[str, str], None]] = []
        self._before: dict | None = None
        self._last_run: tuple[str, dict | None] | None = None
        self.page = 0
        self._build_form(editor)
        self._build_actions()
        self._build_loop()
        self._build_examples()
        self._build_files()
        self.matrices = LFMatrices(session) if show_matrices else None
        self.hint = W.HTML()
        self.banner = W.HTML()
        self.banner_box = W.HBox([])
        self.children = (
            [
                W.HTML(STYLE + _html.STYLE + "<b>LF studio</b>"),
                self.hint,
                self.banner,
                self.banner_box,
                self.tabs,
                self.actions,
                self.confirm_box,
                self.running,
                self.status,
                self.lf_stats,
                self.loop_box,
                self.examples_box,
                W.HTML("<b>All LFs</b>"),
                self.summary,
            ]
            + ([self.matrices] if self.matrices is not None else [])
            + [self.io]
        )
        self.add_class("snb-studio")
        self.layout = W.Layout(max_width="1080px")

        session.on_change(self._on_session_change)
        self._ticker = BusyTicker(self._draw_busy)
        session.on_task(self._on_task)
        if session.names:
            self.current_lf = session.names[0]
        self.autosave_path: Path | None = None
        self._autosave_paused = False
        if autosave is not False:
            self.autosave_path = (
                Path(autosave)
                if autosave not in (None, True)
                else (autosave_mod.default_autosave_path(name))
            )
            self._check_autosave()
        _size_buttons(self)
        self._render_all()

    # -- building ---------------------------------------------------------------
    def _label_dropdown(self) -> W.Dropdown:
        return W.Dropdown(
            options=[
                (f"{n} ({i})" if n != str(i) else n, i)
                for i, n in enumerate(self.class_names)
            ],
            value=min(1, len(self.class_names) - 1),
            description="label",
        )

    def _build_form(self, editor: str) -> None:
        wide = W.Layout(width="100%")
        self.code = code_editor(TEMPLATE, prefer=editor)
        self.code.on_run(self._on_run_clicked)
        self.forms: dict[str, dict[str, W.Widget]] = {}
        for mode in MODES[1:]:
            self.forms[mode] = {
                "name": W.Text(
                    placeholder="default from the builder", description="name"
                ),
                "label": self._label_dropdown(),
                "field": W.Text(value="text", description="field"),
            }
        self.keywords = W.Text(
            placeholder="subscribe, my channel", description="words", layout=wide
        )
        self.pattern = W.Text(
            placeholder=r"check\s+(it\s+)?out", description="regex", layout=wide
        )
        self.table = W.Textarea(
            placeholder="one value per line (votes `label`),\nor value: label "
            f"(a class name or number: {', '.join(self.class_names)})",
            description="table",
            layout=W.Layout(width="100%", height="80px"),
        )

        def form(mode: str, main: W.Widget, fields: Sequence[str]) -> W.VBox:
            f = self.forms[mode]
            return W.VBox([main, W.HBox([f[k] for k in fields])])

        self.tabs = W.Tab(
            children=[
                W.VBox(
                    [
                        self.code,
                        W.HTML(
                            "<small>Tab indents; Ctrl+Enter or "
                            "Shift+Enter runs.</small>"
                        ),
                    ]
                ),
                form("keyword", self.keywords, ("name", "label", "field")),
                form("regex", self.pattern, ("name", "label", "field")),
                form("lookup", self.table, ("name", "field", "label")),
            ]
        )
        for i, t in enumerate(("Code", "Keyword", "Regex", "Lookup")):
            self.tabs.set_title(i, t)
        self.tabs.observe(self._on_tab_changed, names="selected_index")

    # the form fields of the active tab (the Code tab has none: its code names
    # the LF and its labels)
    def _form_field(self, key: str) -> W.Widget:
        return self.forms["keyword" if self.mode == "code" else self.mode][key]

    @property
    def lf_name(self) -> W.Text:
        return self._form_field("name")

    @property
    def label(self) -> W.Dropdown:
        return self._form_field("label")

    @property
    def field(self) -> W.Text:
        return self._form_field("field")

    def _build_actions(self) -> None:
        self.run_button = W.Button(
            description="Run",
            button_style="primary",
            icon="play",
            tooltip="Add or replace this LF",
        )
        self.undo_button = W.Button(
            description="Undo",
            icon="undo",
            tooltip="Take back the last add/replace/remove",
        )
        self.redo_button = W.Button(description="Redo", icon="repeat")
        self.lf_select = W.Dropdown(options=self.session.names, description="LFs")
        self.edit_button = W.Button(
            description="Edit",
            icon="pencil",
            tooltip="Load the selected LF into the editor",
        )
        self.remove_button = W.Button(
            description="Remove",
            button_style="danger",
            icon="trash",
            tooltip="Remove (asks first)",
        )
        self.versions = W.Dropdown(description="versions", options=[])
        self.restore_button = W.Button(
            description="Restore",
            icon="history",
            tooltip="Put this version of the LF back",
        )
        for b in (
            self.run_button,
            self.undo_button,
            self.redo_button,
            self.edit_button,
            self.remove_button,
            self.restore_button,
        ):
            b.layout = _fit(b.description)
        small = W.Layout(width="auto")
        self.actions = W.VBox(
            [
                W.HBox(
                    [
                        self.run_button,
                        self.undo_button,
                        self.redo_button,
                        self.lf_select,
                        self.edit_button,
                        self.remove_button,
                    ]
                ),
                W.HBox([self.versions, self.restore_button]),
            ]
        )
        self.confirm_text = W.HTML()
        self.confirm_button = W.Button(
            description="Yes, remove", button_style="danger", layout=small
        )
        self.cancel_button = W.Button(description="Cancel", layout=small)
        self.confirm_box = W.HBox(
            [self.confirm_text, self.confirm_button, self.cancel_button],
            layout=W.Layout(display="none"),
        )
        self.status = W.HTML()
        #: what the edit worker is doing (applying an LF, undoing, ...)
        self.running = W.HTML()
        self.lf_stats = W.HTML()
        self.run_button.on_click(self._on_run_clicked)
        self.undo_button.on_click(self._on_undo_clicked)
        self.redo_button.on_click(self._on_redo_clicked)
        self.remove_button.on_click(self._on_remove_clicked)
        self.confirm_button.on_click(self._on_confirm_remove)
        self.cancel_button.on_click(lambda _: self._hide_confirm())
        self.edit_button.on_click(self._on_edit_clicked)
        self.restore_button.on_click(self._on_restore_clicked)
        self.lf_select.observe(self._on_lf_selected, names="value")

    def _build_loop(self) -> None:
        self.fit_button = W.Button(
            description="Fit label model",
            icon="cogs",
            layout=W.Layout(width="auto"),
            tooltip="Fit the label model on all current LFs",
        )
        self.auto_refit = W.Checkbox(
            value=self.session.auto_refit,
            description="auto-refit after every edit",
            indent=False,
        )
        self.spinner = W.HTML()
        self.loop = W.HTML()
        self.loop_box = W.VBox(
            [
                W.HTML("<b>Label model in the loop</b>"),
                W.HBox([self.fit_button, self.auto_refit, self.spinner]),
                self.loop,
            ]
        )
        self.fit_button.on_click(self._on_fit_clicked)
        self.auto_refit.observe(self._on_auto_refit, names="value")

    def _build_examples(self) -> None:
        self.example_kind = W.ToggleButtons(options=EXAMPLE_KINDS, value="labels")
        self.search = W.Text(
            placeholder="search the examples",
            description="search",
            continuous_update=False,
        )
        self.prev_button = W.Button(description="‹ Prev", layout=W.Layout(width="auto"))
        self.next_button = W.Button(description="Next ›", layout=W.Layout(width="auto"))
        self.page_label = W.HTML()
        self.examples = W.HTML()
        self.samples = self.examples  # the old name
        self.conflicts = W.HTML()  # kept for code that read it; now a kind
        self.examples_box = W.VBox(
            [
                W.HTML("<b>Examples</b>"),
                self.example_kind,
                W.HBox(
                    [self.search, self.prev_button, self.page_label, self.next_button]
                ),
                self.examples,
            ]
        )
        self.example_kind.observe(self._reset_page, names="value")
        self.search.observe(self._reset_page, names="value")
        self.prev_button.on_click(lambda _: self._turn(-1))
        self.next_button.on_click(lambda _: self._turn(1))
        self.summary = W.HTML()

    # -- public callbacks -----------------------------------------------------
    def on_lf_changed(
        self, callback: Callable[[dict], None], remove: bool = False
    ) -> None:
        """Call ``callback({"op", "name", "error", ...})`` after each session change.

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
        >>> df = pd.DataFrame({"text": ["check out my channel", "nice song"]})
        >>> studio = LFStudio(LFSession(df), show_matrices=False, autosave=False)
        >>> events = []
        >>> studio.on_lf_changed(events.append)
        >>> studio.code.value = TEMPLATE
        >>> studio.run_button.click()
        >>> [(e["op"], e["name"]) for e in events]
        [('add', 'lf_new')]
        """
        (self._lf_callbacks.remove if remove else self._lf_callbacks.append)(callback)

    def on_error(
        self, callback: Callable[[str, str], None], remove: bool = False
    ) -> None:
        """Call ``callback(message, traceback)`` when an LF fails to build or run.

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
        >>> df = pd.DataFrame({"text": ["check out my channel", "nice song"]})
        >>> studio = LFStudio(LFSession(df), show_matrices=False, autosave=False)
        >>> errors = []
        >>> studio.on_error(lambda message, tb: errors.append(message))
        >>> studio.code.value = "def broken(:"
        >>> studio.run_button.click()
        >>> len(errors), studio.session.names
        (1, [])
        """
        (self._error_callbacks.remove if remove else self._error_callbacks.append)(
            callback
        )

    # -- building an LF from the form ------------------------------------------
    def parse_label(self, text: Any) -> int:
        """A class index from a class name or number; :class:`LabelError` if it
        is not one of the classes (never clipped into range)."""
        s = str(text).strip()
        if s in self.class_names:
            return self.class_names.index(s)
        try:
            v = int(s)
        except ValueError:
            v = None
        if v is None or not 0 <= v < len(self.class_names):
            choices = ", ".join(f"{n} ({i})" for i, n in enumerate(self.class_names))
            raise LabelError(f"label {s!r} is not a class; choose one of {choices}")
        return v

    def build_lf(self) -> LabelingFunction:
        """The LF described by the active tab (raises on invalid input)."""
        if self.mode == "code":
            return compile_lf(self.code.value, self.namespace)
        from snorkel_nb.labeling import builders

        name = self.lf_name.value.strip() or None
        label = self.parse_label(self.label.value)
        field = self.field.value.strip() or "text"
        if self.mode == "keyword":
            words = [w.strip() for w in self.keywords.value.split(",") if w.strip()]
            return builders.keyword_lf(words, label=label, field=field, name=name)
        if self.mode == "regex":
            return builders.regex_lf(
                self.pattern.value, label=label, field=field, name=name
            )
        lines = [ln.strip() for ln in self.table.value.splitlines() if ln.strip()]
        if lines and all(":" in ln for ln in lines):
            table = {
                k.strip(): self.parse_label(v)
                for k, v in (ln.rsplit(":", 1) for ln in lines)
            }
            return builders.lookup_lf(field, table, name=name)
        return builders.lookup_lf(field, lines, label=label, name=name)

    # -- handlers ------------------------------------------------------------
    def _on_tab_changed(self, change: dict) -> None:
        self.mode = MODES[change["new"] or 0]

    def _on_lf_selected(self, change: dict) -> None:
        if change["new"]:
            self.current_lf = change["new"]
            self.page = 0
            self._render_lf()

    def _show_error(self, message: str, detail: str = "") -> None:
        self.error = message
        self.status.value = _html.error_box(message, detail)
        for cb in list(self._error_callbacks):
            cb(message, detail)

    def _ok(self, message: str) -> None:
        self.status.value = _html.ok(message)

    def _on_run_clicked(self, _: Any = None) -> None:
        """Build the LF from the form and upsert it into the session."""
        self._hide_confirm()
        try:
            lf = self.build_lf()
        except LFSourceError as exc:
            self._show_error(f"Could not build the LF: {exc}", exc.detail)
            return
        except Exception as exc:  # noqa: BLE001 - user input; show, never raise
            self._show_error(
                f"Could not build the LF: {exc}",
                "".join(traceback.format_exception_only(exc)),
            )
            return
        before = (
            self.session.lf_stats(lf.name) if lf.name in self.session.names else None
        )
        self._last_run = (lf.name, before)
        self.last_task = self.session.upsert_async(lf, background=self.background)
        self.last_task.then(lambda task: self._after_run(task, lf))

    def _after_run(self, task: Any, lf: LabelingFunction) -> None:
        """Show what a Run did, once its apply has finished (any thread)."""
        if task.state == "superseded":
            return  # a newer Run of this LF reports instead
        if task.state == "failed":
            if self._last_run is not None and self._last_run[0] == lf.name:
                self._last_run = None
            self._show_error(
                f"LF {lf.name!r} was not added: {task.error}", task.traceback
            )
            return
        change = task.result()
        self.error = ""
        if change.error is not None:
            rec = change.error
            msg = (
                f"{lf.name}: raised on {rec.n_failed} of {len(self.session.df)} "
                f"rows (it abstains there): {rec.first_error}"
            )
            self.error = msg
            self.status.value = _html.error_box(msg, rec.traceback)
            for cb in list(self._error_callbacks):
                cb(msg, rec.traceback)
        else:
            self._ok(f"{'Added' if change.op == 'add' else 'Replaced'} {lf.name}.")

    def _on_remove_clicked(self, _: Any = None) -> None:
        name = self.lf_select.value
        if not name:
            self._show_error("No LF selected to remove.")
            return
        self.confirm_text.value = (
            f"Remove <b>{_html.esc(name)}</b>? (Undo brings it back.)"
        )
        self._pending_remove = name
        self.confirm_box.layout.display = "flex"

    def _hide_confirm(self) -> None:
        self.confirm_box.layout.display = "none"
        self._pending_remove = None

    def _on_confirm_remove(self, _: Any = None) -> None:
        name = getattr(self, "_pending_remove", None)
        self._hide_confirm()
        if name and name in self.session.names:
            self._edit(
                f"removing {name}",
                lambda: self.session.remove(name),
                lambda _: f"Removed {name}. Undo brings it back.",
            )

    def _edit(
        self,
        label: str,
        edit: Callable[[], Any],
        ok: Callable[[Any], str],
        failed: Callable[[BaseException], str] | None = None,
    ) -> Any:
        """Run a session edit on the session's edit worker (in order with
        pending Runs; inline when not in the background), then show ``ok(result)``
        or the failure."""

        def done(task: Any) -> None:
            if task.state == "done":
                self._ok(ok(task.result()))
            elif task.state == "failed":
                msg = failed(task.error) if failed is not None else None
                if msg is None:
                    msg = f"{label[0].upper()}{label[1:]} failed: {task.error}"
                self._show_error(msg, "" if failed else task.traceback)

        self.last_task = self.session.run_async(label, edit, background=self.background)
        return self.last_task.then(done)

    def _on_undo_clicked(self, _: Any = None) -> None:
        self._edit(
            "undoing the last edit",
            self.history.undo,
            lambda edit: f"Undid: {edit.describe()}.",
            lambda exc: "Nothing to undo." if isinstance(exc, IndexError) else None,
        )

    def _on_redo_clicked(self, _: Any = None) -> None:
        self._edit(
            "redoing the last undone edit",
            self.history.redo,
            lambda edit: f"Redid: {edit.describe()}.",
            lambda exc: "Nothing to redo." if isinstance(exc, IndexError) else None,
        )

    def _on_restore_clicked(self, _: Any = None) -> None:
        if self.versions.value is None or not self.current_lf:
            return
        name, version = self.current_lf, int(self.versions.value)
        self._edit(
            f"restoring version {version + 1} of {name}",
            lambda: self.history.restore(name, version),
            lambda _: f"Restored version {version + 1} of {name}.",
        )

    def _on_edit_clicked(self, _: Any = None) -> None:
        name = self.lf_select.value
        if not name:
            return
        lf = self.session.get(name)
        spec = getattr(lf, "spec", None)
        args = (spec or {}).get("args", {})
        form_ok = spec is not None and (
            (
                spec["builder"] == "keyword_lf"
                and not args.get("case_sensitive")
                and args.get("whole_word", True)
            )
            or (
                spec["builder"] == "regex_lf"
                and args.get("flags", ["IGNORECASE"]) == ["IGNORECASE"]
            )
        )
        if form_ok:  # the form holds every argument of this builder LF
            mode = "keyword" if spec["builder"] == "keyword_lf" else "regex"
            f = self.forms[mode]
            f["name"].value = args.get("name", name)
            f["label"].value = int(args["label"])
            f["field"].value = args.get("field", "text")
            if mode == "keyword":
                self.keywords.value = ", ".join(args["words"])
            else:
                self.pattern.value = args["pattern"]
            self.tabs.selected_index = MODES.index(mode)
            return
        try:
            self.code.value = lf_source(lf)
            self.tabs.selected_index = 0
        except LFSourceError as exc:
            self._show_error(str(exc))

    # -- the label model ------------------------------------------------------
    def _spin(self, on: bool) -> None:
        self.spinner.value = (
            "<span class='snb-spin'></span>fitting the label model…" if on else ""
        )
        self.fit_button.disabled = on

    def _on_auto_refit(self, change: dict) -> None:
        self.session.auto_refit = bool(change["new"])
        if (
            change["new"]
            and self.session.names
            and (self.session.label_model_fit is None or self.session.label_model_stale)
        ):
            self._start_fit()

    def _on_task(self, task: Any) -> None:
        """Redraw the running lines whenever a session task changes (any thread)."""
        if self._draw_busy() and self.background:
            self._ticker.poke()

    def _draw_busy(self) -> bool:
        """The fit lane's line by the Fit button, the edit lane's under the
        actions; True while any task is active."""
        active = self.session.busy
        self.spinner.value = busy_html(active, ("fit",))
        self.running.value = busy_html(active, ("edit",))
        self.fit_button.disabled = any(t.lane == "fit" for t in active)
        return bool(active)

    def fit_label_model(self) -> Any:
        """Fit the label model now (what the button does); errors are shown."""
        if not self.session.names:
            self._show_error("Add an LF before fitting the label model.")
            return None
        self._spin(True)
        try:
            return self.session.fit_label_model()
        except Exception as exc:  # noqa: BLE001 - shown in the widget
            self._show_error(
                f"The label-model fit failed: {exc}", traceback.format_exc()
            )
            return None
        finally:
            self._spin(False)

    def _on_fit_clicked(self, _: Any = None) -> None:
        self._start_fit()

    def _start_fit(self) -> Any:
        """Fit the label model as the button does: in the background when the
        studio runs so, showing the outcome when it ends."""
        if not self.session.names:
            self._show_error("Add an LF before fitting the label model.")
            return None

        def done(task: Any) -> None:
            if task.state == "done":
                fit = task.result()
                self._ok(
                    f"Label model fitted on {len(fit.lf_names)} LFs in "
                    f"{fit.seconds:.2f} s."
                )
            elif task.state == "failed":
                self._show_error(
                    f"The label-model fit failed: {task.error}", task.traceback
                )
            elif not any(t.lane == "fit" for t in self.session.busy):
                self._ok(
                    "An out-of-date fit was dropped (the LFs changed while it "
                    "ran); press Fit label model to fit the current LFs."
                )

        self.last_task = self.session.fit_label_model_async(background=self.background)
        return self.last_task.then(done)

    def _render_loop(self) -> None:
        s = self.session
        self.loop.value = loop_panel(
            s.label_model_fit,
            s.previous_label_model_fit,
            self.class_names,
            s.changed_since_fit if s.label_model_stale else (),
        )

    # -- following the session --------------------------------------------------------
    def _on_session_change(self, change: dict) -> None:
        """Follow every session change (from this widget or from notebook code)."""
        names = self.session.names
        op = change["op"]
        if op in ("add", "replace"):
            self.current_lf = change["name"]
        elif self.current_lf not in names:
            self.current_lf = names[-1] if names else ""
        if op in ("fit", "fit_failed"):
            if op == "fit_failed":
                self._show_error(f"The automatic refit failed: {change['detail']}")
            self._render_loop()
        else:
            self._autosave()
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
        self.hint.value = "" if names else EMPTY_HINT
        self.undo_button.disabled = not self.history.can_undo
        self.redo_button.disabled = not self.history.can_redo
        self.summary.value = (
            "<div class='snb-scroll'>"
            + _html.table(self.session.summary(), max_rows=200)
            + "</div>"
        )
        self._render_loop()
        self._render_lf()

    def _render_versions(self, name: str) -> None:
        versions = self.history.versions(name) if name else []
        self.versions.options = [
            (f"{i + 1}: {op}" + ("" if lf is not None else " (removed)"), i)
            for i, (op, lf) in enumerate(versions)
        ]
        if versions:
            self.versions.value = len(versions) - 1
        self.restore_button.disabled = len(versions) < 2

    def _render_lf(self) -> None:
        name = self.current_lf
        if not name or name not in self.session.names:
            self.lf_stats.value = "<i>No LF selected.</i>"
            self.examples.value = self.page_label.value = ""
            self._render_versions("")
            return
        self._render_versions(name)
        st = self.session.lf_stats(name)
        acc = st.get("Emp. Acc.")
        acc_txt = (
            "n/a (no dev gold)"
            if acc is None
            else "n/a (no covered dev point)"
            if pd.isna(acc)
            else f"{acc:.3f} ({st['Correct']}/{st['Correct'] + st['Incorrect']})"
        )
        text = (
            f"<b>{_html.esc(name)}</b>: coverage {st['Coverage']:.3f}, "
            f"overlaps {st['Overlaps']:.3f}, conflicts {st['Conflicts']:.3f}, "
            f"empirical accuracy on dev {acc_txt}"
            + (
                f", <span class='snb-warn'>raised on {st['Errors']} rows</span>"
                if st["Errors"]
                else ""
            )
        )
        if self._last_run is not None and self._last_run[0] == name:
            text += lf_change_line(name, self._last_run[1], st)
        self.lf_stats.value = text
        self._render_examples()

    def _reset_page(self, _: Any = None) -> None:
        self.page = 0
        self._render_examples()

    def _turn(self, step: int) -> None:
        self.page = max(0, self.page + step)
        self._render_examples()

    def example_page(self) -> tuple[pd.DataFrame, int]:
        """The examples shown now: ``(page_frame, total)`` for the current LF,
        kind, search text and page."""
        name, kind = self.current_lf, self.example_kind.value
        args = dict(search=self.search.value, page=self.page, page_size=self.n_samples)
        if kind == "mistakes":
            return self.session.dev_mistakes(name, **args)
        return self.session.lf_points(name, kind, **args)

    def _render_examples(self) -> None:
        name = self.current_lf
        if not name or name not in self.session.names:
            return
        df, total = self.example_page()
        pages = max(1, -(-total // self.n_samples))
        if self.page >= pages:
            self.page = pages - 1
            df, total = self.example_page()
        self.prev_button.disabled = self.page == 0
        self.next_button.disabled = self.page >= pages - 1
        self.page_label.value = f"page {self.page + 1} of {pages} ({total} points)"
        patterns = lf_patterns(self.session.get(name))
        if self.example_kind.value == "mistakes" and self.session.Y_dev is None:
            self.examples.value = (
                "<i>No dev gold: pass dev_df and Y_dev to the session."
            )
            return
        self.examples.value = examples_table(
            df,
            patterns,
            self.search.value,
            self.class_names,
            self.gold_column,
            first_row=self.page * self.n_samples,
        )


__all__ = ["LFStudio", "LabelError", "TEMPLATE"]
