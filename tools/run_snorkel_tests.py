"""Run a local copy of Snorkel's public-API tests against snorkel_nb.

Snorkel's tests are not in this repository (they are Snorkel's code). Point
this script at a local directory holding them (e.g. the ``test/`` folder of a
Snorkel 0.9/0.10 source distribution). It copies them to a temporary folder,
rewrites the import root ``snorkel`` -> ``snorkel_nb`` and nothing else, runs
pytest there and prints pass counts by test module (Markdown with
``--markdown``). Nothing is fetched from the network.

Spark tests are left out (Dask is our distributed engine)::

    python tools/run_snorkel_tests.py /path/to/snorkel/test --markdown out.md
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SKIP_PATTERNS = ("spark",)  # not a goal: Spark appliers
_IMPORT = re.compile(r"\b(from|import)\s+snorkel(?=[\s.])")
_DOTTED = re.compile(r"(?<![\w.])snorkel\.(?=[a-z_])")


def rewrite(source: str) -> str:
    """Change the import root only: ``snorkel`` -> ``snorkel_nb``.

    >>> rewrite("from snorkel.labeling import LFAnalysis")
    'from snorkel_nb.labeling import LFAnalysis'
    >>> rewrite("import snorkel.utils as u; x = snorkel.utils.f")
    'import snorkel_nb.utils as u; x = snorkel_nb.utils.f'
    """
    source = _IMPORT.sub(lambda m: f"{m.group(1)} snorkel_nb", source)
    return _DOTTED.sub("snorkel_nb.", source)


def copy_rewritten(src: Path, dst: Path, root: str = "snorkel_nb") -> list[Path]:
    """Copy ``src``'s test tree to ``dst`` rewritten; return the test files."""
    files = []
    for path in sorted(src.rglob("*.py")):
        rel = path.relative_to(src)
        if any(p in str(rel).lower() for p in SKIP_PATTERNS):
            continue
        out = dst / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text()
        out.write_text(rewrite(text) if root == "snorkel_nb" else text)
        if path.name.startswith("test_"):
            files.append(rel)
    for d in [dst, *[p for p in dst.rglob("*") if p.is_dir()]]:
        (d / "__init__.py").touch()
    return files


def summarise(junit: Path) -> dict[str, dict[str, int]]:
    """Counts of passed / failed / error / skipped tests per test module."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for case in ET.parse(junit).getroot().iter("testcase"):
        classname = case.get("classname", "")
        if classname:  # "pkg.test_mod.TestClass" or, for a function, "pkg.test_mod"
            head, _, last = classname.rpartition(".")
            module = classname if last.startswith("test") else head
        else:  # a module that failed to import
            module = case.get("name", "?")
        if case.find("skipped") is not None:
            outcome = "skipped"
        elif case.find("error") is not None:
            outcome = "error"
        elif case.find("failure") is not None:
            outcome = "failed"
        else:
            outcome = "passed"
        counts[module][outcome] += 1
    return counts


def count_tests(path: Path) -> int:
    """Test functions in a file, counted without importing it (for import errors)."""
    tree = ast.parse(path.read_text())
    return sum(isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
               and node.name.startswith("test") for node in ast.walk(tree))


def fill_import_errors(counts: dict[str, dict[str, int]], root: Path) -> None:
    """A file that failed to import counts each of its tests as one error."""
    for module, c in counts.items():
        if c.get("error") == 1 and sum(c.values()) == 1:
            path = root / (module.replace(".", "/") + ".py")
            if path.exists():
                c["error"] = max(1, count_tests(path))


def table(counts: dict[str, dict[str, int]]) -> str:
    rows = ["| module | passed | failed | error (incl. import) | skipped | total |",
            "| --- | ---: | ---: | ---: | ---: | ---: |"]
    tot: dict[str, int] = defaultdict(int)
    for module in sorted(counts):
        c = counts[module]
        n = sum(c.values())
        for k in ("passed", "failed", "error", "skipped"):
            tot[k] += c[k]
        tot["total"] += n
        rows.append(f"| {module} | {c['passed']} | {c['failed']} | {c['error']} | "
                    f"{c['skipped']} | {n} |")
    rows.append(f"| **all** | **{tot['passed']}** | {tot['failed']} | {tot['error']} "
                f"| {tot['skipped']} | {tot['total']} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tests", type=Path, help="local folder of Snorkel's tests")
    ap.add_argument("--markdown", type=Path, help="write the table here too")
    ap.add_argument("--extra-path", action="append", default=[],
                    help="folder appended to sys.path (e.g. optional spaCy)")
    ap.add_argument("-k", default=None, help="pytest -k expression")
    ap.add_argument("--against", choices=["snorkel_nb", "snorkel"],
                    default="snorkel_nb",
                    help="'snorkel' runs the tests unchanged against an installed "
                    "Snorkel: a baseline that shows which tests hold there")
    ap.add_argument("--timeout", type=int, default=900)
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print pytest's own output (failures) too")
    args = ap.parse_args(argv)
    if not args.tests.is_dir():
        ap.error(f"{args.tests} is not a folder")
    with tempfile.TemporaryDirectory(prefix="snorkel_tests_") as tmp:
        dst = Path(tmp) / "snorkel_public_tests"
        files = copy_rewritten(args.tests, dst, args.against)
        (Path(tmp) / "conftest.py").write_text(
            "import sys\n"
            f"sys.path[:0] = [{str(REPO)!r}]\n"
            f"sys.path.extend({[str(Path(p).resolve()) for p in args.extra_path]!r})\n"
        )
        junit = Path(tmp) / "junit.xml"
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
               "-o", "addopts=", "--rootdir", tmp,
               "--continue-on-collection-errors", f"--junitxml={junit}",
               "-W", "ignore::DeprecationWarning", str(dst)]
        if args.k:
            cmd += ["-k", args.k]
        env = dict(os.environ, PYTHONPATH=str(REPO), MPLBACKEND="Agg")
        proc = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True,
                              timeout=args.timeout)
        tail = "\n".join(proc.stdout.strip().splitlines()[-3:])
        if not junit.exists():
            print(proc.stdout[-5000:], proc.stderr[-5000:])
            return 2
        if args.verbose:
            print(proc.stdout)
        counts = summarise(junit)
        counts = {m.removeprefix(dst.name + "."): c for m, c in counts.items()}
        fill_import_errors(counts, dst)
        how = ("import root rewritten to snorkel_nb" if args.against == "snorkel_nb"
               else "run unchanged against the installed Snorkel")
        text = (f"Snorkel public-API tests ({len(files)} files, Spark left out), "
                f"{how}:\n\n" + table(counts)
                + f"\n\npytest: {tail.splitlines()[-1] if tail else ''}\n")
        print(text)
        if args.markdown:
            args.markdown.write_text(text)
        shutil.rmtree(dst, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
