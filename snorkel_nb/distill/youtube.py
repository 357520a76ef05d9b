"""YouTube spam with real non-servable features: who posted, how often, when.

Known only in batch, over the whole collection: the author's comment count,
the share of the author's *other* comments that the WRENCH LFs flag as spam
(any LF voting SPAM), and the posting date relative to the video's first
comment in the collection, and the share of the *other* comments on the same
video within +-3 days that the WRENCH LFs flag (spam arrives in bursts: a
date is useful as context, not as an age). LFs over these (and the 10 WRENCH
LF votes) feed a
label model, the teacher; the student sees the comment text only. This module
uses ``snorkel_nb.labeling`` (LFs, applier, label model); the rest of
``distill`` does not.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from snorkel_nb.distill.features import FeatureSet
from snorkel_nb.distill.teachers import Teacher

HAM, SPAM, ABSTAIN = 0, 1, -1
WRENCH_COLUMNS = tuple(f"wrench_lf_{j}" for j in range(10))
FEATURE_COLUMNS = (
    "author_count",
    "author_flag_share",
    "days_since_video_start",
    "date_known",
    "window_flag_share",
)
#: Half-width of the posting-time window of ``window_flag_share``, in hours.
WINDOW_HOURS = 72.0
NON_SERVABLE = (
    ("author", "date", "video", "comment_id") + FEATURE_COLUMNS + WRENCH_COLUMNS
)


def youtube_feature_set() -> FeatureSet:
    """Only ``text`` is servable; authors, dates, aggregates and LF votes are not."""
    return FeatureSet(servable=("text",), non_servable=NON_SERVABLE)


def add_nonservable_features(df: pd.DataFrame) -> pd.DataFrame:
    """Add the batch-only features to ``df`` (all splits together, one frame).

    ``df`` needs ``author``, ``date``, ``video`` and the WRENCH vote columns.
    ``author_flag_share`` is NaN for single-comment authors and
    ``days_since_video_start`` NaN where the date is unknown (``date_known``
    says which). ``window_flag_share``: the share of the other comments on
    the same video posted within ``WINDOW_HOURS`` that any WRENCH LF flags
    as spam (NaN without a date or without such neighbours).

    Examples
    --------
    >>> df = pd.DataFrame({"author": ["a", "a", "b"], "video": "v",
    ...                    "date": pd.to_datetime(["2014-01-01", "2014-01-03", None]),
    ...                    "wrench_lf_0": [1, -1, 1]})
    >>> add_nonservable_features(df)[["author_count", "author_flag_share",
    ...                               "days_since_video_start",
    ...                               "window_flag_share"]].values.tolist()
    [[2.0, 0.0, 0.0, 0.0], [2.0, 1.0, 2.0, 1.0], [1.0, nan, nan, nan]]
    """
    out = df.copy()
    votes = out[[c for c in out.columns if c.startswith("wrench_lf_")]].to_numpy()
    flag = (votes == SPAM).any(1).astype(float)
    count = out.groupby("author")["author"].transform("size").astype(float)
    flagged = pd.Series(flag, index=out.index).groupby(out["author"]).transform("sum")
    others = count - 1
    out["author_count"] = count
    out["author_flag_share"] = np.where(
        others > 0, (flagged - flag) / others.clip(lower=1), np.nan
    )
    start = out.groupby("video")["date"].transform("min")
    out["days_since_video_start"] = (out["date"] - start).dt.total_seconds() / 86400
    out["date_known"] = out["date"].notna().astype(float)
    out["window_flag_share"] = window_flag_share(out["date"], out["video"], flag)
    return out


def window_flag_share(
    date: pd.Series, video: pd.Series, flag: np.ndarray, hours: float = WINDOW_HOURS
) -> np.ndarray:
    """Per row: share of the other rows of its video within ``hours`` of its
    date that are flagged (``flag`` 0/1); NaN without a date or neighbours.

    A batch-only feature: it needs the whole collection, so it may feed a
    teacher's LFs but never a student.

    Parameters
    ----------
    date : pandas.Series
        [n] datetimes (NaT = unknown).
    video : pandas.Series
        [n] video ids; windows never cross videos.
    flag : numpy.ndarray
        [n] 0/1 (or fractional) flags.
    hours : float, default WINDOW_HOURS
        Half-width of the window.

    Returns
    -------
    numpy.ndarray
        [n] float share in [0, 1], or NaN.

    Examples
    --------
    >>> d = pd.to_datetime(["2014-01-01", "2014-01-02", "2014-02-01"])
    >>> window_flag_share(pd.Series(d), pd.Series(["v"] * 3),
    ...                   np.array([1.0, 0.0, 1.0]), hours=48).tolist()
    [0.0, 1.0, nan]
    """
    out = np.full(len(date), np.nan)
    hrs = ((date - pd.Timestamp("1970-01-01")).dt.total_seconds() / 3600).to_numpy()
    known = ~np.isnan(hrs)
    for _, rows in pd.Series(np.arange(len(date))[known]).groupby(
        video.to_numpy()[known]
    ):
        idx = rows.to_numpy()
        order = idx[np.argsort(hrs[idx], kind="stable")]
        t, f = hrs[order], flag[order]
        lo = np.searchsorted(t, t - hours, "left")
        hi = np.searchsorted(t, t + hours, "right")
        csum = np.concatenate([[0.0], np.cumsum(f)])
        n = hi - lo - 1
        out[order] = np.where(
            n > 0, (csum[hi] - csum[lo] - f) / np.maximum(n, 1), np.nan
        )
    return out


def load_youtube_nonservable() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Train, valid, test frames: text, label, author, date, video, WRENCH votes
    and the non-servable features (computed over the whole collection)."""
    from snorkel_nb.datasets import (
        load_youtube,
        load_youtube_authors,
        load_youtube_weak_labels,
    )

    texts, meta, L = load_youtube(), load_youtube_authors(), load_youtube_weak_labels()
    frames = []
    for split, t, m in zip(("train", "valid", "test"), texts, meta):
        f = pd.concat([t, m.drop(columns="split")], axis=1)
        f[list(WRENCH_COLUMNS)] = L[split]
        frames.append(f)
    whole = add_nonservable_features(pd.concat(frames, ignore_index=True))
    return tuple(  # type: ignore[return-value]
        whole[whole["split"] == s].reset_index(drop=True)
        for s in ("train", "valid", "test")
    )


def feature_lfs() -> list[Any]:
    """LFs over the non-servable features (batch-only knowledge about authors)."""
    from snorkel_nb.labeling import labeling_function

    @labeling_function()
    def author_repeat_poster(x: Any) -> int:
        """Authors with 3+ comments in the collection are mostly spammers."""
        return SPAM if x.author_count >= 3 else ABSTAIN

    @labeling_function()
    def author_others_flagged(x: Any) -> int:
        """Most of the author's other comments are flagged by the LFs."""
        s = x.author_flag_share
        return SPAM if s == s and s >= 0.5 else ABSTAIN

    @labeling_function()
    def author_others_clean(x: Any) -> int:
        """The author posted again and no LF flagged any of those comments."""
        s = x.author_flag_share
        return HAM if s == s and s == 0 else ABSTAIN

    @labeling_function()
    def late_in_thread(x: Any) -> int:
        """Posted 300+ days after the video's first comment here: old threads
        attract fewer spam bursts."""
        d = x.days_since_video_start
        return HAM if d == d and d >= 300 else ABSTAIN

    @labeling_function()
    def burst_of_flagged(x: Any) -> int:
        """Most comments posted on this video within 3 days are flagged by the
        LFs: a spam campaign."""
        s = x.window_flag_share
        return SPAM if s == s and s >= 0.7 else ABSTAIN

    @labeling_function()
    def quiet_window(x: Any) -> int:
        """Few comments posted on this video within 3 days are flagged."""
        s = x.window_flag_share
        return HAM if s == s and s <= 0.3 else ABSTAIN

    return [
        author_repeat_poster,
        author_others_flagged,
        author_others_clean,
        late_in_thread,
        burst_of_flagged,
        quiet_window,
    ]


#: The feature LFs the teacher uses by default, chosen on the valid split
#: (bench/distill_bench.py prints every subset tried).
DEFAULT_FEATURE_LFS = ("author_others_flagged", "burst_of_flagged")


def youtube_teacher(
    train: pd.DataFrame,
    use_feature_lfs: Sequence[str] | bool = DEFAULT_FEATURE_LFS,
    seed: int = 0,
) -> Teacher:
    """A :class:`Teacher`: ``LabelModel`` over the WRENCH votes (+ feature LFs).

    Fitted on ``train`` without gold; ``featurize`` turns any frame from
    :func:`load_youtube_nonservable` into the label matrix. ``use_feature_lfs``:
    names from :func:`feature_lfs`, True for all of them, False for none.

    Parameters
    ----------
    train : pandas.DataFrame
        Training frame from :func:`load_youtube_nonservable` (WRENCH vote
        columns plus the non-servable features the feature LFs read).
    use_feature_lfs : sequence of str or bool, default DEFAULT_FEATURE_LFS
        Which batch-only feature LFs to add to the WRENCH votes.
    seed : int, default 0
        The label model's seed.

    Returns
    -------
    Teacher
        Binary (``spam``) teacher whose ``featurize`` builds the label matrix.

    Examples
    --------
    >>> train, valid, test = load_youtube_nonservable()
    >>> t = youtube_teacher(train)
    >>> t.name, t.predict_proba(valid).shape[1]
    ('LabelModel (WRENCH + batch LFs)', 2)
    """
    from snorkel_nb.labeling import PandasLFApplier
    from snorkel_nb.labeling.model import LabelModel

    if isinstance(use_feature_lfs, bool):
        lfs = feature_lfs() if use_feature_lfs else []
    else:
        lfs = [lf for lf in feature_lfs() if lf.name in set(use_feature_lfs)]
    applier = PandasLFApplier(lfs) if lfs else None

    def featurize(df: pd.DataFrame) -> np.ndarray:
        L = df[list(WRENCH_COLUMNS)].to_numpy()
        if applier is not None:
            L = np.hstack([L, applier.apply(df, progress_bar=False)])
        return L

    model = LabelModel(cardinality=2, seed=seed).fit(featurize(train))
    names = [f"wrench_{j}" for j in range(10)] + [lf.name for lf in lfs]
    return Teacher(
        model,
        featurize,
        name="LabelModel (WRENCH + batch LFs)" if lfs else "LabelModel (WRENCH LFs)",
        tasks=("spam",),
        lf_names=names,
        cardinality=2,
    )
