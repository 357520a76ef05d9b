"""TF-IDF as token ids + weights, for a bag-of-embeddings trunk.

``EmbeddingBag(mode="sum")`` with per-token TF-IDF weights computes exactly
``tfidf(x) @ W`` without ever building the dense [n, vocabulary] matrix, so
a text trunk trains on CPU in seconds.
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


class TfidfIds:
    """Fit a vocabulary + idf; transform texts to ``(ids, weights)`` [n, max_len].

    Id 0 is padding / out of vocabulary (weight 0). Unigrams and bigrams;
    rows are L2-normalised as in scikit-learn's TfidfVectorizer.

    Examples
    --------
    >>> f = TfidfIds(min_df=1).fit(["a b", "a c"])
    >>> ids, w = f.transform(["a b"])
    >>> ids.shape == w.shape, round(float((w ** 2).sum()), 6)
    (True, 1.0)
    """

    def __init__(
        self,
        min_df: int = 2,
        max_features: int = 20000,
        max_len: int = 64,
        bigrams: bool = True,
    ) -> None:
        self.min_df, self.max_features = min_df, max_features
        self.max_len, self.bigrams = max_len, bigrams
        self.vocab: dict[str, int] = {}
        self.idf = np.zeros(1, dtype=np.float32)

    def _terms(self, text: str) -> list[str]:
        toks = tokenize(text)
        if self.bigrams:
            toks = toks + [f"{a} {b}" for a, b in zip(toks, toks[1:])]
        return toks

    def fit(self, texts: Iterable[Any]) -> "TfidfIds":
        texts = list(texts)
        if not texts:
            raise ValueError("TfidfIds.fit needs at least one text")
        df: Counter[str] = Counter()
        for t in texts:
            df.update(set(self._terms(t)))
        kept = sorted(
            (w for w, c in df.items() if c >= self.min_df), key=lambda w: (-df[w], w)
        )[: self.max_features]
        self.vocab = {w: i + 1 for i, w in enumerate(sorted(kept))}
        n = len(texts)
        idf = np.zeros(len(self.vocab) + 1, dtype=np.float32)
        for w, i in self.vocab.items():
            idf[i] = np.log((1 + n) / (1 + df[w])) + 1
        self.idf = idf
        return self

    @property
    def vocab_size(self) -> int:
        return len(self.vocab) + 1

    def transform(self, texts: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
        if not self.vocab:
            raise ValueError("TfidfIds is not fitted; call fit(texts) first")
        ids = np.zeros((len(texts), self.max_len), dtype=np.int64)
        w = np.zeros((len(texts), self.max_len), dtype=np.float32)
        for r, t in enumerate(texts):
            counts = Counter(
                i for term in self._terms(t) if (i := self.vocab.get(term)) is not None
            )
            items = sorted(counts.items())[: self.max_len]
            if not items:
                continue
            ii = np.array([i for i, _ in items])
            vv = np.array([c for _, c in items], dtype=np.float32) * self.idf[ii]
            ids[r, : len(ii)] = ii
            w[r, : len(ii)] = vv / np.linalg.norm(vv)
        return ids, w

    def to_config(self) -> dict[str, Any]:
        return {
            "min_df": self.min_df,
            "max_features": self.max_features,
            "max_len": self.max_len,
            "bigrams": self.bigrams,
        }

    def to_arrays(self) -> dict[str, np.ndarray]:
        words = sorted(self.vocab, key=self.vocab.__getitem__)
        return {"tfidf_vocab": np.array(words, dtype=str), "tfidf_idf": self.idf}

    @classmethod
    def from_saved(
        cls, config: dict[str, Any], arrays: dict[str, np.ndarray]
    ) -> "TfidfIds":
        f = cls(**config)
        f.vocab = {str(w): i + 1 for i, w in enumerate(arrays["tfidf_vocab"].tolist())}
        f.idf = arrays["tfidf_idf"].astype(np.float32)
        return f
