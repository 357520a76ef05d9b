"""Chart builders for the task registry view (plain tables in, altair charts out).

Takes plain data (dicts, lists, DataFrames), never a ``CentralModel``, so the
viz layer does not import the opt-in multitask package. The task graph reuses
the layout of :mod:`snorkel_nb.viz.taskgraph`; it adds the *prediction
dependencies* (an LF of one task reading another task's predictions) as dashed
edges and colours the tasks that ``stale()`` lists, because those are what a
user must see to know what a retrain will touch.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import altair as alt
import pandas as pd

from snorkel_nb.viz.taskgraph import task_graph_layout

#: Fixed colours, so a stale task is always the same orange.
STATE_COLORS = {"domain": ["up to date", "stale"], "range": ["#4c78a8", "#f58518"]}
EDGE_COLORS = {
    "domain": ["refines", "reads predictions of"],
    "range": ["#888888", "#e45756"],
}


def registry_graph_table(
    tasks: Mapping[str, Sequence[str]],
    edges: Sequence[tuple[str, str]],
    dependencies: Sequence[tuple[str, str]] = (),
    stale: Sequence[str] = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Node and edge tables for :func:`registry_graph_chart`.

    ``dependencies`` are ``(upstream, downstream)`` pairs: an LF of
    ``downstream`` reads ``upstream``'s predictions. Depth follows both kinds
    of edges, so a dependent task is drawn below what it reads.

    Parameters
    ----------
    tasks : mapping of str to sequence of str
        ``{task: label names}``.
    edges : sequence of (str, str)
        ``(parent, child)`` refinement edges.
    dependencies : sequence of (str, str), default ()
        ``(upstream, downstream)`` prediction dependencies; pairs that are
        also refinement edges are drawn once, as refinements.
    stale : sequence of str, default ()
        Tasks to colour as stale.

    Returns
    -------
    nodes : pandas.DataFrame
        One row per task (``task``, ``x``, ``depth``, ``k``, ``state``, ...).
    lines : pandas.DataFrame
        One row per edge: ``parent, child, kind, x, y, x2, y2``.

    Examples
    --------
    >>> nodes, lines = registry_graph_table(
    ...     {"coarse": ["HUM", "LOC"], "fine": ["ind", "city"], "ner": ["P", "O"]},
    ...     [("coarse", "fine")], dependencies=[("ner", "fine")], stale=["fine"])
    >>> nodes.set_index("task")[["depth", "state"]].to_dict("index")["fine"]
    {'depth': 1, 'state': 'stale'}
    >>> sorted(lines["kind"])
    ['reads predictions of', 'refines']
    """
    graph_edges = [tuple(e) for e in edges]
    dep_edges = [tuple(e) for e in dependencies if tuple(e) not in graph_edges]
    nodes, _ = task_graph_layout(tasks, graph_edges + dep_edges)
    stale_set = set(stale)
    nodes["state"] = [
        "stale" if t in stale_set else "up to date" for t in nodes["task"]
    ]
    pos = nodes.set_index("task")
    rows = [
        {
            "parent": p,
            "child": c,
            "kind": kind,
            "x": pos.at[p, "x"],
            "y": pos.at[p, "depth"],
            "x2": pos.at[c, "x"],
            "y2": pos.at[c, "depth"],
        }
        for kind, pairs in (
            ("refines", graph_edges),
            ("reads predictions of", dep_edges),
        )
        for p, c in pairs
        if p in pos.index and c in pos.index
    ]
    lines = pd.DataFrame(
        rows, columns=["parent", "child", "kind", "x", "y", "x2", "y2"]
    )
    return nodes, lines


def registry_graph_chart(
    tasks: Mapping[str, Sequence[str]],
    edges: Sequence[tuple[str, str]],
    dependencies: Sequence[tuple[str, str]] = (),
    stale: Sequence[str] = (),
    width: int = 420,
    height: int = 220,
) -> alt.LayerChart:
    """Tasks top-down by depth: solid grey = refines, dashed red = reads predictions.

    Parameters
    ----------
    tasks : mapping of str to sequence of str
        ``{task: label names}``.
    edges : sequence of (str, str)
        ``(parent, child)`` refinement edges.
    dependencies : sequence of (str, str), default ()
        ``(upstream, downstream)`` prediction dependencies; pairs that are
        also refinement edges are drawn once, as refinements.
    stale : sequence of str, default ()
        Tasks to colour as stale.
    width, height : int, default 420 and 220
        Chart size in pixels.

    Returns
    -------
    altair.LayerChart

    Examples
    --------
    >>> ch = registry_graph_chart({"a": ["x", "y"], "b": ["p", "q"]}, [],
    ...                           dependencies=[("a", "b")], stale=["b"])
    >>> len(ch.to_dict()["layer"])
    3
    """
    nodes, lines = registry_graph_table(tasks, edges, dependencies, stale)
    sx = alt.Scale(domain=[0, 1])
    sy = alt.Scale(reverse=True, padding=30)
    rule = (
        alt.Chart(lines)
        .mark_rule(strokeWidth=2)
        .encode(
            x=alt.X("x:Q", axis=None, scale=sx),
            y=alt.Y("y:Q", axis=None, scale=sy),
            x2="x2:Q",
            y2="y2:Q",
            color=alt.Color("kind:N", scale=alt.Scale(**EDGE_COLORS), title="edge"),
            strokeDash=alt.StrokeDash(
                "kind:N",
                legend=None,
                scale=alt.Scale(domain=EDGE_COLORS["domain"], range=[[1, 0], [5, 4]]),
            ),
            tooltip=["parent:N", "kind:N", "child:N"],
        )
    )
    x, y = alt.X("x:Q", axis=None, scale=sx), alt.Y("depth:Q", axis=None, scale=sy)
    dots = (
        alt.Chart(nodes)
        .mark_circle(opacity=0.9)
        .encode(
            x=x,
            y=y,
            size=alt.Size("k:Q", legend=None, scale=alt.Scale(range=[200, 1200])),
            color=alt.Color("state:N", scale=alt.Scale(**STATE_COLORS), title="task"),
            tooltip=["task:N", "k:Q", "state:N", "labels:N"],
        )
    )
    text = (
        alt.Chart(nodes).mark_text(dy=-22, fontSize=12).encode(x=x, y=y, text="text:N")
    )
    return (
        alt.layer(rule, dots, text)
        .resolve_scale(color="independent")
        .properties(width=width, height=height, title="tasks and their dependencies")
    )


def metric_columns(df: pd.DataFrame, exclude: Sequence[str] = ("alpha",)) -> list[str]:
    """The numeric columns of ``df`` other than ``exclude`` (the metrics to plot).

    Parameters
    ----------
    df : pandas.DataFrame
        A metrics table.
    exclude : sequence of str, default ("alpha",)
        Columns never treated as metrics (boolean columns never are).

    Returns
    -------
    list of str

    Examples
    --------
    >>> metric_columns(pd.DataFrame({"alpha": [0.0], "task": ["a"], "accuracy": [.5]}))
    ['accuracy']
    """
    return [
        c
        for c in df.columns
        if c not in exclude
        and pd.api.types.is_numeric_dtype(df[c])
        and not pd.api.types.is_bool_dtype(df[c])
    ]


def interpolation_chart(
    df: pd.DataFrame,
    alpha: float | None = None,
    metrics: Sequence[str] | None = None,
    title: str = "metrics along alpha",
) -> alt.LayerChart:
    """Dev metrics of a blended head, one line per metric, against alpha.

    ``df``: one row per alpha (column ``alpha``; 0 = the old version, 1 = the
    new one) with numeric metric columns. A vertical rule marks ``alpha``, the
    slider's position.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per alpha, as above.
    alpha : float, optional
        Where to draw the rule; none when omitted.
    metrics : sequence of str, optional
        Columns to plot; default :func:`metric_columns`.
    title : str, default "metrics along alpha"
        Chart title.

    Returns
    -------
    altair.LayerChart

    Raises
    ------
    ValueError
        If ``df`` has no ``alpha`` column.

    Examples
    --------
    >>> df = pd.DataFrame({"alpha": [0, .5, 1], "accuracy": [.6, .7, .8],
    ...                    "f1": [.5, .6, .75]})
    >>> spec = interpolation_chart(df, alpha=0.5).to_dict()
    >>> len(spec["layer"]), sorted(spec["datasets"].values(), key=len)[-1][0]
    (3, {'alpha': 0.0, 'metric': 'accuracy', 'value': 0.6})
    """
    if "alpha" not in df.columns:
        raise ValueError(
            f"interpolation table needs an 'alpha' column, got {list(df.columns)}"
        )
    metrics = list(metrics) if metrics is not None else metric_columns(df)
    long = df.melt(id_vars=["alpha"], value_vars=metrics, var_name="metric")
    long = long.dropna(subset=["value"])  # e.g. accuracy without dev gold
    long["alpha"] = long["alpha"].astype(float)
    base = alt.Chart(long).encode(
        x=alt.X(
            "alpha:Q",
            scale=alt.Scale(domain=[0, 1]),
            title="alpha (0 = old version, 1 = new)",
        ),
        y=alt.Y("value:Q", title="dev metric", scale=alt.Scale(zero=False)),
        color=alt.Color("metric:N", title="metric"),
        tooltip=[
            "metric:N",
            alt.Tooltip("alpha:Q", format=".2f"),
            alt.Tooltip("value:Q", format=".4f"),
        ],
    )
    layers: list[alt.Chart] = [base.mark_line(), base.mark_point(filled=True, size=40)]
    if alpha is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"alpha": [float(alpha)]}))
            .mark_rule(strokeDash=[4, 4], color="#555")
            .encode(x="alpha:Q")
        )
    return alt.layer(*layers).properties(width=360, height=220, title=title)


def version_metrics_chart(df: pd.DataFrame) -> alt.Chart:
    """Each task's dev metric across versions (the "rising tide" as tasks are added).

    ``df``: columns ``version`` (ordered ids, oldest first), ``task``,
    ``metric`` and ``value``; one row per (version, task, metric).

    Examples
    --------
    >>> df = pd.DataFrame({"version": [1, 2, 2], "task": ["a", "a", "b"],
    ...                    "metric": ["accuracy"] * 3, "value": [.6, .65, .7]})
    >>> version_metrics_chart(df).to_dict()["mark"]["type"]
    'line'
    """
    missing = {"version", "task", "metric", "value"} - set(df.columns)
    if missing:
        raise ValueError(f"version metrics table lacks columns {sorted(missing)}")
    d = df.copy()
    d["series"] = d["task"].astype(str) + " " + d["metric"].astype(str)
    order = list(dict.fromkeys(d["version"].astype(str)))
    d["version"] = d["version"].astype(str)
    return (
        alt.Chart(d)
        .mark_line(point=True)
        .encode(
            x=alt.X("version:O", sort=order, title="version"),
            y=alt.Y("value:Q", title="dev metric", scale=alt.Scale(zero=False)),
            color=alt.Color("series:N", title="task / metric"),
            tooltip=[
                "version:N",
                "task:N",
                "metric:N",
                alt.Tooltip("value:Q", format=".4f"),
            ],
        )
        .properties(width=360, height=200, title="dev metrics by version")
    )


__all__ = [
    "EDGE_COLORS",
    "STATE_COLORS",
    "interpolation_chart",
    "metric_columns",
    "registry_graph_chart",
    "registry_graph_table",
    "version_metrics_chart",
]
