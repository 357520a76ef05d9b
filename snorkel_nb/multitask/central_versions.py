"""Versions of the central model: record, diff, load, roll back, blend, detach.

A mixin of :class:`~snorkel_nb.multitask.central.CentralModel` (kept apart
to keep modules small): every method here reads versions from the registry
and artefacts through their verified files.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from snorkel_nb.multitask.central_nn import (
    blend_states,
    build_head,
    build_trunk,
    closure,
    load_state_arrays,
    state_arrays,
)
from snorkel_nb.multitask.central_state import sub_arrays
from snorkel_nb.multitask.central_types import (
    CentralModelError,
    Version,
    VersionDiff,
    VersionRef,
)
from snorkel_nb.multitask.detached import DetachedTaskModel, Inputs
from snorkel_nb.multitask.graph import TaskGraph
from snorkel_nb.multitask.registry import RegistryError, VersionInfo


class VersionsMixin:
    """Version operations of the central model (see the module docstring)."""

    registry: Any
    _live: dict[str, dict[str, Any]]

    def _commit(self, message: str, event: str, task: str | None = None) -> Version:
        registered = self._task_records()
        manifest = {
            t: dict(e)
            for t, e in self._live.items()
            if t in registered and e.get("head")
        }
        cur = self.registry.current_version()
        v = self.registry.add_version(
            None if cur is None else cur.id,
            self._trunk_id,
            manifest,
            self._state().graph().to_dict(),
            self.metrics(),
            message,
        )
        self._emit(event, task, v.id, message)
        return v

    def versions(self) -> list[VersionInfo]:
        """Every version, oldest first."""
        return self.registry.versions()

    @property
    def current_version(self) -> VersionInfo | None:
        return self.registry.current_version()

    def _version(self, v: VersionRef) -> VersionInfo:
        vid = v.id if isinstance(v, VersionInfo) else int(v)
        try:
            return self.registry.version(vid)
        except RegistryError as e:
            raise CentralModelError(str(e)) from None

    def diff(self, v_a: VersionRef, v_b: VersionRef) -> VersionDiff:
        """Tasks added / removed, LFs added / removed / edited, heads retrained,
        trunk changed and every metric's ``(a, b)`` values.

        Parameters
        ----------
        v_a, v_b
            Version ids or :class:`VersionInfo` (``a`` the older, usually).

        Returns
        -------
        VersionDiff
            LF changes are listed for tasks in both versions; a metric missing
            from one side is ``None`` in its pair.

        Raises
        ------
        CentralModelError
            If either version is unknown.
        """
        a, b = self._version(v_a), self._version(v_b)
        common = [t for t in b.tasks if t in a.tasks]
        lfs_added, lfs_removed, lfs_changed = {}, {}, {}
        for t in common:
            la, lb = a.lf_hashes(t), b.lf_hashes(t)
            for out, names in (
                (lfs_added, [n for n in lb if n not in la]),
                (lfs_removed, [n for n in la if n not in lb]),
                (lfs_changed, [n for n in lb if n in la and la[n] != lb[n]]),
            ):
                if names:
                    out[t] = sorted(names)
        deltas: dict[str, dict[str, tuple[float | None, float | None]]] = {}
        for t in dict.fromkeys([*a.metrics, *b.metrics]):
            ma, mb = a.metrics.get(t, {}), b.metrics.get(t, {})
            deltas[t] = {m: (ma.get(m), mb.get(m)) for m in dict.fromkeys([*ma, *mb])}
        return VersionDiff(
            a.id,
            b.id,
            [t for t in b.tasks if t not in a.tasks],
            [t for t in a.tasks if t not in b.tasks],
            lfs_added,
            lfs_removed,
            lfs_changed,
            [t for t in common if a.tasks[t]["head"] != b.tasks[t]["head"]],
            a.trunk != b.trunk,
            deltas,
        )

    def _make_live(self, v: VersionInfo) -> None:
        """Load ``v``'s trunk and heads (all files verified) into memory."""
        trunk = trunk_cfg = inputs = None
        if v.trunk is not None:
            config, arrays = self.registry.load_arrays(v.trunk)
            trunk_cfg = config["trunk"]
            trunk = load_state_arrays(
                build_trunk(trunk_cfg), sub_arrays(arrays, "param/")
            )
            inputs = Inputs.from_saved(config["inputs"], sub_arrays(arrays, "inputs/"))
        heads, cfgs = {}, {}
        for t, e in v.tasks.items():
            config, arrays = self.registry.load_arrays(e["head"])
            heads[t], cfgs[t] = load_state_arrays(build_head(config), arrays), config
        for e in v.tasks.values():  # label matrices / models: verify the files
            self.registry.artifact_path(e["label_matrix"])
            self.registry.artifact_path(e["label_model"])
        self._trunk, self._trunk_cfg, self._inputs = trunk, trunk_cfg, inputs
        self._trunk_id = v.trunk
        self._heads, self._head_cfg = heads, cfgs
        self._live = {t: dict(e) for t, e in v.tasks.items()}
        self._feats = {}
        self._H.clear()
        for t in v.tasks:
            self._lm_metrics.setdefault(
                (v.tasks[t]["label_model"], t),
                {
                    m: x
                    for m, x in v.metrics.get(t, {}).items()
                    if m in ("coverage", "lm_dev_accuracy")
                },
            )

    def load_version(self, v: VersionRef) -> None:
        """Check out ``v``: its weights, label models, task set and LF set
        become the live and working ones, and ``v`` the current version
        (the next training's parent). Nothing changes if a file is corrupt."""
        vi = self._version(v)
        self._make_live(vi)
        recs = self._task_records()
        g = TaskGraph.from_dict(vi.graph)
        for t in [t for t in recs if t not in vi.tasks]:
            self.registry.remove_task(t)
        for t in g.topological_order():
            if t not in recs:
                self.registry.register_task(
                    t, list(g.labels(t)), {p: g.mapping(p, t) for p in g.parents(t)}
                )
            self.registry.set_working_lfs(t, vi.lf_hashes(t))
        self.registry.set_current(vi.id)
        self._gold_cache.clear()
        self._emit("loaded", None, vi.id)

    def rollback(self, v: VersionRef) -> Version:
        """A new version (parent: the current one) with ``v``'s content."""
        vi = self._version(v)
        cur = self.registry.current_version()
        self.load_version(vi)
        new = self.registry.add_version(
            None if cur is None else cur.id,
            vi.trunk,
            vi.tasks,
            vi.graph,
            self.metrics(),
            f"rollback to version {vi.id}",
        )
        self._emit("rollback", None, new.id, f"rollback to version {vi.id}")
        return new

    def _version_modules(
        self, v: VersionInfo, tasks: Sequence[str]
    ) -> tuple[
        tuple[dict[str, Any], dict[str, np.ndarray]],
        dict[str, tuple[dict[str, Any], dict[str, np.ndarray]]],
        Inputs,
    ]:
        if v.trunk is None:
            raise CentralModelError(f"version {v.id} has no trunk")
        config, arrays = self.registry.load_arrays(v.trunk)
        trunk = (config["trunk"], sub_arrays(arrays, "param/"))
        inputs = Inputs.from_saved(config["inputs"], sub_arrays(arrays, "inputs/"))
        heads = {}
        for t in tasks:
            if t not in v.tasks:
                raise CentralModelError(f"version {v.id} has no task {t!r}")
            heads[t] = self.registry.load_arrays(v.tasks[t]["head"])
        return trunk, heads, inputs

    def blend(
        self, task: str, v_old: VersionRef, v_new: VersionRef, alpha: float
    ) -> DetachedTaskModel:
        """``task`` with every layer it depends on blended as
        ``(1 - alpha) * old + alpha * new`` (a deployable phase-out step).

        Parameters
        ----------
        task
            A task of ``v_new``.
        v_old, v_new
            Version ids or :class:`VersionInfo`.
        alpha
            In [0, 1]; 0 gives ``v_old``'s weights exactly, 1 ``v_new``'s.

        Returns
        -------
        DetachedTaskModel
            Trunk, ``task``'s head and its graph ancestors' heads (graph of
            ``v_new``); its lineage names the blend.

        Raises
        ------
        CentralModelError
            If ``alpha`` is outside [0, 1], a version is unknown or lacks a
            task needed, or the trunks or a head differ in shape.
        """
        if not 0 <= float(alpha) <= 1:
            raise CentralModelError(f"alpha must be in [0, 1]; got {alpha}")
        a, b = self._version(v_old), self._version(v_new)
        g = TaskGraph.from_dict(b.graph)
        if task not in g.tasks:
            raise CentralModelError(f"version {b.id} has no task {task!r}")
        parents = {t: g.parents(t) for t in g.tasks}
        tasks = closure([task], parents, g.topological_order())
        ta, ha, _ = self._version_modules(a, tasks)
        tb, hb, inputs = self._version_modules(b, tasks)
        if ta[0] != tb[0]:
            raise CentralModelError(
                f"versions {a.id} and {b.id} have trunks of "
                "different shapes; they cannot be blended"
            )
        trunk = (tb[0], blend_states(ta[1], tb[1], alpha, "trunk"))
        heads = {}
        for t in tasks:
            if ha[t][0] != hb[t][0]:
                raise CentralModelError(
                    f"task {t!r} has heads of different shapes "
                    f"in versions {a.id} and {b.id}"
                )
            heads[t] = (
                hb[t][0],
                blend_states(ha[t][1], hb[t][1], alpha, f"head of {t!r}"),
            )
        lineage = {
            "task": task,
            "blend": {"old": a.id, "new": b.id, "alpha": float(alpha)},
        }
        return DetachedTaskModel(
            task, g.labels(task), lineage, trunk, heads, parents, inputs
        )

    def interpolate(
        self,
        task: str,
        v_old: VersionRef,
        v_new: VersionRef,
        alpha: float | Sequence[float] = (0.0, 0.25, 0.5, 0.75, 1.0),
    ) -> pd.DataFrame:
        """Blend ``task``'s head (and its ancestors' heads and the trunk, where
        they differ) as ``(1 - alpha) * old + alpha * new``; one row per alpha
        with the dev metrics: ``accuracy`` (gold dev, NaN without),
        ``agree_old`` / ``agree_new`` (share of dev predictions equal to the
        old / new version's). Train rows stand in when there is no dev set.

        Parameters
        ----------
        task
            A task of both versions.
        v_old, v_new
            Version ids or :class:`VersionInfo`.
        alpha
            One weight or several, each in [0, 1].

        Returns
        -------
        pandas.DataFrame
            Columns ``alpha``, ``accuracy``, ``agree_old``, ``agree_new``;
            one row per alpha, in the order given.

        Raises
        ------
        CentralModelError
            If ``alpha`` is empty or out of [0, 1], or as :meth:`blend`.
        """
        alphas = [float(alpha)] if np.isscalar(alpha) else [float(x) for x in alpha]
        if not alphas:
            raise CentralModelError("interpolate needs at least one alpha")
        d = self.data
        rows = (
            (d.dev if d.X_dev is None else d.X_dev)
            if self._has_dev()
            else (d.train if d.X is None else d.X)
        )
        gold = self._gold(task) if self._has_dev() else None
        ends = {x: self.blend(task, v_old, v_new, x).predict(rows) for x in (0.0, 1.0)}
        out = []
        for x in alphas:
            pred = (
                ends[x]
                if x in ends
                else self.blend(task, v_old, v_new, x).predict(rows)
            )
            acc = float("nan")
            if gold is not None and (gold >= 0).any():
                acc = float((pred[gold >= 0] == gold[gold >= 0]).mean())
            out.append(
                {
                    "alpha": x,
                    "accuracy": acc,
                    "agree_old": float((pred == ends[0.0]).mean()),
                    "agree_new": float((pred == ends[1.0]).mean()),
                }
            )
        return pd.DataFrame(
            out, columns=["alpha", "accuracy", "agree_old", "agree_new"]
        )

    def detach(self, task: str) -> DetachedTaskModel:
        """``task``'s head, its graph ancestors' heads and the trunk (nothing
        else), with :meth:`lineage`; ``predict_proba`` and ``save`` / ``load``."""
        lineage = self.lineage(task)
        assert self._trunk_cfg is not None and self._inputs is not None
        parents = self._parents()
        tasks = closure([task], parents, self._order())
        heads = {t: (self._head_cfg[t], state_arrays(self._heads[t])) for t in tasks}
        return DetachedTaskModel(
            task,
            self._labels(task),
            lineage,
            (self._trunk_cfg, state_arrays(self._trunk)),
            heads,
            parents,
            self._inputs,
        )
