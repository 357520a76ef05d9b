"""Transformation functions (TFs): one small change to a data point.

A TF is a mapper (:mod:`snorkel_nb.map`): it works on a copy, so the original
point is never changed, and it returns ``None`` when it does not apply (the
applier then skips it).
"""

from __future__ import annotations

from snorkel_nb.map.core import BaseMapper, LambdaMapper, Mapper, lambda_mapper

#: Any TF (class-based or from a function); for type checks.
BaseTransformationFunction = BaseMapper


class TransformationFunction(Mapper):
    """A TF written as a class with ``run(**fields)``; see :class:`Mapper`."""


class LambdaTransformationFunction(LambdaMapper):
    """A TF from a function ``f(x) -> x'`` (or ``None``)."""


class transformation_function(lambda_mapper):
    """Decorator making a TF from ``f(x) -> x'``.

    Examples
    --------
    >>> @transformation_function()
    ... def square(x):
    ...     x.num = x.num ** 2
    ...     return x
    >>> from types import SimpleNamespace
    >>> square(SimpleNamespace(num=2))
    namespace(num=4)
    """

    _cls = LambdaTransformationFunction
