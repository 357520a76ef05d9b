"""Every figure the README's benchmark section quotes comes from bench/results/.

A paragraph (or table) cites its results file (``bench/results/x.md``, or the
bench script ``bench/x_bench.py`` whose results file is ``bench/results/x.md``);
the citation carries on to the following blocks until another one appears.
Each decimal figure in a block (``0.732``, ``106,137``, ``+1.93``, ``1.2e-07``)
must occur in one of the cited files.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIGURE = re.compile(r"(?<![\w.])\d+(?:,\d{3})+(?:\.\d+)?|(?<![\w.])\d+\.\d+(?:e-?\d+)?")
RESULTS = re.compile(r"bench/results/([\w.-]+\.md)")
SCRIPT = re.compile(r"bench/(\w+)_bench\.py")


def _benchmark_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Benchmarks", 1)[1].split("\n## ", 1)[0]
    return [b for b in section.split("\n\n") if b.strip()]


def test_readme_figures_come_from_bench_results():
    cited: list[Path] = []
    missing = []
    for block in _benchmark_blocks():
        files = [ROOT / "bench" / "results" / f for f in RESULTS.findall(block)]
        files += [ROOT / "bench" / "results" / f"{s}.md" for s in SCRIPT.findall(block)]
        if files:
            cited = files
        figures = FIGURE.findall(block)
        if not figures:
            continue
        assert cited, f"figures without a cited results file: {block[:80]!r}"
        for f in cited:
            assert f.exists(), f"README cites {f.relative_to(ROOT)}, which is missing"
        source = "\n".join(f.read_text() for f in cited)
        missing += [(fig, block[:60]) for fig in figures if fig not in source]
    assert not missing, f"figures not found in their results files: {missing}"
