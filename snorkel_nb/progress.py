"""One progress-bar helper shared by every long loop in snorkel_nb.

Why: ``tqdm`` redraws with carriage returns, which turn a CI log or a file
``2>log`` into one long line of escape codes. Bars are therefore shown only
where something can redraw them: a Jupyter kernel (a widget) or a terminal.
Elsewhere they are disabled; set ``SNORKEL_NB_PROGRESS=1`` to force them on,
``SNORKEL_NB_PROGRESS=0`` to turn them off everywhere.

``tqdm`` is imported on first use, so importing the engine stays fast.
"""

from __future__ import annotations

import os
import sys
from typing import Any

__all__ = ["progress_bar", "progress_enabled"]


def _in_kernel() -> bool:
    """True inside a Jupyter kernel (where ``tqdm.auto`` draws a widget)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:  # pragma: no cover - odd IPython builds
        return False
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def progress_enabled(stream: Any = None) -> bool:
    """Whether a bar should be drawn on ``stream`` (default ``sys.stderr``).

    Examples
    --------
    >>> import io
    >>> progress_enabled(io.StringIO())  # a log file: no carriage returns
    False
    """
    forced = os.environ.get("SNORKEL_NB_PROGRESS", "").strip().lower()
    if forced in {"1", "true", "yes", "on"}:
        return True
    if forced in {"0", "false", "no", "off"}:
        return False
    if _in_kernel():
        return True
    stream = sys.stderr if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # closed stream
        return False


def progress_bar(iterable: Any = None, *, disable: bool = False, **kwargs: Any) -> Any:
    """A ``tqdm`` bar that is silent when nothing can redraw it.

    Parameters
    ----------
    iterable
        Passed to ``tqdm`` (or use ``total=`` and ``update``).
    disable
        Turn the bar off regardless of where output goes (e.g. ``verbose=False``).
    **kwargs
        Any other ``tqdm`` argument (``total``, ``desc``, ``unit``, ``leave``).

    Returns
    -------
    tqdm.tqdm
        Iterates like ``iterable``; disabled when ``disable`` is set or the
        output stream is not a terminal.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> sum(progress_bar(range(3), file=out)), out.getvalue()
    (3, '')
    """
    from tqdm.auto import tqdm

    stream = kwargs.get("file")
    enabled = not disable and progress_enabled(stream)
    return tqdm(iterable, disable=not enabled, **kwargs)
