"""The engine never imports the UI stack (ipywidgets, altair, IPython).

The engine modules are found by walking the ``snorkel_nb`` package, so a new
package (multitask, distill, ...) is checked the day it lands, with no list to
keep. Only the UI packages are skipped.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import snorkel_nb

UI_PACKAGES = ("snorkel_nb.widgets", "snorkel_nb.viz")
UI = ("ipywidgets", "altair", "IPython", "anywidget", "vl_convert")


def engine_modules() -> list[str]:
    """Every module under ``snorkel_nb`` outside the UI packages.

    ``pkgutil.iter_modules`` per package rather than ``pkgutil.walk_packages``:
    the latter imports each package to recurse into it, which would import the
    UI packages it is meant to skip (and make this test pass vacuously).
    """
    found = ["snorkel_nb"]
    todo = [(snorkel_nb.__path__, "snorkel_nb.")]
    while todo:
        path, prefix = todo.pop()
        for info in pkgutil.iter_modules(path):
            name = prefix + info.name
            if name.startswith(UI_PACKAGES):
                continue
            found.append(name)
            if info.ispkg:
                todo.append(([f"{info.module_finder.path}/{info.name}"], name + "."))
    return sorted(found)


def test_the_walk_finds_the_engine_and_skips_the_ui():
    mods = engine_modules()
    for expected in (
        "snorkel_nb.labeling.apply",
        "snorkel_nb.labeling.model.core",
        "snorkel_nb.labeling.explain.grammar",
        "snorkel_nb.exhaust",
        "snorkel_nb.demo",
        "snorkel_nb.progress",
    ):
        assert expected in mods
    assert not [m for m in mods if m.startswith(UI_PACKAGES)]


def test_engine_does_not_import_ui_modules():
    code = f"""
import importlib, sys
for name in {engine_modules()!r}:
    importlib.import_module(name)
print(",".join(sorted(m for m in sys.modules if m.split(".")[0] in {UI!r})))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"engine imported UI modules: {out.stdout}"


def test_widgets_package_is_where_the_ui_lives():
    code = (
        "import sys, snorkel_nb.widgets; "
        "print('ipywidgets' in sys.modules and 'altair' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert out.stdout.strip() == "True", out.stderr
