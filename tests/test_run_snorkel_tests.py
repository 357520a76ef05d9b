"""tools/run_snorkel_tests.py: rewrites only the import root and counts by module."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "run_snorkel_tests.py"


def test_runner_counts_a_small_snorkel_style_suite(tmp_path):
    tests = tmp_path / "test" / "utils"
    tests.mkdir(parents=True)
    (tests / "test_core.py").write_text(
        "import numpy as np\n"
        "from snorkel.utils import probs_to_preds\n"
        "import snorkel.utils as su\n\n"
        "def test_ok():\n"
        "    assert probs_to_preds(np.array([[0.2, 0.8]])).tolist() == [1]\n"
        "    assert su.preds_to_probs(np.array([1]), 2).tolist() == [[0, 1]]\n\n"
        "def test_fails():\n"
        "    assert 'snorkel.utils' == 'rewritten too'\n"
    )
    (tests / "test_spark_thing.py").write_text("def test_x():\n    raise SystemExit\n")
    (tests / "test_missing.py").write_text(
        "from snorkel.nowhere import x\n\ndef test_a():\n    pass\n\n"
        "def test_b():\n    pass\n")
    out = tmp_path / "out.md"
    proc = subprocess.run(
        [sys.executable, str(TOOL), str(tmp_path / "test"), "--markdown", str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    table = out.read_text()
    assert "| utils.test_core | 1 | 1 | 0 | 0 | 2 |" in table
    assert "| utils.test_missing | 0 | 0 | 2 | 0 | 2 |" in table  # import error
    assert "spark" not in table  # Spark tests are left out
    assert "| **all** | **1** | 1 | 2 | 0 | 4 |" in table
