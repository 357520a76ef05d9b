"""Architectures as layer tokens: parsing, edit distances and numeric features.

An architecture is a sequence of layer tokens such as ``"C(64,3,1)"`` (a layer
type followed by optional numeric arguments), ``"relu"`` (a type with no
arguments), or a dict ``{"type": "conv", "filters": 64, "kernel": 3}``.
Everything here accepts any of these forms, or one string holding a whole
architecture (``"[C(64,3,1), P(2,2), SM(10)]"``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "ArchFeaturizer",
    "EditCosts",
    "edit_distance",
    "edit_distance_matrix",
    "parse_arch",
    "parse_token",
]

Arch = Sequence[Any]
_TOKEN_RE = re.compile(r"([A-Za-z_][\w.\-]*)\s*(?:\(([^()]*)\))?")
_NUM_RE = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
#: how many numeric arguments per token are used (features and weighted costs)
MAX_ARGS = 4


def _fmt_num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def _dict_token(d: Mapping[str, Any]) -> str:
    from snorkel_nb.exhaust.layers import layer_from_mapping

    layer = layer_from_mapping(d)
    kind = layer.pop("type")
    args = [_fmt_num(v) for v in layer.values()]
    return f"{kind}({','.join(args)})" if args else str(kind)


def parse_arch(arch: Any) -> list[str]:
    """Parse an architecture into a list of canonical layer tokens.

    Parameters
    ----------
    arch
        A string such as ``"[C(64,3,1), P(2,2), SM(10)]"``, or a sequence of
        token strings and/or layer dicts (``{"type": "C", "filters": 64}``).

    Returns
    -------
    list of str
        Canonical tokens ``TYPE(a,b,...)`` with whitespace removed.

    Examples
    --------
    >>> parse_arch("[C(64, 3,1), P(2,2), SM(10)]")
    ['C(64,3,1)', 'P(2,2)', 'SM(10)']
    >>> parse_arch([{"type": "conv", "filters": 32, "kernel": 3}, "relu"])
    ['conv(32,3)', 'relu']
    >>> parse_arch('[{"kernel_size": 3, "width": 64, "residual": false}]')
    ['layer(3,64,0)']
    """
    if arch is None or (isinstance(arch, float) and math.isnan(arch)):
        return []
    if isinstance(arch, str):
        from snorkel_nb.exhaust.layers import decode_literal

        decoded = decode_literal(arch)
        if isinstance(decoded, (list, tuple, Mapping)):
            return parse_arch(decoded)
        out = []
        for name, args in _TOKEN_RE.findall(arch.strip().strip("[]")):
            if args:
                out.append(f"{name}({','.join(a.strip() for a in args.split(','))})")
            else:
                out.append(name)
        return out
    if isinstance(arch, Mapping):
        return [_dict_token(arch)]
    out = []
    for tok in arch:
        if isinstance(tok, Mapping):
            out.append(_dict_token(tok))
        elif isinstance(tok, (list, tuple)):
            out.extend(parse_arch(list(tok)))
        else:
            out.extend(parse_arch(str(tok)))
    return out


def parse_token(token: str) -> tuple[str, tuple[float, ...]]:
    """Split a token into its type and its numeric arguments.

    Non-numeric arguments are ignored (``"act(relu)"`` has no numeric args).

    Examples
    --------
    >>> parse_token("C(64,3,1)")
    ('C', (64.0, 3.0, 1.0))
    >>> parse_token("relu")
    ('relu', ())
    """
    m = _TOKEN_RE.match(token.strip())
    if not m:
        return token, ()
    name, args = m.group(1), m.group(2) or ""
    nums = []
    for a in args.split(","):
        a = a.strip().split("=")[-1].strip()
        if _NUM_RE.match(a):
            nums.append(float(a))
    return name, tuple(nums)


# --------------------------------------------------------------------------
# Edit distance
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class EditCosts:
    """Costs of the edit distance between token sequences.

    ``EditCosts()`` is the unit-cost (Levenshtein) distance on whole tokens.
    ``EditCosts.weighted()`` is the hand-crafted weighted distance: inserting
    or deleting a layer costs its type weight, swapping two layers of
    different types costs the mean of their weights, and swapping two layers
    of the same type costs ``weight * min(1, mean |log2 arg ratio| / arg_scale)``
    (so ``C(64,3,1)`` -> ``C(128,3,1)`` is cheaper than ``C(64,3,1)`` -> ``P(2,2)``).

    Parameters
    ----------
    use_weights
        False for unit costs.
    type_weights
        Per-layer-type weight (default 1.0 for types not listed).
    arg_scale
        Larger values make argument changes cheaper.

    Examples
    --------
    >>> EditCosts.weighted(type_weights={"D": 0.25}).type_weight("D")
    0.25
    """

    use_weights: bool = False
    type_weights: tuple[tuple[str, float], ...] = field(default_factory=tuple)
    arg_scale: float = 2.0

    @classmethod
    def unit(cls) -> EditCosts:
        """Unit costs: every insertion, deletion and substitution costs 1."""
        return cls(False)

    @classmethod
    def weighted(
        cls, type_weights: Mapping[str, float] | None = None, arg_scale: float = 2.0
    ) -> EditCosts:
        """The weighted, argument-aware costs (see the class docstring).

        Parameters
        ----------
        type_weights
            Per-layer-type weight (1.0 for types not listed).
        arg_scale
            Larger values make argument changes cheaper.

        Returns
        -------
        EditCosts
        """
        return cls(True, tuple(sorted((type_weights or {}).items())), arg_scale)

    def type_weight(self, kind: str) -> float:
        return dict(self.type_weights).get(kind, 1.0)

    def tables(self, vocab: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Substitution matrix ``[V+1, V+1]`` and insertion/deletion costs ``[V+1]``.

        Index ``V`` is padding (cost 0 everywhere).
        """
        v = len(vocab)
        if not self.use_weights:
            sub = 1.0 - np.eye(v + 1, dtype=np.float32)
            ins = np.ones(v + 1, dtype=np.float32)
        else:
            parsed = [parse_token(t) for t in vocab]
            kinds = [p[0] for p in parsed]
            w = np.array([self.type_weight(k) for k in kinds] + [0.0], np.float32)
            args = np.full((v + 1, MAX_ARGS), np.nan, np.float64)
            for i, (_, a) in enumerate(parsed):
                a = a[:MAX_ARGS]
                args[i, : len(a)] = a
            kind_index = {k: i for i, k in enumerate(sorted(set(kinds)))}
            kind_codes = np.array([kind_index[k] for k in kinds] + [-1])
            la = np.log2(np.abs(args) + 1.0)
            diff = np.abs(la[:, None, :] - la[None, :, :])
            present = ~np.isnan(diff)
            nargs = present.sum(-1)
            total = np.where(present, diff, 0.0).sum(-1)
            mean_diff = np.where(nargs > 0, total / np.maximum(nargs, 1), 0.0)
            # argument-count mismatch counts as a full change of that argument
            n_each = (~np.isnan(args)).sum(-1)
            mismatch = (n_each[:, None] != n_each[None, :]).astype(float)
            frac = np.minimum(1.0, mean_diff / self.arg_scale + mismatch * 0.5)
            same = kind_codes[:, None] == kind_codes[None, :]
            sub = np.where(same, w[:, None] * frac, (w[:, None] + w[None, :]) / 2.0)
            sub = sub.astype(np.float32)
            np.fill_diagonal(sub, 0.0)
            ins = w
        sub[v, :] = 0.0
        sub[:, v] = 0.0
        ins[v] = 0.0
        return sub, ins


def _resolve_costs(costs: EditCosts | str | None) -> EditCosts:
    if costs is None or costs == "unit":
        return EditCosts(False)
    if costs == "weighted":
        return EditCosts.weighted()
    if isinstance(costs, EditCosts):
        return costs
    raise ValueError(
        f"costs must be 'unit', 'weighted' or an EditCosts, got {costs!r}."
    )


def _encode(
    seqs: Sequence[Sequence[str]], index: Mapping[str, int], pad: int
) -> tuple[np.ndarray, np.ndarray]:
    lens = np.array([len(s) for s in seqs], dtype=np.int64)
    width = int(lens.max()) if len(lens) else 0
    codes = np.full((len(seqs), width), pad, dtype=np.int64)
    for i, s in enumerate(seqs):
        codes[i, : len(s)] = [index[t] for t in s]
    return codes, lens


def edit_distance_matrix(
    queries: Iterable[Any],
    references: Iterable[Any] | None = None,
    costs: EditCosts | str | None = "unit",
    max_cells: int = 4_000_000,
) -> np.ndarray:
    """Edit distances between every query and every reference architecture.

    A dynamic programme vectorised over all (query, reference) pairs at once:
    the Python loop runs only over the query positions; each DP row is a
    min-plus scan done with ``np.minimum.accumulate`` on cumulative insertion
    costs, so 1,000 x 4,000 architectures of ~20 layers take seconds.

    Parameters
    ----------
    queries, references
        Architectures (anything :func:`parse_arch` accepts). ``references``
        defaults to ``queries``.
    costs
        ``"unit"``, ``"weighted"`` or an :class:`EditCosts`.
    max_cells
        Pairs x reference-length processed per chunk (bounds memory).

    Returns
    -------
    numpy.ndarray
        A ``[n_queries, n_references]`` float array.

    Examples
    --------
    >>> edit_distance_matrix([["C", "P", "SM"]], [["C", "SM"], ["P"]]).tolist()
    [[1.0, 2.0]]
    """
    qs = [parse_arch(a) for a in queries]
    rs = qs if references is None else [parse_arch(a) for a in references]
    c = _resolve_costs(costs)
    vocab = sorted({t for s in qs for t in s} | {t for s in rs for t in s})
    index = {t: i for i, t in enumerate(vocab)}
    pad = len(vocab)
    sub, ins = c.tables(vocab)
    out = np.zeros((len(qs), len(rs)), dtype=np.float64)
    if not qs or not rs:
        return out
    # deduplicate: many runs share an architecture
    rkeys = {tuple(r): i for i, r in enumerate(rs)}
    r_inv = np.array([rkeys[tuple(r)] for r in rs])
    r_uniq = sorted(set(r_inv.tolist()))
    r_pos = {u: i for i, u in enumerate(r_uniq)}
    rs_u = [rs[u] for u in r_uniq]
    qkeys = {tuple(q): i for i, q in enumerate(qs)}
    q_inv = np.array([qkeys[tuple(q)] for q in qs])
    q_uniq = sorted(set(q_inv.tolist()))
    q_pos = {u: i for i, u in enumerate(q_uniq)}
    qs_u = [qs[u] for u in q_uniq]
    res_u = _dp(qs_u, rs_u, index, pad, sub, ins, max_cells)
    out[:] = res_u[np.ix_([q_pos[u] for u in q_inv], [r_pos[u] for u in r_inv])]
    return out


def _dp(qs, rs, index, pad, sub, ins, max_cells) -> np.ndarray:
    """DP over all (query, reference) pairs at once; layout ``[q, ref pos, n]``.

    Works with ``P = D - cins`` (D minus the cost of inserting the reference
    prefix), so that a DP row is ``min(P_prev + del(a_i), P_prev[j-1] +
    sub(a_i, b_j) - ins(b_j))`` followed by a running minimum over ``j``.
    """
    rcodes, rlens = _encode(rs, index, pad)
    n, lb = rcodes.shape
    out = np.zeros((len(qs), n), dtype=np.float64)
    cins = np.zeros((n, lb + 1), dtype=np.float32)
    cins[:, 1:] = np.cumsum(ins[rcodes], axis=1)
    cols = np.arange(n)
    final_ins = cins[cols, rlens]
    # subrows[v, j, n] = sub(v, b_j) - ins(b_j) for token j of reference n
    subrows = sub[:, rcodes].transpose(0, 2, 1) - ins[rcodes].T[None]
    subrows = np.ascontiguousarray(subrows, dtype=np.float32).reshape(len(sub), -1)
    qcodes_all, qlens_all = _encode(qs, index, pad)
    order = np.argsort(qlens_all, kind="stable")
    chunk = max(1, max_cells // max(1, n * (lb + 1)))
    for start in range(0, len(qs), chunk):
        idx = order[start : start + chunk]
        q = len(idx)
        qlens = qlens_all[idx]
        la = int(qlens.max())
        qcodes = qcodes_all[idx, :la]
        prev = np.zeros((q, lb + 1, n), dtype=np.float32)
        tmp = np.empty_like(prev)
        diag = np.empty((q, lb * n), dtype=np.float32)
        diag3 = diag.reshape(q, lb, n)
        res = np.zeros((q, n), dtype=np.float32)
        for i in range(la):
            a = qcodes[:, i]
            np.add(prev, ins[a][:, None, None], out=tmp)
            np.take(subrows, a, axis=0, out=diag)
            diag3 += prev[:, :-1]
            np.minimum(tmp[:, 1:], diag3, out=tmp[:, 1:])
            for j in range(1, lb + 1):
                np.minimum(tmp[:, j], tmp[:, j - 1], out=tmp[:, j])
            prev, tmp = tmp, prev
            hit = np.flatnonzero(qlens == i + 1)
            if hit.size:
                res[hit] = prev[hit[:, None], rlens[None, :], cols[None, :]]
        res += final_ins[None, :]
        out[idx] = res
    return out


def edit_distance(a: Any, b: Any, costs: EditCosts | str | None = "unit") -> float:
    """Edit distance between two architectures (see :func:`edit_distance_matrix`).

    Parameters
    ----------
    a, b : str or list
        Architectures as strings (``"[C(64,3,1), SM(10)]"``) or layer lists.
    costs : EditCosts, "unit", "weighted" or None
        Per-operation costs; ``"unit"`` counts layer insertions, deletions and
        substitutions.

    Returns
    -------
    float

    Examples
    --------
    >>> edit_distance("[C(64,3,1), P(2,2), SM(10)]", "[C(64,3,1), SM(10)]")
    1.0
    """
    return float(edit_distance_matrix([a], [b], costs=costs)[0, 0])


# --------------------------------------------------------------------------
# Numeric features
# --------------------------------------------------------------------------


class ArchFeaturizer:
    """Numeric features of token architectures, with a vocabulary learned in ``fit``.

    Features: depth; per layer type its count, first/last position (relative)
    and the mean / max / sum of each numeric argument (e.g. conv widths and
    kernel sizes); plus the log of every positive argument product summed over
    layers (a rough size proxy). Types unseen in ``fit`` are ignored.

    Examples
    --------
    >>> f = ArchFeaturizer().fit([["C(64,3,1)", "P(2,2)"], ["C(32,5,1)"]])
    >>> float(f.transform([["C(64,3,1)", "C(32,3,1)"]]).loc[0, "C_count"])
    2.0
    """

    def __init__(self, max_types: int = 40) -> None:
        self.max_types = max_types

    def fit(self, archs: Iterable[Any]) -> ArchFeaturizer:
        counts: dict[str, int] = {}
        nargs: dict[str, int] = {}
        for a in archs:
            for tok in parse_arch(a):
                k, args = parse_token(tok)
                counts[k] = counts.get(k, 0) + 1
                nargs[k] = max(nargs.get(k, 0), min(len(args), MAX_ARGS))
        top = sorted(counts, key=lambda k: (-counts[k], k))[: self.max_types]
        self.types_ = sorted(top)
        self.nargs_ = {k: nargs[k] for k in self.types_}
        return self

    def feature_names(self) -> list[str]:
        names = ["depth", "log_arg_product_sum"]
        for k in self.types_:
            names += [f"{k}_count", f"{k}_first", f"{k}_last"]
            for j in range(self.nargs_[k]):
                names += [f"{k}_a{j}_mean", f"{k}_a{j}_max", f"{k}_a{j}_sum"]
        return names

    def transform(self, archs: Iterable[Any]) -> pd.DataFrame:
        names = self.feature_names()
        col = {n: i for i, n in enumerate(names)}
        rows = []
        for a in archs:
            toks = parse_arch(a)
            x = np.zeros(len(names))
            x[col["depth"]] = len(toks)
            per: dict[str, list[tuple[int, tuple[float, ...]]]] = {}
            lp = 0.0
            for pos, tok in enumerate(toks):
                k, args = parse_token(tok)
                per.setdefault(k, []).append((pos, args))
                pos_args = [v for v in args if v > 0]
                if pos_args:
                    lp += float(np.sum(np.log1p(pos_args)))
            x[col["log_arg_product_sum"]] = lp
            n = max(len(toks), 1)
            for k, items in per.items():
                if k not in self.nargs_:
                    continue
                x[col[f"{k}_count"]] = len(items)
                x[col[f"{k}_first"]] = items[0][0] / n
                x[col[f"{k}_last"]] = items[-1][0] / n
                for j in range(self.nargs_[k]):
                    vals = [args[j] for _, args in items if len(args) > j]
                    if vals:
                        x[col[f"{k}_a{j}_mean"]] = float(np.mean(vals))
                        x[col[f"{k}_a{j}_max"]] = float(np.max(vals))
                        x[col[f"{k}_a{j}_sum"]] = float(np.sum(vals))
            rows.append(x)
        return pd.DataFrame(np.array(rows).reshape(-1, len(names)), columns=names)
