"""Architectures as structured layers: a type plus named numeric attributes.

Logs often print the architecture as a JSON or Python literal, e.g.
``Network scheme: [{"kernel_size": 3, "width": 64, "stride": 1, "residual":
false}, ...]``. Splitting that text into name-like tokens loses every number,
so it is decoded first (:func:`decode_literal`) and each layer becomes a dict
``{"type": ..., <attribute>: float, ...}`` (:func:`parse_layers`), in order,
so per-position features can be built from it. Token architectures
(``"C(64,3,1)"``) decode to ``{"type": "C", "a0": 64.0, "a1": 3.0, "a2": 1.0}``.
"""

from __future__ import annotations

import ast
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["decode_literal", "parse_layers"]

_TYPE_KEYS = ("type", "name", "class_name", "layer", "kind", "op")


def decode_literal(text: str) -> Any:
    """Decode a JSON or Python literal (``false``/``False``, ``null``/``None``).

    Returns the decoded object, or ``None`` when ``text`` is neither. Uses
    :func:`json.loads` then :func:`ast.literal_eval` (never ``eval``).

    Examples
    --------
    >>> decode_literal('[{"width": 64, "residual": false}]')
    [{'width': 64, 'residual': False}]
    >>> decode_literal("[{'width': 64, 'residual': False}]")
    [{'width': 64, 'residual': False}]
    >>> decode_literal("[C(64,3,1), P(2,2)]") is None
    True
    """
    s = text.strip()
    if not s or s[0] not in "[{(":
        return None
    try:
        return json.loads(s)
    except ValueError:
        pass
    try:
        return ast.literal_eval(s)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def _number(v: Any) -> float | None:
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, (int, float, np.integer, np.floating)):
        f = float(v)
        return f if math.isfinite(f) else None
    if isinstance(v, str) and v.strip().lower() in ("true", "false"):
        return 1.0 if v.strip().lower() == "true" else 0.0
    return None


def layer_from_mapping(d: Mapping[str, Any]) -> dict[str, Any]:
    """One layer dict: its type (if any) plus every numeric attribute by name.

    Booleans become 0/1; a numeric list (``kernel_size: [3, 3]``) keeps its
    first value; strings other than the type are dropped.

    Examples
    --------
    >>> layer_from_mapping({"kernel_size": [3, 3], "width": 64, "residual": True})
    {'type': 'layer', 'kernel_size': 3.0, 'width': 64.0, 'residual': 1.0}
    """
    kind = next((str(d[k]) for k in _TYPE_KEYS if isinstance(d.get(k), str)), "layer")
    out: dict[str, Any] = {"type": kind}
    for k, v in d.items():
        if k in _TYPE_KEYS and isinstance(v, str):
            continue
        num = _number(v)
        if num is None and isinstance(v, (list, tuple)) and v:
            num = _number(v[0])
        if num is not None:
            out[str(k)] = num
    return out


def _layer_from_token(tok: str) -> dict[str, Any]:
    from snorkel_nb.exhaust.arch import parse_token

    kind, args = parse_token(tok)
    return {"type": kind, **{f"a{j}": float(a) for j, a in enumerate(args)}}


def parse_layers(arch: Any) -> list[dict[str, Any]]:
    """Structured layers of an architecture, positions kept.

    Parameters
    ----------
    arch
        A list of layer dicts or token strings, a JSON / Python literal of
        one, or a token string such as ``"[C(64,3,1), SM(10)]"``.

    Returns
    -------
    list of dict
        ``{"type": str, <attribute>: float, ...}`` per layer.

    Examples
    --------
    >>> parse_layers('[{"kernel_size": 3, "width": 64, "stride": 2}]')
    [{'type': 'layer', 'kernel_size': 3.0, 'width': 64.0, 'stride': 2.0}]
    >>> parse_layers("[C(64,3,1), SM(10)]")[0]
    {'type': 'C', 'a0': 64.0, 'a1': 3.0, 'a2': 1.0}
    """
    from snorkel_nb.exhaust.arch import parse_arch

    if arch is None or (isinstance(arch, float) and math.isnan(arch)):
        return []
    if isinstance(arch, str):
        decoded = decode_literal(arch)
        if isinstance(decoded, (list, tuple, Mapping)):
            return parse_layers(decoded)
        return [_layer_from_token(t) for t in parse_arch(arch)]
    if isinstance(arch, Mapping):
        return [layer_from_mapping(arch)]
    out: list[dict[str, Any]] = []
    for item in arch:
        if isinstance(item, Mapping):
            out.append(layer_from_mapping(item))
        elif isinstance(item, str):
            out.extend(_layer_from_token(t) for t in parse_arch(item))
        elif isinstance(item, (list, tuple)):
            out.extend(parse_layers(list(item)))
    return out
