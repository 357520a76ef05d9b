"""Execute notebooks in place so committed outputs come from one script.

Usage: python tools/run_notebooks.py tutorials/01_spam.ipynb [...]
Full data unless SNORKEL_NB_SMALL=1 is set. Widget state is stripped.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def run(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    t0 = time.time()
    NotebookClient(
        nb,
        timeout=900,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)
    print(f"{path}: executed in {time.time() - t0:.1f}s")


if __name__ == "__main__":
    for p in sys.argv[1:]:
        run(Path(p))
