"""Import-time benchmark: how long ``import snorkel_nb.labeling`` takes.

Why: a newcomer's first command is an import; LFs, appliers and analysis must
not pay for torch and scipy, which only the label models need (issue 24 goal:
< 1 s). Each repeat is a fresh interpreter run with ``python -X importtime``;
we report the median wall time of the import statement and the modules with
the largest cumulative import time, next to peers measured in the same run
(bare interpreter, numpy, pandas, and the label models, which do load torch).

Run: ``PYTHONPATH=$PWD python bench/import_bench.py [--repeats 7]``
Writes ``bench/results/import.md``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

for _v in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_v] = "1"

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "import.md"
TIMED = """
import time
t0 = time.perf_counter()
{stmt}
print(time.perf_counter() - t0)
"""
CASES = {
    "numpy": "import numpy",
    "pandas": "import pandas",
    "snorkel_nb.labeling": "import snorkel_nb.labeling",
    "snorkel_nb.labeling + LabelModel": (
        "import snorkel_nb.labeling; snorkel_nb.labeling.LabelModel"
    ),
}


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT), env.get("PYTHONPATH")])
    )
    return env


def time_import(stmt: str) -> float:
    """Seconds the statement takes in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", TIMED.format(stmt=stmt)],
        capture_output=True,
        text=True,
        env=_env(),
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def top_modules(stmt: str, k: int = 10) -> list[tuple[str, float]]:
    """Top-level packages (not snorkel_nb itself) by cumulative import time."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", stmt],
        capture_output=True,
        text=True,
        env=_env(),
        check=True,
    )
    rows = {}
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cum, name = (p.strip() for p in line.split(":", 1)[1].split("|"))
        if "." not in name and name != "snorkel_nb":
            rows[name] = max(rows.get(name, 0.0), int(cum) / 1e6)
    return sorted(rows.items(), key=lambda r: -r[1])[:k]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    medians = {}
    for label, stmt in CASES.items():
        times = [time_import(stmt) for _ in range(args.repeats)]
        medians[label] = (statistics.median(times), min(times), max(times))
        print(f"{label:36s} median {medians[label][0]:.3f} s")
    top = top_modules("import snorkel_nb.labeling")
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, snorkel_nb.labeling; print(','.join("
            "m for m in ('torch', 'scipy.stats', 'scipy.optimize', 'scipy.sparse', "
            "'sklearn', 'pandas') if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        env=_env(),
        check=True,
    ).stdout.strip()
    lines = [
        "# Import time",
        "",
        f"`python bench/import_bench.py --repeats {args.repeats}`: each repeat is a "
        "fresh interpreter; time of the import statement alone (interpreter start "
        f"excluded), Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        "shared machine (other jobs running), threads pinned to 1.",
        "",
        "| import | median s | min s | max s |",
        "|---|---:|---:|---:|",
    ]
    for label, (med, lo, hi) in medians.items():
        lines.append(f"| `{label}` | {med:.3f} | {lo:.3f} | {hi:.3f} |")
    lines += [
        "",
        f"Heavy modules loaded by `import snorkel_nb.labeling`: `{loaded or 'none'}`.",
        "",
        "Largest cumulative import times (`python -X importtime -c "
        '"import snorkel_nb.labeling"`, one run, top-level packages):',
        "",
        "| module | cumulative s |",
        "|---|---:|",
    ]
    lines += [f"| `{name}` | {sec:.3f} |" for name, sec in top]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
