"""Count public functions with two or more parameters that have a numpydoc
``Parameters`` section (issue 24's house-order measure).

Usage: python tools/numpydoc_coverage.py [--list]

Private modules and names (leading underscore) are skipped, and so are methods
without a docstring of their own that override a documented base method
(``help()`` shows the inherited text).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "snorkel_nb"


def _params(fn: ast.FunctionDef) -> list[str]:
    args = fn.args.args + fn.args.kwonlyargs
    return [a.arg for a in args if a.arg not in ("self", "cls")]


def scan(root: Path = ROOT) -> tuple[int, int, dict[str, list[str]]]:
    """Return ``(documented, total, missing_by_file)``."""
    have = total = 0
    missing: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent)
        if any(p.startswith("_") and p != "__init__.py" for p in rel.parts[1:]):
            continue
        tree = ast.parse(path.read_text())
        for node, owner in _walk(tree.body, None):
            if len(_params(node)) < 2:
                continue
            doc = ast.get_docstring(node)
            if doc is None and owner is not None and owner.bases:
                continue  # inherits its base method's docstring
            total += 1
            if doc and "Parameters\n" in doc:
                have += 1
            else:
                name = f"{owner.name}.{node.name}" if owner else node.name
                missing.setdefault(str(rel), []).append(name)
    return have, total, missing


def _walk(nodes, owner):
    for n in nodes:
        if isinstance(n, ast.ClassDef) and not n.name.startswith("_"):
            yield from _walk(n.body, n)
        elif isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef):
            if not n.name.startswith("_"):
                yield n, owner


if __name__ == "__main__":
    have, total, missing = scan()
    print(
        f"{have} of {total} public functions with >= 2 parameters have a "
        f"numpydoc Parameters section ({100 * have / max(total, 1):.0f}%)"
    )
    if "--list" in sys.argv:
        for f, names in sorted(missing.items(), key=lambda kv: -len(kv[1])):
            print(f"{len(names):3d} {f}: {', '.join(names)}")
