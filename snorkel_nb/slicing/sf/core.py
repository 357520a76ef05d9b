"""Slicing functions (SFs): labeling functions whose vote is slice membership."""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

from snorkel_nb.labeling.lf.core import LabelingFunction
from snorkel_nb.preprocess.core import BasePreprocessor


class SlicingFunction(LabelingFunction):
    """An SF: ``f(x) -> bool`` (truthy = in the slice); an LF in all else.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> sf = SlicingFunction("big", lambda x: x.a > 42)
    >>> sf(SimpleNamespace(a=90)), sf
    (True, SlicingFunction big, Preprocessors: [])
    """


class slicing_function:
    """Decorator making a :class:`SlicingFunction` from ``f(x) -> bool``.

    Examples
    --------
    >>> @slicing_function()
    ... def short(x):
    ...     return len(x.text.split()) < 5
    >>> short.name
    'short'
    """

    def __init__(
        self,
        name: str | None = None,
        resources: Mapping[str, Any] | None = None,
        pre: Sequence[BasePreprocessor] | None = None,
    ) -> None:
        if callable(name):
            raise ValueError("Looks like this decorator is missing parentheses!")
        self.name = name
        self.resources = resources
        self.pre = pre

    def __call__(self, f: Callable[..., Any]) -> SlicingFunction:
        return SlicingFunction(
            name=self.name or f.__name__, f=f, resources=self.resources, pre=self.pre
        )
