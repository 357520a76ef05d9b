"""ONNX export of every student kind: parity on non-ASCII text, lineage in the
metadata, qualification end to end, and serving with onnxruntime + numpy only."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from snorkel_nb.distill import (
    Constraints,
    FeatureSet,
    HashedLinear,
    NonServableFeatureError,
    ParityError,
    Teacher,
    TfidfLogReg,
    TorchBag,
    distill,
    export_onnx,
    onnx_available,
    predict_texts,
    qualify,
    read_onnx_lineage,
    select,
)

pytestmark = pytest.mark.skipif(
    not onnx_available(),
    reason="onnx / onnxruntime / skl2onnx / onnxscript missing or broken",
)

SERVE = Path(__file__).resolve().parents[2] / "snorkel_nb" / "distill" / "serve.py"
UNSEEN = [
    "Café déjà vu, ÉCOLE naïve — check https://exämple.com/ü?x=1&y=2 😀😀",
    "CHECK OUT my channel!!! http://bit.ly/xyz 👍 Straße İstanbul ΣΑΣ",
    "日本語のコメント、とても良い曲です 🎵",
    "tabs\tand   runs of  spaces\nnew line",
    "x",
    "😀",
]
WORDS = [
    "song",
    "love",
    "great",
    "voice",
    "café",
    "naïve",
    "über",
    "🎵",
    "lol",
    "subscribe",
    "channel",
    "check",
    "http://bit.ly/a",
    "free",
    "win",
    "😀",
]


def corpus(n: int, seed: int) -> tuple[list[str], np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    texts = [
        " ".join(rng.choice(WORDS[8 * c : 8 * c + 8], 4))
        + " "
        + " ".join(rng.choice(WORDS, 2))
        for c in y
    ]
    return texts, y


class Fixed:
    def __init__(self, probs):
        self.probs = probs

    def predict_proba(self, X):
        return self.probs[: len(X)]


@pytest.fixture(scope="module")
def data():
    texts, y = corpus(200, seed=0)
    test, y_test = corpus(60, seed=1)
    P = np.eye(2)[y] * 0.8 + 0.1
    teacher = Teacher(Fixed(P), name="fixed", tasks=("spam",), lf_names=["a", "b"])
    return texts, y, test + UNSEEN, y_test, teacher


@pytest.fixture(scope="module")
def exported(data, tmp_path_factory):
    texts, _, check, _, teacher = data
    out = tmp_path_factory.mktemp("onnx")
    students = {
        "tfidf": TfidfLogReg(min_df=1),
        "hashed": HashedLinear(n_buckets=2048),
        "torch": TorchBag(n_buckets=2048, dim=16, hidden=16, epochs=5),
    }
    results = {}
    for name, s in students.items():
        distill(teacher, s, texts)
        results[name] = (s, export_onnx(s, out / f"{name}.onnx", check))
    return results


@pytest.mark.parametrize("name", ["tfidf", "hashed", "torch"])
def test_onnx_matches_the_student_on_unseen_unicode_text(exported, data, name):
    student, res = exported[name]
    check = data[2]
    assert res.max_abs_diff <= 1e-4 and res.n_checked == len(check)
    got = predict_texts(str(res.path), UNSEEN)
    np.testing.assert_allclose(got, student.predict_proba(UNSEEN), atol=1e-4)
    np.testing.assert_allclose(got.sum(1), 1.0, atol=1e-5)
    # one self-contained file (no external .data side file), dynamic batch size
    assert not list(res.path.parent.glob(f"{name}.onnx.data"))
    assert predict_texts(str(res.path), UNSEEN[:1]).shape == (1, 2)
    lin = read_onnx_lineage(res.path)
    assert lin == student.lineage_ and lin.lf_names == ("a", "b")


def test_parity_gate_fails_loudly(exported, data, tmp_path):
    student, _ = exported["tfidf"]
    with pytest.raises(ParityError, match="differs from the in-memory student"):
        export_onnx(student, tmp_path / "t.onnx", data[2], atol=0.0)


def test_export_refuses_a_non_servable_column(exported, data, tmp_path):
    student, _ = exported["hashed"]
    fs = FeatureSet(servable=["comment"], non_servable=["text"])
    with pytest.raises(NonServableFeatureError, match="'text' is non-servable"):
        export_onnx(student, tmp_path / "h.onnx", data[2], features=fs)


def test_serving_needs_only_onnxruntime_and_numpy(exported, data):
    paths = {name: str(res.path) for name, (_, res) in exported.items()}
    code = textwrap.dedent(f"""
        import importlib.abc, importlib.util, json, sys
        BLOCKED = ("torch", "sklearn", "scipy", "pandas", "skl2onnx", "onnxscript",
                   "snorkel_nb")

        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path, target=None):
                if name.split(".")[0] in BLOCKED:
                    raise ImportError(f"blocked import of {{name}}")
                return None

        sys.meta_path.insert(0, Block())
        spec = importlib.util.spec_from_file_location("serve", {str(SERVE)!r})
        serve = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(serve)
        texts = {UNSEEN!r}
        out = {{k: serve.predict_texts(p, texts).tolist()
               for k, p in {paths!r}.items()}}
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
        print(json.dumps({{"probs": out, "loaded": loaded}}))
    """)
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["loaded"] == []
    for name, (student, _) in exported.items():
        np.testing.assert_allclose(
            result["probs"][name], student.predict_proba(UNSEEN), atol=1e-4
        )


def test_qualify_reports_every_candidate_and_picks_the_best_that_fits(data, tmp_path):
    texts, _, check, y_test, teacher = data
    test = check[: len(y_test)]
    cands = {"tfidf": TfidfLogReg(min_df=1), "hashed": HashedLinear(n_buckets=512)}
    loose = Constraints(max_p99_ms_b1=None)
    q = qualify(
        cands,
        teacher,
        texts,
        X_test=test,
        Y_test=y_test,
        X_dev=test,
        Y_dev=y_test,
        constraints=loose,
        workdir=str(tmp_path),
        n_latency=5,
        latency_batches=(1,),
    )
    t = q.table.set_index("candidate")
    assert list(t.index) == ["fixed", "tfidf", "hashed"]
    for name in cands:
        pred = cands[name].predict(test)
        assert t.loc[name, "accuracy"] == np.mean(pred == y_test)
        assert t.loc[name, "size_bytes"] == (tmp_path / f"{name}.onnx").stat().st_size
        assert t.loc[name, "parity"] <= 1e-4 and t.loc[name, "p99_ms_b1"] > 0
    assert t.loc["fixed", "accuracy"] == np.mean(
        teacher.predict_proba(test).argmax(1) == y_test
    )
    assert q.best in cands and q.message.startswith(f"{q.best} qualifies")
    # only the smaller file fits a size limit between the two
    small, big = sorted(cands, key=lambda n: t.loc[n, "size_bytes"])
    limit = int(t.loc[small, "size_bytes"]) + 1
    marked, best = select(
        q.table, Constraints(max_p99_ms_b1=None, max_size_bytes=limit)
    )
    assert best == small
    assert marked.set_index("candidate").loc[big, "missed"].startswith("size ")
    none = type(q)(
        *select(q.table, Constraints(max_p99_ms_b1=None, max_size_bytes=10)),
        Constraints(max_size_bytes=10),
        q.onnx_paths,
    )
    assert none.best is None
    assert none.message.startswith("none qualifies: tfidf: size ")
    assert "hashed: size " in none.message


@pytest.mark.parametrize("name", ["tfidf", "hashed", "torch"])
def test_the_input_budget_is_served_as_trained(exported, name):
    """Past ``max_chars`` characters (after normalising) nothing changes the
    prediction, in memory or in the exported model: the budget travels in
    the ONNX metadata and bounds the worst-case latency."""
    student, res = exported[name]
    budget = student.config.max_chars
    assert budget is not None
    head = ("Check my channel, great song " * 40)[:budget]
    a, b = head + " spam spam free money " * 20, head + " lovely voice " * 30
    served = predict_texts(str(res.path), [a, b])
    np.testing.assert_allclose(served[0], served[1], atol=1e-6)
    np.testing.assert_allclose(served, student.predict_proba([a, b]), atol=1e-4)
