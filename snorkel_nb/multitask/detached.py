"""Inputs of the central trunk, and a task detached from the central model.

``Inputs`` turns rows into trunk tensors (dense features or TF-IDF ids), so
the central model and a detached task featurise identically.
``DetachedTaskModel`` is what deployment takes (the seed's figure 5, step 1):
one task's head, the heads it reads (its graph ancestors) and the trunk -
nothing of the other tasks - plus the lineage saying which version, LFs and
label model it came from.
"""

from __future__ import annotations

import os
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd
import torch

from snorkel_nb.io import load_artifact, save_artifact
from snorkel_nb.multitask.central_nn import (
    build_head,
    build_trunk,
    load_state_arrays,
    run_heads,
    run_trunk,
    state_arrays,
)
from snorkel_nb.multitask.text import TfidfIds

KIND = "snorkel_nb.multitask.DetachedTaskModel"


class Inputs:
    """Rows -> trunk inputs: ``"mlp"`` (feature matrix or ``feature_cols`` of a
    DataFrame) or ``"text"`` (``text_col`` of a DataFrame, or texts).

    Examples
    --------
    >>> inp = Inputs("mlp")
    >>> inp(np.zeros((2, 3)))["X"].shape
    torch.Size([2, 3])
    """

    def __init__(
        self,
        trunk: str,
        text_col: str = "text",
        feature_cols: Sequence[str] | None = None,
        tfidf: TfidfIds | None = None,
    ) -> None:
        if trunk not in ("mlp", "text"):
            raise ValueError(f"trunk must be 'mlp' or 'text'; got {trunk!r}")
        self.trunk, self.text_col, self.tfidf = trunk, text_col, tfidf
        self.feature_cols = list(feature_cols) if feature_cols else None

    def fit(self, X: Any) -> "Inputs":
        """Fit the TF-IDF vocabulary (text trunk); a no-op for dense features."""
        if self.trunk == "text":
            self.tfidf = TfidfIds().fit(self._texts(X))
        return self

    def _texts(self, X: Any) -> list[str]:
        if isinstance(X, pd.DataFrame):
            if self.text_col not in X:
                raise ValueError(
                    f"a text trunk reads column {self.text_col!r}; the "
                    f"DataFrame has {list(X.columns)}"
                )
            return X[self.text_col].astype(str).tolist()
        if isinstance(X, str) or not hasattr(X, "__len__"):
            raise ValueError("a text trunk needs a DataFrame or a sequence of texts")
        return [str(x) for x in X]

    def __call__(self, X: Any) -> dict[str, torch.Tensor]:
        if self.trunk == "text":
            if self.tfidf is None:
                raise ValueError("Inputs is not fitted; call fit(texts) first")
            ids, w = self.tfidf.transform(self._texts(X))
            return {"ids": torch.from_numpy(ids), "w": torch.from_numpy(w)}
        if isinstance(X, pd.DataFrame):
            if not self.feature_cols:
                raise ValueError(
                    "an mlp trunk needs a feature matrix, or "
                    "feature_cols to read from a DataFrame"
                )
            X = X[self.feature_cols].to_numpy()
        X = np.asarray(X, dtype=np.float32)
        if X.ndim != 2:
            raise ValueError(f"X must be a 2-D feature matrix; got shape {X.shape}")
        if not np.isfinite(X).all():
            raise ValueError("X contains NaN or infinite values")
        return {"X": torch.from_numpy(np.ascontiguousarray(X))}

    def to_config(self) -> dict[str, Any]:
        return {
            "trunk": self.trunk,
            "text_col": self.text_col,
            "feature_cols": self.feature_cols,
            "tfidf": None if self.tfidf is None else self.tfidf.to_config(),
        }

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {} if self.tfidf is None else self.tfidf.to_arrays()

    @classmethod
    def from_saved(
        cls, config: Mapping[str, Any], arrays: Mapping[str, np.ndarray]
    ) -> "Inputs":
        """Rebuild from :meth:`to_config` and :meth:`to_arrays`.

        Parameters
        ----------
        config
            ``{"trunk", "text_col", "feature_cols", "tfidf"}``.
        arrays
            The TF-IDF arrays (empty for an mlp trunk).

        Returns
        -------
        Inputs

        Raises
        ------
        ValueError
            If the config's ``trunk`` is neither ``"mlp"`` nor ``"text"``.

        Examples
        --------
        >>> inp = Inputs("text", text_col="q").fit(["who is it", "where is it"])
        >>> back = Inputs.from_saved(inp.to_config(), inp.to_arrays())
        >>> ids = [back(["who is it"])[k].numpy() for k in ("ids", "w")]
        >>> all((a == b).all() for a, b in zip(ids, inp(["who is it"]).values()))
        True
        """
        tfidf = (
            None
            if config.get("tfidf") is None
            else TfidfIds.from_saved(dict(config["tfidf"]), dict(arrays))
        )
        return cls(config["trunk"], config["text_col"], config["feature_cols"], tfidf)


class DetachedTaskModel:
    """One task's head plus only the layers it depends on, standalone.

    Attributes
    ----------
    task, labels
        The task and its label names.
    lineage
        :meth:`CentralModel.lineage` of the task when it was detached.
    tasks
        The heads it holds: the task's graph ancestors, then the task.
    """

    def __init__(
        self,
        task: str,
        labels: Sequence[str],
        lineage: Mapping[str, Any],
        trunk: tuple[Mapping[str, Any], Mapping[str, np.ndarray]],
        heads: Mapping[str, tuple[Mapping[str, Any], Mapping[str, np.ndarray]]],
        parents: Mapping[str, Sequence[str]],
        inputs: Inputs,
    ) -> None:
        self.task, self.labels = task, tuple(labels)
        self.lineage = dict(lineage)
        self.tasks = list(heads)
        self.parents = {t: list(parents.get(t, ())) for t in heads}
        self.inputs = inputs
        self._trunk_cfg = dict(trunk[0])
        self._head_cfg = {t: dict(c) for t, (c, _) in heads.items()}
        self.trunk = load_state_arrays(build_trunk(trunk[0]), trunk[1])
        self.heads = {
            t: load_state_arrays(build_head(c), s) for t, (c, s) in heads.items()
        }

    def __repr__(self) -> str:
        return (
            f"DetachedTaskModel({self.task!r}, heads={self.tasks}, "
            f"version={self.lineage.get('version')})"
        )

    def predict_proba(self, X: Any) -> np.ndarray:
        """[n, k] probabilities of the task."""
        H = run_trunk(self.trunk, self.inputs(X))
        with torch.no_grad():
            logits = run_heads(H, self.heads, self.parents, self.tasks)[self.task]
        return torch.softmax(logits, 1).numpy()

    def predict(self, X: Any) -> np.ndarray:
        return self.predict_proba(X).argmax(1)

    def save(self, path: str | os.PathLike) -> None:
        """One artefact (JSON + npz, atomic, checksummed)."""
        arrays = {f"trunk/{k}": v for k, v in state_arrays(self.trunk).items()}
        for t, h in self.heads.items():
            arrays.update({f"head/{t}/{k}": v for k, v in state_arrays(h).items()})
        arrays.update({f"inputs/{k}": v for k, v in self.inputs.to_arrays().items()})
        config = {
            "task": self.task,
            "labels": list(self.labels),
            "lineage": self.lineage,
            "trunk": self._trunk_cfg,
            "heads": self._head_cfg,
            "order": self.tasks,
            "parents": self.parents,
            "inputs": self.inputs.to_config(),
        }
        save_artifact(path, KIND, config, arrays)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "DetachedTaskModel":
        config, arrays, _ = load_artifact(path, kind=KIND)

        def part(prefix: str) -> dict[str, np.ndarray]:
            return {
                k[len(prefix) :]: v for k, v in arrays.items() if k.startswith(prefix)
            }

        heads = {t: (config["heads"][t], part(f"head/{t}/")) for t in config["order"]}
        return cls(
            config["task"],
            config["labels"],
            config["lineage"],
            (config["trunk"], part("trunk/")),
            heads,
            config["parents"],
            Inputs.from_saved(config["inputs"], part("inputs/")),
        )
