"""Simulated crowd votes on the bundled YouTube comments (planted worker confusions).

Snorkel's crowdsourcing tutorial uses CrowdFlower weather votes whose licence
we could not verify, so they are not bundled. This set stands in for them with
the same shapes as that tutorial's ``load_data()``: 30 simulated workers (their
planted 2x2 confusion matrices are shipped too, as the known truth) vote on the
UCI YouTube comments (CC BY 4.0). Made by ``tools/make_youtube_crowd.py``
(deterministic); see ``data/youtube_crowd/SOURCE.md``.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

__all__ = ["load_youtube_crowd", "youtube_crowd_workers"]


def _read(name: str) -> pd.DataFrame:
    path = resources.files("snorkel_nb.datasets").joinpath(
        "data", "youtube_crowd", name
    )
    with path.open("rb") as fh:
        return pd.read_csv(fh, keep_default_na=False)


def load_youtube_crowd() -> tuple[
    pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame
]:
    """Crowd votes and the YouTube splits, shaped like Snorkel's crowdsourcing data.

    Returns
    -------
    crowd_labels : pandas.DataFrame
        One row per vote, indexed by ``item_id``; columns ``worker_id`` and
        ``label`` (0 = HAM, 1 = SPAM). 70% of the comments have 1-5 votes.
    df_train, df_dev, df_test : pandas.DataFrame
        The YouTube train / valid / test splits (1586 / 120 / 250) with
        ``item_id`` (the key of ``crowd_labels``), ``text`` and the gold
        ``label``. Use the train split's gold only to evaluate.

    Examples
    --------
    >>> crowd_labels, df_train, df_dev, df_test = load_youtube_crowd()
    >>> len(df_train), len(df_dev), len(df_test), crowd_labels.worker_id.nunique()
    (1586, 120, 250, 30)
    >>> bool(crowd_labels.index.isin(df_train.item_id).any())
    True
    """
    from snorkel_nb.datasets import load_youtube

    splits = []
    start = 0
    for df in load_youtube():
        df = df[["text", "label"]].copy()
        df.insert(0, "item_id", range(start, start + len(df)))
        start += len(df)
        splits.append(df)
    crowd_labels = _read("youtube_crowd_votes.csv").set_index("item_id")
    return (crowd_labels, *splits)  # type: ignore[return-value]


def youtube_crowd_workers() -> pd.DataFrame:
    """The planted parameters of each simulated worker (the known truth).

    Columns: ``worker_id``, ``kind`` (expert, typical, spam-happy, ham-happy,
    careless, random), ``acc_ham`` = P(votes HAM | HAM), ``acc_spam`` =
    P(votes SPAM | SPAM) and ``weight`` (relative rate of being picked).

    Examples
    --------
    >>> w = youtube_crowd_workers()
    >>> len(w), sorted(w.kind.unique())[:2]
    (30, ['careless', 'expert'])
    """
    return _read("youtube_crowd_workers.csv")
