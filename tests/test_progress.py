"""Progress bars write no carriage returns where nothing can redraw them."""

from __future__ import annotations

import io

import pandas as pd

from snorkel_nb.labeling import PandasLFApplier, labeling_function
from snorkel_nb.progress import progress_bar, progress_enabled


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_log_file_gets_no_bar_and_terminal_does(monkeypatch):
    monkeypatch.delenv("SNORKEL_NB_PROGRESS", raising=False)
    log, tty = io.StringIO(), _Tty()
    assert list(progress_bar(range(5), file=log, desc="x")) == [0, 1, 2, 3, 4]
    assert log.getvalue() == ""
    list(progress_bar(range(5), file=tty, desc="x"))
    assert "\r" in tty.getvalue() and "5/5" in tty.getvalue()


def test_environment_variable_forces_either_way(monkeypatch):
    monkeypatch.setenv("SNORKEL_NB_PROGRESS", "1")
    assert progress_enabled(io.StringIO())
    monkeypatch.setenv("SNORKEL_NB_PROGRESS", "0")
    assert not progress_enabled(_Tty())


def test_applier_bar_is_silent_on_a_non_tty_stderr(monkeypatch, capsys):
    monkeypatch.delenv("SNORKEL_NB_PROGRESS", raising=False)

    @labeling_function()
    def has_a(x):
        return 1 if "a" in x.text else -1

    PandasLFApplier([has_a]).apply(pd.DataFrame({"text": ["a", "b"] * 50}))
    assert "\r" not in capsys.readouterr().err  # pytest's captured stderr is no TTY
