"""Labeling functions (Snorkel 0.9 compatible) and memoised preprocessors.

An LF maps one data point to a label in {0..k-1} or ``ABSTAIN`` (-1). LFs made
by the builders (:mod:`snorkel_nb.labeling.builders`) also carry a *batch*
function that labels a whole DataFrame at once; the applier prefers it.
"""

from __future__ import annotations

import hashlib
import inspect
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from snorkel_nb.labeling.matrix import ABSTAIN  # noqa: F401  (used by doctests)

BatchFn = Callable[[pd.DataFrame], np.ndarray]


class Preprocessor:
    """A function ``x -> x'`` run before LFs; the applier runs it once per row.

    Memoisation: within one :meth:`PandasLFApplier.apply` call each
    preprocessor runs at most once per row however many LFs use it.
    """

    def __init__(self, name: str, f: Callable[[Any], Any], memoize: bool = True):
        self.name = name
        self.f = f
        self.memoize = memoize

    def __call__(self, x: Any) -> Any:
        return self.f(x)

    def __repr__(self) -> str:
        return f"Preprocessor {self.name}"


def preprocessor(
    name: str | None = None, memoize: bool = True
) -> Callable[[Callable[[Any], Any]], Preprocessor]:
    """Decorator turning ``f(x) -> x'`` into a :class:`Preprocessor`.

    Examples
    --------
    >>> @preprocessor()
    ... def lower(x):
    ...     x.text = x.text.lower()
    ...     return x
    >>> lower.name
    'lower'
    """

    def wrap(f: Callable[[Any], Any]) -> Preprocessor:
        return Preprocessor(name or f.__name__, f, memoize=memoize)

    return wrap


def _code_digest(obj: Any, h: "hashlib._Hash", depth: int = 0) -> None:
    """Feed a function's code, constants and closure values into a hash."""
    if depth > 3:
        h.update(repr(type(obj)).encode())
        return
    code = getattr(obj, "__code__", None)
    if code is None:
        try:
            h.update(repr(obj).encode())
        except Exception:
            h.update(repr(type(obj)).encode())
        return
    h.update(code.co_code)
    h.update(repr(code.co_names).encode())
    for c in code.co_consts:
        if hasattr(c, "co_code"):
            h.update(c.co_code)
        else:
            h.update(repr(c).encode())
    for cell in obj.__closure__ or ():
        try:
            _code_digest(cell.cell_contents, h, depth + 1)
        except ValueError:  # empty cell
            pass
    for d in obj.__defaults__ or ():
        h.update(repr(d).encode())


class LabelingFunction:
    """A named labeling function.

    Parameters
    ----------
    name
        Unique name; appliers and analyses key LFs by it, so redefining an LF
        with the same name replaces the old one.
    f
        ``f(x, **resources) -> int``: a label in 0..k-1 or -1 to abstain. ``x``
        is a row with attribute access (``x.text``) and item access
        (``x["text"]``).
    resources
        Keyword arguments passed to ``f`` (e.g. a knowledge base).
    pre
        Preprocessors applied to ``x`` before ``f``, in order.
    batch
        Optional vectorised form ``batch(df) -> int array of length len(df)``,
        with the same votes as ``f``; used by the applier when present.
    description
        Human-readable text (builders and the explanation compiler fill it).

    Examples
    --------
    >>> lf = LabelingFunction("short", lambda x: 0 if len(x.text) < 5 else -1)
    >>> lf(pd.Series({"text": "hi"}))
    0
    """

    def __init__(
        self,
        name: str,
        f: Callable[..., int],
        resources: Mapping[str, Any] | None = None,
        pre: Sequence[Preprocessor] | None = None,
        batch: BatchFn | None = None,
        description: str = "",
    ) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError("A labeling function needs a non-empty string name.")
        self.name = name
        self._f = f
        self._resources = dict(resources or {})
        self._pre = list(pre or [])
        self.batch = batch
        self.description = description or (inspect.getdoc(f) or "")

    @property
    def pre(self) -> list[Preprocessor]:
        return list(self._pre)

    @property
    def resources(self) -> dict[str, Any]:
        return dict(self._resources)

    def label(self, x: Any) -> int:
        """Vote on an already-preprocessed point (no preprocessors run)."""
        return self._f(x, **self._resources)

    def __call__(self, x: Any) -> int:
        for p in self._pre:
            x = p(x)
        return self._f(x, **self._resources)

    @property
    def fingerprint(self) -> str:
        """Hash of name, code, closure, resources' reprs and preprocessors.

        Appliers use it to decide whether an LF's column must be recomputed:
        redefining an LF in a notebook cell changes its fingerprint.
        """
        h = hashlib.sha1(self.name.encode())
        _code_digest(self._f, h)
        if self.batch is not None:
            _code_digest(self.batch, h)
        for k in sorted(self._resources):
            h.update(k.encode())
            try:
                h.update(repr(self._resources[k]).encode()[:100_000])
            except Exception:
                h.update(str(id(self._resources[k])).encode())
        for p in self._pre:
            h.update(p.name.encode())
            _code_digest(p.f, h)
        return h.hexdigest()

    def __repr__(self) -> str:
        pre = f", Preprocessors: {[p.name for p in self._pre]}" if self._pre else ""
        return f"{type(self).__name__} {self.name}{pre}"


def labeling_function(
    name: str | None = None,
    resources: Mapping[str, Any] | None = None,
    pre: Sequence[Preprocessor] | None = None,
) -> Callable[[Callable[..., int]], LabelingFunction]:
    """Decorator making a :class:`LabelingFunction` from ``f(x) -> label``.

    Examples
    --------
    >>> @labeling_function()
    ... def lf_check_out(x):
    ...     return 1 if "check out" in x.text.lower() else ABSTAIN
    >>> lf_check_out.name
    'lf_check_out'
    """
    if callable(name):  # used bare: @labeling_function
        f = name
        return LabelingFunction(f.__name__, f)  # type: ignore[return-value]

    def wrap(f: Callable[..., int]) -> LabelingFunction:
        return LabelingFunction(name or f.__name__, f, resources=resources, pre=pre)

    return wrap
