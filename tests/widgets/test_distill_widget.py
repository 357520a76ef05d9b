"""TeacherStudentView in plain pytest: table, explorer, chart, export button."""

from __future__ import annotations

import numpy as np
import pandas as pd

from snorkel_nb.distill.qualify import Constraints, Qualification, select
from snorkel_nb.viz.distill import latency_size_scatter
from snorkel_nb.widgets import TeacherStudentView
from snorkel_nb.widgets.distill import disagreements

TEXTS = ["buy now http://x.io 😀", "nice song", "café naïve", "check my channel"]
TEACHER = np.array([[0.1, 0.9], [0.8, 0.2], [0.6, 0.4], [0.3, 0.7]])
STUDENTS = {
    "small": np.array([[0.2, 0.8], [0.7, 0.3], [0.4, 0.6], [0.6, 0.4]]),
    "big": np.array([[0.1, 0.9], [0.9, 0.1], [0.7, 0.3], [0.2, 0.8]]),
}
L = np.array([[1, -1], [-1, 0], [-1, -1], [1, 0]])


def make_view(tmp_path, max_bytes=1000):
    table = pd.DataFrame(
        {
            "candidate": ["teacher", "small", "big"],
            "role": ["teacher", "student", "student"],
            "accuracy": [0.75, 0.5, 1.0],
            "dev_accuracy": [np.nan, 0.6, 0.9],
            "agreement": [1.0, 0.5, 1.0],
            "p99_ms_b1": [np.nan, 0.2, 0.4],
            "size_bytes": [np.nan, 100, 5000],
            "parity": [np.nan, 1e-7, 1e-7],
        }
    )
    c = Constraints(max_p99_ms_b1=1.0, max_size_bytes=max_bytes)
    marked, best = select(table, c)
    paths = {}
    for name in STUDENTS:
        p = tmp_path / "q" / f"{name}.onnx"
        p.parent.mkdir(exist_ok=True)
        p.write_bytes(name.encode())
        paths[name] = p
    q = Qualification(marked, best, c, paths)
    return TeacherStudentView(
        q,
        TEXTS,
        TEACHER,
        STUDENTS,
        L=L,
        lf_names=["spam_kw", "ham_kw"],
        Y=[1, 0, 0, 1],
        export_dir=tmp_path / "out",
    )


def test_table_shows_pass_fail_constraints_and_verdict(tmp_path):
    v = make_view(tmp_path)
    html = v.table.value
    assert html.count("pass") == 1 and html.count("FAIL") == 1
    assert "size 5000 bytes &gt; 1000 bytes" in html
    assert "max_size_bytes=1000" in html
    assert "small qualifies and is chosen" in html
    v2 = make_view(tmp_path, max_bytes=10)
    assert v2.qualification.best is None and "none qualifies" in v2.table.value


def test_explorer_lists_disagreements_with_text_probs_and_lfs(tmp_path):
    v = make_view(tmp_path)
    assert v.candidate == "small"  # the qualifying one is preselected
    # teacher arg-max [1, 0, 0, 1]; small's [1, 0, 1, 0] -> rows 2 and 3 differ
    d = v.disagreement_table
    assert sorted(d["row"]) == [2, 3] and v.n_disagreements == 2
    r3 = d.set_index("row").loc[3]
    assert r3["text"] == "check my channel" and r3["lfs_fired"] == "spam_kw=1, ham_kw=0"
    assert (r3["p_teacher"], r3["p_student"]) == (0.7, 0.4)
    assert "check my channel" in v.explorer.value and "(none)" in v.explorer.value
    v.picker.value = "big"
    assert v.candidate == "big" and v.n_disagreements == 0
    assert "agrees with the teacher on every point" in v.explorer.value


def test_chart_has_one_point_per_student_coloured_by_verdict(tmp_path):
    v = make_view(tmp_path)
    spec = v.chart.chart.to_dict()
    points = spec["layer"][0]
    rows = spec["datasets"][points["data"]["name"]]
    assert sorted((r["candidate"], r["verdict"]) for r in rows) == [
        ("big", "misses a constraint"),
        ("small", "qualifies"),
    ]
    assert len(spec["layer"]) == 3  # points + latency rule + size rule
    df = pd.DataFrame(
        {
            "candidate": ["a"],
            "size_bytes": [np.nan],
            "p99_ms_b1": [1.0],
            "qualifies": [None],
        }
    )
    assert latency_size_scatter(df).to_dict()["layer"][0]["mark"]["type"] == "circle"


def test_export_button_copies_the_selected_onnx_and_calls_back(tmp_path):
    v = make_view(tmp_path)
    seen = []
    v.on_export(lambda name, path: seen.append((name, path.read_bytes())))
    v.export_button.click()
    assert seen == [("small", b"small")]
    assert (tmp_path / "out" / "small.onnx").exists()
    assert "exported to" in v.status.value and "does not qualify" not in v.status.value
    v.picker.value = "big"
    v.export_button.click()
    assert seen[-1] == ("big", b"big") and "does not qualify" in v.status.value
    v.qualification.onnx_paths.pop("big")
    v.export_button.click()
    assert "snb-error" in v.status.value and "did not export" in v.status.value


def test_disagreements_helper_without_lfs_or_gold():
    d = disagreements(TEXTS, TEACHER, STUDENTS["small"])
    assert list(d.columns) == [
        "row",
        "text",
        "teacher",
        "student",
        "p_teacher",
        "p_student",
    ]
    # largest gap first: row 3 (0.7 vs 0.4) before row 2 (0.6 vs 0.4)
    assert d["row"].tolist() == [3, 2]
