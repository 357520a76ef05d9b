"""Explanations -> LFs: label-model accuracy vs hand-written LF sets.

YouTube spam: 13 plain-English explanations (each with a comment it explains,
copied from the *train* split) vs the hand-coded LF set (``snorkel_nb.demo``
when present, else the 10 WRENCH LFs shipped with the data). TREC: 17
explanations for the 6 coarse classes vs the 68 hand-written regex rules.
Explanations were written looking at train/valid only; test is scored once.

Run: ``OMP_NUM_THREADS=1 python bench/explain_bench.py`` (writes
``bench/results/explain.md``).
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from snorkel_nb.datasets import load_trec, load_youtube  # noqa: E402
from snorkel_nb.labeling.apply import PandasLFApplier  # noqa: E402
from snorkel_nb.labeling.explain import ExplanationCompiler  # noqa: E402
from snorkel_nb.labeling.model import MajorityLabelVoter  # noqa: E402
from snorkel_nb.labeling.suggest import suggest_lfs  # noqa: E402

YOUTUBE = [
    (
        "SPAM because the comment contains the word 'subscribe'",
        "if your like drones, plz subscribe to Kamal Tayara. He takes videos with  his "
        "drone that are absolutely beautiful.",
    ),
    ("SPAM because it contains a link", "https://www.facebook.com/teeLaLaLa"),
    (
        "Label SPAM because 'check' appears within 3 words before 'out'",
        "Hey guys please check out my new Google+ page it has many funny pictures",
    ),
    (
        "SPAM because it mentions 'my channel', 'my video' or 'my page'",
        "and u should.d check my channel and tell me what I should do next!",
    ),
    (
        "SPAM because the comment says 'please' or 'plz'",
        "Hey guys please check out my new Google+ page it has many funny pictures",
    ),
    (
        "SPAM because it asks people to 'follow me'",
        "Follow me on Twitter @mscalifornia95",
    ),
    (
        "SPAM because it talks about 'money' or 'free'",
        "need money?Enjoy https://www.tsu.co/emerson_zanol",
    ),
    (
        "SPAM because it mentions 'facebook', 'twitter' or 'instagram'",
        "Follow me on Twitter @mscalifornia95",
    ),
    ("HAM because the comment is shorter than 5 words", "Fantastic!"),
    (
        "HAM because it talks about the 'song'",
        "Loool nice song funny how no one understands (me) and we love it",
    ),
    (
        "HAM because it mentions 'views' and has no links",
        "Can we reach 3 billion views by December 2014?",
    ),
    (
        "HAM because it contains the word 'billion'",
        "Will this song ever reach 7 Billion Views?",
    ),
    (
        "HAM because it says 'love' but does not contain 'my'",
        "Loool nice song funny how no one understands (me) and we love it",
    ),
]

TREC_LABELS = ["ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM"]
TREC = [
    (
        "ABBR because the question contains 'stand for'",
        "what does the abbreviation aids stand for ?",
    ),
    (
        "ABBR because it mentions 'abbreviation', 'acronym' or 'full form'",
        "what is the full form of .com ?",
    ),
    (
        "DESC because the question starts with 'why'",
        "why do heavier objects travel downhill faster ?",
    ),
    (
        "DESC because it starts with 'how' and doesn't contain 'how many', 'how much', "
        "'how long', 'how far' or 'how old'",
        "how did serfdom develop in and then leave russia ?",
    ),
    (
        "DESC because 'what' appears within 3 words before 'mean'",
        "what does `` extended definition '' mean and how would one write a paper "
        "on it ?",
    ),
    (
        "ENTY because it contains 'what kind of' or 'what type of'",
        "what kind of animal is babar ?",
    ),
    (
        "ENTY because the question contains any of 'color', 'animal', 'film', 'book', "
        "'sport' or 'game'",
        "what films featured the character popeye doyle ?",
    ),
    (
        "HUM because the question starts with 'who'",
        "who was the pride of the yankees ?",
    ),
    (
        "HUM because it contains 'who' and does not contain 'what'",
        "who was the pride of the yankees ?",
    ),
    (
        "HUM because it mentions 'company' or 'person' or 'name of the'",
        "which company that manufactures video-game hardware sells the "
        "`` super system ''",
    ),
    (
        "LOC because the question starts with 'where'",
        "where do the adventures of `` the swiss family robinson '' take place ?",
    ),
    (
        "LOC because it mentions 'country', 'city', 'state' or 'capital'",
        "what country do the galapagos islands belong to ?",
    ),
    (
        "NUM because it starts with 'how many' or 'how much'",
        "how many jews were executed in concentration camps during wwii ?",
    ),
    ("NUM because the question starts with 'when'", "when was ozzy osbourne born ?"),
    (
        "NUM because it contains 'what year' or 'what date'",
        "in what year did thatcher become prime minister ?",
    ),
    (
        "NUM because it contains 'how long', 'how far', 'how old' or 'how tall'",
        "how long does it take for spider-man 's web to evaporate ?",
    ),
    (
        "NUM because it contains 'population' or 'percentage'",
        "what is the population of mexico ?",
    ),
]


def label_models(k: int) -> list[tuple[str, object]]:
    """Majority vote, plus the learned label models once they exist."""
    out: list[tuple[str, object]] = [
        ("MajorityVote", MajorityLabelVoter(cardinality=k))
    ]
    try:
        from snorkel_nb.labeling.model import LabelModel  # type: ignore[attr-defined]

        out.append(("LabelModel", LabelModel(cardinality=k)))
    except ImportError:
        pass
    try:
        from snorkel_nb.labeling.model import DawidSkene  # type: ignore[attr-defined]

        out.append(("DawidSkene", DawidSkene(cardinality=k)))
    except ImportError:
        pass
    return out


def score(
    L_train: np.ndarray, L_test: np.ndarray, y_test: np.ndarray, k: int
) -> dict[str, tuple[float, float]]:
    """name -> (accuracy on all test points, ties/uncovered broken at random;
    coverage)."""
    res = {}
    for name, model in label_models(k):
        try:
            model.fit(L_train)
        except TypeError:  # pragma: no cover
            model.fit(L_train, seed=0)
        preds = model.predict(L_test, tie_break_policy="random")
        cov = float(np.mean((L_test != -1).any(axis=1)))
        res[name] = (float(np.mean(preds == y_test)), cov)
    return res


def hand_coded_youtube() -> tuple[str, np.ndarray, np.ndarray]:
    try:
        from snorkel_nb import demo  # type: ignore[attr-defined]

        lfs = demo.spam_lfs()
        tr, _, te = load_youtube()
        ap = PandasLFApplier(lfs)
        return (
            f"snorkel_nb.demo ({len(lfs)} LFs)",
            ap.apply(tr, progress_bar=False),
            ap.apply(te, progress_bar=False),
        )
    except Exception:
        from snorkel_nb.datasets import load_youtube_weak_labels

        wl = load_youtube_weak_labels()
        return "WRENCH weak labels (10 LFs)", wl["train"], wl["test"]


def hand_coded_trec() -> tuple[str, np.ndarray, np.ndarray]:
    from snorkel_nb.datasets import trec_rules

    rules = trec_rules()
    tr, _, te = load_trec()

    def apply(df: pd.DataFrame) -> np.ndarray:
        L = np.full((len(df), len(rules)), -1, dtype=np.int8)
        for j, r in enumerate(rules.itertuples()):
            rx = re.compile(r.pattern)
            m = np.fromiter(
                (rx.search(t) is not None for t in df["text"]), bool, len(df)
            )
            L[m, j] = r.label
        return L

    return f"TREC regex rules ({len(rules)} LFs)", apply(tr), apply(te)


def run_task(title: str, labels, explanations, load, baseline, k: int) -> list[str]:
    train, valid, test = load()
    comp = ExplanationCompiler(labels)
    t0 = time.perf_counter()
    res = comp.compile_all(explanations, data=train)
    t_compile = time.perf_counter() - t0
    ap = PandasLFApplier(res.lfs)
    L_tr, L_te = ap.apply(train, progress_bar=False), ap.apply(test, progress_bar=False)
    n_cand = len(res.report)
    print(
        f"\n== {title}: {len(explanations)} explanations -> {n_cand} candidate "
        f"readings -> {len(res.lfs)} LFs kept "
        f"(compile + filter {t_compile * 1e3:.0f} ms)"
    )
    print(res.summary())
    ours = score(L_tr, L_te, test["label"].to_numpy(), k)
    bname, B_tr, B_te = baseline()
    theirs = score(B_tr, B_te, test["label"].to_numpy(), k)
    lines = [
        f"### {title}",
        "",
        f"{len(explanations)} explanations -> {n_cand} candidate readings -> "
        f"{len(res.lfs)} LFs (compile + filter bank: {t_compile * 1e3:.0f} ms). "
        f"Test n = {len(test)}; accuracy over all test points, ties and uncovered "
        "points broken at random.",
        "",
        "| LF set | label model | test accuracy | test coverage |",
        "|---|---|---|---|",
    ]
    for set_name, r in ((f"explanations ({len(res.lfs)} LFs)", ours), (bname, theirs)):
        for model, (acc, cov) in r.items():
            lines.append(f"| {set_name} | {model} | {acc:.3f} | {cov:.3f} |")
            print(f"{set_name:32s} {model:13s} acc={acc:.3f} coverage={cov:.3f}")
    lines.append("")
    return lines


def bench_suggest() -> list[str]:
    train, valid, _ = load_youtube()
    big = pd.concat([train] * 7, ignore_index=True).iloc[:10_000]
    comp = ExplanationCompiler(["HAM", "SPAM"])
    lfs = comp.compile_all(YOUTUBE[:4], data=train).lfs
    L = PandasLFApplier(lfs).apply(big, progress_bar=False)
    suggest_lfs(big.iloc[:200], L=L[:200], labels=["HAM", "SPAM"], dev=valid)  # imports
    t0 = time.perf_counter()
    sug = suggest_lfs(big, L=L, labels=["HAM", "SPAM"], dev=valid, top_k=10)
    dt = time.perf_counter() - t0
    print(f"\n== suggest_lfs on {len(big)} rows: {dt:.2f} s")
    print(sug.to_frame().head(5).to_string())
    return [
        "### LF suggestions",
        "",
        f"`suggest_lfs` on {len(big)} rows (YouTube train "
        f"repeated), 4 LFs, dev gold = valid: {dt:.2f} s "
        "(warm; shared 2-core machine).",
        "",
    ]


def main() -> None:
    lines = [
        "# Explanations -> LFs benchmark",
        "",
        "Generated by `bench/explain_bench.py` (one thread).",
        "",
    ]
    lines += run_task(
        "YouTube spam",
        {"HAM": 0, "SPAM": 1},
        YOUTUBE,
        load_youtube,
        hand_coded_youtube,
        2,
    )
    lines += run_task(
        "TREC (6 coarse classes)", TREC_LABELS, TREC, load_trec, hand_coded_trec, 6
    )
    lines += bench_suggest()
    out = Path(__file__).parent / "results" / "explain.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text("\n".join(lines))
    print(f"\nwrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
