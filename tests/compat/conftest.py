"""Shared data for the Snorkel-tutorial ports: the bundled YouTube spam set."""

import pytest

from snorkel_nb.datasets import load_youtube


@pytest.fixture(scope="session")
def spam():
    """train (gold hidden from the LFs, used only to check), valid (dev), test."""
    return load_youtube()
