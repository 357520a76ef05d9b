"""LabelModel's Snorkel 0.9 surface: fit arguments, instance load, abstains."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from snorkel_nb.labeling.model import DawidSkene, LabelModel, generate_synthetic


def test_every_snorkel_fit_argument_is_accepted():
    d = generate_synthetic(n=1500, m=6, k=2, seed=0)
    lm = LabelModel(cardinality=2, verbose=True, device="cpu")
    with pytest.warns(UserWarning, match="l2, log_freq, lr, lr_scheduler, optimizer"):
        out = lm.fit(
            d.L,
            None,
            None,
            False,
            n_epochs=40,
            lr=0.01,
            l2=0.0,
            optimizer="adam",
            lr_scheduler="constant",
            seed=7,
            log_freq=5,
        )
    assert out is lm  # a deliberate difference: Snorkel returns None
    assert (lm.config.n_epochs, lm.config.seed, lm.config.progress_bar) == (
        40,
        7,
        False,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # honoured arguments warn about nothing
        DawidSkene(2).fit(d.L, n_epochs=20, seed=1, progress_bar=False)
    with pytest.raises(TypeError, match="unexpected keyword argument.*'epochs'"):
        lm.fit(d.L, epochs=3)


def test_load_works_on_an_instance_as_snorkel_users_call_it(tmp_path):
    d = generate_synthetic(n=1500, m=6, k=3, seed=1)
    lm = LabelModel(cardinality=3).fit(d.L)
    lm.save(tmp_path / "lm")
    fresh = LabelModel(cardinality=3)
    assert fresh.load(tmp_path / "lm") is fresh
    np.testing.assert_array_equal(fresh.predict_proba(d.L), lm.predict_proba(d.L))
    np.testing.assert_array_equal(
        LabelModel.load(tmp_path / "lm").predict(d.L), lm.predict(d.L)
    )


def test_all_abstain_rows_predict_minus_one_under_the_default_policy():
    d = generate_synthetic(n=2000, m=5, k=2, seed=2)
    lm = LabelModel(cardinality=2).fit(d.L)
    L = np.array([[-1] * 5, [1, 1, -1, -1, 1]])
    assert lm.predict(L).tolist() == [-1, 1]
    # the probabilities stay the model's (class-conditional abstain rates)
    assert lm.predict(L, tie_break_policy="random")[0] in (0, 1)
    assert np.isclose(lm.predict_proba(L)[0].sum(), 1.0)
