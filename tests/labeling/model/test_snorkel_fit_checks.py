"""Snorkel's Logger and Snorkel's checks of LabelModel.fit's optimiser settings.

Known truths: Snorkel 0.9's documented option names and error messages, and
the logger's line format worked out by hand.
"""

import logging

import numpy as np
import pytest
import torch

from snorkel_nb.labeling.model.logger import Logger
from snorkel_nb.labeling.model.snorkel_internals import (
    SnorkelFitChecksMixin,
    check_snorkel_fit_options,
)


def test_logger_frequency_and_line(caplog):
    logger = Logger(log_freq=3)
    assert [logger.check() for _ in range(7)] == [
        True,
        False,
        False,
        True,
        False,
        False,
        True,
    ]
    with caplog.at_level(logging.INFO, logger="snorkel_nb.labeling.model.logger"):
        logger.log({"train/loss": 0.25, "train/msg": "ok", "t1/valid/acc": 1.0})
    assert caplog.messages == [
        "[6 epochs]: TRAIN:[loss=0.250, msg=ok] VALID:[t1/acc=1.000]"
    ]
    with pytest.raises(ValueError, match="task/split/metric"):
        logger.log({"task1/slice1/train/loss": 0.05})
    with pytest.raises(ValueError, match="log_freq"):
        Logger(log_freq=0)


@pytest.mark.parametrize(
    "options, error, message",
    [
        ({"optimizer": "bad_opt"}, ValueError, "Unrecognized optimizer option"),
        ({"lr_scheduler": "cosine"}, ValueError, "Unrecognized lr scheduler option"),
        (
            {"lr_scheduler_config": {"warmup_steps": 1, "warmup_unit": "batches"}},
            ValueError,
            "does not support any warmup_unit",
        ),
        ({"lr_scheduler_config": {"warmup_steps": 2}}, ValueError, "warmup_unit"),
        ({"prec_init": "0.7"}, TypeError, "prec_init is of type <class 'str'>"),
        ({"prec_init": [0.7, 0.8]}, ValueError, "prec_init must have shape 3"),
        ({"prec_init": np.ones((3, 1))}, ValueError, "prec_init must have shape 3"),
    ],
)
def test_bad_settings_raise_as_in_snorkel(options, error, message):
    with pytest.raises(error, match=message):
        check_snorkel_fit_options(options, n_lfs=3)


@pytest.mark.parametrize(
    "options",
    [{"optimizer": o} for o in ("sgd", "adam", "adamax")]
    + [{"lr_scheduler": s} for s in ("constant", "linear", "exponential", "step")]
    + [
        {"lr_scheduler_config": {"warmup_steps": 3, "warmup_unit": "epochs"}},
        {"lr_scheduler_config": {"warmup_percentage": 0.6}},
        {"prec_init": 0.6},
        {"prec_init": 1},
        {"prec_init": [0.1, 0.2, 0.3]},
        {"prec_init": np.array([0.1, 0.2, 0.3])},
        {"prec_init": torch.ones(3)},
    ],
)
def test_good_settings_pass(options):
    check_snorkel_fit_options(options, n_lfs=3)


def test_mixin_checks_before_the_models_fit():
    calls = []

    class Base:
        def fit(self, L_train, Y_dev=None, class_balance=None, progress_bar=None, **kw):
            calls.append((L_train.shape, Y_dev, progress_bar, kw))
            return self

    class Model(SnorkelFitChecksMixin, Base):
        pass

    L = np.zeros((5, 3))
    m = Model()
    assert m.fit(L, progress_bar=False, n_epochs=3) is m
    assert calls == [((5, 3), None, False, {"n_epochs": 3})]
    with pytest.raises(ValueError, match="prec_init must have shape 3"):
        m.fit(L, prec_init=[0.5, 0.5])
    assert len(calls) == 1  # the model's fit never ran
