"""Checks shared by the operator appliers (LFs, TFs, SFs)."""

from __future__ import annotations

from collections import Counter
from typing import Sequence


def check_unique_names(names: Sequence[str]) -> None:
    """Raise if two operators share a name: names key columns and caches.

    Examples
    --------
    >>> check_unique_names(["a", "b"])
    >>> check_unique_names(["a", "a"])
    Traceback (most recent call last):
    ...
    ValueError: Operator names not unique: 2 operators with name a
    """
    if not names:
        return
    name, count = Counter(names).most_common(1)[0]
    if count > 1:
        raise ValueError(
            f"Operator names not unique: {count} operators with name {name}"
        )
