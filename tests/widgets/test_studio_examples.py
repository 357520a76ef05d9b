"""Studio examples: paging, search, dev mistakes, highlighted matches, safe HTML."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("ipywidgets")

from snorkel_nb.labeling.builders import keyword_lf, regex_lf  # noqa: E402
from snorkel_nb.labeling.session import LFSession  # noqa: E402
from snorkel_nb.widgets import LFStudio  # noqa: E402
from snorkel_nb.widgets.studio_examples import highlight  # noqa: E402

# 25 "check" rows (numbered), 5 without it; two carry markup / entities
TEXTS = [f"check row {i}" for i in range(23)] + [
    "Don&#39;t check <b>this</b><br />",
    "<script>alert(1)</script> check",
    "song",
    "nice",
    "love",
    "meh",
    "ok",
]
DEV = pd.DataFrame(
    {"text": ["check a", "check b", "check c", "song"], "label": [1, 0, 0, 0]}
)


@pytest.fixture
def studio():
    df = pd.DataFrame({"text": TEXTS, "label": -1})
    s = LFSession(
        df,
        [keyword_lf(["check"], label=1, name="check")],
        dev_df=DEV,
        Y_dev=DEV["label"].to_numpy(),
        class_names=["ham", "spam"],
    )
    return LFStudio(s, show_matrices=False, n_samples=10, autosave=False)


def test_paging_walks_every_labelled_point_once(studio):
    seen = []
    assert studio.prev_button.disabled
    for page in range(3):
        df, total = studio.example_page()
        assert total == 25 and studio.page == page
        seen += df.index.tolist()
        assert f"page {page + 1} of 3 (25 points)" in studio.page_label.value
        studio.next_button.click()
    assert seen == list(range(25)) and studio.next_button.disabled
    assert studio.page == 2  # clamped at the last page
    studio.prev_button.click()
    assert studio.page == 1


def test_search_filters_and_is_marked(studio):
    studio.next_button.click()
    studio.search.value = "ROW 1"  # any case; resets to page 1
    df, total = studio.example_page()
    assert studio.page == 0
    # "row 1", "row 10".."row 19": 11 points
    assert total == 11 and df["text"].str.contains("row 1").all()
    assert "<mark>row 1</mark>" in studio.examples.value


def test_matches_highlighted_and_user_html_never_rendered(studio):
    studio.search.value = "script"
    html = studio.examples.value
    assert "<script>" not in html and "&lt;" in html
    assert "<mark>check</mark>" in html and "<mark>script</mark>" in html
    studio.search.value = "don"
    html = studio.examples.value
    # the entity is decoded for display, then escaped again; the tags show as text
    assert "<mark>Don</mark>&#x27;t" in html and "&amp;#39;" not in html
    assert "&lt;br /&gt;" in html and "<br />" not in html
    # class names, and the data's gold column named gold
    assert (
        "spam (1)" in html and "<th>gold</th>" in html and "<th>label</th>" not in html
    )
    assert "<i>unknown</i>" in html  # gold -1 on the training rows


def test_highlight_escapes_every_piece():
    pat = [re.compile("a<b", re.I), re.compile("b>c")]
    assert highlight("xa<b>cx", pat) == "x<mark>a&lt;b&gt;c</mark>x"  # overlap merged
    assert highlight("&lt;i&gt;", []) == "&lt;i&gt;"
    assert highlight("x" * 10, [], max_chars=4) == "xxxx…"


def test_dev_mistakes_table_lists_the_points_voted_against_gold(studio):
    studio.example_kind.value = "mistakes"
    df, total = studio.example_page()
    # "check b" and "check c" are gold ham; the LF votes spam
    assert total == 2 and df["text"].tolist() == ["check b", "check c"]
    assert df["gold"].tolist() == [0, 0] and df["vote:check"].tolist() == [1, 1]
    html = studio.examples.value
    assert "ham (0)" in html and "<mark>check</mark>" in html


def test_conflict_examples_and_regex_highlight(studio):
    studio.session.upsert(regex_lf(r"row\s+2\d", label=0, name="row2x"))
    studio.lf_select.value = "row2x"
    studio.example_kind.value = "conflicts"
    df, total = studio.example_page()
    assert total == 3 and (df["conflicts_with"] == "check=1").all()  # rows 20-22
    assert "<mark>row 20</mark>" in studio.examples.value
    np.testing.assert_array_equal(df.index, [20, 21, 22])
