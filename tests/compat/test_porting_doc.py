"""docs/porting.md stays true: its Snorkel script runs with the root rewritten."""

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "porting.md"


def _blocks(kind):
    return re.findall(rf"```{kind}\n(.*?)```", DOC.read_text(), flags=re.S)


@pytest.fixture(scope="module")
def rewrite():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        from run_snorkel_tests import rewrite
    finally:
        sys.path.pop(0)
    return rewrite


def test_the_diff_is_the_import_root_only(rewrite):
    script = _blocks("python")[0]
    diff = _blocks("diff")[0].splitlines()
    removed = [line[1:] for line in diff if line.startswith("-")]
    added = [line[1:] for line in diff if line.startswith("+")]
    assert removed == [
        line
        for line in script.splitlines()
        if line.startswith(("from snorkel.", "import snorkel"))
    ]
    assert added == [rewrite(line) for line in removed]


def test_the_ported_script_runs(rewrite, capsys):
    code = rewrite(_blocks("python")[0])
    assert "from snorkel." not in code
    exec(compile(code, str(DOC), "exec"), {"__name__": "porting_doc"})
    out = capsys.readouterr().out
    n_dev = re.search(r"(\d+) rows -> (\d+) after augmentation", out)
    assert n_dev and int(n_dev.group(2)) == 2 * int(n_dev.group(1))
    assert "dev rows have a link" in out and "overall" in out
