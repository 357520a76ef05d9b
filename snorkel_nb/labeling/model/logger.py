"""Logger (Snorkel 0.9 ``snorkel.labeling.model.logger``): epoch metric lines.

Why: Snorkel scripts import it to print training progress at a fixed
frequency; our label model reports through ``fit_report_`` and tqdm, so this
is a small stand-alone helper with Snorkel's names and message format.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any, Mapping

log = logging.getLogger(__name__)


class Logger:
    """Log ``"split/metric"`` or ``"task/split/metric"`` values every ``log_freq``
    units.

    Parameters
    ----------
    log_freq
        Log on every ``log_freq``-th call of :meth:`check` (a positive int).

    Examples
    --------
    >>> logger = Logger(log_freq=2)
    >>> [logger.check() for _ in range(4)]
    [True, False, True, False]
    >>> logger.format({"train/loss": 0.5, "t/valid/acc": 0.75})
    '[3 epochs]: TRAIN:[loss=0.500] VALID:[t/acc=0.750]'
    """

    def __init__(self, log_freq: int) -> None:
        if not isinstance(log_freq, int) or isinstance(log_freq, bool) or log_freq < 1:
            raise ValueError(f"log_freq must be a positive int; got {log_freq!r}")
        self.log_freq = log_freq
        self.unit_count = -1

    def check(self) -> bool:
        """Count one unit (epoch); True when this one should be logged."""
        self.unit_count += 1
        return self.unit_count % self.log_freq == 0

    def format(self, metrics_dict: Mapping[str, Any]) -> str:
        """The log line for ``metrics_dict`` (raises on a badly formed name)."""
        by_split: dict[str, list[str]] = defaultdict(list)
        for full_name, value in metrics_dict.items():
            parts = full_name.split("/")
            if len(parts) not in (2, 3):
                raise ValueError(
                    "Metric should have form task/split/metric or split/metric, "
                    f"not: {full_name}"
                )
            split, metric = parts[-2:]
            name = f"{parts[0]}/{metric}" if len(parts) == 3 else metric
            shown = f"{value:0.3f}" if isinstance(value, float) else f"{value}"
            by_split[split].append(f"{name}={shown}")
        line = f"[{self.unit_count} epochs]:"
        for split in ("train", "valid"):
            if by_split[split]:
                line += f" {split.upper()}:[{', '.join(by_split[split])}]"
        return line

    def log(self, metrics_dict: Mapping[str, Any]) -> None:
        """Write the line for ``metrics_dict`` to the ``logging`` INFO level."""
        log.info(self.format(metrics_dict))
