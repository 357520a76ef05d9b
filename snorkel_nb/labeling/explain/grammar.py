"""A small rule-based semantic parser: plain-English explanations -> predicates.

The parser tokenises the explanation (quoted terms, ``/regex/`` literals,
numbers, words), finds the label it names, then parses the condition with a
backtracking recursive-descent grammar that returns *every* reading, in order
of preference (the most literal reading first). Ambiguous wording therefore
yields several candidate predicates, which the filter bank
(:mod:`snorkel_nb.labeling.explain.filter_bank`) prunes.

No downloads, no model: it runs offline in well under a millisecond per
explanation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from snorkel_nb.labeling.explain.predicates import (
    And,
    Contains,
    Count,
    EndsWith,
    Matches,
    Not,
    Or,
    Predicate,
    StartsWith,
    UpperRatio,
    Within,
)

SUPPORTED_FORMS = """\
Supported explanation forms (LABEL is one of your label names; quoted terms use
'single' or "double" quotes, and may hold apostrophes: 'i'll'; numbers may be
digits or words up to twenty):
  Label LABEL because <condition>      LABEL because <condition>
  This is LABEL because <condition>    If <condition>, (then) label it LABEL
Conditions (the subject - "the comment", "the question", "the text", "it" - is
optional; combine with "and", "or", "but"; "and" binds tighter than "or"):
  contains / has / includes / mentions [the word|phrase|string] 'x'
  contains 'x' and 'y' | 'x' or 'y' | any of 'x', 'y', 'z' | both 'x' and 'y'
  contains the phrase 'x y' (read as the words, and as the characters anywhere)
  does not contain 'x' | has no 'x' | 'x' does not appear | 'x' is in the message
  starts with 'x' | ends with 'x' | does not start with 'x'
  matches the pattern /regex/ | matches the regex 'regex'
  'x' appears within N words before|after|of 'y' | 'x' is followed by 'y'
  contains a link | no links | more than two links | at least 3 words
  (units: words, links/urls, characters, exclamation marks, question marks,
   digits, numbers, uppercase/capital letters; quantifiers: a, no, more than N,
   fewer/less than N, at least N, at most N, exactly N, N or more, N or fewer)
  is shorter|longer than N words|characters | is at most N words long
  'x' appears more than N times | contains 'x' at least twice
  is in all caps | is mostly uppercase | more than 50% of its letters are uppercase
  there is a link | there are more than two links"""


class ExplanationParseError(ValueError):
    """An explanation the grammar cannot read.

    The message quotes the part that was not understood and lists the
    supported forms (:data:`SUPPORTED_FORMS`).
    """

    def __init__(self, explanation: str, problem: str, unparsed: str | None = None):
        self.explanation = explanation
        self.unparsed = unparsed
        self.problem = problem
        where = f"\n  not understood: {unparsed!r}" if unparsed else ""
        super().__init__(
            f"Could not parse explanation {explanation!r}: {problem}.{where}\n"
            + SUPPORTED_FORMS
        )


# ----------------------------------------------------------------------------- tokens
_TOKEN = re.compile(
    # 'single' quotes may hold apostrophes between letters: 'i'll', 'don't'
    r"(?P<q>(?<![\w'])'(?P<q1>(?:[^']|(?<=\w)'(?=\w))+?)'(?![\w])|\"(?P<q2>[^\"]+)\"|“(?P<q3>[^”]+)”"
    r"|‘(?P<q4>[^’]+)’|`(?P<q5>[^`]+)`)"
    r"|(?P<re>(?<!\S)/(?P<rebody>(?:[^/\\]|\\.)+)/(?!\w))"
    r"|(?P<num>\d+(?:\.\d+)?%?)"
    r"|(?P<w>[A-Za-z]+(?:[’'][A-Za-z]+)?)"
    r"|(?P<p>[,;:.!?%()\-+])"
    r"|(?P<other>\S)"
)


@dataclass(frozen=True)
class Tok:
    """One token: ``type`` in {"q", "re", "num", "w", "p", "other"}."""

    type: str
    value: str
    start: int
    end: int


_CONTRACTIONS = {
    "it's": ("it", "is"),
    "that's": ("that", "is"),
    "there's": ("there", "is"),
    "isn't": ("is", "not"),
    "doesn't": ("does", "not"),
    "don't": ("do", "not"),
    "didn't": ("did", "not"),
    "aren't": ("are", "not"),
    "hasn't": ("has", "not"),
    "haven't": ("have", "not"),
}


def tokenize(text: str) -> list[Tok]:
    """Split an explanation into tokens (words lower-cased, quotes kept verbatim).

    Examples
    --------
    >>> [t.value for t in tokenize("SPAM because it doesn't say 'Hi there'")]
    ['spam', 'because', 'it', 'does', 'not', 'say', 'Hi there']
    """
    out: list[Tok] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if m.group("q") is not None:
            val = next(
                v for v in (m.group(f"q{i}") for i in range(1, 6)) if v is not None
            )
            out.append(Tok("q", val, m.start(), m.end()))
        elif m.group("re") is not None:
            out.append(Tok("re", m.group("rebody"), m.start(), m.end()))
        elif m.group("num") is not None:
            out.append(Tok("num", m.group("num"), m.start(), m.end()))
        elif m.group("w") is not None:
            w = m.group("w").lower().replace("’", "'")
            for part in _CONTRACTIONS.get(w, (w,)):
                out.append(Tok("w", part, m.start(), m.end()))
        else:
            out.append(
                Tok("p" if kind == "p" else "other", m.group(0), m.start(), m.end())
            )
    while out and out[-1].type == "p" and out[-1].value in ".!;":
        out.pop()
    return out


NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
SUBJECT_NOUNS = {
    "comment",
    "question",
    "text",
    "message",
    "sentence",
    "review",
    "post",
    "tweet",
    "document",
    "title",
    "email",
    "query",
    "body",
    "content",
    "example",
    "line",
    "string",
    "sms",
    "it",
}
CONTAINS_VERBS = {
    "contains",
    "contain",
    "has",
    "have",
    "includes",
    "include",
    "mentions",
    "mention",
    "uses",
    "use",
    "says",
    "say",
    "features",
    "feature",
    "containing",
    "having",
    "including",
    "mentioning",
}
TERM_NOUNS_WORD = {
    "word",
    "words",
    "phrase",
    "phrases",
    "term",
    "terms",
    "keyword",
    "keywords",
    "token",
    "tokens",
    "expression",
    "expressions",
}
TERM_NOUNS_SUB = {
    "string",
    "strings",
    "substring",
    "substrings",
    "text",
    "characters",
    "sequence",
    "letters",
}
UNIT_WORDS: dict[tuple[str, ...], str] = {
    ("words",): "words",
    ("word",): "words",
    ("links",): "links",
    ("link",): "links",
    ("urls",): "links",
    ("url",): "links",
    ("hyperlinks",): "links",
    ("hyperlink",): "links",
    ("websites",): "links",
    ("website",): "links",
    ("characters",): "characters",
    ("character",): "characters",
    ("chars",): "characters",
    ("char",): "characters",
    ("exclamation", "marks"): "exclamation marks",
    ("exclamation", "mark"): "exclamation marks",
    ("exclamation", "points"): "exclamation marks",
    ("exclamation", "point"): "exclamation marks",
    ("question", "marks"): "question marks",
    ("question", "mark"): "question marks",
    ("digits",): "digits",
    ("digit",): "digits",
    ("numbers",): "numbers",
    ("number",): "numbers",
    ("uppercase", "letters"): "uppercase letters",
    ("uppercase", "letter"): "uppercase letters",
    ("capital", "letters"): "uppercase letters",
    ("capital", "letter"): "uppercase letters",
    ("capitals",): "uppercase letters",
}
NEG_AUX = (
    ("does", "not"),
    ("do", "not"),
    ("did", "not"),
    ("has", "not"),
    ("have", "not"),
)

Result = list[tuple[Any, int]]


class _Parser:
    """Backtracking parser over a token slice; every rule returns all readings."""

    def __init__(self, toks: Sequence[Tok]) -> None:
        self.t = list(toks)
        self.furthest = 0

    # -- primitives ----------------------------------------------------------------
    def _reach(self, i: int) -> None:
        self.furthest = max(self.furthest, i)

    def w(self, i: int, *options: str) -> int | None:
        """Position after a word token among ``options`` (any word if none)."""
        if (
            i < len(self.t)
            and self.t[i].type == "w"
            and (not options or self.t[i].value in options)
        ):
            self._reach(i + 1)
            return i + 1
        return None

    def p(self, i: int, *options: str) -> int | None:
        if i < len(self.t) and self.t[i].type == "p" and self.t[i].value in options:
            self._reach(i + 1)
            return i + 1
        return None

    def seq(self, i: int, *words: str) -> int | None:
        for wd in words:
            j = self.w(i, wd)
            if j is None:
                return None
            i = j
        return i

    def any_seq(self, i: int, seqs: Sequence[Sequence[str]]) -> list[int]:
        out = []
        for s in seqs:
            j = self.seq(i, *s)
            if j is not None:
                out.append(j)
        return out

    def opt(self, i: int, *words: str) -> list[int]:
        """``i`` and, if present, the position after one optional word."""
        j = self.w(i, *words)
        return [i] if j is None else [j, i]

    def quoted(self, i: int) -> tuple[str, int] | None:
        if i < len(self.t) and self.t[i].type == "q":
            self._reach(i + 1)
            return self.t[i].value, i + 1
        return None

    def number(self, i: int) -> tuple[float, int] | None:
        if i >= len(self.t):
            return None
        tok = self.t[i]
        if tok.type == "num" and not tok.value.endswith("%"):
            self._reach(i + 1)
            return float(tok.value), i + 1
        if tok.type == "w" and tok.value in NUMBER_WORDS:
            self._reach(i + 1)
            return float(NUMBER_WORDS[tok.value]), i + 1
        return None

    def percent(self, i: int) -> tuple[float, int] | None:
        """``50%``, ``50 %``, ``50 percent`` or a fraction ``0.5``."""
        if i >= len(self.t):
            return None
        tok = self.t[i]
        if tok.type == "num" and tok.value.endswith("%"):
            self._reach(i + 1)
            return float(tok.value[:-1]) / 100, i + 1
        n = self.number(i)
        if n is None:
            return None
        j = self.p(n[1], "%") or self.w(n[1], "percent")
        if j is not None:
            return n[0] / 100, j
        return (n[0], n[1]) if n[0] <= 1 else None

    # -- condition -----------------------------------------------------------------
    def condition(self, i: int) -> Result:
        return self.or_expr(i)

    def _chain(
        self,
        i: int,
        item: Callable[[int], Result],
        seps: Sequence[Sequence[str]],
        cls: type,
    ) -> Result:
        out: Result = []
        frontier: list[tuple[tuple[Any, ...], int]] = [((x,), j) for x, j in item(i)]
        while frontier:
            nxt = []
            for args, j in frontier:
                out.append((args[0] if len(args) == 1 else cls(args), j))
                for s in seps:
                    k = j
                    for tokval in s:
                        k = (
                            (self.p(k, tokval) if tokval in ",;" else self.w(k, tokval))
                            if k is not None
                            else None
                        )
                    if k is None:
                        continue
                    for x, j2 in item(k):
                        nxt.append((args + (x,), j2))
            frontier = nxt
        return out

    def or_expr(self, i: int) -> Result:
        return self._chain(i, self.and_expr, (("or",), (",", "or")), Or)

    def and_expr(self, i: int) -> Result:
        return self._chain(
            i,
            self.clause,
            (("and",), (",", "and"), ("but",), (",", "but"), ("and", "also")),
            And,
        )

    def subject(self, i: int) -> list[int]:
        """Positions after an optional subject ("the comment", "it", "its text")."""
        out = [i]
        for j in self.opt(i, "the", "this", "its", "their", "a"):
            k = self.w(j, *SUBJECT_NOUNS)
            if k is not None:
                out.append(k)
                k2 = self.w(k, *(SUBJECT_NOUNS - {"it"}))
                if k2 is not None:
                    out.append(k2)
        return out

    def clause(self, i: int) -> Result:
        out: Result = []
        for j in self.subject(i):
            out += self.verb_phrase(j)
        out += self.term_subject_clause(i)
        out += self.there_clause(i)
        out += self.upper_np(i)
        for j in self.opt(i, "it"):
            k = self.seq(j, "is", "not", "the", "case", "that")
            if k is not None:
                out += [(Not(p), e) for p, e in self.clause(k)]
        return out

    def upper_np(self, i: int) -> Result:
        """``more than 50% of its letters are uppercase``, ``an uppercase ratio
        above 0.5``."""
        out: Result = []
        for op, j in self._comparator(i):
            pc = self.percent(j)
            if pc is None:
                continue
            ends = [pc[1]]
            for k in self.any_seq(
                pc[1],
                (
                    ("of", "its", "letters"),
                    ("of", "the", "letters"),
                    ("of", "letters"),
                    ("of", "its", "characters"),
                    ("of", "the", "characters"),
                ),
            ):
                ends += [k] + self.opt(k, "are")[:1]
            for e in ends:
                for k in self.opt(e, "in"):
                    for f in self.any_seq(
                        k,
                        (
                            ("uppercase",),
                            ("upper", "case"),
                            ("capitals",),
                            ("caps",),
                            ("capital", "letters"),
                        ),
                    ):
                        ends2 = [f] + [x for x in [self.w(f, "letters")] if x]
                        out += [(UpperRatio(op, pc[0]), x) for x in ends2]
        for j in self.opt(i, "an", "a"):
            k = self.seq(j, "uppercase", "ratio") or self.seq(
                j, "upper", "case", "ratio"
            )
            if k is None:
                continue
            for k2 in self.opt(k, "of"):
                for op, k3 in self._comparator(k2):
                    pc = self.percent(k3)
                    if pc is not None:
                        out.append((UpperRatio(op, pc[0]), pc[1]))
        return out

    def there_clause(self, i: int) -> Result:
        out: Result = []
        for j in self.any_seq(i, (("there", "is"), ("there", "are"))):
            out += self.count_np(j)
        return out

    # -- verb phrases --------------------------------------------------------------
    def verb_phrase(self, i: int) -> Result:
        out: Result = []
        # negated auxiliaries: "does not contain", "doesn't start with"
        for j in self.any_seq(i, NEG_AUX):
            out += [(Not(p), e) for p, e in self.positive_vp(j, base_form=True)]
        out += self.positive_vp(i, base_form=False)
        # "lacks 'x'", "is missing 'x'", "never mentions 'x'"
        for j in self.any_seq(
            i,
            (
                ("lacks",),
                ("is", "missing"),
                ("never", "mentions"),
                ("never", "contains"),
                ("never", "uses"),
            ),
        ):
            out += [(Not(p), e) for p, e in self.term_object(j)]
        # "is ..."
        j = self.w(i, "is", "'s")
        if j is not None:
            k = self.w(j, "not")
            if k is not None:
                out += [(Not(p), e) for p, e in self.is_phrase(k)]
            out += self.is_phrase(j)
        return out

    def positive_vp(self, i: int, base_form: bool) -> Result:
        out: Result = []
        j = self.w(i, *CONTAINS_VERBS)
        if j is not None:
            out += self.contains_object(j)
        j = self.w(i, "starts", "start", "begins", "begin", "opens", "open")
        if j is not None and (k := self.w(j, "with")) is not None:
            out += self.edge_object(k, StartsWith)
        j = self.w(i, "ends", "end", "finishes", "finish")
        if j is not None and (k := self.w(j, "with")) is not None:
            out += self.edge_object(k, EndsWith)
        j = self.w(i, "matches", "match")
        if j is not None:
            for k in self.opt(j, "the", "a"):
                for k2 in self.any_seq(
                    k,
                    (("regex",), ("pattern",), ("regexp",), ("regular", "expression")),
                ) + [k]:
                    if k2 < len(self.t) and self.t[k2].type in ("re", "q"):
                        self._reach(k2 + 1)
                        try:
                            out.append((Matches(self.t[k2].value), k2 + 1))
                        except re.error:
                            pass
        j = self.w(
            i,
            "asks",
            "ask",
            "tells",
            "tell",
            "urges",
            "urge",
            "invites",
            "invite",
            "begs",
            "beg",
            "wants",
            "want",
        )
        if j is not None:
            for k in self.opt(
                j,
                "people",
                "you",
                "viewers",
                "users",
                "others",
                "everyone",
                "readers",
                "us",
            ):
                k2 = self.w(k, "to")
                if k2 is not None:
                    out += self.term_object(k2)
        j = self.w(i, "talks", "talk", "refers", "refer", "asks", "ask")
        if j is not None and (k := self.w(j, "about", "to")) is not None:
            out += self.term_object(k)
        return out

    def contains_object(self, i: int) -> Result:
        out: Result = []
        # "has no 'x'" / "contains no links"
        j = self.w(i, "no", "neither")
        if j is not None:
            out += [(Not(p), e) for p, e in self.term_object(j)]
        out += self.count_np(i)
        out += self.upper_np(i)
        out += self.term_object(i)
        # "contains 'x' more than twice"
        for p, j in self.term_object(i, allow_lists=False):
            if isinstance(p, Contains) and p.mode == "word":
                for op, n, k in self.times(j):
                    out.append((Count("term", op, n, p.term), k))
        return out

    def times(self, i: int) -> list[tuple[str, float, int]]:
        """``more than N times``, ``at least twice``, ``twice``."""
        out = []
        for op, n, j in self.quantifier(i, allow_article=False):
            k = self.w(j, "times", "time")
            if k is not None:
                out.append((op, n, k))
        for op, j in self._comparator(i) + [("==", i), (">=", i)]:
            k = self.w(j, "twice", "once", "thrice")
            if k is not None:
                out.append(
                    (op, {"once": 1, "twice": 2, "thrice": 3}[self.t[j].value], k)
                )
        return out

    def term_object(self, i: int, allow_lists: bool = True) -> Result:
        """A quoted term or list: ``the word 'x'``, ``any of 'a', 'b'``..."""
        out: Result = []
        for j in self.opt(i, "the", "a", "an"):
            nouns: list[tuple[str | None, int]] = [(None, j)]
            k = self.w(j, *TERM_NOUNS_WORD)
            if k is not None:
                nouns.append(("word", k))
                if self.t[k - 1].value in ("phrase", "phrases"):
                    # "the phrase 'call now'" may mean the characters anywhere
                    # ("call noworries"): offer the substring reading too; the
                    # filter bank's report says which reading was kept.
                    nouns.append(("substring", k))
            k = self.w(j, *TERM_NOUNS_SUB)
            if k is not None:
                nouns.append(("substring", k))
            for mode, k in nouns:
                quant: list[tuple[str | None, int]] = [(None, k)]
                for q, s in (
                    ("or", ("any", "of")),
                    ("or", ("one", "of")),
                    ("or", ("either",)),
                    ("or", ("any",)),
                    ("and", ("both",)),
                    ("and", ("all", "of")),
                    ("and", ("each", "of")),
                    ("and", ("all",)),
                ):
                    k2 = self.seq(k, *s)
                    if k2 is not None:
                        quant.append((q, k2))
                for q, k2 in quant:
                    for terms, conj, end in self.term_list(k2, allow_lists):
                        for p in self._terms_to_preds(terms, conj, q, mode):
                            out.append((p, end))
        return out

    def term_list(
        self, i: int, allow_lists: bool = True
    ) -> list[tuple[list[str], str | None, int]]:
        first = self.quoted(i)
        if first is None:
            return []
        out = [([first[0]], None, first[1])]
        if not allow_lists:
            return out
        frontier = [([first[0]], [], first[1])]
        while frontier:
            nxt = []
            for terms, seps, j in frontier:
                for sep_words in (
                    (",",),
                    ("and",),
                    ("or",),
                    (",", "and"),
                    (",", "or"),
                    ("nor",),
                ):
                    k: int | None = j
                    for s in sep_words:
                        k = (
                            (self.p(k, s) if s == "," else self.w(k, s))
                            if k is not None
                            else None
                        )
                    if k is None:
                        continue
                    q = self.quoted(k)
                    if q is None:
                        continue
                    conj = next((s for s in sep_words if s != ","), ",")
                    item = (terms + [q[0]], seps + [conj], q[1])
                    nxt.append(item)
                    last = [s for s in item[1] if s != ","]
                    out.append((item[0], last[-1] if last else ",", item[2]))
            frontier = nxt
        return out

    @staticmethod
    def _terms_to_preds(
        terms: list[str], conj: str | None, quant: str | None, mode: str | None
    ) -> list[Predicate]:
        modes = [mode] if mode else ["word", "substring"]
        out: list[Predicate] = []
        for md in modes:
            atoms = [Contains(t, md) for t in terms]
            if len(atoms) == 1:
                out.append(atoms[0])
                # "the words 'check out'": the phrase, or each word anywhere
                words = terms[0].split()
                if md == "word" and len(words) > 1 and mode != "substring":
                    out.append(And(tuple(Contains(w, "word") for w in words)))
                continue
            if quant is not None:
                readings = [quant]
            elif conj == "and":
                readings = ["and", "or"]  # "contains 'a' and 'b'": both, or either
            else:
                readings = ["or"]  # "'a', 'b' or 'c'", "'a', 'b', 'c'"
            for r in readings:
                out.append(And(tuple(atoms)) if r == "and" else Or(tuple(atoms)))
        return out

    def edge_object(self, i: int, cls: type) -> Result:
        out: Result = []
        for j in self.opt(i, "the", "a", "an"):
            nouns: list[tuple[str | None, int]] = [(None, j)]
            k = self.w(j, *TERM_NOUNS_WORD)
            if k is not None:
                nouns.append(("word", k))
            k = self.w(j, *TERM_NOUNS_SUB, "prefix", "suffix")
            if k is not None:
                nouns.append(("substring", k))
            for mode, k in nouns:
                for terms, _conj, end in self.term_list(k):
                    modes = [mode] if mode else ["word", "substring"]
                    for md in modes:
                        atoms = [cls(t, md) for t in terms]
                        out.append(
                            (atoms[0] if len(atoms) == 1 else Or(tuple(atoms)), end)
                        )
        return out

    # -- counts ----------------------------------------------------------------------
    def _comparator(self, i: int) -> list[tuple[str, int]]:
        table = (
            (
                ">",
                (
                    ("more", "than"),
                    ("over",),
                    ("greater", "than"),
                    ("above",),
                    ("longer", "than"),
                ),
            ),
            (
                "<",
                (
                    ("fewer", "than"),
                    ("less", "than"),
                    ("under",),
                    ("below",),
                    ("shorter", "than"),
                ),
            ),
            (">=", (("at", "least"), ("no", "fewer", "than"), ("no", "less", "than"))),
            ("<=", (("at", "most"), ("no", "more", "than"), ("up", "to"))),
            ("==", (("exactly",), ("precisely",))),
        )
        return [(op, j) for op, seqs in table for j in self.any_seq(i, seqs)]

    def quantifier(
        self, i: int, allow_article: bool = True
    ) -> list[tuple[str, float, int]]:
        out: list[tuple[str, float, int]] = []
        for op, j in self._comparator(i):
            n = self.number(j)
            if n is not None:
                out.append((op, n[0], n[1]))
        n = self.number(i)
        if n is not None:
            j = n[1]
            k = self.seq(j, "or", "more") or self.p(j, "+")
            if k is not None:
                out.append((">=", n[0], k))
            k = self.seq(j, "or", "fewer") or self.seq(j, "or", "less")
            if k is not None:
                out.append(("<=", n[0], k))
            # a bare number: "at least" first, "exactly" as the alternative reading
            out.append((">=", n[0], j))
            out.append(("==", n[0], j))
        if allow_article:
            for j in self.any_seq(
                i,
                (
                    ("a",),
                    ("an",),
                    ("any",),
                    ("some",),
                    ("one", "or", "more"),
                    ("at", "least", "one"),
                ),
            ):
                out.append((">=", 1.0, j))
            for j in self.any_seq(i, (("multiple",), ("several",), ("many",))):
                out.append((">=", 2.0, j))
            for j in self.any_seq(i, (("no",), ("zero",))):
                out.append(("==", 0.0, j))
        return out

    def unit(self, i: int) -> list[tuple[str, int]]:
        out = []
        for words, unit in UNIT_WORDS.items():
            j = self.seq(i, *words)
            if j is not None:
                out.append((unit, j))
        return out

    def count_np(self, i: int) -> Result:
        out: Result = []
        for op, n, j in self.quantifier(i):
            for unit, k in self.unit(j):
                out.append((Count(unit, op, n), k))
        # bare plural: "contains links", "has digits"
        for unit, k in self.unit(i):
            if self.t[i].value.endswith("s"):
                out.append((Count(unit, ">=", 1.0), k))
        return out

    # -- "is ..." --------------------------------------------------------------------
    def is_phrase(self, i: int) -> Result:
        out: Result = []
        # length: "is shorter than 5 words", "is at most 10 words long"
        for op, n, j in self.quantifier(i, allow_article=False):
            for unit, k in self.unit(j):
                if unit in ("words", "characters"):
                    ends = [k] + [
                        e for e in [self.w(k, "long"), self.seq(k, "in", "length")] if e
                    ]
                    out += [(Count(unit, op, n), e) for e in ends]
        # uppercase: "is in all caps", "is mostly uppercase"
        for j in self.opt(i, "written"):
            for k in self.opt(j, "in"):
                for e in self.any_seq(
                    k,
                    (
                        ("all", "caps"),
                        ("all", "capitals"),
                        ("all", "uppercase"),
                        ("all", "upper", "case"),
                        ("all", "capital", "letters"),
                        ("uppercase",),
                        ("caps",),
                        ("capitals",),
                    ),
                ):
                    out.append((UpperRatio(">=", 0.9), e))
                for e in self.any_seq(
                    k,
                    (
                        ("mostly", "uppercase"),
                        ("mostly", "caps"),
                        ("mostly", "capitals"),
                        ("mostly", "capital", "letters"),
                        ("mostly", "upper", "case"),
                    ),
                ):
                    out.append((UpperRatio(">", 0.5), e))
        # "is a question" (ends with ?) / "is empty"
        j = self.w(i, "empty")
        if j is not None:
            out.append((Count("characters", "==", 0.0), j))
        return out

    # -- quoted-term subjects ----------------------------------------------------------
    def term_subject_clause(self, i: int) -> Result:
        out: Result = []
        starts: list[tuple[str | None, int]] = []
        for j in self.opt(i, "the"):
            starts.append((None, j))
            k = self.w(j, *TERM_NOUNS_WORD)
            if k is not None:
                starts.append(("word", k))
        for mode, j in starts:
            q = self.quoted(j)
            if q is None:
                continue
            term, k = q
            # proximity: "'check' appears within 3 words before 'out'"
            for k1 in self.opt(k, "appears", "occurs", "is", "comes"):
                k2 = self.w(k1, "within")
                if k2 is None:
                    continue
                n = self.number(k2)
                if n is None:
                    continue
                k3 = self.w(n[1], "words", "word", "tokens")
                if k3 is None:
                    continue
                for rel, order in (
                    ("before", "before"),
                    ("after", "after"),
                    ("of", "any"),
                    ("from", "any"),
                    ("around", "any"),
                ):
                    k4 = self.w(k3, rel)
                    if k4 is None:
                        continue
                    for k5 in self.opt(k4, "the"):
                        for k6 in self.opt(k5, *TERM_NOUNS_WORD):
                            q2 = self.quoted(k6)
                            if q2 is not None:
                                out.append(
                                    (Within(term, q2[0], int(n[0]), order), q2[1])
                                )
            # "'check' is (immediately) followed by 'out' (within 3 words)"
            for k1 in self.opt(k, "is"):
                for k2 in self.opt(k1, "immediately", "directly", "right", "soon"):
                    for rel, order in (("followed", "before"), ("preceded", "after")):
                        k3 = self.seq(k2, rel, "by")
                        if k3 is None:
                            continue
                        for k4 in self.opt(k3, "the"):
                            for k5 in self.opt(k4, *TERM_NOUNS_WORD):
                                q2 = self.quoted(k5)
                                if q2 is None:
                                    continue
                                out.append((Within(term, q2[0], 1, order), q2[1]))
                                k6 = self.w(q2[1], "within")
                                n = self.number(k6) if k6 is not None else None
                                if n is not None:
                                    k7 = self.w(n[1], "words", "word")
                                    if k7 is not None:
                                        out.append(
                                            (Within(term, q2[0], int(n[0]), order), k7)
                                        )
            # presence: "'x' appears (in the comment)", "'x' is mentioned"
            pres = self.any_seq(
                k,
                (
                    ("appears",),
                    ("occurs",),
                    ("is", "mentioned"),
                    ("appear",),
                    ("occur",),
                    ("are", "mentioned"),
                    ("are", "present"),
                    ("are", "used"),
                    ("are", "in"),
                    ("is", "present"),
                    ("is", "used"),
                    ("shows", "up"),
                    ("is", "in"),
                    ("is", "there"),
                ),
            )
            absent = self.any_seq(
                k,
                (
                    ("does", "not", "appear"),
                    ("is", "not", "mentioned"),
                    ("is", "absent"),
                    ("never", "appears"),
                    ("does", "not", "occur"),
                    ("is", "not", "present"),
                    ("is", "missing"),
                    ("do", "not", "appear"),
                ),
            )
            modes = [mode] if mode else ["word", "substring"]
            for neg, ends in ((False, pres), (True, absent)):
                for e in ends:
                    for e2 in self._in_subject(e):
                        for md in modes:
                            p: Predicate = Contains(term, md)
                            out.append((Not(p) if neg else p, e2))
                    if not neg:
                        for op, n, e3 in self.times(e):
                            out.append((Count("term", op, n, term), e3))
        return out

    def _in_subject(self, i: int) -> list[int]:
        out = [i]
        if i > 0 and self.t[i - 1].value in ("in", "inside", "within"):
            # "'guaranteed' is in the message": "is in" already read the "in"
            out += [k for k in self.subject(i) if k > i]
        j = self.w(i, "in", "inside", "within")
        if j is not None:
            out += [k for k in self.subject(j) if k > j]
        return out


# ---------------------------------------------------------------------- top level
_FILLER_BEFORE = {
    "label",
    "labeled",
    "labelled",
    "it",
    "is",
    "this",
    "that",
    "the",
    "as",
    "should",
    "be",
    "a",
    "an",
    "mark",
    "marked",
    "class",
    "classify",
    "i",
    "would",
    "say",
    "call",
    "tag",
    "tagged",
    "answer",
    "type",
    "category",
} | SUBJECT_NOUNS
_CONNECTORS = {"because", "since", "as", "if", "when", "given", "for"}


@dataclass(frozen=True)
class Parse:
    """One reading of an explanation: the label name and the predicate."""

    label_name: str
    predicate: Predicate
    rank: int


def normalize_labels(labels: Mapping[str, int] | Sequence[str]) -> dict[str, int]:
    """Label names -> ids, from a mapping or a sequence (ids = positions).

    Shared by the grammar, the compiler and the LF suggester so all three read
    ``labels=`` the same way.

    Examples
    --------
    >>> normalize_labels(["HAM", "SPAM"])
    {'HAM': 0, 'SPAM': 1}
    """
    if isinstance(labels, Mapping):
        return {str(k): int(v) for k, v in labels.items()}
    return {str(k): i for i, k in enumerate(labels)}


def parse_explanation(
    text: str, labels: Mapping[str, int] | Sequence[str]
) -> list[Parse]:
    """All readings of ``text``, most literal first (deduplicated).

    Parameters
    ----------
    text
        The explanation, e.g. ``"SPAM because it contains a link"``.
    labels
        Label names: a mapping name -> label id, or a sequence of names (ids are
        their positions). Matched case-insensitively.

    Returns
    -------
    list of Parse

    Raises
    ------
    ExplanationParseError
        No label named, or a condition the grammar does not cover; the message
        quotes the part not understood and lists :data:`SUPPORTED_FORMS`.

    Examples
    --------
    >>> [p.predicate.describe() for p in
    ...  parse_explanation("HAM because the comment is shorter than 5 words",
    ...                    ["HAM", "SPAM"])]
    ['contains fewer than 5 words']
    """
    if not isinstance(text, str) or not text.strip():
        raise ExplanationParseError(str(text), "the explanation is empty")
    label_map = normalize_labels(labels)
    lower_names = {k.lower(): k for k in label_map}
    toks = tokenize(text)
    if not toks:
        raise ExplanationParseError(text, "the explanation is empty")
    pos = [
        i
        for i, t in enumerate(toks)
        if t.type in ("w", "q") and t.value.lower() in lower_names
    ]
    if not pos:
        raise ExplanationParseError(
            text,
            f"it names none of the labels {sorted(label_map)}; start with e.g. "
            f"'{next(iter(label_map))} because ...'",
        )

    def fail_tail(toks_slice: Sequence[Tok], furthest: int) -> str:
        if furthest >= len(toks_slice):
            return text[toks_slice[-1].start :] if toks_slice else text
        return text[toks_slice[furthest].start :]

    best_err: tuple[int, str, str] | None = None  # (furthest char, problem, tail)
    for li in pos:
        name = lower_names[toks[li].value.lower()]
        spans: list[tuple[int, int]] = []
        # "Label SPAM because <cond>"
        if all(t.type == "w" and t.value in _FILLER_BEFORE for t in toks[:li]):
            j = li + 1
            while j < len(toks) and (
                toks[j].type == "p"
                and toks[j].value in ",:-"
                or toks[j].type == "w"
                and toks[j].value in ("here", "label")
            ):
                j += 1
            if j < len(toks) and toks[j].type == "w" and toks[j].value in _CONNECTORS:
                spans.append((j + 1, len(toks)))
            elif j < len(toks) and toks[j - 1].type == "p" and toks[j - 1].value == ":":
                spans.append((j, len(toks)))
            elif j >= len(toks):
                best_err = best_err or (
                    len(text),
                    "nothing follows the label; say "
                    "why, e.g. '... because it contains ...'",
                    "",
                )
            else:
                best_err = best_err or (
                    toks[j].start,
                    "expected 'because' after the label",
                    text[toks[j].start :],
                )
        # "If <cond>, (then) label it SPAM"
        if (
            toks[0].type == "w"
            and toks[0].value in ("if", "because", "since", "when")
            and all(
                t.type == "w" and t.value in _FILLER_BEFORE | {"then"} or t.type == "p"
                for t in toks[li + 1 :]
            )
        ):
            end = li
            while end > 1 and (
                toks[end - 1].type == "p"
                or toks[end - 1].value in _FILLER_BEFORE | {"then", "so"}
            ):
                end -= 1
            spans.append((1, end))
        for a, b in spans:
            sub = toks[a:b]
            if not sub:
                best_err = best_err or (len(text), "the condition is empty", "")
                continue
            parser = _Parser(sub)
            readings = [p for p, e in parser.condition(0) if e == len(sub)]
            if readings:
                out: list[Parse] = []
                seen: set[Predicate] = set()
                for p in readings:
                    if p not in seen:
                        seen.add(p)
                        out.append(Parse(name, p, len(out)))
                return out
            tail = fail_tail(sub, parser.furthest)
            start = sub[min(parser.furthest, len(sub) - 1)].start
            if (
                best_err is None
                or start > best_err[0]
                or best_err[1].startswith("expected 'because'")
            ):
                best_err = (start, "the condition is not in the grammar", tail)
    assert best_err is not None
    raise ExplanationParseError(text, best_err[1], best_err[2] or None)
