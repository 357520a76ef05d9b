"""Serve an exported student with onnxruntime and numpy only.

This file is deliberately self-contained (standard library, numpy,
onnxruntime): a deployment copies it next to the ``.onnx`` file and needs
neither torch, scikit-learn nor the rest of snorkel_nb. Training imports the
same text normaliser and hashing from here, so what is served is what was
trained. The ONNX file's metadata says which preprocessing its graph expects
(``snorkel_nb.preprocess``) and carries the training lineage
(``snorkel_nb.lineage``).

Two input kinds exist:

* ``"text"``: the graph takes a ``[n, 1]`` string tensor (a scikit-learn
  TF-IDF pipeline converted by skl2onnx). Text is normalised here first
  (lower-cased, whitespace runs folded), because skl2onnx's own lower-casing
  depends on the locale and its character n-grams do not fold whitespace.
* ``"hashed"``: the graph takes ``ids`` (int64) and ``weights`` (float32),
  both ``[n, t]``: hashed word and character n-grams with l2-normalised counts,
  padded with weight 0. Nothing but the bucket count has to be shipped.
"""

from __future__ import annotations

import json
import re
from typing import Any, Sequence

import numpy as np

PREPROCESS_KEY = "snorkel_nb.preprocess"
LINEAGE_KEY = "snorkel_nb.lineage"
_WS = re.compile(r"\s+")
#: Python's Unicode word token of two or more characters (sklearn's default).
WORD_PATTERN = r"(?u)\b\w\w+\b"
#: The same token for onnxruntime's RE2 (its ``\w`` is ASCII only).
ONNX_WORD_PATTERN = r"[\p{L}\p{N}_][\p{L}\p{N}_]+"
_WORD = re.compile(WORD_PATTERN)


#: Default input budget of the students: characters kept after normalising.
#: It bounds the worst-case latency (cost grows with length; ~1% of YouTube
#: comments are longer) and is part of the exported model's preprocessing.
MAX_CHARS = 512


def normalize_text(text: str, max_chars: int | None = None) -> str:
    """Lower-case, fold whitespace runs to one space, strip; keep the first
    ``max_chars`` characters (``None``: all).

    Parameters
    ----------
    text : str
        Raw text.
    max_chars : int, optional
        The input budget in characters.

    Returns
    -------
    str

    Examples
    --------
    >>> normalize_text("  Check\\tOUT  my Café ")
    'check out my café'
    >>> normalize_text("Check OUT my Café", max_chars=9)
    'check out'
    """
    out = _WS.sub(" ", text.lower()).strip()
    return out if max_chars is None else out[:max_chars].rstrip()


def check_texts(texts: Any, what: str = "texts") -> list[str]:
    """A list of non-empty strings, or a ValueError naming the bad positions.

    Parameters
    ----------
    texts : sequence of str
        The texts to check (a single string is refused).
    what : str, default "texts"
        Name used in error messages.

    Returns
    -------
    list of str
        ``texts`` as a list.

    Raises
    ------
    ValueError
        If ``texts`` is one string, empty, holds a non-string (NaN, None) or
        an empty / whitespace-only string.

    Examples
    --------
    >>> check_texts(("great song", "spam"))
    ['great song', 'spam']
    """
    if isinstance(texts, str):
        raise ValueError(f"{what} must be a sequence of strings, not one string.")
    texts = list(texts)
    if not texts:
        raise ValueError(f"{what} is empty: nothing to predict or train on.")
    bad = [i for i, t in enumerate(texts) if not isinstance(t, str)]
    if bad:
        raise ValueError(
            f"{what} must hold strings; positions {bad[:10]} hold "
            f"{sorted({type(texts[i]).__name__ for i in bad})} (NaN or None?)."
        )
    empty = [i for i, t in enumerate(texts) if not t.strip()]
    if empty:
        raise ValueError(
            f"{what} has {len(empty)} empty or whitespace-only strings, at positions "
            f"{empty[:10]}; drop them or give them text."
        )
    return texts


_U64 = (1 << 64) - 1
_P = 0x100000001B3  # odd, so it has an inverse modulo 2 ** 64
_P_INV = pow(_P, -1, 1 << 64)
_SEP = "\x00"  # between texts in a batch; never inside a normalised text
_POWERS: dict[str, np.ndarray] = {
    "p": np.ones(1, np.uint64),
    "inv": np.ones(1, np.uint64),
}


def _salt(kind: str, n: int) -> int:
    """Per n-gram type offset, so a word and a character gram never share a hash."""
    return ((1 if kind == "c" else 2) * 1_000_003 + n) * 0x9E3779B97F4A7C15 & _U64


def _mix(h: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser (uint64 arrays wrap modulo 2 ** 64, as meant)."""
    h = h ^ (h >> np.uint64(30))
    h = h * np.uint64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> np.uint64(27))
    h = h * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


def gram_bucket(kind: str, gram: str, n: int, n_buckets: int) -> int:
    """Bucket of one n-gram (``kind`` ``"w"`` or ``"c"``, ``n`` words or characters).

    The hash is polynomial in the code points, modulo 2 ** 64, then mixed:
    stable across processes and platforms (unlike ``hash()``), and the same
    number the vectorised :func:`encode_hashed` computes from prefix sums.

    Parameters
    ----------
    kind : {"w", "c"}
        Word or character n-gram (salts the hash).
    gram : str
        The n-gram's text.
    n : int
        Its length in words or characters (salts the hash).
    n_buckets : int
        Hash space size.

    Returns
    -------
    int
        Bucket in ``0..n_buckets-1``.

    Examples
    --------
    >>> gram_bucket("c", " hi", 3, 2 ** 16) == gram_bucket("c", " hi", 3, 2 ** 16)
    True
    """
    h = 0
    for j, ch in enumerate(gram):
        h = (h + ord(ch) * pow(_P, j, 1 << 64)) & _U64
    mixed = _mix(np.array([(h + _salt(kind, n)) & _U64], dtype=np.uint64))
    return int(mixed[0] % np.uint64(n_buckets))


def hashed_ngrams(
    text: str, word_ngrams: int = 2, char_ngrams: tuple[int, int] = (2, 4)
) -> list[tuple[str, str, int]]:
    """``(kind, gram, n)``: word 1..``word_ngrams``-grams, then the character
    n-grams of each word padded with one space either side. The reference
    (pure Python) for what :func:`encode_hashed` counts.

    Parameters
    ----------
    text : str
        Raw text (normalised with :func:`normalize_text`).
    word_ngrams : int, default 2
        Word n-grams of length 1..``word_ngrams``.
    char_ngrams : (int, int), default (2, 4)
        Range of character n-gram lengths within each padded word.

    Returns
    -------
    list of (str, str, int)

    Examples
    --------
    >>> [g for _, g, _ in hashed_ngrams("hi you", word_ngrams=2, char_ngrams=(3, 3))]
    ['hi', 'you', 'hi you', ' hi', 'hi ', ' yo', 'you', 'ou ']
    """
    words = _WORD.findall(normalize_text(text))
    grams = [
        ("w", " ".join(words[i : i + n]), n)
        for n in range(1, word_ngrams + 1)
        for i in range(len(words) - n + 1)
    ]
    lo, hi = char_ngrams
    for w in words:
        w = f" {w} "
        grams.extend(
            ("c", w[i : i + n], n)
            for n in range(lo, hi + 1)
            for i in range(len(w) - n + 1)
        )
    return grams


def _powers(key: str, base: int, size: int) -> np.ndarray:
    """``base ** j`` modulo 2 ** 64 for j < size (a table grown on demand)."""
    have = _POWERS[key]
    if len(have) < size:
        grow = np.full(max(size, 2 * len(have)), base, dtype=np.uint64)
        grow[0] = 1
        _POWERS[key] = have = np.cumprod(grow, dtype=np.uint64)
    return have[:size]


def encode_hashed(
    texts: Sequence[str],
    n_buckets: int,
    word_ngrams: int = 2,
    char_ngrams: tuple[int, int] = (2, 4),
    max_chars: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``(ids, weights)``, both ``[n, t]``: hashed n-grams, l2-normalised counts.

    Vectorised over the whole batch: the texts' words are joined into one
    code-point array, every n-gram is a substring of it, and its hash comes
    from prefix sums in a few numpy operations, not one Python call per gram
    (slow on long comments). Counts equal those of
    :func:`hashed_ngrams` + :func:`gram_bucket`. Rows are padded with id 0
    and weight 0; ``t >= 1``.

    Parameters
    ----------
    texts : sequence of str
        Raw texts (normalised here with :func:`normalize_text`).
    n_buckets : int
        Hash space size.
    word_ngrams : int, default 2
        Word n-grams of length 1..``word_ngrams``.
    char_ngrams : tuple of int, default (2, 4)
        The range of character n-gram lengths within each padded word.
    max_chars : int, optional
        Keep only each text's first ``max_chars`` characters.

    Returns
    -------
    tuple of numpy.ndarray
        ``ids`` (int64) and ``weights`` (float32), zero-padded.

    Raises
    ------
    ValueError
        If ``char_ngrams`` is not ``(lo, hi)`` with ``2 <= lo <= hi``.

    Examples
    --------
    >>> ids, w = encode_hashed(["a b", "hello"], n_buckets=16, char_ngrams=(3, 3))
    >>> ids.shape == w.shape, float(np.round((w[1] ** 2).sum(), 6))
    (True, 1.0)
    """
    if char_ngrams[0] < 2 or char_ngrams[1] < char_ngrams[0]:
        raise ValueError(
            f"char_ngrams must be (lo, hi) with 2 <= lo <= hi; got "
            f"{tuple(char_ngrams)} (a 1-gram of a padded word would "
            "count the space between two words twice)."
        )
    n_texts = len(texts)
    words = [_WORD.findall(normalize_text(t, max_chars)) for t in texts]
    joined = "".join(_SEP + (f" {' '.join(w)} " if w else "") for w in words)
    c = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    size = len(c)
    prefix = np.zeros(size + 1, dtype=np.uint64)
    np.cumsum(c * _powers("p", _P, size), out=prefix[1:])
    is_sep = c == 0
    row_of = np.cumsum(is_sep) - 1
    # Every gram is a substring [start, stop) of ``joined``, tagged by a salt.
    word = c > 32  # neither the separator nor a space
    edge = np.flatnonzero(np.diff(np.concatenate([[False], word, [False]])))
    w_start, w_stop = edge[::2], edge[1::2]
    starts, stops, salts = [], [], []
    for n in range(1, min(word_ngrams, len(w_start)) + 1):
        first, last = w_start[: len(w_start) - n + 1], w_stop[n - 1 :]
        same = row_of[first] == row_of[last - 1]
        first, last = first[same], last[same]
        starts.append(first)
        stops.append(last)
        salts.append(np.full(len(first), _salt("w", n), dtype=np.uint64))
    # A character gram lies inside one padded word: no separator anywhere and
    # no space strictly inside (a space may open or close it).
    lo, hi = char_ngrams
    bad = np.concatenate([[0], np.cumsum(is_sep | (c == 32))])
    seps = np.concatenate([[0], np.cumsum(is_sep)])
    for n in range(lo, hi + 1):
        start = np.arange(max(0, size - n + 1))
        ok = (bad[start + n - 1] == bad[start + 1]) & (seps[start + n] == seps[start])
        start = start[ok]
        starts.append(start)
        stops.append(start + n)
        salts.append(np.full(len(start), _salt("c", n), dtype=np.uint64))
    start, stop = np.concatenate(starts), np.concatenate(stops)
    h = (prefix[stop] - prefix[start]) * _powers("inv", _P_INV, size)[start]
    buckets = _mix(h + np.concatenate(salts)) % np.uint64(n_buckets)
    uniq, counts = np.unique(
        row_of[start].astype(np.uint64) * np.uint64(n_buckets) + buckets,
        return_counts=True,
    )
    rows = (uniq // np.uint64(n_buckets)).astype(np.int64)
    per_row = np.bincount(rows, minlength=n_texts)
    width = max(1, int(per_row.max()) if n_texts else 1)
    col = np.arange(len(uniq)) - (np.cumsum(per_row) - per_row)[rows]
    cnt = counts.astype(np.float64)
    norm = np.sqrt(np.bincount(rows, weights=cnt * cnt, minlength=n_texts))
    ids = np.zeros((n_texts, width), dtype=np.int64)
    weights = np.zeros((n_texts, width), dtype=np.float32)
    ids[rows, col] = (uniq % np.uint64(n_buckets)).astype(np.int64)
    weights[rows, col] = cnt / norm[rows]
    return ids, weights


def prepare_inputs(
    preprocess: dict[str, Any], texts: Sequence[str]
) -> dict[str, np.ndarray]:
    """The graph's input feed for ``texts`` under a ``preprocess`` description.

    Parameters
    ----------
    preprocess : dict
        The ONNX file's ``snorkel_nb.preprocess`` metadata: ``kind``
        (``"text"`` or ``"hashed"``), ``max_chars`` and, for ``"hashed"``,
        ``n_buckets``, ``word_ngrams`` and ``char_ngrams``.
    texts : sequence of str
        Raw texts.

    Returns
    -------
    dict of str to numpy.ndarray
        ``{input name: [n, 1] object array}`` for ``"text"``;
        ``{"ids": [n, t] int64, "weights": [n, t] float32}`` for ``"hashed"``.

    Raises
    ------
    ValueError
        On an unknown ``kind``.

    Examples
    --------
    >>> prepare_inputs({"kind": "text"}, ["Hi  There"])
    {'text': array([['hi there']], dtype=object)}
    """
    kind = preprocess.get("kind")
    max_chars = preprocess.get("max_chars")  # absent in older exports: no limit
    if kind == "text":
        arr = np.array([normalize_text(t, max_chars) for t in texts], dtype=object)
        return {preprocess.get("input", "text"): arr.reshape(-1, 1)}
    if kind == "hashed":
        ids, weights = encode_hashed(
            texts,
            int(preprocess["n_buckets"]),
            int(preprocess["word_ngrams"]),
            tuple(preprocess["char_ngrams"]),
            max_chars,
        )
        return {"ids": ids, "weights": weights}
    raise ValueError(f"Unknown preprocessing kind {kind!r} in the ONNX metadata.")


class OnnxStudent:
    """An exported student loaded in onnxruntime (one thread by default).

    Parameters
    ----------
    path
        The ``.onnx`` file written by ``snorkel_nb.distill.export_onnx``.
    threads
        onnxruntime intra-op threads (1 = the single-example latency setting).
    """

    def __init__(self, path: str, threads: int = 1) -> None:
        import onnxruntime as ort

        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        self.session = ort.InferenceSession(
            str(path), so, providers=["CPUExecutionProvider"]
        )
        meta = self.session.get_modelmeta().custom_metadata_map
        if PREPROCESS_KEY not in meta:
            raise ValueError(
                f"{path} has no {PREPROCESS_KEY!r} metadata: it was not "
                "exported by snorkel_nb.distill.export_onnx."
            )
        self.preprocess: dict[str, Any] = json.loads(meta[PREPROCESS_KEY])
        self.lineage: dict[str, Any] = json.loads(meta.get(LINEAGE_KEY, "{}"))
        self.output = self.preprocess.get("output", self.session.get_outputs()[-1].name)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """``[n, k]`` class probabilities for a list of raw strings.

        Parameters
        ----------
        texts : sequence of str
            Raw, non-empty texts.

        Returns
        -------
        numpy.ndarray
            [n, k] float64.

        Raises
        ------
        ValueError
            On an empty list, a non-string or an empty string.
        """
        texts = check_texts(texts)
        feed = prepare_inputs(self.preprocess, texts)
        out = self.session.run([self.output], feed)[0]
        return np.asarray(out, dtype=np.float64)


def predict_texts(onnx_path: str, texts: Sequence[str]) -> np.ndarray:
    """Class probabilities ``[n, k]`` of an exported student for raw ``texts``.

    Needs only numpy and onnxruntime (see the module docstring).

    Parameters
    ----------
    onnx_path : str
        The exported student (its preprocessing description and input budget
        travel in the file's metadata).
    texts : sequence of str
        Raw, non-empty texts.

    Returns
    -------
    numpy.ndarray
        ``[n, k]`` probabilities.

    Examples
    --------
    Texts are checked before the model is loaded:

    >>> predict_texts("student.onnx", ["great song", " "])
    Traceback (most recent call last):
    ...
    ValueError: texts has 1 empty or whitespace-only strings, at positions [1]; \
drop them or give them text.
    """
    texts = check_texts(texts)
    return OnnxStudent(onnx_path).predict_proba(texts)
