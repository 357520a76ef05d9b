"""Convert the shared source datasets into the plain files shipped in the package.

Run from the repo root: python tools/convert_datasets.py [path/to/shared/data]
Reads only JSON/text sources (no pickles); writes CSV + NPZ + licence/attribution.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd

SRC = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
DST = Path("snorkel_nb/datasets/data")

TREC_CLASSES = ["ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM"]
TREC_RULE_NAMES = {
    "ABBREVIATION": "ABBR",
    "DESCRIPTION": "DESC",
    "ENTITY": "ENTY",
    "HUMAN": "HUM",
    "LOCATION": "LOC",
    "NUMERIC": "NUM",
}


def youtube() -> None:
    out = DST / "youtube"
    frames, weak = [], {}
    for split in ("train", "valid", "test"):
        d = json.loads((SRC / "ws/youtube" / f"{split}.json").read_text())
        items = [d[k] for k in sorted(d, key=int)]
        frames.append(
            pd.DataFrame(
                {
                    "text": [
                        it["data"]["text"].replace("\ufeff", "").strip() for it in items
                    ],
                    "label": [it["label"] for it in items],
                    "split": split,
                }
            )
        )
        weak[split] = np.array([it["weak_labels"] for it in items], dtype=np.int8)
    pd.concat(frames, ignore_index=True).to_csv(out / "youtube.csv", index=False)
    np.savez_compressed(out / "youtube_wrench_weak_labels.npz", **weak)
    shutil.copy(SRC / "ws/youtube/LICENSE-wrench.txt", out / "LICENSE-wrench.txt")


def trec() -> None:
    out = DST / "trec"
    frames = []
    for split in ("train", "valid", "test"):
        rows = []
        for line in (
            (SRC / "ws/trec" / f"{split}.txt")
            .read_text(encoding="latin-1")
            .splitlines()
        ):
            if not line.strip():
                continue
            label, text = line.split(":", 1)
            if split == "test":  # test.txt is "COARSE:fine Original text": drop the
                text = text.split(" ", 1)[1].lower()  # fine label, lower-case as train
            rows.append((text.strip(), TREC_CLASSES.index(label), label, split))
        frames.append(
            pd.DataFrame(rows, columns=["text", "label", "label_name", "split"])
        )
    pd.concat(frames, ignore_index=True).to_csv(out / "trec.csv", index=False)
    rules = []
    for line in (SRC / "ws/trec/rule.txt").read_text(encoding="latin-1").splitlines():
        if line.strip():
            name, pattern, exemplar = line.split("\t")
            rules.append((TREC_RULE_NAMES[name.strip()], pattern, exemplar.strip()))
    pd.DataFrame(rules, columns=["label_name", "pattern", "exemplar"]).to_csv(
        out / "trec_rules.csv", index=False
    )
    shutil.copy(
        SRC / "ws/trec/LICENSE-Learning-From-Rules.txt",
        out / "LICENSE-Learning-From-Rules.txt",
    )


if __name__ == "__main__":
    youtube()
    trec()
    print("written:", sorted(str(p) for p in DST.rglob("*") if p.is_file()))
