"""Small HTML helpers shared by the widgets (escaping, tables, error boxes)."""

from __future__ import annotations

import html

import pandas as pd

# Tables sit in a scrolling box and their cells wrap, so a 1,100 px notebook
# (file browser open) never cuts a table off without a scrollbar.
STYLE = (
    "<style>.snb-scroll{overflow-x:auto;max-width:100%}"
    ".snb-table{border-collapse:collapse;font-size:12px}"
    ".snb-table td,.snb-table th{border:1px solid #ddd;padding:2px 6px;"
    "max-width:420px;white-space:normal;overflow-wrap:anywhere;vertical-align:top}"
    ".snb-error{color:#a00;background:#fff3f3;border:1px solid #e99;padding:4px 8px}"
    ".snb-ok{color:#060}.snb-warn{color:#a60}"
    ".snb-banner{border-left:5px solid;padding:6px 10px;margin:4px 0;"
    "font-size:13px;max-width:100%;box-sizing:border-box}"
    ".snb-banner ul{margin:4px 0 0 0;padding-left:20px}"
    ".snb-banner-fallback{border-color:#d62728;background:#fdecea}"
    ".snb-banner-rescued{border-color:#f58518;background:#fff4e5}"
    ".snb-banner-stale{border-color:#f58518;background:#fff8e1}"
    ".snb-banner-no_gold{border-color:#4c78a8;background:#eef4fb}"
    ".snb-banner-ok{border-color:#54a24b;background:#eef8ec}"
    ".snb-busy{color:#335;font-size:13px}"
    ".snb-spin{display:inline-block;width:12px;height:12px;border:2px solid #bbb;"
    "border-top-color:#36c;border-radius:50%;animation:snbspin .8s linear infinite;"
    "vertical-align:middle;margin-right:6px}"
    "@keyframes snbspin{to{transform:rotate(360deg)}}</style>"
)


def table(df: pd.DataFrame, max_rows: int = 50, float_format: str = "{:.3f}") -> str:
    """An escaped HTML table of the first ``max_rows`` rows."""
    if df is None or len(df) == 0:
        return "<i>(none)</i>"
    shown = df.head(max_rows)
    text = shown.to_html(
        classes="snb-table",
        escape=True,
        border=0,
        float_format=float_format.format,
        na_rep="–",
    )
    more = (
        f"<div><i>… {len(df) - max_rows} more</i></div>" if len(df) > max_rows else ""
    )
    return f"<div class='snb-scroll'>{text}</div>{more}"


def banner(
    level: str, headline: str, items: list[str] | None = None, title: str = ""
) -> str:
    """A coloured box (``level``: fallback, rescued, stale, no_gold, ok) with an
    escaped bold headline and an escaped bullet list."""
    lis = "".join(f"<li>{html.escape(i)}</li>" for i in items or [])
    head = f"{html.escape(title)} " if title else ""
    return (
        f"<div class='snb-banner snb-banner-{html.escape(level)}' "
        f"data-level='{html.escape(level)}'><b>{head}{html.escape(headline)}</b>"
        + (f"<ul>{lis}</ul>" if lis else "")
        + "</div>"
    )


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
