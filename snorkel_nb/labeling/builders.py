"""Labeling-function builders that need no code: keywords, regexes, lookups, models.

Every builder returns a :class:`~snorkel_nb.labeling.lf.LabelingFunction` with

- a row-wise ``f`` (so ``lf(x)`` works on one data point, e.g. a Series),
- a vectorised ``batch(df) -> int array`` with exactly the same votes,
- a readable default ``name`` (``keyword_subscribe_channel``), a ``description``,
- ``spec = {"builder": ..., "args": {...}, "exportable": bool}`` with JSON-able
  arguments, so an LF set can be written back out as Python source,
- for regex and keyword LFs, ``batch_group = (key, fn)``: the applier labels all
  LFs sharing ``key`` with one call ``fn(df, lfs) -> [n, len(lfs)]``, which
  evaluates every regex of the group through one literal pre-scan of the
  column (:mod:`snorkel_nb.labeling._multiregex`).

Values that are not strings (NaN, None) in a text field make the LF abstain.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"text": ["Subscribe to my channel!", "nice song", None]})
>>> lf = keyword_lf(["subscribe", "my channel"], label=1)
>>> lf.name
'keyword_subscribe_my_channel'
>>> lf.batch(df).tolist()
[1, -1, -1]
>>> lf(df.iloc[0])
1
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from snorkel_nb.labeling._multiregex import RegexSet
from snorkel_nb.labeling.lf import LabelingFunction
from snorkel_nb.labeling.matrix import ABSTAIN

__all__ = [
    "BuiltLabelingFunction",
    "apply_regex_group",
    "keyword_lf",
    "lookup_lf",
    "model_lf",
    "regex_lf",
]

REGEX_GROUP = "snorkel_nb.regex"

_FLAG_NAMES = ("IGNORECASE", "MULTILINE", "DOTALL", "VERBOSE", "ASCII")


class BuiltLabelingFunction(LabelingFunction):
    """A :class:`LabelingFunction` made by a builder.

    Adds ``spec`` (builder name and JSON-able arguments) and, for regex-based
    LFs, ``batch_group``. Its :attr:`fingerprint` hashes the spec, so rebuilding
    the same LF keeps cached columns and changing any argument invalidates them.

    Parameters
    ----------
    name : str
        The LF's name.
    f : callable
        ``f(x) -> label or -1`` on one data point.
    batch : callable
        ``batch(df) -> [n] int array``, the vectorised equivalent of ``f``.
    description : str
        Plain-words description shown in summaries.
    spec : dict
        ``{"builder": ..., "args": {...}, ...}``: JSON-able arguments that
        rebuild the LF (and are hashed into its fingerprint).
    batch_group : (hashable, callable), optional
        Group key and group function: LFs sharing the key are labelled
        together (e.g. :func:`apply_regex_group`).
    fingerprint_extra : str, default ""
        Extra text hashed into the fingerprint (e.g. a resource's digest).
    """

    def __init__(
        self,
        name: str,
        f: Callable[..., int],
        batch: Callable[[pd.DataFrame], np.ndarray],
        description: str,
        spec: dict[str, Any],
        batch_group: tuple[Hashable, Callable[..., np.ndarray]] | None = None,
        fingerprint_extra: str = "",
    ) -> None:
        super().__init__(name, f, batch=batch, description=description)
        self.spec = spec
        self.batch_group = batch_group
        self._fp_extra = fingerprint_extra

    @property
    def fingerprint(self) -> str:
        h = hashlib.sha1(self.name.encode())
        h.update(json.dumps(self.spec, sort_keys=True, default=repr).encode())
        h.update(self._fp_extra.encode())
        return h.hexdigest()

    def __repr__(self) -> str:
        return f"LabelingFunction {self.name} ({self.spec['builder']})"


# --------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------


def _check_label(label: Any, what: str = "label") -> int:
    if isinstance(label, (bool, np.bool_)) or not isinstance(label, (int, np.integer)):
        raise ValueError(f"{what} must be an int >= 0 (a class index); got {label!r}.")
    if label < 0:
        raise ValueError(
            f"{what} must be an int >= 0 (a class index; -1 means abstain); "
            f"got {label!r}."
        )
    return int(label)


def _column(df: pd.DataFrame, field: str, lf_name: str) -> pd.Series:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(
            f"LF {lf_name!r}: batch expects a pandas DataFrame, got "
            f"{type(df).__name__}."
        )
    if field not in df.columns:
        raise ValueError(
            f"LF {lf_name!r}: column {field!r} not in the DataFrame; available "
            f"columns: {list(map(str, df.columns))}."
        )
    return df[field]


def _field_value(x: Any, field: str, lf_name: str) -> Any:
    """Read ``field`` from a data point (Series, applier row, dict, object)."""
    try:
        return x[field]
    except (KeyError, IndexError, TypeError):
        pass
    # Attribute access only for plain objects: on a Series or namedtuple a
    # missing field could silently hit a method (``x.count``).
    if not isinstance(x, (pd.Series, Mapping, tuple)):
        try:
            return getattr(x, field)
        except AttributeError:
            pass
    if hasattr(x, "_fields"):
        available = list(x._fields)
    elif hasattr(x, "index"):
        available = list(map(str, x.index))
    elif hasattr(x, "keys"):
        available = list(map(str, x.keys()))
    else:
        available = []
    raise ValueError(
        f"LF {lf_name!r}: data point has no field {field!r}; available fields: "
        f"{available}."
    )


def _slug(parts: Sequence[str], max_len: int = 40) -> str:
    out = "_".join(re.sub(r"\W+", "_", str(p).lower()).strip("_") for p in parts)
    out = re.sub(r"_+", "_", out).strip("_")
    if len(out) > max_len:
        out = out[:max_len].rstrip("_")
    return out


def _flag_names(flags: int) -> list[str]:
    return [n for n in _FLAG_NAMES if flags & getattr(re, n)]


def _flags_value(names: Sequence[str]) -> int:
    v = 0
    for n in names:
        v |= getattr(re, n)
    return v


# --------------------------------------------------------------------------
# Regex and keyword LFs (share the multi-regex engine)
# --------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _regex_set(patterns: tuple[re.Pattern[str], ...]) -> RegexSet:
    return RegexSet(patterns)


def apply_regex_group(df: pd.DataFrame, lfs: Sequence[LabelingFunction]) -> np.ndarray:
    """Label ``df`` with several regex/keyword LFs at once.

    The group function of ``regex_lf`` and ``keyword_lf`` LFs (their
    ``batch_group[1]``). LFs may read different fields; each field is scanned
    once for all its LFs.

    Parameters
    ----------
    df
        The data, one row per point.
    lfs
        LFs built by :func:`regex_lf` or :func:`keyword_lf`.

    Returns
    -------
    numpy.ndarray
        An [n, len(lfs)] int32 matrix with values in {-1, label}.

    Raises
    ------
    ValueError
        If an LF was not built by ``regex_lf`` or ``keyword_lf``, or reads a
        missing column.

    Examples
    --------
    >>> df = pd.DataFrame({"text": ["how many", "who is", None]})
    >>> lfs = [regex_lf(r"^how", 0), regex_lf(r"who", 1)]
    >>> apply_regex_group(df, lfs).tolist()
    [[0, -1], [-1, 1], [-1, -1]]
    """
    out = np.full((len(df), len(lfs)), ABSTAIN, dtype=np.int32)
    by_field: dict[str, list[int]] = {}
    for j, lf in enumerate(lfs):
        payload = getattr(lf, "_regex_payload", None)
        if payload is None:
            raise ValueError(f"LF {lf.name!r} was not built by regex_lf or keyword_lf.")
        by_field.setdefault(payload[0], []).append(j)
    for field, idx in by_field.items():
        col = _column(df, field, lfs[idx[0]].name)
        pats = tuple(lfs[j]._regex_payload[1] for j in idx)  # type: ignore[attr-defined]
        hits = _regex_set(pats).search_matrix(col.tolist())
        for k, j in enumerate(idx):
            out[hits[:, k], j] = lfs[j]._regex_payload[2]  # type: ignore[attr-defined]
    return out


def _make_regex_lf(
    name: str,
    compiled: re.Pattern[str],
    label: int,
    field: str,
    description: str,
    spec: dict[str, Any],
) -> BuiltLabelingFunction:
    search = compiled.search

    def f(x: Any) -> int:
        v = _field_value(x, field, name)
        return label if isinstance(v, str) and search(v) is not None else ABSTAIN

    lf: BuiltLabelingFunction

    def batch(df: pd.DataFrame) -> np.ndarray:
        return apply_regex_group(df, [lf])[:, 0]

    lf = BuiltLabelingFunction(
        name,
        f,
        batch,
        description,
        spec,
        batch_group=((REGEX_GROUP, field), apply_regex_group),
    )
    lf._regex_payload = (field, compiled, label)  # type: ignore[attr-defined]
    return lf


def regex_lf(
    pattern: str,
    label: int,
    field: str = "text",
    name: str | None = None,
    flags: int = re.IGNORECASE,
) -> BuiltLabelingFunction:
    """An LF voting ``label`` where ``re.search(pattern, x[field], flags)`` matches.

    Matching is ``re.search`` (anywhere in the text), as in most hand-written
    Snorkel LFs; anchor with ``^``/``$`` for whole-field matches. The default
    is case-insensitive (``flags=re.IGNORECASE``); pass ``flags=0`` for
    case-sensitive matching. Many regex LFs over one column are evaluated
    together (one literal pre-scan, then each regex only on candidate rows).

    Parameters
    ----------
    pattern
        A Python regular expression (``str``).
    label
        Class index voted on a match (int >= 0).
    field
        Column (DataFrame) / field (data point) holding the text.
    name
        LF name; default ``regex_<slug of the pattern>``.
    flags
        ``re`` flags (IGNORECASE, MULTILINE, DOTALL, VERBOSE, ASCII).

    Returns
    -------
    BuiltLabelingFunction
        With ``spec`` (builder and arguments) and a vectorised ``batch``.

    Raises
    ------
    ValueError
        Empty or invalid pattern (the message names the LF and the regex
        error), or a label that is not an int >= 0.

    Examples
    --------
    >>> lf = regex_lf(r"check.*out", label=1)
    >>> lf.name
    'regex_check_out'
    >>> lf.batch(pd.DataFrame({"text": ["Check it out", "hello"]})).tolist()
    [1, -1]
    >>> lf.spec  # doctest: +NORMALIZE_WHITESPACE
    {'builder': 'regex_lf',
     'args': {'pattern': 'check.*out', 'label': 1, 'field': 'text',
              'name': 'regex_check_out', 'flags': ['IGNORECASE']},
     'exportable': True}
    """
    label = _check_label(label)
    if not isinstance(pattern, str) or not pattern:
        raise ValueError(f"regex_lf needs a non-empty pattern string; got {pattern!r}.")
    if flags & ~_flags_value(_FLAG_NAMES):
        raise ValueError(
            f"regex_lf supports the flags {', '.join(_FLAG_NAMES)}; got {flags!r}."
        )
    if name is None:
        slug = _slug([pattern])
        name = "regex_" + (slug or hashlib.sha1(pattern.encode()).hexdigest()[:8])
    try:
        compiled = re.compile(pattern, flags)
    except re.error as e:
        raise ValueError(f"LF {name!r}: invalid regex {pattern!r}: {e}") from e
    spec = {
        "builder": "regex_lf",
        "args": {
            "pattern": pattern,
            "label": label,
            "field": field,
            "name": name,
            "flags": _flag_names(flags),
        },
        "exportable": True,
    }
    ci = " (case-insensitive)" if flags & re.IGNORECASE else ""
    desc = f"Votes {label} where {field} matches /{pattern}/{ci}."
    return _make_regex_lf(name, compiled, label, field, desc, spec)


def keyword_lf(
    words: str | Sequence[str],
    label: int,
    field: str = "text",
    name: str | None = None,
    case_sensitive: bool = False,
    whole_word: bool = True,
) -> BuiltLabelingFunction:
    """An LF voting ``label`` where any of ``words`` occurs in ``x[field]``.

    A keyword may contain spaces (``"my channel"``). With ``whole_word`` a
    keyword must not touch a word character (letter, digit, ``_``) on either
    side, so ``"sub"`` does not fire on ``"subscribe"``; without it, any
    substring counts. Case-insensitive matching follows ``re.IGNORECASE``.
    Exactly equivalent to ``regex_lf`` with the pattern
    ``(?<!\\w)(?:w1|w2|...)(?!\\w)`` (whole words) or ``w1|w2|...`` (substrings),
    keywords escaped; it shares the regex engine and its group batching.

    Parameters
    ----------
    words
        One keyword or a list of them (non-empty strings).
    label
        Class index voted on a hit (int >= 0).
    field
        Text column / field.
    name
        LF name; default ``keyword_<first words>``.
    case_sensitive
        Match case exactly (default: ignore case).
    whole_word
        Require word boundaries around the keyword (default True).

    Returns
    -------
    BuiltLabelingFunction
        With ``spec`` (builder and arguments) and a vectorised ``batch``.

    Raises
    ------
    ValueError
        No keywords, a keyword that is not a non-empty string, or a label
        that is not an int >= 0.

    Examples
    --------
    >>> lf = keyword_lf(["subscribe", "channel"], label=1)
    >>> lf.name
    'keyword_subscribe_channel'
    >>> df = pd.DataFrame({"text": ["SUBSCRIBE pls", "subscribed", "a channel"]})
    >>> lf.batch(df).tolist()
    [1, -1, 1]
    """
    label = _check_label(label)
    if isinstance(words, str):
        words = [words]
    words = list(words)
    if not words:
        raise ValueError("keyword_lf needs at least one keyword; got an empty list.")
    bad = [w for w in words if not isinstance(w, str) or not w]
    if bad:
        raise ValueError(f"keyword_lf keywords must be non-empty strings; got {bad!r}.")
    if name is None:
        shown = words[:3]
        name = "keyword_" + (
            _slug(shown) or hashlib.sha1("\0".join(words).encode()).hexdigest()[:8]
        )
        if len(words) > 3:
            name += "_etc"
    # Longest first: irrelevant for search() but keeps the alternation tidy.
    alt = "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))
    pattern = f"(?<!\\w)(?:{alt})(?!\\w)" if whole_word else f"(?:{alt})"
    flags = 0 if case_sensitive else re.IGNORECASE
    compiled = re.compile(pattern, flags)
    spec = {
        "builder": "keyword_lf",
        "args": {
            "words": words,
            "label": label,
            "field": field,
            "name": name,
            "case_sensitive": case_sensitive,
            "whole_word": whole_word,
        },
        "exportable": True,
    }
    shown = ", ".join(repr(w) for w in words[:5]) + (", ..." if len(words) > 5 else "")
    kind = "word" if whole_word else "substring"
    desc = (
        f"Votes {label} where {field} contains the {kind} {shown}"
        + ("" if case_sensitive else " (any case)")
        + "."
    )
    return _make_regex_lf(name, compiled, label, field, desc, spec)


# --------------------------------------------------------------------------
# Lookup (gazetteer / knowledge-base) LFs
# --------------------------------------------------------------------------


def lookup_lf(
    field: str,
    table: Mapping[Any, int] | Collection[Any],
    label: int | None = None,
    name: str | None = None,
    normalize: bool = True,
    match: str = "exact",
    token_pattern: str = r"\w+",
) -> BuiltLabelingFunction:
    """An LF voting from a knowledge base / gazetteer lookup of ``x[field]``.

    Parameters
    ----------
    field
        Column / field to look up.
    table
        A dict ``value -> label``, or a set/list of values that all vote
        ``label``.
    label
        The label for a set/list ``table`` (must be None for a dict).
    name
        LF name; default ``lookup_<field>`` (plus ``_<label>`` for sets).
    normalize
        Lower-case and strip string values (table keys and data alike).
        Non-string values (ints, ...) are looked up as they are.
    match
        ``"exact"``: the whole field value is looked up. ``"token"`` (text
        fields): the text is split into tokens (``token_pattern``) and the
        LF votes the label of the leftmost token n-gram found in the table,
        preferring the longest at that position; multi-word entries
        (``"new york"``) match consecutive tokens.
    token_pattern
        Regex defining a token in ``"token"`` mode (entries are tokenised the
        same way and re-joined with single spaces).

    Returns
    -------
    BuiltLabelingFunction
        With ``spec`` (builder and arguments) and a vectorised ``batch``.

    Raises
    ------
    ValueError
        Empty table, bad labels, ``label`` given with a dict (or missing with a
        set), keys that collide after normalisation with different labels, or
        an unknown ``match``.

    Examples
    --------
    >>> lf = lookup_lf("text", {"new york": 0, "paris": 1}, match="token")
    >>> df = pd.DataFrame({"text": ["I love New-York", "Paris in spring", "Rome"]})
    >>> lf.batch(df).tolist()
    [0, 1, -1]
    >>> lookup_lf("user", {"spambot", "bot99"}, label=1).batch(
    ...     pd.DataFrame({"user": ["BOT99 ", "alice"]})).tolist()
    [1, -1]
    """
    if match not in ("exact", "token"):
        raise ValueError(f"lookup_lf: match must be 'exact' or 'token'; got {match!r}.")
    if isinstance(table, Mapping):
        if label is not None:
            raise ValueError(
                "lookup_lf: pass `label` only with a set/list table; a "
                "dict table already maps values to labels."
            )
        items = [(k, _check_label(v, f"label of {k!r}")) for k, v in table.items()]
    elif isinstance(table, (str, bytes)) or not isinstance(table, Collection):
        raise ValueError(
            "lookup_lf: table must be a dict value->label or a "
            f"set/list of values; got {type(table).__name__}."
        )
    else:
        if label is None:
            raise ValueError("lookup_lf: a set/list table needs `label`.")
        lab = _check_label(label)
        items = [(k, lab) for k in table]
    if not items:
        raise ValueError("lookup_lf: the table is empty.")
    tok = re.compile(token_pattern)

    def norm(v: Any) -> Any:
        return v.strip().lower() if normalize and isinstance(v, str) else v

    lut: dict[Any, int] = {}
    max_n = 1
    for k, v in items:
        if match == "token":
            if not isinstance(k, str):
                raise ValueError(
                    f"lookup_lf: token mode needs string entries; got {k!r}."
                )
            toks = tok.findall(norm(k))
            if not toks:
                raise ValueError(
                    f"lookup_lf: entry {k!r} has no token "
                    f"(token_pattern={token_pattern!r})."
                )
            key: Any = " ".join(toks)
            max_n = max(max_n, len(toks))
        else:
            key = norm(k)
        if lut.get(key, v) != v:
            raise ValueError(
                f"lookup_lf: entry {k!r} maps to {v} but another entry "
                f"normalising to {key!r} maps to {lut[key]}."
            )
        lut[key] = v
    if name is None:
        name = f"lookup_{_slug([field])}"
        if label is not None:
            name += f"_{label}"
    labels = sorted(set(lut.values()))

    if match == "exact":

        def f(x: Any) -> int:
            v = _field_value(x, field, name)
            if _is_missing(v):
                return ABSTAIN
            try:
                return lut.get(norm(v), ABSTAIN)
            except TypeError:  # unhashable value
                return ABSTAIN

        def batch(df: pd.DataFrame) -> np.ndarray:
            col = _column(df, field, name)
            if normalize and (pd.api.types.is_string_dtype(col.dtype)):
                keys = col.str.strip().str.lower()
                if keys.dtype == object:  # mixed object column: keep non-strings
                    keys = keys.where(col.map(lambda v: isinstance(v, str)), col)
            else:
                keys = col
            hit = keys.map(lut.get) if keys.dtype == object else keys.map(lut)
            return hit.fillna(ABSTAIN).to_numpy(dtype=np.int64).astype(np.int32)

    else:

        def f(x: Any) -> int:
            v = _field_value(x, field, name)
            if not isinstance(v, str):
                return ABSTAIN
            toks = tok.findall(norm(v))
            for i in range(len(toks)):
                for n in range(min(max_n, len(toks) - i), 0, -1):
                    hit = lut.get(" ".join(toks[i : i + n]))
                    if hit is not None:
                        return hit
            return ABSTAIN

        def batch(df: pd.DataFrame) -> np.ndarray:
            col = _column(df, field, name)
            return _token_lookup(col, lut, max_n, tok, normalize)

    spec = {
        "builder": "lookup_lf",
        "args": {
            "field": field,
            "table": _jsonable_table(table, label),
            "label": label,
            "name": name,
            "normalize": normalize,
            "match": match,
            "token_pattern": token_pattern,
        },
        "exportable": True,
    }
    what = "a token of " if match == "token" else ""
    desc = (
        f"Votes the table's label ({', '.join(map(str, labels))}) where {what}"
        f"{field} is in a table of {len(lut)} entries"
        f"{' (lower-cased)' if normalize else ''}."
    )
    return BuiltLabelingFunction(name, f, batch, desc, spec)


def _is_missing(v: Any) -> bool:
    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _jsonable_table(table: Any, label: int | None) -> Any:
    if isinstance(table, Mapping):
        return {
            str(k) if not isinstance(k, (str, int, float)) else k: int(v)
            for k, v in table.items()
        }
    try:
        return sorted(table)
    except TypeError:
        return list(table)


def _token_lookup(
    col: pd.Series,
    lut: dict[Any, int],
    max_n: int,
    tok: re.Pattern[str],
    normalize: bool,
) -> np.ndarray:
    """Vectorised leftmost-longest n-gram lookup (same votes as the row form)."""
    n = len(col)
    out = np.full(n, ABSTAIN, dtype=np.int32)
    vals = col.tolist()
    strs = [v.strip().lower() if normalize else v for v in vals if isinstance(v, str)]
    rows_of_str = np.fromiter((isinstance(v, str) for v in vals), bool, n)
    str_rows = np.flatnonzero(rows_of_str)
    tokens = [tok.findall(s) for s in strs]
    counts = np.fromiter(map(len, tokens), np.int64, len(tokens))
    flat = np.array([t for ts in tokens for t in ts], dtype=object)
    if len(flat) == 0:
        return out
    row = np.repeat(np.arange(len(tokens)), counts)
    pos = np.arange(len(flat)) - np.repeat(np.cumsum(counts) - counts, counts)
    best_row: list[np.ndarray] = []
    best_key: list[np.ndarray] = []
    best_lab: list[np.ndarray] = []
    for k in range(1, max_n + 1):
        if k > len(flat):
            break
        m = len(flat) - k + 1
        same = row[:m] == row[k - 1 :]
        if k == 1:
            grams = flat
        else:
            grams = flat[:m].copy()
            for d in range(1, k):
                grams = grams + " " + flat[d : d + m]
        grams = grams[same]
        labs = pd.Series(grams).map(lut).to_numpy(dtype=np.float64)
        ok = ~np.isnan(labs)
        best_row.append(row[:m][same][ok])
        # sort key: position asc, then longer n-gram first
        best_key.append(pos[:m][same][ok] * (max_n + 1) + (max_n - k))
        best_lab.append(labs[ok].astype(np.int32))
    if not best_row:
        return out
    r = np.concatenate(best_row)
    key = np.concatenate(best_key)
    lab = np.concatenate(best_lab)
    if len(r) == 0:
        return out
    order = np.lexsort((key, r))
    r, lab = r[order], lab[order]
    first = np.ones(len(r), bool)
    first[1:] = r[1:] != r[:-1]
    out[str_rows[r[first]]] = lab[first]
    return out


# --------------------------------------------------------------------------
# Model LFs
# --------------------------------------------------------------------------


def model_lf(
    estimator: Any,
    threshold: float = 0.9,
    field: str | Sequence[str] | None = "text",
    featurize: Callable[[Any], Any] | None = None,
    name: str | None = None,
    labels: Sequence[int] | Mapping[Any, int] | None = None,
) -> BuiltLabelingFunction:
    """An LF that lets a fitted classifier vote where it is confident.

    Votes the most probable class where its probability is ``>= threshold``,
    abstains elsewhere (and on rows whose ``field`` value is missing).

    Parameters
    ----------
    estimator
        Any fitted scikit-learn-style classifier with ``predict_proba`` (e.g. a
        ``Pipeline(TfidfVectorizer(), LogisticRegression())`` on raw text).
    threshold
        Minimum class probability to vote, in (0, 1].
    field
        What the estimator reads: a column name (passes that column, e.g. raw
        text, to ``featurize`` or the estimator), a list of columns (passes a
        DataFrame), or None (passes the whole DataFrame).
    featurize
        Optional map from that input to the estimator's input (e.g. a fitted
        vectoriser's ``transform``).
    name
        LF name; default ``model_<estimator class>``.
    labels
        Label of each ``predict_proba`` column (a list), or a dict from the
        estimator's ``classes_`` to labels (use -1 to never vote a class).
        Default: ``estimator.classes_``, which must then be ints >= 0.

    Returns
    -------
    BuiltLabelingFunction
        With ``spec`` (builder and arguments) and a vectorised ``batch``.

    Raises
    ------
    ValueError
        No ``predict_proba``, a threshold outside (0, 1], or non-integer classes
        without ``labels``.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> texts = ["buy now", "cheap pills", "nice video", "love this song"] * 5
    >>> clf = make_pipeline(CountVectorizer(), LogisticRegression(C=10.0))
    >>> clf = clf.fit(texts, [1, 1, 0, 0] * 5)
    >>> lf = model_lf(clf, threshold=0.8)
    >>> texts = pd.DataFrame({"text": ["buy cheap pills", "love this", None]})
    >>> lf.batch(texts).tolist()
    [1, 0, -1]
    """
    proba = getattr(estimator, "predict_proba", None)
    if not callable(proba):
        raise ValueError(
            f"model_lf needs an estimator with predict_proba; "
            f"{type(estimator).__name__} has none."
        )
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, (int, float))
        or not (0.0 < float(threshold) <= 1.0)
    ):
        raise ValueError(f"model_lf: threshold must be in (0, 1]; got {threshold!r}.")
    threshold = float(threshold)
    classes = getattr(estimator, "classes_", None)
    if labels is None:
        if classes is None:
            raise ValueError(
                "model_lf: the estimator has no classes_ (is it fitted?); "
                "pass `labels` giving the label of each probability column."
            )
        col_labels = [_class_label(c) for c in classes]
    elif isinstance(labels, Mapping):
        if classes is None:
            raise ValueError("model_lf: a dict `labels` needs estimator.classes_.")
        missing = [c for c in classes if c not in labels]
        if missing:
            raise ValueError(f"model_lf: `labels` has no entry for classes {missing}.")
        col_labels = [int(labels[c]) for c in classes]
        if any(v < ABSTAIN for v in col_labels):
            raise ValueError(
                "model_lf: labels must be ints >= 0 (or -1 to never vote)."
            )
    else:
        col_labels = [_check_label(v, "each of `labels`") for v in labels]
    lab_arr = np.asarray(col_labels, dtype=np.int32)
    if name is None:
        name = f"model_{_slug([type(estimator).__name__])}"

    def predict(X: Any, n: int) -> np.ndarray:
        P = np.asarray(proba(featurize(X) if featurize is not None else X))
        if P.ndim != 2 or P.shape != (n, len(lab_arr)):
            raise ValueError(
                f"LF {name!r}: predict_proba returned shape {P.shape}, "
                f"expected ({n}, {len(lab_arr)})."
            )
        j = P.argmax(axis=1)
        vote = lab_arr[j]
        return np.where(P[np.arange(n), j] >= threshold, vote, ABSTAIN).astype(np.int32)

    def batch(df: pd.DataFrame) -> np.ndarray:
        out = np.full(len(df), ABSTAIN, dtype=np.int32)
        if isinstance(field, str):
            col = _column(df, field, name)
            ok = col.notna().to_numpy()
            if ok.any():
                out[ok] = predict(col[ok], int(ok.sum()))
            return out
        if field is None:
            X = df
        else:
            for c in field:
                _column(df, c, name)
            X = df[list(field)]
        return predict(X, len(df)) if len(df) else out

    def f(x: Any) -> int:
        if isinstance(field, str):
            v = _field_value(x, field, name)
            if _is_missing(v):
                return ABSTAIN
            return int(predict(pd.Series([v], name=field), 1)[0])
        if field is None:
            row = _as_dict(x)
        else:
            row = {c: _field_value(x, c, name) for c in field}
        return int(predict(pd.DataFrame([row]), 1)[0])

    spec = {
        "builder": "model_lf",
        "args": {
            "estimator": type(estimator).__name__,
            "threshold": threshold,
            "field": field if field is None or isinstance(field, str) else list(field),
            "name": name,
            "labels": col_labels,
        },
        "exportable": False,
    }
    desc = (
        f"{type(estimator).__name__} votes its most probable class where that "
        f"probability is >= {threshold:g}."
    )
    # A fitted model has no cheap content hash: every model_lf call gets a new
    # fingerprint, so rebuilding it after re-fitting recomputes its column.
    return BuiltLabelingFunction(
        name, f, batch, desc, spec, fingerprint_extra=uuid.uuid4().hex
    )


def _class_label(c: Any) -> int:
    if isinstance(c, (bool, np.bool_)) or not isinstance(c, (int, np.integer)) or c < 0:
        raise ValueError(
            f"model_lf: estimator class {c!r} is not an int >= 0; pass "
            "`labels` (a list per probability column, or a dict "
            "class -> label)."
        )
    return int(c)


def _as_dict(x: Any) -> dict[str, Any]:
    if isinstance(x, pd.Series):
        return x.to_dict()
    if hasattr(x, "_asdict"):
        return dict(x._asdict())
    if isinstance(x, Mapping):
        return dict(x)
    return dict(vars(x))
