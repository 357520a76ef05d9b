"""Central model benchmark (issue 20): 100 tasks over time on real questions.

Usage::

    python bench/central_bench.py            # 98 synthetic tasks + TREC coarse/fine
    python bench/central_bench.py --quick    # 28 synthetic tasks + TREC coarse/fine

One central model, one text trunk, one set of rows: TREC's 4,952 training
and 500 dev questions. Its tasks:

* **TREC coarse** (6 classes; the 68 coarse regex rules) and **TREC fine**
  (50 classes, a graph child of coarse; the fine keyword / regex rules plus
  LFs that read the coarse head's predictions). Both are labelled jointly by
  one ``MultiTaskLabelModel`` (their graph component), with the dev labels'
  class balance;
* **98 synthetic related tasks** on the same questions
  (:func:`~snorkel_nb.multitask.central_synthetic.task_family` with
  ``features`` = an 8-dimensional SVD of the questions' TF-IDF: every label
  is a random 3-class read-out of the same latent factors of the text; 10
  LFs per task with planted accuracies 0.6-0.85), each labelled by its own
  single-task ``LabelModel`` (no edges).

Order of arrival: 4 synthetic tasks and TREC coarse train the trunk together
(the cold start); synthetic tasks are then added one at a time, TREC fine
arrives as task N/2, and the rest follow. Two policies: *frozen* (only the
new head trains; a task joining a graph component also refits the
component's label model and retrains its heads) and *fine-tune* (plus a
1-epoch trunk fine-tune with a replay of 4 earlier tasks).

Reported: the cost of adding task 10 vs task N (medians of tasks 8-12 and
N-4..N, all synthetic), the rising tide, TREC coarse / fine dev and test
accuracy inside the central model next to the standalone multi-task network
(bench/results/multitask.md (d)) and to ``MultitaskModel`` retrained from
scratch on the same targets in this run, an LF edit in the TREC component
with ``retrain_stale``, and registry operations at N tasks / 1,000+ LFs.
Threads are pinned to 1.
"""

from __future__ import annotations

import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import argparse
import re
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch

torch.set_num_threads(1)

from sklearn.decomposition import TruncatedSVD  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402

from snorkel_nb.multitask import MultitaskModel, MultiTaskLabelModel  # noqa: E402
from snorkel_nb.multitask.central_labels import unit_graph, unit_probs  # noqa: E402
from snorkel_nb.multitask.central import (  # noqa: E402
    CentralData,
    CentralModel,
    WarmStartPolicy,
)
from snorkel_nb.multitask.central_synthetic import task_family, vote_lf  # noqa: E402
from snorkel_nb.multitask.central_trec import trec_central_tasks  # noqa: E402
from snorkel_nb.multitask.registry import TaskRegistry  # noqa: E402
from snorkel_nb.multitask.trec import load_trec_hierarchy  # noqa: E402

OUT = Path(__file__).parent / "results" / "central.md"
MULTITASK_MD = Path(__file__).parent / "results" / "multitask.md"
N_FIRST = 5  # 4 synthetic + TREC coarse train the trunk


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


class World:
    """TREC questions with 98 (or fewer) synthetic tasks living on them."""

    def __init__(self, n_synth: int) -> None:
        train, dev, test = load_trec_hierarchy(small=False)
        texts = pd.concat([train["text"], dev["text"]], ignore_index=True)
        tfidf = TfidfVectorizer(min_df=2, sublinear_tf=True).fit(train["text"])
        Z = TruncatedSVD(8, random_state=0).fit_transform(tfidf.transform(texts))
        Z = (Z - Z.mean(0)) / Z.std(0)
        self.fam = task_family(
            n_tasks=n_synth,
            n=len(train),
            n_dev=len(dev),
            n_factors=6,
            k=3,
            m_lfs=10,
            seed=0,
            features=Z,
        )
        labels, coarse, fine, mapping = trec_central_tasks()
        self.trec = {"labels": labels, "coarse": coarse, "fine": fine, "map": mapping}
        tr = pd.concat([train[["text"]].reset_index(drop=True), self.fam.df], axis=1)
        dv = pd.concat([dev[["text"]].reset_index(drop=True), self.fam.dev], axis=1)
        gold = {
            **self.fam.y_dev,
            "coarse": dev["coarse"].tolist(),
            "fine": dev["fine"].tolist(),
        }
        self.data = CentralData(tr, dev=dv, gold_dev=gold)
        self.test = test.reset_index(drop=True)
        self.synth = list(self.fam.labels)

    def order(self, n_tasks: int) -> list[str]:
        """4 synthetic, coarse, synthetic..., fine at n_tasks // 2, synthetic..."""
        s = self.synth
        fine_at = n_tasks // 2
        return [*s[:4], "coarse", *s[4 : fine_at - 2], "fine", *s[fine_at - 2 :]]

    def add(self, c: CentralModel, name: str, **kw):
        if name == "coarse":
            return c.add_task(
                "coarse",
                self.trec["coarse"],
                labels=self.trec["labels"]["coarse"],
                **kw,
            )
        if name == "fine":
            return c.add_task(
                "fine",
                self.trec["fine"],
                labels=self.trec["labels"]["fine"],
                parent="coarse",
                mapping=self.trec["map"],
                **kw,
            )
        return c.add_task(name, self.fam.lfs[name], labels=self.fam.labels[name], **kw)

    def test_accuracy(self, c: CentralModel, task: str) -> float:
        labels = np.array(self.trec["labels"][task], dtype=object)
        pred = c.predict(self.test[["text"]], task=task)
        return float((labels[pred] == self.test[task].to_numpy()).mean())


def grow(world: World, n_tasks: int, policy: WarmStartPolicy, milestones, workdir):
    c = CentralModel(
        TaskRegistry(Path(workdir) / "central.db"),
        trunk="text",
        hidden=(64,),
        emb_dim=64,
        first_epochs=10,
        data=world.data,
        policy=policy,
    )
    names = world.order(n_tasks)
    t = time.perf_counter()
    for name in names[:N_FIRST]:
        world.add(c, name, train=False)
    c.retrain_stale(progress=False)
    cold = time.perf_counter() - t
    cost, cpu, tide, trec = {}, {}, [], {}
    for i, name in enumerate(names[N_FIRST:], start=N_FIRST + 1):
        t, p = time.perf_counter(), time.process_time()
        v = world.add(c, name)
        cost[i], cpu[i] = time.perf_counter() - t, time.process_time() - p
        if name == "fine":
            trec["fine added"] = _trec_row(world, c, v.metrics)
            trec["fine added"]["s"] = cost[i]
            trec["fine added"]["retrained"] = ", ".join(
                f"{s.kind} {s.task}" for s in c.last_retrained
            )
        if i in milestones:
            acc = {k: m["dev_accuracy"] for k, m in v.metrics.items()}
            synth = [x for x in names[:i] if x in world.fam.labels]
            tide.append(
                (
                    i,
                    np.mean([acc[x] for x in synth[:4]]),
                    np.mean([acc[x] for x in synth]),
                    acc.get("coarse"),
                    acc.get("fine"),
                )
            )
    trec["all tasks"] = _trec_row(world, c, c.current_version.metrics)
    return c, cold, (cost, cpu), tide, trec


def _trec_row(world: World, c: CentralModel, metrics) -> dict:
    row = {}
    for t in ("coarse", "fine"):
        row[f"{t} dev"] = metrics[t]["dev_accuracy"]
        row[f"{t} test"] = world.test_accuracy(c, t)
        row[f"{t} LM dev"] = metrics[t].get("lm_dev_accuracy")
    return row


def peer_full_retrain(world: World, c: CentralModel):
    """``MultitaskModel`` (same text trunk sizes, 10 epochs) from scratch on
    the central model's label-model targets of every task."""
    g = c.graph
    Y = {t: c._targets(t).numpy() for t in c.tasks()}
    m = MultitaskModel(
        g,
        trunk="text",
        hidden=(64,),
        emb_dim=64,
        n_epochs=10,
        lr=1e-2,
        batch_size=256,
        progress_bar=False,
    )
    t = time.perf_counter()
    m.fit(world.data.train["text"].tolist(), Y)
    secs = time.perf_counter() - t
    dev = world.data.dev["text"].tolist()
    synth = {t: world.fam.y_dev[t] for t in c.tasks() if t in world.fam.y_dev}
    acc = m.score(dev, synth)
    out = {"s": secs, "synthetic dev": float(np.mean(list(acc.values())))}
    for task in ("coarse", "fine"):
        labels = list(world.trec["labels"][task])
        gold_dev = np.array([labels.index(x) for x in world.data.gold_dev[task]])
        gold_test = np.array([labels.index(x) for x in world.test[task]])
        out[f"{task} dev"] = m.score(dev, {task: gold_dev})[task]
        out[f"{task} test"] = m.score(world.test["text"].tolist(), {task: gold_test})[
            task
        ]
    return out


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


def edit_in_the_trec_unit(world: World, c: CentralModel):
    """Remove one fine LF: the joint label model and both heads are stale."""
    name = next(r.name for r in c.lfs("fine") if r.name.startswith("fine_HUM"))
    before = c.current_version
    c.remove_lf("fine", name)
    listed = c.stale()
    t, p = time.perf_counter(), time.process_time()
    v = c.retrain_stale(progress=False)
    secs, cpu = time.perf_counter() - t, time.process_time() - p
    assert c.last_retrained == listed and c.stale() == []
    row = _trec_row(world, c, v.metrics)
    interp = c.interpolate("coarse", before, v, [0.0, 0.5, 1.0])
    return name, listed, secs, cpu, row, interp


def class_balance_effect(c: CentralModel) -> dict[str, dict[str, float]]:
    """The TREC unit's joint label model refitted on the central model's own
    label matrices with and without the dev labels' class balance: dev
    accuracy on the rows some LF of the unit votes on."""
    unit = ["coarse", "fine"]
    Ld = {t: c._load_L(c._live[t]["label_matrix"]) for t in unit}
    gold = {t: c._gold(t) for t in unit}
    g = unit_graph(c.graph, unit)
    out = {}
    for name, y in (("dev", gold), ("none", None)):
        m = MultiTaskLabelModel(g, seed=0).fit({t: Ld[t]["L"] for t in unit}, Y_dev=y)
        P = unit_probs(m, {t: Ld[t]["L_dev"] for t in unit})
        out[name] = {}
        for t in unit:
            voted = (P[t][:, 0] >= 0) & (gold[t] >= 0)
            out[name][t] = float((P[t][voted].argmax(1) == gold[t][voted]).mean())
    return out


def standalone_network() -> dict[str, str]:
    """TREC test accuracies of (d) in bench/results/multitask.md (another run)."""
    text = MULTITASK_MD.read_text() if MULTITASK_MD.exists() else ""
    m = re.search(r"\| \(d\) [^|]*\| ([0-9.]+) \| ([0-9.]+) \|", text)
    return {"coarse": m.group(1), "fine": m.group(2)} if m else {}


def _f(x, nd=3) -> str:
    return "-" if x is None else f"{x:.{nd}f}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="30 tasks, no peer")
    ap.add_argument("--tasks", type=int, default=None)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    n_tasks = args.tasks or (30 if args.quick else 100)
    milestones = sorted({10, n_tasks // 4, n_tasks // 2, n_tasks} - {0})
    t0 = time.perf_counter()
    world = World(n_tasks - 2)
    md = [
        "# Central model (issue 20)",
        "",
        f"`python bench/central_bench.py{' --quick' if args.quick else ''}`: one "
        f"central model (text trunk, TF-IDF bag of embeddings 64 -> 64) over TREC's "
        f"{len(world.data.train)} train / {len(world.data.dev)} dev questions with "
        f"{n_tasks} tasks: TREC coarse and fine (real LFs; one joint "
        f"`MultiTaskLabelModel`) and {n_tasks - 2} synthetic related 3-class tasks "
        "on the same questions (10 LFs each, a single-task `LabelModel` each); "
        "class balance from the dev labels; 1 thread. Timings on the shared "
        "2-core machine, under load from other jobs.",
        "",
    ]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        warm = Path(tmp) / "warm-up"  # first torch / LF calls, not timed
        warm.mkdir()
        fam = task_family(n_tasks=N_FIRST + 1, n=200, seed=1)
        cw = CentralModel(
            TaskRegistry(warm / "w.db"),
            hidden=(16,),
            data=CentralData(fam.df, fam.X, fam.dev, fam.X_dev, gold_dev=fam.y_dev),
        )
        for name in fam.labels:
            cw.add_task(name, fam.lfs[name], labels=fam.labels[name])
        for arm, policy in (
            ("frozen", WarmStartPolicy()),
            ("fine-tune", WarmStartPolicy(trunk_epochs=1, replay=4)),
        ):
            d = Path(tmp) / arm
            d.mkdir()
            results[arm] = grow(world, n_tasks, policy, milestones, d)
            print(f"{arm}: done ({time.perf_counter() - t0:.0f} s)", flush=True)
        fine_at = n_tasks // 2
        md += [
            "## Cost of adding a task",
            "",
            "Wall and CPU (process) seconds of one `add_task` (apply the LFs, fit "
            "the label model, train, record a version); medians over tasks 8-12 "
            f"and {n_tasks - 4}-{n_tasks} (all synthetic). CPU time is the fairer "
            "measure on a shared machine; the goal is judged on it.",
            "",
            f"| policy | cold start (5 tasks) s | task 10 wall | task {n_tasks} wall "
            f"| median 8-12 wall / CPU | median {n_tasks - 4}-{n_tasks} wall / CPU | "
            f"ratio wall | ratio CPU | goal CPU <= 1.5 | task {fine_at} (TREC fine) "
            "wall |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for arm, (_, cold, (cost, cpu), _, _) in results.items():

            def med(d, lo, hi):
                return float(np.median([d[i] for i in range(lo, hi + 1)]))

            ew, lw = med(cost, 8, 12), med(cost, n_tasks - 4, n_tasks)
            ec, lc = med(cpu, 8, 12), med(cpu, n_tasks - 4, n_tasks)
            md.append(
                f"| {arm} | {cold:.2f} | {cost[10]:.3f} | {cost[n_tasks]:.3f} | "
                f"{ew:.3f} / {ec:.3f} | {lw:.3f} / {lc:.3f} | {lw / ew:.2f} | "
                f"{lc / ec:.2f} | {'met' if lc / ec <= 1.5 else 'not met'} | "
                f"{cost[fine_at]:.2f} |"
            )
        retrained = results["frozen"][4]["fine added"]["retrained"]
        md += [
            "",
            f"Adding TREC fine (task {fine_at}) joins coarse's graph component, so "
            f"it also refits the joint label model and retrains the coarse head: "
            f"{retrained}.",
            "",
            "## Rising tide (dev accuracy)",
            "",
            "| policy | tasks so far | first 4 synthetic | all synthetic so far | "
            "TREC coarse | TREC fine |",
            "|---|---|---|---|---|---|",
        ]
        for arm, (_, _, _, tide, _) in results.items():
            md += [
                f"| {arm} | {i} | {a:.4f} | {b:.4f} | {_f(co)} | {_f(fi)} |"
                for i, a, b, co, fi in tide
            ]
        c = results["frozen"][0]
        peer = None if args.quick else peer_full_retrain(world, c)
        ref = standalone_network()
        md += [
            "",
            "## TREC coarse / fine inside the central model",
            "",
            "Accuracy of the heads on TREC dev (500) and test (500); LM dev = the "
            "joint label model on the dev rows some LF of the component votes on.",
            "",
            "| model | coarse dev | coarse test | fine dev | fine test | coarse LM "
            "dev | fine LM dev |",
            "|---|---|---|---|---|---|---|",
        ]
        for arm, (_, _, _, _, trec) in results.items():
            for when, r in trec.items():
                label = (
                    f"central, {arm}, right after fine is added (task {fine_at})"
                    if when == "fine added"
                    else f"central, {arm}, all {n_tasks} tasks"
                )
                md.append(
                    f"| {label} | {_f(r['coarse dev'])} | {_f(r['coarse test'])} | "
                    f"{_f(r['fine dev'])} | {_f(r['fine test'])} | "
                    f"{_f(r['coarse LM dev'])} | {_f(r['fine LM dev'])} |"
                )
        if peer is not None:
            md.append(
                f"| `MultitaskModel` from scratch on the same {n_tasks} tasks' "
                f"targets (10 epochs, {peer['s']:.1f} s; this run) | "
                f"{_f(peer['coarse dev'])} | {_f(peer['coarse test'])} | "
                f"{_f(peer['fine dev'])} | {_f(peer['fine test'])} | - | - |"
            )
        if ref:
            md.append(
                "| standalone multi-task network, TREC only (bench/results/"
                f"multitask.md (d), another run) | - | {ref['coarse']} | - | "
                f"{ref['fine']} | - | - |"
            )
        if peer is not None:
            md += [
                "",
                f"The same from-scratch `MultitaskModel` reaches a mean synthetic dev "
                f"accuracy of {peer['synthetic dev']:.4f} (central, frozen: "
                f"{results['frozen'][3][-1][2]:.4f}); it costs {peer['s']:.1f} s per "
                "retrain, against one `add_task` above.",
            ]
        cb = class_balance_effect(c)
        md += [
            "",
            "The joint label model's class prior (`class_balance`): refitted on the "
            "central model's TREC label matrices, dev accuracy on voted rows, coarse "
            f"/ fine: {cb['dev']['coarse']:.3f} / {cb['dev']['fine']:.3f} with the dev "
            f"labels' class balance (the default), {cb['none']['coarse']:.3f} / "
            f"{cb['none']['fine']:.3f} estimated from the votes alone.",
        ]
        name, listed, secs, cpu, row, interp = edit_in_the_trec_unit(world, c)
        md += [
            "",
            "## An LF edit inside the TREC component (frozen model, all tasks)",
            "",
            f"Removing fine LF `{name}`: `stale()` lists {len(listed)} items, "
            + ", ".join(f"{s.kind} {s.task}" for s in listed)
            + f" (the label model item covers {list(listed[1].tasks)}); "
            f"`retrain_stale()` did exactly those in {secs:.2f} s wall / {cpu:.2f} s "
            "CPU, and `stale()` is empty afterwards. After it: coarse dev "
            f"{_f(row['coarse dev'])} / test {_f(row['coarse test'])}, fine dev "
            f"{_f(row['fine dev'])} / test {_f(row['fine test'])}.",
            "",
            "Interpolating the coarse head between the versions before and after "
            "(dev):",
            "",
            "| alpha | accuracy | agree_old | agree_new |",
            "|---|---|---|---|",
        ]
        md += [
            f"| {r.alpha:.2f} | {r.accuracy:.3f} | {r.agree_old:.3f} | "
            f"{r.agree_new:.3f} |"
            for r in interp.itertuples()
        ]
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
            "",
            f"Whole bench: {time.perf_counter() - t0:.0f} s.",
        ]
    out = OUT.with_name("central_quick.md") if args.quick else OUT
    out.parent.mkdir(exist_ok=True)
    out.write_text("\n".join(md) + "\n")
    print("\n".join(md))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
