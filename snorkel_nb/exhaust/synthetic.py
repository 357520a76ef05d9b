"""Synthetic CNN training runs with a planted truth, as records or raw text logs.

The logs mimic what a training script prints: a run id, the architecture as
a JSON list of layer dicts (``Network scheme: [{"kernel_size": 3, "width":
64, "stride": 1, "residual": false}, ...]``), ``#Params`` and ``#MACs`` lines
and one ``Epoch N, ...`` line per epoch. The final accuracy is a known
function of the layers (wider, residual and moderately deep is better) and
the curve saturates slowly, so that early epochs sit far below the final
value: the case where a "gain over the last seen accuracy" target misleads.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["synthetic_cnn_runs", "write_synthetic_logs"]


def _layers(rng: np.random.Generator) -> list[dict[str, Any]]:
    depth = int(rng.integers(3, 10))
    width = int(rng.choice([16, 32, 64]))
    out = []
    for _ in range(depth):
        stride = int(rng.random() < 0.25) + 1
        if stride == 2:
            width = min(width * 2, 512)
        out.append(
            {
                "kernel_size": int(rng.choice([1, 3, 5])),
                "width": width,
                "stride": stride,
                "residual": bool(rng.random() < 0.5),
            }
        )
    return out


def _params_macs(layers: list[dict[str, Any]], size: int = 32) -> tuple[float, float]:
    params = macs = 0.0
    c_in = 3
    for d in layers:
        size = max(1, size // d["stride"])
        p = d["kernel_size"] ** 2 * c_in * d["width"]
        params += p
        macs += p * size * size
        c_in = d["width"]
    return params, macs


def synthetic_cnn_runs(
    n: int = 200, n_epochs: int = 30, seed: int = 0, noise: float = 0.004
) -> list[dict[str, Any]]:
    """Runs with a planted final accuracy and slowly saturating curves.

    Parameters
    ----------
    n : int, default 200
        Number of runs.
    n_epochs : int, default 30
        Logged epochs per run.
    seed : int, default 0
        Seeds the architectures and the noise.
    noise : float, default 0.004
        Standard deviation of the per-epoch accuracy noise.

    Returns
    -------
    list of dict
        ``run_id, arch`` (layer dicts), ``num_params, macs, lr, val_acc``
        (fractions), ``train_loss``, ``epoch_time`` and ``true_final`` (the
        planted asymptote-based final value before noise).

    Examples
    --------
    >>> runs = synthetic_cnn_runs(5, 10)
    >>> len(runs), len(runs[0]["val_acc"]), sorted(runs[0]["arch"][0])
    (5, 10, ['kernel_size', 'residual', 'stride', 'width'])
    """
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        layers = _layers(rng)
        params, macs = _params_macs(layers)
        lw = np.mean([np.log2(d["width"]) for d in layers])
        res = np.mean([d["residual"] for d in layers])
        depth = len(layers)
        final = 0.45 + 0.05 * (lw - 4) + 0.08 * res - 0.006 * (depth - 6) ** 2
        final = float(np.clip(final + rng.normal(0, 0.01), 0.2, 0.97))
        lr = float(rng.choice([0.01, 0.03, 0.1]))
        rate = 0.35 + 2.0 * lr + rng.normal(0, 0.05)  # power-law rate of approach
        t = np.arange(1, n_epochs + 1, dtype=float)
        start = 0.1 + rng.uniform(0, 0.1)
        curve = final - (final - start) * t ** (-max(rate, 0.1))
        curve = curve + rng.normal(0, noise, n_epochs)
        curve = curve + (final - curve[-1]) * (t / n_epochs) ** 4  # ends at final
        loss = 2.3 * (1 - curve) + rng.normal(0, 0.01, n_epochs)
        secs = 2e-9 * macs + 5.0 + rng.normal(0, 0.2, n_epochs)
        out.append(
            {
                "run_id": f"cnn-{i:04d}",
                "arch": layers,
                "num_params": params,
                "macs": macs,
                "lr": lr,
                "val_acc": np.clip(curve, 0.0, 1.0).tolist(),
                "train_loss": loss.tolist(),
                "epoch_time": secs.tolist(),
                "true_final": final,
            }
        )
    return out


def write_synthetic_logs(
    folder: str | os.PathLike,
    n: int = 20,
    n_epochs: int = 30,
    seed: int = 0,
    garble: dict[int, int] | None = None,
) -> list[Path]:
    """Write :func:`synthetic_cnn_runs` as raw-text logs, one ``<run>.log`` each.

    Parameters
    ----------
    folder
        Created if needed.
    n, n_epochs, seed
        As for :func:`synthetic_cnn_runs`.
    garble
        ``{run index: epoch}``: that epoch's marker is printed as OCR-like junk
        (``Epoch 3O,`` for 30: the last digit becomes the letter O, or an O is
        appended).

    Read them with ``read_logs(folder, LogPattern(extra={"macs":
    r"#MACs:\\s*([\\d.,]+[kMG]?)"}))``.

    Examples
    --------
    >>> import tempfile
    >>> paths = write_synthetic_logs(tempfile.mkdtemp(), n=2, n_epochs=3)
    >>> open(paths[0]).read().splitlines()[1][:30]
    'Network scheme: [{"kernel_size'
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, r in enumerate(synthetic_cnn_runs(n, n_epochs, seed)):
        lines = [
            f"Run id: {r['run_id']}",
            f"Network scheme: {json.dumps(r['arch'])}",
            f"#Params: {int(r['num_params']):,}",
            f"#MACs: {r['macs'] / 1e6:.2f}M",
            f"Optimizer: SGD, learning rate: {r['lr']}",
        ]
        for e in range(1, n_epochs + 1):
            mark = str(e)
            if garble and garble.get(i) == e:
                mark = mark[:-1] + "O" if mark.endswith("0") else mark + "O"
            j = e - 1
            lines.append(
                f"Epoch {mark}, train_loss: {r['train_loss'][j]:.4f}, "
                f"val_acc: {100 * r['val_acc'][j]:.2f}%, "
                f"time: {r['epoch_time'][j]:.1f}s"
            )
        p = folder / f"{r['run_id']}.log"
        p.write_text("\n".join(lines) + "\n")
        paths.append(p)
    return paths
