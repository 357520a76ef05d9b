"""Example tables for the LF studio: highlighted matches, class names, safe HTML.

User text is data, never markup. Each cell is first decoded for display
(``html.unescape``: ``Don&#39;t`` reads "Don't"), then cut at the LF's keyword /
regex matches, and every piece is escaped with ``html.escape`` before the
``<mark>`` tags are put around the matched pieces. So ``<br />`` or
``<script>`` in a comment shows as text and a match can never split an entity.
"""

from __future__ import annotations

import html
import re
from typing import Any, Sequence

import pandas as pd

from snorkel_nb.labeling.matrix import ABSTAIN

FieldPatterns = dict[str, list[re.Pattern[str]]]
MAX_CELL = 400  # characters shown per text cell


def lf_patterns(lf: Any) -> FieldPatterns:
    """The regexes a keyword / regex LF matches, per field (empty for code LFs)."""
    payload = getattr(lf, "_regex_payload", None)
    if payload is None:
        return {}
    field, compiled = payload[0], payload[1]
    return {field: [compiled]}


def search_pattern(search: str) -> re.Pattern[str] | None:
    """The (literal, any-case) regex of a search box's text, or None if empty."""
    return re.compile(re.escape(search), re.IGNORECASE) if search else None


def highlight(
    text: Any, patterns: Sequence[re.Pattern[str]] = (), max_chars: int = MAX_CELL
) -> str:
    """Safe HTML of ``text`` with the matches of ``patterns`` in ``<mark>``.

    ``text`` is HTML-unescaped first (data sets such as YouTube store
    ``&#39;``), so each character is escaped exactly once; overlapping
    matches merge into one mark.

    Parameters
    ----------
    text
        Any value (``str()`` is taken).
    patterns
        Compiled regexes; empty matches are ignored.
    max_chars
        Characters kept; a longer text is cut and ends with ``…``.

    Returns
    -------
    str
        Escaped HTML.

    Examples
    --------
    >>> highlight("Don&#39;t <b>check</b> out", [re.compile("check")])
    'Don&#x27;t &lt;b&gt;<mark>check</mark>&lt;/b&gt; out'
    """
    s = html.unescape(str(text))
    cut = len(s) > max_chars
    s = s[:max_chars]
    spans: list[tuple[int, int]] = []
    for p in patterns:
        spans += [m.span() for m in p.finditer(s) if m.end() > m.start()]
    spans.sort()
    out, pos = [], 0
    for a, b in spans:
        if a < pos:  # overlapping match: extend the open mark
            if b > pos:
                out[-1] = out[-1][: -len("</mark>")] + html.escape(s[pos:b]) + "</mark>"
                pos = b
            continue
        out.append(html.escape(s[pos:a]))
        out.append(f"<mark>{html.escape(s[a:b])}</mark>")
        pos = b
    out.append(html.escape(s[pos:]))
    return "".join(out) + ("…" if cut else "")


def class_label(value: Any, class_names: Sequence[str]) -> str:
    """``"spam (1)"`` for a vote / gold value; ``"abstain"`` for -1.

    Parameters
    ----------
    value
        A class index (anything ``int()`` takes), or any other value, shown
        as ``str(value)``.
    class_names
        Names by class index; an index without a distinct name shows as the
        number alone.

    Returns
    -------
    str

    Examples
    --------
    >>> [class_label(v, ["ham", "spam"]) for v in (1, -1, 5, "n/a")]
    ['spam (1)', 'abstain', '5', 'n/a']
    """
    try:
        v = int(value)
    except (TypeError, ValueError):
        return str(value)
    if v == ABSTAIN:
        return "abstain"
    if 0 <= v < len(class_names) and class_names[v] != str(v):
        return f"{class_names[v]} ({v})"
    return str(v)


def examples_table(
    df: pd.DataFrame,
    patterns: FieldPatterns | None = None,
    search: str = "",
    class_names: Sequence[str] = (),
    gold_column: str | None = None,
    first_row: int = 0,
) -> str:
    """An HTML table of example rows: text cells highlighted, votes and gold
    shown by class name, the gold column named ``gold``.

    Parameters
    ----------
    df
        Rows to show (``vote:<lf>`` and ``gold`` columns hold class indices).
    patterns
        Field -> regexes to mark (the LF's own matches).
    search
        The search box's text, marked in every text cell.
    class_names
        Names of the classes, index = class.
    gold_column
        A data column that holds gold labels (e.g. ``"label"``), shown as ``gold``.
    first_row
        Number shown for the first row (paging).

    Returns
    -------
    str
        HTML; ``"<i>(none)</i>"`` when ``df`` is ``None`` or empty.

    Examples
    --------
    >>> df = pd.DataFrame({"text": ["a <b>", "spam!"], "vote:x": [1, -1]})
    >>> marks = {"text": [re.compile("spam")]}
    >>> out = examples_table(df, marks, class_names=["ham", "spam"])
    >>> "&lt;b&gt;" in out and "<mark>spam</mark>" in out and "spam (1)" in out
    True
    """
    if df is None or len(df) == 0:
        return "<i>(none)</i>"
    patterns = patterns or {}
    extra = [p for p in [search_pattern(search)] if p is not None]
    df = (
        df.rename(columns={gold_column: "gold"})
        if gold_column in df.columns and ("gold" not in df.columns)
        else df
    )
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in ["#", *df.columns])
    rows = []
    for i, (_, row) in enumerate(df.iterrows()):
        cells = [f"<td>{first_row + i + 1}</td>"]
        for c in df.columns:
            v = row[c]
            if c == "gold" and str(v) == str(ABSTAIN):
                cell = "<i>unknown</i>"
            elif str(c).startswith("vote:") or c == "gold":
                cell = html.escape(class_label(v, class_names))
            elif isinstance(v, str):
                cell = highlight(v, [*patterns.get(str(c), []), *extra])
            elif isinstance(v, float):
                cell = "–" if pd.isna(v) else f"{v:.3f}"
            else:
                cell = html.escape(str(v))
            cells.append(f"<td>{cell}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f"<div class='snb-scroll'><table class='snb-table snb-examples'>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        "</div>"
    )


__all__ = [
    "class_label",
    "examples_table",
    "highlight",
    "lf_patterns",
    "search_pattern",
]
