"""Predicates over one text field: the semantic targets of the explanation grammar.

Every predicate has two evaluations with identical semantics:

- ``test(text) -> bool`` for one string (the LF's row function), and
- ``mask(view) -> bool array`` for a whole column at once, through a
  :class:`TextView` that lower-cases the column once and memoises every regex
  result, so predicates that share a pattern share the work.

Both go through the same compiled regular expressions, on the same
lower-cased text, so the row and batch forms cannot drift apart.

Conventions (documented in the supported-forms list): matching is
case-insensitive; a *word* match requires no letter/digit/underscore on
either side (``'subscribe'`` does not match ``'subscribed'``), a *substring*
match does not; a multi-word phrase matches with any whitespace between its
words; "words" are runs of ``\\w`` characters; "uppercase ratio" is the share of
ASCII letters that are uppercase.
"""

from __future__ import annotations

import operator
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Callable, ClassVar

import numpy as np
import pandas as pd

OPS: dict[str, Callable[[Any, Any], Any]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
}
OP_WORDS = {
    ">": "more than",
    ">=": "at least",
    "<": "fewer than",
    "<=": "at most",
    "==": "exactly",
}
OP_SLUGS = {">": "gt", ">=": "ge", "<": "lt", "<=": "le", "==": "eq"}

LINK_PATTERN = (
    r"(?:https?://|www\.)\S+"
    r"|\b[a-z0-9-]+\.(?:com|net|org|ly|be|co|info|tk|me|us|io|gl)\b(?:/\S*)?"
)
UNIT_PATTERNS = {
    "words": r"\w+",
    "links": LINK_PATTERN,
    "exclamation marks": r"!",
    "question marks": r"\?",
    "digits": r"\d",
    "numbers": r"\d+",
    "uppercase letters": r"[A-Z]",  # evaluated on the original (not lowered) text
}
UNITS = (
    "words",
    "links",
    "characters",
    "exclamation marks",
    "question marks",
    "digits",
    "numbers",
    "uppercase letters",
)


def term_regex(term: str, mode: str) -> str:
    """Regex for a quoted term: ``mode`` is ``"word"`` or ``"substring"``.

    Parameters
    ----------
    term : str
        The quoted term; inner whitespace matches any run of whitespace.
    mode : {"word", "substring"}
        ``"word"`` anchors the term at word boundaries.

    Returns
    -------
    str

    Examples
    --------
    >>> term_regex("check out", "word")
    '(?<!\\\\w)check\\\\s+out(?!\\\\w)'
    """
    body = r"\s+".join(re.escape(w) for w in term.lower().split())
    if mode == "word":
        return rf"(?<!\w){body}(?!\w)"
    return body


def _search(pattern: str, text: str) -> bool:
    return re.search(pattern, text.lower(), re.IGNORECASE) is not None


def single_regex(p: "Predicate") -> str | None:
    """One regex equivalent to ``p`` (case-insensitive search), if there is one.

    Predicates that are a regex search (contains, starts/ends with, matches,
    within, and disjunctions of them) are built with
    :func:`snorkel_nb.labeling.builders.regex_lf`; others (counts, negation,
    conjunction) get their own vectorised implementation.
    """
    if isinstance(p, (Contains, StartsWith, EndsWith, Matches, Within)):
        return p.pattern
    if isinstance(p, Or):
        parts = [single_regex(a) for a in p.args]
        if all(parts):
            return "|".join(f"(?:{x})" for x in parts)
    return None


def slugify(s: str, maxlen: int = 40) -> str:
    """Lower-case identifier fragment for LF names made from a phrase.

    Parameters
    ----------
    s : str
        Any text; runs of non-alphanumerics become one ``_``.
    maxlen : int, default 40
        Most characters kept.

    Returns
    -------
    str
        The fragment; ``"x"`` when nothing alphanumeric is left.

    Examples
    --------
    >>> slugify("Check out!"), slugify("?!")
    ('check_out', 'x')
    """
    s = re.sub(r"[^0-9a-zA-Z]+", "_", s.lower()).strip("_")
    return (s or "x")[:maxlen].strip("_")


class TextView:
    """One text column, lower-cased once, with memoised regex results.

    Parameters
    ----------
    texts
        The column (a Series or any sequence of strings; missing values are
        read as the empty string).

    Examples
    --------
    >>> v = TextView(["Check it OUT", "ok"])
    >>> v.search(r"(?<!\\w)out(?!\\w)").tolist()
    [True, False]
    """

    def __init__(self, texts: Any) -> None:
        s = pd.Series(texts) if not isinstance(texts, pd.Series) else texts
        self.raw = s.fillna("").astype(str).reset_index(drop=True)
        self.lower = self.raw.str.lower()
        self._cache: dict[tuple[str, str], np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.raw)

    def _memo(self, kind: str, key: str, fn: Callable[[], Any]) -> np.ndarray:
        k = (kind, key)
        if k not in self._cache:
            self._cache[k] = np.asarray(fn())
        return self._cache[k]

    def search(self, pattern: str) -> np.ndarray:
        """Bool [n]: ``re.search(pattern, lower_text, re.IGNORECASE)`` per row.

        Lower-casing plus ``IGNORECASE`` makes this agree with a
        case-insensitive search of the raw text (what ``regex_lf`` does).
        """
        rx = re.compile(pattern, re.IGNORECASE)
        return self._memo(
            "search",
            pattern,
            lambda: np.fromiter(
                (rx.search(t) is not None for t in self.lower), bool, len(self.lower)
            ),
        )

    def count(self, pattern: str, raw: bool = False) -> np.ndarray:
        """Number of non-overlapping matches per row, memoised.

        Parameters
        ----------
        pattern : str
            A regular expression.
        raw : bool, default False
            Match the original text instead of the lower-cased one.

        Returns
        -------
        numpy.ndarray
            [n] int64 match counts.

        Examples
        --------
        >>> TextView(["a b a", "A"]).count("a").tolist()
        [2, 1]
        """
        rx = re.compile(pattern)
        col = self.raw if raw else self.lower
        return self._memo(
            "count_raw" if raw else "count",
            pattern,
            lambda: np.fromiter((len(rx.findall(t)) for t in col), np.int64, len(col)),
        )

    def length(self) -> np.ndarray:
        """Int [n]: number of characters per row."""
        return self._memo("len", "", lambda: self.raw.str.len().to_numpy(np.int64))


def _count_one(text: str, unit: str) -> int:
    if unit == "characters":
        return len(text)
    if unit == "uppercase letters":
        return len(re.findall(UNIT_PATTERNS[unit], text))
    return len(re.findall(UNIT_PATTERNS[unit], text.lower()))


def _count_all(view: TextView, unit: str) -> np.ndarray:
    if unit == "characters":
        return view.length()
    return view.count(UNIT_PATTERNS[unit], raw=unit == "uppercase letters")


class Predicate(ABC):
    """Base class: a boolean condition on one text."""

    kind: ClassVar[str] = ""

    @abstractmethod
    def test(self, text: str) -> bool:
        """Whether one text satisfies the condition (row-wise path)."""

    @abstractmethod
    def mask(self, view: TextView) -> np.ndarray:
        """Boolean [n] mask over a whole column (vectorised path)."""

    @abstractmethod
    def describe(self) -> str:
        """Normalised English, e.g. ``contains the word 'subscribe'``."""

    @abstractmethod
    def slug(self) -> str:
        """Identifier fragment used in LF names."""

    @abstractmethod
    def to_spec(self) -> dict[str, Any]:
        """JSON-able description (``{"kind": ..., ...}``)."""

    def __str__(self) -> str:
        return self.describe()


@dataclass(frozen=True)
class Contains(Predicate):
    """The text contains ``term`` (a word/phrase, or a substring)."""

    term: str
    mode: str = "word"
    kind: ClassVar[str] = "contains"

    @property
    def pattern(self) -> str:
        return term_regex(self.term, self.mode)

    def test(self, text: str) -> bool:
        return _search(self.pattern, text)

    def mask(self, view: TextView) -> np.ndarray:
        return view.search(self.pattern)

    def describe(self) -> str:
        noun = (
            ("phrase" if " " in self.term.strip() else "word")
            if self.mode == "word"
            else "substring"
        )
        return f"contains the {noun} '{self.term}'"

    def slug(self) -> str:
        return ("contains_" if self.mode == "word" else "has_substr_") + slugify(
            self.term
        )

    def to_spec(self) -> dict[str, Any]:
        return {"kind": self.kind, "term": self.term, "mode": self.mode}


@dataclass(frozen=True)
class StartsWith(Predicate):
    """The text (leading whitespace ignored) starts with ``term``."""

    term: str
    mode: str = "word"
    kind: ClassVar[str] = "starts_with"

    @property
    def pattern(self) -> str:
        return r"\A\s*" + term_regex(self.term, self.mode).replace(r"(?<!\w)", "")

    def test(self, text: str) -> bool:
        return _search(self.pattern, text)

    def mask(self, view: TextView) -> np.ndarray:
        return view.search(self.pattern)

    def describe(self) -> str:
        return f"starts with {'the word ' if self.mode == 'word' else ''}'{self.term}'"

    def slug(self) -> str:
        return "starts_" + slugify(self.term)

    def to_spec(self) -> dict[str, Any]:
        return {"kind": self.kind, "term": self.term, "mode": self.mode}


@dataclass(frozen=True)
class EndsWith(Predicate):
    """The text (trailing whitespace and ``.!?`` ignored) ends with ``term``."""

    term: str
    mode: str = "word"
    kind: ClassVar[str] = "ends_with"

    @property
    def pattern(self) -> str:
        body = term_regex(self.term, "substring")
        if self.mode == "word":
            body = r"(?<!\w)" + body
        return body + r"[\s.!?\ufeff]*\Z"

    def test(self, text: str) -> bool:
        return _search(self.pattern, text)

    def mask(self, view: TextView) -> np.ndarray:
        return view.search(self.pattern)

    def describe(self) -> str:
        return f"ends with {'the word ' if self.mode == 'word' else ''}'{self.term}'"

    def slug(self) -> str:
        return "ends_" + slugify(self.term)

    def to_spec(self) -> dict[str, Any]:
        return {"kind": self.kind, "term": self.term, "mode": self.mode}


@dataclass(frozen=True)
class Matches(Predicate):
    """The lower-cased text matches a user regular expression (``re.search``)."""

    pattern: str
    kind: ClassVar[str] = "matches"

    def __post_init__(self) -> None:
        re.compile(self.pattern)  # raise early on a bad pattern

    def test(self, text: str) -> bool:
        return _search(self.pattern, text)

    def mask(self, view: TextView) -> np.ndarray:
        return view.search(self.pattern)

    def describe(self) -> str:
        return f"matches the pattern /{self.pattern}/"

    def slug(self) -> str:
        return "matches_" + slugify(self.pattern, 24)

    def to_spec(self) -> dict[str, Any]:
        return {"kind": self.kind, "pattern": self.pattern}


@dataclass(frozen=True)
class Within(Predicate):
    """``first`` occurs within ``n`` words before/after/either side of ``second``.

    "within 3 words before" means at most 2 words between them.
    """

    first: str
    second: str
    n: int
    order: str = "before"  # "before", "after" or "any"
    kind: ClassVar[str] = "within"

    @property
    def pattern(self) -> str:
        a = term_regex(self.first, "word")
        b = term_regex(self.second, "word")
        gap = rf"(?:\W+\w+){{0,{max(self.n - 1, 0)}}}\W+"
        fwd, bwd = a + gap + b, b + gap + a
        return {"before": fwd, "after": bwd}.get(self.order, f"(?:{fwd})|(?:{bwd})")

    def test(self, text: str) -> bool:
        return _search(self.pattern, text)

    def mask(self, view: TextView) -> np.ndarray:
        return view.search(self.pattern)

    def describe(self) -> str:
        rel = {"before": "before", "after": "after"}.get(self.order, "of")
        return f"'{self.first}' appears within {self.n} words {rel} '{self.second}'"

    def slug(self) -> str:
        rel = {"before": "before", "after": "after"}.get(self.order, "near")
        return f"{slugify(self.first)}_{rel}_{slugify(self.second)}"

    def to_spec(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "first": self.first,
            "second": self.second,
            "n": self.n,
            "order": self.order,
        }


@dataclass(frozen=True)
class Count(Predicate):
    """A count comparison: number of ``unit`` in the text ``op`` ``n``.

    ``unit`` is one of :data:`UNITS`, or ``"term"`` to count occurrences of
    ``term`` (as a word).
    """

    unit: str
    op: str
    n: float
    term: str | None = None
    kind: ClassVar[str] = "count"

    def _value(self, text: str) -> int:
        if self.unit == "term":
            return len(re.findall(term_regex(self.term or "", "word"), text.lower()))
        return _count_one(text, self.unit)

    def test(self, text: str) -> bool:
        return bool(OPS[self.op](self._value(text), self.n))

    def mask(self, view: TextView) -> np.ndarray:
        if self.unit == "term":
            vals = view.count(term_regex(self.term or "", "word"))
        else:
            vals = _count_all(view, self.unit)
        return OPS[self.op](vals, self.n)

    def _n(self) -> str:
        return str(int(self.n)) if float(self.n).is_integer() else str(self.n)

    def describe(self) -> str:
        if self.unit == "term":
            return f"contains '{self.term}' {OP_WORDS[self.op]} {self._n()} times"
        if self.op == "==" and self.n == 0:
            return f"contains no {self.unit}"
        if self.op == ">=" and self.n == 1:
            return (
                f"contains at least one {self.unit.rstrip('s')}"
                if not self.unit.endswith("marks")
                else f"contains at least one {self.unit[:-1]}"
            )
        return f"contains {OP_WORDS[self.op]} {self._n()} {self.unit}"

    def slug(self) -> str:
        what = slugify(self.term or "") if self.unit == "term" else slugify(self.unit)
        if self.op == "==" and self.n == 0:
            return f"no_{what}"
        if self.op == ">=" and self.n == 1 and self.unit != "term":
            return f"has_{what}"
        return f"{what}_{OP_SLUGS[self.op]}_{self._n()}"

    def to_spec(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "kind": self.kind,
            "unit": self.unit,
            "op": self.op,
            "n": self.n,
        }
        if self.term is not None:
            d["term"] = self.term
        return d


_UPPER = re.compile(r"[A-Z]")
_LETTER = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class UpperRatio(Predicate):
    """Share of ASCII letters that are uppercase ``op`` ``value`` (0 if no letters)."""

    op: str
    value: float
    kind: ClassVar[str] = "upper_ratio"

    def test(self, text: str) -> bool:
        letters = len(_LETTER.findall(text))
        ratio = len(_UPPER.findall(text)) / letters if letters else 0.0
        return bool(OPS[self.op](ratio, self.value))

    def mask(self, view: TextView) -> np.ndarray:
        up = view.count(_UPPER.pattern, raw=True).astype(float)
        letters = view.count(_LETTER.pattern, raw=True).astype(float)
        ratio = np.divide(up, letters, out=np.zeros_like(up), where=letters > 0)
        return OPS[self.op](ratio, self.value)

    def describe(self) -> str:
        return f"has an uppercase ratio {OP_WORDS[self.op]} {self.value:g}"

    def slug(self) -> str:
        return f"upper_ratio_{OP_SLUGS[self.op]}_{int(round(self.value * 100))}"

    def to_spec(self) -> dict[str, Any]:
        return {"kind": self.kind, "op": self.op, "value": self.value}


@dataclass(frozen=True)
class Not(Predicate):
    """Negation."""

    arg: Predicate
    kind: ClassVar[str] = "not"

    def test(self, text: str) -> bool:
        return not self.arg.test(text)

    def mask(self, view: TextView) -> np.ndarray:
        return ~self.arg.mask(view)

    def describe(self) -> str:
        a = self.arg
        if isinstance(a, Count) and a.unit != "term" and a.op == ">=" and a.n == 1:
            return f"contains no {a.unit}"
        d = a.describe()
        for verb in ("contains", "starts", "ends", "matches", "has"):
            if d.startswith(verb + " "):
                base = {
                    "contains": "contain",
                    "starts": "start",
                    "ends": "end",
                    "matches": "match",
                    "has": "have",
                }[verb]
                return f"does not {base}{d[len(verb) :]}"
        return f"it is not the case that {d}"

    def slug(self) -> str:
        return "not_" + self.arg.slug()

    def to_spec(self) -> dict[str, Any]:
        return {"kind": self.kind, "arg": self.arg.to_spec()}


@dataclass(frozen=True)
class And(Predicate):
    """Conjunction of two or more predicates."""

    args: tuple[Predicate, ...]
    kind: ClassVar[str] = "and"

    def test(self, text: str) -> bool:
        return all(a.test(text) for a in self.args)

    def mask(self, view: TextView) -> np.ndarray:
        out = np.ones(len(view), dtype=bool)
        for a in self.args:
            out &= a.mask(view)
        return out

    def describe(self) -> str:
        return " and ".join(
            f"({a.describe()})" if isinstance(a, Or) else a.describe()
            for a in self.args
        )

    def slug(self) -> str:
        return "_and_".join(a.slug() for a in self.args)

    def to_spec(self) -> dict[str, Any]:
        return {"kind": self.kind, "args": [a.to_spec() for a in self.args]}


@dataclass(frozen=True)
class Or(Predicate):
    """Disjunction of two or more predicates."""

    args: tuple[Predicate, ...]
    kind: ClassVar[str] = "or"

    def test(self, text: str) -> bool:
        return any(a.test(text) for a in self.args)

    def mask(self, view: TextView) -> np.ndarray:
        out = np.zeros(len(view), dtype=bool)
        for a in self.args:
            out |= a.mask(view)
        return out

    def describe(self) -> str:
        return " or ".join(
            f"({a.describe()})" if isinstance(a, And) else a.describe()
            for a in self.args
        )

    def slug(self) -> str:
        return "_or_".join(a.slug() for a in self.args)

    def to_spec(self) -> dict[str, Any]:
        return {"kind": self.kind, "args": [a.to_spec() for a in self.args]}


def predicate_from_spec(spec: dict[str, Any]) -> Predicate:
    """Inverse of :meth:`Predicate.to_spec`.

    Examples
    --------
    >>> p = And((Contains("who"), Not(Contains("what"))))
    >>> predicate_from_spec(p.to_spec()) == p
    True
    """
    kind = spec["kind"]
    if kind in ("and", "or"):
        cls = And if kind == "and" else Or
        return cls(tuple(predicate_from_spec(a) for a in spec["args"]))
    if kind == "not":
        return Not(predicate_from_spec(spec["arg"]))
    simple = {
        "contains": Contains,
        "starts_with": StartsWith,
        "ends_with": EndsWith,
        "matches": Matches,
        "within": Within,
        "count": Count,
        "upper_ratio": UpperRatio,
    }
    if kind not in simple:
        raise ValueError(f"Unknown predicate kind {kind!r}.")
    args = {k: v for k, v in spec.items() if k != "kind"}
    return simple[kind](**args)
