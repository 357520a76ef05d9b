"""Explanation compiler: each grammar form, filter bank, parse errors, row == batch."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from snorkel_nb.labeling.explain import (
    And,
    Contains,
    Count,
    EndsWith,
    Explanation,
    ExplanationCompiler,
    ExplanationParseError,
    FilterBank,
    Matches,
    Not,
    Or,
    StartsWith,
    UpperRatio,
    Within,
    explanation_lf,
    lf_from_spec,
    parse_explanation,
    predicate_from_spec,
)

YT = {"HAM": 0, "SPAM": 1}
TREC = ["ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM"]

TEXTS = [
    "Subscribe to my channel! http://x.com and www.y.org",
    "please check it out now",
    "nice song",
    "check this out",
    "SUBSCRIBED TO YOU!!! LOL",
    "where is the eiffel tower ?",
    "who wrote hamlet ?",
    "who is what ?",
    "I love this song so much, best video ever",
    "",
    None,
    "checkout the views   my   channel",
]
DF = pd.DataFrame({"text": TEXTS})


def first(text, labels=("HAM", "SPAM", "LOC", "HUM")):
    return parse_explanation(text, labels)[0].predicate


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Label SPAM because the comment contains the word 'subscribe'",
            Contains("subscribe"),
        ),
        ("SPAM because it contains a link", Count("links", ">=", 1)),
        ("SPAM because it has more than two links", Count("links", ">", 2)),
        (
            "SPAM because it contains the words 'check' and 'channel'",
            And((Contains("check"), Contains("channel"))),
        ),
        ("HAM because the comment is shorter than 5 words", Count("words", "<", 5)),
        (
            "SPAM because 'check' appears within 3 words before 'out'",
            Within("check", "out", 3, "before"),
        ),
        ("LOC because the question starts with 'where'", StartsWith("where")),
        (
            "HUM because the question contains 'who' and does not contain 'what'",
            And((Contains("who"), Not(Contains("what")))),
        ),
        (
            "This is SPAM because it mentions any of 'free', 'win', 'cash'",
            Or((Contains("free"), Contains("win"), Contains("cash"))),
        ),
        ("SPAM because it ends with 'lol'", EndsWith("lol")),
        ("SPAM because it matches the pattern /check.*out/", Matches("check.*out")),
        ("SPAM because it matches the regex 'sub+scribe'", Matches("sub+scribe")),
        ("SPAM because it is in all caps", UpperRatio(">=", 0.9)),
        ("SPAM because it is mostly uppercase", UpperRatio(">", 0.5)),
        (
            "SPAM because more than 50% of its letters are uppercase",
            UpperRatio(">", 0.5),
        ),
        ("HAM because it has no links", Count("links", "==", 0)),
        ("HAM because it doesn't contain any links", Not(Count("links", ">=", 1))),
        ("HAM because there are no links", Count("links", "==", 0)),
        (
            "SPAM because it has at least 3 exclamation marks",
            Count("exclamation marks", ">=", 3),
        ),
        (
            "SPAM because it is longer than 100 characters",
            Count("characters", ">", 100),
        ),
        ("HAM because it's at most four words long", Count("words", "<=", 4)),
        (
            "SPAM because it contains 'check' at least twice",
            Count("term", ">=", 2, "check"),
        ),
        (
            "SPAM because 'check' is followed by 'out'",
            Within("check", "out", 1, "before"),
        ),
        (
            "SPAM because the word 'subscribe' does not appear",
            Not(Contains("subscribe")),
        ),
        ("If the comment contains a link, label it SPAM", Count("links", ">=", 1)),
        (
            "SPAM because it contains 'a' or it contains 'b' and it contains 'c'",
            Or((Contains("a"), And((Contains("b"), Contains("c"))))),
        ),
        ("SPAM because it asks people to 'follow me'", Contains("follow me")),
    ],
)
def test_grammar_forms(text, expected):
    assert first(text) == expected


def test_ambiguity_yields_several_readings():
    readings = [
        p.predicate
        for p in parse_explanation("SPAM because it contains 'check' and 'channel'", YT)
    ]
    assert And((Contains("check"), Contains("channel"))) in readings
    assert Or((Contains("check"), Contains("channel"))) in readings
    assert Contains("check", "substring") in [
        a for r in readings if isinstance(r, And) for a in r.args
    ]
    # a bare number: at least N, or exactly N
    r2 = [p.predicate for p in parse_explanation("SPAM because it has two links", YT)]
    assert r2 == [Count("links", ">=", 2), Count("links", "==", 2)]
    # multi-word quoted "words": the phrase, or each word
    r3 = [
        p.predicate
        for p in parse_explanation("SPAM because it has the words 'check out'", YT)
    ]
    assert r3 == [Contains("check out"), And((Contains("check"), Contains("out")))]


def test_trec_labels_and_label_position():
    assert (
        parse_explanation("NUM because it starts with 'how many'", TREC)[0].label_name
        == "NUM"
    )
    p = parse_explanation("this is LOC because it starts with 'where'", TREC)[0]
    assert p.label_name == "LOC"


@pytest.mark.parametrize(
    "text, tail",
    [
        ("SPAM because it smells like 'spam'", "smells like 'spam'"),
        ("SPAM because it contains 'a' and blah", "blah"),
        ("SPAM because it has more than many links", "many links"),
    ],
)
def test_unparseable_names_the_part_not_understood(text, tail):
    with pytest.raises(ExplanationParseError) as ei:
        parse_explanation(text, YT)
    msg = str(ei.value)
    assert ei.value.unparsed is not None and tail in ei.value.unparsed
    assert repr(ei.value.unparsed) in msg
    assert "Supported explanation forms" in msg and "starts with 'x'" in msg


def test_unparseable_no_label_and_empty():
    with pytest.raises(ExplanationParseError, match="names none of the labels"):
        parse_explanation("because it contains 'x'", YT)
    with pytest.raises(ExplanationParseError, match="empty"):
        parse_explanation("   ", YT)
    with pytest.raises(ExplanationParseError, match="because"):
        parse_explanation("SPAM contains 'x'", YT)
    with pytest.raises(ValueError):  # ExplanationParseError is a ValueError
        ExplanationCompiler(YT).compile("SPAM because")


@pytest.mark.parametrize(
    "text",
    [
        "SPAM because it contains 'subscribe'",
        "SPAM because it contains a link",
        "SPAM because it has more than 1 link",
        "HAM because the comment is shorter than 5 words",
        "SPAM because 'check' appears within 3 words before 'out'",
        "SPAM because 'out' appears within 2 words of 'check'",
        "SPAM because it is mostly uppercase",
        "SPAM because it ends with 'lol'",
        "LOC because the question starts with 'where'",
        "HUM because it contains 'who' and does not contain 'what'",
        "SPAM because it contains 'my channel' or 'check'",
        "SPAM because it matches /SUB+/",
        "SPAM because it has at least 2 exclamation marks",
        "SPAM because it contains 'check' at least once",
    ],
)
def test_row_and_batch_agree_and_lf_metadata(text):
    labels = {"HAM": 0, "SPAM": 1, "LOC": 2, "HUM": 3}
    for lf in ExplanationCompiler(labels).compile(text):
        batch = np.asarray(lf.batch(DF))
        rows = np.array([lf(DF.iloc[i]) for i in range(len(DF))])
        np.testing.assert_array_equal(batch, rows)
        assert lf.description.startswith(lf.label_name + " because")
        assert lf.spec["builder"] == "explanation_lf"
        assert predicate_from_spec(lf.spec["args"]["parse"]) == lf.predicate
        assert lf_from_spec(lf.spec).fingerprint == lf.fingerprint
        assert lf.name.isidentifier() and len(lf.name) <= 64


def test_applier_uses_batches_and_matches_rows():
    from snorkel_nb.labeling.apply import PandasLFApplier

    comp = ExplanationCompiler(YT)
    lfs = [
        comp.compile(t)[0]
        for t in (
            "SPAM because it contains a link",
            "HAM because it is shorter than 3 words",
            "SPAM because it contains 'check' and has no links",
        )
    ]
    L = PandasLFApplier(lfs).apply(DF, progress_bar=False)
    expect = np.array([[lf(DF.iloc[i]) for lf in lfs] for i in range(len(DF))])
    np.testing.assert_array_equal(L, expect)


def test_semantics_examples():
    c = ExplanationCompiler(YT)
    sub = c.compile("SPAM because it contains the word 'subscribe'")[0]
    assert sub.batch(DF).tolist()[:5] == [
        1,
        -1,
        -1,
        -1,
        -1,
    ]  # 'subscribed' is not 'subscribe'
    link2 = c.compile("SPAM because it has more than one link")[0]
    assert link2.batch(DF)[0] == 1 and (link2.batch(DF)[1:] == -1).all()
    within = c.compile("SPAM because 'check' appears within 2 words before 'out'")[0]
    assert within.batch(DF).tolist()[:4] == [-1, 1, -1, 1]
    phrase = c.compile("SPAM because it contains the phrase 'my channel'")[0]
    assert phrase.batch(DF)[-1] == 1  # any whitespace between the words


def test_export_import_round_trip(tmp_path):
    from snorkel_nb.labeling.source import export_lfs, import_lfs

    lfs = (
        ExplanationCompiler(YT)
        .compile_all(
            [
                "SPAM because it contains a link",
                "HAM because it is shorter than 5 words",
                "SPAM because it contains 'check' and has no links",
            ]
        )
        .lfs
    )
    back = import_lfs(export_lfs(lfs))
    assert [b.name for b in back] == [lf.name for lf in lfs]
    for a, b in zip(lfs, back):
        np.testing.assert_array_equal(a.batch(DF), b.batch(DF))
    assert (
        explanation_lf("SPAM because it contains a link", "SPAM", 1).name
        == "spam_has_links"
    )


# ------------------------------------------------------------------ filter bank
def test_filter_bank_example_filter_picks_the_reading_that_fits():
    comp = ExplanationCompiler(YT)
    res = comp.compile_all(
        [("SPAM because it contains 'subscribe'", "SUBSCRIBED TO YOU")], data=DF
    )
    assert [lf.predicate for lf in res.lfs] == [Contains("subscribe", "substring")]
    first_row = res.report.iloc[0]
    assert (
        not first_row["kept"]
        and "does not label its example as SPAM" in first_row["reason"]
    )


def test_filter_bank_drops_trivial_and_duplicates():
    comp = ExplanationCompiler(YT)
    res = comp.compile_all(
        [
            "SPAM because it contains 'zebra'",  # labels nothing
            "HAM because it has fewer than 1000 characters",  # labels everything
            "SPAM because it contains 'where'",
            "SPAM because it starts with 'where'",  # same votes as the previous one
        ],
        data=DF,
    )
    reasons = res.report.set_index("explanation")["reason"]
    assert (
        reasons["SPAM because it contains 'zebra'"]
        .iloc[0]
        .startswith("trivial: labels no")
    )
    assert reasons["HAM because it has fewer than 1000 characters"].startswith(
        "trivial: labels every"
    )
    dup = res.report[res.report["explanation"] == "SPAM because it starts with 'where'"]
    assert not dup["kept"].any()
    assert (
        dup["reason"].iloc[0].startswith("duplicate: same votes as spam_contains_where")
    )
    assert [lf.name for lf in res.lfs] == ["spam_contains_where"]
    assert "NOTHING kept" in res.summary()


def test_filter_bank_alternatives_and_keep_all():
    comp = ExplanationCompiler(YT)
    exp = "SPAM because it contains 'check' and 'channel'"
    df = pd.DataFrame({"text": ["check my channel", "check this", "channel x", "no"]})
    one = comp.compile_all([exp], data=df)
    assert len(one.lfs) == 1 and one.lfs[0].predicate == And(
        (Contains("check"), Contains("channel"))
    )
    assert one.report["reason"].str.startswith("alternative reading").any()
    every = comp.compile_all([exp], data=df, max_per_explanation=None)
    assert len(every.lfs) > 1
    keys = {lf.batch(df).tobytes() for lf in every.lfs}
    assert len(keys) == len(every.lfs)  # no duplicates survive


def test_filter_bank_without_data_and_name_clash():
    cands = ExplanationCompiler(YT).candidates(
        Explanation("SPAM because it contains a link", example="see http://a.b")
    )
    res = FilterBank(None).filter(cands)
    assert len(res.lfs) == 1 and np.isnan(res.report["coverage"]).all()
    res2 = ExplanationCompiler(YT).compile_all(
        ["SPAM because it contains a link", "SPAM because there is a link"]
    )
    assert [lf.name for lf in res2.lfs] == ["spam_has_links", "spam_has_links_2"]


def test_compile_all_collects_errors():
    comp = ExplanationCompiler(YT)
    with pytest.raises(ExplanationParseError):
        comp.compile_all(["SPAM because it is spammy"])
    res = comp.compile_all(
        ["SPAM because it is spammy", "SPAM because it contains a link"],
        errors="collect",
    )
    assert len(res.lfs) == 1 and len(res.parse_errors) == 1
    assert "UNPARSED ('spammy')" in res.summary()


# ---------------------------------------- forms from issue 24 (first ten minutes)
def test_quoted_terms_may_hold_apostrophes():
    parses = parse_explanation("SPAM because it contains 'i'll' or 'i'm'", YT)
    assert parses[0].predicate == Or(
        (Contains("i'll", "word"), Contains("i'm", "word"))
    )
    lf = explanation_lf("SPAM because it contains 'i'll' or 'i'm'", "SPAM", 1)
    df = pd.DataFrame({"text": ["i'll be there", "ill health", "i'm here", "im"]})
    assert lf.batch(df).tolist() == [1, -1, 1, -1]


def test_quote_pairs_without_inner_apostrophe_still_split():
    parses = parse_explanation("SPAM because it contains 'a' and 'b'", YT)
    assert parses[0].predicate == And((Contains("a", "word"), Contains("b", "word")))


def test_quoted_subject_is_in_the_message():
    parses = parse_explanation("SPAM because 'guaranteed' is in the message", YT)
    assert [p.predicate for p in parses][:2] == [
        Contains("guaranteed", "word"),
        Contains("guaranteed", "substring"),
    ]


def test_phrase_offers_a_substring_reading_and_the_report_says_it_was_kept():
    exp = "SPAM because it contains the phrase 'call now'"
    readings = [p.predicate for p in parse_explanation(exp, YT)]
    assert readings[0] == Contains("call now", "word")  # most literal first
    assert Contains("call now", "substring") in readings
    df = pd.DataFrame(
        {"text": ["call noworries about it", "call now!", "hello", "call me now"]}
    )
    res = ExplanationCompiler(YT).compile_all(
        [(exp, "call noworries, free gift")], data=df
    )
    assert [lf.predicate for lf in res.lfs] == [Contains("call now", "substring")]
    kept = res.report[res.report["kept"]]
    assert kept["reading"].iloc[0].endswith("contains the substring 'call now'")
    dropped = res.report[~res.report["kept"]]
    assert dropped["reason"].str.contains("does not label its example").any()


def test_filter_bank_and_types_do_not_import_the_compiler():
    import ast
    import pathlib

    import snorkel_nb.labeling.explain as pkg

    root = pathlib.Path(pkg.__file__).parent
    for name in ("filter_bank.py", "types.py"):
        tree = ast.parse((root / name).read_text())
        mods = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert "snorkel_nb.labeling.explain.compiler" not in mods, name
