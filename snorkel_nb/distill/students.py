"""Students: small commodity models over comment text, trained on soft labels.

All three take raw strings, learn from ``[n, k]`` target probabilities (the
teacher's soft labels) with optional per-row weights, and export to ONNX with
the preprocessing in :mod:`snorkel_nb.distill.serve`:

* :class:`TfidfLogReg`: scikit-learn logistic regression on TF-IDF word 1-2
  grams and character 1-4 grams; the vectoriser goes into the ONNX graph
  (skl2onnx). Soft labels are exact: each row is repeated once per class with
  weight ``p_c`` (times its sample weight), which makes the weighted
  log-loss the cross-entropy against the soft targets.
* :class:`HashedLinear`: the same logistic regression on hashed n-grams; no
  vocabulary to ship, just a ``[buckets, k]`` weight table.
* :class:`TorchBag`: a bag of hashed n-gram embeddings and a small MLP (torch).

``predict`` and ``score`` live on :class:`Student` only.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar, Sequence

import numpy as np
import scipy.sparse as sp

from snorkel_nb.distill.serve import (
    MAX_CHARS,
    ONNX_WORD_PATTERN,
    WORD_PATTERN,
    check_texts,
    encode_hashed,
    normalize_text,
)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


def _check_targets(
    texts: Sequence[str], probs: Any, sample_weight: Any
) -> tuple[list[str], np.ndarray, np.ndarray]:
    texts = check_texts(texts, "student training texts")
    p = np.asarray(probs, dtype=np.float64)
    if p.ndim != 2 or p.shape[0] != len(texts) or p.shape[1] < 2:
        raise ValueError(
            f"targets must be [n={len(texts)}, k>=2] probabilities; got "
            f"shape {p.shape}."
        )
    if not np.isfinite(p).all():
        raise ValueError("targets contain NaN or infinite values.")
    w = (
        np.ones(len(texts))
        if sample_weight is None
        else np.asarray(sample_weight, dtype=np.float64)
    )
    if w.shape != (len(texts),) or not np.isfinite(w).all() or (w < 0).any():
        raise ValueError(
            f"sample_weight must be {len(texts)} finite values >= 0; got "
            f"shape {w.shape}."
        )
    return texts, p, w


def _soft_logreg(
    X: sp.csr_matrix, probs: np.ndarray, w: np.ndarray, C: float, max_iter: int
) -> Any:
    """Multinomial LR minimising cross-entropy against soft targets (exact)."""
    from sklearn.linear_model import LogisticRegression

    n, k = probs.shape
    Xr = sp.vstack([X] * k, format="csr")
    y = np.repeat(np.arange(k), n)
    sw = (probs * w[:, None]).T.ravel()
    return LogisticRegression(C=C, max_iter=max_iter).fit(Xr, y, sample_weight=sw)


def _linear_table(lr: Any, k: int) -> tuple[np.ndarray, np.ndarray]:
    """``(W [d, k], b [k])`` such that softmax(x W + b) = ``lr.predict_proba``."""
    coef, icpt = np.asarray(lr.coef_), np.asarray(lr.intercept_)
    if k == 2 and coef.shape[0] == 1:
        W = np.hstack([np.zeros((coef.shape[1], 1)), coef.T])
        return W, np.array([0.0, icpt[0]])
    return coef.T.copy(), icpt.copy()


class Student:
    """Base class: ``fit`` on soft targets, ``predict_proba`` on raw strings."""

    kind: ClassVar[str] = "student"
    text_column: str = "text"
    cardinality: int | None = None

    def fit(
        self, texts: Sequence[str], probs: Any, sample_weight: Any = None
    ) -> "Student":
        """Learn from soft targets (a subclass hook; every student overrides it).

        Parameters
        ----------
        texts : sequence of str
            [n] raw, non-empty training texts.
        probs : array-like
            [n, k] target probabilities (k >= 2), e.g. a teacher's soft labels.
        sample_weight : array-like, optional
            [n] finite weights >= 0; default all 1.

        Returns
        -------
        Student
            ``self``, fitted.

        Raises
        ------
        ValueError
            If ``texts`` holds a non-string or empty string, ``probs`` is not
            [n, k>=2] and finite, or ``sample_weight`` is not [n] finite >= 0.

        Examples
        --------
        >>> s = TfidfLogReg(min_df=1).fit(["buy now", "nice song"],
        ...                               [[0.1, 0.9], [0.9, 0.1]])
        >>> s.cardinality
        2
        """
        raise NotImplementedError

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """[n, k] class probabilities for raw texts (a subclass hook)."""
        raise NotImplementedError

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Arg-max class per text (ties to the lower class index).

        Parameters
        ----------
        texts : sequence of str
            Raw, non-empty texts.

        Returns
        -------
        numpy.ndarray
            [n] int class indices.
        """
        return self.predict_proba(texts).argmax(1)

    def score(self, texts: Sequence[str], Y: Any) -> float:
        """Accuracy of ``predict(texts)`` against gold ``Y``.

        Parameters
        ----------
        texts : sequence of str
            [n] raw, non-empty texts.
        Y : array-like
            [n] gold labels in 0..k-1.

        Returns
        -------
        float

        Raises
        ------
        RuntimeError
            If the student is not fitted.

        Examples
        --------
        >>> s = TfidfLogReg(min_df=1).fit(["buy now", "nice song"],
        ...                               [[0.1, 0.9], [0.9, 0.1]])
        >>> s.score(["buy now", "nice song"], [1, 0])
        1.0
        """
        return float(np.mean(self.predict(texts) == np.asarray(Y)))

    def _check_fitted(self) -> None:
        if self.cardinality is None:
            raise RuntimeError(
                f"{type(self).__name__} is not fitted; call fit or distill first."
            )

    def get_config(self) -> dict[str, Any]:
        """The student's settings as a dict (saved with it)."""
        return dataclasses.asdict(self.config)  # type: ignore[attr-defined]

    # Subclasses: state() -> arrays, _set_state(arrays), onnx_model() -> (proto, prep)


@dataclasses.dataclass(frozen=True)
class TfidfConfig:
    """Settings of :class:`TfidfLogReg` (see its Parameters); saved with it."""

    C: float = 10.0
    word_ngrams: int = 2
    char_ngrams: tuple[int, int] = (1, 4)
    min_df: int = 2
    max_iter: int = 3000
    text_column: str = "text"
    max_chars: int | None = MAX_CHARS


class TfidfLogReg(Student):
    """Logistic regression on TF-IDF word and character n-grams.

    The character range starts at 1: skl2onnx's character n-grams drift from
    scikit-learn's by more than the export's parity tolerance
    (``PARITY_ATOL``) when the smallest n is 2 or more, and stay within it
    with n from 1. Text is normalised by
    :func:`~snorkel_nb.distill.serve.normalize_text` outside the graph, so
    the vectorisers do not lower-case (skl2onnx's lower-casing depends on the
    locale) and word tokens use a Unicode pattern both engines agree on.

    Parameters
    ----------
    C : float, default 10.0
        Inverse L2 regularisation strength of the logistic regression.
    word_ngrams : int, default 2
        Word n-grams of length 1..``word_ngrams``.
    char_ngrams : (int, int), default (1, 4)
        Range of character n-gram lengths.
    min_df : int, default 2
        Terms in fewer training texts are dropped.
    max_iter : int, default 3000
        Solver iterations.
    text_column : str, default "text"
        Column read when the input is a DataFrame.
    max_chars : int or None, default MAX_CHARS
        Characters kept per normalised text (``None``: all); part of the
        exported preprocessing.

    Examples
    --------
    >>> s = TfidfLogReg(min_df=1).fit(["buy now", "nice song", "buy it"],
    ...                               [[0.1, 0.9], [0.9, 0.1], [0.2, 0.8]])
    >>> s.predict(["buy", "song"]).tolist()
    [1, 0]
    """

    kind = "tfidf_logreg"

    def __init__(
        self,
        C: float = 10.0,
        word_ngrams: int = 2,
        char_ngrams: tuple[int, int] = (1, 4),
        min_df: int = 2,
        max_iter: int = 3000,
        text_column: str = "text",
        max_chars: int | None = MAX_CHARS,
    ) -> None:
        self.config = TfidfConfig(
            C, word_ngrams, tuple(char_ngrams), min_df, max_iter, text_column, max_chars
        )
        self.text_column = text_column
        self.pipeline: Any = None

    def _vectorisers(self) -> tuple[Any, Any]:
        from sklearn.feature_extraction.text import TfidfVectorizer

        c = self.config
        word = TfidfVectorizer(
            ngram_range=(1, c.word_ngrams),
            min_df=c.min_df,
            lowercase=False,
            token_pattern=WORD_PATTERN,
        )
        char = TfidfVectorizer(
            analyzer="char", ngram_range=c.char_ngrams, min_df=c.min_df, lowercase=False
        )
        return word, char

    def fit(
        self, texts: Sequence[str], probs: Any, sample_weight: Any = None
    ) -> "TfidfLogReg":
        from sklearn.pipeline import make_pipeline, make_union

        texts, p, w = _check_targets(texts, probs, sample_weight)
        norm = [normalize_text(t, self.config.max_chars) for t in texts]
        union = make_union(*self._vectorisers())
        X = union.fit_transform(norm).tocsr()
        lr = _soft_logreg(X, p, w, self.config.C, self.config.max_iter)
        self.pipeline = make_pipeline(union, lr)
        self.cardinality = p.shape[1]
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        self._check_fitted()
        texts = check_texts(texts)
        p = self.pipeline.predict_proba(
            [normalize_text(t, self.config.max_chars) for t in texts]
        )
        return np.asarray(p, dtype=np.float64)

    def state(self) -> dict[str, np.ndarray]:
        self._check_fitted()
        union, lr = self.pipeline.steps[0][1], self.pipeline.steps[-1][1]
        out: dict[str, np.ndarray] = {}
        for name, vec in union.transformer_list:
            terms = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
            out[f"{name}_terms"] = np.array(terms, dtype=str)
            out[f"{name}_idf"] = vec.idf_
        out.update(coef=lr.coef_, intercept=lr.intercept_, classes=lr.classes_)
        return out

    def _set_state(self, arrays: dict[str, np.ndarray]) -> None:
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline, make_union

        union = make_union(*self._vectorisers())
        for name, vec in union.transformer_list:
            terms = arrays[f"{name}_terms"].tolist()
            vec.vocabulary_ = {t: i for i, t in enumerate(terms)}
            vec.idf_ = arrays[f"{name}_idf"]
        lr = LogisticRegression(C=self.config.C)
        lr.classes_, lr.coef_ = arrays["classes"], arrays["coef"]
        lr.intercept_ = arrays["intercept"]
        lr.n_features_in_ = arrays["coef"].shape[1]
        self.pipeline = make_pipeline(union, lr)
        self.cardinality = len(arrays["classes"])

    def onnx_model(self) -> tuple[Any, dict[str, Any]]:
        from skl2onnx import convert_sklearn
        from skl2onnx.common.data_types import StringTensorType

        self._check_fitted()
        union, lr = self.pipeline.steps[0][1], self.pipeline.steps[-1][1]
        word, char = (v for _, v in union.transformer_list)
        options = {
            id(word): {"locale": "C.UTF-8", "tokenexp": ONNX_WORD_PATTERN},
            id(char): {"locale": "C.UTF-8"},
            id(lr): {"zipmap": False},
        }
        import warnings

        with warnings.catch_warnings():
            # skl2onnx warns that char analyzers "may not work": the parity
            # check after export is the gate that decides.
            warnings.filterwarnings("ignore", message=".*CountVectorizer.*")
            proto = convert_sklearn(
                self.pipeline,
                initial_types=[("text", StringTensorType([None, 1]))],
                options=options,
                target_opset=17,
            )
        return proto, {
            "kind": "text",
            "input": "text",
            "output": "probabilities",
            "max_chars": self.config.max_chars,
        }


@dataclasses.dataclass(frozen=True)
class HashedConfig:
    """Settings of :class:`HashedLinear` (see its Parameters); saved with it."""

    n_buckets: int = 2**17
    word_ngrams: int = 2
    char_ngrams: tuple[int, int] = (2, 4)
    C: float = 10.0
    max_iter: int = 3000
    text_column: str = "text"
    max_chars: int | None = MAX_CHARS


class _HashedStudent(Student):
    """Shared plumbing of the two students on hashed n-grams."""

    config: Any

    def _encode(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        c = self.config
        return encode_hashed(
            texts, c.n_buckets, c.word_ngrams, c.char_ngrams, c.max_chars
        )

    def _csr(self, texts: Sequence[str]) -> sp.csr_matrix:
        ids, w = self._encode(texts)
        rows = np.repeat(np.arange(len(ids)), ids.shape[1])
        m = sp.csr_matrix(
            (w.ravel().astype(np.float64), (rows, ids.ravel())),
            shape=(len(ids), self.config.n_buckets),
        )
        m.eliminate_zeros()
        return m

    def _preprocess(self) -> dict[str, Any]:
        c = self.config
        return {
            "kind": "hashed",
            "n_buckets": c.n_buckets,
            "word_ngrams": c.word_ngrams,
            "char_ngrams": list(c.char_ngrams),
            "output": "probs",
            "max_chars": c.max_chars,
        }

    def _torch_module(self) -> Any:
        raise NotImplementedError

    def onnx_model(self) -> tuple[Any, dict[str, Any]]:
        import logging

        import torch

        self._check_fitted()
        # The exporter logs one warning per torchvision op it cannot register.
        logging.getLogger("torch.onnx").setLevel(logging.ERROR)
        module = self._torch_module().eval()
        ids, w = self._encode(["a b c", "d"])
        batch, length = torch.export.Dim("batch"), torch.export.Dim("length")
        prog = torch.onnx.export(
            module,
            (torch.from_numpy(ids), torch.from_numpy(w)),
            input_names=["ids", "weights"],
            output_names=["probs"],
            dynamic_shapes=({0: batch, 1: length}, {0: batch, 1: length}),
            external_data=False,
            dynamo=True,
            verbose=False,
        )
        return prog.model_proto, self._preprocess()


def _torch_bag_module(emb: Any, head: Any) -> Any:
    import torch

    class Bag(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.emb, self.head = emb, head

        def forward(self, ids: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
            pooled = (self.emb(ids) * weights.unsqueeze(-1)).sum(1)
            return torch.softmax(self.head(pooled), dim=-1)

    return Bag()


class HashedLinear(_HashedStudent):
    """Logistic regression on hashed word and character n-grams (no vocabulary).

    Parameters
    ----------
    n_buckets : int, default 2**17
        Hash space size (rows of the weight / embedding table).
    word_ngrams : int, default 2
        Word n-grams of length 1..``word_ngrams``.
    char_ngrams : (int, int), default (2, 4)
        Character n-gram lengths within each space-padded word (lo >= 2).
    C : float, default 10.0
        Inverse L2 regularisation strength.
    max_iter : int, default 3000
        Solver iterations.
    text_column : str, default "text"
        Column read when the input is a DataFrame.
    max_chars : int or None, default MAX_CHARS
        Characters kept per normalised text (``None``: all); part of the
        exported preprocessing.

    Examples
    --------
    >>> s = HashedLinear(n_buckets=1024).fit(["buy now", "nice song", "buy it"],
    ...                                      [[0.1, 0.9], [0.9, 0.1], [0.2, 0.8]])
    >>> s.predict(["buy", "song"]).tolist()
    [1, 0]
    """

    kind = "hashed_linear"

    def __init__(
        self,
        n_buckets: int = 2**17,
        word_ngrams: int = 2,
        char_ngrams: tuple[int, int] = (2, 4),
        C: float = 10.0,
        max_iter: int = 3000,
        text_column: str = "text",
        max_chars: int | None = MAX_CHARS,
    ) -> None:
        self.config = HashedConfig(
            n_buckets,
            word_ngrams,
            tuple(char_ngrams),
            C,
            max_iter,
            text_column,
            max_chars,
        )
        self.text_column = text_column
        self.W: np.ndarray | None = None
        self.b: np.ndarray | None = None

    def fit(
        self, texts: Sequence[str], probs: Any, sample_weight: Any = None
    ) -> "HashedLinear":
        texts, p, w = _check_targets(texts, probs, sample_weight)
        lr = _soft_logreg(self._csr(texts), p, w, self.config.C, self.config.max_iter)
        self.W, self.b = _linear_table(lr, p.shape[1])
        self.cardinality = p.shape[1]
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        self._check_fitted()
        X = self._csr(check_texts(texts))
        return _softmax(np.asarray(X @ self.W) + self.b)

    def state(self) -> dict[str, np.ndarray]:
        self._check_fitted()
        return {"W": self.W, "b": self.b}

    def _set_state(self, arrays: dict[str, np.ndarray]) -> None:
        self.W, self.b = arrays["W"], arrays["b"]
        self.cardinality = self.W.shape[1]

    def onnx_model(self) -> tuple[Any, dict[str, Any]]:
        """The graph written directly (Gather, weighted sum, bias, Softmax)."""
        from onnx import TensorProto, helper, numpy_helper

        self._check_fitted()
        k = self.cardinality
        nodes = [
            helper.make_node("Gather", ["W", "ids"], ["rows"], axis=0),
            helper.make_node("Unsqueeze", ["weights", "axis_last"], ["w3"]),
            helper.make_node("Mul", ["rows", "w3"], ["scaled"]),
            helper.make_node(
                "ReduceSum", ["scaled", "axis_one"], ["summed"], keepdims=0
            ),
            helper.make_node("Add", ["summed", "b"], ["logits"]),
            helper.make_node("Softmax", ["logits"], ["probs"], axis=-1),
        ]
        inits = [
            numpy_helper.from_array(self.W.astype(np.float32), "W"),
            numpy_helper.from_array(self.b.astype(np.float32), "b"),
            numpy_helper.from_array(np.array([-1], dtype=np.int64), "axis_last"),
            numpy_helper.from_array(np.array([1], dtype=np.int64), "axis_one"),
        ]
        graph = helper.make_graph(
            nodes,
            "hashed_linear",
            [
                helper.make_tensor_value_info("ids", TensorProto.INT64, ["batch", "t"]),
                helper.make_tensor_value_info(
                    "weights", TensorProto.FLOAT, ["batch", "t"]
                ),
            ],
            [helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["batch", k])],
            inits,
        )
        proto = helper.make_model(
            graph,
            opset_imports=[helper.make_opsetid("", 17)],
            producer_name="snorkel_nb.distill",
        )
        proto.ir_version = 8
        return proto, self._preprocess()


@dataclasses.dataclass(frozen=True)
class TorchBagConfig:
    """Settings of :class:`TorchBag` (see its Parameters); saved with it."""

    n_buckets: int = 2**16
    word_ngrams: int = 2
    char_ngrams: tuple[int, int] = (2, 4)
    dim: int = 64
    hidden: int = 64
    epochs: int = 10
    lr: float = 0.02
    weight_decay: float = 1e-5
    batch_size: int = 64
    seed: int = 0
    text_column: str = "text"
    max_chars: int | None = MAX_CHARS


class TorchBag(_HashedStudent):
    """Bag of hashed n-gram embeddings, then a one-hidden-layer MLP (torch).

    Trained on the soft cross-entropy (sparse Adam for the embedding table,
    Adam for the MLP) in batches of similar length, shuffled with ``seed``.

    Parameters
    ----------
    n_buckets : int, default 2**16
        Hash space size (rows of the weight / embedding table).
    word_ngrams : int, default 2
        Word n-grams of length 1..``word_ngrams``.
    char_ngrams : (int, int), default (2, 4)
        Character n-gram lengths within each space-padded word (lo >= 2).
    dim : int, default 64
        Embedding size.
    hidden : int, default 64
        Hidden units of the MLP.
    epochs : int, default 10
        Passes over the training texts.
    lr : float, default 0.02
        Learning rate of both optimisers.
    weight_decay : float, default 1e-5
        L2 penalty on the MLP's weights.
    batch_size : int, default 64
        Texts per step.
    seed : int, default 0
        Seed of the initialisation and the shuffling.
    text_column : str, default "text"
        Column read when the input is a DataFrame.
    max_chars : int or None, default MAX_CHARS
        Characters kept per normalised text (``None``: all); part of the
        exported preprocessing.

    Examples
    --------
    >>> s = TorchBag(n_buckets=1024, epochs=30).fit(
    ...     ["buy now", "nice song", "buy it"], [[0.1, 0.9], [0.9, 0.1], [0.2, 0.8]])
    >>> s.predict(["buy", "song"]).tolist()
    [1, 0]
    """

    kind = "torch_bag"

    def __init__(
        self,
        n_buckets: int = 2**16,
        word_ngrams: int = 2,
        char_ngrams: tuple[int, int] = (2, 4),
        dim: int = 64,
        hidden: int = 64,
        epochs: int = 10,
        lr: float = 0.02,
        weight_decay: float = 1e-5,
        batch_size: int = 64,
        seed: int = 0,
        text_column: str = "text",
        max_chars: int | None = MAX_CHARS,
    ) -> None:
        self.config = TorchBagConfig(
            n_buckets,
            word_ngrams,
            tuple(char_ngrams),
            dim,
            hidden,
            epochs,
            lr,
            weight_decay,
            batch_size,
            seed,
            text_column,
            max_chars,
        )
        self.text_column = text_column
        self.module: Any = None

    def _build(self, k: int, sparse: bool = False) -> Any:
        import torch

        c = self.config
        emb = torch.nn.Embedding(c.n_buckets, c.dim, sparse=sparse)
        torch.nn.init.normal_(emb.weight, std=0.1)
        head = torch.nn.Sequential(
            torch.nn.Linear(c.dim, c.hidden),
            torch.nn.ReLU(),
            torch.nn.Linear(c.hidden, k),
        )
        return _torch_bag_module(emb, head)

    def fit(
        self, texts: Sequence[str], probs: Any, sample_weight: Any = None
    ) -> "TorchBag":
        import torch

        texts, p, w = _check_targets(texts, probs, sample_weight)
        c = self.config
        gen = torch.Generator().manual_seed(c.seed)
        torch.manual_seed(c.seed)
        module = self._build(p.shape[1], sparse=True)
        ids_np, wts_np = self._encode(texts)
        ids, wts = torch.from_numpy(ids_np), torch.from_numpy(wts_np)
        lengths = (wts_np > 0).sum(1)
        # Batches of similar length, trimmed to their longest row: one long
        # comment no longer pads every batch to thousands of n-grams.
        batches = [
            torch.from_numpy(b)
            for b in np.array_split(
                np.argsort(lengths, kind="stable"),
                max(1, -(-len(texts) // c.batch_size)),
            )
        ]
        target = torch.tensor(p, dtype=torch.float32)
        rw = torch.tensor(w / max(w.mean(), 1e-12), dtype=torch.float32)
        opt_emb = torch.optim.SparseAdam(list(module.emb.parameters()), lr=c.lr)
        opt_head = torch.optim.Adam(
            module.head.parameters(), lr=c.lr, weight_decay=c.weight_decay
        )
        module.train()
        for _ in range(c.epochs):
            for j in torch.randperm(len(batches), generator=gen).tolist():
                idx = batches[j]
                width = max(1, int(lengths[idx.numpy()].max()))
                out = module(ids[idx, :width], wts[idx, :width]).clamp_min(1e-9)
                loss = -((target[idx] * out.log()).sum(1) * rw[idx]).mean()
                opt_emb.zero_grad()
                opt_head.zero_grad()
                loss.backward()
                opt_emb.step()
                opt_head.step()
        self.module = module.eval()
        self.cardinality = p.shape[1]
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        import torch

        self._check_fitted()
        ids, w = self._encode(check_texts(texts))
        with torch.no_grad():
            out = self.module(torch.from_numpy(ids), torch.from_numpy(w))
        return out.numpy().astype(np.float64)

    def state(self) -> dict[str, np.ndarray]:
        self._check_fitted()
        return {k: v.detach().numpy() for k, v in self.module.state_dict().items()}

    def _set_state(self, arrays: dict[str, np.ndarray]) -> None:
        import torch

        k = arrays["head.2.bias"].shape[0]
        self.module = self._build(k)
        self.module.load_state_dict(
            {n: torch.from_numpy(np.asarray(a)) for n, a in arrays.items()}
        )
        self.module.eval()
        self.cardinality = k

    def _torch_module(self) -> Any:
        return self.module


STUDENT_KINDS: dict[str, type[Student]] = {
    cls.kind: cls for cls in (TfidfLogReg, HashedLinear, TorchBag)
}


def make_student(kind: str, **params: Any) -> Student:
    """A fresh student: ``kind`` is tfidf_logreg, hashed_linear or torch_bag.

    Parameters
    ----------
    kind : str
        A key of ``STUDENT_KINDS``.
    **params
        The student class's settings (e.g. ``n_buckets``).

    Returns
    -------
    Student
        Unfitted.

    Raises
    ------
    ValueError
        On an unknown ``kind``.

    Examples
    --------
    >>> make_student("hashed_linear", n_buckets=1024).config.n_buckets
    1024
    """
    if kind not in STUDENT_KINDS:
        raise ValueError(
            f"unknown student kind {kind!r}; known: {sorted(STUDENT_KINDS)}"
        )
    return STUDENT_KINDS[kind](**params)
