"""Chart builder for a task graph: tasks as labelled nodes by depth, edges as rules.

Takes plain data (``{task: labels}`` and ``[(parent, child)]``), not a
TaskGraph, so the viz layer does not import the opt-in multitask package.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import altair as alt
import pandas as pd


def task_graph_layout(
    tasks: Mapping[str, Sequence[str]], edges: Sequence[tuple[str, str]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Node and edge tables: depth = longest path from a root (cycles cut).

    Parameters
    ----------
    tasks : mapping of str to sequence of str
        ``{task: label names}``.
    edges : sequence of (str, str)
        ``(parent, child)`` edges; edges naming an unknown task are dropped.

    Returns
    -------
    nodes : pandas.DataFrame
        ``task, depth, x, k, labels, text``: one row per task, ``x`` in
        (0, 1) spread within its depth, ``k`` its number of labels.
    lines : pandas.DataFrame
        ``parent, child, x, y, x2, y2``: one row per drawn edge.

    Examples
    --------
    >>> nodes, lines = task_graph_layout({"c": ["a", "b"], "f": ["x", "y", "z"]},
    ...                                  [("c", "f")])
    >>> nodes[["task", "depth", "k"]].values.tolist()
    [['c', 0, 2], ['f', 1, 3]]
    >>> len(lines)
    1
    """
    depth = dict.fromkeys(tasks, 0)
    for _ in range(len(tasks)):  # relax; bounded so a cycle cannot loop forever
        changed = False
        for p, c in edges:
            if p in depth and c in depth and depth[c] < depth[p] + 1 <= len(tasks):
                depth[c] = depth[p] + 1
                changed = True
        if not changed:
            break
    rows = []
    for d in sorted(set(depth.values())):
        level = sorted(t for t in tasks if depth[t] == d)
        for i, t in enumerate(level):
            labels = list(tasks[t])
            shown = ", ".join(labels[:8]) + (" ..." if len(labels) > 8 else "")
            rows.append(
                {
                    "task": t,
                    "depth": d,
                    "x": (i + 1) / (len(level) + 1),
                    "k": len(labels),
                    "labels": shown,
                    "text": f"{t} ({len(labels)})",
                }
            )
    nodes = pd.DataFrame(rows, columns=["task", "depth", "x", "k", "labels", "text"])
    pos = nodes.set_index("task")
    lines = pd.DataFrame(
        [
            {
                "parent": p,
                "child": c,
                "x": pos.at[p, "x"],
                "y": pos.at[p, "depth"],
                "x2": pos.at[c, "x"],
                "y2": pos.at[c, "depth"],
            }
            for p, c in edges
            if p in pos.index and c in pos.index
        ],
        columns=["parent", "child", "x", "y", "x2", "y2"],
    )
    return nodes, lines


def task_graph_chart(
    tasks: Mapping[str, Sequence[str]],
    edges: Sequence[tuple[str, str]],
    width: int = 420,
    height: int = 220,
) -> alt.LayerChart:
    """Tasks (circle size ~ cardinality, tooltip = labels) top-down by depth.

    Parameters
    ----------
    tasks : mapping of str to sequence of str
        ``{task: label names}``.
    edges : sequence of (str, str)
        ``(parent, child)`` edges.
    width, height : int, default 420 and 220
        Chart size in pixels.

    Returns
    -------
    altair.LayerChart

    Examples
    --------
    >>> ch = task_graph_chart({"c": ["a", "b"], "f": ["x", "y"]}, [("c", "f")])
    >>> len(ch.to_dict()["layer"])
    3
    """
    nodes, lines = task_graph_layout(tasks, edges)
    y = alt.Y("depth:Q", axis=None, scale=alt.Scale(reverse=True, padding=30))
    x = alt.X("x:Q", axis=None, scale=alt.Scale(domain=[0, 1]))
    rule = (
        alt.Chart(lines)
        .mark_rule(color="#888")
        .encode(
            x=alt.X("x:Q", axis=None, scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("y:Q", axis=None, scale=alt.Scale(reverse=True, padding=30)),
            x2="x2:Q",
            y2="y2:Q",
            tooltip=["parent:N", "child:N"],
        )
    )
    dots = (
        alt.Chart(nodes)
        .mark_circle(color="#4c78a8", opacity=0.9)
        .encode(
            x=x,
            y=y,
            size=alt.Size("k:Q", legend=None, scale=alt.Scale(range=[200, 1200])),
            tooltip=["task:N", "k:Q", "labels:N"],
        )
    )
    text = (
        alt.Chart(nodes).mark_text(dy=-22, fontSize=12).encode(x=x, y=y, text="text:N")
    )
    return (rule + dots + text).properties(
        width=width, height=height, title="task graph"
    )
