"""Attach the UCI files' AUTHOR, DATE and video to the bundled WRENCH YouTube rows.

Run from the repo root: python tools/convert_youtube_authors.py [path/to/shared/data]
Reads the five raw UCI CSVs (CC BY 4.0) and writes
``snorkel_nb/datasets/data/youtube/youtube_authors.csv``, one row per row of
``youtube.csv`` in the same order (``split``, ``row`` within the split).

Matching: WRENCH's text is the UCI ``CONTENT`` with a trailing U+FEFF removed and
whitespace stripped, so rows are joined on (text, class). Identical comments
(same text and class) are paired in file order; 33 such groups come from more
than one author, so for those copies which author goes with which row is a guess.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

SRC = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data") / "ws/youtube/raw"
DST = Path("snorkel_nb/datasets/data/youtube")
VIDEOS = ["Psy", "KatyPerry", "LMFAO", "Eminem", "Shakira"]


def main() -> None:
    wrench = pd.read_csv(DST / "youtube.csv", keep_default_na=False)
    wrench["row"] = wrench.groupby("split").cumcount()
    raw = pd.concat(
        [
            pd.read_csv(SRC / f"Youtube0{i + 1}-{v}.csv").assign(video=v)
            for i, v in enumerate(VIDEOS)
        ],
        ignore_index=True,
    )
    raw["text"] = raw["CONTENT"].str.replace("\ufeff", "").str.strip()
    raw["label"] = raw["CLASS"]
    for df in (wrench, raw):
        df["occurrence"] = df.groupby(["text", "label"]).cumcount()
    out = wrench.merge(
        raw, on=["text", "label", "occurrence"], how="left", validate="one_to_one"
    )
    if out["AUTHOR"].isna().any():
        raise SystemExit(f"{out['AUTHOR'].isna().sum()} WRENCH rows not found in raw")
    out = out.rename(
        columns={"COMMENT_ID": "comment_id", "AUTHOR": "author", "DATE": "date"}
    )
    out[["split", "row", "comment_id", "author", "date", "video"]].to_csv(
        DST / "youtube_authors.csv", index=False
    )
    print(
        f"{len(out)} rows, {out['author'].nunique()} authors, "
        f"{out['date'].isna().sum()} without a date"
    )


if __name__ == "__main__":
    main()
