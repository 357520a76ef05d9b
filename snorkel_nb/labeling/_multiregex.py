"""Fast evaluation of many regular expressions over one text column.

Applying ``m`` regex LFs naively costs ``n * m`` calls to ``re.search``. Most of
them fail, and real LF regexes (e.g. ``( |^)(who)[^\\w]* ([^\\s]+ )*(man|woman)``)
backtrack a lot while failing. This module gives *identical* results to
``pattern.search(text) is not None`` for every (row, pattern) pair, but runs
each regex only on the rows that can possibly match:

1. **Required-literal analysis.** From the parse tree (``re._parser``) of each
   pattern we derive a conjunction of *clauses*; a clause is a set of literal
   strings at least one of which occurs in every match (hence in the text).
   Concatenation keeps every clause of its items and glues adjacent fixed
   strings together; alternation takes the union of one clause per branch
   (no clause if any branch has none); a repeat with ``min >= 1`` keeps its
   body's clauses; optional parts give nothing. Case-insensitive patterns get
   lower-cased ASCII literals and are matched against a *folded* text in
   which every character that ``re.IGNORECASE`` equates with an ASCII
   character is mapped to its lower-case ASCII form.
2. **One scan per distinct literal.** The (folded) column is joined into one
   string and each distinct literal is located with ``str.split`` (C speed,
   ``memchr``-accelerated); occurrence offsets map to rows with
   ``np.searchsorted``. Literals shared by several patterns are scanned once;
   later clauses of a pattern are checked only on the surviving rows.
3. **Regex on candidates.** Each pattern runs only on its candidate rows.
   Patterns with no usable literal fall back to a full scan.

Examples
--------
>>> import re
>>> pats = [re.compile(r"check.*out", re.I), re.compile(r"\\bsubscribe\\b")]
>>> search_matrix(pats, ["Check it out", "please subscribe", None]).tolist()
[[True, False], [False, True], [False, False]]
>>> [sorted(c) for c in required_literals(re.compile(r"(who|what).* (is|was)"))]
[['what', 'who'], [' is', ' was']]
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

try:  # Python >= 3.11
    from re import _constants as _c
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

__all__ = [
    "RegexSet",
    "fold_case",
    "required_literals",
    "search_matrix",
]

#: Largest set of alternative fixed strings tracked for one sub-pattern.
_MAX_EXACT = 64
#: Largest character class expanded into single-character alternatives.
_MAX_CLASS = 10
#: Largest repeat count expanded when the body is a small fixed-string set.
_MAX_REPEAT_EXPAND = 4

# Non-ASCII characters that ``re.IGNORECASE`` (Unicode mode) treats as equal to
# an ASCII character but whose ``str.lower()`` is not that character. Found by
# brute force over all code points; ``tests/labeling/test_multiregex.py`` re-derives it.
_SPECIAL_FOLD = {0x130: "i", 0x131: "i", 0x17F: "s"}

_IGNORECASE = int(re.IGNORECASE)


def fold_case(s: str) -> str:
    """Fold ``s`` so that a case-insensitive match implies a plain substring.

    If ``re.search(lit, s, re.IGNORECASE)`` matches for an ASCII string
    ``lit``, then ``lit.lower()`` is a substring of ``fold_case(s)``.

    Examples
    --------
    >>> fold_case("Straße İS ſo")
    'straße is so'
    """
    t = s.lower()
    if s.isascii():
        return t
    # "İ".lower() is "i" + U+0307; "ı" and "ſ" are unchanged by lower().
    if "\u0307" in t or "ı" in t or "ſ" in t:
        return s.translate(_SPECIAL_FOLD).lower()
    return t


# --------------------------------------------------------------------------
# Required-literal analysis
# --------------------------------------------------------------------------


class _Info:
    """What a sub-pattern guarantees about the text it matches.

    ``exact``: the finite set of strings it can match (or None if unknown or
    too large). ``clauses``: list of literal sets; every match contains at
    least one literal of each set. ``pure``: ``exact`` is exactly what the
    sub-pattern matches, with no zero-width conditions and with the same case
    semantics as a substring test in the scanned view of the text; a whole
    pattern that is pure needs no regex run at all.
    """

    __slots__ = ("clauses", "exact", "pure")

    def __init__(
        self,
        exact: frozenset[str] | None,
        clauses: list[frozenset[str]] | None = None,
        pure: bool = False,
    ) -> None:
        self.exact = exact
        self.clauses = clauses or []
        self.pure = pure and exact is not None


_UNKNOWN = _Info(None)
_EMPTY = _Info(frozenset({""}))  # zero-width assertion: not pure


def _char(c: str, icase: bool, folded: bool) -> tuple[str | None, bool]:
    """The literal form of pattern character ``c`` (None if not modelled), and
    whether a substring test on it is *exactly* what the regex does.

    ``icase``: the character is matched case-insensitively; ``folded``: literals
    are looked up in the :func:`fold_case` view of the text. Non-ASCII
    characters are not modelled in either case-insensitive setting.
    """
    if folded:
        if not c.isascii():
            return None, False
        # A case-sensitive letter found in folded text may have had the other case.
        return c.lower(), icase or not c.isalpha()
    if icase and (not c.isascii() or c.isalpha()):
        return None, False
    return c, True


def _lit(ch: int, icase: bool, folded: bool) -> _Info:
    c, pure = _char(chr(ch), icase, folded)
    return _UNKNOWN if c is None else _Info(frozenset({c}), pure=pure)


def _class(items: list[tuple[Any, Any]], icase: bool, folded: bool) -> _Info:
    chars: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            chars.add(chr(av))
        elif op is _c.RANGE:
            lo, hi = av
            if hi - lo + 1 > _MAX_CLASS:
                return _UNKNOWN
            chars.update(chr(x) for x in range(lo, hi + 1))
        else:  # NEGATE, CATEGORY, ...
            return _UNKNOWN
        if len(chars) > _MAX_CLASS:
            return _UNKNOWN
    forms = [_char(c, icase, folded) for c in chars]
    if any(c is None for c, _ in forms):
        return _UNKNOWN
    lits = frozenset(c for c, _ in forms)
    return _Info(lits, pure=all(p for _, p in forms))  # type: ignore[arg-type]


def _best_clause(info: _Info) -> frozenset[str] | None:
    """The single most selective clause of ``info`` (None if there is none)."""
    cands = list(info.clauses)
    if info.exact is not None and "" not in info.exact:
        cands.append(info.exact)
    if not cands:
        return None
    return max(cands, key=_clause_score)


def _clause_score(clause: frozenset[str]) -> tuple[int, int]:
    # Longer shortest literal = rarer; fewer alternatives = fewer scans.
    return (min(len(s) for s in clause), -len(clause))


def _cross(a: frozenset[str], b: frozenset[str]) -> frozenset[str] | None:
    if len(a) * len(b) > _MAX_EXACT:
        return None
    return frozenset(x + y for x in a for y in b)


def _seq(items: Iterable[tuple[Any, Any]], icase: bool, folded: bool) -> _Info:
    clauses: list[frozenset[str]] = []
    cur: frozenset[str] | None = frozenset({""})
    all_exact = True
    pure = True
    for op, av in items:
        info = _node(op, av, icase, folded)
        pure = pure and info.pure
        if info.exact is not None and cur is not None:
            joined = _cross(cur, info.exact)
            if joined is not None:
                cur = joined
                continue
        # The run of fixed strings ends here.
        all_exact = False
        if cur is not None and "" not in cur:
            clauses.append(cur)
        clauses.extend(info.clauses)
        if info.exact is not None:
            cur = info.exact  # start a new run with this item
        else:
            cur = frozenset({""})
    if all_exact:
        return _Info(cur, [], pure=pure)
    if cur is not None and "" not in cur:
        clauses.append(cur)
    return _Info(None, clauses)


def _node(op: Any, av: Any, icase: bool, folded: bool) -> _Info:
    if op is _c.LITERAL:
        return _lit(av, icase, folded)
    if op is _c.IN:
        return _class(av, icase, folded)
    if op is _c.AT or op in (_c.ASSERT, _c.ASSERT_NOT):
        return _EMPTY  # zero-width: consumes nothing, so runs stay contiguous
    if op is _c.SUBPATTERN:
        _group, add_flags, del_flags, p = av
        if add_flags & _IGNORECASE:
            icase = True
        if del_flags & _IGNORECASE:
            icase = False
        return _seq(p, icase, folded)
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return _seq(av, icase, folded)
    if op is _c.BRANCH:
        _, branches = av
        infos = [_seq(b, icase, folded) for b in branches]
        exact: frozenset[str] | None = frozenset()
        for i in infos:
            if i.exact is None or exact is None:
                exact = None
                break
            exact = exact | i.exact
        if exact is not None and len(exact) > _MAX_EXACT:
            exact = None
        if exact is not None:
            return _Info(exact, pure=all(i.pure for i in infos))
        union: set[str] = set()
        for i in infos:
            best = _best_clause(i)
            if best is None:
                return _UNKNOWN
            union |= best
        return _Info(None, [_minimise(frozenset(union))])
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) or op is getattr(
        _c, "POSSESSIVE_REPEAT", None
    ):
        lo, hi, p = av
        body = _seq(p, icase, folded)
        if (
            body.exact is not None
            and hi is not _c.MAXREPEAT
            and hi <= _MAX_REPEAT_EXPAND
        ):
            out: set[str] = set()
            power = frozenset({""})
            for k in range(hi + 1):
                if k >= lo:
                    out |= power
                if k < hi:
                    nxt = _cross(power, body.exact)
                    if nxt is None:
                        out = set()
                        break
                    power = nxt
            else:
                if len(out) <= _MAX_EXACT:
                    return _Info(frozenset(out), pure=body.pure)
        if lo == 0:
            return _UNKNOWN
        best = _best_clause(body)
        return _Info(None, list(body.clauses) + ([best] if best else []))
    # ANY, NOT_LITERAL, CATEGORY, GROUPREF, GROUPREF_EXISTS, ASSERT, ASSERT_NOT...
    return _UNKNOWN


def _minimise(clause: frozenset[str]) -> frozenset[str]:
    """Drop literals containing another literal of the clause (same coverage)."""
    keep = [s for s in clause if not any(t != s and t in s for t in clause)]
    return frozenset(keep)


def required_literals(
    pattern: re.Pattern[str] | str, flags: int = 0
) -> list[frozenset[str]]:
    """Literal clauses every match of ``pattern`` must satisfy.

    Each returned set is a *clause*: any text in which ``pattern.search``
    succeeds contains at least one of its strings (for a case-insensitive
    pattern: contains it in :func:`fold_case` form). An empty list means no
    usable literal was found and the pattern must be run on every row.

    Parameters
    ----------
    pattern
        A compiled ``str`` pattern, or a pattern string compiled with ``flags``.
    flags
        ``re`` flags used when ``pattern`` is a string.

    Examples
    --------
    >>> [sorted(c) for c in required_literals(r"how (much|many)")]
    [['how many', 'how much']]
    >>> required_literals(r"SUB.*scribe", re.I)
    [frozenset({'scribe'}), frozenset({'sub'})]
    >>> required_literals(r"\\w+")
    []
    """
    if isinstance(pattern, str):
        pattern = re.compile(pattern, flags)
    return _analyse(pattern)[0]


def _analyse(pattern: re.Pattern[str]) -> tuple[list[frozenset[str]], bool]:
    """(clauses, pure): pure means ``search`` succeeds iff the text (in its
    scanned view) contains one of the single clause's literals."""
    if isinstance(pattern.pattern, bytes) or pattern.flags & re.LOCALE:
        return [], False
    icase = bool(pattern.flags & _IGNORECASE)
    try:
        parsed = _sre_parse.parse(pattern.pattern, pattern.flags)
    except (re.error, RecursionError):  # pragma: no cover - it compiled
        return [], False
    info = _seq(list(parsed), icase, icase)
    if (
        info.pure
        and info.exact
        and "" not in info.exact
        and not (icase and pattern.flags & re.ASCII)  # fold_case is Unicode-aware
    ):
        return [_minimise(info.exact)], True
    clauses = list(info.clauses)
    if info.exact is not None and "" not in info.exact:
        clauses.append(info.exact)
    out: list[frozenset[str]] = []
    for cl in clauses:
        cl = _minimise(cl)
        if cl and all(cl) and cl not in out:
            out.append(cl)
    # Most selective first; single-character clauses (e.g. the space in
    # "how .* many") filter almost nothing, so keep one only if it is all we have.
    out.sort(key=_clause_score, reverse=True)
    return [c for i, c in enumerate(out) if i == 0 or _clause_score(c)[0] > 1], False


# --------------------------------------------------------------------------
# Column scanning
# --------------------------------------------------------------------------

_SEP = "\x00"


class _Column:
    """One text column prepared for literal scans (raw and folded views)."""

    def __init__(self, values: Sequence[Any]) -> None:
        vals = list(values)
        self.n = len(vals)
        is_str = np.fromiter((isinstance(v, str) for v in vals), bool, self.n)
        self.rows = np.flatnonzero(is_str)  # rows holding a string
        self.texts: list[str] = [v for v in vals if isinstance(v, str)]
        self._views: dict[
            bool, tuple[list[str], str | None, list[int], np.ndarray]
        ] = {}
        self._lit_cache: dict[tuple[bool, str], np.ndarray] = {}

    def view(self, folded: bool) -> tuple[list[str], str | None, list[int], np.ndarray]:
        v = self._views.get(folded)
        if v is None:
            texts = [fold_case(s) for s in self.texts] if folded else self.texts
            big: str | None = None
            bounds: list[int] = []
            starts = np.zeros(0, np.int64)
            if not any(_SEP in s for s in texts):
                lens = np.fromiter(map(len, texts), np.int64, len(texts))
                starts = np.zeros(len(texts), np.int64)
                if len(texts) > 1:
                    np.cumsum(lens[:-1] + 1, out=starts[1:])
                big = _SEP.join(texts)
                bounds = starts.tolist()
            v = (texts, big, bounds, starts)
            self._views[folded] = v
        return v

    def contains(self, lit: str, folded: bool) -> np.ndarray:
        """Boolean mask over the string rows: which contain ``lit``."""
        key = (folded, lit)
        hit = self._lit_cache.get(key)
        if hit is not None:
            return hit
        texts, big, bounds, starts = self.view(folded)
        m = len(texts)
        if big is None or _SEP in lit:
            hit = np.fromiter((lit in s for s in texts), bool, m)
        else:
            hit = _find_rows(big, bounds, starts, texts, lit)
        self._lit_cache[key] = hit
        return hit


def _find_rows(
    big: str, bounds: list[int], starts: np.ndarray, texts: list[str], lit: str
) -> np.ndarray:
    """Mask of rows containing ``lit``, searching the joined column ``big``.

    ``str.find`` skips quickly over rows without the literal; after a hit we
    jump past the next separator (``memchr``) to the next row. Once hits are
    frequent (over 1 row in 8), a plain per-row ``in`` test over the remaining
    rows is cheaper, so we switch.
    """
    m = len(texts)
    mask = np.zeros(m, bool)
    limit = max(64, m // 8)
    find = big.find
    hits: list[int] = []
    pos = find(lit)
    while pos != -1:
        hits.append(pos)
        nxt = find(_SEP, pos + len(lit))
        if nxt == -1:
            break
        if len(hits) > limit:
            r = bisect_right(bounds, nxt)  # first row starting after nxt
            rest = texts[r:]
            mask[r:] = np.fromiter((lit in s for s in rest), bool, len(rest))
            break
        pos = find(lit, nxt + 1)
    if hits:
        pos = np.fromiter(hits, np.int64, len(hits))
        mask[np.searchsorted(starts, pos, side="right") - 1] = True
    return mask


def _candidates(
    col: _Column, clauses: list[frozenset[str]], folded: bool
) -> np.ndarray:
    """Indices (into the string rows) that satisfy every clause."""
    m = len(col.texts)
    if not clauses:
        return np.arange(m)
    texts = col.view(folded)[0]
    cand: np.ndarray | None = None
    for clause in clauses:
        if cand is None or len(cand) * 8 > m:
            mask = np.zeros(m, bool)
            for lit in clause:
                mask |= col.contains(lit, folded)
            cand = np.flatnonzero(mask) if cand is None else cand[mask[cand]]
        else:
            lits = tuple(clause)
            keep = np.fromiter(
                (any(lit in texts[i] for lit in lits) for i in cand.tolist()),
                bool,
                len(cand),
            )
            cand = cand[keep]
        if len(cand) == 0:
            break
    assert cand is not None
    return cand


class RegexSet:
    """A set of compiled patterns evaluated together over text columns.

    Parameters
    ----------
    patterns
        Compiled ``str`` patterns (any flags).

    Examples
    --------
    >>> rs = RegexSet([re.compile(r"sub.*scribe", re.I), re.compile(r"\\d{3}")])
    >>> rs.search_matrix(["SUBSCRIBE now", "call 555", 3.0]).astype(int).tolist()
    [[1, 0], [0, 1], [0, 0]]
    """

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        self.patterns = list(patterns)
        analysed = [_analyse(p) for p in self.patterns]
        self.clauses = [a[0] for a in analysed]
        self.pure = [a[1] for a in analysed]
        self.folded = [bool(p.flags & _IGNORECASE) for p in self.patterns]

    def search_matrix(self, values: Sequence[Any]) -> np.ndarray:
        """``out[i, j] = isinstance(values[i], str) and patterns[j].search(values[i])``.

        Returns an [n, len(patterns)] boolean array.
        """
        col = _Column(values)
        out = np.zeros((col.n, len(self.patterns)), bool)
        texts = col.texts
        for j, (pat, clauses, folded, pure) in enumerate(
            zip(self.patterns, self.clauses, self.folded, self.pure)
        ):
            cand = _candidates(col, clauses, folded)
            if len(cand) == 0:
                continue
            if pure:  # a literal hit is a match
                out[col.rows[cand], j] = True
                continue
            search = pat.search
            hit = np.fromiter(
                (search(texts[i]) is not None for i in cand.tolist()), bool, len(cand)
            )
            out[col.rows[cand[hit]], j] = True
        return out


def search_matrix(
    patterns: Sequence[re.Pattern[str]], values: Sequence[Any]
) -> np.ndarray:
    """Shortcut for ``RegexSet(patterns).search_matrix(values)``."""
    return RegexSet(patterns).search_matrix(values)
