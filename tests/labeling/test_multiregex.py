"""The multi-regex engine must agree exactly with ``re.search`` row by row."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from snorkel_nb.labeling._multiregex import (
    _SPECIAL_FOLD,
    RegexSet,
    fold_case,
    required_literals,
)

TREC = Path(__file__).resolve().parents[3] / "shared" / "data" / "ws" / "trec"

# -- random patterns over a small alphabet ---------------------------------

_ATOMS = [
    "a",
    "b",
    "ab",
    "ba",
    "A",
    "B",
    " ",
    "İ",
    "ı",
    "ſ",
    "K",
    "s",
    "i",
    "k",
    "é",
    "[ab]",
    "[^a]",
    "[a-c]",
    "[A-B ]",
    ".",
    r"\w",
    r"\W",
    r"\s",
    r"\b",
    "^",
    "$",
    r"\d",
    "(?=a)",
    "(?!b)",
    "(?<=a)",
    "(?<!b)",
    r"(a|b)\1",
    r"\x00",
]


def _wrap(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(children, min_size=2, max_size=4).map("".join),
        st.lists(children, min_size=2, max_size=3).map(
            lambda xs: "(" + "|".join(xs) + ")"
        ),
        st.tuples(
            children,
            st.sampled_from(
                ["*", "+", "?", "{0,2}", "{1,3}", "{2}", "*?", "+?", "{1,}"]
            ),
        ).map(lambda t: "(?:" + t[0] + ")" + t[1]),
        children.map(lambda c: "(?i:" + c + ")"),
        children.map(lambda c: "(?-i:" + c + ")"),
        children.map(lambda c: "(?>" + c + ")"),
    )


patterns = st.recursive(st.sampled_from(_ATOMS), _wrap, max_leaves=8)
texts = st.one_of(
    st.none(),
    st.just(float("nan")),
    st.text(alphabet="abABsSiIkK İıſKé\x00\n1", max_size=12),
)


def _compile(p: str, flags: int) -> re.Pattern[str] | None:
    try:
        return re.compile(p, flags)
    except re.error:
        return None


def _reference(pats: list[re.Pattern[str]], values: list) -> np.ndarray:
    return np.array(
        [
            [isinstance(v, str) and p.search(v) is not None for p in pats]
            for v in values
        ],
        dtype=bool,
    ).reshape(len(values), len(pats))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            patterns,
            st.sampled_from(
                [0, re.IGNORECASE, re.IGNORECASE | re.MULTILINE, re.DOTALL]
            ),
        ),
        min_size=1,
        max_size=4,
    ),
    st.lists(texts, min_size=0, max_size=25),
)
def test_engine_matches_re_search(specs: list[tuple[str, int]], values: list) -> None:
    pats = [c for p, fl in specs if (c := _compile(p, fl)) is not None]
    if not pats:
        return
    got = RegexSet(pats).search_matrix(values)
    np.testing.assert_array_equal(got, _reference(pats, values))


@settings(max_examples=150, deadline=None)
@given(
    patterns,
    st.sampled_from([0, re.IGNORECASE]),
    st.text(alphabet="abABsSiIkK İıſKé\n", max_size=12),
)
def test_required_literals_are_sound(p: str, flags: int, text: str) -> None:
    pat = _compile(p, flags)
    if pat is None or pat.search(text) is None:
        return
    view = fold_case(text) if flags & re.IGNORECASE else text
    for clause in required_literals(pat):
        assert any(lit in view for lit in clause), (p, text, clause)


def test_literal_extraction_examples() -> None:
    def lits(p: str, flags: int = 0) -> list[list[str]]:
        return [sorted(c) for c in required_literals(re.compile(p, flags))]

    assert sorted(lits(r"( |^)(how|how)[^\w]* (\w+ ){0,1}(much|many)")) == [
        ["how"],
        ["many", "much"],
    ]
    assert lits(r"SUBSCRIBE", re.IGNORECASE) == [["subscribe"]]
    assert lits(r"a?b*") == []  # nothing required
    assert lits(r"(ab|\w)c") == [["c"]]  # a branch without literal kills the union
    assert lits(r"(?i:Ab)C") == [["C"]]  # case-insensitive part not modelled raw
    assert lits(r"(?i)xY") == [["xy"]]  # global inline flag folds literals
    assert lits(r"(?:ab){2,}") == [["ab"]]
    assert lits(r"caf(é|e)", re.IGNORECASE) == [["caf"]]  # non-ASCII not modelled


def test_fold_table_is_complete() -> None:
    # Every non-ASCII character that IGNORECASE equates with an ASCII one must
    # fold to that ASCII character.
    allc = "".join(
        chr(c) for c in range(0x80, sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF
    )
    for m in re.finditer(r"(?i)[\x00-\x7f]", allc):
        c = m.group()
        equal = [
            a
            for a in map(chr, range(128))
            if re.fullmatch(re.escape(a), c, re.IGNORECASE)
        ]
        assert equal and all(fold_case(c) == a.lower() for a in equal), c
        assert c.lower() == equal[0].lower() or ord(c) in _SPECIAL_FOLD
    # Conversely (needed for pure-literal patterns, which skip the regex run):
    # an ASCII character produced by folding is one IGNORECASE equates with.
    for c in allc:
        f = fold_case(c)
        if f != c and re.search(r"[\x00-\x7f]", f):
            assert len(f) == 1 and re.fullmatch(re.escape(f), c, re.IGNORECASE), c


def test_pure_literal_patterns_skip_regex_but_agree() -> None:
    from snorkel_nb.labeling._multiregex import _analyse

    cases = {
        ("ab|cd", 0): True,
        ("ab", re.IGNORECASE): True,
        ("a[bc]", re.IGNORECASE): True,
        ("(?-i:A)b", re.IGNORECASE): False,
        ("^ab", 0): False,
        ("ab", re.IGNORECASE | re.ASCII): False,
        (r"(?<!\w)ab", re.IGNORECASE): False,
        ("a?", 0): False,
    }
    values = ["AB", "ab", "xAc", "İ", "cd", "ſab", "K", None, "Ab", "zz"]
    for (p, fl), pure in cases.items():
        pat = re.compile(p, fl)
        assert _analyse(pat)[1] is pure, p
        np.testing.assert_array_equal(
            RegexSet([pat]).search_matrix(values), _reference([pat], values)
        )


def test_separator_and_non_strings() -> None:
    pats = [re.compile("a\x00b"), re.compile("b$", re.MULTILINE), re.compile("^a")]
    values = ["a\x00b", "xa", "b\na", None, 3, float("nan"), "", "ab"]
    np.testing.assert_array_equal(
        RegexSet(pats).search_matrix(values), _reference(pats, values)
    )


def test_many_hits_switch_path() -> None:
    # Over 1 in 8 rows hit: the scan switches to per-row tests midway.
    values = ["the cat"] * 300 + ["dog"] * 300 + ["a cat"] * 50
    pats = [re.compile("cat"), re.compile("dog|cow"), re.compile("CAT", re.IGNORECASE)]
    np.testing.assert_array_equal(
        RegexSet(pats).search_matrix(values), _reference(pats, values)
    )


@pytest.mark.skipif(not (TREC / "rule.txt").exists(), reason="shared TREC data absent")
@pytest.mark.parametrize("flags", [0, re.IGNORECASE])
def test_trec_rules_on_real_questions(flags: int) -> None:
    rules = [ln.split("\t") for ln in (TREC / "rule.txt").read_text().splitlines()]
    qs = [
        ln.split(":", 1)[1]
        for ln in (TREC / "train.txt").read_text(encoding="latin-1").splitlines()
    ][:2000]
    qs = qs + [q.upper() for q in qs[:300]] + [None]
    pats = [re.compile(r[1], flags) for r in rules]
    assert len(pats) == 68
    assert all(required_literals(p) for p in pats)  # every rule gets a prefilter
    np.testing.assert_array_equal(
        RegexSet(pats).search_matrix(qs), _reference(pats, qs)
    )
