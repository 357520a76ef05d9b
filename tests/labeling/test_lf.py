import pandas as pd
import pytest

from snorkel_nb.labeling import (
    ABSTAIN,
    LabelingFunction,
    labeling_function,
    preprocessor,
)


def test_decorator_name_resources_and_call():
    @labeling_function(resources={"words": {"spam"}})
    def lf_words(x, words):
        return 1 if any(w in x.text for w in words) else ABSTAIN

    assert lf_words.name == "lf_words"
    assert lf_words(pd.Series({"text": "spam here"})) == 1
    assert lf_words(pd.Series({"text": "ham"})) == ABSTAIN


def test_bare_decorator_refused_as_snorkel_does_and_custom_name():
    with pytest.raises(ValueError, match="missing parentheses"):

        @labeling_function
        def bare(x):
            return 0

    @labeling_function(name="custom")
    def other(x):
        return 0

    assert other.name == "custom"


def test_preprocessor_returning_none_is_an_error_naming_it():
    @preprocessor()
    def drop(x):
        return None

    @labeling_function(pre=[drop])
    def lf(x):
        return 0

    with pytest.raises(ValueError, match="'drop' returned None"):
        lf(pd.Series({"text": "a"}))


def test_preprocessors_run_in_order():
    @preprocessor()
    def lower(x):
        x.text = x.text.lower()
        return x

    @labeling_function(pre=[lower])
    def lf(x):
        return 1 if "check" in x.text else ABSTAIN

    assert lf(pd.Series({"text": "CHECK it"})) == 1
    assert lf.pre[0].name == "lower"


def test_fingerprint_changes_with_code_and_closure():
    def make(word):
        return LabelingFunction("kw", lambda x: 1 if word in x.text else -1)

    assert make("a").fingerprint == make("a").fingerprint
    assert make("a").fingerprint != make("b").fingerprint
    f1 = LabelingFunction("same", lambda x: 1)
    f2 = LabelingFunction("same", lambda x: 0)
    assert f1.fingerprint != f2.fingerprint


def test_name_required():
    with pytest.raises(ValueError, match="non-empty string name"):
        LabelingFunction("", lambda x: 0)
