"""Central model benchmark (issue 20): tasks added over time, registry speed.

Usage::

    python bench/central_bench.py            # 100 synthetic tasks + TREC
    python bench/central_bench.py --quick    # 30 tasks, no TREC

1. **Growth.** A synthetic family of related 3-class tasks
   (:func:`~snorkel_nb.multitask.central_synthetic.task_family`: every label
   is a read-out of the same 6 latent factors of 32 features; 10 LFs per
   task with planted accuracies 0.6-0.85), 2,000 train / 300 dev rows. The
   trunk (MLP, 64 hidden) is trained once with the first 5 tasks (cold
   start); tasks 6..N are then added one at a time. Two policies: *frozen*
   (only the new head trains) and *fine-tune* (a 1-epoch trunk fine-tune
   with a replay of 4 earlier tasks). Cost = wall time of ``add_task``
   (apply the LFs, fit the label model, train, record a version).
2. **Rising tide.** Mean dev accuracy of the first 5 tasks and of all tasks
   so far, at each milestone.
3. **Peer: retrain everything.** The project's ``MultitaskModel`` trained
   from scratch on the same label-model targets of the first 10 and of all
   N tasks (10 epochs): what each addition would cost without a central
   model.
   ``consolidate()`` is the central model's own full retrain (fresh trunk,
   every head, jointly), for when the trunk has fallen behind.
4. **Registry operations** at N tasks and 10*N LFs: register an LF
   (``update_lf``), ``stale()``, ``versions()``, ``diff``, ``lineage``
   (median of 20 calls).
5. **TREC** coarse, then fine added later with LFs that read the coarse
   head's predictions (text trunk); an LF edit and ``retrain_stale``.

Threads are pinned to 1; label models are majority vote (the default
LabelModel's fit time does not depend on how many tasks exist, and would
only add a constant to every row; ``--label-model label_model`` uses it).
"""

from __future__ import annotations

import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import torch

torch.set_num_threads(1)

from snorkel_nb.multitask import MultitaskModel, TaskGraph  # noqa: E402
from snorkel_nb.multitask.central import (  # noqa: E402
    CentralModel,
    WarmStartPolicy,
)
from snorkel_nb.multitask.central_synthetic import (  # noqa: E402
    family_data,
    task_family,
    vote_lf,
)
from snorkel_nb.multitask.central_trec import (  # noqa: E402
    trec_central_data,
    trec_central_tasks,
)
from snorkel_nb.multitask.registry import TaskRegistry  # noqa: E402

OUT = Path(__file__).parent / "results" / "central.md"
N_FIRST = 5


def _median_ms(f, reps: int = 20, before=None) -> tuple[float, float]:
    """Median wall and CPU milliseconds of ``f()`` (``before()`` untimed)."""
    ts, cs = [], []
    for _ in range(reps):
        if before is not None:
            before()
        t, p = time.perf_counter(), time.process_time()
        f()
        ts.append(time.perf_counter() - t)
        cs.append(time.process_time() - p)
    return 1000 * float(np.median(ts)), 1000 * float(np.median(cs))


def grow(fam, n_tasks: int, policy: WarmStartPolicy, lm: str, milestones, workdir):
    c = CentralModel(
        TaskRegistry(Path(workdir) / "central.db"),
        hidden=(64,),
        first_epochs=20,
        data=family_data(fam),
        label_model=lm,
        label_model_kwargs={"select": False} if lm == "label_model" else None,
        policy=policy,
    )
    names = [f"t{i}" for i in range(n_tasks)]
    t = time.perf_counter()
    for name in names[:N_FIRST]:
        c.add_task(name, fam.lfs[name], labels=fam.labels[name], train=False)
    c.retrain_stale(progress=False)
    cold = time.perf_counter() - t
    cost, cpu, tide = {}, {}, []
    for i, name in enumerate(names[N_FIRST:], start=N_FIRST + 1):
        t, p = time.perf_counter(), time.process_time()
        v = c.add_task(name, fam.lfs[name], labels=fam.labels[name])
        cost[i], cpu[i] = time.perf_counter() - t, time.process_time() - p
        if i in milestones:
            acc = {k: m["dev_accuracy"] for k, m in v.metrics.items()}
            tide.append(
                (
                    i,
                    np.mean([acc[x] for x in names[:N_FIRST]]),
                    np.mean(list(acc.values())),
                )
            )
    return c, cold, (cost, cpu), tide


def peer_full_retrain(c: CentralModel, fam, tasks):
    g = TaskGraph({t: fam.labels[t] for t in tasks})
    Y = {t: c._targets(t).numpy() for t in tasks}
    m = MultitaskModel(
        g, hidden=(64,), n_epochs=10, lr=1e-2, batch_size=256, progress_bar=False
    )
    t = time.perf_counter()
    m.fit(fam.X, Y)
    secs = time.perf_counter() - t
    acc = m.score(fam.X_dev, {t: fam.y_dev[t] for t in tasks})
    return secs, float(np.mean(list(acc.values())))


def registry_ops(c: CentralModel):
    versions = c.versions()
    counter = iter(range(10**6))
    last = c.tasks()[-1]

    def register():
        c.update_lf(last, vote_lf(f"v{last}_0", name=f"extra_{next(counter)}"))

    def cold():  # forget every cache: the working state and versions re-read
        c._working = None
        c.registry._versions.clear()
        c._art_cache.clear()

    out = {
        "register an LF (update_lf)": _median_ms(register),
        "stale(), cold (caches dropped)": _median_ms(c.stale, before=cold),
        "stale(), after a change elsewhere": _median_ms(c.stale, before=register),
        "stale(), nothing changed": _median_ms(c.stale),
        "versions(), cold": _median_ms(c.versions, before=cold),
        "versions(), warm": _median_ms(c.versions),
        "diff(first, last)": _median_ms(lambda: c.diff(versions[0], versions[-1])),
        "lineage(task)": _median_ms(lambda: c.lineage(last)),
    }
    stale = c.stale()
    return out, stale, len(c.registry.lfs()), len(versions)


def trec(workdir, small: bool):
    labels, coarse, fine, mapping = trec_central_tasks()
    c = CentralModel(
        TaskRegistry(Path(workdir) / "trec.db"),
        trunk="text",
        hidden=(64,),
        emb_dim=64,
        first_epochs=10,
        data=trec_central_data(small=small),
        label_model="majority",
    )
    rows = []
    t = time.perf_counter()
    v1 = c.add_task("coarse", coarse, labels=labels["coarse"])
    rows.append(
        ("add coarse (cold start: trunk + head)", time.perf_counter() - t, v1.metrics)
    )
    t = time.perf_counter()
    v2 = c.add_task(
        "fine", fine, labels=labels["fine"], parent="coarse", mapping=mapping
    )
    rows.append(
        (
            "add fine (warm start; LFs read coarse predictions)",
            time.perf_counter() - t,
            v2.metrics,
        )
    )
    c.remove_lf("coarse", "rule_0")
    stale = c.stale()
    t = time.perf_counter()
    v3 = c.retrain_stale(progress=False)
    rows.append(
        (
            f"remove coarse rule_0, retrain_stale ({len(stale)} items: "
            + ", ".join(f"{s.kind} {s.task}" for s in stale)
            + ")",
            time.perf_counter() - t,
            v3.metrics,
        )
    )
    interp = c.interpolate("coarse", v2, v3, [0.0, 0.5, 1.0])
    c2 = CentralModel(
        TaskRegistry(Path(workdir) / "trec2.db"),
        trunk="text",
        hidden=(64,),
        emb_dim=64,
        first_epochs=10,
        data=trec_central_data(small=small),
        label_model="majority",
    )
    c2.add_task("coarse", coarse, labels=labels["coarse"])
    t = time.perf_counter()
    v = c2.add_task(
        "fine",
        fine,
        labels=labels["fine"],
        parent="coarse",
        mapping=mapping,
        policy=WarmStartPolicy(trunk_epochs=5, trunk_lr=1e-2, replay=1),
    )
    rows.insert(
        2,
        (
            "add fine with a trunk fine-tune (5 epochs, lr 0.01, replay "
            "coarse), on a second model",
            time.perf_counter() - t,
            v.metrics,
        ),
    )
    return rows, interp


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--tasks", type=int, default=None)
    ap.add_argument(
        "--label-model", default="majority", choices=["majority", "label_model"]
    )
    ap.add_argument("--no-trec", action="store_true")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    n_tasks = args.tasks or (30 if args.quick else 100)
    milestones = sorted({10, n_tasks // 4, n_tasks // 2, n_tasks} - {0})
    fam = task_family(
        n_tasks=n_tasks, n=2000, n_dev=300, d=32, n_factors=6, k=3, m_lfs=10, seed=0
    )
    md = [
        "# Central model (issue 20)",
        "",
        f"`python bench/central_bench.py{' --quick' if args.quick else ''}`; "
        f"{n_tasks} synthetic related tasks (3 classes, 10 LFs each, 2,000 train /"
        f" 300 dev rows), {args.label_model} label models, 1 thread. Timings on "
        "the shared 2-core machine.",
        "",
    ]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        warm = Path(tmp) / "warm-up"  # first torch / LF calls, not timed
        warm.mkdir()
        grow(
            task_family(n_tasks=N_FIRST + 1, n=200, seed=1),
            N_FIRST + 1,
            WarmStartPolicy(),
            args.label_model,
            [],
            warm,
        )
        for arm, policy in (
            ("frozen", WarmStartPolicy()),
            ("fine-tune", WarmStartPolicy(trunk_epochs=1, replay=4)),
        ):
            d = Path(tmp) / arm
            d.mkdir()
            results[arm] = grow(fam, n_tasks, policy, args.label_model, milestones, d)
            print(f"{arm}: done", flush=True)
        md += [
            "## Cost of adding a task",
            "",
            "Wall and CPU (process) seconds of one `add_task`; medians over tasks "
            f"8-12 and {n_tasks - 4}-{n_tasks}. CPU time is the fairer measure on a "
            "shared machine; the goal is judged on it.",
            "",
            f"| policy | cold start (5 tasks) s | task 10 wall | task {n_tasks} wall "
            f"| median 8-12 wall / CPU | median {n_tasks - 4}-{n_tasks} wall / CPU | "
            "ratio wall | ratio CPU | goal CPU <= 1.5 |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for arm, (_, cold, (cost, cpu), _) in results.items():

            def med(d, lo, hi):
                return float(np.median([d[i] for i in range(lo, hi + 1)]))

            ew, lw = med(cost, 8, 12), med(cost, n_tasks - 4, n_tasks)
            ec, lc = med(cpu, 8, 12), med(cpu, n_tasks - 4, n_tasks)
            md.append(
                f"| {arm} | {cold:.2f} | {cost[10]:.3f} | {cost[n_tasks]:.3f} | "
                f"{ew:.3f} / {ec:.3f} | {lw:.3f} / {lc:.3f} | {lw / ew:.2f} | "
                f"{lc / ec:.2f} | {'met' if lc / ec <= 1.5 else 'not met'} |"
            )
        md += [
            "",
            "## Rising tide (dev accuracy)",
            "",
            "| policy | tasks so far | first 5 tasks | all tasks so far |",
            "|---|---|---|---|",
        ]
        for arm, (_, _, _, tide) in results.items():
            md += [f"| {arm} | {i} | {a:.4f} | {b:.4f} |" for i, a, b in tide]
        c = results["frozen"][0]
        md += [
            "",
            "## Peer: retrain everything from scratch",
            "",
            "`MultitaskModel` (same trunk size, 10 epochs) on the same label-model "
            "targets, vs. the central model (frozen policy) after the same tasks.",
            "",
            "| tasks | full retrain s | its mean dev acc | central: add one "
            "task s | central mean dev acc |",
            "|---|---|---|---|---|",
        ]
        last_metrics = c.current_version.metrics
        for k in (10, n_tasks):
            tasks = [f"t{i}" for i in range(k)]
            secs, acc = peer_full_retrain(c, fam, tasks)
            version = next(v for v in c.versions() if len(v.tasks) == k)
            cen = np.mean([version.metrics[t]["dev_accuracy"] for t in tasks])
            md.append(
                f"| {k} | {secs:.2f} | {acc:.4f} | "
                f"{results['frozen'][2][0][k]:.3f} | {cen:.4f} |"
            )
        del last_metrics
        t = time.perf_counter()
        vc = c.consolidate(epochs=10)
        secs = time.perf_counter() - t
        acc = np.mean([m["dev_accuracy"] for m in vc.metrics.values()])
        md.append(
            f"| {n_tasks}, then `consolidate(epochs=10)` (central, opt-in) | "
            f"{secs:.2f} | {acc:.4f} | - | - |"
        )
        ops, stale, n_lfs, n_versions = registry_ops(c)
        md += [
            "",
            f"## Registry operations ({len(c.tasks())} tasks, {n_lfs} LFs, "
            f"{n_versions} versions)",
            "",
            "Medians of 20 calls; the goal is judged on wall time.",
            "",
            "| operation | wall ms | CPU ms | goal < 50 ms (wall) |",
            "|---|---|---|---|",
        ]
        md += [
            f"| {k} | {w:.2f} | {c_:.2f} | {'met' if w < 50 else 'not met'} |"
            for k, (w, c_) in ops.items()
        ]
        md += [
            "",
            f"`stale()` after those edits lists {len(stale)} items: "
            + ", ".join(f"{s.kind} {s.task}" for s in stale)
            + ".",
        ]
        if not args.no_trec and not args.quick:
            rows, interp = trec(tmp, small=False)
            md += [
                "",
                "## TREC: coarse, then fine reading the coarse predictions",
                "",
                "Text trunk (TF-IDF bag of embeddings, 64), majority-vote label "
                "models; dev accuracy (500 questions) of the heads and, on the rows "
                "some LF votes on, of the label model.",
                "",
                "| step | s | coarse head | fine head | coarse LM (voted rows) | "
                "fine LM (voted rows) |",
                "|---|---|---|---|---|---|",
            ]
            for step, secs, m in rows:

                def g(t, k, m=m):
                    return f"{m[t][k]:.3f}" if t in m and k in m[t] else "-"

                md.append(
                    f"| {step} | {secs:.2f} | {g('coarse', 'dev_accuracy')} | "
                    f"{g('fine', 'dev_accuracy')} | "
                    f"{g('coarse', 'lm_dev_accuracy')} | "
                    f"{g('fine', 'lm_dev_accuracy')} |"
                )
            md += [
                "",
                "Interpolating the coarse head between the last two versions (dev):",
                "",
                "| alpha | accuracy | agree_old | agree_new |",
                "|---|---|---|---|",
            ]
            md += [
                f"| {r.alpha:.2f} | {r.accuracy:.3f} | {r.agree_old:.3f} | "
                f"{r.agree_new:.3f} |"
                for r in interp.itertuples()
            ]
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text("\n".join(md) + "\n")
    print("\n".join(md))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
