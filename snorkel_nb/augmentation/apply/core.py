"""TF appliers: run a policy's TF sequences over a data set.

A sequence whose TFs all return ``None`` (none applied) adds no point; the
empty sequence of ``keep_original`` always adds the original.
"""

from __future__ import annotations

from typing import Any, Iterator, Sequence

import pandas as pd
from snorkel_nb.progress import progress_bar as tqdm

from snorkel_nb.augmentation.policy.core import Policy
from snorkel_nb.augmentation.tf import BaseTransformationFunction
from snorkel_nb.types import DataPoint, DataPoints
from snorkel_nb.utils.data_operators import check_unique_names


def field_of(x: Any, column: Any) -> Any:
    """One field of a TF's output point (a row dict, Series or namespace).

    Parameters
    ----------
    x
        A dict or Series (read by key) or any object (read as an attribute).
    column
        The field name.

    Returns
    -------
    Any
        The field's value.

    Raises
    ------
    KeyError, AttributeError
        If ``x`` has no such field.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> field_of({"a": 1}, "a"), field_of(SimpleNamespace(a=2), "a")
    (1, 2)
    """
    if isinstance(x, (dict, pd.Series)):
        return x[column]
    return getattr(x, column)


class BaseTFApplier:
    """Shared part of the TF appliers.

    Parameters
    ----------
    tfs
        TFs with unique names; the policy's indices refer to this list.
    policy
        The augmentation policy.
    """

    def __init__(
        self, tfs: Sequence[BaseTransformationFunction], policy: Policy
    ) -> None:
        if not isinstance(policy, Policy):
            raise TypeError(f"policy must be a Policy; got {type(policy).__name__}")
        self._tfs = list(tfs)
        self._tf_names = [tf.name for tf in self._tfs]
        check_unique_names(self._tf_names)
        if policy.n > len(self._tfs):
            raise ValueError(
                f"the policy draws from {policy.n} TFs but {len(self._tfs)} were given"
            )
        self._policy = policy

    def _apply_policy_to_data_point(self, x: DataPoint) -> list[DataPoint]:
        out = []
        for seq in self._policy.generate_for_example():
            x_t = x
            applied = len(seq) == 0  # the kept original
            for i in seq:
                y = self._tfs[i](x_t)
                if y is not None:
                    applied = True
                    x_t = y
            if applied:
                out.append(x_t)
        return out

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}, Policy: {type(self._policy).__name__}, "
            f"TFs: {self._tf_names}"
        )


class TFApplier(BaseTFApplier):
    """Augment a list of data points (e.g. ``SimpleNamespace`` objects).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from snorkel_nb.augmentation import ApplyOnePolicy, transformation_function
    >>> @transformation_function()
    ... def double(x):
    ...     x.num = 2 * x.num
    ...     return x
    >>> TFApplier([double], ApplyOnePolicy()).apply([SimpleNamespace(num=1)],
    ...                                            progress_bar=False)
    [namespace(num=1), namespace(num=2)]
    """

    def apply_generator(
        self, data_points: DataPoints, batch_size: int
    ) -> Iterator[list[DataPoint]]:
        """Yield the augmented points of each ``batch_size`` input points.

        Parameters
        ----------
        data_points
            A sequence (sliced in batches) of any objects the TFs accept.
        batch_size
            Input points per yielded batch.

        Yields
        ------
        list
            The augmented points of one batch, per input point in policy
            order.

        Examples
        --------
        >>> from types import SimpleNamespace
        >>> from snorkel_nb.augmentation import ApplyOnePolicy, transformation_function
        >>> @transformation_function()
        ... def inc(x):
        ...     return SimpleNamespace(num=x.num + 1)
        >>> pts = [SimpleNamespace(num=n) for n in (1, 5, 9)]
        >>> gen = TFApplier([inc], ApplyOnePolicy()).apply_generator(pts, 2)
        >>> [[p.num for p in batch] for batch in gen]
        [[1, 2, 5, 6], [9, 10]]
        """
        for i in range(0, len(data_points), batch_size):
            batch: list[DataPoint] = []
            for x in data_points[i : i + batch_size]:
                batch.extend(self._apply_policy_to_data_point(x))
            yield batch

    def apply(self, data_points: DataPoints, progress_bar: bool = True) -> list[Any]:
        """The augmented data set, as a list, per input point in policy order.

        Parameters
        ----------
        data_points
            Any objects the TFs accept.
        progress_bar
            Show a bar over the input points.

        Returns
        -------
        list
            For each input point, the outputs of the policy's sequences
            (a sequence none of whose TFs applied adds nothing; the empty
            sequence of ``keep_original`` adds the original).

        Examples
        --------
        A TF that returns ``None`` does not apply, so that point adds nothing:

        >>> from types import SimpleNamespace
        >>> from snorkel_nb.augmentation import ApplyOnePolicy, transformation_function
        >>> @transformation_function()
        ... def negate_odd(x):
        ...     return SimpleNamespace(num=-x.num) if x.num % 2 else None
        >>> pts = [SimpleNamespace(num=n) for n in (1, 2)]
        >>> applier = TFApplier([negate_odd], ApplyOnePolicy(keep_original=False))
        >>> [p.num for p in applier.apply(pts, progress_bar=False)]
        [-1]
        """
        out: list[DataPoint] = []
        for x in tqdm(data_points, disable=not progress_bar, desc="Applying TFs"):
            out.extend(self._apply_policy_to_data_point(x))
        return out
