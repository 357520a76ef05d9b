"""Accuracy and fit time of ``LabelModel.fit`` on big synthetic matrices (a
developer tool, not a test): the regime where ``fit`` works from the overlap
matrix plus a row sample, or caps the patterns it uses.

``python tools/lm_big_check.py [OUT.npz]`` prints, per case, the share of
rows labelled right by the fit and by the Bayes-optimal oracle (the true
parameters), the fit's CPU time and its ``fit_report_`` outcome; with
``OUT.npz`` it also stores the probabilities of the first 20k rows, and
``--ref REF.npz`` prints the largest change against a stored run. Used to
show that speed-ups of the big-matrix path keep its accuracy.
"""

from __future__ import annotations

import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"
import sys
import time
import warnings

import numpy as np
import torch

torch.set_num_threads(1)

from snorkel_nb.labeling.model import (  # noqa: E402
    LabelModel,
    generate_single_class,
    generate_synthetic,
)


def cases() -> dict:
    out = {}
    for m, k, seed in [
        (10, 2, 0),
        (30, 2, 1),
        (50, 2, 0),
        (50, 3, 2),
        (100, 4, 3),
        (200, 4, 0),
    ]:
        out[f"syn 100k m{m} k{k} s{seed}"] = generate_synthetic(
            n=100000, m=m, k=k, seed=seed
        )
    out["syn 300k m50 k2 balance 0.2/0.8"] = generate_synthetic(
        n=300000, m=50, k=2, class_balance=[0.2, 0.8], seed=4
    )
    out["syn 100k m40 k2 low acc"] = generate_synthetic(
        n=100000, m=40, k=2, accuracies=np.linspace(0.52, 0.7, 40), seed=5
    )
    out["single-class 100k k5 x4"] = generate_single_class(
        n=100000, k=5, lfs_per_class=4, seed=1
    )
    return out


def main() -> None:
    args = sys.argv[1:]
    ref = None
    if "--ref" in args:
        i = args.index("--ref")
        ref = np.load(args[i + 1])
        del args[i : i + 2]
    res = {}
    for name, d in cases().items():
        k = d.cardinality
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            LabelModel(k).fit(d.L[:2000])  # warm-up
            t = time.process_time()
            lm = LabelModel(k).fit(d.L)
            cpu = time.process_time() - t
        P = lm.predict_proba(d.L)
        acc = float((P.argmax(1) == d.Y).mean())
        oracle = float((d.oracle().predict_proba(d.L).argmax(1) == d.Y).mean())
        res[name] = P[:20000]
        rep = lm.fit_report_
        g = rep.get("held_out_lf_gain") or {}
        gain = (
            f" loo {g.get('mean', float('nan')):+.4f}+-{g.get('se', float('nan')):.4f}"
        )
        diff = ""
        if ref is not None and name in ref:
            diff = f" max|dP| {np.abs(res[name] - ref[name]).max():.1e}"
        print(
            f"{name:34s} acc {acc:.4f} oracle {oracle:.4f} cpu {cpu:6.3f}s "
            f"iter {rep.get('n_iter')} em {rep.get('em_iter')} "
            f"{rep.get('outcome')}{gain}{diff}",
            flush=True,
        )
    if args:
        np.savez(args[0], **res)
        print(f"wrote {args[0]}")


if __name__ == "__main__":
    main()
