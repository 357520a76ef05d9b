"""A live LF-editing session: data, dev split, the LF set and its label matrices.

:class:`LFSession` is the engine behind the LF studio widget, and is fully
usable without Jupyter. Adding, replacing or removing one LF recomputes only
that LF's column (the appliers cache columns by LF fingerprint); summaries and
pairwise views are recomputed from the cached matrices.

The label model is in the loop too: :meth:`LFSession.fit_label_model` fits it
on the current LFs (a :class:`~snorkel_nb.labeling.loop_fit.LoopFit`, kept with
the previous one for before -> after deltas), every edit marks that fit stale,
and with ``auto_refit`` every edit refits at once.

Nothing has to block the caller: :meth:`LFSession.upsert_async`,
:meth:`~LFSession.remove_async`, :meth:`~LFSession.run_async` and
:meth:`~LFSession.fit_label_model_async` run the slow part (applying an LF,
fitting) on worker threads of a
:class:`~snorkel_nb.labeling.loop_runner.LoopRunner` and commit the result in
one quick, locked step; a fit whose LFs changed while it ran is dropped, never
shown. Readers always see one consistent state (LFs, matrices, errors), since
each edit swaps it whole.

The label-model diagnostics' data live in
:mod:`snorkel_nb.labeling.model.report` (re-exported here).
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from snorkel_nb.labeling.analysis import LFAnalysis
from snorkel_nb.labeling.apply import LFErrorRecord, PandasLFApplier
from snorkel_nb.labeling.lf import LabelingFunction
from snorkel_nb.labeling.loop_fit import LoopFit, fit_loop
from snorkel_nb.labeling.loop_runner import DROPPED, LoopRunner, Task, TaskListener
from snorkel_nb.labeling.matrix import ABSTAIN, check_gold

# The label-model report moved to labeling/model/report.py; importable here too.
from snorkel_nb.labeling.model.report import (
    LabelModelReport,
    fit_notes,
    label_model_report,
)
from snorkel_nb.labeling.thread_warnings import suppressed_warnings

ChangeCallback = Callable[[dict], None]
_EDITS = itertools.count()  # unique keys: these edits never supersede each other


@dataclass(frozen=True)
class _State:
    """One committed state of the session, swapped whole by each edit so a
    reader on another thread never sees LFs and matrices that disagree."""

    lfs: tuple[LabelingFunction, ...] = ()
    L: np.ndarray | None = None
    L_dev: np.ndarray | None = None
    errors: Any = None  # dict[str, LFErrorRecord]


@dataclass
class SessionChange:
    """What one :class:`LFSession` event did.

    ``op`` (alias ``kind``) is ``add``, ``replace``, ``remove`` or ``set`` for
    LF edits (each also means "the label-model fit is stale"), ``fit`` after a
    label-model fit and ``fit_failed`` when an automatic refit raised
    (``detail`` holds the message).
    """

    op: str
    name: str
    error: LFErrorRecord | None = None
    detail: str = ""

    @property
    def kind(self) -> str:
        return self.op

    def as_dict(self) -> dict:
        return {
            "op": self.op,
            "kind": self.op,
            "name": self.name,
            "error": self.error,
            "detail": self.detail,
        }


class LFSession:
    """Live state of an LF-writing loop over a DataFrame (and optional dev split).

    Parameters
    ----------
    df
        The (unlabelled) training data; LFs see its rows.
    lfs
        Initial LFs (unique names).
    dev_df, Y_dev
        Optional dev split and its gold labels (``-1`` = unknown) for
        empirical accuracy (on covered points).
    cardinality
        Number of classes ``k``; LF votes must lie in ``-1..k-1``.
    class_names
        Optional names of the ``k`` classes, for display (default ``"0"``,
        ``"1"``, ...).
    auto_refit
        Refit the label model after every edit (see :meth:`fit_label_model`).
    background
        Default for the ``*_async`` methods and for automatic refits: run
        them on worker threads (``True``) or inline (``False``, the default:
        deterministic). The widgets pass their own setting per call.

    Attributes
    ----------
    L, L_dev
        Current [n, m] label matrices (``None`` while there are no LFs / no dev).
    label_model_fit, previous_label_model_fit
        The latest :class:`LoopFit` and the one before it (``None`` until fitted).
    auto_refit
        When True, every upsert / remove / set refits the label model at once.

    Examples
    --------
    >>> from snorkel_nb.labeling import labeling_function
    >>> df = pd.DataFrame({"text": ["check out my channel", "great song", "subscribe"]})
    >>> @labeling_function()
    ... def check(x):
    ...     return 1 if "check" in x.text else -1
    >>> s = LFSession(df, [check])
    >>> s.summary()["Coverage"].round(2).tolist()
    [0.33]
    >>> @labeling_function(name="check")
    ... def check2(x):
    ...     return 1 if "check" in x.text or "subscribe" in x.text else -1
    >>> s.upsert(check2).op
    'replace'
    >>> s.summary()["Coverage"].round(2).tolist()
    [0.67]
    """

    def __init__(
        self,
        df: pd.DataFrame,
        lfs: Iterable[LabelingFunction] = (),
        dev_df: pd.DataFrame | None = None,
        Y_dev: Any = None,
        cardinality: int = 2,
        class_names: Sequence[str] | None = None,
        auto_refit: bool = False,
        background: bool = False,
    ) -> None:
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"df must be a pandas DataFrame; got {type(df).__name__}")
        if int(cardinality) < 2:
            raise ValueError(f"cardinality must be >= 2; got {cardinality!r}")
        if class_names is None:
            class_names = [str(c) for c in range(int(cardinality))]
        class_names = [str(c) for c in class_names]
        if len(class_names) != int(cardinality) or len(set(class_names)) != len(
            class_names
        ):
            raise ValueError(
                f"class_names must be {int(cardinality)} distinct names "
                f"(one per class); got {class_names!r}"
            )
        self.class_names: list[str] = class_names
        self.auto_refit = bool(auto_refit)
        self.label_model_fit: LoopFit | None = None
        self.previous_label_model_fit: LoopFit | None = None
        self.label_model_kwargs: dict[str, Any] = {}
        self._changed_since_fit: list[str] = []
        self._order: list[str] = []
        self.df = df
        self.dev_df = dev_df
        self.cardinality = int(cardinality)
        self.Y_dev: np.ndarray | None = None
        if Y_dev is not None:
            if dev_df is None:
                raise ValueError("Y_dev given without dev_df")
            self.Y_dev = check_gold(np.asarray(Y_dev), len(dev_df), self.cardinality)
        # the appliers are column caches only (keyed by LF fingerprint); what
        # the session holds is self._state
        self._applier = PandasLFApplier([])
        self._dev_applier = PandasLFApplier([]) if dev_df is not None else None
        self._callbacks: list[ChangeCallback] = []
        self._state = _State(errors={})
        self._analysis: tuple[_State, LFAnalysis] | None = None
        self._dev_analysis: tuple[_State, LFAnalysis] | None = None
        #: serialises edits and fit commits across threads (the slow part of
        #: a fit runs outside it)
        self.lock = threading.RLock()
        self.runner = LoopRunner(background=background)
        # per thread: whether the edit running there (run_async) refits in
        # the background
        self._edit_local = threading.local()
        self.set_lfs(lfs)

    # -- LF set ------------------------------------------------------------
    @property
    def lfs(self) -> list[LabelingFunction]:
        return list(self._state.lfs)

    @property
    def names(self) -> list[str]:
        return [lf.name for lf in self._state.lfs]

    @property
    def L(self) -> np.ndarray | None:
        """The [n, m] training label matrix (``None`` while there are no LFs)."""
        return self._state.L

    @property
    def L_dev(self) -> np.ndarray | None:
        """The dev label matrix (``None`` without LFs or a dev split)."""
        return self._state.L_dev

    @property
    def errors(self) -> dict[str, LFErrorRecord]:
        """``{lf_name: LFErrorRecord}`` of the LFs that raised on some rows."""
        return dict(self._state.errors)

    @property
    def background(self) -> bool:
        """Default of the ``*_async`` methods and automatic refits."""
        return self.runner.background

    @background.setter
    def background(self, value: bool) -> None:
        self.runner.background = bool(value)

    def __contains__(self, name: str) -> bool:
        return name in self.names

    def __len__(self) -> int:
        return len(self.names)

    def get(self, name: str) -> LabelingFunction:
        """The LF called ``name`` (``KeyError`` listing the names otherwise)."""
        for lf in self.lfs:
            if lf.name == name:
                return lf
        raise KeyError(f"no LF named {name!r}; LFs: {self.names}")

    def set_lfs(self, lfs: Iterable[LabelingFunction]) -> None:
        """Replace the whole LF set (unchanged LFs keep their cached columns)."""
        lfs = list(lfs)
        if not hasattr(self, "runner"):  # constructing
            self._set_lfs(lfs)
            return
        self._inline(
            f"set:{next(_EDITS)}",
            f"applying {len(lfs)} LFs to {self._n_rows():,} rows",
            lambda t: self._set_lfs(lfs, t),
        )

    def _inline(self, key: str, label: str, work: Callable[[Task], Any]) -> Any:
        """Run an edit or fit made from code as an inline task, so the widgets
        show it as running too; its failure is raised as usual."""
        return self.runner.submit("edit", key, label, work, _keep, False).result()

    def _n_rows(self) -> int:
        return len(self.df) + (0 if self.dev_df is None else len(self.dev_df))

    def _set_lfs(
        self,
        lfs: list[LabelingFunction],
        task: Task | None = None,
        background: bool | None = None,
    ) -> SessionChange | None:
        with self.lock:
            before = self.names
            state = self._stage(lfs, task)
            if task is not None and not task.current:
                return None
            self._state = state
            given = [lf.name for lf in lfs]
            self._order = given + [n for n in self._order if n not in given]
            change = SessionChange("set", "")
            self._edited(
                change,
                given + [n for n in before if n not in given],
                background,
            )
            return change

    def _stage(self, lfs: list[LabelingFunction], task: Task | None = None) -> _State:
        """The state with ``lfs``: only new or edited LFs' columns are computed.
        Raises (and changes nothing the session shows) on a bad LF set."""
        if not lfs:
            for a in (self._applier, self._dev_applier):
                if a is not None:
                    a.set_lfs([])
            return _State(errors={})
        note = task.report if task is not None else (lambda _: None)
        self._applier.set_lfs(lfs)
        note(f"applying the LFs to {len(self.df):,} training rows")
        L = self._apply(self._applier, self.df)
        errors = dict(self._applier.errors)
        L_dev = None
        if self._dev_applier is not None:
            self._dev_applier.set_lfs(lfs)
            note(f"applying the LFs to {len(self.dev_df):,} dev rows")
            L_dev = self._apply(self._dev_applier, self.dev_df)
            for name, rec in self._dev_applier.errors.items():
                errors.setdefault(name, rec)
        return _State(tuple(lfs), L, L_dev, errors)

    def upsert(self, lf: LabelingFunction) -> SessionChange:
        """Add ``lf``, or replace the LF of the same name; only its column is run.

        An LF that raises on some rows abstains there; the error (with its
        traceback) is in :attr:`errors` and in the returned change. An LF that
        votes outside ``-1..k-1`` is rejected (``ValueError``) and the session
        is left as it was.
        """
        return self._inline(
            f"lf:{getattr(lf, 'name', '?')}",
            f"applying {getattr(lf, 'name', '?')} to {self._n_rows():,} rows",
            lambda t: self._upsert(lf, t),
        )

    def _upsert(
        self,
        lf: LabelingFunction,
        task: Task | None = None,
        background: bool | None = None,
    ) -> SessionChange | None:
        if not isinstance(lf, LabelingFunction):
            raise TypeError(
                f"expected a LabelingFunction, got {type(lf).__name__}"
                " (decorate plain functions with @labeling_function())"
            )
        with self.lock:
            op = "replace" if lf.name in self.names else "add"
            state = self._stage(self._placed(lf), task)
            if task is not None and not task.current:
                return None  # a newer edit of this LF supersedes this one
            self._state = state
            if lf.name not in self._order:
                self._order.append(lf.name)
            change = SessionChange(op, lf.name, state.errors.get(lf.name))
            self._edited(change, [lf.name], background)
            return change

    def _placed(self, lf: LabelingFunction) -> list[LabelingFunction]:
        """The LF list with ``lf`` in its place: a replacement keeps its
        position, a re-added LF goes back where it was, a new one goes last."""
        current = self.lfs
        if lf.name in self.names:
            return [lf if f.name == lf.name else f for f in current]
        if lf.name not in self._order:
            return current + [lf]
        rank = {n: i for i, n in enumerate(self._order)}
        at = next(
            (
                i
                for i, f in enumerate(current)
                if rank.get(f.name, len(rank)) > rank[lf.name]
            ),
            len(current),
        )
        return current[:at] + [lf] + current[at:]

    def remove(self, name: str) -> SessionChange:
        """Remove the LF called ``name`` (its column is dropped, nothing re-run)."""
        return self._inline(
            f"remove:{name}:{next(_EDITS)}",
            f"removing {name}",
            lambda t: self._remove(name, t),
        )

    def _remove(
        self, name: str, task: Task | None = None, background: bool | None = None
    ) -> SessionChange | None:
        with self.lock:
            if name not in self.names:
                raise KeyError(f"no LF named {name!r}; LFs: {self.names}")
            state = self._stage([f for f in self.lfs if f.name != name], task)
            if task is not None and not task.current:
                return None
            self._state = state
            change = SessionChange("remove", name)
            self._edited(change, [name], background)
            return change

    # -- off the caller's thread ---------------------------------------------------
    def on_task(self, callback: TaskListener, remove: bool = False) -> None:
        """Call ``callback(task)`` whenever a background task (apply, fit) is
        queued, starts, reports progress or finishes (from its thread).

        Parameters
        ----------
        callback : callable
            Called with the :class:`Task`.
        remove : bool, default False
            Unregister ``callback`` instead.
        """
        self.runner.on_task(callback, remove)

    @property
    def busy(self) -> list[Task]:
        """The tasks queued or running now (empty when idle)."""
        return self.runner.active

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every background task has finished (False on timeout).

        Examples
        --------
        >>> from snorkel_nb.labeling import LabelingFunction
        >>> s = LFSession(pd.DataFrame({"text": ["a", "b"]}), background=True)
        >>> task = s.upsert_async(
        ...     LabelingFunction("is_a", lambda x: int(x.text == "a"))
        ... )
        >>> s.wait(timeout=30), task.state, s.names
        (True, 'done', ['is_a'])
        """
        return self.runner.wait(timeout)

    def upsert_async(
        self, lf: LabelingFunction, background: bool | None = None
    ) -> Task:
        """:meth:`upsert` on the edit worker: returns a :class:`Task` at once.

        Edits run one after another, in order; a newer edit of the same LF
        supersedes a pending one (its result is dropped). The task's result
        is the :class:`SessionChange` (``None`` if superseded); a failure is
        kept on the task (``task.error``), not raised.

        Parameters
        ----------
        lf : LabelingFunction
            The LF to add or replace.
        background : bool, optional
            Run on a worker thread (default :attr:`background`); ``False``
            runs it now, in this thread.

        Returns
        -------
        Task
        """
        return self.runner.submit(
            "edit",
            f"lf:{lf.name}",
            f"applying {lf.name} to {self._n_rows():,} rows",
            lambda t: self._upsert(lf, t, background=_bg(t, background)),
            _keep,
            background,
        )

    def remove_async(self, name: str, background: bool | None = None) -> Task:
        """:meth:`remove` on the edit worker (in order with pending edits).

        Parameters
        ----------
        name : str
            The LF to remove.
        background : bool, optional
            As in :meth:`upsert_async`.

        Returns
        -------
        Task
        """
        return self.runner.submit(
            "edit",
            f"remove:{name}:{next(_EDITS)}",
            f"removing {name}",
            lambda t: self._remove(name, t, background=_bg(t, background)),
            _keep,
            background,
        )

    def run_async(
        self,
        label: str,
        edit: Callable[[], Any],
        background: bool | None = None,
    ) -> Task:
        """Run ``edit()`` (e.g. an undo) on the edit worker, in order with the
        other edits; its automatic refit, if any, runs in the background too.

        Parameters
        ----------
        label : str
            What it does, in plain words.
        edit : callable
            Makes session edits (``upsert`` / ``remove`` / ``set_lfs``).
        background : bool, optional
            As in :meth:`upsert_async`.

        Returns
        -------
        Task
        """

        def work(task: Task) -> Any:
            self._edit_local.background = _bg(task, background)
            try:
                result = edit()
            finally:
                self._edit_local.background = None
            return True if result is None else result

        return self.runner.submit(
            "edit", f"run:{next(_EDITS)}", label, work, _keep, background
        )

    # -- the label model in the loop ----------------------------------------------
    def _edited(
        self,
        change: SessionChange,
        names: Sequence[str],
        background: bool | None = None,
    ) -> None:
        """An LF edit: mark the fit stale, tell the listeners, refit if asked
        (in the background when the edit came from a background task)."""
        if self.label_model_fit is not None:
            self._changed_since_fit += [
                n for n in names if n not in self._changed_since_fit
            ]
        self._notify(change)
        if not (self.auto_refit and self.L is not None):
            return
        if background is None:
            background = getattr(self._edit_local, "background", None)
        if background is None:
            background = self.background
        if background:
            self.fit_label_model_async(background=True)
            return
        try:
            self.fit_label_model(**self.label_model_kwargs)
        except Exception as exc:  # noqa: BLE001 - the edit itself succeeded
            self._notify(SessionChange("fit_failed", "", detail=str(exc)))

    @property
    def label_model_stale(self) -> bool:
        """True after any upsert / remove / set since the last fit (False
        before the first fit: there is nothing to be stale)."""
        return bool(self._changed_since_fit)

    @property
    def changed_since_fit(self) -> list[str]:
        """Names of the LFs added, replaced or removed since the last fit."""
        return list(self._changed_since_fit)

    def fit_label_model(self, **label_model_kwargs: Any) -> LoopFit:
        """Fit the default label model on the current training matrix (all LFs).

        Also computes majority vote's numbers, keeps the previous fit in
        :attr:`previous_label_model_fit`, clears the stale mark and calls the
        ``on_change`` callbacks with ``op="fit"``. ``label_model_kwargs`` go to
        :func:`~snorkel_nb.labeling.loop_fit.fit_loop` (and are remembered for
        automatic refits). Fit warnings (e.g. a fallback to majority vote) are
        kept in ``LoopFit.warnings`` and the report's notes, not printed.

        Examples
        --------
        >>> from snorkel_nb.labeling import labeling_function
        >>> df = pd.DataFrame({"text": ["check it", "song", "check song", "x"] * 25})
        >>> @labeling_function()
        ... def check(x):
        ...     return 1 if "check" in x.text else -1
        >>> @labeling_function()
        ... def song(x):
        ...     return 0 if "song" in x.text else -1
        >>> s = LFSession(df, [check, song])
        >>> fit = s.fit_label_model()
        >>> fit.coverage, fit.uncovered, s.label_model_stale
        (0.75, 0.25, False)
        >>> _ = s.remove("song")
        >>> s.label_model_stale, s.changed_since_fit
        (True, ['song'])
        """
        state, kwargs = self._fit_inputs(label_model_kwargs)
        fits: list[LoopFit] = []

        def work(task: Task) -> LoopFit:
            fits.append(self._fit_on(state, kwargs))
            return fits[0]

        def commit(task: Task, fit: LoopFit) -> LoopFit:
            with self.lock:
                self._commit_fit(state, fit, kwargs)
            return fit

        self.runner.submit(
            "fit", "fit", self._fit_label(state), work, commit, False
        ).result()
        return fits[0]  # even if a fit started meanwhile elsewhere superseded it

    @staticmethod
    def _fit_label(state: _State) -> str:
        return f"fitting the label model on {len(state.lfs)} LFs"

    def fit_label_model_async(
        self, background: bool | None = None, **label_model_kwargs: Any
    ) -> Task:
        """:meth:`fit_label_model` on the fit worker: returns a :class:`Task` at once.

        The fit runs on the LFs of now; if any LF changes before it ends, its
        result is dropped (never shown) and the session stays stale (with
        ``auto_refit``, that edit has queued a new fit). A newer fit request
        supersedes a pending one. A failure is kept on the task and notified
        as ``fit_failed``.

        Parameters
        ----------
        background : bool, optional
            Run on a worker thread (default :attr:`background`).
        **label_model_kwargs
            As in :meth:`fit_label_model`.

        Returns
        -------
        Task
            Its result is the :class:`LoopFit` (``None`` if dropped).

        Examples
        --------
        >>> from snorkel_nb.labeling import labeling_function
        >>> df = pd.DataFrame({"text": ["check it", "song", "check song", "x"] * 25})
        >>> @labeling_function()
        ... def check(x):
        ...     return 1 if "check" in x.text else -1
        >>> s = LFSession(df, [check])
        >>> task = s.fit_label_model_async(background=True)
        >>> s.wait(timeout=60), task.state, s.label_model_fit is task.result()
        (True, 'done', True)
        """
        state, kwargs = self._fit_inputs(label_model_kwargs)

        def commit(task: Task, fit: LoopFit) -> Any:
            with self.lock:
                if self._state is not state:
                    return DROPPED  # the LFs changed while it ran: stale
                self._commit_fit(state, fit, kwargs)
                return fit

        def failed(task: Task) -> None:
            if task.state == "failed":
                self._notify(SessionChange("fit_failed", "", detail=str(task.error)))

        return self.runner.submit(
            "fit",
            "fit",
            self._fit_label(state),
            lambda t: self._fit_on(state, kwargs),
            commit,
            background,
        ).then(failed)

    def _fit_inputs(self, label_model_kwargs: dict) -> tuple[_State, dict]:
        state = self._state
        if state.L is None:
            raise ValueError(
                "the session has no LFs yet; upsert one before fitting the label model"
            )
        return state, {**self.label_model_kwargs, **label_model_kwargs}

    def _fit_on(self, state: _State, kwargs: dict) -> LoopFit:
        return fit_loop(
            state.L,
            [lf.name for lf in state.lfs],
            self.cardinality,
            state.L_dev if self.Y_dev is not None else None,
            self.Y_dev,
            **kwargs,
        )

    def _commit_fit(self, state: _State, fit: LoopFit, kwargs: dict) -> None:
        self.label_model_kwargs = kwargs
        self.previous_label_model_fit = self.label_model_fit
        self.label_model_fit = fit
        if self._state is state:
            self._changed_since_fit = []
        self._notify(SessionChange("fit", "label model"))

    def _apply(self, applier: PandasLFApplier, df: pd.DataFrame) -> np.ndarray:
        with suppressed_warnings(RuntimeWarning):  # kept in .errors
            L = applier.apply(df, progress_bar=False)
        if L.size and int(L.max()) >= self.cardinality:
            bad = [
                n
                for n, c in zip(applier.names, L.T)
                if int(c.max()) >= self.cardinality
            ]
            raise ValueError(
                f"LF(s) {bad} voted a label >= cardinality {self.cardinality}; "
                f"labels must be -1 (abstain) or 0..{self.cardinality - 1}"
            )
        return L

    # -- callbacks -----------------------------------------------------------
    def on_change(self, callback: ChangeCallback, remove: bool = False) -> None:
        """Call ``callback({"op", "kind", "name", "error", "detail"})`` after every
        edit and every label-model fit (see :class:`SessionChange`).

        Parameters
        ----------
        callback
            Called with the change as a dict.
        remove
            Unregister ``callback`` instead.

        Raises
        ------
        ValueError
            If ``remove`` and ``callback`` was not registered.
        """
        if remove:
            self._callbacks.remove(callback)
        else:
            self._callbacks.append(callback)

    def _notify(self, change: SessionChange) -> None:
        for cb in list(self._callbacks):
            cb(change.as_dict())

    # -- statistics ------------------------------------------------------------
    @property
    def analysis(self) -> LFAnalysis:
        """:class:`LFAnalysis` of the current training matrix (cached per edit)."""
        state = self._state
        if state.L is None:
            raise ValueError("the session has no LFs yet; upsert one first")
        cached = self._analysis
        if cached is None or cached[0] is not state:
            cached = self._analysis = (
                state,
                LFAnalysis(state.L, [lf.name for lf in state.lfs]),
            )
        return cached[1]

    @property
    def dev_analysis(self) -> LFAnalysis | None:
        """:class:`LFAnalysis` of the dev matrix, or ``None`` without a dev split."""
        state = self._state
        if state.L_dev is None:
            return None
        cached = self._dev_analysis
        if cached is None or cached[0] is not state:
            cached = self._dev_analysis = (
                state,
                LFAnalysis(state.L_dev, [lf.name for lf in state.lfs]),
            )
        return cached[1]

    def summary(self) -> pd.DataFrame:
        """One row per LF: Polarity, Coverage, Overlaps, Conflicts on the training data;
        with a gold dev split also dev Correct, Incorrect and ``Emp. Acc.`` (empirical
        accuracy on covered dev points); and ``Errors`` (rows where the LF raised).
        """
        cols = ["j", "Polarity", "Coverage", "Overlaps", "Conflicts"]
        if self.L is None:
            return pd.DataFrame(columns=cols + ["Errors"])
        out = self.analysis.lf_summary()
        dev = self.dev_analysis
        if dev is not None and self.Y_dev is not None:
            c, i = dev.lf_correct_incorrect(self.Y_dev)
            out["Correct"] = c.astype(np.int64)
            out["Incorrect"] = i.astype(np.int64)
            out["Emp. Acc."] = dev.lf_empirical_accuracies(
                self.Y_dev, zero_coverage=np.nan
            )
        out["Errors"] = [
            self.errors[n].n_failed if n in self.errors else 0 for n in self.names
        ]
        return out

    def pairwise(self, kind: str = "overlap") -> pd.DataFrame:
        """Tidy ``lf_a, lf_b, count, value, kind`` for ``kind`` overlap or conflict."""
        if kind == "overlap":
            return self.analysis.pairwise_overlaps()
        if kind == "conflict":
            return self.analysis.pairwise_conflicts()
        raise ValueError(f"kind must be 'overlap' or 'conflict'; got {kind!r}")

    def lf_stats(self, name: str) -> dict[str, Any]:
        """One LF's row of :meth:`summary` as a dict (plus ``n`` and ``n_dev``)."""
        row = self.summary().loc[name].to_dict()
        row["n"] = len(self.df)
        row["n_dev"] = 0 if self.dev_df is None else len(self.dev_df)
        return row

    # -- points ----------------------------------------------------------------
    def _votes_frame(self, rows: np.ndarray, cols: Sequence[str]) -> pd.DataFrame:
        out = self.df.iloc[rows].copy()
        idx = [self.names.index(c) for c in cols]
        for c, j in zip(cols, idx):
            out[f"vote:{c}"] = self.L[rows, j]
        return out

    def _lf_rows(self, name: str, kind: str) -> np.ndarray:
        """Training rows LF ``name`` votes on (``labels``) or where another LF
        votes a different label (``conflicts``), in row order."""
        j = self.analysis.lf_index(name)
        L = self.L
        col = L[:, j]
        voted = col != ABSTAIN
        if kind == "labels":
            return np.nonzero(voted)[0]
        if kind == "conflicts":
            differ = (L != ABSTAIN) & (L != col[:, None])
            differ[:, j] = False
            return np.nonzero(voted & differ.any(axis=1))[0]
        raise ValueError(f"kind must be 'labels' or 'conflicts'; got {kind!r}")

    def _with_conflicts(
        self, out: pd.DataFrame, rows: np.ndarray, name: str
    ) -> pd.DataFrame:
        L, j = self.L, self.names.index(name)
        names = np.asarray(self.names, dtype=object)
        out["conflicts_with"] = [
            ", ".join(
                f"{names[k]}={L[r, k]}"
                for k in np.nonzero((L[r] != ABSTAIN) & (L[r] != L[r, j]))[0]
            )
            for r in rows
        ]
        return out

    def sample_points(
        self, name: str, kind: str = "labels", n: int = 5, seed: int = 0
    ) -> pd.DataFrame:
        """A random sample of training points the LF labels, or where it conflicts.

        ``kind="labels"``: points ``name`` votes on, with its vote.
        ``kind="conflicts"``: points where another LF votes a different label;
        the ``conflicts_with`` column lists those LFs and their votes.

        Parameters
        ----------
        name : str
            The LF.
        kind : {"labels", "conflicts"}, default "labels"
            Which points.
        n : int, default 5
            How many.
        seed : int, default 0
            Seeds the sample.

        Returns
        -------
        pandas.DataFrame
        """
        rows = self._lf_rows(name, kind)
        if len(rows) > n:
            rows = np.sort(np.random.default_rng(seed).choice(rows, n, replace=False))
        out = self._votes_frame(rows, [name])
        return self._with_conflicts(out, rows, name) if kind == "conflicts" else out

    @staticmethod
    def _search(df: pd.DataFrame, rows: np.ndarray, search: str) -> np.ndarray:
        """The ``rows`` of ``df`` whose text columns contain ``search`` (any case)."""
        if not search:
            return rows
        sub = df.iloc[rows]
        hit = np.zeros(len(rows), dtype=bool)
        for c in sub.columns:
            if sub[c].dtype == object or pd.api.types.is_string_dtype(sub[c]):
                hit |= (
                    sub[c]
                    .astype(str)
                    .str.contains(search, case=False, regex=False)
                    .to_numpy(dtype=bool)
                )
        return rows[hit]

    @staticmethod
    def _page(rows: np.ndarray, page: int, page_size: int) -> np.ndarray:
        if page_size < 1 or page < 0:
            raise ValueError(
                f"need page >= 0 and page_size >= 1; got page={page}, "
                f"page_size={page_size}"
            )
        return rows[page * page_size : (page + 1) * page_size]

    def lf_points(
        self,
        name: str,
        kind: str = "labels",
        search: str = "",
        page: int = 0,
        page_size: int = 10,
    ) -> tuple[pd.DataFrame, int]:
        """One page of the training points LF ``name`` labels (or conflicts on),
        in row order, filtered by ``search`` (case-insensitive substring of any
        text column). Returns ``(page_frame, total_matching)``.

        Parameters
        ----------
        name : str
            The LF.
        kind : {"labels", "conflicts"}, default "labels"
            Points it votes on, or points where another LF votes otherwise.
        search : str, default ""
            Case-insensitive substring filter over the text columns.
        page, page_size : int
            Which page (from 0) and its size.

        Returns
        -------
        tuple of (pandas.DataFrame, int)

        Examples
        --------
        >>> from snorkel_nb.labeling import LabelingFunction
        >>> df = pd.DataFrame({"text": ["spam a", "spam b", "ham", "spam c"]})
        >>> spam = LabelingFunction("spam", lambda x: int("spam" in x.text))
        >>> s = LFSession(df, [spam])
        >>> page, total = s.lf_points("spam", search="SPAM", page=1, page_size=2)
        >>> total, page["text"].tolist()
        (3, ['spam c'])
        """
        rows = self._search(self.df, self._lf_rows(name, kind), search)
        shown = self._page(rows, page, page_size)
        out = self._votes_frame(shown, [name])
        if kind == "conflicts":
            out = self._with_conflicts(out, shown, name)
        return out, len(rows)

    def dev_mistakes(
        self,
        name: str,
        search: str = "",
        page: int = 0,
        page_size: int = 10,
    ) -> tuple[pd.DataFrame, int]:
        """One page of the dev points where LF ``name`` votes against gold:
        the dev columns, ``vote:<name>`` and ``gold``. Returns
        ``(page_frame, total)``; ``total`` is 0 without dev gold.

        Parameters
        ----------
        name : str
            The LF.
        search : str, default ""
            Case-insensitive substring filter over the text columns.
        page, page_size : int
            Which page (from 0) and its size.

        Returns
        -------
        tuple of (pandas.DataFrame, int)
        """
        j = self.analysis.lf_index(name)
        if self.L_dev is None or self.Y_dev is None:
            return pd.DataFrame(columns=[f"vote:{name}", "gold"]), 0
        vote = self.L_dev[:, j]
        wrong = (vote != ABSTAIN) & (self.Y_dev != ABSTAIN) & (vote != self.Y_dev)
        rows = self._search(self.dev_df, np.nonzero(wrong)[0], search)
        shown = self._page(rows, page, page_size)
        out = self.dev_df.iloc[shown].copy()
        out[f"vote:{name}"] = vote[shown]
        out["gold"] = self.Y_dev[shown]
        return out, len(rows)

    def pair_points(
        self, lf_a: str, lf_b: str, kind: str = "overlap", n: int | None = 20
    ) -> pd.DataFrame:
        """The training points behind one heatmap cell (first ``n``), with both votes.

        Parameters
        ----------
        lf_a, lf_b : str
            The two LFs.
        kind : {"overlap", "conflict"}, default "overlap"
            Points both vote on, or points where they disagree.
        n : int or None, default 20
            At most this many rows (``None``: all).

        Returns
        -------
        pandas.DataFrame
        """
        rows = self.analysis.pair_points(lf_a, lf_b, kind)
        if n is not None:
            rows = rows[:n]
        cols = [lf_a] if lf_a == lf_b else [lf_a, lf_b]
        return self._votes_frame(rows, cols)


def _bg(task: Task, background: bool | None) -> bool:
    """Whether a task's follow-up work (an automatic refit) runs in the
    background: as the task itself did."""
    return task.runner.background if background is None else bool(background)


def _keep(task: Task, change: Any) -> Any:
    """Commit step of an edit task: the edit committed itself under the lock
    (``None`` when it saw that a newer edit superseded it)."""
    return DROPPED if change is None else change


# ---------------------------------------------------------------------------
# Label-model diagnostics (data only; views draw these tables)
# ---------------------------------------------------------------------------


__all__ = [
    "LFSession",
    "LabelModelReport",
    "LoopFit",
    "SessionChange",
    "fit_notes",
    "label_model_report",
]
