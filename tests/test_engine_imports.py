"""The engine never imports the UI stack (ipywidgets, altair, IPython)."""

from __future__ import annotations

import subprocess
import sys

ENGINE = [
    "snorkel_nb",
    "snorkel_nb.labeling",
    "snorkel_nb.labeling.session",
    "snorkel_nb.labeling.source",
    "snorkel_nb.labeling.analysis",
    "snorkel_nb.labeling.apply",
    "snorkel_nb.labeling.model",
]
OPTIONAL = ["snorkel_nb.labeling.builders", "snorkel_nb.datasets",
            "snorkel_nb.labeling.explain", "snorkel_nb.exhaust", "snorkel_nb.multitask",
            "snorkel_nb.distill"]
UI = ("ipywidgets", "altair", "IPython", "anywidget", "vl_convert")


def test_engine_does_not_import_ui_modules():
    code = f"""
import importlib, importlib.util, sys
for name in {ENGINE!r}:
    importlib.import_module(name)
for name in {OPTIONAL!r}:
    try:
        found = importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        found = False
    if found:
        importlib.import_module(name)
bad = sorted(m for m in sys.modules if m.split(".")[0] in {UI!r})
print(",".join(bad))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"engine imported UI modules: {out.stdout}"


def test_widgets_package_is_where_the_ui_lives():
    code = ("import sys, snorkel_nb.widgets; "
            "print('ipywidgets' in sys.modules and 'altair' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.stdout.strip() == "True", out.stderr
