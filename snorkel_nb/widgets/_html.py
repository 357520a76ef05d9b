"""Small HTML helpers shared by the widgets (escaping, tables, error boxes)."""

from __future__ import annotations

import html

import pandas as pd

STYLE = (
    "<style>.snb-table{border-collapse:collapse;font-size:12px}"
    ".snb-table td,.snb-table th{border:1px solid #ddd;padding:2px 6px;"
    "max-width:520px;overflow:hidden;text-overflow:ellipsis}"
    ".snb-error{color:#a00;background:#fff3f3;border:1px solid #e99;padding:4px 8px}"
    ".snb-ok{color:#060}.snb-warn{color:#a60}</style>"
)


def table(df: pd.DataFrame, max_rows: int = 50, float_format: str = "{:.3f}") -> str:
    """An escaped HTML table of the first ``max_rows`` rows."""
    if df is None or len(df) == 0:
        return "<i>(none)</i>"
    shown = df.head(max_rows)
    text = shown.to_html(classes="snb-table", escape=True, border=0,
                         float_format=float_format.format, na_rep="–")
    more = f"<div><i>… {len(df) - max_rows} more</i></div>" if len(df) > max_rows else ""
    return text + more


def error_box(message: str, detail: str = "") -> str:
    """A red box with an escaped message and optional traceback."""
    pre = f"<pre>{html.escape(detail)}</pre>" if detail else ""
    return f"<div class='snb-error'><b>{html.escape(message)}</b>{pre}</div>"


def ok(message: str) -> str:
    return f"<span class='snb-ok'>{html.escape(message)}</span>"


def warn(message: str, detail: str = "") -> str:
    pre = f"<pre>{html.escape(detail)}</pre>" if detail else ""
    return f"<div class='snb-warn'><b>{html.escape(message)}</b>{pre}</div>"


def esc(text: str) -> str:
    return html.escape(str(text))
