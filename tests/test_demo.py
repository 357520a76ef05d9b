import re

from snorkel_nb import demo


def test_demo_runs_and_reports(capsys):
    demo.main()
    out = capsys.readouterr().out
    assert "1586 train / 120 valid / 250 test" in out
    assert "sixth_word_is_link: failed on" in out and "IndexError" in out
    acc = float(re.search(r"majority vote: accuracy ([\d.]+)", out).group(1))
    assert acc > 0.85  # the demo LF set is decent; measured 0.908
    for name in ("keyword_my", "regex_check_out", "lookup_praise", "model_dev_tfidf"):
        assert name in out
