"""Snorkel 0.9's checks of ``LabelModel.fit``'s optimiser settings.

Why: our label model is not fitted by gradient descent, so ``optimizer``,
``lr_scheduler``, ``lr_scheduler_config`` and ``prec_init`` have no effect
here (one warning says so). A *misspelt* or malformed value is still a bug in
the user's script, and Snorkel rejects it with a ``ValueError`` /
``TypeError``; we reject it the same way, with Snorkel's messages, instead of
warning about a setting that would fail in Snorkel too.

``SnorkelFitChecksMixin`` runs the checks before the model's own ``fit``; it
goes first in the bases: ``class LabelModel(SnorkelFitChecksMixin,
FactorLabeler)``. Messages follow Snorkel 0.9 ``snorkel.labeling.model``
(Apache-2.0, https://github.com/snorkel-team/snorkel).
"""

from __future__ import annotations

import sys
from typing import Any, Mapping

import numpy as np

OPTIMIZERS = ("sgd", "adam", "adamax")
LR_SCHEDULERS = ("constant", "linear", "exponential", "step")
PREC_INIT_TYPES = (int, float, np.integer, np.floating, list, np.ndarray)


def _prec_init_types() -> tuple[type, ...]:
    """The accepted ``prec_init`` types; a tensor only if torch is loaded (a user
    holding a tensor has imported it, so the check never imports torch)."""
    torch = sys.modules.get("torch")
    return PREC_INIT_TYPES + ((torch.Tensor,) if torch is not None else ())


def _field(config: Any, name: str) -> Any:
    """``config[name]`` or ``config.name`` (Snorkel passes dicts or configs)."""
    if config is None:
        return None
    if isinstance(config, Mapping):
        return config.get(name)
    return getattr(config, name, None)


def check_snorkel_fit_options(
    options: Mapping[str, Any], n_lfs: int | None = None
) -> None:
    """Raise as Snorkel's ``LabelModel.fit`` does on a bad optimiser setting.

    Parameters
    ----------
    options
        The Snorkel keyword arguments given to ``fit`` (``optimizer``,
        ``lr_scheduler``, ``lr_scheduler_config``, ``prec_init``, ...).
    n_lfs
        The number of LFs (columns of ``L_train``), to check ``prec_init``'s
        length; ``None`` skips that check.

    Raises
    ------
    ValueError
        On an unknown ``optimizer`` or ``lr_scheduler``, a negative
        ``warmup_steps``, a ``warmup_unit`` other than "epochs", or a
        ``prec_init`` whose length is not ``n_lfs``.
    TypeError
        On a ``prec_init`` of an unsupported type.

    Examples
    --------
    >>> check_snorkel_fit_options({"optimizer": "adam", "prec_init": [0.7, 0.8]}, 2)
    >>> check_snorkel_fit_options({"optimizer": "adagrad"})
    Traceback (most recent call last):
    ...
    ValueError: Unrecognized optimizer option 'adagrad'
    """
    optimizer = options.get("optimizer")
    if optimizer is not None and optimizer not in OPTIMIZERS:
        raise ValueError(f"Unrecognized optimizer option '{optimizer}'")
    scheduler = options.get("lr_scheduler")
    if scheduler is not None and scheduler not in LR_SCHEDULERS:
        raise ValueError(f"Unrecognized lr scheduler option '{scheduler}'")
    sched_config = options.get("lr_scheduler_config")
    steps = _field(sched_config, "warmup_steps")
    if steps:
        if steps < 0:
            raise ValueError("warmup_steps much greater or equal than 0.")
        unit = _field(sched_config, "warmup_unit") or "batches"
        if unit != "epochs":
            raise ValueError(
                "LabelModel does not support any warmup_unit other than 'epochs'."
            )
    if "prec_init" in options:
        prec = options["prec_init"]
        if not isinstance(prec, _prec_init_types()) or isinstance(prec, bool):
            raise TypeError(
                f"prec_init is of type {type(prec)} which is not supported currently."
            )
        if not np.isscalar(prec) and n_lfs is not None:
            shape = np.shape(np.asarray(prec, dtype=float))
            if len(shape) != 1 or shape[0] != n_lfs:
                raise ValueError(f"prec_init must have shape {n_lfs}.")


class SnorkelFitChecksMixin:
    """Check Snorkel's optimiser settings, then run the model's own ``fit``.

    Examples
    --------
    >>> class Fitted:
    ...     def fit(self, L_train, Y_dev=None, class_balance=None,
    ...             progress_bar=None, **kw):
    ...         return "fitted"
    >>> class Model(SnorkelFitChecksMixin, Fitted):
    ...     pass
    >>> Model().fit(np.zeros((4, 3)), lr_scheduler="step")
    'fitted'
    """

    def fit(
        self,
        L_train: Any,
        Y_dev: Any = None,
        class_balance: Any = None,
        progress_bar: bool | None = None,
        **kwargs: Any,
    ) -> Any:
        """Reject a bad Snorkel optimiser setting, then fit as the next class
        in the bases does (for ``LabelModel``: ``FactorLabeler.fit``).

        Parameters
        ----------
        L_train : array-like, scipy.sparse matrix or LabelStats
            [n, m] training label matrix, -1 = abstain.
        Y_dev : array-like, optional
            Dev gold labels, used only to estimate the class balance.
        class_balance : array-like, optional
            [k] class prior; estimated from the data when neither it nor
            ``Y_dev`` is given.
        progress_bar : bool, optional
            Show a progress bar (Snorkel's argument).
        **kwargs
            Snorkel's train config (``n_epochs``, ``seed``, ``lr``,
            ``optimizer``, ``lr_scheduler``, ``prec_init``, ...) and the
            model's own keywords (``dependencies``, ``vote_sets``), passed on.

        Returns
        -------
        object
            What the model's own ``fit`` returns (the fitted model).

        Raises
        ------
        ValueError
            On an unknown ``optimizer`` or ``lr_scheduler``, a negative
            ``warmup_steps``, a ``warmup_unit`` other than "epochs", or a
            ``prec_init`` whose length is not ``m``.
        TypeError
            On a ``prec_init`` of an unsupported type.

        Examples
        --------
        >>> from snorkel_nb.labeling.model import LabelModel
        >>> L = np.array([[0, 1], [1, 1], [0, -1]])
        >>> LabelModel(cardinality=2).fit(L, optimizer="adagrad")
        Traceback (most recent call last):
        ...
        ValueError: Unrecognized optimizer option 'adagrad'
        """
        shape = getattr(L_train, "shape", None)
        n_lfs = shape[1] if shape is not None and len(shape) == 2 else None
        check_snorkel_fit_options(kwargs, n_lfs)
        return super().fit(
            L_train,
            Y_dev,
            class_balance,  # type: ignore[misc]
            progress_bar,
            **kwargs,
        )
