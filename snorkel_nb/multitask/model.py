"""MultitaskModel: a TaskGraph compiled into one MultitaskClassifier.

The network is built from the ``snorkel_nb.classification`` pieces (one
implementation): a shared trunk module, one head module per task, and per
task an ``Operation`` sequence. A child task's head receives the trunk
features **concatenated** with its parents' head outputs (softmax
probabilities), so coarse predictions inform fine ones and the fine loss
trains the coarse head too (MeTaL's version of this wiring was silently
broken by a ``torch.stack``/``torch.cat`` swap; ``tests/multitask/test_mt_model.py``
checks that the gradient reaches the parent head).

Training targets are probabilistic labels per task (e.g. from the
multi-task label model) under a soft cross-entropy; rows without a label for
a task and N/A mass are masked out of that task's loss.
"""

from __future__ import annotations

import os
from typing import Any, Mapping, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from snorkel_nb.classification import (
    DictDataLoader,
    DictDataset,
    MultitaskClassifier,
    Operation,
    Scorer,
    Task,
    Trainer,
    cross_entropy_with_probs,
    set_seed,
)
from snorkel_nb.io import load_artifact, save_artifact
from snorkel_nb.multitask.graph import TaskGraph
from snorkel_nb.multitask.text import TfidfIds

KIND = "snorkel_nb.multitask.MultitaskModel"


def soft_or_hard_cross_entropy(
    logits: torch.Tensor, target: torch.Tensor
) -> torch.Tensor:
    """Soft cross-entropy for [n, k] probabilities, plain one for int labels.

    Parameters
    ----------
    logits
        ``[n, k]`` network outputs.
    target
        ``[n]`` integer labels or ``[n, k]`` probabilities.

    Returns
    -------
    torch.Tensor
        The mean loss (a scalar).
    """
    if target.dim() == 1:
        return F.cross_entropy(logits, target.long())
    return cross_entropy_with_probs(logits, target)


def sharpen(
    targets: Mapping[str, torch.Tensor], temperature: float
) -> dict[str, torch.Tensor]:
    """Raise soft labels to ``1 / temperature`` and renormalise each row to its
    original (non-N/A) mass; ``temperature < 1`` sharpens, ``1`` is a no-op.
    Rows without a label (-1) and hard int labels pass unchanged.

    Parameters
    ----------
    targets
        Task name -> ``[n, k]`` soft labels (rows of -1 = no label) or ``[n]``
        int labels.
    temperature
        Positive exponent divisor.

    Returns
    -------
    dict
        Task name -> sharpened labels.

    Raises
    ------
    ValueError
        If ``temperature`` is not positive.

    Examples
    --------
    >>> y = {"t": torch.tensor([[0.6, 0.2, 0.2], [-1.0, -1.0, -1.0]])}
    >>> [round(v, 4) for v in sharpen(y, 0.5)["t"][0].tolist()]  # 9 : 1 : 1
    [0.8182, 0.0909, 0.0909]
    """
    if not temperature > 0:
        raise ValueError(f"label_temperature must be > 0; got {temperature}")
    out = {}
    for t, y in targets.items():
        if temperature == 1 or y.dim() == 1:
            out[t] = y
            continue
        none = (y == -1).all(1)
        mass = y.clamp(min=0).sum(1, keepdim=True)
        z = y.clamp(min=0) ** (1 / temperature)
        z = z / z.sum(1, keepdim=True).clamp(min=1e-12) * mass
        z[none] = -1
        out[t] = z
    return out


class MLPTrunk(nn.Module):
    """Dense features -> hidden representation."""

    def __init__(self, in_dim: int, hidden: Sequence[int], dropout: float) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        d = in_dim
        for h in hidden:
            layers += [nn.Linear(d, h), nn.ReLU(), nn.Dropout(dropout)]
            d = h
        self.net = nn.Sequential(*layers)
        self.out_dim = d

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class TextTrunk(nn.Module):
    """TF-IDF-weighted bag of embeddings (= TF-IDF @ W) -> MLP."""

    def __init__(
        self, vocab_size: int, emb_dim: int, hidden: Sequence[int], dropout: float
    ) -> None:
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, emb_dim, mode="sum", padding_idx=0)
        self.mlp = MLPTrunk(emb_dim, hidden, dropout)
        self.out_dim = self.mlp.out_dim if hidden else emb_dim

    def forward(self, ids: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        return self.mlp(torch.relu(self.bag(ids, per_sample_weights=w)))


class ChildHead(nn.Module):
    """Linear head over ``cat([trunk features, softmax(parent logits)...], dim=1)``."""

    def __init__(self, in_dim: int, parent_dims: Sequence[int], k: int) -> None:
        super().__init__()
        self.linear = nn.Linear(in_dim + sum(parent_dims), k)

    def forward(self, h: torch.Tensor, *parent_logits: torch.Tensor) -> torch.Tensor:
        feats = [h] + [F.softmax(p, dim=1) for p in parent_logits]
        return self.linear(torch.cat(feats, dim=1))


class MultitaskModel:
    """One head per task of a TaskGraph over a shared trunk; sklearn-like.

    Parameters
    ----------
    graph
        The tasks and their refinements.
    trunk
        ``"mlp"`` (``X`` is a float matrix) or ``"text"`` (``X`` is a
        sequence of strings; TF-IDF ids + bag of embeddings).
    hidden, emb_dim, dropout
        Trunk sizes.
    parent_wiring
        Feed each parent head's output into its children's heads (the
        hierarchy); ``False`` gives independent heads on the shared trunk.
    n_epochs, lr, l2, batch_size, patience
        Training; with dev data, the epoch with the best mean dev accuracy is
        kept and training stops after ``patience`` epochs without gain. The
        small weight decay ``l2`` gained 1-2 points on TREC dev over none
        (``bench/results/multitask_ablation.md``).
    tfidf
        Options of the text trunk's :class:`~snorkel_nb.multitask.text.TfidfIds`
        (e.g. ``char_ngrams=(2, 5)``, ``sublinear_tf``, ``lead_tokens``).
    label_temperature
        Soft labels are raised to ``1 / label_temperature`` and renormalised
        (``< 1`` sharpens; 1 leaves them as given).
    self_training_rounds, self_training_threshold
        After training, give rows with no label for a task the network's own
        one-hot prediction where its top probability reaches the threshold,
        and retrain from scratch; repeated ``self_training_rounds`` times.
        Gold is never used; the given labels are never changed.
    n_models
        Train this many networks (seeds ``seed, seed + 1, ...``) and average
        their probabilities.
    decode
        ``"specific"`` (default): a task whose child refines every one of its
        labels takes the parent label of the child's prediction, so
        predictions obey the graph and the finest head decides (it gained
        1-2 coarse points on TREC dev); ``"heads"``: each head's own argmax.
        :meth:`predict_proba` is the heads' output either way.
    seed
        Seeds weights, shuffling and dropout: equal seeds, equal models.
    device
        ``"cpu"``, ``"cuda"``, ``"cuda:k"`` or a Snorkel-style int (-1 = CPU).

    Examples
    --------
    >>> g = TaskGraph({"c": ["a", "b"], "f": ["a1", "a2", "b1"]})
    >>> _ = g.add_edge("c", "f", {"a1": "a", "a2": "a", "b1": "b"})
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 4)).astype("float32")
    >>> f = np.where(X[:, 0] > 0, np.where(X[:, 1] > 0, 0, 1), 2)
    >>> m = MultitaskModel(g, n_epochs=30, lr=0.02, progress_bar=False)
    >>> _ = m.fit(X, {"c": (f == 2).astype(int), "f": f})
    >>> m.score(X, {"c": (f == 2).astype(int), "f": f})["f"] > 0.9
    True
    """

    def __init__(
        self,
        graph: TaskGraph,
        trunk: str = "mlp",
        hidden: Sequence[int] = (128,),
        emb_dim: int = 128,
        dropout: float = 0.1,
        parent_wiring: bool = True,
        n_epochs: int = 20,
        lr: float = 1e-3,
        l2: float = 3e-5,
        batch_size: int = 64,
        patience: int = 5,
        seed: int = 0,
        device: str | int = "cpu",
        progress_bar: bool = True,
        tfidf: Mapping[str, Any] | None = None,
        label_temperature: float = 1.0,
        self_training_rounds: int = 0,
        self_training_threshold: float = 0.9,
        n_models: int = 1,
        decode: str = "specific",
    ) -> None:
        if not isinstance(graph, TaskGraph):
            raise TypeError(f"graph must be a TaskGraph, got {type(graph).__name__}")
        graph.validate()
        if trunk not in ("mlp", "text"):
            raise ValueError(f"trunk must be 'mlp' or 'text'; got {trunk!r}")
        self.graph = graph
        self.params = dict(
            trunk=trunk,
            hidden=list(hidden),
            emb_dim=emb_dim,
            dropout=dropout,
            parent_wiring=parent_wiring,
            n_epochs=n_epochs,
            lr=lr,
            l2=l2,
            batch_size=batch_size,
            patience=patience,
            seed=seed,
            progress_bar=progress_bar,
            tfidf=dict(tfidf or {}),
            label_temperature=label_temperature,
            self_training_rounds=self_training_rounds,
            self_training_threshold=self_training_threshold,
            n_models=n_models,
            decode=decode,
        )
        self.device = device
        if decode not in ("specific", "heads"):
            raise ValueError(f"decode must be 'specific' or 'heads'; got {decode!r}")
        if int(n_models) < 1:
            raise ValueError(f"n_models must be >= 1; got {n_models}")
        if self_training_rounds < 0:
            raise ValueError(
                f"self_training_rounds must be >= 0; got {self_training_rounds}"
            )
        if not 0 < self_training_threshold <= 1:
            raise ValueError(
                "self_training_threshold must be in (0, 1]; got "
                f"{self_training_threshold}"
            )
        self.network: MultitaskClassifier | None = None
        self.networks: list[MultitaskClassifier] = []
        self.featurizer: TfidfIds | None = None
        self.in_dim: int | None = None
        self.history_: list[dict[str, float]] = []

    # -- building --------------------------------------------------------------
    def _compile(self) -> MultitaskClassifier:
        p, g = self.params, self.graph
        if p["trunk"] == "text":
            assert self.featurizer is not None
            trunk: nn.Module = TextTrunk(
                self.featurizer.vocab_size, p["emb_dim"], p["hidden"], p["dropout"]
            )
            trunk_op = Operation("trunk", [("_input_", "ids"), ("_input_", "w")])
        else:
            assert self.in_dim is not None
            trunk = MLPTrunk(self.in_dim, p["hidden"], p["dropout"])
            trunk_op = Operation("trunk", [("_input_", "X")])
        d = trunk.out_dim
        heads: dict[str, nn.Module] = {}
        ops: dict[str, Operation] = {}
        order = g.topological_order()
        for t in order:
            parents = g.parents(t) if p["parent_wiring"] else []
            if parents:
                heads[t] = ChildHead(
                    d, [g.cardinality(q) for q in parents], g.cardinality(t)
                )
                ops[t] = Operation(
                    f"{t}_head", ["trunk"] + [f"{q}_head" for q in parents]
                )
            else:
                heads[t] = nn.Linear(d, g.cardinality(t))
                ops[t] = Operation(f"{t}_head", ["trunk"])
        tasks = []
        for t in order:
            need = self._ancestors(t) if p["parent_wiring"] else set()
            seq = [trunk_op] + [ops[a] for a in order if a in need] + [ops[t]]
            pool = nn.ModuleDict(
                {"trunk": trunk, **{f"{a}_head": heads[a] for a in need | {t}}}
            )
            tasks.append(
                Task(
                    t,
                    pool,
                    seq,
                    scorer=Scorer(metrics=["accuracy"]),
                    loss_func=soft_or_hard_cross_entropy,
                )
            )
        return MultitaskClassifier(
            tasks, name="MultitaskModel", device=self.device, dataparallel=False
        )

    def _ancestors(self, t: str) -> set[str]:
        out: set[str] = set()
        todo = list(self.graph.parents(t))
        while todo:
            a = todo.pop()
            if a not in out:
                out.add(a)
                todo.extend(self.graph.parents(a))
        return out

    # -- data --------------------------------------------------------------------
    def _features(self, X: Any, fit: bool = False) -> dict[str, torch.Tensor]:
        if self.params["trunk"] == "text":
            if isinstance(X, str) or not hasattr(X, "__len__"):
                raise ValueError("a text trunk needs a sequence of strings as X")
            texts = list(X)
            if fit:
                self.featurizer = TfidfIds(**self.params["tfidf"]).fit(texts)
            if self.featurizer is None:
                raise ValueError("the model is not fitted; call fit first")
            ids, w = self.featurizer.transform(texts)
            return {"ids": torch.from_numpy(ids), "w": torch.from_numpy(w)}
        X = np.asarray(X, dtype=np.float32)
        if X.ndim != 2:
            raise ValueError(f"X must be a 2-D feature matrix; got shape {X.shape}")
        if not np.isfinite(X).all():
            raise ValueError("X contains NaN or infinite values")
        if fit:
            self.in_dim = X.shape[1]
        elif X.shape[1] != self.in_dim:
            raise ValueError(
                f"X has {X.shape[1]} features; the model was fitted on {self.in_dim}"
            )
        return {"X": torch.from_numpy(X)}

    def _targets(
        self, Y: Mapping[str, Any], n: int, soft: bool
    ) -> dict[str, torch.Tensor]:
        if not isinstance(Y, Mapping) or not Y:
            raise ValueError("Y must be a non-empty {task: labels} dict")
        out = {}
        for t, y in Y.items():
            if t not in self.graph.tasks:
                raise ValueError(
                    f"Y names unknown task {t!r}; tasks are {self.graph.tasks}"
                )
            k = self.graph.cardinality(t)
            y = np.asarray(y)
            if len(y) != n:
                raise ValueError(f"Y[{t!r}] has {len(y)} rows; X has {n}")
            if y.ndim == 1:
                if not np.issubdtype(y.dtype, np.integer):
                    raise ValueError(
                        f"Y[{t!r}] must be int labels (-1 = none) or "
                        f"[n, {k}] probabilities; got dtype {y.dtype}"
                    )
                if y.max(initial=-1) >= k or y.min(initial=0) < -1:
                    raise ValueError(f"Y[{t!r}] has labels outside -1..{k - 1}")
                if not soft:
                    out[t] = torch.from_numpy(y.astype(np.int64))
                    continue
                P = np.zeros((n, k), dtype=np.float32)
                P[np.arange(n)[y >= 0], y[y >= 0]] = 1
                P[y < 0] = -1
            elif y.ndim == 2 and y.shape[1] == k:
                P = y.astype(np.float32).copy()
                none = np.isnan(P).any(1) | (P <= 0).all(1) | (P == -1).all(1)
                P[none] = -1
                if (P[~none] < -1e-6).any() or (P[~none].sum(1) > 1 + 1e-4).any():
                    raise ValueError(
                        f"Y[{t!r}] rows must be probabilities (>= 0, sum "
                        "<= 1; a sum < 1 leaves mass to N/A)"
                    )
                if not soft:
                    hard = np.where(none, -1, P.argmax(1))
                    out[t] = torch.from_numpy(hard.astype(np.int64))
                    continue
            else:
                raise ValueError(
                    f"Y[{t!r}] must have shape [n] or [n, {k}]; got {y.shape}"
                )
            out[t] = torch.from_numpy(P)
        return out

    # -- sklearn-like API ----------------------------------------------------------
    def fit(
        self,
        X: Any,
        Y: Mapping[str, Any],
        X_dev: Any = None,
        Y_dev: Mapping[str, Any] | None = None,
    ) -> "MultitaskModel":
        """Train on ``Y = {task: probs [n, k_t] or int labels [n]}`` (-1 / NaN /
        zero rows: no label for that task); dev metrics and early stopping use
        ``(X_dev, Y_dev)`` when given.

        Parameters
        ----------
        X : array-like or sequence of str
            Features for the MLP trunk, or texts for the text trunk.
        Y : mapping of str to array-like
            Per task, ``[n, k_t]`` probabilities (soft cross-entropy) or ``[n]``
            int labels; rows without a label for a task are masked out of its
            loss.
        X_dev, Y_dev : optional
            A labelled dev split for per-epoch metrics and early stopping.

        Returns
        -------
        MultitaskModel
            ``self``.
        """
        p = self.params
        set_seed(p["seed"])
        Xd = self._features(X, fit=True)
        n = len(next(iter(Xd.values())))
        targets = sharpen(self._targets(Y, n, soft=True), p["label_temperature"])
        valid = None
        if X_dev is not None and Y_dev is not None:
            Xv = self._features(X_dev)
            nv = len(next(iter(Xv.values())))
            valid = DictDataset("data", "valid", Xv, self._targets(Y_dev, nv, False))
        self._train(Xd, targets, valid)
        self.pseudo_labels_: dict[str, np.ndarray] = {}
        for _ in range(p["self_training_rounds"]):
            round_targets, self.pseudo_labels_ = self._pseudo_label(Xd, targets)
            self._train(Xd, round_targets, valid)
        return self

    def _train(
        self,
        Xd: dict[str, torch.Tensor],
        targets: dict[str, torch.Tensor],
        valid: DictDataset | None,
    ) -> None:
        """``n_models`` training runs from freshly seeded weights (seeds
        ``seed, seed + 1, ...``); predictions average them."""
        p = self.params
        nets, histories, best = [], [], []
        for i in range(p["n_models"]):
            seed = p["seed"] + i
            set_seed(seed)
            train = DictDataset("data", "train", Xd, targets)
            gen = torch.Generator().manual_seed(seed)
            loaders = [
                DictDataLoader(
                    train, batch_size=p["batch_size"], shuffle=True, generator=gen
                )
            ]
            if valid is not None:
                loaders.append(DictDataLoader(valid, batch_size=512))
            net = self._compile()
            trainer = Trainer(
                n_epochs=p["n_epochs"],
                lr=p["lr"],
                l2=p["l2"],
                seed=seed,
                progress_bar=p["progress_bar"],
                checkpoint_metric="model/all/valid/accuracy" if valid else None,
                patience=p["patience"] if valid is not None else 0,
            )
            trainer.fit(net, loaders)
            net.eval()
            nets.append(net)
            histories.append(trainer.history)
            best.append(trainer.best_epoch)
        self.networks, self.network = nets, nets[0]
        self.history_, self.best_epoch_ = histories[0], best[0]
        self.histories_, self.best_epochs_ = histories, best

    def _probs(
        self, Xd: Mapping[str, torch.Tensor], tasks: Sequence[str], batch_size: int
    ) -> dict[str, np.ndarray]:
        """Mean of the networks' probabilities, in batches."""
        self._check_fitted()
        n = len(next(iter(Xd.values())))
        parts: dict[str, list[np.ndarray]] = {t: [] for t in tasks}
        for s in range(0, n, batch_size):
            chunk = {k: v[s : s + batch_size] for k, v in Xd.items()}
            probs = [net._calculate_probs(chunk, tasks) for net in self.networks]
            for t in tasks:
                parts[t].append(np.mean([pr[t] for pr in probs], axis=0))
        return {
            t: (
                np.concatenate(v)
                if v
                else np.zeros((0, self.graph.cardinality(t)), np.float32)
            )
            for t, v in parts.items()
        }

    def _pseudo_label(
        self, Xd: dict[str, torch.Tensor], targets: dict[str, torch.Tensor]
    ) -> tuple[dict[str, torch.Tensor], dict[str, np.ndarray]]:
        """Targets plus one-hot pseudo-labels on the rows a task has no label
        for, where the current network's top probability reaches
        ``self_training_threshold``; the given labels are never changed, and
        only the network's own predictions are used (no gold)."""
        probs = self._probs(Xd, list(targets), 1024)
        out, pseudo = {}, {}
        for t, y in targets.items():
            P = probs[t]
            missing = (y == -1).all(1).numpy() if y.dim() == 2 else (y == -1).numpy()
            sure = missing & (P.max(1) >= self.params["self_training_threshold"])
            label = np.where(sure, P.argmax(1), -1)
            pseudo[t] = label
            y = y.clone()
            rows = torch.from_numpy(np.flatnonzero(sure))
            if y.dim() == 2:
                y[rows] = 0.0
                y[rows, torch.from_numpy(label[sure])] = 1.0
            else:
                y[rows] = torch.from_numpy(label[sure])
            out[t] = y
        return out, pseudo

    def _check_fitted(self) -> MultitaskClassifier:
        if self.network is None:
            raise ValueError("the model is not fitted; call fit first")
        return self.network

    def predict_proba(
        self, X: Any, task: str | None = None, batch_size: int = 1024
    ) -> np.ndarray | dict[str, np.ndarray]:
        """[n, k_task] probabilities, or ``{task: probs}`` for every task.

        Parameters
        ----------
        X : array-like or sequence of str
            As in :meth:`fit`.
        task : str, optional
            One task; ``None`` for all.
        batch_size : int, default 1024
            Rows per forward pass.

        Returns
        -------
        numpy.ndarray or dict of str to numpy.ndarray
        """
        self._check_fitted()
        tasks = self.graph.tasks if task is None else [task]
        for t in tasks:
            if t not in self.graph.tasks:
                raise ValueError(f"unknown task {t!r}; tasks are {self.graph.tasks}")
        out = self._probs(self._features(X), tasks, batch_size)
        return out[task] if task is not None else out

    def predict(
        self, X: Any, task: str | None = None
    ) -> np.ndarray | dict[str, np.ndarray]:
        """Labels per task; with ``decode="specific"`` a task's label is the
        one its most specific refining descendant implies (see the class doc).

        Parameters
        ----------
        X : array-like or sequence of str
            As in :meth:`fit`.
        task : str, optional
            One task; ``None`` for all.

        Returns
        -------
        numpy.ndarray or dict of str to numpy.ndarray
        """
        if task is not None and task not in self.graph.tasks:
            raise ValueError(f"unknown task {task!r}; tasks are {self.graph.tasks}")
        P = self.predict_proba(X)
        assert isinstance(P, dict)
        pred = self.decode_labels(P)
        return pred[task] if task is not None else pred

    def decode_labels(self, P: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """``{task: labels}`` from ``{task: probs}`` by the model's ``decode``.

        ``"heads"``: each head's argmax. ``"specific"``: children first (reverse
        topological order), a task whose child refines *every* one of its labels
        takes the parent label of that child's prediction (the first such child
        by name); other tasks keep their head's argmax. The predictions then
        obey the graph, and the finest head, which already sees its parents'
        outputs, decides.

        Examples
        --------
        >>> g = TaskGraph({"c": ["a", "b"], "f": ["a1", "a2", "b1"]})
        >>> _ = g.add_edge("c", "f", {"a1": "a", "a2": "a", "b1": "b"})
        >>> m = MultitaskModel(g)
        >>> P = {"c": np.array([[0.6, 0.4]]), "f": np.array([[0.3, 0.2, 0.5]])}
        >>> {t: v.tolist() for t, v in m.decode_labels(P).items()}
        {'c': [1], 'f': [2]}
        """
        out = {t: np.asarray(v).argmax(1) for t, v in P.items()}
        if self.params["decode"] == "heads":
            return out
        g = self.graph
        for t in reversed(g.topological_order()):
            if t not in out:
                continue
            for c in g.children(t):
                if c not in out:
                    continue
                table = np.array(
                    [g.label_index(t, g.parent_label(t, c, lab)) for lab in g.labels(c)]
                )
                if len(set(table.tolist())) == g.cardinality(t):
                    out[t] = table[out[c]]
                    break
        return out

    def score(
        self, X: Any, Y: Mapping[str, Any], metrics: Sequence[str] = ("accuracy",)
    ) -> dict[str, float] | dict[str, dict[str, float]]:
        """``{task: accuracy}`` (or ``{task: {metric: value}}`` for several
        metrics) over rows with a gold label (-1 rows ignored).

        Parameters
        ----------
        X : array-like or sequence of str
            As in :meth:`fit`.
        Y : mapping of str to array-like
            Gold ``[n]`` int labels per task (``-1`` = unknown).
        metrics : sequence of str, default ("accuracy",)
            Metric names understood by :func:`snorkel_nb.analysis.metric_score`.

        Returns
        -------
        dict
        """
        P = self.predict_proba(X)
        assert isinstance(P, dict)
        n = len(next(iter(P.values())))
        gold = self._targets(Y, n, soft=False)
        pred = self.decode_labels(P)
        scorer = Scorer(metrics=list(metrics))
        out: dict[str, Any] = {}
        for t, y in gold.items():
            s = scorer.score(y.numpy(), pred[t], P[t])
            out[t] = s[metrics[0]] if len(metrics) == 1 else s
        return out

    # -- persistence -----------------------------------------------------------------
    def save(self, path: str | os.PathLike) -> None:
        """JSON config + the state dict's tensors as .npz, atomic and checksummed."""
        self._check_fitted()
        arrays = {}
        for i, net in enumerate(self.networks):
            prefix = "param/" if i == 0 else f"param{i}/"
            arrays.update(
                {
                    prefix + k: v.detach().cpu().numpy()
                    for k, v in net.state_dict().items()
                }
            )
        config = {
            "graph": self.graph.to_dict(),
            "params": self.params,
            "in_dim": self.in_dim,
        }
        if self.featurizer is not None:
            config["tfidf_config"] = self.featurizer.to_config()
            arrays.update(self.featurizer.to_arrays())
        save_artifact(path, KIND, config, arrays, meta={"history": self.history_})

    @classmethod
    def load(
        cls, path: str | os.PathLike, device: str | int = "cpu"
    ) -> "MultitaskModel":
        """Load a model saved with :meth:`save`.

        Parameters
        ----------
        path
            The JSON file :meth:`save` wrote (its ``.npz`` lies next to it).
        device
            Torch device for the networks.

        Returns
        -------
        MultitaskModel
            The fitted model, networks in eval mode.

        Raises
        ------
        ValueError
            If the file holds another kind of artifact or fails its checksum.
        """
        config, arrays, meta = load_artifact(path, kind=KIND)
        p = dict(config["params"])
        m = cls(TaskGraph.from_dict(config["graph"]), device=device, **p)
        m.in_dim = config["in_dim"]
        if "tfidf_config" in config:
            m.featurizer = TfidfIds.from_saved(config["tfidf_config"], arrays)
        nets = []
        for i in range(int(p.get("n_models", 1))):
            prefix = "param/" if i == 0 else f"param{i}/"
            net = m._compile()
            state = {
                k[len(prefix) :]: torch.from_numpy(v)
                for k, v in arrays.items()
                if k.startswith(prefix)
            }
            net.load_state_dict(state)
            net.eval()
            nets.append(net)
        m.networks, m.network = nets, nets[0]
        m.history_ = meta.get("history", [])
        return m
