"""Which features may ship: servable ones run at prediction time, others do not.

Supervision may use anything known in batch (author histories, aggregates over
the whole collection, LF votes needing a big resource). What is deployed sees
one new example and nothing else, so a student must only touch servable
features. A :class:`FeatureSet` makes that a checked declaration instead of a
convention: training or exporting a student on a non-servable (or undeclared)
feature raises :class:`NonServableFeatureError` naming it.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Iterable

import numpy as np
import pandas as pd


class NonServableFeatureError(ValueError):
    """A student was asked to use a feature that is not declared servable."""


@dataclasses.dataclass(frozen=True)
class FeatureSet:
    """Names of servable and non-servable columns or feature builders.

    Parameters
    ----------
    servable : sequence of str, default ("text",)
        Features known at prediction time.
    non_servable : sequence of str, default ()
        Features known only in batch (teacher-side only).

    Raises
    ------
    ValueError
        If a feature is declared both servable and non-servable.

    Examples
    --------
    >>> fs = FeatureSet(servable=["text"], non_servable=["author_count"])
    >>> fs.check_servable(["text"])
    >>> fs.check_servable(["text", "author_count"])
    Traceback (most recent call last):
    ...
    snorkel_nb.distill.features.NonServableFeatureError: feature 'author_count' is \
non-servable (known only in batch); a student may use only ['text'].
    """

    servable: tuple[str, ...] = ("text",)
    non_servable: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "servable", tuple(self.servable))
        object.__setattr__(self, "non_servable", tuple(self.non_servable))
        both = sorted(set(self.servable) & set(self.non_servable))
        if both:
            raise ValueError(
                f"features {both} are declared both servable and non-servable."
            )

    def check_servable(self, features: Iterable[str], what: str = "a student") -> None:
        """Raise :class:`NonServableFeatureError` naming the first bad feature.

        Parameters
        ----------
        features : iterable of str
            Column or feature-builder names a model would use.
        what : str, default "a student"
            What uses them, for the message.

        Raises
        ------
        NonServableFeatureError
            On a feature declared non-servable or not declared at all.

        Examples
        --------
        >>> try:
        ...     FeatureSet(servable=["text"]).check_servable(["text", "votes"])
        ... except NonServableFeatureError as e:
        ...     print(str(e).split(";")[0])
        feature 'votes' is not declared in the FeatureSet
        """
        for f in features:
            if f in self.non_servable:
                raise NonServableFeatureError(
                    f"feature {f!r} is non-servable (known only in batch); "
                    f"{what} may use only {list(self.servable)}."
                )
            if f not in self.servable:
                raise NonServableFeatureError(
                    f"feature {f!r} is not declared in the FeatureSet; declare it "
                    f"servable to let {what} use it (servable: {list(self.servable)})."
                )

    def to_dict(self) -> dict[str, list[str]]:
        """JSON-able ``{servable, non_servable}`` lists (stored in the lineage)."""
        return {
            "servable": list(self.servable),
            "non_servable": list(self.non_servable),
        }


def servable_texts(
    X: Any, column: str, features: FeatureSet | None, what: str = "a student"
) -> list[Any]:
    """The text column a student reads, after the servable check.

    ``X`` is a DataFrame (every column it carries must be servable: a frame
    named ``X_servable`` holding a batch-only column is a mistake) or a
    sequence of strings (then ``column`` is the feature checked).

    Parameters
    ----------
    X : pandas.DataFrame, pandas.Series, numpy.ndarray or sequence
        The student's input.
    column : str
        The text column (or the feature name of a bare sequence).
    features : FeatureSet or None
        The declaration to check against; ``None`` skips the check.
    what : str, default "a student"
        What reads the texts, for messages.

    Returns
    -------
    list
        The texts, in order.

    Raises
    ------
    NonServableFeatureError
        If a column of ``X`` (or ``column``) is not declared servable.
    KeyError
        If the DataFrame ``X`` has no ``column``.

    Examples
    --------
    >>> servable_texts(pd.DataFrame({"text": ["a", "b"]}), "text", FeatureSet())
    ['a', 'b']
    """
    if isinstance(X, pd.DataFrame):
        if features is not None:
            features.check_servable(list(X.columns), what)
        if column not in X.columns:
            raise KeyError(f"{what} reads column {column!r}; X has {list(X.columns)}.")
        return X[column].tolist()
    if features is not None:
        features.check_servable([column], what)
    if isinstance(X, pd.Series):
        return X.tolist()
    if isinstance(X, np.ndarray):
        return X.ravel().tolist()
    return list(X)


def check_finite_features(X: Any, what: str = "features") -> np.ndarray:
    """A float matrix with no NaN/inf, or a ValueError naming the bad columns.

    Parameters
    ----------
    X : array-like or pandas.DataFrame
        [n, d] features (a DataFrame's column names appear in errors).
    what : str, default "features"
        Name used in error messages.

    Returns
    -------
    numpy.ndarray
        [n, d] float64.

    Raises
    ------
    ValueError
        If ``X`` is not 2-D or holds NaN or infinite values.

    Examples
    --------
    >>> check_finite_features(pd.DataFrame({"a": [1.0, float("nan")]}))
    Traceback (most recent call last):
    ...
    ValueError: features has NaN or infinite values in columns ['a'] (1 cells); \
impute or drop them first.
    """
    cols = list(X.columns) if isinstance(X, pd.DataFrame) else None
    arr = np.asarray(X, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(f"{what} must be 2-D [n, d]; got shape {arr.shape}.")
    bad = ~np.isfinite(arr)
    if bad.any():
        j = np.where(bad.any(0))[0]
        names = [cols[i] for i in j] if cols else [int(i) for i in j]
        raise ValueError(
            f"{what} has NaN or infinite values in columns {names} "
            f"({int(bad.sum())} cells); impute or drop them first."
        )
    return arr
