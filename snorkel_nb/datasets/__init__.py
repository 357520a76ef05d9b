"""Bundled real datasets (shipped as CSV/NPZ with licence and attribution)."""

from __future__ import annotations

import os
from importlib import resources

import numpy as np
import pandas as pd

from snorkel_nb.datasets.youtube_crowd import load_youtube_crowd, youtube_crowd_workers

__all__ = [
    "TREC_CLASSES",
    "load_trec",
    "load_youtube",
    "load_youtube_authors",
    "load_youtube_crowd",
    "load_youtube_weak_labels",
    "small_data",
    "trec_rules",
    "youtube_crowd_workers",
]

TREC_CLASSES = ["ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM"]
YOUTUBE_CLASSES = ["HAM", "SPAM"]


def small_data() -> bool:
    """True when ``SNORKEL_NB_SMALL=1``: tutorials shrink their work (CI uses it)."""
    return os.environ.get("SNORKEL_NB_SMALL", "") == "1"


def _path(*parts: str):
    return resources.files("snorkel_nb.datasets").joinpath("data", *parts)


def _splits(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return tuple(  # type: ignore[return-value]
        df[df["split"] == s].reset_index(drop=True) for s in ("train", "valid", "test")
    )


def load_youtube() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """YouTube spam comments (UCI, CC BY 4.0; WRENCH split): train, valid, test.

    Each DataFrame has ``text``, ``label`` (0 = HAM, 1 = SPAM) and ``split``.
    The train split carries WRENCH's labels too; in a weak-supervision workflow
    use them only to evaluate, never to train. Sizes: 1586 / 120 / 250.

    Examples
    --------
    >>> train, valid, test = load_youtube()
    >>> len(train), len(valid), len(test)
    (1586, 120, 250)
    """
    with _path("youtube", "youtube.csv").open("rb") as fh:
        df = pd.read_csv(fh, keep_default_na=False)
    return _splits(df)


def load_youtube_weak_labels() -> dict[str, np.ndarray]:
    """The 10 WRENCH LF votes for each split: ``{"train": L, "valid": L, "test": L}``.

    Rows align with :func:`load_youtube`; int8, -1 = abstain.
    """
    with _path("youtube", "youtube_wrench_weak_labels.npz").open("rb") as fh:
        with np.load(fh, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}


def load_youtube_authors() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Author, date and video of each YouTube comment (UCI files, CC BY 4.0).

    Row-aligned with :func:`load_youtube` (train, valid, test). Columns:
    ``comment_id``, ``author``, ``date`` (``datetime64``; NaT for the 245
    Eminem comments without one), ``video`` and ``split``. These are batch-only
    (non-servable) signals: a model serving one new comment does not know them.

    Examples
    --------
    >>> train, valid, test = load_youtube_authors()
    >>> len(train), len(test), sum(int(f["date"].isna().sum())
    ...                            for f in (train, valid, test))
    (1586, 250, 245)
    """
    with _path("youtube", "youtube_authors.csv").open("rb") as fh:
        df = pd.read_csv(fh, keep_default_na=False, na_values={"date": [""]})
    df["date"] = pd.to_datetime(df["date"], format="ISO8601")
    return _splits(df.drop(columns="row"))


def load_trec() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """TREC questions, 6 coarse classes (Li & Roth 2002; split of Awasthi et al. 2020).

    Each DataFrame has ``text`` (lower-cased question), ``label`` (index into
    :data:`TREC_CLASSES`), ``label_name`` and ``split``. Sizes: 4965 / 500 / 500.
    """
    with _path("trec", "trec.csv").open("rb") as fh:
        df = pd.read_csv(fh, keep_default_na=False)
    return _splits(df)


def trec_rules() -> pd.DataFrame:
    """The 68 regex rules for TREC.

    Columns: ``label_name``, ``label``, ``pattern``, ``exemplar``.
    """
    with _path("trec", "trec_rules.csv").open("rb") as fh:
        df = pd.read_csv(fh, keep_default_na=False)
    df.insert(1, "label", df["label_name"].map(TREC_CLASSES.index))
    return df
