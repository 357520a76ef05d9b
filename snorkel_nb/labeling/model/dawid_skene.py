"""Dawid–Skene: EM with a full confusion matrix per LF, run on unique patterns."""

from __future__ import annotations

import dataclasses

import numpy as np

from snorkel_nb.labeling.model.core import (
    FactorLabeler,
    ModelConfig,
    factors_from_dependencies,
)
from snorkel_nb.labeling.model.params import FactorParams
from snorkel_nb.labeling.model.stats import LabelStats


@dataclasses.dataclass(frozen=True)
class DawidSkeneConfig(ModelConfig):
    """Hyper-parameters of :class:`DawidSkene`.

    Attributes
    ----------
    n_epochs : int
        Maximum EM iterations.
    tol : float
        Relative change of the log-likelihood that stops EM.
    abstain : {"independent", "class"}
        ``"independent"`` (classic Dawid–Skene: whether an LF abstains does
        not depend on the class) or ``"class"`` (abstention rates are learned
        per class; the guard's safe refit always uses these, since under
        ``"independent"`` an LF that votes one class carries no information).
    prior_strength : float
        Dirichlet pseudo-counts per class column, centred on the
        majority-vote estimate (MAP-EM).
    """

    n_epochs: int = 100
    tol: float = 1e-7
    abstain: str = "independent"
    prior_strength: float = 1.0


class DawidSkene(FactorLabeler):
    """Dawid & Skene (1979) EM with full [k, k] confusion matrices per LF.

    Vectorised over the unique voting patterns of ``L`` (weighted by their
    counts), initialised from majority vote (which fixes the label-swap
    symmetry) and regularised with a Dirichlet prior centred on it. Declared
    ``dependencies`` make the dependent LFs share one joint confusion table.

    Parameters
    ----------
    cardinality : int, default 2
        Number of classes ``k``.
    **kwargs
        Settings: ``seed`` (default 0); ``guard`` (default True: check the
        fit for degeneracy against majority vote and refit safely when it
        fails, see ``fit_report_``); ``progress_bar`` (default False);
        ``device`` (default "cpu"); ``verbose`` (accepted for Snorkel 0.9;
        ``fit_report_`` always tells the story); and the EM settings
        ``n_epochs``, ``tol``, ``abstain``, ``prior_strength`` (see
        :class:`DawidSkeneConfig`).

    Raises
    ------
    ValueError
        On an unknown or invalid setting.

    Examples
    --------
    >>> from snorkel_nb.labeling.model import generate_synthetic
    >>> d = generate_synthetic(n=2000, m=8, k=3, seed=0)
    >>> ds = DawidSkene(cardinality=3).fit(d.L)
    >>> s = ds.score(d.L, d.Y, metrics=["accuracy", "coverage"])
    >>> bool(s["accuracy"] > 0.8), s["coverage"]
    (True, 0.981)
    """

    config_cls = DawidSkeneConfig

    def _fit_stats(
        self,
        stats: LabelStats,
        cb: np.ndarray | None,
        deps: list[tuple[int, int]],
        strength: float | None = None,
        independent: bool | None = None,
    ) -> None:
        if stats.patterns is None:
            raise ValueError("DawidSkene needs LabelStats with patterns.")
        factors = factors_from_dependencies(deps, stats.m, self.cardinality)
        ind = (
            self.config.abstain == "independent" if independent is None else independent
        )
        lp0, tabs0 = self._mv_tables(stats, factors, independent_abstain=ind)
        if cb is not None:
            lp0 = np.log(cb)
        a = self.config.prior_strength if strength is None else strength
        pseudo = [a * np.exp(t) for t in tabs0]
        lp, tabs, it, obj = self._em(
            stats,
            lp0,
            factors,
            tabs0,
            pseudo,
            self.config.n_epochs,
            update_prior=cb is None,
            independent_abstain=ind,
            tol=self.config.tol,
        )
        self.params_ = FactorParams.of(lp, factors, tabs)
        self.fit_report_["n_iter"] = it
        self.fit_report_["log_likelihood"] = obj
        self.fit_report_["class_balance_given"] = cb is not None

    def _fit_safe(
        self, stats: LabelStats, cb: np.ndarray | None, deps: list[tuple[int, int]]
    ) -> bool:
        strength = max(10.0, 0.05 * stats.n / self.cardinality)
        self._fit_stats(stats, cb, deps, strength=strength, independent=False)
        return True
