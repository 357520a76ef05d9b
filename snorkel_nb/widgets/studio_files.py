"""The studio's file side: Save / Load the LF set as a .py file, Export / Import
as text, and the autosave with its "unsaved work found" banner after a restart.

A mixin of :class:`~snorkel_nb.widgets.studio.LFStudio` (it uses the studio's
``session``, ``status`` and error helpers); the file work itself is the engine's
:mod:`snorkel_nb.labeling.autosave`.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

import ipywidgets as W

from snorkel_nb.labeling import autosave as autosave_mod
from snorkel_nb.labeling.lf import LabelingFunction
from snorkel_nb.labeling.source import LFSourceError, export_lfs, import_lfs
from snorkel_nb.widgets import _html


class StudioFiles:
    """Save / Load / Export / Import / autosave for :class:`LFStudio`."""

    autosave_path: Path | None = None
    _autosave_paused = False

    def _build_files(self) -> None:
        self.file_path = W.Text(value="lfs.py", description="file")
        self.save_button = W.Button(
            description="Save",
            icon="save",
            layout=W.Layout(width="auto"),
            tooltip="Write the LF set to this .py file",
        )
        self.load_button = W.Button(
            description="Load",
            icon="folder-open",
            layout=W.Layout(width="auto"),
            tooltip="Replace the LF set by this file's LFs",
        )
        self.files_status = W.HTML()
        self.source_area = W.Textarea(
            layout=W.Layout(width="100%", height="160px"),
            placeholder="exported LF module source",
        )
        self.export_button = W.Button(
            description="Export",
            icon="download",
            tooltip="Show the LF set as Python source",
        )
        self.import_button = W.Button(
            description="Import",
            icon="upload",
            tooltip="Replace the LF set by the source above",
        )
        box = W.VBox(
            [
                W.HBox([self.file_path, self.save_button, self.load_button]),
                self.files_status,
                W.HBox([self.export_button, self.import_button]),
                self.source_area,
            ]
        )
        self.io = W.Accordion(children=[box], selected_index=None)
        self.io.set_title(0, "Save / load the LFs as a .py file")
        self.save_button.on_click(self._on_save_clicked)
        self.load_button.on_click(self._on_load_clicked)
        self.export_button.on_click(self._on_export_clicked)
        self.import_button.on_click(self._on_import_clicked)

    # -- files ----------------------------------------------------------------------
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

    def _files_error(self, message: str, detail: str = "") -> None:
        self.files_status.value = _html.error_box(message, detail)
        self._show_error(message, detail)

    def save(self, path: str | Path | None = None) -> Path:
        """Write the LF set to ``path`` (default: the file box) as a .py module."""
        out = autosave_mod.save_lfs(self.session.lfs, path or self.file_path.value)
        self.files_status.value = _html.ok(
            f"Saved {len(self.session.names)} LFs to {out}."
        )
        return out

    def load(self, path: str | Path | None = None) -> list[LabelingFunction]:
        """Replace the LF set by the LFs in the .py file ``path`` (undoable)."""
        lfs = autosave_mod.load_lfs(path or self.file_path.value)
        self.session.set_lfs(lfs)
        self.files_status.value = _html.ok(
            f"Loaded {len(lfs)} LFs from {path or self.file_path.value} (Undo "
            "restores the previous set)."
        )
        return lfs

    def _on_save_clicked(self, _: Any = None) -> None:
        try:
            self.save()
        except (LFSourceError, ValueError, OSError) as exc:
            self._files_error(f"Save failed: {exc}")

    def _on_load_clicked(self, _: Any = None) -> None:
        try:
            self.load()
        except LFSourceError as exc:
            self._files_error(f"Load failed: {exc}", exc.detail)
        except Exception as exc:  # noqa: BLE001 - user file; show, never raise
            self._files_error(f"Load failed: {exc}", traceback.format_exc())

    def _on_export_clicked(self, _: Any = None) -> None:
        try:
            self.export_source()
            self.files_status.value = _html.ok(
                f"Exported {len(self.session.names)} LFs below; or press Save to "
                "write them to the file."
            )
        except LFSourceError as exc:
            self._files_error(str(exc))

    def _on_import_clicked(self, _: Any = None) -> None:
        try:
            lfs = self.import_source(self.source_area.value)
        except LFSourceError as exc:
            self._files_error(f"Import failed: {exc}", exc.detail)
            return
        except Exception as exc:  # noqa: BLE001
            self._files_error(f"Import failed: {exc}", traceback.format_exc())
            return
        self.files_status.value = _html.ok(f"Imported {len(lfs)} LFs.")

    # -- autosave -------------------------------------------------------------------
    def _check_autosave(self) -> None:
        """After a restart: offer the autosave when it differs from the session."""
        saved = autosave_mod.peek(self.autosave_path)
        if saved is None or not saved.names:
            self._autosave()
            return
        try:
            same = export_lfs(self.session.lfs) == saved.path.read_text("utf-8")
        except LFSourceError:
            same = False
        if same:
            return
        self._autosave_paused = True
        self.banner.value = (
            "<div class='snb-banner'><b>Unsaved work found.</b> "
            f"{_html.esc(saved.describe())}: {_html.esc(', '.join(saved.names))}. "
            "Reload it? (Autosave is paused until you choose.)</div>"
        )
        reload_b = W.Button(
            description="Reload autosave",
            button_style="warning",
            layout=W.Layout(width="auto"),
        )
        dismiss_b = W.Button(
            description="Dismiss (keep the current LFs)", layout=W.Layout(width="auto")
        )
        reload_b.on_click(lambda _: self.reload_autosave())
        dismiss_b.on_click(lambda _: self.dismiss_autosave())
        self.banner_box.children = [reload_b, dismiss_b]

    def _close_banner(self) -> None:
        self.banner.value = ""
        self.banner_box.children = []
        self._autosave_paused = False

    def reload_autosave(self) -> list[LabelingFunction]:
        """Replace the LF set by the autosaved one (the restart banner's button)."""
        try:
            lfs = autosave_mod.load_lfs(self.autosave_path)
        except Exception as exc:  # noqa: BLE001 - user file; show, never raise
            self._show_error(
                f"Could not reload the autosave: {exc}",
                getattr(exc, "detail", "") or traceback.format_exc(),
            )
            return []
        self._close_banner()
        self.session.set_lfs(lfs)
        self._ok(f"Reloaded {len(lfs)} LFs from {self.autosave_path}.")
        return lfs

    def dismiss_autosave(self) -> None:
        """Keep the current LFs; the next edit overwrites the autosave."""
        self._close_banner()
        self._autosave()

    def _autosave(self) -> None:
        if self.autosave_path is None or self._autosave_paused:
            return
        try:
            autosave_mod.save_lfs(self.session.lfs, self.autosave_path)
        except LFSourceError as exc:
            self.files_status.value = _html.warn(f"Autosave skipped: {exc}")
        except OSError as exc:
            self.files_status.value = _html.warn(f"Autosave failed: {exc}")


__all__ = ["StudioFiles"]
