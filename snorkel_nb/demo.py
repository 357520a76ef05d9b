"""The demo: label YouTube spam comments with 11 LFs and no hand labels.

Run it with ``python -m snorkel_nb.demo``. It writes LFs with the builders and
the decorator, applies them to the training split (one LF is deliberately
broken), prints the LF summary (graded on valid comments no LF learned from),
majority-vote and label-model accuracy on the test split, what went wrong in
the broken LF, and then what it found and which tutorial to open next.
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
        lookup_lf(
            "text",
            {"love", "best", "beautiful", "awesome", "amazing"},
            label=HAM,
            match="token",
            name="lookup_praise",
        ),
        short_comment,
        many_caps,
    ]
    if dev is not None:
        clf = make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), min_df=1),
            LogisticRegression(C=10.0, max_iter=1000),
        )
        clf.fit(dev["text"], dev["label"])
        lfs.append(model_lf(clf, threshold=0.8, field="text", name="model_dev_tfidf"))
    return lfs


NEXT_STEP = "pip install jupyterlab && jupyter lab tutorials/01_spam.ipynb"


def split_valid(valid, seed: int = 0):
    """Halve the labelled ``valid`` split: one half trains the model LF, the
    other grades every LF, so no LF is graded on the data it learned from.

    Parameters
    ----------
    valid
        The labelled DataFrame to split.
    seed
        Seed of the row permutation.

    Returns
    -------
    tuple of pandas.DataFrame
        ``(dev, held)``: ``len(valid) // 2`` rows and the rest, each with a
        fresh RangeIndex.

    Examples
    --------
    >>> import pandas as pd
    >>> dev, held = split_valid(pd.DataFrame({"x": range(5)}))
    >>> len(dev), len(held), sorted([*dev.x, *held.x])
    (2, 3, [0, 1, 2, 3, 4])
    """
    order = np.random.default_rng(seed).permutation(len(valid))
    half = len(valid) // 2
    dev = valid.iloc[order[:half]].reset_index(drop=True)
    held = valid.iloc[order[half:]].reset_index(drop=True)
    return dev, held


def main() -> None:
    t0 = time.time()
    train, valid, test = load_youtube()
    print(
        f"YouTube spam: {len(train)} train / {len(valid)} valid / {len(test)} test "
        "comments"
    )
    dev, held = split_valid(valid)
    lfs = spam_lfs(dev=dev) + [sixth_word_is_link]
    applier = PandasLFApplier(lfs)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        L_train = applier.apply(train)
        L_held = applier.apply(held, progress_bar=False)
        L_test = applier.apply(test, progress_bar=False)

    analysis = LFAnalysis(L_train, lfs)
    print(
        f"\nLF summary on the training split (coverage "
        f"{analysis.label_coverage():.1%}, overlap {analysis.label_overlap():.1%}, "
        f"conflict {analysis.label_conflict():.1%})."
    )
    print(
        f"'Emp. Acc.' = accuracy on the points each LF votes on, measured on "
        f"{len(held)} valid comments; model_dev_tfidf was trained on the other "
        f"{len(dev)}, so no LF is graded on its own training data:"
    )
    summary = analysis.lf_summary()
    summary["Emp. Acc."] = LFAnalysis(L_held, lfs).lf_empirical_accuracies(
        held["label"]
    )
    print(summary.round(3).to_string())

    mv = MajorityLabelVoter(cardinality=2)
    print(
        f"\nTest split, all {len(test)} comments (ties broken at random, as a "
        "classifier must answer):"
    )
    scores = mv.score(
        L_test, test["label"], metrics=["accuracy", "f1"], tie_break_policy="random"
    )
    print(f"  majority vote: accuracy {scores['accuracy']:.3f}, F1 {scores['f1']:.3f}")
    from snorkel_nb.labeling.model import LabelModel

    lm = LabelModel(cardinality=2, seed=0)
    with warnings.catch_warnings(record=True) as fit_warnings:
        warnings.simplefilter("always")
        lm.fit(L_train)
    s = lm.score(
        L_test, test["label"], metrics=["accuracy", "f1"], tie_break_policy="random"
    )
    print(f"  label model:   accuracy {s['accuracy']:.3f}, F1 {s['f1']:.3f}")
    fell_back = "majority vote" in str(lm.fit_report_.get("action", ""))
    if fell_back:
        print(
            "  The label model found no sign that some LFs deserve more weight "
            "than others here,\n  so it answers exactly as majority vote does "
            f"({len(fit_warnings)} warning(s) kept in lm.fit_report_['problems'])."
        )

    print(
        "\nErrors recorded while applying LFs (the run went on; those rows abstained):"
    )
    for record in applier.errors.values():
        print(f"  {record}")
        last = record.traceback.strip().splitlines()[-1]
        print(f"    traceback ends with: {last}")
    n_warned = sum(issubclass(w.category, RuntimeWarning) for w in caught)
    print(f"  ({n_warned} warnings issued, one per apply; details in applier.errors)")

    best = summary["Emp. Acc."].drop("sixth_word_is_link", errors="ignore")
    weakest = best.idxmin()
    print(
        f"\nWhat this found, in {time.time() - t0:.0f} s and with no hand labels "
        f"on the {len(train)} training comments:"
    )
    print(
        f"  - {len(lfs)} labeling functions vote on "
        f"{analysis.label_coverage():.0%} of the comments; a plain majority of "
        f"their votes labels the test comments {scores['accuracy']:.0%} right."
    )
    print(
        f"  - the weakest working LF is {weakest} ({best[weakest]:.0%} right where "
        "it votes); sixth_word_is_link is broken and shows how errors are kept."
    )
    print("Next: write and test LFs yourself in the first tutorial:")
    print(f"  {NEXT_STEP}")


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    main()
