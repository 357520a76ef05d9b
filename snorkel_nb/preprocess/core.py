"""Preprocessors: mappers run on a data point before an LF, TF or SF sees it.

There is one implementation, :mod:`snorkel_nb.map`: a preprocessor is a
mapper. As in Snorkel, ``memoize`` defaults to False and a memoised
preprocessor caches by the data point's content. Independently of that, the
LF appliers run a preprocessor at most once per row and share its output
among the LFs of that row, unless the preprocessor sets
``share_within_row = False`` (do so for a random or side-effecting one).
"""

from __future__ import annotations

from snorkel_nb.map.core import BaseMapper, LambdaMapper, Mapper, lambda_mapper

#: Any preprocessor (class-based or from a function); for type checks.
BasePreprocessor = BaseMapper


class Preprocessor(Mapper):
    """A preprocessor written as a class; see :class:`snorkel_nb.map.Mapper`.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> class Words(Preprocessor):
    ...     def run(self, text):
    ...         return dict(words=text.split())
    >>> Words("words")(SimpleNamespace(text="a b")).words
    ['a', 'b']
    """


class LambdaPreprocessor(LambdaMapper):
    """A preprocessor from a function ``f(x) -> x'``; see :class:`LambdaMapper`."""


class preprocessor(lambda_mapper):
    """Decorator making a :class:`LambdaPreprocessor` from ``f(x) -> x'``.

    Examples
    --------
    >>> @preprocessor()
    ... def lower(x):
    ...     x.text = x.text.lower()
    ...     return x
    >>> from types import SimpleNamespace
    >>> lower(SimpleNamespace(text="HI")).text, lower.name
    ('hi', 'lower')
    """

    _cls = LambdaPreprocessor
