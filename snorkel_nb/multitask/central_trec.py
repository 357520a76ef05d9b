"""TREC coarse / fine as two tasks of a central model (tutorial 07, bench).

The coarse task is supervised by the 68 coarse regex rules; the fine task,
added later, by the fine keyword / regex LFs of :mod:`~snorkel_nb.multitask.trec`
plus LFs that **read the coarse head's predictions** (the seed's label-based
API): where the coarse head is confident that a question is ``HUM``, vote
``HUM:ind`` (78% of TREC's HUM questions), and likewise ``ABBR -> ABBR:exp``
(82%) and ``LOC -> LOC:other`` (55%). Every LF is built from source, so a
reopened registry can rebuild it.
"""

from __future__ import annotations

from snorkel_nb.labeling import LabelingFunction
from snorkel_nb.labeling.source import compile_lf
from snorkel_nb.multitask.central_types import CentralData, uses_predictions
from snorkel_nb.multitask.graph import TaskGraph
from snorkel_nb.multitask.lfs import MultiTaskLF
from snorkel_nb.multitask.trec import load_trec_hierarchy, trec_graph, trec_lfs

DEFAULT_FINE = {"ABBR": "ABBR:exp", "HUM": "HUM:ind", "LOC": "LOC:other"}
"""Coarse label -> the fine label most of its questions have in TREC."""


def coarse_prediction_lf(
    coarse: str, fine: str, min_conf: float = 0.8
) -> LabelingFunction:
    """Vote ``fine`` where the coarse head predicts ``coarse`` with at least
    ``min_conf`` probability (reads ``pred_coarse`` / ``conf_coarse``).

    Parameters
    ----------
    coarse
        The coarse label.
    fine
        The fine label voted.
    min_conf
        Least coarse-head probability to vote.

    Returns
    -------
    LabelingFunction
        Named ``"coarse_<coarse>_default"``, compiled from source, marked as
        using the ``"coarse"`` task's predictions.

    Examples
    --------
    >>> import pandas as pd
    >>> lf = coarse_prediction_lf("HUM", "HUM:ind")
    >>> lf(pd.Series({"pred_coarse": "HUM", "conf_coarse": 0.9})), lf.uses
    ('HUM:ind', ('coarse',))
    """
    name = f"coarse_{coarse}_default"
    src = (
        f"@labeling_function(name={name!r})\n"
        f"def {name}(x):\n"
        f"    ok = x.pred_coarse == {coarse!r} and x.conf_coarse >= {min_conf!r}\n"
        f"    return {fine!r} if ok else -1\n"
    )
    return uses_predictions(compile_lf(src), "coarse")  # type: ignore[return-value]


def trec_central_tasks(
    graph: TaskGraph | None = None,
) -> tuple[
    dict[str, list[str]],
    list[MultiTaskLF],
    list[MultiTaskLF | LabelingFunction],
    dict[str, str],
]:
    """``(labels, coarse_lfs, fine_lfs, mapping)`` where ``labels`` is
    ``{"coarse": [...], "fine": [...]}`` and ``mapping`` is the fine -> coarse
    refinement (for ``add_task("fine", ..., parent="coarse", mapping=...)``)."""
    g = graph or trec_graph()
    lfs = trec_lfs(g)
    coarse = [m for m in lfs if m.tasks == ("coarse",)]
    fine: list[MultiTaskLF | LabelingFunction] = [
        m for m in lfs if m.tasks == ("fine",)
    ]
    fine += [coarse_prediction_lf(c, f) for c, f in DEFAULT_FINE.items()]
    labels = {t: list(g.labels(t)) for t in ("coarse", "fine")}
    return labels, coarse, fine, g.mapping("coarse", "fine")


def trec_central_data(small: bool | None = None) -> CentralData:
    """TREC train (LF rows) and dev with gold coarse / fine labels; text trunk."""
    train, dev, _ = load_trec_hierarchy(small=small)
    return CentralData(
        train[["text"]],
        dev=dev[["text"]],
        gold_dev={"coarse": dev["coarse"].tolist(), "fine": dev["fine"].tolist()},
    )
