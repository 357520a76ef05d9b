"""The demo: label YouTube spam comments with ~10 LFs and no hand labels.

Run it with ``python -m snorkel_nb.demo``. It writes LFs with the builders and
the decorator, applies them to the training split (one LF is deliberately
broken), prints the LF summary, majority-vote (and label-model) accuracy on the
test split, and what went wrong in the broken LF. Runs in seconds on 2 cores.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from snorkel_nb.datasets import load_youtube
from snorkel_nb.labeling import (
    ABSTAIN,
    LabelingFunction,
    LFAnalysis,
    MajorityLabelVoter,
    PandasLFApplier,
    keyword_lf,
    labeling_function,
    lookup_lf,
    model_lf,
    regex_lf,
)

HAM, SPAM = 0, 1


@labeling_function()
def short_comment(x) -> int:
    """Ham comments are often short, such as 'cool song'."""
    return HAM if len(x.text.split()) < 5 else ABSTAIN


@labeling_function()
def many_caps(x) -> int:
    """Shouting in capitals is a spam habit."""
    letters = [c for c in x.text if c.isalpha()]
    if len(letters) >= 20 and sum(c.isupper() for c in letters) / len(letters) > 0.6:
        return SPAM
    return ABSTAIN


@labeling_function()
def sixth_word_is_link(x) -> int:
    """Deliberately broken: indexes the sixth word, so short comments raise."""
    return SPAM if x.text.split()[5].startswith("http") else ABSTAIN


def spam_lfs(dev=None) -> list[LabelingFunction]:
    """The demo's LF set for YouTube spam (``dev``: a small labelled DataFrame).

    With ``dev`` given, a TF-IDF logistic regression trained on it joins the set
    as a ``model_lf`` that votes only where it is at least 80% confident.
    """
    lfs: list[LabelingFunction] = [
        keyword_lf(["my"], SPAM, name="keyword_my"),
        keyword_lf(["subscribe"], SPAM, name="keyword_subscribe"),
        keyword_lf(["http", "https", "www"], SPAM, name="keyword_link"),
        keyword_lf(["please", "plz"], SPAM, name="keyword_please"),
        keyword_lf(["song"], HAM, name="keyword_song"),
        regex_lf(r"check.*out", SPAM, name="regex_check_out"),
        lookup_lf("text", {"love", "best", "beautiful", "awesome", "amazing"},
                  label=HAM, match="token", name="lookup_praise"),
        short_comment,
        many_caps,
    ]
    if dev is not None:
        clf = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=1),
                            LogisticRegression(C=10.0, max_iter=1000))
        clf.fit(dev["text"], dev["label"])
        lfs.append(model_lf(clf, threshold=0.8, field="text", name="model_dev_tfidf"))
    return lfs


def main() -> None:
    t0 = time.time()
    train, valid, test = load_youtube()
    print(f"YouTube spam: {len(train)} train / {len(valid)} valid / {len(test)} test comments")
    lfs = spam_lfs(dev=valid) + [sixth_word_is_link]
    applier = PandasLFApplier(lfs)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        L_train = applier.apply(train)
        L_valid = applier.apply(valid, progress_bar=False)
        L_test = applier.apply(test, progress_bar=False)

    analysis = LFAnalysis(L_train, lfs)
    print(f"\nLF summary on the training split (coverage {analysis.label_coverage():.1%}, "
          f"overlap {analysis.label_overlap():.1%}, conflict {analysis.label_conflict():.1%});")
    print("'Emp. Acc.' = empirical accuracy on the points each LF covers, in the valid split:")
    summary = analysis.lf_summary()
    summary["Emp. Acc."] = LFAnalysis(L_valid, lfs).lf_empirical_accuracies(valid["label"])
    print(summary.round(3).to_string())

    mv = MajorityLabelVoter(cardinality=2)
    print("\nTest split (ties broken at random, as a classifier must answer):")
    scores = mv.score(L_test, test["label"], metrics=["accuracy", "f1"],
                      tie_break_policy="random")
    print(f"  majority vote: accuracy {scores['accuracy']:.3f}, F1 {scores['f1']:.3f}")
    try:
        from snorkel_nb.labeling.model import LabelModel
    except ImportError:  # label models not installed in this build
        LabelModel = None
    if LabelModel is not None:
        lm = LabelModel(cardinality=2, seed=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lm.fit(L_train)
        s = lm.score(L_test, test["label"], metrics=["accuracy", "f1"],
                     tie_break_policy="random")
        print(f"  label model:   accuracy {s['accuracy']:.3f}, F1 {s['f1']:.3f}")
        if lm.fit_report_.get("action"):
            print(f"  (label model's guard: {lm.fit_report_['action']})")

    print("\nErrors recorded while applying LFs (the run went on; those rows abstained):")
    for record in applier.errors.values():
        print(f"  {record}")
        last = record.traceback.strip().splitlines()[-1]
        print(f"    traceback ends with: {last}")
    n_warned = sum(issubclass(w.category, RuntimeWarning) for w in caught)
    print(f"  ({n_warned} warnings issued, one per apply; details in applier.errors)")
    print(f"\nDone in {time.time() - t0:.1f}s.")


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    main()
