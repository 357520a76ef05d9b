"""Distillation engine without ONNX: servability, soft labels, lineage, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from snorkel_nb.distill import (
    Constraints,
    FeatureSet,
    HashedLinear,
    NonServableFeatureError,
    Teacher,
    TfidfLogReg,
    TorchBag,
    check_finite_features,
    distill,
    load_student,
    save_student,
    select,
    soften,
)

FILLER = [
    "the",
    "video",
    "song",
    "nice",
    "today",
    "music",
    "café",
    "naïve",
    "😀",
    "https://x.io/a?b=1",
    "watch",
    "again",
    "über",
    "love",
    "lol",
]


def synthetic(n: int, seed: int) -> tuple[list[str], np.ndarray]:
    """Texts whose class is planted: 'alpha' = 1, 'omega' = 0, plus filler words."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    texts = [
        " ".join(list(rng.choice(FILLER, 5)) + ["alpha" if c else "omega"]) for c in y
    ]
    return texts, y


class FixedTeacher:
    """Returns the probabilities it was given (rows in input order)."""

    def __init__(self, probs: np.ndarray) -> None:
        self.probs = probs

    def predict_proba(self, X) -> np.ndarray:
        return self.probs[: len(X)]


def unsure_leaning_wrong(y: np.ndarray, seed: int) -> np.ndarray:
    """Teacher sure and right on 30% of rows (0.95), unsure and leaning wrong
    (0.45 on the true class) on the rest: its arg-max is wrong on 70% of rows,
    but its soft labels still favour the true class (0.3*0.95 + 0.7*0.45 = 0.6)."""
    rng = np.random.default_rng(seed)
    sure = rng.random(len(y)) < 0.3
    p_true = np.where(sure, 0.95, 0.45)
    P = np.empty((len(y), 2))
    P[np.arange(len(y)), y] = p_true
    P[np.arange(len(y)), 1 - y] = 1 - p_true
    return P


def test_soft_labels_beat_hard_labels_when_the_teacher_is_unsure():
    texts, y = synthetic(400, seed=0)
    test_texts, y_test = synthetic(200, seed=1)
    teacher = FixedTeacher(unsure_leaning_wrong(y, seed=2))
    soft = distill(teacher, HashedLinear(n_buckets=4096, C=1.0), texts)
    hard = distill(teacher, HashedLinear(n_buckets=4096, C=1.0), texts, soft=False)
    acc_soft, acc_hard = soft.score(test_texts, y_test), hard.score(test_texts, y_test)
    assert acc_soft >= 0.95
    assert acc_hard <= 0.3  # it learned the teacher's wrong arg-max
    assert soft.lineage_.soft and not hard.lineage_.soft


def test_feature_set_rejects_non_servable_and_undeclared_features():
    fs = FeatureSet(servable=["text"], non_servable=["author_count"])
    texts, y = synthetic(50, seed=3)
    P = np.eye(2)[y] * 0.8 + 0.1
    df = pd.DataFrame({"text": texts, "author_count": 1.0})
    with pytest.raises(NonServableFeatureError, match="'author_count' is non-servable"):
        distill(FixedTeacher(P), HashedLinear(n_buckets=256), df, features=fs)
    with pytest.raises(NonServableFeatureError, match="'likes' is not declared"):
        distill(
            FixedTeacher(P),
            HashedLinear(n_buckets=256),
            df[["text"]].assign(likes=3),
            features=fs,
        )
    student = HashedLinear(n_buckets=256, text_column="author_count")
    with pytest.raises(NonServableFeatureError, match="author_count"):
        distill(FixedTeacher(P), student, df["text"].tolist(), features=fs)
    with pytest.raises(ValueError, match="both servable and non-servable"):
        FeatureSet(servable=["a"], non_servable=["a"])
    ok = distill(
        FixedTeacher(P), HashedLinear(n_buckets=256), df[["text"]], features=fs
    )
    assert ok.lineage_.features == {
        "servable": ["text"],
        "non_servable": ["author_count"],
    }


def test_teacher_probabilities_are_cached_and_checked():
    calls = []

    class Counting:
        def predict_proba(self, X):
            calls.append(len(X))
            return np.tile([0.3, 0.7], (len(X), 1))

    t = Teacher(Counting(), name="c", cardinality=2)
    texts = ["a b", "c d"]
    np.testing.assert_allclose(t.predict_proba(texts), t.predict_proba(list(texts)))
    assert calls == [2] and t.cache_info() == {"entries": 1, "hits": 1}
    with pytest.raises(TypeError, match="predict_proba"):
        Teacher(object())


def test_bad_inputs_give_clear_errors():
    texts, y = synthetic(30, seed=4)
    P = np.eye(2)[y] * 0.8 + 0.1
    with pytest.raises(ValueError, match="empty"):
        distill(FixedTeacher(P), HashedLinear(n_buckets=64), [])
    with pytest.raises(
        ValueError,
        match=r"empty or whitespace-only strings, at "
        r"positions \[1\]",
    ):
        distill(FixedTeacher(P), HashedLinear(n_buckets=64), [texts[0], "  "])
    with pytest.raises(ValueError, match=r"positions \[2\] hold \['float'\]"):
        distill(
            FixedTeacher(P),
            HashedLinear(n_buckets=64),
            pd.DataFrame({"text": texts[:2] + [np.nan]}),
        )
    three = np.full((30, 3), 1 / 3)
    with pytest.raises(ValueError, match="3 classes, but 2 were expected"):
        distill(FixedTeacher(three), HashedLinear(n_buckets=64), texts, cardinality=2)
    with pytest.raises(ValueError, match="NaN/inf in rows"):
        bad = P.copy()
        bad[5] = np.nan
        distill(FixedTeacher(bad), HashedLinear(n_buckets=64), texts)
    with pytest.raises(ValueError, match="30 examples"):
        distill(FixedTeacher(P[:10]), HashedLinear(n_buckets=64), texts)
    with pytest.raises(ValueError, match=r"columns \['author_count'\]"):
        check_finite_features(
            pd.DataFrame({"author_count": [1.0, np.nan], "x": [0.0, 1.0]})
        )
    with pytest.raises(ValueError, match="temperature must be > 0"):
        soften(P, 0.0)
    with pytest.raises(RuntimeError, match="not fitted"):
        HashedLinear().predict_proba(["x"])


def test_temperature_softens_and_confidence_weights_reach_the_student():
    P = np.array([[0.1, 0.9], [0.6, 0.4]])
    hot = soften(P, 4.0)
    # p ** (1/T) renormalised, computed by hand for the first row
    want = np.array([0.1, 0.9]) ** 0.25
    np.testing.assert_allclose(hot[0], want / want.sum())
    assert (np.abs(hot - 0.5) < np.abs(P - 0.5)).all()
    seen = {}

    class Spy(HashedLinear):
        def fit(self, texts, probs, sample_weight=None):
            seen.update(probs=probs, weight=sample_weight)
            return super().fit(texts, probs, sample_weight)

    distill(
        FixedTeacher(P),
        Spy(n_buckets=64),
        ["a b", "c d"],
        temperature=4.0,
        confidence_weight=True,
    )
    np.testing.assert_allclose(seen["probs"], hot)
    np.testing.assert_allclose(seen["weight"], [0.9, 0.6])


@pytest.mark.parametrize(
    "make",
    [
        lambda: HashedLinear(n_buckets=512),
        lambda: TfidfLogReg(min_df=1),
        lambda: TorchBag(n_buckets=512, dim=8, hidden=8, epochs=3),
    ],
)
def test_lineage_and_predictions_survive_a_save_load_round_trip(make, tmp_path):
    texts, y = synthetic(120, seed=5)
    P = np.eye(2)[y] * 0.8 + 0.1
    t = Teacher(
        FixedTeacher(P), name="fixed", tasks=("spam",), lf_names=["lf_a", "lf_b"]
    )
    s = distill(t, make(), texts, temperature=2.0)
    lin = s.lineage_
    assert (lin.teacher, lin.tasks, lin.lf_names) == (
        "fixed",
        ("spam",),
        ("lf_a", "lf_b"),
    )
    assert lin.lf_version == t.lf_version and lin.n_rows == 120
    assert lin.temperature == 2.0 and lin.student_kind == s.kind
    other = distill(t, make(), texts[::-1], teacher_probs=P[::-1])
    assert other.lineage_.data_sha256 != lin.data_sha256
    back = load_student(save_student(s, tmp_path / "student.json"))
    assert back.lineage_ == lin
    probe = ["alpha café 😀", "omega über https://x.io"]
    np.testing.assert_allclose(
        back.predict_proba(probe), s.predict_proba(probe), atol=1e-6
    )
    blob = tmp_path / "student.json.npz"
    blob.write_bytes(blob.read_bytes()[:-10])
    with pytest.raises(ValueError, match="Checksum mismatch"):
        load_student(tmp_path / "student.json")


def test_select_picks_the_best_qualifying_and_names_what_each_missed():
    table = pd.DataFrame(
        {
            "candidate": ["teacher", "big", "slow", "ok_a", "ok_b"],
            "role": ["teacher", "student", "student", "student", "student"],
            "dev_accuracy": [np.nan, 0.99, 0.97, 0.90, 0.93],
            "agreement": [1.0, 0.95, 0.95, 0.9, 0.9],
            "p99_ms_b1": [np.nan, 0.2, 5.0, 0.3, 0.4],
            "size_bytes": [np.nan, 9e6, 1e5, 1e5, 2e5],
            "parity": [np.nan, 1e-7, 1e-7, 1e-7, 1e-7],
        }
    )
    c = Constraints(max_p99_ms_b1=1.0, max_size_bytes=1_000_000, min_agreement=0.85)
    marked, best = select(table, c)
    assert best == "ok_b"  # the two better ones each miss one constraint
    assert marked["qualifies"].tolist() == [None, False, False, True, True]
    assert marked.loc[1, "missed"] == "size 9e+06 bytes > 1e+06 bytes"
    assert marked.loc[2, "missed"] == "p99 latency (batch 1) 5 ms > 1 ms"
    strict = Constraints(max_p99_ms_b1=1.0, min_dev_accuracy=0.995)
    marked, best = select(table, strict)
    assert best is None and not marked["qualifies"].iloc[1:].any()
    assert "dev accuracy 0.99 < 0.995" in marked.loc[1, "missed"]
    cpu = Constraints(max_p99_ms_b1=1.0, latency_clock="cpu")
    with_cpu = table.assign(cpu_p99_ms_b1=[np.nan, 2.0, 0.5, 0.5, 0.5])
    marked, best = select(with_cpu, cpu)
    assert best == "slow"  # 5 ms wall but 0.5 ms CPU: judged on CPU time
    assert marked.loc[1, "missed"] == "p99 CPU latency (batch 1) 2 ms > 1 ms"
    with pytest.raises(ValueError, match="latency_clock"):
        Constraints(latency_clock="gpu")
    unmeasured = table.assign(parity=np.nan)
    assert select(unmeasured, c)[1] is None


HASH_TEXTS = [
    "Check out my Café ☕ http://x.co/abc",
    "a b",
    "hello  world\tagain hello",
    "日本語 テキスト 🎉🎉 ok",
    "!!!",
    "zz",
    "one two three four",
]


@pytest.mark.parametrize(
    "n_buckets,word_ngrams,char_ngrams",
    [(16, 2, (2, 4)), (2**16, 2, (2, 4)), (1024, 3, (3, 5))],
)
def test_vectorised_hashing_counts_what_the_reference_counts(
    n_buckets: int, word_ngrams: int, char_ngrams: tuple[int, int]
) -> None:
    """encode_hashed (prefix sums over the joined batch) gives, row by row, the
    l2-normalised counts of the pure-Python reference, whatever the batch."""
    from collections import Counter

    from snorkel_nb.distill.serve import encode_hashed, gram_bucket, hashed_ngrams

    for batch in (HASH_TEXTS, HASH_TEXTS[:1], HASH_TEXTS[4:5], HASH_TEXTS[3:]):
        ids, w = encode_hashed(batch, n_buckets, word_ngrams, char_ngrams)
        assert ids.shape == w.shape == (len(batch), ids.shape[1])
        for r, text in enumerate(batch):
            grams = hashed_ngrams(text, word_ngrams, char_ngrams)
            want = Counter(gram_bucket(k, g, n, n_buckets) for k, g, n in grams)
            norm = np.sqrt(sum(v * v for v in want.values())) or 1.0
            got = {int(i): float(x) for i, x in zip(ids[r], w[r]) if x > 0}
            assert set(got) == set(want), text
            for b, v in want.items():
                assert got[b] == pytest.approx(v / norm, abs=1e-6)


def test_hashing_rejects_character_unigrams() -> None:
    from snorkel_nb.distill.serve import encode_hashed

    with pytest.raises(ValueError, match="char_ngrams"):
        encode_hashed(["a b"], 16, char_ngrams=(1, 3))


def test_a_task_head_of_a_multitask_model_is_a_teacher():
    """One head of the central MultitaskModel teaches a student on that task;
    the lineage names the task and the model class; unknown tasks are refused."""
    from snorkel_nb.distill import task_head_teacher
    from snorkel_nb.multitask import MultitaskModel, TaskGraph

    g = TaskGraph.from_hierarchy(["HUM:ind", "HUM:gr", "LOC:city"])
    texts = (
        ["who was the first president"] * 30
        + ["what team won the cup"] * 30
        + ["which city is the biggest"] * 30
    )
    fine = np.repeat([1, 0, 2], 30)
    mt = MultitaskModel(
        g,
        trunk="text",
        n_epochs=20,
        lr=0.02,
        hidden=(32,),
        emb_dim=32,
        progress_bar=False,
        tfidf={"min_df": 1},
    )
    mt.fit(texts, {"fine": fine})
    teacher = task_head_teacher(mt, "fine", cardinality=3)
    np.testing.assert_allclose(
        teacher.predict_proba(texts), mt.predict_proba(texts, task="fine")
    )
    student = distill(teacher, TfidfLogReg(min_df=1), texts)
    assert (student.predict(texts) == fine).mean() == 1.0
    assert student.lineage_.tasks == ("fine",)
    assert teacher.describe()["teacher_class"] == "MultitaskModel"
    with pytest.raises(ValueError, match="unknown task 'zz'"):
        task_head_teacher(mt, "zz")
