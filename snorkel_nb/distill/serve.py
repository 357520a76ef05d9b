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
import zlib
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


def normalize_text(text: str) -> str:
    """Lower-case, fold whitespace runs to one space, strip.

    Examples
    --------
    >>> normalize_text("  Check\\tOUT  my Café ")
    'check out my café'
    """
    return _WS.sub(" ", text.lower()).strip()


def check_texts(texts: Any, what: str = "texts") -> list[str]:
    """A list of non-empty strings, or a ValueError naming the bad positions."""
    if isinstance(texts, str):
        raise ValueError(f"{what} must be a sequence of strings, not one string.")
    texts = list(texts)
    if not texts:
        raise ValueError(f"{what} is empty: nothing to predict or train on.")
    bad = [i for i, t in enumerate(texts) if not isinstance(t, str)]
    if bad:
        raise ValueError(
            f"{what} must hold strings; positions {bad[:10]} hold "
            f"{sorted({type(texts[i]).__name__ for i in bad})} (NaN or None?).")
    empty = [i for i, t in enumerate(texts) if not t.strip()]
    if empty:
        raise ValueError(
            f"{what} has {len(empty)} empty or whitespace-only strings, at positions "
            f"{empty[:10]}; drop them or give them text.")
    return texts


def hashed_ngrams(text: str, word_ngrams: int = 2, char_ngrams: tuple[int, int] = (2, 4)
                  ) -> list[str]:
    """Word 1..``word_ngrams``-grams and character n-grams of each padded word.

    Examples
    --------
    >>> hashed_ngrams("hi you", word_ngrams=2, char_ngrams=(3, 3))
    ['w:hi', 'w:you', 'w:hi you', 'c: hi', 'c:hi ', 'c: yo', 'c:you', 'c:ou ']
    """
    words = _WORD.findall(normalize_text(text))
    grams = [f"w:{' '.join(words[i:i + n])}" for n in range(1, word_ngrams + 1)
             for i in range(len(words) - n + 1)]
    lo, hi = char_ngrams
    for w in words:
        w = f" {w} "
        grams.extend(f"c:{w[i:i + n]}" for n in range(lo, hi + 1)
                     for i in range(len(w) - n + 1))
    return grams


def encode_hashed(texts: Sequence[str], n_buckets: int, word_ngrams: int = 2,
                  char_ngrams: tuple[int, int] = (2, 4)
                  ) -> tuple[np.ndarray, np.ndarray]:
    """``(ids, weights)``, both ``[n, t]``: hashed n-grams, l2-normalised counts.

    The hash is CRC-32 (stable across processes and platforms, unlike
    ``hash()``). Rows are padded with id 0 and weight 0; ``t >= 1``.

    Examples
    --------
    >>> ids, w = encode_hashed(["a b", "hello"], n_buckets=16, char_ngrams=(3, 3))
    >>> ids.shape == w.shape, float(np.round((w[1] ** 2).sum(), 6))
    (True, 1.0)
    """
    rows = []
    for t in texts:
        counts: dict[int, int] = {}
        for g in hashed_ngrams(t, word_ngrams, tuple(char_ngrams)):
            b = zlib.crc32(g.encode("utf-8")) % n_buckets
            counts[b] = counts.get(b, 0) + 1
        rows.append(counts)
    width = max(1, max(len(r) for r in rows))
    ids = np.zeros((len(rows), width), dtype=np.int64)
    weights = np.zeros((len(rows), width), dtype=np.float32)
    for i, r in enumerate(rows):
        if not r:
            continue
        c = np.fromiter(r.values(), dtype=np.float64, count=len(r))
        ids[i, :len(r)] = np.fromiter(r.keys(), dtype=np.int64, count=len(r))
        weights[i, :len(r)] = c / np.sqrt((c ** 2).sum())
    return ids, weights


def prepare_inputs(preprocess: dict[str, Any], texts: Sequence[str]
                   ) -> dict[str, np.ndarray]:
    """The graph's input feed for ``texts`` under a ``preprocess`` description."""
    kind = preprocess.get("kind")
    if kind == "text":
        arr = np.array([normalize_text(t) for t in texts], dtype=object)
        return {preprocess.get("input", "text"): arr.reshape(-1, 1)}
    if kind == "hashed":
        ids, weights = encode_hashed(texts, int(preprocess["n_buckets"]),
                                     int(preprocess["word_ngrams"]),
                                     tuple(preprocess["char_ngrams"]))
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
        self.session = ort.InferenceSession(str(path), so,
                                            providers=["CPUExecutionProvider"])
        meta = self.session.get_modelmeta().custom_metadata_map
        if PREPROCESS_KEY not in meta:
            raise ValueError(f"{path} has no {PREPROCESS_KEY!r} metadata: it was not "
                             "exported by snorkel_nb.distill.export_onnx.")
        self.preprocess: dict[str, Any] = json.loads(meta[PREPROCESS_KEY])
        self.lineage: dict[str, Any] = json.loads(meta.get(LINEAGE_KEY, "{}"))
        self.output = self.preprocess.get("output", self.session.get_outputs()[-1].name)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """``[n, k]`` class probabilities for a list of raw strings."""
        texts = check_texts(texts)
        feed = prepare_inputs(self.preprocess, texts)
        out = self.session.run([self.output], feed)[0]
        return np.asarray(out, dtype=np.float64)


def predict_texts(onnx_path: str, texts: Sequence[str]) -> np.ndarray:
    """Class probabilities ``[n, k]`` of an exported student for raw ``texts``.

    Needs only numpy and onnxruntime (see the module docstring).

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
