"""Compile LF code, export LF sets as Python source and import them back."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from snorkel_nb.labeling import (
    ABSTAIN,
    LabelingFunction,
    PandasLFApplier,
    labeling_function,
)
from snorkel_nb.labeling.source import (
    LFSourceError,
    compile_lf,
    export_lfs,
    import_lfs,
    lf_source,
)

DF = pd.DataFrame(
    {
        "text": [
            "check out my channel",
            "great song",
            "subscribe now",
            "visit http://x.y",
            "song check",
        ]
    }
)

CODE_A = """
@labeling_function()
def lf_check(x):
    return 1 if "check" in x.text.lower() else ABSTAIN
"""

CODE_B = """
SONG = re.compile(r"\\bsong\\b")

@labeling_function(name="song_ham")
def song(x):
    return 0 if SONG.search(x.text) else ABSTAIN
"""


@labeling_function()
def lf_link(x):
    return 1 if "http" in x.text else ABSTAIN


def test_compile_lf_keeps_source():
    lf = compile_lf(CODE_A)
    assert lf.name == "lf_check" and "def lf_check" in lf.source
    assert lf(pd.Series({"text": "Check it"})) == 1


@pytest.mark.parametrize(
    "code, msg",
    [
        ("def f(x):\n    return 1 +\n", "SyntaxError at line 2"),
        ("x = 1\n", "defines no LabelingFunction"),
        ("def f(x):\n    return 1\n", "decorate with @labeling_function"),
        (CODE_A + CODE_B, "defines 2 LabelingFunctions"),
        ("raise RuntimeError('nope')\n", "RuntimeError"),
        ("", "no code"),
    ],
)
def test_compile_lf_errors(code, msg):
    with pytest.raises(LFSourceError, match=msg):
        compile_lf(code)


def test_runtime_traceback_shows_user_line():
    lf = compile_lf("@labeling_function()\ndef bad(x):\n    return x.missing\n")
    applier = PandasLFApplier([lf])
    with pytest.warns(RuntimeWarning):
        applier.apply(DF, progress_bar=False)
    tb = applier.errors["bad"].traceback
    assert "return x.missing" in tb


def test_export_import_round_trip_same_L(tmp_path):
    lfs = [compile_lf(CODE_A), compile_lf(CODE_B), lf_link]
    text = export_lfs(lfs, tmp_path / "my_lfs.py")
    assert "LFS = [lf_check, song, lf_link]" in text
    back = import_lfs(tmp_path / "my_lfs.py")
    assert [lf.name for lf in back] == ["lf_check", "song_ham", "lf_link"]
    L1 = PandasLFApplier(lfs).apply(DF, progress_bar=False)
    L2 = PandasLFApplier(back).apply(DF, progress_bar=False)
    np.testing.assert_array_equal(L1, L2)
    # exported files are plain importable modules too
    ns: dict = {}
    exec(compile(text, "my_lfs.py", "exec"), ns)
    assert [lf.name for lf in ns["LFS"]] == ["lf_check", "song_ham", "lf_link"]
    # re-export of imported LFs is stable
    assert export_lfs(back) == text


def test_import_plain_module_without_markers():
    back = import_lfs(CODE_A + "\n" + CODE_B)
    assert [lf.name for lf in back] == ["lf_check", "song_ham"]


def test_lambda_lf_cannot_be_exported():
    lf = LabelingFunction("anon", lambda x: ABSTAIN)
    with pytest.raises(LFSourceError, match="cannot export"):
        lf_source(lf)


def test_builder_lfs_round_trip():
    builders = pytest.importorskip("snorkel_nb.labeling.builders")
    lfs = [
        builders.keyword_lf(["check", "subscribe"], label=1),
        builders.regex_lf(r"\bsong\b", label=0, flags=0),
        builders.regex_lf(r"HTTP", label=1),
        builders.lookup_lf("text", {"great song": 0}),
        compile_lf(CODE_A),
    ]
    text = export_lfs(lfs)
    assert (
        "regex_lf(pattern='HTTP', label=1, field='text', name='regex_http', "
        "flags=re.IGNORECASE)" in text
    )
    back = import_lfs(text)
    assert [lf.name for lf in back] == [lf.name for lf in lfs]
    assert [lf.spec for lf in back[:4]] == [lf.spec for lf in lfs[:4]]
    np.testing.assert_array_equal(
        PandasLFApplier(lfs).apply(DF, progress_bar=False),
        PandasLFApplier(back).apply(DF, progress_bar=False),
    )


def test_builder_spec_export():
    lf = LabelingFunction("kw", lambda x: ABSTAIN)
    lf.spec = {"builder": "keyword_lf", "args": {"words": ["a", "b"], "label": 1}}
    assert lf_source(lf) == "kw = keyword_lf(words=['a', 'b'], label=1)\n"
    assert "from snorkel_nb.labeling.builders import keyword_lf" in export_lfs([lf])
