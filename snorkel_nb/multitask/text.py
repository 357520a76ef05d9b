"""TF-IDF as token ids + weights, for a bag-of-embeddings trunk.

``EmbeddingBag(mode="sum")`` with per-token TF-IDF weights computes exactly
``tfidf(x) @ W`` without ever building the dense [n, vocabulary] matrix, so
a text trunk trains on CPU in seconds.

Besides word 1-2-grams it can add character n-grams (robust to inflections
and rare words, which matters where no LF fired and the network must
generalise) and "lead" terms for the first tokens of a question ("^how
many", "^who"), which carry most of a question's type. Each term family is
L2-normalised on its own and the families are scaled so a row has norm 1,
as a scikit-learn FeatureUnion of TfidfVectorizers would give up to that
scale.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Iterable, Sequence

import numpy as np

TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens.

    Examples
    --------
    >>> tokenize("Who's the CEO of IBM ?")
    ["who's", 'the', 'ceo', 'of', 'ibm']
    """
    return TOKEN.findall(str(text).lower())


def char_ngrams(text: str, lo: int, hi: int) -> list[str]:
    """Character n-grams (``lo..hi``) inside each padded word, like
    scikit-learn's ``analyzer="char_wb"``; prefixed ``"#"`` so they never
    collide with word terms.

    Parameters
    ----------
    text
        The text to split.
    lo
        Shortest n-gram length.
    hi
        Longest n-gram length.

    Returns
    -------
    list of str

    Examples
    --------
    >>> char_ngrams("Who is", 2, 3)  # doctest: +NORMALIZE_WHITESPACE
    ['# w', '#wh', '#ho', '#o ', '# wh', '#who', '#ho ',
     '# i', '#is', '#s ', '# is', '#is ']
    """
    out = []
    for tok in tokenize(text):
        w = f" {tok} "
        for n in range(lo, hi + 1):
            out.extend("#" + w[i : i + n] for i in range(len(w) - n + 1))
    return out


def family(term: str) -> int:
    """0 for word terms, 1 for character n-grams (``#``), 2 for lead terms (``^``)."""
    return {"#": 1, "^": 2}.get(term[:1], 0)


class TfidfIds:
    """Fit a vocabulary + idf; transform texts to ``(ids, weights)`` [n, width].

    Id 0 is padding / out of vocabulary (weight 0). Word unigrams (+ bigrams),
    optionally character n-grams and lead-token terms; each term family is
    L2-normalised as in scikit-learn's TfidfVectorizer, then the families
    are scaled so every row with a known term has norm 1.

    Parameters
    ----------
    min_df, max_features
        Keep terms seen in ``min_df`` or more texts, at most ``max_features``
        of each family (most frequent first).
    max_len
        Keep at most this many terms per row (``None``: all; the width is
        then the longest row of each ``transform`` call).
    bigrams
        Add word bigrams.
    char_ngrams
        ``(lo, hi)``: add character ``lo..hi``-grams within words.
    sublinear_tf
        Use ``1 + log(tf)`` instead of raw counts.
    lead_tokens
        Add ``"^w1"``, ``"^w1 w2"``, ... for the first ``lead_tokens`` tokens.

    Examples
    --------
    >>> f = TfidfIds(min_df=1).fit(["a b", "a c"])
    >>> ids, w = f.transform(["a b"])
    >>> ids.shape == w.shape, round(float((w ** 2).sum()), 6)
    (True, 1.0)
    >>> f = TfidfIds(min_df=1, char_ngrams=(2, 4), lead_tokens=2, max_len=None)
    >>> ids, w = f.fit(["how many cats ?", "who is it ?"]).transform(["how many"])
    >>> "^how many" in f.vocab, round(float((w ** 2).sum()), 6)
    (True, 1.0)
    """

    def __init__(
        self,
        min_df: int = 2,
        max_features: int = 20000,
        max_len: int | None = 64,
        bigrams: bool = True,
        char_ngrams: Sequence[int] | None = None,
        sublinear_tf: bool = False,
        lead_tokens: int = 0,
    ) -> None:
        if char_ngrams is not None:
            lo, hi = (int(v) for v in char_ngrams)
            if not 1 <= lo <= hi:
                raise ValueError(
                    f"char_ngrams must be (lo, hi), 1 <= lo <= hi; got {char_ngrams}"
                )
            char_ngrams = [lo, hi]
        if max_len is not None and max_len < 1:
            raise ValueError(f"max_len must be >= 1 or None; got {max_len}")
        if lead_tokens < 0:
            raise ValueError(f"lead_tokens must be >= 0; got {lead_tokens}")
        self.min_df, self.max_features = min_df, max_features
        self.max_len, self.bigrams = max_len, bigrams
        self.char_ngrams = char_ngrams
        self.sublinear_tf, self.lead_tokens = sublinear_tf, lead_tokens
        self.vocab: dict[str, int] = {}
        self.idf = np.zeros(1, dtype=np.float32)
        self._family: np.ndarray | None = None

    def _terms(self, text: str) -> list[str]:
        toks = tokenize(text)
        terms = list(toks)
        if self.bigrams:
            terms += [f"{a} {b}" for a, b in zip(toks, toks[1:])]
        if self.lead_tokens:
            terms += [
                "^" + " ".join(toks[:j])
                for j in range(1, min(self.lead_tokens, len(toks)) + 1)
            ]
        if self.char_ngrams is not None:
            terms += char_ngrams(text, *self.char_ngrams)
        return terms

    def fit(self, texts: Iterable[Any]) -> "TfidfIds":
        texts = list(texts)
        if not texts:
            raise ValueError("TfidfIds.fit needs at least one text")
        df: Counter[str] = Counter()
        for t in texts:
            df.update(set(self._terms(t)))
        kept = []
        for fam in (0, 1, 2):
            kept += sorted(
                (w for w, c in df.items() if c >= self.min_df and family(w) == fam),
                key=lambda w: (-df[w], w),
            )[: self.max_features]
        self.vocab = {w: i + 1 for i, w in enumerate(sorted(kept))}
        n = len(texts)
        idf = np.zeros(len(self.vocab) + 1, dtype=np.float32)
        for w, i in self.vocab.items():
            idf[i] = np.log((1 + n) / (1 + df[w])) + 1
        self.idf = idf
        self._family = None
        return self

    @property
    def vocab_size(self) -> int:
        return len(self.vocab) + 1

    def transform(self, texts: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
        if not self.vocab:
            raise ValueError("TfidfIds is not fitted; call fit(texts) first")
        rows: list[tuple[np.ndarray, np.ndarray]] = []
        for t in texts:
            counts = Counter(
                i for term in self._terms(t) if (i := self.vocab.get(term)) is not None
            )
            items = sorted(counts.items())[: self.max_len]
            ii = np.array([i for i, _ in items], dtype=np.int64)
            tf = np.array([c for _, c in items], dtype=np.float32)
            if self.sublinear_tf:
                tf = 1 + np.log(tf)
            vv = tf * self.idf[ii]
            fam = self.family_[ii]
            present = [f for f in (0, 1, 2) if (fam == f).any()]
            for f in present:
                sel = fam == f
                vv[sel] /= np.linalg.norm(vv[sel]) * np.sqrt(len(present))
            rows.append((ii, vv))
        width = self.max_len or max([len(ii) for ii, _ in rows] + [1])
        ids = np.zeros((len(texts), width), dtype=np.int64)
        w = np.zeros((len(texts), width), dtype=np.float32)
        for r, (ii, vv) in enumerate(rows):
            ids[r, : len(ii)] = ii
            w[r, : len(ii)] = vv
        return ids, w

    @property
    def family_(self) -> np.ndarray:
        """Per id: 0 word terms, 1 character n-grams, 2 lead terms."""
        if self._family is None or len(self._family) != len(self.vocab) + 1:
            fam = np.zeros(len(self.vocab) + 1, dtype=np.int8)
            for term, i in self.vocab.items():
                fam[i] = family(term)
            self._family = fam
        return self._family

    def to_config(self) -> dict[str, Any]:
        return {
            "min_df": self.min_df,
            "max_features": self.max_features,
            "max_len": self.max_len,
            "bigrams": self.bigrams,
            "char_ngrams": self.char_ngrams,
            "sublinear_tf": self.sublinear_tf,
            "lead_tokens": self.lead_tokens,
        }

    def to_arrays(self) -> dict[str, np.ndarray]:
        words = sorted(self.vocab, key=self.vocab.__getitem__)
        return {"tfidf_vocab": np.array(words, dtype=str), "tfidf_idf": self.idf}

    @classmethod
    def from_saved(
        cls, config: dict[str, Any], arrays: dict[str, np.ndarray]
    ) -> "TfidfIds":
        """Rebuild a fitted featurizer from its saved parts.

        Parameters
        ----------
        config
            What :meth:`to_config` returned.
        arrays
            What :meth:`to_arrays` returned (``tfidf_vocab``, ``tfidf_idf``).

        Returns
        -------
        TfidfIds
        """
        f = cls(**config)
        f.vocab = {str(w): i + 1 for i, w in enumerate(arrays["tfidf_vocab"].tolist())}
        f.idf = arrays["tfidf_idf"].astype(np.float32)
        return f
