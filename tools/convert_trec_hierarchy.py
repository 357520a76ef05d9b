"""One-off: TREC (Li & Roth) coarse+fine label files -> the CSV shipped in
snorkel_nb/multitask/data/trec/. Dev = 500 rows of train_5500 (seed 0,
stratified by coarse label); test = TREC_10."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

SRC = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "mt" / "trec"
OUT = Path(__file__).resolve().parents[1] / "snorkel_nb" / "multitask" / "data" / "trec"


def read(path: Path, split: str) -> pd.DataFrame:
    rows = []
    for line in path.read_text(encoding="latin-1").splitlines():
        label, text = line.split(" ", 1)
        rows.append(
            {
                "text": text,
                "coarse": label.split(":", 1)[0],
                "fine": label,
                "split": split,
            }
        )
    return pd.DataFrame(rows)


def main() -> None:
    for name in ("train_5500.label", "TREC_10.label"):
        print(name, hashlib.sha256((SRC / name).read_bytes()).hexdigest())
    train = read(SRC / "train_5500.label", "train")
    train, dev = train_test_split(
        train, test_size=500, random_state=0, stratify=train["coarse"]
    )
    dev = dev.assign(split="dev")
    test = read(SRC / "TREC_10.label", "test")
    df = pd.concat([train.sort_index(), dev.sort_index(), test], ignore_index=True)
    OUT.mkdir(parents=True, exist_ok=True)
    df.to_csv(OUT / "trec_hierarchy.csv", index=False)
    print(df["split"].value_counts().to_dict())


if __name__ == "__main__":
    main()
