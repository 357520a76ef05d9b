"""``import snorkel_nb.labeling`` leaves torch and scipy's solvers unloaded.

LFs, appliers and analysis do not need them; the label models load them on
first use. (Import *time* is measured in bench/import_bench.py, not here.)
"""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("torch", "scipy.stats", "scipy.optimize", "scipy.sparse", "sklearn", "tqdm")


def _loaded_after(code: str) -> set[str]:
    probe = (
        f"{code}\nimport sys\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    return set(filter(None, out.stdout.strip().split(",")))


def test_import_labeling_loads_no_torch_or_scipy():
    assert _loaded_after("import snorkel_nb.labeling") == set()


def test_lfs_appliers_and_analysis_run_without_torch():
    code = """
import pandas as pd
from snorkel_nb.labeling import LFAnalysis, PandasLFApplier, labeling_function

@labeling_function()
def short(x):
    return 1 if len(x.text) < 5 else -1

L = PandasLFApplier([short]).apply(pd.DataFrame({"text": ["hi", "a long one"]}),
                                   progress_bar=False)
assert L[:, 0].tolist() == [1, -1]
LFAnalysis(L, [short]).lf_summary()
"""
    assert "torch" not in _loaded_after(code)


def test_model_names_still_resolve_and_load_torch_then():
    code = """
from snorkel_nb.labeling import LabelModel, MajorityLabelVoter
from snorkel_nb.labeling.model import LabelModel as LM2
assert LabelModel is LM2 and MajorityLabelVoter.__name__ == "MajorityLabelVoter"
"""
    assert "torch" in _loaded_after(code)
