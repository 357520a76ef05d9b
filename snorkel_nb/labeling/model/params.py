"""The fitted parameters of a factor label model, as one frozen value.

A fit, a refit, the guard's fallback and the selection's switch each produce
a whole new :class:`FactorParams`; a model holds exactly one (``params_``),
so its prior, factors and tables can never come from different fits.
"""

from __future__ import annotations

import dataclasses
from typing import Sequence

import numpy as np


@dataclasses.dataclass(frozen=True)
class FactorParams:
    """Class log prior, factors and their log tables ``P(codes | y)``.

    Examples
    --------
    >>> p = FactorParams.of(np.log([0.5, 0.5]), [(0,)], [np.zeros((3, 2))])
    >>> p.factors, len(p.tables)
    (((0,),), 1)
    """

    log_prior: np.ndarray
    factors: tuple[tuple[int, ...], ...]
    tables: tuple[np.ndarray, ...]

    @classmethod
    def of(
        cls,
        log_prior: np.ndarray,
        factors: Sequence[Sequence[int]],
        tables: Sequence[np.ndarray],
    ) -> "FactorParams":
        """Build from any sequences (factors become tuples of ints).

        Parameters
        ----------
        log_prior
            ``[k]`` log class prior.
        factors
            LF indices of each factor.
        tables
            Log table of each factor.

        Returns
        -------
        FactorParams

        Raises
        ------
        ValueError
            If ``factors`` and ``tables`` differ in length.
        """
        if len(factors) != len(tables):
            raise ValueError(f"{len(factors)} factors but {len(tables)} tables.")
        return cls(
            np.asarray(log_prior, dtype=np.float64),
            tuple(tuple(int(c) for c in f) for f in factors),
            tuple(np.asarray(t, dtype=np.float64) for t in tables),
        )


__all__ = ["FactorParams"]
