"""CentralModel: one multi-task network that tasks join over time.

The seed paper's "massively multitask model as the central codebase": teams
contribute tasks by contributing labels (LFs); a new task gets a head on the
shared, already trained trunk (a warm start) and only what a change affects
is retrained. Everything is recorded in a :class:`TaskRegistry`; every
(re)training makes a :class:`VersionInfo`; versions can be diffed, loaded,
rolled back and blended (gradual phase-out), and a task can be detached for
deployment.

Dependencies a task can have:

* **graph parents** (``parent=``): the task's head reads the parent heads'
  softmax outputs (as in :class:`MultitaskModel`), so a retrained parent
  head makes the child head stale;
* **prediction LFs** (:func:`uses_predictions`): an LF reads another task's
  predictions (columns ``pred_<task>``, the label name, and ``conf_<task>``,
  its probability, are added to the rows it sees), so a retrained head
  upstream makes the task's label matrix stale.

Both kinds must form a DAG; a cycle is refused with its path in the message.

What is stale is decided from recorded inputs, never from timestamps: a
label matrix records the LF source hashes and upstream head ids it was
computed from, a label model its label matrix, a head its label model and
parent heads. :meth:`CentralModel.stale` compares them with the working
state; :meth:`CentralModel.retrain_stale` recomputes exactly that list.

Policy for a trunk fine-tune (``WarmStartPolicy(trunk_epochs>0)``): the
existing heads stay frozen and join the loss as a replay of their own
label-model targets; they are *not* marked stale by the new trunk.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd
import torch

from snorkel_nb.classification import set_seed
from snorkel_nb.labeling import LabelingFunction
from snorkel_nb.labeling.source import LFSourceError, compile_lf, lf_source
from snorkel_nb.multitask.central_nn import (
    build_head,
    build_trunk,
    closure,
    dev_accuracy,
    fit,
    run_heads,
    run_trunk,
    state_arrays,
    trunk_out_dim,
)
from snorkel_nb.multitask.central_data import data_to_arrays, data_from_arrays
from snorkel_nb.multitask.central_labels import (
    LABEL_MODES,
    check_units_acyclic,
    fit_unit,
    label_units,
    load_unit,
    save_unit,
    unit_matrices,
    unit_order,
    unit_probs,
)
from snorkel_nb.multitask.central_state import (
    find_dependency_cycle,
    lf_changes,
    make_task_spec,
    stable_seed,
    _Working,
)
from snorkel_nb.multitask.central_types import (
    STALE_KINDS,
    CentralData,
    CentralModelError,
    ChangeEvent,
    DependencyCycleError,
    StaleItem,
    TaskSpec,
    Version,
    VersionDiff,
    WarmStartPolicy,
    uses_predictions,
)
from snorkel_nb.multitask.central_versions import VersionsMixin
from snorkel_nb.multitask.detached import DetachedTaskModel, Inputs
from snorkel_nb.multitask.graph import TaskGraph, TaskGraphError
from snorkel_nb.multitask.lfs import MultiTaskLF, MultiTaskLFApplier
from snorkel_nb.multitask.registry import (
    ArtifactRecord,
    LFRecord,
    RegistryError,
    TaskRegistry,
)
from snorkel_nb.progress import progress_bar

__all__ = [
    "STALE_KINDS",
    "CentralData",
    "CentralModel",
    "CentralModelError",
    "ChangeEvent",
    "DependencyCycleError",
    "DetachedTaskModel",
    "StaleItem",
    "TaskSpec",
    "Version",
    "VersionDiff",
    "WarmStartPolicy",
    "uses_predictions",
]

_NO_SOURCE = "# source unavailable (not re-runnable); fingerprint "


class CentralModel(VersionsMixin):
    """The central multi-task model over a :class:`TaskRegistry`.

    Parameters
    ----------
    registry
        Where tasks, LFs, artefacts and versions live (or a path to one).
    trunk
        ``"mlp"`` (dense features) or ``"text"`` (TF-IDF ids + bag of
        embeddings), as in :class:`MultitaskModel`.
    hidden, emb_dim, dropout
        Trunk sizes.
    first_epochs, lr
        Training of the trunk with the first task(s) (the cold start).
    seed
        Seeds everything: equal seeds, equal models.
    data
        The rows every task is labelled on (:class:`CentralData`).
    label_model
        ``"label_model"`` (default): one label model per connected component
        of the task graph, a :class:`MultiTaskLabelModel` where edges link
        tasks and the single-task :class:`LabelModel` for an edgeless task
        (see :mod:`~snorkel_nb.multitask.central_labels`);
        ``"independent"``: a single-task LabelModel per task; ``"majority"``:
        per-task majority vote.
    label_model_kwargs
        Passed to each label model (per component).
    class_balance
        ``"dev"`` (default): a label model's class prior is the label
        frequency of the task's gold dev labels where there are any (the
        only use of gold in labelling, as the multi-task label model of
        bench/results/multitask.md is given it; without it, TREC's coarse
        rules over-predict one class); ``"none"``: estimated from the votes
        alone.
    policy
        Default :class:`WarmStartPolicy` of :meth:`add_task`.

    Examples
    --------
    >>> import tempfile, os
    >>> from snorkel_nb.labeling import labeling_function
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(400, 4)).astype("float32")
    >>> df = pd.DataFrame({"a": X[:, 0], "b": X[:, 1]})
    >>> @labeling_function()
    ... def pos_a(x):
    ...     return 1 if x.a > 0.3 else (0 if x.a < -0.3 else -1)
    >>> @labeling_function()
    ... def agrees(x):
    ...     return {"yes": 1, "no": 0}[x.pred_sign_a] if x.b > 0 else -1
    >>> reg = TaskRegistry(os.path.join(tempfile.mkdtemp(), "c.db"))
    >>> c = CentralModel(reg, hidden=(16,), data=CentralData(df, X),
    ...                  label_model="majority")
    >>> v1 = c.add_task("sign_a", [pos_a], labels=["no", "yes"])
    >>> v2 = c.add_task("both", [uses_predictions(agrees, "sign_a")],
    ...                 labels=["n", "y"])
    >>> c.tasks(), c.dependencies()["both"]["uses"], c.stale()
    (['sign_a', 'both'], ['sign_a'], [])
    """

    def __init__(
        self,
        registry: TaskRegistry | str | os.PathLike,
        trunk: str = "mlp",
        hidden: Sequence[int] = (64,),
        emb_dim: int = 64,
        dropout: float = 0.1,
        first_epochs: int = 20,
        lr: float = 1e-2,
        seed: int = 0,
        data: CentralData | None = None,
        label_model: str = "label_model",
        label_model_kwargs: Mapping[str, Any] | None = None,
        policy: WarmStartPolicy | None = None,
        class_balance: str = "dev",
    ) -> None:
        if not isinstance(registry, TaskRegistry):
            registry = TaskRegistry(registry)
        if trunk not in ("mlp", "text"):
            raise CentralModelError(f"trunk must be 'mlp' or 'text'; got {trunk!r}")
        if label_model not in LABEL_MODES:
            raise CentralModelError(
                f"label_model must be one of {LABEL_MODES}; got {label_model!r}"
            )
        if class_balance not in ("dev", "none"):
            raise CentralModelError(
                f"class_balance must be 'dev' or 'none'; got {class_balance!r}"
            )
        self.registry = registry
        settings = {
            "trunk": trunk,
            "hidden": [int(h) for h in hidden],
            "emb_dim": int(emb_dim),
            "dropout": float(dropout),
            "first_epochs": int(first_epochs),
            "lr": float(lr),
            "seed": int(seed),
            "label_model": label_model,
            "label_model_kwargs": dict(label_model_kwargs or {}),
            "class_balance": class_balance,
        }
        saved = registry.get_meta("settings")
        if saved is None:
            registry.set_meta("settings", settings)
        elif {"class_balance": "none", **saved} != settings:
            raise CentralModelError(
                f"{registry.path} holds a central model with settings {saved}; "
                "reopen it with CentralModel.open(path) (or use a new registry)"
            )
        self.settings = settings
        self.policy = policy or WarmStartPolicy()
        self._callbacks: list[Callable[[ChangeEvent], None]] = []
        self._working: tuple[tuple[int, int], _Working] | None = None
        self._gold_cache: dict[str, np.ndarray | None] = {}
        self._lf_objs: dict[str, MultiTaskLF] = {}
        self._art_cache: dict[str, ArtifactRecord] = {}
        self._L_cache: dict[str, dict[str, np.ndarray]] = {}
        self._target_cache: dict[tuple[str, str], np.ndarray] = {}
        self._lm_metrics: dict[tuple[str, str], dict[str, float]] = {}
        self._units_cache: tuple[Any, dict[str, tuple[str, ...]]] | None = None
        self._H: dict[str, tuple[torch.Tensor, torch.Tensor | None]] = {}
        self._trunk: torch.nn.Module | None = None
        self._trunk_cfg: dict[str, Any] | None = None
        self._trunk_id: str | None = None
        self._inputs: Inputs | None = None
        self._heads: dict[str, torch.nn.Module] = {}
        self._head_cfg: dict[str, dict[str, Any]] = {}
        self._live: dict[str, dict[str, Any]] = {}
        self._data: CentralData | None = None
        self._data_id: str | None = None
        self.last_retrained: list[StaleItem] = []
        cur = registry.current_version()
        if cur is not None:
            self._make_live(cur)
        if data is not None:
            self.set_data(data)
        elif registry.get_meta("data") is not None:
            self._load_data(registry.get_meta("data"))

    @classmethod
    def open(
        cls,
        path: str | os.PathLike | TaskRegistry,
        data: CentralData | None = None,
        policy: WarmStartPolicy | None = None,
    ) -> "CentralModel":
        """Reopen a central model from its registry (settings, current version,
        stored data; LFs are rebuilt from their stored source when needed).

        Parameters
        ----------
        path
            The registry database file, or an open :class:`TaskRegistry`.
        data
            Data to use instead of the stored data (a change of data makes
            every label matrix stale).
        policy
            Default :class:`WarmStartPolicy` of :meth:`add_task`.

        Returns
        -------
        CentralModel
            With the stored settings and the current version live.

        Raises
        ------
        CentralModelError
            If the registry holds no central model yet.

        Examples
        --------
        >>> import tempfile, os
        >>> from snorkel_nb.labeling import labeling_function
        >>> X = np.random.default_rng(0).normal(size=(200, 3)).astype("float32")
        >>> @labeling_function()
        ... def pos_a(x):
        ...     return 1 if x.a > 0.3 else (0 if x.a < -0.3 else -1)
        >>> path = os.path.join(tempfile.mkdtemp(), "c.db")
        >>> c = CentralModel(path, hidden=(8,), first_epochs=2,
        ...                  label_model="majority",
        ...                  data=CentralData(pd.DataFrame({"a": X[:, 0]}), X))
        >>> v = c.add_task("sign_a", [pos_a], labels=["no", "yes"])
        >>> P = c.predict_proba(X[:3], "sign_a")
        >>> c.registry.close()
        >>> again = CentralModel.open(path)
        >>> again.tasks(), again.current_version.id == v.id
        (['sign_a'], True)
        >>> bool(np.allclose(again.predict_proba(X[:3], "sign_a"), P))
        True
        """
        reg = path if isinstance(path, TaskRegistry) else TaskRegistry(path)
        settings = reg.get_meta("settings")
        if settings is None:
            raise CentralModelError(f"{reg.path} holds no central model yet")
        settings = {"class_balance": "none", **settings}  # stores before the option
        return cls(reg, data=data, policy=policy, **settings)

    def __repr__(self) -> str:
        v = self.current_version
        return (
            f"CentralModel({len(self.tasks())} tasks, version "
            f"{None if v is None else v.id}, {self.registry.path})"
        )

    # -- data ----------------------------------------------------------------
    def set_data(self, data: CentralData) -> None:
        """Use ``data`` from now on (stored in the registry; a change of data
        makes every label matrix stale)."""
        if not isinstance(data, CentralData):
            raise CentralModelError(
                f"data must be a CentralData; got {type(data).__name__}"
            )
        df = data.train
        if not isinstance(df, pd.DataFrame) or len(df) == 0:
            raise CentralModelError("CentralData.train must be a non-empty DataFrame")
        for name, X, rows in (("X", data.X, df), ("X_dev", data.X_dev, data.dev)):
            if X is not None:
                X = np.asarray(X)
                if rows is None:
                    raise CentralModelError(
                        f"CentralData.{name} is given without its DataFrame"
                    )
                if X.ndim != 2 or len(X) != len(rows):
                    raise CentralModelError(
                        f"CentralData.{name} has shape {X.shape}; it needs "
                        f"{len(rows)} rows (one per row of its DataFrame)"
                    )
        if self.settings["trunk"] == "mlp" and data.X is None and not data.feature_cols:
            raise CentralModelError(
                "an mlp trunk needs CentralData.X (or "
                "feature_cols naming columns of train)"
            )
        if self.settings["trunk"] == "text" and data.text_col not in df:
            raise CentralModelError(
                f"a text trunk reads train[{data.text_col!r}]; "
                f"train has columns {list(df.columns)}"
            )
        if (
            data.dev is not None
            and data.dev.shape[1]
            and not set(df.columns) <= set(data.dev.columns)
        ):
            raise CentralModelError(
                f"CentralData.dev lacks columns "
                f"{sorted(set(df.columns) - set(data.dev.columns))}"
            )
        if data.gold_dev and data.dev is None:
            raise CentralModelError("CentralData.gold_dev needs CentralData.dev")
        for t, y in data.gold_dev.items():
            if data.dev is not None and len(y) != len(data.dev):
                raise CentralModelError(
                    f"gold_dev[{t!r}] has {len(y)} labels; dev has {len(data.dev)} rows"
                )
        arrays, config = data_to_arrays(data)
        digest = hashlib.sha256(
            repr(sorted(config.items())).encode()
            + b"".join(
                np.ascontiguousarray(a).tobytes() for _, a in sorted(arrays.items())
            )
        ).hexdigest()
        saved = self.registry.get_meta("data")
        if saved is not None and saved.get("digest") == digest:
            data_id = saved["id"]
        else:
            data_id = self.registry.save_arrays(
                "data", None, arrays, config, {"digest": digest}
            ).id
            self.registry.set_meta("data", {"id": data_id, "digest": digest})
        self._set_data(data, data_id)

    def _set_data(self, data: CentralData, data_id: str) -> None:
        self._data, self._data_id = data, data_id
        self._gold_cache: dict[str, np.ndarray | None] = {}
        self._feats: dict[str, Any] = {}
        self._H.clear()

    def _load_data(self, saved: Mapping[str, Any]) -> None:
        config, arrays = self.registry.load_arrays(saved["id"])
        self._set_data(data_from_arrays(config, arrays), saved["id"])

    @property
    def data(self) -> CentralData:
        if self._data is None:
            raise CentralModelError(
                "the central model has no data; pass "
                "data=CentralData(...) or call set_data"
            )
        return self._data

    def _features(self, split: str) -> dict[str, torch.Tensor]:
        if split not in self._feats:
            d = self.data
            assert self._inputs is not None
            if split == "train":
                self._feats[split] = self._inputs(d.train if d.X is None else d.X)
            else:
                self._feats[split] = self._inputs(d.dev if d.X_dev is None else d.X_dev)
        return self._feats[split]

    def _has_dev(self) -> bool:
        return self.data.dev is not None and len(self.data.dev) > 0

    def _trunk_features(self) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Frozen-trunk features of train and dev, cached per trunk artefact."""
        assert self._trunk is not None and self._trunk_id is not None
        if self._trunk_id not in self._H:
            Hd = (
                run_trunk(self._trunk, self._features("dev"))
                if self._has_dev()
                else None
            )
            self._H = {
                self._trunk_id: (run_trunk(self._trunk, self._features("train")), Hd)
            }
        return self._H[self._trunk_id]

    def _gold(self, task: str) -> np.ndarray | None:
        """Gold dev label indices of ``task`` (-1 = unknown), or None."""
        if task not in self._gold_cache:
            self._gold_cache[task] = self._gold_indices(task)
        return self._gold_cache[task]

    def _gold_indices(self, task: str) -> np.ndarray | None:
        d = self.data
        if task not in d.gold_dev or d.dev is None:
            return None
        labels = self._labels(task)
        y = np.asarray(d.gold_dev[task], dtype=object)
        out = np.full(len(y), -1, dtype=np.int64)
        for i, v in enumerate(y):
            if isinstance(v, str):
                out[i] = labels.index(v) if v in labels else -1
            elif v is not None and not (isinstance(v, float) and np.isnan(v)):
                out[i] = int(v) if 0 <= int(v) < len(labels) else -1
        return out

    # -- tasks ---------------------------------------------------------------
    def _state(self) -> "_Working":
        """Tasks, LFs and the derived dependency order, read once per change
        of the registry (by this process or another: ``state_token``)."""
        token = self.registry.state_token()
        if self._working is None or self._working[0] != token:
            self._working = (token, _Working(self.registry))
        return self._working[1]

    def _task_records(self) -> dict[str, Any]:
        return self._state().recs

    def _labels(self, task: str) -> list[str]:
        recs = self._state().recs
        if task not in recs:
            raise CentralModelError(f"unknown task {task!r}; tasks are {list(recs)}")
        return list(recs[task].labels)

    @property
    def graph(self) -> TaskGraph:
        """The tasks and their parent -> child refinements."""
        return self._state().graph().copy()

    def _deps(self) -> dict[str, dict[str, list[str]]]:
        return {
            t: {k: list(v) for k, v in d.items()} for t, d in self._state().deps.items()
        }

    def dependencies(self) -> dict[str, dict[str, list[str]]]:
        """``{task: {"parents": [...], "uses": [...], "lfs": [...]}}``: graph
        parents, tasks whose predictions its LFs read, and its LF names."""
        return self._deps()

    def _order(self) -> list[str]:
        """Tasks with every dependency first (ties: registration order)."""
        return list(self._state().order())

    def tasks(self) -> list[str]:
        """Task names in dependency order."""
        return self._order()

    def _check_acyclic(
        self,
        task: str,
        parents: Sequence[str],
        uses: Sequence[str],
        graph: TaskGraph | None = None,
    ) -> None:
        deps = self._deps()
        d = deps.setdefault(task, {"parents": [], "uses": [], "lfs": []})
        d["parents"] = sorted(set(d["parents"]) | set(parents))
        d["uses"] = sorted(set(d["uses"]) | set(uses))
        for u in d["uses"]:
            if u not in deps:
                raise CentralModelError(
                    f"task {task!r}: an LF reads predictions of "
                    f"unknown task {u!r}; tasks are {list(deps)}"
                )
        up = {t: set(x["parents"]) | set(x["uses"]) for t, x in deps.items()}
        cyc = find_dependency_cycle(up)
        if cyc:
            raise DependencyCycleError(
                f"task {task!r} would depend on itself through predictions or "
                "parent heads: " + " -> ".join(cyc) + " (each task must come after "
                "the tasks whose predictions it reads)"
            )
        g = graph if graph is not None else self.graph
        order = [t for t in self._order() if t != task] + [task]
        units = label_units(g, order, self.settings["label_model"])
        check_units_acyclic(units, {t: x["uses"] for t, x in deps.items()})

    def _units(self) -> dict[str, tuple[str, ...]]:
        """``{task: the tasks labelled jointly with it}`` (see central_labels)."""
        state = self._state()
        if self._units_cache is None or self._units_cache[0] is not state:
            units = label_units(
                state.graph(), state.order(), self.settings["label_model"]
            )
            self._units_cache = (state, units)
        return self._units_cache[1]

    def _unit_order(self) -> list[tuple[str, ...]]:
        state = self._state()
        return unit_order(
            state.order(), self._units(), {t: d["uses"] for t, d in state.deps.items()}
        )

    def _as_mlf(self, task: str, lf: Any) -> tuple[MultiTaskLF, tuple[str, ...]]:
        uses = tuple(getattr(lf, "uses", ()) or ())
        if isinstance(lf, MultiTaskLF):
            if lf.tasks not in (None, (task,)):
                raise CentralModelError(
                    f"LF {lf.name!r} declares tasks {lf.tasks}; "
                    f"it is added to task {task!r}"
                )
            uses = uses or tuple(getattr(lf.lf, "uses", ()) or ())
            mlf = MultiTaskLF(lf.lf, task=task, name=lf.name)
        elif isinstance(lf, LabelingFunction):
            mlf = MultiTaskLF(lf, task=task)
        elif callable(lf):
            mlf = MultiTaskLF(lf, task=task)
        else:
            raise CentralModelError(
                f"task {task!r}: expected a LabelingFunction, "
                f"MultiTaskLF or callable; got {lf!r}"
            )
        mlf.uses = uses  # type: ignore[attr-defined]
        return mlf, uses

    def _register_lf(self, task: str, lf: Any) -> LFRecord:
        return self._register_lfs(task, [lf])[0]

    def _register_lfs(self, task: str, lfs: Sequence[Any]) -> list[LFRecord]:
        rows, mlfs = [], []
        for lf in lfs:
            mlf, uses = self._as_mlf(task, lf)
            try:
                src = lf_source(mlf.lf)
            except LFSourceError:
                src = _NO_SOURCE + mlf.lf.fingerprint
            rows.append((mlf.name, src, uses))
            mlfs.append(mlf)
        recs = self.registry.register_lfs(task, rows)
        for rec, mlf in zip(recs, mlfs):
            self._lf_objs[rec.source_hash] = mlf
        return recs

    def add_task(
        self,
        task: TaskSpec | str,
        lfs: Sequence[Any],
        parent: str | Mapping[str, Mapping[str, str]] | None = None,
        labels: Sequence[str] | None = None,
        mapping: Mapping[str, str] | None = None,
        data: CentralData | None = None,
        policy: WarmStartPolicy | None = None,
        train: bool = True,
        progress: bool = False,
    ) -> Version | None:
        """Register ``task`` with its LFs and (``train=True``) train it.

        Warm start: the trained trunk is kept and only the new head trains
        (plus a light trunk fine-tune if ``policy.trunk_epochs > 0``); the
        first task trains the trunk too. ``parent`` is a parent task name
        (with ``mapping = {label: parent_label}``) or ``{parent: mapping}``.
        Returns the new version (``None`` with ``train=False``; the task is
        then listed by :meth:`stale`).

        Parameters
        ----------
        task
            A :class:`TaskSpec` or the task name.
        lfs
            At least one LF: ``LabelingFunction``, ``MultiTaskLF`` or a
            callable ``x -> label`` (-1 = abstain); wrap one in
            ``uses_predictions(lf, other_task)`` to read another task's
            predictions. Names must not repeat.
        parent
            Parent task name (with ``mapping``) or ``{parent: mapping}``.
        labels
            The task's class names (when ``task`` is a name).
        mapping
            ``{label: parent_label}`` for a ``parent`` given by name.
        data
            Passed to :meth:`set_data` first, if given.
        policy
            Warm-start settings for this task; default the model's ``policy``.
        train
            Train now; ``False`` only registers it.
        progress
            Show progress bars while training.

        Returns
        -------
        Version or None
            The new current version; ``None`` when ``train=False``.

        Raises
        ------
        CentralModelError
            If the task exists, ``lfs`` is empty, LF names repeat, an LF is
            of an unknown type, the parent or mapping is invalid, the task
            would close a dependency cycle, or it reads predictions while no
            task is trained yet.

        Examples
        --------
        >>> import tempfile, os
        >>> from snorkel_nb.labeling import labeling_function
        >>> X = np.random.default_rng(0).normal(size=(200, 3)).astype("float32")
        >>> @labeling_function()
        ... def pos_a(x):
        ...     return 1 if x.a > 0.3 else (0 if x.a < -0.3 else -1)
        >>> c = CentralModel(os.path.join(tempfile.mkdtemp(), "c.db"), hidden=(8,),
        ...                  first_epochs=2, label_model="majority",
        ...                  data=CentralData(pd.DataFrame({"a": X[:, 0]}), X))
        >>> c.add_task("sign_a", [pos_a], labels=["no", "yes"], train=False)
        >>> [(it.kind, it.task) for it in c.stale()]
        [('task', 'sign_a')]
        >>> c.retrain_stale(progress=False).task_names
        ['sign_a']
        """
        spec = make_task_spec(task, labels, parent, mapping)
        if data is not None:
            self.set_data(data)
        if spec.name in self._task_records():
            raise CentralModelError(
                f"task {spec.name!r} already exists; edit its LFs "
                "with update_lf / remove_lf"
            )
        if not lfs:
            raise CentralModelError(f"task {spec.name!r} needs at least one LF")
        mlfs = [self._as_mlf(spec.name, lf) for lf in lfs]
        names = [m.name for m, _ in mlfs]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise CentralModelError(f"task {spec.name!r}: LF names {dup} repeat")
        g = self.graph
        try:
            g.add_task(spec.name, list(spec.labels))
            for p, m in spec.parents.items():
                g.add_edge(p, spec.name, m)
        except TaskGraphError as e:
            raise CentralModelError(f"task {spec.name!r}: {e}") from None
        self._check_acyclic(
            spec.name, list(spec.parents), [u for _, us in mlfs for u in us], g
        )
        self.registry.register_task(
            spec.name, list(spec.labels), {p: dict(m) for p, m in spec.parents.items()}
        )
        self._register_lfs(spec.name, lfs)
        self._gold_cache.pop(spec.name, None)
        self._emit("task_added", spec.name)
        if not train:
            return None
        return self._train_new(spec.name, policy or self.policy, progress)

    def remove_task(self, task: str) -> Version:
        """Drop ``task`` (refused while another task depends on it)."""
        deps = self._deps()
        if task not in deps:
            raise CentralModelError(f"unknown task {task!r}; tasks are {list(deps)}")
        users = sorted(
            t for t, d in deps.items() if task in d["parents"] or task in d["uses"]
        )
        if users:
            raise CentralModelError(
                f"cannot remove task {task!r}: {users} depend on "
                "it (as parent or through predictions)"
            )
        self.registry.remove_task(task)
        self._live.pop(task, None)
        self._heads.pop(task, None)
        self._head_cfg.pop(task, None)
        return self._commit(f"remove task {task}", "retrained", task)

    def update_lf(self, task: str, lf: Any) -> None:
        """Add or replace (by name) one LF of ``task``; marks things stale
        (recompute with :meth:`retrain_stale`).

        Parameters
        ----------
        task
            A registered task.
        lf
            A ``LabelingFunction``, ``MultiTaskLF`` or callable, as in
            :meth:`add_task`.

        Raises
        ------
        CentralModelError
            If ``task`` is unknown, ``lf`` is of an unknown type, or the
            predictions it reads would close a dependency cycle.
        """
        if task not in self._task_records():
            raise CentralModelError(f"unknown task {task!r}")
        _, uses = self._as_mlf(task, lf)
        self._check_acyclic(task, [], uses)
        rec = self._register_lf(task, lf)
        self._emit("lf_updated", task, detail=rec.name)

    def remove_lf(self, task: str, name: str) -> None:
        """Remove LF ``name`` from ``task``'s working set; marks things stale.

        Parameters
        ----------
        task
            The task.
        name
            The LF's name.

        Raises
        ------
        CentralModelError
            If ``task`` has no working LF ``name``.
        """
        try:
            self.registry.remove_lf(task, name)
        except RegistryError as e:
            raise CentralModelError(str(e)) from None
        self._emit("lf_removed", task, detail=name)

    def lfs(self, task: str) -> list[LFRecord]:
        """The working LFs of ``task`` (name, source, source hash, uses)."""
        return self.registry.lfs(task)

    # -- lineage -----------------------------------------------------------
    def lineage(self, task: str) -> dict[str, Any]:
        """Where ``task``'s live head comes from: version, LF source hashes,
        label matrix / label model / head / trunk artefacts, and the upstream
        tasks (graph parents, used predictions) with their head ids."""
        if task not in self._live:
            raise CentralModelError(
                f"task {task!r} has no trained head; trained "
                f"tasks are {list(self._live)}"
            )
        e = self._live[task]
        Lrec = self._art(e["label_matrix"])
        head = self._art(e["head"])
        cur = self.current_version
        return {
            "task": task,
            "version": None if cur is None else cur.id,
            "labels": self._labels(task),
            "lfs": dict(Lrec.inputs["lfs"]),
            "label_matrix": e["label_matrix"],
            "label_model": e["label_model"],
            "head": e["head"],
            "trunk": self._trunk_id,
            "parents": dict(head.inputs.get("parents", {})),
            "uses": dict(Lrec.inputs.get("uses_heads", {})),
            "ancestors": closure([task], self._parents(), self._order())[:-1],
            "data": Lrec.inputs.get("data"),
        }

    def lf_usage(self, task: str, name: str) -> dict[str, Any]:
        """What was computed from the working version of LF ``name`` of
        ``task`` (by its source hash): ``{kind: [(task, artefact id)]}`` for
        label matrices, label models and heads - including other tasks' heads
        and matrices reached through parent heads and read predictions - and
        the ``versions`` that hold any of them.

        Parameters
        ----------
        task
            The task.
        name
            The name of one of its working LFs.

        Returns
        -------
        dict
            ``{"source_hash": str, "label_matrix": [(task, id)],
            "label_model": [(task, id)], "head": [(task, id)],
            "versions": [int]}``.

        Raises
        ------
        CentralModelError
            If ``task`` has no working LF ``name``.
        """
        h = self._state().hashes.get(task, {}).get(name)
        if h is None:
            raise CentralModelError(f"task {task!r} has no LF {name!r}")
        out: dict[str, Any] = {
            "source_hash": h,
            "label_matrix": [],
            "label_model": [],
            "head": [],
        }
        ids = set()
        for a in self.registry.downstream(h):
            if a.kind in out:
                out[a.kind].append((a.task, a.id))
                ids.add(a.id)
        out["versions"] = [
            v.id
            for v in self.versions()
            if any(
                x in ids
                for e in v.tasks.values()
                for x in (e["label_matrix"], e["label_model"], e["head"])
            )
        ]
        return out

    def _parents(self) -> dict[str, list[str]]:
        return self._state().parents

    def _art(self, aid: str) -> ArtifactRecord:
        if aid not in self._art_cache:
            self._art_cache[aid] = self.registry.artifact(aid)
        return self._art_cache[aid]

    # -- staleness -----------------------------------------------------------
    def stale(self) -> list[StaleItem]:
        """What must be recomputed, in dependency order: per label unit (a task,
        or the tasks a graph component labels jointly) its label matrices, its
        one label model and its heads; downstream units after their upstream.

        ``"task"`` items are registered tasks never trained (all of it is
        built). A ``"label_model"`` item of a multi-task unit names the unit's
        first task and lists the unit in ``tasks``. Reasons name the LF or
        upstream task that caused them.
        """
        state = self._state()
        deps, working = state.deps, state.hashes
        missing = [
            a
            for e in self._live.values()
            for k, a in e.items()
            if k in ("label_matrix", "label_model", "head")
            and a
            and a not in self._art_cache
        ]
        if missing:
            self._art_cache.update(self.registry.artifacts_by_id(missing))
        changing: set[str] = set()
        items: list[StaleItem] = []
        for unit in self._unit_order():
            e0 = self._live.get(unit[0])
            if len(unit) == 1 and (e0 is None or not e0.get("head")):
                items.append(StaleItem("task", unit[0], "registered, never trained"))
                changing.add(unit[0])
                continue
            whys = {
                t: self._matrix_changes(t, unit, deps, working, changing) for t in unit
            }
            if any(whys.values()):  # the unit is refit: refresh what reads it
                for t in unit:
                    if not whys[t]:
                        whys[t] = self._refresh_reasons(t, unit, deps)
            L_items = [
                StaleItem("label_matrix", t, "; ".join(whys[t]))
                for t in unit
                if whys[t]
            ]
            lm_why = self._label_model_changes(unit, L_items)
            if lm_why:
                names = "" if len(unit) == 1 else f" (joint: {list(unit)})"
                items += L_items
                items.append(
                    StaleItem("label_model", unit[0], lm_why + names, tuple(unit))
                )
                for t in unit:
                    items.append(StaleItem("head", t, "its label model is refit"))
                changing |= set(unit)
                continue
            for t in unit:
                e = self._live[t]
                hin = self._art(e["head"]).inputs
                hwhy = (
                    []
                    if hin.get("label_model") == e["label_model"]
                    else ["trained on another label model"]
                )
                for p in deps[t]["parents"]:
                    if p in changing:
                        hwhy.append(f"reads parent head {p!r}, which is retrained")
                    elif (
                        p in self._live
                        and hin.get("parents", {}).get(p) != self._live[p]["head"]
                    ):
                        hwhy.append(f"reads parent head {p!r}, which changed")
                if hwhy:
                    items.append(StaleItem("head", t, "; ".join(hwhy)))
                    changing.add(t)
        return items

    def _matrix_changes(
        self,
        t: str,
        unit: Sequence[str],
        deps: Mapping[str, Mapping[str, list[str]]],
        working: Mapping[str, Mapping[str, str]],
        changing: set[str],
    ) -> list[str]:
        """Why ``t``'s live label matrix is out of date (empty: it is not).

        A matrix that reads predictions of a task of its own unit is not
        stale when that task's live head was trained on a label model fitted
        on this very matrix (on the same trunk): the head is its echo.
        """
        e = self._live.get(t)
        if e is None or not e.get("label_matrix") or not e.get("head"):
            return ["registered, never trained"]
        Lrec = self._art(e["label_matrix"])
        why = lf_changes(Lrec.inputs["lfs"], working.get(t, {}))
        if self._data_id is not None and Lrec.inputs.get("data") != self._data_id:
            why.append("the data changed")
        used = Lrec.inputs.get("uses_heads", {})
        for u in deps[t]["uses"]:
            live_u = self._live.get(u, {}).get("head")
            if u in unit:
                if used.get(u) != live_u and not self._is_echo(
                    e["label_matrix"], used.get(u), live_u
                ):
                    why.append(f"reads predictions of {u!r}, whose head changed")
            elif u in changing:
                why.append(f"reads predictions of {u!r}, whose head is retrained")
            elif live_u and used.get(u) != live_u:
                why.append(f"reads predictions of {u!r}, whose head changed")
        return why

    def _refresh_reasons(
        self, t: str, unit: Sequence[str], deps: Mapping[str, Mapping[str, list[str]]]
    ) -> list[str]:
        """When a unit's label model is refit anyway, a matrix that read an older
        head of its own unit is rebuilt on the current one (then the head
        retrained from it is its echo, and retraining stops there)."""
        used = self._art(self._live[t]["label_matrix"]).inputs.get("uses_heads", {})
        return [
            f"reads predictions of {u!r} from an older head (refreshed as "
            "the unit is refit)"
            for u in deps[t]["uses"]
            if u in unit and used.get(u) != self._live.get(u, {}).get("head")
        ]

    def _is_echo(self, L_id: str, used_head: str | None, live_head: str | None) -> bool:
        if not used_head or not live_head:
            return False
        for a in (used_head, live_head):
            if a not in self._art_cache:
                self._art_cache.update(self.registry.artifacts_by_id([a]))
        hin = self._art(live_head).inputs
        if hin.get("trunk") != self._art(used_head).inputs.get("trunk"):
            return False
        lm = hin.get("label_model")
        return bool(lm) and L_id in unit_matrices(self._art(lm).inputs, None).values()

    def _label_model_changes(
        self, unit: Sequence[str], L_items: Sequence[StaleItem]
    ) -> str:
        """Why the unit's label model must be refit ('' if it need not)."""
        if L_items:
            return (
                "label matrix of "
                + ", ".join(repr(i.task) for i in L_items)
                + " is recomputed"
            )
        ids = {self._live[t]["label_model"] for t in unit}
        if len(ids) != 1 or None in ids:
            return "its tasks are now labelled jointly"
        (aid,) = ids
        fitted = unit_matrices(self._art(aid).inputs, unit[0])
        live = {t: self._live[t]["label_matrix"] for t in unit}
        if set(fitted) != set(live):
            return "its tasks are now labelled jointly"
        if fitted != live:
            return "fit on another label matrix"
        return ""

    def retrain_stale(
        self,
        progress: bool | Callable[[int, int, StaleItem], None] = True,
        policy: WarmStartPolicy | None = None,
    ) -> Version | None:
        """Recompute exactly :meth:`stale`'s items, then record a version
        (``None`` when nothing was stale). ``progress``: a bar, or a callback
        ``(done, total, item)`` (for a widget).

        With no trunk yet, the never-trained tasks whose LFs read no
        predictions train it first (the cold start); what is stale after
        that is then recomputed too (all of it is in ``last_retrained``).

        Parameters
        ----------
        progress
            ``True`` for a progress bar, ``False`` for none, or a callback
            ``(done, total, item)``.
        policy
            Warm-start settings; default the model's ``policy``.

        Returns
        -------
        Version or None
            The new current version, or ``None`` when nothing was stale.

        Raises
        ------
        CentralModelError
            If there is no trunk yet and every untrained task reads
            predictions of another.

        Examples
        --------
        >>> import tempfile, os
        >>> from snorkel_nb.labeling import labeling_function
        >>> X = np.random.default_rng(0).normal(size=(200, 3)).astype("float32")
        >>> @labeling_function()
        ... def pos_a(x):
        ...     return 1 if x.a > 0.3 else (0 if x.a < -0.3 else -1)
        >>> c = CentralModel(os.path.join(tempfile.mkdtemp(), "c.db"), hidden=(8,),
        ...                  first_epochs=2, label_model="majority",
        ...                  data=CentralData(pd.DataFrame({"a": X[:, 0]}), X))
        >>> v1 = c.add_task("sign_a", [pos_a], labels=["no", "yes"])
        >>> @labeling_function(name="pos_a")
        ... def stricter(x):
        ...     return 1 if x.a > 0.5 else (0 if x.a < -0.5 else -1)
        >>> c.update_lf("sign_a", stricter)
        >>> len(c.stale()) > 0
        True
        >>> v2 = c.retrain_stale(progress=False)
        >>> c.stale(), v2.parent == v1.id
        ([], True)
        >>> c.lf_usage("sign_a", "pos_a")["versions"] == [v2.id]
        True
        """
        items = self.stale()
        self.last_retrained = []
        if not items:
            return None
        policy = policy or self.policy
        report = progress if callable(progress) else None
        bar = progress_bar(
            total=len(items), disable=progress is not True, desc="retrain stale"
        )
        kinds = sorted({f"{it.kind} {it.task}" for it in items})
        if self._trunk is None:
            deps = self._deps()
            first = [
                t
                for t in self._order()
                if not self._live.get(t, {}).get("head") and not deps[t]["uses"]
            ]
            if not first:
                raise CentralModelError(
                    "no task can train the trunk: every new "
                    "task reads predictions of another"
                )
            self._cold_start(first)
            done = self._cold_items(first, items)
            self.last_retrained += done
            bar.update(len(done))
            if report:
                for i, it in enumerate(done, 1):
                    report(i, len(items), it)
            items = self.stale()
            kinds = sorted({*kinds, *(f"{it.kind} {it.task}" for it in items)})
            bar.total = len(done) + len(items)
        self._run_items(items, policy, bar, report, offset=len(self.last_retrained))
        bar.close()
        return self._commit("retrain stale: " + ", ".join(kinds), "retrained")

    def _cold_items(
        self, first: Sequence[str], items: Sequence[StaleItem]
    ) -> list[StaleItem]:
        """What a cold start of ``first`` built, as stale items: a "task" item
        for a task alone in its unit, else its label matrix, one label model
        per unit (over its tasks in ``first``) and the heads."""
        units = self._units()
        whole = {i.task for i in items if i.kind == "task"}
        done = [
            StaleItem("task", t, "registered, never trained")
            if t in whole
            else StaleItem("label_matrix", t, "registered, never trained")
            for t in first
        ]
        seen: set[tuple[str, ...]] = set()
        for t in first:
            if t not in whole and units[t] not in seen:
                seen.add(units[t])
                part = tuple(x for x in units[t] if x in first)
                done.append(StaleItem("label_model", t, "cold start", part))
        done += [
            StaleItem("head", t, "trained with the trunk (cold start)")
            for t in first
            if t not in whole
        ]
        return done

    def _run_items(
        self,
        items: Sequence[StaleItem],
        policy: WarmStartPolicy,
        bar: Any = None,
        report: Callable[[int, int, StaleItem], None] | None = None,
        offset: int = 0,
    ) -> None:
        """Recompute ``items`` in order (one building block each)."""
        for i, it in enumerate(items, 1):
            if it.kind == "task":
                self._build_label_matrix(it.task)
                self._fit_label_model(it.task)
                self._train_head(it.task, policy)
            elif it.kind == "label_matrix":
                self._build_label_matrix(it.task)
            elif it.kind == "label_model":
                self._fit_label_model(it.task)
            else:
                self._train_head(it.task, policy)
            self.last_retrained.append(it)
            if bar is not None:
                bar.update(1)
            if report:
                report(offset + i, offset + len(items), it)

    # -- building blocks (each one artefact) -------------------------------
    def _lf_obj(self, rec: LFRecord) -> MultiTaskLF:
        if rec.source_hash not in self._lf_objs:
            if rec.source.startswith(_NO_SOURCE):
                raise CentralModelError(
                    f"LF {rec.name!r} of task {rec.task!r} was registered without "
                    "re-runnable source; pass it again with update_lf"
                )
            try:
                lf = compile_lf(rec.source)
            except LFSourceError as e:
                raise CentralModelError(
                    f"LF {rec.name!r} of task {rec.task!r}: its "
                    f"stored source does not rebuild it ({e}); "
                    "pass it again with update_lf"
                ) from None
            lf.name = rec.name
            mlf = MultiTaskLF(lf, task=rec.task, name=rec.name)
            mlf.uses = rec.uses  # type: ignore[attr-defined]
            self._lf_objs[rec.source_hash] = mlf
        return self._lf_objs[rec.source_hash]

    def _with_predictions(
        self, df: pd.DataFrame, split: str, uses: Sequence[str]
    ) -> pd.DataFrame:
        if not uses:
            return df
        P = self._probs(split, list(uses))
        extra = {}
        for u in uses:
            labels = np.array(self._labels(u), dtype=object)
            extra[f"pred_{u}"] = labels[P[u].argmax(1)]
            extra[f"conf_{u}"] = P[u].max(1)
        return df.assign(**extra)

    def _probs(self, split: str, tasks: Sequence[str]) -> dict[str, np.ndarray]:
        for u in tasks:
            if u not in self._heads:
                raise CentralModelError(
                    f"task {u!r} has no trained head yet; its "
                    "predictions cannot be read"
                )
        H = self._trunk_features()[0 if split == "train" else 1]
        assert H is not None
        with torch.no_grad():
            logits = run_heads(
                H,
                self._heads,
                self._parents(),
                closure(tasks, self._parents(), self._order()),
            )
        return {u: torch.softmax(logits[u], 1).numpy() for u in tasks}

    def _build_label_matrix(self, task: str) -> str:
        """Apply ``task``'s working LFs (reusing unchanged columns) -> artefact."""
        recs = self.registry.lfs(task)
        if not recs:
            raise CentralModelError(f"task {task!r} has no LFs to label with")
        old = None
        e = self._live.get(task)
        if e is not None:
            old_rec = self._art(e["label_matrix"])
            if old_rec.inputs.get("data") == self._data_id:
                old = (old_rec, self._load_L(e["label_matrix"]))
        uses = sorted({u for r in recs for u in r.uses})
        uses_heads = {
            u: self._live[u]["head"] if u in self._live else None for u in uses
        }
        cols: dict[str, dict[str, np.ndarray]] = {}
        todo = []
        for r in recs:
            if (
                old is not None
                and old[0].inputs["lfs"].get(r.name) == r.source_hash
                and all(
                    old[0].inputs.get("uses_heads", {}).get(u) == uses_heads[u]
                    for u in r.uses
                )
            ):
                j = old[1]["columns"].index(r.name)
                cols[r.name] = {
                    s: old[1][s][:, j] for s in ("L", "L_dev") if s in old[1]
                }
            else:
                todo.append(r)
        if todo:
            g = TaskGraph({task: self._labels(task)})
            app = MultiTaskLFApplier([self._lf_obj(r) for r in todo], g)
            need = sorted({u for r in todo for u in r.uses})
            splits = [("L", self.data.train, "train")]
            if self._has_dev():
                assert self.data.dev is not None
                splits.append(("L_dev", self.data.dev, "dev"))
            for key, df, split in splits:
                M = app.apply(
                    self._with_predictions(df, split, need), progress_bar=False
                )[task]
                for j, r in enumerate(todo):
                    cols.setdefault(r.name, {})[key] = M[:, j]
        names = [r.name for r in recs]
        arrays = {
            key: np.stack([cols[n][key] for n in names], 1).astype(np.int32)
            for key in cols[names[0]]
        }
        config = {"columns": names}
        aid = self.registry.save_arrays(
            "label_matrix",
            task,
            arrays,
            config,
            {
                "lfs": {r.name: r.source_hash for r in recs},
                "uses_heads": uses_heads,
                "data": self._data_id,
            },
        ).id
        self._L_cache[aid] = {**arrays, "columns": names}  # type: ignore[dict-item]
        self._set_live(task, label_matrix=aid)
        return aid

    def _load_L(self, aid: str) -> dict[str, Any]:
        if aid not in self._L_cache:
            config, arrays = self.registry.load_arrays(aid)
            self._L_cache[aid] = {**arrays, "columns": config["columns"]}
        return self._L_cache[aid]

    def _fit_label_model(self, task: str) -> str:
        """Fit the label model of ``task``'s label unit (``task`` and the tasks
        linked to it by graph edges that have a label matrix) -> one artefact,
        which becomes the live label model of every task of the unit."""
        unit = [
            t for t in self._units()[task] if self._live.get(t, {}).get("label_matrix")
        ]
        L_ids = {t: self._live[t]["label_matrix"] for t in unit}
        Ld = {t: self._load_L(L_ids[t]) for t in unit}
        Ls = {t: Ld[t]["L"] for t in unit}
        if not any((L >= 0).any() for L in Ls.values()):
            raise CentralModelError(
                f"no LF of task(s) {unit} votes on any training "
                "row; the label model has nothing to fit"
            )
        mode = self.settings["label_model"]
        kw = {"seed": self.settings["seed"], **self.settings["label_model_kwargs"]}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gold = (
                {t: g for t in unit if (g := self._gold(t)) is not None}
                if self.settings["class_balance"] == "dev"
                else None
            )
            lm = fit_unit(self._state().graph(), unit, Ls, mode, kw, gold)
        inputs: dict[str, Any] = (
            {"label_matrix": L_ids[task]}
            if len(unit) == 1
            else {"label_matrices": L_ids}
        )
        aid = self.registry.save_file(
            "label_model", task, save_unit(lm, mode), inputs
        ).id
        self._unit_targets(aid, lm, Ld)
        for t in unit:
            self._set_live(t, label_model=aid)
        return aid

    def _unit_targets(
        self, aid: str, lm: Any, Ld: Mapping[str, Mapping[str, Any]]
    ) -> None:
        """Cache the targets and label-model metrics of every task of a unit."""
        P = unit_probs(lm, {t: d["L"] for t, d in Ld.items()})
        dev = all("L_dev" in d for d in Ld.values())
        Pd = unit_probs(lm, {t: d["L_dev"] for t, d in Ld.items()}) if dev else {}
        for t, p in P.items():
            metrics = {"coverage": float((p[:, 0] >= 0).mean())}
            gold = self._gold(t)
            if gold is not None and t in Pd:
                voted = (Pd[t][:, 0] >= 0) & (gold >= 0)
                if voted.any():
                    metrics["lm_dev_accuracy"] = float(
                        (Pd[t][voted].argmax(1) == gold[voted]).mean()
                    )
            self._target_cache[(aid, t)] = p
            self._lm_metrics[(aid, t)] = metrics

    def _targets(self, task: str) -> torch.Tensor:
        aid = self._live[task]["label_model"]
        if (aid, task) not in self._target_cache:
            rec = self._art(aid)
            lm = load_unit(self.registry.artifact_path(aid))
            L_ids = unit_matrices(rec.inputs, task)
            Ld = {t: self._load_L(i) for t, i in L_ids.items()}
            P = unit_probs(lm, {t: d["L"] for t, d in Ld.items()})
            for t, p in P.items():
                self._target_cache[(aid, t)] = p
        return torch.from_numpy(self._target_cache[(aid, task)])

    def _dev(
        self, tasks: Sequence[str]
    ) -> tuple[dict[str, torch.Tensor], dict[str, torch.Tensor]] | None:
        if not self._has_dev():
            return None
        gold = {
            t: torch.from_numpy(g) for t in tasks if (g := self._gold(t)) is not None
        }
        return (self._features("dev"), gold) if gold else None

    def _new_head(self, task: str) -> tuple[torch.nn.Module, dict[str, Any]]:
        assert self._trunk is not None
        parents = self._parents()[task]
        cfg = {
            "in_dim": trunk_out_dim(self._trunk),
            "parents": parents,
            "parent_dims": [len(self._labels(p)) for p in parents],
            "k": len(self._labels(task)),
        }
        set_seed(self.settings["seed"] + stable_seed(task))
        return build_head(cfg), cfg

    def _train_head(self, task: str, policy: WarmStartPolicy | None = None) -> str:
        """Train ``task``'s head on the frozen trunk -> artefact."""
        policy = policy or self.policy
        head, cfg = self._new_head(task)
        heads = {**self._heads, task: head}
        fit(
            self._trunk,
            heads,
            self._parents(),
            self._order(),  # type: ignore[arg-type]
            self._features("train"),
            {task: self._targets(task)},
            {task},
            epochs=policy.head_epochs,
            lr=policy.head_lr,
            batch_size=policy.batch_size,
            seed=self.settings["seed"] + stable_seed(task),
            dev=self._dev([task]),
            patience=policy.patience,
            features=self._trunk_features(),
        )
        return self._save_head(task, head, cfg)

    def _save_head(self, task: str, head: torch.nn.Module, cfg: dict[str, Any]) -> str:
        parents = {p: self._live[p]["head"] for p in cfg["parents"]}
        aid = self.registry.save_arrays(
            "head",
            task,
            state_arrays(head),
            cfg,
            {
                "label_model": self._live[task]["label_model"],
                "parents": parents,
                "trunk": self._trunk_id,
            },
        ).id
        self._heads[task], self._head_cfg[task] = head, cfg
        self._set_live(task, head=aid)
        return aid

    def _save_trunk(self) -> str:
        assert self._trunk is not None and self._trunk_cfg is not None
        assert self._inputs is not None
        arrays = {f"param/{k}": v for k, v in state_arrays(self._trunk).items()}
        arrays.update({f"inputs/{k}": v for k, v in self._inputs.to_arrays().items()})
        self._trunk_id = self.registry.save_arrays(
            "trunk",
            None,
            arrays,
            {"trunk": self._trunk_cfg, "inputs": self._inputs.to_config()},
            {"previous": self._trunk_id},
        ).id
        return self._trunk_id

    def _cold_start(self, tasks: Sequence[str]) -> None:
        """Train the trunk with the first task(s) and their heads together."""
        for t in tasks:  # no trunk yet: these tasks' LFs read no predictions
            self._build_label_matrix(t)
        self._fresh_trunk()
        fitted: set[str] = set()
        for t in tasks:  # one label model per unit (its tasks with a matrix)
            if t not in fitted:
                self._fit_label_model(t)
                fitted |= set(self._units()[t])
        self._joint_train(tasks, self.settings["first_epochs"])

    def _fresh_trunk(self) -> None:
        d = self.data
        self._inputs = Inputs(self.settings["trunk"], d.text_col, d.feature_cols)
        self._inputs.fit(d.train if d.X is None else d.X)
        self._feats = {}
        self._H.clear()
        feats = self._features("train")
        cfg = {k: self.settings[k] for k in ("trunk", "hidden", "emb_dim", "dropout")}
        if cfg["trunk"] == "text":
            assert self._inputs.tfidf is not None
            cfg["vocab_size"] = self._inputs.tfidf.vocab_size
        else:
            cfg["in_dim"] = int(feats["X"].shape[1])
        set_seed(self.settings["seed"])
        self._trunk, self._trunk_cfg = build_trunk(cfg), cfg

    def _joint_train(
        self, tasks: Sequence[str], epochs: int, progress: bool = False
    ) -> None:
        """Trunk + the heads of ``tasks`` (new ones) on all their targets."""
        new = {t: self._new_head(t) for t in tasks}
        heads = {t: h for t, (h, _) in new.items()}
        order = [t for t in self._order() if t in heads]
        fit(
            self._trunk,
            heads,
            self._parents(),
            order,  # type: ignore[arg-type]
            self._features("train"),
            {t: self._targets(t) for t in tasks},
            {"trunk", *tasks},
            epochs=epochs,
            lr=self.settings["lr"],
            batch_size=self.policy.batch_size,
            seed=self.settings["seed"],
            dev=self._dev(tasks),
            patience=self.policy.patience,
            progress=progress,
        )
        self._save_trunk()
        for t in order:
            self._save_head(t, heads[t], new[t][1])

    def consolidate(self, epochs: int | None = None, progress: bool = False) -> Version:
        """Retrain a fresh trunk and every head jointly on the current label
        models: the expensive path (as costly as retraining from scratch),
        for when the trunk, trained on the first tasks, has fallen behind
        the tasks added since. Label matrices that read the predictions of a
        retrained head become stale (see :meth:`stale`).

        Parameters
        ----------
        epochs
            Joint training epochs; default the ``first_epochs`` setting.
        progress
            Show a progress bar.

        Returns
        -------
        Version
            The new current version.

        Raises
        ------
        CentralModelError
            If no task is trained yet.

        Examples
        --------
        >>> import tempfile, os
        >>> from snorkel_nb.labeling import labeling_function
        >>> X = np.random.default_rng(0).normal(size=(200, 3)).astype("float32")
        >>> @labeling_function()
        ... def pos_a(x):
        ...     return 1 if x.a > 0.3 else (0 if x.a < -0.3 else -1)
        >>> c = CentralModel(os.path.join(tempfile.mkdtemp(), "c.db"), hidden=(8,),
        ...                  first_epochs=2, label_model="majority",
        ...                  data=CentralData(pd.DataFrame({"a": X[:, 0]}), X))
        >>> v1 = c.add_task("sign_a", [pos_a], labels=["no", "yes"])
        >>> v2 = c.consolidate(epochs=1)
        >>> v2.message, c.diff(v1, v2).trunk_changed
        ('consolidate 1 tasks', True)
        """
        tasks = [t for t in self._order() if t in self._heads]
        if not tasks:
            raise CentralModelError("no task is trained yet; nothing to consolidate")
        self._fresh_trunk()
        self._joint_train(tasks, epochs or self.settings["first_epochs"], progress)
        return self._commit(f"consolidate {len(tasks)} tasks", "retrained")

    def _fine_tune_trunk(self, task: str, policy: WarmStartPolicy) -> None:
        """Light trunk fine-tune: trunk + ``task``'s head, with a replay of up to
        ``policy.replay`` other tasks (drawn at random, seeded, among all trained
        tasks) whose targets flow through their frozen heads."""
        others = [t for t in self._order() if t in self._heads and t != task]
        rng = np.random.default_rng(self.settings["seed"] + stable_seed(task))
        k = min(policy.replay, len(others))  # drawn from all: the oldest too
        replay = [others[i] for i in sorted(rng.choice(len(others), k, replace=False))]
        targets = {t: self._targets(t) for t in [*replay, task]}
        fit(
            self._trunk,
            self._heads,
            self._parents(),  # type: ignore[arg-type]
            self._order_live(),
            self._features("train"),
            targets,
            {"trunk", task},
            epochs=policy.trunk_epochs,
            lr=policy.trunk_lr,
            batch_size=policy.batch_size,
            seed=self.settings["seed"] + stable_seed(task),
            dev=self._dev([task]),
            patience=policy.patience,
        )
        self._H.clear()
        self._save_trunk()
        self._save_head(task, self._heads[task], self._head_cfg[task])

    def _order_live(self) -> list[str]:
        return [t for t in self._order() if t in self._heads]

    def _train_new(self, task: str, policy: WarmStartPolicy, progress: bool) -> Version:
        if self._trunk is None:
            if self._deps()[task]["uses"]:
                raise CentralModelError(
                    f"task {task!r} reads predictions of other "
                    "tasks, but no task is trained yet"
                )
            self._cold_start([task])
        elif len(self._units()[task]) == 1:
            self._build_label_matrix(task)
            self._fit_label_model(task)
            self._train_head(task, policy)
            if policy.trunk_epochs > 0:
                self._fine_tune_trunk(task, policy)
        else:  # joins a multi-task unit: its label model is refit with it
            affected = self._downstream(self._units()[task])
            self.last_retrained = []
            self._run_items([it for it in self.stale() if it.task in affected], policy)
            if policy.trunk_epochs > 0:
                self._fine_tune_trunk(task, policy)
        return self._commit(f"add task {task}", "retrained", task)

    def _downstream(self, tasks: Sequence[str]) -> set[str]:
        """``tasks`` and every task that depends on them (parents, predictions,
        label units), transitively."""
        deps, units = self._deps(), self._units()
        out = set(tasks)
        grew = True
        while grew:
            grew = False
            for t, d in deps.items():
                if t not in out and (
                    out & set(d["parents"])
                    or out & set(d["uses"])
                    or out & set(units[t])
                ):
                    out.add(t)
                    grew = True
        return out

    def _set_live(self, task: str, **kw: str) -> None:
        """Point ``task``'s live entry at new artefacts (a new dict: entries
        already handed out, e.g. to a version record, never change)."""
        e = {
            "label_matrix": None,
            "label_model": None,
            "head": None,
            "lfs": {},
            **self._live.get(task, {}),
            **kw,
        }
        if "label_matrix" in kw:
            e["lfs"] = dict(self._art(kw["label_matrix"]).inputs["lfs"])
        self._live[task] = e

    # -- prediction ----------------------------------------------------------
    def predict_proba(
        self, X: Any, task: str | None = None
    ) -> np.ndarray | dict[str, np.ndarray]:
        """[n, k] probabilities of ``task`` (or ``{task: probs}`` for every
        trained task); ``X`` a DataFrame, a feature matrix (mlp) or texts.

        Parameters
        ----------
        X
            n rows: a DataFrame like ``CentralData.train``, an [n, d] feature
            matrix (mlp trunk) or a sequence of texts (text trunk).
        task
            One trained task, or ``None`` for all of them.

        Returns
        -------
        numpy.ndarray or dict of str to numpy.ndarray
            [n, k] float rows summing to 1 (k = the task's label count);
            a dict ``{task: [n, k]}`` when ``task`` is ``None``.

        Raises
        ------
        CentralModelError
            If no task is trained yet or ``task`` has no trained head.

        Examples
        --------
        >>> import tempfile, os
        >>> from snorkel_nb.labeling import labeling_function
        >>> X = np.random.default_rng(0).normal(size=(200, 3)).astype("float32")
        >>> @labeling_function()
        ... def pos_a(x):
        ...     return 1 if x.a > 0.3 else (0 if x.a < -0.3 else -1)
        >>> c = CentralModel(os.path.join(tempfile.mkdtemp(), "c.db"), hidden=(8,),
        ...                  first_epochs=2, label_model="majority",
        ...                  data=CentralData(pd.DataFrame({"a": X[:, 0]}), X))
        >>> v1 = c.add_task("sign_a", [pos_a], labels=["no", "yes"])
        >>> P = c.predict_proba(X[:5], "sign_a")
        >>> P.shape, bool(np.allclose(P.sum(1), 1))
        ((5, 2), True)
        >>> list(c.predict_proba(X[:5]))
        ['sign_a']
        """
        if self._trunk is None or self._inputs is None:
            raise CentralModelError("no task is trained yet")
        if task is not None and task not in self._heads:
            raise CentralModelError(
                f"task {task!r} has no trained head; trained "
                f"tasks are {list(self._heads)}"
            )
        tasks = [task] if task is not None else self._order_live()
        H = run_trunk(self._trunk, self._inputs(X))
        with torch.no_grad():
            logits = run_heads(
                H,
                self._heads,
                self._parents(),
                closure(tasks, self._parents(), self._order()),
            )
        out = {t: torch.softmax(logits[t], 1).numpy() for t in tasks}
        return out[task] if task is not None else out

    def predict(
        self, X: Any, task: str | None = None
    ) -> np.ndarray | dict[str, np.ndarray]:
        """[n] int class indices (the argmax of :meth:`predict_proba`), or
        ``{task: [n]}`` when ``task`` is ``None``; same errors.

        Parameters
        ----------
        X
            n rows, as in :meth:`predict_proba`.
        task
            One trained task, or ``None`` for all of them.

        Returns
        -------
        numpy.ndarray or dict of str to numpy.ndarray
            Indices into the task's labels.

        Examples
        --------
        >>> import tempfile, os
        >>> from snorkel_nb.labeling import labeling_function
        >>> X = np.random.default_rng(0).normal(size=(200, 3)).astype("float32")
        >>> @labeling_function()
        ... def pos_a(x):
        ...     return 1 if x.a > 0.3 else (0 if x.a < -0.3 else -1)
        >>> c = CentralModel(os.path.join(tempfile.mkdtemp(), "c.db"), hidden=(8,),
        ...                  first_epochs=2, label_model="majority",
        ...                  data=CentralData(pd.DataFrame({"a": X[:, 0]}), X))
        >>> _ = c.add_task("sign_a", [pos_a], labels=["no", "yes"])
        >>> pred = c.predict(X[:4], "sign_a")
        >>> pred.shape, set(pred.tolist()) <= {0, 1}
        ((4,), True)
        """
        P = self.predict_proba(X, task)
        if isinstance(P, dict):
            return {t: p.argmax(1) for t, p in P.items()}
        return P.argmax(1)

    def metrics(self) -> dict[str, dict[str, float]]:
        """Per trained task: ``dev_accuracy`` of its head (with gold dev),
        and its label model's ``coverage`` and ``lm_dev_accuracy``."""
        out: dict[str, dict[str, float]] = {}
        live = [t for t in self._order_live() if t in self._live]
        if not live:
            return out
        Hd = self._trunk_features()[1] if self._data is not None else None
        logits = {}
        if Hd is not None:
            with torch.no_grad():
                logits = run_heads(Hd, self._heads, self._parents(), live)
        for t in live:
            m = dict(self._lm_metrics.get((self._live[t]["label_model"], t), {}))
            gold = self._gold(t) if self._data is not None else None
            if gold is not None and t in logits:
                m["dev_accuracy"] = dev_accuracy(logits[t], torch.from_numpy(gold))
            out[t] = m
        return out

    # -- events --------------------------------------------------------------
    def on_change(self, callback: Callable[[ChangeEvent], None]) -> None:
        """Call ``callback(event)`` after every change (for RegistryView)."""
        if not callable(callback):
            raise CentralModelError(f"on_change needs a callable; got {callback!r}")
        self._callbacks.append(callback)

    def _emit(
        self,
        kind: str,
        task: str | None = None,
        version: int | None = None,
        detail: str = "",
    ) -> None:
        ev = ChangeEvent(kind, task, version, detail)
        for cb in list(self._callbacks):
            cb(ev)
