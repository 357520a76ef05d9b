"""Labeling functions (Snorkel 0.9 compatible).

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
from snorkel_nb.preprocess.core import BasePreprocessor, Preprocessor, preprocessor

BatchFn = Callable[[pd.DataFrame], np.ndarray]


class _RowShared:
    """How the appliers see a preprocessor that may be shared within a row.

    The appliers run a preprocessor flagged ``memoize`` once per row and hand
    its output to every LF of that row. Snorkel's ``memoize`` (default False)
    means a cache across calls; sharing within one row is safe for any
    deterministic preprocessor, so it stays on unless the preprocessor sets
    ``share_within_row = False``. One view per preprocessor, so that the
    applier, which keys its row memo by ``id``, shares across LFs.
    """

    memoize = True

    def __init__(self, base: BasePreprocessor) -> None:
        self.base = base
        self.name = base.name

    def __call__(self, x: Any) -> Any:
        return self.base(x)

    def __repr__(self) -> str:
        return repr(self.base)


def _applier_view(p: BasePreprocessor) -> Any:
    if p.memoize or not getattr(p, "share_within_row", True):
        return p
    view = p.__dict__.get("_row_view")
    if view is None:
        view = p.__dict__["_row_view"] = _RowShared(p)
    return view


def _pre_code(p: Any) -> Any:
    """The function whose code identifies a preprocessor in a fingerprint."""
    return getattr(p, "f", None) or getattr(type(p), "run", None) or type(p)


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
        pre: Sequence[BasePreprocessor] | None = None,
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
    def pre(self) -> list[Any]:
        """The preprocessors, as the appliers run them (see ``_RowShared``)."""
        return [_applier_view(p) for p in self._pre]

    @property
    def resources(self) -> dict[str, Any]:
        return dict(self._resources)

    def label(self, x: Any) -> int:
        """Vote on an already-preprocessed point (no preprocessors run)."""
        return self._f(x, **self._resources)

    def _preprocess(self, x: Any) -> Any:
        for p in self._pre:
            x = p(x)
            if x is None:
                raise ValueError(
                    f"LF {self.name!r}: preprocessor {p.name!r} returned None; "
                    "a preprocessor must return the (modified) data point"
                )
        return x

    def __call__(self, x: Any) -> int:
        """Run the preprocessors, then vote on ``x``."""
        return self._f(self._preprocess(x), **self._resources)

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
            _code_digest(_pre_code(p), h)
            for q in getattr(p, "_pre", ()):
                h.update(q.name.encode())
                _code_digest(_pre_code(q), h)
        return h.hexdigest()

    def __repr__(self) -> str:  # Snorkel's format
        return f"{type(self).__name__} {self.name}, Preprocessors: {self._pre}"


def labeling_function(
    name: str | None = None,
    resources: Mapping[str, Any] | None = None,
    pre: Sequence[BasePreprocessor] | None = None,
) -> Callable[[Callable[..., int]], LabelingFunction]:
    """Decorator making a :class:`LabelingFunction` from ``f(x) -> label``.

    Parameters
    ----------
    name : str, optional
        The LF's name; defaults to the function's name.
    resources : mapping, optional
        Keyword arguments passed to ``f`` on every call (look-ups, models).
    pre : sequence of BasePreprocessor, optional
        Preprocessors run on each data point before ``f``.

    Returns
    -------
    callable
        A decorator turning ``f`` into a :class:`LabelingFunction`.

    Examples
    --------
    >>> @labeling_function()
    ... def lf_check_out(x):
    ...     return 1 if "check out" in x.text.lower() else ABSTAIN
    >>> lf_check_out.name
    'lf_check_out'
    """
    if callable(name):  # used bare: @labeling_function (as Snorkel, refuse it)
        raise ValueError("Looks like this decorator is missing parentheses!")

    def wrap(f: Callable[..., int]) -> LabelingFunction:
        return LabelingFunction(name or f.__name__, f, resources=resources, pre=pre)

    return wrap


__all__ = [
    "BasePreprocessor",
    "LabelingFunction",
    "Preprocessor",
    "labeling_function",
    "preprocessor",
]
