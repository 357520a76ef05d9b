"""Parity check for label-model engine refactors (a developer tool, not a test).

``python tools/lm_parity.py save REF.npz`` stores predict_proba on a fixed
grid of synthetic cases and real sets; ``python tools/lm_parity.py check
REF.npz`` refits with the current code and prints the max abs difference per
case. Used to show that speed-ups keep predictions unchanged.
"""

from __future__ import annotations

import os

os.environ["OMP_NUM_THREADS"] = "1"
import sys
import warnings
from pathlib import Path

import numpy as np
import torch

torch.set_num_threads(1)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from snorkel_nb.labeling.model import (  # noqa: E402
    LabelModel,
    generate_single_class,
    generate_synthetic,
)


def cases(real: bool) -> dict:
    out = {}
    for n, m, k, seed in [
        (2000, 5, 2, 0),
        (5000, 10, 3, 1),
        (10000, 20, 2, 0),
        (3000, 8, 4, 2),
        (1000, 30, 2, 3),
        (20000, 15, 2, 4),
    ]:
        d = generate_synthetic(n=n, m=m, k=k, seed=seed)
        out[f"syn n{n} m{m} k{k} s{seed}"] = (d.L, k, {})
    for seed in range(3):
        d = generate_single_class(n=5000, k=3, seed=seed)
        out[f"single-class s{seed}"] = (d.L, 3, {})
    d = generate_synthetic(n=5000, m=10, k=2, seed=5)
    out["syn given balance"] = (d.L, 2, {"class_balance": d.class_balance})
    out["syn independent"] = (d.L, 2, {"_cfg": {"abstain": "independent"}})
    if real:
        import label_sets

        for s in label_sets.available():
            if s["name"] in ("rte (crowd)", "weather (crowd)", "imdb", "trec"):
                continue
            out[s["name"]] = (s["L"], s["k"], {})
    return out


def run(real: bool) -> dict:
    res = {}
    for name, (L, k, kw) in cases(real).items():
        kw = dict(kw)
        cfg = kw.pop("_cfg", {})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lm = LabelModel(k, **cfg).fit(L, **kw)
        res[name] = lm.predict_proba(L)
        print(f"  {name}: action={lm.fit_report_.get('action')!s:.30}", flush=True)
    return res


def main() -> None:
    mode, path = sys.argv[1], sys.argv[2]
    real = "--no-real" not in sys.argv
    res = run(real)
    if mode == "save":
        np.savez(path, **res)
        print(f"wrote {path}")
        return
    ref = np.load(path)
    worst = 0.0
    for name, P in res.items():
        d = float(np.abs(P - ref[name]).max())
        worst = max(worst, d)
        print(f"{name:40s} max |dP| = {d:.2e}")
    print(f"worst {worst:.2e}")


if __name__ == "__main__":
    main()
