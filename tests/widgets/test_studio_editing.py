"""LFStudio editing, driven as the front end would (no browser): the form, class
names and the label-range error, undo / redo, confirm before Remove, Save / Load
and the autosave with its restart banner, and the code editor's run key."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("ipywidgets")

from snorkel_nb.labeling import ABSTAIN, LabelingFunction  # noqa: E402
from snorkel_nb.labeling.autosave import load_lfs, peek, save_lfs  # noqa: E402
from snorkel_nb.labeling.history import LFHistory  # noqa: E402
from snorkel_nb.labeling.session import LFSession  # noqa: E402
from snorkel_nb.widgets import LFStudio  # noqa: E402
from snorkel_nb.widgets.editor import CodeEditor, TextareaEditor  # noqa: E402

TEXTS = [
    "check out my channel",
    "great song",
    "subscribe to me",
    "love it",
    "check this song",
    "http://spam.example",
    "nice",
    "subscribe and check",
]
CODE = """@labeling_function()
def lf_check(x):
    return 1 if "check" in x.text else ABSTAIN
"""


def make_session(**kw) -> LFSession:
    dev = pd.DataFrame({"text": ["check out", "good song", "subscribe", "meh"]})
    return LFSession(
        pd.DataFrame({"text": TEXTS}),
        dev_df=dev,
        Y_dev=np.array([1, 0, 1, -1]),
        class_names=["ham", "spam"],
        **kw,
    )


def kw(name, word, label=1):
    return LabelingFunction(name, lambda x: label if word in x.text else ABSTAIN)


@pytest.fixture
def studio(tmp_path):
    return LFStudio(
        make_session(), show_matrices=False, autosave=tmp_path / "auto" / "studio.py"
    )


def test_each_tab_shows_only_its_fields_and_labels_are_class_names(studio):
    code_tab, kw_tab, re_tab, lookup_tab = studio.tabs.children

    def descendants(w):
        out = [w]
        for c in getattr(w, "children", ()):
            out += descendants(c)
        return out

    for tab, mode in ((kw_tab, "keyword"), (re_tab, "regex"), (lookup_tab, "lookup")):
        widgets = descendants(tab)
        assert all(studio.forms[mode][k] in widgets for k in ("name", "label", "field"))
        others = [studio.forms[m]["name"] for m in studio.forms if m != mode]
        assert not any(o in widgets for o in others)
    code_widgets = descendants(code_tab)
    assert not any(f[k] in code_widgets for f in studio.forms.values() for k in f)
    assert studio.label.options == (("ham (0)", 0), ("spam (1)", 1))
    studio.tabs.selected_index = 1
    studio.keywords.value = "song"
    studio.label.value = 0
    studio.run_button.click()
    assert studio.session.get("keyword_song").spec["args"]["label"] == 0


def test_out_of_range_label_is_an_error_never_clipped(studio):
    studio.tabs.selected_index = 3
    studio.table.value = "nice: ham\nlove it: spam"  # class names work
    studio.lf_name.value = "by_name"
    studio.run_button.click()
    assert studio.session.get("by_name").spec["args"]["table"] == {
        "nice": 0,
        "love it": 1,
    }
    studio.table.value = "nice: 5"
    studio.lf_name.value = "bad"
    studio.run_button.click()
    assert "is not a class" in studio.status.value and "label '5'" in studio.error
    assert "ham (0), spam (1)" in studio.error and "bad" not in studio.session.names
    with pytest.raises(ValueError, match="not a class"):
        studio.parse_label("eggs")
    # a code LF voting outside 0..k-1 is rejected by the session, shown here
    studio.tabs.selected_index = 0
    studio.code.value = "@labeling_function()\ndef big(x):\n    return 5\n"
    studio.run_button.click()
    assert "was not added" in studio.status.value and "big" not in studio.session.names


def test_undo_redo_add_replace_remove_and_per_lf_versions(studio):
    s = studio.session
    s.upsert(kw("a", "check"))
    s.upsert(kw("b", "song"))
    s.upsert(kw("c", "nice"))
    a_v1 = s.get("a")
    s.upsert(kw("a", "subscribe"))  # replace
    assert s.summary().loc["a", "Coverage"] == pytest.approx(2 / 8)
    studio.lf_select.value = "b"
    studio.remove_button.click()  # asks first
    assert "b" in s.names and studio.confirm_box.layout.display == "flex"
    studio.cancel_button.click()
    assert "b" in s.names and studio.confirm_box.layout.display == "none"
    studio.remove_button.click()
    studio.confirm_button.click()
    assert s.names == ["a", "c"]
    studio.undo_button.click()  # the removed LF returns to its column
    assert s.names == ["a", "b", "c"] and "Undid: remove b" in studio.status.value
    studio.undo_button.click()  # the replace
    assert s.get("a") is a_v1
    assert s.summary().loc["a", "Coverage"] == pytest.approx(3 / 8)
    studio.redo_button.click()
    assert s.summary().loc["a", "Coverage"] == pytest.approx(2 / 8)
    assert studio.redo_button.disabled is False  # the remove can be redone
    studio.redo_button.click()
    assert s.names == ["a", "c"] and studio.redo_button.disabled
    # a new edit clears the redo stack
    studio.undo_button.click()
    s.upsert(kw("d", "love"))
    assert not studio.history.can_redo
    # per-LF history: a was added, replaced, restored (undo), replaced (redo)
    assert [op for op, _ in studio.history.versions("a")] == [
        "add",
        "replace",
        "replace",
        "replace",
    ]
    studio.lf_select.value = "a"
    studio.versions.value = 0
    studio.restore_button.click()
    assert s.get("a") is a_v1 and studio.history.undo_stack[-1].op == "replace"


def test_history_undoes_a_whole_set_replacement():
    s = make_session()
    h = LFHistory(s)
    s.set_lfs([kw("a", "check"), kw("b", "song")])
    s.set_lfs([kw("z", "nice")])
    h.undo()
    assert s.names == ["a", "b"]
    h.undo()
    assert s.names == []
    with pytest.raises(IndexError, match="nothing to undo"):
        h.undo()


def test_save_load_round_trip_keeps_the_label_matrix(studio, tmp_path):
    studio.code.value = CODE
    studio.run_button.click()
    studio.tabs.selected_index = 2
    studio.pattern.value = r"https?://"
    studio.lf_name.value = "link"
    studio.run_button.click()
    L = studio.session.L.copy()
    studio.file_path.value = str(tmp_path / "my_lfs.py")
    studio.save_button.click()
    assert "Saved 2 LFs" in studio.files_status.value
    studio.session.set_lfs([])
    studio.load_button.click()
    assert studio.session.names == ["lf_check", "link"]
    np.testing.assert_array_equal(studio.session.L, L)
    studio.file_path.value = str(tmp_path / "nope.py")
    studio.load_button.click()
    assert "Load failed" in studio.files_status.value
    studio.file_path.value = str(tmp_path / "not_python.txt")
    studio.save_button.click()
    assert "give a .py path" in studio.files_status.value


def test_autosave_and_the_restart_banner(tmp_path):
    path = tmp_path / "auto.py"
    first = LFStudio(make_session(), show_matrices=False, autosave=path)
    first.code.value = CODE
    first.run_button.click()
    first.session.upsert(kw("song", "song", 0))  # edits from code are saved too
    assert peek(path).names == ("lf_check",)  # a plain lambda LF cannot be exported
    assert "Autosave skipped" in first.files_status.value
    first.session.remove("song")
    assert [lf.name for lf in load_lfs(path)] == ["lf_check"]
    assert not list(tmp_path.glob(".auto.py.*.tmp"))  # atomic: no temp file left

    # "Restart & Run All": a new kernel builds an empty session and the studio
    again = LFStudio(make_session(), show_matrices=False, autosave=path)
    assert (
        "Unsaved work found" in again.banner.value and "lf_check" in again.banner.value
    )
    again.session.upsert(kw("other", "love"))  # paused: the autosave is kept
    assert peek(path).names == ("lf_check",)
    reload_button = again.banner_box.children[0]
    reload_button.click()
    assert again.session.names == ["lf_check"] and again.banner.value == ""
    # same LFs as the autosave: no banner; dismissing resumes autosaving
    assert (
        LFStudio(again.session, show_matrices=False, autosave=path).banner.value == ""
    )
    third = LFStudio(make_session(), show_matrices=False, autosave=path)
    third.dismiss_autosave()
    assert peek(path) is not None and peek(path).names == ()


def test_empty_studio_says_what_to_do_first(studio):
    assert "No LFs yet" in studio.hint.value and "Run" in studio.hint.value
    studio.code.value = CODE
    studio.run_button.click()
    assert studio.hint.value == ""


def test_editor_run_key_runs_the_lf(tmp_path):
    if CodeEditor is None:
        pytest.skip("anywidget not installed")
    studio = LFStudio(make_session(), show_matrices=False, autosave=False)
    assert isinstance(studio.code, CodeEditor)
    studio.code.value = CODE
    # what the front end sends on Ctrl+Enter / Shift+Enter
    studio.code._handle_custom_msg({"type": "run"}, [])
    assert studio.session.names == ["lf_check"]
    fallback = LFStudio(
        make_session(), show_matrices=False, autosave=False, editor="textarea"
    )
    assert isinstance(fallback.code, TextareaEditor)
    fallback.code.value = CODE
    fallback.run_button.click()
    assert fallback.session.names == ["lf_check"]


def test_save_lfs_rejects_unexportable_sets(tmp_path):
    with pytest.raises(ValueError, match="cannot export"):
        save_lfs([kw("lam", "x")], tmp_path / "x.py")
    assert not (tmp_path / "x.py").exists()
