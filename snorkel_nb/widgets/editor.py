"""The LF code editor: CodeMirror 6 in an anywidget, or a plain textarea without it.

A textarea loses the user's Tab (focus leaves the box) and has no key to run.
:func:`code_editor` returns a :class:`CodeEditor` (Python highlighting, Tab
indents, Ctrl/Shift+Enter runs) built on a CodeMirror bundle shipped inside the
package (``static/lf_editor.js``, MIT, see ``static/lf_editor.LICENSES.txt``), so
it works offline with no CDN. Without anywidget it falls back to a
:class:`TextareaEditor` with the same small interface: ``value``, ``on_run``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import ipywidgets as W

STATIC = Path(__file__).parent / "static"
BUNDLE = STATIC / "lf_editor.js"

RunCallback = Callable[[], None]


class _RunMixin:
    """``on_run(callback)``: called when the user asks to run the code."""

    def _init_run(self) -> None:
        self._run_callbacks: list[RunCallback] = []

    def on_run(self, callback: RunCallback, remove: bool = False) -> None:
        (self._run_callbacks.remove if remove else self._run_callbacks.append)(callback)

    def request_run(self) -> None:
        """What Ctrl/Shift+Enter does (callable from code and tests)."""
        for cb in list(self._run_callbacks):
            cb()


class TextareaEditor(W.Textarea, _RunMixin):
    """Fallback editor: a plain textarea (no highlighting, no run keys)."""

    def __init__(self, value: str = "", height: str = "160px") -> None:
        super().__init__(value=value, layout=W.Layout(width="100%", height=height))
        self._init_run()


def _anywidget_editor() -> type | None:
    try:
        import anywidget
        import traitlets
    except ImportError:
        return None
    if not BUNDLE.exists():
        return None

    class CodeEditor(anywidget.AnyWidget, _RunMixin):
        """CodeMirror 6 Python editor; ``value`` syncs on every change."""

        _esm = BUNDLE
        value = traitlets.Unicode("").tag(sync=True)
        height = traitlets.Unicode("160px").tag(sync=True)

        def __init__(self, value: str = "", height: str = "160px", **kw: Any) -> None:
            super().__init__(value=value, height=height, **kw)
            self._init_run()
            self.layout.width = "100%"
            self.on_msg(self._on_front_msg)

        def _on_front_msg(self, _: Any, content: dict, buffers: Any) -> None:
            if isinstance(content, dict) and content.get("type") == "run":
                if isinstance(content.get("value"), str):
                    self.value = content["value"]  # newer than a throttled sync
                self.request_run()

    return CodeEditor


CodeEditor = _anywidget_editor()


def code_editor(
    value: str = "", height: str = "160px", prefer: str = "codemirror"
) -> W.DOMWidget:
    """The best editor available: CodeMirror (anywidget) or the textarea fallback.

    Parameters
    ----------
    value
        Initial code.
    height
        CSS minimum height of the editing area.
    prefer
        ``"codemirror"`` or ``"textarea"`` (force the fallback).

    Returns
    -------
    CodeEditor or TextareaEditor
        Both have ``value``, ``on_run`` and ``request_run``; the textarea
        when anywidget (or the bundled CodeMirror) is not available.

    Raises
    ------
    ValueError
        If ``prefer`` is neither value.

    Examples
    --------
    >>> ed = code_editor("x = 1", prefer="textarea")
    >>> runs = []
    >>> ed.on_run(lambda: runs.append(ed.value))
    >>> ed.request_run(); runs
    ['x = 1']
    """
    if prefer not in ("codemirror", "textarea"):
        raise ValueError(f"prefer must be 'codemirror' or 'textarea'; got {prefer!r}")
    if prefer == "codemirror" and CodeEditor is not None:
        return CodeEditor(value=value, height=height)
    return TextareaEditor(value=value, height=height)


__all__ = ["BUNDLE", "CodeEditor", "TextareaEditor", "code_editor"]
