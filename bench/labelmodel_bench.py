"""Label-model benchmark: snorkel_nb vs Snorkel, FlyingSquid, Dawid-Skene, majority
vote.

Usage::

    python bench/labelmodel_bench.py --quick   # real sets + small synthetic grid
    python bench/labelmodel_bench.py --full    # the issue grid, incl. 1M rows
    python bench/labelmodel_bench.py --speed   # only n = 1M, m = 50, k = 2

Every model runs in its own forked process with ONE thread (set before
numpy/torch are imported); see ``HEADER`` for the scoring protocol and how
time and memory are measured. Results go to ``bench/results/labelmodel.md``
(``--out`` to change) and are printed.
Real data come from ``../shared/data/ws``; the CDR pickles are unpickled here
only (trusted conversion step), never in the package.
"""

from __future__ import annotations

import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import argparse
import gc
import logging
import multiprocessing as mp
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch

torch.set_num_threads(1)

# Peers are imported up front so a forked child's memory counts the model only.
from flyingsquid.label_model import LabelModel as FS
from snorkel.labeling.model import LabelModel as SLM
from snorkel.labeling.model import MajorityLabelVoter as SMV

from snorkel_nb.labeling.model import (
    DawidSkene,
    LabelModel,
    MajorityLabelVoter,
    TripletLabelModel,
    generate_single_class,
    generate_synthetic,
)
from snorkel_nb.labeling.model.base import _metric, probs_to_preds

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
import label_sets  # noqa: E402

SINGLE_CLASS_SEEDS = 5
DATA = ROOT.parent.parent / "shared" / "data" / "ws"


# ---------------------------------------------------------------- real data
def real_sets() -> list[dict]:
    """Dicts (name, k, L fit, Le / Ye eval, Yd dev gold, Yt train gold) for the
    sets present on disk (converted by ``label_sets``, shared with
    ``labelmodel_sets_bench.py``). Train gold is only ever used for scoring."""
    out = []
    for name, split in (
        ("youtube", "test"),
        ("hausa", "test"),
        ("trec", "test"),
        ("cdr", "dev"),
    ):
        if (DATA / name).exists():
            d = getattr(label_sets, name)()
            d["name"] = f"{name} ({split})"
            out.append(d)
    return out


# ---------------------------------------------------------------- peers
def plain_dawid_skene(L: np.ndarray, k: int, n_iter: int = 100) -> np.ndarray:
    """Classic DS (abstain = missing), MV init, no guard: [n, k] probs."""
    n, m = L.shape
    q = np.zeros((n, k))
    for y in range(k):
        q[:, y] = (L == y).sum(1)
    q = (q + 1e-9) / (q + 1e-9).sum(1, keepdims=True)
    for _ in range(n_iter):
        pri = q.mean(0) + 1e-12
        lj = np.tile(np.log(pri), (n, 1))
        for j in range(m):
            on = L[:, j] >= 0
            cm = np.zeros((k, k)) + 1e-2
            np.add.at(cm.T, L[on, j], q[on])  # cm[y, v]
            cm /= cm.sum(1, keepdims=True)
            lj[on] += np.log(cm[:, L[on, j]]).T
        q = np.exp(lj - lj.max(1, keepdims=True))
        q /= q.sum(1, keepdims=True)
    return q


# ---------------------------------------------------------------- measuring
def _status(key: str) -> int:
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) * 1024
    return 0


def _child(fn, conn) -> None:
    """Runs in a forked process: fit + predict + score, report time and memory."""
    try:
        gc.collect()
        # Reset the peak-RSS mark (Linux) so VmHWM - VmRSS is this model's peak.
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        rss0 = _status("VmRSS")

        peak = [0.0]

        def partial(d: dict) -> None:  # e.g. the fit time before a slow predict
            peak[0] = (_status("VmHWM") - rss0) / 2**20
            conn.send(dict(d, peak_mb=peak[0], partial=True))

        out = fn(partial)
        out["peak_mb"] = peak[0]  # at the end of predict, before scoring
        conn.send(out)
    except BaseException as e:  # report, don't die
        conn.send({"note": f"error: {type(e).__name__}: {e!s:.60}"})
    finally:
        conn.close()


def measured(fn, timeout: float) -> dict:
    """Run ``fn`` in a fresh forked process (inherits the loaded data and the
    imported libraries, so only the model's own allocations count)."""
    ctx = mp.get_context("fork")
    rx, tx = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_child, args=(fn, tx))
    p.start()
    tx.close()
    out: dict = {}
    deadline = time.perf_counter() + timeout
    while True:
        left = deadline - time.perf_counter()
        if left > 0 and rx.poll(left):
            try:
                out = rx.recv()
            except EOFError:
                out = {"note": "error: worker died"}
                break
            if not out.pop("partial", False):
                break
        else:
            done = "fit done, predict" if "fit_s" in out else "fit"
            out = dict(out, note=f"killed: {done} still running after {timeout:.0f} s")
            break
    p.join(5)
    if p.is_alive():
        p.kill()
        p.join()
    return out


def evaluate(
    name,
    k,
    L,
    Le,
    Ye,
    Yd=None,
    cb_true=None,
    oracle=None,
    timeout=600.0,
    skip=(),
    only=(),
    keep_preds=False,
):
    """One row per model; ``skip`` maps model name -> reason it was not run.

    ``keep_preds``: also return each model's eval-set predictions (row key
    ``preds``) for the paired comparison of small real sets."""
    rows = []
    mets = ["accuracy", "f1"] if k == 2 else ["accuracy"]
    skip = dict(skip)

    def score(probs):
        preds = probs_to_preds(probs, "random", seed=0)
        return {mm: _metric(mm, Ye, preds, probs, k) for mm in mets}

    def add(model, fit, pred):
        if only and model not in only:
            return
        if model in skip:
            rows.append(dict(data=name, model=model, note=skip[model]))
            return

        def job(partial):
            t = time.perf_counter()
            obj = fit()
            tf = time.perf_counter() - t
            partial({"fit_s": tf})
            t = time.perf_counter()
            probs = np.asarray(pred(obj), dtype=np.float64)
            tp = time.perf_counter() - t
            partial({"fit_s": tf, "predict_s": tp})
            out = dict(**score(probs), fit_s=tf, predict_s=tp)
            if keep_preds:
                out["preds"] = probs_to_preds(probs, "random", seed=0)
            return out

        print(f"  {model}", file=sys.stderr, flush=True)
        out = measured(job, timeout)
        rows.append(dict(data=name, model=model, **out))

    if oracle is not None:
        add("oracle (true params)", lambda: oracle, lambda o: o.predict_proba(Le))
    add(
        "MV (ours)", lambda: MajorityLabelVoter(k).fit(L), lambda o: o.predict_proba(Le)
    )
    cb = cb_true
    if cb is None and Yd is not None:
        cb = np.bincount(Yd, minlength=k) / len(Yd)
    add(
        "snorkel_nb LabelModel",
        lambda: LabelModel(k).fit(L),
        lambda o: o.predict_proba(Le),
    )
    if cb is not None:
        add(
            "snorkel_nb LabelModel +true balance",
            lambda: LabelModel(k).fit(L, class_balance=cb),
            lambda o: o.predict_proba(Le),
        )
    add(
        "snorkel_nb DawidSkene",
        lambda: DawidSkene(k).fit(L),
        lambda o: o.predict_proba(Le),
    )
    add(
        "snorkel_nb Triplet",
        lambda: TripletLabelModel(k).fit(L),
        lambda o: o.predict_proba(Le),
    )

    def sfit(cb=None):
        s = SLM(cardinality=k, verbose=False)
        s.fit(
            L.astype(np.int64),
            n_epochs=100,
            seed=0,
            progress_bar=False,
            class_balance=cb,
        )
        return s

    def spred(o):
        return o.predict_proba(Le.astype(np.int64))

    add("snorkel LabelModel", sfit, spred)
    if cb is not None:
        add("snorkel LabelModel +true balance", lambda: sfit(list(cb)), spred)
    add(
        "snorkel MajorityLabelVoter",
        lambda: SMV(cardinality=k),
        lambda o: o.predict_proba(Le.astype(np.int64)),
    )
    if k == 2:

        def fsconv(A):  # FlyingSquid: 0 abstain, +1 / -1
            return np.where(A == -1, 0, np.where(A == 1, 1, -1)).astype(np.int64)

        def fsfit():
            f = FS(L.shape[1])
            f.fit(fsconv(L))
            return f

        def fspred(f):
            p1 = np.asarray(f.predict_proba_marginalized(fsconv(Le))).reshape(-1)
            return np.stack([1 - p1, p1], 1)

        add("flyingsquid", fsfit, fspred)
    add(
        "plain Dawid-Skene",
        lambda: None,
        lambda o: plain_dawid_skene(Le, k) if Le is L else _ds_transfer(L, Le, k),
    )
    return rows


def _ds_transfer(L, Le, k):
    # plain DS is transductive: fit on train+eval rows, report the eval rows
    both = np.vstack([L, Le])
    return plain_dawid_skene(both, k)[len(L) :]


PEERS = (
    "snorkel LabelModel",
    "snorkel LabelModel +true balance",
    "snorkel MajorityLabelVoter",
    "flyingsquid",
    "plain Dawid-Skene",
)


def _paired_diff(
    pa: np.ndarray, pb: np.ndarray, Y: np.ndarray, n_boot: int = 10000, seed: int = 0
) -> tuple[float, float, float]:
    """Accuracy difference a - b in points with a paired bootstrap 95% interval
    (the same resampled rows for both; the eval sets have 250-900 rows, so a
    0.5-point gap is 1-5 rows)."""
    ca = (pa == Y).astype(np.float64)
    cb = (pb == Y).astype(np.float64)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(Y), size=(n_boot, len(Y)))
    d = (ca[idx] - cb[idx]).mean(1) * 100
    return float((ca - cb).mean() * 100), *np.quantile(d, [0.025, 0.975]).tolist()


def paired_table(
    rows: list[dict], gold: dict[str, np.ndarray], covered: dict[str, np.ndarray]
) -> str:
    """Ours vs the best peer on each real set (on all rows, and on the rows
    some LF votes on, where the prior does not decide), and like-for-like with
    the true class balance, with paired bootstrap intervals."""
    out = [
        "| data | ours | best peer | ours - best peer [95% CI] | same, rows an LF "
        "votes on | ours +true balance | Snorkel +true balance | difference [95% CI] |",
        "|" + "---|" * 8,
    ]

    def fmt(d):
        return f"{d[0]:+.2f} [{d[1]:+.2f}, {d[2]:+.2f}]"

    for name, Y in gold.items():
        by = {r["model"]: r for r in rows if r["data"] == name and "preds" in r}
        ours, ours_cb = (
            by.get("snorkel_nb LabelModel"),
            by.get("snorkel_nb LabelModel +true balance"),
        )
        peers = [by[p] for p in PEERS if p in by]
        if ours is None or not peers:
            continue
        best = max(peers, key=lambda r: r["accuracy"])
        cells = [
            name,
            f"{100 * ours['accuracy']:.2f}",
            f"{best['model']} {100 * best['accuracy']:.2f}",
            fmt(_paired_diff(ours["preds"], best["preds"], Y)),
        ]
        cov = covered[name]
        cells.append(fmt(_paired_diff(ours["preds"][cov], best["preds"][cov], Y[cov])))
        scb = by.get("snorkel LabelModel +true balance")
        if ours_cb is not None and scb is not None:
            cells += [
                f"{100 * ours_cb['accuracy']:.2f}",
                f"{100 * scb['accuracy']:.2f}",
                fmt(_paired_diff(ours_cb["preds"], scb["preds"], Y)),
            ]
        else:
            cells += ["", "", ""]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def from_markdown(text: str) -> list[dict]:
    """Rows of a results table written by :func:`to_markdown` (for ``--merge``)."""
    lines = [ln for ln in text.splitlines() if ln.startswith("| ")]
    cols = [c.strip() for c in lines[0].strip("|").split("|")]
    rows = []
    for ln in lines[1:]:
        cells = [c.strip() for c in ln.strip().strip("|").split("|")]
        if len(cells) != len(cols) or cells[0] == cols[0]:
            continue
        r = {}
        for c, v in zip(cols, cells):
            if v == "":
                continue
            if c in ("accuracy", "f1"):
                r[c] = float(v) / 100
            elif c in ("fit_s", "predict_s", "peak_mb", "L_mb"):
                r[c] = float(v)
            else:
                r[c] = v
        rows.append(r)
    return rows


MODEL_ORDER = (
    "oracle (true params)",
    "MV (ours)",
    "snorkel_nb LabelModel",
    "snorkel_nb LabelModel +true balance",
    "snorkel_nb DawidSkene",
    "snorkel_nb Triplet",
    "snorkel LabelModel",
    "snorkel LabelModel +true balance",
    "snorkel MajorityLabelVoter",
    "flyingsquid",
    "plain Dawid-Skene",
)


def merge_rows(tables: list[list[dict]]) -> list[dict]:
    """Combine tables of runs that each ran some of the models (later wins)."""
    merged: dict[tuple[str, str], dict] = {}
    data_order: list[str] = []
    for rows in tables:
        for r in rows:
            if r["data"] not in data_order:
                data_order.append(r["data"])
            merged[(r["data"], r["model"])] = r
    rank = {m: i for i, m in enumerate(MODEL_ORDER)}
    return sorted(
        merged.values(),
        key=lambda r: (data_order.index(r["data"]), rank.get(r["model"], len(rank))),
    )


def to_markdown(rows):
    cols = [
        "data",
        "model",
        "accuracy",
        "f1",
        "fit_s",
        "predict_s",
        "peak_mb",
        "L_mb",
        "note",
    ]
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        cells = []
        for c in cols:
            v = r.get(c, "")
            if isinstance(v, float):
                v = f"{100 * v:.2f}" if c in ("accuracy", "f1") else f"{v:.3g}"
            cells.append(str(v))
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


HEADER = """# Label-model benchmark

Generated by `python bench/labelmodel_bench.py {mode}`.

**Scoring protocol (the same for every model).** Each model outputs [n, k]
probabilities; they are turned into labels with
`probs_to_preds(probs, tie_break_policy="random", seed=0)` (a deterministic
random choice among tied classes hashed from the row index only, so a model that
abstains or ties gets a random class exactly as majority vote does, and two
models with the same tied classes on a row get the same one), and accuracy (and F1 of
class 1 for binary sets) is computed over ALL evaluation points, in %.
Real sets: fit on the train matrix without gold, scored on the split named
(CDR: MeTaL train / dev matrices); `(train, fit rows)`: the same fit scored on
the train rows themselves against their gold labels (used for scoring only).
`+true balance`: the model is given the class balance of the dev/valid gold
(synthetic: the true one). Plain Dawid-Skene is
transductive (fit on train + eval rows) and treats abstain as missing, so an LF
that only ever votes one class carries no signal for it (hence its collapse on
the real sets, whose LFs mostly vote one class). Synthetic:
`generate_synthetic(seed=0)`, fit and scored on the same rows; the oracle uses the
true parameters.
Single-class: `generate_single_class(n=20000, k=5, seed=0..4)`, one
keyword-like LF per class (random TPR 0.3-0.9 / FPR 0.01-0.25, Dirichlet(3)
balance), fit and scored on the same rows.

**Time and memory.** One thread for everything (`OMP/MKL/OPENBLAS_NUM_THREADS=1`,
`torch.set_num_threads(1)`). Each model runs in its own forked process (data
and libraries already loaded); fit_s / predict_s are wall-clock seconds;
peak_mb is the peak resident memory of that process during fit + predict
(scoring excluded; the [n, k] float64 output is included) above its resident
memory at the start (Linux `VmHWM` after resetting it via
`/proc/self/clear_refs`), so it counts numpy, torch and Python allocations
alike. L_mb is the size of the int8 train matrix. The machine (2 cores) was
shared with other jobs, so times are noisy (±30%).
"""


def main(argv=None):
    ap = argparse.ArgumentParser()
    g = ap.add_mutually_exclusive_group()
    g.add_argument(
        "--quick",
        action="store_true",
        help="real sets + synthetic n=10k, m in {10, 50}, k in {2, 4}",
    )
    g.add_argument(
        "--full", action="store_true", help="also n in {100k, 1M} and m = 200"
    )
    g.add_argument(
        "--speed", action="store_true", help="only the speed bar: n = 1M, m = 50, k = 2"
    )
    ap.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="seconds per model before it is killed (quick: 180, else 600)",
    )
    ap.add_argument("--out", default=str(ROOT / "results" / "labelmodel.md"))
    ap.add_argument(
        "--models",
        nargs="*",
        default=(),
        help="run only these models (names as in the table)",
    )
    ap.add_argument(
        "--merge",
        nargs="+",
        default=None,
        metavar="TABLE",
        help="run nothing: merge results tables of runs that each ran some "
        "models (e.g. peers and ours) into --out",
    )
    args = ap.parse_args(argv)
    if args.merge:
        rows = merge_rows([from_markdown(Path(f).read_text()) for f in args.merge])
        md = (
            HEADER.format(
                mode="--full (merged runs: "
                + ", ".join(Path(f).name for f in args.merge)
                + ")"
            )
            + "\n"
            + to_markdown(rows)
            + "\n"
        )
        Path(args.out).write_text(md)
        print(md)
        return
    mode = "--full" if args.full else "--speed" if args.speed else "--quick"
    timeout = args.timeout or (180.0 if mode == "--quick" else 600.0)
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    rows = []
    gold, covered = {}, {}
    if mode != "--speed":
        sets = real_sets()
        # the held-out split, then the label model's everyday job: labelling
        # the very rows it was fit on (5-30x more rows than the eval splits)
        evals = [(d["name"], d["Le"], d["Ye"], d) for d in sets] + [
            (d["name"].split(" (")[0] + " (train, fit rows)", d["L"], d["Yt"], d)
            for d in sets
        ]
        for name, Le, Ye, d in evals:
            print("running", name, file=sys.stderr, flush=True)
            r = evaluate(
                name,
                d["k"],
                d["L"],
                Le,
                Ye,
                d["Yd"],
                timeout=timeout,
                only=set(args.models),
                keep_preds=True,
            )
            for x in r:
                x["L_mb"] = d["L"].nbytes / 2**20
            rows += r
            gold[name] = Ye
            covered[name] = (Le >= 0).any(1)
    paired = paired_table(rows, gold, covered) if gold else ""
    if mode != "--speed":
        # keyword-like LFs, one per class: the class balance is not identifiable
        for seed in range(SINGLE_CLASS_SEEDS):
            name = f"single-class k=5 seed={seed}"
            print("running", name, file=sys.stderr, flush=True)
            s = generate_single_class(n=20_000, k=5, seed=seed)
            r = evaluate(
                name,
                5,
                s.L,
                s.L,
                s.Y,
                None,
                cb_true=s.class_balance,
                oracle=s.oracle(),
                timeout=timeout,
                only=set(args.models),
            )
            for x in r:
                x["L_mb"] = s.L.nbytes / 2**20
            rows += r
    if mode == "--quick":
        grid = [(10_000, m, k) for m in (10, 50) for k in (2, 4)]
    elif mode == "--full":
        grid = [
            (n, m, k)
            for n in (10_000, 100_000, 1_000_000)
            for m in (10, 50, 200)
            for k in (2, 4)
        ]
    else:
        grid = [(1_000_000, 50, 2)]
    slow: dict[tuple[str, int, int], str] = {}  # (model, m, k) -> why skipped
    for n, m, k in grid:
        print("running synthetic", n, m, k, file=sys.stderr, flush=True)
        s = generate_synthetic(n=n, m=m, k=k, seed=0)
        skip = {mod: why for (mod, mm, kk), why in slow.items() if (mm, kk) == (m, k)}
        if n * m > 1e7:  # plain numpy DS: ~100 passes over a dense [n, k] per LF
            skip.setdefault("plain Dawid-Skene", "skipped: projected > 10 min")
        if mode == "--speed":  # only the models the speed bars name
            for mod in (
                "snorkel_nb DawidSkene",
                "snorkel LabelModel +true balance",
                "snorkel MajorityLabelVoter",
            ):
                skip.setdefault(mod, "not run in --speed (see --full)")
        r = evaluate(
            f"synthetic n={n} m={m} k={k}",
            k,
            s.L,
            s.L,
            s.Y,
            None,
            cb_true=s.class_balance,
            oracle=s.oracle(),
            timeout=timeout,
            skip=skip,
            only=set(args.models),
        )
        for x in r:
            x["L_mb"] = s.L.nbytes / 2**20
            if "still running" in x.get("note", "") and "fit_s" not in x:
                slow[(x["model"], m, k)] = (
                    f"skipped: > {timeout:.0f} s already at n={n}"
                )
        rows += r
        del s
    md = (
        HEADER.format(mode=mode) + f"\nTotal benchmark wall time: "
        f"{time.perf_counter() - t0:.0f} s.\n\n" + to_markdown(rows) + "\n"
    )
    if paired:
        md += (
            "\n## Real sets: ours vs the best peer, paired\n\nAccuracy points; "
            "95% intervals from a paired bootstrap over the eval rows (10,000 "
            "resamples).\n\n" + paired + "\n"
        )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(md)
    print(md)


if __name__ == "__main__":
    main()
