"""Label-model engine at large k and at scale: TREC fine as one 50-class task,
a planted k = 30 case, and the multi-task fit's memory at 1M x 50.

Usage::

    python bench/lmstats_bench.py           # all three (the 1M run ~1 min)
    python bench/lmstats_bench.py --quick   # 200k rows for the memory run

One thread for everyone (OMP/MKL/OPENBLAS_NUM_THREADS=1, torch 1 thread).
Writes ``bench/results/lmstats.md``.
"""

from __future__ import annotations

import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import argparse  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

from snorkel_nb.labeling.model import (  # noqa: E402
    LabelModel,
    MajorityLabelVoter,
    generate_synthetic,
)

OUT = Path(__file__).parent / "results" / "lmstats.md"


def _acc(pred: np.ndarray, y: np.ndarray, rows: np.ndarray) -> float:
    return float((pred[rows] == y[rows]).mean())


def _versus_mv(L: np.ndarray, y: np.ndarray, k: int) -> tuple[float, float, float]:
    """(fit "wall (CPU)" seconds, label model accuracy, majority vote accuracy) on the
    covered rows, ties broken at random (seeded) for majority vote."""
    cov = (L >= 0).any(1)
    t, c = time.perf_counter(), time.process_time()
    lm = LabelModel(cardinality=k).fit(L)
    dt = f"{time.perf_counter() - t:.2f} ({time.process_time() - c:.2f} CPU)"
    mv = MajorityLabelVoter(cardinality=k).predict(L, tie_break_policy="random")
    return dt, _acc(lm.predict(L), y, cov), _acc(mv, y, cov)


def trec_fine(lines: list[str]) -> None:
    from snorkel_nb.multitask.lfs import MultiTaskLFApplier
    from snorkel_nb.multitask.trec import (
        load_trec_hierarchy,
        trec_graph,
        trec_labels,
        trec_lfs,
    )

    g = trec_graph()
    app = MultiTaskLFApplier(trec_lfs(g), g)
    train = load_trec_hierarchy(small=True)[0]
    L = app.apply(train, progress_bar=False)["fine"]
    y = trec_labels(train, g)["fine"]
    dt, a_lm, a_mv = _versus_mv(L, y, g.cardinality("fine"))
    lines.append(
        f"| TREC fine as one task, {L.shape[0]:,} x {L.shape[1]}, k = 50 "
        f"(scored on its rows) | {dt} | {a_lm:.3f} | {a_mv:.3f} |"
    )
    print(lines[-1], flush=True)
    # the full train split, scored on the test split
    train, _, test = load_trec_hierarchy(small=False)
    L = app.apply(train, progress_bar=False)["fine"]
    Lt = app.apply(test, progress_bar=False)["fine"]
    yt = trec_labels(test, g)["fine"]
    t, c = time.perf_counter(), time.process_time()
    lm = LabelModel(cardinality=50).fit(L)
    dt = f"{time.perf_counter() - t:.2f} ({time.process_time() - c:.2f} CPU)"
    cov = (Lt >= 0).any(1)
    mv = MajorityLabelVoter(cardinality=50).predict(Lt, tie_break_policy="random")
    lines.append(
        f"| TREC fine as one task, {L.shape[0]:,} x {L.shape[1]}, k = 50 "
        f"(scored on test) | {dt} | {_acc(lm.predict(Lt), yt, cov):.3f} "
        f"| {_acc(mv, yt, cov):.3f} |"
    )
    print(lines[-1], flush=True)
    # the same fit on its own rows (train gold): the gold-free checks see
    # these rows only
    y = trec_labels(train, g)["fine"]
    cov_fit = (L >= 0).any(1)
    mv_fit = MajorityLabelVoter(cardinality=50).predict(L, tie_break_policy="random")
    lines.append(
        f"| the same fit scored on its fit rows (train gold) | | "
        f"{_acc(lm.predict(L), y, cov_fit):.3f} | {_acc(mv_fit, y, cov_fit):.3f} |"
    )
    print(lines[-1], flush=True)
    # the previous default: any class, voted or not, on voted rows
    t, c = time.perf_counter(), time.process_time()
    old = LabelModel(cardinality=50, voted_only=False).fit(L)
    dt = f"{time.perf_counter() - t:.2f} ({time.process_time() - c:.2f} CPU)"
    lines.append(
        f"| the same, `voted_only=False` (the previous default), scored on test "
        f"| {dt} | {_acc(old.predict(Lt), yt, cov):.3f} | {_acc(mv, yt, cov):.3f} |"
    )
    print(lines[-1], flush=True)


def planted_k30(lines: list[str]) -> None:
    d = generate_synthetic(n=3000, m=15, k=30, seed=0)
    dt, a_lm, a_mv = _versus_mv(d.L, d.Y, 30)
    err = np.abs(LabelModel(cardinality=30).fit(d.L).get_weights() - d.accuracies).max()
    lines.append(
        f"| synthetic 3,000 x 15, k = 30 (max accuracy error {err:.3f}) "
        f"| {dt} | {a_lm:.3f} | {a_mv:.3f} |"
    )
    print(lines[-1], flush=True)


def multitask_memory(lines: list[str], n: int) -> None:
    from snorkel_nb.multitask.label_model import MultiTaskLabelModel
    from snorkel_nb.multitask.synthetic import generate_hierarchical

    d = generate_hierarchical(
        n=n,
        k_coarse=6,
        fine_per_coarse=[2, 4, 22, 4, 5, 13],
        m_coarse=10,
        m_fine=40,
        single_label=True,
        seed=0,
    )
    int8_mb = sum(x.nbytes for x in d.L.values()) / 2**20
    tracemalloc.start()
    t = time.perf_counter()
    MultiTaskLabelModel(d.graph).fit(d.L)
    dt = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    lines += [
        "",
        f"Multi-task fit, 6 / 50 hierarchy, {n:,} x 50 one-label rules: "
        f"{dt:.1f} s (under tracemalloc), traced peak {peak:.1f} MB for "
        f"{int8_mb:.1f} MB of int8 votes ({peak / int8_mb:.2f}x).",
    ]
    print(lines[-1], flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="200k rows for memory")
    ap.add_argument("--out", type=Path, default=OUT)
    a = ap.parse_args()
    torch.set_num_threads(1)
    warnings.simplefilter("ignore")
    lines = [
        "# Label-model engine at large k",
        "",
        f"`python bench/lmstats_bench.py{' --quick' if a.quick else ''}`; one "
        "thread; accuracy on covered rows (majority vote: seeded random "
        "tie-break).",
        "",
        "| case | LabelModel fit s (CPU s) | LabelModel acc | majority vote acc |",
        "|---|---|---|---|",
    ]
    trec_fine(lines)
    planted_k30(lines)
    multitask_memory(lines, 200_000 if a.quick else 1_000_000)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text("\n".join(lines) + "\n")
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
