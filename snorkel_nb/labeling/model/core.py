"""The shared engine of the probabilistic label models.

Every model here (``LabelModel``, ``DawidSkene``, ``TripletLabelModel``) ends up
with the same parameters: a class prior ``p(y)`` and, for each *factor* (one LF,
or a clique of LFs declared dependent), a table ``P(values of the factor | y)``
whose values include abstain. Under this model a point's posterior is

    log p(y | row) = log p(y) + sum_f log P(codes_f(row) | y) + const,

so prediction is ``m`` gathers and adds on an [n, k] array (no one-hot matrix
is ever built), and EM runs on the unique voting patterns only.

This module is the labeler (fit, predict, save/load, bootstrap). EM over
the patterns and its majority-vote start are in ``em``, the guard flow
(check, refit, fall back; ``FitOutcome``) in ``guarded``, its gold-free
criteria in ``guard``, the factor algebra in ``factors``, the parameter
value in ``params``, the moment objective in ``moments`` and the candidate
selection in ``selection`` (names used elsewhere are re-exported here).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import warnings
from abc import abstractmethod
from typing import Any, Sequence

import numpy as np
import torch

from snorkel_nb.io import load_artifact, save_artifact
from snorkel_nb.labeling.matrix import check_gold, check_label_matrix
from snorkel_nb.labeling.model.base import BaseLabeler, probs_to_preds
from snorkel_nb.labeling.model.em import em_on_patterns, majority_vote_tables
from snorkel_nb.labeling.model.factors import (  # noqa: F401 (re-exported)
    MAX_FACTOR_CODES,
    check_dependencies,
    check_vote_sets,
    factor_codes,
    factors_from_dependencies,
    fast_log_joint,
    lf_accuracies,
    log_joint,
    marginal_tables,
    split_factors,
    value_onehot,
)
from snorkel_nb.labeling.model.guard import (  # noqa: F401 (re-exported)
    degeneracy_problems,
    equal_accuracy_model,
    equal_vote_weight,
    has_co_votes,
    identifiability_problems,
    loo_gain_over_mv,
    mv_agreement,
)
from snorkel_nb.labeling.model.guarded import (  # noqa: F401 (re-exported)
    DegenerateFitWarning,
    FitOutcome,
    GuardedFitMixin,
    IdentifiabilityWarning,
)
from snorkel_nb.labeling.model.majority import (
    soft_majority,
    spread_over_top,
    vote_counts,
)
from snorkel_nb.labeling.model.params import FactorParams
from snorkel_nb.labeling.model.stats import LabelStats, as_int8
from snorkel_nb.labeling.thread_warnings import suppressed_warnings

_PRED_CHUNK = 16384
# Rows in the strided sample whose patterns stand in for the full ones on big
# matrices (EM polish of the moment fit, degeneracy guard).
SAMPLE_ROWS = 10000
# How abstains are modelled: one rate per LF, or per LF and class.
ABSTAIN_MODES = ("class", "independent")
# What predict does (set by the guard; see FactorLabeler.__init__).
PREDICT_MODES = ("fit", "majority_vote", "tie_break")
_EPS = 1e-12
# Handed more distinct patterns than this, a model that can fit from the
# overlap matrix alone (``fits_without_patterns``) runs its EM polish and
# guard on a row sample of them (``LabelStats.row_sample``) instead: their
# cost grows with the patterns, their accuracy does not need them all.
MAX_PATTERNS = 5 * SAMPLE_ROWS
# The guard judges on at most this many (pattern, LF) cells (a strided
# subset of the patterns, never under SAMPLE_ROWS // 5 of them): its checks
# cost O(patterns x LFs) and were 2/3 of fit_stats at 100k x 50 on a 10k-row
# sample. Its held-out test counts (row, LF) pairs, so with many LFs fewer
# rows keep its power: on tools/lm_big_check.py's 9 cases every outcome is
# unchanged, the weakest held-out gain 7 standard errors (8 on 10k rows).
# The 9 real benchmark sets have at most 104k cells: unaffected.
GUARD_CELLS = 250_000
# Snorkel 0.9's LabelModel.fit keyword arguments (its TrainConfig fields).
SNORKEL_TRAIN_ARGS = frozenset(
    {
        "n_epochs",
        "lr",
        "l2",
        "optimizer",
        "optimizer_config",
        "lr_scheduler",
        "lr_scheduler_config",
        "prec_init",
        "seed",
        "log_freq",
        "mu_eps",
    }
)


class _instance_or_class:  # noqa: N801 (used as a decorator)
    """A method that is a classmethod on the class and, called on an
    instance, updates that instance in place from the classmethod's result."""

    def __init__(self, fn: Any) -> None:
        self.fn = fn
        self.__doc__ = fn.__doc__

    def __get__(self, obj: Any, cls: type) -> Any:
        if obj is None:
            return lambda *a, **kw: self.fn(cls, *a, **kw)

        def bound(*a: Any, **kw: Any) -> Any:
            new = self.fn(type(obj), *a, **kw)
            obj.__dict__.update(new.__dict__)
            return obj

        bound.__doc__ = self.fn.__doc__
        return bound


def _resolve_device(device: str | torch.device | None) -> torch.device:
    try:
        dev = torch.device(device if device is not None else "cpu")
    except (RuntimeError, TypeError) as e:
        raise ValueError(
            f"device={device!r} is not a torch device; use e.g. 'cpu', "
            "'cuda' or 'cuda:1'."
        ) from e
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device={str(dev)!r} requested but CUDA is not available.")
    return dev


def _check_fast(L: Any, k: int) -> np.ndarray:
    """``check_label_matrix`` without [n, m] temporaries for valid signed-int
    numpy input (two reductions); anything else, or a bad value, goes through
    the full check for its error message."""
    if (
        isinstance(L, np.ndarray)
        and L.ndim == 2
        and L.dtype.kind == "i"
        and L.shape[0] > 0
        and L.shape[1] > 0
        and int(L.min()) >= -1
        and int(L.max()) < k
    ):
        return L
    return check_label_matrix(L, cardinality=k)


@contextlib.contextmanager
def _few_threads(work: float) -> Any:
    """Run small torch work on one CPU thread (restored afterwards).

    Intra-op threads only add synchronisation on tensors this small, and on a
    busy machine spinning OpenMP workers made small fits ~10x slower.
    """
    before = torch.get_num_threads()
    small = work < 5e6 and before > 1
    if small:
        torch.set_num_threads(1)
    try:
        yield
    finally:
        if small:
            torch.set_num_threads(before)


@dataclasses.dataclass(frozen=True)
class ModelConfig:
    """Hyper-parameters shared by the probabilistic label models (JSON-able)."""

    cardinality: int = 2
    seed: int = 0
    device: str = "cpu"
    guard: bool = True
    progress_bar: bool = False
    # accepted for Snorkel 0.9 (LabelModel(verbose=...)); the fit's account of
    # itself is always in fit_report_
    verbose: bool = False


class FactorLabeler(GuardedFitMixin, BaseLabeler):
    """Base of the probabilistic label models (see the module docstring).

    Subclasses implement ``_fit_stats(stats, class_balance, dependencies)`` that
    sets ``self._log_prior`` ([k]), ``self._factors`` and ``self._tables``
    (numpy log-probability tables).
    """

    config_cls: type = ModelConfig

    def __init__(self, cardinality: int = 2, **kwargs: Any) -> None:
        super().__init__(cardinality)
        try:
            self.config = self.config_cls(cardinality=int(cardinality), **kwargs)
        except TypeError as e:
            raise ValueError(f"{type(self).__name__}: {e}") from e
        self._validate_config()
        self.device = _resolve_device(self.config.device)
        # The fitted parameters: one frozen value, replaced whole (see params)
        self.params_: FactorParams | None = None
        self.n_lfs: int | None = None
        self.dependencies: list[tuple[int, int]] = []
        self.fit_report_: dict[str, Any] = {}
        self._row_sample: LabelStats | None = None  # set during fit_stats only
        # What predict does, set by the guard: "fit" (the fitted model),
        # "majority_vote" (its decisions and ties; the tables then give equal
        # weights and the prior only labels uncovered points) or "tie_break"
        # (majority vote's decisions, the fit breaks its ties among voted
        # classes). _vote_weight: the log-odds one vote adds in the last two.
        self._mode = "fit"
        self._vote_weight = 0.0
        # Scratch space for one fit (LabelModel reuses a moment fit there);
        # emptied when fit_stats returns.
        self._fit_cache: dict[Any, Any] = {}
        self._fit_active = False
        # Per-LF vote alphabets ([m, a, k] consistency of vote v with class y);
        # None: every LF votes the k classes themselves (vote c <=> y == c).
        self.vote_sets_: np.ndarray | None = None

    # Read-only views of ``params_`` (the engine's internal names).
    @property
    def _log_prior(self) -> np.ndarray | None:
        return None if self.params_ is None else self.params_.log_prior

    @property
    def _factors(self) -> list[tuple[int, ...]]:
        return [] if self.params_ is None else list(self.params_.factors)

    @property
    def _tables(self) -> list[np.ndarray]:
        return [] if self.params_ is None else list(self.params_.tables)

    @property
    def vote_cardinality(self) -> int:
        """Size of the LFs' vote alphabet (k unless ``vote_sets`` were given)."""
        return self.cardinality if self.vote_sets_ is None else self.vote_sets_.shape[1]

    def _latent_votes(self, pats: np.ndarray) -> np.ndarray:
        """[u, k] how many votes in each row are consistent with each class."""
        if self.vote_sets_ is None:
            return vote_counts(pats, self.cardinality)
        out = np.zeros((pats.shape[0], self.cardinality))
        for j in range(pats.shape[1]):
            on = pats[:, j] >= 0
            out[on] += self.vote_sets_[j][pats[on, j].astype(np.int64)]
        return out

    def _soft_majority(self, pats: np.ndarray) -> np.ndarray:
        """[u, k] majority vote in the latent label set (ties spread evenly)."""
        return spread_over_top(self._latent_votes(pats))

    def _validate_config(self) -> None:
        """Check the settings the EM-based models share.

        Abstain mode, epochs, prior.
        """
        c = self.config
        modes = self.abstain_modes
        if hasattr(c, "abstain") and c.abstain not in modes:
            raise ValueError(f"abstain must be one of {modes}; got {c.abstain!r}.")
        if getattr(c, "n_epochs", 1) < 1:
            raise ValueError(f"n_epochs must be >= 1; got {c.n_epochs}.")
        if getattr(c, "prior_strength", 0) < 0:
            raise ValueError(f"prior_strength must be >= 0; got {c.prior_strength}.")

    # ---- fitting --------------------------------------------------------------
    def fit(
        self,
        L_train: Any,
        Y_dev: Any = None,
        class_balance: Any = None,
        progress_bar: bool | None = None,
        *,
        dependencies: Sequence[tuple[int, int]] | None = None,
        vote_sets: Sequence[Any] | None = None,
        **train_config: Any,
    ) -> "FactorLabeler":
        """Learn the LF parameters from the [n, m] label matrix ``L_train``.

        Parameters
        ----------
        L_train
            [n, m] matrix with values in {-1, ..., k-1} (numpy or scipy.sparse),
            or a :class:`LabelStats`.
        Y_dev
            Optional gold labels of a dev set, used only to estimate the class
            balance (as in Snorkel) when ``class_balance`` is not given.
        class_balance
            Optional [k] class prior. If neither this nor ``Y_dev`` is given the
            prior is *estimated from the data* (never silently uniform).
        dependencies
            Optional ``[(i, j), ...]`` pairs of dependent LFs (see
            :func:`~snorkel_nb.labeling.model.learn_structure`); each connected
            group gets a joint conditional table.
        vote_sets
            Optional per-LF vote alphabets: ``vote_sets[j]`` is an [a_j, k]
            boolean matrix, True where LF j's vote ``v`` is consistent with
            latent class ``y``; column j of ``L`` then takes values in
            {-1, 0, ..., a_j - 1}. Each LF gets a table P(vote | y) over its
            own alphabet (e.g. a coarse-task LF under a fine latent label
            set). Not combined with ``dependencies``; the degeneracy guard is
            skipped (its checks compare votes with classes one to one).
        progress_bar, train_config
            Snorkel 0.9's ``fit`` arguments, all accepted. ``progress_bar``,
            ``n_epochs`` and ``seed`` are honoured (they update the model's
            config, as Snorkel's train config persists); the optimiser
            settings (``lr``, ``l2``, ``optimizer``, ``lr_scheduler``, ...)
            mean nothing to this fit and give one warning saying so.
        """
        self._apply_train_config(progress_bar, train_config)
        if vote_sets is not None:
            return self._fit_vote_sets(
                L_train, vote_sets, Y_dev, class_balance, dependencies
            )
        self.vote_sets_ = None
        if isinstance(L_train, LabelStats):
            return self.fit_stats(
                L_train,
                Y_dev=Y_dev,
                class_balance=class_balance,
                dependencies=dependencies,
            )
        L = as_int8(_check_fast(L_train, self.cardinality))
        want = self._needs_patterns(L)
        stats = LabelStats.from_matrix(
            L, self.cardinality, patterns=want, validate=False
        )
        sample = None
        if not want:  # patterns of a strided row sample: EM polish and guard
            step = max(1, L.shape[0] // SAMPLE_ROWS)
            sample = LabelStats.from_matrix(
                L[::step], self.cardinality, overlap=False, validate=False
            )
        return self.fit_stats(
            stats,
            Y_dev=Y_dev,
            class_balance=class_balance,
            dependencies=dependencies,
            _row_sample=sample,
        )

    def _apply_train_config(
        self, progress_bar: bool | None, train_config: dict[str, Any]
    ) -> None:
        """Honour Snorkel's fit-time settings that map onto ours; warn once
        about those that have no effect here; reject unknown names."""
        unknown = sorted(set(train_config) - SNORKEL_TRAIN_ARGS)
        if unknown:
            raise TypeError(
                f"{type(self).__name__}.fit() got unexpected keyword "
                f"argument(s) {unknown}."
            )
        changes: dict[str, Any] = {}
        if progress_bar is not None:
            changes["progress_bar"] = bool(progress_bar)
        for name in ("n_epochs", "seed"):
            if name in train_config and hasattr(self.config, name):
                changes[name] = int(train_config[name])
        ignored = sorted(n for n in train_config if n not in changes)
        if ignored:
            warnings.warn(
                f"{type(self).__name__}.fit: {', '.join(ignored)} have no effect here "
                "(this model is fitted from moment statistics and EM, not by "
                "gradient descent); see 'Differences from Snorkel'.",
                UserWarning,
                stacklevel=3,
            )
        if changes:
            self.config = dataclasses.replace(self.config, **changes)
            self._validate_config()

    def _fit_vote_sets(
        self,
        L_train: Any,
        vote_sets: Sequence[Any],
        Y_dev: Any,
        class_balance: Any,
        dependencies: Any,
    ) -> "FactorLabeler":
        """``fit`` with per-LF vote alphabets (see ``fit``)."""
        if dependencies:
            raise ValueError("vote_sets cannot be combined with dependencies yet.")
        if isinstance(L_train, LabelStats):
            return self._fit_vote_sets_stats(L_train, vote_sets, Y_dev, class_balance)
        L0 = np.asarray(L_train)
        if L0.ndim != 2:
            raise ValueError(
                f"L_train must be a 2-D [n, m] matrix; got shape {L0.shape}."
            )
        compat = check_vote_sets(vote_sets, L0.shape[1], self.cardinality)
        L = as_int8(self._check_alphabets(L_train, compat))
        self.vote_sets_ = compat
        stats = LabelStats.from_matrix(L, compat.shape[1], validate=False)
        return self.fit_stats(stats, Y_dev=Y_dev, class_balance=class_balance)

    def _fit_vote_sets_stats(
        self,
        stats: LabelStats,
        vote_sets: Sequence[Any],
        Y_dev: Any,
        class_balance: Any,
    ) -> "FactorLabeler":
        """``fit(stats, vote_sets=...)``: statistics (e.g. summed over row
        chunks) of the matrix ``fit(L, vote_sets=...)`` would take, with
        ``stats.cardinality`` = the largest alphabet; the same fit."""
        compat = check_vote_sets(vote_sets, stats.m, self.cardinality)
        if stats.cardinality != compat.shape[1]:
            raise ValueError(
                f"stats have vote cardinality {stats.cardinality}; the "
                f"largest vote_sets alphabet has {compat.shape[1]} votes."
            )
        sizes = compat.any(2).sum(1)
        outside = (stats.vote_counts() > 0) & (
            np.arange(compat.shape[1]) >= sizes[:, None]
        )
        if outside.any():
            j, v = (int(x[0]) for x in np.nonzero(outside))
            raise ValueError(
                f"stats: LF {j} casts vote {v}, outside its alphabet "
                f"0..{int(sizes[j]) - 1} (vote_sets[{j}])."
            )
        self.vote_sets_ = compat
        return self.fit_stats(stats, Y_dev=Y_dev, class_balance=class_balance)

    def _check_alphabets(self, L: Any, compat: np.ndarray) -> np.ndarray:
        """Validate ``L`` against per-LF alphabets; errors name the column."""
        # shape, dtype and NaN checks here; the range is checked per column below
        # (valid int input: reductions only, no [n, m] temporaries; at 200k x
        # 50 the full check's copies were 19 MB over 9.5 MB of int8 votes)
        L = _check_fast(L, 127)
        sizes = compat.any(2).sum(1)
        bad = np.nonzero(L.max(0) >= sizes)[0] if L.shape[0] else []
        if len(bad):
            j = int(bad[0])
            raise ValueError(
                f"column {j} of L has vote {int(L[:, j].max())}, outside "
                f"its alphabet 0..{int(sizes[j]) - 1} (vote_sets[{j}])."
            )
        return L

    # Can the fit work from the overlap matrix plus a row sample's patterns
    # (LabelModel's moment fit)? Then fit_stats caps the patterns it uses.
    fits_without_patterns = False
    abstain_modes: tuple[str, ...] = ABSTAIN_MODES

    def _needs_patterns(self, L: np.ndarray) -> bool:
        return True

    def _too_many_patterns(self, stats: LabelStats) -> bool:
        """``fit(L)``'s rule for dropping patterns, applied to statistics:
        more than ``MAX_PATTERNS`` of them, or past that many rows, distinct
        patterns on a fifth of the rows or more."""
        if not self.fits_without_patterns or stats.patterns is None:
            return False
        u = len(stats.counts)
        return u > MAX_PATTERNS or (stats.n > MAX_PATTERNS and u >= 0.2 * stats.n)

    def fit_stats(
        self,
        stats: LabelStats,
        Y_dev: Any = None,
        class_balance: Any = None,
        dependencies: Sequence[tuple[int, int]] | None = None,
        _row_sample: LabelStats | None = None,
        *,
        vote_sets: Sequence[Any] | None = None,
    ) -> "FactorLabeler":
        """Fit from precomputed (e.g. chunk-summed) :class:`LabelStats`.

        ``vote_sets``: per-LF vote alphabets as in :meth:`fit`; ``stats`` are
        then those of the alphabet-coded matrix (vote cardinality = the
        largest alphabet). ``_row_sample``: statistics *with patterns* of a
        row sample, used when ``stats`` has none (big matrices whose rows are
        nearly all distinct). Statistics with more distinct patterns than the
        fit needs (see ``MAX_PATTERNS``) are fitted as ``fit(L)`` fits such a
        matrix: from the overlap matrix, with the EM polish and the guard on
        a row sample drawn from the patterns (``fit_report_["em_rows"]``).

        Parameters
        ----------
        stats
            Statistics of the label matrix (:meth:`LabelStats.from_matrix`).
        Y_dev
            Gold labels of a dev set, used only to estimate the class balance.
        class_balance
            ``[k]`` class prior; overrides ``Y_dev``.
        dependencies
            Pairs of dependent LFs, modelled as joint factors.
        _row_sample
            Statistics with patterns of a row sample (see above).
        vote_sets
            Per-LF vote alphabets (see above).

        Returns
        -------
        FactorLabeler
            ``self``, fitted.

        Raises
        ------
        ValueError
            If ``vote_sets`` is combined with ``dependencies``, the statistics'
            cardinality does not match the model's, or they cover 0 rows.
        """
        if vote_sets is not None:
            if dependencies:
                raise ValueError("vote_sets cannot be combined with dependencies yet.")
            return self._fit_vote_sets_stats(stats, vote_sets, Y_dev, class_balance)
        if stats.cardinality != self.vote_cardinality:
            raise ValueError(
                f"stats have cardinality {stats.cardinality}, "
                f"model has {self.cardinality}."
            )
        if stats.n == 0:
            raise ValueError("Cannot fit a label model on 0 rows.")
        cb = self._class_balance(class_balance, Y_dev)
        deps = check_dependencies(dependencies, stats.m)
        # (the CPU generator only: torch.manual_seed also queues a lazy seed
        # of every CUDA device, which recorded a stack trace on each fit)
        torch.default_generator.manual_seed(int(self.config.seed))
        if self.device.type == "cuda":
            torch.cuda.manual_seed_all(int(self.config.seed))
        self.n_lfs = stats.m
        self.dependencies = deps
        self.fit_report_ = {
            "problems": [],
            "action": None,
            "outcome": FitOutcome.FIT.value,
        }
        self._mode = "fit"
        if _row_sample is None and self.vote_sets_ is None:
            if self._too_many_patterns(stats):
                _row_sample = stats.row_sample(SAMPLE_ROWS)
                stats = stats.without_patterns()
        self._warn_identifiability(stats)
        u = (
            len(stats.counts)
            if stats.patterns is not None
            else stats.m * self.cardinality
        )
        self._row_sample = _row_sample if stats.patterns is None else None
        self._fit_cache = {}
        self._fit_active = True
        guard = self.config.guard and self.vote_sets_ is None
        with _few_threads(u * stats.m * (self.vote_cardinality + 1)):
            try:
                try:
                    self._fit_stats(stats, cb, deps)
                finally:
                    self._row_sample = None
                gs = stats if stats.patterns is not None else _row_sample
                if guard and gs is not None:
                    cap = max(SAMPLE_ROWS // 5, GUARD_CELLS // max(stats.m, 1))
                    cap = min(cap, 5 * SAMPLE_ROWS)
                    if len(gs.counts) > cap:
                        # judge on a strided subset of the (hash-ordered) patterns
                        # with their counts: the guard costs O(patterns x LFs)
                        step = len(gs.counts) // cap
                        gs = LabelStats.from_patterns(
                            gs.patterns[::step],
                            gs.counts[::step],
                            self.cardinality,
                            overlap=False,
                        )
                    self._guard(stats, gs, cb, deps)
                if stats.patterns is not None and self.vote_sets_ is None and not deps:
                    self._select(stats, cb)
            finally:
                self._fit_cache = {}
                self._fit_active = False
        return self

    def _select(self, stats: LabelStats, cb: np.ndarray | None) -> None:
        """Gold-free choice among candidate fits (see ``selection``); none here."""

    @abstractmethod
    def _fit_stats(
        self,
        stats: LabelStats,
        class_balance: np.ndarray | None,
        deps: list[tuple[int, int]],
    ) -> None:
        """Set the model's parameters from the sufficient statistics."""

    def _class_balance(self, class_balance: Any, Y_dev: Any) -> np.ndarray | None:
        k = self.cardinality
        if class_balance is not None:
            cb = np.asarray(class_balance, dtype=np.float64)
            if cb.shape != (k,) or np.any(~np.isfinite(cb)) or np.any(cb <= 0):
                raise ValueError(
                    f"class_balance must be {k} positive numbers; "
                    f"got {class_balance!r}."
                )
            if abs(cb.sum() - 1) > 1e-3:
                raise ValueError(
                    f"class_balance must sum to 1; it sums to {cb.sum():.4f}."
                )
            return cb / cb.sum()
        if Y_dev is not None:
            Y = check_gold(Y_dev, len(np.asarray(Y_dev)), k, name="Y_dev")
            Y = Y[Y >= 0]
            if len(Y) == 0:
                raise ValueError("Y_dev has no labelled points (all -1).")
            cnt = np.bincount(Y, minlength=k) + 1.0
            return cnt / cnt.sum()
        return None

    # ---- parameters -----------------------------------------------------------
    def _check_fitted(self) -> None:
        if self._log_prior is None:
            raise ValueError(
                f"This {type(self).__name__} is not fitted yet; call fit()."
            )

    def _torch_params(self) -> tuple[torch.Tensor, list[torch.Tensor]]:
        dt = torch.float64
        lp = torch.as_tensor(self._log_prior, dtype=dt, device=self.device)
        tabs = [torch.as_tensor(t, dtype=dt, device=self.device) for t in self._tables]
        return lp, tabs

    def predict_proba(self, L: Any) -> np.ndarray:
        """[n, k] posterior class probabilities for each row of ``L``."""
        self._check_fitted()
        if self.vote_sets_ is not None:
            L = self._check_alphabets(L, self.vote_sets_)
            if L.shape[1] != self.n_lfs:
                raise ValueError(
                    f"L has {L.shape[1]} columns; the model has {self.n_lfs} LFs."
                )
        elif not (
            isinstance(L, np.ndarray)
            and L.ndim == 2
            and L.shape[1] == self.n_lfs
            and L.shape[0] > 0
            and _check_fast(L, self.cardinality) is L
        ):
            L = self._check_L(L, n_lfs=self.n_lfs)
        L = as_int8(L)
        with _few_threads(L.size * (self.vote_cardinality + 1)):
            return self._proba_np(L)

    def predict(
        self,
        L: Any,
        return_probs: bool = False,
        tie_break_policy: str = "abstain",
        *,
        row_offset: int = 0,
    ) -> Any:
        """Hard labels for each row of ``L`` (see ``BaseLabeler.predict``).

        After a fallback to majority vote (``fit_report_["action"]``), the
        probabilities keep majority vote's exact ties, a structural artefact
        no fitted model has: under the ``"abstain"`` policy those ties on rows
        with votes are broken as the ``"random"`` policy does (the same row
        always gets the same choice), so a row some LF voted on never gets
        -1 and an end model sees only real classes; rows without votes still
        get -1. ``predict_proba`` is unchanged. Tried and rejected for
        breaking them: the rejected fit's posterior (TREC -4.2, Basketball
        -4.4 points vs the random choice) and LF accuracies from agreement
        with majority vote (TREC -3.5).

        Parameters
        ----------
        L
            ``[n, m]`` label matrix (-1 = abstain).
        return_probs
            Also return the ``[n, k]`` probabilities.
        tie_break_policy
            ``"abstain"`` (-1 on ties), ``"random"`` or ``"true-random"``, as in
            Snorkel.
        row_offset
            Index of ``L``'s first row in the whole matrix, so chunked calls break
            ties as one call would.

        Returns
        -------
        numpy.ndarray or tuple
            ``[n]`` labels, or ``(labels, probabilities)`` with ``return_probs``.
        """
        if tie_break_policy != "abstain" or self._mode == "fit":
            return super().predict(
                L, return_probs, tie_break_policy, row_offset=row_offset
            )
        preds, probs = super().predict(L, True, "abstain")
        voted_tie = preds == -1
        if voted_tie.any():
            votes = check_label_matrix(L, cardinality=127, allow_empty=True)
            voted_tie &= (votes >= 0).any(1)
            preds[voted_tie] = probs_to_preds(probs, "random", row_offset=row_offset)[
                voted_tie
            ]
        return (preds, probs) if return_probs else preds

    def _proba_np(self, L: np.ndarray) -> np.ndarray:
        lp, tabs = self._torch_params()
        k, a = self.cardinality, self.vote_cardinality
        W, cliques = split_factors(self._factors, tabs, self.n_lfs, k, a)
        # Softmax ignores a constant per (LF, value) row: centre rows to log-odds
        # so a float32 one-hot product loses nothing that matters.
        W32 = (W - W.mean(1, keepdim=True)).float()
        mv_w = self._vote_weight
        # In majority-vote mode an *estimated* prior came from a fit judged
        # unreliable, and points no LF covers are often exactly the classes the
        # LFs miss: label them uniformly (a tie, as majority vote does) unless
        # the user gave the class balance. Tried and rejected: majority vote's
        # class frequencies for them (CDR dev +5.9 points, but TREC with the
        # explanation-compiled LFs -5.8: 56% of its test rows are uncovered and
        # the frequent class among voted rows is rare among them); the class
        # of single-vote rows was wrong on CDR; the guard's safe refit's
        # posterior for them lost to ties in 29 of 34 evaluations (synthetic
        # fallbacks with copies, TREC, CDR).
        unc_lp = (
            lp if self.fit_report_.get("class_balance_given") else torch.zeros_like(lp)
        )
        out = np.empty((L.shape[0], k))
        for s in range(0, L.shape[0], _PRED_CHUNK):
            Lt = torch.from_numpy(np.ascontiguousarray(L[s : s + _PRED_CHUNK])).to(
                self.device
            )
            if self._mode != "majority_vote":
                lj = (value_onehot(Lt, a, torch.float32) @ W32).double()
                for C, t in cliques:
                    lj += t[factor_codes(Lt, C, a)]
                lj += lp
            if self._mode != "fit":  # majority vote's decisions, uncovered rows too
                cnt = torch.from_numpy(vote_counts(L[s : s + _PRED_CHUNK], k)).to(lp)
                unc = cnt.sum(1, keepdim=True) == 0
                # equal-accuracy log-odds per vote (exact integers times one
                # weight, so ties stay exact ties), plus the model's order of
                # exact ties, far below a vote (LabelModel: defaults last) ...
                vote = cnt * mv_w + torch.from_numpy(
                    self._tie_order(L[s : s + _PRED_CHUNK], cnt.cpu().numpy())
                ).to(lp)
                if self._mode == "tie_break":
                    # ... plus under half a vote from the fit's posterior: it
                    # orders tied classes and never overturns a majority
                    vote = vote + 0.5 * mv_w * torch.softmax(lj, dim=1)
                lj = torch.where(unc, unc_lp.expand_as(cnt), vote)
            out[s : s + _PRED_CHUNK] = torch.softmax(lj, dim=1).cpu().numpy()
        return out

    def _tie_order(self, L: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """[n, k] log-odds, far below a vote, that the counted-votes modes
        add to order exact ties (LabelModel: broad rules last); none here."""
        return np.zeros_like(counts)

    @property
    def class_balance_(self) -> np.ndarray:
        """[k] the class prior the model uses (estimated or given)."""
        self._check_fitted()
        return np.exp(self._log_prior)

    def get_conditional_probs(self) -> np.ndarray:
        """[m, a+1, k] P(LF j outputs value v | y); v = 0 abstain, v = c + 1 vote
        c (a = k: the vote for class c; with ``vote_sets``, LF j's vote c)."""
        self._check_fitted()
        return marginal_tables(
            self._factors,
            self._tables,
            self.n_lfs,
            self.cardinality,
            self.vote_cardinality,
        )

    def get_weights(self) -> np.ndarray:
        """[m] estimated accuracy of each LF on the points it votes on (with
        ``vote_sets``: the chance its vote is consistent with the true class)."""
        return lf_accuracies(
            self.get_conditional_probs(), self.class_balance_, self.vote_sets_
        )

    # ---- save / load ------------------------------------------------------------
    def save(self, path: Any) -> None:
        """Save the JSON config and parameter arrays (no pickles); see ``load``."""
        self._check_fitted()
        cfg = dataclasses.asdict(self.config)
        arrays = {"log_prior": self._log_prior}
        arrays.update({f"table_{i}": t for i, t in enumerate(self._tables)})
        meta = {
            "n_lfs": self.n_lfs,
            "factors": [list(f) for f in self._factors],
            "dependencies": [list(d) for d in self.dependencies],
            "mode": self._mode,
            "vote_weight": self._vote_weight,
            "vote_sets": None
            if self.vote_sets_ is None
            else self.vote_sets_.astype(int).tolist(),
            "fit_report": json.loads(json.dumps(self.fit_report_, default=str)),
        }
        save_artifact(path, type(self).__name__, cfg, arrays, meta)

    @_instance_or_class
    def load(cls, path: Any, device: str | None = None) -> "FactorLabeler":
        """Load a model saved with :meth:`save` (``device`` overrides the saved one).

        Works both as ``LabelModel.load(path)`` (returns a new model) and, as
        Snorkel users write it, ``lm.load(path)`` on an instance (which then
        becomes the loaded model and is returned too).

        Parameters
        ----------
        path
            File written by :meth:`save`.
        device
            Torch device to load onto; None keeps the saved one.

        Returns
        -------
        FactorLabeler
            The loaded model.

        Raises
        ------
        ValueError
            If the file is not a saved model of this class, fails its checksum, or
            names an unknown prediction mode.
        """
        cfg, arrays, meta = load_artifact(path, kind=cls.__name__)
        if device is not None:
            cfg["device"] = device
        model = cls(**cfg)
        model.n_lfs = int(meta["n_lfs"])
        model.dependencies = [tuple(d) for d in meta.get("dependencies", [])]
        model.fit_report_ = meta.get("fit_report", {})
        legacy = "majority_vote" if meta.get("majority_vote_mode") else "fit"
        model._mode = str(meta.get("mode", legacy))
        if model._mode not in PREDICT_MODES:
            raise ValueError(f"{path}: unknown prediction mode {model._mode!r}.")
        vs = meta.get("vote_sets")
        model.vote_sets_ = None if vs is None else np.asarray(vs, dtype=bool)
        factors = meta["factors"]
        model.params_ = FactorParams.of(
            arrays["log_prior"],
            factors,
            [arrays[f"table_{i}"] for i in range(len(factors))],
        )
        model._vote_weight = float(
            meta.get(
                "vote_weight",
                equal_vote_weight(model._tables) if legacy == "majority_vote" else 0.0,
            )
        )
        return model

    # ---- EM on patterns (see ``em``) -------------------------------------------
    def _em(
        self,
        stats: LabelStats,
        log_prior: np.ndarray,
        factors: list[tuple[int, ...]],
        tables: list[np.ndarray],
        pseudo: list[np.ndarray],
        n_iter: int,
        **kw: Any,
    ) -> tuple[np.ndarray, list[np.ndarray], int, float]:
        """:func:`~snorkel_nb.labeling.model.em.em_on_patterns` with this
        model's classes, device, progress bar and per-fit one-hot cache."""
        return em_on_patterns(
            stats,
            log_prior,
            factors,
            tables,
            pseudo,
            n_iter,
            cardinality=self.cardinality,
            device=self.device,
            cache=self._fit_cache if self._fit_active else None,
            progress=self.config.progress_bar,
            desc=type(self).__name__,
            **kw,
        )

    def _mv_tables(
        self,
        stats: LabelStats,
        factors: list[tuple[int, ...]],
        independent_abstain: bool = False,
        smoothing: float = 1.0,
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """One M-step from soft majority-vote labels (see ``em``); within a fit
        the soft labels of the same patterns are computed once."""
        # keyed by the patterns array itself (compared with `is`, not by id)
        cached = self._fit_cache.get("soft majority") if self._fit_active else None
        if cached is not None and cached[0] is stats.patterns:
            soft = cached[1]
        else:
            soft = self._soft_majority(stats.patterns)
            if self._fit_active:
                self._fit_cache["soft majority"] = (stats.patterns, soft)
        return majority_vote_tables(
            stats,
            factors,
            soft,
            self.cardinality,
            independent_abstain,
            smoothing,
        )

    def confidence_intervals(
        self, L: Any, n_bootstrap: int = 50, alpha: float = 0.05, seed: int = 0
    ) -> np.ndarray:
        """[m, 2] bootstrap (over rows) interval for each LF's estimated accuracy.

        Rows are resampled by drawing multinomial counts over the unique voting
        patterns and the parameters are re-estimated on each resample by EM
        started from the fitted ones (a warm-started bootstrap: it measures
        sampling noise around this fit, not the spread over local optima), on
        the patterns only, never a copy of ``L``. After a fallback to majority
        vote the weights are one shared accuracy, so that estimate is redone
        on each resample instead (EM from it would drift back toward the fit
        the guard rejected).

        Parameters
        ----------
        L
            ``[n, m]`` label matrix, or its :class:`LabelStats` (with patterns).
        n_bootstrap
            Number of resamples (at least 2).
        alpha
            Miscoverage: the interval holds the ``alpha / 2`` and ``1 - alpha / 2``
            quantiles.
        seed
            Seed of the resampling.

        Returns
        -------
        numpy.ndarray
            ``[m, 2]`` lower and upper bounds.

        Raises
        ------
        ValueError
            If the model is not fitted, ``alpha`` is not in (0, 1) or
            ``n_bootstrap < 2``.
        """
        self._check_fitted()
        if not 0 < alpha < 1:
            raise ValueError(f"alpha must be in (0, 1); got {alpha}.")
        if n_bootstrap < 2:
            raise ValueError("n_bootstrap must be at least 2.")
        stats = (
            L
            if isinstance(L, LabelStats)
            else LabelStats.from_matrix(L, self.cardinality)
        )
        rng = np.random.default_rng(seed)
        fitted = self.params_
        params = (
            fitted.log_prior,
            list(fitted.factors),
            list(fitted.tables),
            self.fit_report_,
            self._mode,
        )
        cb = None
        if self.fit_report_.get("class_balance_given"):
            cb = np.exp(self._log_prior)
        w = []
        strength = float(getattr(self.config, "prior_strength", 1.0))
        with (
            suppressed_warnings(Warning),
            _few_threads(len(stats.counts) * stats.m * (self.cardinality + 1)),
        ):
            for _ in range(n_bootstrap):
                cnt = rng.multinomial(stats.n, stats.counts / stats.counts.sum())
                keep = cnt > 0
                bs = LabelStats.from_patterns(
                    stats.patterns[keep], cnt[keep], self.cardinality
                )
                if self._mode == "majority_vote":
                    self.params_ = FactorParams.of(
                        *equal_accuracy_model(bs, list(params[1]), cb)
                    )
                    w.append(self.get_weights())
                    continue
                # warm start: EM on the resample from the fitted parameters
                # (a full refit per resample costs ~n_bootstrap fits)
                pseudo = [np.exp(t) * strength for t in params[2]]
                lp, tabs, _, _ = self._em(
                    bs,
                    params[0],
                    list(params[1]),
                    list(params[2]),
                    pseudo,
                    30,
                    update_prior=cb is None,
                    tol=1e-6,
                    tied=self._single_class_factors(bs, list(params[1])),
                )
                self.params_ = FactorParams.of(lp, params[1], tabs)
                w.append(self.get_weights())
        self.params_ = fitted
        self.fit_report_, self._mode = params[3], params[4]
        w = np.array(w)
        return np.stack(
            [np.quantile(w, alpha / 2, axis=0), np.quantile(w, 1 - alpha / 2, axis=0)],
            axis=1,
        )


__all__ = [
    "DegenerateFitWarning",
    "FactorLabeler",
    "FitOutcome",
    "IdentifiabilityWarning",
    "ModelConfig",
    "check_dependencies",
    "check_label_matrix",
    "factors_from_dependencies",
    "identifiability_problems",
    "lf_accuracies",
    "soft_majority",
]
