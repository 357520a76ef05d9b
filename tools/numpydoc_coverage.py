"""Count public functions with two or more parameters that have a numpydoc
``Parameters`` section (issue 24's house-order measure).

Usage: python tools/numpydoc_coverage.py [--list] [--sections] [--under PATH ...]

Private modules and names (leading underscore) are skipped, and so are methods
without a docstring of their own that override a documented base method
(``help()`` shows the inherited text).

``--under PATH`` (repeatable) counts only files at or below ``PATH`` (relative
to the repository root, e.g. ``snorkel_nb/distill``), so a package's owner can
measure their part. ``--sections`` also lists the functions that do have a
``Parameters`` section but lack ``Returns`` (when they return a value),
``Raises`` (when they raise something other than ``NotImplementedError``) or
``Examples``.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "snorkel_nb"


def _params(fn: ast.FunctionDef) -> list[str]:
    args = fn.args.args + fn.args.kwonlyargs
    return [a.arg for a in args if a.arg not in ("self", "cls")]


def _selected(rel: Path, under: list[str] | None) -> bool:
    if not under:
        return True
    text = rel.as_posix()
    return any(text == u or text.startswith(u.rstrip("/") + "/") for u in under)


def scan(
    root: Path = ROOT, under: list[str] | None = None
) -> tuple[int, int, dict[str, list[str]]]:
    """Return ``(documented, total, missing_by_file)``."""
    have = total = 0
    missing: dict[str, list[str]] = {}
    for rel, node, owner, doc in _functions(root, under):
        total += 1
        if doc and "Parameters\n" in doc:
            have += 1
        else:
            missing.setdefault(str(rel), []).append(_name(node, owner))
    return have, total, missing


def missing_sections(
    root: Path = ROOT, under: list[str] | None = None
) -> dict[str, list[str]]:
    """``{file: ["name: Returns Raises Examples", ...]}`` for documented
    functions whose docstring lacks a section its code calls for."""
    out: dict[str, list[str]] = {}
    for rel, node, owner, doc in _functions(root, under):
        if not doc or "Parameters\n" not in doc:
            continue
        lack = []
        if _returns_value(node) and "Returns\n" not in doc and "Yields\n" not in doc:
            lack.append("Returns")
        if _raises(node) and "Raises\n" not in doc:
            lack.append("Raises")
        if "Examples\n" not in doc:
            lack.append("Examples")
        if lack:
            out.setdefault(str(rel), []).append(
                f"{_name(node, owner)}: {' '.join(lack)}"
            )
    return out


def _functions(root: Path, under: list[str] | None):
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent)
        if any(p.startswith("_") and p != "__init__.py" for p in rel.parts[1:]):
            continue
        if not _selected(rel, under):
            continue
        tree = ast.parse(path.read_text())
        for node, owner in _walk(tree.body, None):
            if len(_params(node)) < 2:
                continue
            doc = ast.get_docstring(node)
            if doc is None and owner is not None and owner.bases:
                continue  # inherits its base method's docstring
            yield rel, node, owner, doc


def _name(node: ast.FunctionDef, owner: ast.ClassDef | None) -> str:
    return f"{owner.name}.{node.name}" if owner else node.name


def _returns_value(fn: ast.FunctionDef) -> bool:
    for n in ast.walk(fn):
        if isinstance(n, ast.Return) and n.value is not None:
            if not (isinstance(n.value, ast.Constant) and n.value.value is None):
                return True
    return False


def _raises(fn: ast.FunctionDef) -> bool:
    for n in ast.walk(fn):
        if isinstance(n, ast.Raise) and n.exc is not None:
            exc = n.exc.func if isinstance(n.exc, ast.Call) else n.exc
            name = getattr(exc, "id", getattr(exc, "attr", ""))
            if name and name != "NotImplementedError":
                return True
    return False


def _walk(nodes, owner):
    for n in nodes:
        if isinstance(n, ast.ClassDef) and not n.name.startswith("_"):
            yield from _walk(n.body, n)
        elif isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef):
            if not n.name.startswith("_"):
                yield n, owner


def _under_args(argv: list[str]) -> list[str]:
    out = []
    for i, a in enumerate(argv):
        if a == "--under":
            if i + 1 >= len(argv):
                raise SystemExit("--under needs a path, e.g. --under snorkel_nb/viz")
            out.append(argv[i + 1])
    return out


if __name__ == "__main__":
    under = _under_args(sys.argv[1:])
    have, total, missing = scan(under=under)
    where = ""
    if under:
        where = (
            f" under {', '.join(under)}"
            if len(under) <= 3
            else f" under {len(under)} paths"
        )
    print(
        f"{have} of {total} public functions with >= 2 parameters{where} have a "
        f"numpydoc Parameters section ({100 * have / max(total, 1):.0f}%)"
    )
    if "--list" in sys.argv:
        for f, names in sorted(missing.items(), key=lambda kv: -len(kv[1])):
            print(f"{len(names):3d} {f}: {', '.join(names)}")
    if "--sections" in sys.argv:
        gaps = missing_sections(under=under)
        n = sum(map(len, gaps.values()))
        print(f"{n} documented functions{where} lack Returns / Raises / Examples")
        for f, rows in sorted(gaps.items()):
            for r in rows:
                print(f"    {f}: {r}")
