"""Distillation bench: teacher -> qualified ONNX student on YouTube spam and TREC.

Usage::

    python bench/distill_bench.py            # both data sets (a few minutes)
    python bench/distill_bench.py --youtube  # YouTube only

One thread everywhere (set before numpy/torch are imported; onnxruntime
sessions use one intra-op thread). Every candidate is distilled from the same
cached teacher probabilities on the train split, exported to ONNX, checked for
parity on every test row and timed in onnxruntime on raw test text
(preprocessing included). Selection uses the valid split (dev accuracy), never
the test split. Writes ``bench/results/distill.md`` and prints it.
"""

from __future__ import annotations

import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import argparse
import dataclasses
import platform
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch

torch.set_num_threads(1)

from snorkel_nb.datasets import load_trec, trec_rules
from snorkel_nb.distill import (
    Constraints,
    FeatureSet,
    HashedLinear,
    Qualification,
    Teacher,
    TfidfLogReg,
    TorchBag,
    distill,
    qualify,
    select,
)
from snorkel_nb.distill.youtube import (
    DEFAULT_FEATURE_LFS,
    feature_lfs,
    load_youtube_nonservable,
    youtube_feature_set,
    youtube_teacher,
)
from snorkel_nb.labeling import PandasLFApplier, regex_lf
from snorkel_nb.labeling.model import LabelModel

OUT = Path(__file__).parent / "results" / "distill.md"
#: The distillation grid: every (temperature, confidence weight) pair is
#: trained for GRID_STUDENTS and the pair with the best mean *valid* accuracy
#: is used for the qualification (the test column is only reported).
TEMPERATURES, CONFIDENCE_WEIGHTS = (1.0, 2.0, 4.0), (False, True)
GRID_STUDENTS = ("tfidf_lr_C100", "torch_bag")
#: Timed calls per batch size: 10 passes over the 250 YouTube test texts at
#: batch 1 (every text weighs the same in the percentiles).
N_LATENCY = {1: 2500, 256: 40}
CONSTRAINTS = Constraints(
    max_p99_ms_b1=1.0, max_size_bytes=32 * 2**20, min_agreement=0.8
)
#: The same limits judged on the serving thread's CPU time (see the header).
CPU_CONSTRAINTS = dataclasses.replace(CONSTRAINTS, latency_clock="cpu")
ANCHORS = pd.DataFrame(
    [
        ("label model alone (WRENCH)", "majority vote", 84.0),
        ("label model alone (WRENCH)", "Snorkel / MeTaL", 84.0),
        ("label model alone (WRENCH)", "FlyingSquid", 76.8),
        ("end model on weak labels (WRENCH)", "logistic regression, up to", 93.4),
        ("end model on weak labels (WRENCH)", "MLP, up to", 92.5),
        ("fully supervised (WRENCH)", "logistic regression", 94.2),
        ("fully supervised (WRENCH)", "MLP", 94.0),
    ],
    columns=["group", "model", "test accuracy %"],
)


def candidates() -> dict[str, object]:
    """The students qualified; ``torch_bag_2e14`` is the bag with 4x fewer
    buckets (4.2 MB instead of 16.8 MB)."""
    return {
        "tfidf_lr_C10": TfidfLogReg(C=10),
        "tfidf_lr_C100": TfidfLogReg(C=100),
        "hashed_lr": HashedLinear(),
        "torch_bag": TorchBag(),
        "torch_bag_2e14": TorchBag(n_buckets=2**14),
    }


def md(df: pd.DataFrame, floatfmt: str = ".3f") -> str:
    """A Markdown table (no tabulate dependency)."""

    def cell(v: object) -> str:
        if isinstance(v, float):
            return "" if np.isnan(v) else format(v, floatfmt)
        return str(v).replace("|", "\\|")

    head = "| " + " | ".join(map(str, df.columns)) + " |"
    rule = "|" + "|".join("---" for _ in df.columns) + "|"
    body = [
        "| " + " | ".join(cell(v) for v in row) + " |"
        for row in df.itertuples(index=False)
    ]
    return "\n".join([head, rule, *body])


def fmt_table(df: pd.DataFrame) -> str:
    cols = [
        "candidate",
        "role",
        "accuracy",
        "f1",
        "dev_accuracy",
        "agreement",
        "parity",
        "size_bytes",
        "p50_ms_b1",
        "p99_ms_b1",
        "cpu_p50_ms_b1",
        "cpu_p99_ms_b1",
        "p50_ms_b256",
        "p99_ms_b256",
        "qualifies",
        "missed",
    ]
    d = df[[c for c in cols if c in df.columns]].copy()
    for c in d.columns:
        if c == "size_bytes":
            d[c] = d[c].map(lambda v: "" if pd.isna(v) else f"{int(v):,}")
        elif c == "parity":
            d[c] = d[c].map(lambda v: "" if pd.isna(v) else f"{v:.1e}")
        elif d[c].dtype.kind == "f":
            d[c] = d[c].map(lambda v: "" if pd.isna(v) else f"{v:.3f}")
    return md(d.fillna(""))


def teacher_variants(tr, va, te) -> pd.DataFrame:
    rows = []
    names = [lf.name for lf in feature_lfs()]
    pairs = [
        ("burst_of_flagged", "quiet_window"),
        tuple(DEFAULT_FEATURE_LFS),
        ("author_others_flagged", "burst_of_flagged", "quiet_window"),
    ]
    for subset in [(), *((n,) for n in names), *pairs, tuple(names)]:
        t = youtube_teacher(tr, subset or False)
        row = {"feature LFs": ", ".join(subset) or "(none: WRENCH LFs only)"}
        for split, df in (("train", tr), ("valid", va), ("test", te)):
            row[split] = float(np.mean(t.predict_proba(df).argmax(1) == df["label"]))
        rows.append(row)
    return pd.DataFrame(rows)


def soft_vs_hard(
    teacher,
    X_train,
    X_teacher,
    X_test,
    Y_test,
    temperature: float,
    confidence_weight: bool,
) -> pd.DataFrame:
    rows = []
    for name in GRID_STUDENTS:
        for soft in (True, False):
            s = distill(
                teacher,
                candidates()[name],
                X_train,
                X_teacher=X_teacher,
                soft=soft,
                temperature=temperature if soft else 1.0,
                confidence_weight=confidence_weight,
            )
            rows.append(
                {
                    "student": name,
                    "targets": "soft" if soft else "hard",
                    "test accuracy": s.score(X_test["text"], Y_test),
                }
            )
    return pd.DataFrame(rows)


def distill_grid(teacher, tr, va, te) -> tuple[pd.DataFrame, float, bool]:
    """Valid and test accuracy over the temperature x confidence-weight grid;
    the pair with the best mean valid accuracy over GRID_STUDENTS (ties: the
    first in grid order)."""
    p_train = teacher.predict_proba(tr)
    rows = []
    for T in TEMPERATURES:
        for cw in CONFIDENCE_WEIGHTS:
            row = {"temperature": T, "confidence weight": cw}
            for name in GRID_STUDENTS:
                s = distill(
                    teacher,
                    candidates()[name],
                    tr[["text"]],
                    teacher_probs=p_train,
                    temperature=T,
                    confidence_weight=cw,
                )
                row[f"{name} valid"] = s.score(va["text"], va["label"])
                row[f"{name} test"] = s.score(te["text"], te["label"])
            row["mean valid"] = float(
                np.mean([row[f"{n} valid"] for n in GRID_STUDENTS])
            )
            rows.append(row)
    grid = pd.DataFrame(rows)
    best = grid.loc[grid["mean valid"].idxmax()]
    grid["chosen"] = ["yes" if i == best.name else "" for i in grid.index]
    return grid, float(best["temperature"]), bool(best["confidence weight"])


def verdicts(q: Qualification, teacher_acc: float) -> list[str]:
    """The verdict on wall-clock latency, then on CPU time, with the goals."""
    marked, best = select(q.table, CPU_CONSTRAINTS)
    cpu = Qualification(marked, best, CPU_CONSTRAINTS, q.onnx_paths)
    lines = []
    for clock, v in (("wall-clock p99", q), ("CPU-time p99", cpu)):
        lines += [f"**Verdict on {clock}:** {v.message}", ""]
        if v.best is None:
            continue
        b = v.table.set_index("candidate").loc[v.best]
        beats, acc = b["accuracy"] > teacher_acc, b["accuracy"] >= 0.92
        wall, cpu = b["p99_ms_b1"], b["cpu_p99_ms_b1"]
        lines += [
            f"Goals for `{v.best}`: beats its teacher ({b['accuracy']:.3f} vs "
            f"{teacher_acc:.3f}: {'yes' if beats else 'NO'})"
            f"; >= 0.92 test accuracy ({'yes' if acc else 'NO'})"
            f"; p99 batch-1 latency <= 1 ms ({wall:.3f} ms wall: "
            f"{'yes' if wall <= 1 else 'NO'}, {1 / wall:.1f}x margin; "
            f"{cpu:.3f} ms CPU: {'yes' if cpu <= 1 else 'NO'}, "
            f"{1 / cpu:.1f}x margin); parity "
            f"{b['parity']:.1e} on every test row; {int(b['size_bytes']):,} "
            "bytes.",
            "",
        ]
    return lines


def youtube(workdir: Path) -> tuple[list[str], float, bool]:
    tr, va, te = load_youtube_nonservable()
    fs = youtube_feature_set()
    variants = teacher_variants(tr, va, te)
    teacher = youtube_teacher(tr)
    wrench_only = youtube_teacher(tr, False)
    grid, T, cw = distill_grid(teacher, tr, va, te)
    t0 = time.time()
    q = qualify(
        candidates(),
        teacher,
        tr[["text"]],
        X_test=te[["text"]],
        Y_test=te["label"],
        X_dev=va[["text"]],
        Y_dev=va["label"],
        X_teacher_train=tr,
        X_teacher_test=te,
        constraints=CONSTRAINTS,
        features=fs,
        temperature=T,
        confidence_weight=cw,
        workdir=str(workdir / "yt"),
        n_latency=N_LATENCY,
    )
    elapsed = time.time() - t0
    q_wrench = qualify(
        {"torch_bag": TorchBag(), "tfidf_lr_C100": TfidfLogReg(C=100)},
        wrench_only,
        tr[["text"]],
        X_test=te[["text"]],
        Y_test=te["label"],
        X_dev=va[["text"]],
        Y_dev=va["label"],
        X_teacher_train=tr,
        X_teacher_test=te,
        constraints=CONSTRAINTS,
        features=fs,
        temperature=T,
        confidence_weight=cw,
        workdir=str(workdir / "yt_wrench"),
        n_latency=N_LATENCY[1],
        latency_batches=(1,),
    )
    svh = soft_vs_hard(teacher, tr[["text"]], tr, te, te["label"], T, cw)
    t = q.table.set_index("candidate")
    teacher_acc = t.loc[teacher.name, "accuracy"]
    lines = [
        "## YouTube spam (WRENCH split; test n = 250)",
        "",
        f"Teacher: `LabelModel` over the 10 WRENCH LFs plus the feature LFs "
        f"{list(DEFAULT_FEATURE_LFS)} on non-servable author and posting-date "
        "features (chosen on valid, table below). Students see the comment text "
        f"only. Targets: temperature {T:g}, confidence weights {cw} (chosen on "
        f"valid, grid below). Constraints: {CONSTRAINTS}.",
        "",
        fmt_table(q.table),
        "",
        *verdicts(q, teacher_acc),
    ]
    best_any = t[t["role"] == "student"]["accuracy"].idxmax()
    lines += [
        f"Most accurate student on test (reported, not selected on): "
        f"`{best_any}` {t.loc[best_any, 'accuracy']:.3f}. Qualification took "
        f"{elapsed:.0f} s.",
        "",
        "### Distillation grid (temperature x confidence weight)",
        "",
        "Mean valid accuracy of "
        f"{', '.join(GRID_STUDENTS)} chooses the pair; test is reported only.",
        "",
        md(grid),
        "",
        "### Teacher without the non-servable LFs (WRENCH LFs only)",
        "",
        fmt_table(q_wrench.table),
        "",
        "### Which feature LFs the teacher uses (LabelModel accuracy)",
        "",
        "Chosen on valid. The student learns from the teacher's train-split "
        "labels, so the train column (gold used only to report it) is what "
        "the feature LFs buy the student. The date helps as context "
        "(`burst_of_flagged`: most comments on the video within +-3 days "
        "flagged by the LFs), not as an age (`late_in_thread`, 300+ days "
        "after the video's first comment, lowers every split).",
        "",
        md(variants),
        "",
        "### Soft vs hard targets (same teacher, same students)",
        "",
        md(svh),
        "",
        "### Published anchors (WRENCH, YouTube test accuracy)",
        "",
        md(ANCHORS, ".1f"),
        "",
    ]
    return lines, T, cw


def trec(workdir: Path, T: float, cw: bool) -> list[str]:
    tr, va, te = load_trec()
    rules = trec_rules()
    lfs = [
        regex_lf(r.pattern, int(r.label), name=f"rule{i}", flags=0)
        for i, r in enumerate(rules.itertuples())
    ]
    applier = PandasLFApplier(lfs)

    def featurize(df: pd.DataFrame) -> np.ndarray:
        return applier.apply(df, progress_bar=False)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LabelModel(cardinality=6).fit(featurize(tr))
    teacher = Teacher(
        model,
        featurize,
        name="LabelModel (68 TREC rules)",
        tasks=("question type",),
        lf_names=[lf.name for lf in lfs],
        cardinality=6,
    )
    fs = FeatureSet(servable=("text",), non_servable=("label_name", "label", "split"))
    t0 = time.time()
    q = qualify(
        {
            "tfidf_lr_C10": TfidfLogReg(C=10),
            "hashed_lr": HashedLinear(),
            "torch_bag": TorchBag(),
        },
        teacher,
        tr[["text"]],
        X_test=te[["text"]],
        Y_test=te["label"],
        X_dev=va[["text"]],
        Y_dev=va["label"],
        X_teacher_train=tr,
        X_teacher_test=te,
        constraints=CONSTRAINTS,
        features=fs,
        temperature=T,
        confidence_weight=cw,
        workdir=str(workdir / "trec"),
        n_latency={1: 2000, 256: 40},
    )
    return [
        "## TREC (6 classes; test n = 500; F1 is macro)",
        "",
        "Teacher: `LabelModel` over the 68 regex rules (no gold). Same "
        f"constraints and the YouTube grid's temperature {T:g} and confidence "
        f"weights {cw}.",
        "",
        fmt_table(q.table),
        "",
        *verdicts(q, float(q.table.iloc[0]["accuracy"])),
        f"Qualification took {time.time() - t0:.0f} s.",
        "",
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--youtube", action="store_true", help="YouTube only")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    warnings.filterwarnings("ignore", category=UserWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    load0 = os.getloadavg()
    with tempfile.TemporaryDirectory() as d:
        lines = [
            "# Distillation: teacher -> qualified ONNX student",
            "",
            "Generated by `python bench/distill_bench.py`. Machine: "
            f"{platform.processor() or platform.machine()}, "
            f"{os.cpu_count()} cores, shared; load average at start "
            f"{load0[0]:.1f}. One thread for numpy/torch/onnxruntime. "
            "Latency = one `OnnxStudent.predict_proba` call on raw text "
            "(normalising/hashing included), ms, timed with "
            "`time.perf_counter_ns` (wall) and `time.process_time_ns` (CPU) "
            f"after 50 warm-up calls; {N_LATENCY[1]} calls at batch 1 (10 "
            f"passes over the test texts), {N_LATENCY[256]} at batch 256 "
            "(p99_ms_b256 is per batch). onnxruntime: 1 intra-op and 1 "
            "inter-op thread, sequential execution. The CPU time leaves out "
            "waiting for a core: on a loaded 2-core machine the wall p99 "
            "measures the scheduler.",
            "",
        ]
        yt_lines, T, cw = youtube(Path(d))
        lines += yt_lines
        if not args.youtube:
            lines += trec(Path(d), T, cw)
    lines.append(f"Load average at the end: {os.getloadavg()[0]:.1f}.")
    text = "\n".join(lines) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
