"""Parsers for training logs ("developer exhaust") into a tidy runs table.

The **runs table** is a :class:`pandas.DataFrame` with one row per training run:

``run_id`` (str), ``source`` (file it came from), ``arch`` (list of layer tokens,
``[]`` when unknown), the per-epoch curves ``val_acc``, ``train_acc``,
``val_loss``, ``train_loss``, ``lr_curve``, ``epoch_time`` (1-d float arrays,
NaN where an epoch did not log that metric), ``n_epochs``, and the scalars
``num_params``, ``macs``, ``lr``, ``train_time`` (seconds; the sum of
``epoch_time`` when not logged directly) and ``final_val_acc`` (only set when a
source gives the final accuracy without a curve). Any other scalar found in a
log (hyper-parameters from a sidecar JSON or ``hparams.yaml``) becomes an extra
column. Accuracies are fractions in [0, 1]; curves logged in percent are
rescaled.

A malformed or truncated line never crashes a parser: it is skipped with a
:class:`LogParseWarning` naming the file and line, and a half-finished run keeps
its partial curve.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from snorkel_nb.exhaust.arch import parse_arch
from snorkel_nb.exhaust.layers import decode_literal, parse_layers

__all__ = [
    "CURVES",
    "PARSED_FIELDS",
    "LogParseWarning",
    "LogPattern",
    "make_runs_table",
    "read_keras_csv",
    "read_lightning_csv",
    "read_logs",
    "read_text_log",
    "read_wide_csv",
]

#: per-epoch curve columns of the runs table
CURVES = ("val_acc", "train_acc", "val_loss", "train_loss", "lr_curve", "epoch_time")
_SCALARS = ("num_params", "macs", "lr", "train_time", "final_val_acc")
#: ``DataFrame.attrs`` key listing the extra fields a parser was told to read
#: (``LogPattern.extra``); with the standard pre-training scalars they are the
#: only columns predictors use as features unless the user names others.
PARSED_FIELDS = "exhaust_parsed_fields"
_FIELDS_KEY = "__parsed_fields__"
PathLike = str | os.PathLike


class LogParseWarning(UserWarning):
    """A log line or file was skipped (the message names file and line)."""


def _warn(path: PathLike, line: int | None, msg: str) -> None:
    where = f"{path}:{line}" if line is not None else str(path)
    warnings.warn(f"{where}: {msg}", LogParseWarning, stacklevel=3)


def _to_float(v: Any) -> float:
    if v is None:
        return math.nan
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        return float(v)
    s = str(v).strip().replace(",", "")
    if s == "" or s.lower() in ("none", "null", "na", "n/a"):
        return math.nan
    mult = 1.0
    if s[-1:] in "kKMG" and len(s) > 1:
        mult = {"k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9}[s[-1]]
        s = s[:-1]
    if s.endswith("%"):
        return float(s[:-1]) / 100.0
    return float(s) * mult


def _rescale_acc(curve: np.ndarray) -> np.ndarray:
    finite = curve[np.isfinite(curve)]
    if finite.size and finite.max() > 1.5:
        return curve / 100.0
    return curve


def make_runs_table(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Build a runs table from dicts (missing fields are filled in).

    Parameters
    ----------
    records
        One mapping per run. Curves may be lists; ``arch`` anything
        :func:`snorkel_nb.exhaust.parse_arch` accepts.

    Returns
    -------
    pandas.DataFrame
        The runs table described in the module docstring.

    Examples
    --------
    >>> t = make_runs_table([{"run_id": "a", "arch": "[C(8,3,1), SM(10)]",
    ...                       "val_acc": [0.5, 0.6], "epoch_time": [2.0, 2.0]}])
    >>> int(t.loc[0, "n_epochs"]), float(t.loc[0, "train_time"])
    (2, 4.0)
    """
    rows = []
    for i, rec in enumerate(records):
        row: dict[str, Any] = dict(rec)
        row["run_id"] = str(rec.get("run_id", i))
        row.setdefault("source", "")
        row["arch"] = parse_arch(rec.get("arch"))
        row["layers"] = parse_layers(rec.get("arch"))
        n = 0
        for c in CURVES:
            v = rec.get(c)
            arr = np.asarray([] if v is None else v, dtype=np.float64).ravel()
            row[c] = arr
            n = max(n, arr.size)
        for c in CURVES:  # pad every curve to the run's length
            if row[c].size < n:
                row[c] = np.concatenate([row[c], np.full(n - row[c].size, np.nan)])
        for c in ("val_acc", "train_acc"):
            row[c] = _rescale_acc(row[c])
        row["n_epochs"] = int(n)
        for c in _SCALARS:
            row[c] = _to_float(rec.get(c))
        if np.isfinite(row["final_val_acc"]) and row["final_val_acc"] > 1.5:
            row["final_val_acc"] /= 100.0
        if not np.isfinite(row["train_time"]) and np.isfinite(row["epoch_time"]).any():
            row["train_time"] = float(np.nansum(row["epoch_time"]))
        if not np.isfinite(row["lr"]) and np.isfinite(row["lr_curve"]).any():
            row["lr"] = float(row["lr_curve"][np.isfinite(row["lr_curve"])][0])
        rows.append(row)
    cols = ["run_id", "source", "arch", "layers", *CURVES, "n_epochs", *_SCALARS]
    fields = sorted({f for r in rows for f in r.pop(_FIELDS_KEY, ())})
    df = pd.DataFrame(rows)
    if df.empty:
        df = pd.DataFrame(columns=cols)
    else:
        extra = [c for c in df.columns if c not in cols]
        df = df[cols + extra].reset_index(drop=True)
    df.attrs[PARSED_FIELDS] = fields
    return df


# --------------------------------------------------------------------------
# metric-name normalisation shared by the CSV readers
# --------------------------------------------------------------------------


def _canonical(name: str) -> str | None:
    n = name.strip().lower().replace("/", "_").replace("-", "_").replace(" ", "_")
    if n.endswith("_step"):
        return None
    n = re.sub(r"_epoch$", "", n)
    is_val = bool(re.search(r"(^|_)(val|valid|validation|eval|test)(_|$)", n)) or (
        n.startswith("val")
    )
    if re.search(r"(^|_)(lr|learning_rate)(_|$)", n) or n.startswith("lr"):
        return "lr_curve"
    if n in ("epoch_time", "time", "duration", "epoch_duration", "seconds", "epoch_s"):
        return "epoch_time"
    if "acc" in n or "top1" in n:
        if "top5" in n or "top_5" in n:
            return None
        return "val_acc" if is_val else "train_acc"
    if "loss" in n:
        return "val_loss" if is_val else "train_loss"
    return None


def _read_csv_rows(path: PathLike) -> tuple[list[str], list[tuple[int, list[str]]]]:
    with open(path, newline="", encoding="utf-8", errors="replace") as fh:
        lines = list(csv.reader(fh))
    if not lines:
        return [], []
    header = [h.strip() for h in lines[0]]
    rows = []
    for lineno, row in enumerate(lines[1:], start=2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != len(header):
            _warn(
                path,
                lineno,
                f"expected {len(header)} fields, got {len(row)}; "
                "line skipped (truncated or malformed)",
            )
            continue
        rows.append((lineno, row))
    return header, rows


def _curves_from_epoch_rows(
    path: PathLike, header: list[str], rows: list[tuple[int, list[str]]]
) -> dict[str, list[float]]:
    """Aggregate CSV rows to per-epoch curves: the last finite value per epoch."""
    lower = [h.lower() for h in header]
    ep_col = lower.index("epoch") if "epoch" in lower else None
    mapping: dict[int, str] = {}
    for j, h in enumerate(header):
        c = _canonical(h)
        # prefer `<metric>_epoch` over a bare name already mapped
        if c is not None and (c not in mapping.values() or h.lower().endswith("epoch")):
            for k in [k for k, v in mapping.items() if v == c]:
                del mapping[k]
            mapping[j] = c
    per_epoch: dict[int, dict[str, float]] = {}
    for i, (lineno, row) in enumerate(rows):
        try:
            ep = int(float(row[ep_col])) if ep_col is not None else i
            vals = {c: _to_float(row[j]) for j, c in mapping.items()}
        except (ValueError, IndexError) as exc:
            _warn(path, lineno, f"unparseable value ({exc}); line skipped")
            continue
        slot = per_epoch.setdefault(ep, {})
        for c, v in vals.items():
            if np.isfinite(v):
                slot[c] = v
    if not per_epoch:
        return {}
    eps = sorted(per_epoch)
    start = min(eps)
    n = max(eps) - start + 1
    out = {c: [math.nan] * n for c in set(mapping.values())}
    for ep in eps:
        for c, v in per_epoch[ep].items():
            out[c][ep - start] = v
    return out


def _sidecar(path: Path) -> dict[str, Any]:
    """Metadata next to a log: ``<stem>.json``, or ``hparams.yaml`` (Lightning)."""
    meta: dict[str, Any] = {}
    js = path.with_suffix(".json")
    if js.exists():
        try:
            meta.update(json.loads(js.read_text()))
        except (ValueError, OSError) as exc:
            _warn(js, None, f"sidecar JSON unreadable ({exc}); ignored")
    hp = path.parent / "hparams.yaml"
    if hp.exists():
        meta.update(_read_simple_yaml(hp))
    return _normalise_meta(meta)


def _read_simple_yaml(path: Path) -> dict[str, Any]:
    try:
        import yaml  # optional; only flat key: value files are needed

        doc = yaml.safe_load(path.read_text())
        return dict(doc) if isinstance(doc, dict) else {}
    except ImportError:
        pass
    except Exception as exc:  # noqa: BLE001 - any YAML error -> warn, keep going
        _warn(path, None, f"hparams unreadable ({exc}); ignored")
        return {}
    out = {}
    for line in path.read_text().splitlines():
        if ":" in line and not line.startswith((" ", "-", "#")):
            k, v = line.split(":", 1)
            out[k.strip()] = v.strip().strip("'\"")
    return out


_META_ALIASES = {
    "architecture": "arch",
    "net": "arch",
    "model": "arch",
    "layers": "arch",
    "params": "num_params",
    "n_params": "num_params",
    "parameters": "num_params",
    "total_params": "num_params",
    "learning_rate": "lr",
    "flops": "macs",
}


def _normalise_meta(meta: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in meta.items():
        key = _META_ALIASES.get(str(k).lower(), str(k))
        if key == "arch" and isinstance(v, Mapping) and "config" in v:
            v = _keras_model_layers(v)
        out[key] = v
    return out


def _keras_model_layers(model: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Layer dicts from a Keras ``model.to_json()`` document."""
    cfg = model.get("config", {})
    layers = cfg.get("layers", []) if isinstance(cfg, Mapping) else []
    out = []
    for layer in layers:
        c = layer.get("config", {})
        d: dict[str, Any] = {"type": layer.get("class_name", "Layer")}
        for key in ("units", "filters", "kernel_size", "strides", "pool_size", "rate"):
            if key in c:
                d[key] = c[key]
        out.append(d)
    return out


def read_keras_csv(
    path: PathLike, run_id: str | None = None, **meta: Any
) -> pd.DataFrame:
    """Read a Keras ``CSVLogger`` file (``epoch,accuracy,loss,val_accuracy,...``).

    Metadata comes from ``meta`` keywords and from a sidecar ``<stem>.json``
    (e.g. ``{"arch": model.to_json() dict or token list, "num_params": ...}``).

    Parameters
    ----------
    path
        The CSV file.
    run_id
        Defaults to the file stem.
    **meta
        Extra run fields (``arch``, ``num_params``, ``lr``, ...).

    Returns
    -------
    pandas.DataFrame
        A one-row runs table (empty if nothing could be parsed).

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "run.csv")
    >>> _ = open(p, "w").write("epoch,accuracy,loss,val_accuracy,val_loss\\n"
    ...                        "0,0.5,1.2,0.45,1.3\\n1,0.6,1.0,0.55,1.1\\n")
    >>> read_keras_csv(p).loc[0, "val_acc"].tolist()
    [0.45, 0.55]
    """
    return _read_epoch_csv(path, run_id, meta, kind="keras")


def read_lightning_csv(
    path: PathLike, run_id: str | None = None, **meta: Any
) -> pd.DataFrame:
    """Read a PyTorch Lightning ``CSVLogger`` ``metrics.csv``.

    Lightning writes sparse rows (``epoch,step,train_loss_step,val_acc,...``);
    rows are grouped by ``epoch`` keeping the last finite value of each metric,
    and ``*_step`` columns are ignored when an epoch-level one exists.
    ``hparams.yaml`` in the same folder is read for metadata.

    Parameters
    ----------
    path : path
        The ``metrics.csv`` file.
    run_id : str, optional
        The run's id; defaults to the folder name.
    **meta
        Extra metadata columns for the run (e.g. ``arch=...``).

    Returns
    -------
    pandas.DataFrame
        A one-row runs table.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "metrics.csv")
    >>> _ = open(p, "w").write("epoch,step,train_loss,val_acc\\n"
    ...                        "0,9,0.9,\\n0,9,,0.7\\n1,19,0.5,\\n")
    >>> t = read_lightning_csv(p)
    >>> t.loc[0, "train_loss"].tolist(), t.loc[0, "val_acc"].tolist()
    ([0.9, 0.5], [0.7, nan])
    """
    return _read_epoch_csv(path, run_id, meta, kind="lightning")


def _read_epoch_csv(
    path: PathLike, run_id: str | None, meta: Mapping[str, Any], kind: str
) -> pd.DataFrame:
    p = Path(path)
    try:
        header, rows = _read_csv_rows(p)
    except OSError as exc:
        _warn(p, None, f"unreadable ({exc}); file skipped")
        return make_runs_table([])
    if not header:
        _warn(p, 1, "empty file; skipped")
        return make_runs_table([])
    curves = _curves_from_epoch_rows(p, header, rows)
    if not curves:
        _warn(p, None, "no epoch rows could be parsed; file skipped")
        return make_runs_table([])
    rec: dict[str, Any] = {**_sidecar(p), **_normalise_meta(meta), **curves}
    if run_id is None:
        run_id = rec.pop("run_id", None) or (
            f"{p.parent.name}" if kind == "lightning" else p.stem
        )
    rec["run_id"] = run_id
    rec["source"] = str(p)
    return make_runs_table([rec])


# --------------------------------------------------------------------------
# plain-text logs
# --------------------------------------------------------------------------

_NOT_VAL = r"(?i)(?<!val )(?<!valid )(?<!validation )"
_NUM = r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?%?|nan|inf)"


@dataclass(frozen=True)
class LogPattern:
    """Declarative spec of a plain-text log: one regex per field.

    Each regex has one capture group holding the value. A line matching
    ``epoch`` starts (or continues) that epoch; metrics found on it or on the
    following lines belong to the current epoch. A line that looks like an
    epoch marker (``epoch_loose``) but whose number is garbled (``Epoch 3O,``),
    repeats an epoch already logged, or goes back in time is skipped with a
    :class:`LogParseWarning` naming file and line, and so are the metric lines
    after it until the next good marker: one epoch's values never overwrite
    another's. ``timestamp`` + ``time_format`` (``None`` = ISO 8601) give
    per-epoch wall-clock times as the difference of the last timestamps seen
    in consecutive epochs; ``epoch_time`` captures a logged duration in
    seconds directly. ``arch`` captures a whole architecture on one line:
    tokens (``[C(64,3,1), P(2,2)]``) or a JSON / Python literal (a list of
    layer dicts or strings), decoded into structured layers; ``layer``
    captures one layer per line (as in a printed PyTorch module: ``(0):
    Conv2d(3, 64, kernel_size=(3, 3))``), its first group the type and its
    second the arguments. Set a field to ``None`` to disable it.

    ``extra`` declares any other field a log prints: ``name -> regex`` or
    ``name -> (regex, type)`` or ``name -> (regex, type, "epoch")``. Types
    are ``float`` (default; ``1.2G``, ``3,400``, ``45%`` understood), ``int``,
    ``str`` or any callable on the captured text. Run-level fields keep their
    first match and become a column (``num_params``, ``macs`` and ``lr`` fill
    the standard ones); ``"epoch"`` fields become a per-epoch curve column.
    Numeric extra fields are used as features by the predictors.

    Examples
    --------
    >>> pat = LogPattern(val_acc=r"top1=([\\d.]+)",
    ...                  extra={"macs": r"#MACs:\\s*([\\d.]+[kMG]?)"})
    >>> bool(pat.compiled()["val_acc"].search("epoch 3 top1=71.2"))
    True
    >>> pat.extra_fields()[0][:2]
    ('macs', '#MACs:\\\\s*([\\\\d.]+[kMG]?)')
    """

    epoch: str | None = r"(?i)\bepoch\b[\s:=#\[]*(\d+)(?![\w.])"
    epoch_loose: str | None = r"(?i)\bepoch\b[\s:=#\[]*(\d[^\s,;:/\])]*)"
    train_loss: str | None = (
        _NOT_VAL + r"(?<![\w/])(?:train(?:ing)?[_ ])?loss\s*[:=]\s*" + _NUM
    )
    val_loss: str | None = r"(?i)\b(?:val|valid|validation)[_ ]loss\s*[:=]\s*" + _NUM
    train_acc: str | None = (
        _NOT_VAL + r"(?<![\w/])(?:train(?:ing)?[_ ])?acc(?:uracy)?\s*[:=]\s*" + _NUM
    )
    val_acc: str | None = (
        r"(?i)\b(?:val|valid|validation)[_ ]acc(?:uracy)?\s*[:=]\s*" + _NUM
    )
    lr: str | None = r"(?i)\b(?:lr|learning[_ ]rate)\s*[:=]\s*" + _NUM
    epoch_time: str | None = (
        r"(?i)\b(?:epoch[_ ]time|time)\s*[:=]\s*" + _NUM + r"\s*s\b"
    )
    timestamp: str | None = r"^\[?(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?)"
    time_format: str | None = None
    arch: str | None = (
        r"(?i)\b(?:arch(?:itecture)?|net(?:work)?(?:[ _](?:scheme|config))?"
        r"|model|scheme|layers)\s*[:=]\s*(\[.*\])"
    )
    layer: str | None = r"^\s*\([\w.]+\):\s*([A-Z]\w*)\((.*)\)\s*$"
    num_params: str | None = (
        r"(?i)\b(?:total[_ ])?(?:num[_ ])?param(?:eter)?s\s*[:=]\s*([\d,.]+[kKMG]?)"
    )
    run_id: str | None = r"(?i)\brun[_ ]?id\s*[:=]\s*(\S+)"
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.extra_fields()  # validate early: a bad spec fails at construction

    def extra_fields(self) -> list[tuple[str, str, Any, str]]:
        """``(name, regex, type, scope)`` per declared extra field."""
        out = []
        for name, spec in dict(self.extra).items():
            if isinstance(spec, str):
                spec = (spec,)
            if not isinstance(spec, (tuple, list)) or not 1 <= len(spec) <= 3:
                raise ValueError(
                    f"LogPattern.extra[{name!r}] must be a regex, (regex, type) or "
                    f"(regex, type, 'run'|'epoch'); got {spec!r}."
                )
            rx = spec[0]
            typ = spec[1] if len(spec) > 1 else float
            scope = spec[2] if len(spec) > 2 else "run"
            if scope not in ("run", "epoch"):
                raise ValueError(
                    f"LogPattern.extra[{name!r}] scope must be 'run' or 'epoch', "
                    f"got {scope!r}."
                )
            if not callable(typ):
                raise ValueError(
                    f"LogPattern.extra[{name!r}] type must be callable, got {typ!r}."
                )
            try:
                n_groups = re.compile(rx).groups
            except re.error as exc:
                raise ValueError(
                    f"LogPattern.extra[{name!r}]: bad regex ({exc})."
                ) from exc
            if n_groups < 1:
                raise ValueError(
                    f"LogPattern.extra[{name!r}] regex needs a capture group: {rx!r}."
                )
            out.append((str(name), rx, typ, scope))
        return out

    def compiled(self) -> dict[str, re.Pattern[str]]:
        out = {}
        for k, v in self.__dict__.items():
            if k not in ("time_format", "extra") and v is not None:
                out[k] = re.compile(v)
        return out


def _convert(raw: str, typ: Any) -> Any:
    if typ is float:
        return _to_float(raw)
    if typ is int:
        return int(round(_to_float(raw)))
    return typ(raw.strip())


def _parse_time(s: str, fmt: str | None) -> float:
    s = s.replace(",", ".")
    dt = datetime.strptime(s, fmt) if fmt else datetime.fromisoformat(s)
    return dt.timestamp()


def read_text_log(
    path: PathLike,
    pattern: LogPattern | None = None,
    run_id: str | None = None,
    **meta: Any,
) -> pd.DataFrame:
    """Parse a plain-text training log with a :class:`LogPattern`.

    Parameters
    ----------
    path
        The log file.
    pattern
        Field regexes; the default understands ``Epoch 3/20``, ``Epoch 3,``,
        ``loss: 0.4``, ``val_acc=0.81``, ``lr: 1e-3``, ISO timestamps,
        ``arch: [...]`` / ``Network scheme: [{...}, ...]`` lines and printed
        PyTorch modules.
    run_id
        Defaults to a logged ``run_id`` or the file stem.
    **meta
        Extra run fields.

    Returns
    -------
    pandas.DataFrame
        A one-row runs table; empty, with a :class:`LogParseWarning` saying
        why, when the log has no epoch with metrics.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "train.log")
    >>> _ = open(p, "w").write("arch: [C(32,3,1), SM(10)]\\n"
    ...     "2024-01-01 10:00:00 start\\n"
    ...     "2024-01-01 10:00:30 Epoch 1 loss: 1.1 val_acc: 0.41\\n"
    ...     "2024-01-01 10:01:30 Epoch 2 loss: 0.9 val_acc: 0.52\\n")
    >>> t = read_text_log(p)
    >>> t.loc[0, "val_acc"].tolist(), t.loc[0, "epoch_time"].tolist()
    ([0.41, 0.52], [30.0, 60.0])
    """
    p = Path(path)
    pat = pattern or LogPattern()
    rx = pat.compiled()
    extras = [(n, re.compile(r), t, s) for n, r, t, s in pat.extra_fields()]
    try:
        text = p.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        _warn(p, None, f"unreadable ({exc}); file skipped")
        return make_runs_table([])
    epochs: dict[int, dict[str, Any]] = {}
    last_ts: dict[int, float] = {}
    first_ts: float | None = None
    current: int | None = None
    skipping = False  # inside a block after a rejected epoch marker
    rec: dict[str, Any] = {}
    layers: list[str] = []
    metric_keys = ("train_loss", "val_loss", "train_acc", "val_acc", "lr", "epoch_time")
    lines = text.splitlines()
    # with epoch markers, metrics before the first marker are run-level (lr)
    has_markers = "epoch" in rx and any(rx["epoch"].search(ln) for ln in lines)
    for lineno, line in enumerate(lines, start=1):
        if "\x00" in line:
            _warn(p, lineno, "binary garbage; line skipped")
            continue
        try:
            ts = None
            if "timestamp" in rx and (m := rx["timestamp"].search(line)):
                ts = _parse_time(m.group(1), pat.time_format)
            if "arch" in rx and (m := rx["arch"].search(line)):
                rec["arch"] = _arch_value(m.group(1))
                continue
            if "layer" in rx and (m := rx["layer"].search(line)):
                nums = re.findall(r"[-+]?\d+\.?\d*", m.group(2))
                layers.append(f"{m.group(1)}({','.join(nums)})" if nums else m.group(1))
                continue
            if "num_params" in rx and (m := rx["num_params"].search(line)):
                rec["num_params"] = _to_float(m.group(1))
            if "run_id" in rx and (m := rx["run_id"].search(line)):
                rec.setdefault("run_id", m.group(1))
            marker = rx["epoch"].search(line) if "epoch" in rx else None
            loose = rx["epoch_loose"].search(line) if "epoch_loose" in rx else None
            found: dict[str, Any] = {}
            for k in metric_keys:
                if k in rx and (m := rx[k].search(line)):
                    found[k] = _to_float(m.group(1))
            run_level: dict[str, Any] = {}
            for name, erx, typ, scope in extras:
                if m := erx.search(line):
                    v = _convert(m.group(1), typ)
                    (found if scope == "epoch" else run_level)[name] = v
        except (ValueError, OverflowError, TypeError) as exc:
            _warn(p, lineno, f"malformed value ({exc}); line skipped")
            continue
        for name, v in run_level.items():
            rec.setdefault(name, v)
        if marker is not None:
            e = int(marker.group(1))
            done = max((x for x in epochs if epochs[x]), default=None)
            if e == current and not skipping:
                pass  # the same epoch again (a header line, then its metrics)
            elif e in epochs and epochs[e]:
                _warn(
                    p,
                    lineno,
                    f"epoch {e} is logged again; this block is "
                    f"skipped (epoch {e} keeps its first values)",
                )
                skipping = True
                continue
            elif done is not None and e < done:
                _warn(
                    p,
                    lineno,
                    f"epoch {e} comes after epoch {done} (out of "
                    "order); this block is skipped",
                )
                skipping = True
                continue
            else:
                current, skipping = e, False
        elif loose is not None and has_markers:
            after = f" after epoch {current}" if current is not None else ""
            _warn(
                p,
                lineno,
                f"garbled epoch marker {loose.group(0).strip()!r}"
                f"{after}; its metrics are skipped, not merged into another "
                "epoch",
            )
            skipping = True
            continue
        if skipping:
            continue
        if ts is not None:
            if current is None:
                first_ts = ts
            else:
                last_ts[current] = ts
        if found and current is None and has_markers:
            if "lr" in found:
                rec.setdefault("lr", found["lr"])
            continue
        if found:
            if not has_markers:  # every metric line is the next epoch
                current = 0 if not epochs else max(epochs) + 1
                if ts is not None:
                    last_ts[current] = ts
            slot = epochs.setdefault(current, {})
            slot.update(found)
        elif current is not None:
            epochs.setdefault(current, {})
    if not epochs or not any(epochs.values()):
        why = (
            "no line matched the epoch pattern"
            if not has_markers
            else "epoch markers found but no metric on any epoch"
        )
        _warn(
            p,
            None,
            f"no epoch with metrics found ({why}; check the LogPattern); file skipped",
        )
        return make_runs_table([])
    eps = sorted(e for e in epochs if epochs[e])
    start = eps[0]
    n = eps[-1] - start + 1
    curve_names = list(CURVES) + [nm for nm, _, _, sc in extras if sc == "epoch"]
    curves: dict[str, list[Any]] = {c: [math.nan] * n for c in curve_names}
    name = {"lr": "lr_curve"}
    for e in eps:
        for k, v in epochs[e].items():
            curves[name.get(k, k)][e - start] = v
    if last_ts and all(np.isnan(curves["epoch_time"])):
        prev = first_ts
        for e in range(start, start + n):
            if e in last_ts and prev is not None:
                curves["epoch_time"][e - start] = last_ts[e] - prev
            if e in last_ts:
                prev = last_ts[e]
    if layers and "arch" not in rec:
        rec["arch"] = layers
    rec.update(_normalise_meta(meta))
    rec.update(curves)
    rec["run_id"] = run_id or rec.get("run_id") or p.stem
    rec["source"] = str(p)
    rec[_FIELDS_KEY] = [nm for nm, _, _, _ in extras]
    return make_runs_table([rec])


def _arch_value(text: str) -> Any:
    """The architecture as logged: a decoded literal if it is one, else text."""
    decoded = decode_literal(text)
    return decoded if isinstance(decoded, (list, tuple)) else text


# --------------------------------------------------------------------------
# one-row-per-run CSVs and directories
# --------------------------------------------------------------------------


def read_wide_csv(
    path: PathLike,
    arch_col: str | None = None,
    curve_prefix: str = "acc_",
    rename: Mapping[str, str] | None = None,
    run_id_col: str | None = None,
) -> pd.DataFrame:
    """Read a CSV with one row per run and the curve as ``acc_1 .. acc_N`` columns.

    Malformed rows are skipped with a warning.

    Parameters
    ----------
    path
        The CSV file.
    arch_col
        Column holding the architecture (guessed: ``arch``, ``net``, ...).
    curve_prefix
        Prefix of the validation-accuracy curve columns (``acc_1``...).
    rename
        Extra column renames into runs-table names (``{"val_top1": "final_val_acc"}``).
    run_id_col
        Column with run ids (default: the row number).

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "runs.csv")
    >>> text = 'net,lr,acc_1,acc_2\\n"[C(8,3,1), SM(10)]",0.1,0.3,0.4\\n'
    >>> _ = open(p, "w").write(text)
    >>> t = read_wide_csv(p)
    >>> int(t.loc[0, "n_epochs"]), float(t.loc[0, "lr"])
    (2, 0.1)
    """
    p = Path(path)
    header, rows = _read_csv_rows(p)
    if not header:
        raise ValueError(f"{p} is empty.")
    rename = dict(rename or {})
    if arch_col is None:
        arch_col = next(
            (
                h
                for h in header
                if _META_ALIASES.get(h.lower()) == "arch" or h.lower() == "arch"
            ),
            None,
        )
    curve_cols = sorted(
        (h for h in header if re.fullmatch(re.escape(curve_prefix) + r"\d+", h)),
        key=lambda h: int(h[len(curve_prefix) :]),
    )
    recs = []
    for lineno, row in rows:
        d = dict(zip(header, row))
        try:
            rec: dict[str, Any] = {
                "val_acc": [_to_float(d[c]) for c in curve_cols],
                "source": str(p),
                "run_id": d[run_id_col] if run_id_col else str(len(recs)),
            }
            if arch_col:
                rec["arch"] = d[arch_col]
            for h, v in d.items():
                if h in curve_cols or h == arch_col or h == run_id_col:
                    continue
                key = rename.get(h, _META_ALIASES.get(h.lower(), h))
                try:
                    rec[key] = _to_float(v)
                except ValueError:
                    rec[key] = v
        except ValueError as exc:
            _warn(p, lineno, f"malformed row ({exc}); skipped")
            continue
        recs.append(rec)
    return make_runs_table(recs)


def _sniff(path: Path) -> str:
    if path.suffix.lower() != ".csv":
        return "text"
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            head = [h.strip().lower() for h in next(csv.reader(fh), [])]
    except OSError:
        return "text"
    if "epoch" in head and "step" in head:
        return "lightning"
    if "epoch" in head:
        return "keras"
    if any(re.fullmatch(r"acc_\d+", h) for h in head):
        return "wide"
    return "keras"


_LOG_SUFFIXES = {".csv", ".log", ".txt", ".out"}


def read_logs(
    paths: PathLike | Sequence[PathLike], pattern: LogPattern | None = None
) -> pd.DataFrame:
    """Read every training log under ``paths`` into one runs table.

    Files and folders (searched recursively for ``*.csv``, ``*.log``,
    ``*.txt``, ``*.out``) are sniffed: a CSV whose header has ``epoch`` and
    ``step`` is a Lightning ``metrics.csv``, one with ``epoch`` a Keras
    ``CSVLogger`` file, one with ``acc_1..`` columns a one-row-per-run table;
    anything else is a text log parsed with ``pattern``. Unparseable files are
    skipped with a :class:`LogParseWarning`. Run ids are made unique.

    Parameters
    ----------
    paths : path or sequence of paths
        Log files and folders.
    pattern : LogPattern, optional
        How to read text logs; the default understands the common
        ``epoch ... acc ...`` line formats.

    Returns
    -------
    pandas.DataFrame
        One row per run (see :func:`make_runs_table`); empty, with a warning
        per skipped file, when nothing could be read.

    Examples
    --------
    >>> from snorkel_nb.exhaust.datasets import fixture_logs_dir
    >>> read_logs(fixture_logs_dir()).shape[0] >= 3
    True
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(
                f
                for f in p.rglob("*")
                if f.suffix.lower() in _LOG_SUFFIXES and f.is_file()
            )
        elif p.exists():
            files.append(p)
        else:
            _warn(p, None, "does not exist; skipped")
    tables = []
    for f in files:
        kind = _sniff(f)
        try:
            if kind == "lightning":
                t = read_lightning_csv(f)
            elif kind == "keras":
                t = read_keras_csv(f)
            elif kind == "wide":
                t = read_wide_csv(f)
            else:
                t = read_text_log(f, pattern)
        except Exception as exc:  # noqa: BLE001 - a bad file must never crash ingest
            _warn(
                f, None, f"could not be parsed ({type(exc).__name__}: {exc}); skipped"
            )
            continue
        if len(t):
            tables.append(t)
    if not tables:
        return make_runs_table([])
    out = pd.concat(tables, ignore_index=True)
    out.attrs[PARSED_FIELDS] = sorted(
        {f for t in tables for f in t.attrs.get(PARSED_FIELDS, [])}
    )
    dup = out["run_id"].duplicated(keep=False)
    if dup.any():
        out.loc[dup, "run_id"] = [
            f"{r}:{Path(s).parent.name}/{Path(s).name}"
            for r, s in zip(out.loc[dup, "run_id"], out.loc[dup, "source"])
        ]
    return out
