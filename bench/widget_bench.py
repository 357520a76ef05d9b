"""Edit-to-updated-numbers in the LF studio engine: 30 LFs on 100k rows.

Times ``session.upsert(edited_lf)`` (only that column recomputed) plus the
summary and both pairwise tables, i.e. everything the studio redraws after an
edit. Writes ``bench/results/widgets.md``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from snorkel_nb.labeling import ABSTAIN, LabelingFunction  # noqa: E402
from snorkel_nb.labeling.builders import keyword_lf  # noqa: E402
from snorkel_nb.labeling.session import LFSession  # noqa: E402

N, M, REPEATS = 100_000, 30, 5
WORDS = [f"w{i}" for i in range(200)]


def make_df(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    toks = rng.choice(WORDS, size=(n, 8))
    return pd.DataFrame({"text": [" ".join(r) for r in toks]})


def plain_lf(j: int, word: str) -> LabelingFunction:
    def f(x, word=word, lab=j % 2):
        return lab if word in x.text else ABSTAIN

    return LabelingFunction(f"plain_{j}", f)


def main() -> None:
    df = make_df(N)
    lfs = [keyword_lf([WORDS[j]], label=j % 2, name=f"kw_{j}") for j in range(M - 5)]
    lfs += [plain_lf(j, WORDS[100 + j]) for j in range(5)]
    t0 = time.perf_counter()
    s = LFSession(df, lfs)
    s.summary(), s.pairwise("overlap"), s.pairwise("conflict")
    cold = time.perf_counter() - t0
    rows = []
    for kind, make in (
        (
            "keyword LF (batch)",
            lambda r: keyword_lf([WORDS[50 + r]], label=1, name="kw_3"),
        ),
        ("plain Python LF (row-wise)", lambda r: plain_lf(0, WORDS[150 + r])),
    ):
        times = []
        for r in range(REPEATS):
            lf = make(r)
            t0 = time.perf_counter()
            s.upsert(lf)
            s.summary(), s.pairwise("overlap"), s.pairwise("conflict")
            times.append(time.perf_counter() - t0)
        rows.append((kind, float(np.median(times)), float(np.max(times))))
    lines = (
        [
            "# LF studio: edit-to-updated-numbers",
            "",
            f"{N:,} rows, {M} LFs (25 keyword, 5 plain Python); one LF edited, then "
            "summary + overlap + conflict tables recomputed. One thread.",
            "",
            "| edit | median (s) | max (s) |",
            "|---|---|---|",
        ]
        + [f"| {k} | {med:.3f} | {mx:.3f} |" for k, med, mx in rows]
        + [
            "",
            f"Cold start (all {M} LFs applied + tables): {cold:.2f} s.",
            "",
        ]
    )
    text = "\n".join(lines)
    print(text)
    out = Path(__file__).parent / "results" / "widgets.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(text)


if __name__ == "__main__":
    main()
