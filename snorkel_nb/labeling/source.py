"""LFs as Python source: compile user code into an LF, export / import LF sets.

Work done interactively (e.g. in the LF studio) becomes code in the user's
repository: :func:`export_lfs` writes a module with one block per LF, and
:func:`import_lfs` reads it back (``export -> import`` gives the same label
matrix). Code LFs keep the text they were compiled from (``lf.source``);
builder LFs (``keyword_lf`` ...) are written from their JSON-able ``spec``;
decorated functions defined in files fall back to :func:`inspect.getsource`.
"""

from __future__ import annotations

import importlib
import inspect
import linecache
import os
import re
import textwrap
import traceback
from itertools import count
from typing import Any, Iterable

import numpy as np
import pandas as pd

from snorkel_nb.labeling.lf import (
    LabelingFunction,
    Preprocessor,
    labeling_function,
    preprocessor,
)
from snorkel_nb.labeling.matrix import ABSTAIN

BUILDERS = ("keyword_lf", "regex_lf", "lookup_lf")
_MARKER = "# --- LF: "
MARKER_RE = re.compile(r"^# --- LF: (.+?) ---\s*$", re.M)
_counter = count()

HEADER = '''"""Labeling functions exported by snorkel_nb.

Re-import with ``snorkel_nb.labeling.source.import_lfs(path)`` or import this
module and use ``LFS``.
"""
import re

import numpy as np
import pandas as pd

from snorkel_nb.labeling import ABSTAIN, LabelingFunction, labeling_function
'''


class LFSourceError(ValueError):
    """User LF code that does not compile, raises, or defines not exactly one LF.

    ``detail`` holds the formatted traceback (empty for a structural error).

    Parameters
    ----------
    message : str
        What is wrong, in words.
    detail : str, default ""
        The formatted traceback, if the code raised.
    """

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


def _builders() -> dict[str, Any]:
    try:
        mod = importlib.import_module("snorkel_nb.labeling.builders")
    except ImportError:
        return {}
    return {b: getattr(mod, b) for b in BUILDERS if hasattr(mod, b)}


def base_namespace() -> dict[str, Any]:
    """Names available to LF code without imports: ``ABSTAIN``,
    ``labeling_function``, ``LabelingFunction``, ``preprocessor``, ``re``, ``np``,
    ``pd`` and the builders."""
    ns: dict[str, Any] = {
        "__name__": "__snorkel_nb_lf__",
        "ABSTAIN": ABSTAIN,
        "labeling_function": labeling_function,
        "LabelingFunction": LabelingFunction,
        "preprocessor": preprocessor,
        "Preprocessor": Preprocessor,
        "re": re,
        "np": np,
        "pd": pd,
    }
    ns.update(_builders())
    return ns


def _exec(code: str, ns: dict[str, Any], label: str) -> None:
    """Exec ``code`` with a linecache entry so tracebacks show the user's lines."""
    filename = f"<lf-source {label} #{next(_counter)}>"
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    try:
        compiled = compile(code, filename, "exec")
    except SyntaxError as exc:
        where = f"line {exc.lineno}" + (f", column {exc.offset}" if exc.offset else "")
        detail = "".join(traceback.format_exception_only(exc))
        raise LFSourceError(f"SyntaxError at {where}: {exc.msg}", detail) from None
    try:
        exec(compiled, ns)
    except Exception as exc:
        detail = "".join(traceback.format_exception(exc)[1:])  # drop this frame
        raise LFSourceError(f"running the code raised {exc!r}", detail) from None


def compile_lf(code: str, namespace: dict[str, Any] | None = None) -> LabelingFunction:
    """Run ``code`` in a fresh namespace; it must define exactly one LF.

    The namespace is :func:`base_namespace` plus ``namespace`` (e.g. resources).
    The LF remembers its source as ``lf.source`` so it can be exported.

    Parameters
    ----------
    code : str
        Python source defining one LF (decorated function or builder call).
    namespace : dict, optional
        Extra names the code may use (look-up tables, models).

    Returns
    -------
    LabelingFunction

    Raises
    ------
    LFSourceError
        On a syntax error, an exception while running the code, or when the
        code defines no or several :class:`LabelingFunction` objects.

    Examples
    --------
    >>> lf = compile_lf('''
    ... @labeling_function()
    ... def has_link(x):
    ...     return 1 if "http" in x.text else ABSTAIN
    ... ''')
    >>> lf.name
    'has_link'
    """
    if not isinstance(code, str) or not code.strip():
        raise LFSourceError(
            "no code: write a function decorated with @labeling_function()"
        )
    ns = base_namespace()
    ns.update(namespace or {})
    before = {k: id(v) for k, v in ns.items()}
    code = textwrap.dedent(code).strip("\n") + "\n"
    _exec(code, ns, "cell")
    found: dict[int, LabelingFunction] = {}
    for k, v in ns.items():
        if isinstance(v, LabelingFunction) and before.get(k) != id(v):
            found.setdefault(id(v), v)
    if not found:
        plain = [k for k, v in ns.items() if inspect.isfunction(v) and k not in before]
        hint = (
            f" Found plain function(s) {plain}: decorate with @labeling_function()."
            if plain
            else ""
        )
        raise LFSourceError("the code defines no LabelingFunction." + hint)
    if len(found) > 1:
        names = sorted(lf.name for lf in found.values())
        raise LFSourceError(
            f"the code defines {len(found)} LabelingFunctions {names}; "
            "define exactly one per cell"
        )
    lf = next(iter(found.values()))
    lf.source = code  # type: ignore[attr-defined]
    return lf


def _arg_source(key: str, value: Any) -> str:
    if key == "flags" and isinstance(value, (list, tuple)):  # regex_lf flag names
        return " | ".join(f"re.{f}" for f in value) or "0"
    return repr(value)


def spec_call(spec: dict[str, Any]) -> str:
    """``builder(arg=value, ...)`` source for a builder LF's ``spec``.

    Examples
    --------
    >>> spec_call({"builder": "regex_lf", "args": {"pattern": "a+", "label": 1,
    ...            "flags": ["IGNORECASE"]}})
    "regex_lf(pattern='a+', label=1, flags=re.IGNORECASE)"
    """
    args = ", ".join(
        f"{k}={_arg_source(k, v)}" for k, v in spec.get("args", {}).items()
    )
    return f"{spec['builder']}({args})"


def _identifier(name: str) -> str:
    ident = re.sub(r"\W", "_", name)
    return ident if ident and not ident[0].isdigit() else f"lf_{ident}"


def lf_source(lf: LabelingFunction) -> str:
    """Python source that re-creates ``lf`` (see module docs for the order tried).

    Raises
    ------
    LFSourceError
        When the LF has no source, no builder spec and its function's source
        cannot be found (e.g. a lambda typed at a prompt).
    """
    src = getattr(lf, "source", None)
    if src:
        return src.strip("\n") + "\n"
    spec = getattr(lf, "spec", None)
    if spec:
        if not spec.get("exportable", True):
            raise LFSourceError(
                f"cannot export LF {lf.name!r}: its {spec['builder']} spec is not "
                "exportable (it wraps an in-memory object such as a model)"
            )
        return f"{_identifier(lf.name)} = {spec_call(spec)}\n"
    f = getattr(lf, "_f", None)
    try:
        text = textwrap.dedent(inspect.getsource(f))
    except (OSError, TypeError):
        text = ""
    if text.lstrip().startswith("@") and "lambda" not in text.split("\n", 1)[0]:
        return text.strip("\n") + "\n"
    raise LFSourceError(
        f"cannot export LF {lf.name!r}: it was not written in the studio, has no "
        "builder spec and is not a decorated function defined in a file"
    )


def export_lfs(lfs: Iterable[LabelingFunction], path: Any = None) -> str:
    """Python module text defining ``lfs`` (one marked block each) and ``LFS``.

    Written to ``path`` when given. Builders used are imported explicitly.

    Parameters
    ----------
    lfs : iterable of LabelingFunction
        LFs with a known source (written in a notebook, compiled, or built by a
        builder).
    path : path, optional
        Where to write the module (atomically).

    Returns
    -------
    str
        The module text.

    Examples
    --------
    >>> lf = compile_lf("@labeling_function()\\ndef a(x):\\n    return 1\\n")
    >>> "def a(x)" in export_lfs([lf])
    True
    """
    lfs = list(lfs)
    blocks, used, idents = [], set(), []
    for lf in lfs:
        src = lf_source(lf)
        used.update(b for b in BUILDERS if re.search(rf"\b{b}\(", src))
        blocks.append(f"\n\n{_MARKER}{lf.name} ---\n{src}")
        idents.append(_lf_variable(src, lf))
    header = HEADER
    if used:
        header += (
            f"from snorkel_nb.labeling.builders import {', '.join(sorted(used))}\n"
        )
    text = header + "".join(blocks) + f"\n\nLFS = [{', '.join(idents)}]\n"
    if path is not None:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    return text


def _lf_variable(src: str, lf: LabelingFunction) -> str:
    """The module-level variable a block binds its LF to."""
    m = re.search(r"^def\s+(\w+)\s*\(", src, re.M)
    if m and re.search(r"^@", src, re.M):
        return m.group(1)
    m = re.search(r"^(\w+)\s*=", src, re.M)
    return m.group(1) if m else _identifier(lf.name)


def import_lfs(text_or_path: Any) -> list[LabelingFunction]:
    """Read LFs back from :func:`export_lfs` output (module text or a file path).

    Marked blocks are compiled one by one (each keeps its ``source``) after
    running the header (imports) once; a file without markers is executed as a
    whole and its LFs are returned in definition order.

    Raises
    ------
    LFSourceError
        If a block fails to compile or run, naming the block.
    """
    text = str(text_or_path)
    if isinstance(text_or_path, os.PathLike) or (
        "\n" not in text and os.path.isfile(text)
    ):
        with open(text, encoding="utf-8") as fh:
            text = fh.read()
    parts = MARKER_RE.split(text)
    if len(parts) == 1:
        ns = base_namespace()
        before = set(ns)
        _exec(text, ns, "module")
        lfs, seen = [], set()
        for k, v in ns.items():
            if (
                isinstance(v, LabelingFunction)
                and k not in before
                and id(v) not in seen
            ):
                seen.add(id(v))
                lfs.append(v)
        return lfs
    header, rest = parts[0], parts[1:]
    shared = base_namespace()
    _exec(header, shared, "header")
    lfs = []
    for name, block in zip(rest[::2], rest[1::2]):
        block = re.split(r"^LFS\s*=", block, flags=re.M)[0]
        try:
            lf = compile_lf(
                block, {k: v for k, v in shared.items() if k not in ("__builtins__",)}
            )
        except LFSourceError as exc:
            raise LFSourceError(f"LF block {name!r}: {exc}", exc.detail) from None
        lfs.append(lf)
    return lfs


__all__ = [
    "LFSourceError",
    "base_namespace",
    "compile_lf",
    "export_lfs",
    "import_lfs",
    "lf_source",
    "spec_call",
]
