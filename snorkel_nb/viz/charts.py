"""Altair chart builders: one function per chart, tidy DataFrame in, chart out.

Nothing here displays anything or computes LF statistics; builders only shape
data for drawing (folding LFs beyond the top K, binning probabilities) so that
every chart stays far below altair's 5000-row limit, which is never disabled.
Colour schemes and categorical domains are fixed in :data:`COLORS` so a colour
means the same kind of thing in every chart; sequential domains are fitted to
each chart's data (see :func:`fitted_domain`), since LF overlaps of a few
percent would be one flat block on a fixed ``[0, 1]`` scale.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

#: Fixed colour domains, shared by every chart.
COLORS: dict[str, dict[str, Any]] = {
    # sequential schemes for pairwise fractions (domains fitted per chart)
    "overlap": {"scheme": "blues", "domain": [0.0, 1.0]},
    "conflict": {"scheme": "reds", "domain": [0.0, 1.0]},
    "coverage": {"scheme": "greens", "domain": [0.0, 1.0]},
    # categorical: where a prediction / label comes from
    "source": {
        "domain": ["label model", "majority vote", "dev gold"],
        "range": ["#4c78a8", "#f58518", "#54a24b"],
    },
    # categorical: classes (up to 10) and abstain
    "label": {
        "domain": ["abstain"] + [str(c) for c in range(10)],
        "range": [
            "#bab0ac",
            "#4c78a8",
            "#e45756",
            "#54a24b",
            "#f58518",
            "#b279a2",
            "#72b7b2",
            "#eeca3b",
            "#ff9da6",
            "#9d755d",
            "#79706e",
        ],
    },
}
#: Fill of the muted heatmap diagonal and outline of the selected cell.
MUTED = "#e6e6e6"
SELECTED = "#111111"
#: Colour scale exponent for pairwise fractions (small overlaps stay visible).
SQRT = 0.5
OTHER = "other"
#: Default cap on LFs drawn in an m x m heatmap (31^2 = 961 rows << 5000).
MAX_LFS = 30
ALTAIR_MAX_ROWS = 5000


def enable_offline() -> bool:
    """Load Vega JS from vl-convert instead of a CDN (works without internet).

    Returns False (and leaves altair as it is) when vl-convert is unavailable.
    """
    try:
        alt.JupyterChart.enable_offline()
    except Exception:  # noqa: BLE001 - vl-convert missing or too old
        return False
    return True


def unvalidated(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """``chart`` whose ``to_dict`` skips the JSON-schema validation.

    For the widgets' redraws only: ``JupyterChart`` calls ``to_dict()`` on
    every update, and validating a layered spec costs about as much again as
    building it. The builders'
    specs are validated in the tests (and in every doctest), so skipping it on
    a redraw loses nothing.

    Examples
    --------
    >>> c = unvalidated(alt.Chart(pd.DataFrame({"a": [1]})).mark_point())
    >>> c.to_dict()["mark"]
    {'type': 'point'}
    """
    fast = functools.partial(type(chart).to_dict, chart, validate=False)
    object.__setattr__(chart, "to_dict", fast)  # not a schema property
    return chart


def _scale(kind: str) -> alt.Scale:
    c = COLORS[kind]
    if "scheme" in c:
        return alt.Scale(
            scheme=c["scheme"], domain=c["domain"], type="pow", exponent=SQRT
        )
    return alt.Scale(domain=c["domain"], range=c["range"])


def top_k_lfs(df: pd.DataFrame, k: int = MAX_LFS, by: str = "value") -> pd.DataFrame:
    """Keep the ``k`` LFs with the largest diagonal ``by`` (coverage); fold the rest.

    ``df`` is tidy pairwise data (``lf_a, lf_b, count, value, ...``). Folded LFs
    become one ``"other"`` row/column holding the *maximum* over the folded
    pairs, and ``n_folded`` says how many pairs each cell stands for. With at
    most ``k`` LFs, ``df`` comes back unchanged (plus ``n_folded = 1``).

    Parameters
    ----------
    df : pandas.DataFrame
        Tidy pairwise table, one row per ``(lf_a, lf_b)``, diagonal included.
    k : int, default MAX_LFS
        LFs kept.
    by : str, default "value"
        Column whose diagonal entries rank the LFs.

    Returns
    -------
    pandas.DataFrame
        The table over the kept LFs plus ``"other"``, with ``n_folded``.

    Examples
    --------
    >>> names = [f"lf{i}" for i in range(4)]
    >>> df = pd.DataFrame([(a, b, 1, (i + 1) / 10 if a == b else 0.0)
    ...                    for i, a in enumerate(names) for b in names],
    ...                   columns=["lf_a", "lf_b", "count", "value"])
    >>> sorted(top_k_lfs(df, 2)["lf_a"].unique())
    ['lf2', 'lf3', 'other']
    """
    order = list(dict.fromkeys(df["lf_a"]))
    out = df.copy()
    out["n_folded"] = 1
    if len(order) <= k:
        return out
    diag = df[df["lf_a"] == df["lf_b"]].set_index("lf_a")[by]
    keep = set(diag.sort_values(ascending=False, kind="stable").index[:k])
    out["lf_a"] = [a if a in keep else OTHER for a in out["lf_a"]]
    out["lf_b"] = [b if b in keep else OTHER for b in out["lf_b"]]
    aggs = {
        c: "max"
        for c in out.columns
        if c not in ("lf_a", "lf_b", "n_folded")
        and pd.api.types.is_numeric_dtype(out[c])
    }
    aggs.update(
        {
            c: "first"
            for c in out.columns
            if c not in aggs and c not in ("lf_a", "lf_b", "n_folded")
        }
    )
    aggs["n_folded"] = "sum"
    folded = out.groupby(["lf_a", "lf_b"], sort=False, as_index=False).agg(aggs)
    rank = {n: i for i, n in enumerate([n for n in order if n in keep] + [OTHER])}
    folded = folded.sort_values(
        ["lf_a", "lf_b"], key=lambda s: s.map(rank), kind="stable"
    ).reset_index(drop=True)
    return folded


def fitted_domain(values: Any, floor: float = 1e-9) -> list[float]:
    """``[0, max]`` of ``values`` (NaNs ignored), so small fractions use the whole
    colour range instead of the bottom tenth of a fixed ``[0, 1]`` scale.

    Parameters
    ----------
    values : array-like
        Numbers to cover.
    floor : float, default 1e-9
        A maximum at or below this gives ``[0, 1]`` (an all-zero chart).

    Returns
    -------
    list of float
        ``[0.0, top]``.

    Examples
    --------
    >>> fitted_domain([0.01, 0.08, float("nan")])
    [0.0, 0.08]
    >>> fitted_domain([])
    [0.0, 1.0]
    """
    arr = np.asarray(values, dtype=float)
    arr = arr[np.isfinite(arr)]
    top = float(arr.max()) if arr.size else 0.0
    return [0.0, top if top > floor else 1.0]


def _cell_label(v: float, top: float, count: bool) -> str:
    """Short cell text: enough digits to tell cells apart on this scale."""
    if not np.isfinite(v) or v <= 0 or v < top * 0.005:
        return ""
    if count:
        return f"{v:.0f}"
    return f"{v:.2f}" if top >= 0.1 else f"{v:.3f}".lstrip("0")


def heatmap(
    df: pd.DataFrame,
    kind: str | None = None,
    max_lfs: int = MAX_LFS,
    select: bool = True,
    size: int | None = None,
    color_by: str = "value",
    selected: tuple[str, str] | None = None,
) -> alt.LayerChart:
    """m x m heatmap of a tidy pairwise table, with values and tooltips.

    The colour scale is fitted to the off-diagonal cells (the diagonal, an LF's
    own coverage, is drawn muted in grey: it would otherwise set the scale and
    wash every pair out), so a conflict map whose largest cell is 0.08 still
    spans the whole colour range. The legend is a symbol legend: a gradient
    legend is an SVG ``linearGradient`` whose id (``gradient_0``...) restarts
    in every chart, so two charts on one page could show each other's colours.

    Parameters
    ----------
    df
        ``lf_a, lf_b, count, value, kind`` (as from ``LFAnalysis.pairwise_overlaps``).
    kind
        ``overlap``, ``conflict`` or ``coverage`` (colour scheme); default from
        ``df["kind"]``.
    max_lfs
        LFs beyond this many (by coverage) are folded into ``"other"``.
    select
        Add a point selection ``cell`` over ``lf_a, lf_b`` (click a cell); the
        selected cell gets a dark outline drawn above every other cell.
    size
        Side of the square chart in pixels; default 28 per LF, within
        160..640.
    color_by
        ``value`` (fraction of points) or ``count`` (number of points).
    selected
        ``(lf_a, lf_b)`` of a cell to show as selected when drawn.

    Returns
    -------
    altair.LayerChart

    Raises
    ------
    ValueError
        If ``color_by`` is neither "value" nor "count".

    Examples
    --------
    >>> df = pd.DataFrame({"lf_a": ["a", "a", "b", "b"], "lf_b": ["a", "b", "a", "b"],
    ...                    "count": [2, 1, 1, 3], "value": [.2, .1, .1, .3],
    ...                    "kind": "overlap"})
    >>> spec = heatmap(df).to_dict()
    >>> spec["layer"][0]["mark"]["type"]
    'rect'
    >>> spec["layer"][0]["encoding"]["color"]["scale"]["domain"]
    [0.0, 0.1]
    """
    if color_by not in ("value", "count"):
        raise ValueError(f"color_by must be 'value' or 'count'; got {color_by!r}")
    if kind is None:
        kind = str(df["kind"].iloc[0]) if "kind" in df and len(df) else "overlap"
    data = top_k_lfs(df, max_lfs)
    order = list(dict.fromkeys(data["lf_a"]))
    m = len(order)
    side = size or max(160, min(640, 28 * m))
    diag = (data["lf_a"] == data["lf_b"]).to_numpy()
    shade = data[color_by].to_numpy(float)
    domain = fitted_domain(shade[~diag] if (~diag).any() else shade)
    top = domain[1]
    data = data.assign(
        diagonal=diag,
        label=[
            _cell_label(v, max(top, v) if d else top, color_by == "count")
            for v, d in zip(shade, diag)
        ],
        dark=(shade > 0.55 * top) & ~diag,
    )
    base = alt.Chart(data).encode(
        x=alt.X("lf_b:N", sort=order, title=None, axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("lf_a:N", sort=order, title=None),
    )
    what = "points" if color_by == "count" else "fraction of points"
    tooltip = [
        alt.Tooltip("lf_a:N", title="LF a"),
        alt.Tooltip("lf_b:N", title="LF b"),
        alt.Tooltip("count:Q", title="points"),
        alt.Tooltip("value:Q", title=f"{kind} (fraction)", format=".3f"),
    ]
    if (data["n_folded"] > 1).any():
        tooltip.append(alt.Tooltip("n_folded:Q", title="pairs folded (max shown)"))
    c = COLORS[kind]
    scale = alt.Scale(
        scheme=c["scheme"],
        domain=domain,
        type="pow",
        exponent=SQRT,
        clamp=True,
        nice=False,
    )
    color = alt.condition(
        "datum.diagonal",
        alt.value(MUTED),
        alt.Color(
            f"{color_by}:Q",
            scale=scale,
            legend=alt.Legend(
                title=f"{kind} ({what})",
                type="symbol",
                format=".0f" if color_by == "count" else ".3f",
            ),
        ),
    )
    rect = base.mark_rect(stroke="white", strokeWidth=0.5).encode(
        color=color, tooltip=tooltip
    )
    layers: list[alt.Chart] = []
    if select:
        cell = alt.selection_point(
            fields=["lf_a", "lf_b"],
            name="cell",
            on="click",
            clear="dblclick",
            **(
                {"value": [{"lf_a": selected[0], "lf_b": selected[1]}]}
                if selected
                else {}
            ),
        )
        rect = rect.add_params(cell)
        outline = base.mark_rect(fillOpacity=0, stroke=SELECTED, strokeWidth=3).encode(
            strokeOpacity=alt.condition(cell, alt.value(1), alt.value(0), empty=False),
            tooltip=tooltip,
        )
        layers.append(outline)
    text = base.mark_text(fontSize=9 if m > 15 else 11).encode(
        text="label:N",
        color=alt.condition("datum.dark", alt.value("white"), alt.value("black")),
        opacity=alt.condition("datum.diagonal", alt.value(0.55), alt.value(1.0)),
        tooltip=tooltip,
    )
    title = {
        "overlap": "Overlaps (grey diagonal: coverage)",
        "conflict": "Conflicts (points where both vote, differently)",
        "coverage": "Coverage",
    }.get(kind, kind)
    sub = f"colour scale fitted to the pairs: 0 to {top:.3g}" + (
        " points" if color_by == "count" else ""
    )
    return alt.layer(rect, text, *layers).properties(
        width=side, height=side, title=alt.Title(title, subtitle=sub)
    )


def coverage_bars(
    df: pd.DataFrame,
    max_lfs: int = 60,
    select: bool = True,
    selected: str | None = None,
) -> alt.LayerChart:
    """Horizontal bars of per-LF coverage; ``df`` has ``lf, coverage``.

    With ``select``, clicking a bar selects ``cell`` with ``lf_a = lf_b = lf``
    (the same selection the heatmaps use: the LF's own points).

    Parameters
    ----------
    df : pandas.DataFrame
        Columns ``lf`` and ``coverage`` (fraction of points).
    max_lfs : int, default 60
        Bars drawn, highest coverage first.
    select : bool, default True
        Add the click selection ``cell``.
    selected : str, optional
        LF whose bar is drawn as selected.

    Returns
    -------
    altair.LayerChart

    Examples
    --------
    >>> spec = coverage_bars(pd.DataFrame({"lf": ["a"], "coverage": [.3]})).to_dict()
    >>> spec["layer"][0]["mark"]["type"], spec["params"][0]["name"]
    ('bar', 'cell')
    """
    data = df.sort_values("coverage", ascending=False).head(max_lfs)
    data = data.assign(lf_a=data["lf"], lf_b=data["lf"])
    base = alt.Chart(data).encode(
        y=alt.Y("lf:N", sort=list(data["lf"]), title=None),
        x=alt.X(
            "coverage:Q",
            scale=alt.Scale(domain=fitted_domain(data["coverage"]), nice=True),
            title="coverage",
        ),
        tooltip=["lf:N", alt.Tooltip("coverage:Q", format=".3f")],
    )
    c = COLORS["coverage"]
    bars = base.mark_bar().encode(
        color=alt.Color(
            "coverage:Q",
            legend=None,
            scale=alt.Scale(
                scheme=c["scheme"],
                domain=fitted_domain(data["coverage"]),
                type="pow",
                exponent=SQRT,
                nice=False,
                clamp=True,
            ),
        )
    )
    layers = [bars]
    if select:
        cell = alt.selection_point(
            fields=["lf_a", "lf_b"],
            name="cell",
            on="click",
            clear="dblclick",
            **({"value": [{"lf_a": selected, "lf_b": selected}]} if selected else {}),
        )
        layers = [
            bars.add_params(cell),
            base.mark_bar(fillOpacity=0, stroke=SELECTED, strokeWidth=3).encode(
                strokeOpacity=alt.condition(
                    cell, alt.value(1), alt.value(0), empty=False
                )
            ),
        ]
    return alt.layer(*layers).properties(
        width=300,
        height=max(60, 16 * len(data)),
        title=alt.Title("Coverage", subtitle="click a bar to list its points"),
    )


def accuracy_scatter(
    df: pd.DataFrame, x: str = "empirical", subtitle: str = ""
) -> alt.LayerChart:
    """Estimated vs empirical LF accuracy: each point named, with its intervals.

    ``df``: ``lf, estimated, empirical, ci_low, ci_high, coverage`` and
    optionally ``emp_low, emp_high`` (an interval on the empirical accuracy,
    e.g. Wilson's from the dev counts). NaNs allowed; LFs missing either
    coordinate are not drawn. Vertical bars: the model's interval on its
    estimate; horizontal bars: the empirical interval. ``x="coverage"`` plots
    the estimate against coverage instead (no dev gold).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per LF, columns as above.
    x : {"empirical", "coverage"}, default "empirical"
        Column on the x axis.
    subtitle : str, default ""
        Chart subtitle; default explains the bars.

    Returns
    -------
    altair.LayerChart

    Examples
    --------
    >>> df = pd.DataFrame({"lf": ["a"], "estimated": [.8], "empirical": [.9],
    ...                    "ci_low": [.7], "ci_high": [.85], "coverage": [.1]})
    >>> [layer["mark"]["type"] for layer in accuracy_scatter(df).to_dict()["layer"]]
    ['line', 'rule', 'rule', 'circle', 'text']
    """
    data = df.copy()
    for col in ("ci_low", "ci_high", "emp_low", "emp_high"):
        if col not in data:
            data[col] = np.nan
    data = data.dropna(subset=["estimated", x])
    # LFs drawn on the same spot (a fallback fit gives them all one estimate)
    # share one label, "a, b", instead of overprinting each other
    spot = list(zip(data[x].round(3), data["estimated"].round(3)))
    first: dict[tuple, int] = {}
    for i, key in enumerate(spot):
        first.setdefault(key, i)
    label = [""] * len(spot)
    for key, i in first.items():
        label[i] = ", ".join(n for n, k in zip(data["lf"], spot) if k == key)
    data = data.assign(label=label)
    xtitle = (
        "empirical accuracy on covered dev points"
        if x == "empirical"
        else "coverage (no dev gold: no empirical accuracy)"
    )
    xs = alt.Scale(domain=[0, 1] if x == "empirical" else fitted_domain(data[x]))
    ys = alt.Scale(domain=[0, 1])
    blue = COLORS["source"]["range"][0]
    base = alt.Chart(data).encode(x=alt.X(f"{x}:Q", scale=xs, title=xtitle))
    diag = (
        alt.Chart(pd.DataFrame({"a": [0.0, 1.0]}))
        .mark_line(strokeDash=[4, 4], color="#999")
        .encode(x=alt.X("a:Q", scale=xs), y="a:Q")
    )
    if x != "empirical":
        diag = diag.transform_filter("false")
    tooltip = [
        "lf:N",
        alt.Tooltip("estimated:Q", format=".3f"),
        alt.Tooltip("ci_low:Q", format=".3f", title="estimate low"),
        alt.Tooltip("ci_high:Q", format=".3f", title="estimate high"),
        alt.Tooltip("empirical:Q", format=".3f"),
        alt.Tooltip("emp_low:Q", format=".3f", title="empirical low"),
        alt.Tooltip("emp_high:Q", format=".3f", title="empirical high"),
        alt.Tooltip("coverage:Q", format=".3f"),
    ]
    # encodings are set once on ``base`` and inherited by the layers: altair's
    # encoding inference is most of a chart's build time
    base = base.encode(
        y=alt.Y("estimated:Q", scale=ys, title="estimated accuracy (label model)"),
        tooltip=tooltip,
    )
    ci = (
        base.transform_filter("isValid(datum.ci_low) && isFinite(datum.ci_low)")
        .mark_rule(color=blue, strokeWidth=1.5)
        .encode(y="ci_low:Q", y2="ci_high:Q")
    )
    emp = (
        base.transform_filter("isValid(datum.emp_low) && isFinite(datum.emp_low)")
        .mark_rule(color="#888", strokeWidth=1.5)
        .encode(x="emp_low:Q", x2="emp_high:Q")
    )
    pts = base.mark_circle(color=blue, opacity=0.85).encode(
        size=alt.Size(
            "coverage:Q", scale=alt.Scale(domain=[0, 1], range=[30, 400]), legend=None
        )
    )
    names = base.mark_text(align="left", dx=7, dy=-6, fontSize=10, color="#333").encode(
        text="label:N"
    )
    title = alt.Title(
        "Estimated vs empirical LF accuracy",
        subtitle=subtitle
        or "bars: the model's interval (vertical), the dev interval (horizontal)",
    )
    return alt.layer(diag, ci, emp, pts, names).properties(
        width=300, height=300, title=title
    )


def prob_histogram(
    df: pd.DataFrame, bins: int = 20, xtitle: str = "predicted probability"
) -> alt.Chart:
    """Histogram of predicted probabilities; ``df`` has a ``prob`` column.

    The rows are binned here (numpy), so the chart holds ``bins`` rows whatever
    the number of points.

    Parameters
    ----------
    df : pandas.DataFrame
        Column ``prob`` (values clipped to [0, 1]).
    bins : int, default 20
        Equal-width bins over [0, 1].
    xtitle : str, default "predicted probability"
        X-axis title.

    Returns
    -------
    altair.Chart

    Examples
    --------
    >>> len(prob_histogram(pd.DataFrame({"prob": np.linspace(0, 1, 10_000)})).data)
    20
    """
    p = np.clip(df["prob"].to_numpy(float), 0, 1)
    counts, edges = np.histogram(p, bins=bins, range=(0, 1))
    data = pd.DataFrame({"lo": edges[:-1], "hi": edges[1:], "count": counts})
    return (
        alt.Chart(data)
        .mark_bar(color=COLORS["source"]["range"][0])
        .encode(
            x=alt.X("lo:Q", bin="binned", title=xtitle),
            x2="hi:Q",
            y=alt.Y("count:Q", title="points"),
            tooltip=[
                alt.Tooltip("lo:Q", format=".2f"),
                alt.Tooltip("hi:Q", format=".2f"),
                "count:Q",
            ],
        )
        .properties(width=280, height=180, title="Predicted probabilities")
    )


def calibration(
    df: pd.DataFrame, ytitle: str = "observed frequency (dev)"
) -> alt.LayerChart:
    """Reliability diagram: ``mean_prob`` vs ``frac_positive`` per bin (``count``).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per bin: ``mean_prob``, ``frac_positive``, ``count``; empty
        when there is no dev gold (the subtitle then says so).
    ytitle : str, default "observed frequency (dev)"
        Y-axis title.

    Returns
    -------
    altair.LayerChart

    Examples
    --------
    >>> df = pd.DataFrame({"bin_mid": [.25, .75], "mean_prob": [.2, .8],
    ...                    "frac_positive": [.3, .7], "count": [5, 5]})
    >>> len(calibration(df).to_dict()["layer"])
    2
    """
    diag = (
        alt.Chart(pd.DataFrame({"a": [0.0, 1.0]}))
        .mark_line(strokeDash=[4, 4], color="#999")
        .encode(x="a:Q", y="a:Q")
    )
    line = (
        alt.Chart(df)
        .mark_line(point=True, color=COLORS["source"]["range"][0])
        .encode(
            x=alt.X(
                "mean_prob:Q",
                scale=alt.Scale(domain=[0, 1]),
                title="mean predicted probability",
            ),
            y=alt.Y("frac_positive:Q", scale=alt.Scale(domain=[0, 1]), title=ytitle),
            tooltip=[
                alt.Tooltip("mean_prob:Q", format=".3f"),
                alt.Tooltip("frac_positive:Q", format=".3f"),
                "count:Q",
            ],
        )
    )
    title = alt.Title(
        "Calibration on the dev split",
        subtitle="" if len(df) else "no dev gold: nothing to calibrate against",
    )
    return alt.layer(diag, line).properties(width=280, height=280, title=title)


#: class-balance categories for points that get no class
UNCOVERED, TIE = "no LF votes", "tie"


def class_balance(df: pd.DataFrame, class_order: list[str] | None = None) -> alt.Chart:
    """Grouped bars ``class, source, fraction``: every source's bars sum to 1.

    Rows with ``class`` equal to :data:`UNCOVERED` (no LF votes) or :data:`TIE`
    are drawn hatched-grey at the right, so a label model that labels 68% of
    the points shows the missing 32% instead of bars that quietly sum to 0.68.

    Parameters
    ----------
    df : pandas.DataFrame
        Columns ``class``, ``source`` (a :data:`COLORS` ``source`` name) and
        ``fraction``.
    class_order : list of str, optional
        Order of the classes on the x axis; default: first appearance.

    Returns
    -------
    altair.Chart

    Examples
    --------
    >>> df = pd.DataFrame({"class": ["HAM", "SPAM", UNCOVERED],
    ...                    "source": "label model", "fraction": [.4, .3, .3]})
    >>> class_balance(df).to_dict()["encoding"]["x"]["sort"]
    ['HAM', 'SPAM', 'no LF votes']
    """
    data = df.assign(**{"class": df["class"].astype(str)})
    order = list(
        class_order
        or dict.fromkeys(c for c in data["class"] if c not in (UNCOVERED, TIE))
    )
    order += [c for c in (TIE, UNCOVERED) if c in set(data["class"])]
    data = data.assign(no_class=data["class"].isin([UNCOVERED, TIE]))
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("class:N", title=None, sort=order, axis=alt.Axis(labelAngle=0)),
            xOffset="source:N",
            y=alt.Y(
                "fraction:Q", title="share of points", scale=alt.Scale(domain=[0, 1])
            ),
            color=alt.Color(
                "source:N",
                scale=_scale("source"),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            opacity=alt.condition("datum.no_class", alt.value(0.45), alt.value(1.0)),
            tooltip=["class:N", "source:N", alt.Tooltip("fraction:Q", format=".3f")],
        )
        .properties(
            width=260,
            height=180,
            title=alt.Title(
                "Class balance",
                subtitle="each source sums to 1; faded: points with no class",
            ),
        )
    )


def dependency_graph(df: pd.DataFrame, lfs: list[str] | None = None) -> alt.LayerChart:
    """LFs on a circle, learned dependency edges ``lf_a, lf_b, weight`` as lines.

    Names sit outside the circle, aligned away from it, so they never overlap
    the edges; the legend says what a line and its width mean.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per edge: ``lf_a``, ``lf_b`` and optionally ``weight``
        (line width; default 1).
    lfs : list of str, optional
        LF names to place on the circle, in order (edge endpoints not listed
        are added after them).

    Returns
    -------
    altair.LayerChart

    Examples
    --------
    >>> edges = pd.DataFrame({"lf_a": ["a"], "lf_b": ["b"], "weight": [1.0]})
    >>> g = dependency_graph(edges, ["a", "b", "c"])
    >>> len(g.to_dict()["layer"])  # edges, nodes, names left / right / centred
    5
    """
    names = list(dict.fromkeys(list(lfs or []) + list(df["lf_a"]) + list(df["lf_b"])))
    m = max(1, len(names))
    ang = {n: math.pi / 2 - 2 * math.pi * i / m for i, n in enumerate(names)}
    pos = {n: (math.cos(a), math.sin(a)) for n, a in ang.items()}
    nodes = pd.DataFrame(
        {
            "lf": names,
            "x": [pos[n][0] for n in names],
            "y": [pos[n][1] for n in names],
            "lx": [1.1 * pos[n][0] for n in names],
            "ly": [1.1 * pos[n][1] for n in names],
            "side": [
                "left"
                if pos[n][0] > 0.15
                else "right"
                if pos[n][0] < -0.15
                else "center"
                for n in names
            ],
            "what": "LF",
        }
    )
    edge_label = "learned dependency (width: strength)"
    edges = pd.DataFrame(
        {
            "lf_a": df["lf_a"],
            "lf_b": df["lf_b"],
            "weight": df["weight"].astype(float) if "weight" in df else 1.0,
            "x": [pos[a][0] for a in df["lf_a"]],
            "y": [pos[a][1] for a in df["lf_a"]],
            "x2": [pos[b][0] for b in df["lf_b"]],
            "y2": [pos[b][1] for b in df["lf_b"]],
            "what": edge_label,
        }
    )
    ax = alt.Axis(labels=False, ticks=False, grid=False, title=None, domain=False)
    sx, sy = alt.Scale(domain=[-2.3, 2.3]), alt.Scale(domain=[-1.45, 1.45])
    what = alt.Color(
        "what:N",
        title=None,
        legend=alt.Legend(orient="bottom", labelLimit=320),
        scale=alt.Scale(domain=["LF", edge_label], range=["#4c78a8", "#e45756"]),
    )
    xy = {"x": alt.X("x:Q", axis=ax, scale=sx), "y": alt.Y("y:Q", axis=ax, scale=sy)}
    e = (
        alt.Chart(edges)
        .mark_rule(opacity=0.75)
        .encode(
            **xy,
            x2="x2:Q",
            y2="y2:Q",
            color=what,
            strokeWidth=alt.StrokeWidth(
                "weight:Q", legend=None, scale=alt.Scale(range=[1.5, 6])
            ),
            tooltip=["lf_a:N", "lf_b:N", alt.Tooltip("weight:Q", format=".3f")],
        )
    )
    v = (
        alt.Chart(nodes)
        .mark_circle(size=110, opacity=1)
        .encode(**xy, color=what, tooltip=["lf:N"])
    )
    fs = 11 if m <= 16 else 9
    label = alt.Chart(nodes).encode(
        x=alt.X("lx:Q", axis=ax, scale=sx),
        y=alt.Y("ly:Q", axis=ax, scale=sy),
        text="lf:N",
    )
    texts = [
        label.transform_filter(f"datum.side == '{side}'").mark_text(
            align=side, baseline="middle", fontSize=fs, color="#222"
        )
        for side in ("left", "right", "center")
    ]
    title = alt.Title(
        "Learned LF dependencies",
        subtitle=(
            f"{len(edges)} learned"
            if len(edges)
            else "none learned or given (pass dependencies=learn_structure(L))"
        ),
    )
    return alt.layer(e, v, *texts).properties(width=420, height=300, title=title)


__all__ = [
    "COLORS",
    "MAX_LFS",
    "TIE",
    "UNCOVERED",
    "accuracy_scatter",
    "calibration",
    "class_balance",
    "coverage_bars",
    "dependency_graph",
    "enable_offline",
    "fitted_domain",
    "heatmap",
    "prob_histogram",
    "top_k_lfs",
    "unvalidated",
]
