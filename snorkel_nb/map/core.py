"""Mappers: functions from a data point to a new data point (Snorkel 0.9 names).

A mapper never changes its input: it works on a fresh copy, so an in-place
edit inside a transformation or preprocessor cannot leak into the user's data.
The copy is a deep one (a pickle round trip, as in Snorkel) unless every field
holds an immutable scalar, where a shallow copy is just as safe and much
cheaper; this keeps the per-row cost of preprocessors low inside the appliers.

Memoisation is off by default, as in Snorkel. When on, outputs are cached by
the data point's *content* (:func:`get_hashable`), or by ``memoize_key(x)``.
"""

from __future__ import annotations

import copy
import inspect
import pickle
from collections.abc import Hashable
from types import SimpleNamespace
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from snorkel_nb.types import DataPoint, FieldMap, HashingFunction

MapFunction = Callable[[DataPoint], "DataPoint | None"]

_IMMUTABLE = (str, bytes, int, float, complex, bool, type(None), np.generic)


class DictRow(dict):
    """A data point as a dict with attribute access (``x.text``, ``x["text"]``).

    The pandas appliers of TFs and SFs hand these to user functions instead of
    one ``pd.Series`` per row: attribute reads and writes, new fields and
    ``copy`` all work, at a fraction of a Series' cost. Rows of a DataFrame
    carry their index label as ``x.name`` (kept by ``copy``), as a Series row
    does; a column called ``name`` is then ``x["name"]``, as in pandas.
    """

    __slots__ = ("name",)

    @classmethod
    def with_name(cls, items: Any, name: Any) -> "DictRow":
        """A row of ``items`` whose ``.name`` is ``name`` (an index label).

        Parameters
        ----------
        items
            Anything ``dict()`` accepts: a mapping or ``(key, value)`` pairs.
        name
            The row's index label (not a field: ``row["name"]`` stays a
            column).

        Returns
        -------
        DictRow

        Examples
        --------
        >>> row = DictRow.with_name([("text", "hi")], "r7")
        >>> row.text, row.name, dict(row)
        ('hi', 'r7', {'text': 'hi'})
        """
        row = cls(items)
        _set_slot(row, "name", name)
        return row

    def __getattr__(self, key: str) -> Any:
        try:
            return self[key]
        except KeyError:
            raise AttributeError(
                f"data point has no field {key!r}; fields: {list(self)}"
            ) from None

    def __setattr__(self, key: str, value: Any) -> None:
        if key == "name":  # the index label, as ``series.name = ...``
            _set_slot(self, key, value)
        else:
            self[key] = value

    def __delattr__(self, key: str) -> None:
        del self[key]

    def copy(self) -> "DictRow":
        out = DictRow(self)
        try:
            _set_slot(out, "name", object.__getattribute__(self, "name"))
        except AttributeError:  # built without an index label
            pass
        return out


_set_slot = object.__setattr__


def dataframe_rows(df: pd.DataFrame) -> Any:
    """Yield each row of ``df`` as a :class:`DictRow` (column order kept), its
    index label as ``.name``."""
    columns = list(df.columns)
    cols = [df[c].tolist() for c in columns]
    with_name = DictRow.with_name
    for *values, label in zip(*cols, df.index.tolist()):
        yield with_name(zip(columns, values), label)


def get_parameters(
    f: Callable[..., Any], allow_args: bool = False, allow_kwargs: bool = False
) -> list[str]:
    """Names of ``f``'s parameters; ``*args`` / ``**kwargs`` rejected by default.

    Parameters
    ----------
    f
        Any callable ``inspect.getfullargspec`` can read.
    allow_args
        Accept a ``*args`` parameter (it is not listed).
    allow_kwargs
        Accept a ``**kwargs`` parameter (it is not listed).

    Returns
    -------
    list of str
        The positional-or-keyword parameter names, in order (keyword-only
        ones are not listed).

    Raises
    ------
    ValueError
        If ``f`` has ``*args`` / ``**kwargs`` that are not allowed.

    Examples
    --------
    >>> def f(x, y=1, *rest):
    ...     pass
    >>> get_parameters(f, allow_args=True)
    ['x', 'y']
    """
    spec = inspect.getfullargspec(f)
    name = getattr(f, "__qualname__", None) or type(f).__name__
    if not allow_args and spec.varargs is not None:
        raise ValueError(f"Function {name} should not have *args")
    if not allow_kwargs and spec.varkw is not None:
        raise ValueError(f"Function {name} should not have **kwargs")
    return list(spec.args)


def is_hashable(obj: Any) -> bool:
    """True when ``hash(obj)`` works (duck typing; pandas raises its own error)."""
    try:
        hash(obj)
        return True
    except Exception:
        return False


def get_hashable(obj: Any) -> Hashable:
    """A hashable stand-in for ``obj``'s content, for memoisation keys.

    Dicts, ``SimpleNamespace`` and ``pd.Series`` become frozensets of their
    items (a Series' name is dropped), lists and tuples become tuples, numpy
    arrays their bytes; values are converted recursively. A named tuple row
    keeps its field names, so equal values under different columns differ.

    Raises
    ------
    ValueError
        If ``obj`` has no hashable stand-in (e.g. a DataFrame).

    Examples
    --------
    >>> get_hashable({"a": 8, "b": [1, 2]}) == frozenset({("a", 8), ("b", (1, 2))})
    True
    """
    if hasattr(obj, "_fields") and isinstance(obj, tuple):
        return (tuple(obj._fields), tuple(get_hashable(v) for v in obj))
    if is_hashable(obj):
        return obj
    if isinstance(obj, SimpleNamespace):
        obj = vars(obj)
    if isinstance(obj, (dict, pd.Series)):
        return frozenset((k, get_hashable(v)) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return tuple(get_hashable(v) for v in obj)
    if isinstance(obj, np.ndarray):
        return obj.data.tobytes()
    raise ValueError(f"Object {obj} has no hashing proxy.")


def fresh_copy(x: DataPoint) -> DataPoint:
    """A copy of ``x`` that the mapper may edit without touching ``x``.

    Shallow when every field is an immutable scalar (safe and cheap), else a
    pickle round trip (deep; as Snorkel does), else ``copy.deepcopy``.
    """
    if isinstance(x, dict):
        if all(isinstance(v, _IMMUTABLE) for v in x.values()):
            return x.copy()
    elif isinstance(x, SimpleNamespace):
        fields = vars(x)
        if all(isinstance(v, _IMMUTABLE) for v in fields.values()):
            return SimpleNamespace(**fields)
    elif isinstance(x, tuple) and hasattr(x, "_fields") and hasattr(x, "copy"):
        # an applier row (immutable named tuple): its copy is a mutable row
        if all(isinstance(v, _IMMUTABLE) for v in x):
            return x.copy()
        return pickle.loads(pickle.dumps(x.copy()))
    try:
        return pickle.loads(pickle.dumps(x))
    except Exception:
        return copy.deepcopy(x)


class BaseMapper:
    """Shared machinery of mappers: ``pre`` chaining, copying, memoisation.

    Parameters
    ----------
    name
        Name of the mapper.
    pre
        Mappers run, in order, before this one.
    memoize
        Cache outputs by the input's content (Snorkel's default: False).
    memoize_key
        Function giving the cache key of a data point (default
        :func:`get_hashable`).
    """

    def __init__(
        self,
        name: str,
        pre: Sequence["BaseMapper"] | None = None,
        memoize: bool = False,
        memoize_key: HashingFunction | None = None,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"A mapper needs a non-empty string name; got {name!r}")
        self.name = name
        self._pre = list(pre or [])
        self.memoize = memoize
        self._memoize_key = memoize_key or get_hashable
        self.reset_cache()

    @property
    def pre(self) -> list["BaseMapper"]:
        return list(self._pre)

    def reset_cache(self) -> None:
        """Forget every memoised output."""
        self._cache: dict[Hashable, Any] = {}

    def _generate_mapped_data_point(self, x: DataPoint) -> DataPoint | None:
        raise NotImplementedError

    def __call__(self, x: DataPoint) -> DataPoint | None:
        """Map a copy of ``x``; ``None`` means "no output" (e.g. TF not applicable)."""
        if self.memoize:
            key = self._memoize_key(x)
            if key in self._cache:  # a cached None is a valid output
                return self._cache[key]
        x_mapped = fresh_copy(x)
        for mapper in self._pre:
            x_mapped = mapper(x_mapped)
            if x_mapped is None:
                raise ValueError(
                    f"{type(self).__name__} {self.name!r}: its pre-mapper "
                    f"{mapper.name!r} returned None"
                )
        x_mapped = self._generate_mapped_data_point(x_mapped)
        if self.memoize:
            self._cache[key] = x_mapped
        return x_mapped

    def __repr__(self) -> str:
        return f"{type(self).__name__} {self.name}, Pre: {self._pre}"


class Mapper(BaseMapper):
    """A mapper written as a class: ``run(**fields) -> dict of new fields``.

    ``field_names`` maps ``run``'s argument names to data point attributes
    (default: the argument names themselves); ``mapped_field_names`` maps
    ``run``'s output keys to the attributes written (default: the keys).
    ``run`` returning ``None`` makes the mapper return ``None``.

    Examples
    --------
    >>> class Lower(Mapper):
    ...     def run(self, text):
    ...         return dict(lower=text.lower())
    >>> Lower("lower")(SimpleNamespace(text="Hi")).lower
    'hi'
    """

    def __init__(
        self,
        name: str,
        field_names: Mapping[str, str] | None = None,
        mapped_field_names: Mapping[str, str] | None = None,
        pre: Sequence[BaseMapper] | None = None,
        memoize: bool = False,
        memoize_key: HashingFunction | None = None,
    ) -> None:
        if field_names is None:
            field_names = {k: k for k in get_parameters(self.run)[1:]}
        self.field_names = dict(field_names)
        self.mapped_field_names = (
            None if mapped_field_names is None else dict(mapped_field_names)
        )
        super().__init__(name, pre, memoize, memoize_key)

    def run(self, **kwargs: Any) -> FieldMap | None:
        """Compute new fields from the input fields; subclasses implement it."""
        raise NotImplementedError

    def _update_fields(self, x: DataPoint, mapped_fields: FieldMap) -> DataPoint:
        for k, v in mapped_fields.items():
            setattr(x, k, v)
        return x

    def _generate_mapped_data_point(self, x: DataPoint) -> DataPoint | None:
        fields = {arg: getattr(x, attr) for arg, attr in self.field_names.items()}
        mapped = self.run(**fields)
        if mapped is None:
            return None
        if self.mapped_field_names is not None:
            mapped = {v: mapped[k] for k, v in self.mapped_field_names.items()}
        return self._update_fields(x, mapped)


class LambdaMapper(BaseMapper):
    """A mapper from a function ``f(x) -> x'`` (edits to ``x`` are safe).

    Examples
    --------
    >>> def double(x):
    ...     x.num = 2 * x.num
    ...     return x
    >>> LambdaMapper("double", double)(SimpleNamespace(num=2))
    namespace(num=4)
    """

    def __init__(
        self,
        name: str,
        f: MapFunction,
        pre: Sequence[BaseMapper] | None = None,
        memoize: bool = False,
        memoize_key: HashingFunction | None = None,
    ) -> None:
        if not callable(f):
            raise TypeError(f"{type(self).__name__} {name!r}: f must be callable")
        self.f = f
        super().__init__(name, pre, memoize, memoize_key)

    def _generate_mapped_data_point(self, x: DataPoint) -> DataPoint | None:
        return self.f(x)


class lambda_mapper:
    """Decorator turning ``f(x) -> x'`` into a :class:`LambdaMapper`.

    Examples
    --------
    >>> @lambda_mapper()
    ... def concatenate_text(x):
    ...     x.article = f"{x.title} {x.body}"
    ...     return x
    >>> concatenate_text(SimpleNamespace(title="my title", body="my text")).article
    'my title my text'
    """

    _cls: type = LambdaMapper

    def __init__(
        self,
        name: str | None = None,
        pre: Sequence[BaseMapper] | None = None,
        memoize: bool = False,
        memoize_key: HashingFunction | None = None,
    ) -> None:
        if callable(name):
            raise ValueError("Looks like this decorator is missing parentheses!")
        self.name = name
        self.pre = pre
        self.memoize = memoize
        self.memoize_key = memoize_key

    def __call__(self, f: MapFunction) -> Any:
        return self._cls(
            name=self.name or f.__name__,
            f=f,
            pre=self.pre,
            memoize=self.memoize,
            memoize_key=self.memoize_key,
        )
