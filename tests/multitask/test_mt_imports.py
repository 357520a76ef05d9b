"""snorkel_nb.multitask stays opt-in: only widgets/, bench/ and tests import it."""

from __future__ import annotations

import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import snorkel_nb

ROOT = Path(snorkel_nb.__file__).parent
IMPORT = re.compile(r"^\s*(from|import)\s+snorkel_nb\.multitask\b", re.M)


def test_no_engine_module_imports_multitask():
    offenders = [
        str(p.relative_to(ROOT))
        for p in ROOT.rglob("*.py")
        if p.relative_to(ROOT).parts[0] not in ("multitask", "widgets")
        and IMPORT.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_importing_the_rest_of_the_package_leaves_multitask_unloaded():
    names = [
        m.name
        for m in pkgutil.iter_modules(snorkel_nb.__path__, "snorkel_nb.")
        if m.name not in ("snorkel_nb.multitask", "snorkel_nb.widgets")
    ]
    code = (
        "import importlib, sys\n"
        f"for n in {names!r}:\n    importlib.import_module(n)\n"
        "print('snorkel_nb.multitask' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
