"""The live LF loop at 100k rows x 30 LFs: edit -> numbers, edit -> label model.

Two paths, each timed from one LF edit (``session.upsert``) until the view is
up to date again:

1. edit -> numbers updated: the edited LF's column, the summary, both
   pairwise tables and the LF matrices widget redrawn (chart spec built).
2. edit -> label model refit and diagnostics updated:
   ``LabelModelDiagnostics.refit()`` = ``session.fit_label_model()`` (the
   default label model and majority vote's numbers) + the diagnostics report
   + its five charts + its tables, split into those parts.
3. the studio in the loop, inline vs in the background: an edit made in
   ``LFStudio`` (Run of a Keyword-tab LF and of a Code-tab LF, auto-refit on,
   diagnostics following the session) timed until the Run handler returns
   (the kernel is free again) and until everything has landed (numbers, label
   model, diagnostics). In a second background pass the kernel thread wakes
   every 5 ms meanwhile and the longest stall it sees is reported (how
   responsive the notebook stays); that pass's own wake-ups would slow the
   work, so "until all landed" comes from the first pass, where the kernel
   thread just waits.

One thread everywhere (set before numpy / torch load). Writes
``bench/results/widgets.md``; ``--quick`` runs 20k rows and does not write it.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import cProfile  # noqa: E402
import io  # noqa: E402
import pstats  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import torch  # noqa: E402

from snorkel_nb.labeling import ABSTAIN, LabelingFunction  # noqa: E402
from snorkel_nb.labeling.builders import keyword_lf  # noqa: E402
from snorkel_nb.labeling.session import LFSession  # noqa: E402

torch.set_num_threads(1)

M, REPEATS = 30, 5
WORDS = [f"w{i}" for i in range(200)]
OUT = Path(__file__).parent / "results" / "widgets.md"


def make_df(n: int, seed: int = 0) -> pd.DataFrame:
    """Texts of 8 random words; class 1 draws from the first 100 words twice as
    often, so keyword LFs are informative and the label model has signal."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    p1 = np.r_[np.full(100, 2.0), np.full(100, 1.0)]
    p0 = p1[::-1]
    toks = np.where(
        y[:, None] == 1,
        rng.choice(WORDS, size=(n, 8), p=p1 / p1.sum()),
        rng.choice(WORDS, size=(n, 8), p=p0 / p0.sum()),
    )
    return pd.DataFrame({"text": [" ".join(r) for r in toks], "label": y})


def plain_lf(j: int, word: str, label: int) -> LabelingFunction:
    def f(x, word=word, lab=label):
        return lab if word in x.text else ABSTAIN

    return LabelingFunction(f"plain_{j}", f)


def build_lfs() -> list[LabelingFunction]:
    # words 0..99 point to class 1, 100..199 to class 0
    lfs = [
        keyword_lf([WORDS[j if j % 2 else 100 + j]], label=j % 2, name=f"kw_{j}")
        for j in range(M - 5)
    ]
    return lfs + [plain_lf(j, WORDS[60 + j], 1) for j in range(5)]


def edits():
    """Alternating replacements of one keyword LF (a batch LF, as the studio's
    Keyword tab makes) and one plain Python LF (row-wise)."""
    for r in range(REPEATS):
        yield "keyword LF (batch)", keyword_lf([WORDS[3 + 2 * r]], label=1, name="kw_3")
        yield "plain Python LF (row-wise)", plain_lf(0, WORDS[71 + r], 1)


def time_numbers(s: LFSession, mats) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for kind, lf in edits():
        t0 = time.perf_counter()
        s.upsert(lf)  # the matrices widget redraws itself on the change event
        s.summary(), s.pairwise("overlap"), s.pairwise("conflict")
        out.setdefault(kind, []).append(time.perf_counter() - t0)
    return out


def time_refit(s: LFSession, diag, profile: bool) -> tuple[dict, str]:
    import snorkel_nb.widgets.diagnostics as dmod

    parts: dict[str, list[float]] = {}
    orig_compute, orig_chart, orig_tables = (
        dmod.LabelModelDiagnostics._compute,
        dmod.LabelModelDiagnostics._chart,
        dmod.LabelModelDiagnostics._render_tables,
    )
    clock: dict[str, float] = {}

    def timed(name, fn):
        def wrapper(self, *a, **k):
            t0 = time.perf_counter()
            try:
                return fn(self, *a, **k)
            finally:
                clock[name] = clock.get(name, 0.0) + time.perf_counter() - t0

        return wrapper

    dmod.LabelModelDiagnostics._compute = timed("report", orig_compute)
    dmod.LabelModelDiagnostics._chart = timed("charts", orig_chart)
    dmod.LabelModelDiagnostics._render_tables = timed("tables", orig_tables)
    prof = cProfile.Profile() if profile else None
    try:
        for i, (_kind, lf) in enumerate(edits()):
            clock.clear()
            t0 = time.perf_counter()
            s.upsert(lf)
            t1 = time.perf_counter()
            if prof is not None and i == 2:
                prof.enable()
            diag.refit()
            if prof is not None and i == 2:
                prof.disable()
            t2 = time.perf_counter()
            fit = s.label_model_fit
            row = {
                "total": t2 - t0,
                "edit (upsert)": t1 - t0,
                "LabelModel.fit": fit.seconds,
                "fit_loop rest (MV, preds, dev)": 0.0,
                "report": clock.get("report", 0.0),
                "charts (5 specs)": clock.get("charts", 0.0),
                "tables + banner": clock.get("tables", 0.0),
            }
            known = sum(
                v for k, v in row.items() if k not in ("total", "edit (upsert)")
            )
            # the rest of fit_label_model: loop_fit's predictions, MV, dev numbers
            row["fit_loop rest (MV, preds, dev)"] = max(0.0, (t2 - t1) - known)
            for k, v in row.items():
                parts.setdefault(k, []).append(v)
    finally:
        dmod.LabelModelDiagnostics._compute = orig_compute
        dmod.LabelModelDiagnostics._chart = orig_chart
        dmod.LabelModelDiagnostics._render_tables = orig_tables
    text = ""
    if prof is not None:
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(30)
        text = buf.getvalue()
    return parts, text


def studio_edits():
    """Studio edits alternating a Keyword-tab LF and a Code-tab LF (row-wise)."""
    for r in range(REPEATS):
        yield "keyword LF (Keyword tab)", ("keyword", WORDS[3 + 2 * r])
        yield "code LF (Code tab, row-wise)", ("code", WORDS[71 + r])


def kernel_stalls(done: threading.Event) -> float:
    """Longest time the calling (kernel) thread waited beyond a 5 ms nap
    until ``done`` is set: how long a cell or a click would have waited."""
    worst = 0.0
    while not done.is_set():
        t0 = time.perf_counter()
        time.sleep(0.005)
        worst = max(worst, time.perf_counter() - t0 - 0.005)
    return worst


def time_studio(
    df, dev, background: bool, probe: bool = False
) -> dict[str, list[float]]:
    from snorkel_nb.widgets import LabelModelDiagnostics, LFStudio

    s = LFSession(
        df.drop(columns="label"),
        build_lfs(),
        dev_df=dev.drop(columns="label"),
        Y_dev=dev["label"].to_numpy(),
        class_names=["neg", "pos"],
        auto_refit=True,
    )
    studio = LFStudio(s, autosave=False, background=background)
    LabelModelDiagnostics.from_session(s, background=background)
    out: dict[str, list[float]] = {}
    for kind, (tab, word) in studio_edits():
        if tab == "keyword":
            studio.tabs.selected_index = 1
            studio.keywords.value = word
            studio.lf_name.value = "kw_3"
            studio.label.value = 1
        else:
            studio.tabs.selected_index = 0
            studio.code.value = (
                "@labeling_function()\ndef plain_0(x):\n"
                f"    return 1 if {word!r} in x.text else ABSTAIN\n"
            )
        done = threading.Event()
        t0 = time.perf_counter()
        studio.run_button.click()
        t1 = time.perf_counter()
        if probe:
            waiter = threading.Thread(target=lambda d=done: (s.wait(), d.set()))
            waiter.start()
            stall = kernel_stalls(done)
            waiter.join()
        else:
            s.wait()
            stall = t1 - t0  # inline: the kernel was held the whole time
        t2 = time.perf_counter()
        assert studio.last_task.state == "done", studio.status.value
        assert not s.label_model_stale, "the refit did not land"
        measures = (
            [("longest kernel stall meanwhile", stall)]
            if probe
            else [("until the kernel is free", t1 - t0), ("until all landed", t2 - t0)]
        )
        if not background:
            measures.append(("longest kernel stall meanwhile", stall))
        for key, v in measures:
            out.setdefault(f"{kind}: {key}", []).append(v)
    s.runner.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="20k rows; no results file")
    ap.add_argument(
        "--profile", action="store_true", help="print a cProfile of one refit"
    )
    args = ap.parse_args()
    n = 20_000 if args.quick else 100_000

    from snorkel_nb.widgets import LabelModelDiagnostics, LFMatrices

    load_start = os.getloadavg()[0]
    df = make_df(n)
    dev = make_df(2_000, seed=1)
    t0 = time.perf_counter()
    s = LFSession(
        df.drop(columns="label"),
        build_lfs(),
        dev_df=dev.drop(columns="label"),
        Y_dev=dev["label"].to_numpy(),
        class_names=["neg", "pos"],
    )
    s.summary(), s.pairwise("overlap"), s.pairwise("conflict")
    cold = time.perf_counter() - t0
    mats = LFMatrices(s, kind="conflict")
    numbers = time_numbers(s, mats)
    s.on_change(mats._on_session_change, remove=True)  # time the refit path alone
    t0 = time.perf_counter()
    diag = LabelModelDiagnostics.from_session(s)
    first = time.perf_counter() - t0
    refit, prof = time_refit(s, diag, args.profile)
    studio_runs = {bg: time_studio(df, dev, bg) for bg in (False, True)}
    studio_runs[True].update(time_studio(df, dev, True, probe=True))

    med = {k: float(np.median(v)) for k, v in refit.items()}
    mx = {k: float(np.max(v)) for k, v in refit.items()}
    lines = [
        "# LF studio and diagnostics: edit to updated view",
        "",
        f"{n:,} rows, {M} LFs (25 keyword, 5 plain Python), 2,000 dev rows; one LF "
        f"edited {2 * REPEATS} times (keyword and plain Python in turn). One thread "
        "(OMP/MKL/OPENBLAS = 1, torch.set_num_threads(1)).",
        "",
        "## 1. Edit -> numbers updated (goal <= 1 s)",
        "",
        "upsert + summary + overlap and conflict tables + the LF matrices widget "
        "redrawn.",
        "",
        "| edit | median (s) | max (s) |",
        "|---|---|---|",
    ] + [f"| {k} | {np.median(v):.3f} | {np.max(v):.3f} |" for k, v in numbers.items()]
    lines += [
        "",
        "## 2. Edit -> label model refit and diagnostics updated (goal <= 1 s)",
        "",
        "upsert, then `LabelModelDiagnostics.refit()`: `session.fit_label_model()`, "
        "the report, five chart specs, the tables and banner.",
        "",
        "| part | median (s) | max (s) |",
        "|---|---|---|",
    ] + [f"| {k} | {med[k]:.3f} | {mx[k]:.3f} |" for k in refit]
    lines += [
        "",
        "## 3. The studio: edit -> kernel free again, inline vs background",
        "",
        "`LFStudio` Run (auto-refit on, diagnostics following the session): time "
        "until the Run handler returns (the kernel takes the next cell or click), "
        "until the edit, the refit and the diagnostics have all landed, and the "
        "longest the kernel thread waited meanwhile (inline: the whole time; "
        "background: measured in a second pass, as its 5 ms wake-ups slow the "
        "work).",
        "",
        "| edit: measure | inline median (s) | background median (s) "
        "| background max (s) |",
        "|---|---|---|---|",
    ]
    order = ("kernel is free", "all landed", "stall")
    for k in sorted(
        studio_runs[True],
        key=lambda k: (not k.startswith("key"), [o in k for o in order].index(True)),
    ):
        lines.append(
            f"| {k} | {np.median(studio_runs[False][k]):.3f} "
            f"| {np.median(studio_runs[True][k]):.3f} "
            f"| {np.max(studio_runs[True][k]):.3f} |"
        )
    lines += [
        "",
        f"Cold start (all {M} LFs applied + tables): {cold:.2f} s; first "
        f"diagnostics (fit + build): {first:.2f} s.",
        "",
        f"Machine load (1-min load average, {os.cpu_count()} cores): "
        f"{load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
        + (
            " - timings taken UNDER LOAD."
            if max(load_start, os.getloadavg()[0]) > 0.5 * (os.cpu_count() or 1)
            else "."
        ),
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if prof:
        print(prof)
    if not args.quick:
        OUT.parent.mkdir(exist_ok=True)
        OUT.write_text(text)
        print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
