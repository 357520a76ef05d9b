"""tools/numpydoc_coverage.py: counts on a small hand-written package."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "numpydoc_coverage.py"

DOCUMENTED = '''
def documented(a, b):
    """Add.

    Parameters
    ----------
    a, b : int

    Returns
    -------
    int

    Examples
    --------
    >>> documented(1, 2)
    3
    """
    return a + b
'''

UNDOCUMENTED = '''
def bare(a, b):
    return a

def one_param(a):
    return a

def _private(a, b):
    return a

class Base:
    def method(self, x, y):
        """No sections."""
        if x:
            raise ValueError("x")
        return y

class Child(Base):
    def method(self, x, y):
        return x
'''

HALF = '''
def half(a, b):
    """Parameters but nothing else.

    Parameters
    ----------
    a, b : int
    """
    if a < 0:
        raise ValueError("a")
    return a
'''


def _tool():
    spec = importlib.util.spec_from_file_location("numpydoc_coverage", TOOL)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _package(tmp_path: Path) -> Path:
    pkg = tmp_path / "snorkel_nb"
    (pkg / "a").mkdir(parents=True)
    (pkg / "_private_pkg").mkdir()
    (pkg / "a" / "good.py").write_text(DOCUMENTED)
    (pkg / "a" / "half.py").write_text(HALF)
    (pkg / "bad.py").write_text(UNDOCUMENTED)
    (pkg / "_private_pkg" / "skipped.py").write_text(UNDOCUMENTED)
    return pkg


def test_counts_only_public_functions_with_two_parameters(tmp_path):
    tool = _tool()
    have, total, missing = tool.scan(_package(tmp_path))
    # documented + half have Parameters; bare and Base.method do not;
    # one_param, _private, Child.method (inherits) and _private_pkg are skipped
    assert (have, total) == (2, 4)
    assert missing == {"snorkel_nb/bad.py": ["bare", "Base.method"]}


def test_under_restricts_to_a_folder_or_file(tmp_path):
    tool = _tool()
    pkg = _package(tmp_path)
    assert tool.scan(pkg, under=["snorkel_nb/a"])[:2] == (2, 2)
    assert tool.scan(pkg, under=["snorkel_nb/bad.py"])[:2] == (0, 2)
    assert tool.scan(pkg, under=["snorkel_nb/ab"])[:2] == (0, 0)  # no prefix match


def test_sections_names_what_a_documented_function_lacks(tmp_path):
    tool = _tool()
    gaps = tool.missing_sections(_package(tmp_path))
    assert gaps == {"snorkel_nb/a/half.py": ["half: Returns Raises Examples"]}
