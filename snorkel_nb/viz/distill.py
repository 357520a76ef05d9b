"""Altair chart builders for distillation (tidy DataFrame in, chart out)."""

from __future__ import annotations

import altair as alt
import pandas as pd

#: Fixed colours: a qualifying candidate is always the same green.
QUALIFIES_COLORS = {
    "domain": ["qualifies", "misses a constraint", "not measured"],
    "range": ["#54a24b", "#e45756", "#bab0ac"],
}


def latency_size_scatter(
    df: pd.DataFrame,
    max_ms: float | None = None,
    max_bytes: float | None = None,
    latency: str = "p99_ms_b1",
) -> alt.LayerChart:
    """Candidates by ONNX size (log x) and latency (y), coloured by the verdict.

    ``df``: ``candidate``, ``size_bytes``, ``latency`` column, ``qualifies``
    (True/False/None). Dashed rules mark ``max_ms`` and ``max_bytes``. One
    point per candidate, so altair's row limit is never near.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per candidate, columns as above; rows without a size or a
        latency are not drawn.
    max_ms : float, optional
        Latency budget in ms (a dashed horizontal rule).
    max_bytes : float, optional
        Size budget in bytes (a dashed vertical rule).
    latency : str, default "p99_ms_b1"
        Column holding the latency in ms.

    Returns
    -------
    altair.LayerChart

    Examples
    --------
    >>> df = pd.DataFrame({"candidate": ["a", "b"], "size_bytes": [1e5, 2e6],
    ...                    "p99_ms_b1": [0.3, 2.0], "qualifies": [True, False]})
    >>> len(latency_size_scatter(df, max_ms=1.0).to_dict()["layer"])
    2
    """
    d = df.dropna(subset=["size_bytes", latency]).copy()
    d["verdict"] = [
        "not measured"
        if q is None or q != q
        else ("qualifies" if q else "misses a constraint")
        for q in d["qualifies"]
    ]
    d["latency_ms"] = d[latency]
    points = (
        alt.Chart(d)
        .mark_circle(size=120, opacity=0.85)
        .encode(
            x=alt.X(
                "size_bytes:Q", scale=alt.Scale(type="log"), title="ONNX size (bytes)"
            ),
            y=alt.Y("latency_ms:Q", title=f"{latency} (ms)"),
            color=alt.Color(
                "verdict:N", scale=alt.Scale(**QUALIFIES_COLORS), title="verdict"
            ),
            tooltip=[
                "candidate:N",
                alt.Tooltip("size_bytes:Q", format=","),
                alt.Tooltip("latency_ms:Q", format=".3f"),
                "verdict:N",
            ],
        )
    )
    layers: list[alt.Chart] = [points]
    if max_ms is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"y": [max_ms]}))
            .mark_rule(strokeDash=[4, 4], color="#999")
            .encode(y="y:Q")
        )
    if max_bytes is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"x": [max_bytes]}))
            .mark_rule(strokeDash=[4, 4], color="#999")
            .encode(x="x:Q")
        )
    return alt.layer(*layers).properties(
        width=320, height=240, title="Candidates: latency vs size"
    )


__all__ = ["QUALIFIES_COLORS", "latency_size_scatter"]
