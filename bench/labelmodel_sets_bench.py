"""Label models on every shared real label matrix, against the peers, in one run.

Usage::

    python bench/labelmodel_sets_bench.py            # 9 sets + speed checks
    python bench/labelmodel_sets_bench.py --no-speed  # the sets only

Protocol (the same for every model; gold is used for scoring only):

* every model gets the same input, the fit matrix ``L`` alone (no class
  balance, no dev labels);
* fit on ``L``, predict the evaluation matrix (WRENCH sets: the test split;
  CDR: MeTaL's dev matrix; crowd sets: the same items, transductively);
* scored on the evaluation rows some LF (worker) voted on and that have gold,
  with ties broken by ``probs_to_preds(..., "random", seed=0)`` (a hash of
  the row index, the same for every model);
* the score is WRENCH's metric for the set (F1 of class 1 for CDR and
  Basketball, accuracy elsewhere); Brier score and expected calibration error
  (15 bins, on the top-class probability) on the same rows;
* one thread for everyone (``OMP/MKL/OPENBLAS_NUM_THREADS=1``,
  ``torch.set_num_threads(1)``), models run one after another in this
  process; times are wall-clock on a shared 2-core machine (noisy, +-30%).

Writes ``bench/results/labelmodel_sets.md``.
"""

from __future__ import annotations

import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import argparse
import logging
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch

torch.set_num_threads(1)
sys.path.insert(0, str(Path(__file__).resolve().parent))

import label_sets  # noqa: E402
import peers  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402

from snorkel_nb.labeling.model import (  # noqa: E402
    DawidSkene,
    LabelModel,
    MajorityLabelVoter,
    generate_synthetic,
)
from snorkel_nb.labeling.model.base import probs_to_preds  # noqa: E402
from snorkel_nb.labeling.model.stats import LabelStats  # noqa: E402

OUT = Path(__file__).resolve().parent / "results" / "labelmodel_sets.md"


def ours(cls, **kw):
    def run(L, Le, k):
        m = cls(k, **kw).fit(L)
        return m.predict_proba(Le), m

    return run


def wrap(fn):
    def run(L, Le, k):
        return fn(L, Le, k), None

    return run


MODELS = {
    "majority vote": lambda L, Le, k: (MajorityLabelVoter(k).predict_proba(Le), None),
    "LabelModel (ours, default)": ours(LabelModel),
    "DawidSkene (ours)": ours(DawidSkene),
    **{name: wrap(fn) for name, fn in peers.PEERS.items()},
}
GOLD_FREE_PEERS = (
    "Snorkel LabelModel",
    "FlyingSquid",
    "Dawid-Skene (plain)",
    "HLM",
    "majority vote",
)


def calibration(P: np.ndarray, Y: np.ndarray, bins: int = 15) -> tuple[float, float]:
    """(Brier score, expected calibration error of the top class)."""
    k = P.shape[1]
    brier = float(((P - np.eye(k)[Y]) ** 2).sum(1).mean())
    conf, pred = P.max(1), P.argmax(1)
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        inb = (conf > lo) & (conf <= hi)
        if inb.any():
            ece += inb.mean() * abs((pred[inb] == Y[inb]).mean() - conf[inb].mean())
    return brier, float(ece)


def evaluate(d: dict) -> list[dict]:
    Y, Le, k = d["Ye"], d["Le"], d["k"]
    keep = (Y >= 0) & (Le >= 0).any(1)
    rows = []
    for name, run in MODELS.items():
        t = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            P, model = run(d["L"], Le, k)
        secs = time.perf_counter() - t
        if P is None:
            continue
        P = np.asarray(P, dtype=np.float64)
        P = P / P.sum(1, keepdims=True)
        pr = probs_to_preds(P, "random", seed=0)[keep]
        y = Y[keep]
        score = f1_score(y, pr) if d["metric"] == "f1" else (pr == y).mean()
        brier, ece = calibration(P[keep], y)
        ties = ((np.abs(P - P.max(1, keepdims=True)) < 1e-5).sum(1) > 1)[keep].mean()
        chosen = ""
        if model is not None and hasattr(model, "fit_report_"):
            rep = model.fit_report_
            chosen = {
                "fit": "label model",
                "guarded refit": "label model (guarded refit)",
                "tie break": "label model (majority vote, fit breaks ties)",
            }.get(rep.get("outcome", ""), rep.get("outcome", ""))
        rows.append(
            dict(
                set=d["name"],
                model=name,
                score=100 * score,
                brier=brier,
                ece=ece,
                ties=ties,
                secs=secs,
                chosen=chosen,
                n=int(d["L"].shape[0]),
                m=int(d["L"].shape[1]),
            )
        )
        print(
            f"  {d['name']:30s} {name:28s} {100 * score:6.2f}  {secs:6.2f}s {chosen}",
            flush=True,
        )
    return rows


def fit_time(n: int, m: int, k: int, reps: int = 3) -> tuple[float, float, float]:
    """(median fit seconds, median predict seconds on 10k rows, median fit CPU
    seconds) of the default. CPU time is what a quiet machine's wall time
    would be for this one-thread work; wall time on a loaded one is not."""
    d = generate_synthetic(n=n, m=m, k=k, seed=0)
    fits, preds, cpus = [], [], []
    for _ in range(reps):
        t, c = time.perf_counter(), time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lm = LabelModel(k).fit(d.L)
        fits.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
        t = time.perf_counter()
        lm.predict_proba(d.L[:10000])
        preds.append(time.perf_counter() - t)
    return float(np.median(fits)), float(np.median(preds)), float(np.median(cpus))


def stats_fit_time(
    n: int, m: int, k: int, patterns: bool, reps: int = 3
) -> tuple[float, float, float]:
    """(seconds to build the statistics, median ``fit_stats`` wall seconds, its
    median CPU seconds) of the default on a synthetic ``n x m`` matrix: the
    fit on statistics (Dask issue, item 3) without the data pass.

    ``patterns=False`` is what ``fit(L)`` and the Dask fit do when nearly every
    row is distinct: the overlap matrix of all rows plus the patterns of a
    strided 10k-row sample. ``patterns=True`` hands ``fit_stats`` every
    distinct pattern."""
    d = generate_synthetic(n=n, m=m, k=k, seed=0)
    t = time.perf_counter()
    stats = LabelStats.from_matrix(d.L, k, patterns=patterns)
    sample = None
    if not patterns:
        step = max(1, n // 10000)
        sample = LabelStats.from_matrix(d.L[::step], k, overlap=False)
    build = time.perf_counter() - t
    fits, cpus = [], []
    for _ in range(reps):
        t, c = time.perf_counter(), time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            LabelModel(k).fit_stats(stats, _row_sample=sample)
        fits.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return build, float(np.median(fits)), float(np.median(cpus))


def snorkel_fit_time(n: int, m: int, k: int) -> float:
    from snorkel.labeling.model import LabelModel as SLM

    d = generate_synthetic(n=n, m=m, k=k, seed=0)
    t = time.perf_counter()
    SLM(cardinality=k, verbose=False).fit(
        d.L.astype(np.int64), seed=0, progress_bar=False
    )
    return time.perf_counter() - t


def table(rows: list[dict]) -> str:
    sets = list(dict.fromkeys(r["set"] for r in rows))
    models = list(dict.fromkeys(r["model"] for r in rows))
    by = {(r["set"], r["model"]): r for r in rows}
    head = "| set | n x m | " + " | ".join(models) + " | ours chose |"
    lines = [head, "|" + "---|" * (len(models) + 3)]
    for s in sets:
        r0 = next(r for r in rows if r["set"] == s)
        cells = []
        best = max(by[(s, mm)]["score"] for mm in models if (s, mm) in by)
        for mm in models:
            r = by.get((s, mm))
            if r is None:
                cells.append("—")
                continue
            txt = f"{r['score']:.1f}"
            cells.append(f"**{txt}**" if r["score"] == best else txt)
        chosen = by[(s, "LabelModel (ours, default)")]["chosen"]
        lines.append(
            f"| {s} | {r0['n']} x {r0['m']} | " + " | ".join(cells) + f" | {chosen} |"
        )
    means = []
    for mm in models:
        vals = [by[(s, mm)]["score"] for s in sets if (s, mm) in by]
        means.append(
            f"{np.mean(vals):.2f}"
            + ("" if len(vals) == len(sets) else f" ({len(vals)} sets)")
        )
    lines.append("| **mean** | | " + " | ".join(means) + " | |")
    return "\n".join(lines)


def _grid(rows: list[dict], cell) -> str:
    """A set x model Markdown table with ``cell(row)`` in each cell."""
    sets = list(dict.fromkeys(r["set"] for r in rows))
    models = list(dict.fromkeys(r["model"] for r in rows))
    by = {(r["set"], r["model"]): r for r in rows}
    lines = ["| set | " + " | ".join(models) + " |", "|" + "---|" * (len(models) + 1)]
    for s in sets:
        cells = ["—" if (s, mm) not in by else cell(by[(s, mm)]) for mm in models]
        lines.append(f"| {s} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def calib_table(rows: list[dict]) -> str:
    return _grid(
        rows, lambda r: f"{r['brier']:.3f} / {r['ece']:.3f} / {100 * r['ties']:.0f}%"
    )


def time_table(rows: list[dict]) -> str:
    return _grid(rows, lambda r: f"{r['secs']:.2f}")


def goals(rows: list[dict]) -> str:
    sets = list(dict.fromkeys(r["set"] for r in rows))
    by = {(r["set"], r["model"]): r["score"] for r in rows}
    us = "LabelModel (ours, default)"
    gains = [by[(s, us)] - by[(s, "majority vote")] for s in sets]
    peer_names = [p for p in GOLD_FREE_PEERS if p != "majority vote"]
    peer_means = {
        p: np.mean([by[(s, p)] for s in sets if (s, p) in by])
        for p in peer_names
        if all((s, p) in by for s in sets)
    }
    best_peer = max(peer_means, key=peer_means.get) if peer_means else None
    gaps = []
    for s in sets:
        best = max((by[(s, p)], p) for p in GOLD_FREE_PEERS if (s, p) in by)
        gaps.append((by[(s, us)] - best[0], s, best[1]))
    worst_mv = min(zip(gains, sets))
    worst_gap = min(gaps)
    ok = lambda b: "yes" if b else "**no**"  # noqa: E731
    lines = [
        "| goal | result | met? |",
        "|---|---|---|",
        f"| never below majority vote (0.5 tolerance) | worst {worst_mv[0]:+.2f} "
        f"({worst_mv[1]}) | {ok(worst_mv[0] >= -0.5)} |",
        f"| mean gain over majority vote >= 1.5 | {np.mean(gains):+.2f} | "
        f"{ok(np.mean(gains) >= 1.5)} |",
    ]
    if best_peer:
        lines.append(
            f"| mean >= best gold-free peer's mean | ours "
            f"{np.mean([by[(s, us)] for s in sets]):.2f} vs {best_peer} "
            f"{peer_means[best_peer]:.2f} | "
            f"{ok(np.mean([by[(s, us)] for s in sets]) >= peer_means[best_peer])} |"
        )
    lines.append(
        f"| each set within 1.0 of the best peer | worst {worst_gap[0]:+.2f} "
        f"({worst_gap[1]} vs {worst_gap[2]}); "
        + ", ".join(f"{s} {g:+.1f}" for g, s, _ in gaps if g < -1.0)
        + f" | {ok(worst_gap[0] >= -1.0)} |"
    )
    return "\n".join(lines)


ABLATIONS = {
    "default": {},
    "nested=False": {"nested": False},
    "voted_only=False": {"voted_only": False},
    "both off": {"nested": False, "voted_only": False},
    'abstain="class" (the previous default)': {"abstain": "class"},
}


def _covered_score(d: dict, P: np.ndarray) -> float:
    Y, Le = d["Ye"], d["Le"]
    keep = (Y >= 0) & (Le >= 0).any(1)
    pr = probs_to_preds(np.asarray(P, dtype=np.float64), "random", seed=0)[keep]
    y = Y[keep]
    return 100 * (f1_score(y, pr) if d["metric"] == "f1" else (pr == y).mean())


def ablation_section(sets: list[dict]) -> str:
    """Each set scored (as above) with the nested-exception and voted-class
    rules switched off one at a time: what each rule does where."""
    lines = [
        "| set | " + " | ".join(ABLATIONS) + " |",
        "|" + "---|" * (len(ABLATIONS) + 1),
    ]
    for d in sets:
        cells = []
        for kw in ABLATIONS.values():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                m = LabelModel(d["k"], **kw).fit(d["L"])
            cells.append(f"{_covered_score(d, m.predict_proba(d['Le'])):.1f}")
        lines.append(f"| {d['name']} | " + " | ".join(cells) + " |")
        print(lines[-1], flush=True)
    return "\n".join(lines)


SPARSE_CROWDS = (  # (items, classes, workers, workers per item, positive share)
    (8000, 2, 176, 3, 0.12),
    (1000, 2, 40, 5, 0.3),
    (2000, 3, 20, 3, None),
    (3000, 6, 50, 4, None),
    (108, 2, 39, 39, 0.5),
)


def sparse_crowd_section(seeds: int = 2) -> str:
    """Simulated crowds (``simulate_workers``) where who labels an item is set
    by assignment, not by its class: the case for class-independent
    abstention (``abstain="auto"``). Every model as in the main table, on
    all items (every item has votes)."""
    from snorkel_nb.labeling.model.synthetic import simulate_workers

    names = ["majority vote", "LabelModel (ours, default)"]
    names += ['ours, abstain="class"', "DawidSkene (ours)", *GOLD_FREE_PEERS[:-1]]
    lines = [
        "| items x workers, k, per item | seed | "
        + " | ".join(names)
        + " | ours chose |",
        "|" + "---|" * (len(names) + 3),
    ]
    models = dict(MODELS)
    models['ours, abstain="class"'] = ours(LabelModel, abstain="class")
    for n, k, w, per, pos in SPARSE_CROWDS:
        for seed in range(seeds):
            rng = np.random.default_rng(seed)
            if pos is not None:
                Y = (rng.random(n) < pos).astype(np.int64)
            else:
                Y = rng.choice(k, n, p=rng.dirichlet(np.full(k, 2.0)))
            L = simulate_workers(Y, k, n_workers=w, per_item=per, seed=seed)
            d = dict(L=L, Le=L, Ye=Y, metric="accuracy")
            cells, chose = [], ""
            for name in names:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    P, model = models[name](L, L, k)
                if P is None:
                    cells.append("—")
                    continue
                P = np.asarray(P, dtype=np.float64)
                cells.append(f"{_covered_score(d, P / P.sum(1, keepdims=True)):.1f}")
                if name == "LabelModel (ours, default)":
                    chose = (
                        f"abstain_={model.abstain_!r}, {model.fit_report_['outcome']}"
                    )
            lines.append(
                f"| {n} x {w}, k={k}, {per} | {seed} | "
                + " | ".join(cells)
                + f" | {chose} |"
            )
            print(lines[-1], flush=True)
    return "\n".join(lines)


def single_class_section(seeds: int = 6) -> str:
    """Synthetic single-class LFs (``generate_single_class``, n = 20000,
    k = 5, Dirichlet(3) balances): accuracy on covered rows, majority vote vs
    ours (default and both rules off) vs the true model."""
    from snorkel_nb.labeling.model.synthetic import generate_single_class

    lines = [
        "| LFs per class | seed | majority vote | ours | ours, both rules off "
        "| true model |",
        "|---|---|---|---|---|---|",
    ]
    for per in (1, 3):
        for seed in range(seeds):
            g = generate_single_class(n=20000, k=5, lfs_per_class=per, seed=seed)
            d = dict(L=g.L, Le=g.L, Ye=g.Y, metric="accuracy")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                a = LabelModel(5).fit(g.L).predict_proba(g.L)
                b = LabelModel(5, nested=False, voted_only=False).fit(g.L)
            cells = [
                MajorityLabelVoter(5).predict_proba(g.L),
                a,
                b.predict_proba(g.L),
                g.oracle().predict_proba(g.L),
            ]
            lines.append(
                f"| {per} | {seed} | "
                + " | ".join(f"{_covered_score(d, P):.1f}" for P in cells)
                + " |"
            )
            print(lines[-1], flush=True)
    return "\n".join(lines)


def small_fit_time(L: np.ndarray, k: int, reps: int = 5) -> tuple[float, float]:
    """(median wall, median CPU) fit seconds of the default LabelModel on ``L``."""
    secs, cpus = [], []
    for _ in range(reps):
        t, c = time.perf_counter(), time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            LabelModel(k).fit(L)
        secs.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return float(np.median(secs)), float(np.median(cpus))


def _ms(wall: float, cpu: float) -> str:
    return f"{wall * 1e3:.0f} ms ({cpu * 1e3:.0f} ms CPU)"


def speed_section(sets: list[dict]) -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        "Wall time, with the process's CPU time in brackets (one thread: on a "
        "quiet machine the two agree; on a loaded one only CPU time is "
        f"meaningful). Load average when the run started: {load:.1f} on "
        f"{os.cpu_count()} cores.\n",
        "| fit | ours | goal | Snorkel (same run) |",
        "|---|---|---|---|",
    ]
    f1, p1, c1 = fit_time(10000, 20, 2, reps=5)
    lines.append(
        f"| 10k x 20, k = 2 (default, selection included) | {_ms(f1, c1)} "
        "| <= 100 ms | |"
    )
    small = [
        (
            f"{d['name']} ({d['L'].shape[0]} x {d['L'].shape[1]})",
            *small_fit_time(d["L"], d["k"]),
        )
        for d in sets
        if d["L"].shape[0] <= 10000 and d["L"].shape[1] <= 20
    ]
    for name, secs, cpu in small:
        lines.append(f"| {name} | {_ms(secs, cpu)} | | |")
    med = float(np.median([x[1] for x in small] + [f1]))
    med_cpu = float(np.median([x[2] for x in small] + [c1]))
    lines.append(
        f"| **median over the sets with n <= 10k, m <= 20 and 10k x 20** | "
        f"**{_ms(med, med_cpu)}** | <= 100 ms | |"
    )
    f2, _, c2 = fit_time(100000, 30, 2, reps=3)
    lines.append(f"| 100k x 30, k = 2 | {_ms(f2, c2)} | <= 300 ms | |")
    lines.append(f"| predict 10k rows (m = 20) | {p1 * 1e3:.1f} ms | <= 10 ms | |")
    f4, _, c4 = fit_time(300000, 50, 2, reps=1)
    s4 = snorkel_fit_time(300000, 50, 2)
    lines.append(
        f"| 300k x 50, k = 2 | {f4:.2f} s ({c4:.2f} s CPU) | >= 10x faster "
        f"than Snorkel | {s4:.2f} s ({s4 / f4:.1f}x) |"
    )
    f3, _, c3 = fit_time(1000000, 50, 2, reps=1)
    s3 = snorkel_fit_time(1000000, 50, 2)
    lines.append(
        f"| 1M x 50, k = 2 | {f3:.2f} s ({c3:.2f} s CPU) | >= 10x faster "
        f"than Snorkel | {s3:.2f} s ({s3 / f3:.1f}x) |"
    )
    lines += [
        "",
        "Fit on precomputed statistics (`LabelStats.from_matrix` once, then "
        "`fit_stats`): *overlap + sample* is what `fit(L)` and the Dask fit pass "
        "when nearly every row is distinct (the overlap matrix of all rows and the "
        "patterns of a strided 10k-row sample); *all patterns* hands `fit_stats` "
        "every distinct row (it then fits as `fit(L)` would: the overlap matrix, "
        "with the EM polish and the guard on a row sample drawn from the "
        "patterns).",
        "",
        "| statistics of | kind | build s | `fit_stats` | goal |",
        "|---|---|---|---|---|",
    ]
    for n, m, k, goal in ((100000, 50, 2, "<= 100 ms"), (100000, 200, 4, "<= 1 s")):
        for patterns in (False, True):
            build, fs, fc = stats_fit_time(n, m, k, patterns, reps=3)
            kind = "all patterns" if patterns else "overlap + sample"
            lines.append(
                f"| {n // 1000}k x {m}, k = {k} | {kind} | {build:.2f} | "
                f"{_ms(fs, fc)} | {goal} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument(
        "--speed-only",
        action="store_true",
        help="only the speed checks (writes bench/results/labelmodel_speed.md)",
    )
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    logging.getLogger("pgmpy").setLevel(logging.ERROR)
    sets = label_sets.available()
    if args.speed_only:
        out = args.out.with_name("labelmodel_speed.md")
        text = (
            "# Label-model fit speed (default settings, one thread)\n\nGenerated by "
            "`python bench/labelmodel_sets_bench.py --speed-only`.\n\n"
            + speed_section(sets)
            + "\n"
        )
        out.write_text(text)
        print(text)
        print(f"wrote {out}")
        return
    rows = []
    for d in sets:
        rows.extend(evaluate(d))
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    text = [
        f"# Label models on the shared real sets\n\nGenerated by "
        f"`python bench/labelmodel_sets_bench.py` at {commit} (plus uncommitted "
        "changes, if any, of the session that ran it).\n",
        __doc__.split("Protocol", 1)[1]
        .split("Writes")[0]
        .strip()
        .join(["**Protocol**", ""]),
        "\n## Scores (% on covered rows; bold = best)\n",
        table(rows),
        "\n## Goals\n",
        goals(rows),
        "\n## Calibration on the same rows: Brier / ECE / share of exact ties\n",
        calib_table(rows),
        "\n## Fit + predict seconds (one thread)\n",
        time_table(rows),
        "\n## The nested-exception and voted-class rules, one at a time\n",
        "Scores as above (`LabelModel(k, **settings)`; see "
        "`labeling/model/nesting.py` and `voted.py`).\n",
        ablation_section(sets),
        "\n## Synthetic single-class LFs\n",
        single_class_section(),
        "\n## Simulated sparse crowds: per-class or class-independent abstention\n",
        "Who labels an item is set by assignment, so abstention says nothing "
        'about the class; `abstain="auto"` (the default) compares the two '
        "abstention models by AIC when LFs cast several different votes "
        "(`selection.abstention_aic`). Accuracy (%) on all items.\n",
        sparse_crowd_section(),
    ]
    if not args.no_speed:
        text += [
            "\n## Speed (default settings, selection included)\n",
            speed_section(sets),
        ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(text) + "\n")
    print("\n".join(text))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
