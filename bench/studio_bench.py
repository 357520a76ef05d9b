"""The LF studio at 100k rows x 30 LFs: edit -> studio redrawn, and the label model
in the loop, each beside the engine call it wraps (same run, one thread each).

Rows:
- ``session.upsert`` alone vs a studio Run (build the LF from the form, upsert,
  redraw stats / examples / summary / label-model panel, autosave);
- ``LabelModel.fit`` alone vs ``session.fit_label_model`` (fit + the loop's
  coverage, class balance and dev accuracy for the label model and majority
  vote) vs a studio Run with auto-refit on;
- one page of examples with a search over all 100k rows.

Writes ``bench/results/studio.md``. ``--quick``: 20k rows, 2 repeats.
"""

from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_v] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)

from snorkel_nb.labeling.builders import keyword_lf  # noqa: E402
from snorkel_nb.labeling.model import LabelModel  # noqa: E402
from snorkel_nb.labeling.session import LFSession  # noqa: E402
from snorkel_nb.widgets import LFStudio  # noqa: E402

M = 30
WORDS = [f"w{i}" for i in range(200)]
OUT = Path(__file__).parent / "results" / "studio.md"


def make_data(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Texts of 8 random words; class 1 texts favour the words w0..w99."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n + 2000)
    lo = np.where(y[:, None] == 1, 0, 50)
    toks = rng.integers(0, 150, size=(n + 2000, 8))
    toks = np.where(rng.random((n + 2000, 8)) < 0.5, lo + toks % 100, toks)
    text = [" ".join(WORDS[t] for t in r) for r in toks]
    df = pd.DataFrame({"text": text})
    return df.iloc[:n], df.iloc[n:].reset_index(drop=True), y[n:]


def timed(fn, repeats: int) -> float:
    times = []
    for r in range(repeats):
        t0 = time.perf_counter()
        fn(r)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    n, repeats = (20_000, 2) if args.quick else (100_000, 5)
    df, dev, y_dev = make_data(n)
    lfs = [
        keyword_lf([WORDS[j]], label=int(j < 50), name=f"kw_{j}")
        for j in range(0, 2 * M, 2)
    ]
    s = LFSession(df, lfs, dev_df=dev, Y_dev=y_dev, class_names=["ham", "spam"])
    tmp = Path(tempfile.mkdtemp())
    studio = LFStudio(s, show_matrices=False, autosave=tmp / "auto.py")
    studio.tabs.selected_index = 1
    studio.lf_name.value = "kw_edit"
    studio.label.value = 1

    def upsert(r: int) -> None:
        s.upsert(keyword_lf([WORDS[100 + r]], label=1, name="kw_edit"))

    def studio_run(r: int) -> None:
        studio.keywords.value = WORDS[120 + r]
        studio.run_button.click()
        assert studio.error == "", studio.error

    warnings.simplefilter("ignore")
    rows = [("edit: session.upsert alone", timed(upsert, repeats))]
    rows.append(
        ("edit: studio Run (upsert + redraw + autosave)", timed(studio_run, repeats))
    )
    rows.append(
        (
            "fit: LabelModel.fit alone",
            timed(lambda r: LabelModel(cardinality=2).fit(s.L), repeats),
        )
    )
    rows.append(
        (
            "fit: session.fit_label_model (fit + loop numbers)",
            timed(lambda r: s.fit_label_model(), repeats),
        )
    )
    studio.auto_refit.value = True
    rows.append(("edit: studio Run with auto-refit", timed(studio_run, repeats)))
    studio.auto_refit.value = False
    studio.lf_select.value = "kw_0"
    studio.next_button.click()

    def search(r: int) -> None:
        studio.search.value = f"w{10 + r} w"

    rows.append(("examples: search all rows + one page", timed(search, repeats)))
    fit = s.label_model_fit
    cpu = os.cpu_count()
    lines = [
        "# LF studio at scale",
        "",
        f"{n:,} train rows x {len(s.names)} keyword LFs, 2,000 dev rows; median of "
        f"{repeats} runs; one thread (OMP/MKL/OpenBLAS=1, torch.set_num_threads(1)); "
        f"{cpu} CPUs, shared machine (other jobs running: timings under load).",
        "",
        "| step | seconds |",
        "|---|---|",
        *[f"| {name} | {sec:.3f} |" for name, sec in rows],
        "",
        f"Last fit: label-model dev accuracy {fit.dev_accuracy:.3f} vs majority vote "
        f"{fit.mv_dev_accuracy:.3f}, coverage {fit.coverage:.3f}.",
        "",
        "Run: `python bench/studio_bench.py` (`--quick`: 20k rows, 2 repeats).",
    ]
    OUT.parent.mkdir(exist_ok=True)
    out = OUT.with_name("studio_quick.md") if args.quick else OUT
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
