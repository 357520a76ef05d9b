"""Update nested NamedTuple configs from plain dicts (Snorkel 0.9 ``merge_config``)."""

from __future__ import annotations

from typing import Any, Mapping, TypeVar

C = TypeVar("C")


def merge_config(config: C, config_updates: Mapping[str, Any]) -> C:
    """Return ``config`` with ``config_updates`` applied; nested configs recurse.

    Configs are immutable NamedTuples, so a new one is built; a dict given for
    a field that holds a config updates that config's fields.

    Parameters
    ----------
    config : NamedTuple
        The current config.
    config_updates : mapping of str to object
        ``{field: new value}``; a mapping value updates a nested config.

    Returns
    -------
    NamedTuple
        A new config of the same type.

    Raises
    ------
    TypeError
        If ``config`` is not a NamedTuple.
    ValueError
        If an update names a field the config does not have.

    Examples
    --------
    >>> from typing import NamedTuple
    >>> class Inner(NamedTuple):
    ...     a: float = 0.5
    >>> class Outer(NamedTuple):
    ...     b: int = 1
    ...     inner: Inner = Inner()
    >>> merge_config(Outer(), {"b": 2, "inner": {"a": 0.75}})
    Outer(b=2, inner=Inner(a=0.75))
    """
    fields = getattr(config, "_fields", None)
    if fields is None:
        raise TypeError(
            f"merge_config expects a NamedTuple config; got {type(config).__name__}"
        )
    updates: dict[str, Any] = {}
    for key, value in config_updates.items():
        if key not in fields:
            raise ValueError(
                f"{type(config).__name__} has no field {key!r}; fields: {list(fields)}"
            )
        current = getattr(config, key)
        if isinstance(value, Mapping) and hasattr(current, "_fields"):
            value = merge_config(current, value)
        updates[key] = value
    return config._replace(**updates)  # type: ignore[attr-defined]
